"""The copilot's configuration check: each seeded misconfiguration is caught with its check id and a message
that says the fix; the repository's example is clean; webhook endpoints get a real signed test event; the
generated CI pipeline parses, has its jobs, holds no secret, and its scripts run against a live server."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from payhub.auth.keys import create_key
from payhub.cli import app as cli_app
from payhub.copilot.config_check import CHECKS, Report, Server, check, ci_script
from payhub.domain.errors import ConfigInvalid
from payhub.services import Services
from payhub.webhooks.transport import parse_networks
from tests.conftest import now

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "config" / "misconfigured.yaml"
EXAMPLE = ROOT / "examples" / "config-as-code" / "payhub.yaml"
LOOPBACK = parse_networks(["127.0.0.1/32"])
SERVER = Server({"simulator": {"type": "simulator"}, "stripe_eu": {"type": "stripe"}}, LOOPBACK)


@dataclass
class Receiver:
    url: str
    status: int
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on 127.0.0.1 answering `status` (set by the test) and recording what it got."""
    got: Receiver

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            got.requests.append({"path": self.path, "headers": dict(self.headers), "body": json.loads(body)})
            self.send_response(got.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks", 204)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield got
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()  # nothing listens there now: connections are refused at once
    return port


def one_endpoint(url: str) -> str:
    return f"""version: 1
entities:
  ent_hooks:
    name: Hooks
    default_currency: USD
    webhook_endpoints:
      receiver:
        url: {url}
        event_types: [payment.completed]
"""


def by_check(report: Report) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for finding in report.findings:
        out.setdefault(finding.check, []).append(finding)
    return out


# --- the seeded document ----------------------------------------------------------------------------------------

def test_every_seeded_misconfiguration_is_caught_once_with_its_fix(receiver: Receiver) -> None:
    receiver.status = 500
    port = receiver.url.split(":")[2].split("/")[0]
    report = check(FIXTURE.read_text().replace("{PORT}", port), SERVER)
    found = by_check(report)
    at = "entities.ent_seeded"
    expected = {
        "routing.shadowed_rule": (f"{at}.routing.rules[1]", "error", "matched first by rule 'all-cards'"),
        "routing.unreachable_rule": (f"{at}.routing.rules[2].when.amount_min", "error",
                                     "amount_min 5000 is above amount_max 100"),
        "routing.split_not_100": (f"{at}.routing.rules[3].split", "warning", "simulator 70/90 = 77.8 %"),
        "gateway.not_configured": (f"{at}.routing.default[1]", "error", "'adyen_backup' is not configured"),
        "gateway.missing_credentials": (f"{at}.routing.rules[3].split.stripe_eu", "error", "has no api_key"),
        "surcharge.above_jurisdiction_cap": (f"{at}.fee_policy.surcharge.percent", "error",
                                             'Add "US-CT": "0" to surcharge.jurisdiction_caps'),
        "webhook.test_event_failed": (f"{at}.webhook_endpoints.broken.url", "error", "answered HTTP 500"),
        "fee_policy.negative_total": (f"{at}.fee_policy.convenience_fees[0].flat", "error",
                                      "a payment of 1 USD minor units a total of -499"),
    }
    assert set(found) == set(expected), report.render()
    for check_id, (path, severity, text) in expected.items():
        [finding] = found[check_id]
        assert (finding.path, finding.severity, finding.entity) == (path, severity, "ent_seeded")
        assert text in finding.message and finding.line is not None
        assert check_id in CHECKS
    assert report.errors == 7 and report.warnings == 1
    assert receiver.requests[0]["body"]["type"] == "webhook.test"


def test_the_repository_example_has_no_errors() -> None:
    report = check(EXAMPLE.read_text(), Server({"simulator": {"type": "simulator"}}), network=False)
    assert report.entities == ["ent_demo", "ent_northwind"]
    assert report.findings == []


@pytest.mark.parametrize(("rule", "check_id", "message"), [
    ({"id": "r", "priority": 1, "when": {"bin_ranges": [["499999", "400000"]]}, "gateways": ["simulator"]},
     "routing.unreachable_rule", "the BIN range 499999..400000 is empty"),
    ({"id": "r", "priority": 1, "when": {"currencies": ["XTS"]}, "gateways": ["simulator"]},
     "routing.unreachable_rule", "PayHub takes none of them"),
    ({"id": "r", "priority": 1, "when": {"methods": ["ach"], "card_brands": ["visa"]}, "gateways": ["simulator"]},
     "routing.unreachable_rule", "only hold for cards"),
    ({"id": "r", "priority": 1, "when": {"channels": ["kiosk"]}, "gateways": ["simulator"]},
     "routing.invalid", "unknown value(s) ['kiosk']"),
])
def test_rules_that_can_never_match(rule: dict[str, Any], check_id: str, message: str) -> None:
    doc = {"version": 1, "entities": {"ent_x": {"name": "X", "default_currency": "USD",
                                                "routing": {"default": ["simulator"], "rules": [rule]}}}}
    [finding] = check(json.dumps(doc), SERVER, network=False).findings
    assert (finding.check, finding.path.split(".when")[0]) == (check_id, "entities.ent_x.routing.rules[0]")
    assert message in finding.message


def test_a_rule_behind_a_broader_one_with_a_split_that_sums_to_100() -> None:
    rules = [{"id": "eur", "priority": 5, "when": {"currencies": ["EUR", "USD"]}, "split": {"simulator": 100}},
             {"id": "eur-big", "priority": 9, "when": {"currencies": ["EUR"], "amount_min": 500},
              "gateways": ["simulator"]},
             {"id": "bins", "priority": 20, "when": {"bin_ranges": [["400000", "449999"], ["450000", "499999"]]},
              "gateways": ["simulator"]},
             {"id": "bins-inner", "priority": 21, "when": {"bin_ranges": [["440000", "460000"]]},
              "gateways": ["simulator"]}]
    doc = {"version": 1, "entities": {"ent_x": {"name": "X", "default_currency": "USD",
                                                "routing": {"default": ["simulator"], "rules": rules}}}}
    found = check(json.dumps(doc), SERVER, network=False).findings
    assert [(f.check, f.path) for f in found] == [("routing.shadowed_rule", "entities.ent_x.routing.rules[1]"),
                                                  ("routing.shadowed_rule", "entities.ent_x.routing.rules[3]")]


@pytest.mark.parametrize(("fee_policy", "check_id", "path", "message"), [
    ({"convenience_fees": [{"priority": 1, "percent": "-150"}]}, "fee_policy.negative_total",
     "convenience_fees[0].percent", "a total of -"),
    ({"convenience_fees": [{"priority": 1, "currency": "USD", "min_amount": 2000, "flat": -500}]},
     "fee_policy.negative_fee", "convenience_fees[0]", "PayHub refuses negative fees"),
    ({"convenience_fees": [{"priority": 1, "currency": "USD", "tiers": [
        {"from": 0, "to": 10000, "flat": 100}, {"from": 10000, "to": None, "flat": -20000}]}]},
     "fee_policy.negative_total", "convenience_fees[0].tiers[1].flat", "a payment of 10000 USD"),
    ({"surcharge": {"percent": "3", "jurisdiction_caps": {"US-CO": "3", "US-CT": "0", "US-MA": "0", "US-ME": "0",
                                                          "US-PR": "0"}}},
     "surcharge.above_jurisdiction_cap", "surcharge.jurisdiction_caps.US-CO", "capped at 2 %"),
    ({"surcharge": {"percent": "2", "surcharge_unknown_jurisdiction": True, "jurisdiction_caps": {
        "US-CT": "0", "US-MA": "0", "US-ME": "0", "US-PR": "0"}}},
     "surcharge.unknown_jurisdiction", "surcharge.surcharge_unknown_jurisdiction", "jurisdiction is unknown"),
    ({"convenience_fees": [{"priority": 1, "percent": 2.5}]}, "fee_policy.invalid",
     "convenience_fees[0].percent", "floats are inexact"),
])
def test_fee_policies(fee_policy: dict[str, Any], check_id: str, path: str, message: str) -> None:
    doc = {"version": 1, "entities": {"ent_x": {"name": "X", "default_currency": "USD", "fee_policy": fee_policy}}}
    [finding] = check(json.dumps(doc), SERVER, network=False).findings
    assert (finding.check, finding.path) == (check_id, f"entities.ent_x.fee_policy.{path}")
    assert message in finding.message


def test_a_european_policy_gets_the_consumer_card_ban_as_a_warning() -> None:
    doc = {"version": 1, "entities": {"ent_eu": {"name": "EU", "default_currency": "EUR",
                                                 "fee_policy": {"surcharge": {"percent": "1"}}}}}
    [finding] = check(json.dumps(doc), SERVER, network=False).findings
    assert (finding.check, finding.severity) == ("surcharge.above_jurisdiction_cap", "warning")
    assert "DE (1 %)" in finding.message and "PSD2" in finding.message


def test_gateway_settings_the_connector_refuses() -> None:
    server = Server({"simulator": {"type": "simulator"}, "stripe": {"type": "stripe", "api_key": "pk_live_x"},
                     "adyen": {"type": "adyen", "api_key": "AQE"}})
    doc = {"version": 1, "entities": {"ent_x": {"name": "X", "default_currency": "USD", "gateway": "stripe",
                                                "routing": {"default": ["stripe", "adyen"]}}}}
    found = {f.path: f for f in check(json.dumps(doc), server, network=False).findings}
    assert found["entities.ent_x.gateway"].check == "gateway.invalid_credentials"
    assert "secret (sk_…)" in found["entities.ent_x.gateway"].message
    assert found["entities.ent_x.routing.default[1]"].check == "gateway.missing_credentials"
    assert "has no merchant_account" in found["entities.ent_x.routing.default[1]"].message


def test_schema_errors_and_unreadable_documents() -> None:
    doc = {"version": 1, "entities": {"ent_x": {"name": "X", "colour": "red"}}}
    [finding] = check(json.dumps(doc), SERVER, network=False).findings
    assert (finding.check, finding.path) == ("schema.invalid", "entities.ent_x.colour")
    with pytest.raises(ConfigInvalid):
        check("version: [1\n", SERVER)


# --- webhook endpoints ------------------------------------------------------------------------------------------

def test_an_endpoint_answering_204_gets_a_signed_test_event_and_no_finding(receiver: Receiver) -> None:
    report = check(one_endpoint(receiver.url), SERVER)
    assert report.findings == []
    [got] = receiver.requests
    assert got["body"]["type"] == "webhook.test" and got["body"]["id"] == got["headers"]["webhook-id"]
    assert got["body"]["data"]["endpoint"] == "receiver"
    assert re.fullmatch(r"v1,[A-Za-z0-9+/]+={0,2}", got["headers"]["webhook-signature"])
    assert got["headers"]["webhook-timestamp"].isdigit()


def test_an_endpoint_answering_500_is_a_finding(receiver: Receiver) -> None:
    receiver.status = 500
    [finding] = check(one_endpoint(receiver.url), SERVER).findings
    assert (finding.check, finding.severity) == ("webhook.test_event_failed", "error")
    assert "answered HTTP 500" in finding.message and "enabled: false" in finding.message


def test_an_endpoint_refusing_the_throwaway_signature_is_a_warning(receiver: Receiver) -> None:
    receiver.status = 401
    [finding] = check(one_endpoint(receiver.url), SERVER).findings
    assert (finding.check, finding.severity) == ("webhook.signature_rejected", "warning")


def test_a_closed_port_is_a_finding() -> None:
    [finding] = check(one_endpoint(f"http://127.0.0.1:{closed_port()}/hooks"), SERVER).findings
    assert finding.check == "webhook.test_event_failed" and "did not answer" in finding.message


def test_loopback_is_refused_unless_the_worker_allows_it(receiver: Receiver) -> None:
    strict = Server({"simulator": {"type": "simulator"}})
    [finding] = check(one_endpoint(receiver.url), strict).findings
    assert finding.check == "webhook.url_not_allowed" and "PAYHUB_WEBHOOK_ALLOWED_NETWORKS" in finding.message
    assert receiver.requests == []
    assert check(one_endpoint(receiver.url), strict, network=False).findings[0].check == "webhook.url_not_allowed"


def test_skip_network_sends_nothing(receiver: Receiver) -> None:
    receiver.status = 500
    assert check(one_endpoint(receiver.url), SERVER, network=False).findings == []
    assert receiver.requests == []


# --- the CLI and the API ----------------------------------------------------------------------------------------

def test_check_config_command_exits_1_on_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIXTURE.read_text().replace("{PORT}", "9"))
    result = runner.invoke(cli_app, ["copilot", "check-config", str(bad), "--skip-network", "--format", "json"])
    assert result.exit_code == 1, result.output
    answer = json.loads(result.output)
    assert {f["check"] for f in answer["findings"]} >= {"routing.shadowed_rule", "fee_policy.negative_total"}
    result = runner.invoke(cli_app, ["copilot", "check-config", str(EXAMPLE), "--skip-network"])
    assert result.exit_code == 0 and "0 error(s)" in result.output


