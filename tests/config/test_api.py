"""The /v1/config endpoints through HTTP, with the demo entity's admin key and a platform key."""

from __future__ import annotations

import threading

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.services import Services
from payhub.store.models import ConfigVersion
from tests.config.conftest import DOC, entity_admin, mount

ONLY_DEMO = DOC.split("  ent_acme:\n")[0]


def test_plan_apply_export_rollback(platform: TestClient, admin: TestClient, keys: dict[str, str]) -> None:
    assert admin.get("/v1/config/schema").json()["title"] == "PayHub configuration"

    plan = platform.post("/v1/config/plan", json={"document": DOC})  # two entities: a platform key's file
    assert plan.status_code == 200, plan.text
    body = plan.json()
    assert body["base_version"] == 1  # the demo entity's baseline, recorded when it was created
    assert body["counts"] == {"create": 8, "update": 0, "delete": 0}
    assert "+ create entity ent_acme" in body["text"]

    applied = platform.post("/v1/config/apply", json={"document": DOC, "base_version": body["base_version"]})
    assert applied.status_code == 200, applied.text
    assert applied.json()["version"] == 2 and len(applied.json()["webhook_secrets"]) == 3

    stale = admin.post("/v1/config/apply", json={"document": ONLY_DEMO.replace('"2.5"', '"2.6"'), "base_version": 1})
    assert stale.status_code == 409 and stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["code"] == "config_version_conflict" and stale.json()["current_version"] == 2

    exported = admin.get("/v1/config/export")
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/yaml")
    assert list(yaml.safe_load(exported.text)["entities"]) == ["ent_demo"]  # the key's own entity only
    everything = platform.get("/v1/config/export")
    assert list(yaml.safe_load(everything.text)["entities"]) == ["ent_acme", "ent_demo"]

    changed = admin.post("/v1/config/apply", json={"document": ONLY_DEMO.replace('"2.5"', '"2.6"'), "base_version": 2})
    assert changed.status_code == 200 and changed.json()["version"] == 3
    # version 2's file also configures ent_acme: this key rolls back its own entity's part only
    back = admin.post("/v1/config/rollback", json={"version": 2})
    assert back.status_code == 200, back.text
    assert back.json()["version"] == 4 and {c["entity"] for c in back.json()["changes"]} == {"ent_demo"}
    assert admin.get("/v1/fee_policy").json()["policy"]["convenience_fees"][0]["percent"] == "2.5"
    assert admin.post("/v1/config/rollback", json={"version": 4}).json()["applied"] is False  # it is current
    newer = admin.post("/v1/config/apply", json={"document": ONLY_DEMO.replace('"2.5"', '"2.7"'), "base_version": 4})
    assert newer.json()["version"] == 5
    rolled = admin.post("/v1/config/rollback", json={"version": 3}).json()
    assert rolled["version"] == 6 and [c["kind"] for c in rolled["changes"]] == ["fee_policy"]
    assert admin.get("/v1/fee_policy").json()["policy"]["convenience_fees"][0]["percent"] == "2.6"
    assert admin.post("/v1/config/rollback", json={"version": 9}).status_code == 404
    versions = admin.get("/v1/config/versions").json()
    assert [v["version"] for v in versions["data"]] == [6, 5, 4, 3, 2, 1]

    payments = admin.post("/v1/config/plan", json={"document": DOC},
                          headers={"Authorization": f"Bearer {keys['payments']}"})
    assert payments.status_code == 403


