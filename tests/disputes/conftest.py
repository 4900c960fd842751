"""Dispute test kit: the simulator connector with a notification secret (it verifies signed notifications and
takes evidence), a provider that sends it events over HTTP as the provider would (header `Simulator-Signature:
t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, events `{"id", "type", "created", "data"}`), and readers of the
embedded ERP's ledger."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.domain.disputes import Evidence
from payhub.erp.embedded import ErpInvoice, ErpJournalEntry
from payhub.gateways.simulator import SimulatorGateway, sign_notification
from payhub.services import Services
from payhub.store.models import Entity
from tests.webhooks.conftest import allow_loopback, receiver, worker  # noqa: F401  (fixtures)

SECRET = "simsec_disputes_test"
TOLERANCE_S = 300


sign = sign_notification


class NotifyingSimulator(SimulatorGateway):
    """The simulator connector (signed notifications, evidence submission), counting the evidence submissions
    it receives by idempotency key."""

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        self.submissions: dict[str, tuple[str, Evidence]] = {}  # by idempotency key: (dispute, evidence)
        self.calls = 0

    def submit_dispute_evidence(self, dispute_reference: str, evidence: Evidence, idempotency_key: str) -> str:
        self.calls += 1
        self.submissions.setdefault(idempotency_key, (dispute_reference, evidence))
        return super().submit_dispute_evidence(dispute_reference, evidence, idempotency_key)


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
        return self.event(kind, {"dispute": dispute, "payment": charge, "status": status, "amount": amount,
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
