"""Key rotation end to end: cards sealed under k1, `payhub vault rotate-key` re-seals them under k2 in batches
(with its progress bar), and with k1 removed from configuration the saved cards still pay."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from payhub.api.app import create_app
from payhub.auth.keys import create_key
from payhub.bootstrap import build_services
from payhub.cli import app
from payhub.demo import seed
from payhub.settings import Settings
from payhub.store.migrate import upgrade
from payhub.store.models import VaultToken
from payhub.vault.crypto import new_key
from tests.conftest import now
from tests.helpers import pay_body

K1, K2 = new_key(), new_key()
CONSENT = {"text": "Keep this card for my invoices.", "accepted": True}


def _save_cards(url: str, keys: dict[str, str], n: int) -> list[str]:
    svc = build_services(Settings(database_url=url, secret_key="test-secret", vault_keys=keys))
    with svc.transaction() as s:
        seed(s, now())
        secret = create_key(s, "ent_demo", "payments", now())[1]
    saved = []
    with TestClient(create_app(svc), headers={"Authorization": f"Bearer {secret}"}) as c:
        for _ in range(n):
            token = c.post("/v1/tokens", json={"card": {"number": "4242424242424242", "exp_month": 12,
                                                        "exp_year": 2031, "cvc": "123"}}).json()
            pm = c.post("/v1/customers/cus_acme/payment_methods", json={"token": token["id"], "consent": CONSENT})
            assert pm.status_code == 201, pm.text
            saved.append(pm.json()["id"])
    svc.close()
    return saved


def _pay(url: str, keys: dict[str, str], pm: str) -> int:
    svc = build_services(Settings(database_url=url, secret_key="test-secret", vault_keys=keys))
    with svc.transaction() as s:
        secret = create_key(s, "ent_demo", "payments", now())[1]
    with TestClient(create_app(svc), headers={"Authorization": f"Bearer {secret}"}) as c:
        status: int = c.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, {"type": "saved",
                                                                               "payment_method": pm})).status_code
    svc.close()
    return status


def _key_ids(url: str) -> list[str]:
    svc = build_services(Settings(database_url=url, secret_key="test-secret"))
    with svc.read() as s:
        ids = [t.key_id for t in s.scalars(select(VaultToken))]
    svc.close()
    return ids


def test_rotate_key_reseals_in_batches_and_the_old_key_can_go(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    url = f"sqlite:///{tmp_path / 'vault.db'}"
    upgrade(url)
    saved = _save_cards(url, {"k1": K1}, 5)
    assert _key_ids(url) == ["k1"] * 5
    monkeypatch.setenv("PAYHUB_DATABASE_URL", url)
    monkeypatch.setenv("PAYHUB_VAULT_KEYS", json.dumps({"k1": K1, "k2": K2}))
    monkeypatch.setenv("PAYHUB_VAULT_ACTIVE_KEY", "k2")
    runner = CliRunner()
    status = runner.invoke(app, ["vault", "status"])
    assert status.exit_code == 0 and "Active key: k2" in status.output and "k1: 5 sealed" in status.output
    rotated = runner.invoke(app, ["vault", "rotate-key", "--batch-size", "2"])
    assert rotated.exit_code == 0, rotated.output
    assert "Re-sealed 5 value(s) under k2" in rotated.output and "100%" in rotated.output
    assert _key_ids(url) == ["k2"] * 5
    again = runner.invoke(app, ["vault", "rotate-key"])
    assert "Re-sealed 0 value(s)" in again.output  # idempotent: nothing left under k1
    # k1 leaves the configuration: every saved card still pays
    assert [_pay(url, {"k2": K2}, pm) for pm in saved[:2]] == [201, 201]


def test_rotation_stops_on_a_value_whose_key_is_not_configured(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'vault.db'}"
    upgrade(url)
    _save_cards(url, {"k1": K1}, 1)
    monkeypatch.setenv("PAYHUB_DATABASE_URL", url)
    monkeypatch.setenv("PAYHUB_VAULT_KEYS", json.dumps({"k2": K2}))  # k1 dropped too early
    runner = CliRunner()
    assert "(not configured" in runner.invoke(app, ["vault", "status"]).output
    stopped = runner.invoke(app, ["vault", "rotate-key"])
    assert stopped.exit_code == 1 and "Vault key 'k1' is not configured" in stopped.output
    assert _key_ids(url) == ["k1"]  # nothing half-done


def test_new_key_prints_a_key_the_settings_accept() -> None:
    out = CliRunner().invoke(app, ["vault", "new-key", "k3"])
    assert out.exit_code == 0
    printed = json.loads(re.sub(r"\s", "", out.output))
    assert Settings(vault_keys=printed, vault_active_key="k3").vault_keys == printed
    assert CliRunner().invoke(app, ["vault", "new-key", "bad id"]).exit_code != 0
