"""Browser sessions' statements (web/session.py decides; this reads and writes the rows)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from payhub.store.models import CustomerToken, WebSession


def add_session(s: Session, *, id_hash: str, kind: str, subject_id: str, entity_id: str | None, csrf_token: str,
                now: datetime, expires_at: datetime) -> WebSession:
    row = WebSession(id_hash=id_hash, kind=kind, subject_id=subject_id, entity_id=entity_id, csrf_token=csrf_token,
                     created_at=now, expires_at=expires_at, last_seen_at=now)
    s.add(row)
    return row


def get_session(s: Session, id_hash: str) -> WebSession | None:
    return s.get(WebSession, id_hash)


def touch_session(s: Session, id_hash: str, now: datetime, expires_at: datetime) -> None:
    s.execute(update(WebSession).where(WebSession.id_hash == id_hash).values(last_seen_at=now, expires_at=expires_at))


def delete_session(s: Session, id_hash: str) -> None:
    s.execute(delete(WebSession).where(WebSession.id_hash == id_hash))


def delete_expired_sessions(s: Session, now: datetime) -> int:
    done = s.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return int(done.rowcount)  # type: ignore[attr-defined]


def revoke_tokens_made_by(s: Session, created_by: str, now: datetime) -> None:
    """Revoke the customer tokens a session minted (their `created_by` names the session)."""
    s.execute(update(CustomerToken).where(CustomerToken.created_by == created_by, CustomerToken.revoked_at.is_(None))
              .values(revoked_at=now))
