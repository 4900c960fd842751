"""Settlement reports imported through the API: all of a file or nothing, batches refused twice, payments shown
settled with their fees, and each batch booked to the ERP (bank, fees, clearing) through the posting pipeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from payhub.erp.embedded import ErpJournalEntry, ErpJournalLine
from payhub.services import Services
from payhub.settlement import simulator
from payhub.store.models import OutboxEvent, SettlementLineRow
from tests.helpers import pay_body

HEADER = "batch_id,line_type,reference,merchant_reference,currency,gross,fee,net,booked_at,dispute_reference," \
         "reason_code,description\n"


def upload(admin: TestClient, text: str | bytes, name: str = "settlement.csv", gateway: str = "simulator") -> Any:
    body = text.encode() if isinstance(text, str) else text
    return admin.post("/v1/settlements/import", data={"gateway": gateway},
                      files={"file": (name, body, "text/csv")})


def paid(admin: TestClient, invoice: str, amount: int) -> dict[str, Any]:
    created = admin.post("/v1/payments", json=pay_body(invoice, amount))
    assert created.status_code == 201, created.text
    return dict(created.json())


def line(batch: str, kind: str, payment: dict[str, Any] | None, gross: int, fee: int, when: datetime,
         reference: str | None = None) -> str:
    ref = reference if reference is not None else payment["gateway"]["reference"] if payment else ""
    merchant = payment["id"] if payment else ""
    return f"{batch},{kind},{ref},{merchant},USD,{gross},{fee},{gross - fee},{when.isoformat()},,,\n"


def ledger_lines(services: Services, source_id: str) -> list[tuple[str, int, int]]:
    with services.read() as s:
        rows = s.execute(select(ErpJournalLine.account, ErpJournalLine.debit, ErpJournalLine.credit)
                         .join(ErpJournalEntry, ErpJournalEntry.id == ErpJournalLine.entry_id)
                         .where(ErpJournalEntry.reference_key == source_id)).all()
    return sorted((a, d, c) for a, d, c in rows)


def test_a_simulator_batch_settles_payments_and_books_bank_fees_and_clearing(admin: TestClient,
                                                                              services: Services) -> None:
    payments = [paid(admin, "inv_acme_1001", 10_000), paid(admin, "inv_acme_1002", 5_000),
                paid(admin, "inv_globex_2001", 2_500)]
    today = datetime.now(UTC).date()
    settled: dict[str, dict[str, Any]] = {}
    for day in (today + timedelta(days=1), today + timedelta(days=2)):  # T+1, and T+2 for those deferred
        report = list(simulator.report(services, "ent_demo", "simulator", day, seed=7))
        if len(report) == 1:  # only the header: nothing was deferred to this day
            continue
        answer = upload(admin, "".join(report), f"sim-{day}.csv")
        assert answer.status_code == 201, answer.text
        (batch,) = answer.json()["batches"]
        totals = batch["totals"][0]
        assert totals["gross"]["amount"] - totals["fees"]["amount"] == totals["net"]["amount"]
        (posting,) = batch["postings"]
        assert posting["status"] == "confirmed" and posting["source"] == batch["id"] and posting["payment"] is None
        entries = {(e["account"], e["debit"], e["credit"]) for e in posting["entries"]}
        assert entries == {("1000", totals["net"]["amount"], 0), ("6100", totals["fees"]["amount"], 0),
                           ("1150", 0, totals["gross"]["amount"])}
        assert sum(e["debit"] for e in posting["entries"]) == sum(e["credit"] for e in posting["entries"])
        assert ledger_lines(services, posting["id"])  # the embedded ERP has it
        for p in payments:
            shown = admin.get(f"/v1/payments/{p['id']}").json()
            if shown["settlement"]["batch"] == batch["id"]:
                settled[p["id"]] = shown
    assert set(settled) == {p["id"] for p in payments}  # every payment settled, each in exactly one batch
    for p in payments:
        view = settled[p["id"]]
        assert view["status"] == "settled"
        amount = p["amount"]["amount"]
        fee = round(Fraction(amount * 29, 1000)) + 30  # the simulator's 2.9% + 30, rounded half to even
        assert view["settlement"]["gross"]["amount"] == amount
        assert view["settlement"]["fees"]["amount"] == fee
        assert view["settlement"]["net"]["amount"] == amount - fee
    with services.read() as s:  # one payment.settled per payment
        settled_events = s.scalars(select(OutboxEvent.payload).where(OutboxEvent.type == "payment.settled")).all()
    assert sorted(e["data"]["id"] for e in settled_events) == sorted(settled)
    listed = admin.get("/v1/settlements").json()
    assert listed["data"] and listed["data"][0]["line_count"] >= 1
    one = admin.get(f"/v1/settlements/{listed['data'][0]['id']}", params={"lines_limit": 1}).json()
    assert len(one["lines"]["data"]) == 1 and one["lines"]["data"][0]["line"] == 2


def test_a_batch_or_a_file_imported_twice_is_refused_and_changes_nothing(admin: TestClient,
                                                                         services: Services) -> None:
    p = paid(admin, "inv_acme_1001", 10_000)
    now = datetime.now(UTC)
    first = HEADER + line("sim_batch_1", "payment", p, 10_000, 320, now)
    assert upload(admin, first).status_code == 201
    again = upload(admin, first, "renamed.csv")
    assert again.status_code == 409 and again.json()["code"] == "settlement_batch_duplicate"
    # the same batch id with other content (a re-sent report) is the same batch
    other = upload(admin, HEADER + line("sim_batch_1", "fee", None, 0, 2_500, now))
    assert other.status_code == 409 and other.json()["code"] == "settlement_batch_duplicate"
    assert len(admin.get("/v1/settlements").json()["data"]) == 1
    with services.read() as s:
        assert s.scalar(select(func.count()).select_from(SettlementLineRow)) == 1


@pytest.mark.parametrize(("content", "bad_line", "says"), [
    (b"batch,kind\n1,2\n", 1, "column"),
    ((HEADER + "sim_batch_2,payment,sim_ch_x,pay_x,USD,1000,30,970,{now},,,\n").encode()
     + b"sim_batch_2,payment,sim_ch_y,pay_y,USD,1000,30,970,{now},,,caf\xe9\n", 3, "UTF-8"),
    (HEADER + "sim_batch_2,payment,sim_ch_x,pay_x,USD,1000,30,970,{now},,,\n"
     "sim_batch_2,payment,sim_ch_y,pay_y,USD,12.50,30,970,{now},,,\n", 3, ""),
])
def test_a_bad_file_is_refused_naming_the_line_and_nothing_is_imported(
        admin: TestClient, services: Services, content: str | bytes, bad_line: int, says: str) -> None:
    p = paid(admin, "inv_acme_1001", 10_000)
    now = datetime.now(UTC).isoformat()
    text = content.replace(b"{now}", now.encode()) if isinstance(content, bytes) else content.replace("{now}", now)
    good_first = text if isinstance(text, bytes) else text.encode()
    good_first = good_first.replace(b"sim_ch_x", p["gateway"]["reference"].encode())  # a line that would settle p
    answer = upload(admin, good_first)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "settlement_file_invalid" and problem["line"] == bad_line
    assert f"line {bad_line}" in problem["detail"] and says in problem["detail"]
    assert admin.get("/v1/settlements").json()["data"] == []
    assert admin.get(f"/v1/payments/{p['id']}").json()["settlement"]["status"] == "pending"
    with services.read() as s:
        assert s.scalar(select(func.count()).select_from(SettlementLineRow)) == 0


def test_import_needs_admin_and_a_gateway_that_reads_reports(app: Any, keys: dict[str, str],
                                                             admin: TestClient) -> None:
    with TestClient(app, headers={"Authorization": f"Bearer {keys['read']}"}) as reader:
        refused = upload(reader, HEADER)
        assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    unknown = upload(admin, HEADER, gateway="nope")
    assert unknown.status_code == 404 and unknown.json()["code"] == "gateway_not_found"
    empty = upload(admin, HEADER)
    assert empty.status_code == 422 and empty.json()["code"] == "settlement_file_invalid"


def test_a_retried_upload_replays_whatever_boundary_the_client_draws(admin: TestClient, services: Services) -> None:
    """Clients draw a new multipart boundary per request: the same file under the same Idempotency-Key is the
    same request, and another file under it is refused."""
    p = paid(admin, "inv_acme_1001", 10_000)
    report = (HEADER + line("sim_batch_9", "payment", p, 10_000, 320, datetime.now(UTC))).encode()

    def send(boundary: str, content: bytes) -> Any:
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"gateway\"\r\n\r\nsimulator\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.csv\"\r\n"
                f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        return admin.post("/v1/settlements/import", content=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "Idempotency-Key": "import-9"})

    first = send("a1b2c3", report)
    assert first.status_code == 201, first.text
    again = send("zz9y8x7w", report)
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other = send("q1", report.replace(b"10000,320", b"10000,321"))
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    with services.read() as s:
        assert s.scalar(select(func.count()).select_from(SettlementLineRow)) == 1
