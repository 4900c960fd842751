"""Edge-case test payloads for any operation, each with the outcome PayHub must answer (status and `code`), and a
runner that sends them to a server and reports every mismatch.

What the OpenAPI spec says is read from it, so a new operation gets payloads without a line here: missing required
fields, unknown fields (`additionalProperties: false`), strings one past `maxLength` (and control characters),
values outside an `enum` or an integer range, arrays and maps one past `maxItems`/`maxProperties`, money fields
(an object of an integer `amount` and a `currency`) above the currency's maximum, beyond 2^53 - 1 or given as a
float, query parameters out of range, and an expired customer token on every authenticated operation. Those are
refused by validation, before any handler runs, so their outcome does not depend on the rest of the body.

What the spec cannot say (which body is valid, what 0 or a too large amount gives, the invoice balance rule,
what is credited) is in one table, KNOWN. Its bodies hold `Ref`s to live data, which the runner's `LiveContext`
fills in by asking the API first:

- `customer`: the `--customer` given, else the first customer from `GET /v1/customer_search` with an open invoice;
- `invoice.*` (id, currency, amount_payable): the customer's open invoice with most left to pay
  (`GET /v1/customers/{id}/invoices`);
- `captured_payment.*` (id, currency, refundable): a captured payment from `GET /v1/payments?status=captured` with
  something left to refund; if there is none, one is made (`POST /v1/payments`, 100 minor units of the invoice);
- `authorized_payment.*` (id, currency, capturable): from `GET /v1/payments?status=requires_capture`, else made
  the same way with `capture_method: manual`;
- `expired_customer_token`: the one given (`--expired-token`); else a token that was never issued, which the API
  answers exactly as an expired one (401 `invalid_customer_token`: it does not tell them apart).

Whatever a payload changes (a 2xx answer) invalidates the context, so the next payload sees the new balances.
Payloads that write are real payments, refunds and captures: run them against a test server, never production.
"""

from __future__ import annotations

import dataclasses
import json
import re
import re._constants as sre  # type: ignore[import-not-found]  # the standard library's regex parser
import re._parser as sre_parse  # type: ignore[import-not-found]
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from payhub.domain.money import MAX_AMOUNTS, MAX_SAFE_MINOR_UNITS

CATEGORIES = ("boundary_amount", "currency_exponent", "overpayment", "length", "missing_field", "extra_field",
              "invalid_value", "idempotency", "customer_token")
UNKNOWN_FIELD = "x_unknown_field"
# Text at a length limit: accented, CJK and astral (emoji) characters, each one code point, as pydantic counts.
UNICODE_TEXT = "é日😀ß"
# Bodies are at most 1 MiB (PAYHUB_MAX_BODY_BYTES's default; the spec does not say): larger ones are 413.
MAX_BODY_BYTES = 1 << 20
EXPIRED_STAND_IN = "pht_never_issued_stands_in_for_an_expired_token"


# --- what a payload is ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """A value from live data (see the module's doc), optionally the maximum amount of a currency it names, plus
    `add`."""

    name: str
    add: int = 0
    max_amount: bool = False
    other_than: tuple[str, ...] = ()  # the first of these that is not the value (another currency)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"$context": self.name}
        if self.other_than:
            out["first_other_of"] = list(self.other_than)
        if self.max_amount:
            out["max_amount_of"] = True
        if self.add:
            out["add"] = self.add
        return out


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    path_params: dict[str, Any] = dataclasses.field(default_factory=dict)
    query: dict[str, Any] = dataclasses.field(default_factory=dict)
    body: Any = None
    # A name for a fresh key, unique per run and the same within one payload (None: no key sent).
    idempotency_key: str | None = None
    auth: str = "key"  # or "expired_customer_token"


@dataclass(frozen=True)
class Expected:
    status: int
    code: str | None = None  # None on success
    field: str | None = None  # a field the problem's `errors` must name
    body: dict[str, Any] = dataclasses.field(default_factory=dict)  # dotted paths of the answer and their values


@dataclass(frozen=True)
class Payload:
    operation: str
    name: str
    category: str
    description: str
    request: Request
    expect: Expected
    before: tuple[tuple[Request, Expected], ...] = ()  # sent first, in order (e.g. the key's first use)

    @property
    def refs(self) -> set[str]:
        found: set[str] = set()
        for req in (self.request, *(r for r, _ in self.before)):
            for value in (req.path_params, req.query, req.body):
                found |= set(_refs(value))
            if req.auth == "expired_customer_token":
                found.add("expired_customer_token")
        for value in self.expect.body.values():
            found |= set(_refs(value))
        return found

    def as_json(self) -> dict[str, Any]:
        return {"operation": self.operation, "name": self.name, "category": self.category,
                "description": self.description, "request": _request_json(self.request),
                "before": [{"request": _request_json(r), "expect": _expected_json(e)} for r, e in self.before],
                "expect": _expected_json(self.expect)}


def _request_json(req: Request) -> dict[str, Any]:
    return {"method": req.method, "path": req.path, "path_params": _plain(req.path_params),
            "query": _plain(req.query), "body": _plain(req.body), "idempotency_key": req.idempotency_key,
            "auth": req.auth}


def _expected_json(exp: Expected) -> dict[str, Any]:
    return {"status": exp.status, "code": exp.code, "field": exp.field, "body": _plain(exp.body)}


def _plain(value: Any) -> Any:
    if isinstance(value, Ref):
        return value.as_json()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, Ref):
        yield value.name
    elif isinstance(value, dict):
        for v in value.values():
            yield from _refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _refs(v)


# --- reading the spec -------------------------------------------------------------------------------------------

class UnknownOperation(LookupError):
    pass


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    path: str
    body_schema: dict[str, Any] | None  # JSON bodies only
    authenticated: bool
    idempotent: bool  # takes an Idempotency-Key
    parameters: tuple[dict[str, Any], ...]
    spec: dict[str, Any]


def operation_ids(spec: dict[str, Any]) -> list[str]:
    return [op["operationId"] for item in spec.get("paths", {}).values() for op in item.values()
            if isinstance(op, dict) and "operationId" in op]


def operation(spec: dict[str, Any], operation_id: str) -> Operation:
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("operationId") != operation_id:
                continue
            content = op.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            params = tuple(_resolve(spec, p) for p in op.get("parameters", []))
            return Operation(operation_id, method.upper(), path, _resolve(spec, body) if body else None,
                             bool(op.get("security", spec.get("security"))),
                             any(p.get("name", "").lower() == "idempotency-key" for p in params), params, spec)
    raise UnknownOperation(operation_id)


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _concrete(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """An optional field's schema without its `null` branch (pydantic writes `anyOf: [X, null]`)."""
    schema = _resolve(spec, schema)
    options = [o for o in schema.get("anyOf", []) if _resolve(spec, o).get("type") != "null"]
    if len(options) == 1:
        return {**_resolve(spec, options[0]), **{k: v for k, v in schema.items() if k != "anyOf"}}
    return schema


