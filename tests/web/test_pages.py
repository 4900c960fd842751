"""The hosted-field page and the embed pages: framed only by allow-listed origins (CSP frame-ancestors), scripts
only with SRI hashes, nothing inline that runs, and a clear message (no data) for a refused or expired link."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from payhub.auth.keys import create_customer_token
from payhub.demo import DEMO_ENTITY
from payhub.services import Services
from tests.conftest import now
from tests.web.conftest import FOREIGN, HOST, csp, customer_token, script_integrity

PAGE_HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "cache-control": "no-store"}


def manifest_integrity(browser: TestClient, name: str) -> str:
    scripts = {s["name"]: s for s in browser.get("/v1/widgets/manifest").json()["scripts"]}
    return scripts[name]["integrity"]  # type: ignore[no-any-return]


def config_block(page: str, element_id: str) -> dict[str, object]:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found[1])  # type: ignore[no-any-return]


def executable_scripts(page: str) -> list[str]:
    """Every <script> tag that would run (data blocks do not)."""
    return [t for t in re.findall(r"<script[^>]*>", page) if 'type="application/json"' not in t]


def test_the_hosted_field_page_for_an_allowed_parent(browser: TestClient, allow_host: list[str]) -> None:
    page = browser.get("/hosted/fields", params={"entity": "ent_demo", "parent": HOST, "kind": "card"})
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert {k: page.headers[k] for k in PAGE_HEADERS} == PAGE_HEADERS
    policy = csp(page)
    assert set(policy["frame-ancestors"]) == {"'self'", *allow_host}
    assert policy["default-src"] == ["'none'"] and policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"] and policy["form-action"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and "'unsafe-inline'" not in policy["style-src"]
    html = page.text
    assert executable_scripts(html) == [
        f'<script type="module" src="/widgets/v1/hosted-fields.js" integrity="'
        f'{manifest_integrity(browser, "hosted-fields.js")}" crossorigin="anonymous">']
    assert script_integrity(html, "/widgets/v1/hosted-fields.js") == manifest_integrity(browser, "hosted-fields.js")
    config = config_block(html, "payhub-config")
    assert config == {"allowed_origins": sorted([HOST, "http://testserver"]), "parent": HOST,
                      "api": "http://testserver", "kind": "card", "entity": "ent_demo"}
    for field, autocomplete in (("number", "cc-number"), ("exp", "cc-exp"), ("cvc", "cc-csc")):
        assert re.search(rf'<label for="{field}">', html) and f'id="{field}"' in html
        assert re.search(rf'id="{field}"[^>]*autocomplete="{autocomplete}"', html)
    assert '<div id="errors" role="alert" aria-live="assertive">' in html
    ach = browser.get("/hosted/fields", params={"entity": "ent_demo", "parent": HOST, "kind": "ach"}).text
    for field in ("routing", "account", "account_type", "holder"):
        assert f'<label for="{field}">' in ach and f'id="{field}"' in ach
    assert '<option value="checking">' in ach and '<option value="savings">' in ach


def test_the_inline_style_is_allowed_by_its_hash_only(browser: TestClient, allow_host: list[str]) -> None:
    import base64
    import hashlib

    page = browser.get("/hosted/fields", params={"entity": "ent_demo", "parent": HOST})
    styles = re.findall(r"<style>(.*?)</style>", page.text, re.S)
    hashes = [f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'" for s in styles]
    assert len(styles) == 1 and csp(page)["style-src"] == ["'self'", *hashes]


def test_a_parent_off_the_list_is_refused(browser: TestClient, allow_host: list[str]) -> None:
    for params in ({"entity": "ent_demo", "parent": FOREIGN},
                   {"entity": "ent_demo", "parent": f"{HOST}.evil.example"},
                   {"entity": "ent_demo", "parent": "null"},
                   {"entity": "ent_demo"},
                   {"entity": "ent_nobody", "parent": HOST},
                   {"parent": HOST}):
        refused = browser.get("/hosted/fields", params=params)
        assert refused.status_code == 400, params
        assert "cannot be shown here" in refused.text
        assert 'id="number"' not in refused.text and "hosted-fields.js" not in refused.text
        assert FOREIGN not in csp(refused)["frame-ancestors"]
    assert csp(browser.get("/hosted/fields", params={"entity": "ent_nobody", "parent": HOST}))[
        "frame-ancestors"] == ["'none'"]
    # the parent is compared as a browser sends an origin
    assert browser.get("/hosted/fields", params={"entity": "ent_demo", "parent": HOST.upper() + "/"}).status_code == 200
    assert browser.get("/hosted/fields", params={"entity": "ent_demo", "parent": HOST, "kind": "cash"}
                       ).status_code == 400


def test_payhub_itself_may_frame_the_fields(browser: TestClient) -> None:
    """An /embed payment form frames the fields from PayHub's own origin, allow-listed or not."""
    page = browser.get("/hosted/fields", params={"entity": "ent_demo", "parent": "http://testserver"})
    assert page.status_code == 200
    assert csp(page)["frame-ancestors"] == ["'self'"]


