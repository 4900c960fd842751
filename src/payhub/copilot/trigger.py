"""`payhub trigger`: a realistic, correctly signed event of any catalogue type, with overrides, sent to a URL.

The payload is built from the catalogue's JSON Schema of the type (so a new event type can be triggered without
code here), with plausible values: integer money, ids with PayHub's prefixes shared across the object (the
refund's `payment` is the payment's id), timestamps as PayHub writes them. Payments, refunds, postings and
disputes go through PayHub's own view functions, so they have exactly the shape real events have. The body is
the worker's envelope (`envelope_body`), signed by the worker's signing code and sent by its HTTP client (with the
receiver protections); nothing is written to the event log, so a triggered event is never replayed or relayed."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import ipaddress
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from payhub.domain.events import EventType
from payhub.ids import new_id

if TYPE_CHECKING:
    from payhub.services import Network, Services
    from payhub.webhooks.transport import Answer

TIMEOUT_S = 15.0
# Receivers a developer triggers at are usually on their own machine: the CLI's --url may reach any address.
ANY_ADDRESS: tuple[Network, ...] = (ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0"))

# An object's own id, by the catalogue model's name; a reference's, by the field's name.
OWN_PREFIX = {"PaymentPublic": "pay", "RefundPublic": "rfd", "RefundEvent": "rfd", "PostingPublic": "pst",
              "PostingEvent": "pst", "DisputePublic": "dsp", "EvidenceFilePublic": "dfl",
              "ReconciliationException": "rce", "ReconciliationRun": "rcr", "AutopayEnrollment": "ape",
              "EndpointAlert": "we"}
REFERENCE_PREFIX = {"customer": "cus", "payment": "pay", "invoice": "inv", "refund": "rfd", "run": "rcr",
                    "last_run": "rcr", "settlement_line": "stl", "record": "pay", "endpoint": "we", "batch": "stb",
                    "enrollment": "ape", "dispute": "dsp", "posting": "pst", "payment_method": "pm"}
PLAUSIBLE: dict[str, Any] = {
    "currency": "USD", "gateway": "stripe", "erp": "embedded", "channel": "api", "capture_method": "automatic",
    "name": "Acme Builders LLC", "email": "ap@acme.example", "url": "https://hooks.example.com/payhub",
    "reason": "card_declined", "message": "Your card was declined.", "description": "Invoice payment",
    "reason_code": "10.4", "dispute_reference": "du_1QbX7rLkdIwHu7ix", "raw_status": "needs_response",
    "filename": "receipt.pdf", "purpose": "receipt", "erp_reference": "JE-000123", "memo": "Payment received",
    "kind": "payment", "disabled_reason": None, "difference": {"amount": 127, "currency": "USD"},
    "invoices": "all", "when": {"on": "due_date"},
    "payment_method": {"id": "pm_0mxbm9dul02xq4e7k1c9a8b", "type": "card",
                       "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030}},
    "details": {"settlement": {"gross": 125_000, "fee": 3_752, "currency": "USD"},
                "payhub": {"amount": 125_000, "expected_fee": 3_625, "currency": "USD"}, "posting_status": "confirmed"},
}
INTEGERS = {"amount": 125_000, "attempt": 1, "attempts": 1, "size": 48_213, "consecutive_failures": 5}
# descriptions that list a string's values: "open | resolved", "hard (paused) | soft (retries exhausted)"
CHOICES = re.compile(r"^([a-z_]+)(?: \([^)]*\))?(?: \| [a-z_]+(?: \([^)]*\))?)+")
# What differs between event types that share a model: the object's state after the event.
STATE: dict[str, dict[str, Any]] = {
    EventType.DISPUTE_OPENED: {"status": "needs_response"},
    EventType.DISPUTE_UPDATED: {"status": "under_review"},
    EventType.DISPUTE_RESOLVED: {"status": "won", "outcome": "won"},
    EventType.AUTOPAY_CANCELLED: {"status": "cancelled"},
    EventType.ENDPOINT_DISABLED: {"enabled": False, "disabled_reason": "receiver answered 410 Gone"},
    EventType.RECONCILIATION_EXCEPTION: {"class": "amount_mismatch", "status": "open", "proposal": {
        "action": "write_off", "description": "Post fee difference 1.27 to 6100",
        "entry": [{"account": "6100", "debit": 127, "credit": 0, "currency": "USD"},
                  {"account": "1150", "debit": 0, "credit": 127, "currency": "USD"}]}},
    EventType.RECONCILIATION_COMPLETED: {"status": "completed", "summary": {
        "lines": 1250, "records": 1249, "matched": {"USD": 156_125_000}, "exceptions": {"amount_mismatch": 1},
        "new": 1, "open": 1, "cleared": 0}},
    EventType.WEBHOOK_TEST: {"message": "PayHub test event"},
}


class UnknownEventType(ValueError):
    """An event type outside the catalogue; the message lists the valid ones."""


@dataclass(frozen=True)
class Triggered:
    id: str
    type: str
    body: bytes  # the exact bytes signed and sent


@dataclass(frozen=True)
class Sent:
    event: Triggered
    url: str
    answer: Answer
    endpoint: str | None = None


def event_types() -> list[str]:
    from payhub.webhooks.catalogue import CATALOGUE

    return [name.value for name in CATALOGUE]


def _event_type(name: str) -> EventType:
    from payhub.webhooks.catalogue import CATALOGUE

    try:
        event_type = EventType(name)
    except ValueError:
        event_type = None
    if event_type is None or event_type not in CATALOGUE:
        raise UnknownEventType(f"unknown event type {name!r}; one of: {', '.join(event_types())}")
    return event_type


def deep_merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`base` with `overrides` merged in: objects merge key by key, anything else (lists too) is replaced."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


class _Sampler:
    """Plausible values for a JSON Schema, with one id per prefix shared by every reference to it."""

    def __init__(self, defs: dict[str, Any], now: datetime) -> None:
        self.defs, self.now = defs, now
        self.ids: dict[str, str] = {}

    def id(self, prefix: str) -> str:
        return self.ids.setdefault(prefix, new_id(prefix))

    def value(self, schema: dict[str, Any], name: str, owner: str) -> Any:
        if "$ref" in schema:
            return self.value(self.defs[schema["$ref"].rsplit("/", 1)[-1]], name, owner)
        if "const" in schema:
            return schema["const"]
        if schema.get("default") is not None:
            return copy.deepcopy(schema["default"])
        if "enum" in schema:
            return schema["enum"][0]
        if "anyOf" in schema:
            options = [s for s in schema["anyOf"] if s.get("type") != "null"]
            nullable = len(options) < len(schema["anyOf"])
            if nullable and not self._worth_filling(options[0], name):
                return None
            return self.value({**options[0], "description": schema.get("description", "")}, name, owner)
        kind = schema.get("type")
        if name in PLAUSIBLE and (kind != "string" or isinstance(PLAUSIBLE[name], str)):
            return copy.deepcopy(PLAUSIBLE[name])
        if kind == "object":
            if "properties" not in schema:
                return {}
            title = schema.get("title", "")
            if title == "MoneyPublic":
                return {"amount": INTEGERS["amount"], "currency": "USD"}
            return {key: self.value(sub, key, title) for key, sub in schema["properties"].items()}
        if kind == "array":
            return [self.value(schema["items"], name, owner)] if "$ref" in schema.get("items", {}) else []
        if kind == "integer":
            return INTEGERS.get(name, 1)
        if kind == "boolean":
            return True
        return self._string(schema, name, owner)

    def _worth_filling(self, schema: dict[str, Any], name: str) -> bool:
        """A nullable field gets a value when it names a related object or is money; otherwise null (no
        failure, no resolution, not posted yet)."""
        return name in REFERENCE_PREFIX or name == "gateway" or "$ref" in schema and name == "difference"

    def _string(self, schema: dict[str, Any], name: str, owner: str) -> str:
        if name == "id":
            return self.id(OWN_PREFIX.get(owner, "obj"))
        if name in REFERENCE_PREFIX:
            return self.id(REFERENCE_PREFIX[name])
        if name == "due_on":
            return (self.now + timedelta(days=3)).date().isoformat()
        if name.endswith("_at") or name.endswith("_since") or name in ("as_of", "evidence_due_by"):
            later = timedelta(days=7) if name.endswith("due_by") else timedelta()
            return _ts(self.now + later)
        if name == "sha256":
            return hashlib.sha256(name.encode()).hexdigest()
        if choices := CHOICES.match(schema.get("description", "")):
            return choices.group(1)
        if examples := schema.get("examples"):
            return str(examples[0])
        return str(schema.get("title", name))


def _ts(value: datetime) -> str:
    from payhub.views import ts

    return ts(value) or ""


def _views(event_type: EventType, sampler: _Sampler, now: datetime) -> dict[str, Any] | None:
    """The object through PayHub's own view functions, for the types that have one."""
    from payhub import views
    from payhub.store.models import Allocation, Dispute, GLLineRow, Payment, Posting, Refund

    amount, ids = INTEGERS["amount"], sampler.id
    status = {EventType.PAYMENT_AUTHORIZED: "requires_capture", EventType.PAYMENT_FAILED: "failed",
              EventType.PAYMENT_VOIDED: "voided", EventType.PAYMENT_SETTLED: "settled"}.get(event_type, "captured")
    captured = amount if status in ("captured", "settled") else 0
    payment = Payment(
        id=ids("pay"), customer_id=ids("cus"), customer_name="Acme Builders LLC", customer_email="ap@acme.example",
        status=status, currency="USD", amount=amount, amount_captured=captured, amount_refunded=0,
        capture_method="manual" if status == "requires_capture" else "automatic", channel="api", method_type="card",
        card_brand="visa", card_last4="4242", card_exp_month=12, card_exp_year=now.year + 3, vault_token=None,
        gateway="stripe", gateway_reference="pi_3QbX7rLkdIwHu7ix", description="Invoice payment", metadata_={},
        failure_code="card_declined" if status == "failed" else None,
        failure_message="Your card was declined." if status == "failed" else None,
        fees={}, level3=None, routing_version=1, routing_rule="default", routing_reasons=[],
        attempts=[{"gateway": "stripe", "outcome": status}], settled_at=now if status == "settled" else None,
        settlement_batch_id=ids("stb") if status == "settled" else None, settlement_gross=None,
        settlement_fee=None, settlement_net=None, created_at=now - timedelta(seconds=2), updated_at=now)
    payment.allocations = [Allocation(invoice_id=ids("inv"), position=0, amount=amount, amount_captured=captured,
                                      amount_refunded=0)]
    payment.refunds, payment.postings = [], []
    refund = None
    if event_type is EventType.PAYMENT_REFUNDED:
        refund = Refund(id=ids("rfd"), payment_id=payment.id, amount=25_000, currency="USD", status="succeeded",
                        reason="requested_by_customer", gateway_reference="re_3QbX7rLkdIwHu7ix", created_at=now)
        payment.amount_refunded, payment.refunds = refund.amount, [refund]
        payment.allocations[0].amount_refunded = refund.amount
    debit, credit = ("1200", "1150") if refund else ("1150", "1200")
    posted = refund.amount if refund else amount
    failed = event_type is EventType.POSTING_FAILED
    posting = Posting(
        id=ids("pst"), payment_id=payment.id, refund_id=refund.id if refund else None, source_id=None,
        kind="refund" if refund else "payment", status="failed" if failed else "confirmed", erp="embedded",
        erp_reference=None if failed else "JE-000123", error_code="erp_rejected" if failed else None,
        error="The ERP refused the entry: period closed" if failed else None, attempts=1, next_retry_at=None,
        memo=f"PayHub {payment.id}", warnings=[], created_at=now, posted_at=None if failed else now)
    posting.lines = [GLLineRow(line_no=1, account=debit, debit=posted, credit=0, currency="USD", invoice_id=None,
                               customer_id=payment.customer_id, dimensions={}),
                     GLLineRow(line_no=2, account=credit, debit=0, credit=posted, currency="USD",
                               invoice_id=ids("inv"), customer_id=payment.customer_id, dimensions={})]
    if status in ("captured", "settled") or refund:
        payment.postings = [posting]
    if event_type.value.startswith("payment."):
        if refund is not None:
            return {**views.refund_view(refund, posting), "payment": views.payment_view(payment)}
        moved = event_type in (EventType.PAYMENT_COMPLETED,)
        return views.payment_view(payment, posting if moved else None)
    if event_type.value.startswith("posting."):
        return {**views.posting_view(posting), "payment": views.payment_view(payment)}
    if event_type.value.startswith("dispute."):
        state = STATE[event_type]
        dispute = Dispute(
            id=ids("dsp"), payment_id=payment.id, gateway="stripe", dispute_reference="du_1QbX7rLkdIwHu7ix",
            status=state["status"], raw_status=state["status"], reason_code="10.4", reason="fraudulent",
            amount=amount, currency="USD", evidence_due_by=now + timedelta(days=7), evidence={},
            evidence_submitted_at=None, outcome=state.get("outcome"), source="notification",
            opened_at=now, resolved_at=now if state.get("outcome") else None, created_at=now, updated_at=now)
        dispute.files = []
        return views.dispute_view(dispute)
    return None


