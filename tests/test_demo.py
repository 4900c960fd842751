"""The demo seed looks like real data: every invoice's due date follows from its payment terms."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from payhub.demo import CUSTOMERS


def _days(terms: str) -> int:
    if terms == "Due on receipt":
        return 0
    found = re.fullmatch(r"Net (\d+)", terms)
    assert found, f"unexpected payment terms {terms!r}"
    return int(found.group(1))


def test_demo_invoices_are_due_as_their_terms_say(client: TestClient) -> None:
    """Issue 9 #17: "Net 30" invoices were due 10 days after issue."""
    seen = 0
    for customer, *_ in CUSTOMERS:
        invoices = client.get(f"/v1/customers/{customer}/invoices").json()["data"]
        for invoice in invoices:
            issued, due = date.fromisoformat(invoice["issued_on"]), date.fromisoformat(invoice["due_on"])
            assert due - issued == timedelta(days=_days(invoice["terms"])), invoice
            assert issued <= date.today() + timedelta(days=1)  # issued in the past, not the future
            seen += 1
    assert seen == sum(len(invoices) for *_, invoices in CUSTOMERS) == 5
    terms = {i["terms"] for c, *_ in CUSTOMERS for i in client.get(f"/v1/customers/{c}/invoices").json()["data"]}
    assert terms == {"Net 15", "Net 30", "Net 45", "Due on receipt"}
