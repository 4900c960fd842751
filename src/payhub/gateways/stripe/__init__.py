"""Stripe connector: adapter (httpx I/O) + transformers (pure wire ↔ domain) + errors (Stripe → domain error)."""

from payhub.gateways.stripe.adapter import STRIPE_VERSION, StripeGateway

__all__ = ["STRIPE_VERSION", "StripeGateway"]
