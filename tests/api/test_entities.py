"""Entities through HTTP: create (platform keys only, with its first admin key and a baseline config version),
read, update, isolation, audit."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from payhub import config
from payhub.auth.keys import create_key
from payhub.services import Services
from payhub.store.models import Entity
from tests.conftest import now


@pytest.fixture
def platform(app: FastAPI, services: Services) -> Iterator[TestClient]:
    """A platform admin key, sending no PayHub-Entity: creating entities needs none."""
    with services.transaction() as s:
        _, secret = create_key(s, None, "admin", now(), name="platform")
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client


def test_create_an_entity_and_work_in_it(platform: TestClient, admin: TestClient, app: FastAPI) -> None:
    created = platform.post("/v1/entities", json={
        "id": "ent_eu", "name": "Demo Supplies GmbH", "default_currency": "EUR", "timezone": "Europe/Berlin",
        "posting_rules": {"gateway_clearing": "1160"}, "branding": {"portal_name": "Demo EU"}})
    assert created.status_code == 201, created.text
    entity = created.json()
    assert entity["posting_rules"]["gateway_clearing"] == "1160"
    assert entity["posting_rules"]["accounts_receivable"] == "1200"
    eu_admin = entity["admin_key"]["secret"]
    with TestClient(app, headers={"Authorization": f"Bearer {eu_admin}"}) as eu:
        assert eu.get("/v1/entities/ent_eu").json()["timezone"] == "Europe/Berlin"
        assert eu.get("/v1/entities/ent_demo").status_code == 404  # isolation: another entity does not exist
        assert eu.get("/v1/payments").json()["data"] == []
        assert eu.get("/v1/invoices/inv_acme_1001").status_code == 404
        updated = eu.patch("/v1/entities/ent_eu", json={"name": "Demo Supplies Europe GmbH",
                                                         "posting_rules": {"customer_credit": "2160"}}).json()
        assert updated["name"] == "Demo Supplies Europe GmbH" and updated["posting_rules"]["gateway_clearing"] == "1160"
        trail = [a["action"] for a in eu.get("/v1/audit_events").json()["data"]]
        assert trail == ["entity.updated", "entity.created"]
    assert admin.get("/v1/entities/ent_eu").status_code == 404
    assert [e["id"] for e in admin.get("/v1/entities").json()["data"]] == ["ent_demo"]
    assert "ent_eu" not in admin.get("/v1/audit_events").text  # no other entity's trail learns of it
    assert {e["id"] for e in platform.get("/v1/entities").json()["data"]} == {"ent_demo", "ent_eu"}


def test_only_platform_keys_create_entities(admin: TestClient, platform: TestClient, services: Services) -> None:
    """Issue 9 #10: any entity's admin key could create entities, and its 409 told which ids exist."""
    answers = [admin.post("/v1/entities", json={"id": entity_id, "name": "X", "default_currency": "USD"})
               for entity_id in ("ent_demo", "ent_fresh")]
    assert [a.status_code for a in answers] == [403, 403]
    assert {a.json()["code"] for a in answers} == {"platform_key_required"}
    assert answers[0].json()["detail"] == answers[1].json()["detail"]  # existing or not: the same answer
    with services.read() as s:
        assert s.scalar(select(func.count()).select_from(Entity)) == 1
    exists = platform.post("/v1/entities", json={"id": "ent_demo", "name": "Again", "default_currency": "USD"})
    assert exists.status_code == 409 and exists.json()["code"] == "entity_exists"  # a platform key sees them all


def test_an_entity_starts_with_a_baseline_config_version(platform: TestClient, app: FastAPI) -> None:
    """Issue 9 #17: the first config apply could not be rolled back: no version held the state before it."""
    created = platform.post("/v1/entities", json={"id": "ent_ca", "name": "Demo Canada", "default_currency": "CAD"})
    assert created.status_code == 201, created.text
    with TestClient(app, headers={"Authorization": f"Bearer {created.json()['admin_key']['secret']}"}) as ca:
        versions = ca.get("/v1/config/versions").json()["data"]
        assert [v["summary"]["baseline"] for v in versions] == [True]
        baseline = versions[0]["version"]
        document = "version: 1\nentities:\n  ent_ca:\n    fee_policy:\n      convenience_fees:\n" \
                   "        - {priority: 1, methods: [card], currency: CAD, percent: \"3\"}\n"
        applied = ca.post("/v1/config/apply", json={"document": document, "base_version": baseline})
        assert applied.status_code == 200, applied.text
        assert ca.get("/v1/fee_policy").json()["policy"]["convenience_fees"]
        rolled = ca.post("/v1/config/rollback", json={"version": baseline})
        assert rolled.status_code == 200 and rolled.json()["applied"], rolled.text
        assert ca.get("/v1/fee_policy").json()["policy"]["convenience_fees"] == []


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"id": "ent_demo", "name": "Again", "default_currency": "USD"}, 409, "entity_exists"),
    ({"name": "X", "default_currency": "XXX"}, 422, "currency_unsupported"),
    ({"name": "X", "default_currency": "USD", "timezone": "Mars/Olympus"}, 422, "validation_error"),
    ({"name": "X", "default_currency": "USD", "gateway": "ghost"}, 422, "invalid_request"),
    ({"name": "X", "default_currency": "USD", "posting_rules": {"petty_cash": "1000"}}, 422, "validation_error"),
    ({"name": "X", "default_currency": "USD", "erp": {"type": "sap"}}, 422, "validation_error"),  # no such connector
    ({"name": "X", "default_currency": "USD", "erp": {"type": "tryton"}}, 422, "invalid_request"),  # its own check
])
def test_bad_entities_are_refused(platform: TestClient, body: dict, status: int, code: str) -> None:  # type: ignore[type-arg]
    response = platform.post("/v1/entities", json=body)
    assert response.status_code == status and response.json()["code"] == code


def test_concurrent_creations_each_get_a_baseline(request: pytest.FixtureRequest, app: FastAPI,
                                                  services: Services) -> None:
    """Two entities created at once both claim the next config version for their baseline: the one that
    loses the race takes the following number instead of failing."""
    url = request.getfixturevalue("live_url")
    with services.transaction() as s:
        _, secret = create_key(s, None, "admin", now(), name="platform")
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def create(entity_id: str) -> None:
        barrier.wait()
        response = httpx.post(f"{url}/v1/entities", headers={"Authorization": f"Bearer {secret}"}, timeout=60,
                              json={"id": entity_id, "name": entity_id, "default_currency": "USD"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=create, args=(f"ent_race_{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [201] * 4
    baselines = [v for v in config.versions(services, 100) if v["summary"].get("baseline")]
    assert sorted(e for v in baselines for e in v["summary"]["entities"]) == [
        "ent_demo", "ent_race_0", "ent_race_1", "ent_race_2", "ent_race_3"]
    assert len({v["version"] for v in baselines}) == 5
