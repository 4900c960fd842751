"""Entities through HTTP: create (with its first admin key), read, update, isolation, audit."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_create_an_entity_and_work_in_it(admin: TestClient, app: FastAPI) -> None:
    created = admin.post("/v1/entities", json={"id": "ent_eu", "name": "Demo Supplies GmbH", "default_currency": "EUR",
                                               "timezone": "Europe/Berlin", "posting_rules": {"gateway_clearing": "1160"},
                                               "branding": {"portal_name": "Demo EU"}})
    assert created.status_code == 201, created.text
    entity = created.json()
    assert entity["posting_rules"]["gateway_clearing"] == "1160" and entity["posting_rules"]["accounts_receivable"] == "1200"
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


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"id": "ent_demo", "name": "Again", "default_currency": "USD"}, 409, "entity_exists"),
    ({"name": "X", "default_currency": "XXX"}, 422, "currency_unsupported"),
    ({"name": "X", "default_currency": "USD", "timezone": "Mars/Olympus"}, 422, "validation_error"),
    ({"name": "X", "default_currency": "USD", "gateway": "ghost"}, 422, "invalid_request"),
    ({"name": "X", "default_currency": "USD", "posting_rules": {"petty_cash": "1000"}}, 422, "validation_error"),
])
def test_bad_entities_are_refused(admin: TestClient, body: dict, status: int, code: str) -> None:  # type: ignore[type-arg]
    response = admin.post("/v1/entities", json=body)
    assert response.status_code == status and response.json()["code"] == code
