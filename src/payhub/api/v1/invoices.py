from __future__ import annotations

from fastapi import APIRouter

from payhub.api.deps import ReaderOrCustomer, ServicesDep, envelope, local_read
from payhub.domain.errors import CustomerNotFound, InvoiceNotFound
from payhub.pipeline import posting
from payhub.views import InvoiceList, InvoicePublic, invoice_view

router = APIRouter(tags=["invoices"])


@router.get("/invoices/{invoice_id}", response_model=InvoicePublic, operation_id="get_invoice")
@local_read
def get_invoice(invoice_id: str, key: ReaderOrCustomer, svc: ServicesDep) -> dict:  # type: ignore[type-arg]
    """The invoice as the ERP has it right now: balance, terms, due date, lines."""
    with svc.read() as s:  # one read transaction: the embedded ERP reads in it too
        erp = posting.erp_within(svc.erp_for(key.entity_id), s)
        # holds before the ERP, as a payment reads them: a confirmation in between under-states what is payable
        held = posting.held_amounts(svc, s, key.entity_id, [invoice_id], erp)
        invoice = erp.get_invoice(key.entity_id, invoice_id)
    if not key.sees_invoice(invoice.customer_id, invoice.id):  # a customer token sees its own invoices only
        raise InvoiceNotFound(f"No invoice {invoice_id}")
    return invoice_view(invoice, held.get(invoice.id, 0))


@router.get("/customers/{customer_id}/invoices", response_model=InvoiceList,
            operation_id="list_customer_invoices")
@local_read
def list_customer_invoices(customer_id: str, key: ReaderOrCustomer,
                           svc: ServicesDep) -> dict:  # type: ignore[type-arg]
    """A customer's open invoices, live from the ERP, oldest due first."""
    if key.customer_id not in (None, customer_id):
        raise CustomerNotFound(f"No customer {customer_id}")
    with svc.read() as s:
        erp = posting.erp_within(svc.erp_for(key.entity_id), s)
        erp.get_customer(key.entity_id, customer_id)
        invoices = [inv for inv in erp.list_open_invoices(key.entity_id, customer_id)
                    if key.sees_invoice(inv.customer_id, inv.id)]
        held = posting.held_amounts(svc, s, key.entity_id, [inv.id for inv in invoices], erp)
    return envelope([invoice_view(inv, held.get(inv.id, 0)) for inv in invoices])
