"""The Tryton half of bench/posting.py: posting a payment through PayHub's connector against calling
Tryton's own pay operation (the `account.invoice.pay` wizard) directly, same server, same run."""

from __future__ import annotations

import base64
import itertools
import statistics
import tempfile
import time
from typing import Any

import httpx

from payhub.domain.ledger import PostingRules, capture_entry
from payhub.domain.money import Money
from payhub.erp.tryton import TrytonEntity, TrytonErp, TrytonMapping
from tests.erp import tryton_fixture

ENTITY = "ent_bench"


class DirectTryton:
    """A bare JSON-RPC client: what an integration calling Tryton itself would do."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.url, self.ids = f"{info['url'].rstrip('/')}/{info['db']}/rpc/", itertools.count(1)
        self.http = httpx.Client(timeout=30)
        user_id, token, _ = self.rpc("common.db.login", [info["user"], {"password": info["password"]}])
        auth = base64.b64encode(f"{info['user']}:{user_id}:{token}".encode()).decode()
        self.http.headers["Authorization"] = f"Session {auth}"
        self.context = self.rpc("model.res.user.get_preferences", [True, {}])

    def rpc(self, method: str, params: list[Any]) -> Any:
        answer = self.http.post(self.url, json={"id": next(self.ids), "method": method, "params": params}).json()
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer["result"]

    def pay(self, invoice: int, amount: str, payment_method: int) -> None:
        ctx = {**self.context, "active_model": "account.invoice", "active_id": invoice, "active_ids": [invoice]}
        session, _, _ = self.rpc("wizard.account.invoice.pay.create", [self.context])
        start = self.rpc("wizard.account.invoice.pay.execute", [session, {}, "start", ctx])
        form = {k: v for k, v in start["view"]["defaults"].items() if "." not in k}
        form.update(amount={"__class__": "Decimal", "decimal": amount}, payment_method=payment_method)
        self.rpc("wizard.account.invoice.pay.execute", [session, {"start": form}, "choice", ctx])
        self.rpc("wizard.account.invoice.pay.delete", [session, self.context])


def run(payments: int) -> None:
    directory = tempfile.mkdtemp(prefix="payhub-bench-tryton-")
    proc, info = tryton_fixture.start(directory)
    try:
        accounts = info["accounts"]
        mapping = TrytonMapping(entities={ENTITY: TrytonEntity(
            company=info["company"], payment_method=info["payment_method"],
            accounts={"1150": accounts["clearing"]["id"], "1200": accounts["receivable"]["id"],
                      "2150": accounts["customer_credit"]["id"]})})
        erp = TrytonErp(info["url"], info["db"], info["user"], info["password"], mapping, timeout=30)
        direct = DirectTryton(info)

        def fresh_invoice() -> int:
            template = info["invoices"]["small"]["id"]
            (new_id,) = direct.rpc("model.account.invoice.copy", [[template], {}, direct.context])
            direct.rpc("model.account.invoice.post", [[new_id], direct.context])
            return int(new_id)

        customer = f"cus_{info['parties']['acme']}"
        direct_ms, payhub_ms = [], []
        for i in range(payments + 2):  # the first two of each warm up
            a, b = fresh_invoice(), fresh_invoice()
            t = time.perf_counter()
            direct.pay(a, "250.00", info["payment_method"])
            direct_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            entry = capture_entry(PostingRules(), customer, [(f"inv_{b}", Money(25_000, "USD"))])
            erp.post(ENTITY, entry, f"bench-{i}")
            payhub_ms.append((time.perf_counter() - t) * 1000)
        direct_p50, payhub_p50 = statistics.median(direct_ms[2:]), statistics.median(payhub_ms[2:])
        print(f"tryton direct pay wizard p50 ms: {direct_p50:.1f}")
        print(f"tryton PayHub posting p50 ms: {payhub_p50:.1f}")
        print(f"tryton posting ratio: {payhub_p50 / direct_p50:.2f}   (target ≤ 2.0)")
        erp.close()
    finally:
        tryton_fixture.stop(proc)
