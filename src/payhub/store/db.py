"""Engine, session factory and the declarative base (with stable constraint names for Alembic)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if dialect.name != "sqlite" else value.astimezone(
            UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def normalize_url(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


_WRITERS = threading.Lock()


def _release(conn: Any) -> None:
    if conn.info.pop("payhub_writer", False):
        _WRITERS.release()


def make_engine(url: str, *, read_only: bool = False, pool_size: int = 20, max_overflow: int = 20) -> Engine:
    """On SQLite, writers take the write lock up front (BEGIN IMMEDIATE); a `read_only` engine
    begins deferred transactions, which in WAL mode never wait for a writer. Errors never carry the
    statement's parameters (they may hold emails or names), so logs cannot leak them."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        # As many pooled connections as PostgreSQL's: with fewer, the threadpool's concurrent requests overflowed
        # the pool, and each overflow connection was opened (four PRAGMAs) and closed again per request.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=pool_size, max_overflow=max_overflow, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # BEGIN straight on the driver's connection: through exec_driver_sql it cost as much as a query.
            driver = conn.connection.driver_connection
            if read_only:
                driver.execute("BEGIN")
                return
            # SQLite has one writer at a time. Queue this process's writers on a lock (fair, no polling)
            # rather than in SQLite's busy handler, whose growing sleeps gave multi-second tails; and take
            # the write lock up front so read-then-write transactions never fail to upgrade.
            _WRITERS.acquire()
            conn.info["payhub_writer"] = True
            try:
                driver.execute("BEGIN IMMEDIATE")
            except BaseException:
                _release(conn)
                raise

        @event.listens_for(engine, "commit")
        def _sqlite_commit(conn: Any) -> None:
            _release(conn)

        @event.listens_for(engine, "rollback")
        def _sqlite_rollback(conn: Any) -> None:
            _release(conn)

        return engine
    # No pre-ping: it cost a round trip per checkout. A connection the server dropped (a restart, an idle
    # timeout) fails the one statement that finds it; SQLAlchemy recognises the disconnect and invalidates
    # every pooled connection opened before it, so the following checkouts connect afresh. Connections are
    # also replaced after RECYCLE_S, before a firewall or server idle timeout can cut them silently, and each
    # is rolled back when it returns to the pool.
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, pool_recycle=RECYCLE_S,
                         pool_reset_on_return="rollback", hide_parameters=True)


RECYCLE_S = 1800


def make_sessionmakers(url: str) -> tuple[sessionmaker[Any], sessionmaker[Any]]:
    """(writer, reader) session factories; the same engine unless the backend is SQLite. Both carry the
    database's caches (store/cache.py) in `Session.info`."""
    from payhub.store.cache import CACHES, Caches  # cache.py builds on this module

    writer = make_engine(url)
    sqlite = writer.dialect.name == "sqlite"
    reader = make_engine(url, read_only=True) if sqlite else writer
    # The caches read from inside other transactions (a payment's): on PostgreSQL from a pool of their own, so a
    # transaction never waits for a connection that only another waiting transaction could give back.
    cache_reader = reader if sqlite else make_engine(url, pool_size=2, max_overflow=8)
    caches = Caches(cache_reader)
    readers = sessionmaker(reader, expire_on_commit=False, info={CACHES: caches})
    caches.readers = sessionmaker(cache_reader, expire_on_commit=False, info={CACHES: caches})
    return sessionmaker(writer, expire_on_commit=False, info={CACHES: caches}), readers
