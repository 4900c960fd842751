"""A dispute's evidence: files and the standard fields gathered through the API, then submitted to the gateway
through its connector (capability DISPUTE_EVIDENCE).

Files are checked by what they are (their first bytes), not by what the upload says they are: PDF, PNG, JPEG or
plain UTF-8 text, at most MAX_FILE_BYTES each and MAX_FILES per dispute. A refused upload stores nothing.

Submitting is a gateway call, so it is preceded by a persisted intent (the audit record of the submission with
its idempotency key). The key is derived from the dispute and the evidence submitted (the fields and the files'
digests): a retry after a crash, or a second click, sends the same key and the provider answers with the first
submission; evidence changed since is a new submission with a new key."""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass
from typing import Any, cast

import structlog
from sqlalchemy.orm import Session

from payhub import faults
from payhub.admin import Actor
from payhub.disputes.service import advance
from payhub.domain.disputes import EVIDENCE_FIELDS, FINAL, WARNINGS, DisputeStatus, Evidence, EvidenceFile
from payhub.domain.errors import CapabilityUnsupported, DisputeClosed, DomainError, EvidenceInvalid, ProcessingError
from payhub.domain.events import EventType
from payhub.ids import new_id
from payhub.ports import DISPUTE_EVIDENCE, DisputeDefense, supports
from payhub.services import Services
from payhub.store import audit, repo
from payhub.store import disputes as store
from payhub.store.models import Dispute, DisputeEvidenceFile
from payhub.views import dispute_view

log = structlog.get_logger(__name__)

MAX_FILES = 10
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FIELD_CHARS = 20_000
MAX_FILENAME = 200
FILE_PURPOSES = frozenset(EVIDENCE_FIELDS) | {"uncategorized_file"}
# a declared type that says nothing: the content decides
UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-pdf": "application/pdf"}
CLOSED = FINAL | {DisputeStatus.UNDER_REVIEW, DisputeStatus.WARNING_UNDER_REVIEW}


