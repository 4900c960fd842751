"""SIGKILL at each step of settlement import, inbound dispute notifications, evidence submission and
reconciliation write-offs, then the client's retry and the recovery worker.

The API runs as a real uvicorn process that kills itself at the crash point (tests/faults/server.py). After a
restart, the client does what a correct client does (the same file, the same notification, the same request
under the same Idempotency-Key) and the recovery worker makes one pass; then every money fact must hold once:
the batch with all its lines or nothing, each payment settled once, one batch posting, confirmed and balanced,
one dispute with one chargeback posting and one dispute.opened event, the evidence at the gateway under one
key and shown submitted once, one write-off posting.

The ERP decides where the after-commit window is. The embedded ERP books the batch's and the dispute's postings
in the import's (the notification's) own transaction, so a crash after the commit finds them confirmed already.
Tryton is outside PayHub's database: there the crash leaves the postings pending, and only the recovery worker
sends them, once. A write-off is posted after its commit whatever the ERP."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from payhub.demo import DEMO_ENTITY
from payhub.erp.embedded import ErpJournalEntry
from payhub.erp.tryton import TrytonErp
from payhub.gateways.signing import signature_header
from payhub.pipeline import recovery
from payhub.services import Services
from payhub.store.models import (
    AuditEvent,
    Dispute,
    Entity,
    GLLineRow,
    OutboxEvent,
    Payment,
    Posting,
    SettlementBatch,
    SettlementLineRow,
)
from tests import processes
from tests.faults.server import Api, crash, retry, send
from tests.gateways.stripe.fake import API_KEY, FakeStripe
from tests.helpers import pay_body
from tests.settlement.test_settlement import HEADER, line, paid

SIM_SECRET = "simsec_faults_test"
STRIPE_SECRET = "whsec_faults_test_7Hq2"
LOCK_S = 2  # the idempotency lock a killed request leaves behind expires this fast here
BOUNDARY = "payhub-fault-test"  # a client's retry sends the very same bytes, so the same multipart boundary


@pytest.fixture
def server(db_url: str, stripe: tuple[FakeStripe, str], tmp_path: Path) -> Iterator[Api]:
    env = processes.payhub_env(
        db_url, PAYHUB_PAYMENT_LOCK_S=str(LOCK_S), PAYHUB_POSTING_DEADLINE_S=str(LOCK_S),
        PAYHUB_GATEWAY_TIMEOUT_S="10",
        PAYHUB_GATEWAYS=json.dumps({
            "simulator": {"type": "simulator", "notification_secret": SIM_SECRET},
            "stripe": {"type": "stripe", "api_key": API_KEY, "base_url": stripe[1], "files_url": stripe[1],
                       "webhook_secret": STRIPE_SECRET},
        }))
    api = Api(env, processes.free_port(), tmp_path / "api.log")
    yield api
    api.stop()


def on_tryton(request: pytest.FixtureRequest, services: Services, server: Api) -> TrytonErp:
    """The demo entity's ERP becomes the real Tryton (for the server and the worker alike). Bank, fees and
    chargebacks receivable go to the fixture's revenue account: what matters here is where and how often
    the entries land, not the chart."""
    tryton: dict[str, Any] = request.getfixturevalue("tryton")  # skips when trytond is not installed
    accounts = {name: a["id"] for name, a in tryton["accounts"].items()}
    mapping = {"entities": {DEMO_ENTITY: {
        "company": tryton["company"], "payment_method": tryton["payment_method"],
        "accounts": {"1000": accounts["revenue"], "6100": accounts["revenue"], "1250": accounts["revenue"],
                     "1150": accounts["clearing"], "1200": accounts["receivable"],
                     "2150": accounts["customer_credit"]}}}}
    server.env.update(PAYHUB_ERP="tryton", PAYHUB_TRYTON_URL=tryton["url"], PAYHUB_TRYTON_DATABASE=tryton["db"],
                      PAYHUB_TRYTON_USER=tryton["user"], PAYHUB_TRYTON_PASSWORD=tryton["password"],
                      PAYHUB_TRYTON_MAPPING=json.dumps(mapping), PAYHUB_TRYTON_TIMEOUT_S="30")
    erp = TrytonErp(tryton["url"], tryton["db"], tryton["user"], tryton["password"], mapping, timeout=30)
    request.addfinalizer(erp.close)
    services.erp = erp
    return erp


def entries_in_erp(services: Services, tryton: TrytonErp | None, posting_id: str) -> int:
    """How many journal entries the ERP holds for this posting."""
    if tryton is None:
        with services.read() as s:
            return s.scalar(select(func.count()).select_from(ErpJournalEntry)
                            .where(ErpJournalEntry.reference_key == posting_id)) or 0
    company = tryton.mapping.entities[DEMO_ENTITY].company
    return len(tryton.call("model.account.move.search_read", [("description", "=", posting_id)], 0, None, None,
                           ["id"], company=company))


def recover(services: Services) -> None:
    """One pass of the worker, as `payhub worker` runs it. The dead process leased nothing: a pending posting
    is abandoned as soon as it exists."""
    services.posting_deadline = timedelta(0)
    recovery.run_once(services)


def postings(services: Services, **where: str) -> list[Posting]:
    with services.read() as s:
        query = select(Posting).order_by(Posting.created_at, Posting.id)
        for column, value in where.items():
            query = query.where(getattr(Posting, column) == value)
        return list(s.scalars(query))


def balanced(posting: Posting) -> bool:
    return sum(l.debit for l in posting.lines) == sum(l.credit for l in posting.lines) > 0


def events(services: Services, type_: str) -> list[dict[str, Any]]:
    with services.read() as s:
        return [e["data"] for e in s.scalars(select(OutboxEvent.payload).where(OutboxEvent.type == type_))]


def count(services: Services, model: Any) -> int:
    with services.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# --- settlement import --------------------------------------------------------------------------------------

def settlement_report(admin: TestClient) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """Three payments paid; a batch settling all three, the third also charged back."""
    payments = [paid(admin, "inv_acme_1001", 10_000), paid(admin, "inv_acme_1002", 5_000),
                paid(admin, "inv_globex_2001", 2_500)]
    now = datetime.now(UTC)
    disputed = payments[2]
    chargeback = (f"b1,chargeback,{disputed['gateway']['reference']},{disputed['id']},USD,-2500,1500,-4000,"
                  f"{now.isoformat()},dsp_sim_fault,10.4,Chargeback\n")
    report = HEADER + "".join(line("b1", "payment", p, p["amount"]["amount"], 100, now) for p in payments) + chargeback
    return report, payments, disputed


def assert_settled_once(services: Services, tryton: TrytonErp | None, payments: list[dict[str, Any]],
                        disputed: dict[str, Any], lines: int) -> None:
    with services.read() as s:
        (batch,) = s.scalars(select(SettlementBatch)).all()
        assert batch.line_count == lines
        assert s.scalar(select(func.count()).select_from(SettlementLineRow)
                        .where(SettlementLineRow.batch_id == batch.id)) == lines
        assert {p.id: p.settlement_batch_id for p in s.scalars(select(Payment))} == {
            p["id"]: batch.id for p in payments}
        (dispute,) = s.scalars(select(Dispute)).all()
        assert dispute.payment_id == disputed["id"] and dispute.source == "settlement"
    settled = sorted(e["id"] for e in events(services, "payment.settled"))
    assert settled == sorted(p["id"] for p in payments)  # each payment settled once
    (batch_posting,) = postings(services, source_id=batch.id)
    assert batch_posting.status == "confirmed" and balanced(batch_posting)
    assert entries_in_erp(services, tryton, batch_posting.id) == 1
    (chargeback,) = postings(services, source_id=dispute.id)
    assert chargeback.kind == "chargeback" and chargeback.status == "confirmed" and balanced(chargeback)
    assert entries_in_erp(services, tryton, chargeback.id) == 1
    assert [d["id"] for d in events(services, "dispute.opened")] == [dispute.id]


@pytest.mark.parametrize(("point", "erp"), [("after_lines", "embedded"), ("after_commit", "embedded"),
                                            ("after_commit", "tryton")])
def test_a_settlement_import_killed_is_kept_whole_or_not_at_all_and_posted_once(
        point: str, erp: str, request: pytest.FixtureRequest, server: Api, admin: TestClient,
        keys: dict[str, str], services: Services) -> None:
    report, payments, disputed = settlement_report(admin)  # paid in this process, with the embedded ERP
    tryton = on_tryton(request, services, server) if erp == "tryton" else None
    server.start(crash_at=f"settlement.{point}")
    files = {"file": ("settlement.csv", report.encode(), "text/csv")}
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}

    def post(api: Api, key: str, method: str, path: str, body: None, idem: str) -> httpx.Response:
        return httpx.post(f"{api.url}{path}", files=files, data={"gateway": "simulator"}, timeout=30,
                          headers={**headers, "Authorization": f"Bearer {key}", "Idempotency-Key": idem})

    with pytest.raises(httpx.TransportError):
        post(server, keys["admin"], "POST", "/v1/settlements/import", None, "import-1")
    assert server.killed()
    server.start()

    if point == "after_lines":  # nothing of the file was kept
        assert count(services, SettlementBatch) == count(services, SettlementLineRow) == count(services, Dispute) == 0
        assert events(services, "payment.settled") == [] and postings(services, kind="settlement") == []
    else:  # all of it was; the batch's posting is confirmed (embedded) or waits for the worker (Tryton)
        assert count(services, SettlementBatch) == 1 and count(services, SettlementLineRow) == 4
        assert {p.status for p in postings(services, kind="settlement") + postings(services, kind="chargeback")
                } == {"confirmed" if tryton is None else "pending"}

    deadline = time.monotonic() + 60
    while (answer := post(server, keys["admin"], "POST", "/v1/settlements/import", None, "import-1")
           ).json().get("code") == "idempotency_key_in_use":
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.2)
    # the retry gets the import's answer whether the first attempt died before or after its commit
    assert answer.status_code == 201, answer.text
    (batch,) = answer.json()["batches"]
    assert batch["line_count"] == 4 and [p["status"] for p in batch["postings"]] == ["confirmed"]
    assert post(server, keys["admin"], "POST", "/v1/settlements/import", None, "import-1").json() == answer.json()
    fresh = post(server, keys["admin"], "POST", "/v1/settlements/import", None, "import-2")
    assert fresh.status_code == 409 and fresh.json()["code"] == "settlement_batch_duplicate"  # the file, again
    recover(services)
    assert_settled_once(services, tryton, payments, disputed, lines=4)
    recover(services)  # a second pass finds nothing left to do
    assert_settled_once(services, tryton, payments, disputed, lines=4)


@pytest.mark.parametrize("point", ["after_lines", "after_commit"])
def test_the_cli_import_killed_then_run_again_imports_once(point: str, db_url: str, admin: TestClient,
                                                           services: Services, tmp_path: Path) -> None:
    report, payments, disputed = settlement_report(admin)
    path = tmp_path / "settlement.csv"
    path.write_text(report)
    args = ["settle", "import", str(path), "--gateway", "simulator", "--entity", DEMO_ENTITY]
    env = processes.payhub_env(db_url)
    killed = processes.start(args, {**env, "PAYHUB_CRASH_AT": f"settlement.{point}"}, tmp_path / "cli.log")
    assert killed.wait(60) < 0
    again = processes.start(args, env, tmp_path / "cli.log")
    assert again.wait(60) == (0 if point == "after_lines" else 1)  # 1: "Not imported: … imported already"
    recover(services)
    assert_settled_once(services, None, payments, disputed, lines=4)


# --- inbound dispute notifications ------------------------------------------------------------------------------

def simulator_dispute(payment: dict[str, Any]) -> bytes:
    return json.dumps({"id": "evt_sim_fault_1", "type": "dispute.created", "created": int(time.time()), "data": {
        "dispute": "dp_sim_fault", "payment": payment["gateway"]["reference"], "status": "needs_response",
        "amount": payment["amount"]["amount"], "currency": "usd", "reason": "fraudulent", "reason_code": "10.4",
        "evidence_due_by": int(time.time()) + 7 * 86_400}}).encode()


def notify(api: Api, gateway: str, body: bytes, header: str, secret: str) -> httpx.Response:
    """The provider's delivery, signed as the provider signs it."""
    return httpx.post(f"{api.url}/v1/gateways/{gateway}/notifications", content=body, timeout=30,
                      headers={"Content-Type": "application/json",
                               header: signature_header(secret, body, int(time.time()))})


