"""Browser-test harness: PayHub and a host page on two origins, and one Chromium for all the browser tests.

The fixtures are package-scoped: started once for tests/browser and stopped when its last test is done, because
Playwright's sync API keeps an event loop running in the main thread, which the suite's asyncio tests need free.

- `browser`: Debian's /usr/bin/chromium driven by Playwright's sync API (never a downloaded browser), launched
  with the flags of /work/shared/BROWSER.md. Without chromium the browser tests skip, except under CI=true,
  where they fail: `.ci/run` installs it.
- `host_server`: the host's web server on http://127.0.0.1:P2 (`.origin`); `host_server.page(html)` serves a page
  and returns its URL. The same server reached as http://localhost:P2 is another origin, on no allow-list
  (`host_server.foreign_origin`, `host_server.foreign_page(html)`).
- `payhub_server`: a real `payhub serve` process (uvicorn) on http://localhost:P over a fresh SQLite file, migrated
  and seeded with the demo; the host's origin is on the demo entity's `allowed_origins`; its email goes to an SMTP
  sink (`.mail`, payhub.mail.MailSink: `.mail.messages()`). `.url`, `.admin_key`,
  `.payments_key`, `.entity_id`, `.services` (this process's services over the same database, for what the API
  cannot do, such as writing an already expired token), `.log` (the server's output).
- `customer_token(customer, **body)`: a customer-context token through the public API (POST /v1/customer_tokens).
- `expired_customer_token`: a token of the demo's cus_acme whose expiry has passed.
Ports are picked free (port 0); one PayHub and one host server for all the browser tests."""

from __future__ import annotations

import importlib.util
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from payhub.auth.keys import create_customer_token, create_key
from payhub.bootstrap import build_services
from payhub.demo import DEMO_ENTITY, seed
from payhub.mail import MailSink
from payhub.services import Services
from payhub.settings import Settings
from tests import processes

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SECRET = "test-secret"  # the server's PAYHUB_SECRET_KEY (tests.processes.payhub_env)


def need_browser() -> None:
    """Skip when this machine cannot run the browser tests; under CI=true, fail instead: CI must run them."""
    missing = [what for what, ok in ((CHROMIUM, Path(CHROMIUM).is_file()),
                                     ("the playwright package", importlib.util.find_spec("playwright") is not None))
               if not ok]
    if not missing:
        return
    reason = f"browser tests need {' and '.join(missing)} (apt-get install chromium; pip install -e '.[dev]')"
    if CI:
        pytest.fail(f"CI=true: {reason}; .ci/run installs them", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class HostServer:
    """Serves the pages a test hands it, each at its own path."""

    port: int = 0
    pages: dict[str, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.origin

    @property
    def foreign_origin(self) -> str:
        """The same server by another name: another origin, on no allow-list."""
        return f"http://localhost:{self.port}"

    def page(self, html: str) -> str:
        with self.lock:
            path = f"/page{len(self.pages) + 1}.html"
            self.pages[path] = html.encode()
        return self.origin + path

    def foreign_page(self, html: str) -> str:
        return self.page(html).replace(self.origin, self.foreign_origin, 1)


@pytest.fixture(scope="package")
def host_server() -> Iterator[HostServer]:
    host = HostServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = host.pages.get(self.path.split("?")[0])
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body or b"not found")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield host
    server.shutdown()
    server.server_close()
    thread.join(10)


@dataclass
class PayHubServer:
    url: str
    admin_key: str
    payments_key: str
    entity_id: str
    services: Services
    log: Path
    mail: MailSink


@pytest.fixture(scope="package")
def payhub_server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path,
                  host_server: HostServer) -> Iterator[PayHubServer]:
    directory = tmp_path_factory.mktemp("browser")
    shutil.copy(sqlite_template, directory / "payhub.db")  # migrated once per session (tests/conftest.py)
    db_url = f"sqlite:///{directory / 'payhub.db'}"
    services = build_services(Settings(database_url=db_url, secret_key=SECRET))
    now = datetime.now(UTC)
    with services.transaction() as s:
        seed(s, now)
        s.flush()
        admin_key = create_key(s, DEMO_ENTITY, "admin", now, name="browser tests")[1]
        payments_key = create_key(s, DEMO_ENTITY, "payments", now, name="browser tests")[1]
    port = processes.free_port()
    log = directory / "payhub.log"
    mail = MailSink(directory / "mail").start()
    proc = processes.start(["serve", "--host", "127.0.0.1", "--port", str(port)],
                           processes.payhub_env(db_url, PAYHUB_SMTP_URL=mail.url,
                                                PAYHUB_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.0/8"]'), log)
    try:
        url = f"http://localhost:{port}"  # the host page is on 127.0.0.1: another origin
        processes.wait_healthy(url, proc, log)
        allowed = httpx.put(f"{url}/v1/portal_settings", json={"allowed_origins": [host_server.origin]},
                            headers={"Authorization": f"Bearer {admin_key}"}, timeout=30)
        assert allowed.status_code == 200, allowed.text
        yield PayHubServer(url, admin_key, payments_key, DEMO_ENTITY, services, log, mail)
    finally:
        processes.stop([proc])
        mail.stop()
        services.close()


@pytest.fixture(scope="package")
def customer_token(payhub_server: PayHubServer) -> Callable[..., str]:
    def make(customer: str, **body: Any) -> str:
        response = httpx.post(f"{payhub_server.url}/v1/customer_tokens", json={"customer": customer, **body},
                              headers={"Authorization": f"Bearer {payhub_server.payments_key}"}, timeout=30)
        assert response.status_code == 201, response.text
        return str(response.json()["token"])

    return make


@pytest.fixture
def expired_customer_token(payhub_server: PayHubServer) -> str:
    """A real token of the demo's cus_acme whose expiry has passed (the API mints only live ones)."""
    now = datetime.now(UTC)
    with payhub_server.services.transaction() as s:
        _, secret = create_customer_token(s, DEMO_ENTITY, "cus_acme", now - timedelta(hours=2),
                                          now - timedelta(hours=1), invoice_ids=None, max_amount=None,
                                          currency=None, created_by="browser tests")
    return secret


def server_log(payhub_server: PayHubServer) -> str:
    """The tail of the PayHub process's output, for an assertion message."""
    try:
        return payhub_server.log.read_text()[-3000:]
    except OSError:
        return ""

