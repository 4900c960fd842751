"""`payhub demo-host`: a fake "Acme customer portal" on its own origin that embeds the four PayHub widgets.

It is what a merchant's developer writes: its backend mints a customer token with its API key through PayHub's
public API (`POST /v1/customer_tokens`), reads the script tag with its SRI hash from `GET /v1/widgets/manifest`,
and its page sets the widgets' `--payhub-*` CSS variables from its own styling. Nothing here imports PayHub's
internals (HTTP only); the module's top level is stdlib-only so that `payhub --help` stays fast."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

DEMO_HOST_PORT = 8001
DEMO_KEY_FILE = ".payhub-demo-key"  # written by `payhub demo`: a payments key of the demo entity
CUSTOMER = re.compile(r"[A-Za-z0-9_-]{1,64}")
DEMO_CUSTOMERS = {"cus_acme": "Acme Builders LLC", "cus_globex": "Globex Corporation", "cus_initech": "Initech Inc."}

CSS = """\
:root {
  --acme-ink: #1c1917; --acme-paper: #fbf6ea; --acme-card: #fffdf7; --acme-accent: #9a3412; --acme-rule: #dccfae;
  /* the widgets (and the card fields inside PayHub's iframe) take the portal's look from these */
  --payhub-color-primary: #9a3412; --payhub-color-text: #1c1917; --payhub-color-background: #fffdf7;
  --payhub-color-error: #b91c1c; --payhub-color-border: #c8b88f;
  --payhub-font-family: "Trebuchet MS", "Gill Sans", Verdana, sans-serif; --payhub-font-size: 15px;
  --payhub-radius: 2px; --payhub-spacing: 10px; --payhub-focus-ring: 0 0 0 3px rgba(154, 52, 18, 0.35);
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--acme-paper); color: var(--acme-ink);
  font-family: "Trebuchet MS", "Gill Sans", Verdana, sans-serif; }
header { display: flex; align-items: center; gap: 2rem; padding: 0.9rem 2rem; background: var(--acme-ink);
  color: var(--acme-paper); }
