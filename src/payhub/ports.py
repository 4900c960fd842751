"""The contracts adapters meet. Gateways and ERPs raise domain errors (payhub.domain.errors),
never their transport's exceptions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import IO, TYPE_CHECKING, Protocol, cast

from payhub.domain.disputes import DisputeNotice, Evidence
from payhub.domain.errors import CapabilityUnsupported
from payhub.domain.invoices import Customer, Invoice, PostingReceipt
from payhub.domain.ledger import JournalEntry
from payhub.domain.level3 import Level3Data
from payhub.domain.methods import CardSummary, PaymentMethod
from payhub.domain.money import Money
from payhub.domain.settlement import SettlementLine

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


# Capabilities: what a connector can do beyond its Protocol's core calls. A connector lists the ones it has in
# `capabilities`; PayHub asks before relying on one, and answers honestly (CapabilityUnsupported) when it is missing.
SETTLEMENT_REPORTS = "settlement_reports"  # Gateway.settlement says whether a capture has reached the bank
FIND_CHARGE = "find_charge"  # Gateway.find_charge says what became of an authorization sent with a key
REFUND_PARTIAL = "refund_partial"  # several refunds, each of part of the captured amount
LEVEL3 = "level3"  # Level 2/3 card data (AuthorizeRequest.level3) reaches the card networks
DISPUTES = "disputes"  # chargebacks are reported to PayHub
FIND_POSTING = "find_posting"  # Erp.find_posting says whether a posting whose answer was lost is in the ledger
SEARCH_CUSTOMERS = "search_customers"  # Erp is a CustomerSearch: customers found by name or number
NOTIFICATIONS = "notifications"  # Gateway is a NotificationSource: it verifies and reads the provider's events
SETTLEMENT_FILES = "settlement_files"  # Gateway is a SettlementFiles: it parses the provider's settlement report
DISPUTE_EVIDENCE = "dispute_evidence"  # Gateway is a DisputeDefense: evidence is submitted through it
CAPABILITIES = frozenset({SETTLEMENT_REPORTS, FIND_CHARGE, REFUND_PARTIAL, LEVEL3, DISPUTES, FIND_POSTING,
                          SEARCH_CUSTOMERS, NOTIFICATIONS, SETTLEMENT_FILES, DISPUTE_EVIDENCE})
MAX_SEARCH_RESULTS = 50


def supports(connector: Gateway | Erp, capability: str) -> bool:
    return capability in connector.capabilities


def local_erp(erp: Erp, s: Session) -> LocalErp | None:
    """`erp` as a LocalErp when its ledger is in the database `s` works on, else None. Checked on the class, not
    on the instance: a wrapper that delegates attributes keeps its own calls."""
    if hasattr(type(erp), "within") and cast(LocalErp, erp).shares(s):
        return cast(LocalErp, erp)
    return None


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class AuthorizeRequest:
    amount: Money
    method: PaymentMethod
    capture: bool  # authorize and capture in one call
    idempotency_key: str  # sent to the gateway (Idempotency-Key): a retried call never charges twice
    description: str = ""
    level3: Level3Data | None = None  # for gateways that accept Level 2/3 data


@dataclass(frozen=True, slots=True)
class GatewayResult:
    reference: str  # the gateway's id for the charge / capture / refund
    card: CardSummary | None = None  # what the gateway knows of a tokenized card


@dataclass(frozen=True, slots=True)
class Settlement:
    settled: bool
    settled_at: datetime | None = None


class Gateway(Protocol):
    name: str
    capabilities: frozenset[str]  # of the names above

    def authorize(self, request: AuthorizeRequest) -> GatewayResult: ...

    def capture(self, reference: str, amount: Money, idempotency_key: str) -> GatewayResult: ...

    def void(self, reference: str, idempotency_key: str) -> GatewayResult: ...

    def refund(self, reference: str, amount: Money, idempotency_key: str) -> GatewayResult: ...

    def settlement(self, reference: str) -> Settlement:
        """Whether the capture `reference` has settled. Raises CapabilityUnsupported when the connector has no
        SETTLEMENT_REPORTS: "not settled" would be a guess."""
        ...

    def find_charge(self, idempotency_key: str) -> GatewayResult | None:
        """What became of the authorization sent with this key: its result, or None when the gateway
        never charged it. Raises LookupUnsupported when the connector cannot tell (it has no FIND_CHARGE;
        recovery then leaves the payment `unknown` for a person)."""
        ...


@dataclass(frozen=True, slots=True)
class AuthorizationNotice:
    """A late authorization result (the answer PayHub's call did not get, or an asynchronous method's)."""

    gateway_reference: str
    succeeded: bool
    amount: int
    currency: str
    merchant_reference: str | None = None
    failure_code: str | None = None


@dataclass(frozen=True, slots=True)
class PayoutNotice:
    """A payout (a settlement batch) paid or failed at the provider."""

    payout_reference: str
    status: str  # paid | failed | pending | canceled
    amount: int
    currency: str
    arrival_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Notification:
    """One provider event, verified and normalized. At most one of the notices is set; none means PayHub has no
    use for the event (it is acknowledged and recorded, and nothing else happens)."""

    event_id: str  # the provider's event id: a notification is processed once
    event_type: str  # the provider's own name (charge.dispute.created, CHARGEBACK…)
    occurred_at: datetime
    dispute: DisputeNotice | None = None
    authorization: AuthorizationNotice | None = None
    payout: PayoutNotice | None = None


class NotificationSource(Protocol):
    """A gateway whose provider posts events to PayHub (capability NOTIFICATIONS)."""

    def read_notifications(self, headers: Mapping[str, str], body: bytes, now: datetime) -> list[Notification]:
        """Verify the request the provider's way, then read it. Raises NotificationRejected (forged, wrong
        secret), NotificationStale (timestamp outside the tolerance) or NotificationInvalid (not the provider's
        format). `headers` are lower-cased names."""
        ...


class SettlementFiles(Protocol):
    """A gateway whose provider's settlement report PayHub imports (capability SETTLEMENT_FILES)."""

    def read_settlement_report(self, source: IO[bytes]) -> Iterator[SettlementLine]:
        """The report's lines, streamed. Raises SettlementFileInvalid naming the line for wrong columns, a
        wrong encoding or a value that does not parse."""
        ...


