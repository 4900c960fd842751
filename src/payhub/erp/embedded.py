"""The embedded ERP: companies, customers, invoices, a chart of accounts and a ledger, in PayHub's
own database. The default ERP connector; a real ERP (Tryton) sits behind the same `Erp` Protocol."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Date,
    Engine,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, sessionmaker

from payhub.domain.errors import CustomerNotFound, ErpRejected, InvoiceNotFound
from payhub.domain.invoices import Customer, Invoice, InvoiceLine, PostingReceipt
from payhub.domain.ledger import JournalEntry
from payhub.domain.money import Money
from payhub.ports import FIND_POSTING, SEARCH_CUSTOMERS
from payhub.store.db import Base, UTCDateTime


class ErpCompany(Base):
    __tablename__ = "erp_companies"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3))


class ErpAccount(Base):
    __tablename__ = "erp_accounts"
    company_id: Mapped[str] = mapped_column(ForeignKey("erp_companies.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))  # asset | liability | equity | revenue | expense


class ErpCustomer(Base):
    __tablename__ = "erp_customers"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("erp_companies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    segment: Mapped[str | None] = mapped_column(String(40), nullable=True)
    metadata_: Mapped[dict[str, str] | None] = mapped_column("metadata", JSON, nullable=True)


class ErpInvoice(Base):
    __tablename__ = "erp_invoices"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("erp_companies.id"))
    customer_id: Mapped[str] = mapped_column(ForeignKey("erp_customers.id"), index=True)
    number: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = mapped_column(BigInteger)
    balance: Mapped[int] = mapped_column(BigInteger)
    terms: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))  # open | paid | void
    metadata_: Mapped[dict[str, str] | None] = mapped_column("metadata", JSON, nullable=True)
    lines: Mapped[list[ErpInvoiceLine]] = relationship(order_by="ErpInvoiceLine.line_no", lazy="selectin",
                                                       cascade="all, delete-orphan")


class ErpInvoiceLine(Base):
    __tablename__ = "erp_invoice_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("erp_invoices.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_amount: Mapped[int] = mapped_column(BigInteger)


class ErpJournalEntry(Base):
    __tablename__ = "erp_journal_entries"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    company_id: Mapped[str] = mapped_column(ForeignKey("erp_companies.id"))
    reference_key: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lines: Mapped[list[ErpJournalLine]] = relationship(order_by="ErpJournalLine.line_no", lazy="selectin",
                                                       cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("company_id", "reference_key",
                                       name="uq_erp_journal_entries_company_id_reference_key"),)


class ErpJournalLine(Base):
    __tablename__ = "erp_journal_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("erp_journal_entries.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    account: Mapped[str] = mapped_column(String(40))
    debit: Mapped[int] = mapped_column(BigInteger)
    credit: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    invoice_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    customer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    dimensions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


def _invoice(row: Any, lines: Iterable[Any]) -> Invoice:
    """An ErpInvoice (or a Core row of its table) and its lines, as the domain sees them."""
    cur = row.currency
    return Invoice(
        id=row.id, entity_id=row.company_id, customer_id=row.customer_id, number=row.number, status=row.status,
        total=Money(row.total, cur), balance=Money(row.balance, cur), terms=row.terms,
        issued_on=row.issued_on, due_on=row.due_on,
        lines=tuple(InvoiceLine(l.description, l.quantity, Money(l.unit_amount, cur),
                                Money(l.unit_amount * l.quantity, cur)) for l in lines),
        metadata=_metadata(row),
    )


def _metadata(row: Any) -> dict[str, str]:
    """An ORM row's `metadata_` or a Core row's `metadata` column."""
    return dict((row.metadata_ if hasattr(row, "metadata_") else row._mapping["metadata"]) or {})


class EmbeddedErp:
    """Implements ports.Erp on PayHub's database. Each call is its own short transaction."""

    name = "embedded"
    capabilities = frozenset({FIND_POSTING, SEARCH_CUSTOMERS})

    def provision_entity(self, s: Session, entity_id: str, name: str, currency: str) -> None:
        """Set a new PayHub entity up in this ERP, in the entity's own transaction `s`: its company with
        PayHub's default chart of accounts (once)."""
        if s.get(ErpCompany, entity_id) is None:
            create_company(s, entity_id, name, currency)

    def __init__(self, sessions: sessionmaker[Session], readers: sessionmaker[Session] | None = None,
                 bound: Connection | None = None) -> None:
        self._sessions = sessions
        self._readers = readers or sessions
        self._engine: Engine = sessions.kw["bind"]
        self._read_engine: Engine = self._readers.kw["bind"]
        self._bound = bound

    def shares(self, s: Session) -> bool:
        """Whether this ledger lives in the database `s` works on (a writer's or a reader's session)."""
        return s.get_bind() in (self._engine, self._read_engine)

    def within(self, s: Session) -> EmbeddedErp:
        """This ERP inside `s`'s transaction: it reads what `s` sees and posts in `s`'s transaction (the caller
        holds a savepoint around a post), never taking a second connection from the pool."""
        return EmbeddedErp(self._sessions, self._readers, bound=s.connection())

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        if self._bound is not None:
            yield self._bound
            return
        with self._read_engine.connect() as c:
            yield c

    def get_customer(self, entity_id: str, customer_id: str) -> Customer:
        with self._reading() as c:  # Core, prebuilt: on every payment's path
            row = c.execute(_CUSTOMER, {"id": customer_id, "company": entity_id}).first()
        if row is None:
            raise CustomerNotFound(f"No customer {customer_id}")
        return Customer(row.id, row.company_id, row.name, row.email, row.segment, _metadata(row))

    def search_customers(self, entity_id: str, query: str, limit: int) -> list[Customer]:
        """By name or customer id (the embedded ERP's customer number), case-insensitive, the query taken
        literally (`%` and `_` are escaped)."""
        q = query.strip().lower()
        name, number = func.lower(ErpCustomer.name), func.lower(ErpCustomer.id)
        rank = case((number == q, 0), (name.startswith(q, autoescape=True), 1), else_=2)
        stmt = select(ErpCustomer.__table__).where(ErpCustomer.company_id == entity_id)
        if q:
            stmt = stmt.where(or_(name.contains(q, autoescape=True), number.contains(q, autoescape=True)))
        stmt = stmt.order_by(rank, name, ErpCustomer.id).limit(limit)
        with self._reading() as c:
            rows = c.execute(stmt).all()
        return [Customer(r.id, r.company_id, r.name, r.email, r.segment, _metadata(r)) for r in rows]

    def get_invoice(self, entity_id: str, invoice_id: str) -> Invoice:
        with self._reading() as c:  # Core, prebuilt: on every payment's and invoice read's path
            row = c.execute(_INVOICE, {"id": invoice_id, "company": entity_id}).first()
            if row is None:
                raise InvoiceNotFound(f"No invoice {invoice_id}")
            return _invoice(row, c.execute(_INVOICE_LINES, {"id": invoice_id}).all())

    def list_open_invoices(self, entity_id: str, customer_id: str) -> list[Invoice]:
        with self._readers(bind=self._bound) if self._bound is not None else self._readers() as s:
            rows = s.scalars(select(ErpInvoice).where(
                ErpInvoice.company_id == entity_id, ErpInvoice.customer_id == customer_id,
                ErpInvoice.status == "open").order_by(ErpInvoice.due_on, ErpInvoice.id)).all()
            return [_invoice(r, r.lines) for r in rows]

    def post(self, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt:
        """One short transaction of prebuilt Core statements (the ledger is on every payment's path); or, bound
        (`within`), those statements in the caller's transaction."""
        if self._bound is not None:
            return self._post(self._bound, entity_id, entry, reference_key)
        try:
            with self._engine.begin() as s:  # a plain Connection: no ORM unit of work needed here
                return self._post(s, entity_id, entry, reference_key)
        except IntegrityError:  # a concurrent post of the same reference won: return its receipt
            with self._engine.connect() as s:
                if (receipt := self._existing(s, entity_id, reference_key)) is None:
                    raise
                return receipt

    def _post(self, s: Connection, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt:
        if (receipt := self._existing(s, entity_id, reference_key)) is not None:
            return receipt
        codes = {l.account for l in entry.lines}
        known = set(s.scalars(_KNOWN_ACCOUNTS, {"company": entity_id, "codes": list(codes)}))
        if missing := sorted(codes - known):
            raise ErpRejected(f"Unknown account(s) in the chart of accounts: {', '.join(missing)}")
        now = datetime.now(UTC)
        entry_id = f"je_{reference_key}"
        s.execute(_INSERT_ENTRY, {"id": entry_id, "company_id": entity_id, "reference_key": reference_key,
                                  "kind": entry.kind, "posted_at": now})
        s.execute(_INSERT_LINE, [
            {"entry_id": entry_id, "line_no": i, "account": l.account, "debit": l.debit, "credit": l.credit,
             "currency": l.currency, "invoice_id": l.invoice_id, "customer_id": l.customer_id,
             "dimensions": dict(l.dimensions)} for i, l in enumerate(entry.lines, 1)])
        self._apply_to_invoices(s, entity_id, entry)
        return PostingReceipt(entry_id, now.isoformat())

    def find_posting(self, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt | None:
        """The entry and its invoice balance changes commit together: it has all of it or nothing."""
        with self._reading() as c:
            return self._existing(c, entity_id, reference_key)

    @staticmethod
    def _existing(s: Connection, entity_id: str, reference_key: str) -> PostingReceipt | None:
        row = s.execute(_EXISTING, {"company": entity_id, "key": reference_key}).first()
        return PostingReceipt(row.id, row.posted_at.isoformat()) if row else None

    @staticmethod
    def _apply_to_invoices(s: Connection, entity_id: str, entry: JournalEntry) -> None:
        """Receivable lines that name an invoice move its balance (credit pays, debit reopens), in one
        guarded UPDATE per invoice: a balance below zero or above the total is refused."""
        deltas: dict[str, int] = defaultdict(int)
        for line in entry.lines:
            if line.invoice_id:
                deltas[line.invoice_id] += line.debit - line.credit
        for invoice_id, delta in deltas.items():
            done = s.execute(_MOVE_BALANCE, {"invoice": invoice_id, "company": entity_id, "delta": delta})
            if not done.rowcount:
                raise ErpRejected(f"Posting names unknown invoice {invoice_id} or would take its balance "
                                  f"out of range (change {delta})")


# Statements built once: constructing SQL expressions per call cost more than running them.
_CUSTOMER = select(ErpCustomer.__table__).where(ErpCustomer.id == bindparam("id"),
                                                ErpCustomer.company_id == bindparam("company"))
_INVOICE = select(ErpInvoice.__table__).where(ErpInvoice.id == bindparam("id"),
                                              ErpInvoice.company_id == bindparam("company"))
_INVOICE_LINES = select(ErpInvoiceLine.__table__).where(ErpInvoiceLine.invoice_id == bindparam("id")).order_by(
    ErpInvoiceLine.line_no)
_EXISTING = select(ErpJournalEntry.id, ErpJournalEntry.posted_at).where(
    ErpJournalEntry.company_id == bindparam("company"), ErpJournalEntry.reference_key == bindparam("key"))
_KNOWN_ACCOUNTS = select(ErpAccount.code).where(ErpAccount.company_id == bindparam("company"),
                                                ErpAccount.code.in_(bindparam("codes", expanding=True)))
_INSERT_ENTRY = insert(ErpJournalEntry)
_INSERT_LINE = insert(ErpJournalLine)
_NEW_BALANCE = ErpInvoice.balance + bindparam("delta")
_MOVE_BALANCE = update(ErpInvoice).where(
    ErpInvoice.id == bindparam("invoice"), ErpInvoice.company_id == bindparam("company"),
    _NEW_BALANCE >= 0, _NEW_BALANCE <= ErpInvoice.total,
).values(balance=_NEW_BALANCE, status=case((_NEW_BALANCE == 0, "paid"), else_="open")
         ).execution_options(synchronize_session=False)


# --- set-up helpers used by the demo seed and tests ---
DEFAULT_CHART = (
    ("1000", "Operating cash", "asset"),
    ("1150", "Gateway clearing", "asset"),
    ("1160", "Card processor clearing", "asset"),
    ("1200", "Accounts receivable", "asset"),
    ("1250", "Chargebacks receivable", "asset"),
    ("2150", "Customer credits (unapplied cash)", "liability"),
    ("2190", "Settlement suspense", "liability"),
    ("4000", "Revenue", "revenue"),
    ("4100", "Convenience fee revenue", "revenue"),
    ("4110", "Surcharge revenue", "revenue"),
    ("6100", "Payment processing fees", "expense"),
    ("6200", "Chargeback losses", "expense"),
)


def create_company(s: Session, company_id: str, name: str, currency: str) -> None:
    s.add(ErpCompany(id=company_id, name=name, currency=currency))
    s.flush()  # no ORM relationship orders these inserts
    s.add_all(ErpAccount(company_id=company_id, code=c, name=n, type=t) for c, n, t in DEFAULT_CHART)


def create_customer(s: Session, company_id: str, customer_id: str, name: str, email: str | None = None,
                    segment: str | None = None, metadata: dict[str, str] | None = None) -> None:
    s.add(ErpCustomer(id=customer_id, company_id=company_id, name=name, email=email, segment=segment,
                      metadata_=metadata))
    s.flush()


def create_invoice(s: Session, *, company_id: str, customer_id: str, invoice_id: str, number: str,
                   currency: str, lines: list[tuple[str, int, int]], terms: str, issued_on: date,
                   due_on: date, metadata: dict[str, str] | None = None, **_: Any) -> None:
    """lines: (description, quantity, unit_amount in minor units)."""
    total = sum(q * u for _, q, u in lines)
    inv = ErpInvoice(id=invoice_id, company_id=company_id, customer_id=customer_id, number=number,
                     currency=currency, total=total, balance=total, terms=terms, issued_on=issued_on,
                     due_on=due_on, status="open", metadata_=metadata)
    inv.lines = [ErpInvoiceLine(line_no=i, description=d, quantity=q, unit_amount=u)
                 for i, (d, q, u) in enumerate(lines, 1)]
    s.add(inv)
