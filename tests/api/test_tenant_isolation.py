"""Tenant isolation by construction: generated from the route table, so a new read route is covered the day
it is added. Two entities get one of everything (payments, refunds, customers, customer tokens, keys, webhook
endpoints, deliveries, events, extensions, audit events, config versions, fee policies, routing rule versions,
portal settings). Through every GET route, one entity's keys never show the other's ids or distinctive
strings, and a read of the other's object by id is 404."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from payhub.auth.keys import create_key
from payhub.erp.embedded import create_customer, create_invoice
from payhub.extensions import registry
from payhub.extensions.api import Extension
from payhub.services import Services
from payhub.store.webhooks import fan_out
from tests.api.test_security import CUSTOMER_ONLY, api_routes
from tests.conftest import now
from tests.helpers import pay_body

# Routes that hold no tenant data: operations endpoints, the API's own description, catalogues and the
# configuration file's schema. Anything else must be isolated; add a route here only if it is truly global.
GLOBAL = {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc",
          "/v1/event_types", "/v1/config/schema",
          # the web layer: public scripts and their manifest; the pages hold no data (they call the API with a token)
          "/widgets/v1/{name}", "/v1/widgets/manifest", "/hosted/fields", "/embed/{widget}",
          # the virtual terminal's pages: signed in by a staff session cookie, never by an API key (tests/terminal)
          "/terminal", "/terminal/sign_in", "/terminal/magic", "/terminal/static/terminal.js",
          # the copilot's samples and test payloads: generated from the API's own description, the same for all
          "/v1/copilot/samples/{flow}", "/v1/copilot/samples/operations/{operation_id}",
          "/v1/copilot/test_payloads/{operation_id}", "/v1/copilot/handlers"}

# Every resource id PayHub mints: prefix_ + a time-ordered random part (payhub.ids.new_id).
ID = re.compile(r"\b(?:ape|aud|ctk|del|dfl|dsp|ent|evt|key|op|pay|pm|pst|rce|rcr|rfd|stb|stf|stl|tok|we)"
                r"_[0-9a-z]{20,}\b")
EXTENSION = "isolation_probe"


@dataclass
class Tenant:
    """One entity's callers, the sample ids that fill each path parameter, and what only it may ever see."""

    entity: str
    admin: TestClient
    token: TestClient  # a customer-context token of this entity
    samples: dict[str, str] = field(default_factory=dict)  # path parameter name → one of its ids
    strings: set[str] = field(default_factory=set)  # names, emails, urls, rule ids: only this entity's
    ids: set[str] = field(default_factory=set)  # every minted id seen through its own reads


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, (response.request.method, response.request.url, response.text)
    body: dict[str, Any] = response.json() if response.content else {}
    return body


