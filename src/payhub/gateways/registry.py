"""Explicit name → gateway connector mapping. Adding a gateway is one package and one line here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from payhub.gateways.adyen import AdyenGateway
from payhub.gateways.simulator import SimulatorGateway
from payhub.gateways.stripe import StripeGateway
from payhub.ports import Gateway

GATEWAYS: dict[str, Callable[..., Gateway]] = {
    "simulator": SimulatorGateway,
    "adyen": AdyenGateway,
    "stripe": StripeGateway,
}


def build(name: str, type: str, **config: Any) -> Gateway:
    """One configured gateway instance: `type` picks the connector, `name` is how rules refer to it."""
    if type not in GATEWAYS:
        raise ValueError(f"unknown gateway type {type!r}; known: {', '.join(sorted(GATEWAYS))}")
    return GATEWAYS[type](name=name, **config)
