"""Signing a customer in to the portal: magic links by email, passwords (scrypt) set from the invitation, and the
customer-context token the portal's widgets use. An unknown email is answered like a known one: the same reply,
and the same work (a password check against a dummy hash; mail goes out in the background)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from payhub.admin.portal_settings import portal_settings
from payhub.auth.keys import create_customer_token
from payhub.domain.errors import DomainError, EntityNotFound
from payhub.mail import Mailer
from payhub.services import Services
from payhub.store import portal as store
from payhub.store import repo
from payhub.web.session import CurrentSession, token_owner

LINK_TTL = timedelta(minutes=15)
TOKEN_TTL = timedelta(hours=1)
MIN_PASSWORD = 12
MAX_PASSWORD = 200
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1  # ~32 MiB, the OWASP-recommended floor for scrypt


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- passwords ---
def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    key = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(password.encode())
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(key).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt":
            return False
        Scrypt(salt=base64.b64decode(salt), length=32, n=int(n), r=int(r), p=int(p)).verify(
            password.encode(), base64.b64decode(key))
        return True
    except (ValueError, InvalidKey):
        return False


_DUMMY = hash_password(secrets.token_urlsafe(16))  # checked for unknown accounts: the same work as a real check


# --- the entity's portal ---
@dataclass(frozen=True)
class Portal:
    entity_id: str
    name: str
    branding: dict[str, str]
    settings: dict[str, Any]

    @property
    def enabled(self) -> bool:
        return bool(self.settings.get("enabled"))


def load_portal(svc: Services, entity_id: str) -> Portal | None:
    """The entity's portal (branding and settings), or None if there is no such entity."""
    with svc.read() as s:
        try:
            entity = repo.get_entity(s, entity_id)
        except EntityNotFound:
            return None
        branding = {str(k): str(v) for k, v in (entity.branding or {}).items()}
        return Portal(entity.id, branding.get("name") or entity.name, branding, portal_settings(entity.portal))


def customer_name(svc: Services, entity_id: str, customer_id: str) -> str:
    try:
        return svc.erp_for(entity_id).get_customer(entity_id, customer_id).name
    except DomainError:
        return customer_id


def _can_sign_in(svc: Services, entity_id: str, email: str) -> str | None:
    """The customer id of the account with this email that has portal access, if any."""
    with svc.read() as s:
        account = store.account_by_email(s, entity_id, email)
        return account.customer_id if account is not None and account.portal_status == "invited" else None


# --- magic links ---
def send_magic_link(svc: Services, mailer: Mailer, portal: Portal, email: str, base_url: str) -> None:
    """Email a one-time sign-in link if the email is a portal customer's; do nothing visible otherwise."""
    customer_id = _can_sign_in(svc, portal.entity_id, email)
    if customer_id is None:
        return
    secret = secrets.token_urlsafe(32)
    now = svc.clock.now()
    with svc.transaction() as s:
        store.add_login_link(s, _hash(secret), portal.entity_id, customer_id, now, now + LINK_TTL)
    link = f"{base_url}/portal/{portal.entity_id}/login?code={secret}"  # a query: PayHub's access log keeps paths
    minutes = int(LINK_TTL.total_seconds() // 60)
    support = portal.settings.get("support_email")
    mailer.send(email, f"Sign in to {portal.name}", (
        f"Hello,\n\nUse this link to sign in to {portal.name}'s payment portal. It works once, for {minutes} "
        f"minutes:\n\n{link}\n\nIf you did not ask for it, ignore this email."
        + (f" Questions: {support}." if support else "") + "\n"))


def redeem_magic_link(svc: Services, entity_id: str, secret: str) -> str | None:
    """The customer the link signs in (spending it), or None if it is unknown, used or expired."""
    if not secret or len(secret) > 100:
        return None
    with svc.transaction() as s:
        return store.use_login_link(s, _hash(secret), entity_id, svc.clock.now())


# --- passwords ---
def password_sign_in(svc: Services, entity_id: str, email: str, password: str) -> str | None:
    customer_id = _can_sign_in(svc, entity_id, email)
    stored = None
    if customer_id is not None:
        with svc.read() as s:
            stored = store.get_password_hash(s, entity_id, customer_id)
    ok = verify_password(password[:MAX_PASSWORD], stored or _DUMMY)
    return customer_id if ok and stored is not None else None


def invitation_customer(svc: Services, entity_id: str, invite: str) -> str | None:
    """The customer whose latest portal invitation this is (a live customer token made with the invitation)."""
    if not invite or len(invite) > 200:
        return None
    with svc.read() as s:
        token = repo.find_customer_token(s, invite, svc.clock.now())
        if token is None or token.entity_id != entity_id:
            return None
        account = store.get_account(s, entity_id, token.customer_id)
        if account is None or account.portal_status != "invited" or account.invited_at != token.created_at:
            return None
        return token.customer_id


def accept_invitation(svc: Services, entity_id: str, invite: str, password: str) -> str | None:
    """Set the customer's password from its invitation, which is then spent (revoked)."""
    customer_id = invitation_customer(svc, entity_id, invite)
    if customer_id is None:
        return None
    digest = hash_password(password)
    now = svc.clock.now()
    with svc.transaction() as s:
        token = repo.find_customer_token(s, invite, now)
        if token is None:
            return None
        token.revoked_at = now
        store.set_password_hash(s, entity_id, customer_id, digest, now)
    return customer_id


def password_problem(password: str, confirm: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"Choose a password of at least {MIN_PASSWORD} characters."
    if len(password) > MAX_PASSWORD:
        return f"Choose a password of at most {MAX_PASSWORD} characters."
    if not hmac.compare_digest(password.encode(), confirm.encode()):
        return "The two passwords differ."
    return None


# --- the widgets' token ---
def mint_token(svc: Services, session: CurrentSession) -> str:
    """A customer-context token for this session's customer (channel portal), revoked when the session ends."""
    assert session.entity_id is not None
    now = svc.clock.now()
    with svc.transaction() as s:
        _, secret = create_customer_token(s, session.entity_id, session.subject_id, now,
                                          min(now + TOKEN_TTL, session.created_at + timedelta(hours=12)),
                                          invoice_ids=None, max_amount=None, currency=None,
                                          created_by=token_owner(session), channel="portal")
    return secret
