"""Caches of what changes rarely, per database: entity settings (and with them each entity's ERP connector),
enabled extensions, fee policies, routing rules and API keys.

How a cached value stays right:

- **One stamp per database.** Every write to a cached table (`WATCHED`) rewrites one random token,
  `cache_versions.stamp`, in the same transaction. A hook on every ORM flush does it (`_bump_on_flush`), so
  every writer (the admin API, configuration as code, the CLI, the demo seed) bumps it without knowing about
  caches. PayHub writes those tables through the ORM only; a change made by hand in SQL must also run
  `UPDATE cache_versions SET stamp = '<anything new>'`.
- **Entries are filed under the stamp read before their value.** Each process keeps, per database, the stamp it
  read last. A value is loaded in a fresh read transaction *after* that stamp was read and is used only while the
  stamp is still the current one, so it is never older than the stamp it is filed under.
- **The stamp is re-read once it is older than `max_age` (1 s).** A change committed in another process (an API
  key revoked, a fee policy replaced) is seen there within a second; one committed through this process's own
  session factories is seen at once, because the commit marks their caches stale. That costs one primary-key
  read per process and second, not one per request.
- A session that has written a cached table reads past the cache, so a transaction sees its own writes.
- Random stamps, not counters: a restored backup or an emptied table never brings back a stamp that entries
  describing other data are filed under.

Alternatives not taken: a version read per request (exact, but a round trip per request, and the worker and
recovery jobs would need a time bound anyway); PostgreSQL LISTEN/NOTIFY (no read at all, but a listener thread
per process, nothing on SQLite, and a missed notification during a reconnect needs the time bound anyway).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Hashable
from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import Column, Engine, String, Table, event, text
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from payhub.store.db import Base

T = TypeVar("T")

CACHES = "payhub_caches"  # Session.info key: the Caches of the session's database
WATCHED = frozenset({"entities", "api_keys", "entity_extensions", "fee_policies", "routing_rule_sets"})
STAMP = "settings"
MAX_AGE_S = 1.0  # how long another process may go on using a value after it changed
MAX_ENTRIES = 10_000

cache_versions = Table("cache_versions", Base.metadata,
                       Column("name", String(40), primary_key=True),
                       Column("stamp", String(32), nullable=False))

_READ = text("SELECT stamp FROM cache_versions WHERE name = :name")
# one statement on SQLite (>= 3.24) and PostgreSQL; inserts the row should it be missing (an emptied table)
_BUMP = text("INSERT INTO cache_versions (name, stamp) VALUES (:name, :stamp) "
             "ON CONFLICT (name) DO UPDATE SET stamp = excluded.stamp")
_BUMPED = "payhub_cache_bumped"  # Session.info flag: this transaction rewrote the stamp

class WouldBlock(Exception):
    """The value is not cached (or the stamp is due for a re-read): it needs a database read."""


class Caches:
    """The caches of one database in this process."""

    def __init__(self, engine: Engine, readers: sessionmaker[Session] | None = None, *,
                 max_age_s: float = MAX_AGE_S, clock: Callable[[], float] = time.monotonic,
                 max_entries: int = MAX_ENTRIES) -> None:
        self.engine, self.readers = engine, readers
        self.max_age_s, self.clock, self.max_entries = max_age_s, clock, max_entries
        self._stamp: str | None = None
        self._read_at: float | None = None
        self._commits = 0  # commits through this database's session factories that rewrote the stamp
        self._commits_lock = threading.Lock()
        self._seen_commits = -1
        self._entries: dict[Hashable, tuple[str | None, Any]] = {}

    def stamp(self, *, block: bool = True) -> str | None:
        """The database's stamp as this process knows it, re-read when older than `max_age_s`."""
        commits, now = self._commits, self.clock()  # both taken before the read: never newer than it
        if self._read_at is not None and commits == self._seen_commits and now - self._read_at < self.max_age_s:
            return self._stamp
        if not block:
            raise WouldBlock
        with self.engine.connect() as conn:
            stamp = conn.execute(_READ, {"name": STAMP}).scalar()
        if stamp != self._stamp:
            self._entries = {}  # nothing filed under another stamp is used again: free it
        self._stamp, self._read_at, self._seen_commits = stamp, now, commits
        return stamp

    def get(self, key: Hashable, load: Callable[[Session], T], *, block: bool = True, keep_none: bool = True) -> T:
        """The value under `key`, loaded with `load` in a fresh read transaction when not cached.
        With `block=False`, raises WouldBlock rather than reading the database; with `keep_none=False` a None
        is not cached (what anyone may ask for, e.g. unknown API keys, must not crowd out the rest)."""
        stamp = self.stamp(block=block)
        hit = self._entries.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]  # type: ignore[no-any-return]
        if not block:
            raise WouldBlock
        assert self.readers is not None, "Caches.get needs a reader session factory"
        with self.readers() as s:
            value = load(s)
        if value is None and not keep_none:
            return value
        entries = self._entries
        if len(entries) >= self.max_entries:
            entries.clear()
        entries[key] = (stamp, value)
        return value

    def committed(self) -> None:
        """A transaction through these caches' session factories rewrote the stamp: re-read it at once."""
        with self._commits_lock:
            self._commits += 1


def cached(s: Session, key: Hashable, load: Callable[[Session], T]) -> T:
    """`load(s)` through the caches of `s`'s database, if it has any and `s` has not written a cached table
    (then `s` must see its own writes, so it reads for itself)."""
    caches: Caches | None = s.info.get(CACHES)
    if caches is None or writes_cached_tables(s):
        return load(s)
    return caches.get(key, load)


def caches_of(factory: sessionmaker[Session]) -> Caches | None:
    info = factory.kw.get("info") or {}
    return info.get(CACHES)


def writes_cached_tables(s: Session) -> bool:
    return bool(s.info.get(_BUMPED)) or any(_watched(o) for o in chain(s.new, s.dirty, s.deleted))


def _watched(obj: object) -> bool:
    return getattr(obj, "__tablename__", None) in WATCHED


@event.listens_for(Session, "before_flush")
def _bump_on_flush(session: Session, _context: Any, _instances: Any) -> None:
    """A flush that writes a cached table rewrites the stamp in the same transaction."""
    if any(_watched(o) for o in chain(session.new, session.dirty, session.deleted)):
        session.connection().execute(_BUMP, {"name": STAMP, "stamp": secrets.token_hex(16)})
        session.info[_BUMPED] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    caches: Caches | None = session.info.get(CACHES)
    if session.info.pop(_BUMPED, False) and caches is not None:
        caches.committed()


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost one (after_commit ran first); a savepoint keeps the flag
        session.info.pop(_BUMPED, None)
