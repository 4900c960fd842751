"""A customer's saved payment methods: vault tokens kept with the consent the customer accepted (NACHA WEB
authorization for bank accounts). Autopay and the portal pay with them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import Field, model_validator

from payhub.api.deps import PageParams, PayerOrCustomer, Principal, ServicesDep, envelope, paged
from payhub.api.schemas import MoneyIn, Strict
from payhub.domain.errors import CustomerNotFound, InvalidRequest
from payhub.services import Services
from payhub.vault import methods
from payhub.views import payment_method_view

router = APIRouter(prefix="/customers/{customer_id}/payment_methods", tags=["payment methods"])
MethodPage = Annotated[PageParams, Depends(paged("pm"))]


class ConsentIn(Strict):
    text: str = Field(min_length=1, max_length=4000, description="Exactly the text the customer accepted")
    accepted: Literal[True] = Field(description="The customer ticked their agreement")
    ip: str | None = Field(None, max_length=64, description="API keys only: where the customer accepted")
    user_agent: str | None = Field(None, max_length=300, description="API keys only: the customer's browser")


class MandateAmountRange(Strict):
    min: MoneyIn
    max: MoneyIn


class MandateIn(Strict):
    """A NACHA WEB debit authorization: how much, how often, and how the customer revokes it."""

    frequency: Literal["one_time", "weekly", "monthly", "quarterly", "annually", "per_invoice"]
    amount: MoneyIn | None = Field(None, description="A fixed amount")
    amount_range: MandateAmountRange | None = Field(None, description="A variable amount within this range")
    revocation: str = Field(min_length=10, max_length=1000, description="How the customer revokes it, as shown")

    @model_validator(mode="after")
    def _amount(self) -> MandateIn:
        if (self.amount is None) == (self.amount_range is None):
            raise ValueError("give exactly one of amount or amount_range")
        if self.amount_range is not None and (
                self.amount_range.min.currency != self.amount_range.max.currency
                or not 0 < self.amount_range.min.amount <= self.amount_range.max.amount):
            raise ValueError("amount_range: 0 < min <= max, in one currency")
        if self.amount is not None and self.amount.amount <= 0:
            raise ValueError("amount must be greater than zero")
        return self


class PaymentMethodCreate(Strict):
    token: str = Field(pattern=r"^tok_[0-9a-z]{1,64}$")
    consent: ConsentIn
    mandate: MandateIn | None = Field(None, description="Required for a bank account (NACHA WEB)")


def _own(svc: Services, key: Principal, customer_id: str) -> None:
    """A customer token reaches only its own customer; an API key, only a customer its entity's ERP has."""
    if key.customer_id is None:
        svc.erp_for(key.entity_id).get_customer(key.entity_id, customer_id)  # 404 if unknown
    elif key.customer_id != customer_id:
        raise CustomerNotFound(f"No customer {customer_id}")


@router.get("", operation_id="list_payment_methods")
def list_payment_methods(customer_id: str, key: PayerOrCustomer, svc: ServicesDep, page: MethodPage
                         ) -> dict[str, Any]:
    """The customer's saved payment methods, newest first: summaries only."""
    _own(svc, key, customer_id)
    with svc.read() as s:
        rows, more = methods.listed(s, key.entity_id, customer_id, page.limit, page.starting_after)
        return envelope([payment_method_view(r) for r in rows], more)


@router.post("", status_code=201, operation_id="create_payment_method")
def create_payment_method(customer_id: str, body: PaymentMethodCreate, request: Request, key: PayerOrCustomer,
                          svc: ServicesDep) -> dict[str, Any]:
    """Save an unused token for the customer, with the consent they accepted (its exact text; the time is when
    PayHub records it). A bank account also needs the NACHA WEB authorization in `mandate`."""
    _own(svc, key, customer_id)
    if key.customer_id is not None and (body.consent.ip or body.consent.user_agent):
        raise InvalidRequest("A browser's own address and user agent are recorded", field="consent.ip")
    ip = body.consent.ip or (request.client.host if request.client and key.customer_id else None)
    agent = body.consent.user_agent or (request.headers.get("user-agent", "")[:300] if key.customer_id else None)
    consent = methods.Consent(body.consent.text, ip, agent)
    mandate = body.mandate.model_dump(mode="json", exclude_none=True) if body.mandate else None
    with svc.transaction() as s:
        row = methods.save(s, key.entity_id, customer_id, body.token, consent, mandate, key.key_id, svc.clock.now())
        return payment_method_view(row)


@router.delete("/{method_id}", operation_id="delete_payment_method")
def delete_payment_method(customer_id: str, method_id: str, key: PayerOrCustomer, svc: ServicesDep
                          ) -> dict[str, Any]:
    """Forget a saved method. Its card or account is erased from the vault at once."""
    _own(svc, key, customer_id)
    with svc.transaction() as s:
        row = methods.delete(s, key.entity_id, customer_id, method_id, svc.clock.now())
        return {"id": row.id, "object": "payment_method", "deleted": True}
