"""Gateway health (pure): a circuit breaker per gateway and its recent authorization rate. Routing orders and skips
gateways by them (pipeline/route.py keeps one of each per gateway)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass
class CircuitBreaker:
    """Closed → (threshold consecutive failures) → open → (cool-down) → half-open: one trial call;
    its success closes the circuit, its failure opens it again."""

    threshold: int = 5
    cool_down: timedelta = timedelta(seconds=30)
    failures: int = 0
    opened_at: datetime | None = None
    trial_in_flight: bool = False

    def state(self, now: datetime) -> str:
        if self.opened_at is None:
            return "closed"
        return "half_open" if now >= self.opened_at + self.cool_down else "open"

    def allow(self, now: datetime) -> bool:
        state = self.state(now)
        if state == "closed":
            return True
        if state == "half_open" and not self.trial_in_flight:
            self.trial_in_flight = True
            return True
        return False

    def success(self) -> None:
        self.failures, self.opened_at, self.trial_in_flight = 0, None, False

    def failure(self, now: datetime) -> None:
        self.failures += 1
        if self.trial_in_flight or self.failures >= self.threshold:
            self.opened_at, self.trial_in_flight = now, False


@dataclass
class SuccessWindow:
    """Authorization outcomes over a sliding window of the last `size` attempts."""

    size: int = 100
    outcomes: list[bool] = field(default_factory=list)

    def add(self, ok: bool) -> None:
        self.outcomes.append(ok)
        del self.outcomes[: -self.size]

    @property
    def rate(self) -> float | None:
        return sum(self.outcomes) / len(self.outcomes) if self.outcomes else None


@dataclass
class GatewayHealth:
    """Per-process view of each gateway: circuit breaker and recent authorization success rate."""

    threshold: int = 5
    cool_down: timedelta = timedelta(seconds=30)
    breakers: dict[str, CircuitBreaker] = field(default_factory=dict)
    windows: dict[str, SuccessWindow] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _breaker(self, name: str) -> CircuitBreaker:
        return self.breakers.setdefault(name, CircuitBreaker(self.threshold, self.cool_down))

    def allow(self, name: str, now: datetime) -> bool:
        with self.lock:
            return self._breaker(name).allow(now)

    def record(self, name: str, outcome: str, now: datetime) -> None:
        """outcome: approved | declined (the gateway worked) | failed (it did not)."""
        with self.lock:
            breaker = self._breaker(name)
            breaker.failure(now) if outcome == "failed" else breaker.success()
            self.windows.setdefault(name, SuccessWindow()).add(outcome == "approved")

    def rates(self) -> dict[str, float]:
        with self.lock:
            return {name: rate for name, w in self.windows.items() if (rate := w.rate) is not None}

    def states(self, now: datetime) -> dict[str, str]:
        with self.lock:
            return {name: b.state(now) for name, b in self.breakers.items()}
