"""Runs a POST handler under the Idempotency-Key rules of pipeline/idempotency.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from payhub.api.deps import Principal
from payhub.api.errors import domain_problem, problem
from payhub.domain.errors import DomainError, GatewayTimeout
from payhub.pipeline import idempotency
from payhub.pipeline.idempotency import Claim
from payhub.pipeline.services import Services

Action = Callable[[Claim | None], dict[str, Any]]


def run(svc: Services, principal: Principal, request: Request, body: Any, action: Action, status: int = 200,
        resource: str = "req") -> JSONResponse:
    """`resource` is the prefix of the id the key binds (pay, op): the action creates its object under it."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return JSONResponse(action(None), status_code=status)
    digest = idempotency.request_hash(svc.secret_key, request.method, request.url.path, body)
    claim = idempotency.begin(svc, principal.entity_id, principal.key_id, key, digest, resource)
    if isinstance(claim, idempotency.Replay):
        headers = {"Idempotent-Replayed": "true"}
        if claim.status >= 400:
            return problem(claim.status, claim.body, headers)
        return JSONResponse(claim.body, status_code=claim.status, headers=headers)
    try:
        result = action(claim)
    except GatewayTimeout:  # the outcome is unknown: a retry with this key resumes and learns it
        idempotency.pause(svc, claim)
        raise
    except DomainError as error:
        if "payment" in error.extra or "operation" in error.extra:  # a final outcome on record (a decline)
            code, problem_body = domain_problem(error)
            idempotency.complete(svc, claim, code, problem_body)
        else:  # refused before anything was written
            idempotency.release(svc, claim)
        raise
    except BaseException:  # a crash-like failure after the intent: keep the bound ids for the retry
        idempotency.pause(svc, claim)
        raise
    idempotency.complete(svc, claim, status, result)
    return JSONResponse(result, status_code=status)
