"""PayHub payments benchmark with wrk (a benchmark, not a test: it measures and prints, it never asserts on time).

One run, on SQLite, against one `payhub serve` worker (issue 10, targets P1 and P4):

1. makes a temp dir with a SQLite database, runs `payhub migrate` and `payhub demo` with the `payhub` next
   to this interpreter, and takes the admin key from the output;
2. starts `payhub serve --workers N` and bench/bare_app.py (the same `payhub serve` code serving a FastAPI
   app with one trivial GET) side by side, with PAYHUB_LOG_LEVEL=WARNING, and checks one request of each kind;
3. after an unmeasured warm-up, runs interleaved rounds of wrk (bench/payments.lua), one kind at a time:
   bare GET /ok -> authenticated GET /v1/invoices/{id} -> POST /v1/payments (automatic capture of an unapplied
   amount for a demo customer, posted to the embedded ERP, a unique Idempotency-Key per request), reading
   the server's CPU time from /proc around each wrk run;
4. sends payments at half the measured payment rate (bench/paced.lua) for the p99 target;
5. reads the server's VmRSS and VmHWM, stops both servers, then runs a few payments and invoice reads
   in-process (`payhub.api.app` + Starlette's TestClient, same database) with SQLAlchemy event listeners
   that count SQL statements, transactions and pool checkouts;
6. prints `label: value` lines: per round, the medians, the ratios to bare from the same round, and the
   targets.

Only good answers count: a response is `ok` when it is 2xx AND its body shows the expected result (the
payment captured and posted, the invoice, {"ok":true}). Non-2xx and unexpected bodies are counted and printed.

Usage:  python bench/payments.py [--rounds 3] [--duration 5] [--connections 16] [--workers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

BENCH_DIR = Path(__file__).resolve().parent
KEY_RE = re.compile(r"phk_[A-Za-z0-9_-]+")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
CLK_TCK = os.sysconf("SC_CLK_TCK")
INVOICE = "inv_acme_1001"
# What a good answer's body contains (Lua patterns, used by bench/payments.lua).
EXPECT_PAYMENT = '"posting_status":%s*"confirmed"'
EXPECT_INVOICE = f'"id":%s*"{INVOICE}"'
EXPECT_BARE = '"ok":%s*true'
P1_PAYMENT, P1_INVOICE, P1_P99_MS, P4_RSS_MB = 0.25, 0.5, 50.0, 150.0


def out(label: str, value: object) -> None:
    print(f"{label}: {value}", flush=True)


# --------------------------------------------------------------------------- processes & /proc


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stat_fields(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()  # fields from stat(5)'s 3rd on
    except (OSError, IndexError):
        return None


def process_tree(root: int) -> list[int]:
    """`root` and all its live descendants (scans /proc for parent links)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(int(entry))) is not None:
            children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it is gone)."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / CLK_TCK if fields else 0.0


