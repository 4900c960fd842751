"""The Tryton connector: PayHub's `Erp` port over Tryton's JSON-RPC HTTP interface (trytond 8.2).

Invoices are read live. Postings are recorded the way Tryton records them:
- cash applied to an invoice: Tryton's own pay wizard (`account.invoice.pay`), so the invoice's amount to
  pay drops, and it becomes "paid" with its receivable lines reconciled once settled;
- a refund against an invoice: a posted move Dr receivable (invoice party) / Cr clearing, attached to the
  invoice as an "additional move" (as Tryton's reschedule and delegate wizards do), so its receivable line
  becomes a line to pay again; a paid invoice goes back to "posted" (customer invoices only accept credit
  lines as payment lines, so a debit cannot be added there);
- everything else (unapplied cash, customer credit used or refunded): one posted move of the same lines.
Every move carries the posting's reference key as its description, which makes posting idempotent.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import httpx

from payhub.domain.errors import CustomerNotFound, ErpError, ErpRejected, ErpUnavailable, InvoiceNotFound
from payhub.domain.invoices import Customer, Invoice, InvoiceLine, PostingReceipt
from payhub.domain.ledger import JournalEntry
from payhub.domain.money import Money
from payhub.ports import FIND_POSTING


@dataclass(frozen=True, slots=True)
class TrytonEntity:
    """One PayHub entity's place in Tryton."""

    company: int  # company.company id
    accounts: Mapping[str, int]  # PayHub account code ("1150", "1200", "2150") → account.account id
    payment_method: int  # account.invoice.payment.method whose debit/credit account is the clearing account
    clearing_account: str = "1150"  # the PayHub code that the payment method books to


@dataclass(frozen=True, slots=True)
class TrytonMapping:
    """Configuration, not code: how PayHub ids map to Tryton records.

    Customer ids are `customer_prefix + party id` unless listed in `customers` (customer id → party id);
    invoice ids are `invoice_prefix + account.invoice id`."""

    entities: Mapping[str, TrytonEntity]
    customer_prefix: str = "cus_"
    customers: Mapping[str, int] = field(default_factory=dict)
    invoice_prefix: str = "inv_"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrytonMapping:
        """From plain JSON-like settings: {"entities": {"ent_1": {"company": 1, "accounts": {...}, ...}}, ...}."""
        entities = {key: TrytonEntity(**value) for key, value in data["entities"].items()}
        rest = {k: v for k, v in data.items() if k != "entities"}
        return cls(entities=entities, **rest)

    def party_id(self, customer_id: str) -> int | None:
        if customer_id in self.customers:
            return self.customers[customer_id]
        return _suffix_id(customer_id, self.customer_prefix)

    def customer_id(self, party_id: int) -> str:
        for customer, party in self.customers.items():
            if party == party_id:
                return customer
        return f"{self.customer_prefix}{party_id}"

    def tryton_invoice_id(self, invoice_id: str) -> int | None:
        return _suffix_id(invoice_id, self.invoice_prefix)

    def invoice_id(self, tryton_id: int) -> str:
        return f"{self.invoice_prefix}{tryton_id}"


def _suffix_id(value: str, prefix: str) -> int | None:
    rest = value[len(prefix):] if value.startswith(prefix) else ""
    return int(rest) if rest.isdigit() and not rest.startswith("0") else None


