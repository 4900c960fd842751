"""The one payment pipeline. Every channel (API, widget, portal, terminal, autopay) calls these.

create:  load ERP context → allocate against live balances → ONE transaction: the Idempotency-Key reserved,
         binding pay_…, + the intent (routed, locked) → gateway, keyed pay_…:<gateway>
         → ONE transaction: state + GL lines + outbox event (+ unlock) [+ posting + the key's response] → posting
capture / void / refund: take the payment's lock → finish any pending operation → record the operation
         intent (op_…) → gateway, keyed op_… → ONE transaction: state + GL lines + outbox event → posting

[+ …]: with an ERP whose ledger is in PayHub's database (the embedded one) and no extension hooks, the posting is
booked inside the outcome's transaction (posting.post_within), so a payment is two write transactions in all.
Another ERP (Tryton, over the network) or hooks post after the commit, through the posting pipeline.

Each arrow after an intent is a recovery point: a retry with the same Idempotency-Key, or the recovery worker,
resumes there with the same ids (see pipeline/idempotency.py and pipeline/recovery.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.orm import Session

from payhub import faults
from payhub.domain import fees, level3
from payhub.domain import payments as machine
from payhub.domain.errors import (
    AmountExceedsBalance,
    CapabilityUnsupported,
    CurrencyMismatch,
    CustomerMismatch,
    GatewayError,
    GatewayTimeout,
    InvalidAmount,
    InvalidRequest,
    InvoiceNotOpen,
    LookupUnsupported,
    NotCharged,
    OutsideTokenScope,
    PaymentLocked,
    PaymentNotFound,
    ProcessingError,
    recorded_failure,
)
from payhub.domain.events import EventType
from payhub.domain.invoices import Customer, Invoice, common_metadata
from payhub.domain.ledger import CONVENIENCE_FEE, SURCHARGE, PostingRules, capture_entry, refund_entry
from payhub.domain.level3 import Level3Data
from payhub.domain.methods import BankAccount, Card, CardToken, Method, Payable, PaymentMethod
from payhub.domain.money import Money
from payhub.domain.payments import PaymentStatus
from payhub.domain.routing import RoutingInput
from payhub.ids import new_id
from payhub.pipeline import idempotency, route
from payhub.pipeline import posting as posting_pipeline
from payhub.pipeline.idempotency import Claim
from payhub.pipeline.settle import payment_view_for
from payhub.ports import REFUND_PARTIAL, AuthorizeRequest, Erp, supports
from payhub.services import Services
from payhub.store import repo
from payhub.store.models import Allocation, Payment, PaymentOperation, Posting, Refund
from payhub.vault import tokens as vault
from payhub.views import level3_view, quote_view, refund_view

log = structlog.get_logger(__name__)
IN_FLIGHT_VALUES = tuple(s.value for s in machine.IN_FLIGHT)


@dataclass(frozen=True)
class PayerLimit:
    """What a customer-context token may pay: its customer's invoices (or only these), up to an amount."""

    customer_id: str
    invoice_ids: tuple[str, ...] | None = None
    max_amount: int | None = None
    currency: str | None = None
    channel: str = "widget"  # what its payments record: widget | portal | terminal


@dataclass(frozen=True)
class PaymentRequest:
    entity_id: str
    currency: str | None  # None: the amounts' or the invoices' currency
    method: Payable
    allocations: list[tuple[str, Money | None]]  # (invoice id, amount or None for "what is payable")
    unapplied: Money | None = None
    customer_id: str | None = None
    capture_method: str = "automatic"
    allow_overpayment: bool = False
    channel: str = "api"
    description: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    payer_jurisdiction: str | None = None  # e.g. "US-CA": surcharge caps follow the payer's location
    customer_po: str | None = None  # Level 2: the customer's purchase-order number
    tax_amount: Money | None = None  # Level 2: the sales tax, when given rather than read from the invoices
    limit: PayerLimit | None = None  # set when a customer token pays (widgets, pay links)


@dataclass(frozen=True)
class Outcome:
    """A pipeline result: the payment and the posting this operation produced, if any."""

    payment: Payment
    posting: Posting | None = None
    refund: Refund | None = None

    def refund_view(self) -> dict[str, Any]:
        assert self.refund is not None
        return refund_view(self.refund, self.posting)


