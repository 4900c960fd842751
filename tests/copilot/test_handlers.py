"""The generated webhook handlers work: the FastAPI and Express ones run (uvicorn, node) and receive real signed
deliveries from PayHub's worker; a tampered body is refused, a replayed delivery is answered but not processed
twice, an older event about a known object is skipped. The Flask, Django and ASP.NET ones (their frameworks are
not installed here) are parsed, and their trees checked for the same safeguards."""

from __future__ import annotations

import ast
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from payhub.copilot.handlers import FRAMEWORKS, SCENARIOS, UnknownChoice, generate
from payhub.copilot.trigger import build
from payhub.demo import DEMO_ENTITY
from payhub.services import Services
from payhub.store import webhooks as queue_store
from payhub.webhooks import signing
from payhub.webhooks.worker import WebhookWorker, event_body
from tests.helpers import pay_body
from tests.webhooks.conftest import Receiver, allow_loopback, drain, receiver, worker  # noqa: F401  (fixtures)

EXPRESS_DIR = Path(__file__).parent / "express"
STARTUP_S = 60.0  # a deadline for a process to start or a message to arrive, never a measured duration


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + STARTUP_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


@dataclass
class Handler:
    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        return httpx.post(self.url, content=body, headers={**headers, "content-type": "application/json"},
                          timeout=STARTUP_S)


