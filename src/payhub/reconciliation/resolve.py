"""A person resolves a reconciliation exception, always with a reason, and the audit trail keeps who and why:

- manual_match: the settlement line and PayHub's record belong together (the engine could not tell); later runs
  take the pair as matched;
- write_off: post the proposed journal entry, or an edited one, through the posting pipeline;
- ignore: nothing to book (a known timing difference, a test transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from payhub import faults
from payhub.admin.work import Actor, UnitOfWork, transaction
from payhub.domain.errors import InvalidRequest, NotFound, ReconciliationExceptionResolved
from payhub.domain.ledger import GLLine, JournalEntry
from payhub.pipeline import posting as posting_pipeline
from payhub.reconciliation.views import exception_view
from payhub.services import Services
from payhub.store import reconciliation as store
from payhub.store import repo
from payhub.store.models import Posting, ReconciliationException

ACTIONS = ("manual_match", "write_off", "ignore")


@dataclass(frozen=True)
class Resolved:
    exception: ReconciliationException
    posting: Posting | None


def resolve(svc: Services, entity_id: str, exception_id: str, action: str, reason: str, actor: Actor, *,
            match: str | None = None, entry: Sequence[dict[str, Any]] | None = None) -> Resolved:
    """`match`: for a manual match, the other side (a payment, refund or dispute id for an exception on a
    settlement line; a settlement line id for one on a record). `entry`: a write-off's edited lines
    (account, debit, credit, currency), else the proposal's."""
    if action not in ACTIONS:
        raise InvalidRequest(f"action must be one of {', '.join(ACTIONS)}")
    if not reason.strip():
        raise InvalidRequest("A resolution needs a reason")
    posting: Posting | None = None
    with transaction(svc) as u:
        row = store.get_exception(u.s, entity_id, exception_id, lock=True)
        if row.status != "open":
            raise ReconciliationExceptionResolved(f"Exception {exception_id} was resolved ({row.resolution})")
        before = exception_view(row)
        if action == "manual_match":
            _match(u, row, match)
        elif action == "write_off":
            posting = repo.add_source_posting(u.s, entity_id, row.id, _entry(row, entry), svc.erp_for(entity_id).name,
                                              u.now)
            u.s.flush()
            row.posting_id = posting.id
        row.status, row.resolution, row.resolution_reason = "resolved", action, reason.strip()[:2000]
        row.resolved_by, row.resolved_at = actor.staff_user or actor.key_id, u.now
        u.audit(actor, entity_id, f"reconciliation_exception.{action}", f"reconciliation_exception:{row.id}",
                before, exception_view(row))
    if posting is not None:  # after the commit, as every posting: the ERP is asked once it is on record
        faults.point("writeoff.after_commit")
        posting = posting_pipeline.run(svc, posting).posting
    return Resolved(row, posting)


def _match(u: UnitOfWork, row: ReconciliationException, other: str | None) -> None:
    if not other:
        raise InvalidRequest("A manual match names the other side in `match`")
    line_id, record_id = (row.settlement_line_id, other) if row.settlement_line_id else (other, row.record_id)
    line = store.settlement_line(u.s, row.entity_id, line_id or "")
    if line is None:
        raise NotFound(f"No settlement line {line_id}")
    if record_id is None or not store.record_exists(u.s, row.entity_id, record_id):
        raise NotFound(f"No payment, refund or dispute {record_id}")
    line.record_id, line.match_method = record_id, "manual"


def _entry(row: ReconciliationException, edited: Sequence[dict[str, Any]] | None) -> JournalEntry:
    lines = edited if edited is not None else (row.proposal or {}).get("entry")
    if not lines:
        raise InvalidRequest("This exception's proposal has no journal entry: give the lines to post in `entry`")
    try:
        return JournalEntry("write_off", tuple(
            GLLine(str(l["account"]), int(l["debit"]), int(l["credit"]), str(l["currency"]),
                   memo=f"reconciliation {row.id}") for l in lines))
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidRequest(f"Each entry line needs account, debit, credit and currency ({error})") from None
