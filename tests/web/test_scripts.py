"""Widget scripts at stable URLs with SRI hashes, and the manifest that lists them (PCI DSS 4.0.1 6.4.3/11.6.1)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.api.app import create_app
from payhub.services import Services
from payhub.settings import Settings
from payhub.web.assets import STATIC


def sri(body: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def test_scripts_are_served_with_their_hash_and_cross_origin_headers(browser: TestClient, widgets_dir: Path) -> None:
    for name in ("payhub.js", "hosted-fields.js", "embed.js"):
        response = browser.get(f"/widgets/v1/{name}", headers={"Origin": "https://anyone.example"})
        assert response.status_code == 200, name
        assert response.headers["content-type"].startswith("text/javascript")
        assert response.headers["etag"] == f'"{sri(response.content)}"'
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["cross-origin-resource-policy"] == "cross-origin"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "max-age" in response.headers["cache-control"]
        again = browser.get(f"/widgets/v1/{name}", headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304 and again.content == b""
    assert browser.get("/widgets/v1/payhub.js").content == (widgets_dir / "payhub.js").read_bytes()
    missing = browser.get("/widgets/v1/secrets.js")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert browser.get("/widgets/v1/..%2Fpages%2Fembed.html").status_code == 404


def test_the_manifest_lists_every_script_with_the_hash_of_the_bytes_served(browser: TestClient) -> None:
    manifest = browser.get("/v1/widgets/manifest", headers={"Origin": "https://anyone.example"})
    assert manifest.status_code == 200
    assert manifest.headers["access-control-allow-origin"] == "*"
    body = manifest.json()
    assert body["object"] == "widget_manifest"
    scripts = {s["name"]: s for s in body["scripts"]}
    assert set(scripts) == {"payhub.js", "hosted-fields.js", "embed.js"}
    for script in scripts.values():
        assert script["url"].startswith("http://testserver/widgets/v1/")
        served = browser.get(script["url"]).content
        assert script["integrity"] == sri(served) and script["size"] == len(served)
        assert script["purpose"] and script["loaded_by"]
    payhub = scripts["payhub.js"]
    assert body["snippet"] == (f'<script type="module" src="{payhub["url"]}" integrity="{payhub["integrity"]}" '
                               'crossorigin="anonymous"></script>')
    pages = {p["url"]: p for p in body["pages"]}
    assert pages["http://testserver/hosted/fields"]["scripts"] == [scripts["hosted-fields.js"]["url"]]
    assert pages["http://testserver/hosted/fields"]["inline_scripts"] == []


def test_the_manifest_is_in_the_openapi_document_as_a_public_operation(browser: TestClient) -> None:
    operation = browser.get("/openapi.json").json()["paths"]["/v1/widgets/manifest"]["get"]
    assert operation["operationId"] == "get_widget_manifest" and "security" not in operation
    assert "/hosted/fields" not in browser.get("/openapi.json").json()["paths"]


def test_the_package_serves_its_built_scripts(services: Services) -> None:
    """Without PAYHUB_WIDGETS_DIR the committed build in payhub/web/static is served, byte for byte."""
    if not (STATIC / "payhub.js").is_file():
        pytest.skip("the widgets are not built into src/payhub/web/static yet")
    app: FastAPI = create_app(services, Settings(widgets_dir=None))
    with TestClient(app) as client:
        for name in ("payhub.js", "hosted-fields.js"):
            assert client.get(f"/widgets/v1/{name}").content == (STATIC / name).read_bytes()
