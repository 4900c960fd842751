"""The demo seed: one entity, a few customers with open invoices in the embedded ERP; and the demo host page's
origins on the entity's allow-list (`payhub demo-host`: a fake customer portal embedding the widgets)."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from payhub.admin.customers import AccountCreate, put_customer_account
from payhub.admin.portal_settings import PortalSettings, get_portal_settings, put_portal_settings
from payhub.admin.staff_users import StaffUserCreate, active_staff_user, create_staff_user
from payhub.admin.work import Actor, UnitOfWork
from payhub.config import record_baseline
from payhub.domain.ledger import PostingRules
from payhub.erp.embedded import create_company, create_customer, create_invoice
from payhub.store.models import Entity
from payhub.web.demo_host import DEMO_HOST_PORT

DEMO_ENTITY = "ent_demo"
DEMO_HOST_ORIGINS = (f"http://127.0.0.1:{DEMO_HOST_PORT}", f"http://localhost:{DEMO_HOST_PORT}")

# (invoice id, number, payment terms, issued this many days ago, lines): each due date follows from its terms,
# so the demo shows one overdue invoice, some due soon and one due today.
CUSTOMERS = [
    ("cus_acme", "Acme Builders LLC", "ap@acme.example", [
        ("inv_acme_1001", "INV-1001", "Net 30", 50, [("Steel beams", 10, 12_500), ("Delivery", 1, 7_500)]),
        ("inv_acme_1002", "INV-1002", "Net 30", 25, [("Concrete mix (pallet)", 4, 32_000)]),
    ]),
    ("cus_globex", "Globex Corporation", "payables@globex.example", [
        ("inv_globex_2001", "INV-2001", "Net 15", 5, [("Consulting hours", 12, 15_000)]),
        ("inv_globex_2002", "INV-2002", "Due on receipt", 0, [("Software licence", 1, 99_990)]),
    ]),
    ("cus_initech", "Initech Inc.", "billing@initech.example", [
        ("inv_initech_3001", "INV-3001", "Net 45", 15, [("Printer toner", 25, 4_599), ("Service call", 2, 12_000)]),
    ]),
]

TERMS_DAYS = {"Due on receipt": 0, "Net 15": 15, "Net 30": 30, "Net 45": 45}


def due_on(terms: str, issued_on: date) -> date:
    """The due date the payment terms give: "Net 30" is 30 days after the invoice date."""
    return issued_on + timedelta(days=TERMS_DAYS[terms])


def seed(s: Session, now: datetime, entity_id: str = DEMO_ENTITY, today: date | None = None) -> bool:
    """Create the demo entity, its ERP data and its baseline config version. Returns False if it exists
    already."""
    if s.get(Entity, entity_id) is not None:
        return False
    today = today or now.date()
    s.add(Entity(id=entity_id, name="Demo Supplies Co.", default_currency="USD", gateway="simulator",
                 posting_rules=PostingRules().as_dict(), created_at=now))
    s.flush()
    create_company(s, entity_id, "Demo Supplies Co.", "USD")
    for customer_id, name, email, invoices in CUSTOMERS:
        create_customer(s, entity_id, customer_id, name, email)
        for invoice_id, number, terms, issued_ago, lines in invoices:
            issued_on = today - timedelta(days=issued_ago)
            create_invoice(s, company_id=entity_id, customer_id=customer_id, invoice_id=invoice_id, number=number,
                           currency="USD", lines=lines, terms=terms, issued_on=issued_on,
                           due_on=due_on(terms, issued_on))
    record_baseline(s, entity_id, None, now)  # so the first configuration applied can be rolled back
    return True


def allow_origins(u: UnitOfWork, origins: tuple[str, ...] = DEMO_HOST_ORIGINS, entity_id: str = DEMO_ENTITY,
                  actor: Actor | None = None) -> list[str]:
    """Add origins to the entity's allow-list (portal settings, audited) unless it has them; returns the list."""
    current = get_portal_settings(u, entity_id)
    missing = [o for o in origins if o not in current["allowed_origins"]]
    if not missing:
        return list(current["allowed_origins"])
    wanted = PortalSettings.model_validate({**current, "allowed_origins": [*current["allowed_origins"], *missing]})
    return list(put_portal_settings(u, entity_id, wanted, actor or Actor(None, "demo"))["allowed_origins"])


DEMO_STAFF_EMAIL = "ar@demo.example"


def open_portal_and_terminal(u: UnitOfWork, entity_id: str = DEMO_ENTITY, actor: Actor | None = None
                             ) -> tuple[str | None, str | None]:
    """Turn the demo entity's customer portal on, invite Acme (ap@acme.example) and make an AR staff user who may
    refund (ar@demo.example), through the admin functions the API uses. Returns (Acme's invitation code, the
    staff user's password), each None if it was done before."""
    actor = actor or Actor(None, "demo")
    current = get_portal_settings(u, entity_id)
    invitation = None
    if not current["enabled"]:
        put_portal_settings(u, entity_id, PortalSettings.model_validate(
            {**current, "enabled": True, "support_email": current["support_email"] or "ar@demo.example"}), actor)
        view, _ = put_customer_account(u, entity_id, AccountCreate(erp_customer="cus_acme", email="ap@acme.example",
                                                                   portal_access=True), actor)
        invitation = view["portal_invite"]["token"]
    password = None
    if active_staff_user(u, entity_id, DEMO_STAFF_EMAIL) is None:
        password = secrets.token_urlsafe(12)
        create_staff_user(u, entity_id, StaffUserCreate(email=DEMO_STAFF_EMAIL, name="Demo AR clerk",
                                                        role="terminal_refund", password=password), actor)
    return invitation, password
