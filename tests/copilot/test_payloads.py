"""Edge-case test payloads: generated from the spec (and the one table of live knowledge), and proven by sending
them to a live server, which must answer each exactly as expected and write nothing for those it refuses."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from pydantic import Field
from sqlalchemy import func, select
from typer.testing import CliRunner

from payhub.api.deps import PaymentsKey
from payhub.api.schemas import MoneyIn, Strict
from payhub.auth.keys import create_customer_token, create_key
from payhub.cli import app as cli
from payhub.copilot import payloads
from payhub.copilot.payloads import Expected, LiveContext, Payload, Ref
from payhub.demo import DEMO_ENTITY
from payhub.services import Services
from payhub.store.models import Payment, Refund
from tests.conftest import now

LIVE_OPERATIONS = ("create_payment", "create_payment_v2", "quote_payment", "create_refund", "capture_payment",
                   "create_customer_token")


@pytest.fixture
def admin_key(services: Services) -> str:
    """An admin key whose rate limit the payloads never reach."""
    with services.transaction() as s:
        return create_key(s, DEMO_ENTITY, "admin", now(), rate_limit_per_s=100_000)[1]


@pytest.fixture
def expired_token(services: Services) -> str:
    """A real customer token that expired an hour ago."""
    with services.transaction() as s:
        return create_customer_token(s, DEMO_ENTITY, "cus_acme", now() - timedelta(hours=2),
                                     now() - timedelta(hours=1), invoice_ids=None, max_amount=None, currency=None,
                                     created_by="test")[1]


@pytest.fixture
def live(live_url: str, admin_key: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_url, headers={"Authorization": f"Bearer {admin_key}"}, timeout=30) as client:
        yield client


def count(services: Services, model: type[Any]) -> int:
    with services.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_each_category_for_the_money_operations(app: FastAPI) -> None:
    spec = app.openapi()
    for operation, wanted in {
        "create_payment": set(payloads.CATEGORIES),
        "create_refund": set(payloads.CATEGORIES) - {"invalid_value"},
        "capture_payment": {"boundary_amount", "currency_exponent", "overpayment", "missing_field", "extra_field",
                            "idempotency", "customer_token"},
        "create_customer_token": {"boundary_amount", "currency_exponent", "missing_field", "extra_field",
                                  "invalid_value", "idempotency", "customer_token"},
    }.items():
        found = payloads.generate(spec, operation)
        assert wanted <= {p.category for p in found}, operation
        names = {p.name: p for p in found}
        assert len(names) == len(found), "names are unique within an operation"
    pay = {p.name: p for p in payloads.generate(spec, "create_payment")}
    assert pay["max_plus_one.allocations.0.amount"].expect == Expected(422, "amount_too_large",
                                                                       "allocations.0.amount")
    assert pay["js_unsafe.allocations.0.amount"].request.body["allocations"][0]["amount"]["amount"] == 2**53
    assert pay["ceiling_plus_one.allocations.0.amount"].expect.code == "amount_exceeds_balance"
    assert pay["allowed.allocations.0.amount"].request.body["allow_overpayment"] is True
    assert pay["missing.payment_method"].expect == Expected(422, "validation_error", "payment_method")
    assert pay["too_long.description"].request.body["description"].__len__() == 501
    assert pay["reused_key_other_body"].before[0][0].idempotency_key == pay["reused_key_other_body"].request.\
        idempotency_key
    assert pay["expired_customer_token"].expect == Expected(401, "invalid_customer_token")
    refund = {p.name: p for p in payloads.generate(spec, "create_refund")}
    assert refund["ceiling_plus_one.amount"].expect.code == "refund_exceeds_captured"
    assert refund["too_long.reason"].expect == Expected(422, "validation_error", "reason")
    # A spec-only operation (no row in the table) still gets every refusal the spec decides.
    webhook = {p.category for p in payloads.generate(spec, "create_webhook_endpoint")}
    assert {"missing_field", "extra_field", "customer_token"} <= webhook
    assert "idempotency" not in webhook  # a first request known to succeed is live knowledge


def run_checked(services: Services, client: httpx.Client, context: LiveContext, found: list[Payload]
                ) -> list[payloads.Result]:
    """Run payloads one by one; a refused one must leave the payments and refunds as they were (the context
    may make its own, counted apart)."""
    results = []
    for payload in found:
        before = (count(services, Payment), count(services, Refund), context.made)
        [result] = payloads.run([payload], client, context)
        results.append(result)
        made = context.made - before[2]
        if payload.expect.status >= 400 and not payload.before:
            assert count(services, Payment) == before[0] + made, f"{payload.name} wrote a payment: {result}"
            assert count(services, Refund) == before[1], f"{payload.name} wrote a refund: {result}"
    return results


def test_live_server_answers_every_money_payload_as_expected(services: Services, live: httpx.Client,
                                                             expired_token: str) -> None:
    context = LiveContext(live, expired_token=expired_token)
    spec = live.get("/openapi.json").json()
    results = []
    for operation in LIVE_OPERATIONS:
        results += run_checked(services, live, context, payloads.generate(spec, operation))
    mismatches = [(r.payload.operation, r.payload.name, r.problems) for r in results if not r.ok]
    assert mismatches == [], "\n".join(map(str, mismatches))
    assert len(results) > 150
    with services.read() as s:  # nothing half-written: every payment reached a final state
        statuses = set(s.scalars(select(Payment.status)))
    assert statuses <= {"captured", "requires_capture"}


def test_every_operation_through_the_cli(live_url: str, admin_key: str, expired_token: str,
                                         services: Services) -> None:
    result = CliRunner().invoke(cli, ["copilot", "test-payloads", "--all", "--run", live_url, "--key", admin_key,
                                      "--expired-token", expired_token, "--format", "json"])
    # The report, after whatever the in-process test server logged to the same stdout.
    report = json.loads(result.output[result.output.index('{\n  "payloads"'):])
    assert report["mismatches"] == [], json.dumps(report["mismatches"], indent=1)[:4000]
    assert result.exit_code == 0
    assert report["payloads"] > 500


def test_a_wrong_expectation_is_a_mismatch_and_exits_1(live_url: str, admin_key: str, live: httpx.Client,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    spec = live.get("/openapi.json").json()
    found = {p.name: p for p in payloads.generate(spec, "create_refund")}
    wrong = replace(found["ceiling_plus_one.amount"], expect=Expected(422, "amount_exceeds_balance"))
    [result] = payloads.run([wrong], live, LiveContext(live))
    assert result.problems == ("code 'refund_exceeds_captured', expected 'amount_exceeds_balance'",)
    # The same through the command: the table says a refund beyond the refundable is another code.
    monkeypatch.setitem(payloads.KNOWN, "create_refund",
                        replace(payloads.KNOWN["create_refund"], ceiling_code="amount_exceeds_balance"))
    run = CliRunner().invoke(cli, ["copilot", "test-payloads", "create_refund", "--run", live_url,
                                   "--key", admin_key])
    assert run.exit_code == 1
    assert "MISMATCH create_refund max.amount: code 'refund_exceeds_captured', expected " \
           "'amount_exceeds_balance'" in run.output
    assert "MISMATCH create_refund ceiling_plus_one.amount" in run.output


class OrderCreate(Strict):
    """An operation the copilot has never seen: no row in its table."""

    sku: str = Field(max_length=12)
    price: MoneyIn
    speed: str = Field("standard", pattern="^(standard|express)$")
    gift_note: str = Field("", max_length=40)
    quantity: int = Field(1, ge=1, le=99)


def test_an_operation_added_later_gets_payloads(services: Services, app: FastAPI, live: httpx.Client,
                                                expired_token: str) -> None:
    orders = APIRouter()

    @orders.post("/v1/test_orders", status_code=201, operation_id="create_test_order")
    def create_order(body: OrderCreate, key: PaymentsKey) -> dict[str, Any]:
        return {"sku": body.sku}

    app.include_router(orders)
    app.openapi_schema = None
    spec = live.get("/openapi.json").json()
    found = payloads.generate(spec, "create_test_order")
    assert {p.name for p in found} >= {
        "missing.sku", "missing.price", "extra.x_unknown_field", "too_long.sku", "too_long.gift_note",
        "max_plus_one.price", "js_unsafe.price", "float.price", "jpy_usd_max.price", "below_minimum.quantity",
        "above_maximum.quantity", "expired_customer_token"}
    # The same from a plain spec dict, as a client holding an older spec with this operation pasted in would.
    plain = copy.deepcopy(payloads_spec_without(spec, "create_test_order"))
    plain["paths"]["/v1/test_orders"] = spec["paths"]["/v1/test_orders"]
    assert [p.as_json() for p in payloads.generate(plain, "create_test_order")] == [p.as_json() for p in found]
    results = payloads.run(found, live, LiveContext(live, expired_token=expired_token))
    assert [(r.payload.name, r.problems) for r in results if not r.ok] == []


def payloads_spec_without(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return {**spec, "paths": {path: item for path, item in spec["paths"].items()
                              if all(op.get("operationId") != operation_id for op in item.values())}}


def test_refs_are_shown_and_resolved(live: httpx.Client) -> None:
    context = LiveContext(live, customer="cus_globex")
    assert Ref("invoice.amount_payable", add=1).as_json() == {"$context": "invoice.amount_payable", "add": 1}
    assert context.get("invoice.id").startswith("inv_globex_")
    assert context.resolve(Ref("invoice.currency", max_amount=True)) == 99999999999999
    assert context.resolve({"a": [Ref("invoice.currency")]}) == {"a": ["USD"]}
    with pytest.raises(payloads.ContextUnavailable):
        context.get("no_such_value")


def test_the_api_serves_payloads_to_admins(admin: TestClient, client: TestClient) -> None:
    answer = admin.get("/v1/copilot/test_payloads/create_refund")
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert {p["category"] for p in data} >= {"boundary_amount", "missing_field", "idempotency", "customer_token"}
    over = next(p for p in data if p["name"] == "ceiling_plus_one.amount")
    assert over["request"]["body"]["amount"]["amount"] == {"$context": "captured_payment.refundable", "add": 1}
    assert over["expect"] == {"status": 422, "code": "refund_exceeds_captured", "field": None, "body": {}}
    missing = admin.get("/v1/copilot/test_payloads/no_such_operation")
    assert (missing.status_code, missing.json()["code"]) == (404, "operation_not_found")
    assert client.get("/v1/copilot/test_payloads/create_refund").status_code == 403  # a payments key


def test_the_command_prints_payloads_offline() -> None:
    result = CliRunner().invoke(cli, ["copilot", "test-payloads", "create_refund", "--format", "json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert {"ceiling_plus_one.amount", "reused_key_other_body"} <= {p["name"] for p in printed}
    text = CliRunner().invoke(cli, ["copilot", "test-payloads", "create_refund"])
    assert "→ 422 refund_exceeds_captured" in text.output
    unknown = CliRunner().invoke(cli, ["copilot", "test-payloads", "no_such_operation"])
    assert unknown.exit_code == 2
