"""Fee policies (admin): convenience fees, surcharges and waivers, stored as versions and audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from payhub import admin
from payhub.admin.fee_policies import fee_policy_view, get_fee_policy, put_fee_policy
from payhub.api.deps import AdminActor, AdminKey, ServicesDep

router = APIRouter(prefix="/fee_policy", tags=["fees"])


@router.get("", operation_id="get_fee_policy")
def get_policy(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with admin.reading(svc) as u:
        return fee_policy_view(get_fee_policy(u, key.entity_id))


@router.put("", operation_id="put_fee_policy")
def put_policy(key: AdminKey, actor: AdminActor, svc: ServicesDep,
               policy: dict[str, Any] = Body(..., examples=[{  # noqa: B008
                   "convenience_fees": [{"priority": 10, "methods": ["card"], "percent": "2.95", "minimum": 195,
                                         "cap": 2500, "currency": "USD"}],
                   "surcharge": {"percent": "3", "jurisdiction_caps": {"US-CT": "0", "US-CO": "2"}},
                   "waivers": [{"segment": "nonprofit", "convenience_fee": True}]}])) -> dict[str, Any]:
    """Replace the entity's fee policy with a new version. Invalid rules (negative fees, overlapping tiers,
    duplicate priorities, caps above card-brand limits …) get 422 `fee_policy_invalid` with the field."""
    with admin.transaction(svc) as u:
        return fee_policy_view(put_fee_policy(u, key.entity_id, policy, actor))
