"""The customer portal through HTTP: sign-in flows, sessions and CSRF, the pages, receipts and escaping."""

from __future__ import annotations

import io
import re
import uuid

from fastapi.testclient import TestClient
from pypdf import PdfReader

from payhub.demo import DEMO_ENTITY
from tests.portal.conftest import BASE, XSS, Portal


def test_magic_link_signs_in_once(portal: Portal) -> None:
    assert portal.client.get(portal.url, follow_redirects=False).headers["location"].endswith("/signin")
    reply = portal.client.post(f"{portal.url}/signin/link", data={
        "email": "AP@acme.example", "csrf_token": portal.csrf(f"{portal.url}/signin")})
    assert reply.status_code == 200 and "If this email belongs to an account" in reply.text
    link = portal.last_link()
    message = portal.sink.messages()[-1]
    assert message["To"] == "AP@acme.example" and "Demo Supply Co." in str(message["Subject"])
    path, _, code = link.replace(BASE, "").partition("?code=")
    assert path == f"{portal.url}/login"  # the code is in the query, which PayHub's access log leaves out
    landing = portal.client.get(path, params={"code": code})  # a GET does not spend it (mail scanners fetch links)
    assert f'name="code" value="{code}"' in landing.text
    used = portal.client.post(path, data={"code": code, "csrf_token": portal.csrf(path)}, follow_redirects=False)
    assert landing.status_code == 200 and used.status_code == 303
    cookie = used.headers["set-cookie"]
    assert cookie.startswith("payhub_session=") and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower()
    home = portal.client.get(portal.url)
    assert home.status_code == 200 and "Acme Builders LLC" in home.text and "<payhub-invoice-list" in home.text
    again = portal.client.post(path, data={"code": code, "csrf_token": portal.csrf(path)}, follow_redirects=False)
    assert again.status_code == 400  # one time only


def test_unknown_email_gets_the_same_answer(portal: Portal) -> None:
    def answer(email: str) -> str:
        reply = portal.client.post(f"{portal.url}/signin/link", data={
            "email": email, "csrf_token": portal.csrf(f"{portal.url}/signin")})
        assert reply.status_code == 200
        return re.sub(r'value="[^"]*"', "", reply.text.replace(email, "EMAIL"))

    assert answer("ap@acme.example") == answer("nobody@acme.example")
    portal.mailer.flush()
    assert [m["To"] for m in portal.sink.messages()] == ["ap@acme.example"]


def test_password_from_the_invitation(portal: Portal) -> None:
    page = portal.client.get(f"{portal.url}/invitation")  # the code typed in (never in a URL: logs keep URLs)
    assert page.status_code == 200 and 'name="invite"' in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert csrf
    short = portal.client.post(f"{portal.url}/invitation", data={
        "invite": portal.invite, "password": "short", "confirm": "short", "csrf_token": csrf.group(1)})
    assert short.status_code == 422
    done = portal.client.post(f"{portal.url}/invitation", follow_redirects=False, data={
        "invite": portal.invite, "password": "correct horse battery", "confirm": "correct horse battery",
        "csrf_token": csrf.group(1)})
    assert done.status_code == 303 and "payhub_session=" in done.headers["set-cookie"]
    spent = portal.client.post(f"{portal.url}/invitation", data={
        "invite": portal.invite, "password": "another long one", "confirm": "another long one",
        "csrf_token": portal.csrf(f"{portal.url}/invitation")})
    assert spent.status_code == 400  # the invitation works once
    portal.client.post(f"{portal.url}/signout", data={"csrf_token": portal.csrf(portal.url)})
    assert portal.client.get(portal.url, follow_redirects=False).status_code == 303

    def sign_in(password: str, email: str = "ap@acme.example") -> int:
        reply = portal.client.post(f"{portal.url}/signin/password", follow_redirects=False, data={
            "email": email, "password": password, "csrf_token": portal.csrf(f"{portal.url}/signin")})
        return int(reply.status_code)

    assert sign_in("wrong password!!") == 401
    assert sign_in("correct horse battery", "nobody@acme.example") == 401
    assert sign_in("correct horse battery") == 303
    assert portal.client.get(portal.url).status_code == 200


def test_sign_in_is_rate_limited_per_account(portal: Portal) -> None:
    statuses = [portal.client.post(f"{portal.url}/signin/password", data={
        "email": "ap@acme.example", "password": "guess guess guess",
        "csrf_token": portal.csrf(f"{portal.url}/signin")}).status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429, 429]
    refused = portal.client.post(f"{portal.url}/signin/link", data={
        "email": "ap@acme.example", "csrf_token": portal.csrf(f"{portal.url}/signin")})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    other = portal.client.post(f"{portal.url}/signin/link", data={
        "email": "payables@globex.example", "csrf_token": portal.csrf(f"{portal.url}/signin")})
    assert other.status_code == 200  # another account is not held back


