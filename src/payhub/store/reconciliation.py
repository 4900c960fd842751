"""What a reconciliation run reads, as columnar frames (domain.reconcile's schemas), and what it writes:
runs and exceptions. Frames are read in batches straight from the cursor, never as ORM objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import bindparam, case, exists, func, select, text, update
from sqlalchemy.orm import Session

from payhub.domain.errors import ReconciliationExceptionNotFound, ReconciliationRunNotFound
from payhub.store.db import UTCDateTime
from payhub.store.models import (
    Dispute,
    Payment,
    ReconciliationException,
    ReconciliationRun,
    Refund,
    SettlementBatch,
    SettlementLineRow,
)
from payhub.store.repo import page

BATCH_ROWS = 100_000
_GATEWAY = "(CAST(:gateway AS VARCHAR(40)) IS NULL OR {column} = :gateway)"  # typed: PostgreSQL must know it
_SINCE = bindparam("since", type_=UTCDateTime())  # stored as SQLite writes it, compared the same way

_SETTLEMENT = text(f"""
    SELECT l.id AS line_id, l.batch_id, l.type, l.gateway_reference, l.merchant_reference, l.currency,
           l.gross, l.fee, l.net, l.occurred_at, b.gateway
    FROM settlement_lines l JOIN settlement_batches b ON b.id = l.batch_id
    WHERE l.entity_id = :entity AND l.occurred_at >= :since
      AND {_GATEWAY.format(column="b.gateway")}
    ORDER BY l.batch_id, l.line_no""").bindparams(_SINCE)
_PAYMENTS = text(f"""
    SELECT id AS record_id, id AS payment_id, 'payment' AS kind, gateway_reference, id AS merchant_reference,
           currency, amount_captured AS amount, created_at AS occurred_at,
           CASE WHEN settled_at IS NULL THEN 0 ELSE 1 END AS settled_reported, gateway
    FROM payments
    WHERE entity_id = :entity AND amount_captured > 0 AND created_at >= :since
      AND {_GATEWAY.format(column="gateway")}""").bindparams(_SINCE)
_REFUNDS = text(f"""
    SELECT r.id AS record_id, r.payment_id, 'refund' AS kind, p.gateway_reference, p.id AS merchant_reference,
           r.currency, -r.amount AS amount, r.created_at AS occurred_at, 0 AS settled_reported, p.gateway
    FROM refunds r JOIN payments p ON p.id = r.payment_id
    WHERE r.entity_id = :entity AND r.status = 'succeeded' AND r.created_at >= :since
      AND {_GATEWAY.format(column="p.gateway")}""").bindparams(_SINCE)
_DISPUTES = text(f"""
    SELECT d.id AS record_id, d.payment_id, 'chargeback' AS kind, p.gateway_reference, p.id AS merchant_reference,
           d.currency, -d.amount AS amount, d.opened_at AS occurred_at, 0 AS settled_reported, d.gateway
    FROM disputes d JOIN payments p ON p.id = d.payment_id
    WHERE d.entity_id = :entity AND d.opened_at >= :since AND d.status NOT LIKE 'warning%'
      AND {_GATEWAY.format(column="d.gateway")}""").bindparams(_SINCE)
# a posting's record: the refund it books, else the dispute (source), else the payment; its amount is what it
# moved through clearing, signed as the record's
_GL = text("""
    SELECT COALESCE(p.refund_id, CASE WHEN p.kind LIKE 'chargeback%' THEN p.source_id END, p.payment_id)
               AS record_id,
           p.kind, p.status,
           CASE WHEN p.kind = 'capture' THEN SUM(g.debit) ELSE -SUM(g.debit) END AS amount
    FROM postings p JOIN gl_lines g ON g.posting_id = p.id
    WHERE p.entity_id = :entity AND p.payment_id IS NOT NULL AND p.kind IN ('capture', 'refund', 'chargeback')
      AND p.created_at >= :since
    GROUP BY p.id, p.refund_id, p.source_id, p.payment_id, p.kind, p.status""").bindparams(_SINCE)
_MANUAL = text("""
    SELECT id AS line_id, record_id FROM settlement_lines
    WHERE entity_id = :entity AND match_method = 'manual' AND record_id IS NOT NULL""")
# what PayHub sent as merchant reference besides its payment id: the invoice numbers (Level 2/3 data)
_INVOICE_NUMBERS = text("""
    SELECT id AS payment_id, CAST(level3 AS TEXT) AS level3 FROM payments
    WHERE entity_id = :entity AND amount_captured > 0 AND created_at >= :since
      AND level3 IS NOT NULL""").bindparams(_SINCE)

TEXT, INT = pl.Utf8, pl.Int64
STAMP = pl.Datetime("us", "UTC")
COPY_STAMP = "%Y-%m-%d %H:%M:%S%.f%#z"  # how PostgreSQL's COPY writes a timestamptz
SETTLEMENT_COLUMNS = {"line_id": TEXT, "batch_id": TEXT, "type": TEXT, "gateway_reference": TEXT,
                      "merchant_reference": TEXT, "currency": TEXT, "gross": INT, "fee": INT, "net": INT,
                      "occurred_at": STAMP, "gateway": TEXT}
LEDGER_COLUMNS = {"record_id": TEXT, "payment_id": TEXT, "kind": TEXT, "gateway_reference": TEXT,
                  "merchant_reference": TEXT, "currency": TEXT, "amount": INT, "occurred_at": STAMP,
                  "settled_reported": pl.Boolean, "gateway": TEXT}
GL_COLUMNS = {"record_id": TEXT, "kind": TEXT, "status": TEXT, "amount": INT}


def _frame(s: Session, query: Any, params: dict[str, Any], columns: dict[str, Any], into: Path,
           name: str) -> pl.LazyFrame:
    """The query's rows, typed, spilled to parquet files in `into` and scanned from there: a run holds at most
    a batch in memory while it reads, and the engine streams from the files."""
    if s.get_bind().dialect.name == "postgresql":
        return _copied(s, query, params, columns, into, name)
    overrides = {name: dtype for name, dtype in columns.items() if dtype != STAMP}  # times: text or datetime
    batches = pl.read_database(query, connection=s.connection(), iter_batches=True, batch_size=BATCH_ROWS,
                               execute_options={"parameters": params}, schema_overrides=overrides,
                               infer_schema_length=None)
    written = 0
    for written, batch in enumerate(batches, 1):
        _typed(batch, columns).write_parquet(into / f"{name}-{written:06d}.parquet")
    if not written:
        pl.DataFrame(schema=columns).write_parquet(into / f"{name}-000000.parquet")
    return pl.scan_parquet(into / f"{name}-*.parquet")


def _copied(s: Session, query: Any, params: dict[str, Any], columns: dict[str, Any], into: Path,
            name: str) -> pl.LazyFrame:
    """PostgreSQL: the rows as COPY's CSV, straight to a file (no Python object per row: several times faster
    than fetching), then typed into parquet by a streaming scan. In the read's own transaction, as the other
    frames. CSV tells NULL (an empty field) from an empty string (quoted); times come as `… +00`."""
    compiled = query.compile(dialect=s.get_bind().dialect)
    raw = s.connection().connection.driver_connection
    assert raw is not None
    csv_path, parquet_path = into / f"{name}.csv", into / f"{name}.parquet"
    with raw.cursor() as cursor, cursor.copy(f"COPY ({compiled}) TO STDOUT (FORMAT csv, HEADER)",
                                             {**compiled.params, **params}) as copy, csv_path.open("wb") as out:
        for data in copy:
            out.write(data)
    transport = {c: pl.Utf8 if t == STAMP else pl.Int64 if t == pl.Boolean else t for c, t in columns.items()}
    pl.scan_csv(csv_path, schema=transport).select(
        pl.col(c).str.to_datetime(COPY_STAMP, time_unit="us").dt.convert_time_zone("UTC") if t == STAMP
        else pl.col(c).cast(t) for c, t in columns.items()).sink_parquet(parquet_path)
    csv_path.unlink()
    return pl.scan_parquet(parquet_path)


def _typed(frame: pl.DataFrame, columns: dict[str, Any]) -> pl.DataFrame:
    out = []
    for name, dtype in columns.items():
        col = frame.get_column(name)
        if dtype == STAMP:  # SQLite hands back text, PostgreSQL datetimes (UTC)
            if col.dtype in (pl.Utf8, pl.Null):
                col = col.cast(pl.Utf8).str.to_datetime(time_unit="us").dt.replace_time_zone("UTC")
            elif getattr(col.dtype, "time_zone", None) is None:
                col = col.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
            else:
                col = col.dt.convert_time_zone("UTC").cast(STAMP)
        else:
            col = col.cast(dtype)
        out.append(col.alias(name))
    return pl.DataFrame(out)


def settlement_frame(s: Session, entity_id: str, gateway: str | None, since: datetime,
                     into: Path) -> pl.LazyFrame:
    return _frame(s, _SETTLEMENT, {"entity": entity_id, "gateway": gateway, "since": since}, SETTLEMENT_COLUMNS,
                  into, "settlement")


def ledger_frame(s: Session, entity_id: str, gateway: str | None, since: datetime, into: Path) -> pl.LazyFrame:
    params = {"entity": entity_id, "gateway": gateway, "since": since}
    return pl.concat([_frame(s, q, params, LEDGER_COLUMNS, into, name)
                      for q, name in ((_PAYMENTS, "payments"), (_REFUNDS, "refunds"), (_DISPUTES, "disputes"))])


def invoice_numbers(s: Session, entity_id: str, since: datetime, into: Path) -> pl.LazyFrame:
    """payment_id → the invoice numbers sent to the gateway as merchant reference."""
    raw = _frame(s, _INVOICE_NUMBERS, {"entity": entity_id, "since": since}, {"payment_id": TEXT, "level3": TEXT},
                 into, "level3")
    return raw.select("payment_id", pl.col("level3").str.json_path_match("$.merchant_reference")
                      .alias("invoice_numbers")).drop_nulls("invoice_numbers")


def gl_frame(s: Session, entity_id: str, since: datetime, into: Path) -> pl.LazyFrame:
    return _frame(s, _GL, {"entity": entity_id, "since": since}, GL_COLUMNS, into, "gl")


def manual_frame(s: Session, entity_id: str, into: Path) -> pl.LazyFrame:
    return _frame(s, _MANUAL, {"entity": entity_id}, {"line_id": TEXT, "record_id": TEXT}, into, "manual")


# --- runs and exceptions ---
def known_exceptions(s: Session, entity_id: str) -> dict[str, tuple[str, str]]:
    """fingerprint → (id, status) of the entity's exceptions."""
    return {f: (i, st) for f, i, st in s.execute(select(
        ReconciliationException.fingerprint, ReconciliationException.id, ReconciliationException.status)
        .where(ReconciliationException.entity_id == entity_id))}


