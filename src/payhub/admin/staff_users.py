"""The virtual terminal's staff users: create, list, show, deactivate; their sign-in; the short-lived API key a
signed-in staff member's terminal page acts with; and the audit record of every terminal action. Every change is
audited with the staff user.

Roles: `terminal` takes payments; `terminal_refund` also refunds and voids (the API refuses those to any other
staff key, api/deps.refuse_unless_refunder)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from payhub.admin.work import Actor, UnitOfWork
from payhub.auth.keys import create_key
from payhub.auth.passwords import MAX_LENGTH, MIN_LENGTH, hash_password, verify_password
from payhub.domain.errors import InvalidRequest, StaffUserExists, StaffUserNotFound, TelAuthorizationRequired
from payhub.ids import new_id
from payhub.store import staff
from payhub.store.models import ApiKey, Entity, StaffLoginLink, StaffUser
from payhub.store.repo import hash_secret
from payhub.views import ts

ROLES = ("terminal", "terminal_refund")
REFUND_ROLE = "terminal_refund"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAX_SESSION = timedelta(hours=12)
MAGIC_LINK_TTL = timedelta(minutes=15)


class StaffUserCreate(BaseModel):
    model_config = {"extra": "forbid"}
    email: str = Field(pattern=EMAIL, max_length=200)
    name: str = Field("", max_length=200)
    role: Literal["terminal", "terminal_refund"]
    password: str | None = Field(None, min_length=MIN_LENGTH, max_length=MAX_LENGTH,
                                 description="Omit for sign-in by magic link only; never returned")


def staff_user_view(user: StaffUser) -> dict[str, Any]:
    return {"id": user.id, "object": "staff_user", "email": user.email, "name": user.name, "role": user.role,
            "status": user.status, "sign_in": ["password", "magic_link"] if user.password_hash else ["magic_link"],
            "created_at": ts(user.created_at), "updated_at": ts(user.updated_at),
            "deactivated_at": ts(user.deactivated_at), "last_sign_in_at": ts(user.last_sign_in_at)}


def list_staff_users(u: UnitOfWork, entity_id: str, limit: int,
                     starting_after: str | None) -> tuple[Sequence[StaffUser], bool]:
    return staff.staff_users_page(u.s, entity_id, limit, starting_after)


def get_staff_user(u: UnitOfWork, entity_id: str, staff_user_id: str, *, lock: bool = False) -> StaffUser:
    user = u.s.get(StaffUser, staff_user_id, with_for_update=lock)
    if user is None or user.entity_id != entity_id:
        raise StaffUserNotFound(f"No staff user {staff_user_id}")
    return user


def create_staff_user(u: UnitOfWork, entity_id: str, body: StaffUserCreate, actor: Actor) -> StaffUser:
    email = body.email.strip().lower()
    if staff.staff_user_by_email(u.s, entity_id, email) is not None:
        raise StaffUserExists(f"A staff user with email {email} exists", field="email")
    user = StaffUser(id=new_id("stf"), entity_id=entity_id, email=email, name=body.name, role=body.role,
                     password_hash=hash_password(body.password) if body.password else None, status="active",
                     created_at=u.now, updated_at=u.now)
    u.s.add(user)
    u.s.flush()
    u.audit(actor, entity_id, "staff_user.created", f"staff_user:{user.id}", None, staff_user_view(user))
    return user


def deactivate_staff_user(u: UnitOfWork, entity_id: str, staff_user_id: str, actor: Actor) -> StaffUser:
    """The user can no longer sign in, and the keys of their open terminal sessions are revoked at once."""
    user = get_staff_user(u, entity_id, staff_user_id, lock=True)
    before = staff_user_view(user)
    if user.status != "deactivated":
        user.status, user.deactivated_at, user.updated_at = "deactivated", u.now, u.now
        staff.revoke_staff_keys(u.s, user.id, u.now)
    u.audit(actor, entity_id, "staff_user.deactivated", f"staff_user:{user.id}", before, staff_user_view(user))
    return user


# --- sign-in and the terminal's credential ---

def check_password(u: UnitOfWork, entity_id: str, email: str, password: str) -> StaffUser | None:
    """The active staff user with this email and password, or None (the same work is done for an unknown email,
    a deactivated user or a wrong password: the answer tells nothing of which)."""
    user = staff.staff_user_by_email(u.s, entity_id, email.strip().lower())
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok and user is not None and user.status == "active" else None


def active_staff_user(u: UnitOfWork, entity_id: str, email: str) -> StaffUser | None:
    """The active staff user with this email (a magic link is sent only to one)."""
    user = staff.staff_user_by_email(u.s, entity_id, email.strip().lower())
    return user if user is not None and user.status == "active" else None


def record_sign_in(u: UnitOfWork, user: StaffUser, method: str, request_id: str | None = None) -> None:
    """A staff member signed in to the terminal (by `password` or `magic_link`)."""
    user = get_staff_user(u, user.entity_id, user.id, lock=True)
    user.last_sign_in_at = u.now
    u.audit(Actor(None, request_id, staff_user=user.id), user.entity_id, "terminal.signed_in",
            f"staff_user:{user.id}", None, {"method": method})


def mint_terminal_key(u: UnitOfWork, user: StaffUser, expires_at: datetime, session: str,
                      request_id: str | None = None) -> tuple[ApiKey, str]:
    """The terminal page's credential: an API key of scope `payments` acting for this staff user (the API reads
    their role from it), expiring with the staff session `session` (at most MAX_SESSION from now). Its secret
    is returned once."""
    user = get_staff_user(u, user.entity_id, user.id)
    if user.status != "active":
        raise StaffUserNotFound(f"No staff user {user.id}")
    if expires_at <= u.now:
        raise InvalidRequest("A session must end in the future", field="expires_at")
    expires_at = min(expires_at, u.now + MAX_SESSION)
    key, secret = create_key(u.s, user.entity_id, "payments", u.now, _key_name(session), expires_at)
    key.staff_user_id = user.id
    u.s.flush()
    u.audit(Actor(None, request_id, staff_user=user.id), user.entity_id, "terminal.key_issued",
            f"api_key:{key.id}", None, {"staff_user": user.id, "expires_at": ts(expires_at)})
    return key, secret


def end_terminal_session(u: UnitOfWork, entity_id: str, staff_user_id: str, session: str,
                         request_id: str | None = None) -> int:
    """Sign-out: the keys minted for this session are revoked at once. How many were live."""
    revoked = staff.revoke_staff_keys(u.s, staff_user_id, u.now, name=_key_name(session))
    u.audit(Actor(None, request_id, staff_user=staff_user_id), entity_id, "terminal.signed_out",
            f"staff_user:{staff_user_id}", None, {"keys_revoked": revoked})
    return revoked


def issue_magic_link(u: UnitOfWork, user: StaffUser) -> str:
    """A one-time sign-in link's secret (valid MAGIC_LINK_TTL); only its hash is stored."""
    secret = secrets.token_urlsafe(32)
    u.s.add(StaffLoginLink(token_hash=hash_secret(secret), entity_id=user.entity_id, staff_user_id=user.id,
                           created_at=u.now, expires_at=u.now + MAGIC_LINK_TTL))
    return secret


