"""Named leases in the database: one holder at a time (the event bus relay's leader), taken or renewed by a
conditional UPDATE, so processes coordinate only through the database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from payhub.store.models import RelayLease


def take_lease(s: Session, name: str, holder: str, now: datetime, lease: timedelta) -> bool:
    """Take or renew the lease `name` for `holder`; false if another holder's lease is still running."""
    taken = s.execute(update(RelayLease)
                      .where(RelayLease.name == name, (RelayLease.holder == holder) | (RelayLease.lease_until < now))
                      .values(holder=holder, lease_until=now + lease).execution_options(synchronize_session=False))
    if taken.rowcount == 1:  # type: ignore[attr-defined]
        return True
    if s.get(RelayLease, name) is not None:
        return False
    try:
        with s.begin_nested():
            s.add(RelayLease(name=name, holder=holder, lease_until=now + lease))
    except IntegrityError:
        return False  # another relay created it first
    return True


def release_lease(s: Session, name: str, holder: str, now: datetime) -> None:
    s.execute(update(RelayLease).where(RelayLease.name == name, RelayLease.holder == holder)
              .values(lease_until=now).execution_options(synchronize_session=False))
