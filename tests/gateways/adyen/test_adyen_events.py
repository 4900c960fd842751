"""The Adyen connector's standard webhooks (HMAC per item), its Settlement details report (tests/gateways/fixtures)
and dispute defense through the Disputes API against the fake."""

from __future__ import annotations

import base64
import copy
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from payhub.domain.disputes import DisputeStatus, Evidence, EvidenceFile
from payhub.domain.errors import EvidenceInvalid, GatewayError, NotificationInvalid, NotificationRejected
from payhub.domain.settlement import LineType, totals
from payhub.gateways.adyen import AdyenGateway, signature
from payhub.gateways.adyen import transformers as wire
from tests.gateways.adyen import fake as adyen
from tests.gateways.adyen.fake import FakeAdyen

HMAC_KEY = "44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056"
NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
FIXTURES = Path(__file__).parent.parent / "fixtures"


def gateway(**config: Any) -> AdyenGateway:
    return AdyenGateway(adyen.API_KEY, adyen.MERCHANT, **{"hmac_key": HMAC_KEY, **config})


def item(code: str = "CHARGEBACK", success: str = "true", key: str = HMAC_KEY, **extra: Any) -> dict[str, Any]:
    data = {"chargebackReasonCode": "10.4", "chargebackSchemeCode": "visa", "defensePeriodEndsAt":
            "2026-01-20T23:59:59+01:00", "disputeStatus": "Undefended", **extra.pop("additionalData", {})}
    body = {"amount": {"currency": "EUR", "value": 4000}, "eventCode": code,
            "eventDate": "2026-01-01T12:55:00+01:00", "merchantAccountCode": adyen.MERCHANT,
            "merchantReference": "pay_01JH0AS5C3", "originalReference": "8816178914247543",
            "pspReference": "9915555555555555", "reason": "Fraud", "success": success, "additionalData": data,
            **extra}
    data["hmacSignature"] = signature.sign(body, key)
    return body


def request(*items: dict[str, Any]) -> bytes:
    return json.dumps({"live": "false", "notificationItems": [{"NotificationRequestItem": i} for i in items]}).encode()


def read(body: bytes, gw: AdyenGateway | None = None) -> list[Any]:
    return (gw or gateway()).read_notifications({"content-type": "application/json"}, body, NOW)


# --- verification ----------------------------------------------------------------------------------------

def test_the_signing_string_is_adyens() -> None:
    assert signature.signing_string(item()) == (
        "9915555555555555:8816178914247543:PayHubTest:pay_01JH0AS5C3:4000:EUR:CHARGEBACK:true")
    assert signature.signing_string({"eventCode": "REPORT_AVAILABLE"}) == "::::::REPORT_AVAILABLE:"


def test_adyens_documented_example_verifies() -> None:
    """The example of Adyen's python library tests: key, item and the signature Adyen computed."""
    example = {"additionalData": {"hmacSignature": "coqCmt/IZ4E3CzPvMY8zTjQVL5hYJUiBRg8UU+iCWo0="},
               "amount": {"value": 1130, "currency": "EUR"}, "pspReference": "7914073381342284",
               "eventCode": "AUTHORISATION", "merchantAccountCode": "TestMerchant",
               "merchantReference": "TestPayment-1407325143704", "paymentMethod": "visa", "success": "true"}
    signature.verify(example, signature.key_bytes(HMAC_KEY))


def test_signed_items_are_read_in_order() -> None:
    notifications = read(request(item("NOTIFICATION_OF_CHARGEBACK"), item("CHARGEBACK")))
    assert [n.event_type for n in notifications] == ["NOTIFICATION_OF_CHARGEBACK", "CHARGEBACK"]
    assert notifications[0].occurred_at == datetime(2026, 1, 1, 11, 55, tzinfo=UTC)
    assert notifications[0].event_id != notifications[1].event_id


