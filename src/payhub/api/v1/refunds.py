from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from payhub.api import idempotency
from payhub.api.deps import PaymentsKey, ReadKey, ServicesDep
from payhub.api.schemas import RefundCreate
from payhub.pipeline import pay
from payhub.store import repo
from payhub.views import RefundPublic, refund_view

router = APIRouter(prefix="/refunds", tags=["refunds"])


@router.post("", status_code=201, response_model=RefundPublic, operation_id="create_refund")
@idempotency.resumable
def create_refund(body: RefundCreate, request: Request, key: PaymentsKey, svc: ServicesDep) -> JSONResponse:
    """Refund part or all of a captured payment; several partial refunds never exceed what was captured.
    The response's `posting` shows the reversing GL entries."""
    amount = body.amount.money() if body.amount else None
    return idempotency.run(
        svc, key, request, body.model_dump(mode="json"),
        lambda claim: pay.refund_payment(svc, key.entity_id, body.payment, amount, body.reason, claim),
        pay.Outcome.refund_view, 201, resource="op")


@router.get("/{refund_id}", response_model=RefundPublic, operation_id="get_refund")
def get_refund(refund_id: str, key: ReadKey, svc: ServicesDep) -> dict:  # type: ignore[type-arg]
    with svc.read() as s:
        return refund_view(*repo.get_refund(s, key.entity_id, refund_id))
