"""TrytonErp's transport and error mapping, on a scripted HTTP transport (no trytond needed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from payhub.domain.errors import ErpError, ErpRejected, ErpUnavailable
from payhub.erp.tryton import TrytonEntity, TrytonErp, TrytonMapping

MAPPING = TrytonMapping(entities={"ent_1": TrytonEntity(company=1, accounts={"1150": 10}, payment_method=1)})
Handler = Callable[[str, list[Any]], httpx.Response]


def rpc_ok(result: Any) -> httpx.Response:
    return httpx.Response(200, json={"id": 1, "result": result})


def client(handler: Handler) -> tuple[TrytonErp, list[tuple[str, list[Any], str | None]]]:
    """A TrytonErp whose server logs in fine and answers other methods with `handler`."""
    seen: list[tuple[str, list[Any], str | None]] = []

    def transport(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append((body["method"], body["params"], request.headers.get("Authorization")))
        if body["method"] == "common.db.login":
            return rpc_ok([7, f"token{len(seen)}", None])
        if body["method"] == "model.res.user.get_preferences":
            return rpc_ok({"company": 1, "language": "en"})
        return handler(body["method"], body["params"])

    return TrytonErp("http://tryton.test/", "db", "admin", "pw", MAPPING,
                     transport=httpx.MockTransport(transport)), seen


def test_session_header_context_and_encoding() -> None:
    erp, seen = client(lambda method, params: rpc_ok(
        {"d": {"__class__": "Decimal", "decimal": "999.90"}, "on": {"__class__": "date", "year": 2026,
                                                                    "month": 1, "day": 31}, "f": 1.5}))
    result = erp.call("model.x.read", Decimal("1.10"), date(2026, 2, 3), company=1)
    assert result == {"d": Decimal("999.90"), "on": date(2026, 1, 31), "f": Decimal("1.5")}  # never float
    _, params, auth = seen[-1]
    assert params[:2] == [{"__class__": "Decimal", "decimal": "1.10"},
                          {"__class__": "date", "year": 2026, "month": 2, "day": 3}]
    assert params[-1] == {"company": 1, "companies": [1], "language": "en"}
    assert auth == "Session YWRtaW46Nzp0b2tlbjE="  # base64("admin:7:token1")


def test_401_logs_in_again_once_then_gives_up() -> None:
    calls = {"n": 0}

    def handler(method: str, params: list[Any]) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(401) if calls["n"] == 1 else rpc_ok([])

    erp, seen = client(handler)
    assert erp.call("model.x.search", [], company=1) == []
    assert [m for m, _, _ in seen].count("common.db.login") == 2

    always, seen = client(lambda method, params: httpx.Response(401))
    with pytest.raises(ErpUnavailable, match="after logging in again"):
        always.call("model.x.search", [], company=1)


@pytest.mark.parametrize("answer, error, text", [
    (httpx.Response(500, text="boom"), ErpUnavailable, "HTTP 500"),
    (httpx.Response(503), ErpUnavailable, "HTTP 503"),
    (httpx.Response(429), ErpUnavailable, "HTTP 429"),
    (httpx.Response(404), ErpError, "HTTP 404"),
    (httpx.Response(200, text="<html>"), ErpUnavailable, "unreadable"),
    (httpx.Response(200, json={"id": 1, "error": ["UserError", ["The period is closed.", "Reopen it.", None]]}),
     ErpRejected, "The period is closed. Reopen it."),
    (httpx.Response(200, json={"id": 1, "error": ["UserWarning", ["key", "Are you sure?", ""]]}),
     ErpRejected, "Are you sure"),
    (httpx.Response(200, json={"id": 1, "error": ["ConcurrencyException", "Record modified"]}),
     ErpUnavailable, "ConcurrencyException"),
    (httpx.Response(200, json={"id": 1, "error": ["KeyError: 'x'", "Traceback ..."]}),
     ErpUnavailable, "server error"),
])
def test_errors_map_to_domain_errors(answer: httpx.Response, error: type[Exception], text: str) -> None:
    erp, _ = client(lambda method, params: answer)
    with pytest.raises(error, match=text) as caught:
        erp.call("model.x.read", [1], [], company=1)
    assert type(caught.value) is error


@pytest.mark.parametrize("exc", [httpx.ReadTimeout("slow"), httpx.ConnectError("refused"),
                                 httpx.RemoteProtocolError("eof")])
def test_transport_failures_are_unavailable(exc: Exception) -> None:
    def handler(method: str, params: list[Any]) -> httpx.Response:
        raise exc

    erp, _ = client(handler)
    with pytest.raises(ErpUnavailable) as caught:
        erp.call("model.x.read", [1], [], company=1)
    assert caught.value.retryable


def test_mapping_from_settings_and_ids() -> None:
    mapping = TrytonMapping.from_dict({
        "entities": {"ent_1": {"company": 1, "accounts": {"1150": 136, "1200": 39, "2150": 137},
                               "payment_method": 1}},
        "customers": {"cus_acme": 2}})
    assert mapping.entities["ent_1"].accounts["1200"] == 39
    assert mapping.party_id("cus_acme") == 2 and mapping.customer_id(2) == "cus_acme"
    assert mapping.party_id("cus_5") == 5 and mapping.customer_id(5) == "cus_5"
    assert mapping.party_id("cus_x") is None and mapping.party_id("cus_-1") is None
    assert mapping.tryton_invoice_id("inv_12") == 12 and mapping.invoice_id(12) == "inv_12"
    assert mapping.tryton_invoice_id("inv_") is None and mapping.tryton_invoice_id("12") is None
