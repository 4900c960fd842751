"""Autopay enrollments: a customer's saved payment method and a rule (when, which invoices, caps). The scheduler
in `payhub worker` pays what falls due through the one payment pipeline (channel `autopay`)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import Field, model_validator

from payhub.api.deps import AdminKey, PageParams, PayerOrCustomer, Principal, ServicesDep, envelope, paged
from payhub.api.schemas import MoneyIn, Strict
from payhub.autopay import enrollments
from payhub.autopay.enrollments import MAX_DAYS_BEFORE_DUE, RuleSpec
from payhub.domain.errors import CurrencyMismatch, CustomerNotFound
from payhub.services import Services

router = APIRouter(prefix="/autopay_enrollments", tags=["autopay"])
settings_router = APIRouter(prefix="/autopay_settings", tags=["autopay"])
EnrollmentPage = Annotated[PageParams, Depends(paged("ape"))]


class OnDueDate(Strict):
    on: Literal["due_date"]


class DaysBeforeDue(Strict):
    days_before_due: int = Field(ge=1, le=MAX_DAYS_BEFORE_DUE)


class InvoiceAmountRange(Strict):
    min: MoneyIn | None = None
    max: MoneyIn | None = None


class InvoiceFilter(Strict):
    terms: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = Field(
        None, min_length=1, max_length=20, description="Only invoices with one of these payment terms")
    amount: InvoiceAmountRange | None = Field(None, description="Only invoices whose total is in this range "
                                                                "(inclusive)")

    @model_validator(mode="after")
    def _something(self) -> InvoiceFilter:
        if self.terms is None and (self.amount is None or (self.amount.min is None and self.amount.max is None)):
            raise ValueError('filter on terms and/or an amount range, or give "all"')
        return self


class RuleIn(Strict):
    when: OnDueDate | DaysBeforeDue = Field(description='{"on": "due_date"} or {"days_before_due": N}')
    invoices: Literal["all"] | InvoiceFilter = "all"
    max_per_invoice: MoneyIn | None = Field(None, description="An invoice whose balance is above this is not paid")
    max_per_month: MoneyIn | None = Field(None, description="The most autopay pays in a calendar month (the "
                                          "entity's time zone); an invoice that would exceed it waits")

    def spec(self) -> RuleSpec:
        amounts: list[tuple[str, MoneyIn | None]] = [("max_per_invoice", self.max_per_invoice),
                                                     ("max_per_month", self.max_per_month)]
        terms = None
        if isinstance(self.invoices, InvoiceFilter):
            terms = tuple(self.invoices.terms) if self.invoices.terms is not None else None
            if self.invoices.amount is not None:
                amounts += [("min", self.invoices.amount.min), ("max", self.invoices.amount.max)]
        currencies = {m.currency for _, m in amounts if m is not None}
        if len(currencies) > 1:
            raise CurrencyMismatch("All of the rule's amounts must be in one currency", field="rule")
        given = {name: m.amount for name, m in amounts if m is not None}
        return RuleSpec(currency=currencies.pop() if currencies else None,
                        days_before_due=self.when.days_before_due if isinstance(self.when, DaysBeforeDue) else 0,
                        terms=terms, min_amount=given.get("min"), max_amount=given.get("max"),
                        max_per_invoice=given.get("max_per_invoice"), max_per_month=given.get("max_per_month"))


class EnrollmentCreate(Strict):
    customer: str = Field(min_length=1, max_length=40)
    payment_method: str = Field(pattern=r"^pm_[0-9a-z]{1,64}$", description="A saved payment method of the customer")
    rule: RuleIn


class EnrollmentUpdate(Strict):
    payment_method: str = Field(pattern=r"^pm_[0-9a-z]{1,64}$",
                                description="Pay with this saved method from now on; a paused enrollment resumes")


class RetrySettings(Strict):
    retry_days: list[int] = Field(min_length=1, max_length=10, description="Days after each failed attempt before "
                                  "the next one, for a soft decline (insufficient funds, processing error)")


def _customer(svc: Services, key: Principal, customer_id: str | None) -> str | None:
    """The customer a request may act for: a customer token only for its own; an API key any its ERP has."""
    if key.customer_id is not None:
        if customer_id not in (None, key.customer_id):
            raise CustomerNotFound(f"No customer {customer_id}")
        return key.customer_id
    if customer_id is not None:
        svc.erp_for(key.entity_id).get_customer(key.entity_id, customer_id)  # 404 if unknown
    return customer_id


@router.post("", status_code=201, operation_id="create_autopay_enrollment")
def create_enrollment(body: EnrollmentCreate, key: PayerOrCustomer, svc: ServicesDep) -> dict[str, Any]:
    """Enroll a customer: their saved method pays the invoices the rule selects when they fall due. Emits
    `autopay.enrolled`."""
    customer = _customer(svc, key, body.customer)
    assert customer is not None
    spec = body.rule.spec()
    with svc.transaction() as s:
        row = enrollments.create(s, key.entity_id, customer, body.payment_method, spec, key.key_id, svc.clock.now())
        return enrollments.view(row, enrollments.method_of(s, row))


@router.get("", operation_id="list_autopay_enrollments")
def list_enrollments(key: PayerOrCustomer, svc: ServicesDep, page: EnrollmentPage, customer: str | None = None,
                     status: Literal["active", "paused", "cancelled"] | None = None) -> dict[str, Any]:
    """Enrollments, newest first; a customer token sees its own customer's only."""
    customer_id = _customer(svc, key, customer)
    with svc.read() as s:
        rows, more = enrollments.listed(s, key.entity_id, customer_id, status, page.limit, page.starting_after)
        return envelope([enrollments.view(r, enrollments.method_of(s, r)) for r in rows], more)


