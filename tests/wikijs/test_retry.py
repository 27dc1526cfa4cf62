"""Retry policy: backoff schedule, Retry-After, and which failures are safe to retry."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from wikijs._retry import Attempt, RetryPolicy, parse_retry_after


def fixed(value: float) -> Callable[[], float]:
    return lambda: value


MIDDLE = fixed(0.5)  # rand() == 0.5 -> jitter factor exactly 1.0


class TestBackoff:
    def test_doubles_from_the_base_delay_without_jitter(self) -> None:
        policy = RetryPolicy(base_delay=0.5, max_delay=30.0)
        assert [policy.backoff(n, MIDDLE) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 8.0]

    def test_is_capped_at_max_delay(self) -> None:
        policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
        assert [policy.backoff(n, MIDDLE) for n in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
        assert policy.backoff(10_000, MIDDLE) == 5.0

    @pytest.mark.parametrize(
        ("rand", "expected"),
        [(0.0, 1.6), (0.25, 1.8), (0.5, 2.0), (0.75, 2.2), (0.999999, 2.4)],
    )
    def test_jitter_stays_within_plus_minus_the_fraction(
        self, rand: float, expected: float
    ) -> None:
        policy = RetryPolicy(base_delay=0.5, jitter=0.2)
        assert policy.backoff(3, fixed(rand)) == pytest.approx(expected, abs=1e-5)

    def test_jitter_never_pushes_past_max_delay(self) -> None:
        policy = RetryPolicy(base_delay=10.0, max_delay=10.0, jitter=0.5)
        assert policy.backoff(1, fixed(0.999)) == 10.0
        assert policy.backoff(1, fixed(0.0)) == 5.0

    def test_zero_jitter_ignores_the_random_source(self) -> None:
        policy = RetryPolicy(base_delay=0.5, jitter=0.0)
        assert policy.backoff(2, fixed(0.0)) == policy.backoff(2, fixed(0.99)) == 1.0

    def test_rejects_nonsense_settings(self) -> None:
        with pytest.raises(ValueError):
            RetryPolicy(max_attempts=0)
        with pytest.raises(ValueError):
            RetryPolicy(jitter=1.5)


class TestWhatIsRetried:
    policy = RetryPolicy()

    @pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
    def test_queries_retry_on_retryable_statuses(self, status: int) -> None:
        d = self.policy.decide(Attempt(1, False, "status", status=status), MIDDLE)
        assert d.retry and d.delay == 0.5

    @pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 413, 501])
    def test_nobody_retries_other_statuses(self, status: int) -> None:
        for is_mutation in (False, True):
            d = self.policy.decide(Attempt(1, is_mutation, "status", status=status), MIDDLE)
            assert not d.retry and d.delay == 0.0
            assert f"HTTP {status}" in d.reason

    @pytest.mark.parametrize("kind", ["connect", "timeout", "dropped", "read"])
    def test_queries_retry_on_every_transport_failure(self, kind: str) -> None:
        assert self.policy.decide(Attempt(1, False, kind), MIDDLE).retry  # type: ignore[arg-type]

    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    def test_mutations_are_not_retried_on_5xx(self, status: int) -> None:
        d = self.policy.decide(Attempt(1, True, "status", status=status), MIDDLE)
        assert not d.retry
        assert "mutation" in d.reason and "may have been applied" in d.reason

    @pytest.mark.parametrize("kind", ["timeout", "dropped", "read"])
    def test_mutations_are_not_retried_when_the_server_may_have_run_them(self, kind: str) -> None:
        d = self.policy.decide(Attempt(1, True, kind), MIDDLE)  # type: ignore[arg-type]
        assert not d.retry and "mutation" in d.reason

    def test_mutations_are_retried_when_never_sent(self) -> None:
        d = self.policy.decide(Attempt(1, True, "connect"), MIDDLE)
        assert d.retry and d.delay == 0.5

    def test_mutations_are_retried_on_429(self) -> None:
        d = self.policy.decide(Attempt(2, True, "status", status=429), MIDDLE)
        assert d.retry and d.delay == 1.0

    def test_a_mutation_429_is_not_retried_if_429_is_not_a_retry_status(self) -> None:
        policy = RetryPolicy(retry_statuses=frozenset({503}))
        assert not policy.decide(Attempt(1, True, "status", status=429), MIDDLE).retry


class TestLimits:
    def test_stops_after_max_attempts(self) -> None:
        policy = RetryPolicy(max_attempts=3)
        assert policy.decide(Attempt(1, False, "status", status=503), MIDDLE).retry
        assert policy.decide(Attempt(2, False, "status", status=503), MIDDLE).retry
        last = policy.decide(Attempt(3, False, "status", status=503), MIDDLE)
        assert not last.retry
        assert "3/3" in last.reason

    def test_disabled_never_retries(self) -> None:
        policy = RetryPolicy.disabled()
        assert policy.max_attempts == 1
        assert not policy.decide(Attempt(1, False, "connect"), MIDDLE).retry

    def test_a_retry_that_would_end_past_max_total_is_not_scheduled(self) -> None:
        policy = RetryPolicy(base_delay=4.0, max_total=10.0, max_attempts=10)
        assert policy.decide(Attempt(1, False, "timeout", elapsed=6.0), MIDDLE).retry  # 6 + 4
        d = policy.decide(Attempt(1, False, "timeout", elapsed=6.1), MIDDLE)
        assert not d.retry and "budget" in d.reason

    def test_max_total_applies_to_retry_after_too(self) -> None:
        policy = RetryPolicy(max_total=30.0)
        attempt = Attempt(1, False, "status", status=429, retry_after=25.0, elapsed=6.0)
        assert not policy.decide(attempt, MIDDLE).retry

    def test_the_reason_names_the_failure_the_next_attempt_and_the_wait(self) -> None:
        d = RetryPolicy().decide(Attempt(1, False, "status", status=503), fixed(0.75))
        assert d.reason == "HTTP 503, attempt 2/4, waiting 0.6s"


class TestRetryAfter:
    def test_replaces_the_computed_backoff(self) -> None:
        policy = RetryPolicy(base_delay=0.5)
        d = policy.decide(Attempt(1, False, "status", status=429, retry_after=7.0), fixed(0.99))
        assert d.retry and d.delay == 7.0

    def test_is_never_shortened_by_max_delay_or_jitter(self) -> None:
        policy = RetryPolicy(max_delay=2.0, jitter=0.5)
        for rand in (0.0, 0.5, 0.99):
            attempt = Attempt(1, True, "status", status=429, retry_after=45.0)
            assert policy.decide(attempt, fixed(rand)).delay == 45.0

    def test_zero_means_retry_now(self) -> None:
        d = RetryPolicy().decide(Attempt(1, False, "status", status=503, retry_after=0.0))
        assert d.retry and d.delay == 0.0

    def test_longer_than_max_retry_after_gives_up(self) -> None:
        policy = RetryPolicy(max_retry_after=300.0, max_total=10_000.0)
        d = policy.decide(Attempt(1, False, "status", status=429, retry_after=301.0), MIDDLE)
        assert not d.retry and "Retry-After" in d.reason

    def test_does_not_make_a_mutation_5xx_retryable(self) -> None:
        attempt = Attempt(1, True, "status", status=503, retry_after=1.0)
        assert not RetryPolicy().decide(attempt, MIDDLE).retry


class TestParseRetryAfter:
    NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=timezone.utc)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("120", 120.0), (" 3 ", 3.0), ("0", 0.0), ("1.5", 1.5), ("-5", 0.0)],
    )
    def test_delta_seconds(self, value: str, expected: float) -> None:
        assert parse_retry_after(value, self.NOW) == expected

    def test_http_date_in_the_future(self) -> None:
        value = format_datetime(self.NOW + timedelta(seconds=90), usegmt=True)
        assert value.endswith("GMT")
        assert parse_retry_after(value, self.NOW) == 90.0

    def test_imf_fixdate_literal(self) -> None:
        assert parse_retry_after("Wed, 01 May 2024 12:01:00 GMT", self.NOW) == 60.0

    def test_http_date_in_the_past_is_zero(self) -> None:
        assert parse_retry_after("Wed, 01 May 2024 11:00:00 GMT", self.NOW) == 0.0

    def test_naive_now_is_taken_as_utc(self) -> None:
        naive = self.NOW.replace(tzinfo=None)
        assert parse_retry_after("Wed, 01 May 2024 12:00:30 GMT", naive) == 30.0

    @pytest.mark.parametrize("value", [None, "", "   ", "soon", "nan", "inf", "Wed, 99 Foo"])
    def test_garbage_is_none(self, value: str | None) -> None:
        assert parse_retry_after(value, self.NOW) is None

    def test_parsed_date_feeds_the_policy(self) -> None:
        wait = parse_retry_after("Wed, 01 May 2024 12:00:20 GMT", self.NOW)
        d = RetryPolicy().decide(Attempt(1, True, "status", status=429, retry_after=wait), MIDDLE)
        assert d.retry and d.delay == 20.0
