"""The audit trail: every admin change, with who made it, before and after, and the request id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from payhub.ids import new_id
from payhub.store.models import AuditEvent


def record(s: Session, *, entity_id: str, key_id: str | None, action: str, target: str,
           before: dict[str, Any] | None, after: dict[str, Any] | None, request_id: str | None,
           now: datetime, staff_user_id: str | None = None) -> AuditEvent:
    event = AuditEvent(id=new_id("aud"), entity_id=entity_id, key_id=key_id, action=action, target=target,
                       before=before, after=after, request_id=request_id, created_at=now,
                       staff_user_id=staff_user_id)
    s.add(event)
    return event