@pytest.mark.parametrize("erp", ["embedded", "tryton"])
def test_a_notification_killed_after_its_commit_opens_one_dispute_booked_once(
        erp: str, request: pytest.FixtureRequest, server: Api, admin: TestClient, services: Services) -> None:
    payment = paid(admin, "inv_acme_1001", 7_000)
    tryton = on_tryton(request, services, server) if erp == "tryton" else None
    server.start(crash_at="notification.after_commit")
    body = simulator_dispute(payment)
    with pytest.raises(httpx.TransportError):
        notify(server, "simulator", body, "Simulator-Signature", SIM_SECRET)
    assert server.killed()
    server.start()
    (chargeback,) = postings(services, kind="chargeback")
    assert chargeback.status == ("confirmed" if tryton is None else "pending")  # empty window when embedded

    redelivered = notify(server, "simulator", body, "Simulator-Signature", SIM_SECRET)  # the provider retries
    assert redelivered.status_code == 200 and redelivered.json()["duplicates"] == 1, redelivered.text
    recover(services)
    with services.read() as s:
        (dispute,) = s.scalars(select(Dispute)).all()
    assert (dispute.payment_id, dispute.status, dispute.amount) == (payment["id"], "needs_response", 7_000)
    (chargeback,) = postings(services, kind="chargeback")
    assert chargeback.source_id == dispute.id and chargeback.status == "confirmed" and balanced(chargeback)
    assert entries_in_erp(services, tryton, chargeback.id) == 1
    assert [d["id"] for d in events(services, "dispute.opened")] == [dispute.id]


