"""Fee policies (admin): convenience fees, surcharges and waivers, stored as versions and audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Request
from sqlalchemy import func, select

from payhub.api.deps import AdminKey, ServicesDep
from payhub.domain.fees import ROUNDING, parse_policy
from payhub.store import audit, repo
from payhub.store.models import FeePolicyVersion
from payhub.store.views import ts

router = APIRouter(prefix="/fee_policy", tags=["fees"])


def _view(row: FeePolicyVersion | None) -> dict[str, Any]:
    policy = row.policy if row else {"convenience_fees": [], "surcharge": None, "waivers": []}
    return {"object": "fee_policy", "version": row.version if row else 0, "policy": policy, "rounding": ROUNDING,
            "created_at": ts(row.created_at) if row else None}


@router.get("", operation_id="get_fee_policy")
def get_policy(key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        return _view(repo.latest(s, FeePolicyVersion, key.entity_id))


@router.put("", operation_id="put_fee_policy")
def put_policy(request: Request, key: AdminKey, svc: ServicesDep,
               policy: dict[str, Any] = Body(..., examples=[{  # noqa: B008
                   "convenience_fees": [{"priority": 10, "methods": ["card"], "percent": "2.95", "minimum": 195,
                                         "cap": 2500, "currency": "USD"}],
                   "surcharge": {"percent": "3", "jurisdiction_caps": {"US-CT": "0", "US-CO": "2"}},
                   "waivers": [{"segment": "nonprofit", "convenience_fee": True}]}])) -> dict[str, Any]:
    """Replace the entity's fee policy with a new version. Invalid rules (negative fees, overlapping tiers,
    duplicate priorities, caps above card-brand limits …) get 422 `fee_policy_invalid` with the field."""
    normalized = parse_policy(policy).to_dict()
    with svc.transaction() as s:
        latest = s.scalar(select(func.max(FeePolicyVersion.version)).where(FeePolicyVersion.entity_id == key.entity_id))
        now = svc.clock.now()
        row = FeePolicyVersion(entity_id=key.entity_id, version=(latest or 0) + 1, policy=normalized,
                               key_id=key.key_id, created_at=now)
        s.add(row)
        audit.record(s, entity_id=key.entity_id, key_id=key.key_id, action="fee_policy.updated",
                     target=f"fee_policy:{row.version}", before={"version": latest or 0}, after=normalized,
                     request_id=getattr(request.state, "request_id", None), now=now)
        return _view(row)
