"""Each entity may run on its own ERP: entities whose settings name a connector get it, built once per
configuration; the others use the server's default ERP."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from payhub.ports import Erp
from payhub.store.cache import caches_of
from payhub.store.repo import entity_settings


class EntityErps:
    def __init__(self, readers: sessionmaker[Session], build: Callable[[dict[str, Any]], Erp]) -> None:
        self._readers, self._build = readers, build
        self._built: dict[tuple[str, str], Erp] = {}
        self._lock = threading.Lock()

    def resolve(self, entity_id: str) -> Erp | None:
        """The entity's own connector, or None for the default. Cached with the entity's settings
        (store/cache.py): a change of its ERP settings applies as soon as the cache sees it (at once in this
        process, within a second in the others); the connector for each configuration is built once."""
        caches = caches_of(self._readers)
        if caches is None:
            with self._readers() as s:
                return self._load(s, entity_id)
        return caches.get(("erp", entity_id), lambda r: self._load(r, entity_id))

    def _load(self, s: Session, entity_id: str) -> Erp | None:
        settings = entity_settings(s, entity_id)
        if settings is None or not settings.erp:
            return None
        key = (entity_id, json.dumps(dict(settings.erp), sort_keys=True))
        with self._lock:
            if key not in self._built:
                self._built[key] = self._build(json.loads(key[1]))  # a private copy for the connector
            return self._built[key]
