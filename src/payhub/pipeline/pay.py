"""The one payment pipeline. Every channel (API, widget, portal, terminal, autopay) calls these.

create:  load ERP context → allocate against live balances → record intent → gateway
         → ONE transaction: state + GL lines + outbox event → posting
capture / void / refund: take the payment's lock → domain transition → gateway
         → ONE transaction: state + GL lines + outbox event (+ unlock) → posting
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from payhub.domain import fees, level3
from payhub.domain import payments as machine
from payhub.domain.errors import (
    AmountExceedsBalance,
    CurrencyMismatch,
    CustomerMismatch,
    GatewayError,
    InvalidAmount,
    InvalidRequest,
    InvoiceNotOpen,
    OutsideTokenScope,
    PaymentLocked,
    ProcessingError,
)
from payhub.domain.events import EventType
from payhub.domain.invoices import Customer, Invoice
from payhub.domain.ledger import CONVENIENCE_FEE, SURCHARGE, PostingRules, capture_entry, refund_entry
from payhub.domain.level3 import Level3Data
from payhub.domain.methods import BankAccount, Card, CardSummary, PaymentMethod
from payhub.domain.money import Money
from payhub.domain.routing import Decision, RoutingInput
from payhub.ids import new_id
from payhub.pipeline import posting as posting_pipeline
from payhub.pipeline import route
from payhub.pipeline.services import Services
from payhub.ports import AuthorizeRequest, Gateway
from payhub.store import repo
from payhub.store.models import Allocation, Payment, Posting, Refund
from payhub.store.views import level3_view, payment_view, quote_view, refund_view

T = TypeVar("T")


@dataclass(frozen=True)
class PayerLimit:
    """What a customer-context token may pay: its customer's invoices (or only these), up to an amount."""

    customer_id: str
    invoice_ids: tuple[str, ...] | None = None
    max_amount: int | None = None
    currency: str | None = None


@dataclass(frozen=True)
class PaymentRequest:
    entity_id: str
    currency: str | None  # None: the amounts' or the invoices' currency
    method: PaymentMethod
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
    limit: PayerLimit | None = None  # set when a customer token pays (widgets, pay links)


@dataclass(frozen=True)
class Outcome:
    """A pipeline result: the payment and the posting this operation produced, if any."""

    payment: Payment
    posting: Posting | None = None
    refund: Refund | None = None

    def payment_view(self) -> dict[str, Any]:
        return payment_view(self.payment, self.posting)

    def refund_view(self) -> dict[str, Any]:
        assert self.refund is not None
        return refund_view(self.refund, self.posting)


# --- create ---
def create_payment(svc: Services, req: PaymentRequest) -> Outcome:
    payment, decision, level3 = _record_intent(svc, req)
    currency = payment.currency
    request = AuthorizeRequest(Money(payment.amount, currency), req.method, capture=req.capture_method == "automatic",
                               idempotency_key=payment.id, description=req.description, level3=level3)
    try:
        authorized = route.authorize(decision.candidates, dict(svc.gateways), svc.health, request, svc.clock.now)
    except GatewayError as error:
        _record_failure(svc, payment.id, req.entity_id, error)
        raise
    except InvalidRequest:  # the gateway refused the request itself (unknown token): nothing happened
        _forget_intent(svc, payment.id)
        raise
    except Exception as error:  # an adapter bug must not strand the intent in "processing"
        _record_failure(svc, payment.id, req.entity_id, GatewayError(f"{type(error).__name__}"))
        raise
    result = authorized.result

    with svc.transaction() as s:
        row = repo.get_payment(s, req.entity_id, payment.id)
        now = svc.clock.now()
        row.gateway, row.gateway_reference = authorized.gateway, result.reference
        row.attempts = [a.as_dict() for a in authorized.attempts]
        if result.card is not None:
            _store_card(row, result.card.brand, result.card.last4, result.card.exp_month, result.card.exp_year)
        state = machine.authorized(repo.state_of(row))
        posting = None
        if req.capture_method == "automatic":
            state, split = machine.capture(state)
            repo.apply_state(row, state, now)
            posting = repo.add_posting(s, row, capture_entry(_rules(s, row), row.customer_id, split, row.id),
                                       svc.erp_for(row.entity_id).name, now)
            repo.add_event(s, row.entity_id, EventType.PAYMENT_COMPLETED, payment_view(row, posting), now)
        else:
            repo.apply_state(row, state, now)
            repo.add_event(s, row.entity_id, EventType.PAYMENT_AUTHORIZED, payment_view(row), now)
    return _finish(svc, req.entity_id, row.id, posting)


