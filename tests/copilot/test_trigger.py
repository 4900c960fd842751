"""`payhub trigger` and POST /v1/copilot/trigger: every catalogue type arrives signed so that `standardwebhooks`
verifies it, in the worker's envelope, valid against the catalogue's schema; `--data` overrides reach it."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook
from typer.testing import CliRunner

from payhub.cli import app
from payhub.copilot.trigger import UnknownEventType, build, deep_merge, event_types, sample_data, trigger_url
from payhub.webhooks import signing
from payhub.webhooks.catalogue import CATALOGUE
from tests.webhooks.conftest import Receiver, allow_loopback, receiver  # noqa: F401  (fixtures)

PREFIXES = ("pay_", "cus_", "inv_", "rfd_", "pst_", "dsp_", "rce_", "rcr_", "stl_", "ape_", "we_", "stb_", "pm_")


def ids_in(value: object) -> list[str]:
    if isinstance(value, dict):
        return [i for v in value.values() for i in ids_in(v)]
    if isinstance(value, list):
        return [i for v in value for i in ids_in(v)]
    return [value] if isinstance(value, str) and value.startswith(PREFIXES) else []


def test_every_catalogue_type_arrives_signed_and_valid(receiver: Receiver) -> None:  # noqa: F811
    secret = signing.new_secret()
    verifier = Webhook(secret)
    for event_type, (_, model) in CATALOGUE.items():
        sent = trigger_url(event_type.value, receiver.url, secret)
        assert sent.answer.status == 200, sent.answer
        request = receiver.requests[-1]
        event = verifier.verify(request.body, request.headers)
        assert set(event) == {"id", "type", "created_at", "api_version", "data"}
        assert event["type"] == event_type.value and event["id"] == request.headers["webhook-id"] == sent.event.id
        model.model_validate(event["data"])  # the catalogue's own schema accepts it
        assert ids_in(event["data"]), event_type  # PayHub's prefixed ids, not placeholders
    assert len(receiver.requests) == len(CATALOGUE)


def test_payloads_are_realistic() -> None:
    refund = sample_data("payment.refunded")
    assert refund["id"].startswith("rfd_") and refund["payment"]["id"].startswith("pay_")
    assert refund["posting"]["payment"] == refund["payment"]["id"]  # one payment throughout
    assert refund["payment"]["amount_refunded"] == refund["amount"]
    entries = refund["posting"]["entries"]
    assert sum(e["debit"] for e in entries) == sum(e["credit"] for e in entries) == refund["amount"]["amount"]
    completed = sample_data("payment.completed")
    assert completed["status"] == "captured" and completed["posting"]["status"] == "confirmed"
    assert isinstance(completed["amount"]["amount"], int) and completed["receipt_number"].startswith("PAY-")
    assert sample_data("payment.failed")["failure"] == {"code": "card_declined", "message": "Your card was declined."}
    assert sample_data("dispute.resolved")["outcome"] == "won"
    exception = sample_data("reconciliation.exception")
    assert exception["object"] == "reconciliation_exception" and exception["class"] == "amount_mismatch"
    assert exception["run"].startswith("rcr_") and exception["settlement_line"].startswith("stl_")
    assert sample_data("autopay.payment_failed")["category"] == "hard"


def test_overrides_are_deep_merged() -> None:
    base = {"amount": {"amount": 100, "currency": "USD"}, "metadata": {"a": 1}, "tags": [1, 2]}
    assert deep_merge(base, {"amount": {"amount": 5}, "metadata": {"b": 2}, "tags": [3]}) == {
        "amount": {"amount": 5, "currency": "USD"}, "metadata": {"a": 1, "b": 2}, "tags": [3]}
    assert base["amount"] == {"amount": 100, "currency": "USD"}  # the base is left alone
    event = json.loads(build("payment.completed", {"customer": "cus_mine", "amount": {"amount": 99}}).body)
    assert event["data"]["customer"] == "cus_mine" and event["data"]["amount"] == {"amount": 99, "currency": "USD"}


def test_the_command_sends_with_overrides(receiver: Receiver) -> None:  # noqa: F811
    secret = signing.new_secret()
    data = json.dumps({"amount": {"amount": 5_000}, "metadata": {"order": "A-1"}, "description": "Ünïcode ✓"})
    result = CliRunner().invoke(app, ["trigger", "payment.completed", "--url", receiver.url, "--secret", secret,
                                      "--data", data])
    assert result.exit_code == 0, result.output
    [request] = receiver.requests
    event = Webhook(secret).verify(request.body, request.headers)
    assert event["id"] in result.output and "200" in result.output
    assert event["data"]["amount"] == {"amount": 5_000, "currency": "USD"}
    assert event["data"]["metadata"] == {"order": "A-1"} and event["data"]["description"] == "Ünïcode ✓"
    assert event["data"]["customer"].startswith("cus_")  # the rest is still there

    receiver.respond = lambda _: (500, {}, b"boom")
    failed = CliRunner().invoke(app, ["trigger", "webhook.test", "--url", receiver.url, "--secret", secret])
    assert failed.exit_code == 1 and "500" in failed.output


def test_a_bad_event_name_lists_the_valid_ones() -> None:
    result = CliRunner().invoke(app, ["trigger", "payment.complete", "--url", "http://127.0.0.1:9/x",
                                      "--secret", signing.new_secret()])
    assert result.exit_code == 2
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "unknown event type 'payment.complete'" in output
    assert all(name in output for name in event_types())
    with pytest.raises(UnknownEventType, match="payment.completed"):
        build("payment.complete")
    bad_data = CliRunner().invoke(app, ["trigger", "payment.completed", "--url", "http://127.0.0.1:9/x",
                                        "--secret", signing.new_secret(), "--data", "[1]"])
    assert bad_data.exit_code != 0 and "JSON object" in bad_data.output
    no_target = CliRunner().invoke(app, ["trigger", "payment.completed"])
    assert no_target.exit_code != 0 and "--url" in no_target.output


def test_the_endpoint_sends_to_the_entitys_endpoint_with_its_secret(admin: TestClient, client: TestClient,
                                                                    receiver: Receiver, allow_loopback: None) -> None:  # noqa: F811
    endpoint = admin.post("/v1/webhook_endpoints", json={"url": receiver.url,
                                                         "event_types": ["dispute.opened"]}).json()
    answer = admin.post("/v1/copilot/trigger", json={"event_type": "dispute.opened", "url": receiver.url,
                                                     "data": {"reason": "product_not_received"}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["deliveries"] == [{"endpoint": endpoint["id"], "url": receiver.url, "status_code": 200,
                                   "error": None, "latency_ms": body["deliveries"][0]["latency_ms"],
                                   "response_excerpt": "ok"}]
    [request] = receiver.requests
    event = Webhook(endpoint["secret"]).verify(request.body, request.headers)
    assert event["id"] == body["event"] and event["data"]["reason"] == "product_not_received"
    # not stored: a triggered event is never listed, replayed or relayed
    assert body["event"] not in [e["id"] for e in admin.get("/v1/events").json()["data"]]

    # without a url: every enabled endpoint subscribed to the type
    assert admin.post("/v1/copilot/trigger", json={"event_type": "dispute.opened"}).status_code == 200
    assert len(receiver.requests) == 2
    unsubscribed = admin.post("/v1/copilot/trigger", json={"event_type": "payment.completed"})
    assert unsubscribed.status_code == 422
    elsewhere = admin.post("/v1/copilot/trigger", json={"event_type": "dispute.opened",
                                                        "url": "https://attacker.example/hook"})
    assert elsewhere.status_code == 422 and len(receiver.requests) == 2  # only the entity's own endpoints
    unknown = admin.post("/v1/copilot/trigger", json={"event_type": "nope", "url": receiver.url})
    assert unknown.status_code == 422 and "payment.completed" in unknown.json()["detail"]
    assert client.post("/v1/copilot/trigger", json={"event_type": "dispute.opened"}).status_code == 403
