"""The /v1/config endpoints through HTTP, with the demo entity's admin key."""

from __future__ import annotations

import threading

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.config.conftest import DOC, mount

ONLY_DEMO = DOC.split("  ent_acme:\n")[0]


def test_plan_apply_export_rollback(admin: TestClient, keys: dict[str, str]) -> None:
    assert admin.get("/v1/config/schema").json()["title"] == "PayHub configuration"

    plan = admin.post("/v1/config/plan", json={"document": DOC})
    assert plan.status_code == 200, plan.text
    body = plan.json()
    assert body["base_version"] == 0 and body["counts"] == {"create": 8, "update": 0, "delete": 0}
    assert "+ create entity ent_acme" in body["text"]

    applied = admin.post("/v1/config/apply", json={"document": DOC, "base_version": body["base_version"]})
    assert applied.status_code == 200, applied.text
    assert applied.json()["version"] == 1 and len(applied.json()["webhook_secrets"]) == 3

    stale = admin.post("/v1/config/apply", json={"document": ONLY_DEMO.replace('"2.5"', '"2.6"'), "base_version": 0})
    assert stale.status_code == 409 and stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["code"] == "config_version_conflict" and stale.json()["current_version"] == 1

    exported = admin.get("/v1/config/export")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/yaml")
    assert list(yaml.safe_load(exported.text)["entities"]) == ["ent_demo"]  # the key's own entity only

    changed = admin.post("/v1/config/apply", json={"document": ONLY_DEMO.replace('"2.5"', '"2.6"'), "base_version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    back = admin.post("/v1/config/rollback", json={"version": 1})
    # version 1's file also configures ent_acme, which this key may not touch now that it exists
    assert back.status_code == 422 and back.json()["errors"][0]["code"] == "entity_not_permitted"
    assert admin.post("/v1/config/rollback", json={"version": 2}).json()["applied"] is False  # it is current
    newer = admin.post("/v1/config/apply", json={"document": ONLY_DEMO.replace('"2.5"', '"2.7"'), "base_version": 2})
    assert newer.json()["version"] == 3
    rolled = admin.post("/v1/config/rollback", json={"version": 2}).json()
    assert rolled["version"] == 4 and [c["kind"] for c in rolled["changes"]] == ["fee_policy"]
    assert admin.get("/v1/fee_policy").json()["policy"]["convenience_fees"][0]["percent"] == "2.6"
    assert admin.post("/v1/config/rollback", json={"version": 9}).status_code == 404
    versions = admin.get("/v1/config/versions").json()
    assert [v["version"] for v in versions["data"]] == [4, 3, 2, 1]

    payments = admin.post("/v1/config/plan", json={"document": DOC},
                          headers={"Authorization": f"Bearer {keys['payments']}"})
    assert payments.status_code == 403


def test_invalid_file_gives_422_with_lines(admin: TestClient) -> None:
    bad = DOC.replace('percent: "2.5"', "percent: 2.5")
    response = admin.post("/v1/config/plan", json={"document": bad})
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "config_invalid"
    assert {"field": "entities.ent_demo.fee_policy.convenience_fees[0].percent", "line": 10,
            "code": "fee_policy_invalid",
            "message": 'must be a decimal string such as "2.5" (percent); floats are inexact'} in problem["errors"]
    applied = admin.post("/v1/config/apply", json={"document": bad, "base_version": 0})
    assert applied.status_code == 422
    assert admin.post("/v1/config/plan", json={"document": DOC}).json()["base_version"] == 0  # nothing written


def test_concurrent_applies_one_wins(request: pytest.FixtureRequest, app: FastAPI, keys: dict[str, str]) -> None:
    mount(app)
    url = request.getfixturevalue("live_url")
    barrier = threading.Barrier(2)
    statuses: list[tuple[int, str]] = []

    def apply(percent: str) -> None:
        document = ONLY_DEMO.replace('"2.5"', f'"{percent}"')
        barrier.wait()
        r = httpx.post(f"{url}/v1/config/apply", json={"document": document, "base_version": 0},
                       headers={"Authorization": f"Bearer {keys['admin']}"}, timeout=30)
        statuses.append((r.status_code, r.json().get("code", "")))

    threads = [threading.Thread(target=apply, args=(p,)) for p in ("2.6", "2.7")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [(200, ""), (409, "config_version_conflict")]
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as client:
        versions = client.get("/v1/config/versions").json()["data"]
        assert [v["version"] for v in versions] == [1]
        policy = client.get("/v1/fee_policy").json()
        assert policy["version"] == 1  # exactly one new fee policy version