def test_csrf_missing_token_and_cross_site_posts_are_refused(portal: Portal) -> None:
    assert portal.client.post(f"{portal.url}/signin/link", data={"email": "ap@acme.example"}).status_code == 403
    portal.sign_in_by_link()
    token = portal.csrf(portal.url)
    cross = portal.client.post(f"{portal.url}/signout", data={"csrf_token": token},
                               headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    missing = portal.client.post(f"{portal.url}/signout", data={})
    assert missing.status_code == 403
    assert portal.client.get(portal.url).status_code == 200  # still signed in
    out = portal.client.post(f"{portal.url}/signout", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303


def test_pages_set_security_headers_and_load_the_widgets_by_sri(portal: Portal) -> None:
    signin = portal.client.get(f"{portal.url}/signin")
    portal.sign_in_by_link()
    home = portal.client.get(portal.url)
    for page in (signin, home):
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert "img-src 'self' data: https://cdn.example.com" in csp
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["referrer-policy"] == "same-origin"
        assert "<script>" not in page.text  # no inline script
    assert re.search(r'<script type="module" src="/widgets/v1/payhub.js" integrity="sha384-', home.text)
    assert "--brand-primary:#0f766e" in home.text and "Demo Supply Co." in home.text


def test_a_disabled_or_unknown_portal_is_not_found(portal: Portal) -> None:
    assert portal.client.get("/portal/ent_nope/signin").status_code == 404
    admin = {"Authorization": f"Bearer {portal.admin_key}"}
    assert portal.client.put("/v1/portal_settings", headers=admin, json={"enabled": False}).status_code == 200
    assert portal.client.get(f"{portal.url}/signin").status_code == 404


def test_payments_record_the_portal_channel_and_receipts_are_the_customers_own(portal: Portal) -> None:
    portal.sign_in_by_link()
    token = portal.token()
    paid = portal.pay(token, [("inv_acme_1001", 50_000), ("inv_acme_1002", 12_345)])
    assert paid["channel"] == "portal"
    history = portal.client.get(f"{portal.url}/history")
    assert paid["receipt_number"] in history.text and "INV-1001, INV-1002" in history.text
    page = portal.client.get(f"{portal.url}/receipts/{paid['id']}")
    assert page.status_code == 200 and "$623.45" in page.text and "INV-1002" in page.text
    pdf = portal.client.get(f"{portal.url}/receipts/{paid['id']}.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ("$623.45", "INV-1001", "INV-1002", paid["receipt_number"], "Demo Supply Co."):
        assert expected in text, text

    other = TestClient(portal.client.app, base_url=BASE)
    other_portal = Portal(other, portal.services, portal.sink, portal.mailer, portal.admin_key, "")
    other_portal.sign_in_by_link("payables@globex.example")
    assert other.get(f"{portal.url}/receipts/{paid['id']}").status_code == 404
    assert other.get(f"{portal.url}/receipts/{paid['id']}.pdf").status_code == 404
    assert paid["receipt_number"] not in other.get(f"{portal.url}/history").text
    assert TestClient(portal.client.app, base_url=BASE).get(
        f"{portal.url}/receipts/{paid['id']}", follow_redirects=False).status_code == 303  # signed out


def test_sign_out_revokes_the_widgets_token(portal: Portal) -> None:
    portal.sign_in_by_link()
    token = portal.token()
    api = {"Authorization": f"Bearer {token}"}
    current = portal.client.get("/v1/customer_tokens/current", headers=api)
    assert current.status_code == 200 and current.json()["channel"] == "portal"
    portal.client.post(f"{portal.url}/signout", data={"csrf_token": portal.csrf(portal.url)})
    assert portal.client.get("/v1/customer_tokens/current", headers=api).status_code == 401


def test_a_script_in_a_name_or_invoice_number_is_inert(portal: Portal) -> None:
    portal.sign_in_by_link("xss@example.com")
    home = portal.client.get(portal.url)
    assert XSS not in home.text and "&lt;script&gt;alert(&#39;owned&#39;)&lt;/script&gt;" in home.text
    paid = portal.pay(portal.token(), [("inv_xss_1", 10_000)])
    for path in ("/history", f"/receipts/{paid['id']}"):
        page = portal.client.get(portal.url + path)
        assert page.status_code == 200 and XSS not in page.text and "&lt;script&gt;" in page.text


def test_customer_tokens_take_a_channel(portal: Portal) -> None:
    from datetime import UTC, datetime

    from payhub.auth.keys import create_key

    with portal.services.transaction() as s:
        key = create_key(s, DEMO_ENTITY, "payments", datetime.now(UTC))[1]
    made = portal.client.post("/v1/customer_tokens", headers={"Authorization": f"Bearer {key}",
                                                              "Idempotency-Key": str(uuid.uuid4())},
                              json={"customer": "cus_acme", "channel": "terminal"})
    assert made.status_code == 201 and made.json()["channel"] == "terminal"
    paid = portal.pay(made.json()["token"], [("inv_acme_1001", 1_000)])
    assert paid["channel"] == "terminal"
    default = portal.client.post("/v1/customer_tokens", headers={"Authorization": f"Bearer {key}",
                                                                 "Idempotency-Key": str(uuid.uuid4())},
                                 json={"customer": "cus_acme"})
    assert default.json()["channel"] == "widget"