# --- create ---
def create_payment(svc: Services, req: PaymentRequest, claim: Claim | None = None) -> Outcome:
    """Phase 1 records the intent under the payment id the idempotency key bound (or a new one); the gateway
    call uses that id as its idempotency key; phase 2 records the outcome. A resumed request (same key,
    after a crash or an unknown outcome) skips what already committed and asks the gateway again with the
    same key, so the gateway answers with the first charge instead of making a second."""
    payment_id = claim.resource_id if claim else new_id("pay")
    row = _find_payment(svc, req.entity_id, payment_id) if claim and claim.resumed else None
    if row is None:
        intent = _record_intent(svc, req, payment_id, claim, svc.erp_for(req.entity_id))
        faults.point("payment.after_intent")
        return _authorize(svc, req.entity_id, payment_id, intent, claim)
    _claim(svc, req.entity_id, payment_id)
    if row.status not in IN_FLIGHT_VALUES:
        return _concluded(svc, req.entity_id, payment_id)
    return _authorize(svc, req.entity_id, payment_id, _intent_of(svc, row, req.method, req.customer_po, req.tax_amount),
                      claim)


@dataclass(frozen=True)
class Intent:
    """The gateway call a recorded intent makes: the same request on every attempt, to the gateways routing chose."""

    request: AuthorizeRequest
    candidates: tuple[str, ...]
    # a fresh intent carries what its transaction wrote and read, so the outcome's need not load them again
    row: Payment | None = None
    rules: PostingRules | None = None


def _intent_of(svc: Services, row: Payment, method: Payable, customer_po: str | None,
               tax_amount: Money | None = None) -> Intent:
    """A resumed intent, rebuilt from what was recorded; a vault token is still this payment's."""
    with svc.read() as s:
        given = _for_gateway(svc, s, row.entity_id, method, vault.describe(s, row.entity_id, method,
                                                                        svc.clock.now(), row.id))
    request = AuthorizeRequest(Money(row.amount, row.currency), given, capture=row.capture_method == "automatic",
                               idempotency_key=row.id, description=row.description,
                               level3=_level3(svc, row, customer_po, tax_amount))
    return Intent(request, tuple(row.gateway_candidates) or (row.gateway,))


def _authorize(svc: Services, entity_id: str, payment_id: str, intent: Intent, claim: Claim | None) -> Outcome:
    candidates, request = intent.candidates, intent.request
    try:
        authorized = route.authorize(candidates, dict(svc.gateways), svc.health, request, svc.clock.now)
    except GatewayTimeout as error:  # the charge may exist: say so, and let a retry or recovery learn it
        _record_unknown(svc, entity_id, payment_id, error)
        raise
    except GatewayError as error:
        _record_failure(svc, payment_id, entity_id, error)
        raise
    except InvalidRequest as error:  # the gateway refused the request itself (unknown token)
        if claim is not None and claim.resumed:  # an earlier attempt may have charged: let the lookup decide
            _record_unknown(svc, entity_id, payment_id, GatewayTimeout(f"A retry was refused: {error.detail}"))
        else:  # nothing happened
            _forget_intent(svc, payment_id)
        raise
    except Exception as error:  # an adapter bug: whether it charged is unknown, so never call it failed
        log.exception("payment.gateway_call_crashed", payment=payment_id)
        _record_unknown(svc, entity_id, payment_id, GatewayTimeout(f"{type(error).__name__} in gateway connector"))
        raise
    faults.point("payment.after_gateway")
    recorded = _record_authorized(svc, entity_id, payment_id, authorized, claim, intent)
    faults.point("payment.after_commit")
    return recorded if isinstance(recorded, Outcome) else _finish(svc, entity_id, payment_id, recorded)


def _record_authorized(svc: Services, entity_id: str, payment_id: str, authorized: route.Authorized,
                       claim: Claim | None, intent: Intent | None = None) -> Outcome | Posting | None:
    """Phase 2, one transaction: the authorization, the capture's GL lines, the event and the lock freed; with
    an ERP in PayHub's database also the ERP entry, its confirmation and the key's response (an Outcome).
    Otherwise returns the posting still to run (None if there is nothing to post)."""
    result = authorized.result
    erp = svc.erp_for(entity_id)  # resolved before the transaction, which then needs no second connection
    with svc.transaction() as s:
        row = _still_in_flight(s, intent.row) if intent and intent.row else None
        row = row or repo.get_payment(s, entity_id, payment_id)
        if row.status not in IN_FLIGHT_VALUES:  # recovery recorded it first
            return next((p for p in reversed(row.postings) if p.status != "confirmed"), None)
        now = svc.clock.now()
        row.gateway, row.gateway_reference = authorized.gateway, result.reference
        row.attempts = list(row.attempts or []) + [a.as_dict() for a in authorized.attempts]
        row.failure_code = row.failure_message = None
        if result.card is not None:
            _store_card(row, result.card.brand, result.card.last4, result.card.exp_month, result.card.exp_year)
        state = machine.authorized(repo.state_of(row))
        posting = None
        if row.capture_method == "automatic":
            state, split = machine.capture(state)
            repo.apply_state(row, state, now)
            rules = intent.rules if intent and intent.rules else _rules(s, row)
            posting = repo.add_posting(s, row, capture_entry(rules, row.customer_id, split, row.id), erp.name, now)
            repo.add_event(s, row.entity_id, EventType.PAYMENT_COMPLETED, payment_view_for(svc, row, posting), now)
        else:
            repo.apply_state(row, state, now)
            repo.add_event(s, row.entity_id, EventType.PAYMENT_AUTHORIZED, payment_view_for(svc, row), now)
        row.locked_until = None
        done = posting is None or posting_pipeline.post_within(svc, s, posting, row, erp)
        if claim is not None:
            if done:
                claim.finish(s, Outcome(row, posting))
            else:
                claim.checkpoint(s, idempotency.STATE_RECORDED)
        faults.point("payment.before_commit")
    return Outcome(row, posting) if done else posting


