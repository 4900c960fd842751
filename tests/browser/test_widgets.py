"""The drop-in widgets in real Chromium (Debian's, driven by Playwright), on a host page of another origin.

The host page (http://127.0.0.1:P2) embeds the widgets from PayHub (http://localhost:P); the card and bank fields
live in PayHub's hosted-field iframe. The tests pay real invoices of the demo ERP through the public API and check
the result through the API, prove the host page never saw a card number, and cover theming, shadow DOM, bad
input, bad tokens and keyboard-only use. Screenshots land in build/screenshots/ (copies in docs/screenshots/).

The bundle checks at the end need no browser: the committed scripts equal a fresh build of their sources, and
both fit the 35 KB gzip budget."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, FrameLocator, Locator, Page, expect

ROOT = Path(__file__).resolve().parents[2]
WIDGETS = ROOT / "src" / "payhub" / "web" / "widgets"
STATIC = ROOT / "src" / "payhub" / "web" / "static"
SCREENSHOTS = ROOT / "build" / "screenshots"
BUDGET = 35 * 1024

PAN = "4242424242424242"
DECLINED = "4000000000000002"
AMEX = "378282246310005"
EXPIRED = "01/20"
BAD_LUHN = "4242424242424241"
BAD_ROUTING = "123456789"
POLICY = {"surcharge": {"percent": "3"}, "convenience_fees": [
    {"priority": 10, "name": "ACH", "methods": ["ach"], "currency": "USD", "flat": 150}]}
THEME = ("--payhub-color-primary: rgb(10, 125, 59); --payhub-color-text: rgb(60, 20, 90); "
         "--payhub-color-error: rgb(200, 0, 80); --payhub-radius: 0px; --payhub-font-family: Georgia, serif; "
         "--payhub-color-border: rgb(10, 125, 59); --payhub-focus-ring: rgb(255, 140, 0);")

# Records every message the host page's window receives (the widget's iframe posts to it), before any script
# of the page runs; only in the top window, so the hosted-field iframe is left alone.
RECORD_MESSAGES = """
if (window.top === window) {
  window.__violations = [];
  document.addEventListener("securitypolicyviolation",
                            (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
  window.__received = [];
  window.addEventListener("message", (e) => {
    let data; try { data = JSON.stringify(e.data); } catch (_) { data = String(e.data); }
    window.__received.push({origin: e.origin, data});
  }, true);
}
"""

# Everything the host page's JavaScript can read: its markup, every attribute and input value, open shadow roots,
# storage.
READABLE = """() => {
  const out = [document.documentElement.outerHTML, JSON.stringify(localStorage), JSON.stringify(sessionStorage)];
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      for (const a of el.attributes) out.push(a.value);
      if (typeof el.value === "string") out.push(el.value);
      if (el.shadowRoot) { out.push(el.shadowRoot.innerHTML); walk(el.shadowRoot); }
    }
  };
  walk(document);
  return out.join("\\n");
}"""


# --- the server side: an admin client on PayHub, the demo's fee policy, tokens -------------------------------
@pytest.fixture(scope="module")
def admin(payhub_server: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=payhub_server.url, headers={"Authorization": f"Bearer {payhub_server.admin_key}"},
                      timeout=30) as client:
        stored = client.put("/v1/fee_policy", json=POLICY)  # 3 % surcharge on credit cards, a flat ACH fee
        assert stored.status_code == 200, stored.text
        yield client


def balance(admin: httpx.Client, invoice: str) -> int:
    response = admin.get(f"/v1/invoices/{invoice}")
    assert response.status_code == 200, response.text
    return int(response.json()["amount_payable"]["amount"])


def payments_of(admin: httpx.Client, customer: str) -> list[dict[str, Any]]:
    response = admin.get("/v1/payments", params={"customer": customer, "limit": 100})
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


def charged(admin: httpx.Client, customer: str) -> list[str]:
    return [p["id"] for p in payments_of(admin, customer) if p["status"] in ("captured", "settled", "requires_capture")]


# --- the browser side -------------------------------------------------------------------------------------------
@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport={"width": 1000, "height": 1200}, locale="en-US")
    ctx.add_init_script(RECORD_MESSAGES)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert not errors, errors  # no script error on the host page or in the widgets


def host_html(api: str, body: str, *, style: str = "", head: str = "") -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme customer portal</title>
<style>body {{ font-family: sans-serif; max-width: 960px; margin: 16px auto; }} {style}</style>
<script type="module" src="{api}/widgets/v1/payhub.js"></script>{head}
</head><body><h1>Acme customer portal</h1>
{body}
</body></html>"""


