"""Tryton's JSON-RPC over HTTP: one session per connector (logged in lazily, again on a 401), the user's context,
Tryton's `__class__` encoding of decimals and dates, and transport failures as domain errors."""

from __future__ import annotations

import base64
import itertools
import json
import threading
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx

from payhub.domain.errors import ErpError, ErpUnavailable
from payhub.erp.tryton.errors import fault_error


def _encode(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"__class__": "Decimal", "decimal": str(value)}
    if isinstance(value, datetime):
        return {"__class__": "datetime", "year": value.year, "month": value.month, "day": value.day,
                "hour": value.hour, "minute": value.minute, "second": value.second,
                "microsecond": value.microsecond}
    if isinstance(value, date):
        return {"__class__": "date", "year": value.year, "month": value.month, "day": value.day}
    raise TypeError(f"cannot send {type(value).__name__} to Tryton")


def _decode(obj: dict[str, Any]) -> Any:
    kind = obj.get("__class__")
    if kind == "Decimal":
        return Decimal(obj["decimal"])
    if kind == "date":
        return date(obj["year"], obj["month"], obj["day"])
    if kind == "datetime":
        return datetime(obj["year"], obj["month"], obj["day"], obj.get("hour", 0), obj.get("minute", 0),
                         obj.get("second", 0), obj.get("microsecond", 0))
    return obj


class TrytonRpc:
    """Thread-safe; one HTTP session to Tryton, re-logged in on 401."""

    def __init__(self, url: str, database: str, user: str, password: str, *, timeout: float = 10.0,
                 connect_timeout: float = 3.0, transport: httpx.BaseTransport | None = None) -> None:
        self._endpoint = f"{url.rstrip('/')}/{database}/rpc/"
        self._user, self._password = user, password
        self._http = httpx.Client(timeout=httpx.Timeout(timeout, connect=connect_timeout), transport=transport,
                                  headers={"Content-Type": "application/json"})
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._auth: str | None = None
        self._context: dict[str, Any] = {}

    def close(self) -> None:
        self._http.close()

    def company_context(self, company: int | None) -> dict[str, Any]:
        with self._lock:
            if self._auth is None:
                self._login()
            context = dict(self._context)
        if company is not None:
            context.update(company=company, companies=[company])
        return context

    def call(self, method: str, *params: Any, company: int | None = None) -> Any:
        """Call a model/wizard method with the user's context (for `company`, if given) as last parameter."""
        return self.rpc(method, [*params, self.company_context(company)])

    def rpc(self, method: str, params: list[Any]) -> Any:
        with self._lock:
            if self._auth is None:
                self._login()
            auth = self._auth
        response = self._send(method, params, auth)
        if response.status_code == 401:  # the session expired or was dropped: log in again, once
            with self._lock:
                if self._auth == auth:
                    self._login()
                auth = self._auth
            response = self._send(method, params, auth)
            if response.status_code == 401:
                raise ErpUnavailable("Tryton refused the session after logging in again")
        return self._result(method, response)

    def _login(self) -> None:
        """Caller holds the lock. Session auth: base64(user:user_id:token); then the user's context."""
        self._auth = None
        response = self._send("common.db.login", [self._user, {"password": self._password}], None)
        if response.status_code in (401, 403):
            raise ErpUnavailable("Tryton refused the login")
        user_id, token, *_ = self._result("common.db.login", response)
        self._auth = "Session " + base64.b64encode(f"{self._user}:{user_id}:{token}".encode()).decode()
        context = self._result("model.res.user.get_preferences",
                               self._send("model.res.user.get_preferences", [True, {}], self._auth))
        self._context = dict(context)

    def _send(self, method: str, params: list[Any], auth: str | None) -> httpx.Response:
        body = json.dumps({"id": next(self._ids), "method": method, "params": params}, default=_encode)
        headers = {"Authorization": auth} if auth else {}
        try:
            return self._http.post(self._endpoint, content=body, headers=headers)
        except httpx.TimeoutException:
            failure = ErpUnavailable(f"Tryton did not answer in time ({method})")
        except httpx.HTTPError as error:
            failure = ErpUnavailable(f"Tryton is unreachable: {type(error).__name__}")
        raise failure  # outside `except`: the httpx error's request holds the body, the login's password included

    @staticmethod
    def _result(method: str, response: httpx.Response) -> Any:
        if response.status_code == 429 or response.status_code >= 500:
            raise ErpUnavailable(f"Tryton answered HTTP {response.status_code} to {method}")
        if response.status_code != 200:
            raise ErpError(f"Tryton answered HTTP {response.status_code} to {method}")
        try:
            data = json.loads(response.text, object_hook=_decode, parse_float=Decimal)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ErpUnavailable(f"Tryton sent an unreadable answer to {method}")
        if "error" not in data or data["error"] is None:
            return data.get("result")
        raise fault_error(method, data["error"])
