"""The routing engine (pure): business rules pick the gateways for a payment, in order.

Rules are evaluated by priority (lowest number first); the first whose conditions all hold decides: either
a priority list of gateways or a weighted volume split (deterministic per payment id). The entity's default
route follows as fallback. Gateways that are not configured are dropped, and the decision says why."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from payhub.domain.errors import InvalidRoutingRules
from payhub.domain.methods import Channel, Method

METHODS = frozenset(m.value for m in Method)
CHANNELS = frozenset(c.value for c in Channel)




@dataclass(frozen=True, slots=True)
class RoutingInput:
    """What rules can look at: the payment, its card, its customer, its invoices and its channel."""

    payment_key: str  # the payment id: makes volume splits deterministic
    amount: int
    currency: str
    method: str
    channel: str = "api"
    card_brand: str | None = None
    card_bin: str | None = None
    card_country: str | None = None
    customer_id: str | None = None
    customer_segment: str | None = None
    customer_metadata: Mapping[str, str] = field(default_factory=dict)
    invoice_metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Condition:
    amount_min: int | None = None
    amount_max: int | None = None  # inclusive
    currencies: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset()
    card_brands: frozenset[str] = frozenset()
    bin_ranges: tuple[tuple[str, str], ...] = ()  # inclusive prefix ranges, e.g. ("400000", "499999")
    card_countries: frozenset[str] = frozenset()
    customers: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()
    customer_metadata: Mapping[str, str] = field(default_factory=dict)
    invoice_metadata: Mapping[str, str] = field(default_factory=dict)
    channels: frozenset[str] = frozenset()

    def mismatch(self, p: RoutingInput) -> str | None:
        """None when every condition holds, else the first one that does not (for `simulate`)."""
        if self.amount_min is not None and p.amount < self.amount_min:
            return f"amount {p.amount} < {self.amount_min}"
        if self.amount_max is not None and p.amount > self.amount_max:
            return f"amount {p.amount} > {self.amount_max}"
        for name, allowed, value in (("currency", self.currencies, p.currency), ("method", self.methods, p.method),
                                     ("card brand", self.card_brands, p.card_brand),
                                     ("card country", self.card_countries, p.card_country),
                                     ("customer", self.customers, p.customer_id),
                                     ("segment", self.segments, p.customer_segment),
                                     ("channel", self.channels, p.channel)):
            if allowed and value not in allowed:
                return f"{name} {value} not in {sorted(allowed)}"
        if self.bin_ranges:
            bin_ = (p.card_bin or "")[:6]
            if not any(lo <= bin_ <= hi for lo, hi in self.bin_ranges):
                return f"card BIN {bin_ or '-'} outside {list(self.bin_ranges)}"
        for label, wanted, actual in (("customer", self.customer_metadata, p.customer_metadata),
                                      ("invoice", self.invoice_metadata, p.invoice_metadata)):
            for key, value in wanted.items():
                if actual.get(key) != value:
                    return f"{label} metadata {key}={actual.get(key)!r}, wanted {value!r}"
        return None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    priority: int
    condition: Condition
    gateways: tuple[str, ...] = ()  # a priority list …
    split: tuple[tuple[str, int], ...] = ()  # … or a weighted volume split
    description: str = ""

    def candidates(self, payment_key: str) -> tuple[str, ...]:
        if not self.split:
            return self.gateways
        total = sum(w for _, w in self.split)
        point = int.from_bytes(hashlib.sha256(f"{self.id}:{payment_key}".encode()).digest()[:8], "big") % total
        for index, (gateway, weight) in enumerate(self.split):
            if point < weight:  # the chosen gateway first, the others as failover in their order
                return (gateway,) + tuple(g for i, (g, _) in enumerate(self.split) if i != index)
            point -= weight
        raise AssertionError("unreachable")


# Conditions on one value each, indexed as bitsets so that evaluating 1,000 rules costs a few dict
# lookups and integer ANDs, not 1,000 condition checks.
_INDEXED = (("currencies", "currency"), ("methods", "method"), ("card_brands", "card_brand"),
            ("card_countries", "card_country"), ("customers", "customer_id"), ("segments", "customer_segment"),
            ("channels", "channel"))


@dataclass(frozen=True)
class RuleSet:
    version: int
    rules: tuple[Rule, ...]  # sorted by priority
    default: tuple[str, ...]  # the entity's default route
    success_rate_routing: bool = False
    exploration_percent: int = 5
    _index: tuple[tuple[str, int, dict[str, int]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = []
        for condition_field, input_field in _INDEXED:
            unconstrained, by_value = 0, dict[str, int]()
            for bit, rule in enumerate(self.rules):
                values = getattr(rule.condition, condition_field)
                if not values:
                    unconstrained |= 1 << bit
                for value in values:
                    by_value[value] = by_value.get(value, 0) | 1 << bit
            index.append((input_field, unconstrained, {v: m | unconstrained for v, m in by_value.items()}))
        object.__setattr__(self, "_index", tuple(index))

    def possible(self, payment: RoutingInput) -> int:
        """Bitset of the rules whose indexed conditions hold; the others still need checking."""
        mask = (1 << len(self.rules)) - 1
        for input_field, unconstrained, by_value in self._index:
            mask &= by_value.get(getattr(payment, input_field), unconstrained)
            if not mask:
                break
        return mask


@dataclass(frozen=True, slots=True)
class Decision:
    candidates: tuple[str, ...]
    rule: str | None  # the rule that matched; None: the default route
    version: int
    reasons: tuple[str, ...]  # why each rule did or did not match, and any fallback


def evaluate(rules: RuleSet, payment: RoutingInput, available: Collection[str], explain: bool = False) -> Decision:
    """The first matching rule decides. With `explain`, every rule is checked so the reasons say why each
    earlier one did not match (the simulator); otherwise only the rules the index leaves are checked."""
    reasons: list[str] = []
    if explain:
        ordered: Sequence[Rule] = rules.rules
    else:
        mask, ordered = rules.possible(payment), []
        while mask:
            low = mask & -mask
            ordered.append(rules.rules[low.bit_length() - 1])
            mask ^= low
    for rule in ordered:
        why_not = rule.condition.mismatch(payment)
        if why_not is not None:
            if explain:
                reasons.append(f"{rule.id}: skipped ({why_not})")
            continue
        wanted = rule.candidates(payment.payment_key)
        usable = tuple(g for g in wanted if g in available)
        if missing := [g for g in wanted if g not in available]:
            reasons.append(f"{rule.id}: gateway(s) {', '.join(missing)} not configured")
        if usable:
            reasons.append(f"{rule.id}: matched")
            return Decision(_with_default(usable, rules.default, available), rule.id, rules.version, tuple(reasons))
        reasons.append(f"{rule.id}: matched but no usable gateway; falling back to the default route")
        break
    reasons.append("default route")
    return Decision(_with_default((), rules.default, available), None, rules.version, tuple(reasons))


def _with_default(first: tuple[str, ...], default: Sequence[str], available: Collection[str]) -> tuple[str, ...]:
    return first + tuple(g for g in default if g in available and g not in first)


def order_by_success(candidates: Sequence[str], rates: Mapping[str, float], exploration_percent: int,
                     rng: random.Random) -> tuple[str, ...]:
    """Best recent authorization rate first (stable among equals, unknown gateways rank as perfect so they
    get traffic); with `exploration_percent` chance keep the rules' order so a recovered gateway is tried."""
    if rng.random() * 100 < exploration_percent:
        return tuple(candidates)
    return tuple(sorted(candidates, key=lambda g: -rates.get(g, 1.0)))