def _still_in_flight(s: Session, row: Payment) -> Payment | None:
    """The intent's own row, attached to this transaction without loading it again, if nobody decided the
    payment meanwhile (the recovery worker may, once its lock has expired): then it is exactly as written."""
    status = repo.payment_status(s, row.id, lock=True)
    if status not in IN_FLIGHT_VALUES:
        return None
    s.add(row)
    return row


def _concluded(svc: Services, entity_id: str, payment_id: str) -> Outcome:
    """A resumed request whose payment was already decided: finish its posting, give its outcome."""
    with svc.transaction() as s:
        repo.release_payment(s, payment_id)
    with svc.read() as s:
        row = repo.get_payment(s, entity_id, payment_id)
        status, code, message = row.status, row.failure_code, row.failure_message or ""
        unposted = [p for p in row.postings if p.status != "confirmed"]
    if status == PaymentStatus.FAILED.value:
        error = recorded_failure(code, message)
        error.extra["payment"] = payment_id
        raise error
    for posting in unposted:
        posting_pipeline.run(svc, posting)
    with svc.read() as s:
        row = repo.get_payment(s, entity_id, payment_id)
        return Outcome(row, row.postings[-1] if row.postings else None)


def _find_payment(svc: Services, entity_id: str, payment_id: str) -> Payment | None:
    with svc.read() as s:
        try:
            return repo.get_payment(s, entity_id, payment_id)
        except PaymentNotFound:
            return None


def _level3(svc: Services, row: Payment, customer_po: str | None,
            tax_amount: Money | None = None) -> Level3Data | None:
    """The Level 2/3 data as first sent: a replayed gateway call must carry exactly the same parameters."""
    invoices = [svc.erp_for(row.entity_id).get_invoice(row.entity_id, a.invoice_id)
                for a in row.allocations if a.invoice_id and a.invoice_id not in (CONVENIENCE_FEE, SURCHARGE)]
    return level3.from_invoices(invoices, row.currency, customer_po=customer_po, tax_amount=tax_amount)


def _load_invoices(erp: Erp, req: PaymentRequest) -> tuple[list[Invoice], str]:
    ids = [inv for inv, _ in req.allocations]
    if len(set(ids)) != len(ids):
        raise InvalidRequest("An invoice appears twice in allocations", field="allocations")
    if not req.allocations and req.unapplied is None:
        raise InvalidAmount("Pay at least one invoice or an unapplied amount", field="allocations")
    amounts = [m for _, m in req.allocations if m is not None] + ([req.unapplied] if req.unapplied else [])
    for m in amounts:
        if not m.is_positive:
            raise InvalidAmount("Amounts must be greater than zero", field="amount")
    invoices = [erp.get_invoice(req.entity_id, inv) for inv in ids]  # live, never cached
    currency = req.currency or (amounts[0].currency if amounts else invoices[0].total.currency)
    for m in amounts:
        if m.currency != currency:
            raise CurrencyMismatch(f"Amount is in {m.currency}, the payment in {currency}")
    if req.tax_amount is not None and (req.tax_amount.currency != currency or req.tax_amount.amount < 0):
        raise CurrencyMismatch(f"The tax must be an amount of zero or more in {currency}", field="tax_amount")
    for inv in invoices:
        if inv.total.currency != currency:
            raise CurrencyMismatch(f"Invoice {inv.number} is in {inv.total.currency}, the payment in {currency}")
        if not inv.is_open:
            raise InvoiceNotOpen(f"Invoice {inv.number} is {inv.status}", invoice=inv.id)
    return invoices, currency


def _customer_of(erp: Erp, req: PaymentRequest, invoices: list[Invoice]) -> Customer:
    customers = {inv.customer_id for inv in invoices} | ({req.customer_id} if req.customer_id else set())
    if len(customers) > 1:
        raise CustomerMismatch("All invoices must belong to the paying customer")
    if not customers:
        raise InvalidRequest("customer is required for an unapplied payment", field="customer")
    return erp.get_customer(req.entity_id, customers.pop())  # raises CustomerNotFound