def widgets(api: str, token: str, *names: str, attrs: str = "") -> str:
    tags = {"list": f'<payhub-invoice-list id="list" api-base="{api}" token="{token}" {attrs}></payhub-invoice-list>',
            "form": f'<payhub-payment-form for="list" api-base="{api}" token="{token}" payer-jurisdiction="US-NY" '
                    f'{attrs}></payhub-payment-form>',
            "history": f'<payhub-payment-history api-base="{api}" token="{token}" page-size="3" {attrs}>'
                       "</payhub-payment-history>",
            "methods": f'<payhub-autopay-enrollment api-base="{api}" token="{token}" merchant="Demo Supplies Co." '
                       f"{attrs}></payhub-autopay-enrollment>"}
    return "\n".join(tags[n] for n in names)


def open_host(page: Page, host_server: Any, html: str) -> Page:
    page.goto(host_server.page(html))
    return page


def fields(root: Page | Locator, widget: str = "payhub-payment-form") -> FrameLocator:
    return root.frame_locator(f"{widget} iframe")


def fill_card(frame: FrameLocator, number: str = PAN, exp: str = "12/30", cvc: str = "123") -> None:
    frame.locator("#number").fill(number)
    frame.locator("#exp").fill(exp)
    frame.locator("#cvc").fill(cvc)


def select(root: Page | Locator, invoice: str, amount: str | None = None) -> None:
    root.locator(f"payhub-invoice-list #select-{invoice}").check()
    if amount is not None:
        field = root.locator(f"payhub-invoice-list #amount-{invoice}")
        field.fill(amount)
        expect(field).to_have_attribute("aria-invalid", "false")


def hosted_frame(page: Page, widget: str = "payhub-payment-form") -> Frame:
    handle = page.locator(f"{widget} iframe").element_handle()
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None
    return frame


def shoot(locator: Locator, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


# --- the tests ----------------------------------------------------------------------------------------------------
def test_pay_two_invoices_from_a_host_page_that_never_sees_the_card(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str],
        admin: httpx.Client) -> None:
    api = payhub_server.url
    first, second = "inv_acme_1001", "inv_acme_1002"
    before = {first: balance(admin, first), second: balance(admin, second)}
    host_requests: list[str] = []
    page.on("request", lambda r: host_requests.append(
        f"{r.url} {r.post_data or ''} {json.dumps(r.headers)}") if r.frame == page.main_frame else None)
    open_host(page, host_server, host_html(api, widgets(api, customer_token("cus_acme"), "list", "form")))

    select(page, first)
    select(page, second, "100.50")  # a partial amount, typed as a person would
    expect(page.locator("payhub-invoice-list [data-total]")).to_have_text(
        _usd(before[first] + 10_050))
    fill_card(fields(page))
    page.locator("payhub-payment-form #review").click()

    quote = page.locator("payhub-payment-form [data-quote]")
    expect(quote).to_be_visible()
    invoices_total = before[first] + 10_050
    surcharge = percent_of(invoices_total, "3")  # the policy's 3 % on a credit card
    expect(quote.locator("[data-surcharge]")).to_have_text(_usd(surcharge))
    expect(quote.locator("[data-total]")).to_have_text(_usd(invoices_total + surcharge))
    pay = page.locator("payhub-payment-form #pay")
    expect(pay).to_contain_text(_usd(invoices_total + surcharge))
    shoot(page.locator("payhub-payment-form"), "payment-form-quote")
    pay.click()
    result = page.locator("payhub-payment-form [data-result]")
    expect(result).to_be_visible()
    receipt = page.locator("payhub-payment-form [data-receipt]").inner_text()
    assert receipt

    # Through the API: the payment, both allocations, its posting; both balances dropped.
    paid = [p for p in payments_of(admin, "cus_acme") if p.get("receipt_number") == receipt]
    assert len(paid) == 1, receipt
    payment = admin.get(f"/v1/payments/{paid[0]['id']}").json()
    assert payment["status"] == "captured"
    assert {a["invoice"]: a["amount"]["amount"] for a in payment["allocations"]} == {
        first: before[first], second: 10_050}
    assert payment["amount"]["amount"] == invoices_total + surcharge
    assert payment["payment_method"]["card"]["last4"] == PAN[-4:]
    assert payment["posting"] is not None and payment["posting"]["entries"]
    assert balance(admin, first) == 0 and balance(admin, second) == before[second] - 10_050
    # the list shows the new balances, nothing selected
    expect(page.locator(f"payhub-invoice-list [data-invoice={first}]")).to_have_count(0)

    # The host page's JavaScript never saw the card number: not in its DOM (open shadow roots included), not in
    # a message its window received, not in a request it made. It cannot read the iframe either.
    spaced = " ".join(PAN[i:i + 4] for i in range(0, 16, 4))
    readable = page.evaluate(READABLE)
    received = page.evaluate("() => window.__received")
    assert received and any("tokenized" in m["data"] for m in received)  # the recorder did hear the iframe
    for text in [readable, *[m["data"] for m in received], *host_requests]:
        assert PAN not in text and spaced not in text
    assert page.evaluate("""() => { const f = document.querySelector("payhub-payment-form").shadowRoot
        .querySelector("iframe"); try { return f.contentDocument === null && f.contentWindow.document === undefined; }
        catch (e) { return true; } }""")
    assert all(m["origin"] == api for m in received if "payhub-hosted-fields" in m["data"])


