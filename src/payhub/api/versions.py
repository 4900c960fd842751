"""API versions. A breaking change gets a new major namespace (/v2) served beside the old one; within a
major, a request may pin a dated minor version with `PayHub-Version: YYYY-MM-DD`.

Changelog (minor versions of /v1):
- 2026-11-24 (current): payments carry `customer_details`, `fees`, `level3` and `routing`.
- 2026-06-01: the first public shape; pinned requests get payments without those fields, and a
  `Deprecation` header.

A pin shapes every object in the body, in one place (`VersionHeaders`): each response under /v1 is
down-converted object by object (`"object": "payment"` wherever it appears: a payment, a list of them,
one embedded in a refund or posting event), so no route handles versions itself. Events carry the version
their `data` is shaped for in `api_version`: the request's pin for events read through the API, and for
webhooks the endpoint's `api_version` (set when it is created, by default to the creating request's pin;
none means the current version).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from payhub.domain.events import API_VERSION

CURRENT = API_VERSION
VERSIONS = {"2026-06-01": "deprecated", CURRENT: "current"}  # oldest first
ADDED_IN_CURRENT = ("customer_details", "fees", "level3", "routing")

Change = Callable[[dict[str, Any]], dict[str, Any]]


def _without(*fields: str) -> Change:
    return lambda view: {k: v for k, v in view.items() if k not in fields}


# For each older version, per object type: how to turn the next newer version's shape into its own.
CHANGES: dict[str, dict[str, Change]] = {
    "2026-06-01": {"payment": _without(*ADDED_IN_CURRENT)},
}


def _is_event(view: dict[str, Any]) -> bool:
    return str(view.get("id", "")).startswith("evt_") and "data" in view and "api_version" in view


def shape(version: str, value: Any) -> Any:
    """Down-convert every object inside a JSON value (a response body, an event's data) from the current
    shape to `version`'s; events among them are marked with that version."""
    if version == CURRENT:
        return value
    order = list(VERSIONS)
    steps = [CHANGES[v] for v in reversed(order[order.index(version):order.index(CURRENT)])]

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {k: walk(v) for k, v in node.items()}
        if _is_event(out):
            out["api_version"] = version
        for step in steps:
            if (change := step.get(str(out.get("object")))) is not None:
                out = change(out)
        return out

    return walk(value)


def payment_for(version: str, view: dict[str, Any]) -> dict[str, Any]:
    """Down-convert a current payment view to a pinned older minor version."""
    shaped: dict[str, Any] = shape(version, view)
    return shaped


def _reshape(version: str, body: bytes) -> bytes:
    try:
        value = json.loads(body)
    except ValueError:
        return body
    return json.dumps(shape(version, value), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()


class VersionHeaders:
    """Validates `PayHub-Version`, echoes the version served, and marks deprecated ones (RFC 9745)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = dict(scope["headers"]).get(b"payhub-version", b"").decode("latin-1").strip()
        version = asked or CURRENT
        if version not in VERSIONS:
            from payhub.api.errors import problem, problem_body

            known = ", ".join(VERSIONS)
            response = problem(400, problem_body(400, "api_version_unknown", "Unknown API version",
                                                 f"PayHub-Version {asked!r} is not one of {known}"))
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["api_version"] = version
        # the pinned versions are /v1's minors; /v2 has none yet
        reshape = version != CURRENT and scope["path"].startswith("/v1/")
        held: list[Message] = []  # a JSON response's start and body parts, until the body is complete

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"payhub-version", version.encode()))
                if VERSIONS[version] == "deprecated":
                    headers.append((b"deprecation", b"@1780272000"))  # 2026-06-01, as RFC 9745 wants
                    headers.append((b"link", b'</docs#versions>; rel="deprecation"'))
                content_type = dict(headers).get(b"content-type", b"")
                if reshape and content_type.split(b";")[0].strip() == b"application/json":
                    held.append(message)
                    return
            elif message["type"] == "http.response.body" and held:
                held.append(message)
                if message.get("more_body"):
                    return
                start, parts = held[0], held[1:]
                body = _reshape(version, b"".join(p.get("body", b"") for p in parts))
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                start["headers"].append((b"content-length", str(len(body)).encode()))
                held.clear()
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, send_with_version)