@router.get("/{enrollment_id}", operation_id="get_autopay_enrollment")
def get_enrollment(enrollment_id: str, key: PayerOrCustomer, svc: ServicesDep) -> dict[str, Any]:
    """One enrollment, with its recent attempts (invoice, due date, attempt number, payment, outcome)."""
    with svc.read() as s:
        row = enrollments.get(s, key.entity_id, enrollment_id, key.customer_id)
        return enrollments.view(row, enrollments.method_of(s, row), enrollments.attempts_of(s, row.id))


@router.patch("/{enrollment_id}", operation_id="update_autopay_enrollment")
def update_enrollment(enrollment_id: str, body: EnrollmentUpdate, key: PayerOrCustomer, svc: ServicesDep
                      ) -> dict[str, Any]:
    """Change the saved method; an enrollment paused by a hard decline resumes."""
    with svc.transaction() as s:
        row = enrollments.change_method(s, key.entity_id, enrollment_id, key.customer_id, body.payment_method,
                                        svc.clock.now())
        return enrollments.view(row, enrollments.method_of(s, row))


@router.post("/{enrollment_id}/cancel", operation_id="cancel_autopay_enrollment")
def cancel_enrollment(enrollment_id: str, key: PayerOrCustomer, svc: ServicesDep) -> dict[str, Any]:
    """Stop autopay for good. Emits `autopay.cancelled` (once)."""
    with svc.transaction() as s:
        row = enrollments.cancel(s, key.entity_id, enrollment_id, key.customer_id, svc.clock.now())
        return enrollments.view(row, enrollments.method_of(s, row))


@settings_router.get("", operation_id="get_autopay_settings")
def get_settings(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """The entity's soft-decline retry schedule (default 1, 3, 5 days)."""
    with svc.read() as s:
        return {"object": "autopay_settings", "retry_days": list(enrollments.retry_days(s, key.entity_id))}


@settings_router.put("", operation_id="put_autopay_settings")
def put_settings(body: RetrySettings, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.transaction() as s:
        days = enrollments.set_retry_days(s, key.entity_id, body.retry_days, svc.clock.now())
        return {"object": "autopay_settings", "retry_days": list(days)}