def percent_of(minor: int, percent: str) -> int:
    """PayHub's fee rounding: half-even to the minor unit."""
    return int((Decimal(minor) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def _usd(minor: int) -> str:
    return f"${minor // 100:,}.{minor % 100:02d}"


def test_host_css_variables_reach_the_widget_and_the_hosted_fields(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str]) -> None:
    api = payhub_server.url
    body = f'<div class="portal">{widgets(api, customer_token("cus_globex"), "list", "form")}</div>'
    open_host(page, host_server, host_html(api, body, style=f".portal {{ {THEME} }}"))
    heading = page.locator("payhub-payment-form h2")
    expect(heading).to_have_css("color", "rgb(60, 20, 90)")
    expect(page.locator("payhub-payment-form #review")).to_have_css("background-color", "rgb(10, 125, 59)")

    frame = fields(page)
    expect(frame.locator("label[for=number]")).to_have_css("color", "rgb(60, 20, 90)")
    expect(frame.locator("body")).to_have_css("font-family", "Georgia, serif")
    number = frame.locator("#number")
    expect(number).to_have_css("border-top-left-radius", "0px")
    number.focus()  # the focus state: the host's focus ring
    expect(number).to_have_css("outline-color", "rgb(255, 140, 0)")
    number.fill(BAD_LUHN)  # the invalid state: the host's error colour
    number.blur()
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_css("border-top-color", "rgb(200, 0, 80)")
    # autofill: the iframe's own sheet paints autofilled fields with the host's colours too
    sheet = hosted_frame(page).evaluate(
        "() => [...document.adoptedStyleSheets].flatMap(s => [...s.cssRules]).map(r => r.cssText).join(' ')")
    assert ":autofill" in sheet and "var(--payhub-color-background)" in sheet


def test_widgets_work_inside_a_host_components_shadow_root(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str],
        admin: httpx.Client) -> None:
    api = payhub_server.url
    invoice = "inv_initech_3001"
    before = balance(admin, invoice)
    style = "<style>:host { display: block; --payhub-color-primary: rgb(170, 0, 0); }</style>"
    inner = (style + widgets(api, customer_token("cus_initech"), "list", "form")).replace('"', "&quot;")
    script = """<script>
customElements.define("acme-portal", class extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const template = document.createElement("template");
    template.innerHTML = this.getAttribute("content");
    this.attachShadow({mode: "open"}).append(template.content);
  }
});
</script>"""
    open_host(page, host_server, host_html(api, f'<acme-portal content="{inner}"></acme-portal>', head=script))
    assert page.evaluate("() => document.querySelector('payhub-payment-form') === null")  # only in the shadow root
    select(page, invoice, "10.00")
    fill_card(fields(page), "5555555555554444")
    page.locator("payhub-payment-form #review").click()
    expect(page.locator("payhub-payment-form #pay")).to_have_css("background-color", "rgb(170, 0, 0)")
    page.locator("payhub-payment-form #pay").click()
    expect(page.locator("payhub-payment-form [data-result]")).to_be_visible()
    assert balance(admin, invoice) == before - 1_000


