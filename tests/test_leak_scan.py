"""The end-of-suite leak scan finds planted secrets (so it can fail the run) and leaves clean data alone."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
import structlog

from tests import leak_scan

PLANTED = [
    ("4242424242424242", "pan"),
    ("378282246310005", "pan"),
    ("000123456789", "ach"),
    ("phk_admin_bLeU-N2BguD5jMltfAg_eDsoC3-1R2r_9kcxE1hBL7g", "API key secret"),
    ("pht_CuAV-uWviTBz6sNZ6B-Yi1DOpUlUna5xrOHHyNVZRqg", "customer token secret"),
    ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "webhook secret"),
    ("payhub-tryton-admin", "password"),
]


@pytest.mark.parametrize(("secret", "kind"), PLANTED)
def test_a_planted_secret_is_found(secret: str, kind: str) -> None:
    found = leak_scan.scan_bytes(f'{{"event": "x", "value": "{secret}"}}'.encode(), "log")
    assert [f.kind for f in found] == [kind]
    assert secret not in str(found[0])  # the report masks it


@pytest.mark.parametrize("clean", [
    "card ending 4242, bin 424242", "42424242424242420", "14242424242424242", "sim_ch_1764539000123_ab12",
    "phk_admin_bLeU", "key_0mx3sje0p023we8jwff181v", "whsec_", "account ****6789", "password_set: true",
])
def test_clean_text_is_not_reported(clean: str) -> None:
    assert leak_scan.scan_bytes(clean.encode(), "log") == []


def test_the_scan_fails_on_a_planted_secret_in_a_log_and_a_database() -> None:
    with tempfile.TemporaryDirectory() as outside:  # not under pytest's tmp dir, which the real scan reads
        planted_and_scanned(Path(outside))


def planted_and_scanned(tmp_path: Path) -> None:
    log = tmp_path / "suite.log"
    log.write_text('{"event": "request", "status": 200}\n')
    db = tmp_path / "run" / "payhub.db"
    db.parent.mkdir()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (v TEXT)")
        conn.execute("INSERT INTO t VALUES ('nothing to see')")
    assert leak_scan.scan(log, tmp_path, None) == []

    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO t VALUES ('paid with 5555555555554444')")
    with log.open("a") as f:
        f.write('{"event": "erp.login", "password": "hunter2-secret"}\n')
    findings = leak_scan.scan(log, tmp_path, None)
    assert {(Path(f.where).name, f.kind) for f in findings} >= {("payhub.db", "pan"), ("suite.log", "password")}
    assert "LEAK SCAN: " in leak_scan.report(findings)


def test_the_suite_log_captures_structlog_events() -> None:
    from tests.conftest import SUITE_LOG

    structlog.get_logger("leak-scan-test").info("leak_scan_probe", marker="probe-7f3a")
    assert "probe-7f3a" in SUITE_LOG.read_text()
