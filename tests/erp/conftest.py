"""A real trytond for the Tryton connector tests: set up once per session in a temporary directory (or in
$PAYHUB_TRYTON_DIR, kept between runs to skip the ~20 s set-up), served on a free 127.0.0.1 port."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from payhub.erp.tryton import TrytonEntity, TrytonErp, TrytonMapping
from tests.erp import tryton_fixture

ENTITY = "ent_tryton"
HAS_TRYTOND = importlib.util.find_spec("trytond") is not None


@pytest.fixture(scope="session")
def tryton(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not HAS_TRYTOND:
        pytest.skip("trytond is not installed (pip install trytond trytond-account-invoice proteus)")
    directory = Path(os.environ.get("PAYHUB_TRYTON_DIR") or tmp_path_factory.mktemp("tryton"))
    proc, info = tryton_fixture.start(directory, tryton_fixture.free_port())
    yield info
    tryton_fixture.stop(proc)


@pytest.fixture(scope="session")
def mapping(tryton: dict[str, Any]) -> TrytonMapping:
    accounts = tryton["accounts"]
    return TrytonMapping(entities={ENTITY: TrytonEntity(
        company=tryton["company"],
        accounts={"1150": accounts["clearing"]["id"], "1200": accounts["receivable"]["id"],
                  "2150": accounts["customer_credit"]["id"]},
        payment_method=tryton["payment_method"])})


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
