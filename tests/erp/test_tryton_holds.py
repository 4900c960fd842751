"""Issue 9, item 15 on a real Tryton: a posting whose answer was lost (Tryton slow, the call timed out) but
that Tryton booked is not held again, so the payable amount counts the payment once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub.domain.errors import ErpUnavailable
from payhub.domain.ledger import JournalEntry
from payhub.erp.tryton import TrytonErp
from payhub.services import Services
from tests.erp import test_tryton_api
from tests.erp.conftest import ENTITY, HAS_TRYTOND
from tests.erp.test_tryton_api import _entry_of, moves_described, pay, usd

tryton_hub = test_tryton_api.hub  # the same fixture: PayHub on Tryton, configured as an operator would

pytestmark = pytest.mark.skipif(not HAS_TRYTOND, reason="trytond is not installed; CI installs it")


class TimingOut:
    """Tryton behind a network whose posting calls time out; lookups get through."""

    def __init__(self, real: TrytonErp) -> None:
        self.real, self.name, self.timing_out = real, real.name, True

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def post(self, entity_id: str, entry: JournalEntry, reference_key: str) -> Any:
        if self.timing_out:
            raise ErpUnavailable("Tryton did not answer in time (model.account.move.create)")
        return self.real.post(entity_id, entry, reference_key)


def test_a_payment_tryton_booked_after_a_timeout_is_subtracted_once(
        tryton_hub: tuple[TestClient, Services], tryton: dict[str, Any], new_invoice: Callable[..., str]) -> None:
    client, svc = tryton_hub
    invoice_id = new_invoice("small")  # 250.00
    real = svc.erp
    assert isinstance(real, TrytonErp)
    svc.erp = TimingOut(real)
    payment = pay(client, invoice_id, 5_000)
    posting = payment["posting"]
    assert posting["status"] == "failed" and posting["error"]["code"] == "erp_unavailable"
    held = client.get(f"/v1/invoices/{invoice_id}").json()
    assert held["balance"] == usd(25_000) and held["amount_payable"] == usd(20_000)  # not booked: held

    real.post(ENTITY, _entry_of(svc, posting["id"]), posting["id"])  # Tryton finishes the timed-out request
    invoice = client.get(f"/v1/invoices/{invoice_id}").json()
    assert invoice["balance"] == usd(20_000) and invoice["amount_payable"] == usd(20_000)  # once, not twice

    svc.erp.timing_out = False
    retried = client.post(f"/v1/payments/{payment['id']}/post").json()["posting"]
    assert retried["status"] == "confirmed" and retried["attempts"] == 2
    assert client.get(f"/v1/invoices/{invoice_id}").json()["amount_payable"] == usd(20_000)
    svc.erp = real
    assert len(moves_described(svc, tryton["company"], posting["id"])) == 1  # booked once
