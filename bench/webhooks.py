"""Webhook delivery throughput and latency: real `payhub worker` processes → a local receiver.

    python bench/webhooks.py                       # SQLite with 1 worker, PostgreSQL with 2
    python bench/webhooks.py --events 20000 --rate 500 --seconds 10 --pg-url postgresql://…/db

What it does, for each database:
1. migrates a fresh database (SQLite: a temp file; PostgreSQL: the schema of --pg-url is DROPPED and
   recreated, so give it a scratch database), seeds the demo entity and one webhook endpoint (default
   settings: max_concurrency 10) pointing at the receiver;
2. starts the worker process(es) (`payhub worker`) and waits until they idle;
3. throughput: commits --events outbox events in one transaction and measures until the receiver has
   all of them: deliveries/s, and CPU ms per delivery of the workers, the receiver and (PostgreSQL) the
   server, read from /proc;
4. latency: inserts events at a steady --rate for --seconds (what is due, in one transaction every 10 ms) and
   prints event-to-delivery p50/p99 (receive time − the event's created_at).

The receiver is a minimal asyncio HTTP/1.1 server in its own process (keep-alive, answers 200 "ok",
records the webhook-id and the receive time). Its bare rate, driven by a raw-socket client from this
process, is measured first: the ceiling of this loopback set-up in the same run. Figures, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository root
from bench.harness import cpu_seconds, free_port, out, percentile  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
HERE = Path(__file__).resolve()
PAYHUB = str(Path(sys.executable).with_name("payhub"))
SECRET_KEY = "bench-secret-key"
TARGET_RATE = 2000
TARGET_P99_MS = 100
WARMUP_S = 1.0  # the latency figures leave out events of the first second (idle worker waking up)


# --- the receiver (runs in its own process: `python bench/webhooks.py --receiver PORT`) ---------------
class Receiver(asyncio.Protocol):
    records: list[tuple[bytes, float]] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport, self.buffer = transport, b""

    def data_received(self, data: bytes) -> None:
        buffer, replies = self.buffer + data, []
        while (end := buffer.find(b"\r\n\r\n")) >= 0:
            head = buffer[:end].lower()
            at = head.find(b"content-length:")
            length = int(head[at + 15:head.find(b"\r\n", at) if head.find(b"\r\n", at) > 0 else None]) \
                if at >= 0 else 0
            if len(buffer) < end + 4 + length:
                break
            if head.startswith(b"get /stats"):
                body = json.dumps({"count": len(Receiver.records)}).encode()
            elif head.startswith(b"get /dump"):
                body = b"\n".join(b"%s %.6f" % r for r in Receiver.records)
            elif head.startswith(b"post /reset"):
                Receiver.records.clear()
                body = b"ok"
            else:
                at = head.find(b"webhook-id:")
                msg_id = head[at + 11:head.find(b"\r\n", at)].strip() if at >= 0 else b""
                Receiver.records.append((msg_id, time.time()))
                body = b"ok"
            replies.append(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
            buffer = buffer[end + 4 + length:]
        self.buffer = buffer
        if replies:
            self.transport.write(b"".join(replies))


async def serve(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(Receiver, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


# --- /proc ---------------------------------------------------------------------------------------------

def postgres_cpu_s() -> float:
    """CPU of every postgres process on the machine (other databases' load included)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def machine_busy_s() -> float:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / TICK




# --- talking to the receiver ---------------------------------------------------------------------------

def ask(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        data = b""
        while True:
            chunk = sock.recv(1 << 20)
            data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            if _ and len(body) >= int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0]):
                return body


def received(port: int) -> int:
    return int(json.loads(ask(port, b"GET /stats HTTP/1.1\r\nhost: x\r\n\r\n"))["count"])


def dump(port: int) -> list[tuple[str, float]]:
    body = ask(port, b"GET /dump HTTP/1.1\r\nhost: x\r\n\r\n")
    return [(line.split()[0].decode(), float(line.split()[1])) for line in body.splitlines() if line]


def reset(port: int) -> None:
    ask(port, b"POST /reset HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n")


