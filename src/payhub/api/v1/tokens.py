"""The vault's way in: a card or bank account becomes an opaque, single-use `tok_…`. The hosted-field page calls
this with the customer token its widget was given, so card data goes from the customer's browser to PayHub and
never through the host page."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field, model_validator

from payhub.api.deps import PayerOrCustomer, ServicesDep
from payhub.api.errors import ApiError
from payhub.api.schemas import AchIn, CardIn, Strict
from payhub.domain.errors import CustomerNotFound, InvalidCard
from payhub.domain.methods import BankAccount, Card
from payhub.vault import tokens as vault
from payhub.views import token_view
from payhub.web.origins import is_own, request_origin

router = APIRouter(prefix="/tokens", tags=["vault"])


class AchTokenIn(AchIn):
    account_holder_name: str | None = Field(None, max_length=100)


class TokenCreate(Strict):
    card: CardIn | None = None
    ach: AchTokenIn | None = None
    customer: str | None = Field(None, max_length=64, description="Only this customer may pay with the token "
                                 "(a customer token's own customer is implied)")

    @model_validator(mode="after")
    def _one_source(self) -> TokenCreate:
        if (self.card is None) == (self.ach is None):
            raise ValueError("give exactly one of card or ach")
        return self

    def method(self, today: date) -> Card | BankAccount:
        try:
            if self.card is not None:
                return Card.parse(self.card.number, self.card.exp_month, self.card.exp_year, self.card.cvc, today)
            assert self.ach is not None
            return BankAccount.parse(self.ach.routing_number, self.ach.account_number, self.ach.account_type)
        except InvalidCard as error:  # fields as this body names them: card.number, ach.routing_number …
            field = str(error.extra.get("field", "")).removeprefix("payment_method.")
            raise InvalidCard(error.detail, field=field) from None


def _from_hosted_fields(request: Request) -> bool:
    """A browser's request from a page PayHub served (the hosted fields) is same-origin: its Origin is this host."""
    origin = request_origin(request.headers)
    return origin is None or is_own(origin, request.headers)


@router.post("", status_code=201, operation_id="create_token")
def create_token(body: TokenCreate, request: Request, key: PayerOrCustomer, svc: ServicesDep) -> dict[str, Any]:
    """Check a card (Luhn, expiry in the future, CVC length for its brand) or a bank account (ABA checksum) and
    seal it in the vault. The answer holds only the summary: brand, last4, expiry, funding and issuing country,
    or the account's last 4 digits. The CVC is never kept. The token pays once, within 30 minutes, unless it is
    saved to a customer (POST /v1/customers/{id}/payment_methods)."""
    if key.customer_id is not None and not _from_hosted_fields(request):
        # a host page collecting card numbers itself would be in PCI scope: it embeds the hosted fields instead
        raise ApiError(403, "hosted_fields_required", "Use the hosted fields",
                       "With a customer token, cards are tokenized by PayHub's hosted-field page, not by the host page")
    method = body.method(svc.clock.now().date())
    customer = key.customer_id or body.customer
    if key.customer_id and body.customer not in (None, key.customer_id):
        raise CustomerNotFound(f"No customer {body.customer}")
    if customer is not None and key.customer_id is None:
        svc.erp_for(key.entity_id).get_customer(key.entity_id, customer)  # 404 if unknown
    with svc.transaction() as s:
        row = vault.tokenize(s, svc.vault, key.entity_id, customer, method, svc.clock.now(),
                             body.ach.account_holder_name if body.ach else None)
        return token_view(row)