def test_one_forged_item_rejects_the_whole_request() -> None:
    forged = item()
    forged["amount"]["value"] = 1  # changed after signing
    with pytest.raises(NotificationRejected):
        read(request(item("REQUEST_FOR_INFORMATION"), forged))
    with pytest.raises(NotificationRejected):
        read(request(item(key="AA" * 32)))  # signed with another key
    unsigned = item()
    del unsigned["additionalData"]["hmacSignature"]
    with pytest.raises(NotificationRejected):
        read(request(unsigned))
    with pytest.raises(NotificationRejected):
        read(request(item()), AdyenGateway(adyen.API_KEY, adyen.MERCHANT))  # no key configured


def test_a_redelivered_item_has_the_same_event_id() -> None:
    first, again = read(request(item())), read(request(copy.deepcopy(item())))
    assert first[0].event_id == again[0].event_id
    other = read(request(item(success="false")))
    assert other[0].event_id != first[0].event_id


@pytest.mark.parametrize("body", [
    b"<xml/>", b"[]", b'{"live": "false"}', b'{"notificationItems": []}', b'{"notificationItems": [{"x": 1}]}',
], ids=["not-json", "array", "no-items", "empty", "no-request-item"])
def test_a_malformed_request_is_invalid(body: bytes) -> None:
    with pytest.raises(NotificationInvalid):
        read(body)


def test_a_signed_item_with_unreadable_fields_is_invalid() -> None:
    for broken in (item(eventDate="yesterday"), item(eventDate="2026-01-01T12:00:00"),
                   item(amount={"value": "40", "currency": "EUR"}), item(originalReference=None)):
        with pytest.raises(NotificationInvalid):
            read(request(broken))


def test_an_event_payhub_has_no_use_for_has_no_notice() -> None:
    [report] = read(request(item("REPORT_AVAILABLE", reason="https://ca-test.adyen.com/reports/download/x.csv")))
    assert report.event_type == "REPORT_AVAILABLE"
    assert (report.dispute, report.authorization, report.payout) == (None, None, None)


# --- mapping -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "dispute_status", "expected"), [
    ("REQUEST_FOR_INFORMATION", "Undefended", DisputeStatus.WARNING_NEEDS_RESPONSE),
    ("NOTIFICATION_OF_CHARGEBACK", "Undefended", DisputeStatus.WARNING_NEEDS_RESPONSE),
    ("INFORMATION_SUPPLIED", "Pending", DisputeStatus.WARNING_UNDER_REVIEW),
    ("CHARGEBACK", "Undefended", DisputeStatus.NEEDS_RESPONSE),
    ("CHARGEBACK", "Pending", DisputeStatus.UNDER_REVIEW),
    ("CHARGEBACK", "Accepted", DisputeStatus.ACCEPTED),
    ("CHARGEBACK_REVERSED", "Won", DisputeStatus.WON),
    ("SECOND_CHARGEBACK", "Lost", DisputeStatus.LOST),
    ("PREARBITRATION_WON", "Won", DisputeStatus.WON),
    ("PREARBITRATION_LOST", "Lost", DisputeStatus.LOST),
    ("DISPUTE_DEFENSE_PERIOD_ENDED", "Expired", DisputeStatus.LOST),
    ("DISPUTE_DEFENSE_PERIOD_ENDED", "Accepted", DisputeStatus.ACCEPTED),
])
def test_dispute_events_map_to_payhub_statuses(code: str, dispute_status: str, expected: DisputeStatus) -> None:
    [notification] = read(request(item(code, additionalData={"disputeStatus": dispute_status})))
    notice = notification.dispute
    assert notice is not None
    assert notice.status is expected and notice.raw_status == f"{code}:{dispute_status}"
    assert notice.dispute_reference == "9915555555555555"  # pspReference: the dispute
    assert notice.gateway_reference == "8816178914247543"  # originalReference: the disputed payment
    assert (notice.amount, notice.currency, notice.reason_code, notice.reason) == (4000, "EUR", "10.4", "Fraud")
    assert notice.evidence_due_by == datetime(2026, 1, 20, 22, 59, 59, tzinfo=UTC)


