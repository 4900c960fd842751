"""Composition root: the only place that wires the store, connectors and ports together."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from payhub.auth.ratelimit import build_rate_limiter
from payhub.erp import registry as erps
from payhub.erp.per_entity import EntityErps
from payhub.gateways import registry as gateways
from payhub.ports import Clock, Erp
from payhub.services import Services, SystemClock
from payhub.settings import Settings
from payhub.store.db import make_sessionmakers
from payhub.vault.crypto import Keyring
from payhub.webhooks.transport import parse_networks

if TYPE_CHECKING:
    from payhub.webhooks.worker import WebhookWorker


def build_services(settings: Settings | None = None, clock: Clock | None = None) -> Services:
    settings = settings or Settings()
    sessions, readers = make_sessionmakers(settings.database_url)
    configured = {"simulator": {"type": "simulator"}, **settings.gateways}
    defaults = {"simulator": {"timeout_s": settings.gateway_timeout_s,
                              "settlement_delay": timedelta(seconds=settings.settlement_delay_s)}}
    instances = {name: gateways.build(name, **{**defaults.get(conf["type"], {}), **conf})
                 for name, conf in configured.items()}
    default_erp = build_erp(settings, sessions, readers)
    return Services(
        sessions=sessions,
        readers=readers,
        erp=default_erp,
        entity_erps=EntityErps(readers, lambda conf: entity_erp(conf, default_erp, settings)),
        gateways=instances,
        clock=clock or SystemClock(),
        secret_key=settings.secret_key,
        payment_lock=timedelta(seconds=settings.payment_lock_s),
        lock_wait_s=settings.lock_wait_s,
        recovery_after=timedelta(seconds=settings.recovery_after_s),
        idempotency_ttl=timedelta(hours=settings.idempotency_ttl_h),
        webhook_allowed_networks=parse_networks(settings.webhook_allowed_networks),
        hook_timeout_s=settings.hook_timeout_s,
        posting_deadline=timedelta(seconds=settings.posting_deadline_s),
        limiter=build_rate_limiter(settings.redis_url),
        rate_limit_per_s=settings.rate_limit_per_s,
        vault_keys=vault_keyring(settings),
    )


def vault_keyring(settings: Settings) -> Keyring | None:
    """The vault's keys from PAYHUB_VAULT_KEYS (None: Services derives a development key)."""
    return Keyring.parse(settings.vault_keys, settings.vault_active_key) if settings.vault_keys else None


def build_erp(settings: Settings, sessions: sessionmaker[Session], readers: sessionmaker[Session]) -> Erp:
    return erps.for_server(settings, sessions, readers)


def entity_erp(conf: dict[str, Any], default: Erp, settings: Settings) -> Erp:
    """An entity's own ERP connector from its stored settings, else the server's."""
    return erps.for_entity(conf, settings) or default


def build_worker(svc: Services, settings: Settings | None = None) -> WebhookWorker:
    from payhub.webhooks.worker import WebhookWorker, WorkerSettings  # here: only `payhub worker` delivers

    settings = settings or Settings()
    retention = timedelta(days=settings.webhook_retention_days) if settings.webhook_retention_days > 0 else None
    return WebhookWorker(svc, WorkerSettings(lease=timedelta(seconds=settings.webhook_lease_s),
                                             timeout_s=settings.webhook_timeout_s,
                                             allowed_networks=svc.webhook_allowed_networks, retention=retention,
                                             keep_unrelayed=settings.relay_nats_url is not None))
