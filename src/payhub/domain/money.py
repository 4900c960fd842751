"""Money: integer minor units plus an ISO 4217 currency. No floats, ever."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from payhub.domain.errors import AmountTooLarge, CurrencyMismatch, InvalidAmount, UnsupportedCurrency

# Minor-unit exponents (ISO 4217). Currencies not listed are refused rather than guessed.
EXPONENTS: dict[str, int] = {
    "USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "NZD": 2, "CHF": 2, "SEK": 2, "NOK": 2,
    "DKK": 2, "PLN": 2, "CZK": 2, "MXN": 2, "BRL": 2, "INR": 2, "SGD": 2, "HKD": 2, "ZAR": 2,
    "CNY": 2, "AED": 2, "SAR": 2, "ILS": 2,
    "JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "XOF": 0, "XAF": 0, "UGX": 0,
    "KWD": 3, "BHD": 3, "JOD": 3, "OMR": 3, "TND": 3, "LYD": 3, "IQD": 3,
}
# JavaScript numbers are exact up to 2^53 - 1: no amount PayHub accepts or returns may be larger.
MAX_SAFE_MINOR_UNITS = 2**53 - 1
# The largest amount per currency: just under one trillion major units (999,999,999,999.99 USD,
# 999,999,999,999 JPY, 999,999,999,999.999 KWD), so always within MAX_SAFE_MINOR_UNITS.
MAX_AMOUNTS: dict[str, int] = {currency: 10 ** (12 + exp) - 1 for currency, exp in EXPONENTS.items()}
assert max(MAX_AMOUNTS.values()) <= MAX_SAFE_MINOR_UNITS




def max_amount(currency: str) -> int:
    """The largest amount (minor units, either sign) of `currency` PayHub represents."""
    exponent(currency)
    return MAX_AMOUNTS[currency]


def exponent(currency: str) -> int:
    try:
        return EXPONENTS[currency]
    except KeyError:
        raise UnsupportedCurrency(f"Currency {currency!r} is not supported") from None


@dataclass(frozen=True, slots=True, order=False)
class Money:
    amount: int
    currency: str

    def __post_init__(self) -> None:
        if type(self.amount) is not int:
            raise InvalidAmount(f"Money amounts are integers in minor units, got {type(self.amount).__name__}")
        if abs(self.amount) > max_amount(self.currency):
            raise AmountTooLarge(f"Amounts in {self.currency} are at most {MAX_AMOUNTS[self.currency]} minor units")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def rounded(cls, value: Fraction, currency: str) -> Money:
        """An exact amount of minor units rounded half to even (banker's rounding), as `times` rounds: for
        results computed as fractions, whose numerator alone may exceed the maximum amount."""
        return cls(_round_half_even(value), currency)

    @classmethod
    def from_decimal(cls, value: Decimal | str, currency: str) -> Money:
        """Parse a major-unit decimal ("12.34"), exactly; refuses more decimals than the currency has."""
        if not isinstance(value, (Decimal, str)):
            raise InvalidAmount("Decimal amounts are given as Decimal or str, never float")
        try:
            parsed = Decimal(value)
        except InvalidOperation:
            raise InvalidAmount(f"{value!r} is not a decimal amount") from None
        if not parsed.is_finite():
            raise InvalidAmount(f"{value!r} is not a finite amount")
        sign, digits, exp = parsed.as_tuple()
        shift = int(exp) + exponent(currency)  # integer arithmetic: no context rounding
        magnitude = int("".join(map(str, digits)) or "0")
        if shift >= 0:
            minor = magnitude * 10**shift
        elif magnitude % 10**-shift:
            raise InvalidAmount(f"{value} has more decimals than {currency} allows")
        else:
            minor = magnitude // 10**-shift
        return cls(-minor if sign else minor, currency)

    def to_decimal(self) -> Decimal:
        """Exact, whatever the size (built from digits, not by context arithmetic)."""
        digits = tuple(int(d) for d in str(abs(self.amount)))
        return Decimal((1 if self.amount < 0 else 0, digits, -exponent(self.currency)))

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def min(self, other: Money) -> Money:
        return min(self, other)

    def times(self, rate: Decimal | Fraction | int) -> Money:
        """Apply a rate, rounding half to even (banker's rounding) to whole minor units."""
        if isinstance(rate, float):
            raise TypeError("rates are Decimal or Fraction, never float")
        return Money(_round_half_even(Fraction(self.amount) * Fraction(rate)), self.currency)

    def allocate(self, weights: Sequence[int]) -> list[Money]:
        """Split into parts proportional to integer weights; remainders go to the largest fractions,
        so the parts always add up to the whole."""
        if not weights or any(w < 0 for w in weights) or sum(weights) == 0:
            raise InvalidAmount("allocation weights must be non-negative and not all zero")
        total = sum(weights)
        exact = [Fraction(self.amount * w, total) for w in weights]
        parts = [int(e // 1) for e in exact]
        short = self.amount - sum(parts)
        by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
        for i in by_remainder[:short]:
            parts[i] += 1
        return [Money(p, self.currency) for p in parts]

    def __str__(self) -> str:
        return f"{self.to_decimal():f} {self.currency}"


def _round_half_even(value: Fraction) -> int:
    floor = value.numerator // value.denominator
    rest = value - floor
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1):
        return floor + 1
    return floor


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum Money of one currency; an empty sum is zero in that currency."""
    result = Money.zero(currency)
    for m in amounts:
        result = result + m
    return result