async def bare(port: int, requests: int, connections: int) -> float:
    """Requests/s the receiver answers to a raw-socket keep-alive client (the same body size)."""
    body = b'{"data":"' + b"x" * 1200 + b'"}'
    request = (b"POST /hooks HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
               b"webhook-id: evt_bare\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))

    async def client(n: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(n):
            writer.write(request)
            await reader.readuntil(b"\r\n\r\nok")
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(requests // connections) for _ in range(connections)))
    return requests / (time.perf_counter() - started)


async def client_cpu(port: int, which: str, requests: int) -> float:
    """CPU ms per POST of the worker's HTTP client candidates (10 concurrent, keep-alive), in this process."""
    import aiohttp
    import httpx

    url, body = f"http://127.0.0.1:{port}/hooks", b'{"data":"' + b"x" * 1200 + b'"}'
    headers = {"webhook-id": "evt_client", "content-type": "application/json"}
    gate = asyncio.Semaphore(10)
    if which == "httpx":
        client = httpx.AsyncClient(limits=httpx.Limits(max_connections=10, max_keepalive_connections=10))

        async def one() -> None:
            async with gate:
                await client.post(url, content=body, headers=headers)
    else:
        session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False)

        async def one() -> None:
            async with gate, session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                await response.read()

    await asyncio.gather(*(one() for _ in range(20)))  # connections open
    started = time.process_time()
    await asyncio.gather(*(one() for _ in range(requests)))
    used = time.process_time() - started
    await (client.aclose() if which == "httpx" else session.close())
    return used * 1000 / requests


# --- the database --------------------------------------------------------------------------------------
def prepare(url: str, receiver_url: str) -> Any:
    from sqlalchemy import create_engine, text

    from payhub.auth.sealing import seal
    from payhub.bootstrap import build_services
    from payhub.demo import DEMO_ENTITY, seed
    from payhub.ids import new_id
    from payhub.settings import Settings
    from payhub.store.db import normalize_url
    from payhub.store.migrate import upgrade
    from payhub.store.models import WebhookEndpoint
    from payhub.webhooks import signing
    from payhub.webhooks.retry import DEFAULT_SCHEDULE

    if url.startswith("postgresql"):
        engine = create_engine(normalize_url(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    svc = build_services(Settings(database_url=url, secret_key=SECRET_KEY))
    now = datetime.now(UTC)
    with svc.transaction() as s:
        seed(s, now)
        s.add(WebhookEndpoint(id=new_id("we"), entity_id=DEMO_ENTITY, url=receiver_url, description="bench",
                              event_types=["*"], secret=seal(SECRET_KEY, signing.new_secret()),
                              retry_schedule=list(DEFAULT_SCHEDULE), retry_schedules={}, max_concurrency=10,
                              failure_alert_threshold=5, consecutive_failures=0, enabled=True, created_at=now,
                              updated_at=now))
    return svc


def payment_data(n: int) -> dict[str, Any]:
    """About the size of a payment.completed event's data."""
    return {"id": f"pay_bench{n:012d}", "object": "payment", "amount": {"amount": 2500 + n, "currency": "USD"},
            "status": "succeeded", "customer": "cus_acme", "invoice": "inv_acme_1001",
            "customer_details": {"name": "Acme Builders LLC", "email": "ap@acme.example"},
            "payment_method": {"type": "card", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030},
            "fees": [{"kind": "surcharge", "amount": {"amount": 75, "currency": "USD"}}],
            "routing": {"gateway": "stripe", "rule": "default", "attempts": 1},
            "posting": {"status": "confirmed", "erp_reference": f"GL-{n:08d}", "lines": 3},
            "metadata": {"order": f"SO-{n:08d}", "channel": "api", "note": "x" * 300},
            "created_at": "2026-12-01T00:00:00Z"}


def add_events(svc: Any, count: int, first: int) -> list[str]:
    from payhub.demo import DEMO_ENTITY
    from payhub.store.repo import add_event

    with svc.transaction() as s:
        return [add_event(s, DEMO_ENTITY, "payment.completed", payment_data(first + i), svc.clock.now()).id
                for i in range(count)]


def created_at(svc: Any, ids: set[str]) -> dict[str, float]:
    from sqlalchemy import select

    from payhub.store.models import OutboxEvent

    with svc.read() as s:
        return {i: at.timestamp() for i, at in s.execute(select(OutboxEvent.id, OutboxEvent.created_at))
                if i in ids}


# --- one database --------------------------------------------------------------------------------------
def start_workers(url: str, n: int, logdir: Path) -> list[subprocess.Popen[bytes]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYHUB_")}
    env.update(PAYHUB_DATABASE_URL=url, PAYHUB_SECRET_KEY=SECRET_KEY, PAYHUB_LOG_LEVEL="WARNING",
               PAYHUB_WEBHOOK_ALLOWED_NETWORKS='["127.0.0.0/8"]')
    procs = []
    for i in range(n):
        with (logdir / f"worker{i}.log").open("ab") as log:
            procs.append(subprocess.Popen([PAYHUB, "worker", "--housekeeping-s", "3600"], env=env,
                                          stdout=log, stderr=log))
    return procs


def wait_idle(procs: list[subprocess.Popen[bytes]], timeout_s: float = 30) -> None:
    """Until the workers finished starting (their CPU stops growing)."""
    deadline, last = time.monotonic() + timeout_s, -1.0
    while time.monotonic() < deadline:
        time.sleep(0.5)
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a worker exited; see its log (--keep)")
        used = sum(cpu_seconds(p.pid) for p in procs)
        if used - last < 0.05:
            return
        last = used


def wait_received(port: int, expected: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if received(port) >= expected:
            return True
        time.sleep(0.05)
    return False


def run_database(name: str, url: str, workers: int, receiver: subprocess.Popen[bytes], port: int,
                 args: argparse.Namespace, logdir: Path, bare_rps: float) -> None:
    reset(port)
    svc = prepare(url, f"http://127.0.0.1:{port}/hooks")
    procs = start_workers(url, workers, logdir)
    pg = url.startswith("postgresql")
    try:
        wait_idle(procs)
        # throughput
        ids = add_events(svc, args.events, 0)
        t0 = time.time()
        cpu0 = [cpu_seconds(p.pid) for p in procs], cpu_seconds(receiver.pid), postgres_cpu_s() if pg else 0.0
        busy0, wall0 = machine_busy_s(), time.monotonic()
        done = wait_received(port, args.events, args.timeout)
        busy, wall = machine_busy_s() - busy0, time.monotonic() - wall0
        worker_cpu = sum(cpu_seconds(p.pid) for p in procs) - sum(cpu0[0])
        receiver_cpu, pg_cpu = cpu_seconds(receiver.pid) - cpu0[1], (postgres_cpu_s() - cpu0[2]) if pg else 0.0
        got = dump(port)
        mine = [(i, at) for i, at in got if i.startswith("evt_")]
        n = len({i for i, _ in mine})
        last = max((at for _, at in mine), default=t0)
        rate = n / (last - t0) if last > t0 else 0.0
        label = f"{name} {workers} worker{'s' if workers > 1 else ''}"
        out(f"{label} deliveries", f"{n} of {args.events}{'' if done else ' (timed out)'}")
        out(f"{label} deliveries/s", f"{rate:.0f}")
        out(f"{label} ratio to bare receiver", f"{rate / bare_rps:.2f}")
        out(f"{label} worker CPU ms/delivery", f"{worker_cpu * 1000 / max(n, 1):.3f}")
        out(f"{label} receiver CPU ms/delivery", f"{receiver_cpu * 1000 / max(n, 1):.3f}")
        if pg:
            out(f"{label} postgres CPU ms/delivery (all databases)", f"{pg_cpu * 1000 / max(n, 1):.3f}")
        other = busy - worker_cpu - receiver_cpu - pg_cpu
        out(f"{label} busy cores", f"{busy / wall:.2f} of {os.cpu_count()} (other processes: {other / wall:.2f})")
        out(f"{label} duplicates", len(mine) - n)
        limit = "worker CPU" if worker_cpu / wall > 0.85 * workers else "cores shared" \
            if busy / wall > 0.9 * (os.cpu_count() or 1) else "receiver/database round trips"
        out(f"{label} limited by", limit)
        assert set(ids) >= {i for i, _ in mine}

        # latency at a steady rate
        reset(port)
        sent: list[str] = []
        started = time.monotonic()
        while (elapsed := time.monotonic() - started) < args.seconds:
            owed = int(elapsed * args.rate) + 1 - len(sent)  # every 10 ms; more at once if this process lags
            if owed > 0:
                sent += add_events(svc, owed, args.events + len(sent))
            time.sleep(max(0.0, 0.01 - (time.monotonic() - started - elapsed)))
        offered = len(sent) / (time.monotonic() - started)
        wait_received(port, len(sent), args.timeout)
        arrivals: dict[str, float] = {}
        for i, at in dump(port):
            arrivals.setdefault(i, at)
        made = created_at(svc, set(sent))
        latencies = [(arrivals[i] - made[i]) * 1000 for i in sent if i in arrivals]
        steady_from = min(made.values(), default=0.0) + WARMUP_S
        steady = [(arrivals[i] - made[i]) * 1000 for i in sent if i in arrivals and made[i] >= steady_from]
        out(f"{label} latency events/s offered", f"{offered:.0f}")
        out(f"{label} latency delivered", f"{len(latencies)} of {len(sent)}")
        out(f"{label} latency p50 ms", f"{percentile(steady, 0.5):.1f}")
        out(f"{label} latency p99 ms", f"{percentile(steady, 0.99):.1f}")
        out(f"{label} latency max ms", f"{max(steady, default=float('nan')):.1f}")
        out(f"{label} latency p99 ms with the first {WARMUP_S:g} s",
            f"{percentile(latencies, 0.99):.1f} (the first events find the worker in its idle back-off)")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
        svc.close()


def pg_reachable(url: str) -> str | None:
    from sqlalchemy import create_engine, text

    from payhub.store.db import normalize_url

    try:
        engine = create_engine(normalize_url(url), connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as error:
        return f"{type(error).__name__}: {str(error).splitlines()[0]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--receiver", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, default=20_000, help="events for the throughput phase")
    parser.add_argument("--rate", type=float, default=500, help="events/s for the latency phase")
    parser.add_argument("--seconds", type=float, default=10, help="length of the latency phase")
    parser.add_argument("--pg-url", default=os.environ.get("PAYHUB_BENCH_POSTGRES_URL",
                                                            "postgresql://postgres@127.0.0.1:5432/test_h1"),
                        help="a scratch PostgreSQL database (its public schema is dropped); env "
                             "PAYHUB_BENCH_POSTGRES_URL")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-pg", action="store_true")
    parser.add_argument("--timeout", type=float, default=120, help="give up waiting for deliveries after this")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, worker logs)")
    args = parser.parse_args()
    if args.receiver:
        asyncio.run(serve(args.receiver))
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="payhub-bench-webhooks-"))
    port = free_port()
    receiver = subprocess.Popen([sys.executable, str(HERE), "--receiver", str(port)])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                received(port)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        cpu0 = cpu_seconds(receiver.pid)
        bare_rps = asyncio.run(bare(port, 20_000, 10))
        out("bare receiver requests/s", f"{bare_rps:.0f} (raw-socket client, 10 keep-alive connections)")
        out("bare receiver CPU ms/request", f"{(cpu_seconds(receiver.pid) - cpu0) * 1000 / 20_000:.3f}")
        out("http client CPU ms/request httpx", f"{asyncio.run(client_cpu(port, 'httpx', 500)):.3f}")
        out("http client CPU ms/request aiohttp", f"{asyncio.run(client_cpu(port, 'aiohttp', 3000)):.3f} "
            "(the worker's client)")
        reset(port)
        out("target deliveries/s", TARGET_RATE)
        out("target latency p99 ms", f"{TARGET_P99_MS} at 500 events/s")
        if not args.skip_sqlite:
            run_database("sqlite", f"sqlite:///{tmp / 'payhub.db'}", 1, receiver, port, args, tmp, bare_rps)
        if args.skip_pg:
            out("postgresql", "skipped (--skip-pg)")
        elif problem := pg_reachable(args.pg_url):
            out("postgresql", f"skipped: {args.pg_url} unreachable ({problem})")
        else:
            run_database("postgresql", args.pg_url, 2, receiver, port, args, tmp, bare_rps)
    finally:
        receiver.terminate()
        receiver.wait(10)
        if args.keep:
            out("kept", tmp)
        else:
            for path in sorted(tmp.rglob("*"), reverse=True):
                path.unlink() if path.is_file() else path.rmdir()
            tmp.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