.logo { font-family: Georgia, "Times New Roman", serif; font-size: 1.5rem; letter-spacing: 0.2em; font-weight: bold; }
.logo span { color: #fdba74; }
nav { display: flex; gap: 1.25rem; flex: 1; }
nav a { color: inherit; text-decoration: none; opacity: 0.8; }
nav a[aria-current] { opacity: 1; border-bottom: 2px solid #fdba74; }
main { max-width: 1100px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1, h2 { font-family: Georgia, "Times New Roman", serif; font-weight: normal; }
h1 { font-size: 2rem; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin: 0 0 0.75rem; color: var(--acme-accent); }
.lede { max-width: 65ch; }
.grid { display: grid; grid-template-columns: 3fr 2fr; gap: 1.25rem; align-items: start; }
.card { background: var(--acme-card); border: 1px solid var(--acme-rule); padding: 1.25rem; margin-bottom: 1.25rem;
  box-shadow: 3px 3px 0 var(--acme-rule); }
.switch a { color: var(--acme-accent); margin-right: 0.75rem; }
#events { font-family: ui-monospace, monospace; font-size: 0.85rem; padding-left: 1.25rem; max-height: 12rem;
  overflow: auto; }
.notice { border-left: 4px solid var(--acme-accent); padding: 0.75rem 1rem; background: var(--acme-card); }
footer { text-align: center; font-size: 0.85rem; opacity: 0.75; padding: 1rem; }
@media (max-width: 800px) { .grid { grid-template-columns: 1fr; } }
"""

JS = """\
// The portal's own script: it only listens to the widgets' DOM events (it never sees card data).
const log = document.getElementById("events");
for (const name of ["payhub:selection-change", "payhub:paid", "payhub:error"]) {
  document.addEventListener(name, (event) => {
    const item = document.createElement("li");
    item.textContent = `${new Date().toLocaleTimeString()} ${name} ${JSON.stringify(event.detail)}`;
    log.prepend(item);
    if (name === "payhub:paid") {
      for (const el of document.querySelectorAll("payhub-invoice-list, payhub-payment-history")) el.refresh?.();
    }
  });
}
"""


def page(api: str, token: str, customer: str, snippet: str | None) -> str:
    def widget(tag: str, extra: str = "") -> str:
        return f'<{tag} api-base="{html.escape(api)}" token="{html.escape(token)}"{extra}></{tag}>'

    switch = " ".join(f'<a href="/?customer={c}"{" aria-current=page" if c == customer else ""}>{html.escape(n)}</a>'
                      for c, n in DEMO_CUSTOMERS.items())
    missing = "" if snippet else ('<p class="notice">PayHub serves no widget script yet (build '
                                  "<code>src/payhub/web/widgets</code>): the widgets below stay empty.</p>")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Supply Co. · Customer portal</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/acme.css">
{snippet or ""}
<script type="module" src="/acme.js"></script>
</head>
<body>
<header>
  <div class="logo">ACME<span>▲</span></div>
  <nav aria-label="Portal"><a href="/">Dashboard</a><a href="/" aria-current="page">Billing</a><a href="/">Orders</a>
    <a href="/">Support</a></nav>
  <div>Signed in as {html.escape(DEMO_CUSTOMERS.get(customer, customer))}</div>
</header>
<main>
  <h1>Billing</h1>
  <p class="lede">Select the invoices to pay, change an amount to pay part of one, and pay by card or bank
  transfer. Card and bank details are typed into PayHub's own secure fields: this portal never sees them.</p>
  <p class="switch">Demo customer: {switch}</p>
  {missing}
  <div class="grid">
    <section class="card" aria-label="Open invoices">{widget("payhub-invoice-list", ' id="invoices"')}</section>
    <section class="card" aria-label="Payment">{widget("payhub-payment-form", ' for="invoices"')}</section>
  </div>
  <section class="card" aria-label="Payment history">{widget("payhub-payment-history")}</section>
  <section class="card" aria-label="Saved payment methods">{widget("payhub-autopay-enrollment")}</section>
  <section class="card" aria-labelledby="h-events"><h2 id="h-events">Events this page received</h2>
    <ol id="events" aria-live="polite"></ol></section>
</main>
<footer>A demo host page served by <code>payhub demo-host</code> on its own origin; the widgets come from PayHub at
{html.escape(api)}.</footer>
</body>
</html>
"""


def problem_page(api: str, text: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Supply Co. · Customer portal</title>
<link rel="stylesheet" href="/acme.css"></head>
<body><main><h1>Billing is unavailable</h1><p class="notice">{html.escape(text)}</p>
<p>PayHub: {html.escape(api)}</p></main></body></html>
"""


def host_policy(api: str) -> str:
    """The portal's own Content-Security-Policy: PayHub's widgets work under a strict one."""
    return (f"default-src 'self'; script-src 'self' {api}; connect-src {api}; frame-src {api}; "
            "style-src 'self' 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")


def mint(api: str, key: str, customer: str) -> tuple[str | None, str | None, str | None]:
    """(token, script snippet, problem): what the portal's backend asks PayHub for on each page view."""
    import httpx

    try:
        made = httpx.post(f"{api}/v1/customer_tokens", json={"customer": customer, "expires_in_s": 3600},
                          headers={"Authorization": f"Bearer {key}"}, timeout=10)
        manifest = httpx.get(f"{api}/v1/widgets/manifest", timeout=10)
    except httpx.HTTPError as error:
        return None, None, f"PayHub does not answer at {api} ({type(error).__name__}); is `payhub serve` running?"
    if made.status_code != 201:
        code = made.json().get("code") if made.headers.get("content-type", "").endswith("json") else None
        return None, None, (f"PayHub refused the portal's request for a customer token ({made.status_code} {code}). "
                            "Run `payhub demo` again: it writes a fresh key for the demo host.")
    snippet = manifest.json().get("snippet") if manifest.status_code == 200 else None
    return str(made.json()["token"]), snippet, None


def serve_demo_host(host: str, port: int, api: str, key: str, customer: str = "cus_acme") -> ThreadingHTTPServer:
    """A bound, not yet serving, HTTP server for the demo host page."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        server_version = "AcmePortal/1.0"

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            url = urlsplit(self.path)
            if url.path == "/acme.css":
                self._send(200, "text/css", CSS)
            elif url.path == "/acme.js":
                self._send(200, "text/javascript", JS)
            elif url.path == "/":
                wanted = parse_qs(url.query).get("customer", [customer])[0]
                who = wanted if CUSTOMER.fullmatch(wanted) else customer
                token, snippet, problem = mint(api, key, who)
                if token is None:
                    self._send(503, "text/html", problem_page(api, problem or "unavailable"))
                else:
                    self._send(200, "text/html", page(api, token, who, snippet))
            else:
                self._send(404, "text/plain", "Not found\n")

        def _send(self, status: int, kind: str, text: str) -> None:
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Security-Policy", host_policy(api))
            self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's signature
            pass  # quiet: `make run` shares the terminal with PayHub

    return ThreadingHTTPServer((host, port), Handler)
