"""Configuration as code: export, plan, apply (atomic, optimistic concurrency), rollback."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from payhub import config
from payhub.config.schema import json_schema
from payhub.erp.embedded import ErpCompany
from payhub.services import Services
from payhub.store.models import (
    AuditEvent,
    ConfigVersion,
    Entity,
    EntityExtension,
    FeePolicyVersion,
    RoutingRuleSet,
    WebhookEndpoint,
)
from tests.config.conftest import DOC, wipe


def count(svc: Services, model: Any) -> int:
    with svc.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def errors_of(svc: Services, text: str) -> list[dict[str, Any]]:
    with pytest.raises(config.ConfigInvalid) as caught:
        config.plan(svc, text)
    assert caught.value.code == "config_invalid"
    found: list[dict[str, Any]] = caught.value.extra["errors"]  # type: ignore[assignment]
    return found


def test_plan_shows_creates_then_nothing(services: Services) -> None:
    plan = config.plan(services, DOC)
    assert plan.base_version == 1  # the demo entity's baseline
    got = {(c.entity, c.kind, c.target, c.action) for c in plan.changes}
    assert got == {
        ("ent_demo", "fee_policy", "fee_policy", "create"),
        ("ent_demo", "webhook_endpoint", "https://erp.example.com/payhub", "create"),
        ("ent_demo", "extension", "cfg_test_ext", "create"),
        ("ent_acme", "entity", "ent_acme", "create"),
        ("ent_acme", "fee_policy", "fee_policy", "create"),
        ("ent_acme", "routing", "routing", "create"),
        ("ent_acme", "webhook_endpoint", "https://erp.example.com/payhub", "create"),
        ("ent_acme", "webhook_endpoint", "https://ops.acme.example/hooks", "create"),
    }
    text = plan.render()
    assert "+ create entity ent_acme" in text and 'posting_rules.gateway_clearing: "1160"' in text
    assert count(services, ConfigVersion) == 1  # a plan writes nothing

    result = config.apply(services, DOC, 1, None)
    assert result["applied"] and result["version"] == 2
    secrets = {(s["entity"], s["name"]): s["secret"] for s in result["webhook_secrets"]}
    assert set(secrets) == {("ent_demo", "erp"), ("ent_acme", "erp"), ("ent_acme", "ops")}
    assert all(s.startswith("whsec_") for s in secrets.values())
    assert count(services, AuditEvent) == len(plan.changes)  # one audit event per change
    with services.read() as s:
        acme = s.get(Entity, "ent_acme")
        assert acme is not None and acme.posting_rules["gateway_clearing"] == "1160"
        assert s.get(ErpCompany, "ent_acme") is not None  # the embedded ERP's company came with it
        ext = s.get(EntityExtension, ("ent_demo", "cfg_test_ext"))
        assert ext is not None and ext.enabled and ext.pinned_version == "1.0.0"
        stored = s.scalars(select(WebhookEndpoint.secret)).all()
        assert not any(secret in stored for secret in secrets.values())  # sealed at rest

    again = config.plan(services, DOC)
    assert again.base_version == 2 and again.empty
    noop = config.apply(services, DOC, 2, None)
    assert not noop["applied"] and noop["version"] == 2 and count(services, ConfigVersion) == 2


def test_plan_shows_changes_and_deletes(services: Services) -> None:
    config.apply(services, DOC, 1, None)
    edited = (DOC.replace('percent: "2.5"', 'percent: "2.95"')
              .replace("      ops:\n        url: https://ops.acme.example/hooks\n        description: Ops alerts\n"
                       "        event_types: [\"*\"]\n", "      erp: null  # not this one from defaults\n")
              .replace("enabled: true, pinned_version: \"1.0.0\"", "enabled: false, pinned_version: \"1.1.0\""))
    plan = config.plan(services, edited)
    got = {(c.entity, c.kind, c.target, c.action) for c in plan.changes}
    assert got == {
        ("ent_demo", "fee_policy", "fee_policy", "update"),
        ("ent_demo", "extension", "cfg_test_ext", "update"),
        ("ent_acme", "fee_policy", "fee_policy", "update"),
        ("ent_acme", "webhook_endpoint", "https://erp.example.com/payhub", "delete"),
        ("ent_acme", "webhook_endpoint", "https://ops.acme.example/hooks", "delete"),
    }
    text = plan.render()
    assert 'convenience_fees[0].percent: "2.5" → "2.95"' in text
    assert "- delete webhook_endpoint https://ops.acme.example/hooks" in text
    assert 'pinned_version: "1.0.0" → "1.1.0"' in text

    result = config.apply(services, edited, plan.base_version, "key_test")
    assert result["version"] == 3
    with services.read() as s:
        assert s.scalar(select(func.max(FeePolicyVersion.version)).where(FeePolicyVersion.entity_id == "ent_acme")) == 2
        assert s.scalar(select(func.count()).select_from(RoutingRuleSet)) == 1  # unchanged: no new version
        assert s.scalars(select(WebhookEndpoint.url).where(WebhookEndpoint.entity_id == "ent_acme")).all() == []
        assert {a.key_id for a in s.scalars(select(AuditEvent).where(AuditEvent.action == "fee_policy.updated"))
                } == {None, "key_test"}


def test_export_apply_to_empty_install_export_is_identical(services: Services) -> None:
    config.apply(services, DOC, 1, None)
    exported = config.export(services)
    assert yaml.safe_load(exported)["entities"]["ent_acme"]["webhook_endpoints"]["ops"]["description"] == "Ops alerts"
    assert "whsec_" not in exported

    wipe(services)
    assert count(services, Entity) == 0
    plan = config.plan(services, exported)
    assert plan.base_version == 0 and {c.target for c in plan.changes if c.kind == "entity"} == {"ent_acme",
                                                                                                "ent_demo"}
    config.apply(services, exported, 0, None)
    assert config.export(services) == exported
    assert config.plan(services, exported).empty
    assert config.export(services, ["ent_acme"]) != exported  # one entity only
    with pytest.raises(config.EntityNotFound):
        config.export(services, ["ent_nope"])


def test_invalid_files_are_rejected_with_lines(services: Services) -> None:
    bad = DOC.replace('percent: "2.5"', "percent: 2.5").replace("gateway: simulator", "gateway: nowhere")
    found = {(e["field"], e["line"]) for e in errors_of(services, bad)}
    # the fee rule comes from `defaults`: each entity's error points at the line in defaults
    assert ("entities.ent_demo.fee_policy.convenience_fees[0].percent", 10) in found
    assert ("entities.ent_acme.fee_policy.convenience_fees[0].percent", 10) in found
    assert ("entities.ent_acme.gateway", 4) in found

    wrong = DOC.replace("      rules:\n        - id: big\n          priority: 1\n",
                        "      rules:\n        - id: big\n          priority: one\n")
    assert [(e["field"], e["line"], e["code"]) for e in errors_of(services, wrong)] == [
        ("entities.ent_acme.routing.rules[0].priority", 29, "routing_rules_invalid")]

    typo = DOC.replace("    name: Acme Builders\n", "    name: Acme Builders\n    colour: blue\n")
    assert [(e["field"], e["line"]) for e in errors_of(services, typo)] == [("entities.ent_acme.colour", 23)]

    hooks = DOC.replace("https://ops.acme.example/hooks", "http://10.0.0.5/hooks").replace(
        "event_types: [\"*\"]", "event_types: [payment.exploded]")
    found = {(e["field"], e["line"]) for e in errors_of(services, hooks)}
    assert found == {("entities.ent_acme.webhook_endpoints.ops.url", 34),
                     ("entities.ent_acme.webhook_endpoints.ops.event_types", 36)}

    assert [e["line"] for e in errors_of(services, "version: 1\nentities:\n  ent_x: {name: [\n")] == [4]
    assert errors_of(services, "version: 1\nentities:\n  ent_x: {}\n  ent_x: {}\n")[0]["line"] == 4
    new = errors_of(services, "version: 1\nentities:\n  ent_new:\n    gateway: simulator\n")
    assert {e["message"] for e in new} == {"`name` is required to create the entity",
                                           "`default_currency` is required to create the entity"}
    assert errors_of(services, "version: 1\nentities:\n  ent_demo:\n    extensions: {nope: {enabled: true}}\n"
                     )[0]["code"] == "extension_not_found"
    assert errors_of(services, "- a list\n")[0]["field"] == "(root)"
    portal = errors_of(services, "version: 1\nentities:\n  ent_demo:\n    portal: {payment_methods: [cash]}\n")
    assert [(e["field"], e["line"]) for e in portal] == [("entities.ent_demo.portal.payment_methods[0]", 4)]
    zone = errors_of(services, "version: 1\nentities:\n  ent_demo:\n    timezone: Mars/Base\n")
    assert [(e["field"], e["line"], e["code"]) for e in zone] == [("entities.ent_demo.timezone", 4, "timezone_unknown")]


def test_apply_is_atomic(services: Services) -> None:
    before = config.export(services)
    audits = count(services, AuditEvent)
    broken = DOC.replace("    routing:\n      default: [simulator]", "    routing:\n      default: [nowhere]")
    with pytest.raises(config.ConfigInvalid):
        config.apply(services, broken, 1, None)
    assert config.export(services) == before  # nothing written, for ent_demo either
    assert count(services, AuditEvent) == audits and count(services, ConfigVersion) == 1
    with services.read() as s:
        assert s.get(Entity, "ent_acme") is None


def test_conflict_on_a_stale_base_version(services: Services) -> None:
    config.apply(services, DOC, 1, None)
    with pytest.raises(config.ConfigConflict) as caught:
        config.apply(services, DOC.replace('"2.5"', '"2.6"'), 1, None)
    assert caught.value.code == "config_version_conflict"
    assert caught.value.extra["current_version"] == 2


def test_concurrent_claims_of_one_version_conflict(services: Services) -> None:
    """Two applies that both passed the version check: the second insert of the same version fails as a
    conflict (on PostgreSQL it waits for the first to commit, then hits the primary key)."""
    from sqlalchemy.exc import IntegrityError

    config.apply(services, DOC, 1, None)
    with pytest.raises(IntegrityError), services.transaction() as s:
        s.add(ConfigVersion(version=2, document="", summary={}, created_at=services.clock.now()))
        s.flush()


def test_rollback(services: Services) -> None:
    config.apply(services, DOC, 1, None)
    first = config.export(services)
    config.apply(services, DOC.replace('"2.5"', '"2.75"').replace("Acme Builders", "Acme Builders Inc."), 2, None)
    assert "Acme Builders Inc." in config.export(services)
    result = config.rollback(services, 2, "key_x")
    assert result["version"] == 4 and result["rolled_back_to"] == 2 and result["applied"]
    assert {(c["kind"], c["action"]) for c in result["changes"]} == {("entity", "update"), ("fee_policy", "update")}
    assert config.export(services) == first
    with pytest.raises(config.ConfigVersionNotFound):
        config.rollback(services, 99, None)
    assert [v["version"] for v in config.versions(services)] == [4, 3, 2, 1]


def test_scope_is_the_keys_own_entity_only(services: Services) -> None:
    """An entity key's file configures that entity; naming another, existing or not, is refused the same way
    (creating entities is a platform operation, and the refusal must not tell which ids exist)."""
    new = "version: 1\nentities:\n  ent_new:\n    name: New\n    default_currency: EUR\n"
    refusals = []
    for text in (DOC, new):
        if text == new:
            config.apply(services, DOC, 1, None)  # ent_acme exists now; ent_new does not
        with pytest.raises(config.ConfigInvalid) as caught:
            config.plan(services, text, scope="ent_demo")
        refusals.append([(e["code"], e["message"]) for e in caught.value.extra["errors"]])  # type: ignore[attr-defined]
    assert refusals[0] == refusals[1] == [("entity_not_permitted", "this API key acts for ent_demo; it may configure "
                                           "only that entity (creating entities needs a platform key)")]
    assert config.plan(services, new).changes[0].action == "create"  # the CLI / a platform key may
    # nor do the other checks, which depend on whether the entity exists (`name` is required to create it)
    bare = [f"version: 1\nentities:\n  {entity}:\n    gateway: simulator\n" for entity in ("ent_acme", "ent_nope")]
    answers = []
    for text in bare:
        with pytest.raises(config.ConfigInvalid) as caught:
            config.plan(services, text, scope="ent_demo")
        answers.append([(e["code"], e["message"]) for e in caught.value.extra["errors"]])  # type: ignore[attr-defined]
    assert answers[0] == answers[1] == refusals[0]


def test_rollback_with_a_scope_applies_that_entitys_part(services: Services) -> None:
    config.apply(services, DOC, 1, None)
    config.apply(services, DOC.replace('"2.5"', '"2.75"'), 2, None)
    result = config.rollback(services, 2, "key_demo", scope="ent_demo")
    assert {(c["entity"], c["kind"]) for c in result["changes"]} == {("ent_demo", "fee_policy")}
    with services.read() as s:
        stored = s.get(ConfigVersion, result["version"])
        assert stored is not None and "ent_acme" not in stored.document
        assert stored.summary["entities"] == ["ent_demo"]
    with pytest.raises(config.ConfigVersionNotFound):
        config.rollback(services, 1, None, scope="ent_acme")  # ent_demo's baseline: not ent_acme's


def test_an_entity_sees_the_versions_that_configured_it(services: Services) -> None:
    config.apply(services, DOC, 1, "key_platform")
    config.apply(services, DOC.split("  ent_acme:\n")[0], 2, None)
    assert [v["version"] for v in config.versions(services, entity_id="ent_acme")] == [2]
    assert [v["version"] for v in config.versions(services, entity_id="ent_demo")] == [3, 2, 1]
    assert [v["version"] for v in config.versions(services, 2, entity_id="ent_demo")] == [3, 2]
    shown = config.versions(services, entity_id="ent_acme")[0]
    assert shown["key"] is None and shown["summary"]["entities"] == ["ent_acme"]
    assert {c["entity"] for c in shown["summary"]["changes"]} == {"ent_acme"}
    assert config.versions(services)[1]["key"] == "key_platform"
    with pytest.raises(config.ConfigVersionNotFound):
        config.version(services, 3, entity_id="ent_acme")
    part = config.version(services, 2, entity_id="ent_acme")["document"]
    assert "ent_demo" not in part and "cfg_test_ext" not in part
    assert config.plan(services, part, scope="ent_acme").empty  # the part is a valid file of its own


def test_an_entitys_creation_records_a_baseline_version(services: Services) -> None:
    from tests.conftest import now

    with services.transaction() as s:
        s.add(Entity(id="ent_second", name="Second Co.", default_currency="EUR", gateway="simulator",
                     posting_rules={}, created_at=now()))
        s.flush()
        config.record_baseline(s, "ent_second", None, now())
    baseline = config.versions(services, entity_id="ent_second")
    assert [(v["version"], v["summary"]["baseline"]) for v in baseline] == [(2, True)]
    document = yaml.safe_load(config.version(services, 2)["document"])["entities"]["ent_second"]
    assert document["fee_policy"]["convenience_fees"] == [] and document["routing"]["default"] == ["simulator"]
    assert document["webhook_endpoints"] == {} and document["extensions"] == {}
    assert config.plan(services, config.version(services, 2)["document"]).empty  # as it is now


def test_published_schema_is_current() -> None:
    from pathlib import Path

    from payhub.config.schema import json_schema_text

    assert json_schema()["properties"]["entities"]["type"] == "object"
    published = Path(__file__).resolve().parents[2] / "examples" / "config-as-code" / "payhub.schema.json"
    assert published.read_text() == json_schema_text(), \
        "regenerate it: payhub config schema -o examples/config-as-code/payhub.schema.json"


def test_example_file_is_valid(services: Services) -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "examples" / "config-as-code" / "payhub.yaml"
    plan = config.plan(services, example.read_text())
    assert plan.changes and {c.entity for c in plan.changes} >= {"ent_demo"}


def test_racing_applies_past_the_version_check(services: Services, db_url: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Both applies read version 0 and plan before either writes: the primary key on the next version
    makes one commit and the other fail with the conflict (PostgreSQL; SQLite serializes writers earlier)."""
    import importlib
    import threading

    if db_url.startswith("sqlite"):
        pytest.skip("SQLite takes the write lock at BEGIN: the second apply sees version 1 and conflicts early")
    module = importlib.import_module("payhub.config.apply")
    barrier = threading.Barrier(2, timeout=20)
    real = module.build

    def build(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(module, "build", build)
    outcomes: list[str] = []

    def run(percent: str) -> None:
        try:
            config.apply(services, DOC.replace('"2.5"', f'"{percent}"'), 1, None)
            outcomes.append("applied")
        except config.ConfigConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=run, args=(p,)) for p in ("2.6", "2.7")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["applied", "conflict"]
    assert count(services, ConfigVersion) == 2 and count(services, Entity) == 2


