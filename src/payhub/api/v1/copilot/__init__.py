"""The integration copilot over HTTP (`/v1/copilot/…`, admin scope): one router per feature, in this package."""

from __future__ import annotations

from fastapi import APIRouter

from payhub.api.v1.copilot import config_check, erp_mapping, handlers, payloads, review, samples

router = APIRouter(prefix="/copilot", tags=["copilot"])
for feature in (samples, handlers, payloads, review, config_check, erp_mapping):
    router.include_router(feature.router)
