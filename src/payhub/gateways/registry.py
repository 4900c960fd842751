"""Explicit name → gateway connector mapping. Adding a gateway is one package and one line here.

A connector's module is imported when the first instance of it is built: a process that uses only the simulator
never imports Stripe's or Adyen's HTTP client (start-up time, bench/startup.py)."""

from __future__ import annotations

from importlib import import_module
from typing import Any, cast

from payhub.ports import Gateway

GATEWAYS: dict[str, str] = {  # type -> "module:class"
    "simulator": "payhub.gateways.simulator:SimulatorGateway",
    "adyen": "payhub.gateways.adyen:AdyenGateway",
    "stripe": "payhub.gateways.stripe:StripeGateway",
}


def build(name: str, type: str, **config: Any) -> Gateway:
    """One configured gateway instance: `type` picks the connector, `name` is how rules refer to it."""
    if type not in GATEWAYS:
        raise ValueError(f"unknown gateway type {type!r}; known: {', '.join(sorted(GATEWAYS))}")
    module, _, cls = GATEWAYS[type].partition(":")
    return cast(Gateway, getattr(import_module(module), cls)(name=name, **config))
