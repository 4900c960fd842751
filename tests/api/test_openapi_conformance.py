"""The API conforms to its own /openapi.json. schemathesis (its CLI, in a separate process) reads the spec from
a live server over the seeded demo data and, with an admin key, runs every operation: the spec's examples,
boundary cases (coverage), generated valid and invalid requests (fuzzing), and sequences that follow the spec's
links (stateful: payment → capture → refund). No response may be a 5xx, and every status code, content type
and body must be the documented ones. Bounded and deterministic: few examples per operation, no randomness."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub.api.schemas import PaymentCreate
from tests.helpers import card, pay_body

PUBLIC = {"healthz", "readyz"}


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
    assert method["discriminator"] == {"propertyName": "type", "mapping": {
        "card": "#/components/schemas/CardMethodIn", "ach": "#/components/schemas/AchMethodIn"}}
    assert method["oneOf"] == [{"$ref": "#/components/schemas/CardMethodIn"},
                               {"$ref": "#/components/schemas/AchMethodIn"}]
    card_method = schemas["CardMethodIn"]
    assert card_method["oneOf"] == [{"required": ["token"]}, {"required": ["card"]}]  # exactly one source
    assert card_method["additionalProperties"] is False and "ach" not in card_method["properties"]
    assert schemas["AchMethodIn"]["required"] == ["type", "ach"]


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
