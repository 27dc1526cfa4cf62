"""Client-side rate limiting: token buckets, global and per operation.

Wiki.js itself only limits logins, password resets and comments, but every write forks
render and tree-rebuild jobs on the server, so a client that writes in a tight loop slows
the wiki down for everybody. [`RateLimiter`][wikijs.RateLimiter] spaces requests out.

[`RateLimiter.reserve`][wikijs.RateLimiter.reserve] does all the bookkeeping and returns how long to wait; both
clients reserve and then sleep with their own sleep function (``time.sleep``, or
``asyncio.sleep`` in the async client). [`RateLimiter.acquire`][wikijs.RateLimiter.acquire] (reserve + sleep) is
for callers that use a limiter directly. Clock and sleep are injectable.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping

__all__ = ["RateLimiter", "TokenBucket"]


class TokenBucket:
    """A token bucket that may go into debt.

    It starts full (``burst`` tokens) and refills at ``rate`` tokens per second up to
    ``burst``. ``reserve`` always takes its tokens at once; when that leaves the
    bucket negative, the caller must wait until the debt is refilled.
    """

    def __init__(
        self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate!r}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, got {burst!r}")
        self.rate = float(rate)
        self.burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._updated = clock()
        self._lock = threading.Lock()

    def reserve(self, n: int = 1) -> float:
        """Take ``n`` tokens now; return the seconds to wait before proceeding."""
        with self._lock:
            now = self._clock()
            elapsed = max(now - self._updated, 0.0)
            self._tokens = min(float(self.burst), self._tokens + elapsed * self.rate)
            self._updated = now
            self._tokens -= n
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.rate


class RateLimiter:
    """A global bucket plus optional buckets per operation name.

    ``rate=None`` disables the global limit. ``per_operation`` maps an exact operation
    name (``"pages.create"``) to ``(rate, burst)``. The wait for a request is the larger
    of its global and per-operation waits.
    """

    def __init__(
        self,
        rate: float | None = 10.0,
        burst: int = 20,
        *,
        per_operation: Mapping[str, tuple[float, int]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._global = TokenBucket(rate, burst, clock=clock) if rate is not None else None
        self._per_operation = {
            name: TokenBucket(op_rate, op_burst, clock=clock)
            for name, (op_rate, op_burst) in (per_operation or {}).items()
        }
        self._sleep = sleep
        self._lock = threading.Lock()

    @classmethod
    def unlimited(cls) -> RateLimiter:
        """A limiter that never waits."""
        return cls(rate=None)

    @property
    def limited(self) -> bool:
        """Whether any limit is configured."""
        return self._global is not None or bool(self._per_operation)

    def reserve(self, operation: str) -> float:
        """Account for one request of ``operation``; return the seconds to wait first."""
        with self._lock:
            wait = self._global.reserve() if self._global is not None else 0.0
            bucket = self._per_operation.get(operation)
            if bucket is not None:
                wait = max(wait, bucket.reserve())
            return wait

    def acquire(self, operation: str) -> float:
        """Reserve and sleep as needed; return the seconds waited."""
        wait = self.reserve(operation)
        if wait > 0:
            self._sleep(wait)
        return wait
