"""The admin service layer's seams: the API and config apply write through the same admin functions (one
version bump and one audit event per write, with the actor), validation has stable codes, and the ERP is
provisioned in one place."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub import admin, config
from payhub.admin.entities import create_entity, entity_problems
from payhub.admin.fee_policies import put_fee_policy, validate_fee_policy
from payhub.admin.routing_rules import validate_routing_rules
from payhub.admin.work import Actor, UnitOfWork
from payhub.demo import DEMO_ENTITY
from payhub.domain.errors import EntityExists, InvalidRequest
from payhub.erp.embedded import ErpCompany
from payhub.services import Services
from payhub.store.models import AuditEvent, Entity, FeePolicyVersion, WebhookEndpoint
from tests.conftest import now

POLICY = {"convenience_fees": [{"priority": 10, "methods": ["card"], "percent": "2.5", "minimum": 195,
                                "currency": "USD"}]}


@dataclass
class Audited:
    entity_id: str
    action: str
    actor: Actor


@pytest.fixture
def audited(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Audited]]:
    """Every call of the admin layer's one audit point."""
    calls: list[Audited] = []
    real = UnitOfWork.audit

    def spy(self: UnitOfWork, actor: Actor, entity_id: str, action: str, *args: Any) -> None:
        calls.append(Audited(entity_id, action, actor))
        real(self, actor, entity_id, action, *args)

    monkeypatch.setattr(UnitOfWork, "audit", spy)
    yield calls


def _key_id(client: TestClient, secret: str) -> str:
    keys = client.get("/v1/api_keys").json()["data"]
    return str(next(k["id"] for k in keys if secret.startswith(k["prefix"])))


def _versions(services: Services) -> list[int]:
    with services.read() as s:
        return sorted(r.version for r in s.query(FeePolicyVersion).filter_by(entity_id=DEMO_ENTITY))


def test_the_api_and_config_apply_write_a_fee_policy_through_the_same_admin_function(
        admin: TestClient, keys: dict[str, str], services: Services, audited: list[Audited]) -> None:
    key_id = _key_id(admin, keys["admin"])
    answer = admin.put("/v1/fee_policy", json=POLICY)
    assert answer.status_code == 200, answer.text
    assert answer.json()["version"] == 1
    request_id = answer.headers["x-request-id"]
    assert [(a.action, a.actor) for a in audited] == [("fee_policy.updated", Actor(key_id, request_id))]

    audited.clear()
    document = ("version: 1\nentities:\n  ent_demo:\n    fee_policy:\n      convenience_fees:\n"
                "        - {priority: 10, methods: [card], currency: USD, percent: \"3\", minimum: 195}\n")
    result = config.apply(services, document, config.plan(services, document).base_version, "key_operator",
                          request_id="req_cfg")
    assert [c["kind"] for c in result["changes"]] == ["fee_policy"]
    assert [(a.action, a.actor) for a in audited] == [("fee_policy.updated", Actor("key_operator", "req_cfg"))]
    assert _versions(services) == [1, 2]  # one version per write, numbered by the same function

    trail = admin.get("/v1/audit_events").json()["data"]
    fee_events = [e for e in trail if e["action"] == "fee_policy.updated"]
    assert [(e["target"], e["before"], e["key"], e["request_id"]) for e in fee_events] == [
        ("fee_policy:2", {"version": 1}, "key_operator", "req_cfg"),
        ("fee_policy:1", {"version": 0}, key_id, request_id)]


def test_one_audit_event_per_api_write_with_its_actor(admin: TestClient, keys: dict[str, str],
                                                      audited: list[Audited]) -> None:
    key_id = _key_id(admin, keys["admin"])
    writes = [
        admin.put("/v1/routing/rules", json={"default": ["simulator"]}),
        admin.post("/v1/webhook_endpoints", json={"url": "https://hooks.example.com/in"}),
        admin.put("/v1/portal_settings", json={"enabled": True}),
        admin.patch(f"/v1/entities/{DEMO_ENTITY}", json={"timezone": "Europe/Paris"}),
        admin.post("/v1/api_keys", json={"scope": "read"}),
    ]
    assert [w.status_code for w in writes] == [200, 201, 200, 200, 201], [w.text for w in writes]
    assert [a.action for a in audited] == ["routing_rules.updated", "webhook_endpoint.created",
                                           "portal_settings.updated", "entity.updated", "api_key.created"]
    assert [a.actor for a in audited] == [Actor(key_id, w.headers["x-request-id"]) for w in writes]
    assert {a.entity_id for a in audited} == {DEMO_ENTITY}


def test_a_refused_write_changes_nothing_and_audits_nothing(admin: TestClient, services: Services,
                                                            audited: list[Audited]) -> None:
    bad = admin.put("/v1/fee_policy", json={"convenience_fees": [{"priority": 1, "percent": "-1"}]})
    assert bad.status_code == 422 and bad.json()["code"] == "fee_policy_invalid"
    assert audited == [] and _versions(services) == []


