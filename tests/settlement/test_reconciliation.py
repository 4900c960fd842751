"""Reconciliation runs through HTTP: exceptions of each kind a settlement file can show, found once, with both
sides' data and a proposed fix; resolved by write-off, manual match or ignore (with a reason, audited); the
daily report; and `reconciliation.exception` reaching a webhook receiver, signed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from standardwebhooks import Webhook

from payhub.auth.keys import create_key
from payhub.services import Services
from payhub.store.models import AuditEvent, Entity, OutboxEvent
from payhub.webhooks.worker import WebhookWorker
from tests.settlement.test_settlement import HEADER, line, paid, upload
from tests.webhooks.conftest import Receiver, drain


def events(services: Services, type_: str) -> list[dict[str, Any]]:
    with services.read() as s:
        return [e["data"] for e in s.scalars(select(OutboxEvent.payload).where(OutboxEvent.type == type_)
                                             .order_by(OutboxEvent.id))]


def by_class(admin: TestClient, **params: str) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for e in admin.get("/v1/reconciliation/exceptions", params={"limit": "100", **params}).json()["data"]:
        found.setdefault(e["class"], []).append(e)
    return found


def scenario(admin: TestClient) -> dict[str, Any]:
    """Four payments; a batch that settles one right, one short, one twice, a stranger and a fee; the fourth
    is never settled."""
    ok, short, twice, unsettled = (paid(admin, "inv_acme_1001", 10_000), paid(admin, "inv_acme_1002", 8_000),
                                   paid(admin, "inv_globex_2001", 6_000), paid(admin, "inv_globex_2002", 4_000))
    now = datetime.now(UTC)
    report = (HEADER + line("b1", "payment", ok, 10_000, 320, now) + line("b1", "payment", short, 7_873, 260, now)
              + line("b1", "payment", twice, 6_000, 204, now) + line("b1", "payment", twice, 6_000, 204, now)
              + line("b1", "payment", None, 1_234, 66, now, reference="sim_ch_stranger")
              + line("b1", "fee", None, 0, 127, now))
    assert upload(admin, report).status_code == 201
    return {"ok": ok, "short": short, "twice": twice, "unsettled": unsettled}


def test_a_run_finds_each_break_once_with_both_sides_and_a_proposed_fix(admin: TestClient,
                                                                       services: Services) -> None:
    made = scenario(admin)
    later = (datetime.now(UTC) + timedelta(days=6)).isoformat()
    run = admin.post("/v1/reconciliation/runs", json={"as_of": later})
    assert run.status_code == 201, run.text
    assert run.json()["status"] == "completed" and run.json()["trigger"] == "api"
    found = by_class(admin)
    assert sorted((c, len(v)) for c, v in found.items()) == [
        ("amount_mismatch", 1), ("duplicate", 1), ("missing_in_ledger", 1), ("posted_but_not_settled", 1),
        ("unexpected_fee", 1)]
    mismatch = found["amount_mismatch"][0]
    assert mismatch["payment"] == made["short"]["id"] and mismatch["difference"] == {"amount": -127,
                                                                                       "currency": "USD"}
    assert mismatch["details"]["gross"] == 7_873 and mismatch["details"]["amount"] == 8_000
    assert mismatch["details"]["gl_status"] == "confirmed"
    assert mismatch["proposal"]["description"].startswith("Settled 1.27 USD less than record")
    assert mismatch["proposal"]["description"].endswith("post the shortfall to 6100")
    assert {(l["account"], l["debit"], l["credit"]) for l in mismatch["proposal"]["entry"]} == {
        ("6100", 127, 0), ("1150", 0, 127)}
    fee = found["unexpected_fee"][0]
    assert fee["proposal"]["description"] == "Post fee difference 1.27 USD to 6100"
    assert found["posted_but_not_settled"][0]["payment"] == made["unsettled"]["id"]
    assert found["missing_in_ledger"][0]["details"]["gateway_reference"] == "sim_ch_stranger"
    assert found["duplicate"][0]["details"]["gateway_reference"] == made["twice"]["gateway"]["reference"]
    announced = events(services, "reconciliation.exception")
    assert sorted(e["class"] for e in announced) == sorted(found)
    (summary,) = events(services, "reconciliation.completed")
    assert summary["summary"]["exceptions_new"] == 5
    assert summary["summary"]["exceptions_by_class"]["amount_mismatch"] == 1

    again = admin.post("/v1/reconciliation/runs", json={"as_of": later}).json()
    assert again["summary"]["exceptions_new"] == 0 and again["summary"]["exceptions_open"] == 5
    assert len(events(services, "reconciliation.exception")) == 5  # not announced twice
    runs = admin.get("/v1/reconciliation/runs").json()["data"]
    assert [r["id"] for r in runs] == [again["id"], run.json()["id"]]
    only = admin.get("/v1/reconciliation/exceptions", params={"class": "duplicate", "limit": "1"}).json()
    assert [e["class"] for e in only["data"]] == ["duplicate"] and only["has_more"] is False


def test_resolutions_post_match_or_ignore_with_a_reason_and_are_audited(admin: TestClient,
                                                                        services: Services) -> None:
    made = scenario(admin)
    later = (datetime.now(UTC) + timedelta(days=6)).isoformat()
    admin.post("/v1/reconciliation/runs", json={"as_of": later})
    found = by_class(admin)
    fee_id = found["unexpected_fee"][0]["id"]

    no_reason = admin.post(f"/v1/reconciliation/exceptions/{fee_id}/resolve", json={"action": "ignore",
                                                                                     "reason": ""})
    assert no_reason.status_code == 422
    written = admin.post(f"/v1/reconciliation/exceptions/{fee_id}/resolve",
                         json={"action": "write_off", "reason": "Monthly account fee"})
    assert written.status_code == 200, written.text
    posting = written.json()["resolution"]["posting"]
    assert posting["status"] == "confirmed" and posting["kind"] == "write_off" and posting["source"] == fee_id
    assert {(e["account"], e["debit"], e["credit"]) for e in posting["entries"]} == {("6100", 127, 0),
                                                                                      ("1150", 0, 127)}
    twice = admin.post(f"/v1/reconciliation/exceptions/{fee_id}/resolve",
                       json={"action": "ignore", "reason": "again"})
    assert twice.status_code == 409 and twice.json()["code"] == "reconciliation_exception_resolved"

    edited_id = found["amount_mismatch"][0]["id"]
    unbalanced = admin.post(f"/v1/reconciliation/exceptions/{edited_id}/resolve", json={
        "action": "write_off", "reason": "split", "entry": [
            {"account": "6100", "debit": 100, "credit": 0, "currency": "USD"},
            {"account": "1150", "debit": 0, "credit": 127, "currency": "USD"}]})
    assert unbalanced.status_code == 422 and unbalanced.json()["code"] == "ledger_unbalanced"
    edited = admin.post(f"/v1/reconciliation/exceptions/{edited_id}/resolve", json={
        "action": "write_off", "reason": "Interchange downgrade, part to the customer", "entry": [
            {"account": "6100", "debit": 100, "credit": 0, "currency": "USD"},
            {"account": "1200", "debit": 27, "credit": 0, "currency": "USD"},
            {"account": "1150", "debit": 0, "credit": 127, "currency": "USD"}]})
    assert edited.status_code == 200 and edited.json()["resolution"]["posting"]["status"] == "confirmed"

    stranger = found["missing_in_ledger"][0]
    matched = admin.post(f"/v1/reconciliation/exceptions/{stranger['id']}/resolve", json={
        "action": "manual_match", "reason": "Paid by phone under an old reference",
        "match": made["unsettled"]["id"]})
    assert matched.status_code == 200, matched.text
    ignored = admin.post(f"/v1/reconciliation/exceptions/{found['duplicate'][0]['id']}/resolve",
                         json={"action": "ignore", "reason": "The processor confirmed a display error"})
    assert ignored.status_code == 200

    rerun = admin.post("/v1/reconciliation/runs", json={"as_of": later}).json()
    # the manual match settles the stranger line against the unsettled payment: both breaks are gone
    assert by_class(admin, status="open") == {}
    assert rerun["summary"]["exceptions_new"] == 0
    cleared = admin.get(f"/v1/reconciliation/exceptions/{found['posted_but_not_settled'][0]['id']}").json()
    assert cleared["status"] == "resolved" and cleared["resolution"]["action"] == "cleared"
    with services.read() as s:
        actions = sorted(s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("reconciliation_exception.%"))).all())
    assert actions == ["reconciliation_exception.ignore", "reconciliation_exception.manual_match",
                       "reconciliation_exception.write_off", "reconciliation_exception.write_off"]


def test_the_daily_report_in_json_and_csv(admin: TestClient) -> None:
    scenario(admin)
    admin.post("/v1/reconciliation/runs", json={"as_of": (datetime.now(UTC) + timedelta(days=6)).isoformat()})
    day = datetime.now(UTC).date().isoformat()
    report = admin.get("/v1/reconciliation/report", params={"gateway": "simulator", "date": day}).json()
    settled = {r["type"]: r for r in report["settled"]}
    assert settled["payment"]["lines"] == 5 and settled["fee"]["fees"]["amount"] == 127
    (matched,) = report["matched"]  # the first payment, and the first of the twice-settled one's lines
    assert matched["lines"] == 2 and matched["gross"]["amount"] == 16_000 and matched["fees"]["amount"] == 524
    assert {(e["class"], e["count"]) for e in report["exceptions"]} >= {("amount_mismatch", 1),
                                                                         ("unexpected_fee", 1)}
    as_csv = admin.get("/v1/reconciliation/report", params={"gateway": "simulator", "date": day,
                                                            "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert {"section": "matched", "currency": "USD", "name": "", "status": "", "count": "2", "gross": "16000",
            "fees": "524", "net": "15476", "difference": ""} in rows


def test_another_entity_never_sees_the_exceptions(admin: TestClient, app: Any, services: Services) -> None:
    scenario(admin)
    admin.post("/v1/reconciliation/runs", json={"as_of": (datetime.now(UTC) + timedelta(days=6)).isoformat()})
    some = admin.get("/v1/reconciliation/exceptions").json()["data"][0]
    with services.transaction() as s:
        s.add(Entity(id="ent_other", name="Other", default_currency="USD", created_at=datetime.now(UTC)))
        s.flush()
        secret = create_key(s, "ent_other", "admin", datetime.now(UTC))[1]
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as other:
        assert other.get(f"/v1/reconciliation/exceptions/{some['id']}").status_code == 404
        assert other.post(f"/v1/reconciliation/exceptions/{some['id']}/resolve",
                          json={"action": "ignore", "reason": "x"}).status_code == 404
        assert other.get("/v1/reconciliation/exceptions").json()["data"] == []
        assert other.get("/v1/settlements").json()["data"] == []


def test_exceptions_reach_a_webhook_receiver_signed(admin: TestClient, receiver: Receiver,
                                                    worker: WebhookWorker) -> None:
    endpoint = admin.post("/v1/webhook_endpoints", json={
        "url": receiver.url, "event_types": ["reconciliation.exception", "reconciliation.completed"]})
    assert endpoint.status_code == 201, endpoint.text
    scenario(admin)
    admin.post("/v1/reconciliation/runs", json={})
    drain(worker)
    verifier = Webhook(endpoint.json()["secret"])
    received = [verifier.verify(r.body, r.headers) for r in receiver.requests]
    classes = sorted(e["data"]["class"] for e in received if e["type"] == "reconciliation.exception")
    assert classes == ["amount_mismatch", "duplicate", "missing_in_ledger", "unexpected_fee"]
    assert [e["type"] for e in received].count("reconciliation.completed") == 1
