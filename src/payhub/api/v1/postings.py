"""GL postings: post again one the ERP has not confirmed. A payment's postings are also retried through
POST /v1/payments/{id}/post; a settlement batch's or a write-off's have no payment, and a refusal (an account
the ERP's mapping lacks, say) is never retried by the worker, so this is how an operator retries it once the
cause is fixed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from payhub.api.deps import AdminKey, ServicesDep
from payhub.domain.errors import NotFound
from payhub.pipeline import posting as pipeline
from payhub.store import repo
from payhub.views import PostingPublic, posting_view

router = APIRouter(prefix="/postings", tags=["postings"])


@router.post("/{posting_id}/retry", response_model=PostingPublic, operation_id="retry_posting")
def retry_posting(posting_id: str, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Post a failed (or abandoned pending) posting again, through the posting pipeline and the entity's hooks.
    A confirmed posting is answered as it stands. Safe to repeat: the ERP records each posting once."""
    with svc.read() as s:
        found = repo.get_posting(s, posting_id)
        if found is None or found.entity_id != key.entity_id:
            raise NotFound(f"No posting {posting_id}")
        if found.status == "confirmed":
            return posting_view(found)
    pipeline.run(svc, found)
    with svc.read() as s:  # the outcome as recorded, with its lines
        current = repo.get_posting(s, posting_id)
        assert current is not None
        return posting_view(current)