# --- parsing admin configuration ---
def parse_ruleset(data: Mapping[str, Any], known_gateways: Collection[str], version: int) -> RuleSet:
    """Validate rules sent by an admin (JSON-like) into a RuleSet; errors name the offending field."""
    def fail(path: str, message: str) -> InvalidRoutingRules:
        return InvalidRoutingRules(f"{path}: {message}", field=path)

    def gateway_list(path: str, names: Any) -> tuple[str, ...]:
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise fail(path, "must be a list of gateway names")
        for i, name in enumerate(names):
            if name not in known_gateways:
                configured = ", ".join(sorted(known_gateways))
                raise fail(f"{path}[{i}]", f"unknown gateway {name!r} (configured: {configured})")
        if len(set(names)) != len(names):
            raise fail(path, "a gateway is listed twice")
        return tuple(names)

    default = gateway_list("default", data.get("default", []))
    if not default:
        raise fail("default", "the default route needs at least one gateway")
    rules: list[Rule] = []
    seen_ids: set[str] = set()
    seen_priorities: dict[int, str] = {}
    for i, raw in enumerate(data.get("rules", [])):
        path = f"rules[{i}]"
        if not isinstance(raw, Mapping):
            raise fail(path, "must be an object")
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not rule_id or rule_id in seen_ids:
            raise fail(f"{path}.id", "a unique non-empty id is required")
        priority = raw.get("priority")
        if not isinstance(priority, int) or isinstance(priority, bool):
            raise fail(f"{path}.priority", "must be an integer")
        if priority in seen_priorities:
            raise fail(f"{path}.priority", f"overlaps rule {seen_priorities[priority]!r}: priorities must be unique")
        seen_ids.add(rule_id)
        seen_priorities[priority] = rule_id
        has_list, has_split = "gateways" in raw, "split" in raw
        if has_list == has_split:
            raise fail(path, "give exactly one of gateways (priority list) or split (weights)")
        gateways: tuple[str, ...] = ()
        split: tuple[tuple[str, int], ...] = ()
        if has_list:
            gateways = gateway_list(f"{path}.gateways", raw["gateways"])
            if not gateways:
                raise fail(f"{path}.gateways", "must not be empty")
        else:
            weights = raw["split"]
            if not isinstance(weights, Mapping) or not weights:
                raise fail(f"{path}.split", 'must map gateways to weights, e.g. {"stripe": 70, "adyen": 30}')
            gateway_list(f"{path}.split", list(weights))
            for name, weight in weights.items():
                if not isinstance(weight, int) or isinstance(weight, bool) or weight <= 0:
                    raise fail(f"{path}.split.{name}", "weights are positive integers")
            split = tuple(weights.items())
        rules.append(Rule(rule_id, priority, _condition(raw.get("when", {}), f"{path}.when", fail), gateways, split,
                          str(raw.get("description", ""))))
    exploration = data.get("exploration_percent", 5)
    if not isinstance(exploration, int) or not 0 <= exploration <= 50:
        raise fail("exploration_percent", "must be an integer from 0 to 50")
    return RuleSet(version, tuple(sorted(rules, key=lambda r: r.priority)), default,
                   bool(data.get("success_rate_routing", False)), exploration)


