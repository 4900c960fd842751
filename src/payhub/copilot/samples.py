"""Code samples for whole flows, generated from PayHub's OpenAPI operations with one set of Jinja2 templates per
language. A flow names the operations it calls; their methods and paths come from the spec, so a renamed path
changes every sample, and any operation (a new endpoint too) gets a per-operation sample with a request body
built from its schema. Every sample sends an Idempotency-Key on POST (one per logical operation, kept across
retries), uses integer money, retries 429 after Retry-After a bounded number of times, prints a problem's
`code` and `detail`, and reads PAYHUB_URL and PAYHUB_API_KEY from the environment."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).parent / "templates" / "samples"
SYSTEM_PROMPT = ("You adapt PayHub API code samples to what a developer describes. Keep the Idempotency-Key on "
                 "every POST, integer minor-unit money, the 429 Retry-After handling, the problem+json error "
                 "handling and the keys read from the environment. Answer with the adapted code only.")


@dataclass(frozen=True)
class Language:
    name: str
    title: str
    extension: str
    style: str  # how file names are spelt: "snake", "kebab" or "pascal" (Java and C# name the class after it)


LANGUAGES: dict[str, Language] = {lang.name: lang for lang in (
    Language("curl", "curl (bash)", "sh", "kebab"),
    Language("python", "Python (httpx)", "py", "snake"),
    Language("node", "Node.js (fetch, ESM)", "mjs", "kebab"),
    Language("typescript", "TypeScript (fetch)", "ts", "kebab"),
    Language("csharp", "C# (HttpClient)", "cs", "pascal"),
    Language("java", "Java (java.net.http)", "java", "pascal"),
    Language("go", "Go (net/http)", "go", "snake"),
)}


@dataclass(frozen=True)
class Flow:
    name: str
    title: str
    operations: tuple[str, ...]  # operation ids, looked up in the spec


FLOWS: dict[str, Flow] = {flow.name: flow for flow in (
    Flow("pay-invoices", "Get a customer's open invoices and pay them", ("list_customer_invoices", "create_payment")),
    Flow("manual-capture", "Authorize with manual capture, then capture", ("create_payment", "capture_payment")),
    Flow("partial-refund", "Pay, then refund part of the payment", ("create_payment", "create_refund",
                                                                     "get_payment")),
    Flow("list-history", "List the payment history page by page (next_cursor → starting_after)",
         ("list_payments",)),
    Flow("widgets", "Create a customer token and embed the widgets (script tag from the manifest)",
         ("create_customer_token", "get_widget_manifest")),
    Flow("verify-webhook", "Receive a webhook: Standard Webhooks signature on the raw body, constant-time "
         "compare, dedupe on webhook-id", ()),
)}

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class SampleError(LookupError):
    """An unknown flow, language or operation (the API answers 404)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    env: str  # the environment variable a per-operation sample reads it from


@dataclass(frozen=True)
class Operation:
    id: str
    method: str  # upper case
    path: str  # with {path parameters}
    summary: str
    path_params: tuple[Parameter, ...]
    required_query: tuple[Parameter, ...]
    body: Any  # an example body built from the request schema, or None without one

    @property
    def idempotent_post(self) -> bool:
        return self.method == "POST"


@dataclass(frozen=True)
class Sample:
    flow: str  # a flow name, or "operation:<operation id>"
    language: str
    filename: str
    code: str


def operations(spec: dict[str, Any]) -> dict[str, Operation]:
    """Every operation of the spec that has an operation id, by id."""
    found: dict[str, Operation] = {}
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if not isinstance(op, dict) or not op.get("operationId"):
                continue
            params = [_resolve(spec, p) for p in [*shared, *op.get("parameters", [])]]
            body_schema = (_resolve(spec, op.get("requestBody", {})).get("content", {})
                           .get("application/json", {}))
            found[op["operationId"]] = Operation(
                id=op["operationId"], method=method.upper(), path=path, summary=op.get("summary", ""),
                path_params=tuple(Parameter(p["name"], _env_name(p["name"])) for p in params if p.get("in") == "path"),
                required_query=tuple(Parameter(p["name"], _env_name(p["name"])) for p in params
                                     if p.get("in") == "query" and p.get("required")),
                body=_body_example(spec, body_schema) if body_schema else None)
    return found


def catalogue() -> dict[str, Any]:
    return {"flows": [{"name": f.name, "title": f.title, "operations": list(f.operations)} for f in FLOWS.values()],
            "languages": [{"name": lang.name, "title": lang.title} for lang in LANGUAGES.values()]}


def flow_sample(spec: dict[str, Any], flow_name: str, language: str) -> Sample:
    flow = FLOWS.get(flow_name)
    if flow is None:
        raise SampleError(f"Unknown flow {flow_name!r}; flows: {', '.join(FLOWS)}")
    lang = _language(language)
    ops = operations(spec)
    missing = [op for op in flow.operations if op not in ops]
    if missing:
        raise SampleError(f"The spec has no operation {', '.join(missing)} (flow {flow_name})")
    filename = _filename(flow.name, lang)
    code = _render(lang, f"{flow.name}.j2", ops=ops, flow=flow, class_name=_stem(flow.name, "pascal"),
                   filename=filename)
    return Sample(flow.name, lang.name, filename, code)


