"""Every POST under the Idempotency-Key rules of pipeline/idempotency.py.

Money-moving routes call `run` (marked `resumable`): their key binds the id of the payment or operation they
create, so a retry resumes it. Every other POST goes through the StoredResponses middleware: its 2xx response
is stored and replayed, and a refused request stores nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from payhub.api.deps import _AUTHENTICATED as AUTHENTICATED
from payhub.api.deps import Principal
from payhub.api.errors import domain_problem, problem
from payhub.domain.errors import DomainError, GatewayTimeout
from payhub.pipeline import idempotency
from payhub.pipeline.idempotency import Claim
from payhub.services import Services

O = TypeVar("O")
F = TypeVar("F", bound=Callable[..., Any])


def resumable(endpoint: F) -> F:
    """Marks a route that calls `run` itself, binding its key to what it creates."""
    endpoint.__payhub_resumable__ = True  # type: ignore[attr-defined]
    return endpoint


def run(svc: Services, principal: Principal, request: Request, body: Any, action: Callable[[Claim | None], O],
        render: Callable[[O], dict[str, Any]], status: int = 200, resource: str = "req") -> JSONResponse:
    """`resource` is the prefix of the id the key binds (pay, op): the action creates its object under it.
    The action's last phase seals `render(outcome)` as the key's response in its own transaction."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return JSONResponse(render(action(None)), status_code=status)
    digest = idempotency.request_hash(svc.secret_key, request.method, request.url.path, body)
    claim = idempotency.begin(svc, principal.entity_id, principal.key_id, key, digest, resource, reserve=False)
    if isinstance(claim, idempotency.Replay):
        headers = {"Idempotent-Replayed": "true"}
        if claim.status >= 400:
            return problem(claim.status, claim.body, headers)
        return JSONResponse(claim.body, status_code=claim.status, headers=headers)
    claim.render, claim.status = render, status
    try:
        outcome = action(claim)
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
    result = claim.response if claim.response is not None else render(outcome)
    idempotency.complete(svc, claim, status, result)  # a no-op when the last phase sealed it
    return JSONResponse(result, status_code=status)


class Answered(StarletteHTTPException):
    """Raised while the body is read, to answer without running the route: the stored response (replayed),
    or the key's refusal. An HTTP exception, so FastAPI does not report it as a body-parsing error."""

    def __init__(self, status: int, body: dict[str, Any], replayed: bool) -> None:
        super().__init__(status)
        self.body, self.replayed = body, replayed


def answered(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Answered)
    headers = {"Idempotent-Replayed": "true"} if error.replayed else {}
    if error.status_code >= 400:
        return problem(error.status_code, error.body, headers)
    return JSONResponse(error.body, status_code=error.status_code, headers=headers)


def _without_boundary(scope: Scope, body: bytes) -> bytes:
    """A multipart body as its content: clients draw a new boundary for each request, so a correct retry of an
    upload (the same files and fields) must hash the same."""
    kind = dict(scope.get("headers", [])).get(b"content-type", b"")
    if not kind.lower().startswith(b"multipart/"):
        return body
    for param in kind.split(b";")[1:]:
        name, _, value = param.strip().partition(b"=")
        if name.lower() == b"boundary" and value.strip(b'"'):
            return body.replace(value.strip(b'"'), b"boundary")
    return body


class StoredResponses:
    """Pure ASGI middleware for every POST that is not `resumable`: with an Idempotency-Key, a 2xx answer is
    stored for the caller and key and replayed to the same request; another body under the key is refused;
    a refused request keeps nothing. The key is taken once the body has been read, that is after the caller
    was authenticated and the body limits checked (BodyGuard, inside this middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = dict(scope.get("headers", [])).get(b"idempotency-key")
        if scope["type"] != "http" or scope["method"] != "POST" or key is None:
            await self.app(scope, receive, send)
            return
        svc: Services = scope["app"].state.services
        chunks: list[bytes] = []
        claim: Claim | None = None

        async def reading() -> Message:
            nonlocal claim
            message = await receive()
            if message["type"] != "http.request":
                return message
            chunks.append(message.get("body", b""))
            route = scope.get("route")
            authenticated = scope.get("state", {}).get(AUTHENTICATED)
            if message.get("more_body") or authenticated is None or getattr(
                    getattr(route, "endpoint", None), "__payhub_resumable__", False):
                return message
            principal: Principal = authenticated[1]
            body = b"".join(chunks)
            try:
                parsed: Any = json.loads(body) if body else None
            except ValueError:
                parsed = _without_boundary(scope, body).decode("latin-1")
            digest = idempotency.request_hash(svc.secret_key, scope["method"], scope["path"], parsed)
            try:
                outcome = await run_in_threadpool(idempotency.begin, svc, principal.entity_id, principal.key_id,
                                                  key.decode("latin-1"), digest)
            except DomainError as error:  # another body under this key, the key still in flight, a bad key
                raise Answered(*domain_problem(error), replayed=False) from None
            if isinstance(outcome, idempotency.Replay):
                raise Answered(outcome.status, outcome.body, replayed=True)
            claim = outcome
            return message

        held: list[Message] = []

        async def answering(message: Message) -> None:
            if claim is None:
                await send(message)
                return
            held.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                status = next(m["status"] for m in held if m["type"] == "http.response.start")
                if 200 <= status < 300:
                    stored = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
                    await run_in_threadpool(idempotency.complete, svc, claim, status,
                                            json.loads(stored) if stored else {})
                else:  # refused: the caller may fix the request and send it again under the same key
                    await run_in_threadpool(idempotency.release, svc, claim)
                for m in held:
                    await send(m)

        try:
            await self.app(scope, reading, answering)
        except BaseException:
            if claim is not None and not held:
                await run_in_threadpool(idempotency.release, svc, claim)
            raise
