"""Bad input gets a clear problem+json with a stable code, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub.services import Services
from tests.helpers import card, counts, pay_body, usd


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == code and body["status"] == status and body["title"] and body["detail"]
    assert body["type"].endswith(code)
    assert response.headers["x-request-id"]
    return dict(body)


@pytest.mark.parametrize(("body", "status", "code"), [
    (pay_body("inv_missing", 1_000), 404, "invoice_not_found"),
    (pay_body("inv_acme_1001", 0), 422, "amount_invalid"),
    (pay_body("inv_acme_1001", -5), 422, "amount_invalid"),
    (pay_body("inv_acme_1001", 999_999_999), 422, "amount_exceeds_balance"),
    ({"allocations": [{"invoice": "inv_acme_1001", "amount": {"amount": 1000, "currency": "EUR"}}],
      "payment_method": card()}, 422, "currency_mismatch"),
    ({"allocations": [{"invoice": "inv_acme_1001", "amount": {"amount": 10.5, "currency": "USD"}}],
      "payment_method": card()}, 422, "validation_error"),
    ({"allocations": [{"invoice": "inv_acme_1001", "amount": {"amount": "1000", "currency": "USD"}}],
      "payment_method": card()}, 422, "validation_error"),
    ({"allocations": [{"invoice": "inv_acme_1001", "amount": usd(100)}, {"invoice": "inv_globex_2001",
                                                                          "amount": usd(100)}],
      "payment_method": card()}, 422, "customer_mismatch"),
    ({"allocations": [{"invoice": "inv_acme_1001"}, {"invoice": "inv_acme_1001"}],
      "payment_method": card()}, 422, "invalid_request"),
    ({"payment_method": card()}, 422, "amount_invalid"),
    ({"customer": "cus_nobody", "unapplied": usd(100), "payment_method": card()}, 404, "customer_not_found"),
    (pay_body("inv_acme_1001", 100, method=card("4242424242424241")), 422, "card_invalid"),
    (pay_body("inv_acme_1001", 100, method={"type": "card", "card": {"number": "4242424242424242",
                                                                     "exp_month": 1, "exp_year": 2020}}),
     422, "card_invalid"),
    (pay_body("inv_acme_1001", 100, method={"type": "card"}), 422, "validation_error"),
    (pay_body("inv_acme_1001", 100, method={"type": "card", "token": "tok_unknown"}), 422, "card_invalid"),
    ({**pay_body("inv_acme_1001", 100), "surprise": 1}, 422, "validation_error"),
])
def test_bad_payment_requests_write_nothing(client: TestClient, services: Services, body: dict[str, Any],
                                            status: int, code: str) -> None:
    before = counts(services)
    problem = assert_problem(client.post("/v1/payments", json=body), status, code)
    if status == 422 and code == "validation_error":
        assert problem["errors"] and all({"field", "code", "message"} <= set(e) for e in problem["errors"])
    assert counts(services) == before
    assert client.get("/v1/invoices/inv_acme_1001").json()["amount_payable"] == usd(132_500)


def test_malformed_json(client: TestClient, services: Services) -> None:
    response = client.post("/v1/payments", content=b'{"allocations": [', headers={"Content-Type": "application/json"})
    assert_problem(response, 400, "malformed_json")
    assert counts(services) == (0, 0)


def test_paid_invoice_cannot_be_paid_again(client: TestClient) -> None:
    assert client.post("/v1/payments", json=pay_body("inv_globex_2002")).status_code == 201
    assert_problem(client.post("/v1/payments", json=pay_body("inv_globex_2002", 100)), 409, "invoice_not_open")


@pytest.mark.parametrize(("number", "status", "code", "retryable"), [
    ("4000000000000002", 402, "card_declined", False),
    ("4000000000009995", 402, "insufficient_funds", False),
    ("4000000000000119", 502, "processing_error", True),
])
def test_gateway_failures_are_recorded_as_failed_payments(client: TestClient, services: Services, number: str,
                                                          status: int, code: str, retryable: bool) -> None:
    problem = assert_problem(client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, method=card(number))),
                             status, code)
    assert problem["retryable"] is retryable
    payment = client.get(f"/v1/payments/{problem['payment']}").json()
    assert payment["status"] == "failed" and payment["failure"]["code"] == code
    assert payment["posting"] is None
    assert counts(services) == (1, 1)  # the failed payment and its payment.failed event
    assert client.get("/v1/invoices/inv_acme_1001").json()["amount_payable"] == usd(132_500)


def test_a_timeout_is_an_unknown_outcome_not_a_failure(client: TestClient, services: Services) -> None:
    problem = assert_problem(client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000,
                                                                      method=card("4000000000006975"))),
                             504, "gateway_timeout")
    assert problem["retryable"] is True and problem["payment_status"] == "unknown"
    payment = client.get(f"/v1/payments/{problem['payment']}").json()
    assert payment["status"] == "unknown" and payment["posting"] is None
    assert counts(services) == (1, 0)  # no payment.failed event: nothing is known to have failed
    assert client.get("/v1/invoices/inv_acme_1001").json()["amount_payable"] == usd(132_500 - 1_000)


def test_unknown_ids_are_404(client: TestClient) -> None:
    assert_problem(client.get("/v1/payments/pay_nope"), 404, "payment_not_found")
    assert_problem(client.post("/v1/payments/pay_nope/capture"), 404, "payment_not_found")
    assert_problem(client.post("/v1/refunds", json={"payment": "pay_nope"}), 404, "payment_not_found")
    assert_problem(client.get("/v1/refunds/rfd_nope"), 404, "refund_not_found")
    assert_problem(client.get("/v1/invoices/inv_nope"), 404, "invoice_not_found")
    assert_problem(client.get("/v1/customers/cus_nope/invoices"), 404, "customer_not_found")
    assert_problem(client.get("/v1/nowhere"), 404, "not_found")


def test_refund_of_uncaptured_payment_is_a_conflict(client: TestClient) -> None:
    payment = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, capture_method="manual")).json()
    assert_problem(client.post("/v1/refunds", json={"payment": payment["id"]}), 409, "payment_state_invalid")
    assert_problem(client.post(f"/v1/payments/{payment['id']}/capture", json={"amount": usd(0)}), 422,
                   "amount_invalid")
