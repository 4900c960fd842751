"""Runtime settings, from environment variables prefixed PAYHUB_."""

from __future__ import annotations

from typing import Any

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "change-me-in-production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAYHUB_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./payhub.db"
    erp: str = "embedded"  # or "tryton"
    # Tryton (PAYHUB_ERP=tryton): JSON-RPC endpoint, credentials, and the id mapping as JSON or @file.json
    tryton_url: str = "http://127.0.0.1:8000"
    tryton_database: str = ""
    tryton_user: str = "admin"
    tryton_password: str = ""
    tryton_mapping: str = ""
    tryton_timeout_s: float = 10.0
    # Keys HMAC-ed request bodies for idempotency so no card data is ever stored recoverably.
    secret_key: str = DEFAULT_SECRET_KEY
    # The card vault's AES-256 keys by id, as JSON: {"k2": "<base64 of 32 random bytes>", "k1": "…"} (payhub vault
    # new-key prints one). New cards are sealed with the active key; older ones open with theirs until
    # `payhub vault rotate-key` re-seals them. Unset: a key derived from secret_key (refused in production).
    vault_keys: dict[str, str] = {}
    vault_active_key: str | None = None
    # "production" refuses insecure defaults (the default secret key) at start-up.
    env: str = "development"
    # Request bodies above this many bytes get 413, checked while the body streams in (after authentication).
    max_body_bytes: int = 1024 * 1024
    # … and on the routes that take files (settlement reports, dispute evidence), this many
    max_upload_bytes: int = 100 * 1024 * 1024
    # The integration copilot's optional model: an OpenAI-compatible chat endpoint (unset: deterministic only)
    copilot_llm_url: str | None = None
    copilot_llm_model: str | None = None
    copilot_llm_key: str | None = None
    # When set, GET /metrics needs "Authorization: Bearer <metrics_token>".
    metrics_token: str | None = None
    gateway_timeout_s: float = 15.0
    # Gateway instances by name, e.g. {"stripe": {"type": "stripe", "api_key": "sk_…"}, "backup": {"type": "adyen", …}}.
    # The simulator is always available under the name "simulator".
    gateways: dict[str, dict[str, Any]] = {}
    settlement_delay_s: int = 0
    payment_lock_s: int = 60  # how long one operation may hold a payment
    lock_wait_s: float = 10.0  # how long a concurrent operation waits for that lock
    recovery_after_s: int = 90  # unfinished payments and operations older than this are recovered by the worker
    idempotency_ttl_h: int = 24
    log_level: str = "INFO"
    # Rate limits per API key (token bucket). With a Redis URL, API replicas share the limits.
    redis_url: str | None = None
    rate_limit_per_s: int = 100  # a key's default; each key may set its own
    # Webhooks: receivers on private networks are refused unless listed here (e.g. ["127.0.0.1/32"]).
    webhook_allowed_networks: list[str] = []
    webhook_timeout_s: float = 15.0
    webhook_lease_s: int = 60
    # finished deliveries, their attempts and delivered events older than this are purged; 0: kept forever
    webhook_retention_days: float = 30.0
    hook_timeout_s: float = 5.0
    # how long one posting attempt may take; a posting still pending after it is posted by the worker
    posting_deadline_s: int = 60
    # Event bus relay (off unless set): publish every outbox event to NATS JetStream, e.g. nats://127.0.0.1:4222
    relay_nats_url: str | None = None
    relay_subject_prefix: str = "payhub"  # subjects: <prefix>.<entity>.<event type>
    relay_nats_stream: str | None = None  # if set, created (subjects <prefix>.>) when missing
    relay_lease_s: int = 30  # a dead relay's successor takes over after this long
    relay_timeout_s: float = 5.0
    # Where the built widget scripts (payhub.js, hosted-fields.js) are served from; default: the package's own
    widgets_dir: str | None = None
    # Email (the customer portal's sign-in links): smtp://[user:pass@]host[:port][?starttls=true] or smtps://…
    smtp_url: str | None = None
    mail_from: str = "PayHub <no-reply@localhost>"

    @model_validator(mode="after")
    def _no_insecure_defaults(self) -> Settings:
        if self.env.lower() == "production" and self.secret_key == DEFAULT_SECRET_KEY:
            raise ValueError("PAYHUB_SECRET_KEY is the built-in default; set a random secret in production")
        if self.env.lower() == "production" and not self.vault_keys:
            raise ValueError("PAYHUB_VAULT_KEYS is not set; the vault needs its own keys in production")
        return self

    @property
    def insecure_secret_key(self) -> bool:
        return self.secret_key == DEFAULT_SECRET_KEY