def seen_again(s: Session, ids: Sequence[str], run_id: str) -> None:
    if ids:
        s.connection().execute(update(ReconciliationException).where(ReconciliationException.id == bindparam("x"))
                               .values(last_run_id=run_id), [{"x": i} for i in ids])


def clear_unseen(s: Session, entity_id: str, gateway: str | None, run_id: str, since: datetime,
                 now: datetime) -> int:
    """Open exceptions of the run's scope (its gateway, its period) it no longer finds: the break resolved
    itself (a late batch paid the payment out, a posting was retried)."""
    q = (update(ReconciliationException)
         .where(ReconciliationException.entity_id == entity_id, ReconciliationException.status == "open",
                ReconciliationException.last_run_id != run_id, ReconciliationException.occurred_at >= since)
         .values(status="resolved", resolution="cleared", resolved_at=now,
                 resolution_reason=f"No longer found by run {run_id}")
         .execution_options(synchronize_session=False))
    if gateway:
        q = q.where(ReconciliationException.gateway == gateway)
    return int(s.execute(q).rowcount)  # type: ignore[attr-defined]


def abandon_stale_runs(s: Session, entity_id: str, started_before: datetime, now: datetime) -> int:
    """Runs still `running` that started long ago: the process running them stopped (they wrote nothing)."""
    return int(s.execute(update(ReconciliationRun).where(
        ReconciliationRun.entity_id == entity_id, ReconciliationRun.status == "running",
        ReconciliationRun.started_at < started_before).values(
        status="failed", finished_at=now, error="Abandoned: the process running it stopped")
        .execution_options(synchronize_session=False)).rowcount)  # type: ignore[attr-defined]


