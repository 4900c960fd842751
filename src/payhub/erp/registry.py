"""Explicit name → ERP connector mapping. A connector's module is imported when the first instance is built,
so a command that never talks to Tryton does not import its client (start-up time, bench/startup.py).

Each connector owns its configuration in its own package: CONFIGS names the module whose `from_server(settings)`
gives the arguments for the server's ERP, and, for a connector an entity may name in its settings,
`stored_settings(erp, secret_key, entity_id)` (validate and seal for storing) and `from_entity(stored, settings)`.
Nothing outside a connector's package knows its settings."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, cast

from payhub.ports import Erp

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from payhub.erp.settings import ErpSettings
    from payhub.settings import Settings

ERPS: dict[str, str] = {  # name -> "module:class"
    "embedded": "payhub.erp.embedded:EmbeddedErp",
    "tryton": "payhub.erp.tryton:TrytonErp",
}
CONFIGS: dict[str, str] = {  # name -> the module that reads its configuration (none: built from the database)
    "tryton": "payhub.erp.tryton.config",
}


def build(name: str, **config: Any) -> Erp:
    module, _, cls = ERPS[name].partition(":")
    return cast(Erp, getattr(import_module(module), cls)(**config))


def for_server(settings: Settings, sessions: sessionmaker[Session], readers: sessionmaker[Session]) -> Erp:
    """The server's ERP, PAYHUB_ERP: the embedded one lives in PayHub's database, the others configure themselves."""
    if settings.erp not in CONFIGS:
        return build(settings.erp, sessions=sessions, readers=readers)
    return build(settings.erp, **_config(settings.erp).from_server(settings))


def for_entity(stored: dict[str, Any], settings: Settings) -> Erp | None:
    """The ERP an entity's stored settings name; None for the server's."""
    name = stored.get("type", "default")
    if name == "default":
        return None
    return build(name, **_config(name).from_entity(stored, settings))


def stored_settings(erp: ErpSettings | None, secret_key: str, entity_id: str) -> dict[str, Any]:
    """An entity's ERP settings validated by their connector, secrets sealed; {} means the server's ERP."""
    if erp is None or erp.type == "default":
        return {}
    return cast(dict[str, Any], _config(erp.type).stored_settings(erp, secret_key, entity_id))


def _config(name: str) -> Any:
    if name not in CONFIGS:
        raise ValueError(f"ERP connector {name!r} takes no configuration of its own")
    return import_module(CONFIGS[name])
