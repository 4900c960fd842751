"""How settlement batches, reconciliation runs and exceptions are shown (API, events, reports)."""

from __future__ import annotations

from typing import Any

from payhub.store.models import Posting, ReconciliationException, ReconciliationRun, SettlementBatch, SettlementLineRow
from payhub.views import money, posting_view, ts


def proposal_view(proposal: Any) -> dict[str, Any]:
    """The engine's proposed fix: an action, what it means, and the journal entry a write-off would post."""
    entry = proposal.entry
    return {"action": proposal.action, "description": proposal.description,
            "entry": [{"account": l.account, "debit": l.debit, "credit": l.credit, "currency": l.currency}
                      for l in entry.lines] if entry is not None else None}


def exception_view(e: ReconciliationException, posting: Posting | None = None) -> dict[str, Any]:
    return {
        "id": e.id, "object": "reconciliation_exception", "class": e.class_, "status": e.status,
        "gateway": e.gateway, "difference": money(e.difference, e.currency) if e.currency else None,
        "settlement_line": e.settlement_line_id, "record": e.record_id, "payment": e.payment_id,
        "occurred_at": ts(e.occurred_at), "details": e.details or {}, "proposal": e.proposal or {},
        "run": e.run_id, "last_run": e.last_run_id,
        "resolution": {"action": e.resolution, "reason": e.resolution_reason, "by": e.resolved_by,
                       "at": ts(e.resolved_at), "posting": posting_view(posting) if posting else e.posting_id}
        if e.resolution else None,
        "created_at": ts(e.created_at),
    }


def run_view(r: ReconciliationRun) -> dict[str, Any]:
    return {"id": r.id, "object": "reconciliation_run", "gateway": r.gateway, "trigger": r.trigger,
            "status": r.status, "as_of": ts(r.as_of), "started_at": ts(r.started_at),
            "finished_at": ts(r.finished_at), "summary": r.summary or {}, "error": r.error}


def line_view(l: SettlementLineRow) -> dict[str, Any]:
    return {"id": l.id, "object": "settlement_line", "line": l.line_no, "type": l.type,
            "provider_type": l.provider_type, "gateway_reference": l.gateway_reference,
            "merchant_reference": l.merchant_reference, "gross": money(l.gross, l.currency),
            "fee": money(l.fee, l.currency), "net": money(l.net, l.currency), "occurred_at": ts(l.occurred_at),
            "description": l.description, "dispute_reference": l.dispute_reference, "reason_code": l.reason_code,
            "record": l.record_id, "match_method": l.match_method}


def batch_view(b: SettlementBatch, postings: list[Posting] | None = None,
               lines: list[dict[str, Any]] | None = None, more_lines: bool = False) -> dict[str, Any]:
    view: dict[str, Any] = {
        "id": b.id, "object": "settlement_batch", "gateway": b.gateway, "batch_ref": b.batch_ref,
        "filename": b.filename, "settled_at": ts(b.settled_at), "line_count": b.line_count, "matched": b.matched,
        "totals": [{"currency": t["currency"], "gross": money(t["gross"], t["currency"]),
                    "fees": money(t["fees"], t["currency"]), "net": money(t["net"], t["currency"]),
                    "chargebacks": money(t["chargebacks"], t["currency"]), "lines": t["lines"]}
                   for t in b.totals or []],
        "payout": {"status": b.payout_status, "at": ts(b.payout_at)},
        "imported_at": ts(b.imported_at),
    }
    if postings is not None:
        view["postings"] = [posting_view(p) for p in postings]
    if lines is not None:
        view["lines"] = {"object": "list", "data": lines, "has_more": more_lines,
                         "next_cursor": lines[-1]["line"] if more_lines and lines else None}
    return view
