"""The API conforms to its own /openapi.json. schemathesis (its CLI, in a separate process) reads the spec from
a live server over the seeded demo data and, with an admin key, runs every operation: the spec's examples,
boundary cases (coverage), generated valid and invalid requests (fuzzing), and sequences that follow the spec's
links (stateful: payment → capture → refund). No response may be a 5xx, and every status code, content type
and body must be the documented ones. Bounded and deterministic: few examples per operation, no randomness."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub.api.schemas import PaymentCreate
from tests.helpers import card, pay_body

PUBLIC = {"healthz", "readyz", "get_widget_manifest", "receive_gateway_notifications"}


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in spec["paths"].items() for method, op in item.items()]


def test_the_spec_declares_bearer_auth_on_every_operation_that_needs_it(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for method, path, op in operations(spec):
        secured = op.get("security") == [{"bearerAuth": []}]
        assert secured == (op["operationId"] not in PUBLIC), (method, path)
        if secured:
            assert {"401", "403", "429"} <= set(op["responses"]), (method, path)
    assert client.get("/v1/payments", headers={"Authorization": ""}).status_code == 401


def test_every_error_response_is_documented_as_problem_json(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # FastAPI's {detail: [...]} is never sent
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code"}
    for method, path, op in operations(spec):
        errors = {code: response for code, response in op["responses"].items() if code[0] in "45"}
        assert {"400", "422", "500"} <= set(errors), (method, path)
        for response in errors.values():
            resolved = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            assert resolved["content"] == {"application/problem+json": {"schema": {
                "$ref": "#/components/schemas/Problem"}}}
    by_id = {op["operationId"]: op for _, _, op in operations(spec)}
    assert {"402", "409", "413", "502", "504"} <= set(by_id["create_payment"]["responses"])
    assert "404" in by_id["get_refund"]["responses"] and "402" not in by_id["get_refund"]["responses"]
    invalid = client.post("/v1/payments", json={"payment_method": {"type": "card"}})
    assert invalid.status_code == 422 and invalid.headers["content-type"] == "application/problem+json"


def test_payment_methods_are_a_union_discriminated_by_type(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    method = schemas["PaymentCreate"]["properties"]["payment_method"]
    kinds = {"card": "CardMethodIn", "ach": "AchMethodIn", "token": "TokenMethodIn", "saved": "SavedMethodIn"}
    assert method["discriminator"] == {"propertyName": "type", "mapping": {
        tag: f"#/components/schemas/{name}" for tag, name in kinds.items()}}
    assert method["oneOf"] == [{"$ref": f"#/components/schemas/{name}"} for name in kinds.values()]
    card_method = schemas["CardMethodIn"]
    assert card_method["oneOf"] == [{"required": ["token"]}, {"required": ["card"]}]  # exactly one source
    assert card_method["additionalProperties"] is False and "ach" not in card_method["properties"]
    assert schemas["AchMethodIn"]["required"] == ["type", "ach"]
    assert schemas["TokenMethodIn"]["required"] == ["type", "token"]
    assert schemas["SavedMethodIn"]["required"] == ["type", "payment_method"]


@pytest.mark.parametrize(("method", "field"), [
    ({"type": "card"}, "payment_method"),
    ({"type": "card", "token": "tok_visa", "card": card()["card"]}, "payment_method"),
    ({"type": "card", "card": {**card()["card"], "exp_month": "x"}}, "payment_method.card.exp_month"),
    ({"type": "ach", "token": "tok_visa", "ach": {"routing_number": "110000000", "account_number": "1"}},
     "payment_method.token"),
    ({"type": "ach"}, "payment_method.ach"),
    ({"type": "paypal", "token": "tok_visa"}, "payment_method"),
])
def test_invalid_payment_methods_name_the_field(client: TestClient, method: dict[str, Any], field: str) -> None:
    response = client.post("/v1/payments", json=pay_body("inv_acme_1001", 100, method=method))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]  # no union tag in the name


def test_payment_method_fingerprint_keeps_its_shape() -> None:
    """Idempotency fingerprints hash the dumped body: it names every source, as before the union."""
    body = PaymentCreate.model_validate(pay_body("inv_acme_1001", 100, method={"type": "card", "token": "tok_visa"}))
    assert body.model_dump(mode="json")["payment_method"] == {"type": "card", "token": "tok_visa", "card": None,
                                                              "ach": None}


def test_links_lead_from_a_payment_to_its_capture_void_and_refunds(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    by_id = {op["operationId"]: op for _, _, op in operations(spec)}
    links = by_id["create_payment"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} >= {"get_payment", "capture_payment", "void_payment",
                                                                "create_refund"}
    assert links["CapturePayment"]["parameters"] == {"payment_id": "$response.body#/id"}
    assert links["RefundPayment"]["requestBody"] == {"payment": "$response.body#/id"}
    assert by_id["create_refund"]["responses"]["201"]["links"]["GetRefund"]["parameters"] == {
        "refund_id": "$response.body#/id"}
    # every link names an operation that exists, and parameters it has
    for op in by_id.values():
        for response in op["responses"].values():
            for link in response.get("links", {}).values():
                target = by_id[link["operationId"]]
                assert set(link.get("parameters", {})) <= {p["name"] for p in target.get("parameters", [])}

CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance"]
MAX_EXAMPLES = 6  # per operation and mode; with the coverage phase's boundary cases, ~1,400 requests


def resolve(expression: str, body: dict[str, Any]) -> Any:
    """A link's runtime expression over a response body (`$response.body#/id`)."""
    value: Any = body
    for part in expression.removeprefix("$response.body#/").split("/"):
        value = value[part]
    return value


