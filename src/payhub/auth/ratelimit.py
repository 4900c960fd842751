"""Per-key token-bucket rate limiting for the API.

Each key (an API key id, a client address, ...) owns a bucket holding up to ``burst`` tokens that refills
continuously at ``rate_per_s`` tokens per second. A request takes one token; with none left it is refused and
told how long until one is available. A bucket nobody touched for ``burst / rate_per_s`` seconds is full
again, which is exactly the state of a bucket never seen, so idle buckets can be forgotten without changing
any decision.

Two implementations of the :class:`RateLimiter` protocol:

* :class:`MemoryRateLimiter` -- in-process; right for a single API process, tests and development.
* :class:`RedisRateLimiter` -- the bucket lives in Redis and is updated atomically by a Lua script using the
  Redis server clock, so every API replica shares one budget per key.

:func:`build_rate_limiter` picks one from configuration.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import structlog

if TYPE_CHECKING:
    import redis

log = structlog.get_logger(__name__)

Clock = Callable[[], float]

DEFAULT_KEY_PREFIX = "payhub:rl:"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of one :meth:`RateLimiter.hit`.

    ``retry_after_s`` is 0.0 when allowed, otherwise the seconds until the next token (suitable, rounded up,
    for a ``Retry-After`` header). ``remaining`` is the number of whole tokens left after this hit.
    """

    allowed: bool
    retry_after_s: float
    remaining: int


@runtime_checkable
class RateLimiter(Protocol):
    def hit(self, key: str, rate_per_s: float, burst: int) -> Decision:
        """Take one token from ``key``'s bucket (capacity ``burst``, refilling at ``rate_per_s``/s)."""
        ...


def _check_limits(rate_per_s: float, burst: int) -> None:
    if rate_per_s <= 0 or burst <= 0:
        raise ValueError(f"rate_per_s and burst must be positive (got rate_per_s={rate_per_s}, burst={burst})")


def _take(tokens: float, elapsed_s: float, rate_per_s: float, burst: float) -> tuple[float, Decision]:
    """Refill ``tokens`` for ``elapsed_s`` then try to take one: the new token count and the decision.
    The Lua script in :class:`RedisRateLimiter` is the same arithmetic; keep the two in step."""
    tokens = min(float(burst), tokens + max(0.0, elapsed_s) * rate_per_s)
    if tokens >= 1.0:
        tokens -= 1.0
        return tokens, Decision(allowed=True, retry_after_s=0.0, remaining=math.floor(tokens))
    return tokens, Decision(allowed=False, retry_after_s=(1.0 - tokens) / rate_per_s, remaining=0)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated_at: float
    full_at: float  # from then on the bucket is indistinguishable from a fresh one and may be forgotten


class MemoryRateLimiter:
    """In-process token buckets, thread-safe (one lock; each hit is a few arithmetic operations).

    Memory stays bounded: buckets that have refilled completely are dropped by a sweep run at most every
    ``sweep_interval_s`` (lossless, see the module docstring), and at most ``max_keys`` buckets are kept --
    beyond that the least recently used one is dropped, which can only make that key's limit more lenient.

    ``clock`` must be monotonic (seconds); inject a fake one in tests.
    """

    blocking = False  # a hit never waits on I/O: the async auth dependency calls it on the event loop

    def __init__(self, *, clock: Clock = time.monotonic, max_keys: int = 100_000,
                 sweep_interval_s: float = 60.0) -> None:
        if max_keys <= 0:
            raise ValueError("max_keys must be positive")
        self._clock = clock
        self._max_keys = max_keys
        self._sweep_interval_s = sweep_interval_s
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()  # least recently hit first
        self._lock = threading.Lock()
        self._next_sweep = clock() + sweep_interval_s

    def __len__(self) -> int:
        """Number of buckets currently remembered."""
        with self._lock:
            return len(self._buckets)

    def hit(self, key: str, rate_per_s: float, burst: int) -> Decision:
        _check_limits(rate_per_s, burst)
        with self._lock:
            now = self._clock()
            if now >= self._next_sweep:
                self._sweep(now)
            bucket = self._buckets.get(key)
            if bucket is None:
                while len(self._buckets) >= self._max_keys:
                    self._buckets.popitem(last=False)
                tokens, decision = _take(float(burst), 0.0, rate_per_s, burst)
                bucket = self._buckets[key] = _Bucket(tokens, now, now)
            else:
                tokens, decision = _take(bucket.tokens, now - bucket.updated_at, rate_per_s, burst)
                bucket.tokens, bucket.updated_at = tokens, now
                self._buckets.move_to_end(key)
            bucket.full_at = now + (burst - tokens) / rate_per_s
            return decision

    def _sweep(self, now: float) -> None:
        for key in [key for key, bucket in self._buckets.items() if bucket.full_at <= now]:
            del self._buckets[key]
        self._next_sweep = now + self._sweep_interval_s