class DisputeDefense(Protocol):
    """A gateway through which dispute evidence is submitted (capability DISPUTE_EVIDENCE)."""

    def submit_dispute_evidence(self, dispute_reference: str, evidence: Evidence, idempotency_key: str) -> str:
        """Upload the files, set the fields and submit; returns the provider's status after submitting."""
        ...


class Erp(Protocol):
    name: str
    capabilities: frozenset[str]  # of the names above

    def get_customer(self, entity_id: str, customer_id: str) -> Customer: ...

    def get_invoice(self, entity_id: str, invoice_id: str) -> Invoice:
        """Live read; raises InvoiceNotFound."""
        ...

    def list_open_invoices(self, entity_id: str, customer_id: str) -> list[Invoice]: ...

    def post(self, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt:
        """Record a journal entry. Idempotent on `reference_key`: posting twice returns the first receipt."""
        ...

    def find_posting(self, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt | None:
        """The receipt of the entry posted with `reference_key` if the ERP has all of it, else None. Answers
        "does the ERP's balance reflect this posting?" after an attempt whose answer was lost. Optional: a
        connector without it cannot tell, and PayHub then keeps the hold."""
        ...


class CustomerSearch(Erp, Protocol):
    """An ERP that finds customers (capability SEARCH_CUSTOMERS): the virtual terminal's customer look-up."""

    def search_customers(self, entity_id: str, query: str, limit: int) -> list[Customer]:
        """The entity's customers whose name contains `query` or whose number (PayHub's customer id, or the
        ERP's own customer code) contains it, case-insensitively; best matches first (an exact number, then a
        name starting with the query), then by name; at most `limit`. The query is text, never a pattern. An
        empty query lists the entity's customers by name."""
        ...


def search_customers(erp: Erp, entity_id: str, query: str, limit: int) -> list[Customer]:
    """Customers found through the entity's ERP; CapabilityUnsupported when its connector cannot search."""
    if not supports(erp, SEARCH_CUSTOMERS):
        raise CapabilityUnsupported(connector=erp.name, capability=SEARCH_CUSTOMERS)
    return cast(CustomerSearch, erp).search_customers(entity_id, query.strip(), max(1, min(limit, MAX_SEARCH_RESULTS)))


def rank_customers(customers: list[Customer], query: str, limit: int,
                   numbers: dict[str, str] | None = None) -> list[Customer]:
    """The order every connector returns: an exact number first, then names starting with the query, then the
    rest; by name within each group."""
    q = query.strip().lower()

    def key(c: Customer) -> tuple[int, str, str]:
        number = (numbers or {}).get(c.id, "").lower()
        exact = q in (c.id.lower(), number)
        return (0 if exact else 1 if c.name.lower().startswith(q) else 2, c.name.lower(), c.id)

    return sorted(customers, key=key)[:limit]


class LocalErp(Erp, Protocol):
    """An ERP whose ledger lives in PayHub's own database (the embedded one). Bound to the transaction that
    records a payment, it reads what that transaction sees and posts in it, so state, GL lines, ERP entry and
    events commit together, and a transaction never waits on a second connection from the pool."""

    def shares(self, s: Session) -> bool:
        """Whether the ledger is in the database `s` works on (a writer's or a reader's session)."""
        ...

    def within(self, s: Session) -> Erp:
        """This ERP inside `s`'s transaction. The caller holds a savepoint around a `post`, so a refusal
        (ErpRejected) undoes only the ledger's part."""
        ...


class ProvisioningErp(Erp, Protocol):
    """An ERP that sets a new PayHub entity up itself (the embedded ERP: a company and its chart of accounts).
    Optional: `admin.entities` calls it, in the entity's creating transaction, when the ERP has it."""

    def provision_entity(self, s: Session, entity_id: str, name: str, currency: str) -> None: ...
