"""The simulator's notifications (its own signed format), its settlement file and generator, and dispute
evidence."""

from __future__ import annotations

import io
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from payhub.domain.disputes import DisputeStatus, Evidence
from payhub.domain.errors import NotificationInvalid, NotificationRejected, NotificationStale
from payhub.domain.settlement import LineType, SettlementLine, totals
from payhub.gateways.simulator import (
    SimulatedMovement,
    SimulatorGateway,
    processing_fee,
    settlement_report,
    sign_notification,
)

SECRET = "sim_notification_secret_1"
NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def event(kind: str, data: dict[str, Any], event_id: str = "evt_sim_1") -> bytes:
    return json.dumps({"id": event_id, "type": kind, "created": int(NOW.timestamp()), "data": data}).encode()


def signed(body: bytes, secret: str = SECRET, at: datetime = NOW) -> dict[str, str]:
    return {"simulator-signature": sign_notification(secret, body, int(at.timestamp()))}


DISPUTE = {"dispute": "dsp_sim_1", "payment": "sim_ch_1767268800000_abcdefabcdef", "status": "needs_response",
           "amount": 4000, "currency": "USD", "reason": "fraudulent", "reason_code": "10.4",
           "evidence_due_by": 1768435199}


def test_a_signed_event_is_read_and_mapped() -> None:
    gw = SimulatorGateway(notification_secret=SECRET)
    for status in DisputeStatus:
        body = event("dispute.updated", {**DISPUTE, "status": status.value})
        [notification] = gw.read_notifications(signed(body), body, NOW)
        assert notification.dispute is not None and notification.dispute.status is status
    assert notification.dispute is not None
    assert notification.dispute.evidence_due_by == datetime(2026, 1, 14, 23, 59, 59, tzinfo=UTC)
    body = event("authorization.failed", {"payment": "sim_ch_1", "amount": 500, "currency": "usd",
                                          "merchant_reference": "pay_1", "failure_code": "insufficient_funds"})
    [failed] = gw.read_notifications(signed(body), body, NOW)
    assert failed.authorization is not None
    assert (failed.authorization.succeeded, failed.authorization.currency, failed.authorization.failure_code) == (
        False, "USD", "insufficient_funds")
    body = event("payout.paid", {"payout": "po_sim_1", "amount": 29579, "currency": "USD", "arrival_at": 1767571200})
    [paid] = gw.read_notifications(signed(body), body, NOW)
    assert paid.payout is not None and (paid.payout.status, paid.payout.amount) == ("paid", 29579)
    body = event("customer.updated", {})
    [other] = gw.read_notifications(signed(body), body, NOW)
    assert (other.dispute, other.authorization, other.payout) == (None, None, None)


def test_unsigned_forged_and_unconfigured_are_rejected() -> None:
    body = event("dispute.created", DISPUTE)
    with pytest.raises(NotificationRejected):
        SimulatorGateway().read_notifications(signed(body), body, NOW)  # no secret: never accept
    gw = SimulatorGateway(notification_secret=SECRET)
    for headers in ({}, signed(body, "another_secret"), {"simulator-signature": "t=1,v1=00"},
                    {"stripe-signature": signed(body)["simulator-signature"]}):
        with pytest.raises(NotificationRejected) as error:
            gw.read_notifications(headers, body, NOW)
        assert type(error.value) is NotificationRejected


def test_an_old_timestamp_is_stale() -> None:
    body = event("dispute.created", DISPUTE)
    gw = SimulatorGateway(notification_secret=SECRET)
    with pytest.raises(NotificationStale):
        gw.read_notifications(signed(body, at=NOW - timedelta(minutes=6)), body, NOW)
    with pytest.raises(NotificationStale):  # the recorded request, replayed later
        gw.read_notifications(signed(body), body, NOW + timedelta(hours=1))


@pytest.mark.parametrize("body", [b"{", b'"x"', event("dispute.created", {**DISPUTE, "status": "maybe"}),
                                  event("dispute.created", {**DISPUTE, "amount": 40.5}),
                                  event("dispute.created", {k: v for k, v in DISPUTE.items() if k != "payment"}),
                                  event("payout.paid", {"payout": "po", "amount": 1, "currency": "ZZZ"})])
def test_a_malformed_event_is_invalid(body: bytes) -> None:
    with pytest.raises(NotificationInvalid):
        SimulatorGateway(notification_secret=SECRET).read_notifications(signed(body), body, NOW)


