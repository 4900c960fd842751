"""The API as a real process for the crash tests: started with a crash point, killed there, restarted; and the
client's side (a request, its retry with the same Idempotency-Key while the dead request's lock holds)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import processes


@dataclass
class Api:
    """Starts and restarts the API as a real process on one port."""

    env: dict[str, str]
    port: int
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, crash_at: str | None = None) -> None:
        env = {**self.env, **({"PAYHUB_CRASH_AT": crash_at} if crash_at else {})}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "payhub.asgi:app", "--host", "127.0.0.1", "--port", str(self.port),
                 "--log-level", "warning", "--no-access-log"], env=env, stdout=out, stderr=out)
        processes.wait_healthy(self.url, self.proc, self.log)

    def killed(self) -> bool:
        assert self.proc is not None
        return self.proc.wait(30) == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc is not None:
            processes.stop([self.proc])


def send(api: Api, key: str, method: str, path: str, body: dict[str, Any] | None, idem: str,
         **request: Any) -> httpx.Response:
    """One request; `request` passes httpx's own arguments (a multipart upload's `files` and `data`)."""
    return httpx.request(method, f"{api.url}{path}", json=body, timeout=30,
                         headers={"Authorization": f"Bearer {key}", "Idempotency-Key": idem}, **request)


def retry(api: Api, key: str, method: str, path: str, body: dict[str, Any] | None, idem: str,
          **request: Any) -> httpx.Response:
    """The client's retry: the same request and key, again while the dead request's lock has not expired."""
    deadline = time.monotonic() + 60
    while True:
        response = send(api, key, method, path, body, idem, **request)
        if response.json().get("code") not in ("idempotency_key_in_use", "payment_locked"):
            return response
        assert time.monotonic() < deadline, response.text
        time.sleep(0.2)


def crash(api: Api, key: str, method: str, path: str, body: dict[str, Any] | None, idem: str,
          **request: Any) -> None:
    """Send the request to the server started with its crash point, see the server die, start a healthy one."""
    with pytest.raises(httpx.TransportError):
        send(api, key, method, path, body, idem, **request)
    assert api.killed()
    api.start()
