"""The customer portal's statements: accounts by email, sign-in links, passwords (payhub/portal decides)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from payhub.store.models import CustomerAccount, PortalCredential, PortalLoginLink


def account_by_email(s: Session, entity_id: str, email: str) -> CustomerAccount | None:
    return s.scalars(select(CustomerAccount).where(
        CustomerAccount.entity_id == entity_id, func.lower(CustomerAccount.email) == email.strip().lower(),
    ).order_by(CustomerAccount.customer_id)).first()


def get_account(s: Session, entity_id: str, customer_id: str) -> CustomerAccount | None:
    return s.get(CustomerAccount, (entity_id, customer_id))


def add_login_link(s: Session, token_hash: str, entity_id: str, customer_id: str, now: datetime,
                   expires_at: datetime) -> None:
    s.add(PortalLoginLink(token_hash=token_hash, entity_id=entity_id, customer_id=customer_id, created_at=now,
                          expires_at=expires_at))


def use_login_link(s: Session, token_hash: str, entity_id: str, now: datetime) -> str | None:
    """Spend a sign-in link: its customer id if it was unused and unexpired (now it is used), else None."""
    link = s.get(PortalLoginLink, token_hash)
    if link is None or link.entity_id != entity_id or link.used_at is not None or link.expires_at <= now:
        return None
    taken = s.execute(update(PortalLoginLink).where(PortalLoginLink.token_hash == token_hash,
                                                    PortalLoginLink.used_at.is_(None)).values(used_at=now))
    return link.customer_id if taken.rowcount else None  # type: ignore[attr-defined]


def get_password_hash(s: Session, entity_id: str, customer_id: str) -> str | None:
    row = s.get(PortalCredential, (entity_id, customer_id))
    return row.password_hash if row else None


def set_password_hash(s: Session, entity_id: str, customer_id: str, password_hash: str, now: datetime) -> None:
    row = s.get(PortalCredential, (entity_id, customer_id), with_for_update=True)
    if row is None:
        s.add(PortalCredential(entity_id=entity_id, customer_id=customer_id, password_hash=password_hash, set_at=now))
    else:
        row.password_hash, row.set_at = password_hash, now
