"""Request schemas (XCreate). Response shapes (XPublic) live beside their builders in store/views.py."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from payhub.domain.methods import BankAccount, Card, CardToken, PaymentMethod
from payhub.domain.money import Money
from payhub.pipeline.pay import PaymentRequest

Currency = Field(pattern=r"^[A-Z]{3}$", examples=["USD"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MoneyIn(Strict):
    amount: StrictInt = Field(description="Integer amount in the currency's minor units", examples=[12500])
    currency: str = Currency

    def money(self) -> Money:
        return Money(self.amount, self.currency)


class CardIn(Strict):
    number: str = Field(min_length=12, max_length=23, description="Test PAN; never stored or logged")
    exp_month: StrictInt
    exp_year: StrictInt
    cvc: str | None = None


class AchIn(Strict):
    routing_number: str
    account_number: str
    account_type: Literal["checking", "savings"] = "checking"


class PaymentMethodIn(Strict):
    type: Literal["card", "ach"]
    token: str | None = Field(None, description="A vaulted card token (simulator: tok_visa, …)")
    card: CardIn | None = None
    ach: AchIn | None = None

    @model_validator(mode="after")
    def _one_source(self) -> PaymentMethodIn:
        given = [x for x in (self.token, self.card, self.ach) if x is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of token, card or ach")
        if (self.type == "ach") != (self.ach is not None):
            raise ValueError("type 'ach' goes with 'ach' details; 'card' with 'card' or 'token'")
        return self

    def to_domain(self, today: date) -> PaymentMethod:
        if self.card is not None:
            return Card.parse(self.card.number, self.card.exp_month, self.card.exp_year, self.card.cvc, today)
        if self.ach is not None:
            return BankAccount.parse(self.ach.routing_number, self.ach.account_number, self.ach.account_type)
        assert self.token is not None
        return CardToken(self.token)


class AllocationIn(Strict):
    invoice: str
    amount: MoneyIn | None = Field(None, description="Omit to pay the invoice's whole payable amount")


class PaymentCreate(Strict):
    customer: str | None = Field(None, description="Required when nothing is allocated to invoices")
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$",
                                 description="Defaults to the amounts' or the invoices' currency")
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=100)
    unapplied: MoneyIn | None = Field(None, description="Cash not applied to an invoice (customer credit)")
    payment_method: PaymentMethodIn
    capture_method: Literal["automatic", "manual"] = "automatic"
    allow_overpayment: bool = False
    description: str = Field("", max_length=500)
    metadata: dict[str, str] = Field(default_factory=dict, max_length=50)
    payer_jurisdiction: str | None = Field(None, pattern=r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$", examples=["US-CA"],
                                           description="Where the payer is: surcharge caps depend on it")
    customer_po: str | None = Field(None, max_length=25, description="Customer PO number (Level 2 data)")

    def to_request(self, entity_id: str, today: date, channel: str = "api") -> PaymentRequest:
        return PaymentRequest(
            entity_id=entity_id, currency=self.currency, method=self.payment_method.to_domain(today),
            allocations=[(a.invoice, a.amount.money() if a.amount else None) for a in self.allocations],
            unapplied=self.unapplied.money() if self.unapplied else None, customer_id=self.customer,
            capture_method=self.capture_method, allow_overpayment=self.allow_overpayment, channel=channel,
            description=self.description, metadata=self.metadata, payer_jurisdiction=self.payer_jurisdiction,
            customer_po=self.customer_po)


class CaptureCreate(Strict):
    amount: MoneyIn | None = Field(None, description="Omit to capture everything capturable")


class RefundCreate(Strict):
    payment: str
    amount: MoneyIn | None = Field(None, description="Omit to refund everything refundable")
    reason: str = Field("", max_length=200)
