"""Idempotency-Key handling, the first pipeline step, built as Stripe's is: a request is a chain of atomic
phases separated by recovery points stored on the key's record.

Phase one reserves the key AND binds the id of what the request creates (a payment, a capture/void/refund
operation). Every gateway idempotency key derives from that id, so a retry after a crash, whichever phase it
died in, resumes with the same ids: the gateway dedupes, and PayHub never starts a second charge.

A money-moving request reserves its key inside its first phase's own transaction (the intent), and seals its
response inside its last (the outcome): a payment is two write transactions, not four, and a request refused
before its intent writes nothing at all. A concurrent request with the same key loses at the reservation's
unique constraint, and its whole first phase rolls back with it.

Same caller + key + body → the stored response. Same key + another body → IdempotencyKeyReused. Same key while
the first request is in flight → IdempotencyKeyInUse. A record is scoped to its caller (the API key or
customer token), so nobody ever receives another caller's stored response. A request that wrote nothing
(validation failed) leaves no record, so the client can fix it and retry with the same key."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from payhub.auth.sealing import seal, unseal
from payhub.domain.errors import (
    IdempotencyKeyInUse,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
)
from payhub.ids import new_id
from payhub.services import Services
from payhub.store import idempotency as records
from payhub.store.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
# Recovery points, in order: each names the last phase whose transaction committed.
STARTED, INTENT_RECORDED, STATE_RECORDED, FINISHED = "started", "intent_recorded", "state_recorded", "finished"
# An in-flight record binds ids a resumed request must reuse: it outlives the replay window by far.
IN_FLIGHT_KEPT = 7

Checkpoint = Callable[[Session, str], None]  # (the phase's open transaction, recovery point reached)








@dataclass(frozen=True)
class Replay:
    status: int
    body: dict[str, Any]


@dataclass
class Claim:
    """This request now owns the key. `resource_id` is bound when the key is reserved; `resumed` says an earlier
    attempt died mid-flight and this one continues it from `recovery_point`.

    A fresh claim (`record_id` None) is reserved by its first checkpoint, in that phase's transaction. `render`
    and `status` (set by the API) let the last phase seal the response in its own transaction (`finish`)."""

    resource_id: str
    recovery_point: str
    resumed: bool
    record_id: int | None = None
    reservation: _Reservation | None = None
    render: Callable[[Any], dict[str, Any]] | None = None
    status: int = 200
    response: dict[str, Any] | None = None  # the sealed response, once `finish` wrote it
    secret: str = field(default="", repr=False)  # seals the stored response

    def checkpoint(self, s: Session, point: str) -> None:
        """Record a recovery point inside the phase's own transaction: it commits with the phase or not at all."""
        if self.record_id is None:
            self._reserve(s, point)
            return
        records.set_recovery_point(s, self.record_id, point)

    def finish(self, s: Session, outcome: Any) -> None:
        """The last phase: store the response with the state it shows, in the same transaction."""
        if self.render is None:
            return
        body = self.render(outcome)
        if self.record_id is None:
            self._reserve(s, FINISHED)
        _done(s, self.record_id, self.status, body, self.secret)
        self.response = body
        _on_rollback(s, lambda: setattr(self, "response", None))

    def _reserve(self, s: Session, point: str) -> None:
        r = self.reservation
        assert r is not None
        rec = IdempotencyRecord(entity_id=r.entity_id, principal=r.principal, key=r.key, request_hash=r.digest,
                                status="in_flight", recovery_point=point, resource_id=self.resource_id,
                                locked_until=r.locked_until, created_at=r.now)
        s.add(rec)
        try:
            s.flush()
        except IntegrityError:  # a concurrent request with this key reserved it first: this phase rolls back
            raise IdempotencyKeyInUse("Retry after the first request with this key has finished") from None
        self.record_id = rec.id
        _on_rollback(s, lambda: setattr(self, "record_id", None))  # the phase failed: nothing was reserved


def _on_rollback(s: Session, undo: Callable[[], None]) -> None:
    event.listen(s, "after_rollback", lambda _: undo(), once=True)


@dataclass(frozen=True)
class _Reservation:
    entity_id: str
    principal: str
    key: str
    digest: str
    now: datetime
    locked_until: datetime


