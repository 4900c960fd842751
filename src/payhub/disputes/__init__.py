"""Disputes (chargebacks) end to end: what providers say about them (notifications and settlement files), the
GL entries they book, the evidence merchants gather and submit, and the inbound notification endpoint."""
