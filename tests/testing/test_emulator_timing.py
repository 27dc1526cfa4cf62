"""Simulated write latency and the capacity model, without timing anything.

Which operation is charged, how much, and how charges overlap is shown by what the cost
model *waits* (an injected ``sleep`` that records, or gates, each wait); wall-clock
checks are only lower bounds (a simulated cost is at least that long on any machine).
How fast things are is ``python -m bench``'s business.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from _emulator_client import Client

from wikijs.testing import REAL_SERVER_TIMINGS, Timings, WikiJSEmulator, WriteCost
from wikijs.testing._timing import CostModel

TIMINGS = Path(__file__).resolve().parents[1] / "data" / "timings.json"


class RecordingSleep:
    """Records each simulated wait (and how many run at once); waits only a loop turn."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.active = 0
        self.peak = 0
        self._lock = threading.Lock()

    async def __call__(self, seconds: float) -> None:
        with self._lock:
            self.calls.append(seconds)
            self.active += 1
            self.peak = max(self.peak, self.active)
        for _ in range(3):  # let every coroutine that can start do so
            await asyncio.sleep(0)
        with self._lock:
            self.active -= 1


def _creates(emulator: WikiJSEmulator, workers: int, per_worker: int, prefix: str = "w") -> float:
    """Seconds for ``workers`` connections each creating ``per_worker`` pages."""

    def work(worker: int) -> None:
        client = Client(emulator)
        for i in range(per_worker):
            assert client.create(f"{prefix}{worker}/p{i}")["responseResult"]["succeeded"]

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, range(workers)))
    return time.perf_counter() - started


def test_write_latency_applies_to_the_named_operation_only(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    sleep = RecordingSleep()
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.2}, sleep=sleep)
    client = Client(emulator)
    client.create("slow/page")
    assert sleep.calls == [0.2]
    client.data("{ pages { list { id } } }")
    client.post(
        'mutation { pages { update(id: 1, content: "y", tags: [], isPublished: true) '
        "{ responseResult { succeeded } } } }"
    )
    assert sleep.calls == [0.2]  # neither the list nor the (free) update was charged


def test_real_latency_is_waited(wikijs_emulator_factory: Callable[..., WikiJSEmulator]) -> None:
    """The default sleep really waits: a lower bound, true however busy the machine is."""
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.2})
    started = time.perf_counter()
    Client(emulator).create("slow/page")
    assert time.perf_counter() - started >= 0.2


def test_failed_writes_are_answered_without_the_write_cost(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    sleep = RecordingSleep()
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.5}, sleep=sleep)
    emulator.add_page("taken", "x")
    client = Client(emulator)
    assert client.create("taken")["responseResult"]["errorCode"] == 6002
    assert sleep.calls == []


def _spend_all(model: CostModel, count: int, operation: str = "pages.create") -> None:
    async def main() -> None:
        await asyncio.gather(*(model.spend(operation) for _ in range(count)))

    asyncio.run(main())


def test_free_latency_overlaps_across_requests() -> None:
    sleep = RecordingSleep()
    model = CostModel(Timings.from_latency({"pages.create": 0.2}), sleep=sleep)
    _spend_all(model, 4)
    assert sleep.calls == [0.2] * 4
    assert sleep.peak == 4  # four 0.2 s creates wait side by side, not one after another


@pytest.mark.parametrize("capacity", [1, 2, 4])
def test_the_held_part_is_limited_by_capacity(capacity: int) -> None:
    sleep = RecordingSleep()
    model = CostModel(Timings({"pages.create": WriteCost(0.1, 0.1)}, capacity), sleep=sleep)
    _spend_all(model, 4)
    assert sleep.calls == [0.1] * 4
    assert sleep.peak == capacity


def test_the_free_part_overlaps_and_the_held_part_queues() -> None:
    sleep = RecordingSleep()
    model = CostModel(Timings({"pages.create": WriteCost(0.3, 0.1)}, capacity=1), sleep=sleep)
    _spend_all(model, 3)
    assert sorted(sleep.calls) == pytest.approx([0.1, 0.1, 0.1, 0.2, 0.2, 0.2])
    assert sleep.peak == 3  # the free 0.2 s of all three at once, then one held at a time