def test_evidence_is_recorded_once_per_key() -> None:
    gw = SimulatorGateway()
    evidence = Evidence({"product_description": "Consulting"})
    assert gw.submit_dispute_evidence("dsp_sim_1", evidence, "k1") == "under_review"
    assert gw.submit_dispute_evidence("dsp_sim_1", evidence, "k1") == "under_review"
    assert gw.evidence == {"dsp_sim_1": [evidence]}


# --- the settlement generator -------------------------------------------------------------------------------

def movements(days: int = 40, per_day: int = 30) -> list[SimulatedMovement]:
    out = []
    for day in range(days):
        at = datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(days=day)
        for n in range(per_day):
            out.append(SimulatedMovement(f"sim_ch_{day}_{n}", f"pay_{day}_{n}", "payment", 1000 + 137 * n,
                                         "EUR" if n % 10 == 0 else "USD", at + timedelta(minutes=n),
                                         "ach" if n % 7 == 0 else "card"))
            if n % 9 == 0:
                out.append(SimulatedMovement(f"sim_ch_{day}_{n}", f"rfd_{day}_{n}", "refund", 500, "USD",
                                             at + timedelta(hours=3)))
    return out


def parse(text: list[str]) -> list[SettlementLine]:
    return list(SimulatorGateway().read_settlement_report(io.BytesIO("".join(text).encode())))


def test_the_generated_file_parses_back_and_balances() -> None:
    lines = parse(list(settlement_report(movements(), date(2026, 2, 1), seed=12)))  # a seed whose batch has chargebacks
    kinds = Counter(line.type for line in lines)
    assert kinds[LineType.PAYMENT] > 20 and kinds[LineType.REFUND] > 0
    assert kinds[LineType.CHARGEBACK] > 0 and kinds[LineType.FEE] == 1 and kinds[LineType.PAYOUT] == 2
    assert all(line.gross - line.fee == line.net for line in lines)
    batch = totals(lines)
    payouts = {line.currency: line.net for line in lines if line.type is LineType.PAYOUT}
    assert payouts == {currency: t.net for currency, t in batch.items()}
    fee_line = next(line for line in lines if line.type is LineType.FEE)
    assert (fee_line.gateway_reference, fee_line.gross) == (None, -2500)
    chargeback = next(line for line in lines if line.type is LineType.CHARGEBACK)
    assert chargeback.fee == 1500 and chargeback.gross < 0 and chargeback.dispute_reference
    assert {line.batch_ref for line in lines} == {"sim_batch_20260201"}


def test_the_generator_is_deterministic_and_defers_without_losing_or_repeating() -> None:
    made = movements(days=10)
    assert list(settlement_report(made, date(2026, 1, 5), seed=3)) == list(settlement_report(made, date(2026, 1, 5),
                                                                                              seed=3))
    seen: Counter[tuple[str | None, str | None]] = Counter()
    deferred = 0
    for day in range(2, 14):
        for line in parse(list(settlement_report(made, date(2026, 1, day), seed=3))):
            if line.type in (LineType.PAYMENT, LineType.REFUND):
                seen[(line.gateway_reference, line.merchant_reference)] += 1
                settled_next_day = line.occurred_at.date() + timedelta(days=1) == date(2026, 1, day)
                deferred += not settled_next_day
    assert set(seen.values()) == {1}  # each movement settles exactly once
    assert len(seen) == len(made)
    assert 0 < deferred < len(made) // 4
    assert list(settlement_report(made, date(2026, 1, 5), seed=3)) != list(settlement_report(made, date(2026, 1, 5),
                                                                                              seed=4))


def test_fees() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert processing_fee(SimulatedMovement("r", "m", "payment", 10000, "USD", at)) == 320  # 2.9% + 30
    assert processing_fee(SimulatedMovement("r", "m", "payment", 1050, "USD", at)) == 60  # 30.45 → 30 (+30)
    assert processing_fee(SimulatedMovement("r", "m", "payment", 10000, "USD", at, "ach")) == 80  # 0.8%
    assert processing_fee(SimulatedMovement("r", "m", "payment", 1_000_000, "USD", at, "ach")) == 500  # capped


def test_a_bad_line_type_names_its_line() -> None:
    text = list(settlement_report(movements(days=3), date(2026, 1, 2), seed=1))
    text[2] = text[2].replace(",payment,", ",gift,")
    with pytest.raises(Exception) as error:
        parse(text)
    assert getattr(error.value, "line", None) == 3
