"""Adyen connector: adapter (HTTP I/O) + transformers (pure wire ↔ domain) + errors (Adyen → domain error)."""

from payhub.gateways.adyen.adapter import AdyenGateway

__all__ = ["AdyenGateway"]
