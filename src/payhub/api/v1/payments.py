from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from payhub.api import idempotency
from payhub.api.deps import (
    PayerOrCustomer,
    PaymentPage,
    PaymentsKey,
    Principal,
    ReaderOrCustomer,
    ServicesDep,
    actor_of,
    envelope,
    local_read,
    refuse_unless_refunder,
)
from payhub.api.schemas import CaptureCreate, PaymentCreate
from payhub.api.versions import CURRENT, payment_for
from payhub.domain.errors import CustomerNotFound, PaymentNotFound
from payhub.domain.payments import PaymentStatus
from payhub.pipeline import pay, posting
from payhub.pipeline.idempotency import Claim
from payhub.pipeline.settle import payment_view_for as shown
from payhub.store import repo
from payhub.terminal import payments as terminal
from payhub.views import PaymentList, PaymentPublic, quote_view

router = APIRouter(prefix="/payments", tags=["payments"])


@router.post("", status_code=201, response_model=PaymentPublic, operation_id="create_payment")
@idempotency.resumable
def create_payment(body: PaymentCreate, request: Request, key: PayerOrCustomer, svc: ServicesDep) -> JSONResponse:
    """Pay one or several invoices and/or an unapplied amount. With `capture_method: automatic` the
    response's `posting` shows the GL entries posted to the ERP. A customer token (widgets, pay links) can
    pay only its customer's invoices, or only the ones it names, up to its maximum amount."""
    def action(claim: Claim | None) -> pay.Outcome:
        req = body.to_request(key.entity_id, svc.clock.now().date(), channel=_channel(key))
        if key.staff_user is None:
            return pay.create_payment(svc, replace(req, limit=key.limit), claim)
        return terminal.take_payment(svc, key.entity_id, key.staff_user, actor_of(key, request),
                                     body.payment_method.model_dump(), body.metadata, req, claim)

    return idempotency.run(svc, key, request, body.model_dump(mode="json"), action,
                           lambda outcome: shown(svc, outcome.payment, outcome.posting), status=201, resource="pay")


def _channel(key: Principal) -> str:
    return "terminal" if key.staff_user else key.limit.channel if key.limit else "api"


@router.post("/quote", operation_id="quote_payment")
def quote_payment(body: PaymentCreate, key: PayerOrCustomer, svc: ServicesDep) -> dict[str, Any]:
    """The convenience fee and surcharge this payment would carry, with the reasons, so a UI can show them
    before the customer pays. Nothing is written and no money moves; a vault token is not used up."""
    req = body.to_request(key.entity_id, svc.clock.now().date(), channel=_channel(key))
    req = replace(req, limit=key.limit)
    return {"object": "payment_quote", **quote_view(pay.quote_payment(svc, req))}


@router.get("", response_model=PaymentList, operation_id="list_payments")
@local_read
def list_payments(
    key: ReaderOrCustomer, svc: ServicesDep, page: PaymentPage,
    customer: str | None = None,
    status: PaymentStatus | None = None,
    created_gte: Annotated[AwareDatetime | None, Query(description="ISO 8601 with a time zone, inclusive")] = None,
    created_lt: Annotated[AwareDatetime | None, Query(description="ISO 8601 with a time zone, exclusive")] = None,
) -> dict[str, Any]:
    """Transaction history, newest first. A customer token sees its own customer's payments only."""
    if key.customer_id is not None:
        if customer not in (None, key.customer_id):
            raise CustomerNotFound(f"No customer {customer}")
        customer = key.customer_id
    with svc.read() as s:
        rows, has_more = repo.list_payments(
            s, key.entity_id, customer_id=customer, status=status.value if status else None,
            created_gte=created_gte, created_lt=created_lt, limit=page.limit, starting_after=page.starting_after)
        return envelope([shown(svc, p) for p in rows], has_more)


@router.get("/{payment_id}", response_model=PaymentPublic, operation_id="get_payment")
@local_read
def get_payment(payment_id: str, request: Request, key: ReaderOrCustomer, svc: ServicesDep) -> JSONResponse:
    """One payment. A request pinned to an older `PayHub-Version` gets that version's shape."""
    with svc.read() as s:
        payment = repo.get_payment(s, key.entity_id, payment_id)
        if key.customer_id not in (None, payment.customer_id):
            raise PaymentNotFound(f"No payment {payment_id}")
        latest = payment.postings[-1] if payment.postings else None
        # JSONResponse: an older pinned version's shape is not the current response model's
        return JSONResponse(payment_for(getattr(request.state, "api_version", CURRENT), shown(svc, payment, latest)))


@router.post("/{payment_id}/capture", response_model=PaymentPublic, operation_id="capture_payment")
@idempotency.resumable
def capture_payment(payment_id: str, request: Request, key: PaymentsKey, svc: ServicesDep,
                    body: CaptureCreate | None = None) -> JSONResponse:
    """Capture all or part of an authorization; the rest is released."""
    body = body or CaptureCreate(amount=None)
    amount = body.amount.money() if body.amount else None
    return idempotency.run(svc, key, request, body.model_dump(mode="json"),
                           lambda claim: pay.capture_payment(svc, key.entity_id, payment_id, amount, claim),
                           lambda outcome: shown(svc, outcome.payment, outcome.posting), resource="op")


@router.post("/{payment_id}/void", response_model=PaymentPublic, operation_id="void_payment")
@idempotency.resumable
def void_payment(payment_id: str, request: Request, key: PaymentsKey, svc: ServicesDep) -> JSONResponse:
    """Release an authorization that was not captured. With a virtual-terminal key: role `terminal_refund`."""
    refuse_unless_refunder(key)

    def action(claim: Claim | None) -> pay.Outcome:
        if key.staff_user is None:
            return pay.void_payment(svc, key.entity_id, payment_id, claim)
        return terminal.audited(svc, key.entity_id, actor_of(key, request), "terminal.payment_voided", payment_id,
                                lambda: pay.void_payment(svc, key.entity_id, payment_id, claim),
                                lambda outcome: {"status": outcome.payment.status})

    return idempotency.run(svc, key, request, {}, action,
                           lambda outcome: shown(svc, outcome.payment, outcome.posting), resource="op")


@router.post("/{payment_id}/post", response_model=PaymentPublic, operation_id="retry_payment_posting")
def retry_posting(payment_id: str, key: PaymentsKey, svc: ServicesDep) -> dict:  # type: ignore[type-arg]
    """Post again any of the payment's GL postings the ERP has not confirmed. Safe to repeat:
    the ERP records each posting once."""
    retried = posting.retry(svc, key.entity_id, payment_id)
    with svc.read() as s:
        payment = repo.get_payment(s, key.entity_id, payment_id)
        latest = retried[-1].posting if retried else (payment.postings[-1] if payment.postings else None)
        return shown(svc, payment, latest)