def status_kb(pid: int, name: str) -> int:
    """A `kB` line of /proc/PID/status, e.g. VmRSS or VmHWM (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already counted in user
    return total - idle, total


Groups = dict[str, Callable[[], list[int]]]  # a name -> the pids it stands for, read at each snapshot


def cpu_snapshot(groups: Groups) -> dict[str, dict[int, float]]:
    return {name: {pid: cpu_seconds(pid) for pid in pids()} for name, pids in groups.items()}


def cpu_delta(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]) -> dict[str, float]:
    """CPU seconds each group used between two snapshots. A process that started in between counts from 0;
    one that exited in between is lost (its CPU is not in /proc any more)."""
    return {name: sum(cpu - before.get(name, {}).get(pid, 0.0) for pid, cpu in pids.items())
            for name, pids in after.items()}


class Server:
    """A server subprocess in its own session; output goes to a log file."""

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

    def pids(self) -> list[int]:
        return process_tree(self.pid)

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
            self.proc.send_signal(signal.SIGTERM)
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


def run_cli(payhub: str, args: list[str], env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run([payhub, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"`payhub {' '.join(args)}` failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout + done.stderr


def payhub_executable() -> str:
    return str(Path(sys.executable).parent / "payhub")


def bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(PAYHUB_DATABASE_URL=database_url, PAYHUB_LOG_LEVEL="WARNING", PAYHUB_RATE_LIMIT_PER_S="1000000",
               NO_COLOR="1", TERM="dumb", PYTHONUNBUFFERED="1")
    env.pop("FORCE_COLOR", None)
    return env


def migrate_and_demo(payhub: str, env: dict[str, str], cwd: Path) -> str:
    """Migrate, seed the demo and return its admin key."""
    run_cli(payhub, ["migrate"], env, cwd)
    keys = KEY_RE.findall(ANSI_RE.sub("", run_cli(payhub, ["demo"], env, cwd)))
    if not keys:
        raise RuntimeError("`payhub demo` printed no key matching phk_…")
    return str(keys[-1])


def payment_body(n: int) -> dict[str, Any]:
    """The body bench/payments.lua sends (for the checks and the in-process count)."""
    customers = ("cus_acme", "cus_globex", "cus_initech")
    return {"customer": customers[n % 3], "unapplied": {"amount": 100 + (n * 7919) % 9900, "currency": "USD"},
            "payment_method": {"type": "card", "token": "tok_visa"}, "capture_method": "automatic"}


def check_payment(base_url: str, key: str) -> None:
    """One payment over HTTP before measuring: it must be 201, captured and posted, or the bench is moot."""
    response = httpx.post(base_url + "/v1/payments", json=payment_body(0), timeout=30,
                          headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "bench-check-"
                                   + secrets.token_hex(8)})
    body = response.json() if response.headers.get("content-type", "").endswith("json") else {}
    if response.status_code != 201 or body.get("posting_status") != "confirmed":
        raise RuntimeError(f"a benchmark payment did not succeed: {response.status_code} {response.text[:500]}")


# --------------------------------------------------------------------------- wrk


def find_wrk() -> str | None:
    return shutil.which("wrk")


WRK_MISSING = ("skipped: wrk is not installed. Install it with `apt-get install -y wrk` (Debian package; "
               "`make bench` does that when it can) and run again")


@dataclass
class Load:
    """What one wrk run saw, and the CPU the watched processes used meanwhile."""

    kind: str
    requests: int = 0
    ok: int = 0
    non2xx: int = 0
    unexpected: int = 0
    socket_errors: int = 0
    duration_s: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    statuses: str = ""
    sample: str = ""
    cpu_s: dict[str, float] = field(default_factory=dict)
    wrk_cpu_s: float = 0.0
    machine_busy: float = 0.0  # fraction of all CPUs busy

    @property
    def rps(self) -> float:
        """Good answers per second: non-2xx and unexpected bodies do not count."""
        return self.ok / self.duration_s if self.duration_s else 0.0

    def cpu_ms_per_request(self, group: str) -> float:
        return self.cpu_s.get(group, 0.0) * 1000 / max(1, self.requests)

    def bad(self) -> int:
        return self.non2xx + self.unexpected + self.socket_errors

    def cores(self, cpus: int) -> str:
        """Where the busy CPU went, in cores: each watched group, wrk, and everything else on the machine."""
        used = {name: s / self.duration_s for name, s in self.cpu_s.items()} if self.duration_s else {}
        wrk = self.wrk_cpu_s / self.duration_s if self.duration_s else 0.0
        other = max(0.0, self.machine_busy * cpus - sum(used.values()) - wrk)
        return ", ".join([*(f"{name} {c:.2f}" for name, c in used.items()), f"wrk {wrk:.2f}",
                          f"other {other:.2f} cores"])


def wait_quiet(groups: Groups, *, window_s: float = 0.1, quiet_cores: float = 0.05, most_s: float = 10.0) -> None:
    """Wait until the measured processes are idle. wrk stops with requests still in flight and the server
    finishes them afterwards: without this, the next run's first requests queued behind them (a paced run
    right after a saturating one showed a p99 of 108-180 ms where the same run a second later showed 20 ms),
    and their CPU was counted in the next run."""
    deadline = time.monotonic() + most_s
    while time.monotonic() < deadline:
        before = cpu_snapshot(groups)
        time.sleep(window_s)
        if sum(cpu_delta(before, cpu_snapshot(groups)).values()) < quiet_cores * window_s:
            return


def run_wrk(wrk: str, url: str, *, mode: str, expect: str, headers: dict[str, str], connections: int,
            threads: int, duration_s: float, groups: Groups, rate: float | None = None, kind: str = "") -> Load:
    """One wrk run with bench/payments.lua (or bench/paced.lua at `rate` requests/s in all)."""
    threads = max(1, min(threads, connections))
    script = BENCH_DIR / ("paced.lua" if rate else "payments.lua")
    argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration_s))}s", "--latency",
            "--timeout", "30s", "-s", str(script)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv += [url, "--", mode, secrets.token_hex(6), expect]
    if rate:
        argv.append(f"{rate / threads:.3f}")
    wait_quiet(groups)
    before, jiffies0 = cpu_snapshot(groups), machine_jiffies()
    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration_s + 120, check=False)
    children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    after, jiffies1 = cpu_snapshot(groups), machine_jiffies()
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()}\n{done.stdout[-2000:]}")
    figures: dict[str, str] = {}
    for line in done.stdout.splitlines():
        if line.startswith("wrkbench "):
            name, _, value = line[len("wrkbench "):].partition("=")
            figures[name] = value
    if "requests" not in figures:
        raise RuntimeError(f"wrk printed no figures:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    def num(name: str) -> float:
        return float(figures.get(name) or 0)

    return Load(
        kind=kind or mode, requests=int(num("requests")), ok=int(num("ok")), non2xx=int(num("non2xx")),
        unexpected=int(num("unexpected")),
        socket_errors=int(num("connect_errors") + num("read_errors") + num("write_errors") + num("timeouts")),
        duration_s=num("duration_us") / 1e6, p50_ms=num("p50_us") / 1000, p90_ms=num("p90_us") / 1000,
        p99_ms=num("p99_us") / 1000, max_ms=num("max_us") / 1000, statuses=figures.get("statuses", ""),
        sample=figures.get("sample", ""), cpu_s=cpu_delta(before, after),
        wrk_cpu_s=(children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime),
        machine_busy=(jiffies1[0] - jiffies0[0]) / max(1, jiffies1[1] - jiffies0[1]))


def report_bad(label: str, loads: list[Load]) -> int:
    """Print non-2xx, unexpected bodies and socket errors of these runs; returns how many there were."""
    bad = sum(x.bad() for x in loads)
    out(f"{label} non-2xx", sum(x.non2xx for x in loads))
    if bad:
        out(f"{label} 2xx with unexpected body", sum(x.unexpected for x in loads))
        out(f"{label} socket errors", sum(x.socket_errors for x in loads))
        out(f"{label} statuses", " ".join(x.statuses for x in loads if x.statuses))
        sample = next((x.sample for x in loads if x.sample), "")
        if sample:
            out(f"{label} first bad answer", sample)
    return bad


def report_failure(exc: Exception, servers: list[Server]) -> int:
    """Say what failed and what each server logged last; the exit status of a failed run."""
    print(f"error: {exc}", file=sys.stderr)
    for s in servers:
        print(f"--- {s.name} log tail ---\n{s.tail()}", file=sys.stderr)
    return 1


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


# --------------------------------------------------------------------------- SQL count, in-process


def count_sql(key: str, n: int) -> dict[str, float]:
    """Per payment and per invoice read, what the app does to the database, counted with SQLAlchemy event
    listeners on every engine while `n` requests of each kind run in-process (after 3 unmeasured ones).
    Runs in a child process (`--count-sql`) whose environment names the database."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import Pool
    from starlette.testclient import TestClient

    from payhub.api.app import create_app
    from payhub.bootstrap import build_services

    seen = {"statements": 0, "begin": 0, "commit": 0, "rollback": 0, "checkouts": 0, "driver": 0,
            "driver_begin": 0}

    def statement(conn: Any, cursor: Any, sql: str, *_: Any) -> None:
        seen["statements"] += 1

    def counter(name: str) -> Callable[..., None]:
        def count(*_: Any) -> None:
            seen[name] += 1
        return count

    def traced(sql: str) -> None:  # what sqlite3 itself executes, whoever issued it
        seen["driver"] += 1
        if sql.lstrip().upper().startswith("BEGIN"):
            seen["driver_begin"] += 1

    def connected(dbapi_conn: Any, _record: Any) -> None:
        if hasattr(dbapi_conn, "set_trace_callback"):
            dbapi_conn.set_trace_callback(traced)

    event.listen(Engine, "before_cursor_execute", statement)
    for name in ("begin", "commit", "rollback"):
        event.listen(Engine, name, counter(name))
    event.listen(Pool, "checkout", counter("checkouts"))
    event.listen(Pool, "connect", connected)

    svc = build_services()
    engine = svc.sessions.kw.get("bind")
    pre_ping = bool(getattr(getattr(engine, "pool", None), "_pre_ping", False))
    auth = {"Authorization": f"Bearer {key}"}
    result: dict[str, float] = {"pre_ping": float(pre_ping)}
    with TestClient(create_app(svc)) as client:
        def pay(i: int) -> None:
            r = client.post("/v1/payments", json=payment_body(i),
                            headers={**auth, "Idempotency-Key": f"bench-count-{secrets.token_hex(6)}-{i}"})
            if r.status_code != 201 or r.json().get("posting_status") != "confirmed":
                raise RuntimeError(f"in-process payment: {r.status_code} {r.text[:300]}")

        def read(_: int) -> None:
            r = client.get(f"/v1/invoices/{INVOICE}", headers=auth)
            if r.status_code != 200:
                raise RuntimeError(f"in-process invoice read: {r.status_code} {r.text[:300]}")

        for kind, op in (("payment", pay), ("invoice", read)):
            for i in range(3):
                op(i)
            for name in seen:
                seen[name] = 0
            for i in range(n):
                op(i + 3)
            for name, value in seen.items():
                result[f"{kind} {name}"] = value / n
    return result