def _populate(t: Tenant, services: Services, tag: str, invoice: str, customer: str) -> None:
    """One of everything, through the API as an integrator would make it. `tag` is in every string."""
    c = t.admin
    t.strings |= {t.entity, f"{tag}-only", f"{tag.title()} Only Holdings"}
    paid = _ok(c.post("/v1/payments", json=pay_body(invoice, 5_000)), 201)
    refund = _ok(c.post("/v1/refunds", json={"payment": paid["id"], "amount": {"amount": 1_000, "currency": "USD"},
                                             "reason": f"{tag}-only refund"}), 201)
    _ok(c.post("/v1/customers", json={"erp_customer": customer, "email": f"ap@{tag}-only.example",
                                      "settings": {"note": f"{tag}-only"}}), 201)
    _ok(c.post("/v1/customer_tokens", json={"customer": customer}), 201)
    card = _ok(t.token.post("/v1/tokens", json={"card": {"number": "4242424242424242", "exp_month": 12,
                                                          "exp_year": 2031, "cvc": "123"}}), 201)
    method = _ok(c.post(f"/v1/customers/{customer}/payment_methods", json={
        "token": card["id"], "consent": {"text": f"{tag}-only consent to keep this card", "accepted": True}}), 201)
    enrollment = _ok(c.post("/v1/autopay_enrollments", json={"customer": customer, "payment_method": method["id"],
                                                             "rule": {"when": {"on": "due_date"}}}), 201)
    _ok(c.post("/v1/api_keys", json={"scope": "read", "name": f"{tag}-only reader"}), 201)
    staff = _ok(c.post("/v1/staff_users", json={"email": f"clerk@{tag}-only.example", "name": f"{tag}-only clerk",
                                                "role": "terminal"}), 201)
    endpoint = _ok(c.post("/v1/webhook_endpoints", json={"url": f"https://hooks.{tag}-only.example/payhub",
                                                         "description": f"{tag}-only receiver"}), 201)
    _ok(c.post(f"/v1/webhook_endpoints/{endpoint['id']}/test"), 202)
    _ok(c.patch(f"/v1/extensions/{EXTENSION}", json={"enabled": True}))
    _ok(c.put("/v1/fee_policy", json={"convenience_fees": [{"priority": 10, "methods": ["card"], "percent": "2.95",
                                                            "minimum": 195, "currency": "USD"}]}))
    _ok(c.put("/v1/routing/rules", json={"default": ["simulator"], "rules": [
        {"id": f"{tag}-only-rule", "priority": 1, "when": {"amount_min": 100}, "gateways": ["simulator"]}]}))
    _ok(c.put("/v1/portal_settings", json={"enabled": True, "support_email": f"help@{tag}-only.example"}))
    document = (f"version: 1\nentities:\n  {t.entity}:\n    branding: {{portal_name: {tag}-only portal}}\n"
                f"    webhook_endpoints:\n      main:\n        url: https://hooks.{tag}-only.example/payhub\n"
                f"        description: {tag}-only receiver\n      config:\n"
                f"        url: https://config.{tag}-only.example/hooks\n")
    base = _ok(c.post("/v1/config/plan", json={"document": document}))["base_version"]
    version = _ok(c.post("/v1/config/apply", json={"document": document, "base_version": base}))["version"]
    with services.transaction() as s:
        fan_out(s, now(), 1_000)  # the payment's events become deliveries to the endpoints
    booked = now().isoformat()
    reference = paid["gateway"]["reference"]
    report = ("batch_id,line_type,reference,merchant_reference,currency,gross,fee,net,booked_at,dispute_reference,"
              f"reason_code,description\n{tag}_batch,payment,{reference},{paid['id']},USD,5000,175,4825,{booked},,,\n"
              f"{tag}_batch,chargeback,{reference},{paid['id']},USD,-1000,1500,-2500,{booked},dp_{tag}_only,4837,"
              f"{tag}-only chargeback\n{tag}_batch,fee,,,USD,0,2500,-2500,{booked},,,{tag}-only monthly fee\n")
    batch = _ok(c.post("/v1/settlements/import", data={"gateway": "simulator"},
                       files={"file": (f"{tag}-only.csv", report.encode(), "text/csv")}), 201)["batches"][0]
    run = _ok(c.post("/v1/reconciliation/runs", json={}), 201)
    exception = _ok(c.get("/v1/reconciliation/exceptions"))["data"][0]
    dispute = _ok(c.get("/v1/disputes"))["data"][0]
    events = _ok(c.get("/v1/events"))["data"]
    assert events, "no events: the isolation check would prove nothing for them"
    t.samples.update({"invoice_id": invoice, "customer_id": customer, "payment_id": paid["id"],
                      "refund_id": refund["id"], "endpoint_id": endpoint["id"], "event_id": events[0]["id"],
                      "entity_id": t.entity, "version": str(version),
                      "enrollment_id": enrollment["id"], "staff_user_id": staff["id"], "batch_id": batch["id"],
                      "run_id": run["id"], "exception_id": exception["id"], "dispute_id": dispute["id"]})


