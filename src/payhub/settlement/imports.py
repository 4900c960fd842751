"""Import a gateway's settlement report: all of the file or nothing.

The connector parses its provider's format into normalized lines (streamed: a report of a million lines is
never held in memory). In the file's one transaction PayHub stores each batch and its lines, refuses a batch
(or a file) it already has, settles the payments the lines pay out, and opens or updates the disputes that
chargeback lines report; after the commit each batch's journal entry goes to the ERP through the posting
pipeline, with the entity's hooks and extensions as for any posting:

    Dr bank (net) · Dr processor fees (fees) · Cr gateway clearing (gross)

Which line pays which payment is settled here by the gateway's reference only; the reconciliation run does the
full three-way matching and reports what does not agree.

Under an Idempotency-Key (`claim`) the key is reserved in the file's transaction: a retry after a lost answer or
a crash after the commit gets the import's answer, never `settlement_batch_duplicate`."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import IO, Any, cast

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from payhub import faults
from payhub.disputes import notifications
from payhub.disputes import service as disputes
from payhub.domain import payments as machine
from payhub.domain.disputes import DisputeNotice, DisputeStatus
from payhub.domain.errors import (
    CapabilityUnsupported,
    GatewayNotConfigured,
    SettlementBatchDuplicate,
    SettlementFileRejected,
)
from payhub.domain.events import EventType
from payhub.domain.settlement import BatchBook, LineType, SettlementFileInvalid, SettlementLine
from payhub.ids import new_id
from payhub.pipeline import posting as posting_pipeline
from payhub.pipeline.idempotency import STATE_RECORDED, Claim
from payhub.pipeline.settle import payment_view_for
from payhub.ports import SETTLEMENT_FILES, SettlementFiles, supports
from payhub.services import Services
from payhub.store import repo
from payhub.store import settlement as store
from payhub.store.models import Payment, Posting, SettlementBatch

log = structlog.get_logger(__name__)

CHUNK = 2_000  # lines written (and matched) per statement batch


@dataclass(frozen=True)
class Imported:
    """A batch of the file, with its ERP postings as they stand."""
    batch: SettlementBatch
    postings: list[Posting]


@dataclass
class _Batch:
    row: SettlementBatch
    book: BatchBook = field(default_factory=BatchBook)
    matched: int = 0


class _Reader:
    """The upload as the parser reads it: hashed (a file imported twice is refused) and counted (progress)."""

    def __init__(self, source: IO[bytes], progress: Callable[[int], None] | None) -> None:
        self.source, self.progress, self.sha = source, progress, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        return self._seen(self.source.read(size))

    def readline(self, size: int = -1) -> bytes:
        return self._seen(self.source.readline(size))

    def _seen(self, data: bytes) -> bytes:
        self.sha.update(data)
        if self.progress and data:
            self.progress(len(data))
        return data

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def readable(self) -> bool:
        return True


def import_report(svc: Services, entity_id: str, gateway: str, source: IO[bytes], filename: str = "",
                  imported_by: str | None = None, progress: Callable[[int], None] | None = None,
                  claim: Claim | None = None) -> list[Imported]:
    """Import one report file; returns its batches. Raises SettlementFileRejected (naming the line) or
    SettlementBatchDuplicate, and then nothing of the file is kept. A resumed `claim` (the file's transaction
    committed, the answer was lost) posts what is still pending and answers with the batches on record."""
    connector = svc.gateways.get(gateway)
    if connector is None:
        raise GatewayNotConfigured(f"No gateway {gateway!r} is configured")
    if not supports(connector, SETTLEMENT_FILES):
        raise CapabilityUnsupported(f"The {gateway} connector cannot read settlement reports",
                                    connector=gateway, capability=SETTLEMENT_FILES)
    if claim is not None and claim.resumed:
        return _resume(svc, entity_id, gateway, source)
    reader = _Reader(source, progress)
    postings: list[Posting] = []
    with svc.transaction() as s:
        now = svc.clock.now()
        batches: dict[str, _Batch] = {}
        pending: list[SettlementLine] = []
        try:
            for line in cast(SettlementFiles, connector).read_settlement_report(cast(IO[bytes], reader)):
                pending.append(line)
                if len(pending) >= CHUNK:
                    postings += _write(svc, s, entity_id, gateway, filename, imported_by, now, batches, pending)
                    pending = []
            postings += _write(svc, s, entity_id, gateway, filename, imported_by, now, batches, pending)
        except SettlementFileInvalid as error:
            raise SettlementFileRejected(f"{filename or 'The file'}, line {error.line}: {error.reason}",
                                         line=error.line) from None
        if not batches:
            raise SettlementFileRejected(f"{filename or 'The file'} holds no settlement lines", line=1)
        sha = reader.sha.hexdigest()
        if (earlier := store.imported_file(s, entity_id, sha)) is not None:
            raise SettlementBatchDuplicate(f"This file was imported already (batch {earlier.batch_ref})",
                                           batch=earlier.id)
        faults.point("settlement.after_lines")
        rules = repo.settings_of(s, entity_id).posting_rules
        erp = svc.erp_for(entity_id)
        for batch in batches.values():
            batch.row.file_sha256, batch.row.matched = sha, batch.matched
            batch.row.totals = [asdict(t) for t in batch.book.totals()]
            entry = batch.book.entry(rules)
            if entry is not None:
                posting = repo.add_source_posting(s, entity_id, batch.row.id, entry, erp.name, now)
                # the embedded ERP books it with the batch; another ERP once the batch is on record
                if not posting_pipeline.post_within(svc, s, posting, None, erp):
                    postings.append(posting)
        rows = [b.row for b in batches.values()]
        notifications.apply_waiting_payouts(s, gateway, rows)
        # everything booked in the transaction: the answer is final now, and commits with the file (under a key)
        booked = None if postings else _with_postings(s, entity_id, rows)
        if claim is not None:
            if booked is None:
                claim.checkpoint(s, STATE_RECORDED)  # the answer waits for the postings still to run
            else:
                claim.finish(s, booked)
    faults.point("settlement.after_commit")
    disputes.post(svc, postings)  # after the commit: what the ERP did not book in the transaction
    log.info("settlement.imported", entity=entity_id, gateway=gateway, batches=[r.batch_ref for r in rows],
             lines=sum(r.line_count for r in rows))
    if booked is not None:
        return booked
    with svc.read() as s:
        return _with_postings(s, entity_id, rows)


def _resume(svc: Services, entity_id: str, gateway: str, source: IO[bytes]) -> list[Imported]:
    """The same file (the key's request hash says so) imported by the attempt that died: its batches."""
    sha = file_sha256(source)
    with svc.read() as s:
        rows = store.batches_of_file(s, entity_id, gateway, sha)
        pending = [p for b in rows for p in repo.postings_of(s, entity_id, b.id) if p.status != "confirmed"]
        pending += [p for d in store.disputes_of_batches(s, [b.id for b in rows])
                    for p in repo.postings_of(s, entity_id, d) if p.status != "confirmed"]
    disputes.post(svc, pending)  # leased: never twice with the recovery worker
    with svc.read() as s:
        return _with_postings(s, entity_id, rows)


def file_sha256(source: IO[bytes]) -> str:
    """The digest the import records for a file (which makes a second import of it a duplicate); rewound."""
    sha = hashlib.sha256()
    while chunk := source.read(1 << 20):
        sha.update(chunk)
    source.seek(0)
    return sha.hexdigest()


def _with_postings(s: Session, entity_id: str, rows: list[SettlementBatch]) -> list[Imported]:
    return [Imported(row, list(repo.postings_of(s, entity_id, row.id))) for row in rows]


def _write(svc: Services, s: Session, entity_id: str, gateway: str, filename: str, imported_by: str | None,
           now: datetime, batches: dict[str, _Batch], lines: list[SettlementLine]) -> list[Posting]:
    """Store a chunk of lines (new batches first), and settle what they pay out. Returns dispute postings."""
    new_refs = {l.batch_ref for l in lines} - batches.keys()
    if dup := store.imported_refs(s, entity_id, gateway, new_refs):
        raise SettlementBatchDuplicate(f"Batch {', '.join(sorted(dup))} of {gateway} was imported already",
                                       batches=sorted(dup))
    for ref in sorted(new_refs):
        first = next(l.occurred_at for l in lines if l.batch_ref == ref)
        row = SettlementBatch(id=new_id("stb"), entity_id=entity_id, gateway=gateway, batch_ref=ref,
                              filename=filename[:300], file_sha256="", settled_at=first, line_count=0, totals=[],
                              matched=0, imported_at=now, imported_by=imported_by)
        s.add(row)
        batches[ref] = _Batch(row)
    if new_refs:
        try:
            s.flush()
        except IntegrityError:  # the same batch imported at this moment by another request: it won
            raise SettlementBatchDuplicate(f"Batch {', '.join(sorted(new_refs))} of {gateway} is being imported "
                                           "already", batches=sorted(new_refs)) from None
    rows = []
    for line in lines:
        batch = batches[line.batch_ref]
        batch.book.add(line)
        batch.row.line_count += 1
        batch.row.settled_at = max(batch.row.settled_at, line.occurred_at)
        rows.append({"id": new_id("stl"), "batch_id": batch.row.id, "entity_id": entity_id, "line_no": line.line_no,
                     "type": line.type.value, "provider_type": line.provider_type[:60],
                     "gateway_reference": line.gateway_reference, "merchant_reference": line.merchant_reference,
                     "currency": line.currency, "gross": line.gross, "fee": line.fee, "net": line.net,
                     "occurred_at": line.occurred_at, "description": line.description,
                     "dispute_reference": line.dispute_reference, "reason_code": line.reason_code,
                     "record_id": None, "match_method": None})
    store.add_lines(s, rows)
    return _match(svc, s, entity_id, gateway, now, batches, lines, rows)


def _match(svc: Services, s: Session, entity_id: str, gateway: str, now: datetime, batches: dict[str, _Batch],
           lines: list[SettlementLine], rows: list[dict[str, Any]]) -> list[Posting]:
    """Settle the payments and refunds these lines pay out (by the gateway's reference), and record the
    chargebacks as disputes."""
    references = {l.gateway_reference for l in lines if l.gateway_reference}
    payments = {p.gateway_reference: p for p in store.payments_by_reference(s, entity_id, gateway, references)}
    refunds: dict[str, list[Any]] = {}
    for refund in store.refunds_of(s, [p.id for p in payments.values()]):
        refunds.setdefault(refund.payment_id, []).append(refund)
    matches: list[dict[str, Any]] = []
    postings: list[Posting] = []
    for line, row in zip(lines, rows, strict=True):
        payment = payments.get(line.gateway_reference or "")
        if payment is None:
            continue
        record: str | None = None
        if line.type is LineType.PAYMENT and payment.settlement_batch_id is None:
            _settle(svc, s, payment, line, batches[line.batch_ref].row.id, now)
            record = payment.id
        elif line.type is LineType.REFUND:
            record = _take_refund(refunds.get(payment.id, []), -line.gross)
        elif line.type in (LineType.CHARGEBACK, LineType.CHARGEBACK_REVERSAL):
            applied = disputes.apply(svc, s, gateway, _notice(line), "settlement", now)
            if applied is not None:
                record = applied.dispute.id
                postings += applied.postings
        if record is not None:
            batches[line.batch_ref].matched += 1
            matches.append({"line": row["id"], "record": record, "method": "gateway_reference"})
    store.set_matches(s, matches)
    return postings


def _settle(svc: Services, s: Session, payment: Payment, line: SettlementLine, batch_id: str, now: datetime) -> None:
    known = payment.settled_at is not None  # the gateway's settlement sync saw it first: said already
    payment.settlement_batch_id = batch_id
    payment.settlement_gross, payment.settlement_fee, payment.settlement_net = line.gross, line.fee, line.net
    payment.settled_at = payment.settled_at or line.occurred_at
    # an operation in flight holds the payment: its status is left to it, the batch already shows `settled`
    if payment.status == machine.PaymentStatus.CAPTURED.value and not _locked(payment, now):
        repo.apply_state(payment, machine.settle(repo.state_of(payment)), now)
    payment.updated_at = now
    if not known:
        repo.add_event(s, payment.entity_id, EventType.PAYMENT_SETTLED, payment_view_for(svc, payment), now)


def _locked(payment: Payment, now: datetime) -> bool:
    return payment.locked_until is not None and payment.locked_until > now


def _take_refund(candidates: list[Any], amount: int) -> str | None:
    """The first refund of this amount not yet taken by an earlier line of the import."""
    for i, refund in enumerate(candidates):
        if refund.amount == amount:
            return str(candidates.pop(i).id)
    return None


def _notice(line: SettlementLine) -> DisputeNotice:
    """A chargeback line as a dispute notice: the processor took the money (or gave it back, for a reversal)."""
    won = line.type is LineType.CHARGEBACK_REVERSAL
    return DisputeNotice(dispute_reference=line.dispute_reference or "",
                         gateway_reference=line.gateway_reference or "",
                         status=DisputeStatus.WON if won else DisputeStatus.NEEDS_RESPONSE,
                         raw_status=line.provider_type or line.type.value, amount=abs(line.gross),
                         currency=line.currency, reason_code=line.reason_code, reason=line.description[:200])
