"""Token-bucket rate limiting: the in-memory limiter on a fake clock, and the Redis limiter against a real
Redis (PAYHUB_TEST_REDIS_URL, default redis://127.0.0.1:6379/15). Without a reachable Redis the Redis tests
are skipped locally; with CI=true they fail instead."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from payhub.auth import ratelimit
from payhub.auth.ratelimit import (
    Decision,
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    build_rate_limiter,
)

CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("PAYHUB_TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class RecordingLog:
    def __init__(self) -> None:
        self.warnings: list[tuple[str, dict[str, Any]]] = []

    def warning(self, event: str, **fields: Any) -> None:
        self.warnings.append((event, fields))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def memory(clock: FakeClock) -> MemoryRateLimiter:
    return MemoryRateLimiter(clock=clock)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> RecordingLog:
    recording = RecordingLog()
    monkeypatch.setattr(ratelimit, "log", recording)
    return recording


# --- in memory -------------------------------------------------------------------------------------------


def test_burst_then_throttled(memory: MemoryRateLimiter) -> None:
    decisions = [memory.hit("k", rate_per_s=1, burst=3) for _ in range(4)]
    assert decisions[:3] == [Decision(True, 0.0, 2), Decision(True, 0.0, 1), Decision(True, 0.0, 0)]
    assert decisions[3] == Decision(False, 1.0, 0)


def test_refills_over_time_up_to_burst(memory: MemoryRateLimiter, clock: FakeClock) -> None:
    for _ in range(3):
        assert memory.hit("k", 2, 3).allowed
    assert not memory.hit("k", 2, 3).allowed
    clock.advance(0.5)  # one token at 2/s
    assert memory.hit("k", 2, 3) == Decision(True, 0.0, 0)
    assert not memory.hit("k", 2, 3).allowed
    clock.advance(3600)  # refills to burst, not beyond
    assert [memory.hit("k", 2, 3).allowed for _ in range(4)] == [True, True, True, False]


def test_retry_after_is_time_to_next_token(memory: MemoryRateLimiter, clock: FakeClock) -> None:
    for _ in range(2):
        memory.hit("k", 4, 2)
    assert memory.hit("k", 4, 2).retry_after_s == pytest.approx(0.25)
    clock.advance(0.1)
    refused = memory.hit("k", 4, 2)  # refused hits take nothing
    assert not refused.allowed and refused.retry_after_s == pytest.approx(0.15)
    clock.advance(refused.retry_after_s)
    assert memory.hit("k", 4, 2).allowed


def test_keys_are_independent(memory: MemoryRateLimiter) -> None:
    assert memory.hit("a", 1, 1).allowed
    assert not memory.hit("a", 1, 1).allowed
    assert memory.hit("b", 1, 1).allowed
    assert not memory.hit("b", 1, 1).allowed


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (1, 0), (-1, 5)])
def test_rejects_non_positive_limits(memory: MemoryRateLimiter, rate: int, burst: int) -> None:
    with pytest.raises(ValueError):
        memory.hit("k", rate, burst)


def test_forgets_idle_buckets_only_once_full(clock: FakeClock) -> None:
    limiter = MemoryRateLimiter(clock=clock, sweep_interval_s=10)
    limiter.hit("slow", 1, 100)  # one token short: full again after 1 s
    for _ in range(100):
        limiter.hit("drained", 1, 100)  # full again after 100 s
    clock.advance(11)
    limiter.hit("other", 1, 1)  # triggers the sweep
    assert len(limiter) == 2  # "slow" forgotten, "drained" (89 tokens short) kept
    assert [limiter.hit("drained", 1, 100).allowed for _ in range(12)] == [True] * 11 + [False]


def test_key_count_is_capped(clock: FakeClock) -> None:
    limiter = MemoryRateLimiter(clock=clock, max_keys=3)
    for key in "abcd":
        limiter.hit(key, 1, 1)
    assert len(limiter) == 3
    assert limiter.hit("a", 1, 1).allowed  # least recently used "a" was dropped: lenient, never stricter
    assert not limiter.hit("d", 1, 1).allowed


def test_concurrent_hits_never_exceed_burst(memory: MemoryRateLimiter) -> None:
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            decision = memory.hit("shared", 1, 64)
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 64  # the fake clock is frozen: no refill


def test_build_rate_limiter() -> None:
    assert isinstance(build_rate_limiter(None), MemoryRateLimiter)
    assert isinstance(build_rate_limiter("  "), MemoryRateLimiter)
    remote = build_rate_limiter("redis://127.0.0.1:6379/15")
    assert isinstance(remote, RedisRateLimiter)
    remote.close()
    assert isinstance(MemoryRateLimiter(), RateLimiter)


# --- Redis ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        error = f"{type(exc).__name__}: {exc}"
        if CI:
            pytest.fail(f"CI=true but Redis is unreachable at {REDIS_URL}: {error}")
        pytest.skip(f"Redis is unreachable at {REDIS_URL} ({error}); start one or set PAYHUB_TEST_REDIS_URL")
    yield client
    client.close()


@pytest.fixture
def key(redis_client: redis.Redis) -> Iterator[str]:
    """A fresh key per test; everything under it is deleted afterwards."""
    name = f"test-{uuid.uuid4().hex}"
    yield name
    stale = list(redis_client.scan_iter(match=f"{ratelimit.DEFAULT_KEY_PREFIX}{name}*"))
    if stale:
        redis_client.delete(*stale)


@pytest.fixture
def replicas(redis_client: redis.Redis) -> Iterator[tuple[RedisRateLimiter, RedisRateLimiter]]:
    """Two limiters with their own clients and pools, as two API replicas would have."""
    pair = RedisRateLimiter(REDIS_URL), RedisRateLimiter(REDIS_URL)
    yield pair
    for limiter in pair:
        limiter.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_redis_replicas_share_one_budget(replicas: tuple[RedisRateLimiter, RedisRateLimiter], key: str) -> None:
    a, b = replicas
    assert [a.hit(key, 1, 5).remaining for _ in range(3)] == [4, 3, 2]
    assert [b.hit(key, 1, 5).remaining for _ in range(2)] == [1, 0]
    refused_a, refused_b = a.hit(key, 1, 5), b.hit(key, 1, 5)
    assert not refused_a.allowed and not refused_b.allowed
    assert 0 < refused_b.retry_after_s <= 1.0
    assert a.hit(f"{key}-other", 1, 5).allowed  # other keys untouched


def test_redis_refills(replicas: tuple[RedisRateLimiter, RedisRateLimiter], key: str) -> None:
    a, b = replicas
    assert a.hit(key, 10, 2).allowed and a.hit(key, 10, 2).allowed
    refused = b.hit(key, 10, 2)
    assert not refused.allowed
    assert 0.05 < refused.retry_after_s <= 0.1  # 1/10 s less the little time elapsed since
    time.sleep(refused.retry_after_s + 0.02)
    assert b.hit(key, 10, 2).allowed
    assert not a.hit(key, 10, 2).allowed  # ~0.2 token left


def test_redis_key_layout_ttl_and_server_time(replicas: tuple[RedisRateLimiter, RedisRateLimiter], key: str,
                                              redis_client: redis.Redis) -> None:
    a, _ = replicas
    a.hit(key, 10, 50)
    stored = f"payhub:rl:{key}"
    assert a.key_for(key) == stored
    ttl_ms = redis_client.pttl(stored)
    assert 0 < ttl_ms <= 100  # 1 token short at 10/s: full (= as good as absent) again in 100 ms
    for _ in range(49):
        a.hit(key, 10, 50)
    assert 4_800 < redis_client.pttl(stored) <= 5_000
    seconds, micros = redis_client.time()
    assert abs(float(redis_client.hget(stored, "ts") or 0) - (seconds + micros / 1e6)) < 1.0


def test_redis_reloads_an_unknown_script(replicas: tuple[RedisRateLimiter, RedisRateLimiter], key: str) -> None:
    a, _ = replicas
    a._script.sha = "0" * 40  # as after a server restart or failover: EVALSHA gets NOSCRIPT, then it loads
    assert a.hit(key, 1, 2) == Decision(True, 0.0, 1)
    assert a._script.sha != "0" * 40


def test_redis_unreachable_fails_open_and_warns_once_a_minute(recorded: RecordingLog, clock: FakeClock) -> None:
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{closed_port()}/15", clock=clock)
    started = time.monotonic()
    for _ in range(3):
        for _ in range(5):
            assert limiter.hit("k", 1, 1) == Decision(True, 0.0, 0)  # burst 1 would have refused hits 2..5
        clock.advance(1.5)  # past the cooldown: Redis is tried again, and fails again
    assert time.monotonic() - started < 1.0
    assert len(recorded.warnings) == 1
    event, fields = recorded.warnings[0]
    assert event == "ratelimit.redis_unavailable_failing_open"
    assert fields["redis"].startswith("127.0.0.1:") and fields["redis"].endswith("/15")
    assert fields["error"].startswith("ConnectionError: ")
    clock.advance(60)
    limiter.hit("k", 1, 1)
    assert len(recorded.warnings) == 2
    assert recorded.warnings[1][1]["failures_since_last_warning"] == 2
    limiter.close()


def test_redis_cooldown_then_recovery(replicas: tuple[RedisRateLimiter, RedisRateLimiter], key: str,
                                      recorded: RecordingLog, clock: FakeClock) -> None:
    limiter = RedisRateLimiter(REDIS_URL, clock=clock)
    real_script = limiter._script
    calls: list[int] = []

    def broken(**kwargs: Any) -> Any:
        calls.append(1)
        raise redis.ConnectionError("connection reset")

    limiter._script = broken  # type: ignore[assignment]
    assert limiter.hit(key, 1, 1).allowed
    limiter._script = real_script
    assert limiter.hit(key, 1, 1).allowed and limiter.hit(key, 1, 1).allowed  # cooling down: Redis not asked
    assert calls == [1] and not replicas[0].client.exists(limiter.key_for(key))
    clock.advance(1.0)
    assert limiter.hit(key, 1, 1).allowed
    assert not limiter.hit(key, 1, 1).allowed  # back to enforcing
    assert len(recorded.warnings) == 1
    limiter.close()


def test_redis_server_error_fails_open_without_cooldown(replicas: tuple[RedisRateLimiter, RedisRateLimiter],
                                                        key: str, redis_client: redis.Redis,
                                                        recorded: RecordingLog) -> None:
    a, _ = replicas
    redis_client.set(a.key_for(key), "not a hash")  # WRONGTYPE inside the script
    assert a.hit(key, 1, 1).allowed and a.hit(key, 1, 1).allowed
    assert recorded.warnings[0][1]["error"].startswith("ResponseError: WRONGTYPE")
    assert a.hit(f"{key}-ok", 1, 1).allowed and not a.hit(f"{key}-ok", 1, 1).allowed  # other keys still limited
