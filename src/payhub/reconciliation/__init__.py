"""Reconciliation: settlement ↔ PayHub's payments, refunds and disputes ↔ GL postings in the ERP."""
