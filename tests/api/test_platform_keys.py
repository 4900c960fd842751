"""Platform keys act for any entity, named per request; entity keys for theirs only (others are 404)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.auth.keys import create_key
from payhub.services import Services
from tests.conftest import now
from tests.helpers import pay_body


@pytest.fixture
def platform(app: FastAPI, services: Services) -> Iterator[TestClient]:
    with services.transaction() as s:
        _, secret = create_key(s, None, "admin", now(), name="platform")
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client


def test_platform_key_names_the_entity(platform: TestClient, keys: dict[str, str], app: FastAPI) -> None:
    missing = platform.get("/v1/payments")
    assert missing.status_code == 400 and missing.json()["code"] == "entity_required"
    assert platform.get("/v1/payments", headers={"PayHub-Entity": "ent_nope"}).status_code == 404
    demo = {"PayHub-Entity": "ent_demo"}
    created = platform.post("/v1/entities", headers=demo,
                            json={"id": "ent_ca", "name": "Demo Canada", "default_currency": "CAD"})
    assert created.status_code == 201
    assert {e["id"] for e in platform.get("/v1/entities", headers=demo).json()["data"]} == {"ent_demo", "ent_ca"}
    assert platform.get("/v1/entities/ent_ca", headers=demo).json()["default_currency"] == "CAD"
    paid = platform.post("/v1/payments", headers=demo, json=pay_body("inv_acme_1001", 1_000))
    assert paid.status_code == 201
    assert platform.get(f"/v1/payments/{paid.json()['id']}", headers={"PayHub-Entity": "ent_ca"}).status_code == 404

    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as entity_admin:
        assert entity_admin.get("/v1/payments", headers={"PayHub-Entity": "ent_ca"}).status_code == 404
        assert entity_admin.get("/v1/payments", headers=demo).status_code == 200
        refused = entity_admin.post("/v1/api_keys", json={"scope": "read", "platform": True})
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    new_platform = platform.post("/v1/api_keys", headers=demo, json={"scope": "read", "platform": True}).json()
    assert new_platform["entity"] is None