def test_widgets_work_on_a_host_page_with_a_strict_content_security_policy(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str]) -> None:
    """No inline styles or scripts, no eval: the host allows PayHub's origin for scripts, calls and frames only."""
    api = payhub_server.url
    policy = (f"default-src 'none'; script-src {api}; connect-src {api}; frame-src {api}; style-src 'none'; "
              "img-src 'none'; base-uri 'none'")
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}"><title>Strict host</title>
<script type="module" src="{api}/widgets/v1/payhub.js"></script></head>
<body>{widgets(api, customer_token("cus_globex"), "list", "form")}</body></html>"""
    open_host(page, host_server, html)
    page.locator("payhub-invoice-list tbody input[type=checkbox]").first.check()
    fill_card(fields(page))
    page.locator("payhub-payment-form #review").click()
    expect(page.locator("payhub-payment-form [data-quote]")).to_be_visible()
    expect(page.locator("payhub-payment-form #review, payhub-payment-form #pay").first).to_have_css(
        "border-top-left-radius", "6px")  # the widgets' own styles applied (constructed stylesheets)
    assert page.evaluate("() => window.__violations") == []


@pytest.mark.parametrize("case", ["luhn", "expired", "amex_cvc", "declined", "ach_routing"])
def test_bad_input_gives_an_inline_announced_error_and_charges_nothing(
        case: str, page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str],
        admin: httpx.Client) -> None:
    api = payhub_server.url
    before = charged(admin, "cus_globex")
    open_host(page, host_server, host_html(api, widgets(api, customer_token("cus_globex"), "list", "form")))
    page.locator("payhub-invoice-list tbody input[type=checkbox]").first.check()
    frame = fields(page)
    alert = page.locator("payhub-payment-form [role=alert]#errors")
    if case == "ach_routing":
        page.locator("payhub-payment-form input[type=radio][value=ach]").check()
        frame = fields(page)
        frame.locator("#holder").fill("Jane Doe")
        frame.locator("#routing").fill(BAD_ROUTING)
        frame.locator("#account").fill("000123456789")
    else:
        fill_card(frame, {"luhn": BAD_LUHN, "declined": DECLINED, "amex_cvc": AMEX}.get(case, PAN),
                  exp=EXPIRED if case == "expired" else "12/30")  # CVC 123: an amex has 4 digits
    page.locator("payhub-payment-form #review").click()
    if case == "declined":  # a valid card: tokenized and quoted; the issuer declines it at payment
        page.locator("payhub-payment-form #pay").click()
    expected = {"luhn": "card number is not valid", "expired": "card has expired", "declined": "declined",
                "amex_cvc": "4-digit security code", "ach_routing": "routing number is not valid"}[case]
    expect(alert).to_contain_text(expected)
    if case != "declined":  # the field itself is marked, inside the iframe, before any server call
        field = {"luhn": "#number", "expired": "#exp", "amex_cvc": "#cvc", "ach_routing": "#routing"}[case]
        expect(frame.locator(field)).to_have_attribute("aria-invalid", "true")
        expect(frame.locator(f"{field}-error")).to_contain_text(expected)
    expect(page.locator("payhub-payment-form [data-result]")).to_have_count(0)
    if case == "luhn":
        shoot(page.locator("payhub-payment-form"), "payment-form-errors")
    assert charged(admin, "cus_globex") == before


def test_the_servers_field_errors_are_shown_on_their_fields_and_announced(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str]) -> None:
    """A check only the server makes (a 422 of POST /v1/tokens, as the contract shapes it) lands on its field."""
    api = payhub_server.url
    problem = {"type": "/problems/card_invalid", "title": "Card invalid", "status": 422, "code": "card_invalid",
               "detail": "The card was refused", "errors": [
                   {"field": "card.cvc", "code": "card_invalid", "message": "The issuer wants another code"}]}
    page.route(f"{api}/v1/tokens", lambda route: route.fulfill(
        status=422, content_type="application/problem+json", body=json.dumps(problem)))
    open_host(page, host_server, host_html(api, widgets(api, customer_token("cus_globex"), "list", "form")))
    page.locator("payhub-invoice-list tbody input[type=checkbox]").first.check()
    frame = fields(page)
    fill_card(frame)
    page.locator("payhub-payment-form #review").click()
    expect(page.locator("payhub-payment-form [role=alert]#errors")).to_contain_text("The issuer wants another code")
    expect(frame.locator("#cvc")).to_have_attribute("aria-invalid", "true")
    expect(frame.locator("#cvc-error")).to_have_text("The issuer wants another code")
    expect(frame.locator("#number")).to_have_attribute("aria-invalid", "false")
    expect(page.locator("payhub-payment-form [data-quote]")).to_have_count(0)


def test_a_token_for_another_customer_or_a_bad_token_shows_a_clear_message_and_no_data(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str]) -> None:
    api = payhub_server.url
    acme = customer_token("cus_acme")
    names = ("list", "form", "history", "methods")
    body = (f'<section id="other">{widgets(api, acme, *names, attrs="customer=cus_globex")}</section>'
            f'<section id="bad">{widgets(api, "pht_not_a_real_token", *names)}</section>')
    open_host(page, host_server, host_html(api, body))
    for tag in ("payhub-invoice-list", "payhub-payment-form", "payhub-payment-history", "payhub-autopay-enrollment"):
        expect(page.locator(f"#other {tag} [role=alert]")).to_contain_text("different customer")
        expect(page.locator(f"#bad {tag} [role=alert]")).to_contain_text("expired or is not valid")
    shown = page.evaluate(READABLE)
    assert "INV-" not in shown and "inv_" not in shown  # neither customer's invoices


def test_a_page_on_an_origin_the_merchant_did_not_allow_gets_a_message_and_no_data(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str]) -> None:
    """CORS refuses the host's calls (the browser cannot even read why): the widget says so, and shows nothing."""
    api = payhub_server.url
    url = host_server.foreign_page(host_html(api, widgets(api, customer_token("cus_acme"), "list")))
    page.goto(url)
    expect(page.locator("payhub-invoice-list [role=alert]")).to_contain_text("not be allowed")
    assert "INV-" not in page.evaluate(READABLE)


