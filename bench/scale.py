"""PayHub scale-out benchmark on PostgreSQL (issue 10, target P3): 1 and 2 API processes x 1 and 2 webhook workers.

A benchmark, not a test: it measures and prints, it never asserts on time. One run:

1. empties the database's `public` schema (DROP SCHEMA public CASCADE; CREATE SCHEMA public), then runs
   `payhub migrate` and `payhub demo`; the database must be one you can throw away (default: test_h2);
2. starts a webhook receiver (this script with --receiver: a minimal asyncio HTTP/1.1 server answering 204)
   and registers it as a webhook endpoint for every event type, so the workers deliver real HTTP requests;
3. starts `payhub serve --workers 1` and `payhub serve --workers 2` side by side (only one takes load at a
   time; the other idles);
4. in interleaved rounds, for each configuration (API processes x webhook workers): starts that many
   `payhub worker` processes, waits until they have drained the deliveries left over from the previous
   configuration, runs wrk with bench/payments.lua (the payment of bench/payments.py: automatic capture,
   embedded ERP, unique Idempotency-Key) and reads from /proc the CPU time of every process involved:
   API processes, webhook workers, this database's PostgreSQL backends, the other PostgreSQL processes,
   the receiver and wrk, plus the machine's total, so one sees whether the cores are saturated;
5. prints `label: value` lines: per configuration payments/s, deliveries/s and CPU per process, then the
   ratios 2-vs-1 from the same run.

Usage:  python bench/scale.py [--url postgresql://postgres@127.0.0.1:5432/test_h2] [--rounds 2] [--duration 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script: the repository root
from bench.harness import (  # noqa: E402
    WRK_MISSING,
    Groups,
    Load,
    Server,
    bench_env,
    cpu_seconds,
    find_wrk,
    free_port,
    median,
    out,
    payhub_executable,
    process_tree,
    report_failure,
    run_wrk,
)
from bench.payments import (  # noqa: E402
    EXPECT_PAYMENT,
    check_payment,
    migrate_and_demo,
    print_sql_counts,
    sql_counts,
)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test_h2"


# --------------------------------------------------------------------------- webhook receiver


def receiver(port: int) -> None:
    """A minimal HTTP/1.1 keep-alive server: 204 to every POST, its POST count to GET /count."""
    received = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal received
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length:
                    await reader.readexactly(length)
                if head.startswith(b"GET /count"):
                    body = str(received).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                                 + str(len(body)).encode() + b"\r\n\r\n" + body)
                else:
                    received += 1
                    writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", port)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


def received(url: str) -> int:
    return int(httpx.get(url + "/count", timeout=10).text)


def wait_drained(url: str, quiet_s: float = 2.0, timeout_s: float = 90.0) -> tuple[int, int, float, bool]:
    """Wait until the receiver has had no delivery for `quiet_s`: the backlog of the previous configuration is
    delivered. Returns (its count, deliveries while waiting, seconds waited, whether it timed out)."""
    started = time.monotonic()
    first = last = received(url)
    since = started
    while time.monotonic() - started < timeout_s:
        time.sleep(0.25)
        now = received(url)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return last, last - first, time.monotonic() - started, False
    return last, last - first, time.monotonic() - started, True


# --------------------------------------------------------------------------- PostgreSQL


def reset_schema(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


def postgres_processes(database: str) -> tuple[list[int], list[int]]:
    """(this database's backends, every other PostgreSQL process) on this machine, from /proc cmdlines."""
    mine: list[int] = []
    other: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
            with open(f"/proc/{entry}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if comm not in ("postgres", "postmaster") and not cmdline.startswith("postgres"):
            continue
        (mine if cmdline.startswith("postgres:") and f" {database} " in cmdline else other).append(int(entry))
    return mine, other


# --------------------------------------------------------------------------- main


@dataclass
class Result:
    api: int
    workers: int
    load: Load
    deliveries: int
    per_process: dict[str, list[float]]  # group -> CPU seconds of each of its processes

    @property
    def label(self) -> str:
        return f"api={self.api} workers={self.workers}"

    @property
    def deliveries_s(self) -> float:
        return self.deliveries / self.load.duration_s if self.load.duration_s else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL database whose public schema is replaced")
    parser.add_argument("--connections", type=int, default=16, help="wrk keep-alive connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds over the configurations")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of each wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per API server first")
    parser.add_argument("--apis", default="1,2", help="API process counts (payhub serve --workers N)")
    parser.add_argument("--webhook-workers", default="1,2", help="payhub worker process counts")
    parser.add_argument("--count", type=int, default=10, help="in-process payments for the SQL count (0 skips)")
    parser.add_argument("--receiver", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the receiver child
    args = parser.parse_args()

    if args.receiver:
        receiver(args.receiver)
        return 0
    wrk = find_wrk()
    if wrk is None:
        print(WRK_MISSING)
        return 0
    payhub = payhub_executable()
    database = urlsplit(args.url).path.lstrip("/")
    apis = [int(n) for n in args.apis.split(",")]
    worker_counts = [int(n) for n in args.webhook_workers.split(",")]
    cpus = os.cpu_count() or 1
    tmp = Path(tempfile.mkdtemp(prefix="payhub-scale-"))
    env = bench_env(args.url)
    env["PAYHUB_WEBHOOK_ALLOWED_NETWORKS"] = '["127.0.0.0/8"]'
    servers: list[Server] = []
    started = time.perf_counter()
    try:
        reset_schema(args.url)
        key = migrate_and_demo(payhub, env, tmp)
        auth = {"Authorization": f"Bearer {key}"}

        port = free_port()
        hook = Server("receiver", [sys.executable, str(Path(__file__).resolve()), "--receiver", str(port)],
                      env, tmp, tmp / "receiver.log", port)
        servers.append(hook)
        hook.wait_ready("/count")
        api: dict[int, Server] = {}
        for n in apis:
            port = free_port()
            api[n] = Server(f"payhub serve --workers {n}", [payhub, "serve", "--host", "127.0.0.1", "--port",
                                                            str(port), "--workers", str(n)],
                            env, tmp, tmp / f"serve-{n}.log", port)
            servers.append(api[n])
        for server in api.values():
            server.wait_ready("/openapi.json")
        created = httpx.post(api[apis[0]].base_url + "/v1/webhook_endpoints", headers=auth, timeout=30,
                             json={"url": f"{hook.base_url}/hook"})
        if created.status_code != 201:
            raise RuntimeError(f"webhook endpoint: {created.status_code} {created.text[:300]}")
        for server in api.values():
            check_payment(server.base_url, key)

        out("setup", f"PostgreSQL {args.url} (public schema replaced), wrk {args.threads} thread(s), "
                     f"{args.connections} connections, {args.rounds} rounds x {args.duration:g}s per configuration, "
                     f"cpus={cpus}")
        out("payment", "POST /v1/payments as bench/payments.py (automatic capture, embedded ERP, Idempotency-Key); "
                       "every event is delivered to a local receiver by the webhook workers")
        for server in api.values():  # warm-up: imports, pools, caches
            run_wrk(wrk, server.base_url + "/", mode="payment", expect=EXPECT_PAYMENT, headers=auth,
                    connections=args.connections, threads=args.threads, duration_s=args.warmup, groups={})

        results: list[Result] = []
        for r in range(1, args.rounds + 1):
            for n_api in apis:
                for n_workers in worker_counts:
                    workers = []
                    for i in range(n_workers):
                        port = free_port()  # its metrics port answers once the worker is built
                        workers.append(Server(f"payhub worker {i}", [payhub, "worker", "--metrics-port", str(port)],
                                              env, tmp, tmp / f"worker-{n_api}-{n_workers}-{i}.log", port))
                    servers.extend(workers)
                    try:
                        for w in workers:
                            w.wait_ready("/metrics")
                        time.sleep(0.5)
                        before, drained, waited, timed_out = wait_drained(hook.base_url)
                        out(f"round {r} api={n_api} workers={n_workers} backlog before the run",
                            f"{drained} deliveries in {waited:.1f}s"
                            + (" — TIMED OUT, the run starts with a backlog" if timed_out else ", drained"))

                        def worker_pids(ws: list[Server] = workers) -> list[int]:
                            return [p for w in ws for p in process_tree(w.pid)]

                        groups: Groups = {
                            "api": api[n_api].pids,
                            "workers": worker_pids,
                            "pg backends": lambda: postgres_processes(database)[0],
                            "pg other": lambda: postgres_processes(database)[1],
                            "receiver": hook.pids,
                        }
                        x = run_wrk(wrk, api[n_api].base_url + "/", mode="payment", expect=EXPECT_PAYMENT,
                                    headers=auth, connections=args.connections, threads=args.threads,
                                    duration_s=args.duration, groups=groups, kind=f"api={n_api}")
                        delivered = received(hook.base_url) - before
                        per_process = {"api": [cpu_seconds(p) for p in api[n_api].pids()],
                                       "workers": [cpu_seconds(p) for p in worker_pids()]}
                    finally:
                        for w in workers:
                            w.stop()
                            servers.remove(w)
                    res = Result(n_api, n_workers, x, delivered, per_process)
                    results.append(res)
                    out(f"round {r} {res.label}",
                        f"{x.rps:.1f} payments/s, {res.deliveries_s:.1f} deliveries/s, p50 {x.p50_ms:.1f} ms, "
                        f"p99 {x.p99_ms:.1f} ms, machine {x.machine_busy:.0%} busy, bad answers {x.bad()}")
                    out(f"round {r} {res.label} CPU seconds",
                        ", ".join(f"{g} {s:.2f}" for g, s in x.cpu_s.items()) + f", wrk {x.wrk_cpu_s:.2f} "
                        f"(in {x.duration_s:.1f}s; machine {x.machine_busy * cpus * x.duration_s:.2f} of "
                        f"{cpus * x.duration_s:.1f})")
                    out(f"round {r} {res.label} cores", x.cores(cpus))

        counts = sql_counts(env, tmp, key, args.count) if args.count else None
        # ---- report
        def pick(n_api: int, n_workers: int) -> list[Result]:
            return [x for x in results if x.api == n_api and x.workers == n_workers]

        for n_api in apis:
            for n_workers in worker_counts:
                runs = pick(n_api, n_workers)
                label = runs[0].label
                out(f"{label} payments/s", f"{median([x.load.rps for x in runs]):.1f} (rounds: "
                                           f"{', '.join(f'{x.load.rps:.0f}' for x in runs)})")
                out(f"{label} deliveries/s", f"{median([x.deliveries_s for x in runs]):.1f}")
                out(f"{label} p99 ms", f"{median([x.load.p99_ms for x in runs]):.1f}")
                for group in runs[0].load.cpu_s:
                    out(f"{label} {group} CPU ms per payment",
                        f"{median([x.load.cpu_s[group] * 1000 / max(1, x.load.requests) for x in runs]):.2f}")
                out(f"{label} wrk CPU ms per payment",
                    f"{median([x.load.wrk_cpu_s * 1000 / max(1, x.load.requests) for x in runs]):.2f}")
                out(f"{label} machine busy", f"{median([x.load.machine_busy for x in runs]):.0%} of {cpus} CPUs")
                out(f"{label} cores (median round)",
                    sorted(runs, key=lambda x: x.load.rps)[len(runs) // 2].load.cores(cpus))
                out(f"{label} bad answers", sum(x.load.bad() for x in runs))
                out(f"{label} processes", f"api {len(runs[-1].per_process['api'])} "
                                          f"(incl. a supervisor when --workers > 1), workers "
                                          f"{len(runs[-1].per_process['workers'])}")
        if 1 in apis and 2 in apis:
            for n_workers in worker_counts:
                one = median([x.load.rps for x in pick(1, n_workers)])
                two = median([x.load.rps for x in pick(2, n_workers)])
                out(f"ratio payments/s api=2 vs api=1 (workers={n_workers})", f"{two / one:.2f}" if one else "n/a")
        if 1 in worker_counts and 2 in worker_counts:
            for n_api in apis:
                one = median([x.deliveries_s for x in pick(n_api, 1)])
                two = median([x.deliveries_s for x in pick(n_api, 2)])
                out(f"ratio deliveries/s workers=2 vs workers=1 (api={n_api})", f"{two / one:.2f}" if one else "n/a")
        if 1 in apis and 2 in apis:
            busy = median([x.load.machine_busy for x in results if x.api == 2])
            one = median([x.load.rps for x in results if x.api == 1])
            two = median([x.load.rps for x in results if x.api == 2])
            verdict = "met" if two > one * 1.05 else ("NOT met; the cores are saturated" if busy >= 0.9 else
                                                      "NOT met, and the cores are not saturated")
            out("target P3 2 API processes > 1 on PostgreSQL", f"{two / one:.2f}x, machine {busy:.0%} busy "
                                                               f"with 2: {verdict}" if one else "n/a")
        if counts is not None:
            print_sql_counts(counts, sqlite=False)
        out("limits", f"wrk, API processes, webhook workers, the receiver and PostgreSQL share {cpus} CPUs; "
                      "'other' cores are processes outside this bench")
        out("bench seconds", f"{time.perf_counter() - started:.1f}")
        return 0
    except Exception as exc:  # noqa: BLE001 - report, then clean up
        return report_failure(exc, servers)
    finally:
        for s in servers:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
