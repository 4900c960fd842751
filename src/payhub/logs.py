"""structlog set-up: JSON lines on stdout. Never pass request bodies or card data to a logger."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import MutableMapping
from typing import Any

import structlog


def _database_error(error: BaseException | None) -> BaseException | None:
    """The database error in an exception's chain, if any (SQLAlchemy's or the driver's own)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if hasattr(error, "sqlstate") or (hasattr(error, "orig") and hasattr(error, "statement")):
            return error
        error = error.__cause__ or error.__context__
    return None


def scrub_database_errors(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """A database error's message may quote row values (PostgreSQL's DETAIL: `Key (email)=(…) already exists`):
    log its class, SQLSTATE and stack only. (The engine already hides statement parameters.)"""
    exc_info = event.get("exc_info")
    if exc_info is True:
        exc_info = sys.exc_info()
    error = exc_info if isinstance(exc_info, BaseException) else exc_info[1] if isinstance(exc_info, tuple) else None
    found = _database_error(error)
    if error is None or found is None:
        return event
    orig = getattr(found, "orig", found)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    del event["exc_info"]
    event["exception"] = "".join(traceback.format_tb(error.__traceback__)) + (
        f"{type(error).__name__} (database error {type(orig).__name__}, SQLSTATE {state}; message withheld)")
    return event


def configure(level: str = "INFO", json: bool = True) -> None:
    logging.basicConfig(format="%(message)s", level=level)
    renderer = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    scrub_database_errors, structlog.processors.format_exc_info, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )
