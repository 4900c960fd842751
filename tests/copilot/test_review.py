"""The integration review: it finds every mistake seeded in a fixture integration (Python, JavaScript, TypeScript)
and nothing in a clean one doing the same things; its SARIF is a valid 2.1.0 log; the CLI and the API answer it,
with the model's explanation when one is configured and the rule's own text when not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from payhub.cli import app as cli
from payhub.copilot.review import RULES, Report, review_files, review_paths
from payhub.copilot.review.javascript import parse
from payhub.copilot.review.rules import RESOURCES, payhub_path, payments_scope_suffices
from payhub.copilot.review.sarif import sarif
from tests.copilot.conftest import ANSWER, FakeLlm

FIXTURES = Path(__file__).parent / "fixtures" / "review"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())


def found(report: Report) -> set[tuple[str, int, str]]:
    return {(f.path, f.line, f.rule) for f in report.findings}


def test_every_seeded_mistake_is_found_and_nothing_in_the_clean_integration() -> None:
    seeded = review_paths([FIXTURES / "seeded"], FIXTURES / "seeded")
    clean = review_paths([FIXTURES / "clean"], FIXTURES / "clean")
    expected = {tuple(e) for e in EXPECTED["seeded"]}
    reported = found(seeded) | {(f"clean/{p}", line, rule) for p, line, rule in found(clean)}
    true_positives = len(reported & expected)
    precision = true_positives / len(reported) if reported else 1.0
    recall = true_positives / len(expected)
    print(f"\nintegration review: precision {precision:.2f}, recall {recall:.2f} "
          f"({true_positives} of {len(expected)} seeded found, {len(reported) - true_positives} false)")
    assert reported - expected == set(), "false positives"
    assert expected - reported == set(), "missed"
    assert (precision, recall) == (1.0, 1.0)
    assert seeded.files == clean.files == 5 and not seeded.unparsed and not clean.unparsed
    # each rule is seeded at least once, in Python and in JavaScript/TypeScript where it applies there
    by_language = {(r, p.endswith(".py")) for p, _, r in expected}
    assert {r for r, _ in by_language} == set(RULES)
    assert {r for r, python in by_language if python} == set(RULES) - {"PH007"}  # Python never runs in a browser
    assert {r for r, python in by_language if not python} == set(RULES) - {"PH008"}  # seeded JS keys are client-side


def test_the_fixtures_parse_as_what_they_claim_to_be() -> None:
    for path in (FIXTURES / "seeded").rglob("*"):
        if path.suffix in (".js", ".ts", ".tsx"):
            assert not parse(path.name, path.read_text()).has_error, path
        elif path.suffix == ".py":
            compile(path.read_text(), str(path), "exec")


def test_findings_carry_file_line_column_rule_message_and_fix() -> None:
    report = review_files([("pay.py", 'import httpx\nhttpx.post("https://h/v1/payments", json={"amount": 1.5})\n')])
    assert [f.as_dict() for f in report.findings] == [
        {"file": "pay.py", "line": 2, "column": 1, "rule": "PH001", "title": RULES["PH001"].title,
         "level": "error", "message": "POST /v1/payments is sent without an Idempotency-Key header: a retry can "
                                      "repeat the payment.", "fix": RULES["PH001"].fix},
        {"file": "pay.py", "line": 2, "column": 53, "rule": "PH002", "title": RULES["PH002"].title,
         "level": "error", "message": "`amount` gets a float (`1.5`): PayHub takes integer minor units.",
         "fix": RULES["PH002"].fix},
    ]
    for rule in RULES.values():
        assert rule.title and rule.why and rule.fix and rule.level in ("error", "warning")


@pytest.mark.parametrize(("path", "source", "rules"), [
    # headers that cannot be resolved are not guessed at; a helper that adds the key is followed
    ("a.py", "def f(h):\n    client.post('/v1/payments', headers=h)\n", []),
    ("b.py", "def hdr():\n    return {'Idempotency-Key': k()}\nclient.post('/v1/refunds', headers=hdr())\n", []),
    ("c.py", "client.post('/v1/refunds', headers={**base})\n", []),
    ("d.py", "client.post('https://other.example/v2/charges', json={})\n", []),  # not PayHub
    ("e.js", "axios.post('/v1/payments', body, config)\n", []),
    ("f.js", "axios.post('/v1/payments', body)\n", ["PH001"]),
    ("g.js", "const h = new Headers(); h.set('Idempotency-Key', k);\nfetch('/v1/payments', {method: 'POST', "
             "headers: h})\n", []),
    ("h.py", "x = {'amount': round(total * 100)}\ny = {'amount': int(price / 100)}\n", []),
    ("i.py", "x = {'amount': round(total, 2)}\n", ["PH002"]),
    ("j.ts", "const body = { amount: Math.round(Number(text) * 100) };\n", []),
    ("k.ts", "const body = { amount: (12.5).toFixed(2) };\n", ["PH002"]),
    ("l.py", "if sig == '': pass\nif len(signature) == 0: pass\n", []),
    ("m.js", "if (signature === undefined) {}\nif (expectedSig == received) {}\n", ["PH005"]),
    ("n.py", "KEY = 'phk_admin_...'\n", []),  # a placeholder, not a key
    ("o.js", "const k = 'phk_read_AAAAAAAAAAAAAAAAAAAA';\n", ["PH008"]),
    ("p.js", "const k = 'phk_read_AAAAAAAAAAAAAAAAAAAA'; window.x = 1;\n", ["PH007"]),
    ("q.py", "while True:\n    r = client.get('/v1/payments')\n    time.sleep(5)\n", []),  # polling, not retrying
    ("r.py", "@retry(wait=wait_exponential())\ndef get():\n    return client.get('/v1/payments')\n", ["PH009"]),
    ("s.py", "if p.status == 'requires_capture':\n    notify_support(p)\n", []),
    ("t.js", "const ok = ['captured', 'requires_capture'];\nif (ok.includes(p.status)) {}\n", ["PH010"]),
    ("u.py", "import os\nK = os.environ['PAYHUB_ADMIN_KEY']\nc = httpx.Client(headers={'Authorization': K})\n"
             "c.post('/v1/webhook_endpoints', json={}, headers={'Idempotency-Key': 'x'})\n", []),
    ("v.py", "import os\nK = os.getenv('ADMIN_KEY')\nc = httpx.Client(headers={'Authorization': K})\n"
             "c.get(url)\n", []),  # a call we cannot place: no finding
])
def test_rule_edges(path: str, source: str, rules: list[str]) -> None:
    assert [f.rule for f in review_files([(path, source)]).findings] == rules


def test_payhub_paths_and_the_payments_scope_match_the_api(app: FastAPI) -> None:
    spec = app.openapi()
    first_segments = {p.split("/")[2] for p in spec["paths"] if p.startswith("/v1/")}
    assert first_segments <= RESOURCES
    assert payhub_path("https://h/v1/payments/{}/capture?x=1") == ("payments", "{}", "capture")
    assert payhub_path("https://h/v2/payments") is None and payhub_path("/v1/nope") is None
    assert payments_scope_suffices("POST", ("payments", "{}", "capture"))
    assert payments_scope_suffices("GET", ("invoices", "{}"))
    assert not payments_scope_suffices("POST", ("webhook_endpoints",))
    assert not payments_scope_suffices("POST", ("api_keys",))
    # every payments-scope pattern names a real operation
    operations = {(m.upper(), tuple(s if not s.startswith("{") else "*" for s in p.split("/")[2:]))
                  for p, item in spec["paths"].items() if p.startswith("/v1/") for m in item}
    from payhub.copilot.review.rules import PAYMENTS_SCOPE
    for method, patterns in PAYMENTS_SCOPE.items():
        for pattern in patterns:
            assert any(m == method and s[:len(pattern)] == pattern for m, s in operations), (method, pattern)


# --- SARIF 2.1.0 ----------------------------------------------------------------------------------------------

def check_sarif(log: dict[str, Any]) -> None:
    """The properties SARIF 2.1.0 (OASIS, sarif-schema-2.1.0.json) requires, and what code scanning reads."""
    assert log["version"] == "2.1.0" and isinstance(log["runs"], list)
    assert log["$schema"].endswith("sarif-2.1.0.json")
    for run in log["runs"]:
        driver = run["tool"]["driver"]
        assert isinstance(driver["name"], str) and driver["name"]
        ids = [r["id"] for r in driver["rules"]]
        assert len(ids) == len(set(ids))
        for rule in driver["rules"]:
            assert isinstance(rule["id"], str)
            for message in ("shortDescription", "fullDescription", "help"):
                assert isinstance(rule[message]["text"], str) and rule[message]["text"]
            assert rule["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
        for result in run["results"]:
            assert isinstance(result["message"]["text"], str) and result["message"]["text"]
            assert result["ruleId"] in ids and driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
            assert result["level"] in ("none", "note", "warning", "error")
            (location,) = result["locations"]
            physical = location["physicalLocation"]
            assert isinstance(physical["artifactLocation"]["uri"], str)
            assert not physical["artifactLocation"]["uri"].startswith("/")  # relative to %SRCROOT%
            region = physical["region"]
            assert isinstance(region["startLine"], int) and region["startLine"] >= 1
            assert isinstance(region["startColumn"], int) and region["startColumn"] >= 1


def test_sarif_is_a_valid_2_1_0_log_with_every_rule_and_finding() -> None:
    report = review_paths([FIXTURES / "seeded"], FIXTURES / "seeded")
    log = json.loads(json.dumps(sarif(report)))
    check_sarif(log)
    (run,) = log["runs"]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == list(RULES)
    assert {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in run["results"]} \
        == {tuple(e) for e in EXPECTED["seeded"]}
    check_sarif(sarif(review_paths([FIXTURES / "clean"], FIXTURES / "clean")))  # no results is still valid


# --- CLI --------------------------------------------------------------------------------------------------------

def test_cli_reports_each_format_and_exits_1_on_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAYHUB_COPILOT_LLM_URL", raising=False)
    monkeypatch.chdir(FIXTURES / "seeded")
    runner = CliRunner()
    text = runner.invoke(cli, ["copilot", "review", "."])
    assert text.exit_code == 1 and "server/checkout.js:42:7: PH005" in text.output
    assert text.output.rstrip().endswith("29 findings in 5 files")
    out = tmp_path / "review.sarif"
    written = runner.invoke(cli, ["copilot", "review", "billing", "server", "--format", "sarif", "-o", str(out)])
    assert written.exit_code == 1 and written.output == ""
    check_sarif(json.loads(out.read_text()))
    explained = runner.invoke(cli, ["copilot", "review", "web", "--format", "json", "--explain"])
    findings = json.loads(explained.output)["findings"]
    assert [f["rule"] for f in findings] == ["PH007", "PH007", "PH002"]
    assert all(f["explanation"] == f"{RULES[f['rule']].why} {RULES[f['rule']].fix}" for f in findings)
    monkeypatch.chdir(FIXTURES / "clean")
    assert runner.invoke(cli, ["copilot", "review", "."]).exit_code == 0
    assert runner.invoke(cli, ["copilot", "review", ".", "--format", "xml"]).exit_code == 2


def test_cli_explains_with_the_configured_model(fake_llm: FakeLlm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYHUB_COPILOT_LLM_URL", fake_llm.url)
    monkeypatch.setenv("PAYHUB_COPILOT_LLM_MODEL", "fake-model")
    monkeypatch.chdir(FIXTURES / "seeded")
    result = CliRunner().invoke(cli, ["copilot", "review", "web/src/components", "--explain"])
    assert result.exit_code == 1 and f"why: {ANSWER}" in result.output
    assert len(fake_llm.requests) == 3  # one question per finding
    assert "PH007" in fake_llm.requests[0]["body"]["messages"][1]["content"]


# --- API --------------------------------------------------------------------------------------------------------

def files(root: Path) -> list[dict[str, str]]:
    return [{"path": p.relative_to(root).as_posix(), "content": p.read_text()}
            for p in sorted(root.rglob("*")) if p.is_file()]


def test_api_reviews_files_as_json_and_sarif(admin: TestClient, client: TestClient) -> None:
    seeded = files(FIXTURES / "seeded")
    answer = admin.post("/v1/copilot/review", json={"files": seeded})
    assert answer.status_code == 200, answer.text
    assert {(f["file"], f["line"], f["rule"]) for f in answer.json()["findings"]} == {
        tuple(e) for e in EXPECTED["seeded"]}
    assert all("explanation" not in f for f in answer.json()["findings"])
    log = admin.post("/v1/copilot/review", json={"files": seeded, "format": "sarif"})
    assert log.status_code == 200 and log.headers["content-type"].startswith("application/sarif+json")
    check_sarif(log.json())
    clean = admin.post("/v1/copilot/review", json={"files": files(FIXTURES / "clean")})
    assert clean.json()["findings"] == [] and clean.json()["files"] == 5
    assert client.post("/v1/copilot/review", json={"files": seeded}).status_code == 403  # payments scope
    assert admin.post("/v1/copilot/review", json={"files": []}).status_code == 422


def test_api_explains_with_the_model_or_the_rule(app: FastAPI, admin: TestClient, fake_llm: FakeLlm) -> None:
    body = {"files": [{"path": "a.js", "content": "axios.post('/v1/payments', {amount: 1.5})\n"}], "explain": True}
    plain = admin.post("/v1/copilot/review", json=body).json()["findings"]
    assert [f["explanation"] for f in plain] == [f"{RULES[r].why} {RULES[r].fix}" for r in ("PH001", "PH002")]
    app.state.copilot_llm = fake_llm.llm
    explained = admin.post("/v1/copilot/review", json=body).json()["findings"]
    assert [f["explanation"] for f in explained] == [ANSWER, ANSWER]
    assert len(fake_llm.requests) == 2