def test_validation_errors_have_stable_codes() -> None:
    gateways = {"simulator"}
    problems = entity_problems(gateways, {"default_currency": "XXX", "gateway": "ghost", "timezone": "Mars/Base",
                                          "name": "two\nlines"})
    assert [(p.field, p.code) for p in problems] == [
        ("name", "name_invalid"), ("default_currency", "currency_unsupported"), ("gateway", "gateway_unknown"),
        ("timezone", "timezone_unknown")]
    assert entity_problems(gateways, {"default_currency": "USD", "gateway": "simulator", "timezone": "UTC"}) == []
    with pytest.raises(InvalidRequest) as fee_error:
        validate_fee_policy({"convenience_fees": [{"priority": 1, "percent": "-1"}]})
    assert fee_error.value.code == "fee_policy_invalid"
    with pytest.raises(InvalidRequest) as routing_error:
        validate_routing_rules({"default": ["ghost"], "rules": []}, gateways)
    assert routing_error.value.code == "routing_rules_invalid"


def test_the_api_and_config_plan_refuse_an_unknown_gateway_by_the_same_check(admin: TestClient,
                                                                             services: Services) -> None:
    api = admin.patch(f"/v1/entities/{DEMO_ENTITY}", json={"gateway": "ghost"})
    assert api.status_code == 422 and api.json()["code"] == "invalid_request"
    with pytest.raises(config.ConfigInvalid) as planned:
        config.plan(services, "version: 1\nentities:\n  ent_demo:\n    gateway: ghost\n")
    errors: list[dict[str, Any]] = planned.value.extra["errors"]  # type: ignore[assignment]
    [problem] = errors
    assert (problem["field"], problem["code"]) == ("entities.ent_demo.gateway", "gateway_unknown")
    assert problem["message"] == api.json()["detail"]  # one message, from entity_problems


def _unit(services: Services, s: Any, erp: object) -> UnitOfWork:
    svc = SimpleNamespace(gateways=services.gateways, secret_key=services.secret_key, erp=erp)
    return UnitOfWork(s, svc, now())  # type: ignore[arg-type]  # what admin functions read of Services


def test_creating_an_entity_provisions_the_erp_only_where_the_erp_can(services: Services) -> None:
    fields = {"name": "North Co.", "default_currency": "EUR"}
    with services.transaction() as s:
        create_entity(_unit(services, s, services.erp), "ent_north", fields, Actor(None))
        create_entity(_unit(services, s, object()), "ent_south", fields, Actor(None))  # an ERP without it
    with services.read() as s:
        assert s.get(ErpCompany, "ent_north") is not None and s.get(ErpCompany, "ent_south") is None
        entity = s.get(Entity, "ent_north")
        assert entity is not None and (entity.gateway, entity.timezone) == ("simulator", "UTC")  # defaults
        assert s.query(AuditEvent).filter_by(action="entity.created").count() == 2
    with pytest.raises(EntityExists), services.transaction() as s:
        create_entity(_unit(services, s, services.erp), "ent_north", fields, Actor(None))


def test_writes_in_one_unit_of_work_share_its_time_and_number_their_versions(services: Services) -> None:
    with admin.transaction(services) as u:
        first = put_fee_policy(u, DEMO_ENTITY, POLICY, Actor("key_x"))
        second = put_fee_policy(u, DEMO_ENTITY, {}, Actor("key_x"))
        assert (first.version, second.version) == (1, 2)
        assert first.created_at == second.created_at == u.now


def test_config_applied_over_the_api_is_audited_with_the_requests_actor(admin: TestClient, keys: dict[str, str],
                                                                        audited: list[Audited]) -> None:
    key_id = _key_id(admin, keys["admin"])
    document = ("version: 1\nentities:\n  ent_demo:\n    routing:\n      default: [simulator]\n"
                "      exploration_percent: 10\n")
    plan = admin.post("/v1/config/plan", json={"document": document}).json()
    applied = admin.post("/v1/config/apply", json={"document": document, "base_version": plan["base_version"]})
    assert applied.status_code == 200, applied.text
    assert [(a.action, a.actor) for a in audited] == [
        ("routing_rules.updated", Actor(key_id, applied.headers["x-request-id"]))]


def test_a_webhook_endpoint_written_by_config_keeps_its_failures_unless_re_enabled(
        admin: TestClient, services: Services, audited: list[Audited]) -> None:
    """Config apply hands the endpoint writer only what changed, so `enabled: true` in every file does not wipe
    a failing endpoint's count; the API's explicit `enabled: true` does."""
    def apply(description: str, enabled: bool = True) -> None:
        document = (f"version: 1\nentities:\n  ent_demo:\n    webhook_endpoints:\n      ops:\n"
                    f"        url: https://ops.example.com/in\n        description: {description}\n"
                    f"        enabled: {str(enabled).lower()}\n")
        config.apply(services, document, config.plan(services, document).base_version, None)

    def failures(count: int | None = None) -> int:
        with services.transaction() as s:
            endpoint = s.query(WebhookEndpoint).filter_by(entity_id=DEMO_ENTITY).one()
            if count is not None:
                endpoint.consecutive_failures = count
            return endpoint.consecutive_failures

    apply("first")
    failures(3)
    apply("second")
    assert failures() == 3
    apply("third", enabled=False)
    failures(4)
    apply("third")  # re-enabled by the file
    assert failures() == 0
    failures(2)
    endpoint_id = admin.get("/v1/webhook_endpoints").json()["data"][0]["id"]
    assert admin.patch(f"/v1/webhook_endpoints/{endpoint_id}", json={"enabled": True}).status_code == 200
    assert failures() == 0
    assert [a.action for a in audited] == ["webhook_endpoint.created"] + ["webhook_endpoint.updated"] * 4
