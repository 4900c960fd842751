"""Parsing a fee policy from its JSON-like configuration (admin API, configuration as code) into the validated
dataclasses; `FeePolicy.to_dict()` is its inverse."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from payhub.domain.fees.policy import (
    _ROOT,
    FEE_POLICY_VERSION,
    ConvenienceFeeRule,
    FeePolicy,
    FeeTier,
    FeeWaiver,
    SurchargePolicy,
    _at,
    _check_currency,
    _fail,
)
from payhub.domain.money import Money

# --- parsing (JSON-like config -> dataclasses) ---------------------------------------------------

_TOP_KEYS = ("version", "convenience_fees", "surcharge", "waivers")
_RULE_KEYS = ("priority", "name", "methods", "channels", "currency", "min_amount", "max_amount", "flat", "percent",
              "tiers", "minimum", "cap")
_RULE_MONEY_KEYS = ("min_amount", "max_amount", "flat", "minimum", "cap")
_TIER_KEYS = ("from", "to", "flat", "percent")
_SURCHARGE_KEYS = ("percent", "jurisdiction_caps", "brand_caps", "surcharge_unknown_funding",
                   "surcharge_unknown_jurisdiction")
_WAIVER_KEYS = ("segment", "convenience_fee", "surcharge")


def parse_policy(data: Mapping[str, Any]) -> FeePolicy:
    """Read a policy from JSON-like config (see the module docstring and FeePolicy.to_dict for the
    shape). Raises InvalidFeePolicy whose `field` is the offending path, e.g. "convenience_fees[2].percent".
    A null is the same as an absent key."""
    obj = _object(data, _ROOT, _TOP_KEYS)
    version = obj.get("version")
    if version is not None and (type(version) is not int or version != FEE_POLICY_VERSION):
        _fail("version", f"unsupported version {version!r} (this PayHub reads version {FEE_POLICY_VERSION})")
    rules = tuple(_parse_rule(raw, _at("convenience_fees", i))
                  for i, raw in enumerate(_list(obj.get("convenience_fees"), "convenience_fees")))
    surcharge = None if obj.get("surcharge") is None else _parse_surcharge(obj["surcharge"], "surcharge")
    waivers = tuple(_parse_waiver(raw, _at("waivers", i)) for i, raw in enumerate(_list(obj.get("waivers"), "waivers")))
    return FeePolicy(rules, surcharge, waivers)


def _object(value: object, path: str, allowed: tuple[str, ...] | None, required: tuple[str, ...] = ()
            ) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        _fail(path, "must be an object")
    for key in value:
        if not isinstance(key, str):
            _fail(path, f"keys must be strings, got {key!r}")
        if allowed is not None and key not in allowed:
            _fail(_at(path, key), f"unknown key (expected one of: {', '.join(allowed)})")
    for key in required:
        if value.get(key) is None:
            _fail(_at(path, key), "is required")
    return value


def _list(value: object, path: str) -> Sequence[Any]:
    if value is None:
        return ()
    if not isinstance(value, (list, tuple)):
        _fail(path, "must be a list")
    return value


def _int(value: object, path: str) -> int:
    if type(value) is not int:
        _fail(path, "must be an integer (amounts are in minor units, e.g. cents)")
    return value


def _bool(value: object, path: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        _fail(path, "must be true or false")
    return value


def _percent(value: object, path: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        _fail(path, 'must be a decimal string such as "2.5" (percent); floats are inexact')
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        _fail(path, 'must be a decimal string such as "2.5" (percent)')
    try:
        return Decimal(value)
    except InvalidOperation:
        _fail(path, f"{value!r} is not a decimal number")


def _choices(value: object, path: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    items = _list(value, path)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            _fail(_at(path, i), "must be a string")
    return tuple(items)


def _parse_rule(raw: object, path: str) -> ConvenienceFeeRule:
    obj = _object(raw, path, _RULE_KEYS, required=("priority",))
    currency = None if obj.get("currency") is None else _check_currency(obj["currency"], _at(path, "currency"))
    used = [key for key in (*_RULE_MONEY_KEYS, "tiers") if obj.get(key) is not None]
    if used and currency is None:
        _fail(_at(path, "currency"), f"is required because the rule uses minor-unit amounts ({', '.join(used)})")

    def money(key: str) -> Money | None:
        value = obj.get(key)
        return None if value is None or currency is None else Money(_int(value, _at(path, key)), currency)

    name = obj.get("name")
    if name is not None and not isinstance(name, str):
        _fail(_at(path, "name"), "must be a string")
    tiers_path = _at(path, "tiers")
    raw_tiers = _list(obj.get("tiers"), tiers_path)
    if obj.get("tiers") is not None and not raw_tiers:
        _fail(tiers_path, "must not be empty (omit it for a flat or percent fee)")
    tiers = tuple(_parse_tier(t, _at(tiers_path, i), currency) for i, t in enumerate(raw_tiers) if currency)
    return ConvenienceFeeRule(
        priority=_int(obj["priority"], _at(path, "priority")),
        name=name,
        methods=_choices(obj.get("methods"), _at(path, "methods")),
        channels=_choices(obj.get("channels"), _at(path, "channels")),
        currency=currency,
        min_amount=money("min_amount"),
        max_amount=money("max_amount"),
        flat=money("flat"),
        percent=None if obj.get("percent") is None else _percent(obj["percent"], _at(path, "percent")),
        tiers=tiers,
        minimum=money("minimum"),
        cap=money("cap"),
    )


def _parse_tier(raw: object, path: str, currency: str) -> FeeTier:
    obj = _object(raw, path, _TIER_KEYS, required=("from",))
    end, flat, percent = obj.get("to"), obj.get("flat"), obj.get("percent")
    return FeeTier(
        start=Money(_int(obj["from"], _at(path, "from")), currency),
        end=None if end is None else Money(_int(end, _at(path, "to")), currency),
        flat=None if flat is None else Money(_int(flat, _at(path, "flat")), currency),
        percent=None if percent is None else _percent(percent, _at(path, "percent")),
    )


def _parse_surcharge(raw: object, path: str) -> SurchargePolicy:
    obj = _object(raw, path, _SURCHARGE_KEYS, required=("percent",))

    def caps(key: str) -> dict[str, Decimal]:
        here = _at(path, key)
        table = _object({} if obj.get(key) is None else obj[key], here, None)
        return {k: _percent(v, _at(here, k)) for k, v in table.items()}

    return SurchargePolicy(
        percent=_percent(obj["percent"], _at(path, "percent")),
        jurisdiction_caps=caps("jurisdiction_caps"),
        brand_caps=caps("brand_caps"),
        surcharge_unknown_funding=_bool(obj.get("surcharge_unknown_funding"),
                                        _at(path, "surcharge_unknown_funding"), False),
        surcharge_unknown_jurisdiction=_bool(obj.get("surcharge_unknown_jurisdiction"),
                                             _at(path, "surcharge_unknown_jurisdiction"), False),
    )


def _parse_waiver(raw: object, path: str) -> FeeWaiver:
    obj = _object(raw, path, _WAIVER_KEYS, required=("segment",))
    segment = obj["segment"]
    if not isinstance(segment, str):
        _fail(_at(path, "segment"), "must be a string")
    return FeeWaiver(segment, _bool(obj.get("convenience_fee"), _at(path, "convenience_fee"), True),
                     _bool(obj.get("surcharge"), _at(path, "surcharge"), False))
