"""Simulated write latency and the capacity model (small numbers keep these fast)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from _emulator_client import Client

from wikijs.testing import REAL_SERVER_TIMINGS, Timings, WikiJSEmulator, WriteCost

TIMINGS = Path(__file__).resolve().parents[1] / "data" / "timings.json"


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
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.2})
    client = Client(emulator)
    started = time.perf_counter()
    client.create("slow/page")
    assert time.perf_counter() - started >= 0.2
    started = time.perf_counter()
    client.data("{ pages { list { id } } }")
    assert time.perf_counter() - started < 0.15


def test_failed_writes_are_answered_without_the_write_cost(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.5})
    emulator.add_page("taken", "x")
    client = Client(emulator)
    started = time.perf_counter()
    assert client.create("taken")["responseResult"]["errorCode"] == 6002
    assert time.perf_counter() - started < 0.4


def test_free_latency_overlaps_across_connections(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.2})
    elapsed = _creates(emulator, workers=4, per_worker=1)
    assert elapsed < 0.6  # four 0.2 s creates in parallel, not 0.8 s in a row


def test_the_held_part_is_limited_by_capacity(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(
        timings=Timings({"pages.create": WriteCost(0.1, 0.1)}, capacity=1)
    )
    assert _creates(emulator, workers=4, per_worker=1) >= 0.4
    wide = wikijs_emulator_factory(
        timings=Timings({"pages.create": WriteCost(0.1, 0.1)}, capacity=4)
    )
    assert _creates(wide, workers=4, per_worker=1) < 0.35


def test_aliased_creates_in_one_namespace_overlap(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.25})
    client = Client(emulator)
    create = (
        '{name}: create(content: "x", description: "", editor: "markdown", isPublished: true, '
        'isPrivate: false, locale: "en", path: "{name}", tags: [], title: "t") '
        "{{ responseResult {{ succeeded }} }}"
    )
    inner = " ".join(create.format(name=n) for n in ("a", "b", "c"))
    started = time.perf_counter()
    client.data(f"mutation {{ pages {{ {inner} }} }}")
    assert time.perf_counter() - started < 0.6
    outer = " ".join(f"{n}: pages {{ {create.format(name=n + n)} }}" for n in ("a", "b", "c"))
    started = time.perf_counter()
    client.data(f"mutation {{ {outer} }}")
    assert time.perf_counter() - started >= 0.75  # top-level mutations run one after another


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


def test_a_scaled_real_profile_levels_off_like_the_real_server(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    scale = 0.1
    costs = {
        name: WriteCost(c.seconds * scale, c.held * scale)
        for name, c in REAL_SERVER_TIMINGS.costs.items()
    }
    emulator = wikijs_emulator_factory(timings=Timings(costs, REAL_SERVER_TIMINGS.capacity))
    one = _creates(emulator, workers=1, per_worker=4) / 4
    four = _creates(emulator, workers=4, per_worker=3, prefix="four") / 12
    assert one == pytest.approx(1.56 * scale, rel=0.3)
    assert four == pytest.approx(0.87 * scale, rel=0.3)
    assert four < one


def test_write_cost_rejects_a_held_part_longer_than_the_total() -> None:
    with pytest.raises(ValueError, match="held <= seconds"):
        WriteCost(0.1, 0.2)
    with pytest.raises(ValueError, match="either write_latency or timings"):
        WikiJSEmulator(write_latency={"pages.create": 1}, timings=REAL_SERVER_TIMINGS)
