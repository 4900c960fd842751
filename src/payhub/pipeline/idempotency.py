"""Idempotency-Key handling, the first pipeline step, built as Stripe's is: a request is a chain of atomic
phases separated by recovery points stored on the key's record.

Phase one reserves the key AND binds the id of what the request creates (a payment, a capture/void/refund
operation). Every gateway idempotency key derives from that id, so a retry after a crash, whichever phase it
died in, resumes with the same ids: the gateway dedupes, and PayHub never starts a second charge.

Same caller + key + body → the stored response. Same key + another body → IdempotencyKeyReused. Same key while
the first request is in flight → IdempotencyKeyInUse. A record is scoped to its caller (the API key or
customer token), so nobody ever receives another caller's stored response. A request that wrote nothing
(validation failed) leaves no record, so the client can fix it and retry with the same key."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from payhub.auth.sealing import seal, unseal
from payhub.domain.errors import Conflict, InvalidRequest
from payhub.ids import new_id
from payhub.pipeline.services import Services
from payhub.store.models import IdempotencyRecord

MAX_KEY_LENGTH = 255
# Recovery points, in order: each names the last phase whose transaction committed.
STARTED, INTENT_RECORDED, STATE_RECORDED, FINISHED = "started", "intent_recorded", "state_recorded", "finished"
# An in-flight record binds ids a resumed request must reuse: it outlives the replay window by far.
IN_FLIGHT_KEPT = 7

Checkpoint = Callable[[Session, str], None]  # (the phase's open transaction, recovery point reached)


class IdempotencyKeyReused(InvalidRequest):
    code = "idempotency_key_reused"
    title = "Idempotency key was already used with a different request"


class IdempotencyKeyInUse(Conflict):
    code = "idempotency_key_in_use"
    title = "A request with this idempotency key is still in flight"


class IdempotencyKeyInvalid(InvalidRequest):
    code = "idempotency_key_invalid"
    title = "Idempotency key is invalid"


@dataclass(frozen=True)
class Replay:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Claim:
    """This request now owns the key. `resource_id` was bound when the key was first reserved; `resumed`
    says an earlier attempt died mid-flight and this one continues it from `recovery_point`."""

    record_id: int
    resource_id: str
    recovery_point: str
    resumed: bool

    def checkpoint(self, s: Session, point: str) -> None:
        """Record a recovery point inside the phase's own transaction: it commits with the phase or not at all."""
        s.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == self.record_id)
                  .values(recovery_point=point).execution_options(synchronize_session=False))


def request_hash(secret: str, method: str, path: str, body: Any) -> str:
    """Keyed hash of the canonical request: bodies may carry card data, so never a plain digest."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def begin(svc: Services, entity_id: str, principal: str, key: str, digest: str,
          prefix: str = "req") -> Replay | Claim:
    """Reserve the key for this caller, binding a new `prefix_…` id to it; or resume or replay its request."""
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise IdempotencyKeyInvalid(f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} printable characters")
    now = svc.clock.now()
    try:
        with svc.transaction() as s:
            return _reserve(s, svc, entity_id, principal, key, digest, prefix)
    except IntegrityError:
        pass
    with svc.transaction() as s:
        rec = s.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.entity_id == entity_id, IdempotencyRecord.principal == principal,
            IdempotencyRecord.key == key).with_for_update())
        if rec is None:  # released between our insert and this read: reserve it afresh
            return _reserve(s, svc, entity_id, principal, key, digest, prefix)
        if rec.status == "done" and rec.created_at < now - svc.idempotency_ttl:  # expired: the key starts afresh
            s.delete(rec)
            s.flush()
            return _reserve(s, svc, entity_id, principal, key, digest, prefix)
        if rec.request_hash != digest:
            raise IdempotencyKeyReused("This Idempotency-Key was used with a different request body")
        if rec.status == "done":
            body = unseal(svc.secret_key, rec.response_body) if rec.response_body else "{}"
            return Replay(rec.response_status or 200, json.loads(body))
        if rec.locked_until >= now:
            raise IdempotencyKeyInUse("Retry after the first request with this key has finished")
        # The first attempt died mid-flight (or stopped at an unknown outcome): resume it with the same ids.
        rec.locked_until = now + svc.payment_lock
        return Claim(rec.id, rec.resource_id or new_id(prefix), rec.recovery_point, resumed=True)


def _reserve(s: Session, svc: Services, entity_id: str, principal: str, key: str, digest: str,
             prefix: str) -> Claim:
    now = svc.clock.now()
    rec = IdempotencyRecord(entity_id=entity_id, principal=principal, key=key, request_hash=digest,
                            status="in_flight", recovery_point=STARTED, resource_id=new_id(prefix),
                            locked_until=now + svc.payment_lock, created_at=now)
    s.add(rec)
    s.flush()
    return Claim(rec.id, rec.resource_id or "", STARTED, resumed=False)


def complete(svc: Services, claim: Claim, status: int, body: dict[str, Any]) -> None:
    with svc.transaction() as s:
        s.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == claim.record_id).values(
            status="done", recovery_point=FINISHED, response_status=status,
            # sealed: a stored answer may hold a secret shown once (a new API key, a webhook signing secret)
            response_body=seal(svc.secret_key, json.dumps(body, separators=(",", ":"))),
        ).execution_options(synchronize_session=False))


def pause(svc: Services, claim: Claim) -> None:
    """The request stopped after writing part of its work (an unknown outcome, a failure past the intent):
    keep the bound ids and let the next retry resume at once."""
    with svc.transaction() as s:
        s.execute(update(IdempotencyRecord).where(IdempotencyRecord.id == claim.record_id)
                  .values(locked_until=svc.clock.now()).execution_options(synchronize_session=False))


def release(svc: Services, claim: Claim) -> None:
    """Forget the key: the request wrote nothing."""
    with svc.transaction() as s:
        s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == claim.record_id,
                                                  IdempotencyRecord.status == "in_flight"))


def purge_expired(svc: Services) -> int:
    now = svc.clock.now()
    with svc.transaction() as s:
        result = s.execute(delete(IdempotencyRecord).where(
            ((IdempotencyRecord.status == "done") & (IdempotencyRecord.created_at < now - svc.idempotency_ttl))
            | (IdempotencyRecord.created_at < now - svc.idempotency_ttl * IN_FLIGHT_KEPT)))
        return int(result.rowcount)  # type: ignore[attr-defined]