def test_links_lead_a_client_through_capture_refund_and_void(admin: TestClient) -> None:
    spec = admin.get("/openapi.json").json()
    by_id = {op["operationId"]: (method, path, op) for method, path, op in operations(spec)}

    def links(op_id: str, status: str) -> dict[str, Any]:
        return by_id[op_id][2]["responses"][status]["links"]  # type: ignore[no-any-return]

    def follow(link: dict[str, Any], source: dict[str, Any], expected: int) -> dict[str, Any]:
        method, path, op = by_id[link["operationId"]]
        params = {name: resolve(expr, source) for name, expr in link.get("parameters", {}).items()}
        body = {name: resolve(expr, source) for name, expr in link.get("requestBody", {}).items()}
        response = admin.request(method, path.format(**params), json=body or None)
        assert response.status_code == expected, (link, response.text)
        assert str(response.status_code) in op["responses"]
        return response.json()  # type: ignore[no-any-return]

    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, capture_method="manual")).json()
    assert follow(links("create_payment", "201")["GetPayment"], payment, 200)["id"] == payment["id"]
    captured = follow(links("create_payment", "201")["CapturePayment"], payment, 200)
    assert captured["status"] == "captured"
    refund = follow(links("capture_payment", "200")["RefundPayment"], captured, 201)
    assert follow(links("create_refund", "201")["GetRefund"], refund, 200)["id"] == refund["id"]
    refunded = follow(links("create_refund", "201")["GetRefundedPayment"], refund, 200)
    assert refunded["amount_refunded"]["amount"] == 5_000
    other = admin.post("/v1/payments", json=pay_body("inv_acme_1002", 3_000, capture_method="manual")).json()
    assert follow(links("create_payment", "201")["VoidPayment"], other, 200)["status"] == "voided"


def known_ids(admin: TestClient) -> dict[str, list[str]]:
    """Ids of real resources, so generated requests reach the code behind the 404s (and not only it)."""
    def ok(response: Any) -> dict[str, Any]:
        assert response.status_code < 300, response.text
        return response.json()  # type: ignore[no-any-return]

    authorized = ok(admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, capture_method="manual")))
    captured = ok(admin.post("/v1/payments", json=pay_body("inv_globex_2001", 7_000)))
    refund = ok(admin.post("/v1/refunds", json={"payment": captured["id"], "amount": {"amount": 1_000,
                                                                                       "currency": "USD"}}))
    endpoint = ok(admin.post("/v1/webhook_endpoints", json={"url": "https://hooks.example.com/payhub"}))
    key = ok(admin.post("/v1/api_keys", json={"scope": "read"}))
    events = ok(admin.get("/v1/events"))["data"]
    return {
        "invoices": ["inv_acme_1001", "inv_acme_1002", "inv_globex_2001", "inv_initech_3001"],
        "customers": ["cus_acme", "cus_globex", "cus_initech"],
        "payments": [authorized["id"], captured["id"]],
        "refunds": [refund["id"]],
        "endpoints": [endpoint["id"]],
        "keys": [key["id"]],
        "events": [e["id"] for e in events[:3]],
        "entities": ["ent_demo"],
        "extensions": [e["name"] for e in ok(admin.get("/v1/extensions"))["data"]] or ["none"],
        "tokens": ["tok_visa", "tok_mastercard", "tok_visa_debit"],
    }


# Where each dictionary's ids go; the rest of the time the generated (mostly unknown) values are sent.
BINDINGS = {
    "path.invoice_id": "invoices", "path.customer_id": "customers", "path.payment_id": "payments",
    "path.refund_id": "refunds", "path.endpoint_id": "endpoints", "path.key_id": "keys", "path.event_id": "events",
    "path.entity_id": "entities", "path.name": "extensions", "body.payment": "payments",
    "body.allocations[*].invoice": "invoices", "body.customer": "customers", "body.payment_method.token": "tokens",
}


def config_file(path: Path, api_key: str, ids: dict[str, list[str]]) -> Path:
    lines = [
        f"headers = {{ Authorization = {json.dumps('Bearer ' + api_key)} }}",
        "workers = 1",
        'suppress-health-check = ["all"]',
        "[generation]",
        f"max-examples = {MAX_EXAMPLES}",
        "deterministic = true",
        "with-security-parameters = false",
        "[checks]",
        "enabled = false",
        *[f"{check}.enabled = true" for check in CHECKS],
        "[phases.coverage]",
        'generation.mode = "positive"',  # its negative cases are ~3,400 requests; fuzzing sends invalid ones too
        "unexpected-methods = []",
        "[phases.stateful]",
        "max-steps = 10",
    ]
    for name, values in ids.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}"]
    lines.append("[parameters]")
    lines += [f'"{key}" = {{ dictionary = "{name}", probability = 0.6 }}' for key, name in BINDINGS.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_schemathesis(base_url: str, config: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
               f"{base_url}/openapi.json", "--no-color", *extra]
    # cwd: its cache directory stays out of the work tree
    return subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False, cwd=config.parent)


def test_every_operation_conforms_to_the_spec(live_url: str, admin: TestClient, keys: dict[str, str],
                                              tmp_path: Path) -> None:
    config = config_file(tmp_path / "schemathesis.toml", keys["admin"], known_ids(admin))
    result = run_schemathesis(live_url, config)
    if result.returncode != 0:
        pytest.fail(f"schemathesis found failures (exit {result.returncode}):\n{result.stdout[-30000:]}"
                    f"\n{result.stderr[-5000:]}")
    assert "passed" in result.stdout  # it ran tests
