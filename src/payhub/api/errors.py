"""RFC 9457 problem+json: every error PayHub returns, mapped once from typed errors."""

from __future__ import annotations

import traceback
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
    (e.NotificationRejected, 400),
    (e.InvalidRequest, 422),
    (e.UnbalancedEntry, 422),  # an entry a person gave (a write-off)
    (e.Forbidden, 403),
    (e.NotFound, 404),
    (e.Conflict, 409),
    (e.CapabilityUnsupported, 422),
    (e.Declined, 402),
    (e.GatewayTimeout, 504),
    (e.GatewayError, 502),
    (e.ErpUnavailable, 503),
    (e.ErpError, 502),
    (e.VaultError, 503),
]


class ApiError(StarletteHTTPException):
    """An HTTP-level error (auth, scope, malformed request, body limits) with a stable code. An HTTPException,
    so that one raised while the body is being read (see app.BodyGuard) is not turned into a 400."""

    def __init__(self, status: int, code: str, title: str, detail: str = "",
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(status, detail or title, headers or {})
        self.status, self.code, self.title, self.detail, self.extra = status, code, title, detail or title, extra
        self.headers: dict[str, str] = headers or {}


class Unexpected(StarletteHTTPException):
    """Carries an unexpected error out of code that runs while the body is read, where FastAPI would
    otherwise report any exception as a 400."""

    def __init__(self, error: Exception) -> None:
        super().__init__(500, "Internal error")
        self.error = error


# Codes of validation errors specific enough to be the problem's own code when they are the only ones.
PROMOTED_CODES = frozenset({"amount_too_large", "control_characters", "invalid_origin", "number_too_large"})


def problem_body(status: int, code: str, title: str, detail: str, extra: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """Extension members first, so they can never overwrite the standard ones."""
    return {**(extra or {}), "type": f"/problems/{code}", "title": title, "status": status, "detail": detail,
            "code": code}


def domain_problem(error: e.DomainError) -> tuple[int, dict[str, Any]]:
    status = next((code for cls, code in STATUS if isinstance(error, cls)), 500)
    extra = dict(error.extra)
    if status == 404:  # never echo what was asked for (ids come from the path)
        return status, problem_body(status, error.code, error.title, NOT_FOUND_DETAIL, extra)
    if isinstance(error, e.InvalidRequest) and "field" in extra:
        extra["errors"] = [{"field": extra.pop("field"), "code": error.code, "message": error.detail}]
    if isinstance(error, e.GatewayError):
        extra["retryable"] = error.retryable
    return status, problem_body(status, error.code, error.title, error.detail, extra)


NOT_FOUND_DETAIL = "It does not exist, or this key cannot see it"


def problem(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def validation_problem(errors: list[dict[str, Any]]) -> JSONResponse:
    """422 with the field list; a single specific code (e.g. amount_too_large) becomes the problem's code."""
    codes = {x["code"] for x in errors}
    code = codes.pop() if len(codes) == 1 and codes <= PROMOTED_CODES else "validation_error"
    return problem(422, problem_body(422, code, "Request is invalid",
                                     "; ".join(f"{x['field']}: {x['message']}" for x in errors), {"errors": errors}))


def internal_error(error: BaseException) -> JSONResponse:
    """Log an unexpected error and answer a problem+json 500. A database error's message may hold row values
    (e.g. a unique violation's DETAIL line), so for those only the error class, SQLSTATE and stack are logged."""
    orig = getattr(error, "orig", None)
    if orig is not None and hasattr(error, "statement"):  # a SQLAlchemy statement error (no import: api ↛ store)
        log.error("unhandled_error", error_type=type(error).__name__, db_error=type(orig).__name__,
                  sqlstate=getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None),
                  stack="".join(traceback.format_tb(error.__traceback__)))
    else:
        log.error("unhandled_error", error_type=type(error).__name__, exc_info=error)
    detail = "An unexpected error occurred; quote the X-Request-Id header when reporting it"
    return problem(500, problem_body(500, "internal_error", "Internal error", detail))


HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def _field(loc: tuple[Any, ...]) -> str:
    """`files.0.path` from ("body", "files", 0, "path"): only the first element says where (a field may be
    named like a location)."""
    parts = [str(p) for p in (loc[1:] if loc and loc[0] in ("body", "query", "path", "header") else loc)]
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
        return validation_problem([{"field": _field(tuple(err["loc"])), "code": err["type"], "message": err["msg"]}
                                   for err in error.errors()])

    @app.exception_handler(Unexpected)
    async def _unexpected(_: Request, error: Unexpected) -> JSONResponse:
        return internal_error(error.error)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(error.status_code, "http_error")
        detail = NOT_FOUND_DETAIL if error.status_code == 404 else str(error.detail)
        return problem(error.status_code, problem_body(error.status_code, code, str(error.detail), detail),
                       dict(error.headers or {}))
    # Any other exception is answered by app.RequestContext (a 500 that keeps the connection usable).
