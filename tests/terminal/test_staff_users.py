"""Staff users through the API: create, list, show, deactivate (admin only), every change in the audit trail;
passwords hashed with scrypt and never shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from payhub.auth.passwords import hash_password, verify_password
from payhub.services import Services
from payhub.store.models import StaffUser


def test_create_list_show_deactivate_audited(admin: TestClient, services: Services) -> None:
    r = admin.post("/v1/staff_users", json={"email": "Pat@Demo.example", "name": "Pat", "role": "terminal_refund",
                                            "password": "a long enough secret"})
    assert r.status_code == 201, r.text
    user = r.json()
    assert user["id"].startswith("stf_") and user["email"] == "pat@demo.example"
    assert user["role"] == "terminal_refund" and user["status"] == "active"
    assert user["sign_in"] == ["password", "magic_link"] and "password" not in r.text.replace('"password",', "")
    with services.read() as s:
        stored = s.get(StaffUser, user["id"])
        assert stored is not None and stored.password_hash and stored.password_hash.startswith("scrypt$")
        assert verify_password(stored.password_hash, "a long enough secret")

    magic = admin.post("/v1/staff_users", json={"email": "lee@demo.example", "role": "terminal"}).json()
    assert magic["sign_in"] == ["magic_link"]

    listed = admin.get("/v1/staff_users").json()
    assert [u["id"] for u in listed["data"]] == [magic["id"], user["id"]]
    assert admin.get(f"/v1/staff_users/{user['id']}").json()["email"] == "pat@demo.example"

    gone = admin.post(f"/v1/staff_users/{user['id']}/deactivate")
    assert gone.status_code == 200 and gone.json()["status"] == "deactivated"

    audit = admin.get("/v1/audit_events").json()["data"]
    actions = [(a["action"], a["target"]) for a in audit]
    assert ("staff_user.created", f"staff_user:{user['id']}") in actions
    assert ("staff_user.deactivated", f"staff_user:{user['id']}") in actions
    created = next(a for a in audit if a["action"] == "staff_user.created" and a["target"].endswith(user["id"]))
    assert "password" not in str(created["after"]).replace("'password', ", "")


def test_duplicate_email_and_bad_input(admin: TestClient) -> None:
    body = {"email": "dup@demo.example", "role": "terminal"}
    assert admin.post("/v1/staff_users", json=body).status_code == 201
    again = admin.post("/v1/staff_users", json={**body, "email": "DUP@demo.example"})
    assert again.status_code == 409 and again.json()["code"] == "staff_user_exists"
    assert admin.post("/v1/staff_users", json={**body, "role": "admin"}).status_code == 422
    short = admin.post("/v1/staff_users", json={"email": "x@demo.example", "role": "terminal", "password": "short"})
    assert short.status_code == 422


def test_only_admin_keys(client: TestClient, admin: TestClient) -> None:
    r = client.post("/v1/staff_users", json={"email": "a@demo.example", "role": "terminal"})
    assert r.status_code == 403 and r.json()["code"] == "insufficient_scope"
    assert client.get("/v1/staff_users").status_code == 403
    missing = admin.get("/v1/staff_users/stf_nothere")
    assert missing.status_code == 404 and missing.json()["code"] == "staff_user_not_found"


def test_deactivation_revokes_the_terminal_key(app: Any, admin: TestClient, staff: Callable[..., dict[str, Any]],
                                               terminal_key: Callable[[str], str]) -> None:
    user = staff("terminal")
    secret = terminal_key(str(user["id"]))
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as clerk:
        assert clerk.get("/v1/customer_search", params={"q": "acme"}).status_code == 200
        admin.post(f"/v1/staff_users/{user['id']}/deactivate")
        r = clerk.get("/v1/customer_search", params={"q": "acme"})
        assert r.status_code == 401 and r.json()["code"] == "invalid_api_key"


def test_password_hash_round_trip() -> None:
    stored = hash_password("correct horse battery")
    assert verify_password(stored, "correct horse battery")
    assert not verify_password(stored, "correct horse batterY")
    assert not verify_password(None, "anything") and not verify_password("garbage", "x")
