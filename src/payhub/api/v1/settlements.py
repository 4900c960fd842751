"""Settlement batches: import a gateway's settlement report, list the batches, read one with its lines."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from payhub.api import idempotency
from payhub.api.deps import AdminKey, BatchPage, ReadKey, ServicesDep, accepts_upload, envelope
from payhub.pipeline.idempotency import Claim
from payhub.reconciliation.views import batch_view, line_view
from payhub.settlement.imports import Imported, file_sha256, import_report
from payhub.store import repo
from payhub.store import settlement as store

router = APIRouter(prefix="/settlements", tags=["settlement"])


@router.post("/import", status_code=201, operation_id="import_settlement", response_model=dict[str, Any])
@accepts_upload
@idempotency.resumable
def import_settlement(request: Request, key: AdminKey, svc: ServicesDep,
                      file: Annotated[UploadFile, File(description="The gateway's settlement report (CSV)")],
                      gateway: Annotated[str, Form(max_length=40, description="The configured gateway whose "
                                                                               "report it is")]) -> JSONResponse:
    """Import a settlement report: all of the file or nothing. A batch (or a file) imported before gets 409
    `settlement_batch_duplicate`; wrong columns, a wrong encoding or a bad value get 422
    `settlement_file_invalid` naming the line. Each batch's journal entry is posted to the ERP. Send an
    Idempotency-Key to retry safely: a retry after a lost answer gets the import's answer, not 409."""
    def action(claim: Claim | None) -> list[Imported]:
        return import_report(svc, key.entity_id, gateway, file.file, filename=file.filename or "",
                             imported_by=key.key_id, claim=claim)

    upload = {"gateway": gateway, "filename": file.filename or "", "sha256": file_sha256(file.file)}
    return idempotency.run(svc, key, request, upload, action, _imported_view, status=201)


def _imported_view(imported: list[Imported]) -> dict[str, Any]:
    return {"object": "settlement_import", "batches": [batch_view(i.batch, postings=i.postings) for i in imported]}


@router.get("", operation_id="list_settlements")
def list_settlements(key: ReadKey, svc: ServicesDep, page: BatchPage, gateway: str | None = None) -> dict[str, Any]:
    """Settlement batches, newest first."""
    with svc.read() as s:
        rows, has_more = store.list_batches(s, key.entity_id, gateway=gateway, limit=page.limit,
                                            starting_after=page.starting_after)
        return envelope([batch_view(b) for b in rows], has_more)


@router.get("/{batch_id}", operation_id="get_settlement")
def get_settlement(batch_id: str, key: ReadKey, svc: ServicesDep,
                   lines_after: Annotated[int, Query(ge=0, description="Lines after this line number")] = 0,
                   lines_limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """One batch: its totals, its ERP postings, and its lines in file order (paged by line number)."""
    with svc.read() as s:
        batch = store.get_batch(s, key.entity_id, batch_id)
        lines, more = store.lines_of(s, batch.id, lines_limit, lines_after)
        return batch_view(batch, postings=list(repo.postings_of(s, key.entity_id, batch.id)),
                          lines=[line_view(l) for l in lines], more_lines=more)
