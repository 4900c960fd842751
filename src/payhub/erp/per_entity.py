"""Each entity may run on its own ERP: entities whose settings name a connector get it, built once per
configuration; the others use the server's default ERP."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from payhub.ports import Erp
from payhub.store.models import Entity


class EntityErps:
    def __init__(self, readers: sessionmaker[Session], build: Callable[[dict[str, Any]], Erp]) -> None:
        self._readers, self._build = readers, build
        self._built: dict[tuple[str, str], Erp] = {}
        self._lock = threading.Lock()

    def resolve(self, entity_id: str) -> Erp | None:
        """The entity's own connector, or None for the default. Read on every call, so a change of an
        entity's ERP settings applies at once (the connector for each configuration is built once)."""
        with self._readers() as s:
            conf = s.scalar(select(Entity.erp).where(Entity.id == entity_id))
        if not conf:
            return None
        key = (entity_id, json.dumps(conf, sort_keys=True))
        with self._lock:
            if key not in self._built:
                self._built[key] = self._build(conf)
            return self._built[key]