def _get_routes(app: FastAPI) -> list[Any]:
    """Every GET route of the app; non-API routes (docs, spec) must be GLOBAL."""
    # (the portal's pages are signed in by cookie session, not by key: tests/portal shows one customer's receipts
    # are not another's, and a session is bound to its entity)
    routes = [r for r in api_routes(app) if "GET" in r.methods and not r.path.startswith("/portal/")]
    others = [getattr(r, "path", "") for r in app.routes
              if not isinstance(r, APIRoute) and "GET" in (getattr(r, "methods", None) or set())]
    assert set(others) <= GLOBAL, f"non-API GET routes {set(others) - GLOBAL}: isolate them or list them as global"
    return routes


def _path(route: Any, samples: dict[str, str]) -> str:
    path = str(route.path)
    for param in route.dependant.path_params:
        assert param.name in samples, (f"{route.path}: no sample id for path parameter {param.name!r}; create one "
                                       "in _populate so this route's isolation is tested")
        path = path.replace("{" + param.name + "}", samples[param.name])
    return path


def _reads(app: FastAPI, t: Tenant) -> Iterator[tuple[Any, str, Any]]:
    """(route, path, response) for every non-global GET route, read with the tenant's own ids."""
    for route in _get_routes(app):
        if route.path in GLOBAL:
            continue
        path = _path(route, t.samples)
        yield route, path, (t.token if route.path in CUSTOMER_ONLY else t.admin).get(path)


def _harvest(app: FastAPI, t: Tenant) -> None:
    for _route, path, response in _reads(app, t):
        assert response.status_code == 200, (path, response.status_code, response.text)
        t.ids |= set(ID.findall(response.text))


def _leaks(text: str, other: Tenant, sent: str = "") -> list[str]:
    """The other tenant's ids and strings in `text`, except those the caller itself sent (`sent`)."""
    return sorted(m for m in other.ids | other.strings if m in text and m not in sent)


@pytest.fixture
def tenants(app: FastAPI, services: Services, keys: dict[str, str]) -> Iterator[tuple[Tenant, Tenant]]:
    registry.register(Extension(name=EXTENSION, version="1.0.0", hook_api=1, hooks={}))
    with services.transaction() as s:
        _, platform_secret = create_key(s, None, "admin", now(), name="platform")
    # The platform key names ent_demo while creating ent_bravo: ent_demo's trail must not learn of it.
    with TestClient(app, headers={"Authorization": f"Bearer {platform_secret}", "PayHub-Entity": "ent_demo"}) as p:
        bravo = _ok(p.post("/v1/entities", json={"id": "ent_bravo", "name": "Bravo Only Holdings",
                                                 "default_currency": "USD"}), 201)
    with services.transaction() as s:
        create_customer(s, "ent_bravo", "cus_bravo_only", "Bravo Only Customer", "ap@bravo-only.example")
        create_invoice(s, company_id="ent_bravo", customer_id="cus_bravo_only", invoice_id="inv_bravo_only_9001",
                       number="BRAVO-ONLY-9001", currency="USD", lines=[("Bravo-only widgets", 3, 40_000)],
                       terms="Net 30", issued_on=now().date(), due_on=now().date())
    clients: list[TestClient] = []

    def tenant(entity: str, admin_secret: str, customer: str) -> Tenant:
        admin = TestClient(app, headers={"Authorization": f"Bearer {admin_secret}"})
        clients.append(admin.__enter__())
        token = _ok(admin.post("/v1/customer_tokens", json={"customer": customer}), 201)["token"]
        customer_client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
        clients.append(customer_client.__enter__())
        return Tenant(entity, admin, customer_client)

    try:
        alpha = tenant("ent_demo", keys["admin"], "cus_acme")
        alpha.strings |= {"Demo Supplies", "INV-1001", "Acme Builders"}
        beta = tenant("ent_bravo", bravo["admin_key"]["secret"], "cus_bravo_only")
        beta.strings |= {"BRAVO-ONLY-9001", "Bravo-only widgets", "Bravo Only Customer"}
        _populate(alpha, services, "alpha", "inv_acme_1001", "cus_acme")
        _populate(beta, services, "bravo", "inv_bravo_only_9001", "cus_bravo_only")
        for t in (alpha, beta):
            _harvest(app, t)
        yield alpha, beta
    finally:
        for client in reversed(clients):
            client.__exit__(None, None, None)
        registry.unregister(EXTENSION)