@dataclass(frozen=True)
class Plan:
    """What a payment would be, read live: invoices, customer, buckets (fees first), fee quote, Level 2/3."""

    invoices: list[Invoice]
    currency: str
    customer: Customer
    buckets: list[machine.Bucket]
    quote: fees.FeeQuote
    level3: Level3Data | None
    method: vault.Described  # what routing, fees and the record see of the payment method


def _plan(svc: Services, s: Session, req: PaymentRequest, erp: Erp, payment_id: str | None = None) -> Plan:
    """Allocate against live ERP balances less what PayHub already holds, then evaluate the entity's fee
    policy. Holds are read before the ERP: a posting confirmed in between then counts twice (we
    under-offer, safely) and never not at all (which could overpay an invoice)."""
    erp = posting_pipeline.erp_within(erp, s)  # the embedded ERP reads inside this transaction
    described = vault.describe(s, req.entity_id, req.method, svc.clock.now(), payment_id)
    held = posting_pipeline.held_amounts(svc, s, req.entity_id, [inv for inv, _ in req.allocations], erp)
    invoices, currency = _load_invoices(erp, req)
    customer = _customer_of(erp, req, invoices)
    vault.check_customer(described, customer.id)
    buckets: list[machine.Bucket] = []
    excess = 0
    for inv, (_, asked) in zip(invoices, req.allocations, strict=True):
        payable = inv.balance.amount - held.get(inv.id, 0)
        if payable <= 0:
            raise InvoiceNotOpen(f"Invoice {inv.number} has nothing left to pay", invoice=inv.id)
        amount = payable if asked is None else asked.amount
        if amount > payable:
            if not req.allow_overpayment:
                raise AmountExceedsBalance(
                    f"Invoice {inv.number} has {Money(payable, currency)} payable; "
                    f"asked {Money(amount, currency)}. Set allow_overpayment to credit the excess.",
                    invoice=inv.id, payable=payable)
            excess += amount - payable
            amount = payable
        buckets.append(machine.Bucket(inv.id, amount))
    unapplied = (req.unapplied.amount if req.unapplied else 0) + excess
    if unapplied:
        buckets.append(machine.Bucket(None, unapplied))
    if req.limit is not None:
        _check_limit(req.limit, customer, buckets, currency)
    card = described.card
    quote = fees.evaluate(repo.fee_policy(s, req.entity_id), fees.FeeContext(
        Money(sum(b.amount for b in buckets), currency), described.method, req.channel,
        card_funding=card.funding if card else None, card_brand=card.brand if card else None,
        card_country=card.country if card else None, jurisdiction=req.payer_jurisdiction,
        segment=customer.segment))
    # Fee buckets first; how a partial capture or a refund shares itself between fees and invoices is the
    # entity's capture_fee_allocation (domain/payments.py).
    charged = [machine.Bucket(key, fee.amount) for key, fee in ((CONVENIENCE_FEE, quote.convenience_fee),
                                                                 (SURCHARGE, quote.surcharge)) if fee.is_positive]
    return Plan(invoices, currency, customer, charged + buckets, quote,
                level3.from_invoices(invoices, currency, customer_po=req.customer_po, tax_amount=req.tax_amount),
                described)


def _check_limit(limit: PayerLimit, customer: Customer, buckets: list[machine.Bucket], currency: str) -> None:
    if customer.id != limit.customer_id:
        raise OutsideTokenScope("This token pays for another customer")
    if limit.invoice_ids is not None:
        outside = [b.invoice_id for b in buckets if b.invoice_id not in limit.invoice_ids]
        if outside:
            raise OutsideTokenScope("This token can pay only its invoices" + (
                "" if all(outside) else ", not unapplied cash"), invoices=[i for i in outside if i])
    total = sum(b.amount for b in buckets)
    if limit.max_amount is not None and (total > limit.max_amount or currency != limit.currency):
        raise OutsideTokenScope(f"This token can pay at most {Money(limit.max_amount, limit.currency or currency)}")


def quote_payment(svc: Services, req: PaymentRequest) -> fees.FeeQuote:
    """The fees and surcharge a payment would carry, so a UI can show them first. Writes nothing."""
    erp = svc.erp_for(req.entity_id)
    with svc.read() as s:
        return _plan(svc, s, req, erp).quote


