"""Retry schedules (pure): when to try a delivery again, and what an HTTP answer means."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

# Svix's documented schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
DEFAULT_SCHEDULE: tuple[int, ...] = (0, 5, 300, 1800, 7200, 18000, 36000, 36000)
JITTER = 0.2
BACKOFF_STATUSES = {429, 502, 504}  # honour Retry-After
MAX_RETRY_AFTER_S = 24 * 3600
MAX_DELAY_S = 7 * 24 * 3600  # the longest pause a configured schedule may hold


def schedule_problem(schedule: list[int]) -> str | None:
    """Why a configured retry schedule is invalid, or None."""
    if not 1 <= len(schedule) <= 20 or any(not 0 <= d <= MAX_DELAY_S for d in schedule):
        return f"a retry schedule is 1-20 delays of 0-{MAX_DELAY_S} seconds"
    return None


class Verdict(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GONE = "gone"  # 410: the receiver asks us to stop: disable the endpoint


def verdict(status: int | None) -> Verdict:
    if status is not None and 200 <= status < 300:
        return Verdict.DELIVERED
    if status == 410:
        return Verdict.GONE
    return Verdict.RETRY  # 3xx (redirects are not followed), 4xx, 5xx, timeouts, connection errors


def retry_after_seconds(value: str | None) -> int | None:
    if not value:
        return None
    try:
        seconds = int(value.strip())
    except ValueError:
        return None  # HTTP-date form: fall back to the schedule
    return min(max(seconds, 0), MAX_RETRY_AFTER_S)


@dataclass(frozen=True)
class NextTry:
    delay: timedelta | None  # None: the schedule is exhausted


def next_try(schedule: tuple[int, ...] | list[int], attempts_made: int, status: int | None = None,
             retry_after: str | None = None, rng: random.Random | None = None) -> NextTry:
    """After `attempts_made` attempts (≥ 1) failed, when is the next one? schedule[k] is the delay before
    attempt k+1; ±20 % jitter; a 429/502/504 Retry-After lengthens the pause, never shortens it."""
    if attempts_made >= len(schedule):
        return NextTry(None)
    base = float(schedule[attempts_made])
    jittered = base * (1 + (rng or random).uniform(-JITTER, JITTER))
    if status in BACKOFF_STATUSES and (after := retry_after_seconds(retry_after)) is not None:
        jittered = max(jittered, float(after))
    return NextTry(timedelta(seconds=jittered))