def sample_data(event_type: str, overrides: dict[str, Any] | None = None,
                now: datetime | None = None) -> dict[str, Any]:
    """A realistic `data` object of `event_type`, with `overrides` deep-merged in."""
    from payhub.webhooks.catalogue import CATALOGUE

    kind = _event_type(event_type)
    at = now or datetime.now(UTC)
    schema = CATALOGUE[kind][1].model_json_schema(by_alias=True)
    sampler = _Sampler(schema.get("$defs", {}), at)
    data = _views(kind, sampler, at)
    if data is None:
        data = deep_merge(sampler.value(schema, "", schema.get("title", "")), STATE.get(kind, {}))
        if kind is EventType.RECONCILIATION_COMPLETED:
            data["finished_at"] = _ts(at)
    return deep_merge(data, overrides or {})


def build(event_type: str, overrides: dict[str, Any] | None = None, api_version: str | None = None,
          now: datetime | None = None) -> Triggered:
    """The event as PayHub's worker delivers it: the same envelope, shaped for `api_version`."""
    from payhub.webhooks.worker import envelope_body

    at = now or datetime.now(UTC)
    data = sample_data(event_type, overrides, at)
    event_id = new_id("evt")
    return Triggered(event_id, event_type, envelope_body(event_id, event_type, at, {"data": data}, api_version))


