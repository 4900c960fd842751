"""Configuration as code: one YAML file describes entities' whole configuration (settings, fee policy,
routing rules, webhook endpoints, extensions); export it, plan it (validated diff), apply it atomically.

The names below are loaded on first use (PEP 562), so importing `payhub.config.cli` (for `payhub --help`) or
`payhub.config.schema` does not import the store, the services and the webhook transport that plan and apply
need: that was about a second of every `payhub` command's start-up."""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from payhub.config.apply import (
        apply,
        record_baseline,
        rollback,
        version,
        versions,
    )
    from payhub.config.export import export
    from payhub.config.plan import Plan, plan
    from payhub.config.schema import json_schema
    from payhub.domain.errors import (
        ConfigConflict,
        ConfigInvalid,
        ConfigVersionNotFound,
        EntityNotFound,
        SecretInDocument,
    )

# name -> the submodule that defines it (or, for the errors, the domain module)
_ERRORS = "payhub.domain.errors"
_SOURCES = {"ConfigConflict": _ERRORS, "ConfigVersionNotFound": _ERRORS, "apply": "apply",
            "record_baseline": "apply", "rollback": "apply", "version": "apply", "versions": "apply",
            "ConfigInvalid": _ERRORS, "SecretInDocument": _ERRORS, "EntityNotFound": _ERRORS,
            "export": "export", "Plan": "plan", "plan": "plan", "json_schema": "schema"}

__all__ = ["ConfigConflict", "ConfigInvalid", "ConfigVersionNotFound", "EntityNotFound", "Plan", "SecretInDocument",
           "apply", "export", "json_schema", "plan", "record_baseline", "rollback", "version", "versions"]


def __getattr__(name: str) -> Any:
    if name not in _SOURCES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    source = _SOURCES[name]
    value = getattr(import_module(source if "." in source else f"{__name__}.{source}"), name)
    globals()[name] = value
    return value


class _Package(ModuleType):
    """The functions apply, export and plan share their names with submodules, and importing a submodule sets
    it as an attribute of its package: without this, `payhub.config.plan` would become the module whenever
    some code imported `payhub.config.plan` (the module) before anyone asked for `plan` (the function)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _SOURCES.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