# --- evidence submission --------------------------------------------------------------------------------------

def stripe_dispute(server: Api, fake: FakeStripe, keys: dict[str, str], services: Services) -> tuple[str, str]:
    """A Stripe payment through the server, disputed at Stripe and announced by a signed webhook event; the
    dispute's evidence added through the API. Returns (PayHub's dispute id, Stripe's)."""
    with services.transaction() as s:
        s.execute(update(Entity).where(Entity.id == DEMO_ENTITY).values(gateway="stripe"))
    payment = send(server, keys["payments"], "POST", "/v1/payments", pay_body("inv_acme_1001", 9_000), "pay-1")
    assert payment.status_code == 201, payment.text
    stripe_id = fake.add_dispute(payment.json()["gateway"]["reference"])
    body = json.dumps({"id": "evt_fault_dispute", "object": "event", "api_version": "2025-10-29.clover",
                       "type": "charge.dispute.created", "created": int(time.time()) - 5, "livemode": False,
                       "data": {"object": fake.disputes[stripe_id]}}).encode()
    received = notify(server, "stripe", body, "Stripe-Signature", STRIPE_SECRET)
    assert received.status_code == 200, received.text
    (dispute,) = httpx.get(f"{server.url}/v1/disputes", headers={"Authorization": f"Bearer {keys['read']}"}
                           ).json()["data"]
    added = httpx.post(f"{server.url}/v1/disputes/{dispute['id']}/evidence", timeout=30,
                       headers={"Authorization": f"Bearer {keys['payments']}"},
                       data={"product_description": "Annual maintenance plan", "purpose": "receipt"},
                       files={"files": ("receipt.pdf", b"%PDF-1.4 receipt of the plan", "application/pdf")})
    assert added.status_code == 200, added.text
    return dispute["id"], stripe_id


