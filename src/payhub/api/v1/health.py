"""Liveness, readiness and Prometheus metrics (no authentication: keep them off the public internet)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from payhub.api.deps import ServicesDep
from payhub.api.errors import problem, problem_body
from payhub.store import repo

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="healthz")
def healthz() -> dict[str, Any]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", operation_id="readyz", response_model=None)
def readyz(svc: ServicesDep) -> dict[str, Any] | Response:
    """Ready to take traffic: the database answers. (The ERP and gateways are not checked: a payment must
    be possible while the ERP is down; postings catch up.)"""
    try:
        with svc.read() as s:
            repo.ping(s)
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        return problem(503, problem_body(503, "not_ready", "Not ready", f"database: {type(error).__name__}"))
    return {"status": "ready", "database": "ok", "gateways": sorted(svc.gateways)}


@router.get("/metrics", operation_id="metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