def request_hash(secret: str, method: str, path: str, body: Any) -> str:
    """Keyed hash of the canonical request: bodies may carry card data, so never a plain digest."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def begin(svc: Services, entity_id: str, principal: str, key: str, digest: str,
          prefix: str = "req", *, reserve: bool = True) -> Replay | Claim:
    """Replay or resume this caller's request under the key, or claim the key for it, binding a new `prefix_…` id.
    `reserve=False` (the money-moving routes) reserves it later, in the first phase's transaction (a checkpoint)."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyInvalid(f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable characters")
    now = svc.clock.now()
    if not reserve:
        with svc.read() as s:
            rec = records.find(s, entity_id, principal, key)
        if rec is None:
            return _fresh(svc, entity_id, principal, key, digest, prefix)
        if rec.status == "done" and rec.created_at >= now - svc.idempotency_ttl:  # answered: no write needed
            return _answer(svc, rec, digest)
    else:
        try:
            with svc.transaction() as s:
                claim = _fresh(svc, entity_id, principal, key, digest, prefix)
                claim.checkpoint(s, STARTED)
                return claim
        except IdempotencyKeyInUse:
            pass
    with svc.transaction() as s:
        rec = records.find(s, entity_id, principal, key, lock=True)
        expired = rec is not None and rec.status == "done" and rec.created_at < now - svc.idempotency_ttl
        if rec is None or expired:  # released meanwhile, or expired: the key starts afresh
            if rec is not None:
                s.delete(rec)
                s.flush()
            claim = _fresh(svc, entity_id, principal, key, digest, prefix)
            if reserve:
                claim.checkpoint(s, STARTED)
            return claim
        if rec.status == "done" or rec.request_hash != digest:
            return _answer(svc, rec, digest)
        if rec.locked_until >= now:
            raise IdempotencyKeyInUse("Retry after the first request with this key has finished")
        # The first attempt died mid-flight (or stopped at an unknown outcome): resume it with the same ids.
        rec.locked_until = now + svc.payment_lock
        return Claim(rec.resource_id or new_id(prefix), rec.recovery_point, resumed=True, record_id=rec.id,
                     secret=svc.secret_key)


def _answer(svc: Services, rec: IdempotencyRecord, digest: str) -> Replay:
    """The stored response, for the same request only."""
    if rec.request_hash != digest:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request body")
    body = unseal(svc.secret_key, rec.response_body) if rec.response_body else "{}"
    return Replay(rec.response_status or 200, json.loads(body))


def _fresh(svc: Services, entity_id: str, principal: str, key: str, digest: str, prefix: str) -> Claim:
    now = svc.clock.now()
    return Claim(new_id(prefix), STARTED, resumed=False, secret=svc.secret_key, reservation=_Reservation(
        entity_id, principal, key, digest, now, now + svc.payment_lock))


def _done(s: Session, record_id: int | None, status: int, body: dict[str, Any], secret: str) -> None:
    assert record_id is not None
    # sealed: a stored answer may hold a secret shown once (a new API key, a webhook signing secret)
    records.store_response(s, record_id, FINISHED, status, seal(secret, json.dumps(body, separators=(",", ":"))))


def complete(svc: Services, claim: Claim, status: int, body: dict[str, Any]) -> None:
    """Store the response (a request whose last phase did not `finish` it, or that wrote nothing of its own)."""
    if claim.response is not None:
        return
    with svc.transaction() as s:
        if claim.record_id is None:
            claim.checkpoint(s, FINISHED)
        _done(s, claim.record_id, status, body, svc.secret_key)


def pause(svc: Services, claim: Claim) -> None:
    """The request stopped after writing part of its work (an unknown outcome, a failure past the intent):
    keep the bound ids and let the next retry resume at once."""
    if claim.record_id is None:  # stopped before its first phase committed: nothing to resume
        return
    with svc.transaction() as s:
        records.unlock(s, claim.record_id, svc.clock.now())


def release(svc: Services, claim: Claim) -> None:
    """Forget the key: the request wrote nothing."""
    if claim.record_id is None:
        return
    with svc.transaction() as s:
        records.release(s, claim.record_id)


def purge_expired(svc: Services) -> int:
    now = svc.clock.now()
    with svc.transaction() as s:
        return records.purge(s, now - svc.idempotency_ttl, now - svc.idempotency_ttl * IN_FLIGHT_KEPT)
