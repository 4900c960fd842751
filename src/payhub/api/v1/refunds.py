from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from payhub.api import idempotency
from payhub.api.deps import PaymentsKey, ReadKey, ServicesDep, actor_of, refuse_unless_refunder
from payhub.api.schemas import RefundCreate
from payhub.pipeline import pay
from payhub.pipeline.idempotency import Claim
from payhub.store import repo
from payhub.terminal import payments as terminal
from payhub.views import RefundPublic, refund_view

router = APIRouter(prefix="/refunds", tags=["refunds"])


@router.post("", status_code=201, response_model=RefundPublic, operation_id="create_refund")
@idempotency.resumable
def create_refund(body: RefundCreate, request: Request, key: PaymentsKey, svc: ServicesDep) -> JSONResponse:
    """Refund part or all of a captured payment; several partial refunds never exceed what was captured.
    The response's `posting` shows the reversing GL entries. With a virtual-terminal key: role
    `terminal_refund` only (403 `staff_role_forbidden` otherwise)."""
    refuse_unless_refunder(key)
    amount = body.amount.money() if body.amount else None

    def action(claim: Claim | None) -> pay.Outcome:
        def refund() -> pay.Outcome:
            return pay.refund_payment(svc, key.entity_id, body.payment, amount, body.reason, claim)

        if key.staff_user is None:
            return refund()
        return terminal.audited(svc, key.entity_id, actor_of(key, request), "terminal.refund_created", body.payment,
                                refund, lambda outcome: {
                                    "refund": outcome.refund.id if outcome.refund else None, "reason": body.reason,
                                    "amount": outcome.refund.amount if outcome.refund else None})

    return idempotency.run(svc, key, request, body.model_dump(mode="json"), action, pay.Outcome.refund_view, 201,
                           resource="op")


@router.get("/{refund_id}", response_model=RefundPublic, operation_id="get_refund")
def get_refund(refund_id: str, key: ReadKey, svc: ServicesDep) -> dict:  # type: ignore[type-arg]
    with svc.read() as s:
        return refund_view(*repo.get_refund(s, key.entity_id, refund_id))