def test_an_expired_token_shows_a_clear_message(
        page: Page, payhub_server: Any, host_server: Any, expired_customer_token: str) -> None:
    api = payhub_server.url
    open_host(page, host_server, host_html(api, widgets(api, expired_customer_token, "list", "history")))
    expect(page.locator("payhub-invoice-list [role=alert]")).to_contain_text("expired or is not valid")
    expect(page.locator("payhub-payment-history [role=alert]")).to_contain_text("expired or is not valid")
    assert "INV-" not in page.evaluate(READABLE)


DEEP_FOCUS = """() => { let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a ? (a.id || a.tagName.toLowerCase()) : null; }"""


def test_keyboard_only_select_invoices_and_pay(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str],
        admin: httpx.Client) -> None:
    api = payhub_server.url
    invoice = "inv_globex_2001"
    before = balance(admin, invoice)
    open_host(page, host_server, host_html(api, widgets(api, customer_token("cus_globex"), "list", "form")))
    expect(page.locator(f"payhub-invoice-list #select-{invoice}")).to_be_visible()
    expect(fields(page).locator("#number")).to_be_visible()

    def tab_to(target: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            # focus on its way into the hosted fields' frame rests on <body> a moment: wait until it lands
            page.wait_for_function("() => document.activeElement !== document.body")
            if page.evaluate(DEEP_FOCUS) == target:
                return
        raise AssertionError(f"Tab never reached {target}")

    tab_to(f"select-{invoice}")
    page.keyboard.press("Space")
    tab_to(f"amount-{invoice}")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("25.00")
    tab_to("iframe")  # into the hosted fields: the card number
    # the iframe runs in its own process: the focus reaches its first field a moment after the Tab
    hosted_frame(page).wait_for_function("() => document.activeElement && document.activeElement.id === 'number'")
    page.keyboard.type(PAN)
    page.keyboard.press("Tab")
    page.keyboard.type("1230")
    page.keyboard.press("Tab")
    page.keyboard.type("123")
    page.keyboard.press("Enter")  # Enter in the fields reviews the payment; the Pay button takes the focus
    page.wait_for_function(f"() => ({DEEP_FOCUS})() === 'pay'")
    expect(page.locator("payhub-payment-form [data-quote]")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("payhub-payment-form [data-result]")).to_be_visible()
    page.wait_for_function(f"() => ({DEEP_FOCUS})() === 'result'")  # the result takes the focus, and is read out
    assert balance(admin, invoice) == before - 2_500


def test_saved_payment_methods_card_and_ach_with_consent_and_mandate(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str],
        admin: httpx.Client) -> None:
    api = payhub_server.url
    open_host(page, host_server, host_html(api, widgets(api, customer_token("cus_initech"), "methods")))
    widget = page.locator("payhub-autopay-enrollment")
    expect(widget.locator("[data-note]")).to_contain_text("autopay")
    expect(widget).to_contain_text("No saved payment methods")
    fill_card(fields(page, "payhub-autopay-enrollment"))
    widget.locator("#save").click()  # no consent yet: refused, said, nothing saved
    expect(widget.locator("#consent-error")).to_contain_text("consent")
    consent = widget.locator("[data-consent]").inner_text()
    widget.locator("#consent").check()
    widget.locator("#save").click()
    expect(widget.locator("[data-method]")).to_have_count(1)
    expect(widget.locator("[data-method]")).to_contain_text("Visa ending 4242")

    widget.locator("input[type=radio][value=ach]").check()
    frame = fields(page, "payhub-autopay-enrollment")
    frame.locator("#holder").fill("Jane Doe")
    frame.locator("#routing").fill("110000000")
    frame.locator("#account").fill("000123456789")
    widget.locator("#min").fill("1.00")
    widget.locator("#max").fill("2,500.00")
    ach_consent = widget.locator("[data-consent]").inner_text()
    assert "$2,500.00" in ach_consent and "revoke" in ach_consent
    widget.locator("#consent").check()
    widget.locator("#save").click()
    expect(widget.locator("[data-method]")).to_have_count(2)

    saved = admin.get("/v1/customers/cus_initech/payment_methods").json()["data"]
    by_type = {pm["type"]: pm for pm in saved}
    assert by_type["card"]["consent"]["text"] == consent and by_type["card"]["consent"]["accepted_at"]
    assert by_type["ach"]["consent"]["text"] == ach_consent
    mandate = by_type["ach"]["mandate"]
    assert mandate["frequency"] == "per_invoice" and mandate["amount_range"] == {
        "min": {"amount": 100, "currency": "USD"}, "max": {"amount": 250_000, "currency": "USD"}}
    assert "revoke" in mandate["revocation"]

    card_row = widget.locator(f"[data-method={by_type['card']['id']}]")
    card_row.get_by_role("button", name="Remove").click()
    card_row.locator("#confirm-yes").click()
    expect(widget.locator("[data-method]")).to_have_count(1)
    expect(widget.locator("[role=status]")).to_contain_text("was removed")
    assert [pm["type"] for pm in admin.get("/v1/customers/cus_initech/payment_methods").json()["data"]] == ["ach"]


