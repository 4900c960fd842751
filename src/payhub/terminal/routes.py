"""The terminal's routes under /terminal: staff sign-in (password, or a magic link by email), the terminal page,
its script, sign-out. Thin: sessions, CSRF and sign-in rate limits are web/session.py's; staff users, their
sign-in and the page's API key are admin/staff_users.py's. Every POST checks the form's CSRF token first.

The page holds no private endpoint: it calls the public API (customer search, invoices, customer tokens for the
hosted fields, quotes, payments, refunds, voids) with an API key minted for the signed-in staff user, which
expires with the session and is revoked at sign-out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from payhub import admin
from payhub.admin import staff_users
from payhub.admin.staff_users import REFUND_ROLE, STAFF_USER, TEL_AUTHORIZATION, TEL_SCRIPT_VERSION
from payhub.domain.errors import DomainError
from payhub.mail import Mailer
from payhub.services import Services
from payhub.terminal import pages
from payhub.web import session
from payhub.web.routes import own_origin
from payhub.web.session import CsrfRefused, CurrentSession, SignInThrottled

if TYPE_CHECKING:
    from payhub.store.models import StaffUser

router = APIRouter(prefix="/terminal", include_in_schema=False)
Text = Annotated[str, Form(max_length=300)]
SIGN_IN = "/terminal/sign_in"
LINK_SENT = ("If that address belongs to an active staff account, a sign-in link is on its way. It works once, "
             "for 15 minutes.")


def _svc(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _html(page: pages.Page, cookies: Response | None = None) -> HTMLResponse:
    out = HTMLResponse(page.html, page.status, headers=page.headers())
    for key, value in (cookies.raw_headers if cookies is not None else []):
        if key == b"set-cookie":
            out.raw_headers.append((key, value))
    return out


def _sign_in_page(request: Request, *, entity: str = "", email: str = "", error: str = "",
                  status: int = 200) -> HTMLResponse:
    cookies = Response()
    token = session.form_token(_svc(request), request, cookies, None)
    return _html(pages.sign_in(csrf=token, entity=entity, email=email, error=error, status=status), cookies)


def _refused() -> HTMLResponse:
    return _html(pages.message(403, "This form has expired", "The form was not sent from this terminal, or it is "
                               "too old. Go back, reload the page and try again."))


def _throttled(error: SignInThrottled) -> HTMLResponse:
    out = _html(pages.message(429, "Too many attempts", "Too many sign-in attempts. Wait a minute and try again."))
    out.headers["Retry-After"] = str(max(1, int(error.retry_after_s + 0.999)))
    return out


def _signed_in(request: Request, user: StaffUser, method: str) -> Response:
    svc = _svc(request)
    out = RedirectResponse("/terminal", 303)
    session.start(svc, request, out, kind="staff", subject_id=user.id, entity_id=user.entity_id)
    with admin.transaction(svc) as u:
        staff_users.record_sign_in(u, user, method, _request_id(request))
    return out


def _sign_in_refused(request: Request, csrf_token: str, rate_key: str) -> Response | None:
    """None if a sign-in form's CSRF token and the sign-in rate limit pass; else the page that says why."""
    try:
        session.check_csrf(_svc(request), request, csrf_token, None)
        session.check_sign_in_rate(_svc(request), request, rate_key)
    except CsrfRefused:
        return _refused()
    except SignInThrottled as error:
        return _throttled(error)
    return None


@router.get("/sign_in")
def sign_in_form(request: Request, entity: str = "") -> HTMLResponse:
    return _sign_in_page(request, entity=entity[:64])


@router.post("/sign_in")
def sign_in(request: Request, entity: Text, email: Text, csrf_token: Text = "", password: Text = "") -> Response:
    """Email and password. An unknown email, a deactivated user and a wrong password get the same answer."""
    svc = _svc(request)
    refused = _sign_in_refused(request, csrf_token, f"staff:{entity}:{email}")
    if refused is not None:
        return refused
    with admin.transaction(svc) as u:
        user = staff_users.check_password(u, entity.strip(), email, password)
    if user is None:
        return _sign_in_page(request, entity=entity, email=email, status=401,
                             error="That email and password do not match an active staff account.")
    return _signed_in(request, user, "password")


