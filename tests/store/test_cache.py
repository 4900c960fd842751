"""The cache stamp (store/cache.py): which writes rewrite it, what a value is filed under, and a transaction that
reads its own writes. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from payhub.bootstrap import build_services
from payhub.domain.fees import EMPTY_POLICY
from payhub.services import Services
from payhub.settings import Settings
from payhub.store import repo
from payhub.store.cache import MAX_AGE_S, Caches
from payhub.store.models import Entity, FeePolicyVersion

POLICY = {"convenience_fees": [{"priority": 10, "name": "Cards", "methods": ["card"], "currency": "USD",
                                "flat": 195}]}


class Monotonic:
    def __init__(self) -> None:
        self.at = 1_000.0

    def __call__(self) -> float:
        return self.at


def stamp(svc: Services) -> str | None:
    with svc.read() as s:
        stamp: str | None = s.scalar(text("SELECT stamp FROM cache_versions WHERE name = 'settings'"))
        return stamp


def caches(svc: Services) -> Caches:
    assert svc.caches is not None
    return svc.caches


def add_policy(s: object, version: int) -> None:
    s.add(FeePolicyVersion(entity_id="ent_demo", version=version, policy=POLICY, key_id=None,  # type: ignore[attr-defined]
                           created_at=datetime.now(UTC)))


@pytest.fixture
def other(db_url: str, services: Services) -> Iterator[Services]:
    """Another instance on the same database, as another process would be."""
    svc = build_services(Settings(database_url=db_url, secret_key="test-secret"))
    yield svc
    svc.close()


def test_a_write_to_a_cached_table_rewrites_the_stamp_in_its_transaction(services: Services) -> None:
    first = stamp(services)
    assert first
    with services.transaction() as s:  # not a cached table: the stamp stays
        repo.add_event(s, "ent_demo", "test.event", {}, datetime.now(UTC))
    assert stamp(services) == first
    with pytest.raises(RuntimeError), services.transaction() as s:  # rolled back: the stamp stays
        s.get(Entity, "ent_demo").name = "Renamed"  # type: ignore[union-attr]
        s.flush()
        raise RuntimeError
    assert stamp(services) == first
    with services.transaction() as s:
        s.get(Entity, "ent_demo").name = "Renamed"  # type: ignore[union-attr]
    assert stamp(services) not in (first, None)


def test_another_instance_sees_a_change_once_its_stamp_is_due(services: Services, other: Services) -> None:
    clock = Monotonic()
    caches(other).clock = clock
    with other.read() as s:
        assert repo.fee_policy(s, "ent_demo") is EMPTY_POLICY
    with services.transaction() as s:
        add_policy(s, 1)
    with services.read() as s:  # the writing instance: at once
        assert repo.fee_policy(s, "ent_demo") is not EMPTY_POLICY
    with other.read() as s:
        assert repo.fee_policy(s, "ent_demo") is EMPTY_POLICY  # within the bound
    clock.at += MAX_AGE_S
    with other.read() as s:
        assert repo.fee_policy(s, "ent_demo") is not EMPTY_POLICY


def test_a_value_is_filed_under_the_stamp_read_before_it(services: Services, other: Services) -> None:
    """A change committed while a value is being loaded: the value (old or new) is filed under the stamp read
    before the load, so the next stamp read drops it. Were the stamp read after the load, the old value would be
    filed under the new stamp and kept until the next change."""
    clock = Monotonic()
    cache = caches(other)
    cache.clock = clock

    def load_then_change(s: object) -> str:
        value = "old"
        with services.transaction() as w:  # committed after the load read, before the value is filed
            add_policy(w, 1)
        return value

    assert cache.get("probe", load_then_change) == "old"
    assert cache.get("probe", lambda s: "new") == "old"  # cached, within the bound
    clock.at += MAX_AGE_S
    assert cache.get("probe", lambda s: "new") == "new"


def test_a_transaction_reads_its_own_writes_past_the_cache(services: Services) -> None:
    with services.read() as s:
        assert repo.fee_policy(s, "ent_demo") is EMPTY_POLICY  # cached
    with services.transaction() as s:
        add_policy(s, 1)
        assert repo.fee_policy(s, "ent_demo") is not EMPTY_POLICY  # pending in this transaction
        s.flush()
        assert repo.fee_policy(s, "ent_demo") is not EMPTY_POLICY  # flushed, not committed


def test_unknown_values_can_be_left_out_of_the_cache(services: Services) -> None:
    cache = caches(services)
    cache.clock = Monotonic()
    assert cache.get("absent", lambda s: None, keep_none=False) is None
    assert cache.get("absent", lambda s: "created") == "created"


def test_an_emptied_stamp_table_is_refilled_by_the_next_write(services: Services) -> None:
    with services.transaction() as s:
        s.execute(text("DELETE FROM cache_versions"))
    assert stamp(services) is None
    with services.transaction() as s:
        add_policy(s, 1)
    assert stamp(services)
    with services.read() as s:
        assert repo.fee_policy(s, "ent_demo") is not EMPTY_POLICY
