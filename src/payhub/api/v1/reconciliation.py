"""Reconciliation: runs (scheduled by `payhub worker`, or started here), the exceptions they find and their
resolution, and the daily report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import AwareDatetime, BaseModel, Field

from payhub.api.deps import AdminActor, AdminKey, ExceptionPage, ReadKey, RunPage, ServicesDep, envelope
from payhub.domain.reconcile import ExceptionClass
from payhub.reconciliation import report, resolve, runs
from payhub.reconciliation.views import exception_view, run_view
from payhub.store import reconciliation as store

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"])


class RunRequest(BaseModel):
    model_config = {"extra": "forbid"}
    gateway: str | None = Field(None, max_length=40, description="One gateway's settlement; default: all")
    as_of: AwareDatetime | None = Field(None, description="Judge ages (posted but not settled) as of this instant")


class EntryLine(BaseModel):
    model_config = {"extra": "forbid"}
    account: str = Field(min_length=1, max_length=40)
    debit: int = Field(ge=0)
    credit: int = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class Resolution(BaseModel):
    model_config = {"extra": "forbid"}
    action: Literal["manual_match", "write_off", "ignore"]
    reason: str = Field(min_length=1, max_length=2000)
    match: str | None = Field(None, max_length=40, description="manual_match: the other side, a payment, refund "
                                                               "or dispute id, or a settlement line id (stl_…)")
    entry: list[EntryLine] | None = Field(None, max_length=50, description="write_off: the lines to post instead "
                                                                           "of the proposal's")


@router.post("/runs", status_code=201, operation_id="start_reconciliation_run")
def start_run(body: RunRequest, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Reconcile now: settlement ↔ payments, refunds and disputes ↔ GL postings. Answers the finished run."""
    return run_view(runs.run(svc, key.entity_id, body.gateway, trigger="api", as_of=body.as_of))


@router.get("/runs", operation_id="list_reconciliation_runs")
def list_runs(key: ReadKey, svc: ServicesDep, page: RunPage, gateway: str | None = None,
              status: Literal["running", "completed", "failed"] | None = None) -> dict[str, Any]:
    with svc.read() as s:
        rows, has_more = store.list_runs(s, key.entity_id, gateway=gateway, status=status, limit=page.limit,
                                         starting_after=page.starting_after)
        return envelope([run_view(r) for r in rows], has_more)


@router.get("/runs/{run_id}", operation_id="get_reconciliation_run")
def get_run(run_id: str, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        return run_view(store.get_run(s, key.entity_id, run_id))


@router.get("/exceptions", operation_id="list_reconciliation_exceptions")
def list_exceptions(
    key: ReadKey, svc: ServicesDep, page: ExceptionPage,
    class_: Annotated[ExceptionClass | None, Query(alias="class")] = None,
    status: Literal["open", "resolved"] | None = None,
    gateway: str | None = None,
    run: str | None = None,
    payment: str | None = None,
    occurred_gte: Annotated[AwareDatetime | None, Query(description="ISO 8601 with a time zone, inclusive")] = None,
    occurred_lt: Annotated[AwareDatetime | None, Query(description="ISO 8601 with a time zone, exclusive")] = None,
) -> dict[str, Any]:
    """Exceptions, newest first."""
    with svc.read() as s:
        rows, has_more = store.list_exceptions(
            s, key.entity_id, class_=class_.value if class_ else None, status=status, gateway=gateway, run_id=run,
            payment_id=payment, occurred_gte=occurred_gte, occurred_lt=occurred_lt, limit=page.limit,
            starting_after=page.starting_after)
        return envelope([exception_view(e) for e in rows], has_more)


@router.get("/exceptions/{exception_id}", operation_id="get_reconciliation_exception")
def get_exception(exception_id: str, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        return exception_view(store.get_exception(s, key.entity_id, exception_id))


@router.post("/exceptions/{exception_id}/resolve", operation_id="resolve_reconciliation_exception")
def resolve_exception(exception_id: str, body: Resolution, key: AdminKey, actor: AdminActor,
                      svc: ServicesDep) -> dict[str, Any]:
    """Resolve with a reason: a manual match, a write-off (posts the proposed entry, or `entry`), or ignore.
    Audited."""
    done = resolve.resolve(svc, key.entity_id, exception_id, body.action, body.reason, actor, match=body.match,
                           entry=[l.model_dump() for l in body.entry] if body.entry is not None else None)
    return exception_view(done.exception, done.posting)


@router.get("/report", operation_id="get_reconciliation_report", response_model=None)
def get_report(key: ReadKey, svc: ServicesDep, gateway: str | None = None,
               date_: Annotated[date | None, Query(alias="date", description="UTC day; default: today")] = None,
               format: Literal["json", "csv"] = "json") -> dict[str, Any] | Response:
    """One day (UTC) of one gateway, or of all: what settled by currency and type, what matched, fees,
    exceptions by class."""
    day = date_ or svc.clock.now().date()
    daily = report.daily(svc, key.entity_id, gateway, day)
    if format == "csv":
        return Response(report.as_csv(daily), media_type="text/csv", headers={
            "Content-Disposition": f'attachment; filename="reconciliation-{gateway or "all"}-{day.isoformat()}.csv"'})
    return daily
