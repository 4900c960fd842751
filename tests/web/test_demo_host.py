"""`payhub demo` allow-lists the demo host page and writes its key; `payhub demo-host` serves a portal page that
embeds the four widgets with a customer token it minted through the public API and the manifest's script tag."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from payhub.cli import app as cli
from payhub.services import Services
from payhub.web.demo_host import serve_demo_host


@pytest.fixture
def demo_key(services: Services, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("PAYHUB_DATABASE_URL", db_url)
    monkeypatch.setenv("PAYHUB_SECRET_KEY", "test-secret")
    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(cli, ["demo"])
    assert done.exit_code == 0, done.output
    assert "http://127.0.0.1:8001" in done.output
    key_file = tmp_path / ".payhub-demo-key"
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert CliRunner().invoke(cli, ["demo"]).exit_code == 0  # again: nothing doubled
    return key_file.read_text().strip()


@pytest.fixture
def host(live_url: str, demo_key: str) -> Iterator[str]:
    server = serve_demo_host("127.0.0.1", 0, live_url, demo_key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


def test_payhub_demo_allow_lists_the_demo_host(demo_key: str, admin: TestClient) -> None:
    assert demo_key.startswith("phk_payments_")
    origins = admin.get("/v1/portal_settings").json()["allowed_origins"]
    assert origins == ["http://127.0.0.1:8001", "http://localhost:8001"]


def test_the_demo_host_page_embeds_the_four_widgets(host: str, live_url: str) -> None:
    page = httpx.get(f"{host}/", timeout=10)
    assert page.status_code == 200, page.text
    assert "Acme" in page.text and "--payhub-color-primary" in httpx.get(f"{host}/acme.css").text
    manifest = httpx.get(f"{live_url}/v1/widgets/manifest").json()
    assert manifest["snippet"] in page.text  # the script tag with its SRI hash
    tokens = set(re.findall(r'token="(pht_[^"]+)"', page.text))
    assert len(tokens) == 1
    for tag in ("payhub-invoice-list", "payhub-payment-form", "payhub-payment-history", "payhub-autopay-enrollment"):
        assert f'<{tag} api-base="{live_url}"' in page.text
    token = tokens.pop()
    invoices = httpx.get(f"{live_url}/v1/customers/cus_acme/invoices", headers={
        "Authorization": f"Bearer {token}", "Origin": "http://127.0.0.1:8001"})
    assert invoices.status_code == 200 and invoices.json()["data"]
    assert live_url in page.headers["content-security-policy"]
    globex = httpx.get(f"{host}/?customer=cus_globex", timeout=10)
    assert "Globex Corporation" in globex.text


def test_the_demo_host_explains_a_missing_payhub(demo_key: str) -> None:
    server = serve_demo_host("127.0.0.1", 0, "http://127.0.0.1:9", demo_key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = httpx.get(f"http://127.0.0.1:{server.server_address[1]}/", timeout=10)
        assert page.status_code == 503 and "does not answer" in page.text
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
