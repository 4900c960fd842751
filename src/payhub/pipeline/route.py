"""Routing step: the entity's rules pick ordered gateway candidates; the authorization then walks them,
failing over on retryable failures only, with a circuit breaker and success rates per gateway."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from payhub.domain.errors import Declined, GatewayError, GatewayTimeout, ProcessingError
from payhub.domain.health import GatewayHealth
from payhub.domain.routing import (
    Decision,
    RoutingInput,
    RuleSet,
    evaluate,
    order_by_success,
    parse_ruleset,
)
from payhub.ports import AuthorizeRequest, Gateway, GatewayResult
from payhub.store import repo
from payhub.store.cache import cached


class EntityRouting(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def gateway(self) -> str: ...


def current_rules(s: Session, entity: EntityRouting, gateways: dict[str, Gateway]) -> RuleSet:
    """The entity's newest rule-set version, or version 0: its configured gateway alone. `entity` is the
    Entity row or its cached repo.EntitySettings. Cached (store/cache.py): parsed and indexed once per version."""
    def load(r: Session) -> RuleSet | None:
        row = repo.latest_routing_rules(r, entity.id)
        return None if row is None else parse_ruleset(row.rules, set(gateways) | _named_in(row.rules), row.version)

    rules = cached(s, ("routing_rules", entity.id, frozenset(gateways)), load)
    return rules if rules is not None else RuleSet(0, (), (entity.gateway,))


def _named_in(rules: dict[str, Any]) -> set[str]:
    """Gateways a stored rule set names, so a removed gateway degrades to a reported fallback, not an error."""
    names = set(rules.get("default", []))
    for rule in rules.get("rules", []):
        names |= set(rule.get("gateways", [])) | set(rule.get("split", {}))
    return names


def decide(rules: RuleSet, payment: RoutingInput, gateways: dict[str, Gateway], health: GatewayHealth,
           rng: random.Random, explain: bool = False) -> Decision:
    decision = evaluate(rules, payment, gateways.keys(), explain)
    if rules.success_rate_routing and len(decision.candidates) > 1:
        ordered = order_by_success(decision.candidates, health.rates(), rules.exploration_percent, rng)
        decision = Decision(ordered, decision.rule, decision.version,
                            decision.reasons + (f"ordered by success rate: {', '.join(ordered)}",))
    return decision


@dataclass
class Attempt:
    gateway: str
    result: str  # approved | declined | failed | skipped
    latency_ms: int
    error_class: str | None = None
    error_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"gateway": self.gateway, "result": self.result, "latency_ms": self.latency_ms,
                "error_class": self.error_class, "error_code": self.error_code}


@dataclass
class Authorized:
    gateway: str
    result: GatewayResult
    attempts: list[Attempt]


class AllGatewaysFailed(ProcessingError):
    code = "gateways_unavailable"
    title = "No gateway could process the payment"


def authorize(candidates: tuple[str, ...], gateways: dict[str, Gateway], health: GatewayHealth,
              request: AuthorizeRequest, now: Any) -> Authorized:
    """Walk the candidates. Fail over on a retryable failure that left no charge; stop at a decline. Each
    gateway gets its own idempotency key derived from the payment's. An ambiguous timeout is replayed once on
    the same gateway with the same key, so the answer to the first call is learnt instead of charging twice;
    if it stays unanswered the timeout is raised (never failed over: the first gateway may have charged)."""
    attempts: list[Attempt] = []
    last: GatewayError | None = None
    for name in candidates:
        if not health.allow(name, now()):
            attempts.append(Attempt(name, "skipped", 0, "CircuitOpen", "circuit_open"))
            continue
        keyed = AuthorizeRequest(request.amount, request.method, request.capture,
                                 f"{request.idempotency_key}:{name}", request.description, request.level3)
        for replay in (False, True):
            started = time.perf_counter()
            try:
                result = gateways[name].authorize(keyed)
            except GatewayTimeout as error:
                attempts.append(_failed(name, started, error))
                if not replay:
                    continue  # ask again with the same key: the gateway dedupes
                health.record(name, "failed", now())
                # Still no answer: this gateway may have charged. Failing over could charge twice, so the
                # outcome stays unknown until a retry with the same key or the recovery worker learns it.
                error.extra["attempts"] = [a.as_dict() for a in attempts]
                raise
            except Declined as error:
                attempts.append(Attempt(name, "declined", _ms(started), type(error).__name__, error.code))
                health.record(name, "declined", now())
                error.extra["attempts"] = [a.as_dict() for a in attempts]
                raise
            except GatewayError as error:
                attempts.append(_failed(name, started, error))
                health.record(name, "failed", now())
                if not error.retryable:
                    error.extra["attempts"] = [a.as_dict() for a in attempts]
                    raise
                last = error
                break
            attempts.append(Attempt(name, "approved", _ms(started)))
            health.record(name, "approved", now())
            return Authorized(name, result, attempts)
    failure = last if last is not None else AllGatewaysFailed("Every candidate gateway's circuit is open")
    if last is not None and len({a.gateway for a in attempts}) > 1:
        failure = AllGatewaysFailed(f"All candidate gateways failed; last: {last.detail}")
    failure.extra["attempts"] = [a.as_dict() for a in attempts]
    raise failure


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _failed(name: str, started: float, error: GatewayError) -> Attempt:
    return Attempt(name, "failed", _ms(started), type(error).__name__, error.code)