def last_run(s: Session, entity_id: str) -> ReconciliationRun | None:
    return s.scalar(select(ReconciliationRun).where(ReconciliationRun.entity_id == entity_id)
                    .order_by(ReconciliationRun.started_at.desc()).limit(1))


def entities_with_settlement(s: Session) -> list[str]:
    return list(s.scalars(select(SettlementBatch.entity_id).distinct()))


def list_runs(s: Session, entity_id: str, *, gateway: str | None, status: str | None, limit: int,
              starting_after: str | None) -> tuple[Sequence[ReconciliationRun], bool]:
    q = select(ReconciliationRun).where(ReconciliationRun.entity_id == entity_id)
    if gateway:
        q = q.where(ReconciliationRun.gateway == gateway)
    if status:
        q = q.where(ReconciliationRun.status == status)
    return page(s, q, ReconciliationRun.id, limit, starting_after)


def get_run(s: Session, entity_id: str, run_id: str) -> ReconciliationRun:
    run = s.get(ReconciliationRun, run_id)
    if run is None or run.entity_id != entity_id:
        raise ReconciliationRunNotFound(f"No reconciliation run {run_id}")
    return run


def list_exceptions(s: Session, entity_id: str, *, class_: str | None, status: str | None, gateway: str | None,
                    run_id: str | None, payment_id: str | None, occurred_gte: datetime | None,
                    occurred_lt: datetime | None, limit: int,
                    starting_after: str | None) -> tuple[Sequence[ReconciliationException], bool]:
    e = ReconciliationException
    q = select(e).where(e.entity_id == entity_id)
    for column, value in ((e.class_, class_), (e.status, status), (e.gateway, gateway), (e.run_id, run_id),
                          (e.payment_id, payment_id)):
        if value:
            q = q.where(column == value)
    if occurred_gte:
        q = q.where(e.occurred_at >= occurred_gte)
    if occurred_lt:
        q = q.where(e.occurred_at < occurred_lt)
    return page(s, q, e.id, limit, starting_after)