def test_a_method_saved_in_one_widget_pays_in_the_payment_form(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str],
        admin: httpx.Client) -> None:
    api = payhub_server.url
    invoice = "inv_globex_2001"
    before = balance(admin, invoice)
    open_host(page, host_server, host_html(api, widgets(api, customer_token("cus_globex"), "list", "form", "methods")))
    methods = page.locator("payhub-autopay-enrollment")
    fill_card(fields(page, "payhub-autopay-enrollment"), "5555555555554444")
    methods.locator("#consent").check()
    methods.locator("#save").click()
    expect(methods.locator("[role=status]")).to_contain_text("Mastercard ending 4444")
    # the form heard of it (payhub:payment-methods-change) and offers it
    saved = page.locator("payhub-payment-form").get_by_role("radio", name="Saved: Mastercard ending 4444")
    saved.check()
    expect(page.locator("payhub-payment-form iframe")).to_be_hidden()
    select(page, invoice, "12.34")
    page.locator("payhub-payment-form #review").click()
    expect(page.locator("payhub-payment-form [data-surcharge]")).to_have_text(_usd(percent_of(1_234, "3")))
    page.locator("payhub-payment-form #pay").click()
    expect(page.locator("payhub-payment-form [data-result]")).to_be_visible()
    receipt = page.locator("payhub-payment-form [data-receipt]").inner_text()
    payment = next(p for p in payments_of(admin, "cus_globex") if p["receipt_number"] == receipt)
    assert payment["payment_method"]["payment_method"].startswith("pm_")
    assert payment["payment_method"]["card"]["last4"] == "4444"
    assert balance(admin, invoice) == before - 1_234


