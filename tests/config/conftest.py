"""Fixtures for configuration as code: a two-entity file, an extension to enable, the config router."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete

from payhub.api.v1 import config as config_api
from payhub.auth.keys import create_key
from payhub.extensions import registry
from payhub.extensions.api import Extension
from payhub.services import Services
from payhub.store.db import Base
from tests.conftest import now

EXTENSION = "cfg_test_ext"

# Line numbers matter: tests assert on them.
DOC = """\
version: 1
defaults:
  default_currency: USD
  gateway: simulator
  fee_policy:
    convenience_fees:
      - priority: 10
        methods: [card]
        currency: USD
        percent: "2.5"
        minimum: 195
  webhook_endpoints:
    erp:
      url: https://erp.example.com/payhub
      event_types: [payment.completed, payment.refunded]
entities:
  ent_demo:
    name: Demo Supplies Co.
    extensions:
      cfg_test_ext: {enabled: true, pinned_version: "1.0.0"}
  ent_acme:
    name: Acme Builders
    posting_rules:
      gateway_clearing: "1160"
    routing:
      default: [simulator]
      rules:
        - id: big
          priority: 1
          when: {amount_min: 100000}
          gateways: [simulator]
    webhook_endpoints:
      ops:
        url: https://ops.acme.example/hooks
        description: Ops alerts
        event_types: ["*"]
"""


@pytest.fixture(autouse=True)
def extension() -> Iterator[str]:
    for version in ("1.0.0", "1.1.0"):
        registry.register(Extension(name=EXTENSION, version=version, hook_api=1, hooks={}))
    yield EXTENSION
    registry.unregister(EXTENSION)


def mount(app: FastAPI) -> FastAPI:
    """The config router, unless app.py registers it already."""
    if not any(getattr(r, "path", "") == "/v1/config/plan" for r in app.routes):
        app.include_router(config_api.router, prefix="/v1")
    return app


@pytest.fixture
def admin(app: FastAPI, keys: dict[str, str]) -> Iterator[TestClient]:
    with TestClient(mount(app), headers={"Authorization": f"Bearer {keys['admin']}"}) as client:
        yield client


def wipe(svc: Services) -> None:
    """Empty every table: a fresh install, on the same database (SQLite or PostgreSQL)."""
    with svc.transaction() as s:
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(delete(table))


@pytest.fixture
def platform(app: FastAPI, services: Services) -> Iterator[TestClient]:
    """A platform admin key's client, without PayHub-Entity: it configures every entity."""
    with services.transaction() as s:
        _, secret = create_key(s, None, "admin", now(), name="platform")
    with TestClient(mount(app), headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client


def entity_admin(app: FastAPI, services: Services, entity_id: str) -> TestClient:
    """A client with a new admin key of `entity_id` (use it as a context manager)."""
    with services.transaction() as s:
        _, secret = create_key(s, entity_id, "admin", now())
    return TestClient(mount(app), headers={"Authorization": f"Bearer {secret}"})