def test_a_changed_allow_list_applies_at_once(browser: TestClient, admin: TestClient,
                                              allow_host: list[str]) -> None:
    params = {"entity": "ent_demo", "parent": HOST}
    assert browser.get("/hosted/fields", params=params).status_code == 200
    assert admin.put("/v1/portal_settings", json={"allowed_origins": []}).status_code == 200
    assert browser.get("/hosted/fields", params=params).status_code == 400


@pytest.mark.usefixtures("token_in_urls")
def test_the_embed_page_hosts_one_widget(browser: TestClient, client: TestClient, allow_host: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    token = customer_token(client)
    for widget, element in (("invoice-list", "payhub-invoice-list"), ("payment-form", "payhub-payment-form"),
                            ("payment-history", "payhub-payment-history"),
                            ("autopay-enrollment", "payhub-autopay-enrollment")):
        page = browser.get(f"/embed/{widget}", params={"token": token})
        assert page.status_code == 200, page.text
        assert {k: page.headers[k] for k in PAGE_HEADERS} == PAGE_HEADERS
        policy = csp(page)
        assert policy["frame-ancestors"] == allow_host
        assert policy["script-src"] == ["'self'"] and policy["frame-src"] == ["'self'"]
        assert f'<{element} id="widget" api-base="http://testserver" token="{token}"></{element}>' in page.text
        assert len(executable_scripts(page.text)) == 2
        assert script_integrity(page.text, "/widgets/v1/payhub.js") == manifest_integrity(browser, "payhub.js")
        assert script_integrity(page.text, "/widgets/v1/embed.js") == manifest_integrity(browser, "embed.js")
        assert config_block(page.text, "payhub-embed") == {"allowed_origins": allow_host}
    assert browser.get("/embed/admin-console", params={"token": token}).status_code == 404
    logged = capsys.readouterr().out
    assert '"path": "/embed/invoice-list"' in logged and token not in logged  # PayHub logs no query string


@pytest.mark.usefixtures("token_in_urls")
def test_an_unknown_or_expired_token_gets_a_message_and_no_data(browser: TestClient, services: Services,
                                                               allow_host: list[str]) -> None:
    with services.transaction() as s:
        _, expired = create_customer_token(s, DEMO_ENTITY, "cus_acme", now() - timedelta(hours=2),
                                           now() - timedelta(hours=1), invoice_ids=None, max_amount=None,
                                           currency=None, created_by="test")
    for token in (expired, "pht_not-a-token", "", "phk_admin_something", "x" * 150):
        page = browser.get("/embed/invoice-list", params={"token": token})
        assert page.status_code == 401
        assert "This link has expired" in page.text and 'role="alert"' in page.text
        assert "payhub-invoice-list" not in page.text and "payhub.js" not in page.text
        for data in ("cus_acme", "INV-1001", "Acme", "ent_demo"):
            assert data not in page.text
        assert csp(page)["frame-ancestors"] == allow_host
    # a token is never echoed into a page that does not accept it
    assert "<script>" not in browser.get("/embed/invoice-list", params={"token": "pht_<script>"}).text


def test_markup_in_values_cannot_break_out(browser: TestClient, admin: TestClient) -> None:
    """What the pages embed is escaped: no value can close the JSON block or an attribute."""
    assert admin.put("/v1/portal_settings", json={"allowed_origins": [HOST]}).status_code == 200
    page = browser.get("/hosted/fields", params={"entity": "ent_demo", "parent": HOST},
                       headers={"Host": "testserver"}).text
    block = re.search(r'id="payhub-config">(.*?)</script>', page, re.S)
    assert block and "<" not in block[1]
