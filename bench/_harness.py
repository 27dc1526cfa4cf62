"""What every benchmark needs: emulators with the real server's costs, the ``wikisync``
command run as a user runs it, request and write accounting, machine facts, results."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wikijs.testing import REAL_SERVER_TIMINGS, LoggedRequest, Timings, WikiJSEmulator, WriteCost

__all__ = [
    "CliRun",
    "apply_with_accounting",
    "LogWindow",
    "PageWrites",
    "Progress",
    "Scale",
    "machine_info",
    "page_versions",
    "read_only_timings",
    "real_timings",
    "result",
    "run_wikisync",
    "unlimited_timings",
    "write_check",
]

REPO = Path(__file__).resolve().parent.parent

#: Operations that change the wiki (GraphQL mutations and uploads).
WRITE_OPERATIONS = (
    "pages.create",
    "pages.update",
    "pages.move",
    "pages.delete",
    "pages.restore",
    "pages.rebuildTree",
    "assets.upload",
)

#: Operations that read pages.
READ_OPERATIONS = ("pages.list", "pages.single", "pages.singleByPath")


@dataclass(frozen=True)
class Scale:
    """How big each benchmark is. ``full`` is the documented run; ``small`` is for CI."""

    name: str
    plan_pages: int
    edit_pages: int
    local_pages: int
    apply_creates: int
    naive_pages: int
    sdk_calls: int
    time_scale: float
    plan_repeats: int
    change_roots: tuple[int, ...] = (1_000, 10_000)
    first_sync_pages: int = 85
    history_pages: int = 10_000
    history_applies: int = 100
    big_root_pages: int = 50_000
    big_time_scale: float = 0.001

    @classmethod
    def full(cls) -> Scale:
        return cls("full", 10_000, 100, 10_000, 200, 85, 400, 1.0, 3)

    @classmethod
    def small(cls) -> Scale:
        return cls(
            "small",
            300,
            3,
            300,
            24,
            8,
            60,
            0.02,
            1,
            change_roots=(40, 120),
            first_sync_pages=8,
            history_pages=120,
            history_applies=4,
            big_root_pages=400,
            big_time_scale=0.0005,
        )


class Progress:
    """Progress lines on stderr (stdout carries only the JSON document)."""

    def __init__(self, prefix: str = "bench") -> None:
        self.prefix = prefix
        self.started = time.monotonic()

    def __call__(self, message: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{self.prefix} {elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)


# -- emulator costs --------------------------------------------------------------------------


def _scaled(cost: WriteCost, factor: float) -> WriteCost:
    return WriteCost(round(cost.seconds * factor, 6), round(cost.held * factor, 6))


def real_timings(factor: float = 1.0) -> Timings:
    """The real 2-vCPU server: medians per operation and its capacity of one write at a
    time for the ``held`` share (``REAL_SERVER_TIMINGS``), every cost times ``factor``."""
    costs = {name: _scaled(cost, factor) for name, cost in REAL_SERVER_TIMINGS.costs.items()}
    return Timings(costs, REAL_SERVER_TIMINGS.capacity)


def unlimited_timings(factor: float = 1.0) -> Timings:
    """The same medians, but any number of writes overlap freely (no capacity limit)."""
    return Timings.from_latency(
        {name: cost.seconds * factor for name, cost in REAL_SERVER_TIMINGS.costs.items()}
    )


def read_only_timings() -> Timings:
    """Real read costs; writes cost nothing (for runs that only count writes)."""
    return Timings(
        {name: cost for name, cost in REAL_SERVER_TIMINGS.costs.items() if name in READ_OPERATIONS},
        REAL_SERVER_TIMINGS.capacity,
    )


# -- request accounting ----------------------------------------------------------------------


class LogWindow:
    """The requests an emulator received from now until :meth:`close`."""

    def __init__(self, emulator: WikiJSEmulator) -> None:
        self.emulator = emulator
        self.start = emulator.log.requests
        self.entries: list[LoggedRequest] = []

    def close(self) -> LogWindow:
        self.entries = self.emulator.log.entries[self.start :]
        return self

    @property
    def requests(self) -> int:
        return len(self.entries)

    def operations(self) -> Counter[str]:
        return Counter(op for entry in self.entries for op in entry.operations)

    def count(self, *operations: str) -> int:
        counts = self.operations()
        return sum(counts[op] for op in operations)

    def summary(self) -> dict[str, Any]:
        ops = self.operations()
        return {
            "requests": self.requests,
            "read_requests": sum(1 for e in self.entries if e.kind == "query"),
            "write_requests": sum(1 for e in self.entries if e.kind in ("mutation", "upload")),
            "pages_read": ops["pages.single"] + ops["pages.singleByPath"],
            "operations": dict(sorted(ops.items())),
        }


def page_versions(emulator: WikiJSEmulator) -> dict[int, tuple[str, str, int]]:
    """``{page id: (locale, path, history versions)}`` for every page."""
    return {
        page.id: (page.locale, page.path, len(emulator.versions(page.id)))
        for page in emulator.pages()
    }


@dataclass
class PageWrites:
    """Writes per page between two :func:`page_versions` snapshots.

    A create counts one write; every update or move adds a history version, which
    counts one more. ``state`` counts writes to wikisync's own state page.
    """

    per_page: dict[tuple[str, str, int], int] = field(default_factory=dict)
    state: int = 0
    duplicate_paths: list[str] = field(default_factory=list)

    @classmethod
    def between(
        cls,
        before: Mapping[int, tuple[str, str, int]],
        after: Mapping[int, tuple[str, str, int]],
        *,
        state_path: str,
    ) -> PageWrites:
        out = cls()
        paths: Counter[tuple[str, str]] = Counter()
        for page_id, (locale, path, versions) in after.items():
            paths[(locale, path)] += 1
            old = before.get(page_id)
            writes = versions + 1 if old is None else versions - old[2]
            if path == state_path:
                out.state += writes
            elif writes:
                out.per_page[(locale, path, page_id)] = writes
        out.duplicate_paths = sorted(f"{loc}/{p}" for (loc, p), n in paths.items() if n > 1)
        return out

    @property
    def pages_written(self) -> int:
        return len(self.per_page)

    @property
    def page_writes(self) -> int:
        return sum(self.per_page.values())

    @property
    def written_twice(self) -> list[str]:
        return sorted(f"{loc}/{p}" for (loc, p, _), n in self.per_page.items() if n > 1)

    def written_paths(self) -> set[str]:
        return {p for (_, p, _) in self.per_page}

    def summary(self) -> dict[str, Any]:
        return {
            "page_writes": self.page_writes,
            "pages_written": self.pages_written,
            "pages_written_twice": len(self.written_twice),
            "state_writes": self.state,
            "duplicate_paths": len(self.duplicate_paths),
        }


# -- running the command -----------------------------------------------------------------


@dataclass(frozen=True)
class CliRun:
    """One ``wikisync`` command: exit code, wall time, output, and when each stderr line
    arrived (seconds from the start)."""

    args: tuple[str, ...]
    returncode: int
    wall_s: float
    stdout: str
    stderr: str
    stderr_times: tuple[tuple[float, str], ...] = ()

    def json(self) -> Any:
        return json.loads(self.stdout)

    def check(self, *ok: int) -> CliRun:
        if self.returncode not in (ok or (0,)):
            raise RuntimeError(
                f"wikisync {' '.join(self.args)} exited {self.returncode}:\n{self.stderr[-3000:]}"
            )
        return self


def run_wikisync(
    args: Sequence[str], emulator: WikiJSEmulator, *, timeout: float = 1800.0
) -> CliRun:
    """Run ``python -m wikisync ARGS`` against ``emulator``, as a user or CI would."""
    env = {
        **os.environ,
        "WIKIJS_URL": emulator.url,
        "WIKIJS_API_KEY": emulator.api_key,
        "NO_COLOR": "1",
        "CI": "1",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    for name in ("WIKIJS_USERNAME", "WIKIJS_PASSWORD"):
        env.pop(name, None)
    command = [sys.executable, "-m", "wikisync", *args]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=str(REPO),
        text=True,
        encoding="utf-8",
    )
    lines: list[tuple[float, str]] = []

    def read_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append((time.perf_counter() - started, line.rstrip("\n")))

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    assert process.stdout is not None
    stdout = process.stdout.read()
    returncode = process.wait(timeout=timeout)
    wall = time.perf_counter() - started
    reader.join(10)
    return CliRun(
        tuple(args),
        returncode,
        wall,
        stdout,
        "\n".join(line for _, line in lines),
        tuple(lines),
    )


# -- results ---------------------------------------------------------------------------------


def result(
    name: str,
    *,
    target: str,
    measured: Mapping[str, Any],
    ok: bool,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One benchmark outcome: the target in words, the numbers, and whether it was met."""
    out: dict[str, Any] = {
        "name": name,
        "target": target,
        "measured": dict(measured),
        "ok": bool(ok),
    }
    if details:
        out["details"] = dict(details)
    return out


