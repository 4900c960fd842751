"""Idempotency-Key handling, the first pipeline step.

Same key + same body → the stored response. Same key + another body → IdempotencyKeyReused.
Same key while the first request is in flight → IdempotencyKeyInUse. A request that wrote nothing
(validation failed) leaves no record, so the client can fix it and retry with the same key."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from payhub.domain.errors import Conflict, InvalidRequest
from payhub.pipeline.services import Services
from payhub.store.models import IdempotencyRecord

MAX_KEY_LENGTH = 255


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


def request_hash(secret: str, method: str, path: str, body: Any) -> str:
    """Keyed hash of the canonical request: bodies may carry card data, so never a plain digest."""
    canonical = json.dumps([method, path, body], sort_keys=True, separators=(",", ":"))
    return hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()


def begin(svc: Services, entity_id: str, key: str, digest: str) -> Replay | None:
    """Reserve the key. Returns a Replay if the request already completed, None if we now own it."""
    if not key or len(key) > MAX_KEY_LENGTH:
        raise IdempotencyKeyInvalid(f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} characters")
    now = svc.clock.now()
    try:
        with svc.transaction() as s:
            s.add(IdempotencyRecord(entity_id=entity_id, key=key, request_hash=digest, status="in_flight",
                                    locked_until=now + svc.payment_lock, created_at=now))
        return None
    except IntegrityError:
        pass
    with svc.transaction() as s:
        rec = s.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.entity_id == entity_id, IdempotencyRecord.key == key).with_for_update())
        if rec is None:  # released between our insert and this read: claim it afresh
            s.add(IdempotencyRecord(entity_id=entity_id, key=key, request_hash=digest, status="in_flight",
                                    locked_until=now + svc.payment_lock, created_at=now))
            return None
        if rec.created_at < now - svc.idempotency_ttl:  # expired: the key starts afresh
            rec.request_hash, rec.status, rec.created_at = digest, "in_flight", now
            rec.locked_until, rec.response_status, rec.response_body = now + svc.payment_lock, None, None
            return None
        if rec.request_hash != digest:
            raise IdempotencyKeyReused("This Idempotency-Key was used with a different request body")
        if rec.status == "done":
            return Replay(rec.response_status or 200, json.loads(rec.response_body or "{}"))
        if rec.locked_until < now:  # the first attempt died mid-flight: take it over
            rec.locked_until = now + svc.payment_lock
            return None
        raise IdempotencyKeyInUse("Retry after the first request with this key has finished")


def complete(svc: Services, entity_id: str, key: str, status: int, body: dict[str, Any]) -> None:
    with svc.transaction() as s:
        rec = s.scalar(select(IdempotencyRecord).where(
            IdempotencyRecord.entity_id == entity_id, IdempotencyRecord.key == key))
        if rec is not None:
            rec.status, rec.response_status = "done", status
            rec.response_body = json.dumps(body, separators=(",", ":"))


def release(svc: Services, entity_id: str, key: str) -> None:
    """Forget the key: the request wrote nothing."""
    with svc.transaction() as s:
        s.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.entity_id == entity_id, IdempotencyRecord.key == key,
            IdempotencyRecord.status == "in_flight"))


def purge_expired(svc: Services) -> int:
    with svc.transaction() as s:
        result = s.execute(delete(IdempotencyRecord).where(
            IdempotencyRecord.created_at < svc.clock.now() - svc.idempotency_ttl))
        return int(result.rowcount)  # type: ignore[attr-defined]
