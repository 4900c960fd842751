"""Settlement sync: ask each captured payment's gateway whether its batch has settled.

Settlement is the gateway's fact (the money reached the bank) and is recorded whatever the ERP knows: it
does not wait for the posting. It never hides one either: the payment keeps showing `posting_status`
(failed / pending / confirmed), its `payment.settled` event carries it, an unposted settled payment is logged,
and the recovery job keeps retrying the posting (pending ones abandoned by a crash included).

Only gateways with the SETTLEMENT_REPORTS capability are asked: a payment on one without it is never guessed
settled or not, and its `settlement.status` says `unreported` (payhub/views.py)."""

from __future__ import annotations

from typing import Any

import structlog

from payhub.domain import payments as machine
from payhub.domain.errors import DomainError
from payhub.domain.events import EventType
from payhub.ports import SETTLEMENT_REPORTS, supports
from payhub.services import Services
from payhub.store import repo
from payhub.store.models import Payment, Posting
from payhub.views import payment_view, posting_status

log = structlog.get_logger(__name__)


def reports_settlement(svc: Services, gateway: str) -> bool:
    """Whether the configured gateway `gateway` can say when its captures settle."""
    connector = svc.gateways.get(gateway)
    return connector is not None and supports(connector, SETTLEMENT_REPORTS)


def payment_view_for(svc: Services, payment: Payment, posting: Posting | None = None) -> dict[str, Any]:
    """The payment's view as the API shows it: its settlement `unreported` when its gateway cannot report it."""
    return payment_view(payment, posting, settlement_reported=reports_settlement(svc, payment.gateway))


def sync_settlements(svc: Services, entity_id: str | None = None, limit: int = 500) -> list[str]:
    """Move captured payments the gateway reports settled to `settled`; returns their ids."""
    reporting = sorted(name for name in svc.gateways if reports_settlement(svc, name))
    with svc.read() as s:  # only payments someone can ask about: the others would crowd out the `limit`
        candidates = repo.settlement_candidates(s, reporting, entity_id, limit)
    settled: list[str] = []
    for payment_id, entity, gateway, reference in candidates:
        try:
            answer = svc.gateways[gateway].settlement(reference or "")
        except DomainError as error:  # one gateway failing must not stop the others' payments settling
            log.warning("settlement.unavailable", payment=payment_id, gateway=gateway, error=error.code)
            continue
        if not answer.settled:
            continue
        with svc.transaction() as s:
            now = svc.clock.now()
            # Skip a payment another operation holds (a refund in flight): next sync gets it.
            if not repo.claim_payment(s, entity, payment_id, now, now):
                continue
            row = repo.get_payment(s, entity, payment_id)
            row.locked_until = None
            if row.status != machine.PaymentStatus.CAPTURED.value:
                continue
            repo.apply_state(row, machine.settle(repo.state_of(row)), now)
            row.settled_at = answer.settled_at or now
            repo.add_event(s, entity, EventType.PAYMENT_SETTLED, payment_view(row), now)
            if (ledger := posting_status(row.postings)) != "confirmed":
                log.warning("payment.settled_unposted", payment=payment_id, posting_status=ledger)
        settled.append(payment_id)
    return settled
