"""Real PayHub processes for tests: `payhub serve` / `payhub worker` subprocesses on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

PAYHUB = str(Path(sys.executable).with_name("payhub"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def payhub_env(db_url: str, **extra: str) -> dict[str, str]:
    """The environment of a PayHub process on db_url; PAYHUB_* settings of the test runner are not inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYHUB_")}
    env.update(PAYHUB_DATABASE_URL=db_url, PAYHUB_SECRET_KEY="test-secret", PAYHUB_LOG_LEVEL="WARNING", **extra)
    return env


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`payhub <args>` with its output appended to log."""
    with log.open("ab") as out:
        return subprocess.Popen([PAYHUB, *args], env=env, stdout=out, stderr=out)


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float = 60) -> None:
    """Poll {url}/healthz until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start: {log.read_text()[-2000:]}")
        time.sleep(0.05)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM every process, then wait; kill what does not exit."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
