"""Metrics: counts, error rates and nearest-rank latency percentiles."""

from __future__ import annotations

import json
import threading

import pytest

from wikijs._metrics import Metrics, percentile


class TestPercentile:
    def test_nearest_rank_on_1_to_100(self) -> None:
        samples = [float(i) for i in range(1, 101)]
        assert percentile(samples, 50) == 50.0
        assert percentile(samples, 95) == 95.0
        assert percentile(samples, 99) == 99.0
        assert percentile(samples, 100) == 100.0
        assert percentile(samples, 0.5) == 1.0

    def test_nearest_rank_on_a_small_set(self) -> None:
        # Classic example: 15, 20, 35, 40, 50 -> p30 = 20, p40 = 20, p50 = 35, p100 = 50.
        samples = [15.0, 20.0, 35.0, 40.0, 50.0]
        assert [percentile(samples, p) for p in (5, 30, 40, 50, 100)] == [15, 20, 20, 35, 50]

    def test_empty_is_none_and_bad_p_raises(self) -> None:
        assert percentile([], 50) is None
        with pytest.raises(ValueError):
            percentile([1.0], 0)


class TestMetrics:
    def test_snapshot_of_known_samples(self) -> None:
        m = Metrics()
        for i in range(1, 101):  # 1 ms .. 100 ms, every tenth one failed
            m.record_request("pages.get", duration=i / 1000, ok=i % 10 != 0, status=200)
        m.record_request("pages.create", duration=1.5, ok=True, status=200)
        m.record_retry("pages.get")
        m.record_retry("pages.get")
        m.record_rate_limit_wait("pages.create", 0.25)
        m.record_rate_limit_wait("pages.create", 0.5)
        m.record_rate_limit_wait("pages.create", 0.0)

        snap = m.snapshot()
        assert snap["enabled"] is True
        get = snap["operations"]["pages.get"]
        assert get["requests"] == 100
        assert get["errors"] == 10
        assert get["error_rate"] == 0.1
        assert get["retries"] == 2
        assert get["rate_limit_waits"] == 0
        assert get["latency_ms"] == {
            "min": 1.0,
            "avg": 50.5,
            "p50": 50.0,
            "p95": 95.0,
            "p99": 99.0,
            "max": 100.0,
        }
        create = snap["operations"]["pages.create"]
        assert create["rate_limit_waits"] == 2
        assert create["rate_limit_wait_s"] == 0.75
        assert create["latency_ms"]["p50"] == 1500.0

        total = snap["total"]
        assert total["requests"] == 101
        assert total["errors"] == 10
        assert total["retries"] == 2
        assert total["rate_limit_waits"] == 2
        assert total["latency_ms"]["max"] == 1500.0
        assert total["latency_ms"]["p99"] == 100.0
        json.dumps(snap)  # plain data

    def test_empty_latencies_are_none(self) -> None:
        m = Metrics()
        m.record_retry("pages.get")
        entry = m.snapshot()["operations"]["pages.get"]
        assert entry["requests"] == 0 and entry["error_rate"] == 0.0
        assert set(entry["latency_ms"].values()) == {None}

    def test_percentiles_use_the_most_recent_samples_only(self) -> None:
        m = Metrics(max_samples=10)
        for _ in range(100):
            m.record_request("x", duration=1.0, ok=True)
        for _ in range(10):
            m.record_request("x", duration=0.002, ok=True)
        lat = m.snapshot()["operations"]["x"]["latency_ms"]
        assert lat["p99"] == 2.0
        assert lat["max"] == 1000.0  # min/max/avg cover every request
        assert lat["avg"] == pytest.approx((100 * 1000 + 10 * 2) / 110, abs=1e-3)

    def test_disabled_records_nothing(self) -> None:
        m = Metrics(enabled=False)
        m.record_request("pages.get", duration=0.1, ok=False)
        m.record_retry("pages.get")
        m.record_rate_limit_wait("pages.get", 1.0)
        snap = m.snapshot()
        assert snap["enabled"] is False
        assert snap["operations"] == {}
        assert snap["total"]["requests"] == 0

    def test_reset(self) -> None:
        m = Metrics()
        m.record_request("pages.get", duration=0.1, ok=True)
        m.reset()
        assert m.snapshot()["operations"] == {}
        assert m.snapshot()["total"]["requests"] == 0

    def test_thread_safe_under_concurrent_recording(self) -> None:
        m = Metrics()
        threads_n, per_thread = 8, 2000

        def worker(n: int) -> None:
            for i in range(per_thread):
                m.record_request(f"op{n % 2}", duration=0.001, ok=i % 4 != 0)
                m.record_retry(f"op{n % 2}")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        snap = m.snapshot()
        assert snap["total"]["requests"] == threads_n * per_thread
        assert snap["total"]["errors"] == threads_n * per_thread // 4
        assert snap["total"]["retries"] == threads_n * per_thread
        assert sum(op["requests"] for op in snap["operations"].values()) == threads_n * per_thread
        assert snap["operations"]["op0"]["requests"] == threads_n // 2 * per_thread
