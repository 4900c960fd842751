"""Tryton's error triples as PayHub's domain errors: user-facing refusals are rejections, the rest is an outage."""

from __future__ import annotations

from typing import Any

from payhub.domain.errors import ErpError, ErpRejected, ErpUnavailable


def fault_error(method: str, error: Any) -> ErpError:
    """One JSON-RPC error answer as a domain error."""
    kind, args = (error[0], error[1]) if isinstance(error, list) and len(error) == 2 else (str(error), None)
    if kind == "UserError" and isinstance(args, list):
        message, description = args[0], args[1] if len(args) > 1 else ""
        return ErpRejected(f"{message} {description}".strip())
    if kind == "UserWarning" and isinstance(args, list):
        return ErpRejected(str(args[1]))
    if kind in ("ConcurrencyException", "LoginException", "RateLimitException"):
        return ErpUnavailable(f"Tryton: {kind} on {method}")
    return ErpUnavailable(f"Tryton server error on {method}: {kind}"[:500])  # a crash is a 5xx in disguise
