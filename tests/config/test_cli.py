"""`payhub config …` on a fresh SQLite file: export, plan, apply (with conflicts and errors), rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from payhub.config.cli import config_app
from payhub.store.migrate import upgrade
from tests.config.conftest import DOC

cli = typer.Typer()
cli.add_typer(config_app, name="config")


def test_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("PAYHUB_DATABASE_URL", url)
    runner = CliRunner()
    doc = tmp_path / "payhub.yaml"
    doc.write_text(DOC.replace("    name: Demo Supplies Co.\n", "    name: Demo Supplies Co.\n"
                                                                   "    default_currency: USD\n"))

    planned = runner.invoke(cli, ["config", "plan", str(doc)])
    assert planned.exit_code == 0, planned.output
    assert "Plan against config version 0" in planned.output and "+ create entity ent_acme" in planned.output

    bad = tmp_path / "bad.yaml"
    bad.write_text(DOC.replace('percent: "2.5"', "percent: 2.5"))
    rejected = runner.invoke(cli, ["config", "plan", str(bad)])
    assert rejected.exit_code == 1
    assert "line 10" in rejected.output
    assert "entities.ent_demo.fee_policy.convenience_fees[0].percent" in rejected.output

    applied = runner.invoke(cli, ["config", "apply", str(doc)])
    assert applied.exit_code == 0, applied.output
    assert "Applied config version 1" in applied.output and applied.output.count("whsec_") == 3
    assert "Nothing to apply" in runner.invoke(cli, ["config", "apply", str(doc)]).output

    conflict = runner.invoke(cli, ["config", "apply", str(doc), "--base-version", "0"])
    assert conflict.exit_code == 2 and "config_version_conflict" in conflict.output

    out = tmp_path / "export.yaml"
    exported = runner.invoke(cli, ["config", "export", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    assert "ent_acme:" in out.read_text() and "ent_demo:" in out.read_text()
    one = runner.invoke(cli, ["config", "export", "--entity", "ent_acme"])
    assert "ent_acme:" in one.output and "ent_demo:" not in one.output
    assert runner.invoke(cli, ["config", "export", "--entity", "ent_nope"]).exit_code != 0

    doc.write_text(doc.read_text().replace("Acme Builders", "Acme Builders Inc."))
    assert runner.invoke(cli, ["config", "apply", str(doc)]).exit_code == 0
    rolled = runner.invoke(cli, ["config", "rollback", "1"])
    assert rolled.exit_code == 0, rolled.output
    assert "now config version 3" in rolled.output
    assert "Acme Builders Inc." not in runner.invoke(cli, ["config", "export"]).output

    schema = runner.invoke(cli, ["config", "schema"])
    assert schema.exit_code == 0 and '"title": "PayHub configuration"' in schema.output


def test_cli_refuses_a_password_in_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 9 #6: the CLI path too; nothing is recorded, the error names the field and line."""
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("PAYHUB_DATABASE_URL", url)
    doc = tmp_path / "payhub.yaml"
    doc.write_text("version: 1\nentities:\n  ent_x:\n    name: X\n    default_currency: USD\n    erp:\n"
                   "      type: tryton\n      url: https://erp.example.com\n      database: payhub\n"
                   "      password: hunter2-secret\n      mapping: {entities: {ent_x: {company: 1}}}\n")
    for command in ("plan", "apply"):
        refused = CliRunner().invoke(cli, ["config", command, str(doc)])
        assert refused.exit_code == 1, refused.output
        assert "secret_in_document" in refused.output and "line 10" in refused.output
        assert "entities.ent_x.erp.password" in refused.output and "hunter2" not in refused.output
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM config_versions")).scalar() == 0
    engine.dispose()
