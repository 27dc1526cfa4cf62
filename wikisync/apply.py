"""Executing a plan: the writes, in a safe order, with partial failure recorded.

Order: moves first (so a path another change needs is vacated; chained moves are
ordered, a cycle fails its moves), then creates, updates and deletes concurrently, up to
``parallelism`` at a time. Every change ends ``ok``, ``failed`` or ``skipped``; a failure
does not stop the others unless ``fail_fast``. Conflicts are skipped (the plan turns them
into updates only under ``--force``). The state is rebuilt from what was actually
written, so a re-run converges: pages that were written are unchanged next time, pages
that failed are planned again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Literal, Protocol

from wikisync.model import Change, LocalPage, RemotePage
from wikisync.remote import Remote

__all__ = [
    "ActionResult",
    "ApplyReport",
    "NullReporter",
    "Reporter",
    "execute",
]

Status = Literal["ok", "failed", "skipped"]


@dataclass(frozen=True)
class ActionResult:
    """How one change ended. ``page`` is the page as written (list fields)."""

    change: Change
    status: Status
    error: str | None = None
    page: RemotePage | None = None


@dataclass(frozen=True)
class ApplyReport:
    results: tuple[ActionResult, ...]
    tree_rebuilt: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)

    def count(self, action: str, status: Status = "ok") -> int:
        return sum(1 for r in self.results if r.change.action == action and r.status == status)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.status == "failed")

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.results if r.status == "skipped")

    def summary_line(self) -> str:
        return (
            f"Apply complete! {self.count('create')} created, {self.count('update')} updated, "
            f"{self.count('move')} moved, {self.count('delete')} deleted, {self.failed} failed."
        )


class Reporter(Protocol):
    """Receives progress. The CLI passes a rich bar on a TTY and plain lines in CI."""

    def start(self, total: int) -> None: ...

    def done(self, result: ActionResult) -> None: ...

    def finish(self) -> None: ...


class NullReporter:
    def start(self, total: int) -> None:
        pass

    def done(self, result: ActionResult) -> None:
        pass

    def finish(self) -> None:
        pass


def _order_moves(moves: Sequence[Change]) -> tuple[list[Change], list[Change]]:
    """Moves ordered so that a move into a path runs after the move out of it.

    Returns (ordered, cyclic): moves caught in a cycle cannot be ordered.
    """
    pending = list(moves)
    ordered: list[Change] = []
    while pending:
        sources = {(c.from_locale or c.locale, c.from_path) for c in pending}
        ready = [c for c in pending if c.key not in sources]
        if not ready:
            return ordered, pending
        ordered.extend(ready)
        pending = [c for c in pending if c not in ready]
    return ordered, []


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0] if text else type(exc).__name__


def execute(
    changes: Sequence[Change],
    pages: Mapping[tuple[str, str], LocalPage],
    remote: Remote,
    *,
    parallelism: int = 4,
    fail_fast: bool = False,
    reporter: Reporter | None = None,
) -> ApplyReport:
    """Run ``changes`` against the wiki. ``pages`` maps keys to the desired pages."""
    reporter = reporter or NullReporter()
    results: list[ActionResult] = []
    results_lock = threading.Lock()
    stop = threading.Event()
    reporter.start(len(changes))

    def record(result: ActionResult) -> None:
        with results_lock:
            results.append(result)
        if result.status == "failed" and fail_fast:
            stop.set()
        reporter.done(result)

    def run(change: Change) -> ActionResult:
        local = pages.get(change.key)
        if change.action == "create":
            assert local is not None
            return ActionResult(change, "ok", page=remote.create(local))
        if change.action == "update":
            assert local is not None and change.page_id is not None
            return ActionResult(change, "ok", page=remote.update(change.page_id, local))
        if change.action == "move":
            assert change.page_id is not None
            page = remote.move(change.page_id, change.path, change.locale)
            if change.fields and local is not None:
                page = remote.update(change.page_id, local)
            return ActionResult(change, "ok", page=page)
        if change.action == "delete":
            assert change.page_id is not None
            remote.delete(change.page_id)
            return ActionResult(change, "ok")
        return ActionResult(change, "skipped", error=change.reason or "conflict (use --force)")

    def guarded(change: Change) -> ActionResult:
        if stop.is_set():
            return ActionResult(change, "skipped", error="not attempted after an earlier failure")
        try:
            return run(change)
        except Exception as exc:  # every failure is recorded, never hidden
            return ActionResult(change, "failed", error=_describe(exc))

    moves = [c for c in changes if c.action == "move"]
    ordered, cyclic = _order_moves(moves)
    for change in cyclic:
        record(ActionResult(change, "failed", error="moves form a cycle; rename in two steps"))
    failed_moves: set[tuple[str, str]] = set()
    for change in ordered:
        if (change.locale, change.path) in failed_moves:
            record(ActionResult(change, "skipped", error="depends on a failed move"))
            continue
        result = guarded(change)
        if result.status != "ok":
            failed_moves.add((change.from_locale or change.locale, change.from_path or ""))
        record(result)

    rest = [c for c in changes if c.action != "move"]
    _run_pool(rest, guarded, record, max(1, parallelism), stop)

    tree_rebuilt = False
    notes: list[str] = []
    try:
        tree_rebuilt = remote.finish()
    except Exception as exc:
        notes.append(f"the page tree could not be rebuilt: {_describe(exc)}")
    if tree_rebuilt:
        notes.append("rebuilt the wiki's page tree once after concurrent writes")
    reporter.finish()
    order = {id(c): i for i, c in enumerate(changes)}
    results.sort(key=lambda r: order.get(id(r.change), len(order)))
    return ApplyReport(results=tuple(results), tree_rebuilt=tree_rebuilt, notes=tuple(notes))


def _run_pool(
    changes: Sequence[Change],
    task: Callable[[Change], ActionResult],
    record: Callable[[ActionResult], None],
    parallelism: int,
    stop: threading.Event,
) -> None:
    if not changes:
        return
    queue = list(changes)
    with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="wikisync-apply") as pool:
        running: set[Future[ActionResult]] = set()
        while queue or running:
            while queue and len(running) < parallelism:
                running.add(pool.submit(task, queue.pop(0)))
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                record(future.result())
