"""Disputes (chargebacks): read them, add evidence (multipart files and the standard fields), submit it to the
gateway. They open and resolve by themselves, from gateway notifications and settlement files."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from payhub.api import idempotency
from payhub.api.deps import (
    PageParams,
    PaymentsKey,
    ReadKey,
    ServicesDep,
    accepts_upload,
    actor_of,
    envelope,
    local_read,
    paged,
)
from payhub.disputes import evidence
from payhub.domain.disputes import EVIDENCE_FIELDS, DisputeStatus, EvidenceFile
from payhub.domain.errors import EvidenceInvalid
from payhub.pipeline.idempotency import Claim
from payhub.services import Services
from payhub.store import disputes as store
from payhub.views import DisputeList, DisputePublic, dispute_view

router = APIRouter(prefix="/disputes", tags=["disputes"])
DisputePage = Annotated[PageParams, Depends(paged("dsp"))]
MAX_PARTS = evidence.MAX_FILES * 2 + len(EVIDENCE_FIELDS) + 2  # files, their purposes, the fields


@router.get("", response_model=DisputeList, operation_id="list_disputes")
@local_read
def list_disputes(
    key: ReadKey, svc: ServicesDep, page: DisputePage,
    status: DisputeStatus | None = None,
    payment: Annotated[str | None, Query(max_length=40, description="Disputes of this payment")] = None,
    gateway: Annotated[str | None, Query(max_length=40)] = None,
) -> dict[str, Any]:
    """The entity's disputes, newest first."""
    with svc.read() as s:
        rows, has_more = store.list_disputes(s, key.entity_id, status=status.value if status else None,
                                             payment_id=payment, gateway=gateway, limit=page.limit,
                                             starting_after=page.starting_after)
        return envelope([dispute_view(d, store.postings_of(s, d.id)) for d in rows], has_more)


@router.get("/{dispute_id}", response_model=DisputePublic, operation_id="get_dispute")
@local_read
def get_dispute(dispute_id: str, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    """One dispute: its status (normalized, and the provider's own), amount, reason, evidence (fields and the
    files' metadata) and the GL postings it booked."""
    return _view(svc, key.entity_id, dispute_id)


EVIDENCE_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "properties": {
            "files": {"type": "array", "items": {"type": "string", "format": "binary"}, "maxItems": evidence.MAX_FILES,
                      "description": "PDF, PNG, JPEG or plain text, at most 5 MB each (checked by content)"},
            "purpose": {"type": "array", "items": {"type": "string", "enum": sorted(evidence.FILE_PURPOSES)},
                        "description": "One per file, in order: the evidence field it backs "
                                       "(default uncategorized_file)"},
            **{name: {"type": "string", "maxLength": evidence.MAX_FIELD_CHARS} for name in EVIDENCE_FIELDS},
        },
        "additionalProperties": False,
    }}},
}


@router.post("/{dispute_id}/evidence", response_model=DisputePublic, operation_id="add_dispute_evidence",
             openapi_extra={"requestBody": EVIDENCE_BODY})
@accepts_upload
async def add_evidence(dispute_id: str, request: Request, key: PaymentsKey, svc: ServicesDep) -> dict[str, Any]:
    """Add evidence to a dispute that still takes it (409 `dispute_closed` once under review or decided):
    files (`files`, each with a `purpose`) and the standard text fields. A field sent again replaces its text.
    A refused upload (422 `dispute_evidence_invalid`) stores nothing."""
    files, fields = await _read_form(request)
    actor = actor_of(key, request)
    await run_in_threadpool(evidence.add_files, svc, key.entity_id, dispute_id, files, fields, actor)
    return await run_in_threadpool(_view, svc, key.entity_id, dispute_id)


@router.post("/{dispute_id}/submit", response_model=DisputePublic, operation_id="submit_dispute_evidence")
@idempotency.resumable
def submit_evidence(dispute_id: str, request: Request, key: PaymentsKey, svc: ServicesDep) -> JSONResponse:
    """Submit the dispute's evidence to the gateway (422 `capability_unsupported` when its connector takes
    none). The dispute is then under review until a notification says won or lost. Send an Idempotency-Key
    to retry safely: the same request gets the same answer, and the same evidence is submitted once."""
    def action(_: Claim | None) -> None:
        evidence.submit(svc, key.entity_id, dispute_id, actor_of(key, request))

    return idempotency.run(svc, key, request, {}, action, lambda _: _view(svc, key.entity_id, dispute_id))


def _view(svc: Services, entity_id: str, dispute_id: str) -> dict[str, Any]:
    with svc.read() as s:
        dispute = store.get(s, entity_id, dispute_id)
        return dispute_view(dispute, store.postings_of(s, dispute.id))


async def _read_form(request: Request) -> tuple[list[EvidenceFile], dict[str, str]]:
    """The multipart body as evidence: files with their purposes (in order), and the text fields."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in ("multipart/form-data", "application/x-www-form-urlencoded"):  # the latter: fields only
        raise EvidenceInvalid("Send the evidence as multipart/form-data", field="body")
    try:
        form = await request.form(max_files=evidence.MAX_FILES + 1, max_fields=MAX_PARTS)
    except Exception as error:  # a malformed multipart body, or too many parts
        raise EvidenceInvalid(f"The multipart body cannot be read: {error}", field="body") from None
    uploads: list[UploadFile] = []
    purposes: list[str] = []
    fields: dict[str, str] = {}
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name not in ("files", "files[]"):
                raise EvidenceInvalid(f"Files go in the `files` part, not {name!r}", field=name)
            uploads.append(value)
        elif name in ("purpose", "purpose[]"):
            purposes.append(value)
        elif name in fields:
            raise EvidenceInvalid(f"{name} is given twice", field=f"fields.{name}")
        else:
            fields[name] = value
    if len(purposes) > len(uploads):
        raise EvidenceInvalid("There is a purpose for each file, no more", field="purpose")
    files = []
    for i, upload in enumerate(uploads):
        content = await upload.read(evidence.MAX_FILE_BYTES + 1)  # enough to tell it is too large
        files.append(EvidenceFile(upload.filename or "", upload.content_type or "", content,
                                  purposes[i] if i < len(purposes) else "uncategorized_file"))
    return files, fields