def submitted_at_stripe(fake: FakeStripe, stripe_id: str) -> tuple[int, set[str], int]:
    """(submissions Stripe counted, the idempotency keys PayHub's evidence updates came with, files uploaded)."""
    updates = [r for r in fake.posts() if r.path == f"/v1/disputes/{stripe_id}"]
    return (fake.disputes[stripe_id]["evidence_details"]["submission_count"],
            {r.headers["idempotency-key"] for r in updates}, len(fake.files))


def audited(services: Services, action: str) -> list[dict[str, Any]]:
    with services.read() as s:
        return [a or {} for a in s.scalars(select(AuditEvent.after).where(AuditEvent.action == action))]


@pytest.mark.parametrize(("point", "again"), [("after_intent", "submit-1"), ("after_gateway", "submit-1"),
                                              ("after_gateway", "second-click")])
def test_an_evidence_submission_killed_then_retried_reaches_the_gateway_once(
        point: str, again: str, server: Api, stripe: tuple[FakeStripe, str], keys: dict[str, str],
        services: Services) -> None:
    """Retried with the same Idempotency-Key, or submitted again under another (a second click): the gateway's key
    derives from the dispute and its evidence, so the provider answers with the first submission."""
    fake, _ = stripe
    server.start(crash_at=f"dispute_evidence.{point}")
    dispute_id, stripe_id = stripe_dispute(server, fake, keys, services)
    path = f"/v1/disputes/{dispute_id}/submit"
    crash(server, keys["payments"], "POST", path, None, "submit-1")
    assert submitted_at_stripe(fake, stripe_id)[0] == (0 if point == "after_intent" else 1)
    with services.read() as s:
        assert s.get(Dispute, dispute_id).evidence_submitted_at is None  # type: ignore[union-attr]

    answer = retry(server, keys["payments"], "POST", path, None, again)
    assert answer.status_code == 200, answer.text
    shown = answer.json()
    assert shown["status"] == "under_review" and shown["evidence"]["submitted_at"]
    assert [f["submitted_at"] for f in shown["evidence"]["files"]] == [shown["evidence"]["submitted_at"]]
    count_, idempotency_keys, files = submitted_at_stripe(fake, stripe_id)
    assert count_ == 1 and len(idempotency_keys) == 1 and files == 1
    (done,) = audited(services, "dispute.evidence_submitted")
    assert f"{done['idempotency_key']}:submit" in idempotency_keys
    replay = send(server, keys["payments"], "POST", path, None, again)
    assert replay.headers.get("idempotent-replayed") == "true" and submitted_at_stripe(fake, stripe_id)[0] == 1


