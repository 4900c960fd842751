"""The Idempotency-Key records' queries (pipeline/idempotency.py holds the rules: when a key is reserved,
resumed, answered or released). Statements that run on every payment are built once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from payhub.store.models import IdempotencyRecord


def find(s: Session, entity_id: str, principal: str, key: str, *, lock: bool = False) -> IdempotencyRecord | None:
    """This caller's record of the key (with `lock`, locked for this transaction)."""
    params = {"entity": entity_id, "principal": principal, "key": key}
    return s.scalar(_FIND_LOCKED if lock else _FIND, params)


def set_recovery_point(s: Session, record_id: int, point: str) -> None:
    s.execute(_POINT, {"rid": record_id, "point": point})


def store_response(s: Session, record_id: int, point: str, status: int, sealed_body: str) -> None:
    """The request is done: its response (sealed by the caller) answers every retry."""
    s.execute(_DONE, {"rid": record_id, "point": point, "response_status": status, "body": sealed_body})


def unlock(s: Session, record_id: int, now: datetime) -> None:
    """Let the next retry resume at once."""
    s.execute(_UNLOCK, {"rid": record_id, "now": now})


def release(s: Session, record_id: int) -> None:
    """Forget a key whose request wrote nothing (only while it is still in flight)."""
    s.execute(delete(IdempotencyRecord).where(IdempotencyRecord.id == record_id,
                                              IdempotencyRecord.status == "in_flight"))


def purge(s: Session, done_before: datetime, any_before: datetime) -> int:
    """Delete answered records older than `done_before` and any record older than `any_before`."""
    result = s.execute(delete(IdempotencyRecord).where(
        ((IdempotencyRecord.status == "done") & (IdempotencyRecord.created_at < done_before))
        | (IdempotencyRecord.created_at < any_before)))
    return int(result.rowcount)  # type: ignore[attr-defined]


_FIND = select(IdempotencyRecord).where(IdempotencyRecord.entity_id == bindparam("entity"),
                                        IdempotencyRecord.principal == bindparam("principal"),
                                        IdempotencyRecord.key == bindparam("key"))
_FIND_LOCKED = _FIND.with_for_update()
_BY_ID = IdempotencyRecord.id == bindparam("rid")
_POINT = (update(IdempotencyRecord).where(_BY_ID).values(recovery_point=bindparam("point"))
          .execution_options(synchronize_session=False))
_DONE = (update(IdempotencyRecord).where(_BY_ID).values(
    status="done", recovery_point=bindparam("point"), response_status=bindparam("response_status"),
    response_body=bindparam("body")).execution_options(synchronize_session=False))
_UNLOCK = (update(IdempotencyRecord).where(_BY_ID).values(locked_until=bindparam("now"))
           .execution_options(synchronize_session=False))
