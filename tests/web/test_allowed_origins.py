"""Portal settings `allowed_origins`: bare origins only, normalized; through the API and configuration as code."""

from __future__ import annotations

from fastapi.testclient import TestClient

DOC = "version: 1\nentities:\n  ent_demo:\n    portal:\n      allowed_origins: ['https://Shop.Example']\n"

def test_origins_are_normalized_and_deduplicated(admin: TestClient) -> None:
    saved = admin.put("/v1/portal_settings", json={"allowed_origins": [
        "HTTPS://Portal.Example.com:443", "https://portal.example.com/", "http://127.0.0.1:8001", "http://[::1]:80"]})
    assert saved.status_code == 200, saved.text
    assert saved.json()["allowed_origins"] == ["https://portal.example.com", "http://127.0.0.1:8001", "http://[::1]"]
    assert admin.get("/v1/portal_settings").json()["allowed_origins"] == saved.json()["allowed_origins"]
    assert admin.get("/v1/audit_events").json()["data"][0]["after"]["allowed_origins"] == saved.json()[
        "allowed_origins"]


def test_anything_but_a_bare_origin_is_refused(admin: TestClient) -> None:
    for bad in ["https://portal.example.com/pay", "https://portal.example.com?x=1", "https://*.example.com", "*",
                "null", "ftp://files.example.com", "portal.example.com", "https://user@portal.example.com",
                "https://portal.example.com:99999", "javascript:alert(1)", "https://exa mple.com", ""]:
        refused = admin.put("/v1/portal_settings", json={"allowed_origins": ["https://ok.example", bad]})
        assert refused.status_code == 422, bad
        problem = refused.json()
        assert problem["code"] == "invalid_origin", (bad, problem)
        assert problem["errors"] == [{"field": "allowed_origins.1", "code": "invalid_origin",
                                      "message": problem["errors"][0]["message"]}]
        assert "javascript" not in problem["detail"]  # the input is never echoed
    too_many = admin.put("/v1/portal_settings", json={"allowed_origins": [f"https://h{i}.example" for i in range(21)]})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "allowed_origins"
    assert admin.get("/v1/portal_settings").json()["allowed_origins"] == []  # nothing half-written


def test_configuration_as_code_sets_and_validates_them(admin: TestClient) -> None:
    document = DOC
    plan = admin.post("/v1/config/plan", json={"document": document})
    assert plan.status_code == 200, plan.text
    applied = admin.post("/v1/config/apply", json={"document": document, "base_version": plan.json()["base_version"]})
    assert applied.status_code == 200, applied.text
    exported = admin.get("/v1/config/export").text
    assert "https://shop.example" in exported
    bad = admin.post("/v1/config/plan", json={"document": document.replace("https://Shop.Example", "https://x/y")})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["entities.ent_demo.portal.allowed_origins[0]"]
