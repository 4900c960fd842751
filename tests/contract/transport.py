"""What the contract suites ask of a connector's HTTP transport: no httpx exception escapes, not even in the cause
chain of the domain error raised instead (an httpx error's request holds the body: card numbers, passwords)."""

from __future__ import annotations

import httpx


def httpx_in_chain(error: BaseException | None) -> bool:
    """Whether an httpx exception hangs off `error` (its request may hold the card number)."""
    while error is not None:
        if isinstance(error, httpx.HTTPError):
            return True
        error = error.__cause__ or error.__context__
    return False


def transport_errors() -> list[type[httpx.HTTPError]]:
    """Every httpx exception a transport can raise."""
    found: list[type[httpx.HTTPError]] = []
    pending: list[type[httpx.HTTPError]] = [httpx.TransportError, httpx.DecodingError, httpx.TooManyRedirects]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: c.__name__)
