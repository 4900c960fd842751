"""The PostgreSQL pool has no pre-ping: a connection the server dropped fails the one request that meets it,
and SQLAlchemy's disconnect handling then replaces the whole pool."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from payhub.services import Services
from payhub.store.db import normalize_url


def test_the_api_recovers_after_the_server_drops_every_connection(
        db_url: str, services: Services, client: TestClient) -> None:
    if not db_url.startswith("postgres"):
        pytest.skip("SQLite has no server to drop connections")
    engine = services.sessions.kw["bind"]
    assert not engine.pool._pre_ping  # no round trip per checkout
    for _ in range(3):
        assert client.get("/v1/invoices/inv_acme_1001").status_code == 200  # the pool holds connections now
    assert engine.pool.checkedin() >= 1
    admin = create_engine(normalize_url(db_url))
    with admin.connect() as conn:  # what a server restart does to every pooled connection
        dropped = conn.execute(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    admin.dispose()
    assert dropped
    statuses = [client.get("/v1/invoices/inv_acme_1001").status_code for _ in range(4)]
    assert statuses[0] in (200, 500) and statuses[1:] == [200, 200, 200], statuses  # one failure at most