def is_money(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """PayHub's money shape, however it is named: an integer `amount` and a three-letter `currency`."""
    schema = _concrete(spec, schema)
    props = schema.get("properties", {})
    return (schema.get("type") == "object" and set(schema.get("required", [])) >= {"amount", "currency"}
            and _concrete(spec, props.get("amount", {})).get("type") == "integer"
            and _concrete(spec, props.get("currency", {})).get("type") == "string")


def example(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A small value valid against `schema`: its examples, default, const or first enum value, else one built
    from its type, bounds and pattern. Objects carry their required properties only."""
    schema = _concrete(spec, schema)
    for key in ("examples",):
        if schema.get(key):
            return schema[key][0]
    if schema.get("default") is not None:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if is_money(spec, schema):
        return {"amount": 100, "currency": "USD"}
    kind = schema.get("type")
    if kind != "object" and "properties" not in schema:
        for union in ("oneOf", "anyOf"):
            if schema.get(union):
                return example(spec, schema[union][0])
    if kind == "object" or "properties" in schema:
        required = list(schema.get("required", []))
        for option in schema.get("oneOf", [])[:1]:  # a JSON-Schema "exactly one of these" (CardMethodIn)
            required += [r for r in option.get("required", []) if r not in required]
        props = schema.get("properties", {})
        return {name: example(spec, props.get(name, {})) for name in required}
    if kind == "array":
        return [example(spec, schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind == "integer" or kind == "number":
        low = schema["exclusiveMinimum"] + 1 if "exclusiveMinimum" in schema else schema.get("minimum", 1)
        high = schema.get("maximum")
        return max(int(low), 1) if high is None or high >= 1 else int(low)
    if kind == "boolean":
        return False
    if kind == "string":
        return _string_example(schema)
    return "x"


FORMATS = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "email": "edge@example.com",
           "uri": "https://example.com/edge", "uuid": "00000000-0000-4000-8000-000000000000"}


def _string_example(schema: dict[str, Any]) -> str:
    if (by_format := FORMATS.get(str(schema.get("format")))) is not None:
        return by_format
    if "pattern" in schema and (found := matching(schema["pattern"])) is not None:
        return found
    return "x" * max(int(schema.get("minLength", 1)), 1)


def matching(pattern: str) -> str | None:
    """The shortest string the regular expression takes on its first branches, or None if that does not match."""
    def build(items: Any) -> str:
        out = []
        for op, arg in items:
            if op is sre.LITERAL:
                out.append(chr(arg))
            elif op is sre.ANY:
                out.append("a")
            elif op is sre.IN:
                out.append(_first_in(arg))
            elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
                out.append(build(arg[2]) * arg[0])
            elif op is sre.SUBPATTERN:
                out.append(build(arg[-1]))
            elif op is sre.BRANCH:
                out.append(build(arg[1][0]))
            elif op is sre.CATEGORY:
                out.append(_category(arg))
        return "".join(out)

    try:
        found = build(sre_parse.parse(pattern))
    except (re.error, TypeError, ValueError):
        return None
    return found if re.search(pattern, found) else None


def _first_in(items: Any) -> str:
    for op, arg in items:
        if op is sre.LITERAL:
            return chr(arg)
        if op is sre.RANGE:
            return chr(arg[0])
        if op is sre.CATEGORY:
            return _category(arg)
    return "a"


def _category(category: Any) -> str:
    return {sre.CATEGORY_DIGIT: "0", sre.CATEGORY_SPACE: " "}.get(category, "a")


# --- what the spec cannot say: one table ------------------------------------------------------------------------

@dataclass(frozen=True)
class Known:
    """An operation's live knowledge. `base` is a valid body (with Refs), answered `success`. `money` is the path of
    the money field the amount rules apply to, in `currency` (a Ref: fixed by live data). The amount must be
    positive (`positive_only`: 0 and negatives are 422 `amount_invalid`) and at most `ceiling` (a Ref; beyond it,
    `ceiling_code`); with `overpayment`, `allow_overpayment: true` credits the excess instead, shown at
    `credited` in the answer. `any_currency(currency, amount)` builds a valid body where any supported currency is
    accepted (unapplied cash, a token's maximum)."""

    base: dict[str, Any]
    success: int
    path_params: dict[str, Any] = dataclasses.field(default_factory=dict)
    money: tuple[str | int, ...] | None = None
    currency: Ref | None = None
    positive_only: bool = True
    ceiling: Ref | None = None
    ceiling_code: str | None = None
    overpayment: bool = False
    credited: str | None = None  # dotted path of the credited amount in the answer
    any_currency: Callable[[str, int], dict[str, Any]] | None = None


CARD = {"type": "card", "token": "tok_visa"}
_INVOICE_PAYMENT = Known(
    base={"allocations": [{"invoice": Ref("invoice.id"), "amount": {"amount": 1, "currency": Ref("invoice.currency")}}],
          "payment_method": CARD},
    success=201, money=("allocations", 0, "amount"), currency=Ref("invoice.currency"),
    ceiling=Ref("invoice.amount_payable"), ceiling_code="amount_exceeds_balance", overpayment=True,
    credited="unapplied.amount",
    any_currency=lambda currency, amount: {"customer": Ref("customer"), "payment_method": CARD,
                                           "unapplied": {"amount": amount, "currency": currency}})

KNOWN: dict[str, Known] = {
    "create_payment": _INVOICE_PAYMENT,
    "create_payment_v2": replace(_INVOICE_PAYMENT, credited=None),  # v2 shows the credit as an allocation
    "quote_payment": replace(_INVOICE_PAYMENT, success=200, credited=None),  # writes nothing
    "create_refund": Known(
        base={"payment": Ref("captured_payment.id"),
              "amount": {"amount": 1, "currency": Ref("captured_payment.currency")}},
        success=201, money=("amount",), currency=Ref("captured_payment.currency"),
        ceiling=Ref("captured_payment.refundable"), ceiling_code="refund_exceeds_captured"),
    "capture_payment": Known(
        base={"amount": {"amount": 1, "currency": Ref("authorized_payment.currency")}}, success=200,
        path_params={"payment_id": Ref("authorized_payment.id")}, money=("amount",),
        currency=Ref("authorized_payment.currency"), ceiling=Ref("authorized_payment.capturable"),
        ceiling_code="amount_exceeds_capturable"),
    "create_customer_token": Known(
        base={"customer": Ref("customer")}, success=201,
        any_currency=lambda currency, amount: {"customer": Ref("customer"),
                                               "max_amount": {"amount": amount, "currency": currency}}),
}


# --- generating --------------------------------------------------------------------------------------------------

def generate(spec: dict[str, Any], operation_id: str) -> list[Payload]:
    """Every payload for one operation: spec-derived refusals, then the table's live cases."""
    op = operation(spec, operation_id)
    known = KNOWN.get(operation_id)
    gen = _Generator(op, known)
    return gen.all()


def generate_all(spec: dict[str, Any]) -> list[Payload]:
    return [p for op_id in operation_ids(spec) for p in generate(spec, op_id)]


class _Generator:
    def __init__(self, op: Operation, known: Known | None) -> None:
        self.op, self.known, self.spec = op, known, op.spec
        self.params = {p["name"]: self._param_value(p) for p in op.parameters if p.get("in") == "path"}
        if known is not None:
            self.params.update(known.path_params)
        self.base: Any = None
        if op.body_schema is not None:
            self.base = known.base if known is not None else example(self.spec, op.body_schema)
        self.out: list[Payload] = []
        self.keys = 0

    def _param_value(self, param: dict[str, Any]) -> Any:
        return example(self.spec, param.get("schema", {}))

    def all(self) -> list[Payload]:
        if self.op.body_schema is not None:
            self._body_fields(self.op.body_schema, self.base, ())
        self._query()
        if self.known is not None and self.op.body_schema is not None:
            self._live()
        if self.op.authenticated:
            # Any body and path: the token is refused before either is read.
            spec_body = example(self.spec, self.op.body_schema) if self.op.body_schema is not None else None
            spec_params = {p["name"]: self._param_value(p) for p in self.op.parameters if p.get("in") == "path"}
            self._add("customer_token", "expired_customer_token",
                      "A customer token past its expiry is refused before anything is read",
                      replace(self._request(spec_body, auth="expired_customer_token"), path_params=spec_params),
                      Expected(401, "invalid_customer_token"))
        return self.out

    # helpers
    def _request(self, body: Any, *, auth: str = "key", query: dict[str, Any] | None = None,
                 key: str | None = None) -> Request:
        if key is None and self.op.idempotent:
            self.keys += 1
            key = f"k{self.keys}"
        return Request(self.op.method, self.op.path, dict(self.params), query or {},
                       body if self.op.body_schema is not None else None, key, auth)

    def _add(self, category: str, name: str, description: str, request: Request, expect: Expected,
             before: tuple[tuple[Request, Expected], ...] = ()) -> None:
        self.out.append(Payload(self.op.id, name, category, description, request, expect, before))

    def _refused(self, category: str, name: str, description: str, body: Any, field_name: str,
                 code: str = "validation_error") -> None:
        expect = Expected(422, code, field_name)
        if _size(body) > MAX_BODY_BYTES:  # a limit of the spec's beyond the server's: the body is refused whole
            expect, description = Expected(413, "payload_too_large"), f"{description}, a body over the size limit"
        self._add(category, name, description, self._request(body), expect)

    # spec-derived: every field of the body (those in the base, and absent optional scalars and money)
    def _body_fields(self, schema: dict[str, Any], value: Any, at: tuple[str | int, ...]) -> None:
        schema = _concrete(self.spec, schema)
        if is_money(self.spec, schema):
            self._money_refusals(at, value if isinstance(value, dict) else None)
            self._object_rules(schema, value if isinstance(value, dict) else example(self.spec, schema), at)
            return
        variant = self._variant(schema, value)
        if variant is not None:  # a missing tag is named at the union (pydantic: union_tag_not_found)
            self._object_rules(variant, value, at, tag=schema["discriminator"]["propertyName"])
            for name, prop in variant.get("properties", {}).items():
                if name in value:
                    self._body_fields(prop, value[name], (*at, name))
            return
        if schema.get("type") == "object" or "properties" in schema:
            if not isinstance(value, dict):
                return
            self._object_rules(schema, value, at)
            for name, prop in schema.get("properties", {}).items():
                sub = _concrete(self.spec, prop)
                if name in value:
                    self._body_fields(sub, value[name], (*at, name))
                elif is_money(self.spec, sub):
                    self._money_refusals((*at, name), None)
                elif sub.get("type") in ("string", "integer", "array") or "enum" in sub:
                    self._scalar_rules(sub, (*at, name))
                elif sub.get("type") == "object" and "maxProperties" in sub:
                    self._object_rules(sub, {}, (*at, name))
            return
        if schema.get("type") == "array" and isinstance(value, list):
            self._scalar_rules(schema, at)
            for index, item in enumerate(value[:1]):
                self._body_fields(schema.get("items", {}), item, (*at, index))
            return
        self._scalar_rules(schema, at)

    def _variant(self, schema: dict[str, Any], value: Any) -> dict[str, Any] | None:
        """The branch of a discriminated union (`oneOf` + `discriminator`) that `value` takes."""
        tag = schema.get("discriminator", {}).get("propertyName")
        if tag is None or not isinstance(value, dict) or value.get(tag) not in schema["discriminator"].get(
                "mapping", {}):
            return None
        return _resolve(self.spec, {"$ref": schema["discriminator"]["mapping"][value[tag]]})

    def _object_rules(self, schema: dict[str, Any], value: dict[str, Any], at: tuple[str | int, ...],
                      tag: str | None = None) -> None:
        where = _dotted(at) or "the body"
        for name in schema.get("required", []):
            if name in value:
                self._refused("missing_field", f"missing.{_dotted((*at, name))}",
                              f"{where} without its required `{name}`", _without(self.base, (*at, name)),
                              _dotted(at if name == tag else (*at, name)))
        if schema.get("additionalProperties") is False:
            self._refused("extra_field", f"extra.{_dotted((*at, UNKNOWN_FIELD))}",
                          f"an unknown field in {where} is refused, not ignored",
                          _with(self.base, (*at, UNKNOWN_FIELD), "surprise"), _dotted((*at, UNKNOWN_FIELD)))
        limit = schema.get("maxProperties")
        if limit is not None and isinstance((values := schema.get("additionalProperties")), dict):
            many = {f"k{i}": example(self.spec, values) for i in range(limit + 1)}
            self._refused("invalid_value", f"too_many.{_dotted(at)}", f"{limit + 1} entries in {where}, one too many",
                          _with(self.base, at, many), _dotted(at))

    def _scalar_rules(self, schema: dict[str, Any], at: tuple[str | int, ...]) -> None:
        name = _dotted(at)
        kind = schema.get("type")
        if "enum" in schema and kind == "string":
            self._refused("invalid_value", f"enum.{name}", f"`{name}` outside {schema['enum']}",
                          _with(self.base, at, "not_" + "_".join(map(str, schema["enum"]))[:40]), name)
        if kind == "string" and "maxLength" in schema:
            limit = schema["maxLength"]
            self._refused("length", f"too_long.{name}", f"`{name}` one character past its {limit}",
                          _with(self.base, at, _text(limit + 1)), name)
            self._refused("length", f"combining_marks.{name}",
                          f"`{name}` of {limit // 2 + 1} accented letters written with combining marks: "
                          f"{2 * (limit // 2 + 1)} code points, past {limit}",
                          _with(self.base, at, "e\u0301" * (limit // 2 + 1)), name)
            if self.known is not None and "pattern" not in schema and _size(_text(limit)) < MAX_BODY_BYTES:
                self._add("length", f"at_limit.{name}", f"`{name}` of exactly {limit} characters, unicode included",
                          self._request(_with(self.base, at, _text(limit))), Expected(self.known.success))
        if kind == "string" and "enum" not in schema and "const" not in schema:
            self._refused("length", f"control_characters.{name}", f"`{name}` holding a NUL character",
                          _with(self.base, at, "a\x00b"), name, "control_characters")
        if kind == "integer":
            if "minimum" in schema:
                self._refused("invalid_value", f"below_minimum.{name}", f"`{name}` one below {schema['minimum']}",
                              _with(self.base, at, int(schema["minimum"]) - 1), name)
            if "maximum" in schema and schema["maximum"] < MAX_SAFE_MINOR_UNITS:
                self._refused("invalid_value", f"above_maximum.{name}", f"`{name}` one above {schema['maximum']}",
                              _with(self.base, at, int(schema["maximum"]) + 1), name)
        if kind == "array" and "maxItems" in schema:
            limit = schema["maxItems"]
            item = example(self.spec, schema.get("items", {}))
            self._refused("invalid_value", f"too_many.{name}", f"{limit + 1} items in `{name}`, one too many",
                          _with(self.base, at, [item] * (limit + 1)), name)

    def _money_refusals(self, at: tuple[str | int, ...], value: dict[str, Any] | None) -> None:
        """Refused by validation whatever the rest: above the currency's maximum, beyond 2^53 - 1, a float."""
        name = _dotted(at)
        currency = value.get("currency", "USD") if value else "USD"
        if not isinstance(currency, Ref) and currency not in MAX_AMOUNTS:
            currency = "USD"  # an example's currency PayHub does not have

        def amount(a: Any, cur: Any = currency) -> Any:
            return _with(self.base, at, {"amount": a, "currency": cur})

        # A Ref's maximum is known when run.
        over = Ref(currency.name, add=1, max_amount=True) if isinstance(currency, Ref) else MAX_AMOUNTS[currency] + 1
        self._refused("boundary_amount", f"max_plus_one.{name}", f"`{name}` one minor unit above the currency's "
                      "maximum (just under a trillion major units)", amount(over), name, "amount_too_large")
        self._refused("boundary_amount", f"js_max_safe.{name}", f"`{name}` of 2^53 - 1: exact in JavaScript, "
                      "but above every currency's maximum", amount(MAX_SAFE_MINOR_UNITS), name, "amount_too_large")
        self._refused("boundary_amount", f"js_unsafe.{name}", f"`{name}` of 2^53, which JavaScript cannot hold "
                      "exactly", amount(MAX_SAFE_MINOR_UNITS + 1), f"{name}.amount", "number_too_large")
        self._refused("boundary_amount", f"float.{name}", f"`{name}` with a fractional amount: money is integer "
                      "minor units", amount(12.5), f"{name}.amount")
        self._refused("boundary_amount", f"float_whole.{name}", f"`{name}` of 100.0: a float even when whole",
                      amount(100.0), f"{name}.amount")
        self._refused("currency_exponent", f"jpy_usd_max.{name}", f"`{name}` of {MAX_AMOUNTS['USD']} JPY: valid "
                      "in USD (2 decimals), too large in JPY (0 decimals)", amount(MAX_AMOUNTS["USD"], "JPY"), name,
                      "amount_too_large")
        self._refused("currency_exponent", f"kwd_max_plus_one.{name}", f"`{name}` of {MAX_AMOUNTS['KWD'] + 1} "
                      "KWD: one past the 3-decimal currency's maximum", amount(MAX_AMOUNTS["KWD"] + 1, "KWD"), name,
                      "amount_too_large")
        self._refused("currency_exponent", f"lowercase_currency.{name}", f"`{name}` in `usd`: currencies are "
                      "upper-case ISO 4217 codes", amount(100, "usd"), f"{name}.currency")

    def _query(self) -> None:
        for param in self.op.parameters:
            if param.get("in") != "query":
                continue
            schema = _concrete(self.spec, param.get("schema", {}))
            name, kind = param["name"], schema.get("type")
            bad: list[tuple[str, Any, str]] = []
            if "enum" in schema:
                bad.append(("enum", "not_a_value", f"`{name}` outside {schema['enum']}"))
            if kind == "integer" and "minimum" in schema:
                bad.append(("below_minimum", int(schema["minimum"]) - 1, f"`{name}` one below {schema['minimum']}"))
            if kind == "integer" and "maximum" in schema:
                bad.append(("above_maximum", int(schema["maximum"]) + 1, f"`{name}` one above {schema['maximum']}"))
            if kind == "string" and "maxLength" in schema:
                bad.append(("too_long", _text(schema["maxLength"] + 1), f"`{name}` past {schema['maxLength']}"))
            for label, value, description in bad:
                self._add("invalid_value", f"query.{label}.{name}", description,
                          self._request(self.base, query={name: value}), Expected(422, "validation_error", name))

    # the table's live cases
    def _live(self) -> None:
        known = self.known
        assert known is not None
        ok = Expected(known.success)
        if known.money is not None and known.currency is not None:
            at, cur = known.money, known.currency

            def amount(a: Any, currency: Any = cur, **extra: Any) -> Any:
                body = _with(self.base, at, {"amount": a, "currency": currency})
                return {**body, **extra}

            name = _dotted(at)
            self._add("boundary_amount", f"one.{name}", "the smallest amount, one minor unit",
                      self._request(amount(1)), ok)
            if known.positive_only:
                for label, value in (("zero", 0), ("negative", -1)):
                    self._add("boundary_amount", f"{label}.{name}", f"`{name}` of {value}: amounts are positive",
                              self._request(amount(value)), Expected(422, "amount_invalid"))
            maximum = Ref(cur.name, max_amount=True)
            if known.ceiling is not None:
                self._add("boundary_amount", f"max.{name}", "the currency's maximum: valid money, but more than "
                          "can be asked here", self._request(amount(maximum)), Expected(422, known.ceiling_code))
                self._add("overpayment", f"ceiling_plus_one.{name}", f"one minor unit more than {known.ceiling.name}",
                          self._request(amount(Ref(known.ceiling.name, add=1))), Expected(422, known.ceiling_code))
                if known.overpayment:
                    credited = {known.credited: 1} if known.credited else {}
                    self._add("overpayment", f"allowed.{name}", "one minor unit more than the balance with "
                              "allow_overpayment: the excess is credited to the customer",
                              self._request(amount(Ref(known.ceiling.name, add=1), allow_overpayment=True)),
                              Expected(known.success, body=credited))
                else:
                    self._add("boundary_amount", f"ceiling.{name}", f"exactly {known.ceiling.name}",
                              self._request(amount(Ref(known.ceiling.name))), ok)
            else:
                self._add("boundary_amount", f"max.{name}", "the currency's maximum", self._request(amount(maximum)),
                          ok)
            for label, others in (("zero_decimal", ("JPY", "KRW")), ("three_decimal", ("KWD", "BHD"))):
                # 1000 minor units: valid in either currency; only the currency is wrong here.
                other = Ref(cur.name, other_than=others)
                self._add("currency_exponent", f"other_currency.{label}.{name}", f"`{name}` in {others[0]} (or "
                          f"{others[1]}), where {cur.name} fixes another currency",
                          self._request(amount(1000, other)), Expected(422, "currency_mismatch"))
        if known.any_currency is not None:
            for currency, value, label in (("JPY", 1000, "1000 yen (no decimals)"),
                                           ("JPY", MAX_AMOUNTS["JPY"], "the JPY maximum"),
                                           ("KWD", 1234, "1.234 dinars (three decimals)"),
                                           ("KWD", MAX_AMOUNTS["KWD"], "the KWD maximum, above USD's")):
                self._add("currency_exponent", f"valid.{currency}.{value}", label,
                          self._request(known.any_currency(currency, value)), ok)
            self._add("currency_exponent", "valid.JPY.max_plus_one", "one yen past the JPY maximum",
                      self._request(known.any_currency("JPY", MAX_AMOUNTS["JPY"] + 1)),
                      Expected(422, "amount_too_large"))
            self._add("currency_exponent", "unsupported_currency", "a well-formed code PayHub does not support",
                      self._request(known.any_currency("XTS", 100)), Expected(422, "currency_unsupported"))
        if self.op.idempotent:
            first = self._request(self.base, key="reused")
            other = _changed(self.base)
            self._add("idempotency", "reused_key_other_body", "the Idempotency-Key of an earlier request with "
                      "another body: refused, and the first request is not repeated",
                      self._request(other, key="reused"), Expected(422, "idempotency_key_reused"),
                      before=((first, ok),))
            self._add("idempotency", "reused_key_same_body", "the same key and body again: the stored answer "
                      "is replayed", self._request(self.base, key="replayed"), ok,
                      before=((self._request(self.base, key="replayed"), ok),))


def _size(body: Any) -> int:
    return len(json.dumps(_plain(body), ensure_ascii=False).encode())


def _text(length: int) -> str:
    return (UNICODE_TEXT * (length // len(UNICODE_TEXT) + 1))[:length]


def _dotted(at: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in at)


def _with(base: Any, at: tuple[str | int, ...], value: Any) -> Any:
    """A copy of `base` with `value` at `at` (objects created on the way)."""
    if not at:
        return value
    head, rest = at[0], at[1:]
    if isinstance(head, int):
        items = list(base) if isinstance(base, list) else []
        items[head] = _with(items[head], rest, value)
        return items
    copy = dict(base) if isinstance(base, dict) else {}
    copy[head] = _with(copy.get(head), rest, value)
    return copy


def _without(base: Any, at: tuple[str | int, ...]) -> Any:
    if len(at) == 1:
        return {k: v for k, v in base.items() if k != at[0]}
    head = at[0]
    if isinstance(head, int):
        items = list(base)
        items[head] = _without(items[head], at[1:])
        return items
    return {**base, head: _without(base[head], at[1:])}


def _changed(body: Any) -> Any:
    """The same request with one amount changed (or a description added): another body for the same key."""
    def bump(value: Any) -> tuple[Any, bool]:
        if isinstance(value, dict):
            if isinstance(value.get("amount"), int) and "currency" in value:
                return {**value, "amount": value["amount"] + 1}, True
            for k, v in value.items():
                new, done = bump(v)
                if done:
                    return {**value, k: new}, True
        if isinstance(value, list):
            for i, v in enumerate(value):
                new, done = bump(v)
                if done:
                    return [*value[:i], new, *value[i + 1:]], True
        return value, False

    changed, done = bump(body)
    return changed if done else {**body, "description": "another body"}


# --- live context and the runner --------------------------------------------------------------------------------

class ContextUnavailable(LookupError):
    pass


class LiveContext:
    """Live data for the payloads' Refs, read from the API (see the module's doc) when first needed and read
    again after anything changed."""

    def __init__(self, client: Any, customer: str | None = None, expired_token: str | None = None) -> None:
        self.client = client
        self.customer = customer
        self.expired_token = expired_token
        self.values: dict[str, Any] = {}
        self.made = 0

    def invalidate(self) -> None:
        self.values.clear()

    def get(self, name: str) -> Any:
        if name not in self.values:
            group = name.split(".")[0]
            loader = {"customer": self._customer, "invoice": self._invoice, "captured_payment": self._captured,
                      "authorized_payment": self._authorized,
                      "expired_customer_token": self._expired}.get(group)
            if loader is None:
                raise ContextUnavailable(f"no context value {name!r}")
            loader()
        return self.values[name]

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = send(self.client, method, path, **kwargs)
        if response.status_code >= 400:
            raise ContextUnavailable(f"{method} {path} answered {response.status_code}")
        return response.json()

    def _open_invoices(self, customer: str) -> list[dict[str, Any]]:
        found = self._call("GET", f"/v1/customers/{customer}/invoices")["data"]
        return [i for i in found if i.get("status") == "open" and i["amount_payable"]["amount"] >= 200]

    def _customer(self) -> None:
        candidates = [self.customer] if self.customer else [
            c["id"] for c in self._call("GET", "/v1/customer_search", params={"limit": 50})["data"]]
        for customer in candidates:
            invoices = self._open_invoices(customer)
            if invoices:
                self.values["customer"] = customer
                return
        raise ContextUnavailable("no customer with an open invoice of at least 200 minor units")

    def _invoice(self) -> None:
        invoices = self._open_invoices(self.get("customer"))
        if not invoices and self.customer is None:  # paid off since: look for another customer
            self.values.pop("customer")
            invoices = self._open_invoices(self.get("customer"))
        if not invoices:
            raise ContextUnavailable(f"customer {self.get('customer')} has no open invoice left")
        invoice = max(invoices, key=lambda i: i["amount_payable"]["amount"])
        self.values.update({"invoice.id": invoice["id"], "invoice.currency": invoice["amount_payable"]["currency"],
                            "invoice.amount_payable": invoice["amount_payable"]["amount"]})

    def _payment(self, status: str, left: Callable[[dict[str, Any]], int], capture_method: str) -> dict[str, Any]:
        for payment in self._call("GET", "/v1/payments", params={"status": status, "limit": 100})["data"]:
            if left(payment) >= 2:  # one minor unit, and one more
                return payment  # type: ignore[no-any-return]
        body = {"allocations": [{"invoice": self.get("invoice.id"),
                                 "amount": {"amount": 100, "currency": self.get("invoice.currency")}}],
                "payment_method": CARD, "capture_method": capture_method}
        self.made += 1
        made = self._call("POST", "/v1/payments", json=body,
                          headers={"Idempotency-Key": f"payloads-context-{uuid.uuid4().hex}"})
        self.invalidate()
        return made  # type: ignore[no-any-return]

    def _captured(self) -> None:
        def refundable(p: dict[str, Any]) -> int:
            return int(p["amount_captured"]["amount"]) - int(p["amount_refunded"]["amount"])

        payment = self._payment("captured", refundable, "automatic")
        self.values.update({"captured_payment.id": payment["id"],
                            "captured_payment.currency": payment["amount"]["currency"],
                            "captured_payment.refundable": refundable(payment)})

    def _authorized(self) -> None:
        def capturable(p: dict[str, Any]) -> int:
            return int(p["amount_capturable"]["amount"])

        payment = self._payment("requires_capture", capturable, "manual")
        self.values.update({"authorized_payment.id": payment["id"],
                            "authorized_payment.currency": payment["amount"]["currency"],
                            "authorized_payment.capturable": capturable(payment)})

    def _expired(self) -> None:
        self.values["expired_customer_token"] = self.expired_token or EXPIRED_STAND_IN

    def resolve(self, value: Any) -> Any:
        if isinstance(value, Ref):
            resolved = self.get(value.name)
            if value.other_than:
                return next(c for c in value.other_than if c != resolved)
            if value.max_amount:
                resolved = MAX_AMOUNTS[resolved]
            return resolved + value.add if value.add else resolved
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value


def send(client: Any, method: str, path: str, retries: int = 5, **kwargs: Any) -> Any:
    """One request, waiting out a 429 as its Retry-After says (a few times at most)."""
    for _ in range(retries):
        response = client.request(method, path, **kwargs)
        if response.status_code != 429:
            return response
        time.sleep(min(float(response.headers.get("Retry-After", "1")), 5.0))
    return response


@dataclass(frozen=True)
class Result:
    payload: Payload
    status: int | None
    code: str | None
    problems: tuple[str, ...]  # empty: as expected

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {"operation": self.payload.operation, "name": self.payload.name, "category": self.payload.category,
                "expected": _expected_json(self.payload.expect), "status": self.status, "code": self.code,
                "ok": self.ok, "problems": list(self.problems)}


def run(payloads: list[Payload], client: Any, context: LiveContext) -> list[Result]:
    """Send each payload (its `before` requests first) and compare the answers with what is expected. A payload's
    live values are read once, before its first request, so a replay sends the very same body."""
    run_id = uuid.uuid4().hex[:12]
    results = []
    for index, payload in enumerate(payloads):
        prefix = f"payloads-{run_id}-{index}"
        try:
            before = [(_resolved(context, request), expected) for request, expected in payload.before]
            request = _resolved(context, payload.request)
            expect = replace(payload.expect, body=context.resolve(payload.expect.body))
        except ContextUnavailable as error:
            results.append(Result(payload, None, None, (f"not run: {error}",)))
            continue
        problems: list[str] = []
        for first, expected in before:
            answer = _send(client, context, first, prefix)
            problems += [f"before: {p}" for p in _compare(expected, answer)]
        if not problems:
            answer = _send(client, context, request, prefix)
            problems = _compare(expect, answer)
        results.append(Result(payload, answer.status_code, _code(answer), tuple(problems)))
    return results


def _resolved(context: LiveContext, request: Request) -> Request:
    token = context.get("expired_customer_token") if request.auth == "expired_customer_token" else None
    return replace(request, path_params=context.resolve(request.path_params), query=context.resolve(request.query),
                   body=context.resolve(request.body), auth=f"Bearer {token}" if token else "key")


def _send(client: Any, context: LiveContext, request: Request, key_prefix: str) -> Any:
    """Send a resolved request."""
    path = request.path.format(**request.path_params)
    headers = {}
    if request.idempotency_key is not None:
        headers["Idempotency-Key"] = f"{key_prefix}-{request.idempotency_key}"
    if request.auth != "key":
        headers["Authorization"] = request.auth
    kwargs: dict[str, Any] = {"headers": headers, "params": request.query or None}
    if request.body is not None:
        # Sent as written: floats stay floats (100.0 is not 100), text is UTF-8.
        kwargs["content"] = json.dumps(request.body, ensure_ascii=False).encode()
        headers["Content-Type"] = "application/json"
    answer = send(client, request.method, path, **kwargs)
    if answer.status_code < 300:
        context.invalidate()  # balances and payments may have changed
    return answer


def _code(answer: Any) -> str | None:
    try:
        body = answer.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def _compare(expected: Expected, answer: Any, context: LiveContext | None = None) -> list[str]:
    problems = []
    code = _code(answer)
    if answer.status_code != expected.status:
        problems.append(f"status {answer.status_code}, expected {expected.status}")
    if expected.code is not None and code != expected.code:
        problems.append(f"code {code!r}, expected {expected.code!r}")
    if expected.field is not None:
        named = [e.get("field") for e in (answer.json().get("errors") or [])] if code else []
        if expected.field not in named:
            problems.append(f"errors name {named}, expected {expected.field!r}")
    for path, value in expected.body.items():
        found: Any = answer.json() if answer.status_code < 300 else None
        for part in path.split("."):
            found = found.get(part) if isinstance(found, dict) else None
        if found != value:
            problems.append(f"{path} is {found!r}, expected {value!r}")
    return problems