def _record_intent(svc: Services, req: PaymentRequest, payment_id: str, claim: Claim | None, erp: Erp) -> Intent:
    """Phase 1: record the planned payment as `processing`, routed and locked, before calling the gateway,
    so a concurrent payment sees the hold and a crash leaves an intent that a retry or recovery resumes."""
    with svc.transaction() as s:
        repo.lock_invoices(s, [inv for inv, _ in req.allocations])
        plan = _plan(svc, s, req, erp, payment_id)
        currency, customer, buckets, described = plan.currency, plan.customer, plan.buckets, plan.method
        state = machine.new_payment(currency, buckets)
        entity = repo.settings_of(s, req.entity_id)
        card = described.card
        decision = route.decide(
            route.current_rules(s, entity, dict(svc.gateways)),
            RoutingInput(payment_key=payment_id, amount=state.amount.amount, currency=currency,
                         method=described.method, channel=req.channel,
                         card_brand=card.brand if card else None, card_bin=card.bin if card else None,
                         card_country=card.country if card else None, customer_id=customer.id,
                         customer_segment=customer.segment, customer_metadata=customer.metadata,
                         invoice_metadata=common_metadata(plan.invoices)),
            dict(svc.gateways), svc.health, svc.rng)
        if not decision.candidates:
            raise route.AllGatewaysFailed("No configured gateway can take this payment: " + "; ".join(decision.reasons))
        now = svc.clock.now()
        payment = Payment(
            id=payment_id, routing_version=decision.version, routing_rule=decision.rule, attempts=[],
            routing_reasons=list(decision.reasons),
            entity_id=req.entity_id, customer_id=customer.id, customer_name=customer.name,
            customer_email=customer.email, status=state.status.value,
            currency=currency, amount=state.amount.amount, amount_captured=0, amount_refunded=0,
            capture_method=req.capture_method, channel=req.channel, gateway=decision.candidates[0],
            description=req.description, metadata_=req.metadata, created_at=now, updated_at=now,
            method_type=described.method, fees=quote_view(plan.quote), vault_token=described.token_id,
            payment_method_id=described.payment_method_id,
            level3=level3_view(plan.level3) if plan.level3 else None,
            gateway_candidates=list(decision.candidates), locked_until=now + svc.payment_lock)
        if card is not None:
            _store_card(payment, card.brand, card.last4, card.exp_month, card.exp_year)
        elif described.method == Method.ACH:
            payment.bank_last4, payment.bank_account_type = described.bank_last4, described.account_type
        payment.allocations = [Allocation(position=i, invoice_id=b.invoice_id, amount=b.amount, amount_captured=0,
                                          amount_refunded=0, amount_posted=0) for i, b in enumerate(buckets)]
        payment.postings, payment.refunds = [], []
        s.add(payment)
        vault.take(s, described, payment_id, now)
        given = _for_gateway(svc, s, req.entity_id, req.method, described)
        if claim is not None:
            claim.checkpoint(s, idempotency.INTENT_RECORDED)
    request = AuthorizeRequest(state.amount, given, capture=req.capture_method == "automatic",
                               idempotency_key=payment_id, description=req.description, level3=plan.level3)
    return Intent(request, tuple(decision.candidates), payment, entity.posting_rules)


def _for_gateway(svc: Services, s: Session, entity_id: str, method: Payable, described: vault.Described
                 ) -> PaymentMethod:
    """What the gateway is given: the card or account a vault token stands for, revealed for this call only."""
    revealed = vault.reveal(s, svc.vault, entity_id, described)
    if revealed is not None:
        return revealed
    assert isinstance(method, Card | CardToken | BankAccount)  # describe() resolved every other kind
    return method


def _forget_intent(svc: Services, payment_id: str) -> None:
    with svc.transaction() as s:
        repo.delete_payment(s, payment_id)
        vault.release(s, payment_id)  # nothing was charged: the token may pay again


def _store_card(p: Payment, brand: str, last4: str, exp_month: int, exp_year: int) -> None:
    p.card_brand, p.card_last4, p.card_exp_month, p.card_exp_year = brand, last4, exp_month, exp_year


def _record_failure(svc: Services, payment_id: str, entity_id: str, error: GatewayError) -> None:
    _record_unpaid(svc, entity_id, payment_id, error, machine.fail, EventType.PAYMENT_FAILED)


def _record_unknown(svc: Services, entity_id: str, payment_id: str, error: GatewayError) -> None:
    """No answer: the charge may or may not exist. The payment keeps its hold as `unknown` until a retry with
    the same key or the recovery worker asks the gateway again; it is never reported as failed."""
    _record_unpaid(svc, entity_id, payment_id, error, machine.unknown, None)
    error.extra["payment_status"] = PaymentStatus.UNKNOWN.value


def _record_unpaid(svc: Services, entity_id: str, payment_id: str, error: GatewayError,
                   transition: Callable[[machine.PaymentState], machine.PaymentState], event: str | None) -> None:
    """Record a gateway call that brought no (known) charge, unless a retry or recovery decided it first."""
    with svc.transaction() as s:
        row = repo.get_payment(s, entity_id, payment_id)
        now = svc.clock.now()
        if row.status in IN_FLIGHT_VALUES:
            attempts = error.extra.get("attempts", [])
            row.attempts = list(row.attempts or []) + (list(attempts) if isinstance(attempts, list) else [])
            repo.apply_state(row, transition(repo.state_of(row)), now)
            row.failure_code, row.failure_message, row.locked_until = error.code, error.detail, None
            if event is not None:
                repo.add_event(s, entity_id, event, payment_view_for(svc, row), now)
    error.extra["payment"] = payment_id  # recorded: the API shows which payment


