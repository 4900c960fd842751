"""Browser-test harness: PayHub and a host page on two origins, and one Chromium for the session.

- `host_server`: the host's web server on http://127.0.0.1:P2; `host_server.page(html)` serves a page, returns its URL.
- `payhub_server`: PayHub (the app over a migrated SQLite file with the demo seeded) on http://localhost:P, so
  the host page and PayHub are different origins (postMessage origin checks and CSP frame-ancestors are real).
  The host's origin is on the demo entity's allowed_origins. `.url`, `.admin_key`, `.services`.
- `customer_token(customer, **body)`: a customer-context token (POST /v1/customer_tokens) for the demo entity.
- `expired_customer_token`: a token whose expiry has passed (written with a past expiry through the auth module).
- `browser`: Debian's /usr/bin/chromium driven by Playwright (never a downloaded browser), one per session.
Ports are picked free (port 0); servers run in threads of this process and stop at the end of the session."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

pytest.importorskip("playwright")
from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from payhub.api.app import create_app  # noqa: E402
from payhub.auth.keys import create_customer_token, create_key  # noqa: E402
from payhub.bootstrap import build_services  # noqa: E402
from payhub.demo import DEMO_ENTITY, seed  # noqa: E402
from payhub.services import Services  # noqa: E402
from payhub.settings import Settings  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class HostServer:
    """Serves the pages a test hands it, each at its own path, on 127.0.0.1."""

    url: str = ""
    pages: dict[str, bytes] = field(default_factory=dict)

    def page(self, html: str) -> str:
        path = f"/page{len(self.pages) + 1}.html"
        self.pages[path] = html.encode()
        return self.url + path

    @property
    def origin(self) -> str:
        return self.url


@pytest.fixture(scope="session")
def host_server() -> Iterator[HostServer]:
    host = HostServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            body = host.pages.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield host
    server.shutdown()
    thread.join(10)


@dataclass
class PayHubServer:
    url: str
    admin_key: str
    services: Services


@pytest.fixture(scope="session")
def payhub_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
                  host_server: HostServer) -> Iterator[PayHubServer]:
    path = tmp_path_factory.mktemp("browser") / "payhub.db"
    shutil.copy(sqlite_template, path)
    services = build_services(Settings(database_url=f"sqlite:///{path}", secret_key="browser-test-secret"))
    now = datetime.now(UTC)
    with services.transaction() as s:
        seed(s, now)
        admin_key = create_key(s, DEMO_ENTITY, "admin", now)[1]
    port = free_port("localhost")
    server = uvicorn.Server(uvicorn.Config(create_app(services), host="localhost", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("PayHub did not start for the browser tests")
        time.sleep(0.02)
    url = f"http://localhost:{port}"
    allowed = httpx.put(f"{url}/v1/portal_settings", json={"allowed_origins": [host_server.origin]},
                        headers={"Authorization": f"Bearer {admin_key}"}, timeout=30)
    assert allowed.status_code == 200, allowed.text
    yield PayHubServer(url, admin_key, services)
    server.should_exit = True
    thread.join(10)
    services.close()


@pytest.fixture(scope="session")
def customer_token(payhub_server: PayHubServer) -> Callable[..., str]:
    def make(customer: str, **body: Any) -> str:
        response = httpx.post(f"{payhub_server.url}/v1/customer_tokens", json={"customer": customer, **body},
                              headers={"Authorization": f"Bearer {payhub_server.admin_key}"}, timeout=30)
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    return make


@pytest.fixture
def expired_customer_token(payhub_server: PayHubServer) -> str:
    """A real token of the demo's cus_acme whose expiry has passed (the API makes only live ones)."""
    now = datetime.now(UTC)
    with payhub_server.services.transaction() as s:
        _, secret = create_customer_token(s, DEMO_ENTITY, "cus_acme", now - timedelta(hours=2),
                                          now - timedelta(hours=1), invoice_ids=None, max_amount=None,
                                          currency=None, created_by="browser-tests")
    return secret


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
