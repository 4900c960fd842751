"""The copilot's webhook handlers over HTTP."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from payhub.api.deps import AdminKey
from payhub.copilot.handlers import FRAMEWORKS, SCENARIOS, UnknownChoice, generate
from payhub.domain.errors import InvalidRequest

router = APIRouter()


@router.get("/handlers", operation_id="copilot_webhook_handler")
def webhook_handler(key: AdminKey,
                    framework: Annotated[str, Query(description=" | ".join(FRAMEWORKS))],
                    scenario: Annotated[str, Query(description=" | ".join(SCENARIOS))] = "plain") -> dict[str, Any]:
    """A webhook handler for a framework: verifies Standard Webhooks signatures on the raw body in constant time,
    dedupes on `webhook-id`, skips events older than the object's latest, answers 2xx and works in the background;
    with a scenario's work (a chat notification, a CRM activity, an ERP workflow)."""
    try:
        files = generate(framework, scenario)
    except UnknownChoice as error:
        raise InvalidRequest(str(error), field="framework" if "framework" in str(error) else "scenario") from None
    return {"framework": framework, "scenario": scenario,
            "files": [{"filename": f.filename, "code": f.code} for f in files]}
