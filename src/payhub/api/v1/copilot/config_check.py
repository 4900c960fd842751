"""The copilot's config check over HTTP: `POST /v1/copilot/config/check` (admin) checks a configuration document
beyond the schema, with this server's gateways and webhook network rules."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from payhub.api.deps import AdminAnyEntity, ServicesDep
from payhub.config.document import MAX_BYTES
from payhub.copilot.config_check import EXPLAIN_SYSTEM, Server, acheck, explain_prompt

router = APIRouter()


class ConfigCheckIn(BaseModel):
    document: str = Field(max_length=MAX_BYTES, description="The configuration file (YAML or JSON), as "
                                                            "`payhub config plan` takes it")
    network: bool = Field(True, description="Send a signed webhook.test event to each enabled webhook endpoint")


@router.post("/config/check", operation_id="copilot_check_config")
async def check_config(body: ConfigCheckIn, key: AdminAnyEntity, svc: ServicesDep, request: Request
                       ) -> dict[str, Any]:
    """Findings (check id, severity, entity, path, line, message with the fix) for shadowed or unreachable
    routing rules, splits not summing to 100, gateways without credentials, surcharges above a jurisdiction's
    cap, webhook endpoints that do not answer a signed test event, and negative totals. 422 `config_invalid`
    if the document cannot be read. With a configured model, `explanation` adds its prose."""
    report = await acheck(body.document, Server.from_services(svc), network=body.network)
    model = request.app.state.copilot_llm
    explanation = None
    if model is not None and report.findings:
        explanation = await run_in_threadpool(model.complete, EXPLAIN_SYSTEM, explain_prompt(report))
    return {**report.as_dict(), "explanation": explanation}
