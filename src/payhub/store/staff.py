"""Queries of the virtual terminal's staff users and the API keys minted for their sessions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from payhub.store.models import ApiKey, StaffUser, VaultToken
from payhub.store.repo import page


def staff_users_page(s: Session, entity_id: str, limit: int,
                     starting_after: str | None) -> tuple[Sequence[StaffUser], bool]:
    return page(s, select(StaffUser).where(StaffUser.entity_id == entity_id), StaffUser.id, limit, starting_after)


def staff_user_by_email(s: Session, entity_id: str, email: str) -> StaffUser | None:
    return s.scalar(select(StaffUser).where(StaffUser.entity_id == entity_id, StaffUser.email == email.lower()))


def staff_role(s: Session, staff_user_id: str) -> str | None:
    """The role of an active staff user; None when the user is unknown or deactivated."""
    user = s.get(StaffUser, staff_user_id)
    return user.role if user is not None and user.status == "active" else None


def revoke_staff_keys(s: Session, staff_user_id: str, now: datetime, name: str | None = None) -> int:
    """Revoke every live key minted for this staff user (the user deactivated), or those named `name` (one
    session's, at sign-out). Through the ORM: the flush
    bumps the key cache's stamp (store/cache.py), so every process stops accepting them within a second."""
    q = select(ApiKey).where(ApiKey.staff_user_id == staff_user_id, ApiKey.revoked_at.is_(None))
    keys = s.scalars(q.where(ApiKey.name == name) if name is not None else q).all()
    for key in keys:
        key.revoked_at = now
    return len(keys)


def vault_token_kind(s: Session, entity_id: str, token_id: str) -> str | None:
    """card | ach for a vault token of the entity; None when there is no such token."""
    token = s.get(VaultToken, token_id)
    return token.kind if token is not None and token.entity_id == entity_id else None