async def deliver(event: Triggered, targets: Sequence[tuple[str | None, str, Sequence[str]]],
                  allowed: tuple[Network, ...], timeout_s: float = TIMEOUT_S) -> list[Sent]:
    """Sign and send the event to each (endpoint id, url, secrets) with the worker's signing code and client."""
    from payhub.webhooks import signing
    from payhub.webhooks.client import Client

    client = Client(lambda: allowed)
    try:
        sent = []
        for endpoint, url, secrets in targets:
            headers = signing.headers(list(secrets), event.id, int(time.time()), event.body)
            answer = await client.post(endpoint or "trigger", url, headers, event.body, timeout_s)
            sent.append(Sent(event, url, answer, endpoint))
        return sent
    finally:
        await client.aclose()


def trigger_url(event_type: str, url: str, secret: str, overrides: dict[str, Any] | None = None) -> Sent:
    """`payhub trigger --url`: one event to one receiver, signed with the given secret."""
    from payhub.webhooks.transport import check_url_shape

    check_url_shape(url)
    if not secret.startswith("whsec_"):
        raise ValueError("the secret is the endpoint's signing secret: whsec_…")
    event = build(event_type, overrides)
    return asyncio.run(deliver(event, [(None, url, [secret])], ANY_ADDRESS))[0]


