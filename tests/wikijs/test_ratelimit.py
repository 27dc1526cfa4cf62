"""Rate limiting with a fake clock: nothing here really sleeps."""

from __future__ import annotations

import threading

import pytest

from wikijs._ratelimit import RateLimiter, TokenBucket


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class TestTokenBucket:
    def test_a_full_bucket_serves_its_burst_without_waiting(self) -> None:
        clock = FakeClock()
        bucket = TokenBucket(rate=2.0, burst=3, clock=clock)
        assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]

    def test_debt_grows_by_one_interval_per_extra_token(self) -> None:
        clock = FakeClock()
        bucket = TokenBucket(rate=2.0, burst=1, clock=clock)
        assert [bucket.reserve() for _ in range(4)] == [0.0, 0.5, 1.0, 1.5]

    def test_refills_with_time_but_never_above_burst(self) -> None:
        clock = FakeClock()
        bucket = TokenBucket(rate=1.0, burst=2, clock=clock)
        bucket.reserve(2)
        clock.now = 100.0
        assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 1.0]

    def test_reserving_several_tokens(self) -> None:
        clock = FakeClock()
        bucket = TokenBucket(rate=4.0, burst=4, clock=clock)
        assert bucket.reserve(6) == 0.5

    @pytest.mark.parametrize(("rate", "burst"), [(0.0, 1), (-1.0, 1), (1.0, 0)])
    def test_rejects_nonsense(self, rate: float, burst: int) -> None:
        with pytest.raises(ValueError):
            TokenBucket(rate, burst)


class TestRateLimiter:
    def test_50_acquires_at_10_per_second_burst_5_take_4_5_seconds(self) -> None:
        clock = FakeClock()
        limiter = RateLimiter(rate=10.0, burst=5, clock=clock, sleep=clock.sleep)
        waited = [limiter.acquire("pages.get") for _ in range(50)]
        assert waited[:5] == [0.0] * 5
        assert all(w > 0 for w in waited[5:])
        # 45 requests beyond the burst, one every 0.1 s.
        assert clock.now >= 4.5 - 1e-9
        assert clock.now <= 4.5 + 1e-6
        assert sum(waited) == pytest.approx(clock.now)

    def test_reserve_does_not_sleep(self) -> None:
        clock = FakeClock()
        limiter = RateLimiter(rate=1.0, burst=1, clock=clock, sleep=clock.sleep)
        assert [limiter.reserve("x") for _ in range(3)] == [0.0, 1.0, 2.0]
        assert clock.sleeps == [] and clock.now == 0.0

    def test_reserved_waits_space_concurrent_callers_out(self) -> None:
        # What the async client does: reserve, then each caller sleeps its own wait.
        clock = FakeClock()
        limiter = RateLimiter(rate=5.0, burst=1, clock=clock)
        waits = sorted(limiter.reserve("pages.get") for _ in range(6))
        assert waits == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])

    def test_per_operation_limit_applies_only_to_that_operation(self) -> None:
        clock = FakeClock()
        limiter = RateLimiter(
            rate=None, per_operation={"pages.create": (2.0, 1)}, clock=clock, sleep=clock.sleep
        )
        assert [limiter.reserve("pages.get") for _ in range(20)] == [0.0] * 20
        assert [limiter.reserve("pages.create") for _ in range(3)] == [0.0, 0.5, 1.0]

    def test_the_stricter_of_global_and_per_operation_wins(self) -> None:
        clock = FakeClock()
        limiter = RateLimiter(
            rate=10.0,
            burst=10,
            per_operation={"pages.create": (1.0, 1)},
            clock=clock,
            sleep=clock.sleep,
        )
        for _ in range(4):
            limiter.acquire("pages.create")
        assert clock.now == pytest.approx(3.0)  # per-operation: 1/s
        for _ in range(30):
            limiter.acquire("pages.get")
        # Global: 10/s, burst 10. The last create reserved at t=2 and slept until t=3,
        # by when the global bucket was full again: 10 gets pass at once, 20 come 0.1 s apart.
        assert clock.now == pytest.approx(3.0 + 2.0)

    def test_unlimited_never_waits(self) -> None:
        limiter = RateLimiter.unlimited()
        assert not limiter.limited
        assert all(limiter.acquire("pages.create") == 0.0 for _ in range(1000))

    def test_thread_safe_reserve_hands_out_distinct_slots(self) -> None:
        clock = FakeClock()
        limiter = RateLimiter(rate=100.0, burst=1, clock=clock)
        waits: list[float] = []
        lock = threading.Lock()

        def worker() -> None:
            for _ in range(50):
                w = limiter.reserve("pages.get")
                with lock:
                    waits.append(w)

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        slots = sorted(round(w * 100) for w in waits)
        assert slots == list(range(400))
