"""Shared fixtures: a migrated database per test on SQLite, and on PostgreSQL when a URL is given
(PAYHUB_TEST_POSTGRES_URL; in CI it defaults to the local server and must be reachable)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from payhub.api.app import create_app
from payhub.auth.keys import create_key
from payhub.bootstrap import build_services
from payhub.demo import DEMO_ENTITY, seed
from payhub.erp.tryton import TrytonEntity, TrytonMapping
from payhub.services import Services
from payhub.settings import Settings
from payhub.store.db import Base, normalize_url
from payhub.store.migrate import upgrade
from tests import leak_scan
from tests.erp import tryton_fixture

CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("PAYHUB_TEST_POSTGRES_URL") or ("postgresql://postgres@127.0.0.1:5432/test" if CI else "")


TRYTON_ENTITY = "ent_tryton"
HAS_TRYTOND = importlib.util.find_spec("trytond") is not None

SUITE_LOG = Path(tempfile.mkdtemp(prefix="payhub-test-logs-")) / "suite.log"


def pytest_configure(config: pytest.Config) -> None:
    leak_scan.capture_logs(SUITE_LOG)
    if CI and PG_URL:
        try:
            with create_engine(normalize_url(PG_URL)).connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as error:  # CI must not silently skip the PostgreSQL suite
            raise pytest.UsageError(f"CI=true but PostgreSQL is unreachable at {PG_URL}: {error}") from error


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The leak scan: no test secret in the suite's logs or in the databases it left; a finding fails the run."""
    factory = getattr(session.config, "_tmp_path_factory", None)
    findings = leak_scan.scan(SUITE_LOG, factory.getbasetemp() if factory else None, PG_URL or None)
    if findings:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        text = leak_scan.report(findings)
        if reporter is not None:
            reporter.write_line(text, red=True)
        else:
            print(text)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "payhub.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    engine = create_engine(normalize_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(PG_URL)
    return PG_URL


def _truncate(url: str) -> None:
    engine = create_engine(normalize_url(url))
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "payhub.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    if not PG_URL:
        pytest.skip("PostgreSQL suite: set PAYHUB_TEST_POSTGRES_URL (CI=true uses the local server)")
    url = str(request.getfixturevalue("postgres_migrated"))
    _truncate(url)
    return url


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def services(db_url: str) -> Iterator[Services]:
    settings = Settings(database_url=db_url, secret_key="test-secret", gateway_timeout_s=0.05, lock_wait_s=20)
    svc = build_services(settings)
    with svc.transaction() as s:
        seed(s, now())
    yield svc
    svc.close()


@pytest.fixture
def keys(services: Services) -> dict[str, str]:
    """One API key per scope for the demo entity."""
    out = {}
    with services.transaction() as s:
        for scope in ("read", "payments", "admin"):
            out[scope] = create_key(s, DEMO_ENTITY, scope, now())[1]
    return out


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services)


@pytest.fixture
def client(app: FastAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(app, headers={"Authorization": f"Bearer {keys['payments']}"}) as c:
        yield c


@pytest.fixture
def admin(app: FastAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    """A client with the demo entity's admin key."""
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as c:
        yield c


@pytest.fixture
def live_url(app: FastAPI) -> Iterator[str]:
    """The app under a real uvicorn server on 127.0.0.1, for concurrent clients."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="session")
def tryton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A real trytond for the Tryton connector tests (tests/erp) and the ERP contract (tests/contract): set up once
    per session in a temporary directory (or in $PAYHUB_TRYTON_DIR, kept between runs to skip the ~20 s set-up),
    served on a free 127.0.0.1 port."""
    if not HAS_TRYTOND:
        pytest.skip("trytond is not installed (pip install trytond trytond-account-invoice proteus)")
    directory = Path(os.environ.get("PAYHUB_TRYTON_DIR") or tmp_path_factory.mktemp("tryton"))
    proc, info = tryton_fixture.start(directory, tryton_fixture.free_port())
    yield info
    tryton_fixture.stop(proc)


@pytest.fixture(scope="session")
def mapping(tryton: dict[str, Any]) -> TrytonMapping:
    """PayHub's entity TRYTON_ENTITY on the fixture's company, with the default posting accounts mapped."""
    accounts = tryton["accounts"]
    return TrytonMapping(entities={TRYTON_ENTITY: TrytonEntity(
        company=tryton["company"],
        accounts={"1150": accounts["clearing"]["id"], "1200": accounts["receivable"]["id"],
                  "2150": accounts["customer_credit"]["id"]},
        payment_method=tryton["payment_method"])})
