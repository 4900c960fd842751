"""The benchmarks' shared harness: processes and their CPU from /proc, `payhub serve` subprocesses, wrk runs with
bench/payments.lua or bench/paced.lua, percentiles and `label: value` output. Figures, never assertions."""

from __future__ import annotations

import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent


CLK_TCK = os.sysconf("SC_CLK_TCK")


def out(label: str, value: object) -> None:
    print(f"{label}: {value}", flush=True)


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


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by the nearest rank; NaN for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")
