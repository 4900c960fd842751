"""The deployment topology with real processes (this machine cannot run Docker): API processes and webhook
workers share one PostgreSQL database; also, `payhub serve` sets TCP_NODELAY on every connection in every mode."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import select
from standardwebhooks import Webhook

from payhub.cli import app as cli_app
from payhub.services import Services
from payhub.store.models import OutboxEvent
from tests.helpers import pay_body, usd
from tests.processes import free_port, payhub_env, start, stop, wait_healthy
from tests.webhooks.conftest import Receiver, receiver  # noqa: F401  (the receiver fixture)

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"

# Loaded by every Python process started with this directory on PYTHONPATH (the `serve` supervisor and its spawned
# workers): records TCP_NODELAY of each connection uvicorn's HTTP protocols are handed, as "<pid> <value>" lines.
# At the protocol, not in asyncio: with uvloop (installed, so uvicorn uses it) asyncio's transports are not used.
PROBE = '''
import os as _os, socket as _socket
from uvicorn.protocols.http.h11_impl import H11Protocol as _H11
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _HttpTools

def _probe(cls):
    made = cls.connection_made

    def connection_made(self, transport):
        made(self, transport)
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (_socket.AF_INET, _socket.AF_INET6):
            with open(_os.environ["NODELAY_PROBE_OUT"], "a") as out:
                out.write(f"{_os.getpid()} {sock.getsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY)}\\n")

    cls.connection_made = connection_made

_probe(_H11)
_probe(_HttpTools)
'''


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_sets_tcp_nodelay_on_accepted_connections(workers: int, tmp_path: Path, sqlite_template: Path) -> None:
    """uvicorn's own --workers socket left Nagle on (~40 ms per keep-alive response); check the option on the
    connections the served worker processes actually accepted."""
    (tmp_path / "sitecustomize.py").write_text(PROBE)
    out = tmp_path / "nodelay.txt"
    port = free_port()
    env = payhub_env(f"sqlite:///{tmp_path / 'payhub.db'}", NODELAY_PROBE_OUT=str(out))
    env["PYTHONPATH"] = f"{tmp_path}:{env['PYTHONPATH']}" if env.get("PYTHONPATH") else str(tmp_path)
    log = tmp_path / "serve.log"
    shutil.copy(sqlite_template, tmp_path / "payhub.db")
    proc = start(["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)], env, log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log)
        for _ in range(6):  # fresh connections, spread over the workers
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http:
                assert http.get("/healthz").status_code == 200
                assert http.get("/healthz").status_code == 200  # keep-alive on the same connection
    finally:
        stop([proc])
    accepted = [line.split() for line in out.read_text().splitlines()]
    assert len(accepted) >= 6, log.read_text()[-2000:]
    assert {value for _, value in accepted} == {"1"}, accepted
    if workers > 1:
        assert str(proc.pid) not in {pid for pid, _ in accepted}  # accepted by the worker processes


@pytest.mark.parametrize("db_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_two_apis_and_two_workers_run_the_lifecycle(db_url: str, services: Services, keys: dict[str, str],
                                                    receiver: Receiver, tmp_path: Path) -> None:  # noqa: F811
    env = payhub_env(db_url, PAYHUB_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.0/8"]')
    procs: list[subprocess.Popen[bytes]] = []
    try:
        apis = []
        for n in (1, 2):
            port, log = free_port(), tmp_path / f"api{n}.log"
            procs.append(start(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log))
            apis.append(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                     headers={"Authorization": f"Bearer {keys['admin']}"}))
            wait_healthy(str(apis[-1].base_url).rstrip("/"), procs[-1], log)
        for n in (1, 2):
            # housekeeping each second: both workers sync settlements, each payment must still settle once
            procs.append(start(["worker", "--housekeeping-s", "1"], env, tmp_path / f"worker{n}.log"))

        def call(api: httpx.Client, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
            response = api.request(method, path, json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
            assert response.status_code in (200, 201), response.text
            return response.json()

        endpoint = call(apis[0], "POST", "/v1/webhook_endpoints", {"url": receiver.url})
        assert apis[1].get(f"/v1/webhook_endpoints/{endpoint['id']}").status_code == 200

        payments = [call(api, "POST", "/v1/payments", pay_body("inv_acme_1001", 1_000 + i,
                                                                capture_method="manual" if i == 0 else "automatic"))
                    for i, api in enumerate([apis[0], apis[1]] * 2)]
        captured = call(apis[1], "POST", f"/v1/payments/{payments[0]['id']}/capture", {"amount": usd(1_000)})
        assert captured["amount_captured"] == usd(1_000)
        refund = call(apis[0], "POST", "/v1/refunds", {"payment": payments[1]["id"], "amount": usd(500)})
        for i, payment in enumerate(payments):  # each read back through the API that did not create it
            read = apis[(i + 1) % 2].get(f"/v1/payments/{payment['id']}")
            assert read.status_code == 200 and read.json()["id"] == payment["id"]
        assert apis[1].get(f"/v1/payments/{payments[1]['id']}").json()["amount_refunded"] == usd(500)
        assert apis[1].get(f"/v1/refunds/{refund['id']}").json()["payment"] == payments[1]["id"]

        def outbox() -> dict[str, str]:
            with services.read() as s:
                return {e.id: e.type for e in s.scalars(select(OutboxEvent))}

        def settled_and_delivered() -> bool:
            events = outbox()  # the workers add events too (postings confirmed, payments settled)
            return (list(events.values()).count("payment.settled") >= len(payments)
                    and set(receiver.ids()) == set(events))

        deadline = time.monotonic() + 25
        while not settled_and_delivered() and time.monotonic() < deadline:
            time.sleep(0.05)
        # all delivered; stopping the workers gives a duplicate (the other worker sending again) a chance to show
        stop(procs[2:])
    finally:
        stop(procs)
    expected = outbox()
    types = sorted(expected.values())
    # 1 manual payment authorized then captured, 3 captured at once; 4 settled; 4 captures and 1 refund posted
    assert types == sorted(["payment.authorized", "payment.refunded"] + ["payment.completed", "payment.settled"] * 4
                           + ["posting.confirmed"] * 5), types
    assert sorted(receiver.ids()) == sorted(expected)  # every event, each exactly once across both workers
    verifier = Webhook(endpoint["secret"])
    for request in receiver.requests:
        event = verifier.verify(request.body, request.headers)
        assert event["id"] == request.headers["webhook-id"] and event["type"] == expected[event["id"]]


def test_deploy_files_run_commands_that_exist() -> None:
    commands = {c.name for c in cli_app.registered_commands if c.name} | {
        c.callback.__name__ for c in cli_app.registered_commands if c.callback}
    files = [DEPLOY / "Procfile", DEPLOY / "compose.yaml", DEPLOY / "Dockerfile",
             *sorted((DEPLOY / "systemd").glob("*.service"))]
    used: set[str] = set()
    for path in files:
        found = set(re.findall(r"\bpayhub[\"', ]+([a-z][a-z-]*)", path.read_text()))
        assert found, f"{path.name} runs no payhub command"
        used |= found
    assert {"serve", "worker", "migrate"} <= used
    assert used <= commands, used - commands


def test_compose_runs_the_topology_with_secrets_only_in_env_files() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "api", "worker"} <= set(services)
    for name in ("migrate", "api", "worker"):
        assert services[name]["env_file"] == "payhub.env" and "environment" not in services[name]
        assert services[name]["command"][:2] == ["payhub", {"migrate": "migrate", "api": "serve",
                                                             "worker": "worker"}[name]]
    assert services["api"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["postgres"]["env_file"] == "postgres.env" and "environment" not in services["postgres"]
    for path in DEPLOY.rglob("*"):
        if path.is_file() and not path.name.endswith((".example", ".env")):  # local env files are not in git
            assert not re.search(r"(PASSWORD|SECRET_KEY)\s*[=:]\s*\S", path.read_text()), path.name


def test_the_served_app_keeps_its_start_up_objects_out_of_full_collections(tmp_path: Path) -> None:
    """A full collection scanned every module, model and route each time (~90 ms, the p99 of a paced payment run);
    the serving process freezes what start-up created."""
    env = {**os.environ, "PAYHUB_DATABASE_URL": f"sqlite:///{tmp_path / 'payhub.db'}", "PAYHUB_LOG_LEVEL": "ERROR"}
    done = subprocess.run([sys.executable, "-c", "import gc, payhub.asgi; print(gc.get_freeze_count())"],
                          env=env, capture_output=True, text=True, timeout=120, check=True)
    assert int(done.stdout.split()[-1]) > 100_000, done.stdout
