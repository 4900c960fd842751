"""Webhook test kit: a real HTTP receiver on 127.0.0.1, a clock the test moves, and a worker."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from payhub.services import Services
from payhub.webhooks.transport import parse_networks
from payhub.webhooks.worker import WebhookWorker, WorkerSettings


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    # (request) -> (status, headers, body); default 200
    respond: Callable[[Received], tuple[int, dict[str, str], bytes]] = lambda _: (200, {}, b"ok")

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: dict[str, Receiver] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            req = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            with lock:
                box["r"].requests.append(req)
            status, headers, payload = box["r"].respond(req)
            try:
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading (truncation, timeout): expected

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box["r"] = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box["r"]
    server.shutdown()
    server.server_close()


class FakeClock:
    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture
def clock(services: Services) -> FakeClock:
    fake = FakeClock()
    services.clock = fake
    return fake


@pytest.fixture
def allow_loopback(services: Services) -> None:
    services.webhook_allowed_networks = parse_networks(["127.0.0.0/8"])


@pytest.fixture
def worker(services: Services, allow_loopback: None) -> Iterator[WebhookWorker]:
    """A worker on one event loop for the whole test (its connection pool belongs to that loop)."""
    with asyncio.Runner() as runner:
        w = WebhookWorker(services, WorkerSettings(timeout_s=2.0,
                                                   allowed_networks=services.webhook_allowed_networks))
        w.runner = runner  # type: ignore[attr-defined]
        yield w
        runner.run(w.aclose())


def drain(worker: WebhookWorker, rounds: int = 20) -> int:
    """Run worker ticks until nothing is due (or `rounds` ticks); returns deliveries tried."""

    async def go() -> int:
        total = 0
        for _ in range(rounds):
            n = await worker.run_once()
            total += n
            if n == 0:
                break
        return total

    return worker.runner.run(go())  # type: ignore[attr-defined,no-any-return]
