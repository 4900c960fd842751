"""The vault through HTTP: tokens, payments by token and by saved method, routing and fees on a token's summary,
single use, customers kept apart, and the card kept sealed (never in the database in clear)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from payhub.api.app import create_app
from payhub.auth.keys import create_key
from payhub.bootstrap import build_services
from payhub.demo import seed
from payhub.domain.methods import Card
from payhub.domain.payments import IN_FLIGHT
from payhub.gateways.simulator import SimulatorGateway
from payhub.services import Services
from payhub.settings import Settings
from payhub.store.migrate import upgrade
from payhub.store.models import Entity, VaultToken
from payhub.vault import tokens as vault_tokens
from payhub.vault import upkeep
from tests import leak_scan
from tests.conftest import SUITE_LOG, now
from tests.helpers import card, counts, pay_body, usd

AMEX, VISA, DEBIT, DECLINED = "378282246310005", "4242424242424242", "4000056655665556", "4000000000000002"
CONSENT = {"text": "I authorise Demo Supplies to keep this card for my future invoices.", "accepted": True}
MANDATE = {"frequency": "monthly", "amount_range": {"min": usd(100), "max": usd(500_000)},
           "revocation": "Revoke any time at https://pay.example/autopay or by calling 555-0100."}


def card_in(number: str = VISA, cvc: str = "123", exp_year: int = 2031) -> dict[str, Any]:
    return {"card": {"number": number, "exp_month": 12, "exp_year": exp_year, "cvc": cvc}}


def ach_in(routing: str = "110000000", account: str = "000123456789") -> dict[str, Any]:
    return {"ach": {"routing_number": routing, "account_number": account, "account_holder_name": "Ada Acme"}}


def tokenize(c: TestClient, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = c.post("/v1/tokens", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def by_token(token: str) -> dict[str, Any]:
    return {"type": "token", "token": token}


def customer_token(c: TestClient, customer: str = "cus_acme") -> dict[str, str]:
    secret = c.post("/v1/customer_tokens", json={"customer": customer}).json()["token"]
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_shows_a_summary_and_pays_once(client: TestClient, services: Services) -> None:
    token = tokenize(client, card_in(AMEX, cvc="1234"))
    assert token["id"].startswith("tok_") and token["type"] == "card"
    assert token["card"] == {"brand": "amex", "last4": "0005", "exp_month": 12, "exp_year": 2031,
                             "funding": "credit", "country": "US"}
    assert token["used"] is False and token["ach"] is None and AMEX not in str(token)
    paid = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, by_token(token["id"])))
    assert paid.status_code == 201, paid.text
    method = paid.json()["payment_method"]
    assert method["card"]["brand"] == "amex" and method["card"]["last4"] == "0005"
    assert method["token"] == token["id"] and paid.json()["status"] == "captured"
    assert paid.json()["receipt_number"] == paid.json()["id"].upper().replace("_", "-", 1)
    before = counts(services)
    again = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, by_token(token["id"])))
    assert again.status_code == 409 and again.json()["code"] == "token_already_used"
    assert counts(services) == before  # nothing half-written


def test_the_gateway_gets_the_card_the_token_stands_for(client: TestClient, services: Services) -> None:
    """The simulator declines 4000000000000002 by its number: a declined card stays declined through the vault."""
    token = tokenize(client, card_in(DECLINED))
    declined = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, by_token(token["id"])))
    assert declined.status_code == 402 and declined.json()["code"] == "card_declined"
    retry = client.post("/v1/payments", json=pay_body("inv_acme_1001", 5_000, by_token(token["id"])))
    assert retry.status_code == 409  # a token pays (or fails) once; the widget tokenizes again


def test_a_retry_with_the_same_key_resumes_with_its_token(client: TestClient) -> None:
    token = tokenize(client, card_in())
    body, key = pay_body("inv_acme_1001", 5_000, by_token(token["id"])), {"Idempotency-Key": "vault-retry-1"}
    first = client.post("/v1/payments", json=body, headers=key)
    replay = client.post("/v1/payments", json=body, headers=key)
    assert first.status_code == replay.status_code == 201 and replay.json()["id"] == first.json()["id"]


@pytest.mark.parametrize(("body", "field"), [
    (card_in("4242424242424241"), "card.number"),       # Luhn
    (card_in(exp_year=2020), "card.exp_year"),           # expired
    (card_in(AMEX, cvc="123"), "card.cvc"),              # Amex has 4 digits
    (card_in(VISA, cvc="1234"), "card.cvc"),             # the others 3
    (ach_in(routing="123456789"), "ach.routing_number"),  # ABA checksum
    (ach_in(account="12"), "ach.account_number"),
])
def test_bad_cards_and_accounts_are_refused_with_the_field(client: TestClient, services: Services,
                                                          body: dict[str, Any], field: str) -> None:
    response = client.post("/v1/tokens", json=body)
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "card_invalid" and response.json()["errors"][0]["field"] == field
    with services.read() as s:
        assert s.scalars(select(VaultToken)).first() is None


def test_routing_sees_a_token_as_it_sees_the_card_number(admin: TestClient, client: TestClient,
                                                         services: Services) -> None:
    services.gateways = {"simulator": SimulatorGateway(name="simulator"), "amex_acquirer": SimulatorGateway(
        name="amex_acquirer")}
    rules = {"default": ["simulator"], "rules": [
        {"id": "amex", "priority": 1, "when": {"card_brands": ["amex"]}, "gateways": ["amex_acquirer"]},
        {"id": "canada", "priority": 2, "when": {"card_countries": ["CA"]}, "gateways": ["amex_acquirer"]}]}
    assert admin.put("/v1/routing/rules", json=rules).status_code == 200
    raw = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, card(AMEX) | {
        "card": card(AMEX)["card"] | {"cvc": "1234"}})).json()
    vaulted = client.post("/v1/payments", json=pay_body(
        "inv_acme_1001", 1_000, by_token(tokenize(client, card_in(AMEX, cvc="1234"))["id"]))).json()
    test_token = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000,
                                                           {"type": "card", "token": "tok_amex"})).json()
    visa = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, by_token(
        tokenize(client, card_in())["id"]))).json()
    canadian = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, by_token(
        tokenize(client, card_in("4000120000000008"))["id"]))).json()
    assert [(p["gateway"]["name"], p["routing"]["rule"]) for p in (raw, vaulted, test_token, visa, canadian)] == [
        ("amex_acquirer", "amex"), ("amex_acquirer", "amex"), ("amex_acquirer", "amex"), ("simulator", None),
        ("amex_acquirer", "canada")]


def test_fees_see_a_token_as_they_see_the_card_number(admin: TestClient, client: TestClient) -> None:
    policy = {"surcharge": {"percent": "3", "jurisdiction_caps": {}}}
    assert admin.put("/v1/fee_policy", json=policy).status_code == 200
    credit, debit = tokenize(client, card_in()), tokenize(client, card_in(DEBIT))
    quotes = [client.post("/v1/payments/quote", json=pay_body("inv_acme_1001", 10_000, method,
                                                              payer_jurisdiction="US-NY")).json()
              for method in (card(), by_token(credit["id"]), card(DEBIT), by_token(debit["id"]))]
    assert [q["surcharge"]["amount"] for q in quotes] == [300, 300, 0, 0]  # no surcharge on debit, either way
    paid = client.post("/v1/payments", json=pay_body("inv_acme_1001", 10_000, by_token(credit["id"]),
                                                     payer_jurisdiction="US-NY"))
    assert paid.status_code == 201 and paid.json()["amount"] == usd(10_300)  # quoting did not use the token up


def test_a_customer_token_tokenizes_for_its_own_customer_only(client: TestClient, services: Services) -> None:
    acme = customer_token(client, "cus_acme")
    token = tokenize(client, card_in(), **acme)
    assert token["customer"] == "cus_acme"
    assert client.post("/v1/tokens", json={**card_in(), "customer": "cus_globex"}, headers=acme).status_code == 404
    before = counts(services)
    other = client.post("/v1/payments", json=pay_body("inv_globex_2001", 1_000, by_token(token["id"])))
    assert other.status_code == 422 and other.json()["code"] == "customer_mismatch"
    assert counts(services) == before
    paid = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, by_token(token["id"])), headers=acme)
    assert paid.status_code == 201 and paid.json()["channel"] == "widget"


def test_another_entitys_token_does_not_exist(client: TestClient, services: Services) -> None:
    with services.transaction() as s:
        s.add(Entity(id="ent_other", name="Other", default_currency="USD", created_at=now()))
        s.flush()
        foreign = vault_tokens.tokenize(s, services.vault, "ent_other", None, Card(VISA, 12, 2031), now()).id
    response = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, by_token(foreign)))
    assert response.status_code == 404 and response.json()["code"] == "token_not_found"
    assert foreign not in response.text


def test_saved_methods_keep_consent_and_pay_again(client: TestClient, services: Services) -> None:
    acme = customer_token(client)
    token = tokenize(client, card_in(), **acme)
    saved = client.post("/v1/customers/cus_acme/payment_methods", json={"token": token["id"], "consent": CONSENT},
                        headers={**acme, "User-Agent": "Widget-Test/1.0"})
    assert saved.status_code == 201, saved.text
    pm = saved.json()
    assert pm["id"].startswith("pm_") and pm["card"]["last4"] == "4242" and pm["customer"] == "cus_acme"
    assert pm["consent"]["text"] == CONSENT["text"] and pm["consent"]["accepted_at"]
    assert pm["consent"]["user_agent"] == "Widget-Test/1.0" and pm["mandate"] is None
    listed = client.get("/v1/customers/cus_acme/payment_methods", headers=acme).json()["data"]
    assert [m["id"] for m in listed] == [pm["id"]]
    saved_method = {"type": "saved", "payment_method": pm["id"]}
    for amount in (1_000, 2_000):  # a saved method pays more than once
        paid = client.post("/v1/payments", json=pay_body("inv_acme_1001", amount, saved_method), headers=acme)
        assert paid.status_code == 201, paid.text
        assert paid.json()["payment_method"]["payment_method"] == pm["id"]
    # the token itself is the saved method's now: paying with it directly is refused
    direct = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, by_token(token["id"])))
    assert direct.status_code == 409 and direct.json()["code"] == "token_already_used"
    # another customer sees none of it
    globex = customer_token(client, "cus_globex")
    assert client.get("/v1/customers/cus_acme/payment_methods", headers=globex).status_code == 404
    assert client.post("/v1/payments", json=pay_body("inv_globex_2001", 1_000, saved_method)).status_code in (404, 422)
    assert client.delete(f"/v1/customers/cus_globex/payment_methods/{pm['id']}").status_code == 404
    # deleted: gone from the list, no longer pays, its card erased from the vault
    deleted = client.delete(f"/v1/customers/cus_acme/payment_methods/{pm['id']}", headers=acme)
    assert deleted.status_code == 200 and deleted.json() == {"id": pm["id"], "object": "payment_method",
                                                             "deleted": True}
    assert client.get("/v1/customers/cus_acme/payment_methods", headers=acme).json()["data"] == []
    gone = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, saved_method))
    assert gone.status_code == 404 and gone.json()["code"] == "payment_method_not_found"
    with services.read() as s:
        assert s.get(VaultToken, token["id"]).sealed is None  # type: ignore[union-attr]


def test_a_bank_account_is_saved_only_with_a_nacha_web_authorization(client: TestClient) -> None:
    token = tokenize(client, ach_in())
    assert token["ach"] == {"last4": "6789", "routing_number_last4": "0000", "account_type": "checking",
                            "account_holder_name": "Ada Acme"} and "000123456789" not in str(token)
    body = {"token": token["id"], "consent": CONSENT}
    missing = client.post("/v1/customers/cus_acme/payment_methods", json=body)
    assert missing.status_code == 422 and missing.json()["code"] == "consent_required"
    bad_range = {**MANDATE, "amount_range": {"min": usd(500), "max": usd(100)}}
    assert client.post("/v1/customers/cus_acme/payment_methods",
                       json={**body, "mandate": bad_range}).status_code == 422
    saved = client.post("/v1/customers/cus_acme/payment_methods", json={**body, "mandate": MANDATE})
    assert saved.status_code == 201, saved.text
    assert saved.json()["mandate"] == MANDATE and saved.json()["type"] == "ach"
    paid = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, {
        "type": "saved", "payment_method": saved.json()["id"]}))
    assert paid.status_code == 201 and paid.json()["payment_method"]["ach"]["last4"] == "6789"


def test_consent_must_be_given(client: TestClient) -> None:
    token = tokenize(client, card_in())
    for consent in ({"text": "", "accepted": True}, {"text": "ok", "accepted": False},
                    {"text": "  ", "accepted": True}):
        refused = client.post("/v1/customers/cus_acme/payment_methods", json={"token": token["id"],
                                                                               "consent": consent})
        assert refused.status_code == 422, consent


def test_spent_and_expired_tokens_are_erased_from_the_vault(client: TestClient, services: Services) -> None:
    spent, unused = tokenize(client, card_in()), tokenize(client, card_in())
    assert client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, by_token(spent["id"]))).status_code == 201
    in_flight = [s.value for s in IN_FLIGHT]
    assert upkeep.erase_spent(services.sessions, services.clock.now(), in_flight) == 1
    assert upkeep.erase_spent(services.sessions, services.clock.now() + timedelta(minutes=31), in_flight) == 1
    with services.read() as s:
        assert {t.id: t.sealed for t in s.scalars(select(VaultToken))} == {spent["id"]: None, unused["id"]: None}
    expired = client.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, by_token(unused["id"])))
    assert expired.status_code == 422 and expired.json()["code"] == "token_expired"


@pytest.fixture
def file_db(tmp_path: Path) -> Iterator[tuple[Services, FastAPI, Path]]:
    path = tmp_path / "vault.db"
    upgrade(f"sqlite:///{path}")
    svc = build_services(Settings(database_url=f"sqlite:///{path}", secret_key="test-secret"))
    with svc.transaction() as s:
        seed(s, now())
    yield svc, create_app(svc), path
    svc.close()


def test_no_card_or_account_number_is_in_the_database_in_clear(file_db: tuple[Services, FastAPI, Path]) -> None:
    """After payments by token, by saved card and by saved bank account, the SQLite file (and its WAL) and the
    logs written meanwhile hold none of the numbers: the vault holds them sealed."""
    svc, app, path = file_db
    logged_from = SUITE_LOG.stat().st_size if SUITE_LOG.exists() else 0
    with svc.transaction() as s:
        secret = create_key(s, "ent_demo", "payments", now())[1]
    with TestClient(app, headers={"Authorization": f"Bearer {secret}"}) as c:
        for number, cvc in ((VISA, "123"), (AMEX, "1234"), (DEBIT, "123")):
            paid = c.post("/v1/payments", json=pay_body("inv_acme_1001", 1_000, by_token(
                tokenize(c, card_in(number, cvc))["id"])))
            assert paid.status_code == 201, paid.text
        kept = tokenize(c, card_in("5555555555554444"))
        c.post("/v1/customers/cus_acme/payment_methods", json={"token": kept["id"], "consent": CONSENT})
        account = tokenize(c, ach_in(account="000111111116"))
        c.post("/v1/customers/cus_acme/payment_methods", json={"token": account["id"], "consent": CONSENT,
                                                                "mandate": MANDATE})
    svc.close()
    stored = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    assert len(stored) > 10_000
    for secret_number in (VISA, AMEX, DEBIT, "5555555555554444", "000111111116"):
        assert secret_number.encode() not in stored, secret_number
    assert leak_scan.scan_files([path, path.with_name(path.name + "-wal")]) == []
    with SUITE_LOG.open("rb") as log:
        log.seek(logged_from)
        written = log.read()
    assert b'"route": "create_token"' in written and b'"route": "create_payment"' in written  # it did log
    assert leak_scan.scan_bytes(written, "this test's logs") == []
    with svc.read() as s:
        assert all(t.sealed and t.key_id == "derived-v1" for t in s.scalars(select(VaultToken))
                   if t.saved_as is not None)


def test_a_customer_token_tokenizes_only_from_payhubs_own_pages(client: TestClient, admin: TestClient) -> None:
    """The hosted fields are served by PayHub, so their request is same-origin; a host page posting card numbers
    itself (another Origin, even an allowed one) is refused, which keeps card data out of the host's reach and PCI
    scope."""
    assert admin.put("/v1/portal_settings", json={"allowed_origins": ["http://127.0.0.1:8001"]}).status_code == 200
    acme = customer_token(client)
    host = client.post("/v1/tokens", json=card_in(), headers={**acme, "Origin": "http://127.0.0.1:8001"})
    assert host.status_code == 403 and host.json()["code"] == "hosted_fields_required"
    hosted = client.post("/v1/tokens", json=card_in(), headers={**acme, "Origin": "http://testserver"})
    assert hosted.status_code == 201
    keyed = client.post("/v1/tokens", json=card_in(), headers={"Origin": "http://127.0.0.1:8001"})
    assert keyed.status_code == 201  # a server with an API key tokenizes from anywhere
