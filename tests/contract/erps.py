"""The ERP contract's connector table: how to build each registered ERP with a customer whose open invoices fall
due on different dates, and how to make a fresh open invoice to pay. A new ERP is one entry here."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from payhub.erp.embedded import EmbeddedErp, ErpJournalEntry, create_company, create_customer, create_invoice
from payhub.erp.tryton import TrytonErp
from payhub.ports import Erp
from payhub.store.db import make_sessionmakers
from tests.conftest import PG_URL, TRYTON_ENTITY, _truncate

_ids = itertools.count(1)


@dataclass
class ErpCase:
    erp: Erp
    entity: str
    customer: str  # has open invoices falling due on at least two different dates
    new_invoice: Callable[[], str]  # a fresh open invoice of `customer` with 100.00 USD or more to pay
    entries: Callable[[str], int]  # how many ledger entries carry this reference key
    over: Callable[[httpx.BaseTransport], Erp] | None = None  # for the cases in OVER_HTTP: on this transport
    currency: str = "USD"


def _embedded_on(url: str) -> Iterator[ErpCase]:
    sessions, readers = make_sessionmakers(url)
    entity, customer, today = "ent_contract", "cus_contract", date.today()

    def invoice(due_in_days: int, owner: str = customer) -> str:
        invoice_id = f"inv_contract_{next(_ids)}"
        with sessions.begin() as s:
            create_invoice(s, company_id=entity, customer_id=owner, invoice_id=invoice_id, number=invoice_id,
                           currency="USD", lines=[("Work", 2, 12_500)], terms="Net 30", issued_on=today,
                           due_on=today + timedelta(days=due_in_days))
        return invoice_id

    def entries(key: str) -> int:
        with readers() as s:
            return s.scalar(select(func.count()).select_from(ErpJournalEntry).where(
                ErpJournalEntry.company_id == entity, ErpJournalEntry.reference_key == key)) or 0

    with sessions.begin() as s:
        create_company(s, entity, "Contract Co", "USD")
        create_customer(s, entity, customer, "Acme Corp", "ap@acme.example")
        create_customer(s, entity, "cus_contract_other", "Globex")
    for days in (30, 0, 10):  # made out of due-date order
        invoice(days)
    invoice(-5, owner="cus_contract_other")
    try:
        yield ErpCase(EmbeddedErp(sessions, readers), entity, customer, lambda: invoice(10), entries)
    finally:
        for factory in (sessions, readers):
            factory.kw["bind"].dispose()


@contextmanager
def embedded_sqlite(request: pytest.FixtureRequest) -> Iterator[ErpCase]:
    path = Path(request.getfixturevalue("tmp_path")) / "payhub.db"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    yield from _embedded_on(f"sqlite:///{path}")


@contextmanager
def embedded_postgresql(request: pytest.FixtureRequest) -> Iterator[ErpCase]:
    if not PG_URL:
        pytest.skip("PostgreSQL suite: set PAYHUB_TEST_POSTGRES_URL (CI=true uses the local server)")
    url = request.getfixturevalue("postgres_migrated")
    _truncate(url)
    yield from _embedded_on(url)


@contextmanager
def tryton(request: pytest.FixtureRequest) -> Iterator[ErpCase]:
    server: dict[str, Any] = request.getfixturevalue("tryton")  # skips when trytond is not installed
    mapping = request.getfixturevalue("mapping")
    made: list[TrytonErp] = []

    def connect(transport: httpx.BaseTransport | None = None) -> TrytonErp:
        made.append(TrytonErp(server["url"], server["db"], server["user"], server["password"], mapping,
                              timeout=30, transport=transport))
        return made[-1]

    erp = connect()
    company = server["company"]

    def new_invoice() -> str:  # a posted copy of the fixture's 250.00 invoice
        (copy,) = erp.call("model.account.invoice.copy", [server["invoices"]["small"]["id"]], {}, company=company)
        erp.call("model.account.invoice.post", [copy], company=company)
        return f"inv_{copy}"

    def entries(key: str) -> int:  # every Tryton move PayHub makes carries the reference key as description
        count: int = erp.call("model.account.move.search_count", [("description", "=", key)], company=company)
        return count

    try:  # the fixture's customer "acme" owns "big" (30 % due today) and "small" (due in 30 days)
        yield ErpCase(erp, TRYTON_ENTITY, f"cus_{server['parties']['acme']}", new_invoice, entries, over=connect)
    finally:
        for client in made:
            client.close()


# connector type (as in payhub.erp.registry.ERPS) → its cases
CASES: dict[str, list[Callable[[pytest.FixtureRequest], AbstractContextManager[ErpCase]]]] = {
    "embedded": [embedded_sqlite, embedded_postgresql],
    "tryton": [tryton],
}
OVER_HTTP = [tryton]  # the cases whose connector calls its ERP over HTTP (httpx)
