"""Customer onboarding (admin): payment accounts linked to ERP customers, portal invitations, CSV import."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from payhub.api.deps import AdminKey, Principal, ReadKey, ServicesDep, envelope
from payhub.auth.keys import create_customer_token
from payhub.domain.errors import DomainError, InvalidRequest, NotFound
from payhub.pipeline.services import Services
from payhub.store import audit
from payhub.store.models import CustomerAccount
from payhub.store.views import ts

router = APIRouter(prefix="/customers", tags=["customers"])
INVITE_TTL = timedelta(days=7)
MAX_IMPORT_ROWS = 5_000
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class AccountNotFound(NotFound):
    code = "customer_account_not_found"
    title = "Customer account not found"


class AccountCreate(BaseModel):
    model_config = {"extra": "forbid"}
    erp_customer: str = Field(description="The customer's id in the ERP")
    email: str | None = Field(None, pattern=EMAIL, max_length=200)
    settings: dict[str, str] = Field(default_factory=dict, max_length=50)
    portal_access: bool = Field(False, description="Invite the customer to the portal (a 7-day invitation token)")


def account_view(a: CustomerAccount, name: str | None = None) -> dict[str, Any]:
    return {"id": a.customer_id, "object": "customer_account", "name": name, "email": a.email,
            "settings": a.settings or {}, "portal": {"status": a.portal_status, "invited_at": ts(a.invited_at)},
            "created_at": ts(a.created_at), "updated_at": ts(a.updated_at)}


def _upsert(svc: Services, s: Session, key: Principal, body: AccountCreate, request_id: str | None,
            now: datetime) -> tuple[dict[str, Any], str]:
    customer = svc.erp_for(key.entity_id).get_customer(key.entity_id, body.erp_customer)  # 404 unless the ERP knows it
    account = s.get(CustomerAccount, (key.entity_id, customer.id), with_for_update=True)
    before, outcome = (account_view(account), "updated") if account else (None, "created")
    if account is None:
        account = CustomerAccount(entity_id=key.entity_id, customer_id=customer.id, settings={},
                                  portal_status="none", created_at=now)
        s.add(account)
    account.email = body.email or account.email or customer.email
    account.settings = {**(account.settings or {}), **body.settings}
    account.updated_at = now
    view = account_view(account, customer.name)
    if body.portal_access:
        _, secret = create_customer_token(s, key.entity_id, customer.id, now, now + INVITE_TTL, invoice_ids=None,
                                          max_amount=None, currency=None, created_by=key.key_id)
        account.portal_status, account.invited_at = "invited", now
        view = {**account_view(account, customer.name),
                "portal_invite": {"token": secret, "expires_at": ts(now + INVITE_TTL)}}
    audit.record(s, entity_id=key.entity_id, key_id=key.key_id, action=f"customer_account.{outcome}",
                 target=f"customer:{customer.id}", before=before, after=account_view(account, customer.name),
                 request_id=request_id, now=now)
    return view, outcome


@router.post("", status_code=201, operation_id="create_customer_account")
def create(body: AccountCreate, request: Request, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    """Create (or update) the payment account of an ERP customer; with `portal_access`, the answer holds
    the invitation token (shown once)."""
    with svc.transaction() as s:
        view, _ = _upsert(svc, s, key, body, getattr(request.state, "request_id", None), svc.clock.now())
        return view


@router.get("", operation_id="list_customer_accounts")
def list_accounts(key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        rows = s.scalars(select(CustomerAccount).where(CustomerAccount.entity_id == key.entity_id)
                         .order_by(CustomerAccount.customer_id)).all()
        return envelope([account_view(a) for a in rows])


@router.get("/{customer_id}", operation_id="get_customer_account")
def get_account(customer_id: str, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with svc.read() as s:
        account = s.get(CustomerAccount, (key.entity_id, customer_id))
    if account is None:
        raise AccountNotFound(f"No customer account {customer_id}")
    return account_view(account, svc.erp_for(key.entity_id).get_customer(key.entity_id, customer_id).name)


@router.post("/import", operation_id="import_customer_accounts")
def import_csv(request: Request, key: AdminKey, svc: ServicesDep,
               body: str = Body(..., media_type="text/csv",
                                examples=["erp_customer,email,portal_access\ncus_acme,ap@acme.example,true\n"])
               ) -> dict[str, Any]:
    """Bulk onboarding from CSV (columns erp_customer, email, portal_access, and setting.<name> for settings).
    Each row stands alone: valid rows are applied, every other row is reported with its error."""
    reader = csv.DictReader(io.StringIO(body))
    if not reader.fieldnames or "erp_customer" not in reader.fieldnames:
        raise InvalidRequest("The CSV needs a header row with at least an erp_customer column", field="body")
    rows = list(reader)
    if len(rows) > MAX_IMPORT_ROWS:
        raise InvalidRequest(f"At most {MAX_IMPORT_ROWS} rows per import", field="body")
    report: list[dict[str, Any]] = []
    request_id = getattr(request.state, "request_id", None)
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            email = (row.get("email") or "").strip() or None
            flag = (row.get("portal_access") or "").strip().lower()
            if flag not in ("", "true", "false", "yes", "no", "1", "0"):
                raise InvalidRequest(f"portal_access must be true or false, not {flag!r}", field="portal_access")
            body_row = AccountCreate(erp_customer=(row.get("erp_customer") or "").strip(), email=email,
                                     portal_access=flag in ("true", "yes", "1"),
                                     settings={k.removeprefix("setting."): v for k, v in row.items()
                                               if k and k.startswith("setting.") and v})
            with svc.transaction() as s:
                view, outcome = _upsert(svc, s, key, body_row, request_id, svc.clock.now())
            report.append({"line": number, "customer": view["id"], "status": outcome,
                           "portal_invite": view.get("portal_invite")})
        except (DomainError, ValidationError) as error:
            message = error.detail if isinstance(error, DomainError) else error.errors()[0]["msg"]
            code = error.code if isinstance(error, DomainError) else "validation_error"
            report.append({"line": number, "customer": row.get("erp_customer"), "status": "error",
                           "error": {"code": code, "message": message}})
    counts = {status: sum(r["status"] == status for r in report) for status in ("created", "updated", "error")}
    return {"object": "customer_import", **counts, "rows": report}
