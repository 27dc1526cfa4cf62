"""When to retry a failed request, and how long to wait first.

The policy is a pure value: [`RetryPolicy.decide`][wikijs.RetryPolicy.decide] looks at one failed
``Attempt`` and returns a ``RetryDecision``. It never sleeps and never reads
the clock; the random source for jitter is a parameter. The transport does the waiting.

The rule that matters: a mutation is re-sent only when it provably did not run, i.e.
the connection failed before the request was sent (``connect``) or the server refused
it with HTTP 429. A 5xx, a timeout, a dropped connection or a broken answer may come
after the server already applied the write, so a mutation is never retried on those.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Literal

__all__ = ["Attempt", "ErrorKind", "RetryDecision", "RetryPolicy", "parse_retry_after"]

ErrorKind = Literal["status", "connect", "timeout", "read", "dropped"]
"""How an attempt failed.

``connect``: refused / DNS / TLS failure before the request was sent (provably not received).
``timeout``: read timeout after sending (the server may have executed it).
``dropped``: connection closed after sending, no answer (ambiguous).
``read``: other error while reading the answer (ambiguous).
``status``: an HTTP answer with a status code (see ``Attempt.status``).
"""

_AMBIGUOUS: frozenset[str] = frozenset({"timeout", "dropped", "read"})


@dataclass(frozen=True)
class Attempt:
    """One attempt that just failed."""

    number: int  # 1-based number of the attempt that just failed
    is_mutation: bool
    kind: ErrorKind
    status: int | None = None
    retry_after: float | None = None  # seconds, already parsed
    elapsed: float = 0.0  # seconds since the first attempt started


@dataclass(frozen=True)
class RetryDecision:
    """Whether to try again, after how many seconds, and why (for the log line)."""

    retry: bool
    delay: float
    reason: str


def _describe(attempt: Attempt) -> str:
    if attempt.kind == "status":
        return f"HTTP {attempt.status}"
    return {
        "connect": "connection failed",
        "timeout": "read timeout",
        "dropped": "connection dropped",
        "read": "error reading the answer",
    }[attempt.kind]


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, ``Retry-After`` and safe mutation rules."""

    max_attempts: int = 4  # total attempts including the first; 1 disables retries
    base_delay: float = 0.5  # exponential: base * 2**(n-1)
    max_delay: float = 30.0
    max_total: float = 120.0  # never schedule a retry that would end past this
    jitter: float = 0.2  # +/- fraction applied to the computed delay
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    max_retry_after: float = 300.0  # a Retry-After above this is not waited for -> no retry

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < 0 or self.max_total < 0:
            raise ValueError("delays must not be negative")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be between 0 and 1")

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def backoff(self, number: int, rand: Callable[[], float] = random.random) -> float:
        """Delay after failed attempt ``number`` (1-based).

        ``base_delay * 2**(number-1)``, capped at ``max_delay``, then scaled by a random
        factor in ``[1 - jitter, 1 + jitter)``; the result never exceeds ``max_delay``.
        """
        exponent = max(number - 1, 0)
        # 2**exponent overflows float arithmetic long before it matters; cap early.
        raw = self.max_delay if exponent > 60 else self.base_delay * 2.0**exponent
        capped = min(raw, self.max_delay)
        factor = 1.0 + self.jitter * (2.0 * rand() - 1.0)
        return max(0.0, min(capped * factor, self.max_delay))

    def _retryable(self, attempt: Attempt) -> tuple[bool, str]:
        what = _describe(attempt)
        if attempt.kind == "connect":
            return True, what
        if attempt.kind == "status":
            if attempt.status not in self.retry_statuses:
                return False, f"{what} is not retryable"
            if attempt.is_mutation and attempt.status != 429:
                return False, f"{what} on a mutation is not retried (it may have been applied)"
            return True, what
        if attempt.kind in _AMBIGUOUS and attempt.is_mutation:
            return False, f"{what} on a mutation is not retried (it may have been applied)"
        return True, what

    def decide(self, attempt: Attempt, rand: Callable[[], float] = random.random) -> RetryDecision:
        """Decide whether ``attempt`` is followed by another one, and when."""
        ok, what = self._retryable(attempt)
        if not ok:
            return RetryDecision(False, 0.0, what)
        if attempt.number >= self.max_attempts:
            return RetryDecision(
                False, 0.0, f"{what}, giving up after {attempt.number}/{self.max_attempts} attempts"
            )
        if attempt.retry_after is not None:
            if attempt.retry_after > self.max_retry_after:
                return RetryDecision(
                    False,
                    0.0,
                    f"{what}, Retry-After {attempt.retry_after:g}s exceeds "
                    f"the maximum of {self.max_retry_after:g}s",
                )
            delay = max(attempt.retry_after, 0.0)
        else:
            delay = self.backoff(attempt.number, rand)
        if attempt.elapsed + delay > self.max_total:
            return RetryDecision(
                False,
                0.0,
                f"{what}, waiting {delay:.1f}s would exceed the {self.max_total:g}s retry budget",
            )
        return RetryDecision(
            True,
            delay,
            f"{what}, attempt {attempt.number + 1}/{self.max_attempts}, waiting {delay:.1f}s",
        )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delta-seconds or an HTTP-date (RFC 9110).

    Returns seconds to wait; a negative value or a date in the past gives ``0.0``;
    a missing or unparseable value gives ``None``.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if math.isnan(seconds) or math.isinf(seconds):
            return None
        return max(seconds, 0.0)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:  # older Pythons return None instead of raising
        return None  # pragma: no cover
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now if now is not None else datetime.now(timezone.utc)
    if current.tzinfo is None:
        current = current.replace(tzinfo=timezone.utc)
    return max((when - current).total_seconds(), 0.0)
