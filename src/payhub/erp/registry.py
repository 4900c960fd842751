"""Explicit name → ERP connector mapping."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from payhub.erp.embedded import EmbeddedErp
from payhub.erp.tryton import TrytonErp
from payhub.ports import Erp

ERPS: dict[str, Callable[..., Erp]] = {
    "embedded": EmbeddedErp,
    "tryton": TrytonErp,
}


def build(name: str, **config: Any) -> Erp:
    return ERPS[name](**config)
