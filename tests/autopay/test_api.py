"""Autopay enrollments through HTTP: create, list, show, change the method, cancel; their events; validation
problems with stable codes; a customer token's scope; another entity sees nothing."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.auth.keys import create_key
from payhub.services import Services
from tests.autopay.conftest import CUSTOMER, enroll, events, save_method
from tests.conftest import now


def test_create_list_show_cancel_with_events(client: TestClient, services: Services, customer: str) -> None:
    method = save_method(client)
    created = enroll(client, method, invoices={"terms": ["Net 30"], "amount": {"max": {"amount": 90_000,
                                                                                         "currency": "USD"}}},
                     max_per_invoice={"amount": 50_000, "currency": "USD"},
                     max_per_month={"amount": 120_000, "currency": "USD"})
    assert created["id"].startswith("ape_") and created["status"] == "active"
    assert created["customer"] == CUSTOMER and created["payment_method"]["id"] == method
    assert created["rule"] == {"when": {"on": "due_date"},
                               "invoices": {"terms": ["Net 30"], "amount": {"min": None, "max": {
                                   "amount": 90_000, "currency": "USD"}}},
                               "max_per_invoice": {"amount": 50_000, "currency": "USD"},
                               "max_per_month": {"amount": 120_000, "currency": "USD"}}
    (enrolled,) = events(services, "autopay.enrolled")
    assert enrolled["id"] == created["id"] and enrolled["rule"] == created["rule"]

    listed = client.get("/v1/autopay_enrollments", params={"customer": CUSTOMER}).json()
    assert [e["id"] for e in listed["data"]] == [created["id"]]
    shown = client.get(f"/v1/autopay_enrollments/{created['id']}").json()
    assert shown["status"] == "active" and shown["recent_attempts"] == []

    again = client.post("/v1/autopay_enrollments", json={"customer": CUSTOMER, "payment_method": method,
                                                         "rule": {"when": {"days_before_due": 3}}})
    assert again.status_code == 409 and again.json()["code"] == "autopay_already_enrolled"

    cancelled = client.post(f"/v1/autopay_enrollments/{created['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert client.post(f"/v1/autopay_enrollments/{created['id']}/cancel").json()["status"] == "cancelled"
    assert [e["id"] for e in events(services, "autopay.cancelled")] == [created["id"]]  # once
    changed = client.patch(f"/v1/autopay_enrollments/{created['id']}", json={"payment_method": method})
    assert changed.status_code == 409 and changed.json()["code"] == "autopay_enrollment_cancelled"
    # cancelled: a new enrollment may start, N days before the due date
    second = enroll(client, method, when={"days_before_due": 3})
    assert second["rule"]["when"] == {"days_before_due": 3} and second["rule"]["invoices"] == "all"


def test_validation_problems(client: TestClient, customer: str) -> None:
    method = save_method(client)

    def post(body: dict[str, object]) -> tuple[int, str]:
        r = client.post("/v1/autopay_enrollments", json=body)
        return r.status_code, r.json().get("code", "")

    base = {"customer": CUSTOMER, "payment_method": method}
    assert post({**base, "rule": {"when": {"on": "tomorrow"}}})[0] == 422
    assert post({**base, "rule": {"when": {"days_before_due": 0}}})[0] == 422
    assert post({**base, "rule": {"when": {"on": "due_date"}, "invoices": {}}})[0] == 422
    assert post({**base, "rule": {"when": {"on": "due_date"}, "invoices": "some"}})[0] == 422
    assert post({**base, "rule": {"when": {"on": "due_date"},
                                  "max_per_invoice": {"amount": 0, "currency": "USD"}}}) == (422,
                                                                                              "autopay_rule_invalid")
    assert post({**base, "rule": {"when": {"on": "due_date"}, "max_per_invoice": {"amount": 10, "currency": "USD"},
                                  "max_per_month": {"amount": 10, "currency": "EUR"}}}) == (422, "currency_mismatch")
    assert post({**base, "rule": {"when": {"on": "due_date"}, "invoices": {"amount": {
        "min": {"amount": 500, "currency": "USD"}, "max": {"amount": 100, "currency": "USD"}}}}}) == (
        422, "autopay_rule_invalid")
    due = {"rule": {"when": {"on": "due_date"}}}
    assert post({**base, **due, "payment_method": "pm_doesnotexist0"}) == (404, "payment_method_not_found")
    assert post({**base, **due, "customer": "cus_nobody"}) == (404, "customer_not_found")
    # another customer's method, and a deleted one
    assert post({**base, **due, "customer": "cus_acme"}) == (404, "payment_method_not_found")
    client.delete(f"/v1/customers/{CUSTOMER}/payment_methods/{method}")
    assert post({**base, "rule": {"when": {"on": "due_date"}}}) == (404, "payment_method_not_found")
    assert client.get("/v1/autopay_enrollments/ape_nothere").json()["code"] == "autopay_enrollment_not_found"


def test_customer_token_scope(client: TestClient, services: Services, customer: str) -> None:
    method = save_method(client)
    theirs = enroll(client, save_method(client, "cus_acme"), customer="cus_acme")
    secret = client.post("/v1/customer_tokens", json={"customer": CUSTOMER}).json()["token"]
    me = {"Authorization": f"Bearer {secret}"}
    mine = client.post("/v1/autopay_enrollments", headers=me, json={
        "customer": CUSTOMER, "payment_method": method, "rule": {"when": {"on": "due_date"}}})
    assert mine.status_code == 201, mine.text
    # its own only: another customer's enrollment does not exist for it
    assert [e["id"] for e in client.get("/v1/autopay_enrollments", headers=me).json()["data"]] == [mine.json()["id"]]
    assert client.get(f"/v1/autopay_enrollments/{theirs['id']}", headers=me).status_code == 404
    assert client.post(f"/v1/autopay_enrollments/{theirs['id']}/cancel", headers=me).status_code == 404
    assert client.get("/v1/autopay_enrollments", headers=me, params={"customer": "cus_acme"}).status_code == 404
    other = client.post("/v1/autopay_enrollments", headers=me, json={
        "customer": "cus_acme", "payment_method": theirs["payment_method"]["id"], "rule": {"when": {"on": "due_date"}}})
    assert other.status_code == 404 and other.json()["code"] == "customer_not_found"
    assert client.post(f"/v1/autopay_enrollments/{mine.json()['id']}/cancel", headers=me).json()["status"] == \
        "cancelled"
    # the entity's settings are an admin's
    assert client.get("/v1/autopay_settings", headers=me).status_code == 403


def test_another_entity_sees_nothing(app: FastAPI, client: TestClient, services: Services, customer: str,
                                     keys: dict[str, str]) -> None:
    created = enroll(client, save_method(client))
    with services.transaction() as s:
        _, platform = create_key(s, None, "admin", now(), name="platform")
    with TestClient(app, headers={"Authorization": f"Bearer {platform}", "PayHub-Entity": "ent_demo"}) as p:
        other = p.post("/v1/entities", json={"id": "ent_other", "name": "Other Co", "default_currency": "USD"})
        assert other.status_code == 201, other.text
    with TestClient(app, headers={"Authorization": f"Bearer {other.json()['admin_key']['secret']}"}) as them:
        assert them.get("/v1/autopay_enrollments").json()["data"] == []
        assert them.get(f"/v1/autopay_enrollments/{created['id']}").status_code == 404
        assert them.post(f"/v1/autopay_enrollments/{created['id']}/cancel").status_code == 404
        assert them.patch(f"/v1/autopay_enrollments/{created['id']}",
                          json={"payment_method": created["payment_method"]["id"]}).status_code == 404
    assert client.get(f"/v1/autopay_enrollments/{created['id']}").json()["status"] == "active"


def test_retry_settings(admin: TestClient) -> None:
    assert admin.get("/v1/autopay_settings").json()["retry_days"] == [1, 3, 5]
    assert admin.put("/v1/autopay_settings", json={"retry_days": [2, 7]}).json()["retry_days"] == [2, 7]
    bad = admin.put("/v1/autopay_settings", json={"retry_days": [0]})
    assert bad.status_code == 422 and bad.json()["code"] == "autopay_rule_invalid"
    assert admin.get("/v1/autopay_settings").json()["retry_days"] == [2, 7]