def test_payment_history_pages_through_payments_and_shows_refunds(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str],
        admin: httpx.Client) -> None:
    made = []
    for cents in (101, 102, 103, 104):
        response = admin.post("/v1/payments", headers={"Idempotency-Key": f"history-{cents}"}, json={
            "allocations": [{"invoice": "inv_globex_2002", "amount": {"amount": cents, "currency": "USD"}}],
            "payment_method": {"type": "card", "card": {"number": "5555555555554444", "exp_month": 12,
                                                         "exp_year": 2031, "cvc": "123"}}})
        assert response.status_code == 201, response.text
        made.append(response.json()["id"])
    refund = admin.post("/v1/refunds", json={"payment": made[-1], "amount": {"amount": 50, "currency": "USD"}})
    assert refund.status_code in (200, 201), refund.text
    total = len(payments_of(admin, "cus_globex"))

    api = payhub_server.url
    open_host(page, host_server, host_html(api, widgets(api, customer_token("cus_globex"), "history")))
    history = page.locator("payhub-payment-history")
    rows = history.locator("tr[data-payment]")
    expect(rows).to_have_count(3)
    expect(history.locator(f"tr[data-payment={made[-1]}]")).to_contain_text("Mastercard ending 4444")
    expect(history.locator("tr[data-refund]")).to_contain_text("$0.50")  # the newest one's refund, under it
    seen = set(rows.evaluate_all("rows => rows.map(r => r.dataset.payment)"))
    history.get_by_role("button", name="Older payments").click()
    expect(history.locator("caption")).to_contain_text("Page 2")
    seen |= set(rows.evaluate_all("rows => rows.map(r => r.dataset.payment)"))
    while history.get_by_role("button", name="Older payments").is_enabled():
        page_number = len(seen) // 3 + 1
        history.get_by_role("button", name="Older payments").click()
        expect(history.locator("caption")).to_contain_text(f"Page {page_number}")
        seen |= set(rows.evaluate_all("rows => rows.map(r => r.dataset.payment)"))
    assert len(seen) == total and set(made) <= seen
    history.get_by_role("button", name="Newer payments").click()
    expect(history.locator("caption")).not_to_contain_text(f"Page {len(seen) // 3 + 1}")


def test_embed_page_resizes_its_iframe_on_the_host(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str]) -> None:
    api = payhub_server.url
    token = customer_token("cus_globex")
    frame = f'<iframe id="embed" title="Open invoices" src="{api}/embed/invoice-list?token={token}"></iframe>'
    open_host(page, host_server, host_html(api, frame))
    expect(page.frame_locator("#embed").locator("payhub-invoice-list tbody tr").first).to_be_visible()
    page.wait_for_function("""() => window.__received.some(m => { const d = JSON.parse(m.data);
        return d && d.type === "payhub:resize" && d.height > 100; })""")


def test_screenshots_of_each_widget_default_and_themed(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str]) -> None:
    api = payhub_server.url
    token = customer_token("cus_globex")
    tags = {"invoice-list": "payhub-invoice-list", "payment-form": "payhub-payment-form",
            "payment-history": "payhub-payment-history", "autopay-enrollment": "payhub-autopay-enrollment"}
    for theme, style in (("default", ""), ("themed", f"body {{ {THEME} background: #f4f1ea; }}")):
        open_host(page, host_server, host_html(api, widgets(api, token, "list", "form", "history", "methods"),
                                               style=style))
        page.locator("payhub-invoice-list tbody input[type=checkbox]").first.check()
        expect(fields(page).locator("#number")).to_be_visible()
        expect(fields(page, "payhub-autopay-enrollment").locator("#number")).to_be_visible()
        expect(page.locator("payhub-payment-history").locator("caption, h2").first).to_be_visible()
        page.wait_for_function("""() => [...document.querySelectorAll(
            "payhub-invoice-list, payhub-payment-form, payhub-payment-history, payhub-autopay-enrollment")]
            .every(w => w.shadowRoot && !w.shadowRoot.textContent.includes("Loading"))""")
        for name, tag in tags.items():
            shoot(page.locator(tag), f"{name}-{theme}")
    for name in tags:
        for theme in ("default", "themed"):
            assert (SCREENSHOTS / f"{name}-{theme}.png").stat().st_size > 1000


