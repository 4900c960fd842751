"""What the pipeline runs on, wired once by bootstrap.py."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Network, IPv6Network

from sqlalchemy.orm import Session, sessionmaker

from payhub.auth.ratelimit import MemoryRateLimiter, RateLimiter
from payhub.domain.health import GatewayHealth
from payhub.erp.per_entity import EntityErps
from payhub.ports import Clock, Erp, Gateway, local_erp
from payhub.store.cache import Caches, caches_of
from payhub.vault.crypto import Keyring

Network = IPv4Network | IPv6Network


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Services:
    sessions: sessionmaker[Session]  # writes
    readers: sessionmaker[Session]  # reads that never wait for a writer
    erp: Erp
    gateways: Mapping[str, Gateway]
    clock: Clock
    secret_key: str
    payment_lock: timedelta = timedelta(seconds=60)
    lock_wait_s: float = 10.0
    # how long a payment or operation may sit unfinished before the recovery worker asks the gateway about it
    recovery_after: timedelta = timedelta(seconds=90)
    idempotency_ttl: timedelta = timedelta(hours=24)
    webhook_allowed_networks: tuple[Network, ...] = ()
    hook_timeout_s: float = 5.0  # an extension hook slower than this fails the posting
    # a posting attempt's lease; a pending posting older than this was abandoned and the recovery job posts it
    posting_deadline: timedelta = timedelta(seconds=60)
    health: GatewayHealth = field(default_factory=GatewayHealth)
    entity_erps: EntityErps | None = None  # entities with an ERP of their own
    limiter: RateLimiter = field(default_factory=MemoryRateLimiter)
    rate_limit_per_s: int = 100
    rng: random.Random = field(default_factory=random.Random)
    caches: Caches | None = None  # the database's caches (store/cache.py); by default the session factories'
    vault_keys: Keyring | None = None  # the vault's keys; by default one derived from secret_key (development)

    def __post_init__(self) -> None:
        if self.caches is None:
            self.caches = caches_of(self.readers)
        if self.vault_keys is None:
            self.vault_keys = Keyring.derived(self.secret_key)

    @property
    def vault(self) -> Keyring:
        assert self.vault_keys is not None  # set in __post_init__
        return self.vault_keys

    def reads_locally(self, entity_id: str) -> bool:
        """Whether this entity's reads touch only a local SQLite file: PayHub's database and the ERP's ledger
        in it. SQLite's WAL readers never wait for a writer, so such a read cannot stall anyone."""
        if self.readers.kw["bind"].dialect.name != "sqlite":
            return False
        return local_erp(self.erp_for(entity_id), self.readers()) is not None

    def erp_for(self, entity_id: str) -> Erp:
        """The entity's ERP: its own connector if its settings name one, else the server's."""
        own = self.entity_erps.resolve(entity_id) if self.entity_erps else None
        return own or self.erp

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.sessions.begin() as s:
            yield s

    def read(self) -> Session:
        return self.readers()

    def close(self) -> None:
        for factory in (self.sessions, self.readers):
            factory.kw["bind"].dispose()
        if self.caches is not None:  # its own pool on PostgreSQL
            self.caches.engine.dispose()
