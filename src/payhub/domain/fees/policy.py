"""What a fee policy is: its limits, its dataclasses and their invariants (checked when a policy is built,
so an invalid policy cannot exist). The rules are stated once, in the package's docstring."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, NoReturn

from payhub.domain.errors import InvalidAmount, InvalidFeePolicy, InvalidRequest, UnsupportedCurrency
from payhub.domain.methods import BRANDS, CardSummary, Channel, Method
from payhub.domain.money import Money, exponent

ROUNDING = ("half-even (banker's rounding) to the currency's minor unit, applied once to each fee after its "
            "minimum and cap; the exact same rounding as Money.times")

FEE_POLICY_VERSION = 1
METHODS = tuple(m.value for m in Method)
CHANNELS = tuple(c.value for c in Channel)
FUNDINGS = ("credit", "debit", "prepaid", "unknown")
CARD_BRANDS = tuple(brand for _, brand in BRANDS)
BRAND_SURCHARGE_MAX_PERCENT = Decimal("3")  # card-brand rules: a surcharge may not exceed 3 %
MAX_CONVENIENCE_PERCENT = Decimal("10")  # sanity limit for a convenience-fee percentage
PERCENT_DECIMALS = 4
NAME_MAX = 64

_JURISDICTION = re.compile(r"[A-Z]{2}(-[A-Z0-9]{1,3})?")  # ISO 3166-1 alpha-2, optionally -subdivision
_SEGMENT = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_ROOT = "(root)"




# --- data model ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FeeTier:
    """One band of a tiered fee: applies when `start <= amount < end` (`end` None: no upper bound).
    Config keys: `from`, `to`, `flat`, `percent`."""

    start: Money
    end: Money | None = None
    flat: Money | None = None
    percent: Decimal | None = None

    def contains(self, amount: Money) -> bool:
        return self.start <= amount and (self.end is None or amount < self.end)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"from": self.start.amount, "to": None if self.end is None else self.end.amount}
        if self.flat is not None:
            out["flat"] = self.flat.amount
        if self.percent is not None:
            out["percent"] = str(self.percent)
        return out


@dataclass(frozen=True, slots=True)
class ConvenienceFeeRule:
    priority: int
    name: str | None = None
    # conditions (None = any)
    methods: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None
    currency: str | None = None
    min_amount: Money | None = None  # inclusive
    max_amount: Money | None = None  # inclusive
    # the fee: flat and/or percent, or tiers
    flat: Money | None = None
    percent: Decimal | None = None
    tiers: tuple[FeeTier, ...] = ()
    minimum: Money | None = None
    cap: Money | None = None

    def __post_init__(self) -> None:
        for name in ("methods", "channels"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "tiers", tuple(self.tiers))

    @property
    def label(self) -> str:
        return f"'{self.name}' (priority {self.priority})" if self.name else f"priority {self.priority}"

    def matches(self, ctx: FeeContext) -> bool:
        amount = ctx.amount
        if self.methods is not None and ctx.method not in self.methods:
            return False
        if self.channels is not None and ctx.channel not in self.channels:
            return False
        if self.currency is not None and amount.currency != self.currency:
            return False
        if self.min_amount is not None and amount < self.min_amount:
            return False
        return self.max_amount is None or amount <= self.max_amount

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"priority": self.priority}
        if self.name is not None:
            out["name"] = self.name
        if self.methods is not None:
            out["methods"] = list(self.methods)
        if self.channels is not None:
            out["channels"] = list(self.channels)
        if self.currency is not None:
            out["currency"] = self.currency
        for key in ("min_amount", "max_amount", "flat"):
            money: Money | None = getattr(self, key)
            if money is not None:
                out[key] = money.amount
        if self.percent is not None:
            out["percent"] = str(self.percent)
        if self.tiers:
            out["tiers"] = [tier.to_dict() for tier in self.tiers]
        for key in ("minimum", "cap"):
            money = getattr(self, key)
            if money is not None:
                out[key] = money.amount
        return out


@dataclass(frozen=True, slots=True)
class SurchargePolicy:
    percent: Decimal
    jurisdiction_caps: Mapping[str, Decimal] = field(default_factory=dict)  # "US-CT": 0 = prohibited
    brand_caps: Mapping[str, Decimal] = field(default_factory=dict)  # "amex": Decimal("2.5")
    surcharge_unknown_funding: bool = False
    surcharge_unknown_jurisdiction: bool = False

    def __post_init__(self) -> None:  # read-only copies: the dataclass is frozen, so are its mappings
        object.__setattr__(self, "jurisdiction_caps", MappingProxyType(dict(self.jurisdiction_caps)))
        object.__setattr__(self, "brand_caps", MappingProxyType(dict(self.brand_caps)))

    def __hash__(self) -> int:
        return hash((self.percent, frozenset(self.jurisdiction_caps.items()), frozenset(self.brand_caps.items()),
                     self.surcharge_unknown_funding, self.surcharge_unknown_jurisdiction))

    def jurisdiction_cap(self, jurisdiction: str) -> tuple[str, Decimal] | None:
        """The cap for "US-CA" itself, else for its country "US"; None if neither is listed."""
        for key in (jurisdiction, jurisdiction.split("-", 1)[0]):
            if key in self.jurisdiction_caps:
                return key, self.jurisdiction_caps[key]
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "percent": str(self.percent),
            "jurisdiction_caps": {key: str(cap) for key, cap in sorted(self.jurisdiction_caps.items())},
            "brand_caps": {key: str(cap) for key, cap in sorted(self.brand_caps.items())},
            "surcharge_unknown_funding": self.surcharge_unknown_funding,
            "surcharge_unknown_jurisdiction": self.surcharge_unknown_jurisdiction,
        }


@dataclass(frozen=True, slots=True)
class FeeWaiver:
    segment: str
    convenience_fee: bool = True
    surcharge: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"segment": self.segment, "convenience_fee": self.convenience_fee, "surcharge": self.surcharge}


@dataclass(frozen=True, slots=True)
class FeePolicy:
    """Validated on construction (raises InvalidFeePolicy with `field` set to the config path)."""

    convenience_fees: tuple[ConvenienceFeeRule, ...] = ()
    surcharge: SurchargePolicy | None = None
    waivers: tuple[FeeWaiver, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "convenience_fees", tuple(self.convenience_fees))
        object.__setattr__(self, "waivers", tuple(self.waivers))
        _validate(self)

    def waiver_for(self, segment: str | None) -> FeeWaiver | None:
        return next((w for w in self.waivers if w.segment == segment), None) if segment else None

    def to_dict(self) -> dict[str, Any]:
        """The config shape `parse_policy` reads: parse_policy(p.to_dict()) == p."""
        return {
            "version": FEE_POLICY_VERSION,
            "convenience_fees": [rule.to_dict() for rule in self.convenience_fees],
            "surcharge": None if self.surcharge is None else self.surcharge.to_dict(),
            "waivers": [waiver.to_dict() for waiver in self.waivers],
        }


@dataclass(frozen=True, slots=True)
class FeeContext:
    """What a fee depends on. `jurisdiction` is the payer's billing state or country, ISO 3166 style
    ("US-CA", "CA"; upper-cased here). `card_country` (issuing country) is informational: surcharge
    law follows the payer's jurisdiction, not the issuer's."""

    amount: Money
    method: str  # card | ach
    channel: str = "api"  # api | widget | portal | terminal | autopay
    card_funding: str | None = None  # credit | debit | prepaid | unknown (None = unknown)
    card_brand: str | None = None
    card_country: str | None = None
    jurisdiction: str | None = None
    segment: str | None = None  # customer segment, e.g. "nonprofit" (lower-cased here)

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Money) or not self.amount.is_positive:
            raise InvalidAmount("Fees are quoted on a positive amount", field="amount")
        if self.method not in METHODS:
            raise InvalidRequest(f"Unknown payment method {self.method!r}", field="method")
        if self.channel not in CHANNELS:
            raise InvalidRequest(f"Unknown channel {self.channel!r}", field="channel")
        if self.card_funding is not None and self.card_funding not in FUNDINGS:
            raise InvalidRequest(f"Unknown card funding {self.card_funding!r}", field="card_funding")
        if self.jurisdiction is not None:
            code = self.jurisdiction.strip().upper() if isinstance(self.jurisdiction, str) else ""
            if not _JURISDICTION.fullmatch(code):
                raise InvalidRequest(f"Jurisdiction {self.jurisdiction!r} is not an ISO 3166 code such as "
                                     "'US' or 'US-CA'", field="jurisdiction")
            object.__setattr__(self, "jurisdiction", code)
        if self.segment is not None:
            if not isinstance(self.segment, str):
                raise InvalidRequest("Customer segment must be a string", field="segment")
            object.__setattr__(self, "segment", self.segment.strip().lower() or None)

    @classmethod
    def for_card(cls, amount: Money, card: CardSummary, *, channel: str = "api", jurisdiction: str | None = None,
                 segment: str | None = None) -> FeeContext:
        return cls(amount, "card", channel, card.funding, card.brand, card.country, jurisdiction, segment)

    @property
    def funding(self) -> str:
        return self.card_funding or "unknown"


@dataclass(frozen=True, slots=True)
class FeeQuote:
    amount: Money
    convenience_fee: Money
    surcharge: Money
    total: Money  # amount + convenience_fee + surcharge
    surcharge_percent: Decimal = Decimal(0)  # the rate the surcharge was computed at (0: none charged)
    convenience_rule: int | None = None  # priority of the convenience-fee rule that matched
    convenience_fee_waived: bool = False
    surcharge_waived: bool = False
    explanation: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.total != self.amount + self.convenience_fee + self.surcharge:
            raise ValueError("FeeQuote.total must be amount + convenience_fee + surcharge")

    @property
    def fees(self) -> Money:
        return self.convenience_fee + self.surcharge



# --- validation (of the dataclasses; paths are those of the config shape) ------------------------

def _fail(path: str, message: str) -> NoReturn:
    raise InvalidFeePolicy(f"{path}: {message}", field=path)


def _at(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent and parent != _ROOT else key


def _check_percent(value: object, path: str, maximum: Decimal, what: str) -> None:
    if not isinstance(value, Decimal):
        _fail(path, "must be a Decimal percentage")
    if not value.is_finite():
        _fail(path, f"{value} is not a finite number")
    if value < 0:
        _fail(path, "must not be negative")
    if value > maximum:
        _fail(path, f"{value}% is above {what} of {maximum}%")
    if (Fraction(value) * 10**PERCENT_DECIMALS).denominator != 1:
        _fail(path, f"{value} has more than {PERCENT_DECIMALS} decimal places")


def _check_money(value: object, currency: str | None, path: str, rule_path: str) -> None:
    if not isinstance(value, Money):
        _fail(path, "must be Money")
    if currency is None:
        _fail(_at(rule_path, "currency"), "is required because the rule uses minor-unit amounts")
    if value.currency != currency:
        _fail(path, f"is in {value.currency}, the rule's currency is {currency}")
    if value.amount < 0:
        _fail(path, "must not be negative")


def _check_choices(values: object, allowed: tuple[str, ...], path: str) -> None:
    if values is None:
        return
    if not isinstance(values, tuple) or not values:
        _fail(path, "must be a non-empty list (omit it to match any)")
    for i, value in enumerate(values):
        if value not in allowed:
            _fail(_at(path, i), f"unknown value {value!r} (expected one of: {', '.join(allowed)})")
        if value in values[:i]:
            _fail(_at(path, i), f"{value!r} is listed twice")


def _validate(policy: FeePolicy) -> None:
    seen: dict[int, int] = {}
    for i, rule in enumerate(policy.convenience_fees):
        path = _at("convenience_fees", i)
        if not isinstance(rule, ConvenienceFeeRule):
            _fail(path, "must be a ConvenienceFeeRule")
        _validate_rule(rule, path)
        if rule.priority in seen:
            _fail(_at(path, "priority"), f"priority {rule.priority} is also used by convenience_fees"
                                         f"[{seen[rule.priority]}]; priorities must be unique")
        seen[rule.priority] = i
    if policy.surcharge is not None:
        _validate_surcharge(policy.surcharge)
    segments: dict[str, int] = {}
    for i, waiver in enumerate(policy.waivers):
        path = _at("waivers", i)
        if not isinstance(waiver, FeeWaiver):
            _fail(path, "must be a FeeWaiver")
        if not isinstance(waiver.segment, str) or not _SEGMENT.fullmatch(waiver.segment):
            _fail(_at(path, "segment"), "must be a lower-case segment name such as 'nonprofit'")
        if waiver.segment in segments:
            _fail(_at(path, "segment"), f"segment {waiver.segment!r} is already waived by waivers"
                                        f"[{segments[waiver.segment]}]")
        segments[waiver.segment] = i
        for key in ("convenience_fee", "surcharge"):
            if not isinstance(getattr(waiver, key), bool):
                _fail(_at(path, key), "must be true or false")
        if not (waiver.convenience_fee or waiver.surcharge):
            _fail(path, "waives neither the convenience fee nor the surcharge")


def _validate_rule(rule: ConvenienceFeeRule, path: str) -> None:
    if type(rule.priority) is not int:
        _fail(_at(path, "priority"), "must be an integer")
    if rule.name is not None and (not isinstance(rule.name, str) or not 0 < len(rule.name) <= NAME_MAX):
        _fail(_at(path, "name"), f"must be a non-empty string of at most {NAME_MAX} characters")
    _check_choices(rule.methods, METHODS, _at(path, "methods"))
    _check_choices(rule.channels, CHANNELS, _at(path, "channels"))
    if rule.currency is not None:
        _check_currency(rule.currency, _at(path, "currency"))
    for key in ("min_amount", "max_amount", "flat", "minimum", "cap"):
        value = getattr(rule, key)
        if value is not None:
            _check_money(value, rule.currency, _at(path, key), path)
    if rule.min_amount is not None and rule.max_amount is not None and rule.min_amount > rule.max_amount:
        _fail(_at(path, "max_amount"), f"max_amount {rule.max_amount.amount} is below min_amount "
                                       f"{rule.min_amount.amount}")
    if rule.tiers and (rule.flat is not None or rule.percent is not None):
        _fail(_at(path, "tiers"), "a rule has either tiers or flat/percent, not both")
    if not rule.tiers and rule.flat is None and rule.percent is None:
        _fail(path, "needs a fee: flat, percent or tiers")
    if rule.percent is not None:
        _check_percent(rule.percent, _at(path, "percent"), MAX_CONVENIENCE_PERCENT, "the maximum")
    if rule.tiers:
        _validate_tiers(rule.tiers, rule.currency, _at(path, "tiers"), path)
    if rule.minimum is not None and rule.cap is not None and rule.minimum > rule.cap:
        _fail(_at(path, "minimum"), f"minimum {rule.minimum.amount} is above cap {rule.cap.amount}")


def _validate_tiers(tiers: Sequence[FeeTier], currency: str | None, path: str, rule_path: str) -> None:
    previous: FeeTier | None = None
    for i, tier in enumerate(tiers):
        here = _at(path, i)
        if not isinstance(tier, FeeTier):
            _fail(here, "must be a FeeTier")
        _check_money(tier.start, currency, _at(here, "from"), rule_path)
        if tier.end is not None:
            _check_money(tier.end, currency, _at(here, "to"), rule_path)
            if tier.end <= tier.start:
                _fail(_at(here, "to"), f"to {tier.end.amount} must be above from {tier.start.amount}")
        if tier.flat is None and tier.percent is None:
            _fail(here, "needs a flat and/or percent fee")
        if tier.flat is not None:
            _check_money(tier.flat, currency, _at(here, "flat"), rule_path)
        if tier.percent is not None:
            _check_percent(tier.percent, _at(here, "percent"), MAX_CONVENIENCE_PERCENT, "the maximum")
        if previous is None:
            if tier.start.amount != 0:
                _fail(_at(here, "from"), "the first tier must start at 0")
        elif previous.end is None:
            _fail(_at(here, "from"), f"overlaps tiers[{i - 1}], which has no upper bound")
        elif tier.start < previous.end:
            _fail(_at(here, "from"), f"from {tier.start.amount} overlaps tiers[{i - 1}] "
                                     f"(which runs to {previous.end.amount})")
        elif tier.start > previous.end:
            _fail(_at(here, "from"), f"from {tier.start.amount} leaves a gap after tiers[{i - 1}] "
                                     f"(which ends at {previous.end.amount}); tiers must be contiguous")
        previous = tier
    if previous is not None and previous.end is not None:
        _fail(_at(_at(path, len(tiers) - 1), "to"), "the last tier must be open-ended (to: null)")


def _validate_surcharge(s: SurchargePolicy) -> None:
    path = "surcharge"
    if not isinstance(s, SurchargePolicy):
        _fail(path, "must be a SurchargePolicy")
    brand_max = "the card-brand maximum"
    _check_percent(s.percent, _at(path, "percent"), BRAND_SURCHARGE_MAX_PERCENT, brand_max)
    for key, cap in s.jurisdiction_caps.items():
        here = _at(_at(path, "jurisdiction_caps"), str(key))
        if not isinstance(key, str) or not _JURISDICTION.fullmatch(key):
            _fail(here, f"{key!r} is not an ISO 3166 code such as 'US', 'CA' or 'US-CA'")
        _check_percent(cap, here, BRAND_SURCHARGE_MAX_PERCENT, brand_max)
    for key, cap in s.brand_caps.items():
        here = _at(_at(path, "brand_caps"), str(key))
        if key not in CARD_BRANDS:
            _fail(here, f"unknown card brand {key!r} (expected one of: {', '.join(CARD_BRANDS)})")
        _check_percent(cap, here, BRAND_SURCHARGE_MAX_PERCENT, brand_max)
    for key in ("surcharge_unknown_funding", "surcharge_unknown_jurisdiction"):
        if not isinstance(getattr(s, key), bool):
            _fail(_at(path, key), "must be true or false")


def _check_currency(value: object, path: str) -> str:
    if not isinstance(value, str):
        _fail(path, "must be an ISO 4217 currency code such as 'USD'")
    try:
        exponent(value)
    except UnsupportedCurrency:
        _fail(path, f"currency {value!r} is not supported")
    return value



EMPTY_POLICY = FeePolicy()  # no fees at all (defined last: FeePolicy validates with the functions above)