# --- reconciliation write-off ---------------------------------------------------------------------------------

def test_a_write_off_killed_after_its_commit_is_posted_once_by_the_worker(
        server: Api, admin: TestClient, keys: dict[str, str], services: Services) -> None:
    payment = paid(admin, "inv_acme_1001", 10_000)
    now = datetime.now(UTC)
    report = HEADER + line("b1", "payment", payment, 10_000, 320, now) + line("b1", "fee", None, 0, 127, now)
    assert admin.post("/v1/settlements/import", data={"gateway": "simulator"},
                      files={"file": ("s.csv", report.encode(), "text/csv")}).status_code == 201
    later = (now + timedelta(days=6)).isoformat()
    assert admin.post("/v1/reconciliation/runs", json={"as_of": later}).status_code == 201
    (fee,) = admin.get("/v1/reconciliation/exceptions", params={"class": "unexpected_fee"}).json()["data"]
    server.start(crash_at="writeoff.after_commit")
    path = f"/v1/reconciliation/exceptions/{fee['id']}/resolve"
    body = {"action": "write_off", "reason": "Monthly account fee"}
    crash(server, keys["admin"], "POST", path, body, "wo-1")
    (written,) = postings(services, kind="write_off")
    assert written.status == "pending"  # committed with the resolution, not yet sent

    again = retry(server, keys["admin"], "POST", path, body, "wo-1")
    assert again.status_code == 409 and again.json()["code"] == "reconciliation_exception_resolved", again.text
    recover(services)
    (written,) = postings(services, kind="write_off")
    assert written.status == "confirmed" and written.source_id == fee["id"] and balanced(written)
    assert entries_in_erp(services, None, written.id) == 1
    shown = admin.get(f"/v1/reconciliation/exceptions/{fee['id']}").json()
    assert shown["status"] == "resolved" and shown["resolution"]["posting"] == written.id
    with services.read() as s:
        debit, credit = s.execute(select(func.sum(GLLineRow.debit), func.sum(GLLineRow.credit))
                                  .where(GLLineRow.posting_id == written.id)).one()
    assert debit == credit == 127
