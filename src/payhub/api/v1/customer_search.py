"""Customer look-up through the entity's ERP connector (capability `search_customers`): what the virtual terminal's
staff search with, and any integration may."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from payhub.api.deps import ReadKey, ServicesDep, envelope
from payhub.ports import MAX_SEARCH_RESULTS, search_customers

router = APIRouter(prefix="/customer_search", tags=["customers"])


@router.get("", operation_id="search_customers")
def search(key: ReadKey, svc: ServicesDep, q: Annotated[str, Query(max_length=100)] = "",
           limit: Annotated[int, Query(ge=1, le=MAX_SEARCH_RESULTS)] = 20) -> dict[str, Any]:
    """The entity's ERP customers whose name or number contains `q` (case-insensitive, taken literally): an exact
    number first, then names starting with `q`, then the rest. Read live from the ERP; 422
    `capability_unsupported` when the entity's ERP connector cannot search. Without `q`: customers by name."""
    found = search_customers(svc.erp_for(key.entity_id), key.entity_id, q, limit)
    return envelope([{"id": c.id, "object": "customer", "name": c.name, "email": c.email} for c in found])
