"""RFC 9457 problem+json: every error PayHub returns, mapped once from typed errors."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from payhub.domain import errors as e

log = structlog.get_logger(__name__)

PROBLEM = "application/problem+json"

# Most specific class first.
STATUS: list[tuple[type[e.DomainError], int]] = [
    (e.InvalidRequest, 422),
    (e.Forbidden, 403),
    (e.NotFound, 404),
    (e.Conflict, 409),
    (e.Declined, 402),
    (e.GatewayTimeout, 504),
    (e.GatewayError, 502),
    (e.ErpUnavailable, 503),
    (e.ErpError, 502),
]


class ApiError(Exception):
    """An HTTP-level error (auth, scope, malformed request) with a stable code."""

    def __init__(self, status: int, code: str, title: str, detail: str = "",
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.code, self.title, self.detail, self.extra = status, code, title, detail or title, extra
        self.headers = headers or {}


def problem_body(status: int, code: str, title: str, detail: str, extra: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """Extension members first, so they can never overwrite the standard ones."""
    return {**(extra or {}), "type": f"/problems/{code}", "title": title, "status": status, "detail": detail,
            "code": code}


def domain_problem(error: e.DomainError) -> tuple[int, dict[str, Any]]:
    status = next((code for cls, code in STATUS if isinstance(error, cls)), 500)
    extra = dict(error.extra)
    if isinstance(error, e.InvalidRequest) and "field" in extra:
        extra["errors"] = [{"field": extra.pop("field"), "code": error.code, "message": error.detail}]
    if isinstance(error, e.GatewayError):
        extra["retryable"] = error.retryable
    return status, problem_body(status, error.code, error.title, error.detail, extra)


def problem(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(e.DomainError)
    async def _domain(_: Request, error: e.DomainError) -> JSONResponse:
        status, body = domain_problem(error)
        return problem(status, body)

    @app.exception_handler(ApiError)
    async def _api(_: Request, error: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer", **error.headers} if error.status == 401 else error.headers
        return problem(error.status, problem_body(error.status, error.code, error.title, error.detail,
                                                  error.extra), headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        if any(err.get("type") == "json_invalid" for err in error.errors()):
            return problem(400, problem_body(400, "malformed_json", "Malformed JSON",
                                             "The request body is not valid JSON"))
        # Never echo the input back: it may hold a card number.
        errors = [{"field": _field(tuple(err["loc"])), "code": err["type"], "message": err["msg"]}
                  for err in error.errors()]
        return problem(422, problem_body(422, "validation_error", "Request is invalid",
                                         "; ".join(f"{x['field']}: {x['message']}" for x in errors),
                                         {"errors": errors}))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return problem(error.status_code, problem_body(error.status_code, code, str(error.detail),
                                                       str(error.detail)))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled_error", error_type=type(error).__name__)
        detail = "An unexpected error occurred; quote the X-Request-Id header when reporting it"
        return problem(500, problem_body(500, "internal_error", "Internal error", detail))
