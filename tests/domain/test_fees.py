"""Fee policies: convenience fees, surcharges, waivers, rounding, validation, round trip, properties."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payhub.domain.errors import InvalidAmount, InvalidRequest
from payhub.domain.fees import (
    BRAND_SURCHARGE_MAX_PERCENT,
    CHANNELS,
    EMPTY_POLICY,
    METHODS,
    ROUNDING,
    ConvenienceFeeRule,
    FeeContext,
    FeePolicy,
    FeeQuote,
    FeeTier,
    FeeWaiver,
    InvalidFeePolicy,
    SurchargePolicy,
    evaluate,
    parse_policy,
)
from payhub.domain.methods import CardSummary
from payhub.domain.money import Money

FAST = settings(max_examples=300, deadline=None)


def ctx(amount: int = 10000, currency: str = "USD", **kw: Any) -> FeeContext:
    """A credit Visa paid through the widget by a payer in New York, unless told otherwise."""
    defaults: dict[str, Any] = dict(method="card", channel="widget", card_funding="credit", card_brand="visa",
                                    jurisdiction="US-NY")
    return FeeContext(Money(amount, currency), **{**defaults, **kw})


def fees(*rules: dict[str, Any]) -> FeePolicy:
    return parse_policy({"convenience_fees": list(rules)})


def surcharging(**surcharge: Any) -> FeePolicy:
    return parse_policy({"surcharge": {"percent": "3", **surcharge}})


TIERS = [  # under $100: $1.95; $100 to under $500: $3.95; $500 and above: 1 %
    {"from": 0, "to": 10000, "flat": 195},
    {"from": 10000, "to": 50000, "flat": 395},
    {"from": 50000, "to": None, "percent": "1"},
]


# --- convenience fees ----------------------------------------------------------------------------

@pytest.mark.parametrize(("rules", "context", "fee", "matched"), [
    # flat, percent, flat + percent
    ([{"priority": 1, "currency": "USD", "flat": 250}], ctx(10000), 250, 1),
    ([{"priority": 1, "currency": "USD", "flat": 250}], ctx(1), 250, 1),
    ([{"priority": 1, "percent": "2.5"}], ctx(10000), 250, 1),
    ([{"priority": 1, "percent": "2.5"}], ctx(123456), 3086, 1),  # 3086.4 -> 3086
    ([{"priority": 1, "percent": 3}], ctx(10000), 300, 1),  # a JSON integer percent
    ([{"priority": 1, "percent": "0.0125"}], ctx(1_000_000), 125, 1),  # 1.25 basis points
    ([{"priority": 1, "currency": "USD", "flat": 30, "percent": "2.9"}], ctx(10000), 320, 1),
    # minimum and cap
    ([{"priority": 1, "currency": "USD", "percent": "1", "minimum": 100}], ctx(5000), 100, 1),
    ([{"priority": 1, "currency": "USD", "percent": "1", "minimum": 100}], ctx(20000), 200, 1),
    ([{"priority": 1, "currency": "USD", "percent": "3", "cap": 1500}], ctx(100000), 1500, 1),
    ([{"priority": 1, "currency": "USD", "percent": "3", "cap": 1500}], ctx(40000), 1200, 1),
    ([{"priority": 1, "currency": "USD", "percent": "3", "minimum": 500, "cap": 500}], ctx(1), 500, 1),
    # tiered: the band the amount falls in prices the whole amount; bands are [from, to)
    ([{"priority": 1, "currency": "USD", "tiers": TIERS}], ctx(1), 195, 1),
    ([{"priority": 1, "currency": "USD", "tiers": TIERS}], ctx(9999), 195, 1),
    ([{"priority": 1, "currency": "USD", "tiers": TIERS}], ctx(10000), 395, 1),
    ([{"priority": 1, "currency": "USD", "tiers": TIERS}], ctx(49999), 395, 1),
    ([{"priority": 1, "currency": "USD", "tiers": TIERS}], ctx(50000), 500, 1),
    ([{"priority": 1, "currency": "USD", "tiers": TIERS}], ctx(123456), 1235, 1),  # 1234.56 -> 1235
    ([{"priority": 1, "currency": "USD", "tiers": TIERS, "cap": 1000}], ctx(500000), 1000, 1),
    ([{"priority": 1, "currency": "USD", "tiers": [{"from": 0, "flat": 100, "percent": "2"}]}], ctx(10000), 300, 1),
    # method conditions
    ([{"priority": 1, "methods": ["ach"], "percent": "1"}], ctx(10000), 0, None),
    ([{"priority": 1, "methods": ["ach"], "percent": "1"}], ctx(10000, method="ach"), 100, 1),
    ([{"priority": 1, "methods": ["card", "ach"], "percent": "1"}], ctx(10000, method="ach"), 100, 1),
    # channel conditions
    ([{"priority": 1, "channels": ["portal"], "percent": "1"}], ctx(10000, channel="api"), 0, None),
    ([{"priority": 1, "channels": ["portal", "terminal"], "percent": "1"}], ctx(10000, channel="terminal"), 100, 1),
    ([{"priority": 1, "channels": ["autopay"], "percent": "1"}], ctx(10000, channel="autopay"), 100, 1),
    # amount range: min_amount <= amount <= max_amount, both inclusive
    ([{"priority": 1, "currency": "USD", "min_amount": 1000, "max_amount": 5000, "flat": 99}], ctx(999), 0, None),
    ([{"priority": 1, "currency": "USD", "min_amount": 1000, "max_amount": 5000, "flat": 99}], ctx(1000), 99, 1),
    ([{"priority": 1, "currency": "USD", "min_amount": 1000, "max_amount": 5000, "flat": 99}], ctx(5000), 99, 1),
    ([{"priority": 1, "currency": "USD", "min_amount": 1000, "max_amount": 5000, "flat": 99}], ctx(5001), 0, None),
    # currency condition; a percent-only rule without a currency applies to any currency
    ([{"priority": 1, "currency": "USD", "flat": 250}], ctx(10000, "EUR"), 0, None),
    ([{"priority": 1, "currency": "EUR", "flat": 250}], ctx(10000, "EUR"), 250, 1),
    ([{"priority": 1, "percent": "2"}], ctx(10000, "EUR"), 200, 1),
    ([{"priority": 1, "currency": "USD", "percent": "2"}], ctx(10000, "EUR"), 0, None),
    # priority: ascending, first match wins, config order does not matter
    ([{"priority": 20, "currency": "USD", "flat": 500}, {"priority": 10, "currency": "USD", "flat": 100}],
     ctx(10000), 100, 10),
    ([{"priority": 20, "currency": "USD", "flat": 500}, {"priority": 10, "methods": ["ach"], "percent": "1"}],
     ctx(10000), 500, 20),
    ([{"priority": 20, "currency": "USD", "flat": 500}, {"priority": 10, "methods": ["ach"], "percent": "1"}],
     ctx(10000, method="ach"), 100, 10),
    ([{"priority": -5, "currency": "USD", "flat": 1}, {"priority": 0, "currency": "USD", "flat": 2}], ctx(), 1, -5),
    # a zero-fee rule shadows lower-priority rules (e.g. "ACH is free")
    ([{"priority": 1, "methods": ["ach"], "currency": "USD", "flat": 0}, {"priority": 2, "percent": "3"}],
     ctx(10000, method="ach"), 0, 1),
    ([], ctx(), 0, None),
])
def test_convenience_fee(rules: list[dict[str, Any]], context: FeeContext, fee: int, matched: int | None) -> None:
    quote = evaluate(fees(*rules), context)
    assert quote.convenience_fee == Money(fee, context.amount.currency)
    assert quote.convenience_rule == matched
    assert quote.surcharge == Money.zero(context.amount.currency)
    assert quote.total == Money(context.amount.amount + fee, context.amount.currency)
    assert not quote.convenience_fee_waived


def test_convenience_explanation_names_rule_minimum_and_cap() -> None:
    policy = fees({"priority": 7, "name": "card web", "methods": ["card"], "currency": "USD", "percent": "2.5",
                   "minimum": 100, "cap": 1500})
    assert evaluate(policy, ctx(2000)).explanation == (
        "Convenience fee rule 'card web' (priority 7) applies: 2.5% of 20.00 USD",
        "Minimum convenience fee of 1.00 USD applied",
        "Convenience fee: 1.00 USD",
    )
    assert evaluate(policy, ctx(100000)).explanation == (
        "Convenience fee rule 'card web' (priority 7) applies: 2.5% of 1000.00 USD",
        "Convenience fee capped at 15.00 USD",
        "Convenience fee: 15.00 USD",
    )
    assert evaluate(policy, ctx(10000, method="ach")).explanation == ("No convenience fee rule matched",)


def test_tier_explanation_names_band() -> None:
    policy = fees({"priority": 3, "currency": "USD", "tiers": TIERS})
    assert evaluate(policy, ctx(20000)).explanation[0] == (
        "Convenience fee rule priority 3 applies: 3.95 USD (tier 100.00 USD to under 500.00 USD)")
    assert evaluate(policy, ctx(60000)).explanation[0] == (
        "Convenience fee rule priority 3 applies: 1% of 600.00 USD (tier 500.00 USD and above)")


# --- surcharges ----------------------------------------------------------------------------------

THREE_PERCENT = "Surcharge: 3% of 100.00 USD = 3.00 USD"
US_CAPS = {"US-CT": "0", "US-MA": "0", "US-CO": "2", "CA-QC": "0", "CA": "2.4", "US": "1", "US-CA": "3"}


@pytest.mark.parametrize(("surcharge", "context", "expected", "percent", "line"), [
    ({}, ctx(10000, jurisdiction="US-NY"), 300, "3", "Surcharge: 3% of 100.00 USD = 3.00 USD"),
    ({"percent": "2.25"}, ctx(10000), 225, "2.25", "Surcharge: 2.25% of 100.00 USD = 2.25 USD"),
    # jurisdiction caps: exact code first, then its country; 0 prohibits
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="US-CO"), 200, "2", "Surcharge limited to 2% in US-CO"),
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="US-CA"), 300, "3", THREE_PERCENT),
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="US-NY"), 100, "1", "Surcharge limited to 1% in US"),
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="US"), 100, "1", "Surcharge limited to 1% in US"),
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="CA-ON"), 240, "2.4", "Surcharge limited to 2.4% in CA"),
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="US-CT"), 0, "0",
     "No surcharge: surcharges are prohibited in US-CT"),
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="us-ma"), 0, "0",
     "No surcharge: surcharges are prohibited in US-MA"),
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="CA-QC"), 0, "0",
     "No surcharge: surcharges are prohibited in CA-QC"),
    ({"jurisdiction_caps": {"PR": "0"}}, ctx(10000, jurisdiction="PR-SJ"), 0, "0",
     "No surcharge: surcharges are prohibited in PR"),
    ({"jurisdiction_caps": US_CAPS}, ctx(10000, jurisdiction="GB"), 300, "3", "Surcharge: 3% of 100.00 USD = 3.00 USD"),
    # a cap never raises the rate
    ({"percent": "1.5", "jurisdiction_caps": {"US-NY": "3"}}, ctx(10000), 150, "1.5",
     "Surcharge: 1.5% of 100.00 USD = 1.50 USD"),
    ({"percent": "0"}, ctx(10000), 0, "0", "No surcharge: the surcharge rate is 0%"),
    # brand caps
    ({"brand_caps": {"amex": "2.5"}}, ctx(10000, card_brand="amex"), 250, "2.5",
     "Surcharge limited to 2.5% for amex cards"),
    ({"brand_caps": {"amex": "2.5"}}, ctx(10000, card_brand="visa"), 300, "3", THREE_PERCENT),
    ({"brand_caps": {"discover": "0"}}, ctx(10000, card_brand="discover"), 0, "0",
     "No surcharge: discover cards are not surcharged"),
    ({"brand_caps": {"amex": "2.5"}, "jurisdiction_caps": {"US-NY": "2"}}, ctx(10000, card_brand="amex"), 200, "2",
     "Surcharge limited to 2% in US-NY"),
    # funding: credit only; unknown configurable (default: no)
    ({}, ctx(10000, card_funding="debit"), 0, "0", "No surcharge: debit cards may not be surcharged"),
    ({}, ctx(10000, card_funding="prepaid"), 0, "0", "No surcharge: prepaid cards may not be surcharged"),
    ({"surcharge_unknown_funding": True}, ctx(10000, card_funding="debit"), 0, "0",
     "No surcharge: debit cards may not be surcharged"),
    ({}, ctx(10000, card_funding="unknown"), 0, "0",
     "No surcharge: the card's funding type (credit or debit) is unknown"),
    ({}, ctx(10000, card_funding=None), 0, "0", "No surcharge: the card's funding type (credit or debit) is unknown"),
    ({"surcharge_unknown_funding": True}, ctx(10000, card_funding="unknown"), 300, "3",
     "Surcharge: 3% of 100.00 USD = 3.00 USD"),
    # jurisdiction unknown: configurable (default: no)
    ({}, ctx(10000, jurisdiction=None), 0, "0", "No surcharge: the payer's jurisdiction is unknown"),
    ({"surcharge_unknown_jurisdiction": True}, ctx(10000, jurisdiction=None), 300, "3",
     "Surcharge: 3% of 100.00 USD = 3.00 USD"),
    # ACH never, whatever the flags
    ({"surcharge_unknown_funding": True, "surcharge_unknown_jurisdiction": True},
     ctx(10000, method="ach", card_funding=None, card_brand=None, jurisdiction=None), 0, "0",
     "No surcharge: ACH payments are never surcharged"),
    ({}, ctx(10000, method="ach"), 0, "0", "No surcharge: ACH payments are never surcharged"),
])
def test_surcharge(surcharge: dict[str, Any], context: FeeContext, expected: int, percent: str, line: str) -> None:
    quote = evaluate(surcharging(**surcharge), context)
    assert quote.surcharge == Money(expected, "USD")
    assert quote.surcharge_percent == Decimal(percent)
    assert line in quote.explanation
    assert quote.convenience_fee == Money(0, "USD")
    assert quote.total == Money(10000 + expected, "USD")


def test_no_surcharge_policy_means_no_surcharge_and_no_explanation() -> None:
    quote = evaluate(EMPTY_POLICY, ctx(10000))
    assert (quote.convenience_fee, quote.surcharge, quote.total) == (Money(0, "USD"), Money(0, "USD"),
                                                                    Money(10000, "USD"))
    assert quote.explanation == ()
    assert quote.surcharge_percent == 0


def test_a_card_payment_never_carries_both_a_convenience_fee_and_a_surcharge() -> None:
    policy = parse_policy({"convenience_fees": [{"priority": 1, "currency": "USD", "flat": 1000}],
                           "surcharge": {"percent": "3"}})
    quote = evaluate(policy, ctx(10000))
    assert (quote.convenience_fee, quote.surcharge, quote.total) == (Money(0, "USD"), Money(300, "USD"),
                                                                    Money(10300, "USD"))
    assert quote.fees == Money(300, "USD")  # the surcharge is on the amount, never on a fee
    assert any("not both" in line for line in quote.explanation)


@pytest.mark.parametrize("percent", ["3.01", "3.0001", "4", "10"])
def test_surcharge_above_the_card_brand_maximum_is_rejected(percent: str) -> None:
    for config, field in [({"percent": percent}, "surcharge.percent"),
                          ({"percent": "1", "jurisdiction_caps": {"US-CA": percent}},
                           "surcharge.jurisdiction_caps.US-CA"),
                          ({"percent": "1", "brand_caps": {"visa": percent}}, "surcharge.brand_caps.visa")]:
        with pytest.raises(InvalidFeePolicy) as caught:
            parse_policy({"surcharge": config})
        assert caught.value.extra["field"] == field
        assert "card-brand maximum of 3%" in caught.value.detail
    assert BRAND_SURCHARGE_MAX_PERCENT == Decimal("3")
    assert parse_policy({"surcharge": {"percent": "3"}}).surcharge == SurchargePolicy(Decimal("3"))


# --- waivers -------------------------------------------------------------------------------------

WAIVER_POLICY = {
    "convenience_fees": [{"priority": 1, "currency": "USD", "flat": 250}],
    "surcharge": {"percent": "3"},
    "waivers": [{"segment": "nonprofit"}, {"segment": "government", "surcharge": True},
                {"segment": "veterans", "convenience_fee": False, "surcharge": True}],
}


@pytest.mark.parametrize(("segment", "fee", "surcharge", "fee_waived", "surcharge_waived"), [
    (None, 0, 300, False, False),  # a surcharged card payment carries no convenience fee as well
    ("retail", 0, 300, False, False),
    ("nonprofit", 0, 300, True, False),
    ("NonProfit ", 0, 300, True, False),  # segments are matched lower-cased and trimmed
    ("government", 0, 0, True, True),
    ("veterans", 250, 0, False, True),
])
def test_waivers(segment: str | None, fee: int, surcharge: int, fee_waived: bool, surcharge_waived: bool) -> None:
    quote = evaluate(parse_policy(WAIVER_POLICY), ctx(10000, segment=segment))
    assert quote.convenience_fee == Money(fee, "USD")
    assert quote.surcharge == Money(surcharge, "USD")
    assert quote.total == Money(10000 + fee + surcharge, "USD")
    assert (quote.convenience_fee_waived, quote.surcharge_waived) == (fee_waived, surcharge_waived)
    if fee_waived:
        assert "Convenience fee of 2.50 USD waived for segment 'nonprofit'" in quote.explanation or \
            "Convenience fee of 2.50 USD waived for segment 'government'" in quote.explanation
    if surcharge_waived:
        assert quote.surcharge_percent == 0
        assert any(line.startswith("Surcharge of 3.00 USD waived for segment") for line in quote.explanation)


def test_waiver_flag_is_only_set_when_a_fee_was_actually_waived() -> None:
    policy = parse_policy(WAIVER_POLICY)
    quote = evaluate(policy, ctx(10000, segment="government", card_funding="debit", currency="EUR"))
    assert (quote.convenience_fee, quote.surcharge) == (Money(0, "EUR"), Money(0, "EUR"))
    assert not quote.convenience_fee_waived and not quote.surcharge_waived


# --- rounding: half-even, once, to the currency's minor unit -------------------------------------

@pytest.mark.parametrize(("currency", "amount", "rule", "fee"), [
    # USD (2 decimals): 1 % of 100.50 = 1.005 -> 1.00; of 101.50 = 1.015 -> 1.02; non-ties round normally
    ("USD", 10050, {"percent": "1"}, 100),
    ("USD", 10150, {"percent": "1"}, 102),
    ("USD", 10049, {"percent": "1"}, 100),
    ("USD", 10051, {"percent": "1"}, 101),
    ("USD", 250, {"percent": "1"}, 2),  # 2.5 cents -> 2
    ("USD", 350, {"percent": "1"}, 4),  # 3.5 cents -> 4
    # JPY (0 decimals): 1 % of 150 yen = 1.5 -> 2; of 250 yen = 2.5 -> 2
    ("JPY", 150, {"percent": "1"}, 2),
    ("JPY", 250, {"percent": "1"}, 2),
    ("JPY", 1050, {"percent": "1"}, 10),
    ("JPY", 1150, {"percent": "1"}, 12),
    # KWD (3 decimals): 1 % of 1.050 KWD = 10.5 fils -> 10; of 1.150 KWD = 11.5 fils -> 12
    ("KWD", 1050, {"percent": "1"}, 10),
    ("KWD", 1150, {"percent": "1"}, 12),
    ("KWD", 1250, {"currency": "KWD", "tiers": [{"from": 0, "percent": "1"}]}, 12),
    # rounded once, on the sum: 1 + 0.5 = 1.5 -> 2 (rounding the percent part first would give 1 + 0 = 1)
    ("USD", 50, {"currency": "USD", "flat": 1, "percent": "1"}, 2),
    ("JPY", 50, {"currency": "JPY", "flat": 1, "percent": "1"}, 2),
    ("KWD", 50, {"currency": "KWD", "flat": 1, "percent": "1"}, 2),
    # after the cap: 3 % of 1000 = 30 capped at 25; 3 % of 850 = 25.5 is capped at 25 (not rounded to 26)
    ("USD", 1000, {"currency": "USD", "percent": "3", "cap": 25}, 25),
    ("USD", 850, {"currency": "USD", "percent": "3", "cap": 25}, 25),
    ("USD", 850, {"currency": "USD", "percent": "3", "minimum": 26}, 26),
    # exact for large amounts (no floats): 1 % of 99,999,999,999.50 USD = 99,999,999,999.5 cents -> even
    ("USD", 9_999_999_999_950, {"percent": "1"}, 100_000_000_000),
    ("JPY", 99_999_999_850, {"percent": "1"}, 999_999_998),
])
def test_convenience_fee_rounding(currency: str, amount: int, rule: dict[str, Any], fee: int) -> None:
    quote = evaluate(fees({"priority": 1, **rule}), ctx(amount, currency))
    assert quote.convenience_fee == Money(fee, currency)


@pytest.mark.parametrize(("currency", "amount", "surcharge"), [
    ("USD", 125, 2),  # 2 % of 1.25 = 2.5 cents -> 2
    ("USD", 175, 4),  # 3.5 cents -> 4
    ("JPY", 25, 0),  # 0.5 yen -> 0
    ("JPY", 75, 2),  # 1.5 yen -> 2
    ("JPY", 125, 2),  # 2.5 yen -> 2
    ("KWD", 125, 2),  # 2.5 fils -> 2
    ("KWD", 175, 4),  # 3.5 fils -> 4
])
def test_surcharge_rounding(currency: str, amount: int, surcharge: int) -> None:
    quote = evaluate(surcharging(percent="2"), ctx(amount, currency))
    assert quote.surcharge == Money(surcharge, currency)


def test_rounding_rule_is_named() -> None:
    assert "half-even" in ROUNDING and "minor unit" in ROUNDING and "once" in ROUNDING


# --- validation ----------------------------------------------------------------------------------

def _rule(**kw: Any) -> dict[str, Any]:
    return {"priority": 1, "currency": "USD", **kw}


def _tiers(*tiers: dict[str, Any]) -> dict[str, Any]:
    return {"convenience_fees": [_rule(tiers=list(tiers))]}


BAD_POLICIES: list[tuple[Any, str]] = [
    # shape
    ([], "(root)"),
    ({"surcharges": {}}, "surcharges"),
    ({"version": 2}, "version"),
    ({"version": "1"}, "version"),
    ({"convenience_fees": {"priority": 1}}, "convenience_fees"),
    ({"convenience_fees": ["flat"]}, "convenience_fees[0]"),
    ({"convenience_fees": [_rule(flat=1, percentage="2")]}, "convenience_fees[0].percentage"),
    # priorities
    ({"convenience_fees": [{"percent": "1"}]}, "convenience_fees[0].priority"),
    ({"convenience_fees": [{"priority": "1", "percent": "1"}]}, "convenience_fees[0].priority"),
    ({"convenience_fees": [{"priority": True, "percent": "1"}]}, "convenience_fees[0].priority"),
    ({"convenience_fees": [{"priority": 1.0, "percent": "1"}]}, "convenience_fees[0].priority"),
    ({"convenience_fees": [_rule(priority=1, flat=1), _rule(priority=2, flat=2), _rule(priority=1, flat=3)]},
     "convenience_fees[2].priority"),
    # amounts
    ({"convenience_fees": [_rule(flat=-1)]}, "convenience_fees[0].flat"),
    ({"convenience_fees": [_rule(flat=2.5)]}, "convenience_fees[0].flat"),
    ({"convenience_fees": [_rule(flat="250")]}, "convenience_fees[0].flat"),
    ({"convenience_fees": [_rule(percent="1", minimum=-5)]}, "convenience_fees[0].minimum"),
    ({"convenience_fees": [_rule(percent="1", cap=-5)]}, "convenience_fees[0].cap"),
    ({"convenience_fees": [_rule(percent="1", minimum=500, cap=499)]}, "convenience_fees[0].minimum"),
    ({"convenience_fees": [_rule(flat=1, min_amount=5000, max_amount=4999)]}, "convenience_fees[0].max_amount"),
    ({"convenience_fees": [_rule(flat=1, min_amount=-1)]}, "convenience_fees[0].min_amount"),
    # percentages
    ({"convenience_fees": [_rule(flat=1), _rule(priority=2, percent="-1")]}, "convenience_fees[1].percent"),
    ({"convenience_fees": [_rule(percent="10.0001")]}, "convenience_fees[0].percent"),
    ({"convenience_fees": [_rule(percent="25")]}, "convenience_fees[0].percent"),
    ({"convenience_fees": [_rule(percent="2.12345")]}, "convenience_fees[0].percent"),
    ({"convenience_fees": [_rule(percent=2.5)]}, "convenience_fees[0].percent"),
    ({"convenience_fees": [_rule(percent="2.5%")]}, "convenience_fees[0].percent"),
    ({"convenience_fees": [_rule(percent="NaN")]}, "convenience_fees[0].percent"),
    ({"convenience_fees": [_rule(percent="Infinity")]}, "convenience_fees[0].percent"),
    ({"convenience_fees": [_rule(percent=True)]}, "convenience_fees[0].percent"),
    ({"convenience_fees": [_rule(percent=["2"])]}, "convenience_fees[0].percent"),
    # currency
    ({"convenience_fees": [{"priority": 1, "flat": 250}]}, "convenience_fees[0].currency"),
    ({"convenience_fees": [{"priority": 1, "percent": "1", "cap": 250}]}, "convenience_fees[0].currency"),
    ({"convenience_fees": [{"priority": 1, "percent": "1", "min_amount": 1}]}, "convenience_fees[0].currency"),
    ({"convenience_fees": [_rule(currency="XXX", flat=1)]}, "convenience_fees[0].currency"),
    ({"convenience_fees": [_rule(currency="usd", flat=1)]}, "convenience_fees[0].currency"),
    ({"convenience_fees": [_rule(currency=840, flat=1)]}, "convenience_fees[0].currency"),
    # methods and channels
    ({"convenience_fees": [_rule(flat=1, methods=["card", "wire"])]}, "convenience_fees[0].methods[1]"),
    ({"convenience_fees": [_rule(flat=1, methods=["card", "card"])]}, "convenience_fees[0].methods[1]"),
    ({"convenience_fees": [_rule(flat=1, methods=[])]}, "convenience_fees[0].methods"),
    ({"convenience_fees": [_rule(flat=1, methods="card")]}, "convenience_fees[0].methods"),
    ({"convenience_fees": [_rule(flat=1, channels=["kiosk"])]}, "convenience_fees[0].channels[0]"),
    ({"convenience_fees": [_rule(flat=1, channels=["api", 3])]}, "convenience_fees[0].channels[1]"),
    # the fee itself
    ({"convenience_fees": [_rule(minimum=100)]}, "convenience_fees[0]"),
    ({"convenience_fees": [_rule(flat=1, tiers=[{"from": 0, "flat": 1}])]}, "convenience_fees[0].tiers"),
    ({"convenience_fees": [_rule(tiers=[])]}, "convenience_fees[0].tiers"),
    ({"convenience_fees": [_rule(name="", flat=1)]}, "convenience_fees[0].name"),
    ({"convenience_fees": [_rule(name="x" * 65, flat=1)]}, "convenience_fees[0].name"),
    ({"convenience_fees": [_rule(name=7, flat=1)]}, "convenience_fees[0].name"),
    # tiers
    (_tiers({"from": 100, "flat": 1}), "convenience_fees[0].tiers[0].from"),
    (_tiers({"from": 0, "to": 1000, "flat": 1}, {"from": 900, "flat": 2}), "convenience_fees[0].tiers[1].from"),
    (_tiers({"from": 0, "to": 1000, "flat": 1}, {"from": 1001, "flat": 2}), "convenience_fees[0].tiers[1].from"),
    (_tiers({"from": 0, "flat": 1}, {"from": 1000, "flat": 2}), "convenience_fees[0].tiers[1].from"),
    (_tiers({"from": 0, "to": 1000, "flat": 1}, {"from": 1000, "to": 2000, "flat": 2}),
     "convenience_fees[0].tiers[1].to"),
    (_tiers({"from": 0, "to": 0, "flat": 1}), "convenience_fees[0].tiers[0].to"),
    (_tiers({"from": 0, "to": 1000, "flat": 1}, {"from": 1000}), "convenience_fees[0].tiers[1]"),
    (_tiers({"from": 0, "flat": -1}), "convenience_fees[0].tiers[0].flat"),
    (_tiers({"from": 0, "percent": "11"}), "convenience_fees[0].tiers[0].percent"),
    (_tiers({"from": 0, "percent": "-0.5"}), "convenience_fees[0].tiers[0].percent"),
    (_tiers({"to": 100, "flat": 1}), "convenience_fees[0].tiers[0].from"),
    (_tiers({"from": 0, "flat": 1, "up_to": 5}), "convenience_fees[0].tiers[0].up_to"),
    (_tiers({"from": "0", "flat": 1}), "convenience_fees[0].tiers[0].from"),
    # surcharge
    ({"surcharge": {}}, "surcharge.percent"),
    ({"surcharge": "3"}, "surcharge"),
    ({"surcharge": {"percent": "-1"}}, "surcharge.percent"),
    ({"surcharge": {"percent": "3.5"}}, "surcharge.percent"),
    ({"surcharge": {"percent": 0.03}}, "surcharge.percent"),
    ({"surcharge": {"percent": "3", "cap": "3"}}, "surcharge.cap"),
    ({"surcharge": {"percent": "3", "jurisdiction_caps": {"california": "1"}}},
     "surcharge.jurisdiction_caps.california"),
    ({"surcharge": {"percent": "3", "jurisdiction_caps": {"us-ca": "1"}}}, "surcharge.jurisdiction_caps.us-ca"),
    ({"surcharge": {"percent": "3", "jurisdiction_caps": {"USA": "1"}}}, "surcharge.jurisdiction_caps.USA"),
    ({"surcharge": {"percent": "3", "jurisdiction_caps": {"US-CALI": "1"}}}, "surcharge.jurisdiction_caps.US-CALI"),
    ({"surcharge": {"percent": "3", "jurisdiction_caps": {"US-CA": "4"}}}, "surcharge.jurisdiction_caps.US-CA"),
    ({"surcharge": {"percent": "3", "jurisdiction_caps": {"US-CA": "-1"}}}, "surcharge.jurisdiction_caps.US-CA"),
    ({"surcharge": {"percent": "3", "jurisdiction_caps": ["US-CA"]}}, "surcharge.jurisdiction_caps"),
    ({"surcharge": {"percent": "3", "brand_caps": {"maestro": "1"}}}, "surcharge.brand_caps.maestro"),
    ({"surcharge": {"percent": "3", "brand_caps": {"amex": "3.5"}}}, "surcharge.brand_caps.amex"),
    ({"surcharge": {"percent": "3", "surcharge_unknown_funding": "yes"}}, "surcharge.surcharge_unknown_funding"),
    ({"surcharge": {"percent": "3", "surcharge_unknown_jurisdiction": 1}}, "surcharge.surcharge_unknown_jurisdiction"),
    # waivers
    ({"waivers": [{"segment": "Non Profit"}]}, "waivers[0].segment"),
    ({"waivers": [{"segment": ""}]}, "waivers[0].segment"),
    ({"waivers": [{"segment": 5}]}, "waivers[0].segment"),
    ({"waivers": [{}]}, "waivers[0].segment"),
    ({"waivers": [{"segment": "nonprofit"}, {"segment": "nonprofit", "surcharge": True}]}, "waivers[1].segment"),
    ({"waivers": [{"segment": "nonprofit", "convenience_fee": False}]}, "waivers[0]"),
    ({"waivers": [{"segment": "nonprofit", "convenience_fee": "no"}]}, "waivers[0].convenience_fee"),
    ({"waivers": [{"segment": "nonprofit", "everything": True}]}, "waivers[0].everything"),
    ({"waivers": {"segment": "nonprofit"}}, "waivers"),
]


@pytest.mark.parametrize(("config", "field"), BAD_POLICIES, ids=[f for _, f in BAD_POLICIES])
def test_bad_policies_are_rejected_with_the_offending_field(config: Any, field: str) -> None:
    with pytest.raises(InvalidFeePolicy) as caught:
        parse_policy(config)
    error = caught.value
    assert isinstance(error, InvalidRequest)
    assert error.code == "fee_policy_invalid"
    assert error.extra == {"field": field}
    assert error.detail.startswith(f"{field}: ")


def test_duplicate_priority_message_names_the_other_rule() -> None:
    with pytest.raises(InvalidFeePolicy) as caught:
        fees(_rule(priority=5, flat=1), _rule(priority=5, flat=2))
    assert caught.value.detail == ("convenience_fees[1].priority: priority 5 is also used by convenience_fees[0]; "
                                   "priorities must be unique")


def test_policies_built_in_code_are_validated_too() -> None:
    usd = Money(100, "USD")
    with pytest.raises(InvalidFeePolicy) as caught:
        FeePolicy((ConvenienceFeeRule(1, percent=Decimal("-1")),))
    assert caught.value.extra["field"] == "convenience_fees[0].percent"
    with pytest.raises(InvalidFeePolicy) as caught:
        FeePolicy((ConvenienceFeeRule(1, flat=usd),))  # no currency on the rule
    assert caught.value.extra["field"] == "convenience_fees[0].currency"
    with pytest.raises(InvalidFeePolicy) as caught:
        FeePolicy((ConvenienceFeeRule(1, currency="EUR", flat=usd),))
    assert caught.value.extra["field"] == "convenience_fees[0].flat"
    with pytest.raises(InvalidFeePolicy) as caught:
        FeePolicy((ConvenienceFeeRule(1, percent="2.5"),))  # type: ignore[arg-type]
    assert caught.value.extra["field"] == "convenience_fees[0].percent"
    with pytest.raises(InvalidFeePolicy) as caught:
        FeePolicy(surcharge=SurchargePolicy(Decimal("5")))
    assert caught.value.extra["field"] == "surcharge.percent"
    with pytest.raises(InvalidFeePolicy) as caught:
        FeePolicy(surcharge=SurchargePolicy(Decimal("3"), {"US-CT": Decimal("3.5")}))
    assert caught.value.extra["field"] == "surcharge.jurisdiction_caps.US-CT"
    with pytest.raises(InvalidFeePolicy) as caught:
        FeePolicy((ConvenienceFeeRule(1, currency="USD", tiers=(FeeTier(Money(0, "USD"), Money(500, "USD"),
                                                                            flat=usd),)),))
    assert caught.value.extra["field"] == "convenience_fees[0].tiers[0].to"
    with pytest.raises(InvalidFeePolicy) as caught:
        FeePolicy(waivers=(FeeWaiver("nonprofit", convenience_fee=False),))
    assert caught.value.extra["field"] == "waivers[0]"


# --- data model, round trip ----------------------------------------------------------------------

EXAMPLE: dict[str, Any] = {
    "version": 1,
    "convenience_fees": [
        {"priority": 10, "name": "ACH is free", "methods": ["ach"], "percent": "0"},
        {"priority": 20, "name": "Cards online", "methods": ["card"], "channels": ["widget", "portal"],
         "currency": "USD", "percent": "2.95", "minimum": 195, "cap": 2500},
        {"priority": 30, "name": "Phone and terminal", "currency": "USD", "min_amount": 100, "max_amount": 1000000,
         "tiers": [{"from": 0, "to": 10000, "flat": 195}, {"from": 10000, "to": 50000, "flat": 395},
                   {"from": 50000, "to": None, "flat": 100, "percent": "1"}]},
        {"priority": 40, "currency": "JPY", "flat": 300},
    ],
    "surcharge": {
        "percent": "3",
        "jurisdiction_caps": {"CA": "2.4", "CA-QC": "0", "US-CO": "2", "US-CT": "0", "US-MA": "0"},
        "brand_caps": {"amex": "2.5"},
        "surcharge_unknown_funding": False,
        "surcharge_unknown_jurisdiction": False,
    },
    "waivers": [{"segment": "nonprofit", "convenience_fee": True, "surcharge": False},
                {"segment": "government", "convenience_fee": True, "surcharge": True}],
}


def test_to_dict_round_trips_parse_policy() -> None:
    policy = parse_policy(EXAMPLE)
    assert policy.to_dict() == EXAMPLE
    assert parse_policy(policy.to_dict()) == policy
    assert parse_policy(json.loads(json.dumps(policy.to_dict()))) == policy
    assert hash(parse_policy(EXAMPLE)) == hash(policy)


def test_parsed_example_has_the_expected_model() -> None:
    policy = parse_policy(EXAMPLE)
    cards = policy.convenience_fees[1]
    assert cards == ConvenienceFeeRule(20, "Cards online", ("card",), ("widget", "portal"), "USD",
                                       percent=Decimal("2.95"), minimum=Money(195, "USD"), cap=Money(2500, "USD"))
    assert policy.convenience_fees[2].tiers[2] == FeeTier(Money(50000, "USD"), None, Money(100, "USD"), Decimal("1"))
    assert policy.surcharge is not None
    assert dict(policy.surcharge.jurisdiction_caps) == {"CA": Decimal("2.4"), "CA-QC": 0, "US-CO": 2, "US-CT": 0,
                                                        "US-MA": 0}
    assert policy.waiver_for("government") == FeeWaiver("government", True, True)
    assert policy.waiver_for("retail") is None and policy.waiver_for(None) is None


def test_defaults_and_nulls_read_as_absent() -> None:
    sparse = parse_policy({"convenience_fees": [{"priority": 1, "percent": "1", "currency": None, "cap": None}],
                           "surcharge": {"percent": 2}, "waivers": [{"segment": "nonprofit"}]})
    assert sparse == FeePolicy((ConvenienceFeeRule(1, percent=Decimal(1)),), SurchargePolicy(Decimal(2)),
                               (FeeWaiver("nonprofit", convenience_fee=True, surcharge=False),))
    assert sparse.to_dict()["convenience_fees"] == [{"priority": 1, "percent": "1"}]
    assert sparse.to_dict()["surcharge"]["percent"] == "2"


def test_empty_policy() -> None:
    assert parse_policy({}) == EMPTY_POLICY == FeePolicy()
    assert parse_policy({"convenience_fees": None, "surcharge": None, "waivers": []}) == EMPTY_POLICY
    assert EMPTY_POLICY.to_dict() == {"version": 1, "convenience_fees": [], "surcharge": None, "waivers": []}
    assert parse_policy(EMPTY_POLICY.to_dict()) == EMPTY_POLICY
    quote = evaluate(EMPTY_POLICY, ctx(98765, "KWD", segment="nonprofit"))
    assert quote == FeeQuote(Money(98765, "KWD"), Money(0, "KWD"), Money(0, "KWD"), Money(98765, "KWD"))


def test_model_is_frozen_and_lists_become_tuples() -> None:
    policy = parse_policy(EXAMPLE)
    with pytest.raises(FrozenInstanceError):
        policy.waivers = ()  # type: ignore[misc]
    assert policy.surcharge is not None
    with pytest.raises(TypeError):
        policy.surcharge.jurisdiction_caps["US-NY"] = Decimal(0)  # type: ignore[index]
    rule = ConvenienceFeeRule(1, methods=["card"], percent=Decimal(1))  # type: ignore[arg-type]
    assert rule.methods == ("card",)
    assert FeePolicy([rule]) == FeePolicy((rule,))  # type: ignore[arg-type]


def test_caps_mapping_passed_in_is_copied() -> None:
    caps = {"US-CT": Decimal(0)}
    surcharge = SurchargePolicy(Decimal(3), caps)
    caps["US-CT"] = Decimal(3)
    assert surcharge.jurisdiction_caps["US-CT"] == 0


# --- context and quote ---------------------------------------------------------------------------

@pytest.mark.parametrize(("kwargs", "field"), [
    (dict(amount=Money(0, "USD")), "amount"),
    (dict(amount=Money(-1, "USD")), "amount"),
    (dict(method="wire"), "method"),
    (dict(channel="kiosk"), "channel"),
    (dict(card_funding="charge"), "card_funding"),
    (dict(jurisdiction="California"), "jurisdiction"),
    (dict(jurisdiction="US_CA"), "jurisdiction"),
    (dict(jurisdiction=""), "jurisdiction"),
    (dict(segment=5), "segment"),
])
def test_fee_context_is_validated(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"amount": Money(100, "USD"), "method": "card", **kwargs}
    with pytest.raises(InvalidRequest) as caught:
        FeeContext(**args)
    assert caught.value.extra["field"] == field
    if field == "amount":
        assert isinstance(caught.value, InvalidAmount)


def test_fee_context_normalizes_and_reads_card_summaries() -> None:
    card = CardSummary("amex", "0005", 12, 2030, "378282", "credit", "US")
    context = FeeContext.for_card(Money(500, "USD"), card, channel="portal", jurisdiction=" us-ca ",
                                  segment="NonProfit")
    assert context == FeeContext(Money(500, "USD"), "card", "portal", "credit", "amex", "US", "US-CA", "nonprofit")
    assert FeeContext(Money(1, "USD"), "card").funding == "unknown"
    assert FeeContext(Money(1, "USD"), "card", segment="  ").segment is None


def test_fee_quote_total_must_add_up() -> None:
    usd = Money(100, "USD")
    with pytest.raises(ValueError):
        FeeQuote(usd, Money(1, "USD"), Money(2, "USD"), Money(102, "USD"))
    assert FeeQuote(usd, Money(1, "USD"), Money(2, "USD"), Money(103, "USD")).fees == Money(3, "USD")


# --- properties ----------------------------------------------------------------------------------

JURISDICTIONS = ["US", "US-CA", "US-CO", "US-CT", "US-NY", "CA", "CA-QC", "GB", "PR-SJ"]
PERCENTS = st.integers(min_value=0, max_value=100_000).map(lambda n: str(Decimal(n).scaleb(-4)))  # 0 .. 10.0000
SURCHARGE_PERCENTS = st.integers(min_value=0, max_value=300).map(lambda n: str(Decimal(n).scaleb(-2)))
MINOR = st.integers(min_value=0, max_value=100_000)


@st.composite
def fee_parts(draw: st.DrawFn) -> dict[str, Any]:
    part: dict[str, Any] = {}
    while not part:
        if draw(st.booleans()):
            part["flat"] = draw(MINOR)
        if draw(st.booleans()):
            part["percent"] = draw(PERCENTS)
    return part


@st.composite
def rule_dicts(draw: st.DrawFn, priority: int, currency: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"priority": priority}
    if draw(st.booleans()):
        rule["methods"] = draw(st.lists(st.sampled_from(METHODS), min_size=1, unique=True))
    if draw(st.booleans()):
        rule["channels"] = draw(st.lists(st.sampled_from(CHANNELS), min_size=1, unique=True))
    if draw(st.booleans()):
        edges = sorted(draw(st.lists(st.integers(min_value=1, max_value=10**6), max_size=3, unique=True)))
        bounds = [0, *edges, None]
        rule["tiers"] = [{"from": bounds[i], "to": bounds[i + 1], **draw(fee_parts())} for i in range(len(edges) + 1)]
    else:
        rule.update(draw(fee_parts()))
    if draw(st.booleans()):
        low, high = sorted(draw(st.lists(st.integers(min_value=0, max_value=10**6), min_size=2, max_size=2)))
        rule["min_amount"], rule["max_amount"] = low, high
    if draw(st.booleans()):
        rule["minimum"] = draw(MINOR)
    if draw(st.booleans()):
        rule["cap"] = draw(MINOR) + rule.get("minimum", 0)
    money_keys = {"flat", "tiers", "min_amount", "max_amount", "minimum", "cap"}
    if not money_keys.isdisjoint(rule) or draw(st.booleans()):
        rule["currency"] = currency
    return rule


@st.composite
def policy_dicts(draw: st.DrawFn, currency: str) -> dict[str, Any]:
    priorities = draw(st.lists(st.integers(min_value=-10, max_value=100), max_size=4, unique=True))
    policy: dict[str, Any] = {"convenience_fees": [draw(rule_dicts(p, currency)) for p in priorities]}
    if draw(st.booleans()):
        policy["surcharge"] = {
            "percent": draw(SURCHARGE_PERCENTS),
            "jurisdiction_caps": draw(st.dictionaries(st.sampled_from(JURISDICTIONS), SURCHARGE_PERCENTS)),
            "brand_caps": draw(st.dictionaries(st.sampled_from(["visa", "amex", "mastercard"]), SURCHARGE_PERCENTS)),
            "surcharge_unknown_funding": draw(st.booleans()),
            "surcharge_unknown_jurisdiction": draw(st.booleans()),
        }
    segments = draw(st.lists(st.sampled_from(["nonprofit", "government"]), unique=True))
    policy["waivers"] = [{"segment": s, "convenience_fee": True, "surcharge": draw(st.booleans())} for s in segments]
    return policy


@st.composite
def contexts(draw: st.DrawFn, currency: str) -> FeeContext:
    return FeeContext(
        Money(draw(st.integers(min_value=1, max_value=2 * 10**6)), draw(st.sampled_from([currency, currency, "EUR"]))),
        draw(st.sampled_from(METHODS)),
        draw(st.sampled_from(CHANNELS)),
        draw(st.sampled_from([None, "credit", "credit", "debit", "prepaid", "unknown"])),
        draw(st.sampled_from([None, "visa", "amex", "mastercard"])),
        None,
        draw(st.sampled_from([None, *JURISDICTIONS])),
        draw(st.sampled_from([None, "nonprofit", "government", "retail"])),
    )


def expected_surcharge_percent(surcharge: SurchargePolicy | None, context: FeeContext) -> Decimal:
    """The documented surcharge rules, restated independently of the implementation."""
    if surcharge is None or context.method != "card" or context.funding in ("debit", "prepaid"):
        return Decimal(0)
    if context.funding == "unknown" and not surcharge.surcharge_unknown_funding:
        return Decimal(0)
    if context.jurisdiction is None and not surcharge.surcharge_unknown_jurisdiction:
        return Decimal(0)
    rates = [surcharge.percent, BRAND_SURCHARGE_MAX_PERCENT]
    if context.jurisdiction is not None:
        country = context.jurisdiction.split("-")[0]
        caps = surcharge.jurisdiction_caps
        if context.jurisdiction in caps:
            rates.append(caps[context.jurisdiction])
        elif country in caps:
            rates.append(caps[country])
    if context.card_brand is not None and context.card_brand in surcharge.brand_caps:
        rates.append(surcharge.brand_caps[context.card_brand])
    return min(rates)


def expected_convenience_fee(policy: FeePolicy, context: FeeContext) -> int:
    """The documented convenience-fee rules, restated in Decimal arithmetic (ROUND_HALF_EVEN quantize)."""
    amount = context.amount
    for rule in sorted(policy.convenience_fees, key=lambda r: r.priority):
        if rule.methods is not None and context.method not in rule.methods:
            continue
        if rule.channels is not None and context.channel not in rule.channels:
            continue
        if rule.currency is not None and rule.currency != amount.currency:
            continue
        if rule.min_amount is not None and amount.amount < rule.min_amount.amount:
            continue
        if rule.max_amount is not None and amount.amount > rule.max_amount.amount:
            continue
        flat, percent = rule.flat, rule.percent
        for tier in rule.tiers:
            if tier.start.amount <= amount.amount and (tier.end is None or amount.amount < tier.end.amount):
                flat, percent = tier.flat, tier.percent
        with localcontext() as exact:
            exact.prec = 60
            raw = Decimal(flat.amount if flat else 0) + Decimal(amount.amount) * (percent or 0) / 100
            if rule.minimum is not None:
                raw = max(raw, Decimal(rule.minimum.amount))
            if rule.cap is not None:
                raw = min(raw, Decimal(rule.cap.amount))
            return int(raw.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    return 0


@FAST
@given(st.sampled_from(["USD", "JPY", "KWD"]).flatmap(lambda c: st.tuples(policy_dicts(c), contexts(c))))
def test_fee_properties(case: tuple[dict[str, Any], FeeContext]) -> None:
    config, context = case
    policy = parse_policy(config)
    assert parse_policy(policy.to_dict()) == policy
    assert parse_policy(policy.to_dict()).to_dict() == policy.to_dict()

    quote = evaluate(policy, context)
    zero = Money.zero(context.amount.currency)
    assert quote.convenience_fee >= zero
    assert quote.surcharge >= zero
    assert quote.total == context.amount + quote.convenience_fee + quote.surcharge
    assert quote.explanation and all(isinstance(line, str) and line for line in quote.explanation) or (
        not policy.convenience_fees and policy.surcharge is None)

    waiver = policy.waiver_for(context.segment)
    cap = expected_surcharge_percent(policy.surcharge, context)
    capped = context.amount.times(Fraction(cap) / 100)
    assert quote.surcharge <= capped
    assert quote.surcharge <= context.amount.times(Fraction(BRAND_SURCHARGE_MAX_PERCENT) / 100)
    if waiver is not None and waiver.surcharge:
        assert quote.surcharge == zero
        assert quote.surcharge_waived == capped.is_positive
    else:
        assert quote.surcharge == capped
        assert not quote.surcharge_waived
    if context.method == "ach" or context.funding in ("debit", "prepaid"):
        assert quote.surcharge == zero

    fee = expected_convenience_fee(policy, context)
    if waiver is not None and waiver.convenience_fee:
        assert quote.convenience_fee == zero
        assert quote.convenience_fee_waived == (fee > 0)
    elif quote.surcharge.is_positive:  # card network rules: a surcharge replaces the convenience fee
        assert quote.convenience_fee == zero
    else:
        assert quote.convenience_fee == Money(fee, context.amount.currency)
        assert not quote.convenience_fee_waived
    if quote.convenience_rule is not None and not quote.convenience_fee_waived and not quote.surcharge.is_positive:
        rule = next(r for r in policy.convenience_fees if r.priority == quote.convenience_rule)
        if rule.minimum is not None:
            assert quote.convenience_fee >= rule.minimum
        if rule.cap is not None:
            assert quote.convenience_fee <= rule.cap


@FAST
@given(st.integers(min_value=1, max_value=10**11), PERCENTS, st.sampled_from(["USD", "JPY", "KWD"]))
def test_percent_fee_matches_decimal_half_even(amount: int, percent: str, currency: str) -> None:
    quote = evaluate(fees({"priority": 1, "percent": percent}), ctx(amount, currency))
    with localcontext() as exact:
        exact.prec = 60
        expected = (Decimal(amount) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    assert quote.convenience_fee == Money(int(expected), currency)
