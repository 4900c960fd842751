"""Extensions around the posting steps: dimensions, overrides, vetoes, failures, versions, audit."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.extensions import registry
from payhub.extensions.api import Changes, Extension, PostingContext
from payhub.services import Services
from tests.helpers import pay_body, usd

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "extensions"
sys.path.insert(0, str(EXAMPLES))

import cost_centres  # noqa: E402
import large_refund_guard  # noqa: E402


@pytest.fixture
def admin(app: FastAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    registry.register(cost_centres.extension)
    registry.register(large_refund_guard.extension)
    with TestClient(app, headers={"Authorization": f"Bearer {keys['admin']}"}) as client:
        yield client
    for name in ("cost-centres", "large-refund-guard", "tagger", "broken", "slow", "late", "meddler"):
        registry.unregister(name)


def enable(admin: TestClient, name: str, **fields: object) -> dict:  # type: ignore[type-arg]
    response = admin.patch(f"/v1/extensions/{name}", json={"enabled": True, **fields})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_v1_extension_adds_dimensions_and_overrides_accounts(admin: TestClient) -> None:
    enable(admin, "cost-centres")
    posting = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_000)).json()["posting"]
    assert posting["status"] == "confirmed"
    assert [(e["account"], e["dimensions"]["cost_centre"]) for e in posting["entries"]] == [
        ("1160", "CC-CONSTRUCTION"), ("1200", "CC-CONSTRUCTION")]
    assert admin.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(132_500 - 4_000)


def test_v1_and_v2_extensions_run_side_by_side(admin: TestClient) -> None:
    """cost-centres targets hook API v1 and keeps working now that v2 exists."""
    enable(admin, "cost-centres")
    enable(admin, "large-refund-guard")
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 80_000)).json()
    posting = payment["posting"]
    assert posting["status"] == "confirmed" and posting["entries"][0]["account"] == "1160"
    assert posting["memo"] == "large-refund-guard: checked on attempt 1 via api"

    small = admin.post("/v1/refunds", json={"payment": payment["id"], "amount": usd(10_000)}).json()
    assert small["posting"]["status"] == "confirmed"
    big = admin.post("/v1/refunds", json={"payment": payment["id"], "amount": usd(60_000)})
    assert big.status_code == 201  # the money moved at the gateway; the GL posting is what was refused
    vetoed = big.json()["posting"]
    assert vetoed["status"] == "failed" and vetoed["error"]["code"] == "posting_vetoed"
    assert "approve it in the ERP first" in vetoed["error"]["message"]
    assert vetoed["next_retry_at"] is None  # a veto waits for a human, not for a timer
    events = [e["type"] for e in admin.get("/v1/events", params={"type": "posting.failed"}).json()["data"]]
    assert events == ["posting.failed"]
    assert admin.get(f"/v1/payments/{payment['id']}").json()["amount_refunded"] == usd(70_000)


def _register(name: str, hook_point: str, hook: object, version: str = "1.0.0", api: int = 1) -> None:
    registry.register(Extension(name=name, version=version, hook_api=api, hooks={hook_point: hook}))  # type: ignore[dict-item]


def test_failing_hook_fails_the_posting_cleanly_and_retry_recovers(admin: TestClient) -> None:
    def broken(ctx: PostingContext) -> Changes:
        raise RuntimeError("lookup service down")

    _register("broken", "before_erp_post", broken)
    enable(admin, "broken")
    payment = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_000)).json()
    assert payment["status"] == "captured"
    assert payment["posting"]["status"] == "failed" and payment["posting"]["error"]["code"] == "extension_failed"
    assert "lookup service down" in payment["posting"]["error"]["message"]
    assert admin.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(132_500)  # nothing half-posted

    admin.patch("/v1/extensions/broken", json={"enabled": False})
    retried = admin.post(f"/v1/payments/{payment['id']}/post").json()["posting"]
    assert retried["status"] == "confirmed" and retried["attempts"] == 2
    assert admin.get("/v1/invoices/inv_acme_1001").json()["balance"] == usd(128_500)


def test_slow_hook_times_out(admin: TestClient, services: Services) -> None:
    services.hook_timeout_s = 0.2

    def slow(ctx: PostingContext) -> None:
        time.sleep(1)

    _register("slow", "before_validate", slow)
    enable(admin, "slow")
    posting = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_000)).json()["posting"]
    assert posting["status"] == "failed" and "did not return within 0.2s" in posting["error"]["message"]


def test_hooks_get_read_only_data(admin: TestClient) -> None:
    seen: list[str] = []

    def meddle(ctx: PostingContext) -> None:
        payment, dimensions = cast(Any, ctx.payment), cast(Any, ctx.lines[0].dimensions)  # typed read-only
        for attempt in (lambda: setattr(ctx, "kind", "x"), lambda: payment.__setitem__("amount", 1),
                        lambda: dimensions.__setitem__("a", "b")):
            try:
                attempt()
            except (AttributeError, TypeError):
                seen.append("refused")

    _register("meddler", "before_erp_post", meddle)
    enable(admin, "meddler")
    posting = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_000)).json()["posting"]
    assert seen == ["refused"] * 3 and posting["status"] == "confirmed"


def test_lines_cannot_change_after_the_erp_has_them(admin: TestClient) -> None:
    _register("late", "after_erp_post", lambda ctx: Changes(dimensions={"project": "late"}))
    enable(admin, "late")
    posting = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 4_000)).json()["posting"]
    # the ERP has the entry: the refused change is a warning on the confirmed posting, and is not applied
    assert posting["status"] == "confirmed" and posting["error"] is None
    assert len(posting["warnings"]) == 1 and "once the ERP has them" in posting["warnings"][0]
    assert all("project" not in e["dimensions"] for e in posting["entries"])


def test_pinned_versions_and_audit(admin: TestClient, keys: dict[str, str]) -> None:
    for version in ("1.0.0", "1.1.0"):
        _register("tagger", "before_erp_post",
                  lambda ctx, v=version: Changes(dimensions={"tagged_by": v}), version=version)
    listed = {e["name"]: e for e in admin.get("/v1/extensions").json()["data"]}
    assert [v["version"] for v in listed["tagger"]["versions"]] == ["1.0.0", "1.1.0"]
    assert listed["tagger"]["enabled"] is False

    enable(admin, "tagger")
    newest = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000)).json()["posting"]
    assert newest["entries"][0]["dimensions"] == {"tagged_by": "1.1.0"}
    enable(admin, "tagger", pinned_version="1.0.0")
    pinned = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000)).json()["posting"]
    assert pinned["entries"][0]["dimensions"] == {"tagged_by": "1.0.0"}

    bad = admin.patch("/v1/extensions/tagger", json={"pinned_version": "9.9.9"})
    assert bad.status_code == 422
    assert admin.patch("/v1/extensions/nope", json={"enabled": True}).status_code == 404

    registry._registered.pop(("tagger", "1.0.0"))  # the pinned version is uninstalled under our feet
    missing = admin.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000)).json()["posting"]
    assert missing["status"] == "failed" and missing["error"]["code"] == "extension_version_missing"

    trail = admin.get("/v1/audit_events").json()["data"]
    assert [a["action"] for a in trail] == ["extension.updated", "extension.updated"]
    assert trail[0]["before"] == {"enabled": True, "pinned_version": None}
    assert trail[0]["after"] == {"enabled": True, "pinned_version": "1.0.0"}
    assert trail[1]["before"] is None and trail[0]["key"].startswith("key_") and trail[0]["request_id"]


def test_entry_point_extensions_are_discovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "acme_payhub_ext-3.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-payhub-ext\nVersion: 3.1.0\n")
    (dist / "entry_points.txt").write_text("[payhub.extensions]\nacme = acme_payhub_ext:extension\n")
    (tmp_path / "acme_payhub_ext.py").write_text(
        "from payhub.extensions.api import Extension, Changes\n"
        "extension = Extension(name='acme', version='3.1.0', hook_api=1,\n"
        "                      hooks={'before_erp_post': lambda ctx: Changes(dimensions={'acme': 'yes'})})\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [e.version for e in registry.installed()["acme"]] == ["3.1.0"]


def test_extension_declarations_are_checked() -> None:
    with pytest.raises(ValueError, match="unknown hook points"):
        Extension(name="x", version="1", hook_api=1, hooks={"before_lunch": lambda ctx: None})
    with pytest.raises(ValueError, match="hook API v3"):
        Extension(name="x", version="1", hook_api=3, hooks={})
