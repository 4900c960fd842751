"""Payment methods. A card number lives only in memory, on its way to the gateway: what is kept
is brand, last4 and expiry. `repr` never shows the number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from payhub.domain.errors import InvalidCard


class Method(StrEnum):
    """How a payment is paid; fee rules and routing rules name these."""

    CARD = "card"
    ACH = "ach"


class Channel(StrEnum):
    """Where a payment comes from; fee rules and routing rules name these."""

    API = "api"
    WIDGET = "widget"
    PORTAL = "portal"
    TERMINAL = "terminal"
    AUTOPAY = "autopay"


BRANDS = (  # (prefixes, brand), checked in order
    (("34", "37"), "amex"),
    (("4",), "visa"),
    (tuple(str(p) for p in range(51, 56)) + tuple(str(p) for p in range(2221, 2721)), "mastercard"),
    (("6011", "65") + tuple(str(p) for p in range(644, 650)), "discover"),
    (tuple(str(p) for p in range(3528, 3590)), "jcb"),
    (("36", "300", "301", "302", "303", "304", "305"), "diners"),
)


def _digits(value: str, low: int, high: int) -> bool:
    """ASCII digits only: str.isdigit() would also accept '²' or Arabic-Indic digits."""
    return re.fullmatch(f"[0-9]{{{low},{high}}}", value) is not None


def luhn_ok(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    checksum = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return checksum % 10 == 0


def card_brand(number: str) -> str:
    for prefixes, brand in BRANDS:
        if number.startswith(prefixes):
            return brand
    return "unknown"


# How many digits a brand's CVC has (American Express: 4 on the front; the others: 3 on the back).
CVC_DIGITS = {"amex": (4, 4), "visa": (3, 3), "mastercard": (3, 3), "discover": (3, 3), "jcb": (3, 3),
              "diners": (3, 3)}


# Funding and issuing country by BIN, for routing and the no-surcharge-on-debit rule. A production
# deployment loads a BIN table; these are the test cards' BINs.
BIN_TABLE: dict[str, tuple[str, str]] = {
    "424242": ("credit", "US"), "400005": ("debit", "US"), "555555": ("credit", "US"),
    "520082": ("debit", "US"), "378282": ("credit", "US"), "400000": ("credit", "US"),
    "400012": ("credit", "CA"), "400082": ("credit", "GB"),
}


def bin_info(number: str) -> tuple[str, str | None]:
    """(funding, issuing country) for a card number or BIN; unknown BINs are 'unknown', None."""
    funding, country = BIN_TABLE.get(number[:6], ("unknown", None))
    return funding, country


@dataclass(frozen=True, slots=True)
class CardSummary:
    """What PayHub stores about a card."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    bin: str = ""
    funding: str = "unknown"  # credit | debit | prepaid | unknown
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvc: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, number: str, exp_month: int, exp_year: int, cvc: str | None, today: date) -> Card:
        digits = number.replace(" ", "").replace("-", "")
        if not _digits(digits, 12, 19) or not luhn_ok(digits):
            raise InvalidCard("Card number is invalid", field="payment_method.card.number")
        if not 1 <= exp_month <= 12:
            raise InvalidCard("Expiry month must be 1-12", field="payment_method.card.exp_month")
        if (exp_year, exp_month) < (today.year, today.month):
            raise InvalidCard("Card has expired", field="payment_method.card.exp_year")
        low, high = CVC_DIGITS.get(card_brand(digits), (3, 4))
        if cvc is not None and not _digits(cvc, low, high):
            raise InvalidCard(f"CVC must be {low if low == high else f'{low} or {high}'} digits",
                              field="payment_method.card.cvc")
        return cls(digits, exp_month, exp_year, cvc)

    @property
    def summary(self) -> CardSummary:
        funding, country = bin_info(self.number)
        return CardSummary(card_brand(self.number), self.number[-4:], self.exp_month, self.exp_year,
                           self.number[:6], funding, country)


@dataclass(frozen=True, slots=True)
class CardToken:
    """A card already vaulted at the gateway (or a simulator test token such as tok_visa)."""

    token: str

    @property
    def summary(self) -> CardSummary | None:
        """The card a well-known test token stands for; a gateway's own tokens are opaque to PayHub."""
        return TEST_TOKENS.get(self.token)


# The test tokens gateways share (Stripe's names), as the cards they stand for: routing and fees see their brand.
TEST_TOKENS: dict[str, CardSummary] = {
    "tok_visa": CardSummary("visa", "4242", 12, 2034, "424242", "credit", "US"),
    "tok_visa_debit": CardSummary("visa", "5556", 12, 2034, "400005", "debit", "US"),
    "tok_mastercard": CardSummary("mastercard", "4444", 12, 2034),
    "tok_amex": CardSummary("amex", "0005", 12, 2034),
    "tok_chargeDeclined": CardSummary("visa", "0002", 12, 2034),
    "tok_chargeDeclinedInsufficientFunds": CardSummary("visa", "9995", 12, 2034),
    "tok_processingError": CardSummary("visa", "0119", 12, 2034),
    "tok_timeout": CardSummary("visa", "6975", 12, 2034),
    "tok_lostAnswer": CardSummary("visa", "4242", 12, 2034),
}


@dataclass(frozen=True, slots=True)
class BankAccount:
    routing_number: str = field(repr=False)
    account_number: str = field(repr=False)
    account_type: str = "checking"

    @classmethod
    def parse(cls, routing_number: str, account_number: str, account_type: str) -> BankAccount:
        if not (_digits(routing_number, 9, 9) and _aba_ok(routing_number)):
            raise InvalidCard("Routing number is invalid", field="payment_method.ach.routing_number")
        if not _digits(account_number, 4, 17):
            raise InvalidCard("Account number is invalid", field="payment_method.ach.account_number")
        return cls(routing_number, account_number, account_type)

    @property
    def last4(self) -> str:
        return self.account_number[-4:]


def _aba_ok(routing: str) -> bool:
    d = [int(c) for c in routing]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


@dataclass(frozen=True, slots=True)
class VaultToken:
    """A PayHub vault token (tok_…): the vault resolves it to its summary, and to the card or account itself
    only for the gateway call."""

    token: str


@dataclass(frozen=True, slots=True)
class SavedMethod:
    """A customer's saved payment method (pm_…): a vault token kept, with the consent they gave."""

    id: str


PaymentMethod = Card | CardToken | BankAccount  # what a gateway is given
Payable = PaymentMethod | VaultToken | SavedMethod  # what a payment request may name
