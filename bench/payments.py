"""PayHub payments benchmark (a benchmark, not a test: it measures and prints, it never asserts on time).

What it does, in one run:

1. makes a temp dir, points PAYHUB_DATABASE_URL at a SQLite file in it, runs `payhub migrate` and
   `payhub demo` with the `payhub` next to this interpreter, and takes the admin key from the output;
2. starts `payhub serve` on a free 127.0.0.1 port as `make run` does (with `--workers N`), with
   PAYHUB_LOG_LEVEL=WARNING so the per-request access log is off, and waits until it answers;
3. drives `--clients` concurrent clients over keep-alive connections (by default one httpx.AsyncClient
   per client; `--shared-pool` for one AsyncClient pooling them all) that each create a manual-capture
   payment of an unapplied amount and then capture it, until `--payments` payments are done (after a
   short warm-up that is not measured), then reads the server's RSS (all its processes);
4. stops it and serves bench/bare_app.py (FastAPI, one GET returning {"ok": true}) with the same
   uvicorn, worker count, log level warning and no access log, and hits it with the same concurrency;
5. prints one `label: value` per line, then cleans up both servers and the temp dir.

Usage:  python bench/payments.py [--workers 1] [--clients 16] [--payments 2000] [--bare-requests 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent
TARGET_RATIO = 0.15
NAGLE_MS = 30.0  # an unloaded trivial request this slow means delayed-ACK stalls, not work
KEY_RE = re.compile(r"phk_[A-Za-z0-9_-]+")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CUSTOMERS = ("cus_acme", "cus_globex", "cus_initech")
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- processes & /proc


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_tree(root: int) -> list[int]:
    """`root` and all its live descendants (scans /proc for parent links)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of stat(5)


def tree_rss_mb(root: int) -> float:
    return sum(rss_kb(p) for p in process_tree(root)) / 1024


def tree_cpu(root: int) -> float:
    return sum(cpu_seconds(p) for p in process_tree(root))


def machine_busy_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total


