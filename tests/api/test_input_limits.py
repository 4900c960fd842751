"""Input limits through HTTP, on SQLite and PostgreSQL: time-zone-naive dates, amounts past the maximum,
control characters (NUL included) in bodies, paths and queries, body size, authentication before the body,
invalid cursors, request ids, 404 bodies, unexpected errors (problem+json, connection kept), metrics."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import structlog
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from payhub.api.app import create_app, operation
from payhub.auth.keys import create_key
from payhub.domain.money import MAX_AMOUNTS, MAX_SAFE_MINOR_UNITS
from payhub.logs import scrub_database_errors
from payhub.services import Services
from payhub.settings import DEFAULT_SECRET_KEY, Settings
from payhub.store import repo
from payhub.store.db import make_engine
from tests.api.test_errors import assert_problem
from tests.api.test_security import api_routes, required_scope
from tests.config.conftest import DOC
from tests.conftest import now
from tests.helpers import counts, pay_body, usd

EMAIL = "leak.me@example.com"


def method(*args: Any) -> dict[str, Any]:
    return {"type": "card", "token": "tok_visa"}


def post(client: TestClient, path: str, body: dict[str, Any]) -> Any:
    """POST JSON with every non-ASCII character escaped, so lone surrogates can be sent."""
    return client.post(path, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


# --- dates without a time zone -------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/v1/payments", "/v1/events"])
@pytest.mark.parametrize("param", ["created_gte", "created_lt"])
def test_dates_without_a_time_zone_are_refused(client: TestClient, path: str, param: str) -> None:
    problem = assert_problem(client.get(path, params={param: "2026-01-01T00:00:00"}), 422, "validation_error")
    assert problem["errors"][0]["field"] == param
    assert client.get(path, params={param: "2026-01-01T00:00:00Z"}).status_code == 200
    assert client.get(path, params={param: "2026-01-01T00:00:00+02:00"}).status_code == 200


def test_webhook_replay_window_needs_a_time_zone(admin: TestClient) -> None:
    response = admin.post("/v1/webhook_endpoints/we_missing/replay", params={"since": "2026-01-01T00:00:00"})
    assert_problem(response, 422, "validation_error")


# --- amounts ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "code"), [
    (2**63, "number_too_large"), (2**64 + 5, "number_too_large"), (-(2**63), "number_too_large"),
    (2**53, "number_too_large"), (MAX_AMOUNTS["USD"] + 1, "amount_too_large"),
])
def test_amounts_past_the_maximum_are_refused(client: TestClient, services: Services, amount: int,
                                              code: str) -> None:
    before = counts(services)
    unapplied = {"customer": "cus_acme", "unapplied": usd(amount), "payment_method": method()}
    assert_problem(client.post("/v1/payments", json=unapplied), 422, code)
    assert_problem(client.post("/v1/payments", json=pay_body("inv_acme_1001", amount)), 422, code)
    token = {"customer": "cus_acme", "max_amount": usd(amount)}
    assert_problem(client.post("/v1/customer_tokens", json=token), 422, code)
    assert counts(services) == before


def test_every_currency_maximum_is_safe_for_javascript_and_accepted_up_to_it(client: TestClient) -> None:
    assert all(0 < top <= MAX_SAFE_MINOR_UNITS for top in MAX_AMOUNTS.values())
    top = {"customer": "cus_acme", "max_amount": usd(MAX_AMOUNTS["USD"])}
    created = client.post("/v1/customer_tokens", json=top)
    assert created.status_code == 201, created.text
    assert created.json()["max_amount"]["amount"] == MAX_AMOUNTS["USD"]


def test_big_integers_anywhere_in_a_body_are_refused(admin: TestClient) -> None:
    rules = {"default": ["simulator"], "rules": [], "exploration_percent": 2**63}
    problem = assert_problem(admin.put("/v1/routing/rules", json=rules), 422, "number_too_large")
    assert problem["errors"] == [{"field": "exploration_percent", "code": "number_too_large",
                                  "message": problem["errors"][0]["message"]}]


# --- control characters ----------------------------------------------------------------------------

BAD_TEXT = ["a\x00b", "\x00", "a\x1bb", "a\x7fb", "a\ud800b"]


@pytest.mark.parametrize("bad", BAD_TEXT)
def test_control_characters_in_text_fields_are_refused(client: TestClient, admin: TestClient, services: Services,
                                                       bad: str) -> None:
    before = counts(services)
    for body, field in [
        (pay_body("inv_acme_1001", 100, description=bad), "description"),
        (pay_body("inv_acme_1001", 100, metadata={"po": bad}), "metadata.po"),
        (pay_body("inv_acme_1001", 100, metadata={bad: "x"}), "metadata"),
        (pay_body(bad, 100), "allocations.0.invoice"),
    ]:
        problem = assert_problem(post(client, "/v1/payments", body), 422, "control_characters")
        assert problem["errors"][0]["field"] == field
    assert counts(services) == before
    paid = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000))
    assert paid.status_code == 201, paid.text
    refund = {"payment": paid.json()["id"], "amount": usd(100), "reason": bad}
    assert_problem(post(client, "/v1/refunds", refund), 422, "control_characters")
    assert client.get(f"/v1/payments/{paid.json()['id']}").json()["amount_refunded"] == usd(0)
    account = {"erp_customer": "cus_acme", "email": "a@example.com", "settings": {"k": bad}}
    assert_problem(post(admin, "/v1/customers", account), 422, "control_characters")


def test_tabs_and_line_breaks_are_text(client: TestClient) -> None:
    paid = client.post("/v1/payments", json=pay_body("inv_acme_1001", 100, description="line one\n\tline two\r\n"))
    assert paid.status_code == 201, paid.text


def test_control_characters_in_a_csv_body_are_refused(admin: TestClient) -> None:
    csv = "erp_customer,email\ncus_acme,a\x00@example.com\n"
    response = admin.post("/v1/customers/import", content=csv.encode(), headers={"Content-Type": "text/csv"})
    assert_problem(response, 422, "control_characters")


@pytest.mark.parametrize("path", ["/v1/payments/pay_%00x", "/v1/invoices/inv%00", "/v1/events/evt_%01",
                                  "/v1/customers/cus_%00acme"])
def test_control_characters_in_paths_get_404(client: TestClient, admin: TestClient, path: str) -> None:
    for c in (client, admin):
        assert_problem(c.get(path), 404, "not_found")
    assert_problem(client.post("/v1/payments/pay_%00x/capture"), 404, "not_found")


@pytest.mark.parametrize("query", ["customer=cus_%00acme", "status=%00", "starting_after=pay_%00",
                                   "x%00=1"])
def test_control_characters_in_queries_get_422(client: TestClient, query: str) -> None:
    assert_problem(client.get(f"/v1/payments?{query}"), 422, "control_characters")


def test_entity_create_refuses_control_characters_like_update(app: FastAPI, services: Services,
                                                              admin: TestClient) -> None:
    with services.transaction() as s:
        _, secret = create_key(s, None, "admin", now(), name="platform")
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as platform:
        for name in ("Acme\x00", "Acme\nGmbH", "Acme\x1f"):
            body = {"id": "ent_ctl", "name": name, "default_currency": "EUR"}
            assert platform.post("/v1/entities", json=body).status_code == 422
            assert admin.patch("/v1/entities/ent_demo", json={"name": name}).status_code == 422
        assert platform.get("/v1/entities").json()["data"] and "ent_ctl" not in {
            e["id"] for e in platform.get("/v1/entities").json()["data"]}


@pytest.mark.parametrize(("find", "replace"), [
    ("name: Demo Supplies Co.", 'name: "Demo\\0 Supplies"'),
    ("url: https://erp.example.com/payhub", 'url: "https://erp.example.com/pay\\x1bhub"'),
    ("ent_demo:", '"ent_\\0demo":'),
])
def test_control_characters_in_configuration_files_are_refused(admin: TestClient, find: str, replace: str) -> None:
    """YAML escapes ("\\0") decode to control characters the JSON body does not show."""
    document = DOC.split("  ent_acme:\n")[0].replace(find, replace)
    for path, body in (("/v1/config/plan", {"document": document}),
                       ("/v1/config/apply", {"document": document, "base_version": 1})):
        problem = assert_problem(admin.post(path, json=body), 422, "config_invalid")
        assert [e["code"] for e in problem["errors"]] == ["control_characters"]


# --- request body size and authentication before the body -----------------------------------------

@pytest.fixture
def small(services: Services, keys: dict[str, str]) -> Iterator[TestClient]:
    app = create_app(services, Settings(database_url="sqlite://", secret_key="test-secret", max_body_bytes=2_000))
    with TestClient(app, headers={"Authorization": f"Bearer {keys['payments']}"}) as c:
        yield c


def test_the_body_limit_is_one_mebibyte_by_default_and_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().max_body_bytes == 1024 * 1024
    monkeypatch.setenv("PAYHUB_MAX_BODY_BYTES", "4096")
    assert Settings().max_body_bytes == 4096


def test_bodies_over_the_limit_get_413(small: TestClient, services: Services) -> None:
    big = pay_body("inv_acme_1001", 100, description="x" * 3_000)
    assert_problem(small.post("/v1/payments", json=big), 413, "payload_too_large")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the streamed bytes are counted
        yield b'{"allocations": [], "description": "'
        for _ in range(10):
            yield b"y" * 500
        yield b'"}'

    streamed = small.post("/v1/payments", content=chunks(), headers={"Content-Type": "application/json"})
    assert_problem(streamed, 413, "payload_too_large")
    assert counts(services) == (0, 0)
    assert small.post("/v1/payments", json=pay_body("inv_acme_1001", 100)).status_code == 201


def test_an_anonymous_body_gets_401_whatever_it_is(app: FastAPI, small: TestClient) -> None:
    with TestClient(app) as anonymous:
        for content in (b"x" * (10 * 1024 * 1024), b'{"allocations": [', b"{}"):
            for headers in ({}, {"Authorization": "Bearer phk_payments_not-a-real-key"}):
                response = anonymous.post("/v1/payments", content=content,
                                          headers={"Content-Type": "application/json", **headers})
                assert response.status_code == 401, (len(content), headers, response.text)
                assert response.headers["content-type"].startswith("application/problem+json")
    with TestClient(small.app) as anonymous:  # under a small limit too: 401 before 413
        assert anonymous.post("/v1/payments", content=b"x" * 50_000).status_code == 401


def test_authentication_runs_before_any_body_on_every_route(app: FastAPI) -> None:
    """From the route table: every authenticated route with a body answers an anonymous, malformed one 401."""
    checked = 0
    with TestClient(app) as anonymous:
        for route in api_routes(app):
            if route.body_field is None or required_scope(route) is None:
                continue
            path = route.path
            for param in route.dependant.path_params:
                path = path.replace("{" + param.name + "}", "x_missing")
            for verb in route.methods:
                response = anonymous.request(verb, path, content=b'{"broken": ',
                                             headers={"Content-Type": "application/json"})
                assert response.status_code == 401, (verb, path, response.status_code)
                checked += 1
    assert checked > 15


def test_the_server_answers_401_without_reading_a_large_body(live_url: str) -> None:
    """Over a real socket: headers announce 10 MB, only 1 KB is sent, and the 401 comes back at once."""
    url = urlsplit(live_url)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(b"POST /v1/payments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 10485760\r\n\r\n" + b"x" * 1024)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert b"application/problem+json" in answer


# --- cursors ---------------------------------------------------------------------------------------

def test_invalid_cursors_get_400_on_every_list(app: FastAPI, admin: TestClient) -> None:
    checked = 0
    for route in api_routes(app):
        page = next((d.call for d in route.dependant.dependencies if hasattr(d.call, "cursor")), None)
        if page is None:
            continue
        path = route.path
        for param in route.dependant.path_params:
            path = path.replace("{" + param.name + "}", "we_missing")
        other = "evt_0mx3slzez00kcgheozuujy6" if page.cursor != "evt" else "pay_0mx3slzez00kcgheozuujy6"
        for cursor in ("x", "1' or 1=1", other, "-1", "0", "9" * 40):
            assert_problem(admin.get(path, params={"starting_after": cursor}), 400, "invalid_cursor")
        checked += 1
    assert checked >= 7, "the lists use typed pages (deps.PaymentPage …)"


def test_a_valid_cursor_pages(client: TestClient) -> None:
    for amount in (100, 200, 300):
        assert client.post("/v1/payments", json=pay_body("inv_acme_1001", amount)).status_code == 201
    first = client.get("/v1/payments", params={"limit": 2}).json()
    second = client.get("/v1/payments", params={"limit": 2, "starting_after": first["next_cursor"]}).json()
    assert len(first["data"]) == 2 and len(second["data"]) == 1 and not second["has_more"]


def test_routing_rule_versions_cursor(admin: TestClient) -> None:
    for _ in range(2):
        assert admin.put("/v1/routing/rules", json={"default": ["simulator"], "rules": []}).status_code == 200
    page = admin.get("/v1/routing/rules/versions", params={"limit": 1}).json()
    rest = admin.get("/v1/routing/rules/versions", params={"starting_after": page["next_cursor"]}).json()
    assert [v["id"] for v in page["data"] + rest["data"]] == ["2", "1"]
    assert_problem(admin.get("/v1/routing/rules/versions", params={"starting_after": "x"}), 400, "invalid_cursor")


# --- request ids, 404 bodies ----------------------------------------------------------------------

@pytest.mark.parametrize("incoming", ["<script>alert(1)</script>", "a b", "x" * 129, "é", "a\tb"])
def test_unsafe_request_ids_are_replaced(client: TestClient, incoming: str) -> None:
    response = client.get("/v1/payments", headers={"X-Request-Id": incoming.encode()})
    assert response.headers["x-request-id"].startswith("req_")


def test_safe_request_ids_are_echoed(client: TestClient) -> None:
    for incoming in ("abc-123", "trace:1.2_3", "x" * 128):
        assert client.get("/v1/payments", headers={"X-Request-Id": incoming}).headers["x-request-id"] == incoming


@pytest.mark.parametrize("path", ["/v1/payments/pay_<script>zz", "/v1/refunds/rfd_<b>zz", "/v1/invoices/inv_<i>zz",
                                  "/v1/events/evt_<u>zz", "/v1/no_such_route_<s>zz"])
def test_404_bodies_do_not_echo_the_path(admin: TestClient, path: str) -> None:
    response = admin.get(path)
    assert response.status_code == 404 and response.headers["content-type"].startswith("application/problem+json")
    assert "zz" not in response.text and "<" not in response.text


def test_404_for_an_unknown_entity_header_does_not_echo_it(admin: TestClient) -> None:
    response = admin.get("/v1/payments", headers={"PayHub-Entity": "ent_<zz>"})
    assert response.status_code == 404 and "zz" not in response.text


# --- unexpected errors: problem+json, connection kept, no SQL parameters in logs ------------------

def test_an_unexpected_error_is_a_problem_and_the_connection_stays_usable(
        live_url: str, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(repo, "list_payments", broken)
    url = urlsplit(live_url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=30)
    headers = {"Authorization": f"Bearer {keys['read']}"}
    try:
        conn.request("GET", "/v1/payments", headers=headers)
        failed = conn.getresponse()
        body = failed.read()
        assert failed.status == 500 and failed.getheader("content-type", "").startswith("application/problem+json")
        assert b'"internal_error"' in body and failed.getheader("x-request-id")
        sock = conn.sock
        assert sock is not None, "the server closed the connection after a 500"
        conn.request("GET", "/v1/events", headers=headers)  # the same connection
        again = conn.getresponse()
        again.read()
        assert again.status == 200 and conn.sock is sock
    finally:
        conn.close()


def test_database_errors_never_carry_sql_parameters(db_url: str, client: TestClient,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(DBAPIError) as info, engine.connect() as conn:
            conn.execute(text("SELECT * FROM no_such_table WHERE email = :email"), {"email": EMAIL})
        assert EMAIL not in str(info.value)
    finally:
        engine.dispose()

    def failing(s: Any, *args: Any, **kwargs: Any) -> Any:
        return s.execute(text("SELECT * FROM no_such_table WHERE email = :email"), {"email": EMAIL})

    monkeypatch.setattr(repo, "list_payments", failing)
    with structlog.testing.capture_logs() as logs:
        response = client.get("/v1/payments")
    assert_problem(response, 500, "internal_error")
    assert EMAIL not in response.text
    errors = [entry for entry in logs if entry["event"] == "unhandled_error"]
    assert errors and errors[0]["db_error"] and EMAIL not in repr(logs)


def test_logged_database_errors_never_quote_row_values(db_url: str) -> None:
    """A unique violation's message quotes the row on PostgreSQL (DETAIL: Key (email)=(…)); logs keep the class,
    SQLSTATE and stack only, however the error is logged (log.exception in the pipeline, chained errors)."""
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE leak_probe (email VARCHAR(200) PRIMARY KEY)"))
        with pytest.raises(DBAPIError) as info, engine.begin() as conn:
            for _ in range(2):
                conn.execute(text("INSERT INTO leak_probe (email) VALUES (:email)"), {"email": EMAIL})
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE leak_probe"))
        engine.dispose()
    try:
        raise RuntimeError("posting failed") from info.value
    except RuntimeError as chained:
        wrapped = chained
    render = structlog.processors.JSONRenderer()
    for error in (info.value, wrapped):
        event = scrub_database_errors(None, "error", {"event": "posting.connector_error", "exc_info": error})
        line = render(None, "error", structlog.processors.format_exc_info(None, "error", event))
        assert EMAIL not in str(line) and "SQLSTATE" in str(line) and "test_input_limits.py" in str(line)
    plain = scrub_database_errors(None, "error", {"event": "x", "exc_info": ValueError("not a database error")})
    assert isinstance(plain["exc_info"], ValueError)


# --- other problems, secret key, metrics ----------------------------------------------------------

def test_other_errors_are_problems(client: TestClient) -> None:
    assert_problem(client.delete("/v1/payments"), 405, "method_not_allowed")
    assert_problem(client.get("/v1/nothing_here"), 404, "not_found")
    assert_problem(client.get("/v1/payments", headers={"PayHub-Version": "1999-01-01"}), 400, "api_version_unknown")


def test_the_default_secret_key_warns_and_production_refuses_it(services: Services) -> None:
    services.secret_key = DEFAULT_SECRET_KEY
    with structlog.testing.capture_logs() as logs:
        create_app(services)
    assert [e for e in logs if e["event"] == "insecure_secret_key" and e["log_level"] == "warning"]
    services.secret_key = "test-secret"
    with structlog.testing.capture_logs() as logs:
        create_app(services)
    assert not [e for e in logs if e["event"] == "insecure_secret_key"]
    with pytest.raises(ValueError, match="PAYHUB_SECRET_KEY"):
        Settings(env="production")
    with pytest.raises(ValueError, match="PAYHUB_VAULT_KEYS"):
        Settings(env="production", secret_key="a-real-secret")
    keys = {"k1": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}
    assert Settings(env="production", secret_key="a-real-secret", vault_keys=keys).env == "production"


def test_metrics_labels_name_each_operation(app: FastAPI, client: TestClient) -> None:
    labels = [operation(route) for route in api_routes(app)]
    assert len(labels) == len(set(labels)), sorted({x for x in labels if labels.count(x) > 1})
    client.post("/v1/customer_tokens", json={"customer": "cus_acme"})
    exposition = client.get("/metrics").text
    assert 'route="create_customer_token"' in exposition and 'route="create"' not in exposition


def test_metrics_can_require_a_token(services: Services) -> None:
    app = create_app(services, Settings(database_url="sqlite://", secret_key="test-secret", metrics_token="m-tok"))
    with TestClient(app) as c:
        assert_problem(c.get("/metrics"), 401, "unauthenticated")
        assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer m-tok"}).status_code == 200
        assert c.get("/healthz").status_code == 200
    with TestClient(create_app(services)) as open_metrics:
        assert open_metrics.get("/metrics").status_code == 200
