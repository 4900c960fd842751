"""The copilot's ERP field mapping: proposals from the embedded ERP's default chart and from a real Tryton, the
generated dataset and validation scripts run against the live ERP, a broken mapping named by the validator, the
CLI and the admin endpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from payhub.cli import app as cli_app
from payhub.copilot import erp_mapping
from payhub.copilot.erp_mapping import Proposal
from payhub.demo import DEMO_ENTITY
from payhub.domain.ledger import PostingRules, capture_entry
from payhub.domain.money import Money
from payhub.erp.embedded import DEFAULT_CHART
from payhub.erp.tryton import TrytonErp, TrytonMapping
from payhub.erp.tryton.rpc import TrytonRpc
from payhub.services import Services
from tests.conftest import HAS_TRYTOND, TRYTON_ENTITY
from tests.copilot.conftest import ANSWER, FakeLlm

SRC = str(Path(__file__).resolve().parents[2] / "src")
tryton_only = pytest.mark.skipif(not HAS_TRYTOND, reason="trytond is not installed; CI installs it")


def run(script: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": SRC, **env})


def embedded_proposal(services: Services) -> Proposal:
    with services.read() as s:
        return erp_mapping.propose(erp_mapping.introspect_embedded(s, DEMO_ENTITY), entity=DEMO_ENTITY)


def with_changes(proposal: Proposal, **changes: Any) -> Proposal:
    return Proposal(**{**{k: getattr(proposal, k) for k in Proposal.__dataclass_fields__}, **changes})


# --- the embedded ERP (demo seed) ---
def test_embedded_proposal_maps_every_role_of_the_default_chart(services: Services) -> None:
    proposal = embedded_proposal(services)
    (entity,) = proposal.entities
    assert entity.entity == DEMO_ENTITY and entity.company["id"] == DEMO_ENTITY
    assert entity.unmapped == [] and proposal.issues == ()
    names = {code: name for code, name, _ in DEFAULT_CHART}
    for role in entity.roles:  # each role on PayHub's own code for it, for a stated reason
        assert role.account is not None and role.account["code"] == role.code, role
        assert role.account["name"] == names[role.code]
        assert role.confidence >= 0.85 and "kind" in role.reason and "name matches" in role.reason
    assert {r.role for r in entity.roles} == set(PostingRules.__dataclass_fields__)
    assert proposal.mapping["entities"][DEMO_ENTITY]["posting_rules"] == PostingRules().as_dict()
    assert all(f.present for f in proposal.fields)
    lines = [line for i in proposal.dataset["invoices"] for line in i["lines"]]
    assert all(isinstance(u, int) and isinstance(q, int) for _, q, u in lines)


def test_embedded_dataset_and_validation_scripts_run(services: Services, db_url: str, tmp_path: Path) -> None:
    proposal = embedded_proposal(services)
    erp_mapping.write(proposal, tmp_path)
    made = run(tmp_path / "create_dataset.py", PAYHUB_DATABASE_URL=db_url)
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    first = services.erp.get_invoice(DEMO_ENTITY, created["invoice_ids"][0])
    assert first.customer_id == created["customer_id"] and first.total == Money(30000, "USD")
    assert run(tmp_path / "create_dataset.py", PAYHUB_DATABASE_URL=db_url).returncode == 0  # re-run keeps them
    checked = run(tmp_path / "validate_mapping.py", PAYHUB_DATABASE_URL=db_url)
    assert checked.returncode == 0 and "mapping OK" in checked.stdout, checked.stdout + checked.stderr

    broken = json.loads(json.dumps(proposal.mapping))
    broken["entities"][DEMO_ENTITY]["posting_rules"].update(accounts_receivable="1299", processor_fees="4000")
    script = tmp_path / "broken.py"
    script.write_text(erp_mapping.validation_script(with_changes(proposal, mapping=broken)))
    failed = run(script, PAYHUB_DATABASE_URL=db_url)
    assert failed.returncode == 1
    assert "account 1299 (accounts_receivable) does not exist" in failed.stdout
    assert "account 4000 (processor_fees) 'Revenue' is of type revenue, not expense" in failed.stdout


def test_the_model_only_adds_notes(services: Services, fake_llm: FakeLlm) -> None:
    plain = embedded_proposal(services)
    explained = erp_mapping.explain(plain, fake_llm.llm)
    assert explained.explanation == ANSWER and ANSWER in erp_mapping.report(explained)
    assert explained.mapping == plain.mapping and erp_mapping.explain(plain, None) is plain


def test_endpoint_proposes_for_the_callers_entity(admin: TestClient, client: TestClient) -> None:
    answer = admin.get("/v1/copilot/erp_mapping")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["erp"] == "embedded" and [e["entity"] for e in body["entities"]] == [DEMO_ENTITY]
    assert body["entities"][0]["unmapped"] == []
    compile(body["files"]["validate_mapping.py"], "validate_mapping.py", "exec")
    compile(body["files"]["create_dataset.py"], "create_dataset.py", "exec")
    assert json.loads(body["files"]["mapping.json"]) == body["mapping"]
    assert client.get("/v1/copilot/erp_mapping").status_code == 403  # a payments key is not enough


# --- a real Tryton (tests/erp/tryton_fixture.py) ---
@pytest.fixture
def tryton_env(tryton: dict[str, Any]) -> dict[str, str]:
    return {"TRYTON_URL": tryton["url"], "TRYTON_DATABASE": tryton["db"], "TRYTON_USER": tryton["user"],
            "TRYTON_PASSWORD": tryton["password"]}


@tryton_only
def test_tryton_proposal_works_through_the_connector(tryton: dict[str, Any], tryton_env: dict[str, str],
                                                     tmp_path: Path) -> None:
    rpc = TrytonRpc(tryton["url"], tryton["db"], tryton["user"], tryton["password"], timeout=60)
    try:
        schema = erp_mapping.introspect_tryton(rpc)
    finally:
        rpc.close()
    assert {"party.party", "account.account", "account.invoice", "company.company",
            "account.invoice.payment.method"} <= {m.name for m in schema.models}
    proposal = erp_mapping.propose(schema, entity=TRYTON_ENTITY)
    (entity,) = proposal.entities
    accounts = tryton["accounts"]
    config = proposal.mapping["entities"][TRYTON_ENTITY]
    assert config["company"] == tryton["company"] and config["payment_method"] == tryton["payment_method"]
    assert {k: config["accounts"][k] for k in ("1150", "1200", "2150")} == {
        "1150": accounts["clearing"]["id"], "1200": accounts["receivable"]["id"],
        "2150": accounts["customer_credit"]["id"]}
    roles = {r.role: r for r in entity.roles}
    assert "payment method" in roles["gateway_clearing"].reason and roles["gateway_clearing"].confidence == 1.0
    assert "customer invoices use it" in roles["accounts_receivable"].reason
    # the fixture's chart has no convenience-fee or surcharge revenue accounts: listed, not guessed
    assert {"convenience_fee_revenue", "surcharge_revenue"} <= set(entity.unmapped)
    assert {"processor_fees", "settlement_suspense", "bank"}.isdisjoint(entity.unmapped)  # fees, suspense, bank
    assert all(r.reason for r in entity.roles) and all(f.present for f in proposal.fields)
    mapping = TrytonMapping.from_dict(proposal.mapping)

    dataset = json.loads(json.dumps(proposal.dataset))
    dataset["customer"]["name"] += f" {uuid.uuid4().hex[:8]}"  # its own party and invoices on a kept Tryton
    erp_mapping.write(with_changes(proposal, dataset=dataset), tmp_path)
    made = run(tmp_path / "create_dataset.py", **tryton_env)
    assert made.returncode == 0, made.stdout + made.stderr
    created = json.loads(made.stdout)

    erp = TrytonErp(tryton["url"], tryton["db"], tryton["user"], tryton["password"], mapping, timeout=60)
    try:
        invoice = erp.get_invoice(TRYTON_ENTITY, created["invoice_ids"][0])
        assert invoice.status == "open" and invoice.total == Money(dataset["invoices"][0]["total"], "USD")
        assert invoice.customer_id == created["customer_id"]
        entry = capture_entry(PostingRules(), created["customer_id"], [(invoice.id, invoice.balance)])
        erp.post(TRYTON_ENTITY, entry, f"maptest-{uuid.uuid4().hex}")
        assert erp.get_invoice(TRYTON_ENTITY, invoice.id).status == "paid"
    finally:
        erp.close()

    checked = run(tmp_path / "validate_mapping.py", **tryton_env)
    assert checked.returncode == 0 and "mapping OK" in checked.stdout, checked.stdout + checked.stderr


@tryton_only
def test_tryton_validation_names_the_bad_account(tryton: dict[str, Any], tryton_env: dict[str, str],
                                                 tmp_path: Path) -> None:
    accounts = tryton["accounts"]
    broken = {"entities": {TRYTON_ENTITY: {
        "company": tryton["company"], "payment_method": tryton["payment_method"],
        "accounts": {"1150": accounts["clearing"]["id"], "1200": accounts["clearing"]["id"], "2150": 999999}}}}
    runner = CliRunner()
    out = tmp_path / "proposal"
    result = runner.invoke(cli_app, ["copilot", "erp-mapping", "--erp", "tryton", "--entity", TRYTON_ENTITY,
                                     "-o", str(out)],
                           env={"PAYHUB_TRYTON_URL": tryton["url"], "PAYHUB_TRYTON_DATABASE": tryton["db"],
                                "PAYHUB_TRYTON_USER": tryton["user"], "PAYHUB_TRYTON_PASSWORD": tryton["password"],
                                "PAYHUB_TRYTON_MAPPING": "", "PAYHUB_DATABASE_URL": f"sqlite:///{tmp_path}/none.db"})
    assert result.exit_code == 0, result.output
    assert f"{TRYTON_ENTITY} -> company {tryton['company']}" in result.output
    assert {p.name for p in out.iterdir()} == {"mapping.json", "proposal.json", "dataset.json", "create_dataset.py",
                                               "validate_mapping.py", "report.md"}
    assert "| accounts_receivable | 1200 |" in (out / "report.md").read_text()

    failed = run(out / "validate_mapping.py", **tryton_env, PAYHUB_TRYTON_MAPPING=json.dumps(broken))
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert (f"FAIL {TRYTON_ENTITY}: account 1200 (accounts_receivable) -> Tryton account.account "
            f"{accounts['clearing']['id']} '1.1.5 Gateway Clearing' is not a receivable account") in failed.stdout
    assert "account 2150 (customer_credit) -> Tryton account.account 999999 does not exist" in failed.stdout
    assert "mapping INVALID: 2 problem(s)" in failed.stdout
