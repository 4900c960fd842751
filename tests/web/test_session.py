"""web/session.py through HTTP on a small app: cookie flags, id rotation, CSRF, expiry and sign-out."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import FastAPI, Form, Request, Response
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from payhub.services import Services
from payhub.web import session


def make_app(svc: Services) -> FastAPI:
    app = FastAPI()

    @app.get("/form")
    def form(request: Request, signin: bool = False) -> Response:
        response = JSONResponse({})
        found = None if signin else session.current(svc, request, "customer")
        response.body = JSONResponse({"token": session.form_token(svc, request, response, found)}).body
        response.headers["content-length"] = str(len(response.body))
        return response

    @app.post("/signin")
    def signin(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
        try:
            session.check_csrf(svc, request, csrf_token, None)
        except session.CsrfRefused:
            return JSONResponse({}, 403)
        response = JSONResponse({"ok": True})
        session.start(svc, request, response, kind="customer", subject_id="cus_acme", entity_id="ent_demo")
        return response

    @app.post("/act")
    def act(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
        found = session.current(svc, request, "customer")
        if found is None:
            return JSONResponse({}, 401)
        try:
            session.check_csrf(svc, request, csrf_token, found)
        except session.CsrfRefused:
            return JSONResponse({}, 403)
        return JSONResponse({"subject": found.subject_id})

    @app.get("/staff")
    def staff(request: Request) -> Response:
        return JSONResponse({"found": session.current(svc, request, "staff") is not None})

    @app.post("/signout")
    def signout(request: Request) -> Response:
        response = JSONResponse({})
        session.end(svc, request, response)
        return response

    return app


@pytest.fixture
def client(services: Services) -> TestClient:
    return TestClient(make_app(services), base_url="https://testserver")


def sign_in(client: TestClient) -> str:
    token = client.get("/form", params={"signin": True}).json()["token"]  # a sign-in form: the pre-session's
    reply = client.post("/signin", data={"csrf_token": token})
    assert reply.status_code == 200
    return str(reply.headers["set-cookie"])


def test_a_session_cookie_is_httponly_secure_lax_and_rotates(client: TestClient) -> None:
    cookie = sign_in(client)
    assert cookie.startswith("payhub_session=") and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower() and "Path=/" in cookie
    first = client.cookies.get("payhub_session")
    sign_in(client)
    assert client.cookies.get("payhub_session") != first  # a new id at every sign-in
    client.cookies.set("payhub_session", first or "")
    assert client.post("/act", data={"csrf_token": "x"}).status_code == 401  # the old id is gone


def test_not_secure_over_plain_http(services: Services) -> None:
    plain = TestClient(make_app(services), base_url="http://testserver")
    assert "Secure" not in sign_in(plain)


def test_csrf_token_required_and_compared(client: TestClient) -> None:
    assert client.post("/signin", data={}).status_code == 403
    assert client.post("/signin", data={"csrf_token": "forged"}).status_code == 403
    sign_in(client)
    token = client.get("/form").json()["token"]
    assert client.post("/act", data={}).status_code == 403
    assert client.post("/act", data={"csrf_token": token + "x"}).status_code == 403
    assert client.post("/act", data={"csrf_token": token}).json() == {"subject": "cus_acme"}
    cross = client.post("/act", data={"csrf_token": token}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    site = client.post("/act", data={"csrf_token": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert site.status_code == 403
    own = client.post("/act", data={"csrf_token": token}, headers={"Origin": "https://testserver"})
    assert own.status_code == 200


def test_kinds_are_separate_and_sign_out_ends_it(client: TestClient) -> None:
    sign_in(client)
    assert client.get("/staff").json() == {"found": False}
    token = client.get("/form").json()["token"]
    client.post("/signout")
    assert client.post("/act", data={"csrf_token": token}).status_code == 401


def test_sign_in_rate_limit_per_account(services: Services) -> None:
    from starlette.requests import Request as StarletteRequest

    request = StarletteRequest({"type": "http", "client": ("10.0.0.1", 1), "headers": [], "method": "POST",
                                "path": "/", "query_string": b""})
    for _ in range(session.ACCOUNT_BURST):
        session.check_sign_in_rate(services, request, "ent_demo:jane@example.com")
    with pytest.raises(session.SignInThrottled) as refused:
        session.check_sign_in_rate(services, request, "ENT_demo:Jane@example.com")
    assert refused.value.retry_after_s > 0
    session.check_sign_in_rate(services, request, "ent_demo:other@example.com")  # another account is not held
