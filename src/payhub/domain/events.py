"""Event types PayHub emits (the webhook catalogue's names)."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    PAYMENT_AUTHORIZED = "payment.authorized"
    PAYMENT_COMPLETED = "payment.completed"
    PAYMENT_FAILED = "payment.failed"
    PAYMENT_VOIDED = "payment.voided"
    PAYMENT_SETTLED = "payment.settled"
    PAYMENT_REFUNDED = "payment.refunded"
    DISPUTE_OPENED = "dispute.opened"
    DISPUTE_UPDATED = "dispute.updated"
    DISPUTE_RESOLVED = "dispute.resolved"
    POSTING_CONFIRMED = "posting.confirmed"
    POSTING_FAILED = "posting.failed"
    RECONCILIATION_EXCEPTION = "reconciliation.exception"
    RECONCILIATION_COMPLETED = "reconciliation.completed"  # a run's summary
    AUTOPAY_ENROLLED = "autopay.enrolled"
    AUTOPAY_CANCELLED = "autopay.cancelled"
    AUTOPAY_PAYMENT_FAILED = "autopay.payment_failed"
    ENDPOINT_FAILING = "endpoint.failing"
    ENDPOINT_DISABLED = "endpoint.disabled"
    WEBHOOK_TEST = "webhook.test"


# The event body's `api_version`: the date of the payload shapes this release emits.
API_VERSION = "2026-11-24"
