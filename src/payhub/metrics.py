"""Prometheus metrics (prometheus_client). The worker can expose them with `payhub worker --metrics-port`."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

WEBHOOK_ATTEMPTS = Counter("payhub_webhook_attempts_total", "Webhook delivery attempts", ["result"])
WEBHOOK_ENDPOINT_FAILING = Counter("payhub_webhook_endpoint_failing_total",
                                   "Alerts raised for webhook endpoints that keep failing")
WEBHOOK_ENDPOINT_DISABLED = Counter("payhub_webhook_endpoint_disabled_total", "Webhook endpoints disabled")
HTTP_REQUESTS = Counter("payhub_http_requests_total", "API requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram("payhub_http_request_seconds", "API request latency", ["method", "route"])
RELAY_PUBLISHED = Counter("payhub_relay_published_total", "Outbox events the event bus relay published")
RECOVERIES = Counter("payhub_recoveries_total", "Work the recovery worker resumed after a crash or an unknown outcome",
                     ["kind", "outcome"])
