"""The OpenAPI document, completed from the route table so it tells the truth: the bearer security scheme on
every authenticated operation, every error status an operation can answer (RFC 9457 problem+json, 422
included), the documented request headers, and links that lead a client from a payment to its capture,
void and refunds. Routers stay thin: nothing here is declared per route."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, routing
from fastapi.routing import APIRoute

from payhub.api.deps import authenticator
from payhub.api.errors import PROBLEM
from payhub.api.versions import ADDED_IN_CURRENT, CURRENT, VERSIONS

SECURITY_SCHEME = "bearerAuth"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
IDEMPOTENCY_KEY = r"^[!-~]([ -~]{0,253}[!-~])?$"  # printable ASCII; a header's outer spaces are not part of it

# Operations that call a payment gateway: a decline (402), a gateway failure (502) or timeout (504).
GATEWAY_OPERATIONS = {"create_payment", "create_payment_v2", "capture_payment", "void_payment", "create_refund"}
# Operations that ask the ERP (live invoices, customers, postings): it may fail (502) or be down (503).
ERP_OPERATIONS = GATEWAY_OPERATIONS | {
    "get_invoice", "list_customer_invoices", "quote_payment", "retry_payment_posting", "create_customer_token",
    "create_customer_account", "get_customer_account", "list_customer_accounts", "import_customer_accounts",
}

ERROR_DESCRIPTIONS = {
    400: "Malformed request: invalid JSON, an unknown `PayHub-Version`, an invalid cursor, or a platform key "
         "without `PayHub-Entity`",
    401: "Missing, unknown, revoked or expired API key or customer token",
    402: "The payment method was declined",
    403: "The key lacks the scope this operation needs, or a customer token may not use it",
    404: "The resource (or the entity named by `PayHub-Entity`) does not exist for this key",
    409: "Conflict with the resource's state, or a request with the same `Idempotency-Key` is still in flight",
    413: "The request body is larger than the configured limit",
    422: "The request is invalid; `errors` lists the fields",
    429: "Rate limit exceeded; retry after `Retry-After` seconds",
    500: "Unexpected error; quote the `X-Request-Id` response header when reporting it",
    502: "The payment gateway or the ERP answered with an error",
    503: "A dependency (the ERP, or the database) is unavailable",
    504: "The payment gateway did not answer in time; the outcome is unknown",
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Problem",
    "description": "RFC 9457 problem details. `code` is stable and machine-readable; other members may be added "
                   "(e.g. `retryable`, `required_scope`).",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string", "description": "A URI reference naming the problem type"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine code, e.g. `card_declined`"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemFieldError"}},
    },
    "additionalProperties": True,
}
FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "ProblemFieldError",
    "required": ["field", "message"],
    "properties": {
        "field": {"type": "string", "description": "Dotted path of the field, e.g. `payment_method.card.number`"},
        "code": {"type": "string"},
        "message": {"type": "string"},
    },
    "additionalProperties": True,
}
REQUEST_ID_HEADER = {"description": "The request's id (the client's `X-Request-Id` when it is safe to echo)",
                     "schema": {"type": "string"}}
REPLAYED_HEADER = {"description": "`true` when this is the stored response to an earlier request with the same "
                                  "`Idempotency-Key`", "schema": {"type": "string", "enum": ["true"]}}

# Beyond the links derived from paths (a 201 from POST /x leads to every /x/{id}…, with its `id`): a payment
# leads to its refunds, a capture to what a payment leads to, a refund to its payment.
_PAYMENT_ID = "$response.body#/id"
EXTRA_LINKS: dict[str, dict[str, dict[str, Any]]] = {
    "create_payment": {"RefundPayment": {"operationId": "create_refund", "requestBody": {"payment": _PAYMENT_ID}}},
    "capture_payment": {
        "GetPayment": {"operationId": "get_payment", "parameters": {"payment_id": _PAYMENT_ID}},
        "RefundPayment": {"operationId": "create_refund", "requestBody": {"payment": _PAYMENT_ID}},
        "RetryPaymentPosting": {"operationId": "retry_payment_posting", "parameters": {"payment_id": _PAYMENT_ID}},
    },
    "create_refund": {
        "GetRefundedPayment": {"operationId": "get_payment", "parameters": {"payment_id": "$response.body#/payment"}},
    },
}


def install(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(FastAPI.openapi(app), app.routes)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(spec: dict[str, Any], routes: list[Any]) -> dict[str, Any]:
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["ProblemFieldError"] = FIELD_ERROR_SCHEMA
    components["securitySchemes"] = {SECURITY_SCHEME: {
        "type": "http", "scheme": "bearer",
        "description": "An API key (scopes read ⊂ payments ⊂ admin), or a customer-context token where an "
                       "operation says so"}}
    components["responses"] = {str(status): _problem_response(status) for status in ERROR_DESCRIPTIONS}
    links = _links(spec["paths"])
    for route in routing.iter_route_contexts(routes):  # routes of included routers too
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = spec["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _complete_operation(operation, route.dependant, method, links.get(operation["operationId"], {}))
    _pinned_fields_optional(schemas)
    # FastAPI's {detail: [...]} 422 shape is never sent: drop it once nothing refers to it.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return spec


def _links(paths: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per operation id, the links of its success response: what a client can do next with what it got."""
    links: dict[str, dict[str, Any]] = {}
    for path, item in paths.items():
        created = item.get("post", {})
        if "201" not in created.get("responses", {}):
            continue
        below = re.compile(re.escape(path) + r"/\{(\w+)\}(/[^{}]*)?")
        for target_path, target_item in paths.items():
            if (match := below.fullmatch(target_path)) is None:
                continue
            for target in target_item.values():
                name = "".join(part.title() for part in target["operationId"].split("_"))
                links.setdefault(created["operationId"], {})[name] = {
                    "operationId": target["operationId"], "parameters": {match[1]: "$response.body#/id"}}
    for op_id, extra in EXTRA_LINKS.items():
        links[op_id] = {**links.get(op_id, {}), **extra}
    return links


