"""A real scheduler process (`payhub autopay run-once`) SIGKILLed right after the gateway charged and before PayHub
recorded it, then run again: exactly one charge at the gateway (the fake Stripe API, an HTTP server in this test
process, so it counts charges outside the killed process), the payment captured, the attempt completed."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from payhub.autopay import scheduler
from payhub.demo import DEMO_ENTITY
from payhub.erp.embedded import ErpInvoice
from payhub.services import Services
from payhub.store.models import Entity, Payment
from tests import processes
from tests.autopay.conftest import add_invoice, enroll, events, save_method
from tests.gateways.stripe.fake import API_KEY, FakeStripe


@pytest.fixture
def stripe() -> Iterator[tuple[FakeStripe, str]]:
    fake = FakeStripe()
    with fake.serve() as url:
        yield fake, url


def run_once(env: dict[str, str], log: Path, now: str, crash_at: str | None = None) -> int:
    env = {**env, **({"PAYHUB_CRASH_AT": crash_at} if crash_at else {})}
    with log.open("ab") as out:
        return subprocess.run([processes.PAYHUB, "autopay", "run-once", "--now", now], env=env, stdout=out,
                              stderr=out, timeout=120).returncode


@pytest.mark.parametrize("point", ["after_gateway", "before_commit"])
def test_killed_after_the_charge_then_restarted_charges_once(point: str, db_url: str, client: TestClient,
                                                             services: Services, customer: str,
                                                             stripe: tuple[FakeStripe, str], tmp_path: Path) -> None:
    fake, url = stripe
    with services.transaction() as s:
        s.execute(update(Entity).where(Entity.id == DEMO_ENTITY).values(gateway="stripe"))
    add_invoice(services, "inv_crash", date(2026, 10, 1), 31_415)
    created = enroll(client, save_method(client))
    env = processes.payhub_env(db_url, PAYHUB_GATEWAY_TIMEOUT_S="10", PAYHUB_GATEWAYS=json.dumps(
        {"stripe": {"type": "stripe", "api_key": API_KEY, "base_url": url}}))
    log = tmp_path / "run.log"

    code = run_once(env, log, "2026-10-01T13:00:00+00:00", crash_at=f"payment.{point}")
    assert code == -signal.SIGKILL, log.read_text()[-2000:]
    assert len(fake.intents) == (0 if point == "after_intent" else 1)
    # the next pass (the worker's next housekeeping round, past the dead run's locks) finishes the same attempt
    assert run_once(env, log, "2026-10-01T14:00:00+00:00") == 0, log.read_text()[-2000:]
    assert run_once(env, log, "2026-10-01T15:00:00+00:00") == 0, log.read_text()[-2000:]

    assert len(fake.intents) == 1
    with services.read() as s:
        (payment,) = s.scalars(select(Payment).where(Payment.channel == "autopay")).all()
        assert payment.status == "captured" and payment.amount == 31_415
        assert s.get(ErpInvoice, "inv_crash").balance == 0  # type: ignore[union-attr]
    (intent,) = fake.intents.values()
    assert intent["metadata"]["payhub_key"] == f"{payment.id}:stripe"
    (attempt,) = scheduler.attempts(services, created["id"])
    assert (attempt.attempt, attempt.outcome, attempt.payment_id) == (1, "completed", payment.id)
    assert len(events(services, "payment.completed")) == 1