@router.post("/magic_link")
def send_magic_link(request: Request, entity: Text, email: Text, csrf_token: Text = "") -> Response:
    """Email a one-time sign-in link to an active staff user; the same answer whether or not there is one."""
    svc = _svc(request)
    refused = _sign_in_refused(request, csrf_token, f"staff:{entity}:{email}")
    if refused is not None:
        return refused
    with admin.transaction(svc) as u:
        user = staff_users.active_staff_user(u, entity.strip(), email)
        secret = staff_users.issue_magic_link(u, user) if user is not None else None
    if user is not None and secret is not None:
        mailer: Mailer = request.app.state.mailer
        link = f"{own_origin(request)}/terminal/magic?token={secret}"
        mailer.send(user.email, "Your PayHub virtual terminal sign-in link",
                    f"Sign in to the PayHub virtual terminal:\n\n{link}\n\n"
                    "The link works once, for 15 minutes. If you did not ask for it, ignore this email.")
    return _html(pages.message(200, "Check your email", LINK_SENT))


@router.get("/magic")
def magic_link_page(request: Request, token: str = "") -> HTMLResponse:
    """A confirm step (a POST), so that a mail scanner following the link does not use it up. The secret is in
    the query string, which the access log leaves out."""
    cookies = Response()
    csrf = session.form_token(_svc(request), request, cookies, None)
    return _html(pages.magic_confirm(csrf=csrf, token=token[:100]), cookies)


@router.post("/magic")
def magic_link(request: Request, token: Text, csrf_token: Text = "") -> Response:
    svc = _svc(request)
    try:
        session.check_csrf(svc, request, csrf_token, None)
    except CsrfRefused:
        return _refused()
    with admin.transaction(svc) as u:
        user = staff_users.redeem_magic_link(u, token)
    if user is None:
        return _html(pages.message(400, "This link has expired", "Sign-in links work once, for 15 minutes. Ask for "
                                   "a new one."))
    return _signed_in(request, user, "magic_link")


def _staff_session(request: Request) -> CurrentSession | None:
    return session.current(_svc(request), request, "staff")


@router.get("")
def terminal(request: Request) -> Response:
    """The terminal page, with a fresh API key for this staff user that expires with the session."""
    svc = _svc(request)
    current = _staff_session(request)
    if current is None or current.entity_id is None:
        return RedirectResponse(SIGN_IN, 303)
    try:
        with admin.transaction(svc) as u:
            user = staff_users.get_staff_user(u, current.entity_id, current.subject_id)
            _, secret = staff_users.mint_terminal_key(u, user, current.expires_at, session.token_owner(current),
                                                      _request_id(request))
            entity_name = staff_users.entity_name(u, current.entity_id)
            name, email, role = user.name, user.email, user.role
    except DomainError:  # deactivated since signing in
        out = RedirectResponse(SIGN_IN, 303)
        session.end(svc, request, out)
        return out
    config = {
        "api": own_origin(request), "key": secret, "entity": current.entity_id,
        "staff": {"id": current.subject_id, "name": name or email, "role": role},
        "can_refund": role == REFUND_ROLE, "expires_at": current.expires_at.isoformat(),
        "metadata_keys": {"staff_user": STAFF_USER, "tel_authorization": TEL_AUTHORIZATION,
                          "tel_script": TEL_SCRIPT_VERSION},
        "tel": {"version": pages.TEL_SCRIPT_VERSION, "text": pages.TEL_SCRIPT, "company": entity_name},
    }
    return _html(pages.terminal(csrf=current.csrf_token, config=config, entity_name=entity_name,
                                staff_name=name or email, role=role, can_refund=role == REFUND_ROLE))


@router.post("/sign_out")
def sign_out(request: Request, csrf_token: Text = "") -> Response:
    svc = _svc(request)
    current = _staff_session(request)
    try:
        session.check_csrf(svc, request, csrf_token, current)
    except CsrfRefused:
        return _refused()
    out = RedirectResponse(SIGN_IN, 303)
    if current is not None and current.entity_id is not None:
        with admin.transaction(svc) as u:
            staff_users.end_terminal_session(u, current.entity_id, current.subject_id, session.token_owner(current),
                                             _request_id(request))
    session.end(svc, request, out)
    return out


@router.get("/static/terminal.js")
def script() -> Response:
    s = pages.script()
    return Response(s.body, media_type="text/javascript", headers={
        "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff", "ETag": f'"{s.integrity}"'})
