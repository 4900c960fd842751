"""Customer onboarding (admin): payment accounts linked to ERP customers, portal invitations, CSV import."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Body

from payhub import admin
from payhub.admin import customers
from payhub.admin.customers import AccountCreate, account_view
from payhub.api.deps import AdminActor, AdminKey, ReadKey, ServicesDep, envelope

router = APIRouter(prefix="/customers", tags=["customers"])


@router.post("", status_code=201, operation_id="create_customer_account")
def create(body: AccountCreate, key: AdminKey, actor: AdminActor, svc: ServicesDep) -> dict[str, Any]:
    """Create (or update) the payment account of an ERP customer; with `portal_access`, the answer holds
    the invitation token (shown once)."""
    with admin.transaction(svc) as u:
        view, _ = customers.put_customer_account(u, key.entity_id, body, actor)
        return view


@router.get("", operation_id="list_customer_accounts")
def list_accounts(key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with admin.reading(svc) as u:
        return envelope([account_view(a) for a in customers.list_customer_accounts(u, key.entity_id)])


@router.get("/{customer_id}", operation_id="get_customer_account")
def get_account(customer_id: str, key: ReadKey, svc: ServicesDep) -> dict[str, Any]:
    with admin.reading(svc) as u:
        account = customers.get_customer_account(u, key.entity_id, customer_id)
    # The ERP is asked once the database session is closed: a remote ERP's round trip holds no connection.
    return account_view(account, svc.erp_for(key.entity_id).get_customer(key.entity_id, customer_id).name)


@router.post("/import", operation_id="import_customer_accounts")
def import_csv(key: AdminKey, actor: AdminActor, svc: ServicesDep,
               body: str = Body(..., media_type="text/csv",
                                examples=["erp_customer,email,portal_access\ncus_acme,ap@acme.example,true\n"])
               ) -> dict[str, Any]:
    """Bulk onboarding from CSV (columns erp_customer, email, portal_access, and setting.<name> for settings).
    Each row stands alone: valid rows are applied, every other row is reported with its error."""
    return customers.import_customer_accounts(partial(admin.transaction, svc), key.entity_id, body, actor)
