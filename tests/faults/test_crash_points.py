"""SIGKILL at every step of the payment, capture and refund pipelines, then a restart and a retry.

The API runs as a real uvicorn process that kills itself (PAYHUB_CRASH_AT) right after the intent is recorded,
after the gateway answered, inside the final transaction before it commits, or after the commit but before
posting. The gateway is the fake Stripe API, an HTTP server in this test process, so it counts charges and
refunds outside the killed process. After a restart, the client's retry with the same Idempotency-Key must
leave exactly one charge (and one refund) at the gateway, the payment complete with its posting confirmed,
and the ledger balanced. Without a retry, the recovery worker finishes the same work."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from payhub.demo import DEMO_ENTITY
from payhub.gateways.stripe.adapter import StripeGateway
from payhub.pipeline import recovery
from payhub.services import Services
from payhub.store.models import Entity, GLLineRow, Posting
from tests import processes
from tests.faults.server import Api, crash, retry, send
from tests.gateways.stripe.fake import API_KEY, FakeStripe
from tests.helpers import card, pay_body

POINTS = ("after_intent", "after_gateway", "before_commit", "after_commit")
AMOUNT = 12_345
LOCK_S = 2  # the payment lock a killed request leaves behind expires this fast here


@pytest.fixture
def api(db_url: str, services: Services, keys: dict[str, str], stripe: tuple[FakeStripe, str],
        tmp_path: Path) -> Iterator[Api]:
    with services.transaction() as s:  # the demo entity pays through Stripe
        s.execute(update(Entity).where(Entity.id == DEMO_ENTITY).values(gateway="stripe"))
    env = processes.payhub_env(
        db_url, PAYHUB_PAYMENT_LOCK_S=str(LOCK_S), PAYHUB_POSTING_DEADLINE_S=str(LOCK_S), PAYHUB_GATEWAY_TIMEOUT_S="10",
        PAYHUB_GATEWAYS=json.dumps({"stripe": {"type": "stripe", "api_key": API_KEY, "base_url": stripe[1]}}))
    server = Api(env, processes.free_port(), tmp_path / "api.log")
    yield server
    server.stop()


def intents(fake: FakeStripe) -> list[dict[str, Any]]:
    return list(fake.intents.values())


def ledger(services: Services) -> tuple[int, int, list[str]]:
    with services.read() as s:
        debit, credit = s.execute(select(func.coalesce(func.sum(GLLineRow.debit), 0),
                                         func.coalesce(func.sum(GLLineRow.credit), 0))).one()
        statuses = list(s.scalars(select(Posting.status).order_by(Posting.id)))
    return int(debit), int(credit), statuses


@pytest.mark.parametrize("method", ["card", "vault token"])
@pytest.mark.parametrize("point", POINTS)
def test_payment_killed_then_retried_charges_once(point: str, method: str, api: Api, keys: dict[str, str],
                                                  stripe: tuple[FakeStripe, str], services: Services) -> None:
    """With a vault token too: the retry finds the token taken by its own payment and charges that card once."""
    fake, _ = stripe
    api.start(crash_at=f"payment.{point}")
    body = pay_body("inv_acme_1001", AMOUNT)
    if method == "vault token":
        token = send(api, keys["payments"], "POST", "/v1/tokens", {"card": card()["card"]}, "tok-1")
        assert token.status_code == 201, token.text
        body = pay_body("inv_acme_1001", AMOUNT, {"type": "token", "token": token.json()["id"]})
    crash(api, keys["payments"], "POST", "/v1/payments", body, "pay-1")
    charged_before_retry = len(intents(fake))
    assert charged_before_retry == (0 if point == "after_intent" else 1)

    paid = retry(api, keys["payments"], "POST", "/v1/payments", body, "pay-1")
    assert paid.status_code == 201, paid.text
    payment = paid.json()
    assert payment["status"] == "captured" and payment["posting"]["status"] == "confirmed"
    assert len(intents(fake)) == 1 and intents(fake)[0]["metadata"]["payhub_key"] == f"{payment['id']}:stripe"
    assert {m["number"] for m in fake.payment_methods.values()} == {"4242424242424242"}  # the card itself
    assert len(httpx.get(f"{api.url}/v1/payments", headers={"Authorization": f"Bearer {keys['read']}"}
                         ).json()["data"]) == 1
    replay = send(api, keys["payments"], "POST", "/v1/payments", body, "pay-1")
    assert replay.headers.get("idempotent-replayed") == "true" and replay.json()["id"] == payment["id"]
    debit, credit, postings = ledger(services)
    assert debit == credit == AMOUNT and postings == ["confirmed"]


@pytest.mark.parametrize("point", POINTS)
def test_capture_killed_then_retried_captures_once(point: str, api: Api, keys: dict[str, str],
                                                   stripe: tuple[FakeStripe, str], services: Services) -> None:
    fake, _ = stripe
    api.start(crash_at=f"capture.{point}")  # the payment before it goes through: the point is the capture's
    authorized = send(api, keys["payments"], "POST", "/v1/payments",
                      pay_body("inv_acme_1001", AMOUNT, capture_method="manual"), "auth-1").json()
    assert authorized["status"] == "requires_capture"
    path = f"/v1/payments/{authorized['id']}/capture"
    crash(api, keys["payments"], "POST", path, {}, "cap-1")

    captured = retry(api, keys["payments"], "POST", path, {}, "cap-1")
    assert captured.status_code == 200, captured.text
    assert captured.json()["status"] == "captured" and captured.json()["posting"]["status"] == "confirmed"
    captures = [r for r in fake.posts() if r.path.endswith("/capture")]
    assert len({r.headers["idempotency-key"] for r in captures}) == 1  # one capture key, however many replays
    (intent,) = intents(fake)
    assert intent["status"] == "succeeded" and intent["amount_received"] == AMOUNT
    debit, credit, postings = ledger(services)
    assert debit == credit == AMOUNT and postings == ["confirmed"]


@pytest.mark.parametrize("point", POINTS)
def test_refund_killed_then_retried_refunds_once(point: str, api: Api, keys: dict[str, str],
                                                 stripe: tuple[FakeStripe, str], services: Services) -> None:
    fake, _ = stripe
    api.start(crash_at=f"refund.{point}")
    paid = send(api, keys["payments"], "POST", "/v1/payments", pay_body("inv_acme_1001", AMOUNT), "pay-1").json()
    body = {"payment": paid["id"], "amount": {"amount": 2_000, "currency": "USD"}, "reason": "damaged"}
    crash(api, keys["payments"], "POST", "/v1/refunds", body, "rfd-1")
    assert len(fake.refunds) == (0 if point == "after_intent" else 1)

    refunded = retry(api, keys["payments"], "POST", "/v1/refunds", body, "rfd-1")
    assert refunded.status_code == 201, refunded.text
    assert refunded.json()["posting"]["status"] == "confirmed"
    assert len(fake.refunds) == 1
    # a second, different refund is judged against what is really left
    rest = {"payment": paid["id"], "amount": {"amount": AMOUNT, "currency": "USD"}}
    assert send(api, keys["payments"], "POST", "/v1/refunds", rest, "rfd-2").json()["code"] == "refund_exceeds_captured"
    payment = httpx.get(f"{api.url}/v1/payments/{paid['id']}", headers={"Authorization": f"Bearer {keys['read']}"}
                        ).json()
    assert payment["amount_refunded"]["amount"] == 2_000 and len(fake.refunds) == 1
    debit, credit, postings = ledger(services)
    assert debit == credit == AMOUNT + 2_000 and postings == ["confirmed", "confirmed"]


@pytest.mark.parametrize("point", ["payment.after_gateway", "refund.after_gateway", "capture.before_commit"])
def test_without_a_retry_the_recovery_worker_finishes_the_work(point: str, api: Api, keys: dict[str, str],
                                                               stripe: tuple[FakeStripe, str],
                                                               services: Services) -> None:
    fake, url = stripe
    api.start(crash_at=point)
    pipeline = point.split(".")[0]
    if pipeline == "payment":
        crash(api, keys["payments"], "POST", "/v1/payments", pay_body("inv_acme_1001", AMOUNT), "p")
    else:
        capture = "manual" if pipeline == "capture" else "automatic"
        paid = send(api, keys["payments"], "POST", "/v1/payments",
                    pay_body("inv_acme_1001", AMOUNT, capture_method=capture), "p").json()
        if pipeline == "capture":
            crash(api, keys["payments"], "POST", f"/v1/payments/{paid['id']}/capture", {}, "c")
        else:
            crash(api, keys["payments"], "POST", "/v1/refunds", {"payment": paid["id"]}, "r")

    # the worker, as `payhub worker` runs it, against the same database and gateway
    stripe_gw = StripeGateway(API_KEY, base_url=url, timeout_s=10)
    services.gateways = {"stripe": stripe_gw}
    services.recovery_after = services.recovery_after * 0
    try:
        deadline = time.monotonic() + 60
        # Nothing is finished until the dead request's lock expires (until then the worker reports it busy).
        while not {"payment:completed", "operation:completed"} & set(recovery.run_once(services)):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        stripe_gw.close()
    (payment,) = httpx.get(f"{api.url}/v1/payments", headers={"Authorization": f"Bearer {keys['read']}"}
                           ).json()["data"]
    assert payment["status"] == "captured" and len(intents(fake)) == 1
    assert payment["amount_refunded"]["amount"] == (AMOUNT if pipeline == "refund" else 0)
    assert len(fake.refunds) == (1 if pipeline == "refund" else 0)
    debit, credit, postings = ledger(services)
    assert debit == credit and set(postings) == {"confirmed"}


def test_a_burst_killed_mid_flight_then_retried_charges_each_payment_once(
        api: Api, keys: dict[str, str], stripe: tuple[FakeStripe, str], services: Services) -> None:
    """The reproduction of the double charges: concurrent payments, each with its own key, the server killed
    mid-burst, restarted, and every request retried with its own key once the locks have expired."""
    fake, _ = stripe
    n = 16
    requests = [(pay_body("inv_acme_1001", 100 + i), f"burst-{i}") for i in range(n)]

    def attempt(body: dict[str, Any], idem: str) -> httpx.Response | None:
        try:
            return send(api, keys["payments"], "POST", "/v1/payments", body, idem)
        except httpx.TransportError:
            return None

    api.start()
    with ThreadPoolExecutor(n) as pool:
        pending = [pool.submit(attempt, body, idem) for body, idem in requests]
        deadline = time.monotonic() + 60
        while len(fake.intents) < 3:  # kill once some have charged and others are in flight
            assert time.monotonic() < deadline
            time.sleep(0.005)
        assert api.proc is not None
        api.proc.send_signal(signal.SIGKILL)
        first = [f.result() for f in pending]
    assert api.killed() and any(r is None for r in first)
    api.start()

    answers = [retry(api, keys["payments"], "POST", "/v1/payments", body, idem) for body, idem in requests]
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers if a.status_code != 201]
    ids = {a.json()["id"] for a in answers}
    assert len(ids) == n
    charged = [i["metadata"]["payhub_key"] for i in intents(fake)]
    assert sorted(charged) == sorted(f"{pid}:stripe" for pid in ids)  # one charge per payment, none twice
    listed = httpx.get(f"{api.url}/v1/payments?limit=100", headers={"Authorization": f"Bearer {keys['read']}"}
                       ).json()["data"]
    assert {p["id"] for p in listed} == ids and {p["status"] for p in listed} == {"captured"}
    # A process killed while posting leaves that posting leased: the worker posts it once the lease expires.
    services.posting_deadline = timedelta(seconds=LOCK_S)
    deadline = time.monotonic() + 60
    while "pending" in ledger(services)[2]:
        assert time.monotonic() < deadline
        recovery.run_once(services)
        time.sleep(0.2)
    debit, credit, postings = ledger(services)
    assert debit == credit == sum(100 + i for i in range(n)) and set(postings) == {"confirmed"}
