"""The customer portal through HTTP: the app over the demo data with the portal enabled and branded, a real SMTP
sink (payhub.mail.MailSink on a free port) receiving its email, and helpers to sign in and pay."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from payhub.api.app import create_app
from payhub.auth.keys import create_key
from payhub.demo import DEMO_ENTITY
from payhub.erp.embedded import create_customer, create_invoice
from payhub.mail import Mailer, MailSink
from payhub.services import Services
from payhub.settings import Settings
from payhub.store import repo

BASE = "https://portal.test"  # https: the cookies are Secure
XSS = "<script>alert('owned')</script>"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = re.compile(r'token="(pht_[^"]+)"')


@dataclass
class Portal:
    client: TestClient
    services: Services
    sink: MailSink
    mailer: Mailer
    admin_key: str
    invite: str  # cus_acme's invitation token

    @property
    def url(self) -> str:
        return f"/portal/{DEMO_ENTITY}"

    def csrf(self, path: str) -> str:
        page = self.client.get(path)
        found = CSRF.search(page.text)
        assert found, page.text
        return found.group(1)

    def last_link(self) -> str:
        self.mailer.flush()
        found = re.search(r"https?://\S+/login\?code=\S+", self.sink.messages()[-1].get_content())
        assert found
        return found.group(0)

    def sign_in_by_link(self, email: str = "ap@acme.example") -> None:
        reply = self.client.post(f"{self.url}/signin/link",
                                 data={"email": email, "csrf_token": self.csrf(f"{self.url}/signin")})
        assert reply.status_code == 200
        link = self.last_link()
        path, _, code = link.replace(BASE, "").partition("?code=")
        used = self.client.post(path, data={"code": code, "csrf_token": self.csrf(path)}, follow_redirects=False)
        assert used.status_code == 303, used.text

    def token(self) -> str:
        found = TOKEN.search(self.client.get(self.url).text)
        assert found
        return found.group(1)

    def pay(self, token: str, allocations: list[tuple[str, int]], card: str = "4242424242424242") -> dict[str, Any]:
        api = TestClient(self.client.app, base_url=BASE, headers={"Authorization": f"Bearer {token}"})
        tok = api.post("/v1/tokens", json={"card": {"number": card, "exp_month": 12, "exp_year": 2031,
                                                    "cvc": "123"}}, headers={"Idempotency-Key": str(uuid.uuid4())})
        assert tok.status_code == 201, tok.text
        paid = api.post("/v1/payments", headers={"Idempotency-Key": str(uuid.uuid4())}, json={
            "allocations": [{"invoice": i, "amount": {"amount": a, "currency": "USD"}} for i, a in allocations],
            "payment_method": {"type": "token", "token": tok.json()["id"]}})
        assert paid.status_code == 201, paid.text
        return dict(paid.json())


@pytest.fixture
def portal(services: Services, tmp_path: Path) -> Iterator[Portal]:
    now = datetime.now(UTC)
    with services.transaction() as s:
        admin_key = create_key(s, DEMO_ENTITY, "admin", now, name="portal tests")[1]
        entity = repo.get_entity(s, DEMO_ENTITY)
        entity.branding = {"name": "Demo Supply Co.", "primary_color": "#0f766e",
                           "logo_url": "https://cdn.example.com/logo.png"}
        create_customer(s, DEMO_ENTITY, "cus_xss", XSS, "xss@example.com")
        create_invoice(s, company_id=DEMO_ENTITY, customer_id="cus_xss", invoice_id="inv_xss_1", number=XSS,
                       currency="USD", lines=[("Widget", 1, 10_000)], terms="Net 30", issued_on=date.today(),
                       due_on=date.today())
    sink = MailSink(tmp_path / "mail").start()
    app = create_app(services, Settings(smtp_url=sink.url))
    mailer = app.state.mailer
    client = TestClient(app, base_url=BASE)
    admin = {"Authorization": f"Bearer {admin_key}"}
    put = client.put("/v1/portal_settings", headers=admin,
                     json={"enabled": True, "support_email": "ar@demo.example", "allow_autopay": True})
    assert put.status_code == 200, put.text
    invites = {}
    for customer, email in (("cus_acme", "ap@acme.example"), ("cus_globex", "payables@globex.example"),
                            ("cus_xss", "xss@example.com")):
        made = client.post("/v1/customers", headers={**admin, "Idempotency-Key": str(uuid.uuid4())},
                           json={"erp_customer": customer, "email": email, "portal_access": True})
        assert made.status_code == 201, made.text
        invites[customer] = made.json()["portal_invite"]["token"]
    try:
        yield Portal(client, services, sink, mailer, admin_key, invites["cus_acme"])
    finally:
        mailer.close()
        sink.stop()