@dataclass(frozen=True)
class Target:
    endpoint: str
    url: str
    secrets: tuple[str, ...]
    api_version: str | None


def endpoint_targets(svc: Services, entity_id: str, event_type: str, endpoint_id: str | None = None,
                     url: str | None = None) -> list[Target]:
    """Where an entity's triggered event goes: one endpoint (by id, or by URL), enabled or not; else the enabled
    endpoints that subscribe to the type. Each with its current signing secrets (two during a rotation)."""
    from payhub.domain.errors import InvalidRequest
    from payhub.store import webhooks as queue
    from payhub.webhooks.worker import signing_secrets

    _event_type(event_type)
    now = svc.clock.now()
    with svc.read() as s:
        if endpoint_id is not None:
            endpoints = [queue.get_endpoint(s, entity_id, endpoint_id)]
        elif url is not None:
            endpoints = [e for e in queue.list_endpoints(s, entity_id) if e.url == url][:1]
            if not endpoints:
                raise InvalidRequest("No webhook endpoint of this entity has this URL: register it first "
                                     "(POST /v1/webhook_endpoints)", field="url")
        else:
            endpoints = [e for e in queue.list_endpoints(s, entity_id, enabled_only=True)
                         if queue.wants(e, event_type)]
        return [Target(e.id, e.url, signing_secrets(svc, e, now), e.api_version) for e in endpoints]


async def trigger_targets(svc: Services, event_type: str, overrides: dict[str, Any] | None,
                          targets: Sequence[Target]) -> list[Sent]:
    """One event to the targets, each shaped for its pinned version and signed with its own secrets, through the
    receiver protections (PAYHUB_WEBHOOK_ALLOWED_NETWORKS)."""
    from payhub.webhooks.worker import envelope_body

    now = svc.clock.now()
    data = sample_data(event_type, overrides, now)
    event_id = new_id("evt")  # one event, however many endpoints: the same webhook-id everywhere, like the worker
    sent: list[Sent] = []
    for version in dict.fromkeys(t.api_version for t in targets):
        event = Triggered(event_id, event_type, envelope_body(event_id, event_type, now, {"data": data}, version))
        sent += await deliver(event, [(t.endpoint, t.url, t.secrets) for t in targets if t.api_version == version],
                              svc.webhook_allowed_networks)
    return sent


async def trigger_endpoints(svc: Services, entity_id: str, event_type: str, overrides: dict[str, Any] | None = None,
                            endpoint_id: str | None = None) -> list[Sent]:
    """`payhub trigger --entity`: to the entity's endpoints (see endpoint_targets)."""
    targets = await asyncio.to_thread(endpoint_targets, svc, entity_id, event_type, endpoint_id)
    return await trigger_targets(svc, event_type, overrides, targets)