def test_the_api_checks_with_the_servers_gateways_and_network_rules(admin: TestClient, receiver: Receiver) -> None:
    doc = FIXTURE.read_text().replace("http://127.0.0.1:{PORT}/hooks", receiver.url)
    answer = admin.post("/v1/copilot/config/check", json={"document": doc, "network": True})
    assert answer.status_code == 200, answer.text
    checks = {f["check"] for f in answer.json()["findings"]}
    # the test server configures only the simulator, and its webhook worker may not reach loopback
    assert {"gateway.not_configured", "webhook.url_not_allowed", "routing.shadowed_rule"} <= checks
    assert receiver.requests == [] and answer.json()["explanation"] is None
    bad = admin.post("/v1/copilot/config/check", json={"document": "entities: [1\n"})
    assert bad.status_code == 422 and bad.json()["code"] == "config_invalid"
    assert admin.post("/v1/copilot/config/check", json={"document": doc},
                      headers={"Authorization": "Bearer nope"}).status_code == 401


# --- the CI pipeline --------------------------------------------------------------------------------------------

SECRET_LITERAL = re.compile(r"(sk|rk|pk)_(live|test)_|whsec_|phk_|Bearer [A-Za-z0-9]")


def test_the_github_workflow_plans_on_pull_requests_and_applies_on_merge() -> None:
    text = ci_script("github")
    workflow = yaml.safe_load(text)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(triggers) == {"pull_request", "push"} and triggers["push"]["branches"] == ["main"]
    plan, apply = workflow["jobs"]["plan"], workflow["jobs"]["apply"]
    assert plan["if"] == "github.event_name == 'pull_request'"
    assert "refs/heads/main" in apply["if"] and "push" in apply["if"]
    plan_script = "\n".join(step.get("run", "") for step in plan["steps"])
    assert "/v1/config/plan" in plan_script and "/v1/copilot/config/check" in plan_script
    assert "gh pr comment" in plan_script
    assert "/v1/config/apply" in "\n".join(step.get("run", "") for step in apply["steps"])
    assert workflow["env"]["PAYHUB_ADMIN_KEY"] == "${{ secrets.PAYHUB_ADMIN_KEY }}"
    assert workflow["env"]["PAYHUB_API_URL"] == "${{ secrets.PAYHUB_API_URL }}"
    assert not SECRET_LITERAL.search(text.replace("Bearer $PAYHUB_ADMIN_KEY", ""))


