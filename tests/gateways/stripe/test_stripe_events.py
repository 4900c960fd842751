"""The Stripe connector's webhook events, settlement reports and dispute evidence: signature verification (pure),
event mapping, the documented itemized reports (tests/gateways/fixtures), and evidence against the fake."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from payhub.domain.disputes import DisputeStatus, Evidence, EvidenceFile
from payhub.domain.errors import (
    EvidenceInvalid,
    InvalidRequest,
    NotificationInvalid,
    NotificationRejected,
    NotificationStale,
)
from payhub.domain.methods import CardToken
from payhub.domain.money import Money
from payhub.domain.settlement import LineType, totals
from payhub.gateways.signing import signature_header
from payhub.gateways.stripe import StripeGateway
from payhub.ports import AuthorizeRequest, PayoutNotice
from tests.gateways.stripe.fake import API_KEY, FakeStripe

SECRET = "whsec_test_5Yt7cL1qN0pXb2Vw"
OLD_SECRET = "whsec_test_rolled_away_3Kf9"
NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
FIXTURES = Path(__file__).parent.parent / "fixtures"


def gateway(**config: Any) -> StripeGateway:
    return StripeGateway(API_KEY, **{"webhook_secret": SECRET, **config})


def event(kind: str, obj: dict[str, Any], event_id: str = "evt_1QaA1ZLkdIwHu7ix") -> bytes:
    return json.dumps({"id": event_id, "object": "event", "api_version": "2025-10-29.clover", "type": kind,
                       "created": int(NOW.timestamp()) - 5, "livemode": False, "data": {"object": obj}}).encode()


def signed(body: bytes, secret: str = SECRET, at: datetime = NOW) -> dict[str, str]:
    return {"stripe-signature": signature_header(secret, body, int(at.timestamp())),
            "content-type": "application/json"}


def dispute(status: str = "needs_response", payment_intent: str | None = "pi_3QaC3ZLkdIwHu7ix2YmNu5pS",
            **extra: Any) -> dict[str, Any]:
    return {"id": "du_1QaE5ZLkdIwHu7ixQ4wErTyU", "object": "dispute", "amount": 4000, "currency": "usd",
            "charge": "ch_3QaC3ZLkdIwHu7ix2V2xCdEf", "payment_intent": payment_intent, "status": status,
            "reason": "fraudulent", "network_reason_code": "10.4", "created": 1767225000,
            "evidence_details": {"due_by": 1768435199, "has_evidence": False, "past_due": False,
                                 "submission_count": 0}, "is_charge_refundable": False, **extra}


# --- verification ------------------------------------------------------------------------------------

def test_a_signed_event_is_read() -> None:
    body = event("charge.dispute.created", dispute())
    [notification] = gateway().read_notifications(signed(body), body, NOW)
    assert (notification.event_id, notification.event_type) == ("evt_1QaA1ZLkdIwHu7ix", "charge.dispute.created")
    assert notification.occurred_at == datetime(2026, 1, 1, 11, 59, 55, tzinfo=UTC)


@pytest.mark.parametrize("headers", [
    {},  # no header
    {"stripe-signature": ""},
    {"stripe-signature": "t=1767268800"},  # no v1
    {"stripe-signature": "v1=abc"},  # no t
    {"stripe-signature": "t=1767268800,v1=" + "0" * 64},  # forged
    {"stripe-signature": "t=1767268800,v0=whatever"},  # only the test scheme
], ids=["missing", "empty", "no-v1", "no-t", "forged", "v0-only"])
def test_a_request_without_a_valid_signature_is_rejected(headers: dict[str, str]) -> None:
    body = event("charge.dispute.created", dispute())
    with pytest.raises(NotificationRejected) as error:
        gateway().read_notifications(headers, body, NOW)
    assert type(error.value) is NotificationRejected


def test_a_wrong_secret_or_a_changed_body_is_rejected() -> None:
    body = event("charge.dispute.created", dispute())
    with pytest.raises(NotificationRejected):
        gateway().read_notifications(signed(body, "whsec_someone_else"), body, NOW)
    with pytest.raises(NotificationRejected):
        gateway().read_notifications(signed(body), body.replace(b"4000", b"9000"), NOW)


def test_without_a_configured_secret_nothing_is_accepted() -> None:
    body = event("charge.dispute.created", dispute())
    with pytest.raises(NotificationRejected):
        StripeGateway(API_KEY).read_notifications(signed(body), body, NOW)


def test_any_matching_v1_is_accepted_while_a_secret_is_rolled() -> None:
    body = event("charge.dispute.created", dispute())
    at = int(NOW.timestamp())
    both = {"stripe-signature": signature_header(OLD_SECRET, body, at) + "," + signature_header(SECRET, body, at)
            .split(",")[1]}
    assert len(gateway().read_notifications(both, body, NOW)) == 1
    # and a gateway configured with the old and the new secret takes either
    rolling = gateway(webhook_secret=[OLD_SECRET, SECRET])
    assert len(rolling.read_notifications(signed(body, OLD_SECRET), body, NOW)) == 1


def test_an_old_timestamp_is_stale_a_replay_with_it_too() -> None:
    body = event("charge.dispute.created", dispute())
    old = signed(body, at=datetime(2026, 1, 1, 11, 54, 59, tzinfo=UTC))  # 301 s before NOW
    with pytest.raises(NotificationStale):
        gateway().read_notifications(old, body, NOW)
    recent = signed(body, at=datetime(2026, 1, 1, 11, 55, 1, tzinfo=UTC))
    assert gateway().read_notifications(recent, body, NOW)
    # the same request replayed ten minutes later is refused
    with pytest.raises(NotificationStale):
        gateway().read_notifications(recent, body, datetime(2026, 1, 1, 12, 5, tzinfo=UTC))
    assert gateway(webhook_tolerance_s=900).read_notifications(recent, body, datetime(2026, 1, 1, 12, 5, tzinfo=UTC))


def test_a_forged_old_request_is_rejected_not_stale() -> None:
    body = event("charge.dispute.created", dispute())
    with pytest.raises(NotificationRejected) as error:
        gateway().read_notifications(signed(body, "whsec_x", at=datetime(2020, 1, 1, tzinfo=UTC)), body, NOW)
    assert type(error.value) is NotificationRejected


@pytest.mark.parametrize("body", [
    b"not json", b"[]", b'{"id": "evt_1"}', b'{"id": "evt_1", "type": "charge.dispute.created", "created": 1}',
    json.dumps({"id": "evt_1", "type": "charge.dispute.created", "created": 1,
                "data": {"object": {"id": "du_1", "status": "needs_response"}}}).encode(),
    json.dumps({"id": "evt_1", "type": "charge.dispute.created", "created": 1,
                "data": {"object": dispute(status="invented")}}).encode(),
    json.dumps({"id": "evt_1", "type": "charge.dispute.created", "created": 1,
                "data": {"object": dispute(payment_intent=None, charge=None)}}).encode(),
    json.dumps({"id": "evt_1", "type": "payout.paid", "created": 1,
                "data": {"object": {"id": "po_1", "amount": "12", "currency": "usd", "status": "paid"}}}).encode(),
    b"\xff\xfe",
], ids=["not-json", "array", "no-type", "no-data", "dispute-fields", "dispute-status", "no-payment",
        "amount-type", "bytes"])
def test_a_malformed_event_is_invalid(body: bytes) -> None:
    with pytest.raises(NotificationInvalid):
        gateway().read_notifications(signed(body), body, NOW)


def test_an_event_payhub_has_no_use_for_has_no_notice() -> None:
    body = event("customer.created", {"id": "cus_1", "object": "customer"})
    [notification] = gateway().read_notifications(signed(body), body, NOW)
    assert notification.event_type == "customer.created"
    assert (notification.dispute, notification.authorization, notification.payout) == (None, None, None)


# --- mapping -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "status", "expected"), [
    ("charge.dispute.created", "warning_needs_response", DisputeStatus.WARNING_NEEDS_RESPONSE),
    ("charge.dispute.updated", "warning_under_review", DisputeStatus.WARNING_UNDER_REVIEW),
    ("charge.dispute.closed", "warning_closed", DisputeStatus.WARNING_CLOSED),
    ("charge.dispute.created", "needs_response", DisputeStatus.NEEDS_RESPONSE),
    ("charge.dispute.funds_withdrawn", "needs_response", DisputeStatus.NEEDS_RESPONSE),
    ("charge.dispute.updated", "under_review", DisputeStatus.UNDER_REVIEW),
    ("charge.dispute.closed", "won", DisputeStatus.WON),
    ("charge.dispute.funds_reinstated", "won", DisputeStatus.WON),
    ("charge.dispute.closed", "lost", DisputeStatus.LOST),
])
def test_dispute_events_map_to_payhub_statuses(kind: str, status: str, expected: DisputeStatus) -> None:
    body = event(kind, dispute(status))
    [notification] = gateway().read_notifications(signed(body), body, NOW)
    notice = notification.dispute
    assert notice is not None
    assert (notice.status, notice.raw_status) == (expected, status)
    assert notice.dispute_reference == "du_1QaE5ZLkdIwHu7ixQ4wErTyU"
    assert notice.gateway_reference == "pi_3QaC3ZLkdIwHu7ix2YmNu5pS"  # the PaymentIntent PayHub keeps
    assert (notice.amount, notice.currency, notice.reason, notice.reason_code) == (4000, "USD", "fraudulent", "10.4")
    assert notice.evidence_due_by == datetime(2026, 1, 14, 23, 59, 59, tzinfo=UTC)


def test_a_dispute_of_a_charge_without_intent_names_the_charge() -> None:
    body = event("charge.dispute.created", dispute(payment_intent=None, network_reason_code=None))
    [notification] = gateway().read_notifications(signed(body), body, NOW)
    assert notification.dispute is not None
    assert notification.dispute.gateway_reference == "ch_3QaC3ZLkdIwHu7ix2V2xCdEf"
    assert notification.dispute.reason_code is None


def test_payment_intent_events_are_authorization_notices() -> None:
    intent = {"id": "pi_3QaA1ZLkdIwHu7ix0WkLs3nQ", "object": "payment_intent", "amount": 10000,
              "amount_received": 10000, "currency": "usd", "status": "succeeded",
              "metadata": {"payhub_key": "pay_01JGZ8Q3A1", "merchant_reference": "INV-1001"}}
    body = event("payment_intent.succeeded", intent)
    [ok] = gateway().read_notifications(signed(body), body, NOW)
    assert ok.authorization is not None
    assert (ok.authorization.gateway_reference, ok.authorization.succeeded, ok.authorization.amount,
            ok.authorization.currency, ok.authorization.merchant_reference, ok.authorization.failure_code) == (
        "pi_3QaA1ZLkdIwHu7ix0WkLs3nQ", True, 10000, "USD", "pay_01JGZ8Q3A1", None)

    failed = {**intent, "status": "requires_payment_method", "amount_received": 0,
              "last_payment_error": {"type": "card_error", "code": "card_declined",
                                     "decline_code": "insufficient_funds"}}
    body = event("payment_intent.payment_failed", failed, "evt_2")
    [no] = gateway().read_notifications(signed(body), body, NOW)
    assert no.authorization is not None
    assert (no.authorization.succeeded, no.authorization.amount, no.authorization.failure_code) == (
        False, 10000, "insufficient_funds")


def test_payout_events_are_payout_notices() -> None:
    payout = {"id": "po_1QbT7uLkdIwHu7ix8WfYcS2E", "object": "payout", "amount": 29579, "currency": "usd",
              "arrival_date": 1767571200, "status": "paid", "automatic": True}
    body = event("payout.paid", payout)
    [paid] = gateway().read_notifications(signed(body), body, NOW)
    assert paid.payout == PayoutNotice("po_1QbT7uLkdIwHu7ix8WfYcS2E", "paid", 29579, "USD",
                                       datetime(2026, 1, 5, tzinfo=UTC))
    body = event("payout.failed", {**payout, "status": "failed"}, "evt_3")
    [failed] = gateway().read_notifications(signed(body), body, NOW)
    assert failed.payout is not None and failed.payout.status == "failed"


# --- settlement reports --------------------------------------------------------------------------------------

def read(name: str) -> list[Any]:
    with (FIXTURES / name).open("rb") as source:
        return list(gateway().read_settlement_report(source))


def test_the_payout_reconciliation_report() -> None:
    lines = read("stripe_payout_reconciliation.csv")
    assert [(l.type, l.gross, l.fee, l.net) for l in lines] == [
        (LineType.PAYMENT, 10000, 320, 9680), (LineType.PAYMENT, 25000, 755, 24245),
        (LineType.PAYMENT, 4000, 146, 3854), (LineType.REFUND, -2500, 0, -2500),
        (LineType.CHARGEBACK, -4000, 1500, -5500), (LineType.FEE, -200, 0, -200),
        (LineType.PAYOUT, 29579, 0, 29579)]
    assert {l.batch_ref for l in lines} == {"po_1QbT7uLkdIwHu7ix8WfYcS2E"}
    assert {l.currency for l in lines} == {"USD"}
    first, _, _, refund, chargeback, fee, payout = lines
    assert (first.line_no, first.gateway_reference, first.merchant_reference, first.provider_type) == (
        2, "pi_3QaA1ZLkdIwHu7ix0WkLs3nQ", "pay_01JGZ8Q3A1", "charge")
    assert first.occurred_at == datetime(2026, 1, 2, 14, 3, 11, tzinfo=UTC)
    assert refund.gateway_reference == first.gateway_reference
    assert (chargeback.dispute_reference, chargeback.reason_code) == ("du_1QaE5ZLkdIwHu7ixQ4wErTyU", "fraudulent")
    assert (fee.gateway_reference, fee.merchant_reference) == (None, None)
    assert payout.gateway_reference is None
    batch = totals(lines)["USD"]
    assert (batch.gross, batch.fees, batch.net, batch.chargebacks) == (32300, 2721, 29579, -4000)
    assert batch.net == payout.net  # the payout pays the batch's net


def test_the_balance_change_report_batches_by_day() -> None:
    charge, reversal = read("stripe_balance_change.csv")
    assert (charge.batch_ref, reversal.batch_ref) == ("balance_2026-01-06", "balance_2026-01-07")
    assert (charge.type, charge.currency, charge.gross, charge.fee, charge.net) == (
        LineType.PAYMENT, "EUR", 8000, 262, 7738)
    assert charge.merchant_reference == "INV-2001"  # no payhub_key column: the merchant reference
    assert (reversal.type, reversal.gross, reversal.dispute_reference) == (
        LineType.CHARGEBACK_REVERSAL, 8000, "du_1QcB2ZLkdIwHu7ixR5xFsUvW")


def test_an_unknown_reporting_category_names_its_line() -> None:
    data = (FIXTURES / "stripe_balance_change.csv").read_bytes().replace(b",charge,", b",mystery,")
    with pytest.raises(Exception) as error:
        list(gateway().read_settlement_report(io.BytesIO(data)))
    assert getattr(error.value, "line", None) == 2 and "mystery" in str(error.value)


def test_a_line_whose_amounts_do_not_add_up_names_its_line() -> None:
    data = (FIXTURES / "stripe_balance_change.csv").read_bytes().replace(b"80.00,2.62,77.38", b"80.00,2.62,77.39")
    with pytest.raises(Exception) as error:
        list(gateway().read_settlement_report(io.BytesIO(data)))
    assert getattr(error.value, "line", None) == 2


# --- dispute evidence against the fake -------------------------------------------------------------------------

@pytest.fixture
def fake() -> FakeStripe:
    return FakeStripe()


@pytest.fixture
def live(fake: FakeStripe) -> Iterator[StripeGateway]:
    with fake.serve() as url:
        gw = StripeGateway(API_KEY, base_url=url, files_url=url, timeout_s=5)
        yield gw
        gw.close()


def disputed(gw: StripeGateway, fake: FakeStripe, status: str = "needs_response") -> str:
    intent = gw.authorize(AuthorizeRequest(Money(4000, "USD"), CardToken("pm_card_visa"), capture=True,
                                           idempotency_key="pay_disputed")).reference
    return fake.add_dispute(intent, status)


EVIDENCE = Evidence(
    fields={"product_description": "Consulting, December 2025", "customer_name": "Initech LLC",
            "customer_email_address": "ops@initech.example", "receipt": "Invoice INV-1004 paid by card",
            "uncategorized_text": "Customer signed the statement of work."},
    files=(EvidenceFile("invoice.pdf", "application/pdf", b"%PDF-1.4 invoice", "receipt"),
           EvidenceFile("emails.pdf", "application/pdf", b"%PDF-1.4 emails", "customer_communication")))


def test_evidence_is_uploaded_set_and_submitted(live: StripeGateway, fake: FakeStripe) -> None:
    dispute_id = disputed(live, fake)
    assert live.submit_dispute_evidence(dispute_id, EVIDENCE, "dsp_key_1") == "under_review"
    assert [(f["filename"], f["type"], f["purpose"]) for f in fake.files.values()] == [
        ("invoice.pdf", "application/pdf", "dispute_evidence"), ("emails.pdf", "application/pdf", "dispute_evidence")]
    receipt, emails = fake.files
    stored = fake.disputes[dispute_id]
    assert stored["status"] == "under_review"
    assert stored["evidence"]["receipt"] == receipt and stored["evidence"]["customer_communication"] == emails
    assert stored["evidence"]["customer_name"] == "Initech LLC"
    # text for a file field joins uncategorized_text, after the caller's own
    assert stored["evidence"]["uncategorized_text"] == (
        "Customer signed the statement of work.\n\nReceipt: Invoice INV-1004 paid by card")
    uploads = [r for r in fake.posts() if r.path == "/v1/files"]
    assert [r.headers["idempotency-key"] for r in uploads] == ["dsp_key_1:file:0", "dsp_key_1:file:1"]
    update = next(r for r in fake.posts() if r.path == f"/v1/disputes/{dispute_id}")
    assert update.param("submit") == "true" and update.headers["idempotency-key"] == "dsp_key_1:submit"


def test_a_retried_submission_uploads_nothing_twice(live: StripeGateway, fake: FakeStripe) -> None:
    dispute_id = disputed(live, fake)
    live.submit_dispute_evidence(dispute_id, EVIDENCE, "dsp_key_2")
    assert live.submit_dispute_evidence(dispute_id, EVIDENCE, "dsp_key_2") == "under_review"
    assert len(fake.files) == 2 and fake.disputes[dispute_id]["evidence_details"]["submission_count"] == 1


def test_an_inquiry_goes_to_warning_under_review(live: StripeGateway, fake: FakeStripe) -> None:
    dispute_id = disputed(live, fake, "warning_needs_response")
    assert live.submit_dispute_evidence(dispute_id, Evidence({"product_description": "Consulting"}),
                                        "dsp_key_3") == "warning_under_review"


def test_evidence_stripe_cannot_take_is_refused_before_sending(live: StripeGateway, fake: FakeStripe) -> None:
    dispute_id = disputed(live, fake)
    sent = len(fake.requests)
    two = EvidenceFile("a.pdf", "application/pdf", b"%PDF a", "receipt")
    for evidence in (Evidence(files=(two, two)), Evidence(files=(EvidenceFile("a.pdf", "application/pdf", b"x",
                                                                              "selfie"),)),
                     Evidence({"favourite_colour": "blue"})):
        with pytest.raises(EvidenceInvalid):
            live.submit_dispute_evidence(dispute_id, evidence, "dsp_key_4")
    with pytest.raises(InvalidRequest):
        live.submit_dispute_evidence("../v1/refunds", EVIDENCE, "dsp_key_5")
    assert len(fake.requests) == sent


def test_a_closed_dispute_is_a_gateway_error(live: StripeGateway, fake: FakeStripe) -> None:
    dispute_id = disputed(live, fake, "lost")
    with pytest.raises(Exception) as error:
        live.submit_dispute_evidence(dispute_id, Evidence({"product_description": "x"}), "dsp_key_6")
    assert getattr(error.value, "code", None) == "gateway_error"
