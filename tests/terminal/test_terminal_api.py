"""The terminal's credential through the public API: payments it takes carry channel `terminal` and the staff user
and land in the audit trail; refunds and voids are refused by the API unless the staff user's role is
`terminal_refund`; an ACH debit by phone needs the TEL authorization read; customer search by name or number."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.helpers import ach, pay_body

Staff = Callable[..., dict[str, Any]]
Key = Callable[[str], str]


class Clerk(TestClient):
    staff_user: str = ""


@pytest.fixture
def clerk(app: FastAPI, staff: Staff, terminal_key: Key) -> Iterator[Callable[[str], Clerk]]:
    clients: list[Clerk] = []

    def make(role: str) -> Clerk:
        user = staff(role)
        c = Clerk(app, headers={"Authorization": f"Bearer {terminal_key(str(user['id']))}"})
        c.__enter__()
        c.staff_user = str(user["id"])
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def clerks(clerk: Callable[[str], Clerk]) -> tuple[Clerk, Clerk]:
    return clerk("terminal"), clerk("terminal_refund")


def test_terminal_payment_carries_channel_staff_user_and_level2(clerks: tuple[Clerk, Clerk],
                                                               admin: TestClient) -> None:
    taker, _ = clerks
    r = taker.post("/v1/payments", json=pay_body("inv_acme_1001", 10_000, customer_po="PO-7788",
                                                 tax_amount={"amount": 825, "currency": "USD"}),
                   headers={"Idempotency-Key": "t-1"})
    assert r.status_code == 201, r.text
    payment = r.json()
    assert payment["channel"] == "terminal" and payment["status"] == "captured"
    assert payment["metadata"]["staff_user"] == taker.staff_user
    assert payment["level3"]["customer_po"] == "PO-7788"
    assert payment["level3"]["tax_amount"] == {"amount": 825, "currency": "USD"}
    audit = admin.get("/v1/audit_events").json()["data"]
    mine = [a for a in audit if a["action"] == "terminal.payment_created"]
    assert mine and mine[0]["target"] == f"payment:{payment['id']}"
    assert mine[0]["staff_user"] == taker.staff_user
    assert mine[0]["after"]["customer_po"] == "PO-7788"


def test_refund_and_void_need_the_refund_role(clerks: tuple[Clerk, Clerk], admin: TestClient) -> None:
    taker, refunder = clerks
    paid = taker.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    refused = taker.post("/v1/refunds", json={"payment": paid["id"]})
    assert refused.status_code == 403 and refused.json()["code"] == "staff_role_forbidden"
    held = taker.post("/v1/payments", json=pay_body("inv_acme_1002", 5_000, capture_method="manual")).json()
    void = taker.post(f"/v1/payments/{held['id']}/void")
    assert void.status_code == 403 and void.json()["code"] == "staff_role_forbidden"

    ok = refunder.post("/v1/refunds", json={"payment": paid["id"], "reason": "customer called"})
    assert ok.status_code == 201, ok.text
    assert refunder.post(f"/v1/payments/{held['id']}/void").json()["status"] == "voided"
    actions = {a["action"]: a for a in admin.get("/v1/audit_events").json()["data"]}
    assert actions["terminal.refund_created"]["staff_user"] == refunder.staff_user
    assert actions["terminal.payment_voided"]["target"] == f"payment:{held['id']}"


def test_an_ordinary_payments_key_still_refunds(client: TestClient) -> None:
    paid = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000)).json()
    assert paid["channel"] == "api"
    assert client.post("/v1/refunds", json={"payment": paid["id"]}).status_code == 201


def test_ach_by_phone_needs_the_tel_authorization(clerks: tuple[Clerk, Clerk]) -> None:
    taker, _ = clerks
    r = taker.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, method=ach()))
    assert r.status_code == 422 and r.json()["code"] == "tel_authorization_required"
    assert r.json()["errors"][0]["field"] == "metadata.tel_authorization"
    ok = taker.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, method=ach(),
                                                  metadata={"tel_authorization": "read", "tel_script": "v1"}))
    assert ok.status_code == 201, ok.text
    assert ok.json()["metadata"]["tel_authorization"] == "read"


@pytest.mark.parametrize(("query", "first"), [("acme", "cus_acme"), ("GLOBEX", "cus_globex"),
                                               ("cus_initech", "cus_initech"), ("inc", "cus_initech")])
def test_customer_search_by_name_or_number(client: TestClient, query: str, first: str) -> None:
    r = client.get("/v1/customer_search", params={"q": query})
    assert r.status_code == 200, r.text
    assert r.json()["data"][0]["id"] == first
    assert r.json()["data"][0]["object"] == "customer"


def test_customer_search_takes_the_query_literally(client: TestClient) -> None:
    assert client.get("/v1/customer_search", params={"q": "%"}).json()["data"] == []
    assert client.get("/v1/customer_search", params={"q": "e_"}).json()["data"] == []  # a wildcard: "er", "ex"
    assert [c["id"] for c in client.get("/v1/customer_search", params={"q": "s_g"}).json()["data"]] == ["cus_globex"]
    everyone = client.get("/v1/customer_search").json()["data"]
    assert [c["name"] for c in everyone] == sorted(c["name"] for c in everyone) and len(everyone) == 3
    assert client.get("/v1/customer_search", params={"q": "x" * 101}).status_code == 422
