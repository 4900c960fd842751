"""ERP field mapping: read the connected ERP's schema (the embedded ERP's tables and charts of accounts, or
Tryton's models, fields, companies, accounts and payment methods over JSON-RPC) and propose how PayHub maps onto
it: an entity per company, an account per PayHub posting role (with a confidence and the reason), customers to
parties, a small test dataset, and a generated validation script that checks the mapping against live records.

Deterministic: the same ERP gives the same proposal. The optional model only adds prose to the report."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from payhub.domain.ledger import PostingRules
from payhub.domain.money import Money, exponent

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from payhub.copilot.llm import Llm
    from payhub.erp.tryton.rpc import TrytonRpc
    from payhub.services import Services
    from payhub.settings import Settings

THRESHOLD = 0.5  # below this a role is left unmapped (its best candidate is named as a hint)
DATASET_REFERENCES = ("PAYHUB-MAPPING-TEST-1", "PAYHUB-MAPPING-TEST-2")
DATASET_CUSTOMER = "PayHub mapping test customer"

# What the Tryton connector reads and writes (erp/tryton): these models must exist with these fields.
TRYTON_MODELS = ("company.company", "party.party", "account.account", "account.account.type", "account.invoice",
                 "account.invoice.line", "account.invoice.payment.method", "account.move", "account.journal")


# --- the posting roles and what an account for each looks like ---
@dataclass(frozen=True, slots=True)
class RoleSpec:
    role: str  # a PostingRules field
    kinds: tuple[str, ...]  # account kinds that fit exactly
    compatible: tuple[str, ...]  # kinds that may fit, scored lower
    strong: tuple[str, ...]  # name fragments that identify the role
    weak: tuple[str, ...] = ()  # name fragments that suggest it
    avoid: tuple[str, ...] = ()  # name fragments that argue against it
    description: str = ""


ROLES: tuple[RoleSpec, ...] = (
    RoleSpec("gateway_clearing", ("cash",), ("asset",), ("clearing", "gateway", "in transit", "undeposited"),
             ("processor", "transit"), ("restricted",), "cash captured, until the gateway pays it out"),
    RoleSpec("accounts_receivable", ("receivable",), (), ("accounts receivable", "trade receivable", "trade debtors"),
             ("receivable", "debtors"), ("chargeback", "nontrade", "other receivable", "contract"),
             "customer invoices' receivable"),
    RoleSpec("customer_credit", ("liability",), (),
             ("customer credit", "unapplied", "customer deposit", "customer prepayment", "customer advance"),
             ("prepayment", "deposit", "advance", "unearned", "deferred income"), (),
             "unapplied cash owed to a customer"),
    RoleSpec("convenience_fee_revenue", ("revenue",), ("income_statement",), ("convenience fee",),
             ("service fee", "fee"), ("surcharge",), "convenience fees charged to payers"),
    RoleSpec("surcharge_revenue", ("revenue",), ("income_statement",), ("surcharge",), ("card fee",),
             ("convenience",), "card surcharges charged to payers"),
    RoleSpec("bank", ("cash",), ("asset",), ("bank", "operating cash", "checking"), ("cash",),
             ("clearing", "restricted", "petty", "gateway"), "where payouts land"),
    RoleSpec("processor_fees", ("expense",), ("income_statement",),
             ("processing fee", "processor fee", "merchant fee", "payment fee", "bank charge", "bank fee",
              "card fee"), ("fee", "commission", "charges"), ("tax", "revenue"), "what the processor keeps"),
    RoleSpec("chargebacks_receivable", ("receivable",), ("asset",), ("chargeback", "dispute"),
             ("other receivable", "nontrade"), (), "disputed money, until the dispute is decided"),
    RoleSpec("chargeback_losses", ("expense",), ("income_statement",), ("chargeback", "dispute"),
             ("credit loss", "bad debt", "write-off", "write off", "loss"), ("gain",),
             "disputes lost when the invoice is not reopened"),
    RoleSpec("settlement_suspense", ("liability",), ("asset",), ("suspense", "settlement"),
             ("unidentified", "unallocated", "clearing"), (), "settled money PayHub cannot place yet"),
)
SPECS = {spec.role: spec for spec in ROLES}


# --- the introspected schema ---
@dataclass(frozen=True, slots=True)
class ErpField:
    name: str
    type: str
    relation: str | None = None


@dataclass(frozen=True, slots=True)
class ErpModel:
    name: str  # a Tryton model or an embedded table
    label: str
    fields: tuple[ErpField, ...]

    def field(self, name: str) -> ErpField | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True, slots=True)
class ErpAccount:
    id: int | str  # Tryton account.account id; the embedded ERP's account code
    code: str
    name: str
    kind: str  # cash | asset | receivable | liability | payable | equity | revenue | expense | income_statement …
    type_name: str = ""
    party_required: bool = False
    signals: tuple[str, ...] = ()  # facts from live records that point at a role

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}".strip()


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    id: int
    name: str
    debit_account: int | None
    credit_account: int | None
    journal: int | None


@dataclass(frozen=True, slots=True)
class ErpCompany:
    id: int | str
    name: str
    currency: str
    accounts: tuple[ErpAccount, ...]
    payment_methods: tuple[PaymentMethod, ...] = ()
    customers: int = 0  # how many customers (parties with customer invoices, or embedded customers)
    revenue_journal: int | None = None  # Tryton: the journal test invoices go to


@dataclass(frozen=True, slots=True)
class ErpSchema:
    erp: str  # embedded | tryton
    models: tuple[ErpModel, ...]
    companies: tuple[ErpCompany, ...]

    def model(self, name: str) -> ErpModel | None:
        return next((m for m in self.models if m.name == name), None)


# --- the proposal ---
@dataclass(frozen=True, slots=True)
class RoleMatch:
    role: str
    code: str  # the PayHub account code the entity's posting rules give this role
    account: dict[str, Any] | None  # {"id", "code", "name"} of the proposed ERP account
    confidence: float
    reason: str


@dataclass(frozen=True, slots=True)
class FieldMatch:
    payhub: str  # e.g. "invoice.balance"
    erp: str  # e.g. "account.invoice.amount_to_pay"
    present: bool
    type: str | None


@dataclass(frozen=True, slots=True)
class CustomerMatch:
    customer_id: str
    party: int | None
    confidence: float
    reason: str


@dataclass(frozen=True, slots=True)
class EntityProposal:
    entity: str
    company: dict[str, Any]  # {"id", "name", "currency"}
    company_reason: str
    roles: tuple[RoleMatch, ...]
    payment_method: dict[str, Any] | None  # Tryton: {"id", "name", "reason"}
    customers: tuple[CustomerMatch, ...] = ()

    @property
    def unmapped(self) -> list[str]:
        return [r.role for r in self.roles if r.account is None]


@dataclass(frozen=True, slots=True)
class Proposal:
    erp: str
    entities: tuple[EntityProposal, ...]
    fields: tuple[FieldMatch, ...]
    issues: tuple[str, ...]
    mapping: dict[str, Any]  # the configuration PayHub reads (Tryton: PAYHUB_TRYTON_MAPPING's JSON)
    dataset: dict[str, Any]
    explanation: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for entity, data in zip(self.entities, out["entities"], strict=True):
            data["unmapped"] = entity.unmapped
        return out


# --- introspection: the embedded ERP ---
EMBEDDED_TABLES = ("erp_companies", "erp_accounts", "erp_customers", "erp_invoices", "erp_invoice_lines",
                   "erp_journal_entries", "erp_journal_lines")


def introspect_embedded(s: Session, entity: str | None = None) -> ErpSchema:
    """The embedded ERP's live tables and columns (SQLAlchemy's inspector) and its companies' charts."""
    from sqlalchemy import func, inspect, select

    from payhub.erp import embedded

    inspector = inspect(s.connection())
    tables = set(inspector.get_table_names())
    models = tuple(ErpModel(t, t, tuple(ErpField(c["name"], str(c["type"]).lower()) for c in inspector.get_columns(t)))
                   for t in EMBEDDED_TABLES if t in tables)
    query = select(embedded.ErpCompany).order_by(embedded.ErpCompany.id)
    if entity is not None:
        query = query.where(embedded.ErpCompany.id == entity)
    counts = {company: n for company, n in s.execute(select(embedded.ErpCustomer.company_id, func.count())
                                                     .group_by(embedded.ErpCustomer.company_id))}
    companies = []
    for company in s.scalars(query):
        accounts = s.scalars(select(embedded.ErpAccount).where(embedded.ErpAccount.company_id == company.id)
                             .order_by(embedded.ErpAccount.code))
        companies.append(ErpCompany(
            company.id, company.name, company.currency,
            tuple(ErpAccount(a.code, a.code, a.name, _embedded_kind(a.type, a.name), a.type) for a in accounts),
            customers=counts.get(company.id, 0)))
    return ErpSchema("embedded", models, tuple(companies))