def _load_invoices(svc: Services, req: PaymentRequest) -> tuple[list[Invoice], str]:
    ids = [inv for inv, _ in req.allocations]
    if len(set(ids)) != len(ids):
        raise InvalidRequest("An invoice appears twice in allocations", field="allocations")
    if not req.allocations and req.unapplied is None:
        raise InvalidAmount("Pay at least one invoice or an unapplied amount", field="allocations")
    amounts = [m for _, m in req.allocations if m is not None] + ([req.unapplied] if req.unapplied else [])
    for m in amounts:
        if not m.is_positive:
            raise InvalidAmount("Amounts must be greater than zero", field="amount")
    erp = svc.erp_for(req.entity_id)
    invoices = [erp.get_invoice(req.entity_id, inv) for inv in ids]  # live, never cached
    currency = req.currency or (amounts[0].currency if amounts else invoices[0].total.currency)
    for m in amounts:
        if m.currency != currency:
            raise CurrencyMismatch(f"Amount is in {m.currency}, the payment in {currency}")
    for inv in invoices:
        if inv.total.currency != currency:
            raise CurrencyMismatch(f"Invoice {inv.number} is in {inv.total.currency}, the payment in {currency}")
        if not inv.is_open:
            raise InvoiceNotOpen(f"Invoice {inv.number} is {inv.status}", invoice=inv.id)
    return invoices, currency


def _customer_of(svc: Services, req: PaymentRequest, invoices: list[Invoice]) -> Customer:
    customers = {inv.customer_id for inv in invoices} | ({req.customer_id} if req.customer_id else set())
    if len(customers) > 1:
        raise CustomerMismatch("All invoices must belong to the paying customer")
    if not customers:
        raise InvalidRequest("customer is required for an unapplied payment", field="customer")
    return svc.erp_for(req.entity_id).get_customer(req.entity_id, customers.pop())  # raises CustomerNotFound


@dataclass(frozen=True)
class Plan:
    """What a payment would be, read live: invoices, customer, buckets (fees first), fee quote, Level 2/3."""

    invoices: list[Invoice]
    currency: str
    customer: Customer
    buckets: list[machine.Bucket]
    quote: fees.FeeQuote
    level3: Level3Data | None


def _plan(svc: Services, s: Session, req: PaymentRequest) -> Plan:
    """Allocate against live ERP balances less what PayHub already holds, then evaluate the entity's fee
    policy. Holds are read before the ERP: a posting confirmed in between then counts twice (we
    under-offer, safely) and never not at all (which could overpay an invoice)."""
    held = repo.held_amounts(s, [inv for inv, _ in req.allocations])
    invoices, currency = _load_invoices(svc, req)
    customer = _customer_of(svc, req, invoices)
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
    card = _card_summary(req.method)
    quote = fees.evaluate(repo.fee_policy(s, req.entity_id), fees.FeeContext(
        Money(sum(b.amount for b in buckets), currency), _method(req.method), req.channel,
        card_funding=card.funding if card else None, card_brand=card.brand if card else None,
        card_country=card.country if card else None, jurisdiction=req.payer_jurisdiction,
        segment=customer.segment))
    # Fees come first, so that any capture collects them; refunds reach them last.
    charged = [machine.Bucket(key, fee.amount) for key, fee in ((CONVENIENCE_FEE, quote.convenience_fee),
                                                                 (SURCHARGE, quote.surcharge)) if fee.is_positive]
    return Plan(invoices, currency, customer, charged + buckets, quote,
                level3.from_invoices(invoices, currency, customer_po=req.customer_po))


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
    with svc.read() as s:
        return _plan(svc, s, req).quote


