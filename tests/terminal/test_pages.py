"""The terminal's pages through HTTP: staff sign-in by password or one-time email link, CSRF on every form, the
page's security headers and escaping, the per-session API key (works for the API, refused refunds for role
`terminal`, revoked at sign-out), and the refund buttons only for `terminal_refund`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.mail import Mailer
from tests.terminal.conftest import PASSWORD

Staff = Callable[..., dict[str, Any]]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def browser(app: FastAPI) -> TestClient:
    return TestClient(app, follow_redirects=False)


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, page
    return found.group(1)


def sign_in(c: TestClient, email: str, password: str = PASSWORD, **headers: str) -> Any:
    token = csrf_of(c.get("/terminal/sign_in?entity=ent_demo").text)
    return c.post("/terminal/sign_in", data={"entity": "ent_demo", "email": email, "password": password,
                                             "csrf_token": token}, headers=headers)


def config_of(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="terminal-config">(.*?)</script>', page, re.S)
    assert found, page
    return dict(json.loads(found.group(1)))


def test_signed_out_goes_to_sign_in_and_headers_are_strict(app: FastAPI) -> None:
    with browser(app) as c:
        r = c.get("/terminal")
        assert r.status_code == 303 and r.headers["location"] == "/terminal/sign_in"
        page = c.get("/terminal/sign_in")
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert "form-action 'self'" in csp
        assert page.headers["x-content-type-options"] == "nosniff" and page.headers["referrer-policy"] == "same-origin"
        assert "<script>" not in page.text and "onclick" not in page.text


def test_password_sign_in_gives_a_page_with_a_staff_key(app: FastAPI, admin: TestClient, staff: Staff) -> None:
    user = staff("terminal", email="pat@demo.example")
    with browser(app) as c:
        r = sign_in(c, "PAT@demo.example")
        assert r.status_code == 303 and r.headers["location"] == "/terminal"
        cookie = r.headers["set-cookie"]
        assert "payhub_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        page = c.get("/terminal")
        assert page.status_code == 200
        assert "unsafe-inline" not in page.headers["content-security-policy"]
        assert 'integrity="sha384-' in page.text and 'src="/terminal/static/terminal.js"' in page.text
        assert 'id="refund"' not in page.text and 'id="void"' not in page.text  # role terminal: no buttons
        config = config_of(page.text)
        assert config["staff"]["id"] == user["id"] and config["can_refund"] is False
        key = config["key"]
        assert key.startswith("phk_payments_")
        script = c.get("/terminal/static/terminal.js")
        assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")

    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as terminal_api:
        assert terminal_api.get("/v1/customer_search", params={"q": "acme"}).json()["data"][0]["id"] == "cus_acme"
        paid = terminal_api.post("/v1/payments", json={
            "allocations": [{"invoice": "inv_acme_1001", "amount": {"amount": 2_500, "currency": "USD"}}],
            "payment_method": {"type": "card", "token": "tok_visa"}}).json()
        assert paid["channel"] == "terminal" and paid["metadata"]["staff_user"] == user["id"]
        refused = terminal_api.post("/v1/refunds", json={"payment": paid["id"]})
        assert refused.status_code == 403 and refused.json()["code"] == "staff_role_forbidden"

    audit = {a["action"]: a for a in admin.get("/v1/audit_events").json()["data"]}
    assert audit["terminal.signed_in"]["staff_user"] == user["id"]
    assert audit["terminal.key_issued"]["staff_user"] == user["id"]
    assert audit["terminal.payment_created"]["target"] == f"payment:{paid['id']}"


def test_refund_role_gets_the_buttons(app: FastAPI, staff: Staff) -> None:
    staff("terminal_refund", email="rene@demo.example")
    with browser(app) as c:
        assert sign_in(c, "rene@demo.example").status_code == 303
        page = c.get("/terminal").text
        assert 'id="refund"' in page and 'id="void"' in page and config_of(page)["can_refund"] is True


def test_sign_out_revokes_the_key_and_needs_csrf(app: FastAPI, staff: Staff) -> None:
    staff("terminal", email="sam@demo.example")
    with browser(app) as c:
        sign_in(c, "sam@demo.example")
        page = c.get("/terminal").text
        key = config_of(page)["key"]
        cross = c.post("/terminal/sign_out", data={"csrf_token": csrf_of(page)},
                       headers={"Origin": "https://evil.example"})
        assert cross.status_code == 403
        assert c.post("/terminal/sign_out", data={"csrf_token": "wrong"}).status_code == 403
        out = c.post("/terminal/sign_out", data={"csrf_token": csrf_of(page)})
        assert out.status_code == 303 and c.get("/terminal").status_code == 303
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as api:
        assert api.get("/v1/customer_search").status_code == 401


def test_sign_in_refuses_cross_site_posts_and_says_the_same_for_unknown_emails(app: FastAPI, staff: Staff) -> None:
    staff("terminal", email="kim@demo.example")
    with browser(app) as c:
        token = csrf_of(c.get("/terminal/sign_in").text)
        body = {"entity": "ent_demo", "email": "kim@demo.example", "password": PASSWORD}
        assert c.post("/terminal/sign_in", data=body).status_code == 403  # no token
        forged = c.post("/terminal/sign_in", data={**body, "csrf_token": token},
                        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
        assert forged.status_code == 403 and "payhub_session" not in forged.headers.get("set-cookie", "")
        wrong = sign_in(c, "kim@demo.example", "not the password")
        unknown = sign_in(c, "nobody@demo.example")
        assert wrong.status_code == unknown.status_code == 401
        assert csrf_free(wrong.text) == csrf_free(unknown.text).replace("nobody@", "kim@")


def csrf_free(page: str) -> str:
    return CSRF.sub("", page)


def test_deactivated_staff_cannot_sign_in(app: FastAPI, admin: TestClient, staff: Staff) -> None:
    user = staff("terminal", email="ex@demo.example")
    admin.post(f"/v1/staff_users/{user['id']}/deactivate")
    with browser(app) as c:
        assert sign_in(c, "ex@demo.example").status_code == 401


def test_magic_link_signs_in_once(app: FastAPI, staff: Staff) -> None:
    sent: list[EmailMessage] = []
    app.state.mailer = Mailer("smtp://sink.invalid", deliver_with=lambda _url, message: sent.append(message))
    staff("terminal_refund", email="lee@demo.example", password=None)
    with browser(app) as c:
        token = csrf_of(c.get("/terminal/sign_in").text)
        for email in ("lee@demo.example", "nobody@demo.example"):
            r = c.post("/terminal/magic_link", data={"entity": "ent_demo", "email": email, "csrf_token": token})
            assert r.status_code == 200 and "Check your email" in r.text
        app.state.mailer.close()  # waits for the queued mail
        assert [m["To"] for m in sent] == ["lee@demo.example"]
        body = sent[0].get_content()
        link = re.search(r"http://testserver(/terminal/magic\?token=[\w-]+)", body)
        assert link, body
        confirm = c.get(link.group(1))
        assert confirm.status_code == 200 and "payhub_session" not in confirm.headers.get("set-cookie", "")
        secret = link.group(1).split("=", 1)[1]
        done = c.post("/terminal/magic", data={"token": secret, "csrf_token": csrf_of(confirm.text)})
        assert done.status_code == 303 and done.headers["location"] == "/terminal"
        assert config_of(c.get("/terminal").text)["can_refund"] is True
        again = c.post("/terminal/magic", data={"token": secret, "csrf_token": csrf_of(confirm.text)})
        assert again.status_code == 400


def test_names_are_escaped(app: FastAPI, admin: TestClient) -> None:
    r = admin.post("/v1/staff_users", json={"email": "x@demo.example", "name": "<script>alert(1)</script>",
                                            "role": "terminal", "password": PASSWORD})
    assert r.status_code == 201
    with browser(app) as c:
        sign_in(c, "x@demo.example")
        page = c.get("/terminal").text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