def median(values: Iterable[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _memory_total_mb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def machine_info() -> dict[str, Any]:
    """Where the numbers come from."""
    from wikisync import __version__

    affinity = getattr(os, "sched_getaffinity", None)
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(affinity(0)) if affinity else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_mb": _memory_total_mb(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "load_average": load,
        "wikisync_version": __version__,
    }


def apply_with_accounting(
    emulator: WikiJSEmulator,
    directory: Path,
    *,
    root: str,
    expected: set[str],
    args: Sequence[str] = (),
) -> tuple[CliRun, dict[str, Any]]:
    """``wikisync apply DIR --auto-approve ARGS``, and every write it made.

    ``expected`` holds the wiki paths the plan changes; the numbers say whether each of
    them was written exactly once and nothing else was (besides the state page).
    """
    from wikisync.plan.model import state_page_path

    before = page_versions(emulator)
    window = LogWindow(emulator)
    run = run_wikisync(["apply", str(directory), "--auto-approve", *args], emulator).check(0)
    window.close()
    writes = PageWrites.between(before, page_versions(emulator), state_path=state_page_path(root))
    written = writes.written_paths()
    return run, {
        "wall_s": round(run.wall_s, 3),
        "changes_planned": len(expected),
        **writes.summary(),
        "unplanned_writes": len(written - expected),
        "planned_but_not_written": len(expected - written),
        "tree_rebuilds": window.count("pages.rebuildTree"),
        "writes": writes.page_writes + writes.state + window.count("pages.rebuildTree"),
        **window.summary(),
        "result_line": run.stdout.strip().splitlines()[-1] if run.stdout.strip() else "",
    }


def write_check(name: str, run: Mapping[str, Any]) -> dict[str, Any]:
    """One row of the "one write per changed page, none otherwise" table."""
    exact = (
        run["page_writes"] == run["changes_planned"]
        and run["pages_written"] == run["changes_planned"]
        and run["pages_written_twice"] == 0
        and run["unplanned_writes"] == 0
        and run["planned_but_not_written"] == 0
        and run.get("duplicate_paths", 0) == 0
    )
    return {
        "run": name,
        "changes_planned": run["changes_planned"],
        "page_writes": run["page_writes"],
        "pages_written_twice": run["pages_written_twice"],
        "unplanned_writes": run["unplanned_writes"],
        "state_writes": run["state_writes"],
        "tree_rebuilds": run.get("tree_rebuilds", 0),
        "exact": exact,
    }
