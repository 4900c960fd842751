"""Configuration checks before apply, beyond the schema: what `payhub config plan` accepts but production would
regret. Each finding names its entity, a path into the document, a stable check id, a severity and the fix.

The checks reuse PayHub's own code rather than re-implementing it: the routing engine's rule model
(`domain.routing.parse_ruleset`), the fee policy's parser and evaluation (`domain.fees`), the gateway registry's
connectors (their required constructor arguments are the credentials), and the webhook worker's envelope,
signing and guarded HTTP client (so the allow-list and loopback rules are exactly the worker's).

Also here: the CI pipeline generator (`ci_script`): check and plan on pull/merge requests, apply on merge."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from payhub.config.document import Source, deep_merge, join, load, path_str
from payhub.config.schema import ConfigDocument, EntityConfig
from payhub.domain.errors import DomainError, InvalidFeePolicy, InvalidRequest, InvalidRoutingRules
from payhub.domain.fees import CARD_BRANDS, FeeContext, FeePolicy, SurchargePolicy, evaluate, parse_policy
from payhub.domain.money import EXPONENTS, MAX_AMOUNTS, Money
from payhub.domain.routing import Condition, Rule, parse_ruleset
from payhub.gateways import registry
from payhub.gateways.registry import GATEWAYS
from payhub.webhooks.transport import check_literal, parse_networks

if TYPE_CHECKING:
    from payhub.services import Network, Services
    from payhub.settings import Settings

Severity = Literal["error", "warning"]

# The catalogue of check ids (stable: CI and code-scanning tools key on them).
CHECKS: dict[str, str] = {
    "schema.invalid": "The document does not match the configuration schema",
    "routing.invalid": "The routing rules are refused by the routing engine's validation",
    "routing.unreachable_rule": "A routing rule can never match (contradictory or impossible conditions)",
    "routing.shadowed_rule": "A routing rule never decides: an earlier-priority rule matches all it matches",
    "routing.dead_condition": "Part of a rule's condition can never hold (the rule still matches otherwise)",
    "routing.split_not_100": "A split's weights do not sum to 100 (they are relative weights, not percentages)",
    "gateway.not_configured": "A gateway named in the configuration is not configured on this server",
    "gateway.missing_credentials": "A configured gateway lacks the credentials its connector needs",
    "gateway.invalid_credentials": "A configured gateway's connector refuses its settings",
    "fee_policy.invalid": "The fee policy is refused by the fee policy validation",
    "fee_policy.negative_total": "A negative fee makes a payment's total negative at some amount",
    "fee_policy.negative_fee": "A negative fee (a discount): PayHub's fee policies refuse them",
    "surcharge.above_jurisdiction_cap": "A surcharge above a jurisdiction's legal cap (0: prohibited)",
    "surcharge.above_brand_cap": "A surcharge above a card network's cap",
    "surcharge.unknown_jurisdiction": "Payers of unknown jurisdiction are surcharged, wherever they are",
    "webhook.url_not_allowed": "The webhook worker would refuse this URL (private, loopback or not http(s))",
    "webhook.test_event_failed": "The endpoint did not answer a signed webhook.test event with a 2xx",
    "webhook.signature_rejected": "The endpoint refused the test event's throwaway signature (401/403)",
}

PROBE_TIMEOUT_S = 5.0


# --- surcharge law ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SurchargeLaw:
    """A cap on credit card surcharges (percent of the amount; 0: prohibited) where the payer is, with its
    source and when that source was last checked. Not legal advice: a starting point the operator keeps."""

    country: str  # ISO 3166-1 alpha-2, or "EEA"
    jurisdictions: tuple[str, ...]  # as fee policies name them ("US-CT", "DE")
    cap: Decimal
    severity: Severity
    source: str
    as_of: str


_EEA = ("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU",
        "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO")

SURCHARGE_LAWS: tuple[SurchargeLaw, ...] = (
    SurchargeLaw("US", ("US-CT",), Decimal(0), "error", "Conn. Gen. Stat. § 42-133ff: surcharges prohibited",
                 "2024-12"),
    SurchargeLaw("US", ("US-MA",), Decimal(0), "error", "Mass. Gen. Laws ch. 140D § 28A: surcharges prohibited",
                 "2024-12"),
    SurchargeLaw("US", ("US-ME",), Decimal(0), "error", "Me. Rev. Stat. tit. 9-A § 8-509, listed by Visa as a ban "
                                                        "in force", "2024-12"),
    SurchargeLaw("US", ("US-PR",), Decimal(0), "error", "Puerto Rico's ban on credit card surcharges, listed by Visa "
                                                        "as in force", "2024-12"),
    SurchargeLaw("US", ("US-CO",), Decimal(2), "error", "Colo. Rev. Stat. § 5-2-212 as amended by SB 21-091 (signed "
                                                        "2021-07-09): at most 2 % or the merchant's cost", "2024-12"),
    SurchargeLaw("GB", ("GB",), Decimal(0), "warning", "UK Consumer Rights (Payment Surcharges) Regulations 2012 as "
                                                       "amended from 2018-01-13: no surcharge on consumer cards",
                 "2024-12"),
    SurchargeLaw("EEA", _EEA, Decimal(0), "warning", "EU PSD2 (Directive 2015/2366) art. 62(4), applicable from "
                                                     "2018-01-13: no surcharge on consumer cards regulated by "
                                                     "Regulation 2015/751 (commercial cards may be)", "2024-12"),
)

# Which laws apply to an entity: the countries its fee policy names in jurisdiction_caps, and the countries of
# its default currency (a USD entity gets the U.S. table).
CURRENCY_COUNTRIES: dict[str, tuple[str, ...]] = {"USD": ("US",), "GBP": ("GB",), "EUR": ("EEA",),
                                                  "NOK": ("EEA",), "SEK": ("EEA",), "DKK": ("EEA",),
                                                  "PLN": ("EEA",), "CZK": ("EEA",)}


# Card networks' U.S. caps (the domain's BRAND_SURCHARGE_MAX_PERCENT, 3 %, is the overall ceiling).
BRAND_CAPS: dict[str, tuple[Decimal, str]] = {
    "visa": (Decimal(3), "Visa Core Rules: U.S. surcharge cap lowered from 4 % to 3 % on 2023-04-15"),
    "mastercard": (Decimal(4), "Mastercard Rules (U.S.): at most 4 % and the merchant's cost of acceptance, "
                               "since 2013-01-27"),
}


# --- findings ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    check: str
    severity: Severity
    entity: str | None
    path: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"check": self.check, "severity": self.severity, "entity": self.entity, "path": self.path,
                "line": self.line, "message": self.message}


@dataclass
class Report:
    entities: list[str]
    network: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    def render(self) -> str:
        lines = [f"Configuration check: {self.errors} error(s), {self.warnings} warning(s) in "
                 f"{len(self.entities)} entit{'y' if len(self.entities) == 1 else 'ies'}"
                 + ("" if self.network else " (webhook endpoints not called: --skip-network)")]
        for f in self.findings:
            where = f"line {f.line}: " if f.line else ""
            lines.append(f"{f.severity.upper()} [{f.check}] {where}{f.path}")
            lines.append(f"    {f.message}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {"object": "config_check", "entities": self.entities, "network": self.network,
                "errors": self.errors, "warnings": self.warnings,
                "findings": [f.as_dict() for f in self.findings], "text": self.render()}


@dataclass(frozen=True)
class Server:
    """What the checks need to know of the server that will run the configuration: its gateways (name → the
    settings they are built from; None: a running instance, its credentials already accepted) and the networks
    its webhook worker may reach besides public ones."""

    gateways: Mapping[str, Mapping[str, Any] | None]
    allowed_networks: tuple[Network, ...] = ()
    timeout_s: float = PROBE_TIMEOUT_S

    @classmethod
    def from_settings(cls, settings: Settings) -> Server:
        return cls({"simulator": {"type": "simulator"}, **settings.gateways},
                   parse_networks(settings.webhook_allowed_networks))

    @classmethod
    def from_services(cls, svc: Services) -> Server:
        return cls(dict.fromkeys(svc.gateways), svc.webhook_allowed_networks)


class _Entity:
    """One entity's checks, collecting findings with their document lines."""

    def __init__(self, source: Source, entity: str, config: EntityConfig, found: list[Finding]) -> None:
        self.source, self.entity, self.config, self.found = source, entity, config, found
        self.at = f"entities.{entity}"

    def add(self, check: str, severity: Severity, path: str, message: str) -> None:
        self.found.append(Finding(check, severity, self.entity, path, message, self.source.line(path)))


