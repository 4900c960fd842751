"""Start-up laziness: a `payhub` command imports only what it uses (no timing here; bench/startup.py measures).

Each case runs in a fresh interpreter, since this test session has long imported everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# What the CLI module used to import eagerly, through `payhub.config` and `payhub.settings`: none of it is
# needed to print help.
NOT_FOR_HELP = {"sqlalchemy", "sqlalchemy.orm", "alembic", "fastapi", "starlette", "uvicorn", "aiohttp", "httpx",
                "redis", "yaml", "structlog", "asyncio", "pydantic_settings", "payhub.settings",
                "payhub.store.models", "payhub.bootstrap", "payhub.api.app", "payhub.config.plan",
                "payhub.config.apply", "payhub.config.export", "payhub.services", "payhub.gateways.registry",
                "payhub.gateways.stripe", "payhub.erp.tryton", "payhub.webhooks.transport"}
# What serving needs and a migration does not.
NOT_FOR_MIGRATE = {"fastapi", "starlette", "uvicorn", "aiohttp", "redis", "payhub.api.app", "payhub.bootstrap",
                   "payhub.config.plan", "payhub.services", "payhub.gateways.registry"}
# Planning a configuration reads the database through the services; it serves nothing and delivers nothing, and
# a simulator-only, embedded-ERP deployment without Redis needs no connector client.
NOT_FOR_PLAN = {"fastapi", "uvicorn", "alembic", "aiohttp", "httpx", "redis", "payhub.api.app",
                "payhub.webhooks.worker", "payhub.webhooks.client", "payhub.gateways.stripe",
                "payhub.gateways.adyen", "payhub.erp.tryton", "payhub.config.apply"}

RUN = """
import json, sys
from payhub.cli import app
try:
    app(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
else:
    code = 0
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def run_cli(*args: str, env: dict[str, str] | None = None) -> tuple[int, set[str], str]:
    """Exit code, the modules loaded and the output of `payhub ARGS` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, timeout=120,
                          env=env, check=False)
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["exit"], set(report["modules"]), done.stdout


def test_importing_the_cli_loads_no_heavy_module() -> None:
    code = "import json, sys, payhub.cli; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    modules = set(json.loads(done.stdout))
    assert NOT_FOR_HELP.isdisjoint(modules), NOT_FOR_HELP & modules


@pytest.mark.parametrize("args", [["--help"], ["config", "--help"], ["keys", "--help"], ["serve", "--help"]])
def test_help_loads_no_heavy_module(args: list[str]) -> None:
    code, modules, output = run_cli(*args)
    assert code == 0, output
    assert "Usage" in output
    assert NOT_FOR_HELP.isdisjoint(modules), NOT_FOR_HELP & modules


def test_help_lists_every_command() -> None:
    code, _, output = run_cli("--help")
    assert code == 0
    for command in ("serve", "worker", "relay", "migrate", "demo", "demo-host", "keys", "settle", "config"):
        assert command in output
    code, _, output = run_cli("config", "--help")
    assert code == 0
    for command in ("export", "schema", "plan", "apply", "rollback"):
        assert command in output


def test_migrate_loads_no_web_or_service_code(tmp_path: Path) -> None:
    env = {**os.environ, "PAYHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    code, modules, output = run_cli("migrate", env=env)
    assert code == 0, output
    assert "Database migrated" in output
    assert {"alembic", "sqlalchemy.orm", "payhub.store.models"} <= modules  # it did run
    assert NOT_FOR_MIGRATE.isdisjoint(modules), NOT_FOR_MIGRATE & modules


def test_config_plan_loads_no_web_delivery_or_connector_code(tmp_path: Path) -> None:
    from payhub.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'plan.db'}"
    upgrade(url)
    document = tmp_path / "payhub.yaml"
    document.write_text("version: 1\nentities:\n  ent_plan:\n    name: Plan Co.\n    default_currency: USD\n")
    code, modules, output = run_cli("config", "plan", str(document), env={**os.environ, "PAYHUB_DATABASE_URL": url})
    assert code == 0, output
    assert "+ create entity ent_plan" in output
    assert NOT_FOR_PLAN.isdisjoint(modules), NOT_FOR_PLAN & modules


def test_the_console_script_prints_help() -> None:
    payhub = Path(sys.executable).parent / "payhub"
    if not payhub.exists():
        pytest.skip(f"no `payhub` script beside {sys.executable}")
    done = subprocess.run([str(payhub), "--help"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "config" in done.stdout


def test_config_functions_are_not_shadowed_by_their_modules() -> None:
    """payhub.config loads its names lazily; importing the submodules first must still leave `plan`, `apply` and
    `export` the functions (importing a submodule sets it as an attribute of its package)."""
    code = ("import inspect, sys, payhub.config.apply, payhub.config.export, payhub.config.plan\n"
            "from payhub import config\n"
            "from payhub.config import apply, export, plan, record_baseline, ConfigInvalid\n"
            "assert all(inspect.isfunction(f) for f in (apply, export, plan, config.apply, config.export, "
            "config.plan, record_baseline)), (apply, export, plan)\n"
            "assert config.plan is sys.modules['payhub.config.plan'].plan and config.ConfigInvalid is ConfigInvalid\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr

    from payhub import config

    with pytest.raises(AttributeError):
        getattr(config, "no_such_name")  # noqa: B009 - a name mypy must not check


def test_every_registered_connector_resolves() -> None:
    """The registries name their connectors as "module:class", imported on first use: each must resolve."""
    from importlib import import_module

    from payhub.erp.registry import ERPS
    from payhub.gateways.registry import GATEWAYS

    for where in (*GATEWAYS.values(), *ERPS.values()):
        module, _, cls = where.partition(":")
        assert isinstance(getattr(import_module(module), cls), type), where
