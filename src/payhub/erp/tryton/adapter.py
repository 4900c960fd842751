"""The Tryton connector: PayHub's `Erp` port over Tryton's JSON-RPC HTTP interface (trytond 8.2).

Invoices are read live. Postings are recorded the way Tryton records them:
- cash applied to an invoice: Tryton's own pay wizard (`account.invoice.pay`), so the invoice's amount to
  pay drops, and it becomes "paid" with its receivable lines reconciled once settled;
- a refund against an invoice: a posted move Dr receivable (invoice party) / Cr clearing, attached to the
  invoice as an "additional move" (as Tryton's reschedule and delegate wizards do), so its receivable line
  becomes a line to pay again; a paid invoice goes back to "posted" (customer invoices only accept credit
  lines as payment lines, so a debit cannot be added there). A lost chargeback that reopens the invoice is
  booked the same way, its credit on chargebacks receivable instead of clearing;
- everything else (unapplied cash, customer credit used or refunded, settlement batches, chargebacks opened,
  won or written off, reconciliation write-offs): one posted move of the same lines.
Every move carries the posting's reference key as its description, which makes posting idempotent.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import httpx

from payhub.domain.errors import CustomerNotFound, ErpError, ErpRejected, InvoiceNotFound
from payhub.domain.invoices import Customer, Invoice, PostingReceipt
from payhub.domain.ledger import JournalEntry
from payhub.erp.tryton.config import TrytonEntity, TrytonMapping
from payhub.erp.tryton.rpc import TrytonRpc
from payhub.erp.tryton.transformers import INVOICE_FIELDS, Part, invoice, plan, precheck, receipt
from payhub.ports import FIND_POSTING, SEARCH_CUSTOMERS, rank_customers


class TrytonErp:
    """Implements ports.Erp on a Tryton server, through one JSON-RPC session (`rpc.TrytonRpc`). Thread-safe."""

    name = "tryton"
    capabilities = frozenset({FIND_POSTING, SEARCH_CUSTOMERS})

    def __init__(self, url: str, database: str, user: str, password: str,
                 mapping: TrytonMapping | Mapping[str, Any], *, timeout: float = 10.0,
                 connect_timeout: float = 3.0, transport: httpx.BaseTransport | None = None) -> None:
        self.mapping = mapping if isinstance(mapping, TrytonMapping) else TrytonMapping.from_dict(mapping)
        self.session = TrytonRpc(url, database, user, password, timeout=timeout, connect_timeout=connect_timeout,
                                 transport=transport)
        self._setup: dict[str, dict[str, Any]] = {}  # per entity: static Tryton configuration read once

    def close(self) -> None:
        self.session.close()

    def call(self, method: str, *params: Any, company: int | None = None) -> Any:
        """Call a model/wizard method with the user's context (for `company`, if given) as last parameter."""
        return self.session.call(method, *params, company=company)

    # --- reads (live, never cached) ---
    def get_customer(self, entity_id: str, customer_id: str) -> Customer:
        entity = self.mapping.entities.get(entity_id)
        party = self.mapping.party_id(customer_id)
        if entity is None or party is None:
            raise CustomerNotFound(f"No customer {customer_id}")
        rows = self.call("model.party.party.search_read", [("id", "=", party)], 0, 1, None, ["name", "email"],
                         company=entity.company)
        if not rows:
            raise CustomerNotFound(f"No customer {customer_id}")
        return Customer(customer_id, entity_id, rows[0]["name"], rows[0].get("email") or None)

    def search_customers(self, entity_id: str, query: str, limit: int) -> list[Customer]:
        """Parties by name or code (Tryton's party number), or by PayHub customer id; `ilike` with the query's
        own `%`, `_` and `\\` escaped, so it is taken literally."""
        entity = self.mapping.entities.get(entity_id)
        q = query.strip()
        if entity is None:
            return []
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        domain: list[Any] = ["OR", ("name", "ilike", pattern), ("code", "ilike", pattern)] if q else []
        party = self.mapping.party_id(q)
        if party is not None:
            domain.append(("id", "=", party))
        rows = self.call("model.party.party.search_read", domain, 0, limit + 1 if party else limit,
                         [["name", "ASC"], ["id", "ASC"]], ["name", "email", "code"], company=entity.company)
        found = {self.mapping.customer_id(r["id"]): r for r in rows}
        customers = [Customer(cid, entity_id, r["name"], r.get("email") or None) for cid, r in found.items()]
        return rank_customers(customers, q, limit, {cid: r.get("code") or "" for cid, r in found.items()})

    def get_invoice(self, entity_id: str, invoice_id: str) -> Invoice:
        entity = self.mapping.entities.get(entity_id)
        tryton_id = self.mapping.tryton_invoice_id(invoice_id)
        if entity is None or tryton_id is None:
            raise InvoiceNotFound(f"No invoice {invoice_id}")
        rows = self._search_invoices(entity, [("id", "=", tryton_id)])
        if not rows:
            raise InvoiceNotFound(f"No invoice {invoice_id}")
        return invoice(self.mapping, entity_id, rows[0])

    def list_open_invoices(self, entity_id: str, customer_id: str) -> list[Invoice]:
        entity = self.mapping.entities.get(entity_id)
        party = self.mapping.party_id(customer_id)
        if entity is None or party is None:
            return []
        rows = self._search_invoices(entity, [("party", "=", party), ("state", "=", "posted")])
        invoices = [i for i in (invoice(self.mapping, entity_id, row) for row in rows) if i.is_open]
        return sorted(invoices, key=lambda i: (i.due_on, i.number))

    def _search_invoices(self, entity: TrytonEntity, domain: list[Any]) -> list[dict[str, Any]]:
        domain = [*domain, ("type", "=", "out"), ("company", "=", entity.company)]
        rows: list[dict[str, Any]] = self.call("model.account.invoice.search_read", domain, 0, None, None,
                                               INVOICE_FIELDS, company=entity.company)
        return rows

    # --- posting ---
    def post(self, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt:
        entity = self.mapping.entities.get(entity_id)
        if entity is None:
            raise ErpRejected(f"Entity {entity_id} is not mapped to a Tryton company")
        setup = self._entity_setup(entity_id, entity)
        parts = plan(self.mapping, entity, setup, entry)
        invoices = self._posting_invoices(entity, entry, parts)
        done = self._moves(entity, reference_key)
        if not done and len(parts) > 1:
            precheck(parts, invoices)  # several steps: refuse before the first rather than half-post
        for part in parts:
            mine = [m for m in done if m["origin"] == part.origin]
            if part.kind == "pay":
                if not mine:  # the wizard creates and posts its move in one transaction
                    self._pay(entity, part, reference_key)
            elif part.kind == "reopen":
                assert part.invoice is not None
                self._reopen(entity, setup, part, invoices[part.invoice], reference_key, mine)
            else:
                self._move(entity, setup, part, reference_key, mine)
        moves = self._moves(entity, reference_key)
        if not moves:
            raise ErpError(f"Tryton has no move for {reference_key} after posting")
        return receipt(moves)

    def find_posting(self, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt | None:
        """Tryton has the posting when every step of it has a posted move carrying the reference key. A
        half-done posting (one invoice paid, the next not) is not had: PayHub keeps holding it, and its retry
        completes it (each step is skipped when its move exists)."""
        entity = self.mapping.entities.get(entity_id)
        if entity is None:
            return None
        parts = plan(self.mapping, entity, self._entity_setup(entity_id, entity), entry)
        moves = self._moves(entity, reference_key)
        for part in parts:
            mine = [m for m in moves if m["origin"] == part.origin]
            if not mine or any(m["state"] == "draft" for m in mine):
                return None
        return receipt(moves) if moves else None

    def _posting_invoices(self, entity: TrytonEntity, entry: JournalEntry,
                          parts: list[Part]) -> dict[int, dict[str, Any]]:
        """The entity's customer invoices the entry names, checked against the entry's receivable account."""
        ids = [p.invoice for p in parts if p.invoice is not None]
        if not ids:
            return {}
        rows = {r["id"]: r for r in self.call(
            "model.account.invoice.search_read", [("id", "in", ids), ("type", "=", "out"),
                                                  ("company", "=", entity.company)],
            0, None, None, ["number", "state", "amount_to_pay", "account", "party", "additional_moves",
                            "currency.code"], company=entity.company)}
        for line in entry.lines:
            tryton_id = self.mapping.tryton_invoice_id(line.invoice_id) if line.invoice_id else None
            if tryton_id is None:
                continue
            if tryton_id not in rows:
                raise ErpRejected(f"Posting names unknown invoice {line.invoice_id}")
            row = rows[tryton_id]
            if row["account"] != entity.accounts[line.account]:
                raise ErpRejected(f"Invoice {row['number']} is not on account {line.account}")
            if row["currency."]["code"] != line.currency:
                raise ErpRejected(f"Invoice {row['number']} is in {row['currency.']['code']}, not {line.currency}")
        return rows

    def _pay(self, entity: TrytonEntity, part: Part, key: str) -> None:
        """Tryton's pay wizard: start (defaults) → choice → ask (partial) → pay; always deleted."""
        context = {**self.session.company_context(entity.company), "active_model": "account.invoice",
                   "active_id": part.invoice, "active_ids": [part.invoice]}
        wizard, _, _ = self.call("wizard.account.invoice.pay.create", company=entity.company)
        try:
            start = self.session.rpc("wizard.account.invoice.pay.execute", [wizard, {}, "start", context])
            form = {k: v for k, v in start["view"]["defaults"].items() if "." not in k}  # send all defaults back
            form.update(amount=part.amount, payment_method=entity.payment_method, description=key)
            answer = self.session.rpc("wizard.account.invoice.pay.execute",
                                      [wizard, {"start": form}, "choice", context])
            view = answer.get("view") if isinstance(answer, dict) else None
            if view and view.get("state") == "ask":  # not an exact match of open lines: a partial payment
                ask = {k: v for k, v in view["defaults"].items() if "." not in k}
                ask["type"] = "partial"
                self.session.rpc("wizard.account.invoice.pay.execute",
                          [wizard, {"start": form, "ask": ask}, "pay", context])
        finally:
            try:
                self.call("wizard.account.invoice.pay.delete", wizard, company=entity.company)
            except ErpError:
                pass  # an abandoned wizard session is harmless; the payment outcome is what matters

    def _reopen(self, entity: TrytonEntity, setup: dict[str, Any], part: Part, invoice: dict[str, Any],
                key: str, mine: list[dict[str, Any]]) -> None:
        """Refund (or lost chargeback) on an invoice: Dr receivable / Cr the part's credits (clearing for a
        refund), as an additional move of the invoice."""
        if not mine:
            if invoice["state"] not in ("posted", "paid"):
                raise ErpRejected(f"Cannot refund on invoice in state {invoice['state']}")
            today = self.call("model.ir.date.today", company=entity.company)
            move = {"journal": setup["journal"], "company": entity.company, "description": key,
                    "origin": part.origin, "lines": [["create", [
                        {"account": invoice["account"], "party": invoice["party"], "debit": part.amount,
                         "credit": Decimal(0), "maturity_date": today, "description": key},
                        *({**line, "description": key} for line in part.lines)]]]}
            # created and linked in one transaction, so a retry finds it
            self.call("model.account.invoice.write", [part.invoice], {"additional_moves": [["create", [move]]]},
                      company=entity.company)
            mine = [m for m in self._moves(entity, key) if m["origin"] == part.origin]
        elif not {m["id"] for m in mine} <= set(invoice["additional_moves"]):
            self.call("model.account.invoice.write", [part.invoice],
                      {"additional_moves": [["add", [m["id"] for m in mine]]]}, company=entity.company)
        self._post_drafts(entity, mine)
        if invoice["state"] == "paid":  # its lines to pay are no longer all reconciled: back to posted
            self.call("model.account.invoice.process", [part.invoice], company=entity.company)

    def _move(self, entity: TrytonEntity, setup: dict[str, Any], part: Part, key: str,
              mine: list[dict[str, Any]]) -> None:
        if not mine:
            lines = [{**line, "description": key} for line in part.lines]
            ids = self.call("model.account.move.create", [{
                "journal": setup["journal"], "company": entity.company, "description": key,
                "lines": [["create", lines]]}], company=entity.company)
            mine = [{"id": i, "state": "draft"} for i in ids]
        self._post_drafts(entity, mine)

    def _post_drafts(self, entity: TrytonEntity, moves: list[dict[str, Any]]) -> None:
        drafts = [m["id"] for m in moves if m["state"] == "draft"]
        if drafts:
            self.call("model.account.move.post", drafts, company=entity.company)

    def _moves(self, entity: TrytonEntity, key: str) -> list[dict[str, Any]]:
        """The moves already recorded for a reference key (the idempotency check)."""
        rows: list[dict[str, Any]] = self.call(
            "model.account.move.search_read", [("description", "=", key), ("company", "=", entity.company)],
            0, None, [("id", "ASC")], ["origin", "state", "create_date"], company=entity.company)
        return rows

    def _entity_setup(self, entity_id: str, entity: TrytonEntity) -> dict[str, Any]:
        """Static configuration (currency, journal, accounts); read once, checked against the mapping."""
        if entity_id in self._setup:
            return self._setup[entity_id]
        company = self._read_one("company.company", entity.company, ["currency.code"], entity)
        method = self._read_one("account.invoice.payment.method", entity.payment_method,
                                ["journal", "debit_account", "credit_account", "company"], entity)
        clearing = entity.accounts.get(entity.clearing_account)
        if method["company"] != entity.company or clearing != method["debit_account"] \
                or clearing != method["credit_account"]:
            raise ErpRejected(f"Payment method {entity.payment_method} must book to the clearing account "
                              f"{entity.clearing_account} of company {entity.company}")
        accounts = self.call("model.account.account.read", list(set(entity.accounts.values())),
                             ["party_required"], company=entity.company)
        setup = {"currency": company["currency."]["code"], "journal": method["journal"], "clearing": clearing,
                 "party_required": {a["id"]: a["party_required"] for a in accounts}}
        self._setup[entity_id] = setup
        return setup

    def _read_one(self, model: str, record: int | None, fields: list[str], entity: TrytonEntity) -> dict[str, Any]:
        rows = self.call(f"model.{model}.read", [record], fields, company=entity.company)
        return dict(rows[0])