# --- routing ----------------------------------------------------------------------------------------------------

def _priority_order(rules: Sequence[Any]) -> list[int]:
    return sorted((i for i, r in enumerate(rules) if isinstance(r, Mapping)),
                  key=lambda i: rules[i].get("priority") if isinstance(rules[i].get("priority"), int) else 0)


def _contradictions(when: Any) -> list[tuple[str, str]]:
    """(sub-path, why) for conditions the routing engine refuses because no payment could meet them."""
    if not isinstance(when, Mapping):
        return []
    out = []
    low, high = when.get("amount_min"), when.get("amount_max")
    if isinstance(low, int) and isinstance(high, int) and low > high:
        out.append(("when.amount_min", f"amount_min {low} is above amount_max {high}"))
    ranges = when.get("bin_ranges")
    for j, pair in enumerate(ranges if isinstance(ranges, list) else []):
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(b, str) for b in pair) and pair[0] > pair[1]:
            out.append((f"when.bin_ranges[{j}]", f"the BIN range {pair[0]}..{pair[1]} is empty (its low end is "
                                                 "above its high end)"))
    return out


def _impossible(c: Condition) -> str | None:
    """Why no payment PayHub accepts can meet `c`, or None."""
    if c.amount_max is not None and c.amount_max < 1:
        return f"amount_max {c.amount_max}: payments are at least 1 minor unit"
    if c.currencies and not c.currencies & EXPONENTS.keys():
        return f"currencies {sorted(c.currencies)}: PayHub takes none of them"
    limits = [MAX_AMOUNTS[cur] for cur in (c.currencies & EXPONENTS.keys() or EXPONENTS.keys())]
    if c.amount_min is not None and c.amount_min > max(limits):
        return f"amount_min {c.amount_min} is above the largest amount PayHub takes ({max(limits)})"
    card_only = [name for name, value in (("card_brands", c.card_brands), ("bin_ranges", c.bin_ranges),
                                          ("card_countries", c.card_countries)) if value]
    if card_only and c.methods and "card" not in c.methods:
        return f"{', '.join(card_only)} only hold for cards, but methods is {sorted(c.methods)}"
    if c.card_brands and not c.card_brands & set(CARD_BRANDS):
        return f"card_brands {sorted(c.card_brands)}: no card has these brands (known: {', '.join(CARD_BRANDS)})"
    return None


