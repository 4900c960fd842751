"""Explicit name → ERP connector mapping. A connector's module is imported when the first instance is built,
so a command that never talks to Tryton does not import its client (start-up time, bench/startup.py)."""

from __future__ import annotations

from importlib import import_module
from typing import Any, cast

from payhub.ports import Erp

ERPS: dict[str, str] = {  # name -> "module:class"
    "embedded": "payhub.erp.embedded:EmbeddedErp",
    "tryton": "payhub.erp.tryton:TrytonErp",
}


def build(name: str, **config: Any) -> Erp:
    module, _, cls = ERPS[name].partition(":")
    return cast(Erp, getattr(import_module(module), cls)(**config))
