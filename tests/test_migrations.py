"""Migrations that change data, tested on a database migrated up to just before them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from payhub.store.migrate import upgrade


def test_passwords_stored_in_config_versions_are_scrubbed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0016_posting")
    upgrade(url, "0016_webhooks")
    document = ("entities:\n  acme:\n    name: Acme\n    erp:\n      type: tryton\n      url: http://erp.example\n"
                "      database: acme\n      password: hunter2-plain\n")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO config_versions (version, document, summary, created_at) "
                          "VALUES (1, :d, '{}', :t), (2, 'entities: {}', '{}', :t)"),
                     {"d": document, "t": datetime.now(UTC)})
    upgrade(url)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT version, document FROM config_versions")).all())
    engine.dispose()
    assert "hunter2-plain" not in stored[1] and "password" not in stored[1]
    assert "database: acme" in stored[1]  # the rest of the file is kept
    assert stored[2] == "entities: {}"  # a file without a password is left as it was
