"""Per-key rate limits through HTTP: 429 with Retry-After; shared across two app instances via Redis."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from fastapi.testclient import TestClient

from payhub.api.app import create_app
from payhub.auth.keys import create_key
from payhub.auth.ratelimit import Decision, MemoryRateLimiter, RedisRateLimiter
from payhub.bootstrap import build_services
from payhub.demo import DEMO_ENTITY
from payhub.services import Services
from payhub.settings import Settings
from tests.conftest import now

REDIS_URL = os.environ.get("PAYHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def limited_key(services: Services, rate: int) -> str:
    with services.transaction() as s:
        return create_key(s, DEMO_ENTITY, "read", now(), rate_limit_per_s=rate)[1]


class StoppedClock:
    """Monotonic time that does not move: no token refills between requests, however slow the machine."""

    def __call__(self) -> float:
        return 1_000.0


class NoRefill:
    """The Redis limiter as the API calls it, with a refill rate too slow to matter during the test: the 429s
    then depend on the shared budget alone, not on how fast a busy machine sends the requests."""

    def __init__(self, inner: RedisRateLimiter) -> None:
        self.inner = inner

    def hit(self, key: str, rate_per_s: float, burst: int) -> Decision:
        return self.inner.hit(key, 1e-6, burst)


def test_a_key_over_its_limit_gets_429_with_retry_after(services: Services) -> None:
    secret = limited_key(services, 3)
    services.limiter = MemoryRateLimiter(clock=StoppedClock())
    with TestClient(create_app(services), headers={"Authorization": f"Bearer {secret}"}) as client:
        statuses = [client.get("/v1/payments").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.get("/v1/payments")
        assert limited.json()["code"] == "rate_limited" and int(limited.headers["retry-after"]) >= 1


def test_two_api_instances_share_limits_through_redis(services: Services, db_url: str) -> None:
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    secret = limited_key(services, 4)
    prefix = f"payhub:rl:test-{uuid.uuid4().hex}:"
    replicas = []
    for _ in range(2):
        replica = build_services(Settings(database_url=db_url, secret_key="test-secret", redis_url=REDIS_URL))
        # a generous socket timeout: a slow answer must not make the limiter fail open during the test
        replica.limiter = NoRefill(RedisRateLimiter(REDIS_URL, key_prefix=prefix, timeout_s=10))
        replicas.append(replica)
    try:
        a, b = (TestClient(create_app(r), headers={"Authorization": f"Bearer {secret}"}) for r in replicas)
        statuses = [client.get("/v1/payments").status_code for client in (a, b, a, b, a, b)]
        assert statuses.count(200) == 4 and statuses[-2:] == [429, 429]  # one budget, not one per replica
    finally:
        for replica in replicas:
            replica.close()