def test_the_harvest_covers_every_kind_of_object(tenants: tuple[Tenant, Tenant]) -> None:
    """The markers hold an id of each kind of object, so the isolation test below cannot pass vacuously;
    and no id is seen by both entities (an overlap is itself a leak, through some route)."""
    alpha, bravo = tenants
    assert alpha.ids.isdisjoint(bravo.ids), f"ids both entities see: {sorted(alpha.ids & bravo.ids)}"
    for t in tenants:
        prefixes = {found.split("_")[0] for found in t.ids}
        assert prefixes >= {"aud", "del", "evt", "key", "pay", "pm", "rfd", "we", "stb", "stl", "rcr", "rce", "dsp"}, \
            prefixes
        assert set(t.samples.values()) - {t.samples["version"]} <= t.ids | t.strings | {
            t.samples["invoice_id"], t.samples["customer_id"]}

    # Installed extensions are global, but whether one runs is each entity's own setting.
    assert _ok(bravo.admin.patch(f"/v1/extensions/{EXTENSION}", json={"enabled": False}))["enabled"] is False
    seen = {e["name"]: e["enabled"] for e in _ok(alpha.admin.get("/v1/extensions"))["data"]}
    assert seen[EXTENSION] is True


def test_no_route_shows_another_entitys_data(app: FastAPI, tenants: tuple[Tenant, Tenant]) -> None:
    for me, other in (tenants, tenants[::-1]):
        _check_isolation(app, me, other)


def _check_isolation(app: FastAPI, me: Tenant, other: Tenant) -> None:
    checked = 0
    for route in _get_routes(app):
        if route.path in GLOBAL:
            continue
        own = _path(route, me.samples)
        for caller in (me.admin, me.token):
            response = caller.get(own)
            if caller is me.token and response.status_code in (403, 404):
                continue  # a customer token may not use this route, or not see this object
            if caller is me.admin and route.path in CUSTOMER_ONLY:
                assert response.status_code == 403, (own, response.status_code)
                continue
            assert response.status_code == 200, (own, response.status_code, response.text)
            assert not _leaks(response.text, other), (own, _leaks(response.text, other))
            checked += 1
            for param in route.dependant.query_params:  # filters naming the other tenant's objects
                value = other.samples.get(f"{param.name}_id")
                if value is not None:
                    filtered = caller.get(own, params={param.name: value})
                    assert filtered.status_code in (200, 404), (own, param.name, filtered.text)
                    assert not _leaks(filtered.text, other, value), (own, param.name, _leaks(filtered.text, other))
        if route.dependant.path_params:  # the other tenant's object by id does not exist for me
            foreign = _path(route, other.samples)
            for caller, statuses in ((me.admin, {404}), (me.token, {403, 404})):
                response = caller.get(foreign)
                assert response.status_code in statuses, (foreign, response.status_code, response.text)
                assert not _leaks(response.text, other, foreign), (foreign, _leaks(response.text, other, foreign))
        named = me.admin.get(own, headers={"PayHub-Entity": other.entity})  # naming the other entity
        if route.path in CUSTOMER_ONLY:
            continue
        assert named.status_code == 404 and not _leaks(named.text, other, other.entity), (own, named.text)
    assert checked >= 25, "too few routes were read: the route table or the samples are wrong"