def test_authorisation_events_are_authorization_notices() -> None:
    ok = item("AUTHORISATION", originalReference=None, reason="", additionalData={})
    [approved] = read(request(ok))
    assert approved.authorization is not None
    assert (approved.authorization.gateway_reference, approved.authorization.succeeded,
            approved.authorization.amount, approved.authorization.merchant_reference,
            approved.authorization.failure_code) == ("9915555555555555", True, 4000, "pay_01JH0AS5C3", None)
    [refused] = read(request(item("AUTHORISATION", success="false", reason="Not enough balance")))
    assert refused.authorization is not None
    assert (refused.authorization.succeeded, refused.authorization.failure_code) == (False, "Not enough balance")


# --- the settlement details report -------------------------------------------------------------------------

def test_the_settlement_details_report() -> None:
    with (FIXTURES / "adyen_settlement_detail.csv").open("rb") as source:
        lines = list(gateway().read_settlement_report(source))
    assert [(l.type, l.gross, l.fee, l.net) for l in lines] == [
        (LineType.PAYMENT, 10000, 245, 9755), (LineType.PAYMENT, 25000, 505, 24495),
        (LineType.PAYMENT, 4000, 120, 3880), (LineType.REFUND, -2500, 10, -2510),
        (LineType.CHARGEBACK, -4000, 1500, -5500), (LineType.FEE, -500, 0, -500),
        (LineType.PAYOUT, 29620, 0, 29620)]
    first, _, third, refund, chargeback, misc, payout = lines
    assert {l.batch_ref for l in lines} == {"42"} and {l.currency for l in lines} == {"EUR"}
    assert (first.gateway_reference, first.merchant_reference, first.provider_type) == (
        "8816178914247541", "pay_01JGZ8Q3A1", "Settled")
    assert first.occurred_at == datetime(2026, 1, 2, 14, 3, 11, tzinfo=UTC)  # 15:03:11 CET
    assert first.fee_breakdown == {"markup": 60, "scheme_fees": 15, "interchange": 170}
    assert third.fee_breakdown == {"commission": 120}
    assert refund.gateway_reference == first.gateway_reference
    assert (chargeback.gateway_reference, chargeback.dispute_reference) == ("8816178914247543", "8816178914255678")
    assert (misc.gateway_reference, misc.provider_type, misc.description) == (
        None, "MiscCosts", "Monthly minimum invoice")
    assert totals(lines)["EUR"].net == payout.net


def test_a_report_in_another_gross_currency_uses_the_net_currency() -> None:
    header = (FIXTURES / "adyen_settlement_detail.csv").read_text().splitlines()[0]
    line = ("PayHubCompany,PayHubTest,8816178914247599,pay_x,visa,2026-01-02 15:03:11,CET,Settled,8816178914259999,"
            "USD,,108.00,0.925926,EUR,,97.55,,0.60,0.15,1.70,visacredit,,43,,,,,,,")
    [settled] = gateway().read_settlement_report(_bytes(header, line))
    assert (settled.currency, settled.gross, settled.fee, settled.net) == ("EUR", 10000, 245, 9755)


def test_a_line_whose_fees_do_not_add_up_names_its_line() -> None:
    data = (FIXTURES / "adyen_settlement_detail.csv").read_bytes().replace(b",97.55,", b",97.50,")
    with pytest.raises(Exception) as error:
        list(gateway().read_settlement_report(_io(data)))
    assert getattr(error.value, "line", None) == 2


def test_an_unknown_type_or_zone_names_its_line() -> None:
    data = (FIXTURES / "adyen_settlement_detail.csv").read_bytes()
    for broken in (data.replace(b",MiscCosts,", b",Sorcery,"), data.replace(b"01:00:00,CET", b"01:00:00,Atlantis")):
        with pytest.raises(Exception) as error:
            list(gateway().read_settlement_report(_io(broken)))
        assert getattr(error.value, "line", None) == 7


def _io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def _bytes(*lines: str) -> io.BytesIO:
    return _io(("\n".join(lines) + "\n").encode())


