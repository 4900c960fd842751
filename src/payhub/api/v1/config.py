"""Configuration as code (admin): plan, apply, export and roll back a YAML configuration file.

An entity's admin key configures its own entity, nothing else: a file naming another entity is refused
whether that entity exists or not, and creating entities is a platform operation (a platform key, which
may leave out PayHub-Entity here, or the CLI). Config version numbers are install-wide, but an entity key
sees only the versions that configured its entity, cut down to its part (summary and file); rollback
re-applies that part only. Apply is guarded by `base_version` rather than Idempotency-Key: a retried apply
gets 409 `config_version_conflict` or is a no-op, and new webhook secrets are never stored for a replay."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from pydantic import BaseModel, Field

from payhub import config
from payhub.api.deps import AdminAnyEntity, AdminAnyEntityActor, Principal, ServicesDep, envelope

router = APIRouter(prefix="/config", tags=["config"])

EXAMPLE = "version: 1\nentities:\n  ent_demo:\n    fee_policy:\n      convenience_fees: []\n"


class PlanIn(BaseModel):
    model_config = {"extra": "forbid"}
    document: str = Field(description="The configuration file (YAML)", examples=[EXAMPLE], max_length=1_000_000)


class ApplyIn(PlanIn):
    base_version: int = Field(ge=0, le=2**31 - 1, description="The `base_version` of the plan you reviewed; 409 "
                                                "config_version_conflict if the configuration changed since")


class RollbackIn(BaseModel):
    model_config = {"extra": "forbid"}
    version: int = Field(ge=1, le=2**31 - 1, description="Apply the file of this config version again, as a new "
                                                          "version")
    base_version: int | None = Field(None, ge=0, le=2**31 - 1, description="Default: the current version")


def _scope(key: Principal) -> str | None:
    """A platform key may configure (and see the versions of) every entity; an entity key its own only."""
    return None if key.platform else key.entity_id


@router.get("/schema", operation_id="get_config_schema")
def get_schema(key: AdminAnyEntity) -> dict[str, Any]:
    """The JSON Schema of the configuration file."""
    return config.json_schema()


@router.post("/plan", operation_id="plan_config")
def plan(body: PlanIn, key: AdminAnyEntity, svc: ServicesDep) -> dict[str, Any]:
    """Validate the file (422 `config_invalid`: every error with its field path and line) and show what
    applying it would create, change and delete, with the `base_version` to apply it against."""
    result = config.plan(svc, body.document, scope=_scope(key))
    return {**result.as_dict(), "text": result.render()}


@router.post("/apply", operation_id="apply_config")
def apply(body: ApplyIn, key: AdminAnyEntity, actor: AdminAnyEntityActor, svc: ServicesDep) -> dict[str, Any]:
    """Apply the file to every entity in it in one transaction (all or nothing) and record it as a new
    config version. New webhook endpoints' signing secrets are in this response only."""
    return config.apply(svc, body.document, body.base_version, actor.key_id, scope=_scope(key),
                        request_id=actor.request_id)


@router.get("/export", operation_id="export_config", response_class=Response,
            responses={200: {"content": {"application/yaml": {}}}})
def export(key: AdminAnyEntity, svc: ServicesDep) -> Response:
    """This entity's configuration as a file (YAML); webhook secrets are never exported. A platform key
    without PayHub-Entity exports every entity."""
    return Response(config.export(svc, [key.entity_id] if key.entity_id else None), media_type="application/yaml")


@router.post("/rollback", operation_id="rollback_config")
def rollback(body: RollbackIn, key: AdminAnyEntity, actor: AdminAnyEntityActor, svc: ServicesDep) -> dict[str, Any]:
    """Apply a past version's file again, as a new version."""
    return config.rollback(svc, body.version, actor.key_id, base_version=body.base_version, scope=_scope(key),
                           request_id=actor.request_id)


@router.get("/versions", operation_id="list_config_versions")
def list_versions(key: AdminAnyEntity, svc: ServicesDep,
                  limit: int = Query(20, ge=1, le=100)) -> dict[str, Any]:  # noqa: B008
    """Applied config versions, newest first: for an entity key those that configured its entity, each
    summary cut down to that entity; for a platform key all of them."""
    return envelope([{"id": str(v["version"]), "object": "config_version", **v}
                     for v in config.versions(svc, limit, entity_id=_scope(key))])


@router.get("/versions/{version}", operation_id="get_config_version")
def get_version(version: Annotated[int, Path(ge=1, le=2**31 - 1)], key: AdminAnyEntity,
                svc: ServicesDep) -> dict[str, Any]:
    """One config version with its file (for an entity key: the part that configures its entity, `defaults`
    merged in); 404 `config_version_not_found` for a version that did not configure it."""
    found = config.version(svc, version, entity_id=_scope(key))
    return {"id": str(found["version"]), "object": "config_version", **found}
