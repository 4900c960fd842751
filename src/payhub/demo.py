"""The demo seed: one entity, a few customers with open invoices in the embedded ERP."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from payhub.domain.ledger import PostingRules
from payhub.erp.embedded import create_company, create_customer, create_invoice
from payhub.store.models import Entity

DEMO_ENTITY = "ent_demo"

CUSTOMERS = [
    ("cus_acme", "Acme Builders LLC", "ap@acme.example", [
        ("inv_acme_1001", "INV-1001", "Net 30", -20, [("Steel beams", 10, 12_500), ("Delivery", 1, 7_500)]),
        ("inv_acme_1002", "INV-1002", "Net 30", 5, [("Concrete mix (pallet)", 4, 32_000)]),
    ]),
    ("cus_globex", "Globex Corporation", "payables@globex.example", [
        ("inv_globex_2001", "INV-2001", "Net 15", 10, [("Consulting hours", 12, 15_000)]),
        ("inv_globex_2002", "INV-2002", "Due on receipt", 0, [("Software licence", 1, 99_990)]),
    ]),
    ("cus_initech", "Initech Inc.", "billing@initech.example", [
        ("inv_initech_3001", "INV-3001", "Net 45", 30, [("Printer toner", 25, 4_599), ("Service call", 2, 12_000)]),
    ]),
]


def seed(s: Session, now: datetime, entity_id: str = DEMO_ENTITY, today: date | None = None) -> bool:
    """Create the demo entity and its ERP data. Returns False if it exists already."""
    if s.get(Entity, entity_id) is not None:
        return False
    today = today or now.date()
    s.add(Entity(id=entity_id, name="Demo Supplies Co.", default_currency="USD", gateway="simulator",
                 posting_rules=PostingRules().as_dict(), created_at=now))
    s.flush()
    create_company(s, entity_id, "Demo Supplies Co.", "USD")
    for customer_id, name, email, invoices in CUSTOMERS:
        create_customer(s, entity_id, customer_id, name, email)
        for invoice_id, number, terms, due_in, lines in invoices:
            create_invoice(s, company_id=entity_id, customer_id=customer_id, invoice_id=invoice_id, number=number,
                           currency="USD", lines=lines, terms=terms, issued_on=today - timedelta(days=30),
                           due_on=today + timedelta(days=due_in))
    return True