def recover_payment(svc: Services, entity_id: str, payment_id: str) -> str:
    """The recovery worker's way in for a payment left `processing` or `unknown`: ask each gateway routing
    chose what became of the payment's key there. A charge found is recorded as if the first call had
    answered; none anywhere fails the payment (nothing was charged, the hold is released); a gateway that
    cannot tell leaves it `unknown` for a person. Returns the outcome. Raises PaymentLocked when busy."""
    _claim(svc, entity_id, payment_id, wait=False)
    try:
        with svc.read() as s:
            row = repo.get_payment(s, entity_id, payment_id)
            status, candidates = row.status, tuple(row.gateway_candidates) or (row.gateway,)
        if status not in IN_FLIGHT_VALUES:
            return "already_final"
        undecided: list[str] = []
        for name in candidates:
            gateway = svc.gateways.get(name)
            try:
                if gateway is None:
                    raise LookupUnsupported(f"Gateway {name!r} is no longer configured")
                result = gateway.find_charge(f"{payment_id}:{name}")
            except GatewayError as error:  # cannot tell (unsupported, unreachable, still processing)
                undecided.append(f"{name}: {error.code}")
                continue
            if result is not None:
                found = route.Authorized(name, result, [route.Attempt(name, "approved", 0, "Recovered", "recovered")])
                recorded = _record_authorized(svc, entity_id, payment_id, found, None)
                if not isinstance(recorded, Outcome):
                    _finish(svc, entity_id, payment_id, recorded)
                return "completed"
        if undecided:
            still = GatewayTimeout("Outcome still unknown: " + "; ".join(undecided))
            _record_unknown(svc, entity_id, payment_id, still)
            return "unresolved"
        _record_failure(svc, payment_id, entity_id, NotCharged(
            "The payment's gateway call never completed and no gateway holds a charge for it"))
        return "failed"
    finally:
        with svc.transaction() as s:
            repo.release_payment(s, payment_id)


# --- capture / void / refund ---
# Each is an operation: its intent (a payment_operations row, whose id is the gateway's idempotency key) is
# written before the gateway call, under the payment's lock. The outcome, the GL lines and the event are then
# written in one transaction. A crash or a failure in between leaves a pending operation, which the next
# operation on the payment, a retry with the same Idempotency-Key, or the recovery worker completes by replaying
# the same call: the gateway answers with what it did the first time.
def capture_payment(svc: Services, entity_id: str, payment_id: str, amount: Money | None,
                    claim: Claim | None = None) -> Outcome:
    def plan(state: machine.PaymentState) -> tuple[int | None, machine.Split]:
        _, split = machine.capture(state, amount)
        return sum(m.amount for _, m in split), split

    return _operate(svc, entity_id, payment_id, "capture", plan, claim)


def void_payment(svc: Services, entity_id: str, payment_id: str, claim: Claim | None = None) -> Outcome:
    def plan(state: machine.PaymentState) -> tuple[int | None, machine.Split]:
        machine.void(state)
        return None, []

    return _operate(svc, entity_id, payment_id, "void", plan, claim)


def refund_payment(svc: Services, entity_id: str, payment_id: str, amount: Money | None,
                   reason: str = "", claim: Claim | None = None) -> Outcome:
    def plan(state: machine.PaymentState) -> tuple[int | None, machine.Split]:
        _, split = machine.refund(state, state.refundable if amount is None else amount)
        return sum(m.amount for _, m in split), split

    return _operate(svc, entity_id, payment_id, "refund", plan, claim, reason)


# what an operation would do to the payment as it stands: (its amount, how it splits over the buckets)
OperationPlan = Callable[[machine.PaymentState], tuple[int | None, machine.Split]]


def _operate(svc: Services, entity_id: str, payment_id: str, kind: str, plan: OperationPlan, claim: Claim | None,
             reason: str = "") -> Outcome:
    op_id = claim.resource_id if claim else new_id("op")
    with _locked(svc, entity_id, payment_id):
        op = _find_operation(svc, op_id)
        for pending in _pending_operations(svc, payment_id):  # finish what a crash left before judging anew
            if pending.id == op_id:
                continue
            if op is None and pending.kind == kind != "refund":  # a payment is captured or voided once:
                op = pending  # a retry continues the first attempt
                continue
            _complete_operation(svc, pending)
        if op is None:
            op = _record_operation(svc, entity_id, payment_id, kind, plan, op_id, claim, reason)
            faults.point(f"{kind}.after_intent")
        elif op.status != "pending":
            return _operation_outcome(svc, op)
        return _complete_operation(svc, op, claim)