def _bin_span(ranges: tuple[tuple[str, str], ...]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted((int(a), int(b)) for a, b in ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _covers(a: Condition, b: Condition) -> bool:
    """Every payment meeting `b` also meets `a` (so a rule with `a`, tried first, always decides)."""
    if a.amount_min is not None and (b.amount_min is None or b.amount_min < a.amount_min):
        return False
    if a.amount_max is not None and (b.amount_max is None or b.amount_max > a.amount_max):
        return False
    for name in ("currencies", "methods", "card_brands", "card_countries", "customers", "segments", "channels"):
        wide, narrow = getattr(a, name), getattr(b, name)
        if wide and (not narrow or not narrow <= wide):
            return False
    if a.bin_ranges:
        if not b.bin_ranges:
            return False
        spans = _bin_span(a.bin_ranges)
        if not all(any(lo <= blo and bhi <= hi for lo, hi in spans) for blo, bhi in _bin_span(b.bin_ranges)):
            return False
    return all(b.customer_metadata.get(k) == v for k, v in a.customer_metadata.items()) and \
        all(b.invoice_metadata.get(k) == v for k, v in a.invoice_metadata.items())


def _share(weight: int, total: int) -> str:
    per_mille = (weight * 1000 + total // 2) // total
    return f"{per_mille // 10}.{per_mille % 10} %"


def _gateway_names(routing: Mapping[str, Any]) -> set[str]:
    names = {g for g in routing.get("default", []) if isinstance(g, str)}
    for rule in routing.get("rules", []):
        if isinstance(rule, Mapping):
            if isinstance(rule.get("gateways"), list):
                names |= {g for g in rule["gateways"] if isinstance(g, str)}
            if isinstance(rule.get("split"), Mapping):
                names |= {g for g in rule["split"] if isinstance(g, str)}
    return names


def check_routing(e: _Entity) -> None:
    if e.config.routing is None:
        return
    at = f"{e.at}.routing"
    routing = e.config.routing.model_dump()
    raw_rules = routing["rules"]
    dropped: set[int] = set()
    for i in _priority_order(raw_rules):
        for sub, why in _contradictions(raw_rules[i].get("when")):
            e.add("routing.unreachable_rule", "error", f"{at}.rules[{i}].{sub}",
                  f"rule {raw_rules[i].get('id')!r} can never match: {why}. Fix the bounds, or delete the rule.")
            dropped.add(i)
    kept = [i for i in range(len(raw_rules)) if i not in dropped]
    try:  # the engine's own model; unknown gateways are the gateway check's business, not a parse failure here
        ruleset = parse_ruleset({**routing, "rules": [raw_rules[i] for i in kept]}, _gateway_names(routing), 1)
    except InvalidRoutingRules as error:
        raw = str(error.extra.get("field", ""))
        if raw.startswith("rules[") and "]" in raw:  # back to the document's index
            index = int(raw[6:raw.index("]")])
            raw = f"rules[{kept[index]}]{raw[raw.index(']') + 1:]}"
        detail = error.detail.removeprefix(f"{error.extra.get('field', '')}: ")
        e.add("routing.invalid", "error", join(at, raw), f"{detail}. PayHub refuses these rules (plan and apply "
                                                         "fail): fix this field.")
        return
    index_of = {raw_rules[i]["id"]: i for i in kept}
    reachable: list[Rule] = []
    for rule in ruleset.rules:  # in priority order, as the engine tries them
        path = f"{at}.rules[{index_of[rule.id]}]"
        label = f"rule {rule.id!r} (priority {rule.priority})"
        if (reason := _impossible(rule.condition)) is not None:
            e.add("routing.unreachable_rule", "error", f"{path}.when",
                  f"{label} can never match: {reason}. Fix the condition, or delete the rule.")
            continue
        if unknown := sorted(rule.condition.currencies - EXPONENTS.keys()):
            e.add("routing.dead_condition", "warning", f"{path}.when.currencies",
                  f"{label}: PayHub takes no payments in {', '.join(unknown)}; remove them from currencies.")
        if unknown := sorted(rule.condition.card_brands - set(CARD_BRANDS)):
            e.add("routing.dead_condition", "warning", f"{path}.when.card_brands",
                  f"{label}: no card has brand {', '.join(unknown)} (known: {', '.join(CARD_BRANDS)}).")
        if broader := next((r for r in reachable if _covers(r.condition, rule.condition)), None):
            e.add("routing.shadowed_rule", "error", path,
                  f"{label} never decides: every payment it matches is matched first by rule {broader.id!r} "
                  f"(priority {broader.priority}), whose conditions include all of its own. Give {rule.id!r} a "
                  f"lower priority number than {broader.priority} (rules are tried lowest first), or narrow "
                  f"{broader.id!r}.")
        reachable.append(rule)
        if rule.split and (total := sum(w for _, w in rule.split)) != 100:
            shares = ", ".join(f"{g} {w}/{total} = {_share(w, total)}" for g, w in rule.split)
            e.add("routing.split_not_100", "warning", f"{path}.split",
                  f"{label}: the split's weights sum to {total}, not 100. PayHub reads them as relative weights, "
                  f"not percentages: {shares}. If that is intended, make them sum to 100 so they read as "
                  "percentages.")


# --- gateways ---------------------------------------------------------------------------------------------------

def _gateway_refs(e: _Entity) -> list[tuple[str, str]]:
    """(gateway, path) for every gateway the entity names."""
    refs = []
    if e.config.gateway is not None:
        refs.append((e.config.gateway, f"{e.at}.gateway"))
    if e.config.routing is not None:
        at = f"{e.at}.routing"
        refs += [(g, f"{at}.default[{i}]") for i, g in enumerate(e.config.routing.default)]
        for i, rule in enumerate(e.config.routing.rules):
            if isinstance(rule.get("gateways"), list):
                refs += [(g, f"{at}.rules[{i}].gateways[{j}]") for j, g in enumerate(rule["gateways"])
                         if isinstance(g, str)]
            if isinstance(rule.get("split"), Mapping):
                refs += [(g, f"{at}.rules[{i}].split.{g}") for g in rule["split"] if isinstance(g, str)]
    return refs


def required_credentials(gateway_type: str) -> tuple[str, ...]:
    """The connector's constructor arguments without a default: what its settings must give."""
    module, _, cls = GATEWAYS[gateway_type].partition(":")
    init = inspect.signature(getattr(import_module(module), cls).__init__)
    return tuple(p.name for p in init.parameters.values()
                 if p.name not in ("self", "name") and p.default is inspect.Parameter.empty
                 and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))


def gateway_problem(name: str, conf: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """(check id, message) when the server's settings for gateway `name` cannot build it."""
    if conf is None:
        return None
    gateway_type = conf.get("type")
    if gateway_type not in GATEWAYS:
        return "gateway.missing_credentials", (f"gateway {name!r} has type {gateway_type!r}; set \"type\" to one of "
                                               f"{', '.join(sorted(GATEWAYS))} in PAYHUB_GATEWAYS.")
    missing = [key for key in required_credentials(gateway_type) if not conf.get(key)]
    if missing:
        return "gateway.missing_credentials", (f"gateway {name!r} ({gateway_type}) has no {' or '.join(missing)} in "
                                               f"this server's PAYHUB_GATEWAYS; add "
                                               f"{', '.join(repr(k) for k in missing)} to its entry.")
    try:
        gateway = registry.build(name, **conf)
    except (TypeError, ValueError) as error:
        return "gateway.invalid_credentials", (f"gateway {name!r} ({gateway_type}): {error}. Fix its "
                                               "PAYHUB_GATEWAYS entry.")
    close = getattr(gateway, "close", None)
    if callable(close):
        close()
    return None


def check_gateways(e: _Entity, server: Server, problems: dict[str, tuple[str, str] | None]) -> None:
    configured = ", ".join(sorted(server.gateways))
    for name, path in _gateway_refs(e):
        if name not in server.gateways:
            e.add("gateway.not_configured", "error", path,
                  f"gateway {name!r} is not configured on this server (configured: {configured}). Add it to "
                  "PAYHUB_GATEWAYS with its credentials, or name a configured gateway.")
            continue
        if name not in problems:
            problems[name] = gateway_problem(name, server.gateways[name])
        if (problem := problems[name]) is not None:
            e.add(problem[0], "error", path, problem[1])


# --- fee policy -------------------------------------------------------------------------------------------------

def _negatives(policy: Mapping[str, Any]) -> list[tuple[str, int, str]]:
    """(path, rule index or -1 for the surcharge, key) of every negative flat or percent."""
    def negative(value: Any) -> bool:
        if isinstance(value, bool) or isinstance(value, float):
            return False
        try:
            return Decimal(str(value)) < 0 if isinstance(value, (int, str)) else False
        except ArithmeticError:
            return False

    found = []
    rules = policy.get("convenience_fees")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, Mapping):
            continue
        found += [(f"convenience_fees[{i}].{k}", i, k) for k in ("flat", "percent") if negative(rule.get(k))]
        tiers = rule.get("tiers")
        for j, tier in enumerate(tiers if isinstance(tiers, list) else []):
            if isinstance(tier, Mapping):
                found += [(f"convenience_fees[{i}].tiers[{j}].{k}", i, k) for k in ("flat", "percent")
                          if negative(tier.get(k))]
    surcharge = policy.get("surcharge")
    if isinstance(surcharge, Mapping) and negative(surcharge.get("percent")):
        found.append(("surcharge.percent", -1, "percent"))
    return found


def _magnitude(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value)
    if isinstance(value, str) and value.strip().startswith("-"):
        return value.strip()[1:]
    return value


def _absolute(policy: Mapping[str, Any]) -> dict[str, Any]:
    """The policy with every flat and percent made non-negative (what the domain can parse and evaluate)."""
    out = dict(policy)
    if isinstance(policy.get("convenience_fees"), list):
        rules = []
        for rule in policy["convenience_fees"]:
            if isinstance(rule, Mapping):
                rule = {**rule, **{k: _magnitude(rule[k]) for k in ("flat", "percent") if k in rule}}
                if isinstance(rule.get("tiers"), list):
                    rule["tiers"] = [{**t, **{k: _magnitude(t[k]) for k in ("flat", "percent") if k in t}}
                                     if isinstance(t, Mapping) else t for t in rule["tiers"]]
            rules.append(rule)
        out["convenience_fees"] = rules
    if isinstance(policy.get("surcharge"), Mapping) and "percent" in policy["surcharge"]:
        out["surcharge"] = {**policy["surcharge"], "percent": _magnitude(policy["surcharge"]["percent"])}
    return out


def _signed(value: Any) -> int:
    return -1 if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip().startswith("-") \
        else 1


def _fee_part(rule: Mapping[str, Any], percent: Decimal, amount: int, currency: str) -> int:
    """The domain's evaluation of a `percent` fee (made positive) on `amount`, under the rule's method and
    channel; past the domain's own percent limit, the same rounding (Money.rounded) directly."""
    method = (rule.get("methods") or ["card"])[0]
    channel = (rule.get("channels") or ["api"])[0]
    try:
        policy = parse_policy({"convenience_fees": [{"priority": 1, "percent": str(percent)}]})
    except InvalidFeePolicy:
        return Money.rounded(Fraction(amount) * Fraction(percent) / 100, currency).amount
    return evaluate(policy, FeeContext(Money(amount, currency), method, channel)).convenience_fee.amount


def _signed_fee(rule: Mapping[str, Any], band: Mapping[str, Any], amount: int, currency: str) -> int:
    fee = 0
    if isinstance(band.get("flat"), int) and not isinstance(band["flat"], bool):
        fee += band["flat"]
    if band.get("percent") is not None:
        fee += _signed(band["percent"]) * _fee_part(rule, Decimal(str(_magnitude(band["percent"]))), amount, currency)
    return fee


def _lowest_total(rule: Mapping[str, Any], currency: str) -> tuple[int, int] | None:
    """(amount, total) where the rule's signed fee leaves the lowest negative total, or None if none is negative.
    The total is linear within a band (the rule's amount range, or each tier in it), so its ends suffice."""
    low, high = rule.get("min_amount"), rule.get("max_amount")
    low = low if isinstance(low, int) and low > 0 else 1
    high = high if isinstance(high, int) else MAX_AMOUNTS[currency]
    bands: list[tuple[int, int, Mapping[str, Any]]] = []
    if isinstance(rule.get("tiers"), list):
        for tier in rule["tiers"]:
            start, end = tier.get("from", 0), tier.get("to")
            bands.append((max(start, low), high if end is None else min(end - 1, high), tier))
    else:
        bands.append((low, high, rule))
    worst: tuple[int, int] | None = None
    for start, end, band in bands:
        for amount in sorted({start, end}) if start <= end else ():
            try:
                total = amount + _signed_fee(rule, band, amount, currency)
            except DomainError:  # a fee PayHub could not even represent at this amount
                continue
            if total < 0 and (worst is None or total < worst[1]):
                worst = (amount, total)
    return worst


def check_fee_policy(e: _Entity) -> FeePolicy | None:
    raw = e.config.fee_policy
    if raw is None:
        return None
    at = f"{e.at}.fee_policy"
    negatives = _negatives(raw)
    reported: set[int] = set()
    for path, index, key in negatives:
        if index in reported:
            continue
        if index == -1:
            percent = Decimal(str(raw["surcharge"]["percent"]))
            check = "fee_policy.negative_total" if percent < -100 else "fee_policy.negative_fee"
            e.add(check, "error", join(at, path),
                  f"a surcharge of {percent} % " + ("makes every card payment's total negative" if percent < -100
                                                    else "is a discount") +
                  "; PayHub refuses negative surcharges (0 to 3 %). Remove it, or lower the invoice instead.")
            continue
        rule = raw["convenience_fees"][index]
        currency = rule.get("currency") or e.config.default_currency or "USD"
        try:
            worst = _lowest_total(rule, currency)
        except (InvalidRequest, TypeError, ValueError, ArithmeticError):
            worst = None
        reported.add(index)
        rule_path = join(at, f"convenience_fees[{index}]")
        if worst is not None:
            amount, total = worst
            e.add("fee_policy.negative_total", "error", join(at, path),
                  f"convenience fee rule {rule.get('name') or rule.get('priority')!r} gives a payment of {amount} "
                  f"{currency} minor units a total of {total}: a negative fee larger than the amount it applies to. "
                  "Set min_amount above the discount, or remove the negative fee (PayHub's fee policies take "
                  "fees of 0 or more; give discounts on the invoice).")
        else:
            e.add("fee_policy.negative_fee", "error", rule_path,
                  f"convenience fee rule {rule.get('name') or rule.get('priority')!r} has a negative {key} (a "
                  "discount); PayHub refuses negative fees, so plan and apply fail. Give discounts on the invoice.")
    policy_data = _absolute(raw) if negatives else raw
    try:
        return parse_policy(policy_data)
    except InvalidFeePolicy as error:
        field_ = str(error.extra.get("field", ""))
        if negatives and any(field_.startswith(p) for p, _, _ in negatives):
            return None
        detail = error.detail.removeprefix(f"{field_}: ")
        e.add("fee_policy.invalid", "error", join(at, field_),
              f"{detail}. PayHub refuses this fee policy (plan and apply fail): fix this field.")
        return None


def _surcharge_rate(policy: FeePolicy, currency: str, jurisdiction: str | None, brand: str | None = None) -> Decimal:
    """The rate the domain's evaluation charges a credit card payment of a payer in `jurisdiction`."""
    ctx = FeeContext(Money(10_000, currency), "card", card_funding="credit", card_brand=brand,
                     jurisdiction=jurisdiction)
    return evaluate(policy, ctx).surcharge_percent


def check_surcharge(e: _Entity, policy: FeePolicy) -> None:
    surcharge: SurchargePolicy | None = policy.surcharge
    if surcharge is None or surcharge.percent == 0:
        return
    at = f"{e.at}.fee_policy.surcharge"
    currency = e.config.default_currency if e.config.default_currency in EXPONENTS else "USD"
    named = {key.split("-", 1)[0] for key in surcharge.jurisdiction_caps}
    countries = set(CURRENCY_COUNTRIES.get(e.config.default_currency or "", ())) | named | \
        ({"EEA"} if named & set(_EEA) else set())
    for law in SURCHARGE_LAWS:
        if law.country not in countries:
            continue
        over = [(j, rate) for j in law.jurisdictions
                if (rate := _surcharge_rate(policy, currency, j)) > law.cap]
        if not over:
            continue
        listed = surcharge.jurisdiction_cap(over[0][0])
        path = f"{at}.jurisdiction_caps.{listed[0]}" if listed is not None and len(over) == 1 else f"{at}.percent"
        where = ", ".join(f"{j} ({rate} %)" for j, rate in over)
        caps = ", ".join(f'"{j}": "{law.cap}"' for j, _ in over)
        limit = "prohibited" if law.cap == 0 else f"capped at {law.cap} %"
        e.add("surcharge.above_jurisdiction_cap", law.severity, path,
              f"credit card payers in {where} are surcharged, where surcharges are {limit} ({law.source}; as of "
              f"{law.as_of}). Add {caps} to surcharge.jurisdiction_caps.")
    for brand, (cap, source) in BRAND_CAPS.items():
        rate = _surcharge_rate(policy, currency, "US", brand)
        if rate > cap:
            e.add("surcharge.above_brand_cap", "error", f"{at}.brand_caps",
                  f"{brand} cards are surcharged {rate} %, above the network's cap of {cap} % ({source}). Add "
                  f'"{brand}": "{cap}" to surcharge.brand_caps.')
    if surcharge.surcharge_unknown_jurisdiction:
        e.add("surcharge.unknown_jurisdiction", "warning", f"{at}.surcharge_unknown_jurisdiction",
              f"payers whose jurisdiction is unknown are surcharged {surcharge.percent} %, including those in "
              "places that prohibit it (e.g. US-CT, US-MA). Set surcharge_unknown_jurisdiction to false, or make "
              "sure every payment carries the payer's jurisdiction.")


# --- webhooks ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Probe:
    status: int | None
    error: str | None


def test_event(endpoint_name: str) -> tuple[str, bytes, dict[str, str]]:
    """A real `webhook.test` event, signed as the worker signs, with a throwaway secret (a planned endpoint has
    no secret yet): (event id, body, headers)."""
    from payhub.domain.events import EventType
    from payhub.ids import new_id
    from payhub.webhooks import signing
    from payhub.webhooks.worker import envelope_body

    event_id = new_id("evt")
    now = datetime.now(UTC)
    body = envelope_body(event_id, EventType.WEBHOOK_TEST, now, {"data": {
        "message": "PayHub configuration check: a signed test event", "endpoint": endpoint_name}})
    return event_id, body, signing.headers([signing.new_secret()], event_id, int(now.timestamp()), body)


async def probe(urls: Mapping[str, str], server: Server) -> dict[str, Probe]:
    """POST a signed test event to each url (url → endpoint name) through the worker's guarded client."""
    from payhub.webhooks.client import Client

    client = Client(lambda: server.allowed_networks)

    async def one(url: str, name: str) -> tuple[str, Probe]:
        _, body, headers = test_event(name)
        answer = await client.post(f"config-check:{url}", url, headers, body, server.timeout_s)
        return url, Probe(answer.status, answer.error)

    try:
        return dict(await asyncio.gather(*(one(url, name) for url, name in urls.items())))
    finally:
        await client.aclose()


def _endpoints(e: _Entity) -> list[tuple[str, str, str]]:
    """(name, url, path) of the entity's enabled endpoints."""
    if not e.config.webhook_endpoints:
        return []
    return [(name, ep.url, f"{e.at}.webhook_endpoints.{name}") for name, ep in e.config.webhook_endpoints.items()
            if ep is not None and ep.enabled]


def check_webhook_urls(e: _Entity, server: Server) -> list[tuple[str, str, str]]:
    """The static part (the worker's URL rules); returns the endpoints worth calling."""
    callable_ = []
    for name, url, path in _endpoints(e):
        try:
            check_literal(url, server.allowed_networks)
        except InvalidRequest as error:
            e.add("webhook.url_not_allowed", "error", f"{path}.url",
                  f"endpoint {name!r}: {error.detail}. The webhook worker would never deliver to it: use a public "
                  "https URL, or have the operator add its network to PAYHUB_WEBHOOK_ALLOWED_NETWORKS.")
            continue
        callable_.append((name, url, path))
    return callable_


def report_probe(e: _Entity, name: str, url: str, path: str, answer: Probe) -> None:
    if answer.status is not None and 200 <= answer.status < 300:
        return
    if answer.error is not None and answer.error.startswith("blocked:"):
        e.add("webhook.url_not_allowed", "error", f"{path}.url",
              f"endpoint {name!r} ({url}) {answer.error}. The worker would refuse it too: use a public URL, or "
              "have the operator add its network to PAYHUB_WEBHOOK_ALLOWED_NETWORKS.")
        return
    if answer.status in (401, 403):
        e.add("webhook.signature_rejected", "warning", f"{path}.url",
              f"endpoint {name!r} ({url}) answered HTTP {answer.status} to a webhook.test event signed with a "
              "throwaway secret (a document holds no secret): the receiver is up and verifies signatures. Install "
              "the secret that apply prints for a new endpoint, then send a test event from PayHub.")
        return
    got = f"answered HTTP {answer.status}" if answer.status is not None else f"did not answer ({answer.error})"
    e.add("webhook.test_event_failed", "error", f"{path}.url",
          f"endpoint {name!r} ({url}) {got} to a signed webhook.test event. Deploy the receiver and make it "
          "answer 2xx quickly, or disable the endpoint (enabled: false) until it is ready.")


# --- the whole document -----------------------------------------------------------------------------------------

async def acheck(text: str, server: Server, network: bool = True) -> Report:
    """Every check on the document `text` (YAML or JSON). ConfigInvalid if it is not a readable document."""
    source = load(text)
    found: list[Finding] = []
    try:
        ConfigDocument.model_validate(source.data)
    except ValidationError as error:
        for item in error.errors():
            if item["loc"] and item["loc"][0] == "entities" and len(item["loc"]) > 1:
                continue  # reported per entity below, with the defaults merged in
            path = path_str(item["loc"]) or "(root)"
            found.append(Finding("schema.invalid", "error", None, path, item["msg"], source.line(path)))
    defaults, entities = source.data.get("defaults"), source.data.get("entities")
    checked: list[_Entity] = []
    for entity_id, raw in (entities.items() if isinstance(entities, dict) else []):
        try:
            config = EntityConfig.model_validate(deep_merge(defaults if isinstance(defaults, dict) else {},
                                                            raw or {}))
        except ValidationError as error:
            for item in error.errors():
                path = path_str(("entities", str(entity_id), *item["loc"]))
                found.append(Finding("schema.invalid", "error", str(entity_id), path, item["msg"],
                                     source.line(path)))
            continue
        checked.append(_Entity(source, str(entity_id), config, found))
    gateway_problems: dict[str, tuple[str, str] | None] = {}
    to_call: list[tuple[_Entity, str, str, str]] = []
    for e in checked:
        check_routing(e)
        check_gateways(e, server, gateway_problems)
        policy = check_fee_policy(e)
        if policy is not None:
            check_surcharge(e, policy)
        to_call += [(e, *endpoint) for endpoint in check_webhook_urls(e, server)]
    if network and to_call:
        answers = await probe({url: name for _, name, url, _ in to_call}, server)
        for e, name, url, path in to_call:
            report_probe(e, name, url, path, answers[url])
    found.sort(key=lambda f: (f.severity != "error", f.line or 0, f.path))
    return Report([e.entity for e in checked], network, found)


def check(text: str, server: Server, network: bool = True) -> Report:
    return asyncio.run(acheck(text, server, network))


EXPLAIN_SYSTEM = ("You explain configuration findings of PayHub, a payments hub, to the engineer who wrote the "
                  "file. Be brief and concrete; do not invent findings or change their fixes.")


def explain_prompt(report: Report) -> str:
    return "Explain these findings and the order to fix them in:\n" + report.render()


# --- the CI pipeline --------------------------------------------------------------------------------------------
# The steps are shell scripts shared by both providers (bash, curl, jq), over PayHub's HTTP API: the server checks
# the document with its own gateways and webhook network, plans it against its installed state and applies it.
# The API URL and the admin key come from the CI's secret variables, never from the file. No Idempotency-Key:
# check and plan write nothing, and apply is guarded by the plan's base_version (a retry of an apply that went
# through gets config_version_conflict and applies nothing twice).

PROVIDERS = ("github", "gitlab")

_POST = ('curl -sS -o "$2" -w "%{http_code}" -X POST -H "Authorization: Bearer $PAYHUB_ADMIN_KEY" '
         '-H "Content-Type: application/json" --data @- "$PAYHUB_API_URL$1"')
_PROBLEM = r"""'"\(.title): \(.detail)", (.errors[]? | "  line \(.line // "-"): \(.field): \(.message)")'"""

CHECK_AND_PLAN = r"""set -uo pipefail
post() { POST; }
show() { jq -r PROBLEM "$1" 2>/dev/null || cat "$1"; }
status=0
jq -Rs '{document: ., network: true}' "$PAYHUB_CONFIG" \
  | post /v1/copilot/config/check check.json > check.status
if [ "$(cat check.status)" = 200 ]; then
  jq -r .text check.json > check.txt
  [ "$(jq .errors check.json)" = 0 ] || status=1
else
  show check.json > check.txt
  status=1
fi
jq -Rs '{document: .}' "$PAYHUB_CONFIG" | post /v1/config/plan plan.json > plan.status
if [ "$(cat plan.status)" = 200 ]; then
  jq -r .text plan.json > plan.txt
else
  show plan.json > plan.txt
  status=1
fi
{
  echo "### PayHub configuration plan"
  echo '```'; cat plan.txt; echo '```'
  echo "### PayHub configuration check"
  echo '```'; cat check.txt; echo '```'
} > report.md
cat report.md
exit $status
""".replace("POST", _POST, 1).replace("PROBLEM", _PROBLEM, 1)

APPLY = r"""set -euo pipefail
post() { POST; }
jq -Rs '{document: .}' "$PAYHUB_CONFIG" | post /v1/config/plan plan.json > plan.status
[ "$(cat plan.status)" = 200 ] || { jq -r PROBLEM plan.json; exit 1; }
jq -r .text plan.json
base=$(jq .base_version plan.json)
jq -Rs --argjson base "$base" '{document: ., base_version: $base}' "$PAYHUB_CONFIG" \
  | post /v1/config/apply apply.json > apply.status
[ "$(cat apply.status)" = 200 ] || { jq -r '"\(.title) (\(.code)): \(.detail)"' apply.json; exit 1; }
# New webhook endpoints' secrets are in this answer only: never print them (rotate a secret to read one).
jq -r 'if .applied then "Applied config version \(.version): \(.changes | length) change(s)"
       else "Nothing to apply: already config version \(.version)" end,
       (.webhook_secrets[]? | "New webhook endpoint \(.entity)/\(.name) (\(.url)): rotate its secret for the receiver")
      ' apply.json
rm -f apply.json
""".replace("POST", _POST, 1).replace("PROBLEM", _PROBLEM, 1)


def _indent(script: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line else "" for line in script.rstrip("\n").splitlines())


def _github(file: str, branch: str) -> str:
    return f"""# PayHub configuration as code (generated by `payhub copilot ci-script --provider github`).
# Pull requests that touch {file}: the server checks the file (the API of `payhub copilot check-config`) and plans it
# (`payhub config plan`); the plan and the findings are posted on the pull request, and errors fail the check.
# A merge to {branch}: the file is planned again and applied (`payhub config apply`) against that plan's version.
#
# Repository secrets: PAYHUB_API_URL (e.g. https://payhub.example.com) and PAYHUB_ADMIN_KEY (an admin key; a
# platform key if the file creates or configures several entities).
name: payhub-config

on:
  pull_request:
    paths: [{file}]
  push:
    branches: [{branch}]
    paths: [{file}]

concurrency:
  group: payhub-config-${{{{ github.event_name }}}}
  cancel-in-progress: false

env:
  PAYHUB_API_URL: ${{{{ secrets.PAYHUB_API_URL }}}}
  PAYHUB_ADMIN_KEY: ${{{{ secrets.PAYHUB_ADMIN_KEY }}}}
  PAYHUB_CONFIG: {file}

jobs:
  plan:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
      - name: Check and plan
        run: |
{_indent(CHECK_AND_PLAN, 10)}
      - name: Post the plan on the pull request
        if: always() && hashFiles('report.md') != ''
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          PR: ${{{{ github.event.pull_request.number }}}}
        run: |
          cat report.md >> "$GITHUB_STEP_SUMMARY"
          gh pr comment "$PR" --body-file report.md

  apply:
    if: github.event_name == 'push' && github.ref == 'refs/heads/{branch}'
    runs-on: ubuntu-latest
    environment: production  # add required reviewers to it to approve each apply
    steps:
      - uses: actions/checkout@v4
      - name: Plan and apply
        run: |
{_indent(APPLY, 10)}
"""


def _gitlab(file: str, branch: str) -> str:
    return f"""# PayHub configuration as code (generated by `payhub copilot ci-script --provider gitlab`).
# Merge requests that touch {file}: the server checks the file (the API of `payhub copilot check-config`) and plans it
# (`payhub config plan`); the report is a job artifact, posted on the merge request when PAYHUB_GITLAB_TOKEN is
# set, and errors fail the job. A merge to {branch}: the file is planned again and applied (`payhub config apply`).
#
# CI/CD variables (masked, protected): PAYHUB_API_URL, PAYHUB_ADMIN_KEY (an admin key; a platform key if the
# file configures several entities) and optionally PAYHUB_GITLAB_TOKEN (a project access token, scope api).
stages: [plan, apply]

variables:
  PAYHUB_CONFIG: {file}

.payhub:
  image: alpine:3.20
  before_script:
    - apk add --no-cache bash curl jq

payhub-plan:
  extends: .payhub
  stage: plan
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
      changes: [{file}]
  script:
    - |
      bash <<'SCRIPT'
{_indent(CHECK_AND_PLAN, 6)}
      SCRIPT
  after_script:
    - |
      if [ -f report.md ] && [ -n "${{PAYHUB_GITLAB_TOKEN:-}}" ]; then
        curl -sS -X POST -H "PRIVATE-TOKEN: $PAYHUB_GITLAB_TOKEN" --data-urlencode "body@report.md" \\
          "$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes" > /dev/null
      fi
  artifacts:
    when: always
    paths: [report.md]

payhub-apply:
  extends: .payhub
  stage: apply
  resource_group: payhub-config
  environment: production
  rules:
    - if: $CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == "{branch}"
      changes: [{file}]
  script:
    - |
      bash <<'SCRIPT'
{_indent(APPLY, 6)}
      SCRIPT
"""


def ci_script(provider: str, file: str = "payhub.yaml", branch: str = "main") -> str:
    """The CI pipeline for `provider` (github: .github/workflows/payhub-config.yml; gitlab: .gitlab-ci.yml)."""
    if provider == "github":
        return _github(file, branch)
    if provider == "gitlab":
        return _gitlab(file, branch)
    raise ValueError(f"unknown CI provider {provider!r} (known: {', '.join(PROVIDERS)})")
