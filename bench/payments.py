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
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository root
from bench.harness import (  # noqa: E402
    BENCH_DIR,
    WRK_MISSING,
    Load,
    Server,
    bench_env,
    find_wrk,
    free_port,
    median,
    out,
    payhub_executable,
    report_bad,
    report_failure,
    run_cli,
    run_wrk,
    status_kb,
    verdict,
)

KEY_RE = re.compile(r"phk_[A-Za-z0-9_-]+")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
INVOICE = "inv_acme_1001"
# What a good answer's body contains (Lua patterns, used by bench/payments.lua).
EXPECT_PAYMENT = '"posting_status":%s*"confirmed"'
EXPECT_INVOICE = f'"id":%s*"{INVOICE}"'
EXPECT_BARE = '"ok":%s*true'
P1_PAYMENT, P1_INVOICE, P1_P99_MS, P4_RSS_MB = 0.25, 0.5, 50.0, 150.0




# --------------------------------------------------------------------------- processes & /proc




























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
