"""How `wikisync apply` shows its progress: a rich display on a terminal, lines in CI.

Both implement ``wikisync.apply.execute.Reporter`` (phase started / advanced / finished) and
are context managers, so the display is closed however the apply ends.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import TracebackType
from typing import IO, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from wikisync._names import shown
from wikisync.apply.execute import Phase, Status

__all__ = ["LineReporter", "RichReporter", "make_reporter"]

_TITLES: dict[Phase, str] = {
    "lock": "Lock",
    "assets": "Assets",
    "pages": "Pages",
    "asset-deletes": "Asset deletes",
    "navigation": "Navigation",
    "state": "State",
}

_STARTED: dict[Phase, str] = {
    "lock": "Taking the lock",
    "assets": "Uploading {total} asset(s)",
    "pages": "Writing {total} page change(s)",
    "asset-deletes": "Deleting {total} asset(s)",
    "navigation": "Writing the navigation menu",
    "state": "Saving the state",
}


_R = TypeVar("_R", bound="_Closing")


class _Closing:
    def __enter__(self: _R) -> _R:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        pass


class LineReporter(_Closing):
    """Plain lines on stderr, for CI logs: one when a phase starts, one per item."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream
        self.totals: dict[Phase, int] = {}
        self.counts: dict[Phase, int] = {}

    def _print(self, line: str) -> None:
        print(shown(line), file=self.stream or sys.stderr, flush=True)

    def phase_started(self, phase: Phase, total: int) -> None:
        self.totals[phase], self.counts[phase] = total, 0
        if total:
            self._print(_STARTED[phase].format(total=total) + "...")

    def advanced(self, phase: Phase, item: str, status: Status, error: str | None) -> None:
        self.counts[phase] = count = self.counts.get(phase, 0) + 1
        if phase in ("lock", "state"):
            if status != "ok":
                self._print(f"{_TITLES[phase]}: {status} ({error})")
            return
        line = f"{_TITLES[phase]} [{count}/{self.totals.get(phase, count)}] {item}: {status}"
        self._print(line + (f" ({error})" if error else ""))

    def phase_finished(self, phase: Phase) -> None:
        pass


class RichReporter(_Closing):
    """One row per phase with a bar, counts, elapsed time and an ETA; the rows stay on
    screen at the end as the summary. Failures are printed above them as they happen."""

    def __init__(
        self,
        console: Console | None = None,
        *,
        get_time: Callable[[], float] | None = None,
        auto_refresh: bool = True,
    ) -> None:
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("[bold]{task.fields[title]:<13}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=self.console,
            transient=False,
            auto_refresh=auto_refresh,
            get_time=get_time,
        )
        self.tasks: dict[Phase, TaskID] = {}
        self.started = False

    def phase_started(self, phase: Phase, total: int) -> None:
        if not self.started:
            self.progress.start()
            self.started = True
        if total:
            self.tasks[phase] = self.progress.add_task("", total=total, title=_TITLES[phase])
        self.progress.refresh()

    def advanced(self, phase: Phase, item: str, status: Status, error: str | None) -> None:
        if status != "ok":
            self.progress.console.print(
                shown(f"{_TITLES[phase]}: {item}: {status} ({error})"),
                markup=False,
                highlight=False,
            )
        task = self.tasks.get(phase)
        if task is not None:
            self.progress.update(task, advance=1, description=shown(item))
            self.progress.refresh()

    def phase_finished(self, phase: Phase) -> None:
        task = self.tasks.get(phase)
        if task is not None:
            self.progress.update(task, description="")
        if phase == "state":
            self.close()
        else:
            self.progress.refresh()

    def close(self) -> None:
        if self.started:
            self.progress.stop()
            self.started = False


def make_reporter() -> LineReporter | RichReporter:
    """Rich on a terminal; plain lines in CI and when stderr goes to a file or a pipe."""
    if sys.stderr.isatty() and not os.environ.get("CI"):
        return RichReporter()
    return LineReporter()