ERP_DOC = """version: 1
entities:
  ent_demo:
    erp:
      type: tryton
      url: https://erp.example.com
      database: payhub
      user: payhub
      password_env: PAYHUB_TEST_TRYTON_PASSWORD
      mapping: {entities: {ent_demo: {company: 1, payment_method: 1, accounts: {"1150": 10, "1200": 11}}}}
"""


def test_an_entitys_erp_is_configuration_without_its_secret(services: Services,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from payhub.auth.sealing import unseal
    from payhub.store.models import Entity

    monkeypatch.delenv("PAYHUB_TEST_TRYTON_PASSWORD", raising=False)
    missing = errors_of(services, ERP_DOC)
    assert [(e["field"], e["line"]) for e in missing] == [("entities.ent_demo.erp.password_env", 9)]

    monkeypatch.setenv("PAYHUB_TEST_TRYTON_PASSWORD", "s3cret")
    assert config.apply(services, ERP_DOC, 1, None)["applied"]
    with services.read() as s:
        stored = s.get(Entity, "ent_demo")
        assert stored is not None and unseal(services.secret_key, stored.erp["password"]) == "s3cret"
    exported = config.export(services, ["ent_demo"])
    assert "s3cret" not in exported and "password_env: PAYHUB_TEST_TRYTON_PASSWORD" in exported
    assert [c for c in config.plan(services, ERP_DOC).changes if c.kind == "entity"] == []  # applied is current
