"""Browser sessions for PayHub's own pages (the customer portal, the virtual terminal): server-side sessions in a
cookie, CSRF protection for every form, and sign-in rate limits. Shared by payhub.portal and payhub.terminal.

The API (sync functions; call them from sync route handlers, which FastAPI runs in its threadpool):

- `start(svc, request, response, kind=, subject_id=, entity_id=)` → `CurrentSession`. Signs a browser in: ends
  the session its cookie names, if any (a new id at every sign-in: no session fixation), stores a new one and sets
  the cookie on `response`. `kind` is "customer" (subject = the ERP customer id, entity = its entity) or "staff"
  (subject = the staff user id; entity optional).
- `current(svc, request, kind, entity_id=None)` → `CurrentSession | None`. The session the request's cookie names,
  if it exists, is of this kind (and entity, when given) and has not expired; each use slides its idle expiry
  (`IDLE`), never beyond its absolute lifetime (`ABSOLUTE`).
- `end(svc, request, response, revoke_tokens=True)`: signs out: deletes the row, clears the cookie, and revokes
  the customer tokens minted for the session (`token_owner(session)` is the `created_by` to give them).
- `form_token(request, response, session)` → the CSRF token to put in a form's hidden field `CSRF_FIELD`:
  the session's synchronizer token when signed in; before sign-in (the sign-in forms themselves) an HMAC of a
  random pre-session cookie (`payhub_presession`, set on `response` when missing).
- `check_csrf(svc, request, submitted, session)`: raises `CsrfRefused` unless the request comes from PayHub's
  own origin (Origin / Sec-Fetch-Site / Referer, when the browser sends them: a cross-site form post is refused
  whatever it holds) and `submitted` equals the expected token (constant-time compare). Call it first in every
  POST handler, with `session=None` for the sign-in forms. Serve the forms' pages with `Referrer-Policy:
  same-origin` (or stricter-when-cross-origin), never `no-referrer`: under no-referrer Chromium posts forms with
  `Origin: null`, which is refused.
- `check_sign_in_rate(svc, request, account)`: raises `SignInThrottled` (with `retry_after_s`) when the client
  address or the account (e.g. "ent_x:jane@example.com", known or not) has tried too often: a burst of
  `ACCOUNT_BURST` per account refilled one per `ACCOUNT_REFILL_S`, `IP_BURST` per address one per `IP_REFILL_S`.
  Uses the server's rate limiter (payhub/auth/ratelimit.py: in memory, or Redis shared by every replica).

Cookie: `payhub_session`, HttpOnly, SameSite=Lax, Path=/, Secure when the request came over https (directly, or
as `X-Forwarded-Proto` says when uvicorn trusts the proxy), no Max-Age (ends with the browser; the server's
expiry is what counts). The cookie holds a random 256-bit id; the database keeps only its SHA-256."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from starlette.requests import Request
from starlette.responses import Response

from payhub.services import Services
from payhub.store import web_sessions
from payhub.web.origins import is_own, request_origin

if TYPE_CHECKING:
    from payhub.store.models import WebSession

COOKIE = "payhub_session"
PRE_COOKIE = "payhub_presession"
CSRF_FIELD = "csrf_token"
IDLE = timedelta(minutes=30)
ABSOLUTE = timedelta(hours=12)
ACCOUNT_BURST, ACCOUNT_REFILL_S = 5, 60.0
IP_BURST, IP_REFILL_S = 30, 6.0
Kind = Literal["customer", "staff"]


class CsrfRefused(Exception):
    """A state-changing request without the form's token, with a wrong one, or from another site (answer 403)."""


