"""The contract every registered ERP connector passes: the embedded ERP (SQLite and PostgreSQL) and Tryton when
it is installed (tests/contract/erps.py says how to build each). Connector-specific behaviour (Tryton's moves,
wizard and id mapping) stays in tests/erp/."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import httpx
import pytest

from payhub.domain.errors import CapabilityUnsupported, CustomerNotFound, DomainError, ErpError, InvoiceNotFound
from payhub.domain.ledger import PostingRules, capture_entry, refund_entry
from payhub.domain.money import Money
from payhub.erp.registry import ERPS
from payhub.ports import CAPABILITIES, FIND_POSTING, SEARCH_CUSTOMERS, search_customers
from tests.contract.erps import CASES, OVER_HTTP, ErpCase
from tests.contract.transport import httpx_in_chain, transport_errors

RULES = PostingRules()
UNKNOWN_INVOICE, UNKNOWN_CUSTOMER = "inv_999999", "cus_999999"  # well-formed for every connector, never there


@pytest.fixture(params=[(kind, make) for kind, makers in sorted(CASES.items()) for make in makers],
                ids=lambda param: param[1].__name__)
def case(request: pytest.FixtureRequest) -> Iterator[ErpCase]:
    _, make = request.param
    with make(request) as made:
        yield made


@pytest.fixture(params=OVER_HTTP, ids=lambda make: make.__name__)
def http_case(request: pytest.FixtureRequest) -> Iterator[ErpCase]:
    make: Callable[[pytest.FixtureRequest], AbstractContextManager[ErpCase]] = request.param
    with make(request) as made:
        yield made


def money(case: ErpCase, amount: int) -> Money:
    return Money(amount, case.currency)


def balance(case: ErpCase, invoice_id: str) -> int:
    return case.erp.get_invoice(case.entity, invoice_id).balance.amount


def test_every_registered_erp_is_in_the_contract() -> None:
    assert set(CASES) == set(ERPS)


def test_capabilities_are_declared_from_the_known_set(case: ErpCase) -> None:
    assert isinstance(case.erp.capabilities, frozenset) and case.erp.capabilities <= CAPABILITIES


# --- posting ----------------------------------------------------------------------------------------

def test_post_is_idempotent_on_its_reference_key(case: ErpCase) -> None:
    invoice = case.new_invoice()
    before = balance(case, invoice)
    entry = capture_entry(RULES, case.customer, [(invoice, money(case, 4_000))])
    key = f"pst_{invoice}_idem"

    first = case.erp.post(case.entity, entry, key)
    again = case.erp.post(case.entity, entry, key)

    assert again == first
    assert case.entries(key) == 1  # one entry in the ledger
    assert balance(case, invoice) == before - 4_000  # moved once
    if FIND_POSTING in case.erp.capabilities:
        assert case.erp.find_posting(case.entity, entry, key) == first


def test_balances_move_by_exactly_what_is_posted(case: ErpCase) -> None:
    invoice = case.new_invoice()
    before = balance(case, invoice)

    paid = case.erp.post(case.entity, capture_entry(RULES, case.customer, [(invoice, money(case, 3_000))]),
                         f"pst_{invoice}_1")
    assert balance(case, invoice) == before - 3_000
    more = case.erp.post(case.entity, capture_entry(RULES, case.customer, [(invoice, money(case, 1_234))]),
                         f"pst_{invoice}_2")
    assert balance(case, invoice) == before - 4_234
    assert more != paid  # another key is another entry

    case.erp.post(case.entity, refund_entry(RULES, case.customer, [(invoice, money(case, 1_000))]),
                  f"pst_{invoice}_refund")
    assert balance(case, invoice) == before - 3_234
    assert [case.entries(f"pst_{invoice}_{n}") for n in ("1", "2", "refund")] == [1, 1, 1]


def test_paying_the_whole_balance_closes_the_invoice(case: ErpCase) -> None:
    invoice = case.new_invoice()
    case.erp.post(case.entity, capture_entry(RULES, case.customer, [(invoice, money(case, balance(case, invoice)))]),
                  f"pst_{invoice}_all")
    paid = case.erp.get_invoice(case.entity, invoice)
    assert (paid.balance.amount, paid.is_open) == (0, False)
    assert invoice not in [i.id for i in case.erp.list_open_invoices(case.entity, case.customer)]


def test_find_posting_of_a_key_never_posted(case: ErpCase) -> None:
    if FIND_POSTING not in case.erp.capabilities:
        pytest.skip("this connector cannot look a posting up")
    entry = capture_entry(RULES, case.customer, [(None, money(case, 100))])
    assert case.erp.find_posting(case.entity, entry, "pst_never_posted") is None


def test_a_posting_naming_an_unknown_invoice_is_refused_and_moves_nothing(case: ErpCase) -> None:
    invoice = case.new_invoice()
    before = balance(case, invoice)
    entry = capture_entry(RULES, case.customer, [(invoice, money(case, 1_000)), (UNKNOWN_INVOICE, money(case, 100))])
    with pytest.raises(ErpError):
        case.erp.post(case.entity, entry, f"pst_{invoice}_unknown")
    assert balance(case, invoice) == before
    assert case.entries(f"pst_{invoice}_unknown") == 0


# --- reads ------------------------------------------------------------------------------------------

def test_unknown_ids_are_not_found(case: ErpCase) -> None:
    with pytest.raises(InvoiceNotFound):
        case.erp.get_invoice(case.entity, UNKNOWN_INVOICE)
    with pytest.raises(CustomerNotFound):
        case.erp.get_customer(case.entity, UNKNOWN_CUSTOMER)
    some_invoice = case.erp.list_open_invoices(case.entity, case.customer)[0].id
    with pytest.raises(InvoiceNotFound):  # another entity's invoice does not exist for it
        case.erp.get_invoice("ent_contract_unknown", some_invoice)
    with pytest.raises(CustomerNotFound):
        case.erp.get_customer("ent_contract_unknown", case.customer)
    assert case.erp.list_open_invoices(case.entity, UNKNOWN_CUSTOMER) == []


def test_a_customer_and_its_invoices_read_back(case: ErpCase) -> None:
    customer = case.erp.get_customer(case.entity, case.customer)
    assert (customer.id, customer.entity_id) == (case.customer, case.entity) and customer.name
    invoice = case.erp.get_invoice(case.entity, case.new_invoice())
    assert (invoice.customer_id, invoice.entity_id, invoice.status) == (case.customer, case.entity, "open")
    assert invoice.balance == invoice.total and invoice.total.currency == case.currency
    assert sum(line.amount.amount for line in invoice.lines) == invoice.total.amount


def test_open_invoices_are_listed_by_due_date(case: ErpCase) -> None:
    listed = case.erp.list_open_invoices(case.entity, case.customer)
    dues = [i.due_on for i in listed]
    assert dues == sorted(dues)
    assert len(set(dues)) >= 2  # the order was tested, not given
    assert all(i.customer_id == case.customer and i.is_open and i.balance.amount > 0 for i in listed)


# --- the transport never leaks out --------------------------------------------------------------

@pytest.mark.parametrize("raised", transport_errors(), ids=lambda c: c.__name__)
def test_no_transport_exception_escapes(http_case: ErpCase, raised: type[httpx.HTTPError]) -> None:
    def fail(sent: httpx.Request) -> httpx.Response:
        raise raised("boom", request=sent) if issubclass(raised, httpx.RequestError) else raised("boom")

    _only_domain_errors(http_case, httpx.MockTransport(fail))


@pytest.mark.parametrize(("status", "body"), [
    (200, b"<html>a proxy's page</html>"), (200, b'{"truncated'), (200, b"[]"), (500, b""), (401, b""),
    (200, json.dumps({"id": 1, "error": ["UserError", ["boom", ""]]}).encode()),
])
def test_an_unreadable_answer_is_a_domain_error(http_case: ErpCase, status: int, body: bytes) -> None:
    _only_domain_errors(http_case, httpx.MockTransport(lambda _: httpx.Response(status, content=body)))


def _only_domain_errors(case: ErpCase, transport: httpx.BaseTransport) -> None:
    assert case.over is not None
    erp = case.over(transport)
    entry = capture_entry(RULES, case.customer, [(None, money(case, 100))])
    calls: dict[str, Callable[[], object]] = {
        "get_invoice": lambda: erp.get_invoice(case.entity, "inv_1"),
        "get_customer": lambda: erp.get_customer(case.entity, case.customer),
        "list_open_invoices": lambda: erp.list_open_invoices(case.entity, case.customer),
        "post": lambda: erp.post(case.entity, entry, "pst_transport"),
        "find_posting": lambda: erp.find_posting(case.entity, entry, "pst_transport")}
    for name, call in calls.items():
        with pytest.raises(DomainError) as error:
            call()
        assert not httpx_in_chain(error.value), name


# --- customer search (capability SEARCH_CUSTOMERS: the virtual terminal's look-up) ---------------------

def test_search_customers_by_name_and_number(case: ErpCase) -> None:
    if SEARCH_CUSTOMERS not in case.erp.capabilities:
        pytest.skip(f"{case.erp.name} does not search customers")
    by_name = search_customers(case.erp, case.entity, "ACME", 10)
    assert [c.id for c in by_name] == [case.customer] and by_name[0].name == "Acme Corp"
    assert case.erp.get_customer(case.entity, by_name[0].id).name == "Acme Corp"  # ids round-trip
    other = search_customers(case.erp, case.entity, "glob", 10)
    assert [c.name for c in other] == ["Globex"]
    by_number = search_customers(case.erp, case.entity, case.customer, 10)
    assert by_number[0].id == case.customer


def test_search_customers_is_literal_limited_and_per_entity(case: ErpCase) -> None:
    if SEARCH_CUSTOMERS not in case.erp.capabilities:
        pytest.skip(f"{case.erp.name} does not search customers")
    assert search_customers(case.erp, case.entity, "%", 10) == []
    assert search_customers(case.erp, case.entity, "A_me", 10) == []  # `_` is not a wildcard
    assert search_customers(case.erp, case.entity, "nobody-by-this-name", 10) == []
    assert len(search_customers(case.erp, case.entity, "o", 1)) == 1
    assert search_customers(case.erp, "ent_unknown", "acme", 10) == []


def test_search_customers_unsupported_is_said_honestly(case: ErpCase) -> None:
    class Plain:
        name, capabilities = "plain", frozenset[str]()

    with pytest.raises(CapabilityUnsupported):
        search_customers(Plain(), case.entity, "acme", 10)  # type: ignore[arg-type]
