"""Fault injection: statuses, dropped connections, slow answers; nth, fraction, per op."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
import requests
from _emulator_client import Client

from wikijs.testing import Fault, WikiJSEmulator

LIST = "{ pages { list { id } } }"


def test_status_fault_answers_429_with_retry_after_and_skips_the_operation(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    client = Client(wikijs_emulator)
    wikijs_emulator.faults.add(
        Fault(kind="status", status=429, retry_after=2, operation="pages.create", nth=1)
    )
    response = client.post(
        'mutation { pages { create(content: "x", description: "", editor: "markdown", '
        'isPublished: true, isPrivate: false, locale: "en", path: "f/one", tags: [], '
        'title: "t") { responseResult { succeeded } } } }'
    )
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert wikijs_emulator.find_page("f/one") is None
    assert client.create("f/one")["responseResult"]["succeeded"] is True


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_faults(wikijs_emulator: WikiJSEmulator, status: int) -> None:
    wikijs_emulator.faults.add(Fault(kind="status", status=status, nth=1))
    client = Client(wikijs_emulator)
    assert client.post(LIST).status_code == status
    assert client.post(LIST).status_code == 200


def test_nth_counts_only_matching_requests(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    wikijs_emulator.faults.add(Fault(kind="status", status=503, operation="pages.create", nth=2))
    assert client.post(LIST).status_code == 200  # not a create: not counted
    assert client.create("n/1")["responseResult"]["succeeded"]
    response = client.post(
        'mutation { pages { create(content: "x", description: "", editor: "markdown", '
        'isPublished: true, isPrivate: false, locale: "en", path: "n/2", tags: [], '
        'title: "t") { responseResult { succeeded } } } }'
    )
    assert response.status_code == 503
    assert client.create("n/3")["responseResult"]["succeeded"]  # fired once only
    assert [p.path for p in wikijs_emulator.pages()] == ["n/1", "n/3"]


def test_max_count_extends_nth_to_following_requests(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    fault = wikijs_emulator.faults.add(Fault(kind="status", status=502, nth=2, max_count=2))
    assert [client.post(LIST).status_code for _ in range(5)] == [200, 502, 502, 200, 200]
    assert wikijs_emulator.faults.fired(fault) == 2


def test_fraction_is_deterministic_for_a_seed(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    def statuses(seed: int) -> list[int]:
        emulator = wikijs_emulator_factory()
        emulator.faults.add(Fault(kind="status", status=503, fraction=0.3, seed=seed))
        client = Client(emulator)
        return [client.post(LIST).status_code for _ in range(40)]

    first, again, other = statuses(7), statuses(7), statuses(8)
    assert first == again
    assert 3 <= first.count(503) <= 25
    assert first != other


def test_drop_before_closes_the_connection_and_runs_nothing(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    client = Client(wikijs_emulator)
    wikijs_emulator.faults.add(Fault(kind="drop", when="before", operation="pages.create"))
    with pytest.raises(requests.ConnectionError):
        client.create("d/before")
    assert wikijs_emulator.find_page("d/before") is None
    entry = wikijs_emulator.log.entries[-1]
    assert entry.status is None and entry.operations == ("pages.create",)


def test_drop_after_runs_the_operation_then_hangs_up(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    page_id = client.create("d/after")["page"]["id"]
    wikijs_emulator.faults.add(Fault(kind="drop", when="after", operation="pages.update", nth=1))
    update = (
        'mutation ($id: Int!) { pages { update(id: $id, content: "changed", tags: [], '
        "isPublished: true) { responseResult { succeeded } } } }"
    )
    with pytest.raises(requests.ConnectionError):
        client.post(update, {"id": page_id})
    assert wikijs_emulator.page(page_id).content == "changed"
    assert client.post(update, {"id": page_id}).status_code == 200


def test_slow_fault_delays_the_answer(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    slow = wikijs_emulator.faults.add(Fault(kind="slow", delay=0.3, nth=1))
    started = time.perf_counter()
    assert client.post(LIST).status_code == 200
    assert time.perf_counter() - started >= 0.3  # a lower bound: true on any machine
    client.post(LIST)
    # Only the first request was slowed (no upper bound on time: the log says which).
    assert wikijs_emulator.faults.fired(slow) == 1
    assert [e.fault for e in wikijs_emulator.log.entries] == ["slow:0.3", None]


def test_hold_fault_keeps_a_request_until_released(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    wikijs_emulator.faults.add(Fault(kind="hold", operation="pages.create", nth=1))
    answers: list[int] = []
    worker = threading.Thread(target=lambda: answers.append(client.create("held")["page"]["id"]))
    worker.start()
    assert wikijs_emulator.faults.wait_held(1)
    # Held: not answered (the page is written only after the release), other requests go on.
    assert answers == []
    assert wikijs_emulator.find_page("held") is None
    assert Client(wikijs_emulator).post(LIST).status_code == 200
    wikijs_emulator.faults.release()
    worker.join()
    assert answers and wikijs_emulator.find_page("held") is not None
    assert not wikijs_emulator.faults.wait_held(2, timeout=0)  # the fault fired once


def test_stopping_the_emulator_releases_held_requests() -> None:
    emulator = WikiJSEmulator().start()
    emulator.faults.add(Fault(kind="hold"))
    errors: list[BaseException] = []

    def call() -> None:
        try:
            Client(emulator).post(LIST)
        except requests.RequestException as exc:
            errors.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    assert emulator.faults.wait_held(1)
    emulator.stop()
    worker.join()  # returns: the held request was let go (answered or cut off)
    assert not worker.is_alive()


def test_faults_can_match_a_request_kind_and_be_cleared(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    wikijs_emulator.faults.add(Fault(kind="status", status=503, request_kind="mutation"))
    assert client.post(LIST).status_code == 200
    assert (
        client.post(
            "mutation { pages { rebuildTree { responseResult { succeeded } } } }"
        ).status_code
        == 503
    )
    wikijs_emulator.faults.clear()
    assert len(wikijs_emulator.faults) == 0
    assert client.create("k/ok")["responseResult"]["succeeded"]


def test_an_aliased_document_matches_each_of_its_operations(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    client = Client(wikijs_emulator)
    wikijs_emulator.faults.add(Fault(kind="status", status=503, operation="pages.single"))
    response = client.post("{ a: pages { list { id } } b: pages { single(id: 1) { id } } }")
    assert response.status_code == 503


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            "429,retry_after=2,operation=pages.create,nth=3",
            Fault(kind="status", status=429, retry_after=2, operation="pages.create", nth=3),
        ),
        (
            "drop,when=after,operation=pages.update",
            Fault(kind="drop", when="after", operation="pages.update"),
        ),
        ("slow,delay=5,fraction=0.1,seed=1", Fault(kind="slow", delay=5, fraction=0.1, seed=1)),
        ("status=502,max_count=2", Fault(kind="status", status=502, max_count=2)),
    ],
)
def test_fault_parse_reads_the_command_line_form(spec: str, expected: Fault) -> None:
    assert Fault.parse(spec) == expected


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("boom", "unknown fault kind"),
        ("status=200", "HTTP error status"),
        ("drop,nth=0", "counts from 1"),
        ("slow,delay=x", "bad value for 'delay'"),
        ("status=503,colour=red", "unknown setting 'colour'"),
        ("status=503,nth=1,fraction=0.5", "either 'nth' or 'fraction'"),
    ],
)
def test_fault_parse_rejects_bad_specs_with_a_clear_message(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Fault.parse(spec)
