"""Money: integer minor units, ISO currencies, banker's rounding, largest-remainder allocation."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from payhub.domain.errors import CurrencyMismatch, InvalidAmount, InvalidRequest, UnsupportedCurrency
from payhub.domain.money import EXPONENTS, MAX_AMOUNTS, MAX_SAFE_MINOR_UNITS, Money, exponent, max_amount, total

FAST = settings(max_examples=200, deadline=None)

CURRENCIES = sorted(EXPONENTS)
# Small enough that sums of three and products with rates up to 1000 stay within every currency's maximum.
amounts = st.integers(min_value=-10**8, max_value=10**8)
currencies = st.sampled_from(CURRENCIES)


# --- construction -------------------------------------------------------------------------------

@pytest.mark.parametrize(("currency", "exp"), [("JPY", 0), ("USD", 2), ("EUR", 2), ("KWD", 3), ("BHD", 3)])
def test_exponents(currency: str, exp: int) -> None:
    assert exponent(currency) == exp


@pytest.mark.parametrize("currency", ["XXX", "usd", "", "US", "BTC", "USDT"])
def test_unsupported_currency_is_refused(currency: str) -> None:
    with pytest.raises(UnsupportedCurrency):
        Money(100, currency)
    with pytest.raises(UnsupportedCurrency):
        exponent(currency)
    with pytest.raises(UnsupportedCurrency):
        Money.from_decimal("1.00", currency)
    with pytest.raises(UnsupportedCurrency):
        Money.zero(currency)


def test_unsupported_currency_is_an_invalid_request_with_stable_code() -> None:
    with pytest.raises(InvalidRequest) as info:
        Money(1, "ABC")
    assert info.value.code == "currency_unsupported"


@pytest.mark.parametrize("amount", [1.0, 0.5, True, False, Decimal(1), Fraction(1), "100", None])
def test_non_int_amounts_are_refused(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        Money(amount, "USD")  # type: ignore[arg-type]


def test_int_amounts_including_zero_and_negative_are_accepted() -> None:
    assert Money(0, "USD").amount == 0
    assert Money(-5, "USD").amount == -5
    assert Money(max_amount("JPY"), "JPY").amount == 999_999_999_999
    assert Money(-max_amount("USD"), "USD").amount == -99_999_999_999_999


@pytest.mark.parametrize("currency", CURRENCIES)
def test_each_currency_has_a_maximum_javascript_can_represent(currency: str) -> None:
    top = max_amount(currency)
    assert top == MAX_AMOUNTS[currency] == 10 ** (12 + exponent(currency)) - 1 <= MAX_SAFE_MINOR_UNITS
    assert Money(top, currency).amount == top and Money(-top, currency).amount == -top
    for too_big in (top + 1, -(top + 1), 2**53, 2**63, 10**20):
        with pytest.raises(InvalidAmount) as info:
            Money(too_big, currency)
        assert info.value.code == "amount_too_large"


def test_arithmetic_past_the_maximum_is_refused() -> None:
    top = Money(max_amount("USD"), "USD")
    with pytest.raises(InvalidAmount):
        top + Money(1, "USD")
    with pytest.raises(InvalidAmount):
        top.times(2)
    with pytest.raises(InvalidAmount):
        Money.from_decimal("1000000000000.00", "USD")


def test_money_is_immutable_value_object() -> None:
    m = Money(100, "USD")
    with pytest.raises(AttributeError):
        m.amount = 5  # type: ignore[misc]
    assert m == Money(100, "USD")
    assert m != Money(100, "EUR")
    assert m != Money(101, "USD")
    assert hash(m) == hash(Money(100, "USD"))
    assert len({Money(1, "USD"), Money(1, "USD"), Money(1, "EUR")}) == 2


def test_zero() -> None:
    z = Money.zero("KWD")
    assert z == Money(0, "KWD")
    assert z.is_zero and not z.is_positive
    assert Money(1, "KWD").is_positive and not Money(1, "KWD").is_zero
    assert not Money(-1, "KWD").is_positive and not Money(-1, "KWD").is_zero


# --- decimal conversion -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("12.34", "USD", 1234),
    ("12.3", "USD", 1230),
    ("12", "USD", 1200),
    ("12.340", "USD", 1234),  # trailing zeros are not extra precision
    ("0.01", "USD", 1),
    ("-0.05", "USD", -5),
    ("1234", "JPY", 1234),
    ("1234.0", "JPY", 1234),
    ("1.234", "KWD", 1234),
    ("0.001", "KWD", 1),
    ("1e2", "USD", 10000),
    ("0", "EUR", 0),
])
def test_from_decimal(text: str, currency: str, minor: int) -> None:
    assert Money.from_decimal(text, currency) == Money(minor, currency)
    assert Money.from_decimal(Decimal(text), currency) == Money(minor, currency)


@pytest.mark.parametrize(("text", "currency"), [
    ("12.345", "USD"), ("0.001", "EUR"), ("1.5", "JPY"), ("0.1", "JPY"), ("1.2345", "KWD"), ("NaN", "USD"),
])
def test_from_decimal_refuses_extra_precision(text: str, currency: str) -> None:
    with pytest.raises(InvalidAmount):
        Money.from_decimal(text, currency)


@pytest.mark.parametrize(("minor", "currency", "text"), [
    (1234, "USD", "12.34"), (5, "USD", "0.05"), (-5, "USD", "-0.05"), (100, "USD", "1.00"),
    (0, "USD", "0.00"), (1234, "JPY", "1234"), (1, "KWD", "0.001"), (1234, "KWD", "1.234"),
])
def test_to_decimal_and_str(minor: int, currency: str, text: str) -> None:
    m = Money(minor, currency)
    assert m.to_decimal() == Decimal(text)
    assert f"{m.to_decimal():f}" == text
    assert str(m) == f"{text} {currency}"


@FAST
@given(amounts, currencies)
def test_decimal_round_trip(amount: int, currency: str) -> None:
    m = Money(amount, currency)
    d = m.to_decimal()
    assert d == Decimal(amount) / (Decimal(10) ** exponent(currency))
    assert Money.from_decimal(d, currency) == m
    assert Money.from_decimal(str(d), currency) == m
    assert Money.from_decimal(f"{d:f}", currency) == m


def test_from_decimal_never_silently_rounds_large_values() -> None:
    text = "12345678901234567890123456789.01"
    try:
        m = Money.from_decimal(text, "USD")
    except InvalidAmount:
        return  # refusing is acceptable; changing the value is not
    assert m.amount == 1234567890123456789012345678901


def test_to_decimal_is_exact_for_large_amounts() -> None:
    top = max_amount("KWD")
    assert Money(top, "KWD").to_decimal() == Decimal(f"{top}E-3")  # exact, no context rounding


# --- arithmetic and comparison ------------------------------------------------------------------

def test_add_sub_neg() -> None:
    a, b = Money(150, "USD"), Money(275, "USD")
    assert a + b == Money(425, "USD")
    assert b - a == Money(125, "USD")
    assert a - b == Money(-125, "USD")
    assert -a == Money(-150, "USD")
    assert -(-a) == a  # noqa: B002  (negated twice, not a decrement)
    assert (a + b).currency == "USD"


@pytest.mark.parametrize("op", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a < b, lambda a, b: a <= b,
    lambda a, b: a > b, lambda a, b: a >= b, lambda a, b: a.min(b),
])
def test_mixing_currencies_raises(op) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CurrencyMismatch):
        op(Money(1, "USD"), Money(1, "EUR"))
    with pytest.raises(CurrencyMismatch):
        op(Money(0, "JPY"), Money(0, "KWD"))


@pytest.mark.parametrize("other", [1, 1.0, Decimal(1), None, "1"])
def test_combining_with_non_money_raises_type_error(other: object) -> None:
    with pytest.raises(TypeError):
        Money(1, "USD") + other  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(1, "USD") - other  # type: ignore[operator]
    with pytest.raises(TypeError):
        _ = Money(1, "USD") < other  # type: ignore[operator]


def test_comparisons() -> None:
    one, two = Money(1, "USD"), Money(2, "USD")
    assert one < two and one <= two and two > one and two >= one
    assert one <= Money(1, "USD") and one >= Money(1, "USD")
    assert not (one < Money(1, "USD")) and not (one > Money(1, "USD"))
    assert one.min(two) is one and two.min(one) is one
    assert sorted([two, one, Money(-3, "USD")]) == [Money(-3, "USD"), one, two]


def test_total() -> None:
    assert total([], "USD") == Money(0, "USD")
    assert total([Money(1, "USD"), Money(2, "USD"), Money(-4, "USD")], "USD") == Money(-1, "USD")
    assert total(iter([Money(5, "JPY")]), "JPY") == Money(5, "JPY")
    with pytest.raises(CurrencyMismatch):
        total([Money(1, "USD"), Money(1, "EUR")], "USD")
    with pytest.raises(CurrencyMismatch):
        total([Money(1, "EUR")], "USD")


@FAST
@given(amounts, amounts, amounts, currencies)
def test_add_sub_properties(a: int, b: int, c: int, currency: str) -> None:
    x, y, z = Money(a, currency), Money(b, currency), Money(c, currency)
    assert (x + y) + z == x + (y + z)
    assert x + y == y + x
    assert (x - y) - z == x - (y + z)
    assert (x + y) - y == x
    assert x - x == Money.zero(currency)
    assert x + Money.zero(currency) == x
    assert -(x - y) == y - x
    assert (x < y) == (a < b) and (x <= y) == (a <= b) and (x > y) == (a > b) and (x >= y) == (a >= b)
    assert x.min(y).amount == min(a, b)


# --- times: banker's rounding -------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "rate", "expected"), [
    (5, Decimal("0.5"), 2),     # 2.5 → 2 (even)
    (7, Decimal("0.5"), 4),     # 3.5 → 4 (even)
    (1, Decimal("0.5"), 0),     # 0.5 → 0
    (3, Decimal("0.5"), 2),     # 1.5 → 2
    (-5, Decimal("0.5"), -2),   # -2.5 → -2
    (-7, Decimal("0.5"), -4),   # -3.5 → -4
    (-1, Decimal("0.5"), 0),    # -0.5 → 0
    (10, Decimal("0.26"), 3),   # 2.6 → 3
    (10, Decimal("0.24"), 2),   # 2.4 → 2
    (10, Decimal("-0.26"), -3),
    (10, Decimal("-0.24"), -2),
    (1000, Decimal("0.029"), 29),
    (12345, Decimal("0.0125"), 154),  # 154.3125
    (250, Decimal("0.01"), 2),  # 2.5 → 2
    (350, Decimal("0.01"), 4),  # 3.5 → 4
    (100, Fraction(1, 3), 33),
    (200, Fraction(1, 3), 67),
    (3, Fraction(1, 2), 2),
    (100, 3, 300),
    (100, 0, 0),
    (0, Decimal("123.456"), 0),
])
def test_times_half_even(amount: int, rate: Decimal | Fraction | int, expected: int) -> None:
    result = Money(amount, "USD").times(rate)
    assert result == Money(expected, "USD")
    assert type(result.amount) is int


def test_times_keeps_currency() -> None:
    assert Money(101, "KWD").times(Decimal("1.5")) == Money(152, "KWD")  # 151.5 → 152
    assert Money(101, "JPY").times(Decimal("0.5")).currency == "JPY"


@pytest.mark.parametrize("rate", [0.5, 1.0, 0.0, float("nan")])
def test_times_refuses_float(rate: float) -> None:
    with pytest.raises(TypeError):
        Money(100, "USD").times(rate)  # type: ignore[arg-type]


rates = st.decimals(min_value=Decimal(-1000), max_value=Decimal(1000), places=6,
                    allow_nan=False, allow_infinity=False)


@FAST
@given(amounts, rates)
def test_times_matches_decimal_quantize_half_even(amount: int, rate: Decimal) -> None:
    exact = Decimal(amount) * rate  # amount ≤ 16 digits, rate ≤ 10 digits: exact in 28-digit context
    expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    assert Money(amount, "USD").times(rate).amount == expected
    assert Money(amount, "USD").times(Fraction(rate)).amount == expected


@FAST
@given(amounts, st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_times_fraction_is_nearest_integer(amount: int, num: int, den: int) -> None:
    rate = Fraction(num, den)
    result = Money(amount, "USD").times(rate).amount
    exact = amount * rate
    assert abs(result - exact) <= Fraction(1, 2)
    if abs(result - exact) == Fraction(1, 2):
        assert result % 2 == 0


# --- allocate ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "weights", "expected"), [
    (100, [1, 1, 1], [34, 33, 33]),
    (101, [1, 1, 1], [34, 34, 33]),
    (99, [1, 1, 1], [33, 33, 33]),
    (5, [1, 1], [3, 2]),
    (5, [3, 7], [2, 3]),        # 1.5/3.5: tie on remainder → earlier index
    (100, [1], [100]),
    (100, [0, 1], [0, 100]),
    (100, [2, 1, 1], [50, 25, 25]),
    (10, [70, 20, 10], [7, 2, 1]),
    (1, [1, 1, 1], [1, 0, 0]),
    (2, [1, 2, 3], [0, 1, 1]),  # 1/3, 2/3, 1 → 0, 0+1, 1
    (0, [1, 2], [0, 0]),
    (-100, [1, 1, 1], [-33, -33, -34]),
])
def test_allocate_examples(amount: int, weights: list[int], expected: list[int]) -> None:
    assert Money(amount, "USD").allocate(weights) == [Money(p, "USD") for p in expected]


@pytest.mark.parametrize("weights", [[], [0], [0, 0], [-1, 2], [1, -1]])
def test_allocate_refuses_bad_weights(weights: list[int]) -> None:
    with pytest.raises(InvalidAmount):
        Money(100, "USD").allocate(weights)


@FAST
@given(amounts, currencies, st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12)
       .filter(lambda ws: sum(ws) > 0))
def test_allocate_sums_to_whole_and_is_fair(amount: int, currency: str, weights: list[int]) -> None:
    parts = Money(amount, currency).allocate(weights)
    assert len(parts) == len(weights)
    assert all(p.currency == currency for p in parts)
    assert sum(p.amount for p in parts) == amount
    whole = sum(weights)
    for part, w in zip(parts, weights, strict=True):
        exact = Fraction(amount * w, whole)
        assert 0 <= part.amount - exact.__floor__() <= 1  # floor or floor + 1 of the exact share
        assert abs(part.amount - exact) < 1
        if w == 0:
            assert part.amount == 0


@FAST
@given(amounts, currencies, st.integers(min_value=1, max_value=50), st.integers(min_value=1, max_value=1000))
def test_allocate_equal_weights_differ_by_at_most_one(amount: int, currency: str, n: int, w: int) -> None:
    parts = [p.amount for p in Money(amount, currency).allocate([w] * n)]
    assert sum(parts) == amount
    assert max(parts) - min(parts) <= 1
    # remainders go to the earliest parts: non-increasing
    assert parts == sorted(parts, reverse=True)
