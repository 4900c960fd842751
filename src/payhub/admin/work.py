"""The unit of work every admin function runs in, who acts (the Actor), and the audit record of each write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from payhub.store import audit

if TYPE_CHECKING:  # the container is built above this layer; admin only reads its settings
    from payhub.services import Services


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an API key (or a staff user), and the request it came with."""

    key_id: str | None
    request_id: str | None = None
    staff_user: str | None = None


@dataclass(frozen=True)
class UnitOfWork:
    """One transaction: its session, the services (clock, secrets, gateways, ERP) and one time for every write."""

    s: Session
    svc: Services
    now: datetime

    def audit(self, actor: Actor, entity_id: str, action: str, target: str, before: dict[str, Any] | None,
              after: dict[str, Any] | None) -> None:
        """The one audit record of an admin write (every admin function calls this once per change)."""
        audit.record(self.s, entity_id=entity_id, key_id=actor.key_id, action=action, target=target, before=before,
                     after=after, request_id=actor.request_id, now=self.now,
                     staff_user_id=actor.staff_user)


@contextmanager
def transaction(svc: Services) -> Iterator[UnitOfWork]:
    with svc.transaction() as s:
        yield UnitOfWork(s, svc, svc.clock.now())


@contextmanager
def reading(svc: Services) -> Iterator[UnitOfWork]:
    """A read-only unit (nothing is committed)."""
    with svc.read() as s:
        yield UnitOfWork(s, svc, svc.clock.now())
