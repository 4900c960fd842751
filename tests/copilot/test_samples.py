"""The copilot's code samples work, not only exist: the Python and Node.js flows run against a live PayHub and the
server holds what they did; the curl flow runs in bash; Java compiles; Go, C# and TypeScript parse with
tree-sitter; a new operation in the spec gets samples without code changes; the API answers them, and adapts
them only with a model."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import tree_sitter
import tree_sitter_c_sharp
import tree_sitter_go
import tree_sitter_typescript
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub import metrics
from payhub.api.app import create_app
from payhub.auth.keys import create_key
from payhub.bootstrap import build_services
from payhub.copilot import samples
from payhub.demo import DEMO_ENTITY, seed
from payhub.services import Services
from payhub.settings import Settings
from payhub.webhooks import signing
from tests.conftest import now
from tests.copilot.conftest import ANSWER, FakeLlm

NODE = shutil.which("node")
JAVAC = shutil.which("javac")
RUN_TIMEOUT_S = 60
API_FLOWS = ["pay-invoices", "manual-capture", "partial-refund", "list-history", "widgets"]
# each pay-invoices run pays one customer's open invoices: a customer of its own per language
PAYER = {"python": "cus_acme", "node": "cus_globex", "curl": "cus_initech"}


@dataclass
class Live:
    url: str
    payments_key: str
    admin_key: str
    slow_key: str  # one request per second: the second one in a second gets 429 with Retry-After
    services: Services
    spec: dict[str, Any]

    def get(self, path: str, key: str | None = None, **params: Any) -> Any:
        answer = httpx.get(self.url + path, params=params,
                           headers={"Authorization": f"Bearer {key or self.admin_key}"}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Live]:
    """One PayHub (demo seed, SQLite) under uvicorn for the whole module."""
    path = tmp_path_factory.mktemp("samples") / "payhub.db"
    shutil.copy(sqlite_template, path)
    svc = build_services(Settings(database_url=f"sqlite:///{path}", secret_key="test-secret"))
    with svc.transaction() as s:
        seed(s, now())
        payments_key = create_key(s, DEMO_ENTITY, "payments", now())[1]
        admin_key = create_key(s, DEMO_ENTITY, "admin", now())[1]
        slow_key = create_key(s, DEMO_ENTITY, "payments", now(), rate_limit_per_s=1)[1]
    app = create_app(svc)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "test server did not start"
        time.sleep(0.02)
    yield Live(f"http://127.0.0.1:{port}", payments_key, admin_key, slow_key, svc, app.openapi())
    server.should_exit = True
    thread.join(10)
    svc.close()


def _write(directory: Path, sample: samples.Sample) -> Path:
    target = directory / sample.filename
    target.write_text(sample.code)
    return target


def _command(language: str, script: Path) -> list[str]:
    if language == "python":
        return [sys.executable, str(script)]
    if language == "node":
        if NODE is None:
            pytest.skip("node is not installed")
        return [NODE, str(script)]
    return ["bash", str(script)]


def _run(live: Live, language: str, flow: str, tmp_path: Path, key: str | None = None,
         **env: str) -> subprocess.CompletedProcess[str]:
    script = _write(tmp_path, samples.flow_sample(live.spec, flow, language))
    environment = {"PATH": os.environ["PATH"], "PAYHUB_URL": live.url, "PAYHUB_API_KEY": key or live.payments_key,
                   **env}
    return subprocess.run(_command(language, script), env=environment, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT_S, cwd=tmp_path)


def _ids(prefix: str, text: str) -> list[str]:
    return re.findall(rf"\b{prefix}_[0-9a-z]+\b", text)


def _check_flow(live: Live, flow: str, language: str, out: str) -> None:
    """The server holds what the flow did."""
    if flow == "pay-invoices":
        assert live.get(f"/v1/customers/{PAYER[language]}/invoices")["data"] == []  # all paid
        (payment_id,) = _ids("pay", out)
        payment = live.get(f"/v1/payments/{payment_id}")
        assert payment["status"] == "captured" and payment["customer"] == PAYER[language]
        assert f"payment {payment_id} captured {payment['amount']['amount']} USD" in out
    elif flow == "manual-capture":
        (payment_id,) = set(_ids("pay", out))
        payment = live.get(f"/v1/payments/{payment_id}")
        assert (payment["capture_method"], payment["status"]) == ("manual", "captured")
        assert payment["amount_captured"] == {"amount": 5000, "currency": "USD"}
        assert f"payment {payment_id} requires_capture" in out
    elif flow == "partial-refund":
        (payment_id,) = set(_ids("pay", out))
        (refund_id,) = _ids("rfd", out)
        payment = live.get(f"/v1/payments/{payment_id}")
        assert payment["amount_refunded"] == {"amount": 2000, "currency": "USD"}
        assert live.get(f"/v1/refunds/{refund_id}")["payment"] == payment_id
    elif flow == "list-history":
        listed = _ids("pay", out)
        every = live.get("/v1/payments", limit=100)
        assert not every["has_more"] and len(every["data"]) > 2  # more than one page of 2
        assert listed == [p["id"] for p in every["data"]]  # every payment once, newest first
        assert f"total {len(listed)}" in out
    elif flow == "widgets":
        assert live.get("/v1/widgets/manifest")["snippet"] in out
        (token,) = set(re.findall(r'token="(pht_[^"]+)"', out))
        assert live.get("/v1/customer_tokens/current", key=token)["customer"] == "cus_acme"
        assert f'api-base="{live.url}"' in out and "<payhub-payment-form" in out


@pytest.mark.parametrize("language", ["python", "node"])
@pytest.mark.parametrize("flow", API_FLOWS)
def test_python_and_node_samples_complete_their_flow(live: Live, flow: str, language: str, tmp_path: Path) -> None:
    done = _run(live, language, flow, tmp_path, PAYHUB_CUSTOMER=PAYER[language] if flow == "pay-invoices"
                else "cus_acme")
    assert done.returncode == 0, done.stderr
    _check_flow(live, flow, language, done.stdout)


def test_the_curl_sample_pays_invoices_in_bash(live: Live, tmp_path: Path) -> None:
    done = _run(live, "curl", "pay-invoices", tmp_path, PAYHUB_CUSTOMER=PAYER["curl"])
    assert done.returncode == 0, done.stderr
    _check_flow(live, "pay-invoices", "curl", done.stdout)


@pytest.mark.parametrize("language", ["python", "node", "curl"])
def test_a_problem_prints_its_code_and_detail(live: Live, language: str, tmp_path: Path) -> None:
    done = _run(live, language, "pay-invoices", tmp_path, PAYHUB_CUSTOMER="cus_nobody")
    assert done.returncode == 1
    assert re.search(r"^error: customer_not_found: \S", done.stderr, re.MULTILINE), done.stderr


@pytest.mark.parametrize("language", ["python", "node"])
def test_429_is_retried_after_retry_after(live: Live, language: str, tmp_path: Path) -> None:
    limited = metrics.HTTP_REQUESTS.labels("GET", "list_payments", "429")
    before = limited._value.get()
    done = _run(live, language, "list-history", tmp_path, key=live.slow_key, PAYHUB_PAGE_SIZE="4")
    assert done.returncode == 0, done.stderr
    assert limited._value.get() > before  # it was refused at least once, and still listed everything
    listed = _ids("pay", done.stdout)
    assert listed == [p["id"] for p in live.get("/v1/payments", limit=100)["data"]]


def _receiver(language: str, tmp_path: Path, secret: str) -> tuple[subprocess.Popen[str], int]:
    script = _write(tmp_path, samples.flow_sample({"paths": {}}, "verify-webhook", language))
    port = _free_port()
    proc = subprocess.Popen(_command(language, script), env={"PATH": os.environ["PATH"], "PORT": str(port),
                                                            "PAYHUB_WEBHOOK_SECRET": secret},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == f"listening on {port}"
    return proc, port


def _delivery(secret: str, msg_id: str, timestamp: int | None = None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"id": "evt_sample1", "type": "payment.completed", "created_at": "2026-01-01T00:00:00Z",
                       "api_version": "2026-11-24", "data": {"id": "pay_1", "amount": {"amount": 5000,
                                                                                       "currency": "USD"}}},
                      separators=(",", ":")).encode()
    return body, signing.headers([secret], msg_id, timestamp or int(time.time()), body)


@pytest.mark.parametrize("language", ["python", "node"])
def test_the_webhook_sample_verifies_rejects_and_dedupes(language: str, tmp_path: Path) -> None:
    secret, other = signing.new_secret(), signing.new_secret()
    proc, port = _receiver(language, tmp_path, secret)
    url = f"http://127.0.0.1:{port}/"
    try:
        body, headers = _delivery(secret, "msg_1")
        assert httpx.post(url, content=body, headers=headers).status_code == 204
        assert httpx.post(url, content=body, headers=headers).status_code == 204  # a redelivery: acknowledged
        assert httpx.post(url, content=body + b" ", headers=headers).status_code == 400  # tampered body
        _, wrong = _delivery(other, "msg_2")
        assert httpx.post(url, content=body, headers=wrong).status_code == 400  # another endpoint's secret
        stale_body, stale = _delivery(secret, "msg_3", int(time.time()) - 3600)
        assert httpx.post(url, content=stale_body, headers=stale).status_code == 400  # a replay from long ago
        rotated = {**headers, "webhook-signature": _delivery(other, "msg_1")[1]["webhook-signature"] + " "
                   + headers["webhook-signature"]}
        assert httpx.post(url, content=body, headers=rotated).status_code == 204  # during a secret rotation
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    assert out.splitlines() == ["received msg_1 payment.completed evt_sample1", "duplicate msg_1", "duplicate msg_1"]


def test_the_bash_webhook_sample_verifies_and_dedupes(tmp_path: Path) -> None:
    secret = signing.new_secret()
    script = _write(tmp_path, samples.flow_sample({"paths": {}}, "verify-webhook", "curl"))
    body, headers = _delivery(secret, "msg_1")
    (tmp_path / "body.json").write_bytes(body)

    def verify(body_file: str, sent: dict[str, str]) -> subprocess.CompletedProcess[str]:
        env = {"PATH": os.environ["PATH"], "PAYHUB_WEBHOOK_SECRET": secret, "WEBHOOK_ID": sent["webhook-id"],
               "WEBHOOK_TIMESTAMP": sent["webhook-timestamp"], "WEBHOOK_SIGNATURE": sent["webhook-signature"]}
        return subprocess.run(["bash", str(script), body_file], env=env, capture_output=True, text=True,
                              cwd=tmp_path, timeout=RUN_TIMEOUT_S)

    assert verify("body.json", headers).returncode == 0
    assert verify("body.json", headers).returncode == 3  # the same webhook-id again
    (tmp_path / "tampered.json").write_bytes(body.replace(b"5000", b"9000"))
    assert verify("tampered.json", {**headers, "webhook-id": "msg_2"}).returncode == 1


NEW_OPERATION_PATH = "/v1/invoices/{invoice_id}/reminders"


def _spec_with_a_new_operation(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec as if a new endpoint were added: no template or generator change for it."""
    grown: dict[str, Any] = json.loads(json.dumps(spec))
    grown["components"]["schemas"]["ReminderCreate"] = {
        "type": "object", "required": ["channel", "amount_due"], "additionalProperties": False,
        "properties": {"channel": {"type": "string", "enum": ["email", "sms"]},
                       "amount_due": {"$ref": "#/components/schemas/MoneyIn"},
                       "note": {"type": "string"}}}
    grown["paths"][NEW_OPERATION_PATH] = {"post": {
        "operationId": "send_invoice_reminder", "summary": "Send a reminder",
        "parameters": [{"name": "invoice_id", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "locale", "in": "query", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/ReminderCreate"}}}},
        "responses": {"201": {"description": "Sent"}}}}
    return grown


def test_a_new_operation_gets_samples_in_every_language(live: Live) -> None:
    spec = _spec_with_a_new_operation(live.spec)
    op = samples.operations(spec)["send_invoice_reminder"]
    assert op.body == {"channel": "email", "amount_due": {"amount": 12500, "currency": "USD"}}  # integer money
    for language in samples.LANGUAGES:
        sample = samples.operation_sample(spec, "send_invoice_reminder", language)
        assert "/reminders" in sample.code and "Idempotency-Key" in sample.code and "12500" in sample.code
        assert "PAYHUB_API_KEY" in sample.code and "INVOICE_ID" in sample.code and "LOCALE" in sample.code
    compile(samples.operation_sample(spec, "send_invoice_reminder", "python").code, "reminder.py", "exec")


def test_an_operation_sample_runs_against_the_server(live: Live, tmp_path: Path) -> None:
    """A per-operation sample is as runnable as a flow: Python's list_customer_invoices, its path parameter from
    the environment."""
    script = _write(tmp_path, samples.operation_sample(live.spec, "get_invoice", "python"))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                          env={"PATH": os.environ["PATH"], "PAYHUB_URL": live.url,
                               "PAYHUB_API_KEY": live.payments_key, "INVOICE_ID": "inv_acme_1002"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == "inv_acme_1002"


def _all_samples(spec: dict[str, Any], language: str) -> list[samples.Sample]:
    return ([samples.flow_sample(spec, flow, language) for flow in samples.FLOWS]
            + [samples.operation_sample(spec, op, language) for op in samples.operations(spec)])


@pytest.mark.skipif(JAVAC is None, reason="javac is not installed")
def test_java_samples_compile(live: Live, tmp_path: Path) -> None:
    spec = _spec_with_a_new_operation(live.spec)
    chosen = [*samples.FLOWS.values()]
    files = [_write(tmp_path, samples.flow_sample(spec, flow.name, "java")) for flow in chosen]
    files += [_write(tmp_path, samples.operation_sample(spec, op, "java"))
              for op in ("send_invoice_reminder", "create_payment", "capture_payment", "list_payments",
                         "delete_payment_method", "put_routing_rules")]
    done = subprocess.run([str(JAVAC), "-Xlint:all", "-Werror", "-d", str(tmp_path / "classes"),
                           *map(str, files)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


GRAMMARS = {
    "go": tree_sitter.Language(tree_sitter_go.language()),
    "csharp": tree_sitter.Language(tree_sitter_c_sharp.language()),
    "typescript": tree_sitter.Language(tree_sitter_typescript.language_typescript()),
}


def _syntax_errors(node: tree_sitter.Node) -> list[str]:
    if node.is_error or node.is_missing:
        return [f"{node.start_point}: {node.type}"]
    return [error for child in node.children for error in _syntax_errors(child)]


@pytest.mark.parametrize("language", sorted(GRAMMARS))
def test_go_csharp_and_typescript_samples_parse(live: Live, language: str) -> None:
    """Every flow and every operation of the spec (the new one too)."""
    parser = tree_sitter.Parser(GRAMMARS[language])
    for sample in _all_samples(_spec_with_a_new_operation(live.spec), language):
        tree = parser.parse(sample.code.encode())
        assert _syntax_errors(tree.root_node) == [], f"{sample.filename}:\n{sample.code}"


def test_every_sample_keeps_the_rules(live: Live) -> None:
    for language in samples.LANGUAGES:
        for flow in API_FLOWS:
            code = samples.flow_sample(live.spec, flow, language).code
            assert "PAYHUB_API_KEY" in code and "PAYHUB_URL" in code
            assert "Idempotency-Key" in code and "429" in code and "Retry-After".lower() in code.lower()
            assert "problem+json" in code and "pht_" not in code  # no token or key in source
            assert "5000" in code or flow in ("list-history", "widgets", "pay-invoices")
            assert not re.search(r"amount\W{0,4}\d+\.\d", code)  # money as integer minor units


def test_unknown_flows_languages_and_operations(live: Live) -> None:
    with pytest.raises(samples.SampleError):
        samples.flow_sample(live.spec, "teleport", "python")
    with pytest.raises(samples.SampleError):
        samples.flow_sample(live.spec, "pay-invoices", "cobol")
    with pytest.raises(samples.SampleError):
        samples.operation_sample(live.spec, "no_such_operation", "go")


def test_the_api_lists_and_answers_samples_for_admins(app: FastAPI, admin: TestClient,
                                                      keys: dict[str, str]) -> None:
    listing = admin.get("/v1/copilot/samples").json()
    assert [f["name"] for f in listing["flows"]] == list(samples.FLOWS)
    assert [lang["name"] for lang in listing["languages"]] == list(samples.LANGUAGES)
    answer = admin.get("/v1/copilot/samples/partial-refund", params={"language": "go"}).json()
    assert answer["flow"] == "partial-refund" and answer["language"] == "go"
    assert answer["filename"] == "partial_refund.go" and "/v1/refunds" in answer["code"]
    assert answer["adapted"] is None
    assert answer["code"] == samples.flow_sample(app.openapi(), "partial-refund", "go").code
    op = admin.get("/v1/copilot/samples/operations/capture_payment", params={"language": "csharp"}).json()
    assert op["flow"] == "operation:capture_payment" and op["filename"] == "CapturePayment.cs"
    missing = admin.get("/v1/copilot/samples/teleport")
    assert missing.status_code == 404 and missing.json()["code"] == "sample_not_found"
    payer = admin.get("/v1/copilot/samples", headers={"Authorization": f"Bearer {keys['payments']}"})
    assert payer.status_code == 403 and payer.json()["code"] == "insufficient_scope"


def test_with_a_model_the_api_adds_an_adaptation(app: FastAPI, admin: TestClient, fake_llm: FakeLlm) -> None:
    plain = admin.get("/v1/copilot/samples/pay-invoices", params={"language": "node", "describe": "in EUR"}).json()
    assert plain["adapted"] is None  # no model: the deterministic sample only
    app.state.copilot_llm = fake_llm.llm
    answer = admin.get("/v1/copilot/samples/pay-invoices", params={"language": "node", "describe": "in EUR"}).json()
    assert answer["adapted"] == ANSWER and answer["code"] == plain["code"]
    (asked,) = fake_llm.requests
    prompt = asked["body"]["messages"][1]["content"]
    assert "in EUR" in prompt and plain["code"] in prompt
    assert admin.get("/v1/copilot/samples/pay-invoices", params={"language": "node"}).json()["adapted"] is None
    assert len(fake_llm.requests) == 1  # no description: the model is not asked