def _record_intent(svc: Services, req: PaymentRequest) -> tuple[Payment, Decision, Level3Data | None]:
    """Record the planned payment as `processing` before calling the gateway, so a concurrent payment
    sees the hold; route it."""
    with svc.transaction() as s:
        repo.lock_invoices(s, [inv for inv, _ in req.allocations])
        plan = _plan(svc, s, req)
        currency, customer, buckets = plan.currency, plan.customer, plan.buckets
        state = machine.new_payment(currency, buckets)
        entity = repo.get_entity(s, req.entity_id)
        payment_id = new_id("pay")
        card = _card_summary(req.method)
        decision = route.decide(
            route.current_rules(s, entity, dict(svc.gateways)),
            RoutingInput(payment_key=payment_id, amount=state.amount.amount, currency=currency,
                         method=_method(req.method), channel=req.channel,
                         card_brand=card.brand if card else None, card_bin=card.bin if card else None,
                         card_country=card.country if card else None, customer_id=customer.id,
                         customer_segment=customer.segment, customer_metadata=req.metadata),
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
            method_type=_method(req.method), fees=quote_view(plan.quote),
            level3=level3_view(plan.level3) if plan.level3 else None)
        if card is not None:
            _store_card(payment, card.brand, card.last4, card.exp_month, card.exp_year)
        elif isinstance(req.method, BankAccount):
            payment.bank_last4, payment.bank_account_type = req.method.last4, req.method.account_type
        payment.allocations = [Allocation(position=i, invoice_id=b.invoice_id, amount=b.amount, amount_captured=0,
                                          amount_refunded=0, amount_posted=0) for i, b in enumerate(buckets)]
        s.add(payment)
    return payment, decision, plan.level3


def _method(method: PaymentMethod) -> str:
    return "ach" if isinstance(method, BankAccount) else "card"


def _card_summary(method: PaymentMethod) -> CardSummary | None:
    return method.summary if isinstance(method, Card) else None


def _forget_intent(svc: Services, payment_id: str) -> None:
    with svc.transaction() as s:
        row = s.get(Payment, payment_id)
        if row is not None:
            s.delete(row)


def _store_card(p: Payment, brand: str, last4: str, exp_month: int, exp_year: int) -> None:
    p.card_brand, p.card_last4, p.card_exp_month, p.card_exp_year = brand, last4, exp_month, exp_year


def _record_failure(svc: Services, payment_id: str, entity_id: str, error: GatewayError) -> None:
    with svc.transaction() as s:
        row = repo.get_payment(s, entity_id, payment_id)
        now = svc.clock.now()
        attempts = error.extra.get("attempts", [])
        row.attempts = list(attempts) if isinstance(attempts, list) else []
        repo.apply_state(row, machine.fail(repo.state_of(row)), now)
        row.failure_code, row.failure_message = error.code, error.detail
        repo.add_event(s, entity_id, EventType.PAYMENT_FAILED, payment_view(row), now)
    error.extra["payment"] = payment_id  # the failure is recorded: the API shows which payment


# --- capture / void / refund ---
def capture_payment(svc: Services, entity_id: str, payment_id: str, amount: Money | None) -> Outcome:
    with _operation(svc, entity_id, payment_id) as (row, gateway):
        state, split = machine.capture(repo.state_of(row), amount)
        captured = Money(sum(m.amount for _, m in split), row.currency)
        gateway.capture(row.gateway_reference or "", captured, f"{row.id}:capture")

        def write(s: Session, row: Payment) -> Posting:
            now = svc.clock.now()
            repo.apply_state(row, state, now)
            posting = repo.add_posting(s, row, capture_entry(_rules(s, row), row.customer_id, split, row.id),
                                       svc.erp_for(row.entity_id).name, now)
            repo.add_event(s, entity_id, EventType.PAYMENT_COMPLETED, payment_view(row, posting), now)
            return posting

        posting = _commit(svc, entity_id, payment_id, write)
    return _finish(svc, entity_id, payment_id, posting)


