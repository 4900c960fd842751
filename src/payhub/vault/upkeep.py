"""The vault's upkeep: key rotation (`payhub vault rotate-key`) and erasing cards no payment will need again
(`payhub worker`'s housekeeping). Both work a batch per transaction, so they run beside live traffic."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from payhub.store import vault as store
from payhub.vault.crypto import Keyring, Sealed
from payhub.vault.tokens import bound_to


def rotate(sessions: sessionmaker[Session], keyring: Keyring, batch: int = 500,
           progress: Callable[[int], None] | None = None) -> int:
    """Re-seal, under the active key, every value sealed under another; returns how many. Safe to stop and run
    again: each batch commits on its own, and what it re-sealed is no longer picked."""
    done = 0
    while True:
        with sessions.begin() as s:
            rows = store.sealed_under_other_keys(s, keyring.active, batch)
            for row in rows:
                assert row.sealed is not None  # the query picks sealed rows only
                sealed = keyring.reseal(Sealed(row.key_id, row.sealed), bound_to(row))
                row.key_id, row.sealed = sealed.key_id, sealed.blob
        if not rows:
            return done
        done += len(rows)
        if progress is not None:
            progress(len(rows))


def to_rotate(sessions: sessionmaker[Session], keyring: Keyring) -> int:
    with sessions() as s:
        return store.count_sealed(s, other_than=keyring.active)


def sealed_by_key(sessions: sessionmaker[Session]) -> Counter[str]:
    with sessions() as s:
        return store.sealed_by_key(s)


def erase_spent(sessions: sessionmaker[Session], now: datetime, in_flight: Sequence[str], batch: int = 500) -> int:
    """Erase the cards of used single-use tokens whose payment is decided and of tokens that expired unused."""
    erased = 0
    while True:
        with sessions.begin() as s:
            n = store.erase_spent(s, now, in_flight, batch)
        erased += n
        if n < batch:
            return erased
