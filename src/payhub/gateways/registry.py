"""Explicit name → gateway connector mapping. Adding a gateway is one package and one line here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from payhub.gateways.simulator import SimulatorGateway
from payhub.ports import Gateway

GATEWAYS: dict[str, Callable[..., Gateway]] = {
    "simulator": SimulatorGateway,
}


def build(name: str, **config: Any) -> Gateway:
    return GATEWAYS[name](**config)