# --- JSON-RPC encoding (Tryton's __class__ objects) ---
def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, datetime):
        return {"__class__": "datetime", "year": value.year, "month": value.month, "day": value.day,
                "hour": value.hour, "minute": value.minute, "second": value.second,
                "microsecond": value.microsecond}
    if isinstance(value, date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    raise TypeError(f"cannot send {type(value).__name__} to Tryton")


def _decode(obj: dict[str, Any]) -> Any:
    kind = obj.get("__class__")
    if kind == "Decimal":
        return Decimal(obj["decimal"])
    if kind == "date":
        return date(obj["year"], obj["month"], obj["day"])
    if kind == "datetime":
        return datetime(obj["year"], obj["month"], obj["day"], obj.get("hour", 0), obj.get("minute", 0),
                         obj.get("second", 0), obj.get("microsecond", 0))
    return obj


_INVOICE_FIELDS = [
    "number", "state", "type", "party", "currency.code", "total_amount", "amount_to_pay", "payment_term.name",
    "invoice_date", "create_date", "account", "lines.type", "lines.description", "lines.quantity",
    "lines.unit_price", "lines.amount", "lines_to_pay.maturity_date", "lines_to_pay.reconciliation",
]


@dataclass(slots=True)
class _Part:
    """One Tryton-side step of a posting; `origin` identifies its move for idempotency."""

    kind: str  # pay | reopen | move
    amount: Decimal = Decimal(0)
    invoice: int | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)  # kind "move": account.move.line values

    @property
    def origin(self) -> str | None:
        return f"account.invoice,{self.invoice}" if self.invoice is not None else None


