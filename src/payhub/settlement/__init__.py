"""Settlement: gateways' reports imported, matched to payments, booked to the ERP."""