def recover_operation(svc: Services, op: PaymentOperation) -> Outcome | None:
    """The recovery worker's way in: replay a pending operation under the payment's lock (None: done already).
    Raises PaymentLocked when a live request holds the payment."""
    with _locked(svc, op.entity_id, op.payment_id, wait=False):
        current = _find_operation(svc, op.id)
        if current is None or current.status != "pending":
            return None
        return _complete_operation(svc, current)


def _record_operation(svc: Services, entity_id: str, payment_id: str, kind: str, plan: OperationPlan, op_id: str,
                      claim: Claim | None, reason: str) -> PaymentOperation:
    """The intent, written before the gateway call. Whatever cannot be stored fails here, before money moves."""
    with svc.transaction() as s:
        row = repo.get_payment(s, entity_id, payment_id)
        state = repo.state_of(row)
        amount, split = plan(state)
        if kind == "refund" and amount != state.refundable.amount:
            _require(svc, row.gateway, REFUND_PARTIAL)
        now = svc.clock.now()
        op = PaymentOperation(id=op_id, entity_id=entity_id, payment_id=payment_id, kind=kind, status="pending",
                              amount=amount, currency=row.currency, split=[[k, m.amount] for k, m in split],
                              refund_id=new_id("rfd") if kind == "refund" else None, reason=reason,
                              attempts=0, created_at=now, updated_at=now)
        s.add(op)
        if claim is not None:
            claim.checkpoint(s, idempotency.INTENT_RECORDED)
    return op


def _require(svc: Services, gateway_name: str, capability: str) -> None:
    """Refuse before any intent is written when the payment's gateway cannot do this: it would only fail there."""
    gateway = svc.gateways.get(gateway_name)
    if gateway is not None and not supports(gateway, capability):
        raise CapabilityUnsupported(connector=gateway_name, capability=capability)


def _complete_operation(svc: Services, op: PaymentOperation, claim: Claim | None = None) -> Outcome:
    with svc.read() as s:
        row = repo.get_payment(s, op.entity_id, op.payment_id)
        reference = row.gateway_reference or ""
        gateway = svc.gateways.get(row.gateway)
    if gateway is None:
        raise ProcessingError(f"Gateway {row.gateway!r}, which authorized this payment, is not configured")
    try:
        if op.kind == "capture":
            result = gateway.capture(reference, Money(op.amount or 0, op.currency), op.id)
        elif op.kind == "void":
            result = gateway.void(reference, op.id)
        else:
            result = gateway.refund(reference, Money(op.amount or 0, op.currency), op.id)
    except GatewayError as error:
        _operation_failed(svc, op, error)
        raise
    faults.point(f"{op.kind}.after_gateway")
    erp = svc.erp_for(op.entity_id)  # resolved before the transaction, which then needs no second connection

    def write(s: Session, row: Payment, op: PaymentOperation) -> Outcome | tuple[Posting, Refund | None]:
        now = svc.clock.now()
        current = repo.state_of(row)
        posting = refund = None
        split = [(key, Money(amount, op.currency)) for key, amount in op.split]  # as the gateway was asked
        if op.kind == "capture":
            state = machine.replay(current, "capture", split)
            repo.apply_state(row, state, now)
            posting = repo.add_posting(s, row, capture_entry(_rules(s, row), row.customer_id, split, row.id),
                                       erp.name, now)
            repo.add_event(s, row.entity_id, EventType.PAYMENT_COMPLETED, payment_view_for(svc, row, posting), now)
        elif op.kind == "void":
            repo.apply_state(row, machine.void(current), now)
            repo.add_event(s, row.entity_id, EventType.PAYMENT_VOIDED, payment_view_for(svc, row), now)
        else:
            state = machine.replay(current, "refund", split)
            repo.apply_state(row, state, now)
            refund = Refund(id=op.refund_id, entity_id=row.entity_id, payment_id=row.id, amount=op.amount,
                            currency=row.currency, status="succeeded", reason=op.reason,
                            gateway_reference=result.reference, created_at=now)
            s.add(refund)
            row.refunds.append(refund)
            posting = repo.add_posting(s, row, refund_entry(_rules(s, row), row.customer_id, split, refund.id),
                                       erp.name, now, refund)
            repo.add_event(s, row.entity_id, EventType.PAYMENT_REFUNDED,
                           {**refund_view(refund, posting), "payment": payment_view_for(svc, row)}, now)
        op.status, op.gateway_reference, op.completed_at, op.updated_at = "succeeded", result.reference, now, now
        op.attempts += 1
        done = posting is None or posting_pipeline.post_within(svc, s, posting, row, erp)
        if claim is not None:
            if done:
                claim.finish(s, Outcome(row, posting, refund))
            else:
                claim.checkpoint(s, idempotency.STATE_RECORDED)
        faults.point(f"{op.kind}.before_commit")
        if done:
            return Outcome(row, posting, refund)
        assert posting is not None
        return posting, refund

    with svc.transaction() as s:
        current_op = repo.get_operation(s, op.id, lock=True)
        assert current_op is not None
        if current_op.status != "pending":  # completed concurrently (recovery): nothing more to write
            return _operation_outcome(svc, current_op)
        written = write(s, repo.get_payment(s, op.entity_id, op.payment_id), current_op)
    faults.point(f"{op.kind}.after_commit")
    if isinstance(written, Outcome):
        return written
    posting, refund = written
    outcome = _finish(svc, op.entity_id, op.payment_id, posting)
    if refund is not None:
        return Outcome(outcome.payment, outcome.posting, next(r for r in outcome.payment.refunds if r.id == refund.id))
    return outcome


