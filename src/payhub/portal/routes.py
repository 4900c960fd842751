"""The portal's routes under /portal/{entity}: sign-in (magic link, password, invitation), the pages that embed the
widgets, receipts, sign-out. Thin: sessions and CSRF are web/session.py's, sign-in accounts.py's, receipts
receipts.py's. Every POST checks the form's CSRF token first."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from payhub.domain.errors import DomainError
from payhub.mail import Mailer
from payhub.portal import accounts, receipts
from payhub.portal.accounts import Portal
from payhub.portal.pages import render
from payhub.services import Services
from payhub.store import repo
from payhub.views import receipt_number
from payhub.web import session
from payhub.web.assets import Assets
from payhub.web.session import CurrentSession

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/portal", include_in_schema=False)
STATIC = Path(__file__).parent / "static"
MAX_EMAIL = 200
Text = Annotated[str, Form(max_length=300)]


def _svc(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


def _mailer(request: Request) -> Mailer:
    return request.app.state.mailer  # type: ignore[no-any-return]


def _base(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _html(page: tuple[str, dict[str, str]], status: int = 200, response: Response | None = None) -> HTMLResponse:
    html, headers = page
    out = HTMLResponse(html, status, headers=headers)
    if response is not None:  # cookies set while rendering
        for key, value in response.raw_headers:
            if key == b"set-cookie":
                out.raw_headers.append((key, value))
    return out


def _not_found() -> HTMLResponse:
    return HTMLResponse("<!doctype html><title>Not found</title><h1>Not found</h1>", 404,
                        headers={"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                                 "Content-Security-Policy": "default-src 'none'"})


def _portal(request: Request, entity: str) -> Portal | None:
    if len(entity) > 40:
        return None
    portal = accounts.load_portal(_svc(request), entity)
    return portal if portal is not None and portal.enabled else None


def _message(request: Request, portal: Portal, status: int, heading: str, text: str, *,
             continue_action: str | None = None, continue_label: str = "", back: bool = False,
             code: str = "") -> HTMLResponse:
    cookies = Response()
    token = session.form_token(_svc(request), request, cookies, None) if continue_action else ""
    return _html(render("message.html", portal, title=heading, heading=heading, text=text, csrf_token=token,
                        continue_action=continue_action, continue_label=continue_label, code=code,
                        back=f"/portal/{portal.entity_id}/signin" if back else None), status, cookies)


def _refused(request: Request, portal: Portal, refusal: session.CsrfRefused) -> HTMLResponse:
    log.info("portal.form_refused", reason=str(refusal), path=request.url.path)
    return _message(request, portal, 403, "This form has expired",
                    "The form was not sent from this portal, or it is too old. Go back, reload the page and try "
                    "again.", back=True)


def _signin_page(request: Request, portal: Portal, *, status: int = 200, notice: str = "", error: str = "",
                 email: str = "") -> HTMLResponse:
    cookies = Response()
    token = session.form_token(_svc(request), request, cookies, None)
    return _html(render("signin.html", portal, title="Sign in", csrf_token=token, notice=notice, error=error,
                        email=email), status, cookies)


def _checked_form(request: Request, entity: str, csrf_token: str, rate_key: str | None = None
                  ) -> Portal | Response:
    """The portal a sign-in form posts to, once its CSRF token (and, with `rate_key`, the sign-in rate limit)
    passed; otherwise the page that says why (404, 403 or 429)."""
    portal = _portal(request, entity)
    if portal is None:
        return _not_found()
    try:
        session.check_csrf(_svc(request), request, csrf_token, None)
        if rate_key is not None:
            session.check_sign_in_rate(_svc(request), request, f"{entity}:{rate_key}")
    except session.CsrfRefused as refusal:
        return _refused(request, portal, refusal)
    except session.SignInThrottled as error:
        return _throttled(request, portal, error)
    return portal


def _throttled(request: Request, portal: Portal, error: session.SignInThrottled) -> HTMLResponse:
    page = _message(request, portal, 429, "Too many attempts",
                    "Too many sign-in attempts. Wait a minute and try again.", back=True)
    page.headers["Retry-After"] = str(max(1, int(error.retry_after_s + 0.999)))
    return page


def _signed_in(request: Request, portal: Portal, customer_id: str) -> Response:
    response = RedirectResponse(f"/portal/{portal.entity_id}", 303)
    session.start(_svc(request), request, response, kind="customer", subject_id=customer_id,
                  entity_id=portal.entity_id)
    return response


def _current(request: Request, portal: Portal) -> CurrentSession | None:
    return session.current(_svc(request), request, "customer", portal.entity_id)


@router.get("/static/portal.css")
def stylesheet() -> FileResponse:
    return FileResponse(STATIC / "portal.css", media_type="text/css",
                        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


# --- sign-in ---
@router.get("/{entity}/signin")
def signin(entity: str, request: Request) -> Response:
    portal = _portal(request, entity)
    if portal is None:
        return _not_found()
    if _current(request, portal) is not None:
        return RedirectResponse(f"/portal/{entity}", 303)
    return _signin_page(request, portal)


@router.post("/{entity}/signin/link")
def signin_link(entity: str, request: Request, email: Text = "", csrf_token: Text = "") -> Response:
    portal = _checked_form(request, entity, csrf_token, email)
    if not isinstance(portal, Portal):
        return portal
    if email and len(email) <= MAX_EMAIL:
        accounts.send_magic_link(_svc(request), _mailer(request), portal, email, _base(request))
    return _signin_page(request, portal, notice="If this email belongs to an account, we have sent it a sign-in "
                        "link. It works once, for 15 minutes.")


@router.post("/{entity}/signin/password")
def signin_password(entity: str, request: Request, email: Text = "", password: Text = "",
                    csrf_token: Text = "") -> Response:
    portal = _checked_form(request, entity, csrf_token, email)
    if not isinstance(portal, Portal):
        return portal
    customer_id = accounts.password_sign_in(_svc(request), entity, email[:MAX_EMAIL], password)
    if customer_id is None:
        return _signin_page(request, portal, status=401, error="Wrong email or password.", email=email[:MAX_EMAIL])
    return _signed_in(request, portal, customer_id)


@router.get("/{entity}/login")
def login_link(entity: str, request: Request, code: str = "") -> Response:
    """The emailed link shows a button (a POST): a mail scanner that fetches links does not spend it."""
    portal = _portal(request, entity)
    if portal is None:
        return _not_found()
    return _message(request, portal, 200, f"Sign in to {portal.name}", "Continue to your invoices and payments.",
                    continue_action=f"/portal/{entity}/login", continue_label="Sign in", code=code[:100])


@router.post("/{entity}/login")
def login_link_use(entity: str, request: Request, code: Text = "", csrf_token: Text = "") -> Response:
    portal = _checked_form(request, entity, csrf_token)
    if not isinstance(portal, Portal):
        return portal
    customer_id = accounts.redeem_magic_link(_svc(request), entity, code)
    if customer_id is None:
        return _message(request, portal, 400, "This link has expired",
                        "Sign-in links work once, for 15 minutes. Ask for a new one.", back=True)
    return _signed_in(request, portal, customer_id)


@router.get("/{entity}/invitation")
def invitation(entity: str, request: Request, token: str = "") -> Response:
    portal = _portal(request, entity)
    if portal is None:
        return _not_found()
    if not token:  # the code typed in (a link's query string shows in proxies' logs: the code may come by hand)
        return _invitation_page(request, portal, "", None)
    customer_id = accounts.invitation_customer(_svc(request), entity, token)
    if customer_id is None:
        return _message(request, portal, 400, "This invitation has expired",
                        "Ask for a sign-in link instead, or ask us for a new invitation.", back=True)
    return _invitation_page(request, portal, token, customer_id)


def _invitation_page(request: Request, portal: Portal, invite: str, customer_id: str | None, error: str = "",
                     status: int = 200) -> HTMLResponse:
    cookies = Response()
    csrf = session.form_token(_svc(request), request, cookies, None)
    return _html(render("invitation.html", portal, title="Set your password", csrf_token=csrf, invite=invite,
                        error=error, min_password=accounts.MIN_PASSWORD,
                        invited_name=accounts.customer_name(_svc(request), portal.entity_id, customer_id)
                        if customer_id else ""),
                 status, cookies)


@router.post("/{entity}/invitation")
def invitation_accept(entity: str, request: Request, invite: Text = "", password: Text = "", confirm: Text = "",
                      csrf_token: Text = "") -> Response:
    portal = _checked_form(request, entity, csrf_token, f"invite:{invite[:16]}")
    if not isinstance(portal, Portal):
        return portal
    svc = _svc(request)
    customer_id = accounts.invitation_customer(svc, entity, invite)
    if customer_id is None:
        return _message(request, portal, 400, "This invitation has expired",
                        "Ask for a sign-in link instead, or ask us for a new invitation.", back=True)
    problem = accounts.password_problem(password, confirm)
    if problem:
        return _invitation_page(request, portal, invite, customer_id, problem, 422)
    if accounts.accept_invitation(svc, entity, invite, password) is None:
        return _message(request, portal, 400, "This invitation has expired", "Ask for a sign-in link.", back=True)
    return _signed_in(request, portal, customer_id)


@router.post("/{entity}/signout")
def signout(entity: str, request: Request, csrf_token: Text = "") -> Response:
    portal = _portal(request, entity)
    if portal is None:
        return _not_found()
    found = _current(request, portal)
    try:
        session.check_csrf(_svc(request), request, csrf_token, found)
    except session.CsrfRefused as refusal:
        return _refused(request, portal, refusal)
    response = RedirectResponse(f"/portal/{entity}/signin", 303)
    session.end(_svc(request), request, response)
    return response


# --- signed-in pages ---
def _signed_in_page(request: Request, entity: str, name: str, title: str, active: str,
                    **context: Any) -> Response:
    portal = _portal(request, entity)
    if portal is None:
        return _not_found()
    found = _current(request, portal)
    if found is None:
        return RedirectResponse(f"/portal/{entity}/signin", 303)
    svc = _svc(request)
    widgets = _assets(request).get("payhub.js")
    extra = {k: (v(svc, portal, found) if callable(v) else v) for k, v in context.items()}
    methods = " ".join(portal.settings.get("payment_methods") or ["card", "ach"])
    return _html(render(name, portal, title=title, widgets=widgets, active=active, csrf_token=found.csrf_token,
                        customer_name=accounts.customer_name(svc, entity, found.subject_id),
                        api=_base(request), token=accounts.mint_token(svc, found), methods=methods,
                        allow_autopay=bool(portal.settings.get("allow_autopay")), **extra))


def _assets(request: Request) -> Assets:
    return request.app.state.widget_assets  # type: ignore[no-any-return]


@router.get("/{entity}")
def home(entity: str, request: Request) -> Response:
    return _signed_in_page(request, entity, "pay.html", "Pay invoices", "pay")


@router.get("/{entity}/methods")
def methods_page(entity: str, request: Request) -> Response:
    return _signed_in_page(request, entity, "methods.html", "Payment methods", "methods")


def _receipt_rows(svc: Services, portal: Portal, found: CurrentSession) -> list[dict[str, str]]:
    rows = []
    with svc.read() as s:
        payments, _ = repo.list_payments(s, portal.entity_id, customer_id=found.subject_id, status=None,
                                         created_gte=None, created_lt=None, limit=50, starting_after=None)
        erp = svc.erp_for(portal.entity_id)
        for p in payments:
            if p.customer_id != found.subject_id:
                continue
            numbers = []
            for a in p.allocations:
                if a.invoice_id and not a.invoice_id.startswith("fee:"):
                    try:
                        numbers.append(erp.get_invoice(portal.entity_id, a.invoice_id).number)
                    except DomainError:
                        numbers.append(a.invoice_id)
            rows.append({"id": p.id, "number": receipt_number(p.id), "date": _day(p.created_at),
                         "invoices": ", ".join(numbers), "amount": receipts.format_money(p.amount, p.currency),
                         "status": p.status.replace("_", " ")})
    return rows


def _day(value: datetime) -> str:
    return value.strftime("%Y-%m-%d")


@router.get("/{entity}/history")
def history(entity: str, request: Request) -> Response:
    return _signed_in_page(request, entity, "history.html", "Payments & receipts", "history",
                           receipts=_receipt_rows)


@router.get("/{entity}/receipts/{payment_id}")
def receipt(entity: str, payment_id: str, request: Request) -> Response:
    portal = _portal(request, entity)
    if portal is None:
        return _not_found()
    found = _current(request, portal)
    if found is None:
        return RedirectResponse(f"/portal/{entity}/signin", 303)
    svc = _svc(request)
    pdf = payment_id.endswith(".pdf")
    try:
        r = receipts.load_receipt(svc, entity, found.subject_id, payment_id.removesuffix(".pdf"), portal.name,
                                  portal.settings.get("support_email"))
    except DomainError:
        return _not_found()
    if pdf:
        return Response(receipts.receipt_pdf(r), media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="receipt-{r.number}.pdf"',
            "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
    return _html(render("receipt.html", portal, title=f"Receipt {r.number}", r=r, active="history",
                        csrf_token=found.csrf_token,
                        customer_name=accounts.customer_name(svc, entity, found.subject_id)))