def _embedded_kind(account_type: str, name: str) -> str:
    lowered = name.lower()
    if account_type == "asset" and "receivable" in lowered:
        return "receivable"
    if account_type == "asset" and any(w in lowered for w in ("cash", "bank", "clearing")):
        return "cash"
    return account_type


# --- introspection: Tryton over the connector's JSON-RPC session ---
ACCOUNT_FIELDS = ["code", "name", "parent", "closed", "party_required", "type", "type.name", "type.statement",
                  "type.receivable", "type.payable", "type.revenue", "type.expense"]


def introspect_tryton(rpc: TrytonRpc, company: int | None = None) -> ErpSchema:
    """Tryton's models and fields (`ir.model`, `ir.model.field`), its companies, their charts of accounts
    (postable accounts: typed and open), payment methods, and which receivable the customer invoices use."""
    found = {m["name"]: m for m in rpc.call("model.ir.model.search_read", [("name", "in", list(TRYTON_MODELS))],
                                            0, None, None, ["name", "string"])}
    fields: dict[str, list[ErpField]] = {}
    for f in rpc.call("model.ir.model.field.search_read", [("model", "in", list(found))], 0, None,
                      [("model", "ASC"), ("name", "ASC")], ["model", "name", "ttype", "relation"]):
        fields.setdefault(f["model"], []).append(ErpField(f["name"], f["ttype"], f["relation"] or None))
    models = tuple(ErpModel(name, found[name]["string"], tuple(fields.get(name, ())))
                   for name in TRYTON_MODELS if name in found)
    domain = [("id", "=", company)] if company is not None else []
    rows = rpc.call("model.company.company.search_read", domain, 0, None, [("id", "ASC")],
                    ["rec_name", "currency.code"])
    return ErpSchema("tryton", models, tuple(_tryton_company(rpc, row) for row in rows))


def _tryton_company(rpc: TrytonRpc, row: dict[str, Any]) -> ErpCompany:
    company = int(row["id"])
    call: Callable[..., Any] = lambda method, *args: rpc.call(method, *args, company=company)  # noqa: E731
    rows = call("model.account.account.search_read", [("company", "=", company)], 0, None, [("code", "ASC")],
                ACCOUNT_FIELDS)
    methods = tuple(PaymentMethod(m["id"], m["rec_name"], m["debit_account"], m["credit_account"], m["journal"])
                    for m in call("model.account.invoice.payment.method.search_read", [("company", "=", company)],
                                  0, None, [("id", "ASC")], ["rec_name", "debit_account", "credit_account",
                                                             "journal"]))
    invoices = call("model.account.invoice.search_read", [("type", "=", "out"), ("company", "=", company),
                                                          ("state", "in", ["posted", "paid"])],
                    0, 500, [("id", "DESC")], ["account", "party"])
    on_invoices = Counter(i["account"] for i in invoices)
    journals = call("model.account.journal.search", [("type", "=", "revenue")], 0, 1, [("id", "ASC")])
    by_id = {r["id"]: r for r in rows}
    accounts = []
    for r in rows:
        if r["closed"] or not r["type"]:
            continue  # view accounts (no type) and closed ones take no postings
        signals = []
        for method in methods:
            if method.debit_account == r["id"] and method.credit_account == r["id"]:
                signals.append(f"payment method {method.id} '{method.name}' books to it")
        if on_invoices.get(r["id"]):
            signals.append(f"{on_invoices[r['id']]} of the last {len(invoices)} customer invoices use it")
        accounts.append(ErpAccount(r["id"], r["code"] or "", r["name"], _tryton_kind(r, by_id),
                                   (r.get("type.") or {}).get("name", ""), bool(r["party_required"]),
                                   tuple(signals)))
    return ErpCompany(company, row["rec_name"], row["currency."]["code"], tuple(accounts), methods,
                      len({i["party"] for i in invoices}), journals[0] if journals else None)