def operation_sample(spec: dict[str, Any], operation_id: str, language: str) -> Sample:
    lang = _language(language)
    ops = operations(spec)
    op = ops.get(operation_id)
    if op is None:
        raise SampleError(f"The spec has no operation {operation_id!r}")
    filename = _filename(operation_id.replace("_", "-"), lang)
    path_args = {p.name: p.env if lang.name == "curl" else p.name for p in op.path_params}
    code = _render(lang, "operation.j2", ops=ops, op=op, class_name=_stem(operation_id, "pascal"),
                   filename=filename, path_args=path_args)
    return Sample(f"operation:{op.id}", lang.name, filename, code)


def adapt(llm: Any, sample: Sample, description: str) -> str | None:
    """The model's adaptation of a sample to what the user described; None without a model or an answer."""
    if llm is None or not description.strip():
        return None
    prompt = (f"Language: {LANGUAGES[sample.language].title}\nWhat the developer wants: {description.strip()}\n\n"
              f"The sample ({sample.filename}):\n{sample.code}")
    answer: str | None = llm.complete(SYSTEM_PROMPT, prompt)
    return answer


def _language(name: str) -> Language:
    lang = LANGUAGES.get(name)
    if lang is None:
        raise SampleError(f"Unknown language {name!r}; languages: {', '.join(LANGUAGES)}")
    return lang


def _stem(name: str, style: str) -> str:
    words = [w for w in re.split(r"[-_\s]+", name) if w]
    if style == "pascal":
        return "".join(w[:1].upper() + w[1:] for w in words)
    return ("_" if style == "snake" else "-").join(words)


def _filename(name: str, lang: Language) -> str:
    return f"{_stem(name, lang.style)}.{lang.extension}"


def _env_name(param: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", param).upper()


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _body_example(spec: dict[str, Any], media: dict[str, Any]) -> Any:
    if "example" in media:
        return media["example"]
    examples = media.get("examples")
    if isinstance(examples, dict) and examples:
        first = _resolve(spec, next(iter(examples.values())))
        if isinstance(first, dict) and "value" in first:
            return first["value"]
    return _example(spec, media.get("schema", {}), depth=0)


def _example(spec: dict[str, Any], schema: Any, depth: int) -> Any:
    """A small valid-looking value for a schema: its example or default, else required members only."""
    schema = _resolve(spec, schema)
    if not isinstance(schema, dict) or depth > 8:
        return None
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "const" in schema:
        return schema["const"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "properties" in schema:
        properties = schema["properties"]
        required = list(schema.get("required", []))
        for alternative in schema.get("oneOf", [])[:1]:  # e.g. "a token or card details": the first
            required += [name for name in _resolve(spec, alternative).get("required", []) if name not in required]
        return {name: _example(spec, properties.get(name, {}), depth + 1) for name in required}
    for combined in ("oneOf", "anyOf", "allOf"):
        options = [o for o in schema.get(combined, []) if _resolve(spec, o).get("type") != "null"]
        if options:
            return _example(spec, options[0], depth + 1)
    kind = schema.get("type")
    if kind == "object":
        return {}
    if kind == "array":
        return [_example(spec, schema.get("items", {}), depth + 1)] if schema.get("minItems") else []
    if kind == "integer":
        return int(schema.get("minimum", 1))
    if kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return "string"


def _path_expr(lang: Language, ops: dict[str, Operation]) -> Callable[..., str]:
    """`path("capture_payment", payment_id="paymentId")`: the operation's path as an expression of the language,
    its path parameters replaced by the given expressions."""

    def path(operation_id: str, /, **values: str) -> str:
        template = ops[operation_id].path
        parts = re.split(r"\{([^}]+)\}", template)
        if lang.name == "curl":
            return '"' + "".join(p if i % 2 == 0 else "${" + values[p] + "}" for i, p in enumerate(parts)) + '"'
        pieces = [json.dumps(p) if i % 2 == 0 else values[p] for i, p in enumerate(parts) if p]
        return " + ".join(pieces)

    return path


def _py_literal(value: Any, indent: int = 0) -> str:
    """A JSON value as Python source (True, False, None)."""
    pad = " " * (indent + 4)
    if isinstance(value, dict) and value:
        items = [f"{pad}{json.dumps(k)}: {_py_literal(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"
    if isinstance(value, list) and value:
        return "[\n" + "\n".join(f"{pad}{_py_literal(v, indent + 4)}," for v in value) + "\n" + " " * indent + "]"
    if value is None or isinstance(value, bool):
        return repr(value)
    return json.dumps(value)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["py_literal"] = _py_literal
    env.filters["tojson_text"] = lambda value, indent=2: json.dumps(value, indent=indent)
    env.filters["pascal"] = lambda name: _stem(name, "pascal")
    return env


_ENV = _environment()


def _render(lang: Language, template: str, **context: Any) -> str:
    return _ENV.get_template(f"{lang.name}/{template}").render(
        lang=lang, path=_path_expr(lang, context["ops"]), **context)