def run_handler(command: list[str], cwd: Path, env: dict[str, str], port_line: str) -> Generator[Handler]:
    """Start a generated handler on 127.0.0.1 with an OS-chosen port, read from its start-up line."""
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def read() -> None:  # keeps draining the pipe, so the handler never blocks on a full one
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=STARTUP_S)
            if line is None:
                raise AssertionError(f"the handler exited: {''.join(output)}")
            if found := re.search(port_line, line):
                break
        yield Handler(f"http://127.0.0.1:{found.group(1)}/webhooks/payhub", process, output)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def write(files: list[Any], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for file in files:
        (directory / file.filename).write_text(file.code)


@pytest.fixture(params=["fastapi", "express"])
def framework(request: pytest.FixtureRequest) -> str:
    if request.param == "express":
        if shutil.which("node") is None:
            pytest.skip("Node.js is not installed")
        if not (EXPRESS_DIR / "node_modules" / "express").is_dir():
            pytest.skip("run `npm ci --prefix tests/copilot/express` (.ci/run does)")
    return str(request.param)


def start_chat_handler(framework: str, directory: Path, secret: str, chat_url: str) -> Generator[Handler]:
    write(generate(framework, "chat"), directory)
    env = {"PAYHUB_WEBHOOK_SECRET": secret, "CHAT_WEBHOOK_URL": chat_url, "CHAT_THRESHOLD_MINOR": "2000",
           "PAYHUB_WEBHOOK_INBOX": str(directory / "inbox.sqlite3")}
    if framework == "fastapi":
        command = [sys.executable, "-m", "uvicorn", "payhub_webhooks:app", "--host", "127.0.0.1", "--port", "0"]
        yield from run_handler(command, directory, env, r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
    else:
        env |= {"NODE_PATH": str(EXPRESS_DIR / "node_modules"), "HOST": "127.0.0.1", "PORT": "0"}
        yield from run_handler(["node", "server.js"], directory, env, r"listening on port (\d+)")


def deliveries(admin: TestClient, endpoint_id: str) -> list[dict[str, Any]]:
    return admin.get(f"/v1/webhook_endpoints/{endpoint_id}/deliveries").json()["data"]  # type: ignore[no-any-return]


def test_generated_handler_takes_real_deliveries_and_refuses_tampering_and_replays(
        framework: str, admin: TestClient, services: Services, worker: WebhookWorker, receiver: Receiver,  # noqa: F811
        tmp_path: Path) -> None:
    """`receiver` plays the chat service (a Slack-compatible incoming webhook) the chat scenario posts to."""
    endpoint = admin.post("/v1/webhook_endpoints", json={"url": "http://127.0.0.1:9/placeholder",
                                                         "event_types": ["payment.completed"]}).json()
    handlers = start_chat_handler(framework, tmp_path / framework, endpoint["secret"], receiver.url)
    handler = next(handlers)
    try:
        assert admin.patch(f"/v1/webhook_endpoints/{endpoint['id']}", json={"url": handler.url}).status_code == 200

        # A real payment, delivered by the worker: accepted, and the chat message goes out once.
        payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_500)).json()
        assert drain(worker) == 1
        [delivery] = deliveries(admin, endpoint["id"])
        assert delivery["status"] == "succeeded", delivery
        attempt = delivery["attempts"][0]
        assert attempt["status_code"] == 200 and json.loads(attempt["response_excerpt"]) == {"received": "new"}
        wait_for(lambda: len(receiver.requests) == 1, "the chat message")
        text = json.loads(receiver.requests[0].body)["text"]
        assert payment["id"] in text and "25.00 USD" in text and "Acme Builders LLC" in text

        # The same event again from PayHub (at-least-once): 2xx, recognised as a duplicate.
        event_id = delivery["event"]
        assert admin.post(f"/v1/events/{event_id}/redeliver", json={}).status_code == 202
        assert drain(worker) == 1
        again = next(d for d in deliveries(admin, endpoint["id"]) if d["id"] != delivery["id"])
        assert again["status"] == "succeeded"
        assert json.loads(again["attempts"][0]["response_excerpt"]) == {"received": "duplicate"}

        # The worker's own bytes and signature (same functions), with the body altered: refused.
        with services.read() as s:
            body = event_body(queue_store.get_event(s, DEMO_ENTITY, event_id))
        headers = signing.headers([endpoint["secret"]], event_id, int(time.time()), body)
        assert handler.post(body, headers).status_code == 200  # untouched: a duplicate, still 2xx
        tampered = body.replace(b'"amount":2500', b'"amount":2501', 1)
        assert tampered != body
        assert handler.post(tampered, headers).status_code == 400
        stale_stamp = signing.headers([endpoint["secret"]], event_id, int(time.time()) - 600, body)
        assert handler.post(body, stale_stamp).status_code == 400
        forged = signing.headers([signing.new_secret()], "evt_forged", int(time.time()), body)
        assert handler.post(body, forged).status_code == 400

        # An older event about the same payment, arriving late: answered, skipped.
        older = build("payment.completed", {"id": payment["id"]},
                      now=services.clock.now() - timedelta(hours=1))
        late = handler.post(older.body, signing.headers([endpoint["secret"]], older.id, int(time.time()),
                                                         older.body))
        assert late.status_code == 200 and late.json() == {"received": "stale"}

        # A second payment goes through: its message is the only other one (nothing for the replays).
        second = admin.post("/v1/payments", json=pay_body("inv_acme_1002", 3_000)).json()
        assert drain(worker) == 1
        wait_for(lambda: len(receiver.requests) >= 2, "the second chat message")
        texts = [json.loads(r.body)["text"] for r in receiver.requests]
        assert len(texts) == 2 and second["id"] in texts[1], texts
        assert handler.process.poll() is None, "".join(handler.output)
    finally:
        handlers.close()