def redeem_magic_link(u: UnitOfWork, secret: str) -> StaffUser | None:
    """The active staff user a sign-in link is for, using the link up; None when it is unknown, used or expired."""
    link = u.s.get(StaffLoginLink, hash_secret(secret), with_for_update=True)
    if link is None or link.used_at is not None or link.expires_at <= u.now:
        return None
    link.used_at = u.now
    user = u.s.get(StaffUser, link.staff_user_id)
    return user if user is not None and user.status == "active" else None


def entity_name(u: UnitOfWork, entity_id: str) -> str:
    entity = u.s.get(Entity, entity_id)
    return entity.name if entity is not None else entity_id


def _key_name(session: str) -> str:
    return f"terminal:{session}"


def record_terminal_action(u: UnitOfWork, entity_id: str, actor: Actor, action: str, target: str,
                           after: dict[str, Any]) -> None:
    """The audit record of a payment, refund or void made with a staff user's terminal key."""
    u.audit(actor, entity_id, action, target, None, after)


# --- payments taken at the terminal ---
TEL_AUTHORIZATION = "tel_authorization"  # payment metadata: "read" once staff read the NACHA TEL script out
TEL_SCRIPT_VERSION = "tel_script"  # … and which version of the script (payhub.terminal.pages.TEL_SCRIPT_VERSION)
STAFF_USER = "staff_user"  # payment metadata: the staff user who took the payment


def terminal_metadata(u: UnitOfWork, entity_id: str, staff_user_id: str, method: dict[str, Any],
                      metadata: dict[str, str]) -> dict[str, str]:
    """The metadata a payment taken with a staff user's terminal key carries: the staff user, and for a bank
    account the TEL authorization, without which it is refused (NACHA: an ACH debit authorized by phone needs
    the authorization read to the customer and a record of it)."""
    kind = method.get("type")
    if kind == "token":
        kind = staff.vault_token_kind(u.s, entity_id, str(method.get("token")))
    if kind == "ach" and metadata.get(TEL_AUTHORIZATION) != "read":
        raise TelAuthorizationRequired(
            "An ACH payment taken by phone needs the TEL authorization read to the customer: send metadata "
            f"{TEL_AUTHORIZATION}=read once it was", field=f"metadata.{TEL_AUTHORIZATION}")
    return {**metadata, STAFF_USER: staff_user_id}
