"""Faults during a 30-page apply: every case ends in the desired wiki, nothing else touched.

Each case injects one fault into one write of a real ``wikisync apply`` (a subprocess)
against the emulator, then checks the promises:

* the run completes (after retries) or ends with exit 1 and a report naming what failed;
* a plain re-run converges, and a plan afterwards shows no changes and writes nothing;
* no page is duplicated, lost, or left with a missing field (the ten pages that existed
  before keep the scripts and publish dates the files do not set);
* no page outside ``root`` (nor the hand-made page inside it) changes by one byte.

The writes of a first apply arrive in this order: the two state folders
(``assets.createFolder``), the lock file (an upload), the 30 page writes (20 creates, 10
updates of pages that already existed), the state (uploads: a segment, then the head),
and the lock file's removal. Positions count mutations or uploads in that order; the
cases run in parallel, each with its own emulator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest
from conftest import FaultMatrix
from rel_helpers import (
    CliResult,
    duplicated_paths,
    missing_or_wrong,
    numbered_site,
    outside_root,
    pages_under,
    plan_in_process,
    run_cli,
    seed_outside_root,
    state_document,
    state_pages,
    wiki_env,
)

from wikijs.testing import Fault, PageRecord, WikiJSEmulator
from wikisync.plan.model import Plan

pytestmark = pytest.mark.slow

Outcome = Literal["completes", "fails", "either"]

READ_TIMEOUT = 5.0
"""``WIKIJS_TIMEOUT`` for the timeout cases. The faulted write is *held* by the emulator
until the run has ended, so it times out on any machine; the other requests have 5 s,
which a busy machine does not make them miss."""

ADOPTED = range(20, 30)
"""Pages p20..p29 exist before the first apply (made by hand, with extra fields)."""


@dataclass(frozen=True)
class Kind:
    name: str
    make: Callable[[str, int], Fault]
    outcome: Outcome  # for a page write
    reason: str  # what the report says about the failure (a regex)
    timeout_env: bool = False


KINDS = (
    Kind(
        "429 Retry-After",
        lambda k, n: Fault(kind="status", status=429, retry_after=0.2, request_kind=k, nth=n),
        "completes",
        "HTTP 429",
    ),
    Kind(
        "500",
        lambda k, n: Fault(kind="status", status=500, request_kind=k, nth=n),
        "fails",
        r"HTTP 500",
    ),
    Kind(
        "502",
        lambda k, n: Fault(kind="status", status=502, request_kind=k, nth=n),
        "fails",
        r"HTTP 502",
    ),
    Kind(
        "503",
        lambda k, n: Fault(kind="status", status=503, request_kind=k, nth=n),
        "fails",
        r"HTTP 503",
    ),
    Kind(
        "drop before write",
        lambda k, n: Fault(kind="drop", when="before", request_kind=k, nth=n),
        "fails",
        r"connection closed before an answer",
    ),
    Kind(
        "drop after write",
        lambda k, n: Fault(kind="drop", when="after", request_kind=k, nth=n),
        # A create is confirmed by reading it back; an update cannot be, and fails.
        "either",
        r"connection closed before an answer",
    ),
    Kind(
        "read timeout",
        lambda k, n: Fault(kind="hold", request_kind=k, nth=n),
        "fails",
        r"no answer in time",
        timeout_env=True,
    ),
)

Where = Literal["lock", "page", "state"]


@dataclass(frozen=True)
class Position:
    name: str
    nth: int  # which mutation (or upload) of the first apply
    where: Where
    request_kind: str = "mutation"


POSITIONS = (
    Position("lock", 1, "lock", "upload"),
    Position("first page", 3, "page"),
    Position("middle page", 17, "page"),
    Position("last page", 32, "page"),
    Position("state", 2, "state", "upload"),
    Position("state head", 3, "state", "upload"),
)


@dataclass(frozen=True)
class Case:
    kind: Kind
    position: Position

    @property
    def id(self) -> str:
        return f"{self.kind.name}-at-{self.position.name}".replace(" ", "-")

    @property
    def matrix_cell(self) -> tuple[str, str]:
        return (self.kind.name, self.position.name)

    @property
    def outcome(self) -> Outcome:
        if self.kind.outcome == "completes":
            return "completes"
        if self.position.where in ("lock", "state") and self.kind.name == "drop after write":
            return "fails"  # an upload is never confirmed or re-sent
        return self.kind.outcome


CASES = [Case(kind, position) for kind in KINDS for position in POSITIONS]


@dataclass
class Observed:
    first: CliResult
    first_left_pages_alone: bool  # no page under root changed by the first run
    fired: int
    rerun: CliResult
    final_plan: Plan
    final_writes: list[str]
    outside_before: dict[int, PageRecord]
    outside_after: dict[int, PageRecord]
    handmade_before: PageRecord
    handmade_after: PageRecord | None
    adopted_after: dict[str, PageRecord]
    wiki_problems: list[str]
    duplicates: list[tuple[str, str]]
    state_ok: bool


def _seed(emulator: WikiJSEmulator) -> None:
    for i in ADOPTED:
        emulator.add_page(
            f"handbook/p{i:02d}",
            f"Old text of page {i}, written in the wiki.",
            title=f"Old {i}",
            tags=["old"],
            script_css=f".p{i} {{ margin: 0; }}",
            script_js=f"window.p{i} = true;",
            publish_start_date="2021-02-03T04:05:06.000Z",
            publish_end_date="2031-02-03T04:05:06.000Z",
        )
    emulator.add_page(
        "handbook/hand-made",
        "Written in the wiki, no file: never touched.",
        title="Hand made",
        script_css=".hand { color: blue; }",
    )


def _let_the_held_write_land(emulator: WikiJSEmulator) -> None:
    """A timed-out write still runs on the server (after the client gave up)."""
    assert emulator.faults.wait_held(1, timeout=0), "no write was held"
    emulator.faults.release()
    landed = emulator.log.wait_for(lambda log: any(e.fault == "hold" for e in log.entries), 60)
    assert landed, "the held write never finished on the server"


def _state_ok(emulator: WikiJSEmulator) -> bool:
    """One trusted asset state recording every page, no lock file, no state page."""
    doc = state_document(emulator)
    return doc["lock"] is None and len(doc["pages"]) == 30 and state_pages(emulator) == []


def run_case(case: Case, workdir: Path) -> Observed:
    site = numbered_site(workdir / "site")
    with WikiJSEmulator() as emulator:
        outside_before = seed_outside_root(emulator)
        _seed(emulator)
        handmade = emulator.find_page("handbook/hand-made")
        assert handmade is not None
        seeded = pages_under(emulator)
        extra = {"WIKIJS_TIMEOUT": str(READ_TIMEOUT)} if case.kind.timeout_env else {}
        env = wiki_env(emulator, **extra)
        fault = emulator.faults.add(case.kind.make(case.position.request_kind, case.position.nth))
        emulator.log.reset()

        first = run_cli("apply", site.directory, "--auto-approve", env=env)
        if case.kind.timeout_env:
            _let_the_held_write_land(emulator)
        fired = emulator.faults.fired(fault)
        first_left_pages_alone = pages_under(emulator) == seeded
        emulator.faults.clear()

        rerun = run_cli("apply", site.directory, "--auto-approve", env=env)
        emulator.log.reset()
        final_plan = plan_in_process(site.directory, emulator)
        final_writes = emulator.log.writes()

        managed = pages_under(emulator)
        return Observed(
            first=first,
            first_left_pages_alone=first_left_pages_alone,
            fired=fired,
            rerun=rerun,
            final_plan=final_plan,
            final_writes=final_writes,
            outside_before=outside_before,
            outside_after=outside_root(emulator),
            handmade_before=handmade,
            handmade_after=emulator.find_page("handbook/hand-made"),
            adopted_after={
                p.path: p for p in managed if p.path in {f"handbook/p{i:02d}" for i in ADOPTED}
            },
            wiki_problems=missing_or_wrong(emulator, site),
            duplicates=duplicated_paths(emulator.pages()),
            state_ok=_state_ok(emulator),
        )


@pytest.fixture(scope="module")
def observed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Observed | BaseException]:
    """Runs every selected case at once (each has its own emulator and subprocesses)."""
    selected: list[Case] = []
    for item in request.session.items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec is not None else None
        if isinstance(case, Case) and item.module is request.module:
            selected.append(case)

    workdirs = {case.id: tmp_path_factory.mktemp("fault") for case in selected}

    def one(case: Case) -> Observed | BaseException:
        try:
            return run_case(case, workdirs[case.id])
        except BaseException as exc:  # reported by the case's own test
            return exc

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, selected))
    return {case.id: result for case, result in zip(selected, results, strict=True)}


_FAILED_LINE = re.compile(
    r"^Failed: (create|update) en/handbook/(p\d\d) \(\2\.md\): pages\.(create|update): (.+)$",
    re.MULTILINE,
)
_SUMMARY = re.compile(
    r"Apply (complete|failed)! (\d+) created, (\d+) updated, 0 moved, 0 deleted, (\d+) failed\."
)


def _check_first_run(case: Case, first: CliResult, pages_untouched: bool) -> str:
    """Assert the first run's outcome and report; returns it for the matrix."""
    completed = first.returncode == 0
    expected = case.outcome
    if expected == "completes":
        assert completed, first
    elif expected == "fails":
        assert first.returncode == 1, first
    else:
        assert first.returncode in (0, 1), first
    summary = _SUMMARY.search(first.stdout)
    if completed:
        assert summary is not None, first
        assert summary.groups() == ("complete", "20", "10", "0"), first
        assert "Failed:" not in first.stderr and "Error:" not in first.stderr, first
        return "completed"

    if case.position.where == "page":
        failed = _FAILED_LINE.findall(first.stderr)
        assert len(failed) == 1, first
        action, page, operation, reason = failed[0]
        assert action == operation
        assert re.search(case.kind.reason, reason), first
        assert summary is not None, first
        assert summary.group(1) == "failed", first
        created, updated, failures = (int(g) for g in summary.groups()[1:])
        assert (created + updated, failures) == (29, 1), first
        assert "Run `wikisync apply` again to finish the job" in first.stderr, first
        return f"exit 1, {action} {page} failed"

    assert re.search(r"^Error: .*" + case.kind.reason, first.stderr, re.MULTILINE), first
    if case.position.where == "lock":
        assert pages_untouched, "no page may be written when the lock cannot be taken"
        assert "could not take the lock" in first.stderr and "Nothing was applied" in first.stderr
        assert summary is None, first
        return "exit 1, nothing written"
    # The state write failed after every page was written.
    assert first.stderr.count(": ok\n") == 30, first
    assert "30 change(s) were applied, but saving the state" in first.stderr, first
    return "exit 1, state not saved"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_apply_survives_the_fault(
    case: Case, observed: dict[str, Observed | BaseException], fault_matrix: FaultMatrix
) -> None:
    result = observed[case.id]
    if isinstance(result, BaseException):
        raise result
    assert result.fired == 1, "the fault was not injected"

    fault_matrix.observe(case.matrix_cell, "ran")
    first = _check_first_run(case, result.first, result.first_left_pages_alone)
    fault_matrix.observe(case.matrix_cell, first)

    assert result.rerun.returncode == 0, result.rerun
    assert "0 failed." in result.rerun.stdout or "No changes." in result.rerun.stdout
    assert not result.final_plan.has_changes, result.final_plan.changes
    assert result.final_plan.adopted == ()
    assert result.final_writes == []

    assert result.wiki_problems == []
    assert result.duplicates == []
    assert result.state_ok
    for path, page in result.adopted_after.items():
        i = int(path[-2:])
        assert page.script_css == f".p{i} {{ margin: 0; }}", path
        assert page.script_js == f"window.p{i} = true;", path
        assert page.publish_start_date == "2021-02-03T04:05:06.000Z", path
        assert page.publish_end_date == "2031-02-03T04:05:06.000Z", path
    assert len(result.adopted_after) == len(ADOPTED)
    assert result.handmade_after == result.handmade_before
    assert result.outside_after == result.outside_before
