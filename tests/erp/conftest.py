"""Fixtures of the Tryton connector tests. The server itself (`tryton`, `mapping`) is in tests/conftest.py,
shared with the contract suite (tests/contract)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from payhub.erp.tryton import TrytonErp, TrytonMapping
from tests.conftest import HAS_TRYTOND, TRYTON_ENTITY

ENTITY = TRYTON_ENTITY  # the tests here import ENTITY and HAS_TRYTOND from this module
__all__ = ["ENTITY", "HAS_TRYTOND"]

# PayHub's posting roles (domain.ledger.PostingRules defaults) → the fixture's accounts (tryton_fixture.py)
POSTING_ACCOUNTS = {"1150": "clearing", "1200": "receivable", "2150": "customer_credit", "1000": "bank",
                    "6100": "processor_fees", "1250": "chargebacks_receivable", "6200": "chargeback_losses",
                    "2190": "settlement_suspense"}


def posting_accounts(tryton: dict[str, Any], *, without: tuple[str, ...] = ()) -> dict[str, int]:
    """An entity's Tryton `accounts` mapping: every PayHub account code it posts to, less `without`."""
    return {code: tryton["accounts"][name]["id"] for code, name in POSTING_ACCOUNTS.items() if code not in without}


@pytest.fixture
def erp(tryton: dict[str, Any], mapping: TrytonMapping) -> Iterator[TrytonErp]:
    client = TrytonErp(tryton["url"], tryton["db"], tryton["user"], tryton["password"], mapping, timeout=30)
    yield client
    client.close()


@pytest.fixture
def new_invoice(tryton: dict[str, Any], erp: TrytonErp) -> Callable[..., str]:
    """A fresh posted copy of a fixture invoice ("big" 999.90 30%/remainder, "small" 250.00, "globex" 120.00),
    so tests that pay or refund never touch the shared ones."""

    def make(template: str = "big", post: bool = True) -> str:
        company = tryton["company"]
        (new_id,) = erp.call("model.account.invoice.copy", [tryton["invoices"][template]["id"]], {},
                             company=company)
        if post:
            erp.call("model.account.invoice.post", [new_id], company=company)
        return f"inv_{new_id}"

    return make
