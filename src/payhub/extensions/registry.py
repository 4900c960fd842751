"""Installed extensions: package entry points (group `payhub.extensions`) plus explicitly registered ones.
Several versions of one extension may be installed; an entity can pin one."""

from __future__ import annotations

from importlib.metadata import entry_points

import structlog

from payhub.extensions.api import Extension

log = structlog.get_logger(__name__)
GROUP = "payhub.extensions"

_registered: dict[tuple[str, str], Extension] = {}


def register(extension: Extension) -> Extension:
    _registered[(extension.name, extension.version)] = extension
    return extension


def unregister(name: str) -> None:
    for key in [k for k in _registered if k[0] == name]:
        del _registered[key]


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in version.split("."))


def installed() -> dict[str, list[Extension]]:
    """name → versions, newest last."""
    found = dict(_registered)
    for ep in entry_points(group=GROUP):
        try:
            ext = ep.load()
        except Exception:  # a broken package must not take the pipeline down; it just is not installed
            log.exception("extension.load_failed", entry_point=ep.name)
            continue
        if isinstance(ext, Extension):
            found.setdefault((ext.name, ext.version), ext)
    by_name: dict[str, list[Extension]] = {}
    for (name, _), ext in sorted(found.items(), key=lambda kv: (kv[0][0], _version_key(kv[0][1]))):
        by_name.setdefault(name, []).append(ext)
    return by_name