def test_the_gitlab_pipeline_plans_on_merge_requests_and_applies_on_merge() -> None:
    text = ci_script("gitlab", branch="trunk")
    pipeline = yaml.safe_load(text)
    assert pipeline["payhub-plan"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert '$CI_COMMIT_BRANCH == "trunk"' in pipeline["payhub-apply"]["rules"][0]["if"]
    assert "/v1/config/apply" in pipeline["payhub-apply"]["script"][0]
    assert not SECRET_LITERAL.search(text.replace("Bearer $PAYHUB_ADMIN_KEY", ""))
    with pytest.raises(ValueError, match="unknown CI provider"):
        ci_script("jenkins")


def run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", script], cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120)


def test_the_workflows_scripts_check_plan_and_apply_against_a_live_server(
        live_url: str, services: Services, tmp_path: Path) -> None:
    with services.transaction() as s:
        platform_key = create_key(s, None, "admin", now())[1]
    workflow = yaml.safe_load(ci_script("github"))
    [check_and_plan] = [s["run"] for s in workflow["jobs"]["plan"]["steps"] if s.get("name") == "Check and plan"]
    [plan_and_apply] = [s["run"] for s in workflow["jobs"]["apply"]["steps"] if s.get("name") == "Plan and apply"]
    (tmp_path / "payhub.yaml").write_text(EXAMPLE.read_text().replace("  webhook_endpoints:\n", "  x_hooks:\n", 1)
                                          .replace("    webhook_endpoints:\n", "    x_hooks:\n"))
    doc = yaml.safe_load((tmp_path / "payhub.yaml").read_text())
    for section in (doc["defaults"], doc["entities"]["ent_northwind"]):
        section.pop("x_hooks")  # the example's receivers do not exist here
    (tmp_path / "payhub.yaml").write_text(yaml.safe_dump(doc))
    env = {"PAYHUB_API_URL": live_url, "PAYHUB_ADMIN_KEY": platform_key, "PAYHUB_CONFIG": "payhub.yaml"}

    planned = run_step(check_and_plan, tmp_path, env)
    assert planned.returncode == 0, planned.stdout + planned.stderr
    report = (tmp_path / "report.md").read_text()
    assert "### PayHub configuration plan" in report and "entity ent_northwind" in report
    assert "0 error(s)" in report

    applied = run_step(plan_and_apply, tmp_path, env)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Applied config version" in applied.stdout and platform_key not in applied.stdout
    again = run_step(plan_and_apply, tmp_path, env)
    assert "Nothing to apply" in again.stdout or "0 to create, 0 to change, 0 to delete" in again.stdout

    (tmp_path / "payhub.yaml").write_text(FIXTURE.read_text().replace("{PORT}", "9"))
    refused = run_step(check_and_plan, tmp_path, env)
    assert refused.returncode == 1
    assert "[routing.shadowed_rule]" in (tmp_path / "report.md").read_text()
