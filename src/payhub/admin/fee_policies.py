"""Fee policies: convenience fees, surcharges and waivers, stored as numbered versions, each write audited."""

from __future__ import annotations

from typing import Any

from payhub.admin.work import Actor, UnitOfWork
from payhub.domain.fees import ROUNDING, parse_policy
from payhub.store import repo
from payhub.store.models import FeePolicyVersion
from payhub.views import ts


def validate_fee_policy(policy: dict[str, Any]) -> dict[str, Any]:
    """The policy normalized, or InvalidRequest `fee_policy_invalid` with the field."""
    return parse_policy(policy).to_dict()


def fee_policy_view(row: FeePolicyVersion | None) -> dict[str, Any]:
    policy = row.policy if row else {"convenience_fees": [], "surcharge": None, "waivers": []}
    return {"object": "fee_policy", "version": row.version if row else 0, "policy": policy, "rounding": ROUNDING,
            "created_at": ts(row.created_at) if row else None}


def get_fee_policy(u: UnitOfWork, entity_id: str) -> FeePolicyVersion | None:
    return repo.latest(u.s, FeePolicyVersion, entity_id)


def put_fee_policy(u: UnitOfWork, entity_id: str, policy: dict[str, Any], actor: Actor) -> FeePolicyVersion:
    """Validate the policy and store it as the entity's next version."""
    normalized = validate_fee_policy(policy)
    latest = repo.latest_version(u.s, FeePolicyVersion, entity_id)
    row = FeePolicyVersion(entity_id=entity_id, version=latest + 1, policy=normalized, key_id=actor.key_id,
                           created_at=u.now)
    u.s.add(row)
    u.audit(actor, entity_id, "fee_policy.updated", f"fee_policy:{row.version}", {"version": latest}, normalized)
    return row
