"""Staff users of the virtual terminal (admin): create, list, show, deactivate. Every change is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from payhub import admin
from payhub.admin import staff_users
from payhub.admin.staff_users import StaffUserCreate, staff_user_view
from payhub.api.deps import AdminActor, AdminKey, PageParams, ServicesDep, envelope, paged

router = APIRouter(prefix="/staff_users", tags=["staff users"])
StaffPage = Annotated[PageParams, Depends(paged("stf"))]


@router.post("", status_code=201, operation_id="create_staff_user")
def create(body: StaffUserCreate, key: AdminKey, actor: AdminActor, svc: ServicesDep) -> dict[str, Any]:
    """A staff user who signs in to the virtual terminal (`/terminal`) with a password or a magic link. Role
    `terminal` takes payments; `terminal_refund` also refunds and voids. The password is never returned."""
    with admin.transaction(svc) as u:
        return staff_user_view(staff_users.create_staff_user(u, key.entity_id, body, actor))


@router.get("", operation_id="list_staff_users")
def list_staff(key: AdminKey, svc: ServicesDep, page: StaffPage) -> dict[str, Any]:
    with admin.reading(svc) as u:
        rows, has_more = staff_users.list_staff_users(u, key.entity_id, page.limit, page.starting_after)
        return envelope([staff_user_view(r) for r in rows], has_more)


@router.get("/{staff_user_id}", operation_id="get_staff_user")
def show(staff_user_id: str, key: AdminKey, svc: ServicesDep) -> dict[str, Any]:
    with admin.reading(svc) as u:
        return staff_user_view(staff_users.get_staff_user(u, key.entity_id, staff_user_id))


@router.post("/{staff_user_id}/deactivate", operation_id="deactivate_staff_user")
def deactivate(staff_user_id: str, key: AdminKey, actor: AdminActor, svc: ServicesDep) -> dict[str, Any]:
    """The user can no longer sign in; their open terminal sessions end at once (their keys are revoked)."""
    with admin.transaction(svc) as u:
        return staff_user_view(staff_users.deactivate_staff_user(u, key.entity_id, staff_user_id, actor))
