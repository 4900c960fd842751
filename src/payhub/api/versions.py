"""API versions. A breaking change gets a new major namespace (/v2) served beside the old one; within a
major, a request may pin a dated minor version with `PayHub-Version: YYYY-MM-DD`.

Changelog (minor versions of /v1):
- 2026-11-24 (current): payments carry `customer_details`, `fees`, `level3` and `routing`.
- 2026-06-01: the first public shape; pinned requests get payments without those fields, and a
  `Deprecation` header.
"""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CURRENT = "2026-11-24"
VERSIONS = {"2026-06-01": "deprecated", CURRENT: "current"}
ADDED_IN_CURRENT = ("customer_details", "fees", "level3", "routing")


def payment_for(version: str, view: dict[str, Any]) -> dict[str, Any]:
    """Down-convert a current payment view to a pinned older minor version."""
    if version == CURRENT:
        return view
    return {k: v for k, v in view.items() if k not in ADDED_IN_CURRENT}


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

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"payhub-version", version.encode()))
                if VERSIONS[version] == "deprecated":
                    headers.append((b"deprecation", b"@1780272000"))  # 2026-06-01, as RFC 9745 wants
                    headers.append((b"link", b'</docs#versions>; rel="deprecation"'))
            await send(message)

        await self.app(scope, receive, send_with_version)
