"""CORS: the API answers cross-origin calls (and their preflights) for allow-listed origins only, and a customer
token works only from its own entity's origins (403 origin_not_allowed elsewhere)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.auth.keys import create_key
from payhub.services import Services
from payhub.store.models import Entity
from tests.conftest import now
from tests.helpers import pay_body
from tests.web.conftest import FOREIGN, HOST, OTHER, customer_token


def preflight(client: TestClient, origin: str, path: str = "/v1/customers/cus_acme/invoices",
              method: str = "GET") -> object:
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": "authorization,idempotency-key"})


@pytest.fixture
def other_entity(app: FastAPI, services: Services) -> Iterator[TestClient]:
    """A second entity whose portal (OTHER) is allow-listed: an origin CORS knows, but not the demo entity's."""
    with services.transaction() as s:
        s.add(Entity(id="ent_other", name="Other Co.", default_currency="USD", gateway="simulator",
                     posting_rules={}, created_at=now()))
        s.flush()
        secret = create_key(s, "ent_other", "admin", now())[1]
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as other:
        assert other.put("/v1/portal_settings", json={"allowed_origins": [OTHER]}).status_code == 200
        yield other


def test_preflight_for_an_allowed_origin(browser: TestClient, allow_host: list[str]) -> None:
    answer = preflight(browser, HOST, "/v1/payments", "POST")
    assert answer.status_code == 204  # type: ignore[attr-defined]
    headers = answer.headers  # type: ignore[attr-defined]
    assert headers["access-control-allow-origin"] == HOST
    assert {h.strip() for h in headers["access-control-allow-headers"].split(",")} == {
        "Authorization", "Content-Type", "Idempotency-Key", "PayHub-Version"}
    assert {"GET", "POST", "DELETE"} <= {m.strip() for m in headers["access-control-allow-methods"].split(",")}
    assert "access-control-allow-credentials" not in headers  # bearer tokens, never cookies
    assert "Origin" in headers["vary"] and int(headers["access-control-max-age"]) > 0


def test_preflight_for_any_other_origin_is_refused(browser: TestClient, allow_host: list[str]) -> None:
    for origin in (FOREIGN, "null", f"{HOST}.evil.example", "http://127.0.0.1:8002", "https://127.0.0.1:8001"):
        answer = preflight(browser, origin)
        assert answer.status_code == 403, origin  # type: ignore[attr-defined]
        assert answer.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
        assert answer.json()["code"] == "origin_not_allowed"  # type: ignore[attr-defined]
        assert "access-control-allow-origin" not in answer.headers  # type: ignore[attr-defined]


def test_responses_carry_cors_headers_for_allowed_origins_only(client: TestClient, allow_host: list[str]) -> None:
    allowed = client.get("/v1/payments", headers={"Origin": HOST})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == HOST
    exposed = {h.strip().lower() for h in allowed.headers["access-control-expose-headers"].split(",")}
    assert {"x-request-id", "idempotent-replayed"} <= exposed
    foreign = client.get("/v1/payments", headers={"Origin": FOREIGN})
    assert "access-control-allow-origin" not in foreign.headers and "Origin" in foreign.headers["vary"]
    assert "access-control-allow-origin" not in client.get("/v1/payments").headers  # no Origin: no CORS
    failed = client.get("/v1/payments/pay_missing", headers={"Origin": HOST})  # errors are readable too
    assert failed.status_code == 404 and failed.headers["access-control-allow-origin"] == HOST


def test_the_allow_list_union_follows_portal_settings(browser: TestClient, admin: TestClient) -> None:
    assert preflight(browser, HOST).status_code == 403  # type: ignore[attr-defined]
    assert admin.put("/v1/portal_settings", json={"allowed_origins": [HOST]}).status_code == 200
    assert preflight(browser, HOST).status_code == 204  # type: ignore[attr-defined]
    assert admin.put("/v1/portal_settings", json={"allowed_origins": []}).status_code == 200
    assert preflight(browser, HOST).status_code == 403  # type: ignore[attr-defined]


def test_a_customer_token_only_from_its_entitys_origins(browser: TestClient, client: TestClient,
                                                        allow_host: list[str], other_entity: TestClient) -> None:
    token = customer_token(client)
    path = "/v1/customers/cus_acme/invoices"
    auth = {"Authorization": f"Bearer {token}"}
    assert browser.get(path, headers={**auth, "Origin": HOST}).status_code == 200
    assert browser.get(path, headers=auth).status_code == 200  # no Origin: a server, or a same-origin GET
    own = browser.get(path, headers={**auth, "Origin": "http://testserver"})  # PayHub's own pages (/embed)
    assert own.status_code == 200
    for origin in (FOREIGN, OTHER):  # OTHER passes CORS (another entity lists it) but is not this entity's
        refused = browser.get(path, headers={**auth, "Origin": origin})
        assert refused.status_code == 403, origin
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "origin_not_allowed"
        assert "cus_acme" not in refused.text and "INV-" not in refused.text
    assert preflight(browser, OTHER).status_code == 204  # type: ignore[attr-defined]
    paid = browser.post("/v1/payments", headers={**auth, "Origin": OTHER, "Idempotency-Key": "from-other"},
                        json=pay_body("inv_acme_1001", 1_000))
    assert paid.status_code == 403 and paid.json()["code"] == "origin_not_allowed"
    assert client.get("/v1/payments").json()["data"] == []  # nothing was charged


def test_api_keys_are_not_bound_to_origins(client: TestClient, allow_host: list[str]) -> None:
    """A server's key is not a browser's: the Origin check applies to customer tokens (CORS still hides
    the response from a foreign page)."""
    assert client.get("/v1/payments", headers={"Origin": FOREIGN}).status_code == 200
