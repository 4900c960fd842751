"""The end-of-suite leak scan: every log line the suite wrote and every test database left on disk are searched
for the secrets the tests use (test card numbers, full ACH account numbers, API key and customer token
secrets, webhook secrets, ERP passwords). conftest.py captures the logs and runs the scan when the session
ends; a finding fails the run."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import structlog

import payhub.logs
from payhub.gateways.simulator import CARDS

# Card numbers the tests and the gateway fakes use, in full (the simulator's table and the test cards the
# Stripe and Adyen fakes accept). Only the last four digits may ever be stored or logged.
TEST_PANS = sorted({*CARDS, "4242424242424242", "4000056655665556", "5555555555554444", "378282246310005",
                    "4000000000000002", "4000000000009995", "4000000000000119", "4000000000006975",
                    "4000000000000069", "4111111111111111", "6011111111111117", "4000002760003184",
                    "3530111333300000", "30569309025904", "5105105105105100",
                    "4000120000000008"})
# Full bank account numbers the tests pay with (the simulator's ACH outcomes).
TEST_ACCOUNTS = ["000123456789", "000111111116", "000111111113"]
# ERP passwords the tests send or configure (Tryton fixture, configuration documents, environment).
TEST_PASSWORDS = ["payhub-tryton-admin", "hunter2-secret", "s3cret"]
SECRET_PATTERNS = {
    "API key secret": rb"phk_[a-z]+_[A-Za-z0-9_-]{40,}",
    "customer token secret": rb"pht_[A-Za-z0-9_-]{40,}",
    "webhook secret": rb"whsec_[A-Za-z0-9+/]{20,}",
}


def _luhn(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


assert all(_luhn(pan) for pan in TEST_PANS), "a test PAN in the list is not a card number"


def _pattern() -> re.Pattern[bytes]:
    parts = [rb"(?P<pan>(?<![0-9])(?:" + b"|".join(p.encode() for p in TEST_PANS) + rb")(?![0-9]))",
             rb"(?P<ach>(?<![0-9])(?:" + b"|".join(a.encode() for a in TEST_ACCOUNTS) + rb")(?![0-9]))",
             rb"(?P<password>" + b"|".join(re.escape(p.encode()) for p in TEST_PASSWORDS) + rb")"]
    parts += [rb"(?P<" + name.replace(" ", "_").encode() + rb">" + rx + rb")" for name, rx in SECRET_PATTERNS.items()]
    return re.compile(b"|".join(parts))


PATTERN = _pattern()


@dataclass(frozen=True)
class Finding:
    where: str
    kind: str
    excerpt: str  # the secret masked: the report must not leak it either

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} ({self.excerpt})"


def scan_bytes(data: bytes, where: str) -> list[Finding]:
    found = []
    for match in PATTERN.finditer(data):
        kind = (match.lastgroup or "secret").replace("_", " ")
        value = match.group().decode("latin-1")
        found.append(Finding(where, kind, f"{value[:4]}…{value[-2:]}"))
    return found


def scan_files(paths: Iterable[Path]) -> list[Finding]:
    found: list[Finding] = []
    for path in paths:
        if path.is_file():
            found.extend(scan_bytes(path.read_bytes(), str(path)))
    return found


def sqlite_files(root: Path) -> Iterator[Path]:
    """The SQLite databases (and their WAL files) the tests left under pytest's temporary directory."""
    for pattern in ("*.db", "*.db-wal", "*.sqlite", "*.sqlite3"):
        yield from root.rglob(pattern)


def scan_postgres(url: str) -> list[Finding]:
    """Every row of every table of the PostgreSQL test database, as text."""
    from sqlalchemy import create_engine, text

    from payhub.store.db import normalize_url

    found: list[Finding] = []
    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            tables = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
            for table in list(tables):
                rows = conn.execute(text(f'SELECT CAST(t AS text) FROM "{table}" t')).scalars()
                found.extend(scan_bytes("\n".join(rows).encode(), f"postgresql table {table}"))
    finally:
        engine.dispose()
    return found


class _Tee:
    """A structlog logger writing each line to the test output (as before) and to the capture file."""

    def __init__(self, file: TextIO) -> None:
        self._file = file

    def msg(self, message: str) -> None:
        print(message, file=sys.stdout, flush=True)
        self._file.write(message + "\n")
        self._file.flush()

    debug = info = warning = warn = error = critical = exception = fatal = failure = err = log = msg


def capture_logs(path: Path) -> None:
    """Send every structlog event and every standard-library log record of the session to `path` too,
    rendered as in production (JSON lines, tracebacks as text)."""
    file = path.open("a", encoding="utf-8")
    tee = _Tee(file)

    def configure(level: str = "INFO", json: bool = True) -> None:
        structlog.configure(
            processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
                        structlog.processors.TimeStamper(fmt="iso", utc=True),
                        payhub.logs.scrub_database_errors, structlog.processors.format_exc_info,
                        structlog.processors.JSONRenderer()],
            logger_factory=lambda *args: tee, cache_logger_on_first_use=False)

    configure()
    payhub.logs.configure = configure  # `payhub worker` and `serve` reconfigure logging: keep the capture
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, logging.INFO))


def report(findings: list[Finding], limit: int = 50) -> str:
    lines = [f"LEAK SCAN: {len(findings)} secret(s) found in logs or test databases:"]
    lines += [f"  {f}" for f in findings[:limit]]
    return "\n".join(lines)


def scan(log_path: Path, tmp_root: Path | None, postgres_url: str | None) -> list[Finding]:
    findings = scan_files([log_path])
    if tmp_root is not None:
        findings += scan_files(sqlite_files(tmp_root))
    if postgres_url:
        findings += scan_postgres(postgres_url)
    return findings