# --- the bundle -----------------------------------------------------------------------------------------------------
def test_committed_bundle_matches_a_fresh_build_of_its_sources(tmp_path: Path) -> None:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are not installed: the committed bundle cannot be rebuilt here")
    work = tmp_path / "widgets"
    shutil.copytree(WIDGETS, work, ignore=shutil.ignore_patterns("node_modules"))
    shutil.copytree(STATIC, tmp_path / "static")
    if (WIDGETS / "node_modules" / ".package-lock.json").exists():
        (work / "node_modules").symlink_to(WIDGETS / "node_modules")  # already installed from the same lock file
    else:
        installed = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=work, capture_output=True, text=True,
                                   timeout=300)
        assert installed.returncode == 0, installed.stderr
    checked = subprocess.run([node, "build.mjs", "--check"], cwd=work, capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr + "\nRun `make widgets` and commit src/payhub/web/static/."


def test_widget_scripts_fit_the_gzip_budget() -> None:
    sizes = {name: len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9))
             for name in ("payhub.js", "hosted-fields.js")}
    total = sum(sizes.values())
    print(f"gzip KB: {total / 1024:.1f} (payhub.js {sizes['payhub.js']} B, hosted-fields.js "
          f"{sizes['hosted-fields.js']} B; budget {BUDGET // 1024} KB)")
    assert total < BUDGET


def test_another_language_from_the_host_reaches_the_widgets_and_the_hosted_fields(
        page: Page, payhub_server: Any, host_server: Any, customer_token: Callable[..., str]) -> None:
    api = payhub_server.url
    token = customer_token("cus_globex")
    register = """<script type="module">
import { PayHub } from "API/widgets/v1/payhub.js";
PayHub.addLocale("fr", {"invoices.title": "Factures ouvertes", "form.review": "Vérifier le paiement",
                        "fields.number": "Numéro de carte"});
</script>""".replace("API", api)
    body = widgets(api, token, "list", "form", attrs='locale="fr"')
    open_host(page, host_server, host_html(api, body, head=register))
    expect(page.locator("payhub-invoice-list caption")).to_have_text("Factures ouvertes")
    expect(page.locator("payhub-payment-form #review")).to_have_text("Vérifier le paiement")
    expect(fields(page).locator("label[for=number]")).to_have_text("Numéro de carte")
    expect(page.locator("payhub-invoice-list tbody td.num").first).to_contain_text("$US")  # fr-FR money format
    # a partial catalogue as a property, over English
    page.locator("payhub-payment-form").evaluate("(el) => { el.strings = {'form.title': 'Pago'}; }")
    expect(page.locator("payhub-payment-form h2")).to_have_text("Pago")


@pytest.mark.parametrize(("text", "currency", "locale", "minor"), [
    ("123.45", "USD", "en-US", 12345), ("1,234.5", "USD", "en-US", 123450), ("$1,234.56", "USD", "en-US", 123456),
    ("1234", "USD", "en-US", 123400), (".5", "USD", "en-US", 50), ("0.10", "USD", "en-US", 10),
    ("1.234,56", "EUR", "de-DE", 123456), ("12,5", "EUR", "de-DE", 1250), ("1 234,56 €", "EUR", "fr-FR", 123456),
    ("1500", "JPY", "ja-JP", 1500), ("1,500", "JPY", "en-US", 1500), ("1.234", "KWD", "en-US", 1234),
    ("12.345", "USD", "en-US", None), ("1.2.3", "USD", "en-US", None), ("abc", "USD", "en-US", None),
    ("", "USD", "en-US", None), ("1.5", "JPY", "en-US", None), ("99999999999999999", "USD", "en-US", None),
])
def test_amounts_typed_by_a_person_parse_to_minor_units_without_floats(
        text: str, currency: str, locale: str, minor: int | None, money_page: Page) -> None:
    assert money_page.evaluate("([t, c, l]) => window.PayHub.parseAmount(t, c, l)", [text, currency, locale]) == minor


@pytest.fixture(scope="module")
def money_page(browser: Browser, host_server: Any, payhub_server: Any) -> Iterator[Page]:
    """One page with payhub.js loaded, shared by the parsing cases."""
    page = browser.new_page()
    page.goto(host_server.page(host_html(payhub_server.url, "")))
    page.wait_for_function("() => window.PayHub !== undefined")
    yield page
    page.close()
