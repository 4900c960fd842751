"""The event catalogue: every event type PayHub emits, with a JSON Schema of its `data`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from payhub.domain.events import EventType
from payhub.views import DisputePublic, MoneyPublic, PaymentPublic, PostingPublic, RefundPublic


class RefundEvent(RefundPublic):
    payment: PaymentPublic  # type: ignore[assignment]


class PostingEvent(PostingPublic):
    payment: PaymentPublic  # type: ignore[assignment]


class ReconciliationProposal(BaseModel):
    action: str = Field(description="write_off | retry_posting | investigate")
    description: str = Field(examples=["Post fee difference 1.27 to 6100"])
    entry: list[dict[str, Any]] | None = Field(description="The journal entry a write-off posts (account, debit, "
                                                           "credit, currency), if the fix is one")


class ReconciliationException(BaseModel):
    id: str
    object: str = "reconciliation_exception"
    class_: str = Field(alias="class", description="missing_in_ledger | missing_in_settlement | amount_mismatch | "
                        "duplicate | currency_mismatch | unexpected_fee | posted_but_not_settled | "
                        "settled_not_posted")
    status: str = Field(description="open | resolved")
    gateway: str | None
    difference: MoneyPublic | None
    settlement_line: str | None = Field(description="The settlement line (stl_…), when the break has one")
    record: str | None = Field(description="PayHub's payment, refund or dispute, when the break has one")
    payment: str | None
    occurred_at: str
    details: dict[str, Any] = Field(description="Both sides' data: the settlement line's and PayHub's record's, "
                                                "and the GL posting's status")
    proposal: ReconciliationProposal
    run: str
    last_run: str
    resolution: dict[str, Any] | None = Field(description="manual_match | write_off | ignore | cleared, with the "
                                                          "reason, who, when, and a write-off's posting")
    created_at: str


class ReconciliationRun(BaseModel):
    id: str
    object: str = "reconciliation_run"
    gateway: str | None
    trigger: str = Field(description="schedule | api | cli")
    status: str = Field(description="running | completed | failed")
    as_of: str
    started_at: str
    finished_at: str | None
    summary: dict[str, Any] = Field(description="Lines and records read, matched totals per currency, exceptions "
                                                "by class, new, open and cleared")
    error: str | None


class AutopayRule(BaseModel):
    when: dict[str, Any] = Field(description='{"on": "due_date"} or {"days_before_due": N}')
    invoices: Any = Field(description='"all", or {"terms": [...] | null, "amount": {"min", "max"} | null}')
    max_per_invoice: MoneyPublic | None
    max_per_month: MoneyPublic | None


class AutopayEnrollment(BaseModel):
    id: str
    object: str = "autopay_enrollment"
    customer: str
    status: str = Field(description="active | paused | cancelled")
    paused_reason: str | None
    currency: str
    payment_method: dict[str, Any]
    rule: AutopayRule
    created_at: str
    updated_at: str
    cancelled_at: str | None


class AutopayPaymentFailed(BaseModel):
    object: str = "autopay_payment_failure"
    enrollment: AutopayEnrollment
    invoice: str
    due_on: str
    attempt: int
    payment: str = Field(description="The failed payment (its own payment.failed event carries it whole)")
    category: str = Field(description="hard (enrollment paused) | soft (retries exhausted)")
    reason: str = Field(description="The decline code, e.g. card_declined, bank_account_declined")
    message: str


class EndpointAlert(BaseModel):
    id: str
    object: str = "webhook_endpoint"
    url: str
    enabled: bool
    disabled_reason: str | None
    consecutive_failures: int
    failing_since: str | None


class TestEvent(BaseModel):
    message: str
    endpoint: str


CATALOGUE: dict[EventType, tuple[str, type[BaseModel]]] = {
    EventType.PAYMENT_AUTHORIZED: ("A payment was authorized and awaits capture.", PaymentPublic),
    EventType.PAYMENT_COMPLETED: ("Money was captured; `posting` is the GL entry being posted.", PaymentPublic),
    EventType.PAYMENT_FAILED: ("The gateway declined or failed the payment.", PaymentPublic),
    EventType.PAYMENT_VOIDED: ("An authorization was released.", PaymentPublic),
    EventType.PAYMENT_SETTLED: ("The gateway settled the captured funds.", PaymentPublic),
    EventType.PAYMENT_REFUNDED: ("A refund succeeded; `posting` reverses the GL entry.", RefundEvent),
    EventType.DISPUTE_OPENED: ("A cardholder disputed a payment (an inquiry or a chargeback); `postings` shows "
                               "the chargeback's GL entry once money moved.", DisputePublic),
    EventType.DISPUTE_UPDATED: ("A dispute changed before it was decided: its status (an inquiry became a "
                                "chargeback, evidence went under review), its due date, or its evidence.",
                                DisputePublic),
    EventType.DISPUTE_RESOLVED: ("A dispute was decided: `outcome` is won or lost (none for an inquiry closed "
                                 "without a chargeback); `postings` shows the reversal or the loss.", DisputePublic),
    EventType.POSTING_CONFIRMED: ("The ERP accepted a GL posting; `erp_reference` is its id.", PostingEvent),
    EventType.POSTING_FAILED: ("The ERP refused or could not take a GL posting.", PostingEvent),
    EventType.RECONCILIATION_EXCEPTION: ("Settlement, PayHub's records and the GL disagree; with both sides' data "
                                         "and a proposed fix.", ReconciliationException),
    EventType.RECONCILIATION_COMPLETED: ("A reconciliation run finished; its summary.", ReconciliationRun),
    EventType.AUTOPAY_ENROLLED: ("A customer enrolled in autopay.", AutopayEnrollment),
    EventType.AUTOPAY_CANCELLED: ("An autopay enrollment was cancelled.", AutopayEnrollment),
    EventType.AUTOPAY_PAYMENT_FAILED: ("An autopay payment failed for good: a hard decline (the enrollment is "
                                       "paused until the payment method is updated) or a soft decline whose "
                                       "retries ran out.", AutopayPaymentFailed),
    EventType.ENDPOINT_FAILING: ("A webhook endpoint keeps failing (sent to the entity's other endpoints).",
                                 EndpointAlert),
    EventType.ENDPOINT_DISABLED: ("A webhook endpoint was disabled after its retries ran out or a 410.",
                                  EndpointAlert),
    EventType.WEBHOOK_TEST: ("A test event sent on request.", TestEvent),
}

NAMES = frozenset(e.value for e in CATALOGUE)


def event_types_problem(names: list[str]) -> str | None:
    """Why an endpoint's event-type filter is invalid (names from the catalogue, or "*"), or None."""
    unknown = sorted(set(names) - NAMES - {"*"})
    if unknown:
        return f"unknown event types: {', '.join(unknown)}"
    return None if names else "give at least one event type"


def event_types() -> list[dict[str, Any]]:
    return [{"name": name.value, "description": description, "schema": model.model_json_schema()}
            for name, (description, model) in CATALOGUE.items()]
