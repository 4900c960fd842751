"""Rendering the portal's pages: Jinja2 with autoescaping on (every value is HTML-escaped), the entity's brand
as CSS custom properties in one `<style>` block allowed by its hash, and the security headers (a CSP with no
inline script: `script-src 'self'`, the widgets' script loaded with its SRI hash)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from payhub.admin.portal_settings import normalize_origin
from payhub.portal.accounts import Portal
from payhub.web.assets import Script
from payhub.web.pages import PAGE_HEADERS, script_tag, style_hashes

HERE = Path(__file__).parent
ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                  trim_blocks=True, lstrip_blocks=True)
COLOUR = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?")
DEFAULTS = {"primary_color": "#1d4ed8", "text_color": "#1c1917", "background_color": "#f5f5f4",
            "card_color": "#ffffff", "border_color": "#d6d3d1", "on_primary_color": "#ffffff",
            "focus_color": "#f59e0b"}


def colour(branding: dict[str, str], name: str) -> str:
    value = branding.get(name, "").strip()
    return value if COLOUR.fullmatch(value) else DEFAULTS[name]


def brand_css(portal: Portal) -> str:
    """The brand's colours as custom properties (only `#rgb`/`#rrggbb` values: nothing else reaches the CSS)."""
    b = portal.branding
    primary, text, background = colour(b, "primary_color"), colour(b, "text_color"), colour(b, "background_color")
    card, border = colour(b, "card_color"), colour(b, "border_color")
    return (f":root{{--brand-primary:{primary};--brand-text:{text};--brand-background:{background};"
            f"--brand-card:{card};--brand-border:{border};--brand-on-primary:{colour(b, 'on_primary_color')};"
            f"--brand-focus:{colour(b, 'focus_color')};"
            f"--payhub-color-primary:{primary};--payhub-color-text:{text};--payhub-color-background:{card};"
            f"--payhub-color-border:{border};--payhub-radius:6px}}")


def logo(portal: Portal) -> tuple[str | None, str | None]:
    """The logo's URL and origin, if the branding names an http(s) URL."""
    url = portal.branding.get("logo_url", "").strip()
    if not url.startswith(("https://", "http://")) or len(url) > 500 or any(c in url for c in "\"'<> \\"):
        return None, None
    scheme, _, rest = url.partition("://")
    return url, normalize_origin(f"{scheme}://{rest.split('/', 1)[0]}")


def csp(page: str, img_origin: str | None) -> str:
    return "; ".join([
        "default-src 'none'", "script-src 'self'", f"style-src 'self' {' '.join(style_hashes(page))}".strip(),
        "connect-src 'self'", f"img-src 'self' data:{' ' + img_origin if img_origin else ''}", "frame-src 'self'",
        "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'",
    ])


def render(name: str, portal: Portal, *, title: str, widgets: Script | None = None,
           **context: Any) -> tuple[str, dict[str, str]]:
    """The page's HTML and its headers."""
    url, origin = logo(portal)
    tag = Markup(script_tag("/widgets/v1/payhub.js", widgets)) if widgets is not None else None
    page = ENV.get_template(name).render(portal=portal, title=title, brand_css=Markup(brand_css(portal)),
                                         logo_url=url, widgets=tag, **context)
    # same-origin, not no-referrer: under no-referrer a browser's form post says `Origin: null`, which the CSRF
    # check refuses; same-origin still tells other sites nothing (no sign-in code in a Referer ever leaves)
    return page, {**PAGE_HEADERS, "Referrer-Policy": "same-origin", "Content-Security-Policy": csp(page, origin),
                  "X-Frame-Options": "DENY"}