class Server:
    """A server subprocess in its own session; output goes to a log file in the temp dir."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, log: Path, port: int):
        self.name, self.port, self.log = name, port, log
        self._log_file = open(log, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=self._log_file, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                httpx.get(self.base_url + path, timeout=2.0)
                return  # any HTTP answer means it is serving
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer on {self.base_url} within {timeout:.0f}s:\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self._log_file.flush()
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # uvicorn's master stops its workers on SIGTERM
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:  # anything left in the server's own session (it was started with start_new_session)
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait(timeout=5)
        self._log_file.close()


# --------------------------------------------------------------------------- load generation


@dataclass
class Phase:
    """What one measured phase saw."""

    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    item_ms: list[float] = field(default_factory=list)  # per payment (create + capture), or per bare request
    request_ms: dict[str, list[float]] = field(default_factory=dict)  # per request kind
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0
    machine_busy: float = 0.0  # fraction of all CPUs busy during the phase

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def n_errors(self) -> int:
        return sum(self.errors.values())


def describe(exc: BaseException) -> str:
    return type(exc).__name__


async def timed_post(client: httpx.AsyncClient, phase: Phase, kind: str, url: str, body: dict,
                     expect: int, idempotency_key: str | None) -> dict | None:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
    t0 = time.perf_counter()
    try:
        response = await client.post(url, json=body, headers=headers)
    except httpx.HTTPError as exc:
        phase.error(f"{kind} {describe(exc)}")
        return None
    phase.request_ms.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
    if response.status_code != expect:
        phase.error(f"{kind} HTTP {response.status_code}")
        return None
    try:
        return response.json()
    except ValueError:
        phase.error(f"{kind} bad JSON")
        return None


async def one_payment(client: httpx.AsyncClient, phase: Phase, n: int, idempotency: bool) -> None:
    t0 = time.perf_counter()
    body = {"customer": CUSTOMERS[n % len(CUSTOMERS)],
            "unapplied": {"amount": 100 + n % 9_900, "currency": "USD"},
            "payment_method": {"type": "card", "token": "tok_visa"},
            "capture_method": "manual"}
    key = f"bench-{os.getpid()}-{n}" if idempotency else None
    created = await timed_post(client, phase, "create", "/v1/payments", body, 201, key and key + "-create")
    if created is None:
        return
    if created.get("status") != "requires_capture":
        phase.error(f"create status {created.get('status')}")
        return
    captured = await timed_post(client, phase, "capture", f"/v1/payments/{created['id']}/capture", {}, 200,
                                key and key + "-capture")
    if captured is None:
        return
    posting = captured.get("posting") or {}
    if captured.get("status") != "captured" or posting.get("status") != "confirmed":
        phase.error(f"capture status {captured.get('status')}/posting {posting.get('status')}")
        return
    phase.ok += 1
    phase.item_ms.append((time.perf_counter() - t0) * 1000)


async def one_bare(client: httpx.AsyncClient, phase: Phase, n: int, _idempotency: bool) -> None:
    t0 = time.perf_counter()
    try:
        response = await client.get("/ok")
    except httpx.HTTPError as exc:
        phase.error(f"GET {describe(exc)}")
        return
    ms = (time.perf_counter() - t0) * 1000
    if response.status_code != 200:
        phase.error(f"GET HTTP {response.status_code}")
        return
    phase.ok += 1
    phase.item_ms.append(ms)
    phase.request_ms.setdefault("GET", []).append(ms)


async def drive(server: Server, headers: dict[str, str], clients: int, count: int, warmup: int,
                op, idempotency: bool = False, shared_pool: bool = False, serial: int = 0) -> tuple[Phase, Phase]:
    """`clients` workers take jobs from a shared counter over keep-alive connections.

    By default each worker has its own httpx.AsyncClient (a pool of one connection): httpx's pool
    costs the client ~2x the CPU per request when 16 tasks share one 16-connection pool, and on a
    small machine that client CPU is taken from the server. `shared_pool` uses one AsyncClient
    whose pool holds `clients` connections instead.
    """
    timeout = httpx.Timeout(60.0)
    if shared_pool:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        one = httpx.AsyncClient(base_url=server.base_url, headers=headers, limits=limits, timeout=timeout)
        pool = [one] * clients
    else:
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        pool = [httpx.AsyncClient(base_url=server.base_url, headers=headers, limits=limits, timeout=timeout)
                for _ in range(clients)]
    try:
        async def run(phase: Phase, numbers) -> None:
            async def worker(client: httpx.AsyncClient) -> None:
                for n in numbers:  # a shared iterator: each worker takes the next job
                    await op(client, phase, n, idempotency)
            await asyncio.gather(*(worker(c) for c in pool))

        if warmup:
            await run(Phase(), iter(range(warmup)))

        # Unloaded latency: `serial` jobs one after another on one keep-alive connection.
        probe = Phase()
        for n in range(warmup, warmup + serial):
            await op(pool[0], probe, n, idempotency)
        start = warmup + serial

        phase = Phase()
        cpu0, client0, (busy0, total0) = tree_cpu(server.pid), time.process_time(), machine_busy_jiffies()
        t0 = time.perf_counter()
        await run(phase, iter(range(start, start + count)))
        phase.wall_s = time.perf_counter() - t0
        busy1, total1 = machine_busy_jiffies()
        phase.server_cpu_s = tree_cpu(server.pid) - cpu0
        phase.client_cpu_s = time.process_time() - client0
        phase.machine_busy = (busy1 - busy0) / max(1, total1 - total0)
    finally:
        for client in set(pool):
            await client.aclose()
    return phase, probe


# --------------------------------------------------------------------------- set-up & reporting


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def run_cli(payhub: str, args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run([payhub, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"`payhub {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def out(label: str, value: object) -> None:
    print(f"{label}: {value}", flush=True)


def limiter(phase: Phase, workers: int, cpus: int, nagle: bool) -> str:
    """A one-line guess at what bounds throughput, from CPU use during the measured phase."""
    server_cores = phase.server_cpu_s / phase.wall_s
    client_cores = phase.client_cpu_s / phase.wall_s
    other_cores = max(0.0, phase.machine_busy * cpus - server_cores - client_cores)
    usage = (f"server {server_cores:.2f} cores over {workers} worker(s), client {client_cores:.2f} cores, "
             f"other processes {other_cores:.2f} cores, machine {phase.machine_busy:.0%} of {cpus} CPUs busy")
    if phase.machine_busy >= 0.85:
        what = "machine CPU (client and server share the cores"
        what += "; other processes took a share, figures are noisy)" if other_cores >= 0.25 else ")"
    elif server_cores / workers >= 0.8:
        what = "server CPU (each worker is one Python process near 100% of a core)"
    elif client_cores >= 0.8:
        what = "the load generator's CPU (one asyncio process)"
    elif nagle:
        what = "delayed-ACK stalls (~40 ms per response, TCP_NODELAY off), not CPU"
    else:
        what = "neither side's CPU: waiting (locks, I/O, threadpool), not compute"
    return f"{what}; {usage}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers for both servers")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (and pooled connections)")
    parser.add_argument("--payments", type=int, default=2000, help="measured payments (2 requests each)")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured payments / bare requests first")
    parser.add_argument("--bare-requests", type=int, default=10000, help="measured requests to the bare app")
    parser.add_argument("--idempotency-keys", action="store_true",
                        help="send an Idempotency-Key header on every POST, as a careful client would")
    parser.add_argument("--serial", type=int, default=25,
                        help="payments (and 2x bare requests) sent one at a time on one connection, unloaded")
    parser.add_argument("--shared-pool", action="store_true",
                        help="one AsyncClient pooling --clients connections, instead of one AsyncClient per client")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (db and server logs)")
    args = parser.parse_args()

    payhub = str(Path(sys.executable).parent / "payhub")
    if not os.access(payhub, os.X_OK):
        print(f"error: no payhub executable next to {sys.executable}; install the package in this venv",
              file=sys.stderr)
        return 2
    cpus = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="payhub-bench-"))
    env = dict(os.environ)
    env.update(PAYHUB_DATABASE_URL=f"sqlite:///{tmp / 'payhub.db'}", PAYHUB_LOG_LEVEL="WARNING",
               PAYHUB_RATE_LIMIT_PER_S="1000000", NO_COLOR="1", TERM="dumb", PYTHONUNBUFFERED="1")
    env.pop("FORCE_COLOR", None)
    servers: list[Server] = []
    started = time.perf_counter()
    try:
        run_cli(payhub, ["migrate"], env, tmp)
        keys = KEY_RE.findall(ANSI_RE.sub("", run_cli(payhub, ["demo"], env, tmp)))
        if not keys:
            raise RuntimeError("`payhub demo` printed no key matching phk_…")
        auth = {"Authorization": f"Bearer {keys[-1]}"}

        out("setup", f"workers={args.workers} clients={args.clients} payments={args.payments} "
                     f"warmup={args.warmup} bare-requests={args.bare_requests} cpus={cpus} "
                     f"idempotency-keys={'on' if args.idempotency_keys else 'off'} "
                     f"client-pool={'shared' if args.shared_pool else 'per-client'}")
        out("server", "payhub serve with PAYHUB_LOG_LEVEL=WARNING (access log silenced), SQLite in a temp dir")

        # ---- PayHub
        port = free_port()
        server = Server("payhub serve", [payhub, "serve", "--host", "127.0.0.1", "--port", str(port),
                                         "--workers", str(args.workers)], env, tmp, tmp / "payhub-serve.log", port)
        servers.append(server)
        server.wait_ready("/openapi.json")
        pay, pay_serial = asyncio.run(drive(server, auth, args.clients, args.payments, args.warmup, one_payment,
                                idempotency=args.idempotency_keys, shared_pool=args.shared_pool,
                                            serial=args.serial))
        rss = tree_rss_mb(server.pid)
        processes = len(process_tree(server.pid))
        server.stop()
        servers.remove(server)

        # ---- bare ASGI baseline, same uvicorn settings
        port = free_port()
        bare = Server("bare uvicorn", [sys.executable, "-m", "uvicorn", "bare_app:app", "--app-dir", str(BENCH_DIR),
                                       "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
                                       "--log-level", "warning", "--no-access-log"],
                      env, tmp, tmp / "bare-serve.log", port)
        servers.append(bare)
        bare.wait_ready("/ok")
        base, base_serial = asyncio.run(drive(bare, {}, args.clients, args.bare_requests, args.warmup * 2, one_bare,
                                              shared_pool=args.shared_pool, serial=args.serial * 2))
        bare_rss = tree_rss_mb(bare.pid)
        bare.stop()
        servers.remove(bare)

        # ---- report
        nagle = percentile(base_serial.item_ms, 0.50) >= NAGLE_MS
        payments_s = pay.ok / pay.wall_s
        requests = sum(len(v) for v in pay.request_ms.values())
        all_requests = [ms for v in pay.request_ms.values() for ms in v]
        bare_rps = base.ok / base.wall_s
        out("payments ok", pay.ok)
        out("payment errors", pay.n_errors())
        for kind, n in sorted(pay.errors.items()):
            out(f"  error {kind}", n)
        out("payments/s", f"{payments_s:.1f}")
        out("requests/s", f"{requests / pay.wall_s:.1f}")
        out("payment p50 ms", f"{percentile(pay.item_ms, 0.50):.1f}")
        out("payment p99 ms", f"{percentile(pay.item_ms, 0.99):.1f}")
        out("request p50 ms", f"{percentile(all_requests, 0.50):.1f}")
        out("request p99 ms", f"{percentile(all_requests, 0.99):.1f}")
        for kind in ("create", "capture"):
            out(f"{kind} p50 ms", f"{percentile(pay.request_ms.get(kind, []), 0.50):.1f}")
            out(f"{kind} p99 ms", f"{percentile(pay.request_ms.get(kind, []), 0.99):.1f}")
        out("payment serial p50 ms (1 client, unloaded)", f"{percentile(pay_serial.item_ms, 0.50):.1f}")
        out("server RSS MB", f"{rss:.1f} ({processes} process(es))")
        out("server CPU ms per payment", f"{pay.server_cpu_s * 1000 / max(1, pay.ok):.2f}")
        out("payhub limited by", limiter(pay, args.workers, cpus, nagle))
        out("bare rps", f"{bare_rps:.1f}")
        out("bare errors", base.n_errors())
        for kind, n in sorted(base.errors.items()):
            out(f"  error {kind}", n)
        out("bare p50 ms", f"{percentile(base.item_ms, 0.50):.1f}")
        out("bare p99 ms", f"{percentile(base.item_ms, 0.99):.1f}")
        out("bare serial p50 ms (1 client, unloaded)", f"{percentile(base_serial.item_ms, 0.50):.1f}")
        out("bare RSS MB", f"{bare_rss:.1f}")
        out("bare limited by", limiter(base, args.workers, cpus, nagle))
        if nagle:
            out("warning", "a trivial keep-alive request takes ~40 ms unloaded: TCP_NODELAY is off on the server's "
                           "connections (Nagle x delayed ACK). uvicorn --workers N binds its listener with proto 0 "
                           "so asyncio skips TCP_NODELAY (Kludex/uvicorn#3149); both servers pay it, figures with "
                           "--workers > 1 measure that stall more than the app")
        out("ratio", f"{payments_s / bare_rps:.3f}")
        out("target ratio", TARGET_RATIO)
        out("bench seconds", f"{time.perf_counter() - started:.1f}")
        return 0
    except Exception as exc:  # noqa: BLE001 - report, then clean up
        print(f"error: {exc}", file=sys.stderr)
        for s in servers:
            print(f"--- {s.name} log tail ---\n{s.tail()}", file=sys.stderr)
        return 1
    finally:
        for s in servers:
            s.stop()
        if args.keep:
            print(f"kept: {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
