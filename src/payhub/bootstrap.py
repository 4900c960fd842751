"""Composition root: the only place that wires the store, connectors and ports together."""

from __future__ import annotations

from datetime import timedelta

from payhub.erp import registry as erps
from payhub.gateways import registry as gateways
from payhub.pipeline.services import Services, SystemClock
from payhub.ports import Clock
from payhub.settings import Settings
from payhub.store.db import make_sessionmakers


def build_services(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or Settings()
    sessions, readers = make_sessionmakers(settings.database_url)
    simulator = gateways.build("simulator", timeout_s=settings.gateway_timeout_s,
                               settlement_delay=timedelta(seconds=settings.settlement_delay_s))
    return Services(
        sessions=sessions,
        readers=readers,
        erp=erps.build(settings.erp, sessions=sessions, readers=readers),
        gateways={simulator.name: simulator},
        clock=clock or SystemClock(),
        secret_key=settings.secret_key,
        payment_lock=timedelta(seconds=settings.payment_lock_s),
        lock_wait_s=settings.lock_wait_s,
        idempotency_ttl=timedelta(hours=settings.idempotency_ttl_h),
    )