def test_capacity_serialises_creates_over_http(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    """Over HTTP with real waits: four held 0.1 s creates at capacity 1 take at least 0.4 s
    (a lower bound, so it holds on any machine)."""
    emulator = wikijs_emulator_factory(
        timings=Timings({"pages.create": WriteCost(0.1, 0.1)}, capacity=1)
    )
    assert _creates(emulator, workers=4, per_worker=1) >= 0.4


def test_aliased_creates_in_one_namespace_overlap(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    sleep = RecordingSleep()
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.25}, sleep=sleep)
    client = Client(emulator)
    create = (
        '{name}: create(content: "x", description: "", editor: "markdown", isPublished: true, '
        'isPrivate: false, locale: "en", path: "{name}", tags: [], title: "t") '
        "{{ responseResult {{ succeeded }} }}"
    )
    inner = " ".join(create.format(name=n) for n in ("a", "b", "c"))
    client.data(f"mutation {{ pages {{ {inner} }} }}")
    assert sleep.calls == [0.25] * 3 and sleep.peak == 3
    sleep.peak = 0
    outer = " ".join(f"{n}: pages {{ {create.format(name=n + n)} }}" for n in ("a", "b", "c"))
    client.data(f"mutation {{ {outer} }}")
    assert sleep.calls == [0.25] * 6
    assert sleep.peak == 1  # top-level mutations run one after another


def test_the_real_server_preset_matches_the_measured_medians() -> None:
    measured = json.loads(TIMINGS.read_text("utf-8"))
    create = REAL_SERVER_TIMINGS.costs["pages.create"]
    capacity = REAL_SERVER_TIMINGS.capacity

    def per_page(in_flight: int) -> float:
        # steady state: k clients each loop over creates; the held part is the bottleneck
        return max(create.seconds / in_flight, create.held / capacity)

    assert create.seconds == pytest.approx(measured["create_single_s"]["median"], abs=0.01)
    for k in (2, 4, 8):
        assert per_page(k) == pytest.approx(
            measured["concurrent_creates_per_page_s"][f"parallel_{k}"], abs=0.01
        )
    for name, key in (("pages.update", "update_single_s"), ("pages.move", "move_single_s"),
                      ("pages.delete", "delete_single_s")):  # fmt: skip
        assert REAL_SERVER_TIMINGS.costs[name].seconds == pytest.approx(
            measured[key]["median"], abs=0.01
        )
    assert WikiJSEmulator.REAL_SERVER_TIMINGS is REAL_SERVER_TIMINGS


def test_a_scaled_real_profile_levels_off_like_the_real_server() -> None:
    """Alone a create waits its whole cost; four at once overlap the free part and queue
    for the one slot, so each waits its held part after the others' (as measured on the
    real server: 1.56 s alone, 0.87 s per page with four in flight)."""
    create = REAL_SERVER_TIMINGS.costs["pages.create"]
    sleep = RecordingSleep()
    model = CostModel(REAL_SERVER_TIMINGS, sleep=sleep)
    _spend_all(model, 1)
    assert sum(sleep.calls) == pytest.approx(create.seconds)
    sleep.calls.clear()
    sleep.peak = 0
    _spend_all(model, 4)
    held = [c for c in sleep.calls if c == pytest.approx(create.held)]
    assert len(held) == 4 and sleep.peak == 4  # four free parts at once, held ones queued
    assert REAL_SERVER_TIMINGS.capacity == 1


def test_write_cost_rejects_a_held_part_longer_than_the_total() -> None:
    with pytest.raises(ValueError, match="held <= seconds"):
        WriteCost(0.1, 0.2)
    with pytest.raises(ValueError, match="either write_latency or timings"):
        WikiJSEmulator(write_latency={"pages.create": 1}, timings=REAL_SERVER_TIMINGS)
