"""The copilot's edge-case test payloads over HTTP: `GET /v1/copilot/test_payloads/{operation_id}` (admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from payhub.api.deps import AdminKey
from payhub.api.errors import ApiError
from payhub.copilot import payloads

router = APIRouter()


@router.get("/test_payloads/{operation_id}", operation_id="get_copilot_test_payloads")
def test_payloads(operation_id: str, request: Request, key: AdminKey) -> dict[str, Any]:
    """Edge-case payloads for one operation of this server's own spec, each with the status and `code` PayHub
    answers it with. Values from live data are `{"$context": …}` references (see payhub.copilot.payloads)."""
    try:
        found = payloads.generate(request.app.openapi(), operation_id)
    except payloads.UnknownOperation:
        raise ApiError(404, "operation_not_found", "Operation not found",
                       "No operation of this API has this id") from None
    return {"object": "list", "operation": operation_id, "data": [p.as_json() for p in found],
            "has_more": False, "next_cursor": None}