def test_the_crm_and_erp_scenarios_call_their_systems_with_the_event_as_idempotency_key(
        receiver: Receiver, tmp_path: Path) -> None:  # noqa: F811
    """The FastAPI handler with a `payhub trigger`-built dispute.opened and reconciliation.exception."""
    secret = signing.new_secret()
    for scenario, event_type, variable in (("crm", "dispute.opened", "CRM_ACTIVITY_URL"),
                                           ("erp", "reconciliation.exception", "ERP_WORKFLOW_URL")):
        directory = tmp_path / scenario
        write(generate("fastapi", scenario), directory)
        env = {"PAYHUB_WEBHOOK_SECRET": secret, variable: receiver.url, "CRM_API_KEY": "crm-key",
               "ERP_API_KEY": "erp-key", "PAYHUB_WEBHOOK_INBOX": str(directory / "inbox.sqlite3")}
        command = [sys.executable, "-m", "uvicorn", "payhub_webhooks:app", "--host", "127.0.0.1", "--port", "0"]
        handlers = run_handler(command, directory, env, r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
        handler = next(handlers)
        try:
            event = build(event_type)
            headers = signing.headers([secret], event.id, int(time.time()), event.body)
            assert handler.post(event.body, headers).json() == {"received": "new"}
            def called(event_id: str = event.id) -> bool:
                return any(r.headers.get("idempotency-key") == event_id for r in receiver.requests)

            wait_for(called, f"the {scenario} call")
            call = next(r for r in receiver.requests if r.headers.get("idempotency-key") == event.id)
            sent = json.loads(call.body)
            data = json.loads(event.body)["data"]
            if scenario == "crm":
                assert call.headers["authorization"] == "Bearer crm-key"
                assert sent["external_id"] == data["id"] and sent["amount"] == data["amount"]
            else:
                assert call.headers["authorization"] == "Bearer erp-key"
                assert sent["reference"] == data["id"] and sent["class"] == "amount_mismatch"
        finally:
            handlers.close()


# --- the frameworks that do not run here: their trees must hold the same safeguards ---
def python_tree(framework: str, scenario: str = "plain") -> ast.Module:
    [code] = [f.code for f in generate(framework, scenario) if f.filename.endswith(".py")]
    return ast.parse(code)


def calls(tree: ast.AST) -> list[str]:
    """Every call's callee as dotted text: `hmac.compare_digest`, `inbox.admit`, `request.get_data`…"""
    return [ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)]


def function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef:
    return next(node for node in ast.walk(tree)
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name)


RAW_BODY = {"fastapi": "request.body", "flask": "request.get_data", "django": "request.body"}


@pytest.mark.parametrize("framework", ["fastapi", "flask", "django"])
def test_python_handlers_verify_the_raw_body_in_constant_time_and_dedupe(framework: str) -> None:
    tree = python_tree(framework)
    verify = function(tree, "verify")
    assert "hmac.compare_digest" in calls(verify)
    assert not any(isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq) for op in node.ops)
                   and "signature" in ast.unparse(node) for node in ast.walk(verify)), "a signature compared with =="
    assert any(isinstance(node, ast.Constant) and node.value == "whsec_" for node in ast.walk(verify))

    route = function(tree, "payhub_webhook")
    statements = list(ast.walk(route))
    # the body is read raw, handed to verify as it is, and parsed only after verify
    raw = next(node for node in statements if isinstance(node, ast.Assign)
               and ast.unparse(node.targets[0]) == "body")
    assert RAW_BODY[framework] in ast.unparse(raw.value)
    verify_call = next(node for node in statements if isinstance(node, ast.Call) and ast.unparse(node.func) == "verify")
    assert ast.unparse(verify_call.args[1]) == "body"
    parse = next(node for node in statements if isinstance(node, ast.Call) and ast.unparse(node.func) == "json.loads")
    assert verify_call.lineno < parse.lineno
    # dedupe on the webhook-id before any work is handed off
    admit = next(node for node in statements if isinstance(node, ast.Attribute) and ast.unparse(node) == "inbox.admit")
    handoff = next(node for node in statements if isinstance(node, ast.Call)
                   and ast.unparse(node.func) in ("background.add_task", "work.submit"))
    assert admit.lineno < handoff.lineno
    assert any(isinstance(node, ast.Constant) and node.value == "webhook-id" for node in statements)
    # the inbox's dedupe is a primary key on the webhook id
    assert any(isinstance(node, ast.Constant) and isinstance(node.value, str)
               and "webhook_id TEXT PRIMARY KEY" in node.value for node in ast.walk(tree))
    if framework == "django":
        decorators = [ast.unparse(d) for d in route.decorator_list]
        assert "csrf_exempt" in decorators and "require_POST" in decorators


def csharp_tree(scenario: str = "plain") -> Any:
    import tree_sitter_c_sharp
    from tree_sitter import Language, Parser

    [code] = [f.code for f in generate("aspnet", scenario) if f.filename == "Program.cs"]
    tree = Parser(Language(tree_sitter_c_sharp.language())).parse(code.encode())
    assert not tree.root_node.has_error
    return tree.root_node


def nodes(root: Any, kind: str) -> Iterator[Any]:
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == kind:
            yield node
        stack.extend(reversed(node.children))


