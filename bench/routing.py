"""Routing benchmark (prints figures, asserts nothing).

1. Rule evaluation per payment with 1,000 rules (pure Python; target median < 50 µs), indexed path and the
   full scan the simulator uses, for a payment matching the last rule and one matching none.
2. The throughput cost of routing in the payment path: paid+posted payments in process with the 1,000 rules
   stored, against the same with no rules (the entity's fixed gateway), in the same run.

    .venv/bin/python bench/routing.py [--rules 1000] [--payments 300]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime

from payhub.bootstrap import build_services
from payhub.demo import seed
from payhub.domain.methods import CardToken
from payhub.domain.money import Money
from payhub.domain.routing import RoutingInput, evaluate, parse_ruleset
from payhub.erp.embedded import create_invoice
from payhub.pipeline import pay
from payhub.settings import Settings
from payhub.store.migrate import upgrade
from payhub.store.models import RoutingRuleSet

GATEWAYS = {"simulator", "backup"}


def rules(n: int) -> dict[str, object]:
    brands, countries = ["visa", "mastercard", "amex", "discover"], ["US", "CA", "GB", "DE", "FR"]
    return {"default": ["simulator"], "rules": [
        {"id": f"r{i}", "priority": i, "gateways": ["backup", "simulator"],
         "when": {"card_brands": [brands[i % 4]], "card_countries": [countries[i % 5]],
                  "amount_min": (i % 50) * 1_000, "amount_max": (i % 50) * 1_000 + 999,
                  "customers": [f"cus_{i}"]}} for i in range(n)]}


def micro(n: int) -> None:
    ruleset = parse_ruleset(rules(n), GATEWAYS, 1)
    last = n - 1
    hit = RoutingInput("pay_1", (last % 50) * 1_000 + 1, "USD", "card", card_brand=["visa", "mastercard", "amex",
                       "discover"][last % 4], card_country=["US", "CA", "GB", "DE", "FR"][last % 5],
                       customer_id=f"cus_{last}")
    miss = RoutingInput("pay_2", 500, "USD", "card", card_brand="visa", card_country="US", customer_id="cus_nobody")
    assert evaluate(ruleset, hit, GATEWAYS).rule == f"r{last}" and evaluate(ruleset, miss, GATEWAYS).rule is None
    for label, payment, explain in (("last rule matches", hit, False), ("no rule matches", miss, False),
                                    ("full scan (simulate), last rule", hit, True)):
        samples = []
        for _ in range(2000 if not explain else 200):
            t = time.perf_counter_ns()
            evaluate(ruleset, payment, GATEWAYS, explain)
            samples.append(time.perf_counter_ns() - t)
        print(f"rule evaluation µs median, {n} rules, {label}: {statistics.median(samples) / 1000:.1f}")
    print("target median µs: 50")


def in_path(n: int, payments: int) -> None:
    workdir = tempfile.mkdtemp(prefix="payhub-bench-routing-")
    url = f"sqlite:///{workdir}/bench.db"
    upgrade(url)
    svc = build_services(Settings(database_url=url, log_level="WARNING",
                                  gateways={"backup": {"type": "simulator"}}))
    with svc.transaction() as s:
        seed(s, datetime.now(UTC))
        create_invoice(s, company_id="ent_demo", customer_id="cus_acme", invoice_id="inv_bench", number="B-1",
                       currency="USD", lines=[("bench", 1, 10**12)], terms="Net 30", issued_on=date.today(),
                       due_on=date.today())
    request = pay.PaymentRequest("ent_demo", "USD", CardToken("tok_visa"), [("inv_bench", Money(100, "USD"))])

    def rate() -> float:
        for _ in range(20):
            pay.create_payment(svc, request)
        started = time.perf_counter()
        for _ in range(payments):
            pay.create_payment(svc, request)
        return payments / (time.perf_counter() - started)

    fixed = rate()
    with svc.transaction() as s:
        s.add(RoutingRuleSet(entity_id="ent_demo", version=1, rules=rules(n), created_at=datetime.now(UTC)))
    routed = rate()
    print(f"payments/s with a fixed gateway: {fixed:.0f}")
    print(f"payments/s routed by {n} rules: {routed:.0f}")
    print(f"routing throughput ratio: {routed / fixed:.2f}")
    svc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--payments", type=int, default=300)
    args = parser.parse_args()
    micro(args.rules)
    in_path(args.rules, args.payments)


if __name__ == "__main__":
    main()
