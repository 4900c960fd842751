"""Adyen connector: adapter (HTTP I/O) + transformers (pure wire ↔ domain) + errors (Adyen → domain error)."""

from payhub.gateways.adyen.adapter import AdyenGateway
from payhub.gateways.adyen.errors import GatewayAuthFailed

__all__ = ["AdyenGateway", "GatewayAuthFailed"]
