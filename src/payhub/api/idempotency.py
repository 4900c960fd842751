"""Runs a POST handler under the Idempotency-Key rules of pipeline/idempotency.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from payhub.api.deps import Principal
from payhub.api.errors import domain_problem, problem
from payhub.domain.errors import DomainError
from payhub.pipeline import idempotency
from payhub.pipeline.services import Services


def run(svc: Services, principal: Principal, request: Request, body: Any,
        action: Callable[[], dict[str, Any]], status: int = 200) -> JSONResponse:
    key = request.headers.get("idempotency-key")
    if key is None:
        return JSONResponse(action(), status_code=status)
    digest = idempotency.request_hash(svc.secret_key, request.method, request.url.path, body)
    replay = idempotency.begin(svc, principal.entity_id, key, digest)
    if replay is not None:
        headers = {"Idempotent-Replayed": "true"}
        if replay.status >= 400:
            return problem(replay.status, replay.body, headers)
        return JSONResponse(replay.body, status_code=replay.status, headers=headers)
    try:
        result = action()
    except DomainError as error:
        if "payment" in error.extra:  # state was written (e.g. a decline on record): replay the outcome
            code, body = domain_problem(error)
            idempotency.complete(svc, principal.entity_id, key, code, body)
        else:
            idempotency.release(svc, principal.entity_id, key)
        raise
    except BaseException:
        idempotency.release(svc, principal.entity_id, key)
        raise
    idempotency.complete(svc, principal.entity_id, key, status, result)
    return JSONResponse(result, status_code=status)
