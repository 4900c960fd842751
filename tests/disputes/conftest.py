"""Dispute test kit: a gateway that posts signed notifications and takes evidence, a provider that sends them to
PayHub over HTTP, and readers of the embedded ERP's ledger.

The gateway is a test double of the simulator's notifications (being added to payhub.gateways.simulator on
another branch), with the same wire format: header `Simulator-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
"<t>.<body>">` and events `{"id", "type", "created", "data"}`. When the simulator has them, the `gateway`
fixture becomes `SimulatorGateway(notification_secret=SECRET, timeout_s=0.05)` and `sign` becomes
`payhub.gateways.simulator.sign_notification`; `Provider` builds every event the tests send."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.domain.disputes import DisputeNotice, DisputeStatus, Evidence
from payhub.domain.errors import NotificationInvalid, NotificationRejected, NotificationStale
from payhub.erp.embedded import ErpInvoice, ErpJournalEntry
from payhub.gateways.simulator import SimulatorGateway
from payhub.ports import DISPUTE_EVIDENCE, NOTIFICATIONS, AuthorizationNotice, Notification, PayoutNotice
from payhub.services import Services
from payhub.store.models import Entity
from tests.webhooks.conftest import allow_loopback, receiver, worker  # noqa: F401  (fixtures)

SECRET = "simsec_disputes_test"
TOLERANCE_S = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class NotifyingSimulator(SimulatorGateway):
    """The simulator, with signed notifications (NOTIFICATIONS) and evidence submission (DISPUTE_EVIDENCE)."""

    capabilities = SimulatorGateway.capabilities | {NOTIFICATIONS, DISPUTE_EVIDENCE}

    def __init__(self, notification_secret: str, **config: Any) -> None:
        super().__init__(**config)
        self.notification_secret = notification_secret
        self.submissions: dict[str, tuple[str, Evidence]] = {}  # by idempotency key: (dispute, evidence)
        self.calls = 0

    def read_notifications(self, headers: Mapping[str, str], body: bytes, now: datetime) -> list[Notification]:
        parts = dict(p.split("=", 1) for p in headers.get("simulator-signature", "").split(",") if "=" in p)
        if not parts.get("t", "").isdigit() or "v1" not in parts:
            raise NotificationRejected("Missing or malformed Simulator-Signature header")
        if not hmac.compare_digest(sign(self.notification_secret, body, int(parts["t"])).encode(),
                                   f"t={parts['t']},v1={parts['v1']}".encode()):
            raise NotificationRejected("The signature does not match")
        if abs(now.timestamp() - int(parts["t"])) > TOLERANCE_S:
            raise NotificationStale(f"The timestamp is more than {TOLERANCE_S}s away")
        try:
            event = json.loads(body)
            return [self._read(event)]
        except (ValueError, KeyError, TypeError) as error:
            raise NotificationInvalid(f"Not a simulator event: {error}") from None

    @staticmethod
    def _read(event: dict[str, Any]) -> Notification:
        data, kind = event["data"], event["type"]
        occurred = datetime.fromtimestamp(event["created"], UTC)
        if kind.startswith("dispute."):
            due = data.get("evidence_due_by")
            return Notification(event["id"], kind, occurred, dispute=DisputeNotice(
                data["dispute"], data["charge"], DisputeStatus(data["status"]), data["status"], data["amount"],
                data["currency"].upper(), data.get("reason_code"), data.get("reason", ""),
                datetime.fromtimestamp(due, UTC) if due else None))
        if kind.startswith("authorization."):
            return Notification(event["id"], kind, occurred, authorization=AuthorizationNotice(
                data.get("charge", ""), kind == "authorization.succeeded", data["amount"], data["currency"].upper(),
                data.get("merchant_reference"), data.get("failure_code")))
        if kind == "payout.paid":
            return Notification(event["id"], kind, occurred, payout=PayoutNotice(
                data["payout"], "paid", data["amount"], data["currency"].upper()))
        return Notification(event["id"], kind, occurred)

    def submit_dispute_evidence(self, dispute_reference: str, evidence: Evidence, idempotency_key: str) -> str:
        self.calls += 1
        self.submissions.setdefault(idempotency_key, (dispute_reference, evidence))
        return "under_review"


@pytest.fixture
def gateway(services: Services) -> NotifyingSimulator:
    """The one place that names the test double (see the module's docstring)."""
    connector = NotifyingSimulator(notification_secret=SECRET, timeout_s=0.05)
    services.gateways = {"simulator": connector}
    return connector


@dataclass
class Provider:
    """The gateway's provider: builds events and posts them to PayHub, signed, as the provider would."""

    http: TestClient
    secret: str = SECRET
    sent: list[str] = field(default_factory=list)
    _n: int = 0

    def event(self, type_: str, data: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        self._n += 1
        return {"id": event_id or f"evt_sim_{self._n}_{time.time_ns()}", "type": type_,
                "created": int(time.time()), "data": data}

    def dispute(self, charge: str, status: str, *, dispute: str = "dp_sim_1", amount: int = 5_000,
                type_: str | None = None, event_id: str | None = None, **extra: Any) -> dict[str, Any]:
        kind = type_ or ("dispute.closed" if status in ("won", "lost", "accepted", "warning_closed")
                         else "dispute.created" if status in ("needs_response", "warning_needs_response")
                         else "dispute.updated")
        due = int(time.time()) + 7 * 86_400
        return self.event(kind, {"dispute": dispute, "charge": charge, "status": status, "amount": amount,
                                 "currency": "usd", "reason": "fraudulent", "reason_code": "10.4",
                                 "evidence_due_by": due, **extra}, event_id)

    def send(self, event: dict[str, Any], *, timestamp: int | None = None, secret: str | None = None,
             gateway: str = "simulator", body: bytes | None = None) -> httpx.Response:
        raw = body if body is not None else json.dumps(event).encode()
        at = int(time.time()) if timestamp is None else timestamp
        signed = sign(secret or self.secret, json.dumps(event).encode() if body is not None else raw, at)
        response: httpx.Response = self.http.post(
            f"/v1/gateways/{gateway}/notifications", content=raw,
            headers={"Content-Type": "application/json", "Simulator-Signature": signed})
        return response


@pytest.fixture
def provider(app: FastAPI, gateway: NotifyingSimulator) -> Iterator[Provider]:
    with TestClient(app) as anonymous:  # no API key: the provider has none
        yield Provider(anonymous)


def charge_of(payment: dict[str, Any]) -> str:
    return str(payment["gateway"]["reference"])


def reopen_on_loss(services: Services, entity_id: str = "ent_demo", on: bool = True) -> None:
    with services.transaction() as s:
        entity = s.get(Entity, entity_id)
        assert entity is not None
        entity.disputes = {"reopen_invoice_on_loss": on}


def ledger(services: Services, posting_id: str) -> list[tuple[str, int, int, str | None]]:
    """The embedded ERP's journal entry for a posting: (account, debit, credit, invoice) per line."""
    with services.read() as s:
        entry = s.scalar(select(ErpJournalEntry).where(ErpJournalEntry.reference_key == posting_id))
        assert entry is not None, f"the ERP has no entry for {posting_id}"
        return [(l.account, l.debit, l.credit, l.invoice_id) for l in entry.lines]


def invoice_balance(services: Services, invoice_id: str) -> tuple[int, str]:
    with services.read() as s:
        invoice = s.get(ErpInvoice, invoice_id)
        assert invoice is not None
        return invoice.balance, invoice.status