def sniff(content: bytes) -> str | None:
    """The file's type by its first bytes (PDF, PNG, JPEG), or text/plain for UTF-8 text; None otherwise."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):  # NUL and friends: binary, not text
        return None
    return "text/plain"


@dataclass(frozen=True)
class _Checked:
    file: EvidenceFile
    content_type: str
    filename: str


def check(files: list[EvidenceFile], fields: dict[str, str], already: int = 0) -> list[_Checked]:
    """The files as they will be stored, or EvidenceInvalid naming the first thing wrong."""
    unknown = sorted(set(fields) - set(EVIDENCE_FIELDS))
    if unknown:
        raise EvidenceInvalid(f"Unknown evidence field {unknown[0]!r}; known: {', '.join(EVIDENCE_FIELDS)}",
                              field=f"fields.{unknown[0]}")
    for name, value in fields.items():
        if len(value) > MAX_FIELD_CHARS:
            raise EvidenceInvalid(f"{name} is longer than {MAX_FIELD_CHARS} characters", field=f"fields.{name}")
    if already + len(files) > MAX_FILES:
        raise EvidenceInvalid(f"A dispute takes at most {MAX_FILES} evidence files ({already} already)",
                              field="files")
    checked = []
    for i, f in enumerate(files):
        where = f"files.{i}"
        if f.purpose not in FILE_PURPOSES:
            raise EvidenceInvalid(f"Unknown purpose {f.purpose!r}; known: {', '.join(sorted(FILE_PURPOSES))}",
                                  field=f"{where}.purpose")
        if not f.content:
            raise EvidenceInvalid("The file is empty", field=where)
        if len(f.content) > MAX_FILE_BYTES:
            raise EvidenceInvalid(f"The file is larger than {MAX_FILE_BYTES} bytes", field=where)
        found = sniff(f.content)
        if found is None:
            raise EvidenceInvalid("Evidence files are PDF, PNG, JPEG or plain text; this file is none of them",
                                  field=where)
        declared = f.content_type.split(";")[0].strip().lower()
        declared = ALIASES.get(declared, declared)
        if declared not in UNDECLARED and declared != found:
            raise EvidenceInvalid(f"The file says it is {declared} but its content is {found}", field=where)
        name = posixpath.basename(f.filename.replace("\\", "/")).strip() or f"evidence-{i + 1}"
        checked.append(_Checked(f, found, name[-MAX_FILENAME:]))
    return checked


def add_files(svc: Services, entity_id: str, dispute_id: str, files: list[EvidenceFile], fields: dict[str, str],
              actor: Actor) -> Dispute:
    """Store evidence files and fields on a dispute that still takes evidence (DisputeClosed once it is under
    review or decided). A field given again replaces the earlier text. Emits dispute.updated; audited."""
    with svc.transaction() as s:
        dispute = store.get(s, entity_id, dispute_id, lock=True)
        if DisputeStatus(dispute.status) in CLOSED:
            raise DisputeClosed(f"Dispute {dispute_id} is {dispute.status}: it takes no more evidence")
        checked = check(files, fields, already=len(dispute.files))
        now = svc.clock.now()
        before = _summary(dispute)
        for c in checked:
            digest = hashlib.sha256(c.file.content).hexdigest()
            dispute.files.append(DisputeEvidenceFile(
                id=new_id("dfl"), dispute_id=dispute.id, entity_id=dispute.entity_id, purpose=c.file.purpose,
                filename=c.filename, content_type=c.content_type, size=len(c.file.content), sha256=digest,
                content=c.file.content, uploaded_at=now))
        dispute.evidence = {**(dispute.evidence or {}), **fields}
        dispute.updated_at = now
        s.flush()
        _changed(s, dispute, actor, "dispute.evidence_added", before, now)
        return dispute


def submit(svc: Services, entity_id: str, dispute_id: str, actor: Actor) -> Dispute:
    """Submit the dispute's evidence to its gateway. Raises DisputeClosed (under review or decided),
    EvidenceInvalid (nothing to submit), CapabilityUnsupported (the gateway takes no evidence) or the
    gateway's error. On success: the status the gateway answered (normally under_review), the submission time,
    dispute.updated, audited."""
    with svc.transaction() as s:  # the intent: checked, keyed and on record before the gateway call
        dispute = store.get(s, entity_id, dispute_id, lock=True)
        if DisputeStatus(dispute.status) in CLOSED:
            raise DisputeClosed(f"Dispute {dispute_id} is {dispute.status}: its evidence can no longer be submitted")
        gateway = svc.gateways.get(dispute.gateway)
        if gateway is None:
            raise ProcessingError(f"Gateway {dispute.gateway!r}, which reported this dispute, is not configured")
        if not supports(gateway, DISPUTE_EVIDENCE):
            raise CapabilityUnsupported(connector=dispute.gateway, capability=DISPUTE_EVIDENCE)
        evidence = Evidence(dict(dispute.evidence or {}), tuple(
            EvidenceFile(f.filename, f.content_type, f.content, f.purpose) for f in dispute.files))
        if not evidence.fields and not evidence.files:
            raise EvidenceInvalid("Add evidence (files or fields) before submitting it", field="evidence")
        key = submission_key(dispute)
        reference, file_ids = dispute.dispute_reference, [f.id for f in dispute.files]
        dispute.evidence_submitting_key, dispute.evidence_submitting_at = key, svc.clock.now()
        audit.record(s, entity_id=entity_id, key_id=actor.key_id, action="dispute.evidence_submitting",
                     target=dispute.id, before=None, after={"idempotency_key": key, "files": file_ids,
                                                           "fields": sorted(evidence.fields)},
                     request_id=actor.request_id, now=svc.clock.now(), staff_user_id=actor.staff_user)
    faults.point("dispute_evidence.after_intent")
    answered = cast(DisputeDefense, gateway).submit_dispute_evidence(reference, evidence, key)
    faults.point("dispute_evidence.after_gateway")
    with svc.transaction() as s:
        dispute = store.get(s, entity_id, dispute_id, lock=True)
        now = svc.clock.now()
        before = _summary(dispute)
        status = _status(answered, DisputeStatus(dispute.status))
        if status not in FINAL:  # a decision comes by notification, with its GL entries
            advance(dispute, status, answered, now)
        dispute.evidence_submitted_at = dispute.updated_at = now
        dispute.evidence_submitting_key = dispute.evidence_submitting_at = None
        for f in dispute.files:
            if f.id in file_ids and f.submitted_at is None:
                f.submitted_at = now
        _changed(s, dispute, actor, "dispute.evidence_submitted", before, now, {"idempotency_key": key})
        return dispute


def finish_abandoned(svc: Services, limit: int = 100) -> list[str]:
    """The worker's recovery of submissions a crash left between the intent and the recorded answer (older than
    `svc.recovery_after`): the same evidence is submitted again under the same key, so the gateway answers its
    first answer and nothing is sent twice. Evidence changed since (another key) or a dispute decided or under
    review meanwhile has nothing to finish: the marker is cleared. Returns the disputes finished."""
    with svc.read() as s:
        abandoned = store.abandoned_submissions(s, svc.clock.now() - svc.recovery_after, limit)
    finished: list[str] = []
    for entity_id, dispute_id, key in abandoned:
        with svc.read() as s:
            dispute = store.get(s, entity_id, dispute_id)
            same = submission_key(dispute) == key and DisputeStatus(dispute.status) not in CLOSED
        if same:
            try:
                submit(svc, entity_id, dispute_id, RECOVERY)
            except DomainError as error:  # the gateway is down: the marker stays, the next pass tries again
                log.warning("dispute.evidence_recovery_failed", dispute=dispute_id, code=error.code)
                continue
            finished.append(dispute_id)
        else:
            with svc.transaction() as s:
                store.get(s, entity_id, dispute_id, lock=True).evidence_submitting_key = None
    return finished


RECOVERY = Actor(key_id=None, request_id="recovery")  # who the audit trail names for the worker's submissions


def submission_key(dispute: Dispute) -> str:
    """The same evidence of the same dispute is the same submission, whoever sends it and however often."""
    content = json.dumps({"fields": dispute.evidence or {}, "files": [[f.purpose, f.sha256] for f in dispute.files]},
                         sort_keys=True)
    return f"{dispute.id}:evidence:{hashlib.sha256(content.encode()).hexdigest()[:32]}"


def _status(answered: str, current: DisputeStatus) -> DisputeStatus:
    """What the gateway answered, in PayHub's words; anything it calls otherwise is under review (an inquiry's
    evidence puts the inquiry under review, not a chargeback)."""
    try:
        status = DisputeStatus(answered)
    except ValueError:
        status = DisputeStatus.UNDER_REVIEW
    if status is DisputeStatus.UNDER_REVIEW and current in WARNINGS:
        return DisputeStatus.WARNING_UNDER_REVIEW
    return status


def _summary(d: Dispute) -> dict[str, Any]:
    return {"status": d.status, "fields": sorted(d.evidence or {}), "files": [f.id for f in d.files],
            "submitted_at": d.evidence_submitted_at.isoformat() if d.evidence_submitted_at else None}


def _changed(s: Session, dispute: Dispute, actor: Actor, action: str, before: dict[str, Any], now: Any,
             extra: dict[str, Any] | None = None) -> None:
    view = dispute_view(dispute, store.postings_of(s, dispute.id))
    repo.add_event(s, dispute.entity_id, EventType.DISPUTE_UPDATED, view, now)
    audit.record(s, entity_id=dispute.entity_id, key_id=actor.key_id, action=action, target=dispute.id,
                 before=before, after={**_summary(dispute), **(extra or {})}, request_id=actor.request_id, now=now,
                 staff_user_id=actor.staff_user)