def _tryton_kind(row: dict[str, Any], by_id: Mapping[int, dict[str, Any]]) -> str:
    """Tryton's account types flag receivable/payable/revenue/expense; assets, liabilities and equity are only
    told apart by the chart's top-level section (the account's ancestor just below the root)."""
    kind = row.get("type.") or {}
    if kind.get("receivable"):
        return "receivable"
    if kind.get("payable"):
        return "payable"
    if kind.get("revenue"):
        return "revenue"
    if kind.get("expense"):
        return "expense"
    name = row["name"].lower()
    if kind.get("statement") == "income":
        earns, costs = _has(name, ("revenue", "income", "gain")), _has(name, ("expense", "loss", "cost"))
        return "revenue" if earns and not costs else "expense" if costs and not earns else "income_statement"
    section = _section(row, by_id)
    if section == "asset" and _has(name + " " + kind.get("name", "").lower(), ("cash", "bank", "clearing")):
        return "cash"
    return section or "balance"


def _section(row: dict[str, Any], by_id: Mapping[int, dict[str, Any]]) -> str:
    node, seen = row, set()
    while node.get("parent") in by_id and by_id[node["parent"]].get("parent") in by_id and node["id"] not in seen:
        seen.add(node["id"])
        node = by_id[node["parent"]]
    top = node["name"].lower()
    for word, section in (("asset", "asset"), ("liabilit", "liability"), ("equity", "equity")):
        if word in top:
            return section
    return ""


def _has(text: str, words: Sequence[str]) -> bool:
    return any(w in text for w in words)


# --- proposing ---
def score(spec: RoleSpec, account: ErpAccount, code: str) -> tuple[float, str]:
    """How well an account fits a role (0 when its kind cannot), and why."""
    if account.kind in spec.kinds:
        total, reasons = 0.45, [f"kind {account.kind}"]
    elif account.kind in spec.compatible:
        total, reasons = 0.25, [f"kind {account.kind} (may fit)"]
    else:
        return 0.0, f"kind {account.kind} does not fit"
    name = account.name.lower()
    if hit := next((w for w in spec.strong if w in name), None):
        total += 0.4
        reasons.append(f"name matches '{hit}'")
    elif hit := next((w for w in spec.weak if w in name), None):
        total += 0.2
        reasons.append(f"name suggests '{hit}'")
    if hit := next((w for w in spec.avoid if w in name), None):
        total -= 0.3
        reasons.append(f"name has '{hit}' (against)")
    if account.code == code:
        total += 0.15
        reasons.append(f"code is PayHub's {code}")
    for signal in account.signals:
        if spec.role == "gateway_clearing" and signal.startswith("payment method"):
            total += 0.4
            reasons.append(signal)
        elif spec.role == "accounts_receivable" and "customer invoices" in signal:
            total += 0.3
            reasons.append(signal)
    if spec.role == "customer_credit" and account.party_required:
        total += 0.1
        reasons.append("party required (a debt to a named customer)")
    return round(max(0.0, min(total, 1.0)), 2), "; ".join(reasons)


def match_roles(company: ErpCompany, rules: PostingRules) -> tuple[RoleMatch, ...]:
    """The best account per role, each account given to one role only, the surest pairs first."""
    codes = rules.as_dict()
    pairs = []
    for order, spec in enumerate(ROLES):
        for account in company.accounts:
            value, reason = score(spec, account, codes[spec.role])
            if value > 0:
                pairs.append((-value, order, account.code, spec, account, reason))
    pairs.sort(key=lambda p: p[:3])
    taken: set[int | str] = set()
    chosen: dict[str, RoleMatch] = {}
    for negative, _, _, spec, account, reason in pairs:
        if -negative < THRESHOLD or spec.role in chosen or account.id in taken:
            continue
        taken.add(account.id)
        chosen[spec.role] = RoleMatch(spec.role, codes[spec.role], {"id": account.id, "code": account.code,
                                                                    "name": account.name}, -negative, reason)
    out = []
    for spec in ROLES:
        if spec.role in chosen:
            out.append(chosen[spec.role])
            continue
        best = next((p for p in pairs if p[3] is spec), None)
        hint = (f"; best candidate {best[4].label} scored {-best[0]:.2f} ({best[5]})"
                + (" but went to another role" if best[4].id in taken and -best[0] >= THRESHOLD else "")
                if best else "")
        out.append(RoleMatch(spec.role, codes[spec.role], None, 0.0,
                             f"no {' or '.join(spec.kinds)} account for {spec.description}{hint}"))
    return tuple(out)


def confidence_label(value: float) -> str:
    return "high" if value >= 0.85 else "medium" if value >= 0.65 else "low" if value else "none"


def _payment_method(company: ErpCompany, clearing: RoleMatch) -> dict[str, Any] | None:
    if not company.payment_methods:
        return None
    target = clearing.account["id"] if clearing.account else None
    for method in company.payment_methods:
        if target is not None and method.debit_account == target == method.credit_account:
            return {"id": method.id, "name": method.name,
                    "reason": "debit and credit account are the proposed clearing account"}
    method = company.payment_methods[0]
    return {"id": method.id, "name": method.name,
            "reason": "no payment method books to the clearing account on both sides; this one does not either "
                      "(the connector refuses it until it does)"}


@dataclass(frozen=True, slots=True)
class KnownCustomer:
    """A customer PayHub already knows (the embedded ERP's), to be found among Tryton's parties."""

    id: str
    name: str
    email: str | None = None


def match_customers(rpc: TrytonRpc, company: int, known: Sequence[KnownCustomer],
                    prefix: str) -> tuple[CustomerMatch, ...]:
    """Known customers whose ids do not already name a party (prefix + party id), matched by exact name
    (case-insensitive), confirmed by email."""
    wanted = [c for c in known if not re.fullmatch(re.escape(prefix) + r"[1-9]\d*", c.id)]
    if not wanted:
        return ()
    names = sorted({c.name for c in wanted})
    parties = rpc.call("model.party.party.search_read", [("name", "in", names)], 0, None, [("id", "ASC")],
                       ["name", "email"], company=company)
    out = []
    for customer in wanted:
        same = [p for p in parties if p["name"].strip().lower() == customer.name.strip().lower()]
        if len(same) == 1:
            email = bool(customer.email) and (same[0].get("email") or "").lower() == (customer.email or "").lower()
            out.append(CustomerMatch(customer.id, same[0]["id"], 1.0 if email else 0.8,
                                     "same name" + (" and email" if email else "")))
        else:
            out.append(CustomerMatch(customer.id, None, 0.0, f"{len(same)} parties named {customer.name!r}"))
    return tuple(out)


