"""The copilot's test kit: a local fake of an OpenAI-compatible chat endpoint on 127.0.0.1, recording what it
was asked and answering a fixed text, so the LLM path is exercised without a model."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from payhub.copilot.llm import Llm

ANSWER = "FAKE-LLM: an explanation written by the fake model."


@dataclass
class FakeLlm:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    answer: str = ANSWER

    @property
    def llm(self) -> Llm:
        return Llm(self.url, "fake-model", "fake-key")


@pytest.fixture
def fake_llm() -> Iterator[FakeLlm]:
    fake: FakeLlm

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            fake.requests.append({"path": self.path, "authorization": self.headers.get("Authorization"),
                                  "body": body})
            if self.path != "/v1/chat/completions":
                self.send_response(404)
                self.end_headers()
                return
            answer = json.dumps({"id": "chatcmpl-fake", "object": "chat.completion", "choices": [
                {"index": 0, "message": {"role": "assistant", "content": fake.answer}, "finish_reason": "stop"}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(answer.encode())

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake = FakeLlm(f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