def _condition(raw: Any, path: str, fail: Any) -> Condition:
    if not isinstance(raw, Mapping):
        raise fail(path, "must be an object")
    known = set(Condition.__dataclass_fields__)
    if unknown := sorted(set(raw) - known):
        raise fail(f"{path}.{unknown[0]}", f"unknown condition (known: {', '.join(sorted(known))})")

    def strings(name: str, allowed: frozenset[str] | None = None) -> frozenset[str]:
        values = raw.get(name, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise fail(f"{path}.{name}", "must be a list of strings")
        if allowed is not None and (bad := sorted(set(values) - allowed)):
            raise fail(f"{path}.{name}", f"unknown value(s) {bad} (allowed: {sorted(allowed)})")
        return frozenset(values)

    for bound in ("amount_min", "amount_max"):
        value = raw.get(bound)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise fail(f"{path}.{bound}", "must be a non-negative integer in minor units")
    if raw.get("amount_min") is not None and raw.get("amount_max") is not None \
            and raw["amount_min"] > raw["amount_max"]:
        raise fail(f"{path}.amount_min", "is above amount_max")
    ranges = []
    for j, pair in enumerate(raw.get("bin_ranges", [])):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(b, str) and b.isdigit() and len(b) == 6
                                                                  for b in pair) and pair[0] <= pair[1]):
            raise fail(f"{path}.bin_ranges[{j}]", 'must be ["lowest 6-digit BIN", "highest 6-digit BIN"]')
        ranges.append((pair[0], pair[1]))
    for meta in ("customer_metadata", "invoice_metadata"):
        if not isinstance(raw.get(meta, {}), Mapping):
            raise fail(f"{path}.{meta}", "must be an object of strings")
    return Condition(
        amount_min=raw.get("amount_min"), amount_max=raw.get("amount_max"), currencies=strings("currencies"),
        methods=strings("methods", METHODS), card_brands=strings("card_brands"), bin_ranges=tuple(ranges),
        card_countries=strings("card_countries"), customers=strings("customers"), segments=strings("segments"),
        customer_metadata=dict(raw.get("customer_metadata", {})),
        invoice_metadata=dict(raw.get("invoice_metadata", {})), channels=strings("channels", CHANNELS))