def entity_ids(companies: Sequence[ErpCompany], entity: str | None,
               current: Mapping[str, int | str] | None = None) -> list[tuple[str, ErpCompany, str]]:
    """An entity per company: the one a current mapping names, the one asked for, or one named after it."""
    out = []
    by_company: dict[int | str, str] = {company: e for e, company in (current or {}).items()}
    for index, company in enumerate(companies):
        if entity is not None and by_company.get(company.id) == entity:
            return [(entity, company, f"the current mapping puts {entity} on company {company.id}")]
        if company.id in by_company and entity is None:
            out.append((by_company[company.id], company, "the current mapping's entity for this company"))
        elif entity is not None and index == 0:
            out.append((entity, company, "the entity asked for, on the ERP's first company"))
        elif entity is None:
            slug = re.sub(r"[^a-z0-9]+", "_", company.name.lower()).strip("_") or str(company.id)
            out.append((f"ent_{slug}", company, "one entity per company, named after it"))
    return out


def propose(schema: ErpSchema, *, entity: str | None = None, rules: PostingRules | None = None,
            current: Mapping[str, int | str] | None = None, customers: Sequence[CustomerMatch] = (),
            today: date | None = None) -> Proposal:
    """The mapping for each company's entity (only `entity` when given), the field map, the issues and a test
    dataset for the first entity. `current`: entity → company of a mapping already configured."""
    rules = rules or PostingRules()
    issues: list[str] = []
    if schema.erp == "embedded":
        targets = [(str(c.id) if entity is None else entity, c, "the embedded ERP's company is the entity itself")
                   for c in schema.companies if entity is None or c.id == entity]
    else:
        targets = entity_ids(schema.companies, entity, current)
    if not targets:
        issues.append(f"the ERP has no company for {entity or 'any entity'}")
    entities = []
    for entity_id, company, why in targets:
        roles = match_roles(company, rules)
        method = _payment_method(company, roles[0]) if schema.erp == "tryton" else None
        if schema.erp == "tryton" and method is None:
            issues.append(f"company {company.id} has no invoice payment method: create one whose debit and credit "
                          "account are the clearing account")
        entities.append(EntityProposal(entity_id, {"id": company.id, "name": company.name,
                                                   "currency": company.currency}, why, roles, method,
                                       tuple(customers) if entity_id == targets[0][0] else ()))
    fields = field_map(schema)
    issues += [f"{f.erp} is missing: PayHub reads it for {f.payhub}" for f in fields if not f.present]
    for e in entities:
        for role in ("gateway_clearing", "accounts_receivable"):
            if role in e.unmapped:
                issues.append(f"{e.entity}: no account for {role}; PayHub cannot post a payment without it")
    proposal = Proposal(schema.erp, tuple(entities), fields, tuple(issues), mapping_config(schema.erp, entities,
                                                                                         rules), {})
    if entities:
        company = next(c for c in schema.companies if c.id == entities[0].company["id"])
        return _with(proposal, dataset=make_dataset(entities[0], company, today or date.today()))
    return proposal


def _with(proposal: Proposal, **changes: Any) -> Proposal:
    return Proposal(**{**{k: getattr(proposal, k) for k in Proposal.__dataclass_fields__}, **changes})


def mapping_config(erp: str, entities: Sequence[EntityProposal], rules: PostingRules) -> dict[str, Any]:
    """Tryton: the TrytonMapping JSON (PAYHUB_TRYTON_MAPPING). Embedded: the company and posting rules per entity
    (the `posting_rules` of `payhub config apply`)."""
    if erp == "embedded":
        return {"erp": "embedded", "entities": {
            e.entity: {"company": e.company["id"],
                       "posting_rules": {r.role: r.account["code"] for r in e.roles if r.account}}
            for e in entities}}
    out: dict[str, Any] = {"entities": {}, "customer_prefix": "cus_", "invoice_prefix": "inv_"}
    for e in entities:
        config: dict[str, Any] = {
            "company": e.company["id"],
            "accounts": {r.code: r.account["id"] for r in e.roles if r.account},
            "payment_method": e.payment_method["id"] if e.payment_method else 0}
        if rules.gateway_clearing != "1150":
            config["clearing_account"] = rules.gateway_clearing
        out["entities"][e.entity] = config
    customers = {c.customer_id: c.party for e in entities for c in e.customers if c.party is not None}
    if customers:
        out["customers"] = customers
    return out


# PayHub's view of a record → where the connector finds it
TRYTON_FIELDS = (
    ("customer.id", "party.party.id"), ("customer.name", "party.party.name"),
    ("customer.email", "party.party.email"), ("customer.number", "party.party.code"),
    ("invoice.id", "account.invoice.id"), ("invoice.number", "account.invoice.number"),
    ("invoice.status", "account.invoice.state"), ("invoice.customer_id", "account.invoice.party"),
    ("invoice.entity_id", "account.invoice.company"), ("invoice.currency", "account.invoice.currency"),
    ("invoice.total", "account.invoice.total_amount"), ("invoice.balance", "account.invoice.amount_to_pay"),
    ("invoice.terms", "account.invoice.payment_term"), ("invoice.issued_on", "account.invoice.invoice_date"),
    ("invoice.due_on", "account.invoice.lines_to_pay"), ("invoice.receivable", "account.invoice.account"),
    ("invoice.lines", "account.invoice.lines"), ("invoice.refund_moves", "account.invoice.additional_moves"),
    ("line.description", "account.invoice.line.description"), ("line.quantity", "account.invoice.line.quantity"),
    ("line.unit_amount", "account.invoice.line.unit_price"), ("line.amount", "account.invoice.line.amount"),
    ("account.code", "account.account.code"), ("account.company", "account.account.company"),
    ("account.party_required", "account.account.party_required"), ("account.type", "account.account.type"),
    ("posting.reference_key", "account.move.description"), ("posting.origin", "account.move.origin"),
    ("posting.state", "account.move.state"), ("posting.lines", "account.move.lines"),
    ("payment_method.clearing_debit", "account.invoice.payment.method.debit_account"),
    ("payment_method.clearing_credit", "account.invoice.payment.method.credit_account"),
    ("payment_method.journal", "account.invoice.payment.method.journal"),
    ("entity.currency", "company.company.currency"),
)
EMBEDDED_FIELDS = (
    ("entity.id", "erp_companies.id"), ("entity.currency", "erp_companies.currency"),
    ("customer.id", "erp_customers.id"), ("customer.name", "erp_customers.name"),
    ("customer.email", "erp_customers.email"), ("invoice.id", "erp_invoices.id"),
    ("invoice.number", "erp_invoices.number"), ("invoice.status", "erp_invoices.status"),
    ("invoice.customer_id", "erp_invoices.customer_id"), ("invoice.total", "erp_invoices.total"),
    ("invoice.balance", "erp_invoices.balance"), ("invoice.terms", "erp_invoices.terms"),
    ("invoice.issued_on", "erp_invoices.issued_on"), ("invoice.due_on", "erp_invoices.due_on"),
    ("line.description", "erp_invoice_lines.description"), ("line.quantity", "erp_invoice_lines.quantity"),
    ("line.unit_amount", "erp_invoice_lines.unit_amount"), ("account.code", "erp_accounts.code"),
    ("account.type", "erp_accounts.type"), ("posting.reference_key", "erp_journal_entries.reference_key"),
    ("posting.lines", "erp_journal_lines.account"),
)


