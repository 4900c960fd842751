"""Customer-context tokens: short-lived, one customer of one entity, for widgets and shareable pay links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from payhub.api.deps import PaymentsKey, ReaderOrCustomer, ServicesDep
from payhub.api.errors import ApiError
from payhub.api.schemas import MoneyIn
from payhub.auth.keys import create_customer_token
from payhub.domain.errors import CustomerMismatch
from payhub.store import repo
from payhub.views import money, ts

router = APIRouter(prefix="/customer_tokens", tags=["customer tokens"])


class CustomerTokenCreate(BaseModel):
    model_config = {"extra": "forbid"}
    customer: str
    invoices: list[str] | None = Field(None, max_length=100, description="Only these invoices; default: any "
                                       "of the customer's")
    max_amount: MoneyIn | None = Field(None, description="The most one payment with this token may be")
    expires_in_s: int = Field(900, ge=60, le=7 * 86_400)
    channel: Literal["widget", "portal", "terminal"] = Field(
        "widget", description="The channel the token's payments record (fee and routing rules can name it)")


@router.post("", status_code=201, operation_id="create_customer_token")
def create(body: CustomerTokenCreate, key: PaymentsKey, svc: ServicesDep) -> dict[str, Any]:
    """A token a browser can hold: it reads this customer's invoices and payments and pays them, nothing
    else. Narrowed to some invoices and a maximum amount, it is a pay link for exactly those invoices."""
    svc.erp_for(key.entity_id).get_customer(key.entity_id, body.customer)  # 404 if unknown
    for invoice_id in body.invoices or []:
        if svc.erp_for(key.entity_id).get_invoice(key.entity_id, invoice_id).customer_id != body.customer:
            raise CustomerMismatch(f"Invoice {invoice_id} belongs to another customer", field="invoices")
    if body.max_amount is not None:
        body.max_amount.money()  # 422 currency_unsupported: a limit in a currency no payment can have
    now = svc.clock.now()
    with svc.transaction() as s:
        token, secret = create_customer_token(
            s, key.entity_id, body.customer, now, now + timedelta(seconds=body.expires_in_s),
            invoice_ids=body.invoices, max_amount=body.max_amount.amount if body.max_amount else None,
            currency=body.max_amount.currency if body.max_amount else None, created_by=key.key_id,
            channel=body.channel)
    return {"id": token.id, "object": "customer_token", "token": secret, "customer": token.customer_id,
            "invoices": token.invoice_ids, "channel": token.channel,
            "max_amount": money(token.max_amount, token.currency or "") if token.max_amount is not None else None,
            "expires_at": ts(token.expires_at)}


@router.get("/current", operation_id="get_current_customer_token")
def current(key: ReaderOrCustomer, svc: ServicesDep) -> dict[str, Any]:
    """The customer token this request carries: its customer, entity, reach and expiry. Widgets start here."""
    if key.limit is None:
        raise ApiError(403, "customer_token_required", "A customer token is required",
                       "This describes the customer token a request carries; an API key is not one")
    with svc.read() as s:
        token = repo.get_customer_token(s, key.key_id)
        return {"id": token.id, "object": "customer_token", "customer": token.customer_id, "entity": token.entity_id,
                "invoices": token.invoice_ids, "channel": token.channel,
                "max_amount": money(token.max_amount, token.currency or "") if token.max_amount is not None else None,
                "expires_at": ts(token.expires_at)}
