"""The HTML pages PayHub serves to browsers, and their security headers.

- The hosted-field page (`/hosted/fields`): an iframe on PayHub's origin holding the card or ACH inputs. The
  only script on it is `hosted-fields.js`, loaded with its SRI hash; its configuration is an inline JSON data
  block, which is not script. Its Content-Security-Policy lets nothing else run, connect or load, and lets only
  the entity's allowed origins (and PayHub's own pages) frame it.
- The embed pages (`/embed/{widget}`): one widget in a full page, for hosts that cannot load scripts.
- A message page (a refused or expired link): no data, never another customer's.

Templates live in `pages/` (string.Template, every value HTML-escaped); inline styles are allowed by hash."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from string import Template
from typing import Any

from payhub.web.assets import PAGES, Script

KINDS = {"card": "Card details", "ach": "Bank account details"}
# /embed/{widget} → the custom element it hosts, and the page title
WIDGETS = {
    "invoice-list": ("payhub-invoice-list", "Open invoices"),
    "payment-form": ("payhub-payment-form", "Pay"),
    "payment-history": ("payhub-payment-history", "Payment history"),
    "autopay-enrollment": ("payhub-autopay-enrollment", "Payment methods"),
}
STYLE = re.compile(r"<style>(.*?)</style>", re.S)


@cache
def template(name: str) -> Template:
    return Template((PAGES / name).read_text())


def json_block(value: Any) -> str:
    """JSON for a `<script type="application/json">` block: nothing in it can end the element or start markup."""
    text = json.dumps(value, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def style_hashes(page: str) -> list[str]:
    """CSP hash sources for the page's inline `<style>` elements (no 'unsafe-inline')."""
    return [f"'sha256-{base64.b64encode(hashlib.sha256(m.encode()).digest()).decode()}'"
            for m in STYLE.findall(page)]


def content_security_policy(page: str, frame_ancestors: Iterable[str], *, frames: bool = False) -> str:
    ancestors = " ".join(frame_ancestors) or "'none'"
    return "; ".join([
        "default-src 'none'", "script-src 'self'", f"style-src 'self' {' '.join(style_hashes(page))}".strip(),
        "connect-src 'self'", "img-src 'self' data:", *(["frame-src 'self'"] if frames else []),
        f"frame-ancestors {ancestors}", "form-action 'none'", "base-uri 'none'",
    ])


PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass(frozen=True)
class Page:
    status: int
    html: str
    frame_ancestors: tuple[str, ...]
    frames: bool = False

    def headers(self) -> dict[str, str]:
        return {**PAGE_HEADERS, "Content-Security-Policy": content_security_policy(
            self.html, self.frame_ancestors, frames=self.frames)}


def script_tag(url: str, script: Script) -> str:
    return (f'<script type="module" src="{html.escape(url)}" integrity="{script.integrity}" '
            'crossorigin="anonymous"></script>')


def hosted_fields(*, kind: str, parent: str, api: str, allowed_origins: list[str], entity_id: str, script: Script,
                  frame_ancestors: tuple[str, ...]) -> Page:
    config = {"allowed_origins": allowed_origins, "parent": parent, "api": api, "kind": kind, "entity": entity_id}
    page = template("hosted_fields.html").substitute(
        title=html.escape(KINDS[kind]), config=json_block(config), script_url="/widgets/v1/hosted-fields.js",
        integrity=script.integrity, kind=kind, fields=template(f"hosted_{kind}.html").template)
    return Page(200, page, frame_ancestors)


def embed(*, widget: str, api: str, token: str, allowed_origins: list[str], scripts: list[Script]) -> Page:
    element, title = WIDGETS[widget]
    content = f'<{element} id="widget" api-base="{html.escape(api)}" token="{html.escape(token)}"></{element}>'
    return Page(200, _embed_page(title, allowed_origins, scripts, content), tuple(allowed_origins), frames=True)


def message(status: int, heading: str, text: str, *, frame_ancestors: tuple[str, ...],
            allowed_origins: list[str] | None = None, scripts: list[Script] | None = None) -> Page:
    """A page that says what went wrong, and nothing else (it is sized to its content when framed)."""
    content = template("message.html").substitute(heading=html.escape(heading), text=html.escape(text))
    return Page(status, _embed_page(heading, allowed_origins or [], scripts or [], content), frame_ancestors)


def _embed_page(title: str, allowed_origins: list[str], scripts: list[Script], content: str) -> str:
    tags = "\n".join(script_tag(f"/widgets/v1/{s.name}", s) for s in scripts)
    return template("embed.html").substitute(title=html.escape(title), config=json_block(
        {"allowed_origins": allowed_origins}), scripts=tags, content=content)
