"""Cached settings and API keys (store/cache.py) through HTTP, on two app instances over one database: a change
made through instance A's admin API is seen by A's next request at once, and by B's once B's stamp is older
than the bound (B's cache clock is a fake one: no sleeps)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.api.app import create_app
from payhub.bootstrap import build_services
from payhub.extensions import registry
from payhub.gateways.simulator import SimulatorGateway
from payhub.services import Services
from payhub.settings import Settings
from payhub.store.cache import MAX_AGE_S
from payhub.store.models import ApiKey
from payhub.store.repo import hash_secret
from tests.helpers import pay_body

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "extensions"))
import cost_centres  # noqa: E402


class Monotonic:
    def __init__(self) -> None:
        self.at = 1_000.0

    def __call__(self) -> float:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += seconds


@dataclass
class Instance:
    svc: Services
    clock: Monotonic
    admin: TestClient
    payer: TestClient


def _gateways() -> dict[str, SimulatorGateway]:
    return {"simulator": SimulatorGateway(name="simulator"), "second": SimulatorGateway(name="second")}


def _instance(svc: Services, keys: dict[str, str]) -> Iterator[Instance]:
    clock = Monotonic()
    assert svc.caches is not None
    svc.caches.clock = clock
    svc.gateways = _gateways()
    app = create_app(svc)
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as admin, \
            TestClient(app, headers={"Authorization": f"Bearer {keys['payments']}"}) as payer:
        yield Instance(svc, clock, admin, payer)


@pytest.fixture
def a(services: Services, keys: dict[str, str]) -> Iterator[Instance]:
    yield from _instance(services, keys)


@pytest.fixture
def b(db_url: str, keys: dict[str, str]) -> Iterator[Instance]:
    """A second app instance on the same database, as another process would be (its own engine and caches)."""
    svc = build_services(Settings(database_url=db_url, secret_key="test-secret", gateway_timeout_s=0.05,
                                  lock_wait_s=20))
    try:
        yield from _instance(svc, keys)
    finally:
        svc.close()


def pay(client: TestClient, amount: int = 1_000) -> dict[str, Any]:
    response = client.post("/v1/payments", json=pay_body("inv_acme_1001", amount))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_a_revoked_key_is_refused_at_once_where_revoked_and_within_the_bound_elsewhere(
        a: Instance, b: Instance, keys: dict[str, str]) -> None:
    assert b.payer.get("/v1/invoices/inv_acme_1001").status_code == 200  # B has the key cached
    with a.svc.read() as s:
        key_id = s.scalar(select(ApiKey.id).where(ApiKey.secret_hash == hash_secret(keys["payments"])))
    revoked = a.admin.post(f"/v1/api_keys/{key_id}/revoke")
    assert revoked.status_code == 200, revoked.text
    assert a.payer.get("/v1/invoices/inv_acme_1001").status_code == 401  # the revoking instance: at once
    b.clock.advance(MAX_AGE_S * 0.9)
    assert b.payer.get("/v1/invoices/inv_acme_1001").status_code == 200  # the bound: B's stamp is not a second old
    b.clock.advance(MAX_AGE_S * 0.1)
    refused = b.payer.get("/v1/invoices/inv_acme_1001")
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_api_key"
    assert b.payer.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000)).status_code == 401


def test_a_new_key_works_at_once_everywhere(a: Instance, b: Instance) -> None:
    """Unknown secrets are not cached: a key created in one instance authenticates in the other right away."""
    assert b.payer.get("/v1/invoices/inv_acme_1001").status_code == 200
    created = a.admin.post("/v1/api_keys", json={"scope": "read", "name": "new"})
    assert created.status_code == 201, created.text
    fresh = {"Authorization": f"Bearer {created.json()['secret']}"}
    assert b.payer.get("/v1/invoices/inv_acme_1001", headers=fresh).status_code == 200


def _fee_policy(admin: TestClient) -> Callable[[dict[str, Any]], bool]:
    stored = admin.put("/v1/fee_policy", json={"convenience_fees": [
        {"priority": 10, "name": "Cards", "methods": ["card"], "currency": "USD", "flat": 195}]})
    assert stored.status_code == 200, stored.text
    return lambda payment: payment["fees"]["convenience_fee"]["amount"] == 195


def _routing_rules(admin: TestClient) -> Callable[[dict[str, Any]], bool]:
    stored = admin.put("/v1/routing/rules", json={"rules": [], "default": ["second"]})
    assert stored.status_code == 200, stored.text
    return lambda payment: payment["gateway"]["name"] == "second"


def _extension(admin: TestClient) -> Callable[[dict[str, Any]], bool]:
    enabled = admin.patch("/v1/extensions/cost-centres", json={"enabled": True})
    assert enabled.status_code == 200, enabled.text
    return lambda payment: payment["posting"]["entries"][0]["dimensions"].get("cost_centre") == "CC-CONSTRUCTION"


@pytest.fixture
def extensions() -> Iterator[None]:
    registry.register(cost_centres.extension)
    yield
    registry.unregister("cost-centres")


@pytest.mark.usefixtures("extensions")
@pytest.mark.parametrize("change", [_fee_policy, _routing_rules, _extension], ids=["fee_policy", "routing_rules",
                                                                                 "extension"])
def test_a_settings_change_is_seen_by_the_next_payment(
        a: Instance, b: Instance, change: Callable[[TestClient], Callable[[dict[str, Any]], bool]]) -> None:
    before_a, before_b = pay(a.payer), pay(b.payer)  # both instances have the settings cached
    changed = change(a.admin)
    assert not changed(before_a) and not changed(before_b)
    assert changed(pay(a.payer))  # the instance that made the change: the next payment
    assert not changed(pay(b.payer))  # the other: not before its stamp is due for a re-read ...
    b.clock.advance(MAX_AGE_S)
    assert changed(pay(b.payer))  # ... and then the next payment


ERP_OFFLINE = {"type": "tryton", "url": "http://127.0.0.1:9/", "database": "x", "timeout_s": 1,
               "mapping": {"entities": {"ent_demo": {"company": 1, "payment_method": 1,
                                                     "accounts": {"1150": 1, "1200": 2, "2150": 3}}}}}


def test_an_erp_settings_change_is_seen_by_the_next_payment(a: Instance, b: Instance) -> None:
    pay(a.payer), pay(b.payer)
    changed = a.admin.patch("/v1/entities/ent_demo", json={"erp": ERP_OFFLINE})
    assert changed.status_code == 200, changed.text
    body = pay_body("inv_acme_1001", 1_000)
    on_tryton = a.payer.post("/v1/payments", json=body)  # the entity's own ERP, which does not have the invoice
    assert on_tryton.status_code == 404 and on_tryton.json()["code"] == "invoice_not_found", on_tryton.text
    pay(b.payer)  # within the bound, B still uses the ERP it had
    b.clock.advance(MAX_AGE_S)
    assert b.payer.post("/v1/payments", json=body).json()["code"] == "invoice_not_found"
    back = a.admin.patch("/v1/entities/ent_demo", json={"erp": {"type": "default"}})
    assert back.status_code == 200, back.text
    pay(a.payer)
    b.clock.advance(MAX_AGE_S)
    pay(b.payer)


def test_admin_reads_see_their_own_writes(a: Instance) -> None:
    """A transaction that wrote a cached table reads past the cache (here: the routing simulator right after
    new rules, in the same instance)."""
    pay(a.payer)
    _routing_rules(a.admin)
    simulated = a.admin.post("/v1/routing/simulate", json={"amount": {"amount": 1_000, "currency": "USD"},
                                                           "method": "card"})
    assert simulated.status_code == 200, simulated.text
    assert simulated.json()["candidates"] == ["second"]


def test_the_cache_answers_without_the_database(a: Instance) -> None:
    """What a payment reads of its settings comes from the cache once warm: no entity, key, fee policy,
    routing or extension query (counted with an engine listener)."""
    from sqlalchemy import event

    pay(a.payer)
    seen: list[str] = []
    engines = {a.svc.sessions.kw["bind"], a.svc.readers.kw["bind"]}

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        pay(a.payer)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
    settings_reads = ("FROM api_keys", "FROM fee_policies", "FROM routing_rule_sets", "FROM entity_extensions",
                      "FROM cache_versions", "SELECT entities.erp")
    assert [q for q in seen if any(t in " ".join(q.split()) for t in settings_reads)] == []
