"""TrytonErp against a real trytond (see conftest.py): live reads, payments through Tryton's pay wizard,
refunds, unapplied cash, idempotency, and failures mapped to domain errors."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from payhub.domain.errors import CustomerNotFound, ErpRejected, ErpUnavailable, InvoiceNotFound
from payhub.domain.invoices import PostingReceipt
from payhub.domain.ledger import PostingRules, capture_entry, refund_entry
from payhub.domain.money import Money
from payhub.erp.tryton import TrytonEntity, TrytonErp, TrytonMapping
from tests.erp.conftest import ENTITY, HAS_TRYTOND
from tests.erp.tryton_fixture import free_port

RULES = PostingRules()
pytestmark = [pytest.mark.skipif(not HAS_TRYTOND, reason="trytond is not installed (pip install trytond "
                                 "trytond-account-invoice proteus); CI installs it"),
              pytest.mark.usefixtures("tryton")]


def usd(amount: str) -> Money:
    return Money.from_decimal(amount, "USD")


def customer(tryton: dict[str, Any], name: str = "acme") -> str:
    return f"cus_{tryton['parties'][name]}"


def pay(erp: TrytonErp, cus: str, split: list[tuple[str | None, Money]], key: str) -> PostingReceipt:
    return erp.post(ENTITY, capture_entry(RULES, cus, split), key)


def refund(erp: TrytonErp, cus: str, split: list[tuple[str | None, Money]], key: str) -> PostingReceipt:
    return erp.post(ENTITY, refund_entry(RULES, cus, split), key)


def moves_of(erp: TrytonErp, tryton: dict[str, Any], receipt: PostingReceipt) -> list[dict[str, Any]]:
    model, ids = receipt.reference.split(":")
    assert model == "account.move"
    return list(erp.call("model.account.move.read", [int(i) for i in ids.split(",")],
                         ["state", "description", "origin", "lines.account", "lines.debit", "lines.credit",
                          "lines.party"], company=tryton["company"]))


def sides(move: dict[str, Any]) -> set[tuple[int, Decimal, Decimal, int | None]]:
    return {(l["account"], l["debit"], l["credit"], l["party"]) for l in move["lines."]}


def tryton_id(invoice_id: str) -> int:
    return int(invoice_id.removeprefix("inv_"))


# --- reads ---
def test_get_invoice_reads_live_values(erp: TrytonErp, tryton: dict[str, Any]) -> None:
    big = tryton["invoices"]["big"]
    invoice = erp.get_invoice(ENTITY, f"inv_{big['id']}")

    assert invoice.number == big["number"]
    assert invoice.customer_id == customer(tryton)
    assert (invoice.status, invoice.is_open) == ("open", True)
    assert invoice.total == Money(99990, "USD") == invoice.balance
    assert invoice.terms == "30% now, remainder in 30 days"
    assert invoice.issued_on == invoice.due_on == date.today()  # the 30% is due on the invoice date
    assert [(l.description, l.quantity, l.amount.amount) for l in invoice.lines] == [
        ("Consulting (days)", 3, 75000), ("Support plan", 1, 19995), ("Licences", 2, 4995)]
    assert invoice.lines[0].unit_amount == usd("250.00")
    assert invoice.lines[2].unit_amount == usd("24.98")  # Tryton's 24.975 rounded half-even; the amount is exact
    assert invoice.lines[2].exact_unit_price == Decimal("24.975")  # shown beside it: 2 × 24.975 = 49.95
    assert invoice.lines[0].unit_price is None and invoice.lines[0].exact_unit_price == Decimal("250.00")


def test_customer(erp: TrytonErp, tryton: dict[str, Any]) -> None:
    acme = erp.get_customer(ENTITY, customer(tryton))
    assert (acme.name, acme.email, acme.entity_id) == ("Acme Corp", "ap@acme.example", ENTITY)
    for bad in ("cus_999999", "nobody", "cus_"):
        with pytest.raises(CustomerNotFound):
            erp.get_customer(ENTITY, bad)


def test_open_invoices_leave_out_paid_drafts_and_other_customers(erp: TrytonErp, tryton: dict[str, Any],
                                                                 new_invoice: Callable[..., str]) -> None:
    """Which Tryton states are open (tests/contract checks the order by due date)."""
    paid = new_invoice("small")
    pay(erp, customer(tryton), [(paid, usd("250.00"))], f"pst_{paid}_list")
    draft = new_invoice("small", post=False)

    open_ids = [i.id for i in erp.list_open_invoices(ENTITY, customer(tryton))]

    assert f"inv_{tryton['invoices']['big']['id']}" in open_ids
    assert paid not in open_ids and draft not in open_ids
    assert f"inv_{tryton['invoices']['globex']['id']}" not in open_ids  # another customer's


def test_unknown_invoices_are_not_found(erp: TrytonErp, tryton: dict[str, Any]) -> None:
    big_id = f"inv_{tryton['invoices']['big']['id']}"
    for bad in ("inv_999999", "inv_abc", "inv_01", "bogus", big_id.replace("inv_", "INV_")):
        with pytest.raises(InvoiceNotFound):
            erp.get_invoice(ENTITY, bad)
    with pytest.raises(InvoiceNotFound):
        erp.get_invoice("ent_unknown", big_id)


def test_other_company_invoice_is_not_found(tryton: dict[str, Any], mapping: TrytonMapping) -> None:
    other = TrytonMapping(entities={"ent_other": TrytonEntity(company=999, accounts={}, payment_method=1)})
    erp = TrytonErp(tryton["url"], tryton["db"], tryton["user"], tryton["password"], other)
    with pytest.raises(InvoiceNotFound):
        erp.get_invoice("ent_other", f"inv_{tryton['invoices']['big']['id']}")
    erp.close()


def test_draft_invoice_is_not_payable(erp: TrytonErp, new_invoice: Callable[..., str]) -> None:
    draft = erp.get_invoice(ENTITY, new_invoice("small", post=False))
    assert draft.status == "draft" and not draft.is_open


# --- payments ---
def test_partial_payment_then_the_rest_pays_the_invoice(erp: TrytonErp, tryton: dict[str, Any],
                                                        new_invoice: Callable[..., str]) -> None:
    inv = new_invoice("big")
    cus, accounts = customer(tryton), tryton["accounts"]

    first = pay(erp, cus, [(inv, usd("300.00"))], f"pst_{inv}_1")

    after = erp.get_invoice(ENTITY, inv)  # read live, right after the posting
    assert (after.status, after.balance) == ("open", usd("699.90"))
    (move,) = moves_of(erp, tryton, first)
    assert move["state"] == "posted" and move["description"] == f"pst_{inv}_1"
    assert move["origin"] == f"account.invoice,{tryton_id(inv)}"
    assert sides(move) == {(accounts["clearing"]["id"], Decimal("300.00"), Decimal(0), None),
                           (accounts["receivable"]["id"], Decimal(0), Decimal("300.00"), tryton["parties"]["acme"])}

    pay(erp, cus, [(inv, usd("699.90"))], f"pst_{inv}_2")

    paid = erp.get_invoice(ENTITY, inv)
    assert (paid.status, paid.balance, paid.is_open) == ("paid", Money(0, "USD"), False)
    (row,) = erp.call("model.account.invoice.read", [tryton_id(inv)], ["state", "lines_to_pay.reconciliation"],
                      company=tryton["company"])
    assert row["state"] == "paid" and all(l["reconciliation"] for l in row["lines_to_pay."])


def test_unapplied_cash_goes_to_customer_credit(erp: TrytonErp, tryton: dict[str, Any],
                                                new_invoice: Callable[..., str]) -> None:
    inv = new_invoice("small")
    accounts, acme = tryton["accounts"], tryton["parties"]["acme"]

    receipt = pay(erp, customer(tryton), [(inv, usd("250.00")), (None, usd("40.00"))], f"pst_{inv}_unapplied")

    assert erp.get_invoice(ENTITY, inv).status == "paid"
    payment, credit = moves_of(erp, tryton, receipt)
    assert payment["origin"] == f"account.invoice,{tryton_id(inv)}"
    assert credit["state"] == "posted" and credit["origin"] is None
    assert sides(credit) == {(accounts["clearing"]["id"], Decimal("40.00"), Decimal(0), None),
                             (accounts["customer_credit"]["id"], Decimal(0), Decimal("40.00"), acme)}


def test_unapplied_cash_alone(erp: TrytonErp, tryton: dict[str, Any]) -> None:
    receipt = pay(erp, customer(tryton, "globex"), [(None, usd("12.34"))], f"pst_unapplied_{uuid.uuid4().hex}")
    (move,) = moves_of(erp, tryton, receipt)
    assert move["state"] == "posted"
    assert (tryton["accounts"]["customer_credit"]["id"], Decimal(0), Decimal("12.34"),
            tryton["parties"]["globex"]) in sides(move)


# --- refunds ---
def test_refund_reopens_a_paid_invoice(erp: TrytonErp, tryton: dict[str, Any],
                                       new_invoice: Callable[..., str]) -> None:
    inv = new_invoice("small")
    cus, accounts = customer(tryton), tryton["accounts"]
    pay(erp, cus, [(inv, usd("250.00"))], f"pst_{inv}_pay")
    assert erp.get_invoice(ENTITY, inv).status == "paid"

    receipt = refund(erp, cus, [(inv, usd("100.00"))], f"pst_{inv}_refund")

    reopened = erp.get_invoice(ENTITY, inv)
    assert (reopened.status, reopened.balance) == ("open", usd("100.00"))
    (move,) = moves_of(erp, tryton, receipt)
    assert move["state"] == "posted"
    assert sides(move) == {(accounts["receivable"]["id"], Decimal("100.00"), Decimal(0), tryton["parties"]["acme"]),
                           (accounts["clearing"]["id"], Decimal(0), Decimal("100.00"), None)}
    assert refund(erp, cus, [(inv, usd("100.00"))], f"pst_{inv}_refund") == receipt  # idempotent too
    assert erp.get_invoice(ENTITY, inv).balance == usd("100.00")

    pay(erp, cus, [(inv, usd("100.00"))], f"pst_{inv}_repay")  # the customer pays again: paid once more
    assert erp.get_invoice(ENTITY, inv).status == "paid"


def test_refund_on_a_partly_paid_invoice(erp: TrytonErp, tryton: dict[str, Any],
                                         new_invoice: Callable[..., str]) -> None:
    inv = new_invoice("big")
    pay(erp, customer(tryton), [(inv, usd("300.00"))], f"pst_{inv}_pay")

    refund(erp, customer(tryton), [(inv, usd("120.00"))], f"pst_{inv}_refund")

    assert erp.get_invoice(ENTITY, inv).balance == usd("819.90")


# --- failures ---
def test_amount_above_amount_to_pay_is_rejected_with_trytons_message(
        erp: TrytonErp, tryton: dict[str, Any], new_invoice: Callable[..., str]) -> None:
    inv = new_invoice("small")
    with pytest.raises(ErpRejected, match="greater than the amount to pay"):
        pay(erp, customer(tryton), [(inv, usd("250.01"))], f"pst_{inv}_over")
    assert erp.get_invoice(ENTITY, inv).balance == usd("250.00")
    assert erp.call("model.account.move.search_count", [("description", "=", f"pst_{inv}_over")],
                    company=tryton["company"]) == 0


def test_multi_invoice_posting_is_refused_before_any_step(erp: TrytonErp, tryton: dict[str, Any],
                                                          new_invoice: Callable[..., str]) -> None:
    ok, over = new_invoice("small"), new_invoice("small")
    with pytest.raises(ErpRejected, match="amount to pay"):
        pay(erp, customer(tryton), [(ok, usd("50.00")), (over, usd("300.00"))], f"pst_{ok}_multi")
    assert erp.get_invoice(ENTITY, ok).balance == usd("250.00")  # nothing half-posted


def test_posting_names_unknown_invoice_or_account(erp: TrytonErp, tryton: dict[str, Any]) -> None:
    with pytest.raises(ErpRejected, match="unknown invoice"):
        pay(erp, customer(tryton), [("inv_999999", usd("1.00"))], "pst_unknown_invoice")
    with pytest.raises(ErpRejected, match="not mapped"):
        erp.post(ENTITY, capture_entry(PostingRules(gateway_clearing="1199"), customer(tryton),
                                       [(None, usd("1.00"))]), "pst_unknown_account")


def test_tryton_down_is_unavailable(tryton: dict[str, Any], mapping: TrytonMapping) -> None:
    down = TrytonErp(f"http://127.0.0.1:{free_port()}/", tryton["db"], tryton["user"], tryton["password"],
                     mapping, timeout=2)
    with pytest.raises(ErpUnavailable) as caught:
        down.get_invoice(ENTITY, f"inv_{tryton['invoices']['big']['id']}")
    assert caught.value.retryable
    with pytest.raises(ErpUnavailable):
        pay(down, customer(tryton), [(None, usd("1.00"))], "pst_down")
    down.close()


def test_wrong_password_is_unavailable(tryton: dict[str, Any], mapping: TrytonMapping) -> None:
    erp = TrytonErp(tryton["url"], tryton["db"], tryton["user"], "wrong", mapping)
    with pytest.raises(ErpUnavailable, match="login"):
        erp.get_invoice(ENTITY, f"inv_{tryton['invoices']['big']['id']}")
    erp.close()


def test_expired_session_logs_in_again(erp: TrytonErp, tryton: dict[str, Any]) -> None:
    big = f"inv_{tryton['invoices']['big']['id']}"
    erp.get_invoice(ENTITY, big)
    first = erp.session._auth

    erp.session.rpc("common.db.logout", [])  # the server drops the session, as on expiry: next call gets 401
    assert erp.get_invoice(ENTITY, big).number == tryton["invoices"]["big"]["number"]
    assert erp.session._auth not in (None, first)

    erp.session._auth = "Session " + base64.b64encode(b"admin:1:not-a-token").decode()  # a corrupted token
    assert erp.get_invoice(ENTITY, big).total == Money(99990, "USD")


def test_posting_date_is_trytons_today(erp: TrytonErp, tryton: dict[str, Any]) -> None:
    receipt = pay(erp, customer(tryton, "globex"), [(None, usd("1.00"))], f"pst_date_{uuid.uuid4().hex}")
    (row,) = erp.call("model.account.move.read", [int(receipt.reference.split(":")[1])], ["date"],
                      company=tryton["company"])
    assert abs(row["date"] - date.today()) <= timedelta(days=1)
