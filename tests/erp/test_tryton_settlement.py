"""Settlement, disputes and reconciliation write-offs reach Tryton through the posting pipeline, driven over HTTP:
a simulator settlement batch books bank, fees and clearing; a signed dispute notification books the chargeback,
and its outcome reverses it, writes it off or reopens the invoice in Tryton; a write-off posts; and a posting
Tryton refuses (an account its mapping lacks) is kept, named, and posted once the mapping is fixed."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub.api.app import create_app
from payhub.auth.keys import create_key
from payhub.bootstrap import build_services
from payhub.demo import seed
from payhub.erp.tryton import TrytonErp
from payhub.gateways.simulator import SimulatorGateway
from payhub.pipeline.posting import retry_due
from payhub.services import Services
from payhub.settings import Settings
from tests.disputes.conftest import SECRET, Provider, charge_of
from tests.erp.conftest import ENTITY, HAS_TRYTOND, posting_accounts
from tests.erp.test_tryton_api import hub, pay  # noqa: F401  (hub: PayHub configured for Tryton)
from tests.settlement.test_settlement import HEADER, line, upload

pytestmark = pytest.mark.skipif(not HAS_TRYTOND, reason="trytond is not installed; CI installs it")

Lines = list[tuple[str, Decimal, Decimal, int | None]]  # (fixture account name, debit, credit, party)


@pytest.fixture
def tryton_hub(hub: tuple[TestClient, Services]) -> Iterator[tuple[TestClient, Services, Provider]]:  # noqa: F811
    """The hub with a simulator that verifies signed notifications, and the provider that sends them."""
    client, svc = hub
    svc.gateways = {"simulator": SimulatorGateway(notification_secret=SECRET)}
    with TestClient(client.app) as anonymous:  # the provider has no API key
        yield client, svc, Provider(anonymous)


def tryton_of(svc: Services) -> TrytonErp:
    erp = svc.erp_for(ENTITY)
    assert isinstance(erp, TrytonErp)
    return erp


def moves_of(posting: dict[str, Any]) -> list[int]:
    reference = posting["erp_reference"]
    assert posting["status"] == "confirmed" and reference.startswith("account.move:"), posting
    return [int(i) for i in reference.removeprefix("account.move:").split(",")]


def move_lines(erp: TrytonErp, tryton: dict[str, Any], posting: dict[str, Any]) -> Lines:
    """The posted lines of the posting's Tryton moves, by the fixture's account names."""
    names = {a["id"]: name for name, a in tryton["accounts"].items()}
    moves = erp.call("model.account.move.read", moves_of(posting), ["state", "description"],
                     company=tryton["company"])
    assert {(m["state"], m["description"]) for m in moves} == {("posted", posting["id"])}
    rows = erp.call("model.account.move.line.search_read", [("move", "in", moves_of(posting))], 0, None,
                    [("id", "ASC")], ["account", "debit", "credit", "party"], company=tryton["company"])
    return sorted((names[r["account"]], r["debit"], r["credit"], r["party"]) for r in rows)


def balances(erp: TrytonErp, tryton: dict[str, Any], *names: str) -> dict[str, Decimal]:
    """Tryton's balance (debit − credit) of the fixture's accounts."""
    ids = [tryton["accounts"][n]["id"] for n in names]
    rows = erp.call("model.account.account.read", ids, ["balance"], company=tryton["company"])
    by_id = {r["id"]: r["balance"] for r in rows}
    return {n: by_id[tryton["accounts"][n]["id"]] for n in names}


def change(before: dict[str, Decimal], after: dict[str, Decimal]) -> dict[str, Decimal]:
    return {name: after[name] - before[name] for name in before}


def to_pay(erp: TrytonErp, tryton: dict[str, Any], invoice_id: str) -> tuple[str, Decimal]:
    (row,) = erp.call("model.account.invoice.read", [int(invoice_id.removeprefix("inv_"))],
                      ["state", "amount_to_pay"], company=tryton["company"])
    return row["state"], row["amount_to_pay"]


D = Decimal


def test_a_settlement_batch_books_bank_fees_and_clearing_in_tryton(
        tryton_hub: tuple[TestClient, Services, Provider], tryton: dict[str, Any],
        new_invoice: Callable[..., str]) -> None:
    client, svc, _ = tryton_hub
    erp = tryton_of(svc)
    payment = pay(client, new_invoice("small"), 10_000)
    assert payment["posting"]["status"] == "confirmed"
    before = balances(erp, tryton, "bank", "processor_fees", "clearing")

    report = HEADER + line("trybatch_1", "payment", payment, 10_000, 320, datetime.now(UTC))
    answer = upload(client, report)
    assert answer.status_code == 201, answer.text
    (batch,) = answer.json()["batches"]
    (posting,) = batch["postings"]
    assert (posting["kind"], posting["erp"], posting["source"]) == ("settlement", "tryton", batch["id"])
    assert move_lines(erp, tryton, posting) == [("bank", D("96.80"), D(0), None),
                                                ("clearing", D(0), D("100.00"), None),
                                                ("processor_fees", D("3.20"), D(0), None)]
    assert change(before, balances(erp, tryton, "bank", "processor_fees", "clearing")) == {
        "bank": D("96.80"), "processor_fees": D("3.20"), "clearing": D("-100.00")}
    shown = client.get(f"/v1/payments/{payment['id']}").json()
    assert shown["status"] == "settled" and shown["settlement"]["batch"] == batch["id"]
    assert client.get(f"/v1/settlements/{batch['id']}").json()["postings"][0]["status"] == "confirmed"


@pytest.mark.parametrize(("outcome", "reopen"), [("lost", True), ("lost", False), ("won", False)])
def test_a_dispute_books_its_chargeback_and_outcome_in_tryton(
        tryton_hub: tuple[TestClient, Services, Provider], tryton: dict[str, Any], new_invoice: Callable[..., str],
        outcome: str, reopen: bool) -> None:
    client, svc, provider = tryton_hub
    erp = tryton_of(svc)
    acme = tryton["parties"]["acme"]
    patched = client.patch(f"/v1/entities/{ENTITY}", json={"disputes": {"reopen_invoice_on_loss": reopen}})
    assert patched.status_code == 200, patched.text
    invoice_id = new_invoice("small")
    payment = pay(client, invoice_id, 25_000)
    assert to_pay(erp, tryton, invoice_id) == ("paid", D(0))

    opened = provider.send(provider.dispute(charge_of(payment), "needs_response", amount=5_000))
    assert opened.status_code == 200, opened.text
    [dispute] = client.get("/v1/disputes", params={"payment": payment["id"]}).json()["data"]
    [chargeback] = dispute["postings"]
    assert chargeback["kind"] == "chargeback"
    assert move_lines(erp, tryton, chargeback) == [("chargebacks_receivable", D("50.00"), D(0), acme),
                                                   ("clearing", D(0), D("50.00"), None)]
    before = balances(erp, tryton, "chargebacks_receivable", "chargeback_losses", "clearing", "receivable")

    decided = provider.send(provider.dispute(charge_of(payment), outcome, amount=5_000))
    assert decided.status_code == 200, decided.text
    dispute = client.get(f"/v1/disputes/{dispute['id']}").json()
    assert dispute["outcome"] == outcome
    _, result = dispute["postings"]
    assert result["kind"] == f"chargeback_{outcome}"
    lines = move_lines(erp, tryton, result)
    moved = change(before, balances(erp, tryton, "chargebacks_receivable", "chargeback_losses", "clearing",
                                    "receivable"))
    assert moved["chargebacks_receivable"] == D("-50.00")  # the disputed money is settled either way
    invoice = client.get(f"/v1/invoices/{invoice_id}").json()  # read back from Tryton
    if outcome == "won":  # the chargeback reversed: the money is back in clearing
        assert lines == [("chargebacks_receivable", D(0), D("50.00"), acme), ("clearing", D("50.00"), D(0), None)]
        assert moved == {"chargebacks_receivable": D("-50.00"), "chargeback_losses": D(0),
                         "clearing": D("50.00"), "receivable": D(0)}
        assert to_pay(erp, tryton, invoice_id) == ("paid", D(0)) and invoice["status"] == "paid"
    elif reopen:  # the customer owes the invoice's share again: Tryton's invoice is to pay again
        assert lines == [("chargebacks_receivable", D(0), D("50.00"), acme), ("receivable", D("50.00"), D(0), acme)]
        (move,) = moves_of(result)  # one move, attached to the invoice
        assert move in erp.call("model.account.invoice.read", [int(invoice_id.removeprefix("inv_"))],
                                ["additional_moves"], company=tryton["company"])[0]["additional_moves"]
        assert moved == {"chargebacks_receivable": D("-50.00"), "chargeback_losses": D(0), "clearing": D(0),
                         "receivable": D("50.00")}
        assert to_pay(erp, tryton, invoice_id) == ("posted", D("50.00"))
        assert (invoice["status"], invoice["balance"]["amount"]) == ("open", 5_000)
    else:  # a loss
        assert lines == [("chargeback_losses", D("50.00"), D(0), None),
                         ("chargebacks_receivable", D(0), D("50.00"), acme)]
        assert moved == {"chargebacks_receivable": D("-50.00"), "chargeback_losses": D("50.00"),
                         "clearing": D(0), "receivable": D(0)}
        assert to_pay(erp, tryton, invoice_id) == ("paid", D(0)) and invoice["status"] == "paid"


def test_a_reconciliation_write_off_posts_to_tryton(tryton_hub: tuple[TestClient, Services, Provider],
                                                    tryton: dict[str, Any], new_invoice: Callable[..., str]) -> None:
    client, svc, _ = tryton_hub
    erp = tryton_of(svc)
    payment = pay(client, new_invoice("small"), 8_000)
    short = HEADER + line("trybatch_short", "payment", payment, 7_873, 260, datetime.now(UTC))  # 1.27 short
    assert upload(client, short).status_code == 201
    assert client.post("/v1/reconciliation/runs", json={}).status_code == 201
    [mismatch] = client.get("/v1/reconciliation/exceptions", params={"class": "amount_mismatch"}).json()["data"]
    before = balances(erp, tryton, "processor_fees", "clearing")

    written = client.post(f"/v1/reconciliation/exceptions/{mismatch['id']}/resolve",
                          json={"action": "write_off", "reason": "Interchange downgrade"})
    assert written.status_code == 200, written.text
    posting = written.json()["resolution"]["posting"]
    assert (posting["kind"], posting["source"]) == ("write_off", mismatch["id"])
    assert move_lines(erp, tryton, posting) == [("clearing", D(0), D("1.27"), None),
                                                ("processor_fees", D("1.27"), D(0), None)]
    assert change(before, balances(erp, tryton, "processor_fees", "clearing")) == {
        "processor_fees": D("1.27"), "clearing": D("-1.27")}


def test_an_unmapped_account_fails_the_settlement_posting_until_the_mapping_is_fixed(
        db_url: str, tryton: dict[str, Any], new_invoice: Callable[..., str]) -> None:
    """An entity on its own Tryton whose mapping lacks the bank account: the batch is imported (settlement is the
    gateway's fact) and its posting fails naming the account; the worker leaves a refusal alone; once the
    mapping is fixed, the operator's retry posts it, once."""
    svc = build_services(Settings(database_url=db_url, secret_key="test-secret"))
    now = datetime.now(UTC)
    with svc.transaction() as s:
        seed(s, now)
        s.flush()
        _, platform = create_key(s, None, "admin", now)
        _, demo_admin = create_key(s, "ent_demo", "admin", now)

    def erp_settings(accounts: dict[str, int]) -> dict[str, Any]:
        return {"type": "tryton", "url": tryton["url"], "database": tryton["db"], "user": tryton["user"],
                "password": tryton["password"], "timeout_s": 30, "mapping": {"entities": {ENTITY: {
                    "company": tryton["company"], "payment_method": tryton["payment_method"],
                    "accounts": accounts}}}}

    try:
        with TestClient(create_app(svc), headers={"Authorization": f"Bearer {platform}",
                                                      "PayHub-Entity": ENTITY}) as client:
            created = client.post("/v1/entities", headers={"PayHub-Entity": "ent_demo"}, json={
                "id": ENTITY, "name": "PayHub Test Co", "default_currency": "USD", "gateway": "simulator",
                "erp": erp_settings(posting_accounts(tryton, without=("1000",)))})
            assert created.status_code == 201, created.text
            payment = pay(client, new_invoice("small"), 10_000)
            assert payment["posting"]["status"] == "confirmed"  # the payment needs no bank account

            answer = upload(client, HEADER + line("trybatch_unmapped", "payment", payment, 10_000, 320, now))
            assert answer.status_code == 201, answer.text
            (batch,) = answer.json()["batches"]
            (posting,) = batch["postings"]
            assert posting["status"] == "failed" and posting["error"] == {
                "code": "erp_rejected", "message": "Account(s) not mapped to Tryton: 1000"}
            assert posting["next_retry_at"] is None  # a refusal needs a person, not a timer
            assert client.get(f"/v1/payments/{payment['id']}").json()["status"] == "settled"
            assert retry_due(svc) == 0
            assert client.get(f"/v1/settlements/{batch['id']}").json()["postings"][0]["status"] == "failed"

            with TestClient(client.app, headers={"Authorization": f"Bearer {demo_admin}"}) as other:
                assert other.post(f"/v1/postings/{posting['id']}/retry").status_code == 404
            still = client.post(f"/v1/postings/{posting['id']}/retry").json()  # not fixed yet: refused again
            assert (still["status"], still["attempts"], still["error"]["code"]) == ("failed", 2, "erp_rejected")

            fixed = client.patch(f"/v1/entities/{ENTITY}", json={"erp": erp_settings(posting_accounts(tryton))})
            assert fixed.status_code == 200, fixed.text
            retried = client.post(f"/v1/postings/{posting['id']}/retry")
            assert retried.status_code == 200, retried.text
            done = retried.json()
            assert (done["status"], done["attempts"], done["error"]) == ("confirmed", 3, None)
            erp = svc.erp_for(ENTITY)
            assert isinstance(erp, TrytonErp)
            assert move_lines(erp, tryton, done) == [("bank", D("96.80"), D(0), None),
                                                     ("clearing", D(0), D("100.00"), None),
                                                     ("processor_fees", D("3.20"), D(0), None)]
            again = client.post(f"/v1/postings/{posting['id']}/retry").json()  # safe to repeat
            assert again == done
            assert len(erp.call("model.account.move.search", [("description", "=", posting["id"])], 0, None,
                                None, company=tryton["company"])) == 1
            shown = client.get(f"/v1/settlements/{batch['id']}").json()["postings"][0]
            assert shown["status"] == "confirmed" and shown["erp_reference"] == done["erp_reference"]
    finally:
        svc.close()
