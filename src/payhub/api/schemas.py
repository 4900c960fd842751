"""Request schemas (XCreate). Response shapes (XPublic) live beside their builders in payhub/views.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictInt,
    ValidationError,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from payhub.domain.methods import BankAccount, Card, CardToken, Payable, SavedMethod, VaultToken
from payhub.domain.money import MAX_AMOUNTS, MAX_SAFE_MINOR_UNITS, Money
from payhub.pipeline.pay import PaymentRequest

Currency = Field(pattern=r"^[A-Z]{3}$", examples=["USD"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MoneyIn(Strict):
    amount: StrictInt = Field(description="Integer amount in the currency's minor units; at most just under one "
                              "trillion major units (e.g. 99999999999999 for USD), never above 2^53 - 1",
                              examples=[12500], json_schema_extra={"maximum": MAX_SAFE_MINOR_UNITS})
    currency: str = Currency

    @model_validator(mode="after")
    def _within_maximum(self) -> MoneyIn:
        if self.currency in MAX_AMOUNTS and abs(self.amount) > MAX_AMOUNTS[self.currency]:
            raise PydanticCustomError("amount_too_large", "Amounts in {currency} are at most {maximum} minor units",
                                      {"currency": self.currency, "maximum": MAX_AMOUNTS[self.currency]})
        return self

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


def _not_null(schema: dict[str, Any]) -> None:
    """Document an optional field without `null`: the schema's oneOf says which one must be given."""
    options = [x for x in schema.pop("anyOf", []) if x != {"type": "null"}]
    if len(options) == 1:
        schema.update(options[0])
    schema.pop("default", None)


class _MethodIn(Strict):
    @model_serializer(mode="wrap")
    def _all_sources(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Every source key, as before the union: idempotency fingerprints of earlier requests still match.
        return {"token": None, "card": None, "ach": None, **handler(self)}


class CardMethodIn(_MethodIn):
    """A card: a vaulted token, or card details (test cards only; vaulted at once, never stored)."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["token"]}, {"required": ["card"]}]})

    type: Literal["card"]
    token: str | None = Field(None, description="A vaulted card token (simulator: tok_visa, …)",
                              json_schema_extra=_not_null)
    card: CardIn | None = Field(None, json_schema_extra=_not_null)

    @model_validator(mode="after")
    def _one_source(self) -> CardMethodIn:
        if (self.token is None) == (self.card is None):
            raise ValueError("give exactly one of token or card")
        return self

    def to_domain(self, today: date) -> Payable:
        if self.card is not None:
            return Card.parse(self.card.number, self.card.exp_month, self.card.exp_year, self.card.cvc, today)
        assert self.token is not None
        return CardToken(self.token)


class AchMethodIn(_MethodIn):
    """A US bank account (ACH debit)."""

    type: Literal["ach"]
    ach: AchIn

    def to_domain(self, today: date) -> Payable:
        return BankAccount.parse(self.ach.routing_number, self.ach.account_number, self.ach.account_type)


class TokenMethodIn(_MethodIn):
    """A PayHub vault token (POST /v1/tokens, made by the hosted fields): a card or a bank account. Single-use."""

    type: Literal["token"]
    token: str = Field(pattern=r"^tok_[0-9a-z]{1,64}$", examples=["tok_0mf3k2a1b00x7q2kd9s1ab3c"])

    def to_domain(self, today: date) -> Payable:
        return VaultToken(self.token)


class SavedMethodIn(_MethodIn):
    """A customer's saved payment method (POST /v1/customers/{id}/payment_methods)."""

    type: Literal["saved"]
    payment_method: str = Field(pattern=r"^pm_[0-9a-z]{1,64}$", examples=["pm_0mf3k2a1b00x7q2kd9s1ab3c"])

    def to_domain(self, today: date) -> Payable:
        return SavedMethod(self.payment_method)


# A union on `type` (OpenAPI: oneOf + discriminator), so clients and fuzzers build only valid methods.
PaymentMethodIn = Annotated[CardMethodIn | AchMethodIn | TokenMethodIn | SavedMethodIn, Field(discriminator="type")]
METHOD_TAGS = ("card", "ach", "token", "saved")


def _untagged(error: ValidationError) -> ValidationError:
    """The union's errors without the tag pydantic puts in their location: fields keep the names they have
    everywhere else (`payment_method.card.number`, as the domain's errors name them)."""
    details: list[InitErrorDetails] = []
    for err in error.errors():
        loc = err["loc"][1:] if err["loc"][:1] in [(t,) for t in METHOD_TAGS] else err["loc"]
        detail = InitErrorDetails(type=err["type"], loc=loc, input=err["input"])
        if "ctx" in err:
            detail["ctx"] = err["ctx"]
        details.append(detail)
    return ValidationError.from_exception_data(error.title, details)


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
    tax_amount: MoneyIn | None = Field(None, description="Sales tax included in the amount (Level 2 data); "
                                       "default: the tax on the invoices' lines")

    @model_serializer(mode="wrap")
    def _without_unset_tax(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Left out when not given: idempotency fingerprints of requests made before the field existed still match.
        data: dict[str, Any] = handler(self)
        if data.get("tax_amount") is None:
            data.pop("tax_amount", None)
        return data

    @field_validator("payment_method", mode="wrap")
    @classmethod
    def _method(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError as error:
            raise _untagged(error) from None

    def to_request(self, entity_id: str, today: date, channel: str = "api") -> PaymentRequest:
        return PaymentRequest(
            entity_id=entity_id, currency=self.currency, method=self.payment_method.to_domain(today),
            allocations=[(a.invoice, a.amount.money() if a.amount else None) for a in self.allocations],
            unapplied=self.unapplied.money() if self.unapplied else None, customer_id=self.customer,
            capture_method=self.capture_method, allow_overpayment=self.allow_overpayment, channel=channel,
            description=self.description, metadata=self.metadata, payer_jurisdiction=self.payer_jurisdiction,
            customer_po=self.customer_po, tax_amount=self.tax_amount.money() if self.tax_amount else None)


class CaptureCreate(Strict):
    amount: MoneyIn | None = Field(None, description="Omit to capture everything capturable")


class RefundCreate(Strict):
    payment: str
    amount: MoneyIn | None = Field(None, description="Omit to refund everything refundable")
    reason: str = Field("", max_length=200)
