"""GET /v1/disputes and /v1/disputes/{id}: filters, pagination, and another entity's disputes do not exist."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.auth.keys import create_key
from payhub.services import Services
from tests.conftest import now
from tests.disputes.conftest import Provider, charge_of, gateway, provider  # noqa: F401  (fixtures)
from tests.helpers import pay_body


def open_disputes(admin: TestClient, provider: Provider, n: int) -> list[dict[str, Any]]:  # noqa: F811
    payments = [admin.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000 + i)).json() for i in range(n)]
    for i, payment in enumerate(payments):
        provider.send(provider.dispute(charge_of(payment), "needs_response", dispute=f"dp_sim_{i}", amount=1_000 + i))
    return payments


def test_disputes_list_filters_and_pages(admin: TestClient, provider: Provider) -> None:  # noqa: F811
    payments = open_disputes(admin, provider, 3)
    provider.send(provider.dispute(charge_of(payments[0]), "lost", dispute="dp_sim_0", amount=1_000))
    first = admin.get("/v1/disputes", params={"limit": 2}).json()
    assert first["has_more"] is True and len(first["data"]) == 2
    rest = admin.get("/v1/disputes", params={"limit": 2, "starting_after": first["next_cursor"]}).json()
    assert rest["has_more"] is False and len(rest["data"]) == 1
    every = first["data"] + rest["data"]
    assert [d["id"] for d in every] == sorted((d["id"] for d in every), reverse=True)  # newest first
    assert [d["dispute_reference"] for d in admin.get("/v1/disputes", params={"status": "lost"}).json()["data"]] == [
        "dp_sim_0"]
    assert len(admin.get("/v1/disputes", params={"payment": payments[1]["id"]}).json()["data"]) == 1
    assert len(admin.get("/v1/disputes", params={"gateway": "simulator"}).json()["data"]) == 3
    assert admin.get("/v1/disputes", params={"gateway": "stripe"}).json()["data"] == []
    bad = admin.get("/v1/disputes", params={"status": "angry"})
    assert bad.status_code == 422
    cursor = admin.get("/v1/disputes", params={"starting_after": "pay_0mx3slzez00kcgheozuujy6"})
    assert cursor.status_code == 400 and cursor.json()["code"] == "invalid_cursor"


def test_another_entity_cannot_see_or_touch_a_dispute(app: FastAPI, admin: TestClient, provider: Provider,  # noqa: F811
                                                      services: Services) -> None:
    [payment] = open_disputes(admin, provider, 1)
    [dispute] = admin.get("/v1/disputes").json()["data"]
    with services.transaction() as s:
        _, platform = create_key(s, None, "admin", now(), name="platform")
    with TestClient(app, headers={"Authorization": f"Bearer {platform}", "PayHub-Entity": "ent_demo"}) as p:
        other = p.post("/v1/entities", json={"id": "ent_other", "name": "Other Co", "default_currency": "USD"})
        assert other.status_code == 201, other.text
    with TestClient(app, headers={"Authorization": f"Bearer {other.json()['admin_key']['secret']}"}) as stranger:
        for response in (stranger.get(f"/v1/disputes/{dispute['id']}"),
                         stranger.post(f"/v1/disputes/{dispute['id']}/evidence", data={"receipt": "mine"}),
                         stranger.post(f"/v1/disputes/{dispute['id']}/submit")):
            assert response.status_code == 404 and response.json()["code"] == "dispute_not_found"
            assert dispute["id"] not in response.text
        assert stranger.get("/v1/disputes").json()["data"] == []
        assert stranger.get("/v1/disputes", params={"payment": payment["id"]}).json()["data"] == []
    assert admin.get(f"/v1/disputes/{dispute['id']}").json()["evidence"]["fields"] == {}
