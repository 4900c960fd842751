"""/v2 payments: allocations are a list object (paginated like every list), and unapplied cash and fees
are allocations of their own kinds instead of separate top-level fields. /v1 keeps its shape."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from payhub.api import idempotency
from payhub.api.deps import PaymentPage, PaymentsKey, ReadKey, ServicesDep, envelope
from payhub.api.schemas import PaymentCreate
from payhub.pipeline import pay
from payhub.pipeline.settle import payment_view_for as shown
from payhub.store import repo

router = APIRouter(prefix="/payments", tags=["payments v2"])


def v2(view: dict[str, Any]) -> dict[str, Any]:
    allocations = [{"object": "allocation", "kind": "invoice", **a} for a in view["allocations"]]
    if view["unapplied"]["amount"]:
        allocations.append({"object": "allocation", "kind": "unapplied", "invoice": None,
                            "amount": view["unapplied"]})
    fees = view.get("fees") or {}
    for kind in ("convenience_fee", "surcharge"):
        if fees.get(kind, {}).get("amount"):
            allocations.append({"object": "allocation", "kind": kind, "invoice": None, "amount": fees[kind]})
    rest = {k: v for k, v in view.items() if k not in ("allocations", "unapplied")}
    return {**rest, "api_version": "v2",
            "allocations": {"object": "list", "data": allocations, "has_more": False, "next_cursor": None}}


@router.post("", status_code=201, operation_id="create_payment_v2")
@idempotency.resumable
def create_payment(body: PaymentCreate, request: Request, key: PaymentsKey, svc: ServicesDep) -> JSONResponse:
    """As POST /v1/payments, answering in the v2 shape."""
    return idempotency.run(
        svc, key, request, {"v2": body.model_dump(mode="json")},
        lambda claim: pay.create_payment(svc, body.to_request(key.entity_id, svc.clock.now().date()), claim),
        lambda outcome: v2(shown(svc, outcome.payment, outcome.posting)), status=201, resource="pay")


@router.get("/{payment_id}", operation_id="get_payment_v2")
def get_payment(payment_id: str, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        payment = repo.get_payment(s, key.entity_id, payment_id)
        return v2(shown(svc, payment, payment.postings[-1] if payment.postings else None))


@router.get("", operation_id="list_payments_v2")
def list_payments(key: ReadKey, svc: ServicesDep, page: PaymentPage) -> dict[str, Any]:
    with svc.read() as s:
        rows, has_more = repo.list_payments(s, key.entity_id, customer_id=None, status=None, created_gte=None,
                                            created_lt=None, limit=page.limit, starting_after=page.starting_after)
        return envelope([v2(shown(svc, p)) for p in rows], has_more)
