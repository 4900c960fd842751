"""The terminal's HTML: every value HTML-escaped, no inline script (the page's configuration is a JSON data
block; its one script, terminal.js, is loaded with its SRI hash), inline styles allowed by hash only."""

from __future__ import annotations

import base64
import hashlib
import html
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

from payhub.web.pages import PAGE_HEADERS, json_block, style_hashes

HERE = Path(__file__).parent
TEMPLATES, STATIC = HERE / "templates", HERE / "static"
SCRIPT_URL = "/terminal/static/terminal.js"

TEL_SCRIPT_VERSION = "tel-v1"
TEL_SCRIPT = (
    "Today, {date}, you, {customer}, authorize {company} to make a one-time electronic debit of {amount} from your "
    "{account_type} account ending in {last4} at routing number ending in {routing_last4}, on or after {date}. "
    "This authorization is for this payment only. If the debit is returned for insufficient funds, it may be "
    "presented again. You may revoke this authorization by calling us before the debit is made. Do you agree? "
    "Please say yes to authorize the payment."
)


@dataclass(frozen=True)
class Script:
    body: bytes

    @property
    def integrity(self) -> str:
        return "sha384-" + base64.b64encode(hashlib.sha384(self.body).digest()).decode()


@cache
def script() -> Script:
    return Script((STATIC / "terminal.js").read_bytes())


@cache
def template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text())


def content_security_policy(page: str) -> str:
    """Like the hosted-field page's: nothing runs but PayHub's own scripts, it connects only to PayHub, frames only
    PayHub's hosted fields, is framed by no one, and its forms post only to PayHub."""
    return "; ".join([
        "default-src 'none'", "script-src 'self'", f"style-src 'self' {' '.join(style_hashes(page))}".strip(),
        "connect-src 'self'", "img-src 'self' data:", "frame-src 'self'", "frame-ancestors 'none'",
        "form-action 'self'", "base-uri 'none'",
    ])


@dataclass(frozen=True)
class Page:
    status: int
    html: str

    def headers(self) -> dict[str, str]:
        # same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with the page's own form
        # posts, which the CSRF check (web/session.same_origin) rightly refuses
        return {**PAGE_HEADERS, "Referrer-Policy": "same-origin",
                "Content-Security-Policy": content_security_policy(self.html), "X-Frame-Options": "DENY"}


def _layout(title: str, body: str, head: str = "") -> str:
    return template("layout.html").substitute(title=html.escape(title), head=head, body=body)


def sign_in(*, csrf: str, entity: str = "", email: str = "", error: str = "", status: int = 200) -> Page:
    body = template("sign_in.html").substitute(csrf=html.escape(csrf), entity=html.escape(entity),
                                               email=html.escape(email), error=html.escape(error))
    return Page(status, _layout("Sign in", body))


def magic_confirm(*, csrf: str, token: str) -> Page:
    body = ('<main><section class="card"><h2>Sign in to the virtual terminal</h2>'
            '<form method="post" action="/terminal/magic">'
            f'<input type="hidden" name="csrf_token" value="{html.escape(csrf)}">'
            f'<input type="hidden" name="token" value="{html.escape(token)}">'
            '<p><button type="submit">Continue</button></p></form></section></main>')
    return Page(200, _layout("Sign in", body))


REFUND_ACTIONS = ('<p id="refund-actions" hidden><button type="button" id="refund" class="danger">Refund</button>\n'
                  '<button type="button" id="void" class="danger">Void</button></p>')


def terminal(*, csrf: str, config: dict[str, Any], entity_name: str, staff_name: str, role: str,
             can_refund: bool) -> Page:
    """The terminal; the refund and void buttons are in the page only for a staff user who may refund."""
    s = script()
    head = (f'<script type="application/json" id="terminal-config">{json_block(config)}</script>\n'
            f'<script type="module" src="{SCRIPT_URL}" integrity="{s.integrity}" crossorigin="anonymous"></script>')
    body = template("terminal.html").substitute(csrf=html.escape(csrf), entity_name=html.escape(entity_name),
                                                staff_name=html.escape(staff_name), role=html.escape(role),
                                                refund_actions=REFUND_ACTIONS if can_refund else "")
    return Page(200, _layout("Take a payment", body, head))


def message(status: int, heading: str, text: str) -> Page:
    body = (f'<main><section class="card"><h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p>'
            '<p><a href="/terminal/sign_in">Sign in</a></p></section></main>')
    return Page(status, _layout(heading, body))
