from __future__ import annotations

from fastapi import APIRouter

from payhub.api.deps import ReadKey, ServicesDep, envelope
from payhub.store import repo
from payhub.store.views import InvoiceList, InvoicePublic, invoice_view

router = APIRouter(tags=["invoices"])


@router.get("/invoices/{invoice_id}", response_model=InvoicePublic, operation_id="get_invoice")
def get_invoice(invoice_id: str, key: ReadKey, svc: ServicesDep) -> dict:  # type: ignore[type-arg]
    """The invoice as the ERP has it right now: balance, terms, due date, lines."""
    invoice = svc.erp.get_invoice(key.entity_id, invoice_id)
    with svc.read() as s:
        held = repo.held_amounts(s, [invoice.id])
    return invoice_view(invoice, held.get(invoice.id, 0))


@router.get("/customers/{customer_id}/invoices", response_model=InvoiceList,
            operation_id="list_customer_invoices")
def list_customer_invoices(customer_id: str, key: ReadKey, svc: ServicesDep) -> dict:  # type: ignore[type-arg]
    """A customer's open invoices, live from the ERP, oldest due first."""
    svc.erp.get_customer(key.entity_id, customer_id)
    invoices = svc.erp.list_open_invoices(key.entity_id, customer_id)
    with svc.read() as s:
        held = repo.held_amounts(s, [inv.id for inv in invoices])
    return envelope([invoice_view(inv, held.get(inv.id, 0)) for inv in invoices])