def sql_counts(env: dict[str, str], cwd: Path, key: str, n: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--count-sql", key, "--count", str(n)],
                          env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"in-process SQL count failed ({done.returncode}):\n{done.stdout[-1500:]}"
                           f"{done.stderr[-3000:]}")
    return {k: float(v) for k, v in json.loads(lines[-1]).items()}


def print_sql_counts(counts: dict[str, float], sqlite: bool) -> None:
    for kind in ("payment", "invoice"):
        out(f"SQL statements per {kind}", f"{counts[f'{kind} statements']:.1f}")
        out(f"transactions per {kind}", f"{counts[f'{kind} begin']:.1f} (commits {counts[f'{kind} commit']:.1f}, "
                                        f"rollbacks {counts[f'{kind} rollback']:.1f})")
        checkouts = counts[f"{kind} checkouts"]
        ping = f", each with a pre-ping round trip: {checkouts:.1f} pings" if counts["pre_ping"] else ""
        out(f"pool checkouts per {kind}", f"{checkouts:.1f}{ping}")
        if sqlite:
            out(f"sqlite3 statements per {kind} (driver trace)",
                f"{counts[f'{kind} driver']:.1f} ({counts[f'{kind} driver_begin']:.1f} BEGIN)")


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers for both servers")
    parser.add_argument("--connections", type=int, default=16, help="wrk keep-alive connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1 leaves the most CPU to the server)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of bare, invoice, payment")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds of each wrk run in a round")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds of each kind first")
    parser.add_argument("--paced-duration", type=float, default=10.0,
                        help="seconds of payments at half the measured rate (0 skips)")
    parser.add_argument("--count", type=int, default=20, help="in-process payments and reads for the SQL count")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (db and server logs)")
    parser.add_argument("--count-sql", metavar="KEY", help=argparse.SUPPRESS)  # the child of sql_counts()
    args = parser.parse_args()

    if args.count_sql:
        print(json.dumps(count_sql(args.count_sql, args.count)))
        return 0
    wrk = find_wrk()
    if wrk is None:
        print(WRK_MISSING)
        return 0
    payhub = payhub_executable()
    if not os.access(payhub, os.X_OK):
        print(f"error: no payhub executable next to {sys.executable}; install the package in this venv",
              file=sys.stderr)
        return 2

    cpus = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="payhub-bench-"))
    env = bench_env(f"sqlite:///{tmp / 'payhub.db'}")
    servers: list[Server] = []
    started = time.perf_counter()
    try:
        key = migrate_and_demo(payhub, env, tmp)
        auth = {"Authorization": f"Bearer {key}"}
        serve = ["serve", "--host", "127.0.0.1", "--workers", str(args.workers), "--port"]
        port = free_port()
        app = Server("payhub serve", [payhub, *serve, str(port)], env, tmp, tmp / "payhub-serve.log", port)
        servers.append(app)
        port = free_port()
        bare = Server("bare app", [sys.executable, str(BENCH_DIR / "bare_app.py"), *serve[1:], str(port)],
                      env, tmp, tmp / "bare-serve.log", port)
        servers.append(bare)
        app.wait_ready("/openapi.json")
        bare.wait_ready("/ok")
        if httpx.get(bare.base_url + "/ok").json() != {"ok": True}:
            raise RuntimeError("the bare server does not serve bench/bare_app.py")
        check_payment(app.base_url, key)

        out("setup", f"wrk {args.threads} thread(s), {args.connections} connections, {args.rounds} rounds x "
                     f"{args.duration:g}s per kind, uvicorn workers={args.workers}, cpus={cpus}")
        out("server", "payhub serve (bare: bench/bare_app.py through the same serve code), SQLite in a temp dir, "
                      "PAYHUB_LOG_LEVEL=WARNING")
        out("payment", "POST /v1/payments, automatic capture, unapplied amount for a demo customer, posted to the "
                       "embedded ERP, unique Idempotency-Key; ok = 201 with posting_status confirmed")

        kinds: list[tuple[str, Server, str, str, str, dict[str, str]]] = [
            ("bare", bare, "/ok", "get", EXPECT_BARE, {}),
            ("invoice", app, f"/v1/invoices/{INVOICE}", "get", EXPECT_INVOICE, auth),
            ("payment", app, "/", "payment", EXPECT_PAYMENT, auth),
        ]

        def load(kind: str, duration: float, rate: float | None = None) -> Load:
            _, server, path, mode, expect, headers = next(k for k in kinds if k[0] == kind)
            return run_wrk(wrk, server.base_url + path, mode=mode, expect=expect, headers=headers,
                           connections=args.connections, threads=args.threads, duration_s=duration,
                           groups={"server": server.pids}, rate=rate, kind=kind)

        if args.warmup > 0:
            for kind, *_ in kinds:
                load(kind, args.warmup)
        results: dict[str, list[Load]] = {kind: [] for kind, *_ in kinds}
        for r in range(1, args.rounds + 1):
            for kind, *_ in kinds:
                x = load(kind, args.duration)
                results[kind].append(x)
                out(f"round {r} {kind}", f"{x.rps:.1f} rps, p50 {x.p50_ms:.1f} ms, p99 {x.p99_ms:.1f} ms, "
                                         f"server CPU {x.cpu_ms_per_request('server'):.2f} ms/request, "
                                         f"wrk CPU {x.wrk_cpu_s * 1000 / max(1, x.requests):.3f} ms/request, "
                                         f"cores used: {x.cores(cpus)}, bad answers {x.bad()}")

        paced: Load | None = None
        payment_rps = median([x.rps for x in results["payment"]])
        if args.paced_duration > 0 and payment_rps > 0:
            paced = load("payment", args.paced_duration, rate=payment_rps / 2)
        rss_mb = sum(status_kb(p, "VmRSS") for p in app.pids()) / 1024
        hwm_mb = sum(status_kb(p, "VmHWM") for p in app.pids()) / 1024
        processes = len(app.pids())
        for s in list(servers):
            s.stop()
            servers.remove(s)
        counts = sql_counts(env, tmp, key, args.count)

        # ---- report
        bad = 0
        for kind, *_ in kinds:
            runs = results[kind]
            out(f"{kind} rps", f"{median([x.rps for x in runs]):.1f} (median of {len(runs)}; rounds: "
                               f"{', '.join(f'{x.rps:.0f}' for x in runs)})")
            out(f"{kind} p50 ms", f"{median([x.p50_ms for x in runs]):.1f}")
            out(f"{kind} p99 ms", f"{median([x.p99_ms for x in runs]):.1f}")
            out(f"{kind} server CPU ms per request", f"{median([x.cpu_ms_per_request('server') for x in runs]):.2f}")
            bad += report_bad(kind, runs)
        ratios = {kind: [p.rps / b.rps if b.rps else 0.0 for p, b in zip(results[kind], results["bare"],
                                                                        strict=True)]
                  for kind in ("payment", "invoice")}
        for kind in ("payment", "invoice"):
            out(f"ratio {kind}/bare", f"{median(ratios[kind]):.3f} (median of same-round ratios: "
                                      f"{', '.join(f'{v:.3f}' for v in ratios[kind])})")
        for kind in ("payment", "invoice"):
            cpu = {k: median([x.cpu_ms_per_request("server") for x in results[k]]) for k in (kind, "bare")}
            out(f"CPU ratio {kind}/bare", f"{cpu['bare'] / cpu[kind]:.3f} (bare server CPU per request / {kind} "
                                          "server CPU per request: the rps ratio if both servers had a core each "
                                          "to themselves; less disturbed by other load than the rps ratio)"
                if cpu[kind] else "n/a")
        out("server RSS MB", f"{rss_mb:.1f} (VmRSS after the runs, {processes} process(es))")
        out("server peak RSS MB", f"{hwm_mb:.1f} (VmHWM)")
        for kind, *_ in kinds:
            x = sorted(results[kind], key=lambda r: r.rps)[len(results[kind]) // 2]
            out(f"{kind} cores used (median round)", x.cores(cpus))
        out("limits", f"wrk, the server and every other process share {cpus} CPUs; one uvicorn worker is one "
                      "Python process, so at most one core: a server near 1.00 core is CPU-bound, and "
                      "'other' is load from outside this bench that the same-round ratios only partly cancel")
        print_sql_counts(counts, sqlite=True)
        if paced is not None:
            out("paced payment rate", f"{paced.rps:.1f}/s sent at a target of {payment_rps / 2:.1f}/s (half the "
                                      f"median payment rps)")
            out("paced payment p50 ms", f"{paced.p50_ms:.1f}")
            out("paced payment p99 ms", f"{paced.p99_ms:.1f} (from send to answer; wrk's delay() pacing, no "
                                        f"coordinated-omission correction as wrk2 has)")
            bad += report_bad("paced payment", [paced])
        out("target P1 payments >= 0.25 of bare",
            f"{median(ratios['payment']):.3f} {verdict(median(ratios['payment']) >= P1_PAYMENT)}")
        out("target P1 invoice read >= 0.5 of bare",
            f"{median(ratios['invoice']):.3f} {verdict(median(ratios['invoice']) >= P1_INVOICE)}")
        if paced is not None:
            out("target P1 p99 < 50 ms at half the payment rate",
                f"{paced.p99_ms:.1f} ms {verdict(paced.p99_ms < P1_P99_MS and paced.bad() == 0)}")
        out("target P4 RSS < 150 MB", f"{hwm_mb:.1f} MB peak {verdict(hwm_mb < P4_RSS_MB)}")
        if bad:
            out("warning", f"{bad} bad answers (non-2xx, unexpected body or socket error): rps counts good answers "
                           "only, but latency and CPU per request include the bad ones")
        out("bench seconds", f"{time.perf_counter() - started:.1f}")
        return 0
    except Exception as exc:  # noqa: BLE001 - report, then clean up
        return report_failure(exc, servers)
    finally:
        for s in servers:
            s.stop()
        if args.keep:
            print(f"kept: {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