def test_the_first_apply_can_be_rolled_back_to_the_baseline(admin: TestClient) -> None:
    """An entity's creation records its whole configuration as a version: rolling back to it undoes the
    first file applied (fee policy, webhook endpoints, extensions), not just what the file left out."""
    baseline = admin.get("/v1/config/versions").json()["data"]
    assert [(v["version"], v["summary"]["baseline"]) for v in baseline] == [(1, True)]
    before = admin.get("/v1/config/export").text
    assert admin.post("/v1/config/apply", json={"document": ONLY_DEMO, "base_version": 1}).status_code == 200
    assert admin.get("/v1/fee_policy").json()["policy"]["convenience_fees"]
    assert len(admin.get("/v1/webhook_endpoints").json()["data"]) == 1

    rolled = admin.post("/v1/config/rollback", json={"version": 1})
    assert rolled.status_code == 200, rolled.text
    assert {(c["kind"], c["action"]) for c in rolled.json()["changes"]} == {
        ("fee_policy", "update"), ("webhook_endpoint", "delete"), ("extension", "delete")}
    assert admin.get("/v1/fee_policy").json()["policy"]["convenience_fees"] == []
    assert admin.get("/v1/webhook_endpoints").json()["data"] == []
    assert [e for e in admin.get("/v1/extensions").json()["data"] if e.get("enabled")] == []
    after = yaml.safe_load(admin.get("/v1/config/export").text)["entities"]["ent_demo"]
    assert {k: v for k, v in after.items() if k != "fee_policy"} == yaml.safe_load(before)["entities"]["ent_demo"]


ACME_ONLY = """version: 1
entities:
  ent_acme:
    fee_policy:
      convenience_fees:
        - {priority: 10, methods: [card], currency: USD, percent: "3.5", minimum: 195}
"""


def test_an_entity_key_sees_only_its_part_of_config_versions(app: FastAPI, services: Services,
                                                             platform: TestClient, admin: TestClient) -> None:
    """Issue 9 #4: entity B's admin key listed every entity's config history (ids, key ids, webhook URLs)."""
    assert platform.post("/v1/config/apply", json={"document": DOC, "base_version": 1}).status_code == 200
    with entity_admin(app, services, "ent_acme") as acme:
        mine = acme.post("/v1/config/apply", json={"document": ACME_ONLY, "base_version": 2})
        assert mine.status_code == 200, mine.text
        assert mine.json()["version"] == 3

        listed = acme.get("/v1/config/versions")
        assert [v["version"] for v in listed.json()["data"]] == [3, 2]  # not ent_demo's baseline
        text = listed.text
        for foreign in ("ent_demo", "cfg_test_ext", "Demo Supplies"):
            assert foreign not in text
        v2 = next(v for v in listed.json()["data"] if v["version"] == 2)
        assert v2["summary"]["entities"] == ["ent_acme"] and v2["key"] is None  # a platform key's id is not shown
        assert {c["entity"] for c in v2["summary"]["changes"]} == {"ent_acme"}
        assert v2["summary"]["counts"] == {"create": 5, "update": 0, "delete": 0}

        document = acme.get("/v1/config/versions/2").json()["document"]
        assert "ops.acme.example" in document and "ent_demo" not in document and "cfg_test_ext" not in document
        assert yaml.safe_load(document)["entities"]["ent_acme"]["default_currency"] == "USD"  # defaults merged in
        assert acme.get("/v1/config/versions/1").status_code == 404  # ent_demo's baseline
        assert acme.post("/v1/config/rollback", json={"version": 1}).status_code == 404
        assert acme.get("/v1/config/versions/3").json()["key"] is not None  # its own key

    demo_view = admin.get("/v1/config/versions")
    assert [v["version"] for v in demo_view.json()["data"]] == [2, 1]
    assert "ent_acme" not in demo_view.text and "ops.acme.example" not in demo_view.text
    assert admin.get("/v1/config/versions/3").status_code == 404
    assert "ent_acme" not in admin.get("/v1/config/versions/2").text

    everything = platform.get("/v1/config/versions").json()["data"]
    assert [v["version"] for v in everything] == [3, 2, 1]
    assert set(everything[1]["summary"]["entities"]) == {"ent_demo", "ent_acme"}
    assert "ent_demo:" in platform.get("/v1/config/versions/2").json()["document"]