def void_payment(svc: Services, entity_id: str, payment_id: str) -> Outcome:
    with _operation(svc, entity_id, payment_id) as (row, gateway):
        state = machine.void(repo.state_of(row))
        gateway.void(row.gateway_reference or "", f"{row.id}:void")

        def write(s: Session, row: Payment) -> None:
            now = svc.clock.now()
            repo.apply_state(row, state, now)
            repo.add_event(s, entity_id, EventType.PAYMENT_VOIDED, payment_view(row), now)

        _commit(svc, entity_id, payment_id, write)
    return _finish(svc, entity_id, payment_id, None)


def refund_payment(svc: Services, entity_id: str, payment_id: str, amount: Money | None,
                   reason: str = "") -> Outcome:
    with _operation(svc, entity_id, payment_id) as (row, gateway):
        current = repo.state_of(row)
        state, split = machine.refund(current, current.refundable if amount is None else amount)
        refunded = Money(sum(m.amount for _, m in split), row.currency)
        refund_id = new_id("rfd")
        result = gateway.refund(row.gateway_reference or "", refunded, refund_id)

        def write(s: Session, row: Payment) -> tuple[Refund, Posting]:
            now = svc.clock.now()
            repo.apply_state(row, state, now)
            refund = Refund(id=refund_id, entity_id=entity_id, payment_id=row.id, amount=refunded.amount,
                            currency=row.currency, status="succeeded", reason=reason,
                            gateway_reference=result.reference, created_at=now)
            s.add(refund)
            row.refunds.append(refund)
            posting = repo.add_posting(s, row, refund_entry(_rules(s, row), row.customer_id, split, refund_id),
                                       svc.erp_for(row.entity_id).name, now, refund)
            repo.add_event(s, entity_id, EventType.PAYMENT_REFUNDED,
                           {**refund_view(refund, posting), "payment": payment_view(row)}, now)
            return refund, posting

        refund, posting = _commit(svc, entity_id, payment_id, write)
    outcome = _finish(svc, entity_id, payment_id, posting)
    return Outcome(outcome.payment, outcome.posting,
                   next(r for r in outcome.payment.refunds if r.id == refund.id))


@contextmanager
def _operation(svc: Services, entity_id: str, payment_id: str) -> Iterator[tuple[Payment, Gateway]]:
    """Hold the payment's operation lock for one capture/void/refund, gateway call included,
    without holding a database transaction open across the network call."""
    deadline = time.monotonic() + svc.lock_wait_s
    pause = 0.005
    while True:
        with svc.transaction() as s:
            now = svc.clock.now()
            claimed = repo.claim_payment(s, entity_id, payment_id, now, now + svc.payment_lock)
            row = repo.get_payment(s, entity_id, payment_id)  # 404 rather than waiting on a lock
            if claimed:
                break
        if time.monotonic() >= deadline:
            raise PaymentLocked("Another operation on this payment is still running; retry shortly")
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
    try:
        gateway = svc.gateways.get(row.gateway)
        if gateway is None:
            raise ProcessingError(f"Gateway {row.gateway!r}, which authorized this payment, is not configured")
        yield row, gateway
    finally:
        with svc.transaction() as s:
            repo.release_payment(s, payment_id)


def _commit(svc: Services, entity_id: str, payment_id: str, write: Callable[[Session, Payment], T]) -> T:
    with svc.transaction() as s:
        return write(s, repo.get_payment(s, entity_id, payment_id))


def _rules(s: Session, row: Payment) -> PostingRules:
    return PostingRules.from_dict(repo.get_entity(s, row.entity_id).posting_rules)


def _finish(svc: Services, entity_id: str, payment_id: str, posting: Posting | None) -> Outcome:
    if posting is not None:
        posted = posting_pipeline.run(svc, posting)
        return Outcome(posted.payment, posted.posting)
    with svc.read() as s:
        return Outcome(repo.get_payment(s, entity_id, payment_id), None)
