"""Evidence uploads are checked by content and limits; a refused upload stores nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub.admin import Actor
from payhub.api.app import create_app
from payhub.disputes.evidence import MAX_FILE_BYTES, MAX_FILES, finish_abandoned, submit
from payhub.ports import DISPUTE_EVIDENCE
from payhub.services import Services
from payhub.settings import Settings
from payhub.store.models import Dispute
from tests.disputes.conftest import NotifyingSimulator, Provider, charge_of
from tests.helpers import pay_body

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 16


@pytest.fixture
def big_bodies(services: Services, gateway: NotifyingSimulator, keys: dict[str, str]) -> TestClient:
    """The API with its default limits: the evidence route takes bodies beyond the JSON limit (uploads), so a file
    just over the evidence limit reaches the check."""
    app = create_app(services, Settings(database_url="sqlite://", secret_key="test-secret"))
    return TestClient(app, headers={"Authorization": f"Bearer {keys['payments']}"})


@pytest.fixture
def dispute(admin: TestClient, provider: Provider) -> dict[str, Any]:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    provider.send(provider.dispute(charge_of(payment), "needs_response"))
    [found] = admin.get("/v1/disputes").json()["data"]
    return found  # type: ignore[no-any-return]


@pytest.mark.parametrize(("files", "data", "field"), [
    ([("files", ("receipt.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff", "application/pdf"))], {}, "files.0"),
    ([("files", ("receipt.pdf", PNG, "application/pdf"))], {}, "files.0"),  # says PDF, is a PNG
    ([("files", ("note.txt", b"", "text/plain"))], {}, "files.0"),
    ([("files", ("receipt.pdf", PDF, "application/pdf"))], {"purpose": "selfie"}, "files.0.purpose"),
    ([], {"favourite_colour": "blue"}, "fields.favourite_colour"),
    ([], {"receipt": "x" * 20_001}, "fields.receipt"),
    ([("files", (f"{i}.pdf", PDF, "application/pdf")) for i in range(MAX_FILES + 1)], {}, "files"),
])
def test_bad_evidence_is_refused_and_nothing_is_stored(big_bodies: TestClient, dispute: dict[str, Any],
                                                       files: list[Any], data: dict[str, str], field: str) -> None:
    response = big_bodies.post(f"/v1/disputes/{dispute['id']}/evidence", files=files or None,
                               data={"product_description": "kept only if all is well", **data})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "dispute_evidence_invalid"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    after = big_bodies.get(f"/v1/disputes/{dispute['id']}").json()["evidence"]
    assert after == {"fields": {}, "files": [], "submitted_at": None}


def test_a_file_over_the_limit_is_refused(big_bodies: TestClient, dispute: dict[str, Any]) -> None:
    large = PDF + b"0" * (MAX_FILE_BYTES + 1 - len(PDF))
    response = big_bodies.post(f"/v1/disputes/{dispute['id']}/evidence",
                               files=[("files", ("big.pdf", large, "application/pdf"))])
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "files.0"
    exactly = big_bodies.post(f"/v1/disputes/{dispute['id']}/evidence",
                              files=[("files", ("max.pdf", large[:MAX_FILE_BYTES], "application/pdf"))])
    assert exactly.status_code == 200, exactly.text
    assert exactly.json()["evidence"]["files"][0]["size"] == MAX_FILE_BYTES


def test_files_are_typed_by_content_and_kept_with_their_digest(client: TestClient, dispute: dict[str, Any]) -> None:
    response = client.post(f"/v1/disputes/{dispute['id']}/evidence", files=[
        ("files", ("../../etc/screenshot.png", PNG, "application/octet-stream")),
        ("files", ("chat.txt", "Customer: thanks, all arrived ✓".encode(), "text/plain; charset=utf-8")),
    ], data={"purpose": ["customer_communication", "customer_communication"]})
    assert response.status_code == 200, response.text
    png, text = response.json()["evidence"]["files"]
    assert (png["filename"], png["content_type"], png["size"]) == ("screenshot.png", "image/png", len(PNG))
    assert text["content_type"] == "text/plain" and len(text["sha256"]) == 64
    assert "content" not in png


def test_submitting_needs_evidence_and_a_gateway_that_takes_it(client: TestClient, dispute: dict[str, Any],
                                                               gateway: NotifyingSimulator) -> None:
    empty = client.post(f"/v1/disputes/{dispute['id']}/submit")
    assert empty.status_code == 422 and empty.json()["code"] == "dispute_evidence_invalid"
    client.post(f"/v1/disputes/{dispute['id']}/evidence", data={"uncategorized_text": "Delivered and signed for"})
    gateway.capabilities = NotifyingSimulator.capabilities - {DISPUTE_EVIDENCE}
    refused = client.post(f"/v1/disputes/{dispute['id']}/submit")
    assert refused.status_code == 422 and refused.json()["code"] == "capability_unsupported"
    assert gateway.calls == 0
    gateway.capabilities = NotifyingSimulator.capabilities
    assert client.post(f"/v1/disputes/{dispute['id']}/submit").json()["status"] == "under_review"


def test_a_read_key_cannot_add_or_submit_evidence(app: Any, keys: dict[str, str], dispute: dict[str, Any]) -> None:
    with TestClient(app, headers={"Authorization": f"Bearer {keys['read']}"}) as reader:
        assert reader.get(f"/v1/disputes/{dispute['id']}").status_code == 200
        for path in ("evidence", "submit"):
            denied = reader.post(f"/v1/disputes/{dispute['id']}/{path}", data={"receipt": "x"})
            assert denied.status_code == 403 and denied.json()["code"] == "insufficient_scope"


def test_evidence_for_an_inquiry_puts_the_inquiry_under_review(admin: TestClient, provider: Provider) -> None:
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1002", 1_000)).json()
    provider.send(provider.dispute(charge_of(payment), "warning_needs_response", amount=1_000))
    [inquiry] = admin.get("/v1/disputes").json()["data"]
    admin.post(f"/v1/disputes/{inquiry['id']}/evidence", data={"receipt": "Order 7, paid and delivered"})
    submitted = admin.post(f"/v1/disputes/{inquiry['id']}/submit").json()
    assert (submitted["status"], submitted["raw_status"], submitted["postings"]) == (
        "warning_under_review", "under_review", [])


class Crashed(Exception):
    """Stands for the process dying on the way to the gateway (tests/faults kills real processes there)."""


def test_the_worker_finishes_a_submission_a_crash_left_under_its_key(client: TestClient, dispute: dict[str, Any],
                                                                     gateway: NotifyingSimulator,
                                                                     services: Services,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    client.post(f"/v1/disputes/{dispute['id']}/evidence", data={"uncategorized_text": "Delivered and signed for"})
    sent = gateway.submit_dispute_evidence

    def dies_after_charging(reference: str, evidence: Any, key: str) -> str:
        sent(reference, evidence, key)  # the gateway has it; PayHub never learns
        raise Crashed()

    monkeypatch.setattr(gateway, "submit_dispute_evidence", dies_after_charging)
    with pytest.raises(Crashed):
        submit(services, "ent_demo", dispute["id"], Actor(key_id=None))
    monkeypatch.undo()
    shown = client.get(f"/v1/disputes/{dispute['id']}").json()
    assert shown["status"] == "needs_response" and shown["evidence"]["submitted_at"] is None
    assert finish_abandoned(services) == []  # too recent: the request may still be running
    services.recovery_after = timedelta(0)
    assert finish_abandoned(services) == [dispute["id"]]
    assert finish_abandoned(services) == []  # finished: nothing left
    (key,) = gateway.submissions
    assert gateway.calls == 2 and len(gateway.evidence[dispute_reference(services, dispute["id"])]) == 1
    shown = client.get(f"/v1/disputes/{dispute['id']}").json()
    assert shown["status"] == "under_review" and shown["evidence"]["submitted_at"]


def test_a_submission_whose_evidence_changed_since_is_not_resent(client: TestClient, dispute: dict[str, Any],
                                                                 gateway: NotifyingSimulator, services: Services,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    client.post(f"/v1/disputes/{dispute['id']}/evidence", data={"uncategorized_text": "Delivered"})

    def dies(reference: str, evidence: Any, key: str) -> str:
        raise Crashed()

    monkeypatch.setattr(gateway, "submit_dispute_evidence", dies)
    with pytest.raises(Crashed):
        submit(services, "ent_demo", dispute["id"], Actor(key_id=None))
    monkeypatch.undo()
    client.post(f"/v1/disputes/{dispute['id']}/evidence", data={"service_date": "2026-11-02"})
    services.recovery_after = timedelta(0)
    assert finish_abandoned(services) == []  # the evidence it meant to send is not the evidence now
    assert gateway.calls == 0
    with services.read() as s:
        assert s.get(Dispute, dispute["id"]).evidence_submitting_key is None  # type: ignore[union-attr]


def dispute_reference(services: Services, dispute_id: str) -> str:
    with services.read() as s:
        row = s.get(Dispute, dispute_id)
        assert row is not None
        return row.dispute_reference