def test_only_platform_keys_create_entities_by_file(admin: TestClient, platform: TestClient) -> None:
    """Issue 9 #10: an entity key's file may not create entities, and the refusal is the same whether the
    other entity exists or not."""
    new = "version: 1\nentities:\n  ent_new:\n    name: New\n    default_currency: EUR\n"
    existing = new.replace("ent_new", "ent_acme")
    assert platform.post("/v1/config/apply", json={"document": existing, "base_version": 1}).status_code == 200
    answers = [admin.post("/v1/config/plan", json={"document": doc}) for doc in (new, existing)]
    assert [a.status_code for a in answers] == [422, 422]
    errors = [a.json()["errors"] for a in answers]
    assert [e[0]["code"] for e in errors] == ["entity_not_permitted"] * 2
    assert errors[0][0]["message"] == errors[1][0]["message"]  # nothing tells an existing id from a new one
    assert admin.post("/v1/config/apply", json={"document": new, "base_version": 2}).status_code == 422
    assert platform.post("/v1/config/apply", json={"document": new, "base_version": 2}).json()["version"] == 3


PASSWORD_DOC = """version: 1
entities:
  ent_demo:
    erp:
      type: tryton
      url: https://erp.example.com
      database: payhub
      password: hunter2-secret
      mapping: {entities: {ent_demo: {company: 1, payment_method: 1, accounts: {"1150": 10, "1200": 11}}}}
"""


PASSWORD_DEFAULTS = """version: 1
defaults:
  erp:
    type: tryton
    url: https://erp.example.com
    database: payhub
    password: hunter2-secret
    mapping: {entities: {ent_demo: {company: 1, payment_method: 1, accounts: {"1150": 10, "1200": 11}}}}
entities:
  ent_demo: {}
"""


@pytest.mark.parametrize("where", ["entity", "defaults"])
def test_a_password_in_a_document_is_refused(platform: TestClient, services: Services, where: str) -> None:
    """Issue 9 #6: an ERP password given in the file was kept verbatim in config_versions.document."""
    document = PASSWORD_DOC if where == "entity" else PASSWORD_DEFAULTS
    field = "entities.ent_demo.erp.password" if where == "entity" else "defaults.erp.password"
    line = 8 if where == "entity" else 7
    for path, body in (("plan", {"document": document}), ("apply", {"document": document, "base_version": 1})):
        refused = platform.post(f"/v1/config/{path}", json=body)
        assert refused.status_code == 422, refused.text
        problem = refused.json()
        assert problem["code"] == "secret_in_document"
        assert [(e["field"], e["line"], e["code"]) for e in problem["errors"]] == [(field, line, "secret_in_document")]
        assert "hunter2" not in refused.text
    with services.read() as s:
        documents = s.scalars(select(ConfigVersion.document)).all()
    assert documents and not any("hunter2" in d for d in documents)
def test_invalid_file_gives_422_with_lines(platform: TestClient) -> None:
    bad = DOC.replace('percent: "2.5"', "percent: 2.5")
    response = platform.post("/v1/config/plan", json={"document": bad})
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "config_invalid"
    assert {"field": "entities.ent_demo.fee_policy.convenience_fees[0].percent", "line": 10,
            "code": "fee_policy_invalid",
            "message": 'must be a decimal string such as "2.5" (percent); floats are inexact'} in problem["errors"]
    applied = platform.post("/v1/config/apply", json={"document": bad, "base_version": 1})
    assert applied.status_code == 422
    assert platform.post("/v1/config/plan", json={"document": DOC}).json()["base_version"] == 1  # nothing written


def test_concurrent_applies_one_wins(request: pytest.FixtureRequest, app: FastAPI, keys: dict[str, str]) -> None:
    mount(app)
    url = request.getfixturevalue("live_url")
    barrier = threading.Barrier(2)
    statuses: list[tuple[int, str]] = []

    def apply(percent: str) -> None:
        document = ONLY_DEMO.replace('"2.5"', f'"{percent}"')
        barrier.wait()
        r = httpx.post(f"{url}/v1/config/apply", json={"document": document, "base_version": 1},
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
        assert [v["version"] for v in versions] == [2, 1]
        policy = client.get("/v1/fee_policy").json()
        assert policy["version"] == 1  # exactly one new fee policy version
