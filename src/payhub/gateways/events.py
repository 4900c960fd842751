"""Reading a provider's notification JSON, for every connector's transformers: each getter names what is missing or
of the wrong type as NotificationInvalid, so no KeyError or TypeError reaches the API as a 500. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from payhub.domain.errors import DomainError, NotificationInvalid
from payhub.domain.money import exponent

Json = Mapping[str, Any]


def parse(body: bytes, provider: str) -> Json:
    """The body as a JSON object."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise NotificationInvalid(f"The {provider} notification is not JSON") from None
    if not isinstance(data, Mapping):
        raise NotificationInvalid(f"The {provider} notification is not a JSON object")
    return data


def obj(data: Json, key: str, where: str = "") -> Json:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise NotificationInvalid(f"{where}{key} is missing or not an object")
    return value


def text(data: Json, key: str, where: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise NotificationInvalid(f"{where}{key} is missing or not a string")
    return value


def optional_text(data: Json, key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def integer(data: Json, key: str, where: str = "") -> int:
    value = data.get(key)
    if type(value) is not int:  # bool is an int subclass: refused too
        raise NotificationInvalid(f"{where}{key} is missing or not an integer")
    return value


def unix_time(data: Json, key: str, where: str = "") -> datetime:
    seconds = integer(data, key, where)
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise NotificationInvalid(f"{where}{key} is not a valid time") from None


def optional_unix_time(data: Json, key: str, where: str = "") -> datetime | None:
    return None if data.get(key) is None else unix_time(data, key, where)


def iso_time(value: str, where: str) -> datetime:
    """An ISO 8601 time with an offset, in UTC; a time without one is refused (its zone would be a guess)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise NotificationInvalid(f"{where} is not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise NotificationInvalid(f"{where} has no time zone: {value!r}")
    return parsed.astimezone(UTC)


def currency(value: str, where: str = "currency") -> str:
    """An ISO 4217 code PayHub knows, upper-case."""
    code = value.upper()
    try:
        exponent(code)
    except DomainError:
        raise NotificationInvalid(f"{where} {value!r} is not a supported currency") from None
    return code
