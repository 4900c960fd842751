"""Money moved with a staff user's terminal key: the payment's metadata names the staff user (and, for ACH by
phone, the NACHA TEL authorization read out), and each payment, decline, refund and void lands in the audit trail
with the staff user. The API's payment and refund routes call these when the key is a terminal key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from payhub import admin
from payhub.admin import Actor, staff_users
from payhub.domain.errors import DomainError
from payhub.pipeline import pay
from payhub.pipeline.idempotency import Claim
from payhub.services import Services


def take_payment(svc: Services, entity_id: str, staff_user: str, actor: Actor, method: dict[str, Any],
                 metadata: dict[str, str], req: pay.PaymentRequest, claim: Claim | None) -> pay.Outcome:
    """Pay through the one pipeline with the staff user in the metadata; audit the payment or its decline."""
    with admin.reading(svc) as u:
        metadata = staff_users.terminal_metadata(u, entity_id, staff_user, method, metadata)
    try:
        outcome = pay.create_payment(svc, replace(req, metadata=metadata), claim)
    except DomainError as error:
        if isinstance(error.extra.get("payment"), str):
            audit(svc, entity_id, actor, "terminal.payment_failed", str(error.extra["payment"]), {"code": error.code})
        raise
    p = outcome.payment
    audit(svc, entity_id, actor, "terminal.payment_created", p.id,
          {"status": p.status, "amount": p.amount, "currency": p.currency, "customer": p.customer_id,
           "method": p.method_type, "customer_po": req.customer_po})
    return outcome


def audited(svc: Services, entity_id: str, actor: Actor, action: str, payment_id: str,
            operation: Callable[[], pay.Outcome], after: Callable[[pay.Outcome], dict[str, Any]]) -> pay.Outcome:
    """Run a refund or a void and record it in the audit trail with the staff user."""
    outcome = operation()
    audit(svc, entity_id, actor, action, payment_id, after(outcome))
    return outcome


def audit(svc: Services, entity_id: str, actor: Actor, action: str, payment_id: str, after: dict[str, Any]) -> None:
    with admin.transaction(svc) as u:
        staff_users.record_terminal_action(u, entity_id, actor, action, f"payment:{payment_id}", after)