def field_map(schema: ErpSchema) -> tuple[FieldMatch, ...]:
    out = []
    for payhub, target in TRYTON_FIELDS if schema.erp == "tryton" else EMBEDDED_FIELDS:
        model_name, _, name = target.rpartition(".")
        model = schema.model(model_name)
        found = model.field(name) if model else None
        out.append(FieldMatch(payhub, target, found is not None or (model is not None and name == "id"),
                              found.type if found else ("integer" if model and name == "id" else None)))
    return tuple(out)


# --- the test dataset: a customer and two invoices ---
def make_dataset(entity: EntityProposal, company: ErpCompany, today: date) -> dict[str, Any]:
    """Amounts in minor units of the company's currency; lines are (description, quantity, unit amount)."""
    currency = company.currency
    unit = 10 ** exponent(currency)
    revenue = next((a for a in company.accounts if a.kind == "revenue" and "service" in a.name.lower()),
                   next((a for a in company.accounts if a.kind == "revenue"), None))
    receivable = next((r.account for r in entity.roles if r.role == "accounts_receivable"), None)
    invoices = [
        {"reference": DATASET_REFERENCES[0], "number": "MAP-TEST-1", "terms": "Net 30",
         "issued_on": today.isoformat(), "due_on": (today + timedelta(days=30)).isoformat(),
         "lines": [["Implementation (days)", 2, 125 * unit], ["Onboarding", 1, 50 * unit]]},
        {"reference": DATASET_REFERENCES[1], "number": "MAP-TEST-2", "terms": "Net 15",
         "issued_on": today.isoformat(), "due_on": (today + timedelta(days=15)).isoformat(),
         "lines": [["Support plan", 1, 9995 * unit // 100], ["Licences", 3, 10 * unit]]},
    ]
    for invoice in invoices:
        invoice["total"] = sum(q * u for _, q, u in invoice["lines"])
    return {"entity": entity.entity, "company": company.id, "currency": currency,
            "customer": {"id": f"cus_maptest_{entity.entity}", "name": DATASET_CUSTOMER,
                         "email": "mapping-test@example.com"},
            "invoices": invoices,
            "accounts": {"receivable": receivable["id"] if receivable else None,
                         "revenue": revenue.id if revenue else None},
            "journal": company.revenue_journal}


def create_dataset_tryton(rpc: TrytonRpc, dataset: Mapping[str, Any]) -> dict[str, Any]:
    """Create (or find, on a re-run) the dataset's party and its two posted invoices; their PayHub ids."""
    company = int(dataset["company"])
    def call(method: str, *args: Any) -> Any:
        return rpc.call(method, *args, company=company)
    customer = dataset["customer"]
    found = call("model.party.party.search", [("name", "=", customer["name"])], 0, 1, [("id", "ASC")])
    if found:
        party = found[0]
    else:
        (party,) = call("model.party.party.create", [{
            "name": customer["name"], "addresses": [["create", [{}]]],
            "contact_mechanisms": [["create", [{"type": "email", "value": customer["email"]}]]]}])
    (info,) = call("model.party.party.read", [party], ["addresses"])
    (currency,) = call("model.currency.currency.search", [("code", "=", dataset["currency"])], 0, 1, None)
    scale = Decimal(10) ** -exponent(dataset["currency"])
    invoices = []
    for invoice in dataset["invoices"]:
        existing = call("model.account.invoice.search", [("party", "=", party), ("reference", "=",
                                                                                   invoice["reference"])], 0, 1, None)
        if existing:
            invoice_id = existing[0]
        else:
            (invoice_id,) = call("model.account.invoice.create", [{
                "type": "out", "company": company, "party": party, "invoice_address": info["addresses"][0],
                "currency": currency, "account": dataset["accounts"]["receivable"], "journal": dataset["journal"],
                "reference": invoice["reference"], "description": invoice["number"],
                "invoice_date": date.fromisoformat(invoice["issued_on"]),
                "lines": [["create", [{"type": "line", "account": dataset["accounts"]["revenue"],
                                       "description": d, "quantity": Decimal(q), "unit_price": Decimal(u) * scale}
                                      for d, q, u in invoice["lines"]]]]}])
        (state,) = call("model.account.invoice.read", [invoice_id], ["state"])
        if state["state"] == "draft":
            call("model.account.invoice.post", [invoice_id])
        invoices.append(f"inv_{invoice_id}")
    return {"customer_id": f"cus_{party}", "invoice_ids": invoices}


def create_dataset_embedded(s: Session, dataset: Mapping[str, Any]) -> dict[str, Any]:
    """Create (or keep, on a re-run) the dataset's customer and two invoices in the embedded ERP."""
    from payhub.erp import embedded

    customer = dataset["customer"]
    company = str(dataset["company"])
    if s.get(embedded.ErpCustomer, customer["id"]) is None:
        embedded.create_customer(s, company, customer["id"], customer["name"], customer["email"])
    ids = []
    for n, invoice in enumerate(dataset["invoices"], 1):
        invoice_id = f"inv_maptest_{dataset['entity']}_{n}"
        if s.get(embedded.ErpInvoice, invoice_id) is None:
            embedded.create_invoice(
                s, company_id=company, customer_id=customer["id"], invoice_id=invoice_id, number=invoice["number"],
                currency=dataset["currency"], lines=[tuple(line) for line in invoice["lines"]],
                terms=invoice["terms"], issued_on=date.fromisoformat(invoice["issued_on"]),
                due_on=date.fromisoformat(invoice["due_on"]), metadata={"reference": invoice["reference"]})
        ids.append(invoice_id)
    s.flush()
    return {"customer_id": customer["id"], "invoice_ids": ids}


# --- generated scripts ---
def role_checks(proposal: Proposal) -> dict[str, dict[str, dict[str, str]]]:
    """Per entity, per mapped PayHub code: its role and the kind of account it must be."""
    return {e.entity: {r.code: {"role": r.role, "kind": SPECS[r.role].kinds[0]} for r in e.roles if r.account}
            for e in proposal.entities}


def dataset_script(proposal: Proposal) -> str:
    """A runnable script that creates the dataset in the ERP (idempotent: a re-run finds what exists)."""
    data = json.dumps(proposal.dataset, indent=2)
    if proposal.erp == "tryton":
        body = f'''"""Create PayHub's ERP-mapping test dataset in Tryton: one customer (a party) and two posted
invoices. Env: TRYTON_URL, TRYTON_DATABASE, TRYTON_USER (admin), TRYTON_PASSWORD. Re-running finds what exists."""
import json
import os

from payhub.copilot.erp_mapping import create_dataset_tryton
from payhub.erp.tryton.rpc import TrytonRpc

DATASET = json.loads(r"""{data}""")

rpc = TrytonRpc(os.environ["TRYTON_URL"], os.environ["TRYTON_DATABASE"], os.environ.get("TRYTON_USER", "admin"),
                os.environ["TRYTON_PASSWORD"], timeout=60)
print(json.dumps(create_dataset_tryton(rpc, DATASET)))
'''
    else:
        body = f'''"""Create PayHub's ERP-mapping test dataset in the embedded ERP: one customer and two invoices.
Env: PAYHUB_DATABASE_URL (PayHub's database). Re-running keeps what exists."""
import json
import os

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from payhub.copilot.erp_mapping import create_dataset_embedded
from payhub.store.db import normalize_url

DATASET = json.loads(r"""{data}""")

engine = create_engine(normalize_url(os.environ["PAYHUB_DATABASE_URL"]))
with Session(engine) as s, s.begin():
    created = create_dataset_embedded(s, DATASET)
print(json.dumps(created))
'''
    return body


def validation_script(proposal: Proposal) -> str:
    """A standalone script checking the mapping against live ERP records; exit 1 with a message per problem."""
    mapping = json.dumps(proposal.mapping, indent=2)
    checks = json.dumps(role_checks(proposal), indent=2)
    template = _TRYTON_VALIDATOR if proposal.erp == "tryton" else _EMBEDDED_VALIDATOR
    kinds = json.dumps({spec.role: spec.kinds[0] for spec in ROLES}, indent=2)
    return template.replace("@MAPPING@", mapping).replace("@CHECKS@", checks).replace("@KINDS@", kinds)


_TRYTON_VALIDATOR = '''"""Check PayHub's Tryton mapping against the live Tryton: every mapped account exists,
belongs to the entity's company, is open and postable and has the kind its PayHub role needs; the payment method
books to the clearing account on both sides; mapped customers are parties. Standard library only.

    TRYTON_URL=http://127.0.0.1:8000 TRYTON_DATABASE=db TRYTON_USER=admin TRYTON_PASSWORD=... python validate_mapping.py

The mapping checked is the one below, or the JSON file named by PAYHUB_TRYTON_MAPPING (@file.json or JSON)."""
import base64
import json
import os
import sys
import urllib.error
import urllib.request

MAPPING = json.loads(r"""@MAPPING@""")
ROLES = json.loads(r"""@CHECKS@""")  # entity -> PayHub code -> its role and the kind of account it needs


class Tryton:
    def __init__(self, url, database, user, password):
        self.endpoint = url.rstrip("/") + "/" + database + "/rpc/"
        user_id, token = self.rpc("common.db.login", [user, {"password": password}], None)[:2]
        self.auth = "Session " + base64.b64encode(f"{user}:{user_id}:{token}".encode()).decode()
        self.context = self.rpc("model.res.user.get_preferences", [True, {}], self.auth)

    def rpc(self, method, params, auth):
        body = json.dumps({"id": 1, "method": method, "params": params}).encode()
        headers = {"Content-Type": "application/json", **({"Authorization": auth} if auth else {})}
        request = urllib.request.Request(self.endpoint, body, headers)
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        if answer.get("error"):
            raise RuntimeError(f"Tryton refused {method}: {answer['error']}")
        return answer["result"]

    def call(self, method, *params, company):
        return self.rpc(method, [*params, {**self.context, "company": company, "companies": [company]}], self.auth)


def kind_problem(kind, account):
    t = account.get("type.") or {}
    if not account["type"]:
        return "is a view account (no type): it takes no postings"
    if account["closed"]:
        return "is closed"
    if kind == "receivable" and not t.get("receivable"):
        return "is not a receivable account (its type is not receivable)"
    if kind in ("cash", "asset", "liability") and t.get("statement") != "balance":
        return f"is not a balance-sheet account, as a {kind} account must be"
    if kind in ("cash", "liability") and (t.get("receivable") or t.get("payable")):
        return f"is a receivable/payable account, not a {kind} account"
    if kind == "revenue" and not (t.get("revenue") or t.get("statement") == "income"):
        return "is not a revenue account"
    if kind == "expense" and not (t.get("expense") or t.get("statement") == "income"):
        return "is not an expense account"
    return None


def check(tryton, mapping):
    problems, passed = [], 0
    for entity, conf in mapping["entities"].items():
        company = conf["company"]
        rows = tryton.call("model.company.company.search_read", [("id", "=", company)], 0, 1, None, ["rec_name"],
                           company=company)
        if not rows:
            problems.append(f"{entity}: company {company} does not exist in Tryton")
            continue
        passed += 1
        accounts = conf["accounts"]
        ids = sorted(set(accounts.values()))
        found = {a["id"]: a for a in tryton.call(
            "model.account.account.search_read", [("id", "in", ids)], 0, None, None,
            ["code", "name", "company", "closed", "type", "type.statement", "type.receivable", "type.payable",
             "type.revenue", "type.expense"], company=company)}
        for code, account_id in sorted(accounts.items()):
            role = ROLES.get(entity, {}).get(code, {"role": "account", "kind": None})
            what = f"{entity}: account {code} ({role['role']}) -> Tryton account.account {account_id}"
            account = found.get(account_id)
            if account is None:
                problems.append(f"{what} does not exist (or is not visible to company {company})")
                continue
            what += f" '{account['code'] or ''} {account['name']}'".replace("' ", "'", 1)
            if account["company"] != company:
                problems.append(f"{what} belongs to company {account['company']}, not {company}")
                continue
            problem = kind_problem(role["kind"], account) if role["kind"] else None
            if problem:
                problems.append(f"{what} {problem}")
                continue
            passed += 1
        clearing_code = conf.get("clearing_account", "1150")
        clearing = accounts.get(clearing_code)
        if clearing is None:
            problems.append(f"{entity}: the clearing account {clearing_code} is not mapped")
        methods = tryton.call("model.account.invoice.payment.method.search_read",
                              [("id", "=", conf["payment_method"])], 0, 1, None,
                              ["rec_name", "company", "debit_account", "credit_account"], company=company)
        if not methods:
            problems.append(f"{entity}: payment method {conf['payment_method']} does not exist")
        else:
            method = methods[0]
            if method["company"] != company:
                problems.append(f"{entity}: payment method {method['id']} belongs to company {method['company']}")
            elif clearing is not None and not (method["debit_account"] == clearing == method["credit_account"]):
                problems.append(f"{entity}: payment method {method['id']} '{method['rec_name']}' books to accounts "
                                f"{method['debit_account']}/{method['credit_account']}, not to the clearing "
                                f"account {clearing_code} -> {clearing} on both sides")
            else:
                passed += 1
        receivable = accounts.get("1200")
        if receivable is not None:
            other = tryton.call("model.account.invoice.search_read",
                                [("type", "=", "out"), ("company", "=", company), ("state", "=", "posted"),
                                 ("account", "!=", receivable)], 0, 5, None, ["number", "account"], company=company)
            for invoice in other:
                print(f"WARN {entity}: invoice {invoice['number']} is on account {invoice['account']}, not the "
                      f"mapped receivable {receivable}: PayHub cannot take payments on it")
        for customer, party in sorted(mapping.get("customers", {}).items()):
            if tryton.call("model.party.party.search", [("id", "=", party)], 0, 1, None, company=company):
                passed += 1
            else:
                problems.append(f"customer {customer} -> party {party} does not exist (or is inactive)")
    return problems, passed


def main():
    mapping = MAPPING
    raw = os.environ.get("PAYHUB_TRYTON_MAPPING")
    if raw:
        mapping = json.loads(open(raw[1:]).read() if raw.startswith("@") else raw)
    try:
        tryton = Tryton(os.environ["TRYTON_URL"], os.environ["TRYTON_DATABASE"], os.environ.get("TRYTON_USER", "admin"),
                        os.environ["TRYTON_PASSWORD"])
    except KeyError as missing:
        print(f"FAIL set {missing.args[0]}")
        return 2
    except (OSError, urllib.error.URLError, RuntimeError) as error:
        print(f"FAIL cannot log in to Tryton: {error}")
        return 2
    problems, passed = check(tryton, mapping)
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        print(f"mapping INVALID: {len(problems)} problem(s), {passed} check(s) passed")
        return 1
    print(f"mapping OK: {passed} check(s) passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_EMBEDDED_VALIDATOR = '''"""Check PayHub's embedded-ERP mapping against PayHub's database: every entity's company
exists, and every posting-rule account exists in its chart with the type its role needs.

    PAYHUB_DATABASE_URL=sqlite:///payhub.db python validate_mapping.py
"""
import json
import os
import sys

from sqlalchemy import create_engine, text

MAPPING = json.loads(r"""@MAPPING@""")
KINDS = json.loads(r"""@KINDS@""")  # posting role -> the kind of account it needs
TYPES = {"cash": "asset", "receivable": "asset", "asset": "asset", "liability": "liability", "revenue": "revenue",
         "expense": "expense"}


def main():
    url = os.environ.get("PAYHUB_DATABASE_URL")
    if not url:
        print("FAIL set PAYHUB_DATABASE_URL")
        return 2
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    problems, passed = [], 0
    with create_engine(url).connect() as db:
        for entity, conf in MAPPING["entities"].items():
            company = conf["company"]
            if db.execute(text("SELECT 1 FROM erp_companies WHERE id = :c"), {"c": company}).first() is None:
                problems.append(f"{entity}: company {company} does not exist in the embedded ERP")
                continue
            passed += 1
            for role, code in sorted(conf["posting_rules"].items()):
                kind = KINDS.get(role)
                row = db.execute(text("SELECT name, type FROM erp_accounts WHERE company_id = :c AND code = :code"),
                                 {"c": company, "code": code}).first()
                what = f"{entity}: account {code} ({role})"
                if row is None:
                    problems.append(f"{what} does not exist in company {company}'s chart of accounts")
                elif kind and row.type != TYPES.get(kind, row.type):
                    problems.append(f"{what} '{row.name}' is of type {row.type}, not {TYPES[kind]}")
                else:
                    passed += 1
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        print(f"mapping INVALID: {len(problems)} problem(s), {passed} check(s) passed")
        return 1
    print(f"mapping OK: {passed} check(s) passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


# --- the report and the files ---
def report(proposal: Proposal) -> str:
    lines = [f"# ERP mapping proposal ({proposal.erp})", ""]
    for e in proposal.entities:
        c = e.company
        lines += [f"## Entity {e.entity} -> company {c['id']} ({c['name']}, {c['currency']})", "",
                  f"Why: {e.company_reason}.", "",
                  "| role | PayHub code | ERP account | confidence | reason |", "|---|---|---|---|---|"]
        for r in e.roles:
            account = f"{r.account['id']} ({r.account['code']} {r.account['name']})" if r.account else "unmapped"
            lines.append(f"| {r.role} | {r.code} | {account} | {r.confidence:.2f} "
                         f"{confidence_label(r.confidence)} | {r.reason} |")
        lines.append("")
        if e.unmapped:
            lines += [f"Unmapped roles: {', '.join(e.unmapped)}. A posting that needs one is refused until it is "
                      "mapped: create the account in the ERP, or map it by hand.", ""]
        if e.payment_method:
            pm = e.payment_method
            lines += [f"Payment method: {pm['id']} ({pm['name']}): {pm['reason']}.", ""]
        for m in e.customers:
            lines.append(f"- customer {m.customer_id} -> " + (f"party {m.party} ({m.reason})" if m.party else
                                                              f"no party ({m.reason})"))
    missing = [f for f in proposal.fields if not f.present]
    lines += ["## Fields", "", f"{len(proposal.fields) - len(missing)} of {len(proposal.fields)} fields PayHub reads "
              "are present." + (" Missing: " + ", ".join(f.erp for f in missing) if missing else ""), ""]
    if proposal.issues:
        lines += ["## Issues", "", *[f"- {i}" for i in proposal.issues], ""]
    d = proposal.dataset
    if d:
        lines += ["## Test dataset", "", f"Customer {d['customer']['name']!r} and invoices "
                  + ", ".join(f"{i['number']} ({Money(i['total'], d['currency'])})"
                              for i in d["invoices"]) + ": `python create_dataset.py`.", ""]
    env = ("TRYTON_URL=… TRYTON_DATABASE=… TRYTON_USER=admin TRYTON_PASSWORD=…" if proposal.erp == "tryton"
           else "PAYHUB_DATABASE_URL=…")
    lines += ["## Validate", "", f"`{env} python validate_mapping.py` checks the mapping against live records.", ""]
    if proposal.explanation:
        lines += ["## Notes", "", proposal.explanation, ""]
    return "\n".join(lines)


def files(proposal: Proposal) -> dict[str, str]:
    return {"mapping.json": json.dumps(proposal.mapping, indent=2) + "\n",
            "proposal.json": json.dumps(proposal.as_dict(), indent=2, default=str) + "\n",
            "dataset.json": json.dumps(proposal.dataset, indent=2) + "\n",
            "create_dataset.py": dataset_script(proposal),
            "validate_mapping.py": validation_script(proposal),
            "report.md": report(proposal)}


def write(proposal: Proposal, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, content in files(proposal).items():
        path = directory / name
        path.write_text(content)
        out.append(path)
    return out


def explain(proposal: Proposal, llm: Llm | None) -> Proposal:
    """The model's prose on the unmapped roles and issues, when one is configured; the facts stay the proposal's."""
    if llm is None:
        return proposal
    gaps = [f"{e.entity}: {r.role} ({r.reason})" for e in proposal.entities for r in e.roles if r.account is None]
    prompt = ("A payments hub proposes how its posting roles map to an ERP's chart of accounts. In a few short "
              "sentences, tell the accountant what to create or check.\nUnmapped: " + ("; ".join(gaps) or "none")
              + "\nIssues: " + ("; ".join(proposal.issues) or "none"))
    text = llm.complete("You are a concise ERP integration assistant. Never invent account ids.", prompt)
    return _with(proposal, explanation=text) if text else proposal


# --- the connected ERP of an entity, or of the server ---
def for_entity(svc: Services, entity_id: str, rules: PostingRules, llm: Llm | None = None) -> Proposal:
    """The proposal for an entity's own ERP (the server's when it has none)."""
    from payhub.erp.tryton import TrytonErp

    erp = svc.erp_for(entity_id)
    if isinstance(erp, TrytonErp):
        current = {e: m.company for e, m in erp.mapping.entities.items()}
        company = current.get(entity_id)
        schema = introspect_tryton(erp.session, company)
        known = _known_customers(svc, entity_id)
        customers = match_customers(erp.session, schema.companies[0].id, known, erp.mapping.customer_prefix) \
            if known and schema.companies and isinstance(schema.companies[0].id, int) else ()
        proposal = propose(schema, entity=entity_id, rules=rules, current=current, customers=customers)
    else:
        with svc.read() as s:
            schema = introspect_embedded(s, entity_id)
        proposal = propose(schema, entity=entity_id, rules=rules)
    return explain(proposal, llm)


def _known_customers(svc: Services, entity_id: str) -> list[KnownCustomer]:
    """The embedded ERP's customers of this entity (kept from before it moved to Tryton), if any."""
    from sqlalchemy import select

    from payhub.erp.embedded import ErpCustomer

    with svc.read() as s:
        rows = s.scalars(select(ErpCustomer).where(ErpCustomer.company_id == entity_id).order_by(ErpCustomer.id)
                         .limit(500))
        return [KnownCustomer(r.id, r.name, r.email) for r in rows]


def from_settings(settings: Settings, erp: str, entity: str | None) -> Proposal:
    """The CLI's proposal: the embedded ERP in PAYHUB_DATABASE_URL, or the Tryton PAYHUB_TRYTON_* name (a mapping
    already in PAYHUB_TRYTON_MAPPING keeps its entity names). The entity's posting rules come from PayHub's
    database when it has the entity, else PayHub's defaults."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from payhub.erp.tryton.rpc import TrytonRpc
    from payhub.store.db import make_engine
    from payhub.store.repo import load_entity_settings

    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as s:
            try:
                found = load_entity_settings(s, entity) if entity else None
            except SQLAlchemyError:  # no PayHub database here (Tryton only): map the default codes
                found = None
                s.rollback()
            rules = found.posting_rules if found else PostingRules()
            if erp == "embedded":
                return propose(introspect_embedded(s, entity), entity=entity, rules=rules)
    finally:
        engine.dispose()
    raw = settings.tryton_mapping
    configured = json.loads(Path(raw[1:]).read_text() if raw.startswith("@") else raw) if raw else {}
    current = {e: int(c["company"]) for e, c in configured.get("entities", {}).items()}
    rpc = TrytonRpc(settings.tryton_url, settings.tryton_database, settings.tryton_user, settings.tryton_password,
                    timeout=max(settings.tryton_timeout_s, 30.0))
    try:
        return propose(introspect_tryton(rpc), entity=entity, rules=rules, current=current)
    finally:
        rpc.close()