def _operation_failed(svc: Services, op: PaymentOperation, error: GatewayError) -> None:
    """A refusal ends the operation; an unknown outcome (timeout, unreadable answer) leaves it pending, to be
    replayed with the same key by the next operation on the payment, a retry or the recovery worker."""
    with svc.transaction() as s:
        row = repo.get_operation(s, op.id, lock=True)
        if row is None or row.status != "pending":
            return
        now = svc.clock.now()
        row.attempts += 1
        row.error_code, row.error, row.updated_at = error.code, error.detail, now
        if not isinstance(error, GatewayTimeout):
            row.status, row.completed_at = "failed", now
    error.extra["operation"] = op.id


def _operation_outcome(svc: Services, op: PaymentOperation) -> Outcome:
    """What a finished operation produced, for a request that resumes it after it completed."""
    if op.status == "failed":
        error = recorded_failure(op.error_code, op.error or "")
        error.extra["operation"] = op.id
        raise error
    with svc.read() as s:
        row = repo.get_payment(s, op.entity_id, op.payment_id)
        refund = next((r for r in row.refunds if r.id == op.refund_id), None) if op.refund_id else None
        posting = next((p for p in row.postings if (p.refund_id == op.refund_id if refund else p.kind == "capture")),
                       None) if op.kind != "void" else None
    if posting is not None and posting.status != "confirmed":  # the crash came before the ERP call
        outcome = _finish(svc, op.entity_id, op.payment_id, posting)
        row = outcome.payment
        refund = next((r for r in row.refunds if r.id == op.refund_id), None) if op.refund_id else None
        return Outcome(row, outcome.posting, refund)
    return Outcome(row, posting, refund)


def _find_operation(svc: Services, op_id: str) -> PaymentOperation | None:
    with svc.read() as s:
        return repo.find_operation(s, op_id)


def _pending_operations(svc: Services, payment_id: str) -> list[PaymentOperation]:
    with svc.read() as s:
        return list(repo.pending_operations(s, payment_id))


def _claim(svc: Services, entity_id: str, payment_id: str, wait: bool = True) -> None:
    """Take the payment's lock, waiting a little (if `wait`) for a concurrent operation to finish."""
    deadline = time.monotonic() + (svc.lock_wait_s if wait else 0)
    pause = 0.005
    while True:
        with svc.transaction() as s:
            now = svc.clock.now()
            claimed = repo.claim_payment(s, entity_id, payment_id, now, now + svc.payment_lock)
            repo.get_payment(s, entity_id, payment_id)  # 404 rather than waiting on a lock
            if claimed:
                return
        if time.monotonic() >= deadline:
            raise PaymentLocked("Another operation on this payment is still running; retry shortly")
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


@contextmanager
def _locked(svc: Services, entity_id: str, payment_id: str, wait: bool = True) -> Iterator[None]:
    """Hold the payment's lock for one operation, gateway call included, without holding a database
    transaction open across the network call. A crash leaves the lock to expire."""
    _claim(svc, entity_id, payment_id, wait)
    try:
        yield
    finally:
        with svc.transaction() as s:
            repo.release_payment(s, payment_id)


def _rules(s: Session, row: Payment) -> PostingRules:
    return repo.settings_of(s, row.entity_id).posting_rules


def _finish(svc: Services, entity_id: str, payment_id: str, posting: Posting | None) -> Outcome:
    if posting is not None:
        posted = posting_pipeline.run(svc, posting)
        assert posted.payment is not None  # a capture's or a refund's posting
        return Outcome(posted.payment, posted.posting)
    with svc.read() as s:
        return Outcome(repo.get_payment(s, entity_id, payment_id), None)
