"""Reliability fixtures, and the fault matrix printed at the end of the run.

Tests parametrized with a ``case`` that has a ``matrix_cell`` attribute (a ``(row,
column)`` pair) are cells of the fault matrix: their result (and the first run's outcome
they record) is printed as a table in the terminal summary, with or without ``-s``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from wikijs.testing import WikiJSEmulator


@dataclass
class FaultMatrix:
    rows: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    results: dict[tuple[str, str], str] = field(default_factory=dict)
    observed: dict[tuple[str, str], str] = field(default_factory=dict)

    def cell(self, row: str, column: str) -> None:
        if row not in self.rows:
            self.rows.append(row)
        if column not in self.columns:
            self.columns.append(column)

    def observe(self, cell: tuple[str, str], what: str) -> None:
        self.observed[cell] = what

    def lines(self) -> list[str]:
        width = max([len("fault \\ write"), *(len(r) for r in self.rows)])
        cells = {
            key: f"{result} ({self.observed.get(key, '?')})" for key, result in self.results.items()
        }
        col_width = max([len(c) for c in self.columns] + [len(v) for v in cells.values()])
        out = [
            "fault \\ write".ljust(width)
            + " | "
            + " | ".join(c.ljust(col_width) for c in self.columns)
        ]
        out.append("-" * len(out[0]))
        for row in self.rows:
            values = [cells.get((row, c), "-").ljust(col_width) for c in self.columns]
            out.append(row.ljust(width) + " | " + " | ".join(values))
        passed = sum(1 for v in self.results.values() if v == "pass")
        out.append(f"{passed}/{len(self.results)} cases pass")
        return out


_MATRIX = pytest.StashKey[FaultMatrix]()


def matrix_of(config: pytest.Config) -> FaultMatrix:
    if _MATRIX not in config.stash:
        config.stash[_MATRIX] = FaultMatrix()
    return config.stash[_MATRIX]


@pytest.fixture
def fault_matrix(request: pytest.FixtureRequest) -> FaultMatrix:
    return matrix_of(request.config)


def _cell(item: pytest.Item) -> tuple[str, str] | None:
    callspec = getattr(item, "callspec", None)
    case = callspec.params.get("case") if callspec is not None else None
    cell = getattr(case, "matrix_cell", None)
    return cell if isinstance(cell, tuple) else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        cell = _cell(item)
        if cell is not None:
            matrix_of(config).cell(*cell)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    cell = _cell(item)
    if cell is None:
        return
    results = matrix_of(item.config).results
    if report.when == "call":
        results[cell] = "pass" if report.passed else "FAIL"
    elif report.failed:
        results[cell] = "ERROR"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    matrix = matrix_of(config)
    if not matrix.results:
        return
    terminalreporter.write_sep("=", "wikisync apply under injected faults (30-page apply)")
    for line in matrix.lines():
        terminalreporter.write_line(line)


@pytest.fixture
def emulator() -> Iterator[WikiJSEmulator]:
    with WikiJSEmulator() as emu:
        yield emu
