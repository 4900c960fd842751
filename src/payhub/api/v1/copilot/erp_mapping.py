"""The copilot's ERP field mapping over HTTP: `GET /v1/copilot/erp_mapping` proposes, for the caller's entity's
ERP (its own, or the server's), the mapping configuration, a test dataset and the validation script."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from payhub.api.deps import AdminKey, ServicesDep
from payhub.copilot import erp_mapping
from payhub.store.repo import settings_of

router = APIRouter()


@router.get("/erp_mapping", summary="Propose the ERP mapping for this entity",
            description="Introspects the entity's ERP (the embedded one, or Tryton over JSON-RPC) and proposes the "
                        "entity, account and customer mapping with a confidence and a reason per posting role, the "
                        "roles left unmapped, a small test dataset, and the generated files (mapping.json, "
                        "create_dataset.py, validate_mapping.py, report.md).")
def get_erp_mapping(request: Request, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        rules = settings_of(s, key.entity_id).posting_rules
    proposal = erp_mapping.for_entity(svc, key.entity_id, rules, getattr(request.app.state, "copilot_llm", None))
    return {**proposal.as_dict(), "report": erp_mapping.report(proposal), "files": erp_mapping.files(proposal)}
