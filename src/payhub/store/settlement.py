"""Settlement batches and their lines: the importer's writes (bulk, in the file's one transaction) and the
API's reads."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from payhub.domain.errors import SettlementBatchNotFound
from payhub.store.models import Payment, Refund, SettlementBatch, SettlementLineRow
from payhub.store.repo import page

_INSERT_LINES = insert(SettlementLineRow)


def imported_refs(s: Session, entity_id: str, gateway: str, refs: Collection[str]) -> list[str]:
    """Which of these batch references this entity already imported from this gateway."""
    if not refs:
        return []
    return list(s.scalars(select(SettlementBatch.batch_ref).where(
        SettlementBatch.entity_id == entity_id, SettlementBatch.gateway == gateway,
        SettlementBatch.batch_ref.in_(list(refs)))))


def imported_file(s: Session, entity_id: str, sha256: str) -> SettlementBatch | None:
    return s.scalar(select(SettlementBatch).where(SettlementBatch.entity_id == entity_id,
                                                  SettlementBatch.file_sha256 == sha256).limit(1))


def batches_of_file(s: Session, entity_id: str, gateway: str, sha256: str) -> list[SettlementBatch]:
    """The batches one imported file made, in the order the import created them."""
    return list(s.scalars(select(SettlementBatch).where(
        SettlementBatch.entity_id == entity_id, SettlementBatch.gateway == gateway,
        SettlementBatch.file_sha256 == sha256).order_by(SettlementBatch.id)))


def disputes_of_batches(s: Session, batch_ids: Collection[str]) -> list[str]:
    """The disputes these batches' chargeback lines opened or updated."""
    if not batch_ids:
        return []
    return list(s.scalars(select(SettlementLineRow.record_id).distinct().where(
        SettlementLineRow.batch_id.in_(list(batch_ids)),
        SettlementLineRow.type.in_(("chargeback", "chargeback_reversal")),
        SettlementLineRow.record_id.is_not(None))))


def add_lines(s: Session, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        s.execute(_INSERT_LINES, list(rows))


def payments_by_reference(s: Session, entity_id: str, gateway: str, references: Collection[str]) -> list[Payment]:
    return list(s.scalars(select(Payment).where(Payment.entity_id == entity_id, Payment.gateway == gateway,
                                                Payment.gateway_reference.in_(list(references)))))


def refunds_of(s: Session, payment_ids: Collection[str]) -> list[Refund]:
    return list(s.scalars(select(Refund).where(Refund.payment_id.in_(list(payment_ids)),
                                               Refund.status == "succeeded").order_by(Refund.id)))


def set_matches(s: Session, matches: Sequence[dict[str, Any]]) -> None:
    """[{line, record, method}]: the lines the import matched to a payment, refund or dispute."""
    if matches:
        s.connection().execute(update(SettlementLineRow).where(SettlementLineRow.id == bindparam("line"))
                               .values(record_id=bindparam("record"), match_method=bindparam("method")), list(matches))


def list_batches(s: Session, entity_id: str, *, gateway: str | None, limit: int,
                 starting_after: str | None) -> tuple[Sequence[SettlementBatch], bool]:
    q = select(SettlementBatch).where(SettlementBatch.entity_id == entity_id)
    if gateway:
        q = q.where(SettlementBatch.gateway == gateway)
    return page(s, q, SettlementBatch.id, limit, starting_after)


def get_batch(s: Session, entity_id: str, batch_id: str) -> SettlementBatch:
    batch = s.get(SettlementBatch, batch_id)
    if batch is None or batch.entity_id != entity_id:
        raise SettlementBatchNotFound(f"No settlement batch {batch_id}")
    return batch


def lines_of(s: Session, batch_id: str, limit: int, after_line: int = 0) -> tuple[Sequence[SettlementLineRow], bool]:
    """A batch's lines in file order, `limit` at a time after line number `after_line`."""
    rows = s.scalars(select(SettlementLineRow).where(SettlementLineRow.batch_id == batch_id,
                                                     SettlementLineRow.line_no > after_line)
                     .order_by(SettlementLineRow.line_no).limit(limit + 1)).all()
    return rows[:limit], len(rows) > limit


def movements(s: Session, entity_id: str, gateway: str, since: datetime,
              until: datetime) -> list[tuple[str, str | None, str, int, str, datetime, str, str]]:
    """Captures and refunds made through `gateway` in [since, until): (kind, gateway reference, PayHub id,
    amount, currency, at, method type, payment id), oldest first."""
    captured = s.execute(select(Payment.gateway_reference, Payment.id, Payment.amount_captured, Payment.currency,
                                Payment.created_at, Payment.method_type)
                         .where(Payment.entity_id == entity_id, Payment.gateway == gateway,
                                Payment.amount_captured > 0, Payment.created_at >= since,
                                Payment.created_at < until)).all()
    refunded = s.execute(select(Payment.gateway_reference, Refund.id, Refund.amount, Refund.currency,
                                Refund.created_at, Payment.method_type, Payment.id)
                         .join(Payment, Payment.id == Refund.payment_id)
                         .where(Refund.entity_id == entity_id, Payment.gateway == gateway,
                                Refund.status == "succeeded", Refund.created_at >= since,
                                Refund.created_at < until)).all()
    out = [("payment", r[0], r[1], r[2], r[3], r[4], r[5], r[1]) for r in captured]
    out += [("refund", r[0], r[1], r[2], r[3], r[4], r[5], r[6]) for r in refunded]
    return sorted(out, key=lambda m: (m[5], m[2]))


def batches_paid_out_as(s: Session, gateway: str, payout_reference: str) -> list[SettlementBatch]:
    """The batches a provider's payout is (Stripe's payout id is the batch reference of its report)."""
    return list(s.scalars(select(SettlementBatch).where(SettlementBatch.gateway == gateway,
                                                        SettlementBatch.batch_ref == payout_reference)
                          .with_for_update()))
