"""A reconciliation run: read the entity's settlement lines, payments, refunds, disputes and GL postings as
columnar frames, let the engine (domain.reconcile) match them three ways, and keep what does not agree.

Exceptions are found again by each run through their fingerprint: one that is still there stays open (and is
not announced twice), one that is gone (a late batch paid the payment out) is cleared, and a new one emits
`reconciliation.exception` with both sides' data and the proposed fix. The run ends with one
`reconciliation.completed` event carrying its summary. State, exceptions and events commit together."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import structlog

from payhub.domain.events import EventType
from payhub.domain.reconcile import ReconcileConfig, Summary, propose, reconcile
from payhub.domain.settlement import ReconciliationSettings
from payhub.ids import new_id
from payhub.reconciliation.views import exception_view, proposal_view, run_view
from payhub.services import Services
from payhub.store import leases, repo
from payhub.store import reconciliation as store
from payhub.store.models import Entity, ReconciliationException, ReconciliationRun

log = structlog.get_logger(__name__)

SCHEDULE_LEASE = timedelta(minutes=30)  # one worker reconciles at a time; a crashed one's turn expires
STALE_RUN = timedelta(hours=2)  # a run `running` for longer was abandoned by a process that stopped


def settings_of(svc: Services, entity_id: str) -> ReconciliationSettings:
    with svc.read() as s:
        entity = s.get(Entity, entity_id)
        return ReconciliationSettings.from_dict(entity.reconciliation if entity else None)


def run(svc: Services, entity_id: str, gateway: str | None = None, trigger: str = "api",
        as_of: datetime | None = None) -> ReconciliationRun:
    """One run over the entity's last `lookback_days` (one gateway's, or all). Returns the finished run; a
    run that fails is recorded `failed` with the reason, and the error is raised."""
    settings = settings_of(svc, entity_id)
    now = svc.clock.now()
    as_of = as_of or now
    with svc.transaction() as s:
        repo.settings_of(s, entity_id)  # the entity exists
        store.abandon_stale_runs(s, entity_id, now - STALE_RUN, now)
        row = ReconciliationRun(id=new_id("rcr"), entity_id=entity_id, gateway=gateway, trigger=trigger,
                                status="running", as_of=as_of, started_at=now, summary={})
        s.add(row)
    try:
        since = as_of - timedelta(days=settings.lookback_days)
        with tempfile.TemporaryDirectory(prefix="payhub-reconcile-") as spill:
            into = Path(spill)
            with svc.read() as s:
                settlement = store.settlement_frame(s, entity_id, gateway, since, into)
                ledger = store.ledger_frame(s, entity_id, gateway, since, into)
                gl = store.gl_frame(s, entity_id, since, into)
                manual = store.manual_frame(s, entity_id, into)
                numbers = store.invoice_numbers(s, entity_id, since, into)
                rules = repo.settings_of(s, entity_id).posting_rules
            settlement = _by_payment_id(settlement, numbers)
            result = reconcile(settlement.drop("gateway"), ledger.drop("gateway"), gl, _config(settings, as_of),
                               manual=manual)
            exceptions = _with_context(result.exceptions, settlement, ledger)
            counts = {"lines": settlement.select(pl.len()).collect().item(),
                      "records": ledger.select(pl.len()).collect().item()}
        with svc.transaction() as s:
            finished = svc.clock.now()
            done = _keep(svc, s, entity_id, gateway, row.id, exceptions, rules, since, finished)
            current = store.get_run(s, entity_id, row.id)
            current.status, current.finished_at = "completed", finished
            current.summary = {**_summary(result.summary), **counts, **done}
            repo.add_event(s, entity_id, EventType.RECONCILIATION_COMPLETED, run_view(current), finished)
            view = run_view(current)
    except Exception as error:
        with svc.transaction() as s:
            failed = store.get_run(s, entity_id, row.id)
            failed.status, failed.finished_at = "failed", svc.clock.now()
            failed.error = f"{type(error).__name__}: {error}"[:2000]
        log.exception("reconciliation.failed", entity=entity_id, run=row.id)
        raise
    log.info("reconciliation.completed", entity=entity_id, run=row.id, **{k: v for k, v in view["summary"].items()
                                                                         if isinstance(v, int)})
    with svc.read() as s:
        return store.get_run(s, entity_id, row.id)


def run_due(svc: Services, holder: str) -> list[str]:
    """The worker's schedule: reconcile each entity with settlement on record whose last run is older than its
    `every_hours`. One worker at a time (a lease); returns the runs made."""
    with svc.transaction() as s:
        if not leases.take_lease(s, "reconciliation", holder, svc.clock.now(), SCHEDULE_LEASE):
            return []
        entities = store.entities_with_settlement(s)
    made: list[str] = []
    try:
        for entity_id in entities:
            every = settings_of(svc, entity_id).every_hours
            with svc.read() as s:
                last = store.last_run(s, entity_id)
            if not every or (last is not None and last.started_at > svc.clock.now() - timedelta(hours=every)):
                continue
            try:
                made.append(run(svc, entity_id, trigger="schedule").id)
            except Exception:  # recorded on the run; the other entities still reconcile
                continue
    finally:
        with svc.transaction() as s:
            leases.release_lease(s, "reconciliation", holder, svc.clock.now())
    return made


def _config(settings: ReconciliationSettings, as_of: datetime) -> ReconcileConfig:
    return ReconcileConfig(as_of=as_of, date_window=timedelta(days=settings.date_window_days),
                           unsettled_after=timedelta(days=settings.unsettled_after_days),
                           fee_rate_bps=settings.fee_rate_bps, fee_fixed=settings.fee_fixed,
                           fee_tolerance=settings.fee_tolerance)


def _by_payment_id(settlement: pl.LazyFrame, numbers: pl.LazyFrame) -> pl.LazyFrame:
    """Lines whose merchant reference is the invoice numbers PayHub sent (Stripe's metadata) refer to the
    payment by its id, as the ledger's merchant reference does, when exactly one payment sent those numbers."""
    unique = (numbers.group_by("invoice_numbers").agg(pl.col("payment_id").first(), pl.len().alias("n"))
              .filter(pl.col("n") == 1).drop("n"))
    # the engine breaks ties between identical lines by their order: the join must keep it
    return (settlement.join(unique, left_on="merchant_reference", right_on="invoice_numbers", how="left",
                            maintain_order="left")
            .with_columns(pl.coalesce("payment_id", "merchant_reference").alias("merchant_reference"))
            .drop("payment_id"))


def _with_context(exceptions: pl.DataFrame, settlement: pl.LazyFrame, ledger: pl.LazyFrame) -> pl.DataFrame:
    """The gateway of each exception (its line's, else its record's), and its record's date for those with no
    settlement line."""
    by_line = settlement.select("line_id", pl.col("gateway").alias("_line_gateway")).join(
        exceptions.lazy().select("line_id").drop_nulls().unique(), on="line_id", how="semi")
    by_record = ledger.select("record_id", pl.col("gateway").alias("_record_gateway"),
                              pl.col("occurred_at").alias("record_occurred_at")).join(
        exceptions.lazy().select("record_id").drop_nulls().unique(), on="record_id", how="semi").unique("record_id")
    return (exceptions.lazy().join(by_line, on="line_id", how="left").join(by_record, on="record_id", how="left")
            .with_columns(pl.coalesce("_line_gateway", "_record_gateway").alias("gateway"))
            .drop("_line_gateway", "_record_gateway").collect())


def _keep(svc: Services, s: Any, entity_id: str, gateway: str | None, run_id: str, exceptions: pl.DataFrame,
          rules: Any, since: datetime, now: datetime) -> dict[str, int]:
    known = store.known_exceptions(s, entity_id)
    new: list[ReconciliationException] = []
    again: list[str] = []
    for found in exceptions.iter_rows(named=True):
        fingerprint = found["fingerprint"]
        if fingerprint in known:
            exception_id, status = known[fingerprint]
            if status == "open":
                again.append(exception_id)
            continue
        new.append(ReconciliationException(
            id=new_id("rce"), entity_id=entity_id, run_id=run_id, last_run_id=run_id, fingerprint=fingerprint,
            class_=found["class"], status="open", gateway=found["gateway"],
            currency=found["currency"] or found["ledger_currency"] or "",
            difference=int(found["difference"] or 0), settlement_line_id=found["line_id"],
            record_id=found["record_id"], payment_id=found["payment_id"],
            occurred_at=found["occurred_at"] or found["record_occurred_at"] or now,
            details={k: _plain(v) for k, v in found.items() if v is not None},
            proposal=proposal_view(propose(found, rules)), created_at=now))
    s.add_all(new)
    store.seen_again(s, again, run_id)
    cleared = store.clear_unseen(s, entity_id, gateway, run_id, since, now)
    for row in new:
        repo.add_event(s, entity_id, EventType.RECONCILIATION_EXCEPTION, exception_view(row), now)
    return {"exceptions_new": len(new), "exceptions_open": len(new) + len(again), "exceptions_cleared": cleared}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _summary(summary: Summary) -> dict[str, Any]:
    return {"matched": summary.matched, "per_currency": summary.per_currency.to_dicts(),
            "exceptions_by_class": {cls.value: n for cls, n in summary.exceptions_by_class.items()}}