def _complete_operation(operation: dict[str, Any], dependant: Any, method: str, links: dict[str, Any]) -> None:
    authenticated = authenticator(dependant) is not None
    has_body = "requestBody" in operation
    has_path = any(p.get("in") == "path" for p in operation.get("parameters", []))
    op_id = operation.get("operationId", "")
    statuses = {400, 422, 500}  # unknown PayHub-Version; invalid query; always possible
    if authenticated:
        statuses |= {401, 403, 404, 429}
        operation["security"] = [{SECURITY_SCHEME: []}]
    if has_path:
        statuses.add(404)
    if has_body:
        statuses.add(413)
    if authenticated and method in WRITE_METHODS:
        statuses.add(409)
    if op_id in GATEWAY_OPERATIONS:
        statuses |= {402, 502, 504}
    if op_id in ERP_OPERATIONS:
        statuses |= {502, 503}
    if op_id == "readyz":
        statuses.add(503)

    responses = operation.setdefault("responses", {})
    for status in sorted(statuses):
        responses[str(status)] = {"$ref": f"#/components/responses/{status}"}
    for code, response in responses.items():
        if code.startswith("2"):
            response.setdefault("headers", {})["X-Request-Id"] = REQUEST_ID_HEADER
            if method == "POST":
                response["headers"]["Idempotent-Replayed"] = REPLAYED_HEADER
            if links:
                response["links"] = links

    parameters = operation.setdefault("parameters", [])
    parameters.append(_header("PayHub-Version", "Pin a dated minor version of the API (default: the current, "
                              f"{CURRENT})", {"type": "string", "enum": list(VERSIONS)}))
    if authenticated:
        parameters.append(_header("PayHub-Entity", "With a platform key: the entity the request acts for",
                                  {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}))
    if method == "POST" and authenticated:
        parameters.append(_header("Idempotency-Key", "Retrying with the same key and body replays the stored "
                                  "response instead of acting twice: up to 255 printable characters",
                                  {"type": "string", "pattern": IDEMPOTENCY_KEY}))


def _pinned_fields_optional(schemas: dict[str, Any]) -> None:
    """A request pinned to an older `PayHub-Version` gets payments without the fields added since: they are
    documented as present in the current version, not required."""
    note = f"Absent when the request pins a `PayHub-Version` older than {CURRENT}."
    for schema in schemas.values():
        properties = schema.get("properties", {})
        if not set(ADDED_IN_CURRENT) <= set(properties):
            continue
        schema["required"] = [name for name in schema.get("required", []) if name not in ADDED_IN_CURRENT]
        for name in ADDED_IN_CURRENT:
            described = properties[name].get("description", "").strip().rstrip(".")
            properties[name]["description"] = (f"{described}. " if described else "") + note


def _header(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "header", "required": False, "description": description, "schema": schema}


def _problem_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": ERROR_DESCRIPTIONS[status],
        "headers": {"X-Request-Id": REQUEST_ID_HEADER},
        "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status == 401:
        response["headers"]["WWW-Authenticate"] = {"schema": {"type": "string"}}
    if status == 429:
        response["headers"]["Retry-After"] = {"description": "Seconds to wait", "schema": {"type": "integer"}}
    return response
