"""Customer payment accounts: linked to ERP customers, with portal invitations; one by one or from a CSV
file. Every change audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from payhub.admin.work import Actor, UnitOfWork
from payhub.auth.keys import create_customer_token
from payhub.domain.errors import AccountNotFound, DomainError, InvalidRequest
from payhub.store import repo
from payhub.store.models import CustomerAccount
from payhub.views import ts

INVITE_TTL = timedelta(days=7)
MAX_IMPORT_ROWS = 5_000
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"




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


def list_customer_accounts(u: UnitOfWork, entity_id: str) -> list[CustomerAccount]:
    return repo.customer_accounts(u.s, entity_id)


def get_customer_account(u: UnitOfWork, entity_id: str, customer_id: str) -> CustomerAccount:
    account = u.s.get(CustomerAccount, (entity_id, customer_id))
    if account is None:
        raise AccountNotFound(f"No customer account {customer_id}")
    return account


def put_customer_account(u: UnitOfWork, entity_id: str, body: AccountCreate,
                         actor: Actor) -> tuple[dict[str, Any], str]:
    """Create or update the account of an ERP customer (404 unless the ERP knows it): its view (with the
    portal invitation token, shown once, when `portal_access`) and "created" or "updated"."""
    customer = u.svc.erp_for(entity_id).get_customer(entity_id, body.erp_customer)
    account = u.s.get(CustomerAccount, (entity_id, customer.id), with_for_update=True)
    before, outcome = (account_view(account), "updated") if account else (None, "created")
    if account is None:
        account = CustomerAccount(entity_id=entity_id, customer_id=customer.id, settings={},
                                  portal_status="none", created_at=u.now)
        u.s.add(account)
    account.email = body.email or account.email or customer.email
    account.settings = {**(account.settings or {}), **body.settings}
    account.updated_at = u.now
    view = account_view(account, customer.name)
    if body.portal_access:
        _, secret = create_customer_token(u.s, entity_id, customer.id, u.now, u.now + INVITE_TTL, invoice_ids=None,
                                          max_amount=None, currency=None, created_by=actor.key_id or "")
        account.portal_status, account.invited_at = "invited", u.now
        view = {**account_view(account, customer.name),
                "portal_invite": {"token": secret, "expires_at": ts(u.now + INVITE_TTL)}}
    u.audit(actor, entity_id, f"customer_account.{outcome}", f"customer:{customer.id}", before,
            account_view(account, customer.name))
    return view, outcome


def import_customer_accounts(transaction: Callable[[], Any], entity_id: str, text: str,
                             actor: Actor) -> dict[str, Any]:
    """Accounts from CSV (columns erp_customer, email, portal_access, setting.<name>). Each row stands alone,
    in its own unit of work (`transaction()`): valid rows are applied, every other row is reported with its
    error."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "erp_customer" not in reader.fieldnames:
        raise InvalidRequest("The CSV needs a header row with at least an erp_customer column", field="body")
    rows = list(reader)
    if len(rows) > MAX_IMPORT_ROWS:
        raise InvalidRequest(f"At most {MAX_IMPORT_ROWS} rows per import", field="body")
    report: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            email = (row.get("email") or "").strip() or None
            flag = (row.get("portal_access") or "").strip().lower()
            if flag not in ("", "true", "false", "yes", "no", "1", "0"):
                raise InvalidRequest(f"portal_access must be true or false, not {flag!r}", field="portal_access")
            body = AccountCreate(erp_customer=(row.get("erp_customer") or "").strip(), email=email,
                                 portal_access=flag in ("true", "yes", "1"),
                                 settings={k.removeprefix("setting."): v for k, v in row.items()
                                           if k and k.startswith("setting.") and v})
            with transaction() as u:
                view, outcome = put_customer_account(u, entity_id, body, actor)
            report.append({"line": number, "customer": view["id"], "status": outcome,
                           "portal_invite": view.get("portal_invite")})
        except (DomainError, ValidationError) as error:
            message = error.detail if isinstance(error, DomainError) else error.errors()[0]["msg"]
            code = error.code if isinstance(error, DomainError) else "validation_error"
            report.append({"line": number, "customer": row.get("erp_customer"), "status": "error",
                           "error": {"code": code, "message": message}})
    counts = {status: sum(r["status"] == status for r in report) for status in ("created", "updated", "error")}
    return {"object": "customer_import", **counts, "rows": report}
