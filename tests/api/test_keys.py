"""API key lifecycle through HTTP: create (secret once), list, expire, roll with overlap, revoke, audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.services import Services
from tests.webhooks.conftest import FakeClock


@pytest.fixture
def clock(services: Services) -> FakeClock:
    fake = FakeClock()
    services.clock = fake
    return fake


@pytest.fixture
def admin(app: FastAPI, keys: dict[str, str], clock: FakeClock) -> Iterator[TestClient]:
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as client:
        yield client


def works(app: FastAPI, secret: str) -> int:
    with TestClient(app) as c:
        status: int = c.get("/v1/payments", headers={"Authorization": f"Bearer {secret}"}).status_code
        return status


def test_create_list_and_use(admin: TestClient, app: FastAPI) -> None:
    created = admin.post("/v1/api_keys", json={"name": "erp-sync", "scope": "read"})
    assert created.status_code == 201
    key = created.json()
    assert key["secret"].startswith("phk_read_") and key["prefix"] == key["secret"][:16]
    assert works(app, key["secret"]) == 200
    listed = {k["id"]: k for k in admin.get("/v1/api_keys").json()["data"]}
    assert "secret" not in listed[key["id"]] and listed[key["id"]]["name"] == "erp-sync"
    with TestClient(app) as c:
        denied = c.post("/v1/api_keys", json={"scope": "admin"}, headers={"Authorization": f"Bearer {key['secret']}"})
    assert denied.status_code == 403


def test_expiry(admin: TestClient, app: FastAPI, clock: FakeClock) -> None:
    soon = (clock.at + timedelta(hours=1)).isoformat()
    key = admin.post("/v1/api_keys", json={"scope": "read", "expires_at": soon}).json()
    assert works(app, key["secret"]) == 200
    clock.advance(3601)
    assert works(app, key["secret"]) == 401
    past = admin.post("/v1/api_keys", json={"scope": "read", "expires_at": "2020-01-01T00:00:00Z"})
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "expires_at"


def test_roll_keeps_the_old_secret_for_the_overlap(admin: TestClient, app: FastAPI, clock: FakeClock) -> None:
    old = admin.post("/v1/api_keys", json={"scope": "payments", "name": "portal"}).json()
    rolled = admin.post(f"/v1/api_keys/{old['id']}/roll", json={"overlap_seconds": 600}).json()
    assert rolled["replaces"] == old["id"] and rolled["scope"] == "payments" and rolled["name"] == "portal"
    assert works(app, old["secret"]) == 200 and works(app, rolled["secret"]) == 200
    clock.advance(601)
    assert works(app, old["secret"]) == 401 and works(app, rolled["secret"]) == 200


def test_revoke_and_audit(admin: TestClient, app: FastAPI) -> None:
    key = admin.post("/v1/api_keys", json={"scope": "read"}).json()
    admin.patch(f"/v1/api_keys/{key['id']}", json={"name": "renamed", "rate_limit_per_s": 5})
    revoked = admin.post(f"/v1/api_keys/{key['id']}/revoke").json()
    assert revoked["revoked_at"] and works(app, key["secret"]) == 401
    trail = [(a["action"], a["target"]) for a in admin.get("/v1/audit_events").json()["data"]]
    assert trail == [("api_key.revoked", f"api_key:{key['id']}"), ("api_key.updated", f"api_key:{key['id']}"),
                     ("api_key.created", f"api_key:{key['id']}")]
    assert admin.post("/v1/api_keys/key_nope/revoke").status_code == 404
