"""The `payhub` CLI on a fresh SQLite database: migrate, demo, keys create, settle."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from payhub.api.app import create_app
from payhub.bootstrap import build_services
from payhub.cli import app
from payhub.settings import Settings


def test_migrate_demo_and_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PAYHUB_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)  # `payhub demo` writes the demo host's key file (.payhub-demo-key) here
    runner = CliRunner()
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    demo = runner.invoke(app, ["demo"])
    assert demo.exit_code == 0, demo.output
    admin = re.search(r"phk_admin_[\w-]+", demo.output)
    assert admin
    password = re.search(r"ar@demo\.example, password (\S+),", demo.output)
    assert password and "/portal/ent_demo" in demo.output and re.search(r"with code \S+", demo.output)
    again = runner.invoke(app, ["demo"])  # idempotent seed, a fresh key each time
    assert "already present" in again.output and re.search(r"phk_admin_[\w-]+", again.output)
    assert "password" not in again.output and "with code" not in again.output  # shown once

    made = runner.invoke(app, ["keys", "create", "--scope", "read"])
    assert made.exit_code == 0, made.output
    read_key = re.search(r"phk_read_[\w-]+", made.output)
    assert read_key
    assert runner.invoke(app, ["keys", "create", "--scope", "root"]).exit_code != 0

    svc = build_services(Settings(database_url=url))
    try:
        with TestClient(create_app(svc)) as client:
            auth = {"Authorization": f"Bearer {read_key.group(0)}"}
            assert client.get("/v1/customers/cus_acme/invoices", headers=auth).status_code == 200
            paid = client.post("/v1/payments", headers={"Authorization": f"Bearer {admin.group(0)}"},
                               json={"allocations": [{"invoice": "inv_acme_1001"}],
                                     "payment_method": {"type": "card", "token": "tok_visa"}})
            assert paid.status_code == 201, paid.text
            as_admin = {"Authorization": f"Bearer {admin.group(0)}"}
            assert client.get("/v1/portal_settings", headers=as_admin).json()["enabled"] is True
            staff = client.get("/v1/staff_users", headers=as_admin).json()["data"]
            assert [(u["email"], u["role"]) for u in staff] == [("ar@demo.example", "terminal_refund")]
            trail = client.get("/v1/audit_events?limit=100", headers=as_admin).json()
            created = [e for e in trail["data"] if e["action"] == "api_key.created"]
            assert [e["request_id"] for e in created] == ["cli"]  # the CLI's key, audited as the API's are
        settled = runner.invoke(app, ["settle"])
        assert settled.exit_code == 0 and "1 payment(s) settled" in settled.output
    finally:
        svc.close()


def test_the_first_platform_key_of_a_new_install_needs_no_entity(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYHUB_DATABASE_URL", f"sqlite:///{tmp_path / 'new.db'}")
    runner = CliRunner()
    assert runner.invoke(app, ["migrate"]).exit_code == 0
    made = runner.invoke(app, ["keys", "create", "--platform", "--scope", "admin"])
    assert made.exit_code == 0, made.output
    assert re.search(r"phk_admin_[\w-]+", made.output)
    refused = runner.invoke(app, ["keys", "create", "--scope", "read"])  # an entity key needs its entity
    assert refused.exit_code != 0 and "ent_demo does not exist" in refused.output