# KEYS[1] = bucket key; ARGV = rate_per_s, burst. Returns {allowed (0/1), retry_after_s (string), remaining}.
# Time comes from the server (TIME) so all replicas agree whatever their own clocks say; since Redis 5 scripts
# replicate their effects, not the script, so the non-deterministic TIME is safe. The hash expires once the
# bucket would be full again: a missing key *is* a full bucket.
_TOKEN_BUCKET_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate)
local allowed = 0
local retry_after = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retry_after = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'ts', string.format('%.6f', now))
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((burst - tokens) / rate * 1000)))
return {allowed, string.format('%.17g', retry_after), math.floor(tokens)}
"""


class RedisRateLimiter:
    """Token buckets shared by every API replica through Redis (>= 5).

    Each hit is one atomic Lua script (EVALSHA, loading the script and retrying when the server does not know
    it yet, e.g. after a restart) on the key ``<key_prefix><key>`` (default ``payhub:rl:<key>``), a hash that
    expires as soon as the bucket would be full again. Elapsed time is measured with the Redis server's
    ``TIME``, never the replicas' clocks, so replicas with skewed clocks still share one budget per key.

    **Fails open.** If Redis is unreachable, times out or returns an error, the request is *allowed*
    (``Decision(True, 0.0, burst - 1)``, as for a fresh bucket) and a warning is logged at most once per
    ``log_interval_s`` (60 s), counting the failures in between. A rate limiter exists to shed abuse; it
    must never be the reason payments are refused. After a connection failure Redis is not tried again for
    ``cooldown_s`` (every hit is allowed meanwhile), so a dead or black-holed Redis costs requests nothing
    beyond one short timeout per cooldown. Socket timeouts are short (``timeout_s``); a ``socket_timeout``
    or ``socket_connect_timeout`` in the URL's query string takes precedence.

    The client is the synchronous ``redis`` client with its own thread-safe connection pool, for the
    synchronous API handlers. ``clock`` (monotonic) only paces the warning and the cooldown.
    """

    blocking = True  # a network round trip: never on the event loop

    def __init__(self, url: str, *, key_prefix: str = DEFAULT_KEY_PREFIX, timeout_s: float = 0.25,
                 cooldown_s: float = 1.0, log_interval_s: float = 60.0, clock: Clock = time.monotonic) -> None:
        import redis  # here: a process without a Redis URL never imports the client (start-up time)
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self._errors = redis.exceptions
        # One immediate retry covers a pooled connection the server dropped (restart, idle timeout).
        self._client = redis.Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s,
                                            retry=Retry(NoBackoff(), 1))
        self._script = self._client.register_script(_TOKEN_BUCKET_LUA)
        self._key_prefix = key_prefix
        self._cooldown_s = cooldown_s
        self._log_interval_s = log_interval_s
        self._clock = clock
        kwargs = self._client.connection_pool.connection_kwargs  # no password in what we log
        self._where = kwargs.get("path") or f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"
        self._lock = threading.Lock()
        self._down_until = -math.inf
        self._next_log = -math.inf
        self._suppressed = 0

    @property
    def client(self) -> redis.Redis:
        return self._client

    def key_for(self, key: str) -> str:
        """The Redis key holding ``key``'s bucket."""
        return self._key_prefix + key

    def hit(self, key: str, rate_per_s: float, burst: int) -> Decision:
        _check_limits(rate_per_s, burst)
        fail_open = Decision(allowed=True, retry_after_s=0.0, remaining=burst - 1)
        if self._clock() < self._down_until:
            return fail_open
        try:
            reply = self._script(keys=[self.key_for(key)], args=[rate_per_s, burst])
            allowed, retry_after_s, remaining = reply
            return Decision(allowed=int(allowed) == 1, retry_after_s=float(retry_after_s), remaining=int(remaining))
        except (self._errors.ConnectionError, self._errors.TimeoutError) as error:
            self._failed(error, cooldown=True)
        except (self._errors.RedisError, ValueError, TypeError) as error:  # a server-side error or an unexpected reply
            self._failed(error, cooldown=False)
        return fail_open

    def _failed(self, error: Exception, *, cooldown: bool) -> None:
        now = self._clock()
        with self._lock:
            if cooldown:
                self._down_until = now + self._cooldown_s
            if now < self._next_log:
                self._suppressed += 1
                return
            suppressed, self._suppressed = self._suppressed, 0
            self._next_log = now + self._log_interval_s
        log.warning("ratelimit.redis_unavailable_failing_open", redis=self._where,
                    error=f"{type(error).__name__}: {error}", failures_since_last_warning=suppressed)

    def close(self) -> None:
        self._client.close()


def build_rate_limiter(redis_url: str | None) -> RateLimiter:
    """A :class:`RedisRateLimiter` for ``redis_url``, or a :class:`MemoryRateLimiter` when it is None or
    blank (limits are then per process: with N replicas a key gets up to N times its budget)."""
    if redis_url is None or not redis_url.strip():
        return MemoryRateLimiter()
    return RedisRateLimiter(redis_url.strip())
