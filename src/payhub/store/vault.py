"""The vault's statements: tokens and saved payment methods (sealing and opening is payhub/vault's)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from payhub.domain.errors import PaymentMethodNotFound, TokenNotFound
from payhub.store.models import Payment, SavedPaymentMethod, VaultToken


def get_token(s: Session, entity_id: str, token_id: str, *, lock: bool = False) -> VaultToken:
    q = select(VaultToken).where(VaultToken.id == token_id, VaultToken.entity_id == entity_id)
    row = s.scalars(q.with_for_update() if lock else q).first()
    if row is None:
        raise TokenNotFound(f"No token {token_id}")
    return row


def bind_token(s: Session, token_id: str, payment_id: str, now: datetime) -> bool:
    """Take a single-use token for this payment; True if it is now this payment's (again, on a retry)."""
    taken = s.execute(update(VaultToken).where(
        VaultToken.id == token_id, VaultToken.saved_as.is_(None),
        or_(VaultToken.used_by.is_(None), VaultToken.used_by == payment_id),
    ).values(used_by=payment_id, used_at=now))
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def release_tokens(s: Session, payment_id: str) -> None:
    """A payment whose intent is forgotten (nothing was charged) gives its token back."""
    s.execute(update(VaultToken).where(VaultToken.used_by == payment_id).values(used_by=None, used_at=None))


def get_method(s: Session, entity_id: str, method_id: str, customer_id: str | None = None) -> SavedPaymentMethod:
    q = select(SavedPaymentMethod).where(SavedPaymentMethod.id == method_id, SavedPaymentMethod.entity_id == entity_id,
                                         SavedPaymentMethod.deleted_at.is_(None))
    if customer_id is not None:
        q = q.where(SavedPaymentMethod.customer_id == customer_id)
    row = s.scalars(q).first()
    if row is None:
        raise PaymentMethodNotFound(f"No payment method {method_id}")
    return row


def methods_of(s: Session, entity_id: str, customer_id: str, limit: int,
               starting_after: str | None) -> tuple[Sequence[SavedPaymentMethod], bool]:
    q = select(SavedPaymentMethod).where(SavedPaymentMethod.entity_id == entity_id,
                                         SavedPaymentMethod.customer_id == customer_id,
                                         SavedPaymentMethod.deleted_at.is_(None))
    if starting_after is not None:
        q = q.where(SavedPaymentMethod.id < starting_after)
    rows = s.scalars(q.order_by(SavedPaymentMethod.id.desc()).limit(limit + 1)).all()
    return rows[:limit], len(rows) > limit


def sealed_under_other_keys(s: Session, active: str, limit: int) -> Sequence[VaultToken]:
    """The next batch for rotation: tokens still sealed under a key other than the active one (locked, so two
    rotations never re-seal the same row)."""
    q = select(VaultToken).where(VaultToken.key_id != active, VaultToken.sealed.is_not(None))
    return s.scalars(q.order_by(VaultToken.id).limit(limit).with_for_update(skip_locked=True)).all()


def count_sealed(s: Session, *, other_than: str | None = None) -> int:
    q = select(func.count()).select_from(VaultToken).where(VaultToken.sealed.is_not(None))
    if other_than is not None:
        q = q.where(VaultToken.key_id != other_than)
    return int(s.scalar(q) or 0)


def sealed_by_key(s: Session) -> Counter[str]:
    rows = s.execute(select(VaultToken.key_id, func.count()).where(VaultToken.sealed.is_not(None))
                     .group_by(VaultToken.key_id))
    return Counter({key_id: int(n) for key_id, n in rows})


def erase_spent(s: Session, now: datetime, in_flight: Sequence[str], limit: int) -> int:
    """Erase the sealed card of tokens no payment will need again: single-use tokens whose payment is decided
    (captured, failed, …: a capture, refund or void uses the gateway's reference, never the card) and tokens
    that expired unused. Saved methods keep theirs until deleted."""
    spent = select(VaultToken.id).outerjoin(Payment, Payment.id == VaultToken.used_by).where(
        VaultToken.sealed.is_not(None), VaultToken.saved_as.is_(None),
        or_(and_(VaultToken.used_by.is_not(None), or_(Payment.id.is_(None), Payment.status.not_in(in_flight))),
            and_(VaultToken.used_by.is_(None), VaultToken.expires_at < now))).limit(limit)
    ids = list(s.scalars(spent))
    if ids:
        s.execute(update(VaultToken).where(VaultToken.id.in_(ids)).values(sealed=None))
    return len(ids)