def text(node: Any) -> str:
    return str(node.text.decode())


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_aspnet_handler_parses_and_holds_the_safeguards(scenario: str) -> None:
    root = csharp_tree(scenario)
    invocations = [text(n.child_by_field_name("function")) for n in nodes(root, "invocation_expression")]
    assert "CryptographicOperations.FixedTimeEquals" in invocations
    assert "HMACSHA256.HashData" in invocations
    # the raw request body is copied out and verified as bytes, before JsonDocument parses it
    assert "request.Body.CopyToAsync" in invocations
    order = [name for name in invocations if name in ("verifier.Verify", "JsonDocument.Parse", "inbox.Admit",
                                                      "queue.Writer.WriteAsync")]
    assert order == ["verifier.Verify", "JsonDocument.Parse", "inbox.Admit", "queue.Writer.WriteAsync"]
    # no signature compared with == (or SequenceEqual)
    for comparison in nodes(root, "binary_expression"):
        assert not ("==" in text(comparison) and "expected" in text(comparison)), text(comparison)
    assert "SequenceEqual" not in invocations
    # dedupe: TryAdd on the seen webhook ids; the work runs in a hosted BackgroundService
    assert "seen.TryAdd" in invocations
    classes = {text(c.child_by_field_name("name")): text(c) for c in nodes(root, "class_declaration")}
    assert "BackgroundService" in classes["EventProcessor"].split("{", 1)[0]
    # the secret comes from the environment
    assert any('"PAYHUB_WEBHOOK_SECRET"' == text(n) for n in nodes(root, "string_literal"))


def test_express_handler_uses_the_raw_body_and_timing_safe_compare() -> None:
    import tree_sitter_javascript
    from tree_sitter import Language, Parser

    files = {f.filename: f.code for f in generate("express", "chat")}
    assert json.loads(files["package.json"])["dependencies"] == {
        "express": json.loads((EXPRESS_DIR / "package.json").read_text())["dependencies"]["express"]}
    root = Parser(Language(tree_sitter_javascript.language())).parse(files["server.js"].encode()).root_node
    assert not root.has_error
    invocations = [text(n.child_by_field_name("function")) for n in nodes(root, "call_expression")]
    assert "crypto.timingSafeEqual" in invocations and "express.raw" in invocations
    assert invocations.index("verify") < invocations.index("JSON.parse") < invocations.index("admit")


def test_every_framework_and_scenario_generates() -> None:
    for framework in FRAMEWORKS:
        for scenario in SCENARIOS:
            files = generate(framework, scenario)
            assert len(files) == 2 and all(f.code.strip() for f in files)
            assert "PAYHUB_WEBHOOK_SECRET" in files[0].code
            assert not re.search(r"whsec_[A-Za-z0-9+/]{8}", files[0].code)  # no secret in source
    with pytest.raises(UnknownChoice, match="fastapi, flask, django, express, aspnet"):
        generate("rails")
    with pytest.raises(UnknownChoice, match="plain, chat, crm, erp"):
        generate("flask", "sms")


def test_the_handlers_endpoint(admin: TestClient, client: TestClient) -> None:
    answer = admin.get("/v1/copilot/handlers", params={"framework": "express", "scenario": "chat"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["framework"] == "express" and body["scenario"] == "chat"
    assert [f["filename"] for f in body["files"]] == ["server.js", "package.json"]
    assert body["files"] == [{"filename": f.filename, "code": f.code} for f in generate("express", "chat")]
    wrong = admin.get("/v1/copilot/handlers", params={"framework": "rails"})
    assert wrong.status_code == 422 and "aspnet" in wrong.json()["detail"]
    assert client.get("/v1/copilot/handlers", params={"framework": "flask"}).status_code == 403


def test_the_handler_command_writes_the_files(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from payhub.cli import app

    result = CliRunner().invoke(app, ["copilot", "handler", "--framework", "aspnet", "--scenario", "erp",
                                      "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["PayHubWebhooks.csproj", "Program.cs"]
    assert (tmp_path / "Program.cs").read_text() == generate("aspnet", "erp")[0].code
    bad = CliRunner().invoke(app, ["copilot", "handler", "--framework", "rails"])
    assert bad.exit_code != 0 and "fastapi" in bad.output
