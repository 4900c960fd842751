"""Invoice reads through HTTP: live ERP data as the API shows it."""

from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient


def test_invoice_lines_show_the_exact_unit_price(client: TestClient) -> None:
    lines = client.get("/v1/invoices/inv_acme_1001").json()["lines"]
    assert lines and all(Decimal(l["unit_price"]) * l["quantity"] * 100 == l["amount"]["amount"] for l in lines)
    assert all(Decimal(l["unit_price"]) * 100 == l["unit_amount"]["amount"] for l in lines)  # whole cents here
