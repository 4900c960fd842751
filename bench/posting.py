"""Posting benchmark (prints figures, asserts nothing).

1. GL entries into the embedded ERP: journal entries/s and GL lines/s through `EmbeddedErp.post`, and
   whole postings/s through the posting pipeline (hooks, ERP, outcome + outbox event).
2. Tryton (when trytond is installed): per-payment posting latency through PayHub's Tryton connector,
   against calling Tryton's own pay operation directly over JSON-RPC in the same run.

    .venv/bin/python bench/posting.py [--entries 3000] [--tryton-payments 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from payhub.bootstrap import build_services  # noqa: E402
from payhub.demo import seed  # noqa: E402
from payhub.domain.ledger import PostingRules, capture_entry  # noqa: E402
from payhub.domain.methods import CardToken  # noqa: E402
from payhub.domain.money import Money  # noqa: E402
from payhub.erp.embedded import EmbeddedErp, create_invoice  # noqa: E402
from payhub.pipeline import pay  # noqa: E402
from payhub.settings import Settings  # noqa: E402
from payhub.store.migrate import upgrade  # noqa: E402


def embedded(entries: int) -> None:
    workdir = tempfile.mkdtemp(prefix="payhub-bench-")
    url = f"sqlite:///{workdir}/bench.db"
    upgrade(url)
    svc = build_services(Settings(database_url=url, log_level="WARNING"))
    with svc.transaction() as s:
        seed(s, datetime.now(UTC))
        create_invoice(s, company_id="ent_demo", customer_id="cus_acme", invoice_id="inv_bench", number="B-1",
                       currency="USD", lines=[("bench", 1, 10**12)], terms="Net 30", issued_on=date.today(),
                       due_on=date.today())
    erp = svc.erp
    assert isinstance(erp, EmbeddedErp)
    rules = PostingRules()
    entry = capture_entry(rules, "cus_acme", [("inv_bench", Money(100, "USD"))])
    for i in range(100):  # warm up
        erp.post("ent_demo", entry, f"warm{i}")
    started = time.perf_counter()
    for i in range(entries):
        erp.post("ent_demo", entry, f"bench{i}")
    seconds = time.perf_counter() - started
    print(f"embedded journal entries/s: {entries / seconds:.0f}")
    print(f"embedded GL lines/s: {entries * len(entry.lines) / seconds:.0f}   (target GL entries/s: 5000)")

    # whole payments: the posting pipeline after an automatic capture (gateway, state, GL, outbox, ERP)
    request = pay.PaymentRequest("ent_demo", "USD", CardToken("tok_visa"), [("inv_bench", Money(100, "USD"))])
    n = max(entries // 10, 50)
    latencies = []
    for _ in range(n):
        t = time.perf_counter()
        pay.create_payment(svc, request)
        latencies.append((time.perf_counter() - t) * 1000)
    print(f"paid+posted payments/s (one client, in process): {n / (sum(latencies) / 1000):.0f}")
    print(f"payment+posting p50 ms: {statistics.median(latencies):.2f}")
    svc.close()


def tryton(payments: int) -> None:
    try:
        import trytond  # noqa: F401
    except ImportError:
        print("tryton: skipped (trytond not installed; `make test` installs it)")
        return
    from bench.tryton_posting import run  # the Tryton half lives beside this file

    run(payments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--tryton-payments", type=int, default=20)
    args = parser.parse_args()
    embedded(args.entries)
    tryton(args.tryton_payments)


if __name__ == "__main__":
    main()