class SignInThrottled(Exception):
    """Too many sign-in attempts for this account or address (answer 429 with Retry-After)."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__("Too many sign-in attempts")
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class CurrentSession:
    handle: str  # the id's SHA-256: the row's key (never the cookie value)
    kind: str
    subject_id: str
    entity_id: str | None
    csrf_token: str
    created_at: datetime
    expires_at: datetime


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="lax", secure=_secure(request), path="/")


def _view(row: WebSession) -> CurrentSession:
    return CurrentSession(row.id_hash, row.kind, row.subject_id, row.entity_id, row.csrf_token, row.created_at,
                          row.expires_at)


def token_owner(session: CurrentSession) -> str:
    """The `created_by` of the customer tokens a session mints, so that signing out revokes them."""
    return f"ses_{session.handle[:32]}"


def start(svc: Services, request: Request, response: Response, *, kind: Kind, subject_id: str,
          entity_id: str | None) -> CurrentSession:
    now = svc.clock.now()
    old = request.cookies.get(COOKIE)
    session_id = secrets.token_urlsafe(32)
    with svc.transaction() as s:
        if old:
            web_sessions.delete_session(s, _hash(old))
        web_sessions.delete_expired_sessions(s, now)
        row = web_sessions.add_session(s, id_hash=_hash(session_id), kind=kind, subject_id=subject_id,
                                       entity_id=entity_id, csrf_token=secrets.token_urlsafe(32), now=now,
                                       expires_at=now + IDLE)
        view = _view(row)
    _set_cookie(request, response, COOKIE, session_id)
    return view


def current(svc: Services, request: Request, kind: Kind, entity_id: str | None = None) -> CurrentSession | None:
    cookie = request.cookies.get(COOKIE)
    if not cookie or len(cookie) > 100:
        return None
    now = svc.clock.now()
    with svc.transaction() as s:
        row = web_sessions.get_session(s, _hash(cookie))
        if row is None or row.expires_at <= now or row.kind != kind:
            return None
        if entity_id is not None and row.entity_id != entity_id:
            return None
        expires = min(now + IDLE, row.created_at + ABSOLUTE)
        web_sessions.touch_session(s, row.id_hash, now, expires)
        row.expires_at = expires
        return _view(row)


def end(svc: Services, request: Request, response: Response, *, revoke_tokens: bool = True) -> None:
    cookie = request.cookies.get(COOKIE)
    if cookie and len(cookie) <= 100:
        handle = _hash(cookie)
        with svc.transaction() as s:
            web_sessions.delete_session(s, handle)
            if revoke_tokens:
                web_sessions.revoke_tokens_made_by(s, f"ses_{handle[:32]}", svc.clock.now())
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request))


def _pre_token(svc: Services, pre: str) -> str:
    return hmac.new(svc.secret_key.encode(), b"payhub-presession:" + pre.encode(), hashlib.sha256).hexdigest()


def form_token(svc: Services, request: Request, response: Response, session: CurrentSession | None) -> str:
    if session is not None:
        return session.csrf_token
    pre = request.cookies.get(PRE_COOKIE)
    if not pre or len(pre) > 100:
        pre = secrets.token_urlsafe(32)
        _set_cookie(request, response, PRE_COOKIE, pre)
    return _pre_token(svc, pre)


def same_origin(request: Request) -> bool:
    """Did the browser say the request comes from PayHub's own pages? (True when it said nothing: not a
    browser's cross-site request, which always carries Origin on a POST; the token still decides.)"""
    headers = request.headers
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request_origin(headers)
    if origin is not None:
        return origin != "null" and is_own(origin, headers)
    referer = headers.get("referer")
    if referer:
        parts = referer.split("/", 3)
        return len(parts) >= 3 and is_own(f"{parts[0]}//{parts[2]}".lower(), headers)
    return True


def check_csrf(svc: Services, request: Request, submitted: str | None, session: CurrentSession | None) -> None:
    if not same_origin(request):
        raise CsrfRefused("cross-site request")
    if session is not None:
        expected = session.csrf_token
    else:
        pre = request.cookies.get(PRE_COOKIE)
        if not pre or len(pre) > 100:
            raise CsrfRefused("no pre-session cookie")
        expected = _pre_token(svc, pre)
    if not submitted or not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise CsrfRefused("missing or wrong form token")


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_sign_in_rate(svc: Services, request: Request, account: str) -> None:
    by_ip = svc.limiter.hit(f"signin:ip:{client_address(request)}", 1 / IP_REFILL_S, IP_BURST)
    by_account = svc.limiter.hit(f"signin:account:{account.strip().lower()}", 1 / ACCOUNT_REFILL_S, ACCOUNT_BURST)
    refused = [d.retry_after_s for d in (by_ip, by_account) if not d.allowed]
    if refused:
        raise SignInThrottled(max(refused))