# --- dispute defense ------------------------------------------------------------------------------------------

@pytest.fixture
def server() -> Iterator[tuple[FakeAdyen, AdyenGateway]]:
    fake = FakeAdyen()
    url = fake.start()
    gw = AdyenGateway(adyen.API_KEY, adyen.MERCHANT, base_url=url,
                      disputes_url=f"{url}/ca/services/DisputeService/v30", timeout_s=5)
    yield fake, gw
    gw.close()
    fake.stop()


EVIDENCE = Evidence(fields={"product_description": "Consulting (December)", "customer_name": "Initech LLC"},
                    files=(EvidenceFile("invoice.pdf", "application/pdf", b"%PDF-1.4 invoice", "receipt"),
                           EvidenceFile("sow.jpg", "image/jpeg", b"\xff\xd8\xff jpeg", "service_documentation")))


def test_documents_are_supplied_then_the_dispute_defended(server: tuple[FakeAdyen, AdyenGateway]) -> None:
    fake, gw = server
    dispute = fake.add_dispute("8816178914247543")
    assert gw.submit_dispute_evidence(dispute, EVIDENCE, "dsp_key_1") == "under_review"
    documents = fake.disputes[dispute].documents
    assert [(d["contentType"], d["defenseDocumentTypeCode"]) for d in documents] == [
        ("application/pdf", "TIDorInvoice"), ("image/jpeg", "DefenseMaterial"), ("application/pdf", "DefenseMaterial")]
    assert documents[0]["content"] == b"%PDF-1.4 invoice"
    statement = documents[2]["content"]
    assert statement.startswith(b"%PDF-1.4") and b"Initech LLC" in statement and statement.endswith(b"%%EOF\n")
    assert fake.disputes[dispute].defense_reason == "SupplyDefenseMaterial"
    keys = [h["idempotency-key"] for path, h, _ in fake.requests if "DisputeService" in path]
    assert keys == ["dsp_key_1:supply", "dsp_key_1:defend"]


def test_the_defense_reason_is_configurable(server: tuple[FakeAdyen, AdyenGateway]) -> None:
    fake, gw = server
    gw.defense_reason_code = "GoodsOrServicesProvided"
    dispute = fake.add_dispute("8816178914247543")
    gw.submit_dispute_evidence(dispute, EVIDENCE, "dsp_key_2")
    assert fake.disputes[dispute].defense_reason == "GoodsOrServicesProvided"


def test_an_unknown_dispute_is_a_gateway_error(server: tuple[FakeAdyen, AdyenGateway]) -> None:
    _, gw = server
    with pytest.raises(GatewayError) as error:
        gw.submit_dispute_evidence("9900000000000000", EVIDENCE, "dsp_key_3")
    assert "Could not find dispute" in error.value.detail


def test_documents_adyen_cannot_take_are_refused_before_sending(server: tuple[FakeAdyen, AdyenGateway]) -> None:
    fake, gw = server
    dispute = fake.add_dispute("8816178914247543")
    for evidence in (Evidence(files=(EvidenceFile("a.docx", "application/msword", b"doc"),)), Evidence()):
        with pytest.raises(EvidenceInvalid):
            gw.submit_dispute_evidence(dispute, evidence, "dsp_key_4")
    assert not fake.requests


def test_the_statement_pdf_escapes_and_wraps() -> None:
    pdf = wire.text_pdf(["(a) back\\slash", "x" * 200])
    assert b"\\(a\\) back\\\\slash" in pdf and pdf.count(b"Tj T*") == 4
    body = base64.b64decode(wire.defense_documents(Evidence({"reason": "é"}))[0]["content"])
    assert body.startswith(b"%PDF")


def test_event_dates_keep_their_offset() -> None:
    [n] = read(request(item(eventDate="2026-06-01T02:00:00-04:00")))
    assert n.occurred_at == datetime(2026, 6, 1, 6, tzinfo=UTC) == datetime(2026, 6, 1, 2,
                                                                             tzinfo=timezone(timedelta(hours=-4)))