class TrytonErp:
    """Implements ports.Erp on a Tryton server. Thread-safe; one HTTP session to Tryton, re-logged in on 401."""

    name = "tryton"
    capabilities = frozenset({FIND_POSTING})

    def __init__(self, url: str, database: str, user: str, password: str,
                 mapping: TrytonMapping | Mapping[str, Any], *, timeout: float = 10.0,
                 connect_timeout: float = 3.0, transport: httpx.BaseTransport | None = None) -> None:
        self.mapping = mapping if isinstance(mapping, TrytonMapping) else TrytonMapping.from_dict(mapping)
        self._endpoint = f"{url.rstrip('/')}/{database}/rpc/"
        self._user, self._password = user, password
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=connect_timeout), transport=transport,
                                  headers={"Content-Type": "application/json"})
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._auth: str | None = None
        self._context: dict[str, Any] = {}
        self._setup: dict[str, dict[str, Any]] = {}  # per entity: static Tryton configuration read once

    def close(self) -> None:
        self._http.close()

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

    def get_invoice(self, entity_id: str, invoice_id: str) -> Invoice:
        entity = self.mapping.entities.get(entity_id)
        tryton_id = self.mapping.tryton_invoice_id(invoice_id)
        if entity is None or tryton_id is None:
            raise InvoiceNotFound(f"No invoice {invoice_id}")
        rows = self._search_invoices(entity, [("id", "=", tryton_id)])
        if not rows:
            raise InvoiceNotFound(f"No invoice {invoice_id}")
        return self._invoice(entity_id, rows[0])

    def list_open_invoices(self, entity_id: str, customer_id: str) -> list[Invoice]:
        entity = self.mapping.entities.get(entity_id)
        party = self.mapping.party_id(customer_id)
        if entity is None or party is None:
            return []
        rows = self._search_invoices(entity, [("party", "=", party), ("state", "=", "posted")])
        invoices = [i for i in (self._invoice(entity_id, row) for row in rows) if i.is_open]
        return sorted(invoices, key=lambda i: (i.due_on, i.number))

    def _search_invoices(self, entity: TrytonEntity, domain: list[Any]) -> list[dict[str, Any]]:
        domain = [*domain, ("type", "=", "out"), ("company", "=", entity.company)]
        rows: list[dict[str, Any]] = self.call("model.account.invoice.search_read", domain, 0, None, None,
                                               _INVOICE_FIELDS, company=entity.company)
        return rows

    def _invoice(self, entity_id: str, row: dict[str, Any]) -> Invoice:
        currency = row["currency."]["code"]
        state = row["state"]
        to_pay = Money.from_decimal(row["amount_to_pay"] or Decimal(0), currency)
        if state == "posted":
            status = "open" if to_pay.is_positive else "paid"
        else:
            status = {"paid": "paid", "cancelled": "void"}.get(state, "draft")  # draft / validated: not payable
        issued = row["invoice_date"] or row["create_date"].date()
        maturities = [l["maturity_date"] for l in row["lines_to_pay."] if l["maturity_date"]]
        unpaid = [l["maturity_date"] for l in row["lines_to_pay."]
                  if l["maturity_date"] and not l["reconciliation"]]
        lines = tuple(_invoice_line(l, currency) for l in row["lines."] if l["type"] == "line")
        return Invoice(
            id=self.mapping.invoice_id(row["id"]), entity_id=entity_id,
            customer_id=self.mapping.customer_id(row["party"]), number=row["number"] or f"draft-{row['id']}",
            status=status, total=Money.from_decimal(row["total_amount"], currency), balance=to_pay,
            terms=(row.get("payment_term.") or {}).get("name", ""), issued_on=issued,
            due_on=min(unpaid or maturities or [issued]), lines=lines)

    # --- posting ---
    def post(self, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt:
        entity = self.mapping.entities.get(entity_id)
        if entity is None:
            raise ErpRejected(f"Entity {entity_id} is not mapped to a Tryton company")
        setup = self._entity_setup(entity_id, entity)
        parts = self._plan(entity, setup, entry)
        invoices = self._posting_invoices(entity, entry, parts)
        done = self._moves(entity, reference_key)
        if not done and len(parts) > 1:
            _precheck(parts, invoices)  # several steps: refuse before the first rather than half-post
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
        return _receipt(moves)

    def find_posting(self, entity_id: str, entry: JournalEntry, reference_key: str) -> PostingReceipt | None:
        """Tryton has the posting when every step of it has a posted move carrying the reference key. A
        half-done posting (one invoice paid, the next not) is not had: PayHub keeps holding it, and its retry
        completes it (each step is skipped when its move exists)."""
        entity = self.mapping.entities.get(entity_id)
        if entity is None:
            return None
        parts = self._plan(entity, self._entity_setup(entity_id, entity), entry)
        moves = self._moves(entity, reference_key)
        for part in parts:
            mine = [m for m in moves if m["origin"] == part.origin]
            if not mine or any(m["state"] == "draft" for m in mine):
                return None
        return _receipt(moves) if moves else None

    def _plan(self, entity: TrytonEntity, setup: dict[str, Any], entry: JournalEntry) -> list[_Part]:
        """Split the entry into Tryton steps: invoice payments, invoice reopenings, and the remaining lines."""
        unknown = sorted({l.account for l in entry.lines} - set(entity.accounts))
        if unknown:
            raise ErpRejected(f"Account(s) not mapped to Tryton: {', '.join(unknown)}")
        if any(l.currency != setup["currency"] for l in entry.lines):
            raise ErpRejected(f"The Tryton connector posts in the company currency {setup['currency']} only")
        currency = setup["currency"]
        per_invoice: dict[int, int] = defaultdict(int)  # minor units, credit positive
        rest: dict[tuple[int, str | None], int] = defaultdict(int)  # (account, customer) → debit - credit
        for line in entry.lines:
            if line.invoice_id:
                tryton_id = self.mapping.tryton_invoice_id(line.invoice_id)
                if tryton_id is None:
                    raise ErpRejected(f"Posting names unknown invoice {line.invoice_id}")
                per_invoice[tryton_id] += line.credit - line.debit
            else:
                rest[(entity.accounts[line.account], line.customer_id)] += line.debit - line.credit
        parts: list[_Part] = []
        through_clearing = 0  # what the invoice steps book on the clearing account (debit positive)
        for invoice, net in per_invoice.items():
            if net:
                amount = Money(abs(net), currency).to_decimal()
                parts.append(_Part("pay" if net > 0 else "reopen", amount, invoice))
                through_clearing += net
        clearing = entity.accounts[entity.clearing_account]
        residual: dict[tuple[int, int | None], int] = defaultdict(int)
        for (account, customer), net in rest.items():
            party = None
            if setup["party_required"].get(account):
                party = self.mapping.party_id(customer) if customer else None
                if party is None:
                    raise ErpRejected(f"Account {account} needs a Tryton party; customer {customer!r} has none")
            residual[(account, party)] += net
        residual[(clearing, None)] -= through_clearing
        move_lines = [{"account": account, "party": party,
                       "debit": Money(max(net, 0), currency).to_decimal(),
                       "credit": Money(max(-net, 0), currency).to_decimal()}
                      for (account, party), net in residual.items() if net]
        if move_lines:
            parts.append(_Part("move", lines=move_lines))
        return parts

    def _posting_invoices(self, entity: TrytonEntity, entry: JournalEntry,
                          parts: list[_Part]) -> dict[int, dict[str, Any]]:
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

    def _pay(self, entity: TrytonEntity, part: _Part, key: str) -> None:
        """Tryton's pay wizard: start (defaults) → choice → ask (partial) → pay; always deleted."""
        context = {**self._company_context(entity.company), "active_model": "account.invoice",
                   "active_id": part.invoice, "active_ids": [part.invoice]}
        session, _, _ = self.call("wizard.account.invoice.pay.create", company=entity.company)
        try:
            start = self._rpc("wizard.account.invoice.pay.execute", [session, {}, "start", context])
            form = {k: v for k, v in start["view"]["defaults"].items() if "." not in k}  # send all defaults back
            form.update(amount=part.amount, payment_method=entity.payment_method, description=key)
            answer = self._rpc("wizard.account.invoice.pay.execute", [session, {"start": form}, "choice", context])
            view = answer.get("view") if isinstance(answer, dict) else None
            if view and view.get("state") == "ask":  # not an exact match of open lines: a partial payment
                ask = {k: v for k, v in view["defaults"].items() if "." not in k}
                ask["type"] = "partial"
                self._rpc("wizard.account.invoice.pay.execute",
                          [session, {"start": form, "ask": ask}, "pay", context])
        finally:
            try:
                self.call("wizard.account.invoice.pay.delete", session, company=entity.company)
            except ErpError:
                pass  # an abandoned wizard session is harmless; the payment outcome is what matters

    def _reopen(self, entity: TrytonEntity, setup: dict[str, Any], part: _Part, invoice: dict[str, Any],
                key: str, mine: list[dict[str, Any]]) -> None:
        """Refund on an invoice: Dr receivable / Cr clearing, as an additional move of the invoice."""
        if not mine:
            if invoice["state"] not in ("posted", "paid"):
                raise ErpRejected(f"Cannot refund on invoice in state {invoice['state']}")
            today = self.call("model.ir.date.today", company=entity.company)
            move = {"journal": setup["journal"], "company": entity.company, "description": key,
                    "origin": part.origin, "lines": [["create", [
                        {"account": invoice["account"], "party": invoice["party"], "debit": part.amount,
                         "credit": Decimal(0), "maturity_date": today, "description": key},
                        {"account": setup["clearing"], "debit": Decimal(0), "credit": part.amount,
                         "description": key}]]]}
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

    def _move(self, entity: TrytonEntity, setup: dict[str, Any], part: _Part, key: str,
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

    def _company_context(self, company: int | None) -> dict[str, Any]:
        with self._lock:
            if self._auth is None:
                self._login()
            context = dict(self._context)
        if company is not None:
            context.update(company=company, companies=[company])
        return context

    # --- JSON-RPC ---
    def call(self, method: str, *params: Any, company: int | None = None) -> Any:
        """Call a model/wizard method with the user's context (for `company`, if given) as last parameter."""
        return self._rpc(method, [*params, self._company_context(company)])

    def _rpc(self, method: str, params: list[Any]) -> Any:
        with self._lock:
            if self._auth is None:
                self._login()
            auth = self._auth
        response = self._send(method, params, auth)
        if response.status_code == 401:  # the session expired or was dropped: log in again, once
            with self._lock:
                if self._auth == auth:
                    self._login()
                auth = self._auth
            response = self._send(method, params, auth)
            if response.status_code == 401:
                raise ErpUnavailable("Tryton refused the session after logging in again")
        return self._result(method, response)

    def _login(self) -> None:
        """Caller holds the lock. Session auth: base64(user:user_id:token); then the user's context."""
        self._auth = None
        response = self._send("common.db.login", [self._user, {"password": self._password}], None)
        if response.status_code in (401, 403):
            raise ErpUnavailable("Tryton refused the login")
        user_id, token, *_ = self._result("common.db.login", response)
        self._auth = "Session " + base64.b64encode(f"{self._user}:{user_id}:{token}".encode()).decode()
        context = self._result("model.res.user.get_preferences",
                               self._send("model.res.user.get_preferences", [True, {}], self._auth))
        self._context = dict(context)

    def _send(self, method: str, params: list[Any], auth: str | None) -> httpx.Response:
        body = json.dumps({"id": next(self._ids), "method": method, "params": params}, default=_encode)
        headers = {"Authorization": auth} if auth else {}
        try:
            return self._http.post(self._endpoint, content=body, headers=headers)
        except httpx.TimeoutException:
            failure = ErpUnavailable(f"Tryton did not answer in time ({method})")
        except httpx.HTTPError as error:
            failure = ErpUnavailable(f"Tryton is unreachable: {type(error).__name__}")
        raise failure  # outside `except`: the httpx error's request holds the body, the login's password included

    @staticmethod
    def _result(method: str, response: httpx.Response) -> Any:
        if response.status_code == 429 or response.status_code >= 500:
            raise ErpUnavailable(f"Tryton answered HTTP {response.status_code} to {method}")
        if response.status_code != 200:
            raise ErpError(f"Tryton answered HTTP {response.status_code} to {method}")
        try:
            data = json.loads(response.text, object_hook=_decode, parse_float=Decimal)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ErpUnavailable(f"Tryton sent an unreadable answer to {method}")
        if "error" not in data or data["error"] is None:
            return data.get("result")
        raise _error(method, data["error"])


def _receipt(moves: list[dict[str, Any]]) -> PostingReceipt:
    posted_at = max(m["create_date"] for m in moves).replace(tzinfo=UTC)  # Tryton stores UTC
    return PostingReceipt("account.move:" + ",".join(str(m["id"]) for m in moves), posted_at.isoformat())


def _precheck(parts: list[_Part], invoices: dict[int, dict[str, Any]]) -> None:
    for part in parts:
        row = invoices.get(part.invoice) if part.invoice is not None else None
        if row is None:
            continue
        if part.kind == "pay" and (row["state"] != "posted" or part.amount > row["amount_to_pay"]):
            raise ErpRejected(f"Cannot pay {part.amount} on invoice {row['number']}: state {row['state']}, "
                              f"amount to pay {row['amount_to_pay']}")
        if part.kind == "reopen" and row["state"] not in ("posted", "paid"):
            raise ErpRejected(f"Cannot refund on invoice {row['number']} in state {row['state']}")


def _error(method: str, error: Any) -> ErpError:
    """Tryton's error triple → a domain error: user-facing refusals are rejections, the rest is an outage."""
    kind, args = (error[0], error[1]) if isinstance(error, list) and len(error) == 2 else (str(error), None)
    if kind == "UserError" and isinstance(args, list):
        message, description = args[0], args[1] if len(args) > 1 else ""
        return ErpRejected(f"{message} {description}".strip())
    if kind == "UserWarning" and isinstance(args, list):
        return ErpRejected(str(args[1]))
    if kind in ("ConcurrencyException", "LoginException", "RateLimitException"):
        return ErpUnavailable(f"Tryton: {kind} on {method}")
    return ErpUnavailable(f"Tryton server error on {method}: {kind}"[:500])  # a crash is a 5xx in disguise


def _invoice_line(line: dict[str, Any], currency: str) -> InvoiceLine:
    quantity = Decimal(line["quantity"] or 0)
    amount = Money.from_decimal(line["amount"], currency)
    if quantity != quantity.to_integral_value():  # PayHub lines count whole units: show one line of the total
        return InvoiceLine(f"{line['description'] or ''} ({quantity.normalize()})".strip(), 1, amount, amount)
    # Tryton keeps unit prices to 4 decimals: round to minor units (the line amount stays exact)
    unit = line["unit_price"].quantize(Money.zero(currency).to_decimal(), rounding=ROUND_HALF_EVEN)
    return InvoiceLine(line["description"] or "", int(quantity), Money.from_decimal(unit, currency), amount)
