"""Start-up benchmark (prints figures, asserts nothing): how long a `payhub` command takes from exec to done.

Every figure is the median of N runs (default 5), each a fresh process of the `payhub` next to this
interpreter, interleaved round by round so background load hits every command alike. Each line gives the
wall-clock seconds and the process's CPU seconds (user + system; steadier than wall time when other processes
share the cores):

- `python -c pass`: the interpreter alone, the floor under every other figure;
- `import payhub.cli`: the CLI module's imports alone (what every command pays before it runs);
- `payhub --help` and `payhub config --help`;
- `payhub config plan` of a one-entity document against a migrated SQLite database;
- `payhub migrate` of a fresh SQLite file (a new file each run);
- `payhub serve` until `GET /healthz` first answers 200 (polled every 10 ms), on a migrated SQLite database.

    python bench/startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

PAYHUB = str(Path(sys.executable).parent / "payhub")
DOCUMENT = """\
version: 1
entities:
  ent_bench:
    name: Bench Co.
    default_currency: USD
    gateway: simulator
"""
IMPORT_CLI = ("import time; t, c = time.perf_counter(), time.process_time(); import payhub.cli; "
              "print(time.perf_counter() - t, time.process_time() - c)")


def out(label: str, value: object) -> None:
    print(f"{label}: {value}", flush=True)


def env_for(database: Path) -> dict[str, str]:
    env = dict(os.environ, PAYHUB_DATABASE_URL=f"sqlite:///{database}", PAYHUB_LOG_LEVEL="WARNING", NO_COLOR="1")
    env.pop("FORCE_COLOR", None)
    return env


def children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall s, CPU s) of one command run to its end."""
    cpu, started = children_cpu_s(), time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"`{' '.join(argv)}` exited with {done.returncode}:\n{done.stdout}{done.stderr}")
    return seconds, children_cpu_s() - cpu


def import_cli(env: dict[str, str]) -> tuple[float, float]:
    """The import alone, timed inside the child (the interpreter's own start-up left out)."""
    done = subprocess.run([sys.executable, "-c", IMPORT_CLI], env=env, capture_output=True, text=True, timeout=120,
                          check=True)
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


def process_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_until_healthy(env: dict[str, str], timeout_s: float = 120.0) -> tuple[float, float]:
    """(wall s, CPU s of the server process) from exec to the first 200 from /healthz."""
    port = free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([PAYHUB, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        while time.perf_counter() - started < timeout_s:
            if proc.poll() is not None:
                raise RuntimeError(f"`payhub serve` exited with {proc.returncode}:\n{proc.stderr.read().decode()}"
                                   if proc.stderr else f"`payhub serve` exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - started, process_cpu_s(proc.pid)
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.01)
        raise RuntimeError(f"`payhub serve` did not answer /healthz within {timeout_s:.0f} s")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="runs per command; each figure is their median")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="payhub-startup-") as tmp:
        workdir = Path(tmp)
        migrated = workdir / "migrated.db"
        env = env_for(migrated)
        timed([PAYHUB, "migrate"], env)  # once, for plan and serve
        document = workdir / "payhub.yaml"
        document.write_text(DOCUMENT)
        fresh = iter(range(10**6))

        commands: dict[str, Callable[[], tuple[float, float]]] = {
            "python -c pass": lambda: timed([sys.executable, "-c", "pass"], env),
            "import payhub.cli": lambda: import_cli(env),
            "payhub --help": lambda: timed([PAYHUB, "--help"], env),
            "payhub config --help": lambda: timed([PAYHUB, "config", "--help"], env),
            "payhub config plan": lambda: timed([PAYHUB, "config", "plan", str(document)], env),
            "payhub migrate (fresh SQLite)": lambda: timed(
                [PAYHUB, "migrate"], env_for(workdir / f"fresh{next(fresh)}.db")),
            "payhub serve to first /healthz": lambda: serve_until_healthy(env),
        }
        walls: dict[str, list[float]] = {label: [] for label in commands}
        cpus: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(args.runs):
            for label, run in commands.items():
                wall, cpu = run()
                walls[label].append(wall)
                cpus[label].append(cpu)
    out("runs", args.runs)
    for label in commands:
        out(f"{label} s", f"{statistics.median(walls[label]):.3f}   (min {min(walls[label]):.3f}, "
                          f"max {max(walls[label]):.3f}; CPU {statistics.median(cpus[label]):.3f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
