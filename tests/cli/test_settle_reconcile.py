"""`payhub settle simulate | import` and `payhub reconcile run | report` on a fresh SQLite database, and the
worker's reconciliation schedule."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from payhub.api.app import create_app
from payhub.bootstrap import build_services
from payhub.cli import app
from payhub.reconciliation.runs import run_due
from payhub.services import Services
from payhub.settings import Settings
from tests.helpers import pay_body


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PAYHUB_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    assert runner.invoke(app, ["demo"]).exit_code == 0
    return url


def pay(svc: Services, admin_key: str, invoice: str, amount: int) -> str:
    with TestClient(create_app(svc)) as client:
        made = client.post("/v1/payments", headers={"Authorization": f"Bearer {admin_key}"},
                           json=pay_body(invoice, amount))
        assert made.status_code == 201, made.text
        return str(made.json()["id"])


def test_simulate_import_reconcile_and_report(demo: str, tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(app, ["keys", "create", "--scope", "admin"])
    key = made.output.split("phk_")[1].split()[0]
    svc = build_services(Settings(database_url=demo))
    try:
        pay(svc, f"phk_{key}", "inv_acme_1001", 10_000)
        pay(svc, f"phk_{key}", "inv_acme_1002", 5_000)
    finally:
        svc.close()
    report = tmp_path / "batch.csv"
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    simulated = runner.invoke(app, ["settle", "simulate", "--entity", "ent_demo", "--date", tomorrow,
                                    "-o", str(report)])
    assert simulated.exit_code == 0, simulated.output
    rows = list(csv.DictReader(io.StringIO(report.read_text())))
    assert rows and {r["line_type"] for r in rows} <= {"payment", "payout", "fee", "chargeback"}

    imported = runner.invoke(app, ["settle", "import", str(report), "--gateway", "simulator", "--entity", "ent_demo"])
    assert imported.exit_code == 0, imported.output
    assert "matched" in imported.output and f"sim_batch_{tomorrow.replace('-', '')}" in imported.output
    again = runner.invoke(app, ["settle", "import", str(report), "--gateway", "simulator", "--entity", "ent_demo"])
    assert again.exit_code == 1 and "Not imported" in again.output and "imported already" in again.output

    reconciled = runner.invoke(app, ["reconcile", "run", "--entity", "ent_demo"])
    assert reconciled.exit_code == 0, reconciled.output
    assert "completed" in reconciled.output and "exceptions_new" in reconciled.output
    day = rows[0]["booked_at"][:10]
    printed = runner.invoke(app, ["reconcile", "report", "--entity", "ent_demo", "--gateway", "simulator",
                                  "--date", day])
    assert printed.exit_code == 0 and printed.output.startswith("section,currency,name,status,count")
    assert "settled,USD,payment" in printed.output


def test_the_worker_reconciles_each_entity_with_settlement_once_per_interval(demo: str) -> None:
    svc = build_services(Settings(database_url=demo))
    try:
        assert run_due(svc, "worker-a") == []  # no settlement on record: nothing to reconcile
        with TestClient(create_app(svc)) as client:
            runner = CliRunner()
            key = "phk_" + runner.invoke(app, ["keys", "create", "--scope", "admin"]).output.split("phk_")[1].split()[0]
            auth = {"Authorization": f"Bearer {key}"}
            payment = pay(svc, key, "inv_acme_1001", 10_000)
            shown = client.get(f"/v1/payments/{payment}", headers=auth).json()
            body = ("batch_id,line_type,reference,merchant_reference,currency,gross,fee,net,booked_at,"
                    "dispute_reference,reason_code,description\n"
                    f"b1,payment,{shown['gateway']['reference']},{payment},USD,10000,320,9680,"
                    f"{datetime.now(UTC).isoformat()},,,\n")
            assert client.post("/v1/settlements/import", headers=auth, data={"gateway": "simulator"},
                               files={"file": ("b1.csv", body.encode(), "text/csv")}).status_code == 201
            made = run_due(svc, "worker-a")
            assert len(made) == 1
            assert run_due(svc, "worker-b") == []  # ran within every_hours: not again
            (scheduled,) = client.get("/v1/reconciliation/runs", headers=auth).json()["data"]
            assert scheduled["trigger"] == "schedule" and scheduled["status"] == "completed"
            assert client.patch("/v1/entities/ent_demo", headers=auth,
                                json={"reconciliation": {"every_hours": 0}}).status_code == 200
            assert client.get("/v1/entities/ent_demo", headers=auth).json()["reconciliation"]["every_hours"] == 0
    finally:
        svc.close()