def get_exception(s: Session, entity_id: str, exception_id: str, *, lock: bool = False) -> ReconciliationException:
    row = s.get(ReconciliationException, exception_id, with_for_update=lock, populate_existing=lock)
    if row is None or row.entity_id != entity_id:
        raise ReconciliationExceptionNotFound(f"No reconciliation exception {exception_id}")
    return row


def settlement_line(s: Session, entity_id: str, line_id: str) -> SettlementLineRow | None:
    row = s.get(SettlementLineRow, line_id)
    return row if row is not None and row.entity_id == entity_id else None


# --- the daily report ---
def day_lines(s: Session, entity_id: str, gateway: str | None, day: date) -> list[tuple[Any, ...]]:
    """Per currency, line type and whether an open exception names the line: count, gross, fees, net."""
    e = ReconciliationException
    broken = exists().where(e.settlement_line_id == SettlementLineRow.id, e.status == "open").correlate(
        SettlementLineRow)
    unmatched = case((broken, True), else_=False).label("unmatched")
    return list(s.execute(
        select(SettlementLineRow.currency, SettlementLineRow.type, unmatched, func.count(),
               func.sum(SettlementLineRow.gross), func.sum(SettlementLineRow.fee), func.sum(SettlementLineRow.net))
        .join(SettlementBatch, SettlementBatch.id == SettlementLineRow.batch_id)
        .where(SettlementLineRow.entity_id == entity_id, *([SettlementBatch.gateway == gateway] if gateway else []),
               SettlementLineRow.occurred_at >= _utc(day), SettlementLineRow.occurred_at < _utc(day, 1))
        .group_by(SettlementLineRow.currency, SettlementLineRow.type, unmatched)).all())


def day_exceptions(s: Session, entity_id: str, gateway: str | None, day: date) -> list[tuple[Any, ...]]:
    """Per class, currency and status: count and the sum of differences, of breaks that occurred that day."""
    e = ReconciliationException
    return list(s.execute(
        select(e.class_, e.currency, e.status, func.count(), func.sum(e.difference))
        .where(e.entity_id == entity_id, *([e.gateway == gateway] if gateway else []), e.occurred_at >= _utc(day),
               e.occurred_at < _utc(day, 1))
        .group_by(e.class_, e.currency, e.status)).all())


def _utc(day: date, plus_days: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=plus_days)


def record_exists(s: Session, entity_id: str, record_id: str) -> bool:
    """Whether the id is a payment, refund or dispute of the entity."""
    rows = (s.get(Payment, record_id), s.get(Refund, record_id), s.get(Dispute, record_id))
    return any(row is not None and row.entity_id == entity_id for row in rows)
