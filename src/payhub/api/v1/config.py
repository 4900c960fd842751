"""Configuration as code (admin): plan, apply, export and roll back a YAML configuration file.

An admin key belongs to one entity: through the API a file may configure that entity and create entities
that do not exist yet, nothing else (an entity created this way is then configured with its own keys, or
from the CLI, which may act on every entity). Config versions are install-wide. Apply is guarded by
`base_version` rather than Idempotency-Key: a retried apply gets 409 `config_version_conflict` or is a no-op,
and new webhook secrets are never stored for a replay."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from payhub import config
from payhub.api.deps import AdminKey, Principal, ServicesDep, envelope

router = APIRouter(prefix="/config", tags=["config"])

EXAMPLE = "version: 1\nentities:\n  ent_demo:\n    fee_policy:\n      convenience_fees: []\n"


class PlanIn(BaseModel):
    model_config = {"extra": "forbid"}
    document: str = Field(description="The configuration file (YAML)", examples=[EXAMPLE], max_length=1_000_000)


class ApplyIn(PlanIn):
    base_version: int = Field(ge=0, description="The `base_version` of the plan you reviewed; 409 "
                                                "config_version_conflict if the configuration changed since")


class RollbackIn(BaseModel):
    model_config = {"extra": "forbid"}
    version: int = Field(ge=1, description="Apply the file of this config version again, as a new version")
    base_version: int | None = Field(None, ge=0, description="Default: the current version")


def _scope(key: Principal) -> str | None:
    """A platform key may configure every entity; an entity key its own and the ones it creates."""
    return None if key.platform else key.entity_id


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


@router.get("/schema", operation_id="get_config_schema")
def get_schema(key: AdminKey) -> dict[str, Any]:
    """The JSON Schema of the configuration file."""
    return config.json_schema()


@router.post("/plan", operation_id="plan_config")
def plan(body: PlanIn, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Validate the file (422 `config_invalid`: every error with its field path and line) and show what
    applying it would create, change and delete, with the `base_version` to apply it against."""
    result = config.plan(svc, body.document, scope=_scope(key))
    return {**result.as_dict(), "text": result.render()}


@router.post("/apply", operation_id="apply_config")
def apply(body: ApplyIn, request: Request, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Apply the file to every entity in it in one transaction (all or nothing) and record it as a new
    config version. New webhook endpoints' signing secrets are in this response only."""
    return config.apply(svc, body.document, body.base_version, key.key_id, scope=_scope(key),
                        request_id=_request_id(request))


@router.get("/export", operation_id="export_config", response_class=Response,
            responses={200: {"content": {"application/yaml": {}}}})
def export(key: AdminKey, svc: ServicesDep) -> Response:
    """This entity's configuration as a file (YAML); webhook secrets are never exported."""
    return Response(config.export(svc, [key.entity_id]), media_type="application/yaml")


@router.post("/rollback", operation_id="rollback_config")
def rollback(body: RollbackIn, request: Request, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Apply a past version's file again, as a new version."""
    return config.rollback(svc, body.version, key.key_id, base_version=body.base_version, scope=_scope(key),
                           request_id=_request_id(request))


@router.get("/versions", operation_id="list_config_versions")
def list_versions(key: AdminKey, svc: ServicesDep,
                  limit: int = Query(20, ge=1, le=100)) -> dict[str, Any]:  # noqa: B008
    """Applied config versions, newest first (install-wide)."""
    return envelope([{"id": str(v["version"]), "object": "config_version", **v}
                     for v in config.versions(svc, limit)])
