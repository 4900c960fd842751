"""Portal settings: validated, replaced as a whole, audited."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_portal_settings(app: FastAPI, keys: dict[str, str]) -> None:
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as admin:
        assert admin.get("/v1/portal_settings").json()["enabled"] is False
        saved = admin.put("/v1/portal_settings", json={"enabled": True, "payment_methods": ["ach"],
                                                        "support_email": "ar@demo.example"})
        assert saved.status_code == 200 and saved.json()["payment_methods"] == ["ach"]
        assert admin.get("/v1/portal_settings").json()["support_email"] == "ar@demo.example"
        bad = admin.put("/v1/portal_settings", json={"payment_methods": ["cash"]})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "payment_methods.0"
        assert admin.get("/v1/audit_events").json()["data"][0]["action"] == "portal_settings.updated"
