"""The web layer through HTTP: the app over the demo data, serving placeholder widget scripts from a temporary
directory (PAYHUB_WIDGETS_DIR), so these tests prove how scripts are served whatever the build holds."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from payhub.api.app import create_app
from payhub.services import Services
from payhub.settings import Settings

HOST = "http://127.0.0.1:8001"  # the allow-listed host page's origin
OTHER = "https://portal.other.example"  # another entity's host
FOREIGN = "https://evil.example"  # nobody's
PLACEHOLDERS = {"payhub.js": "export const widgets = 'placeholder';\n",
                "hosted-fields.js": "document.documentElement.dataset.placeholder = 'hosted';\n"}


@pytest.fixture
def widgets_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "widgets"
    directory.mkdir()
    for name, text in PLACEHOLDERS.items():
        (directory / name).write_text(text)
    return directory


@pytest.fixture
def app(services: Services, widgets_dir: Path) -> FastAPI:
    return create_app(services, Settings(widgets_dir=str(widgets_dir)))


@pytest.fixture
def browser(app: FastAPI) -> Iterator[TestClient]:
    """A client without a key, as a browser loading pages and scripts."""
    with TestClient(app) as c:
        yield c


@pytest.fixture
def token_in_urls() -> Iterator[None]:
    """The test client (httpx) logs every URL it requests; an /embed URL holds a customer token, which the suite's
    leak scan rightly refuses to find in a log. PayHub's own access log never has the query string."""
    httpx_log = logging.getLogger("httpx")
    level = httpx_log.level
    httpx_log.setLevel(logging.WARNING)
    yield
    httpx_log.setLevel(level)


@pytest.fixture
def allow_host(admin: TestClient) -> list[str]:
    saved = admin.put("/v1/portal_settings", json={"allowed_origins": [HOST]})
    assert saved.status_code == 200, saved.text
    return saved.json()["allowed_origins"]  # type: ignore[no-any-return]


def customer_token(client: TestClient, customer: str = "cus_acme", **body: Any) -> str:
    response = client.post("/v1/customer_tokens", json={"customer": customer, **body})
    assert response.status_code == 201, response.text
    return response.json()["token"]  # type: ignore[no-any-return]


def csp(response: Any) -> dict[str, list[str]]:
    """The Content-Security-Policy header as directive → sources."""
    out = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def script_integrity(page: str, src: str) -> str:
    found = re.search(rf'<script type="module" src="{re.escape(src)}" integrity="([^"]+)" crossorigin="anonymous">',
                      page)
    assert found, f"no <script src={src} integrity crossorigin> in the page"
    return found[1]
