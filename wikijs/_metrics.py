"""In-process request metrics: counts, error rate, retries, rate-limit waits, latency.

Fed by the client for every HTTP attempt; read with ``Metrics.snapshot``, which
returns plain JSON-serialisable data. Latency percentiles use the nearest-rank method
over the most recent ``max_samples`` samples of each operation (min, max and average
cover every request). Thread-safe.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from typing import Any

__all__ = ["Metrics", "percentile"]


def percentile(sorted_samples: list[float], p: float) -> float | None:
    """Nearest-rank percentile ``p`` (0-100] of already sorted samples; None if empty."""
    if not sorted_samples:
        return None
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], got {p!r}")
    rank = math.ceil(p / 100.0 * len(sorted_samples))
    return sorted_samples[max(rank, 1) - 1]


class _Stats:
    __slots__ = (
        "errors",
        "latency_max",
        "latency_min",
        "latency_sum",
        "rate_limit_wait_s",
        "rate_limit_waits",
        "requests",
        "retries",
        "samples",
    )

    def __init__(self, max_samples: int) -> None:
        self.requests = 0
        self.errors = 0
        self.retries = 0
        self.rate_limit_waits = 0
        self.rate_limit_wait_s = 0.0
        self.latency_sum = 0.0
        self.latency_min: float | None = None
        self.latency_max: float | None = None
        self.samples: deque[float] = deque(maxlen=max_samples)

    def add_request(self, ms: float, ok: bool) -> None:
        self.requests += 1
        if not ok:
            self.errors += 1
        self.latency_sum += ms
        self.latency_min = ms if self.latency_min is None else min(self.latency_min, ms)
        self.latency_max = ms if self.latency_max is None else max(self.latency_max, ms)
        self.samples.append(ms)

    def as_dict(self) -> dict[str, Any]:
        ordered = sorted(self.samples)

        def r(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "requests": self.requests,
            "errors": self.errors,
            "error_rate": round(self.errors / self.requests, 6) if self.requests else 0.0,
            "retries": self.retries,
            "rate_limit_waits": self.rate_limit_waits,
            "rate_limit_wait_s": round(self.rate_limit_wait_s, 6),
            "latency_ms": {
                "min": r(self.latency_min),
                "avg": r(self.latency_sum / self.requests) if self.requests else None,
                "p50": r(percentile(ordered, 50)),
                "p95": r(percentile(ordered, 95)),
                "p99": r(percentile(ordered, 99)),
                "max": r(self.latency_max),
            },
        }


class Metrics:
    """Counters and latency samples per operation name and in total."""

    def __init__(self, enabled: bool = True, *, max_samples: int = 10_000) -> None:
        if max_samples < 1:
            raise ValueError("max_samples must be at least 1")
        self.enabled = enabled
        self._max_samples = max_samples
        self._lock = threading.Lock()
        self._total = _Stats(max_samples)
        self._ops: dict[str, _Stats] = {}

    def _op(self, operation: str) -> _Stats:
        stats = self._ops.get(operation)
        if stats is None:
            stats = self._ops[operation] = _Stats(self._max_samples)
        return stats

    def record_request(
        self, operation: str, *, duration: float, ok: bool, status: int | None = None
    ) -> None:
        """Record one HTTP attempt that took ``duration`` seconds."""
        if not self.enabled:
            return
        ms = duration * 1000.0
        with self._lock:
            self._op(operation).add_request(ms, ok)
            self._total.add_request(ms, ok)

    def record_retry(self, operation: str) -> None:
        """Record that a failed attempt of ``operation`` will be retried."""
        if not self.enabled:
            return
        with self._lock:
            self._op(operation).retries += 1
            self._total.retries += 1

    def record_rate_limit_wait(self, operation: str, seconds: float) -> None:
        """Record a client-side rate-limit wait (waits of 0 s are not counted)."""
        if not self.enabled or seconds <= 0:
            return
        with self._lock:
            for stats in (self._op(operation), self._total):
                stats.rate_limit_waits += 1
                stats.rate_limit_wait_s += seconds

    def snapshot(self) -> dict[str, Any]:
        """``{"enabled", "total": {...}, "operations": {name: {...}}}`` as plain data."""
        with self._lock:
            return {
                "enabled": self.enabled,
                "total": self._total.as_dict(),
                "operations": {name: self._ops[name].as_dict() for name in sorted(self._ops)},
            }

    def reset(self) -> None:
        """Forget everything recorded so far."""
        with self._lock:
            self._total = _Stats(self._max_samples)
            self._ops = {}
