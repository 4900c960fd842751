"""Extensions never leave the ledger and PayHub disagreeing (issue 9, item 16):
- once the ERP has the entry, a hook that fails is a warning on a confirmed posting, never a failure;
- a failed attempt's hook output is never saved: each retry starts from the entry built from the payment
  and runs the extensions enabled now."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.extensions import registry
from payhub.extensions.api import Changes, Extension, PostingContext
from payhub.services import Services
from payhub.store.models import OutboxEvent
from tests.helpers import pay_body, usd

NAMES = ("acme-audit", "switcher", "tagger-then-fail", "noisy")


@pytest.fixture
def admin(app: FastAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as client:
        yield client
    for name in NAMES:
        registry.unregister(name)


def enable(admin: TestClient, name: str, enabled: bool = True) -> None:
    response = admin.patch(f"/v1/extensions/{name}", json={"enabled": enabled})
    assert response.status_code == 200, response.text


def posting_events(services: Services) -> list[str]:
    with services.read() as s:
        return [t for t in s.scalars(select(OutboxEvent.type).order_by(OutboxEvent.id)) if t.startswith("posting")]


def install_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> None:
    """An extension written from scratch as a customer would, installed through the entry point group."""
    dist = tmp_path / "acme_audit-1.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-audit\nVersion: 1.0.0\n")
    (dist / "entry_points.txt").write_text("[payhub.extensions]\nacme-audit = acme_audit:extension\n")
    (tmp_path / "acme_audit.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))


def test_hook_raising_after_erp_post_is_a_warning_on_a_confirmed_posting(
        admin: TestClient, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    install_entry_point(tmp_path, monkeypatch, (
        "from payhub.extensions.api import Extension\n"
        "def notify(ctx):\n"
        "    raise ConnectionError('audit service down')\n"
        "extension = Extension(name='acme-audit', version='1.0.0', hook_api=2, hooks={'after_erp_post': notify})\n"))
    enable(admin, "acme-audit")
    before = admin.get("/v1/invoices/inv_acme_1002").json()
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1002", 30_000)).json()
    posting = payment["posting"]
    assert posting["status"] == "confirmed" and posting["erp_reference"] and posting["error"] is None
    assert posting["warnings"] == ["after_erp_post: acme-audit 1.0.0: after_erp_post raised ConnectionError: "
                                   "audit service down"]
    assert payment["posting_status"] == "confirmed"
    invoice = admin.get("/v1/invoices/inv_acme_1002").json()
    # the ERP booked it and PayHub knows: the hold ended, so the payment is subtracted once
    assert invoice["balance"] == usd(before["balance"]["amount"] - 30_000)
    assert invoice["amount_payable"] == invoice["balance"]
    assert posting_events(services) == ["posting.confirmed"]


def test_veto_or_failure_at_confirm_after_the_erp_has_it_is_a_warning(admin: TestClient) -> None:
    def fail_confirm(ctx: PostingContext) -> Changes:
        raise RuntimeError("ticket system down")

    registry.register(Extension(name="noisy", version="1.0.0", hook_api=1, hooks={
        "before_confirm": lambda ctx: Changes(veto="too late to say no"), "after_confirm": fail_confirm}))
    enable(admin, "noisy")
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 2_000)).json()
    posting = payment["posting"]
    assert posting["status"] == "confirmed" and posting["erp_reference"]
    assert [w.split(":")[0] for w in posting["warnings"]] == ["before_confirm", "after_confirm"]
    assert "too late to say no" in posting["warnings"][0] and "ticket system down" in posting["warnings"][1]
    shown = admin.get(f"/v1/payments/{payment['id']}").json()
    assert shown["posting"]["warnings"] == posting["warnings"]


def test_failed_attempt_keeps_the_built_lines_and_retry_drops_a_disabled_override(admin: TestClient) -> None:
    registry.register(Extension(name="switcher", version="1.0.0", hook_api=1, hooks={
        "before_erp_post": lambda ctx: Changes(account_overrides={"1150": "1999"})}))  # not in the chart
    enable(admin, "switcher")
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_000)).json()
    failed = payment["posting"]
    assert failed["status"] == "failed" and failed["error"]["code"] == "erp_rejected"
    assert "1999" in failed["error"]["message"]
    assert [e["account"] for e in failed["entries"]] == ["1150", "1200"]  # the hook's change was not saved

    enable(admin, "switcher", enabled=False)
    retried = admin.post(f"/v1/payments/{payment['id']}/post").json()["posting"]
    assert retried["status"] == "confirmed" and retried["attempts"] == 2
    assert [e["account"] for e in retried["entries"]] == ["1150", "1200"]
    assert admin.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(132_500 - 4_000)


def test_retry_after_a_before_validate_failure_carries_no_disabled_dimensions(admin: TestClient) -> None:
    def refuse(ctx: PostingContext) -> Changes:
        raise ValueError("project code lookup failed")

    registry.register(Extension(name="tagger-then-fail", version="1.0.0", hook_api=1, hooks={
        "after_build_entries": lambda ctx: Changes(dimensions={"project": "P-7"}), "before_validate": refuse}))
    enable(admin, "tagger-then-fail")
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_000)).json()
    failed = payment["posting"]
    assert failed["status"] == "failed" and failed["error"]["code"] == "extension_failed"
    assert all(e["dimensions"] == {} for e in failed["entries"])

    enable(admin, "tagger-then-fail", enabled=False)
    registry.register(Extension(name="noisy", version="1.0.0", hook_api=1, hooks={
        "before_erp_post": lambda ctx: Changes(dimensions={"cost_centre": "CC-1"})}))
    enable(admin, "noisy")  # the extensions enabled now are the ones that apply
    retried = admin.post(f"/v1/payments/{payment['id']}/post").json()["posting"]
    assert retried["status"] == "confirmed"
    assert [e["dimensions"] for e in retried["entries"]] == [{"cost_centre": "CC-1"}] * 2
