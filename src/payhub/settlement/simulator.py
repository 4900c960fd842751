"""The simulator's settlement report for a day, from what PayHub made through it: the simulator keeps no
state, so PayHub's own records stand in for its books (`payhub settle simulate`, the demo, the tests)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from payhub.gateways.simulator import SimulatedMovement, settlement_report
from payhub.services import Services
from payhub.store import settlement as store

REACH = timedelta(days=20)  # the generator settles at T+1 or T+2 and charges back what settled 14 days before


def report(svc: Services, entity_id: str, gateway: str, day: date, seed: int) -> Iterator[str]:
    """The CSV lines of the batch the simulator pays out on `day`."""
    until = datetime(day.year, day.month, day.day, tzinfo=UTC)
    with svc.read() as s:
        found = store.movements(s, entity_id, gateway, until - REACH, until)
    moves = [SimulatedMovement(reference=reference, merchant_reference=payment_id,
                               kind="refund" if kind == "refund" else "payment", amount=amount, currency=currency,
                               at=at, method="ach" if method == "ach" else "card")
             for kind, reference, _, amount, currency, at, method, payment_id in found if reference]
    return settlement_report(moves, day, seed)
