"""Executing a plan: the writes, in a safe order, with partial failure recorded.

Order: asset uploads first (``upload_assets``, so no page links to an asset that is
not there yet), then page moves (so a path another change needs is vacated; chained moves
are ordered, a cycle fails its moves), then creates, updates and deletes concurrently, up
to ``parallelism`` at a time (the first write that carries a tag the wiki lacks finishes
before any other write carrying that tag starts: ``NewTagGate``), and asset deletes last
(``delete_assets``); then the navigation menu (``write_navigation``: read whole,
wikisync's blocks replaced, written once, not at all when equal). A page whose
asset failed to upload is skipped. Every change ends ``ok``, ``failed`` or ``skipped``; a failure
does not stop the others unless ``fail_fast``. Conflicts are skipped (the plan turns them
into updates only under ``--force``). The state is rebuilt from what was actually
written, so a re-run converges: pages that were written are unchanged next time, pages
that failed are planned again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from wikisync.plan.model import AssetChange, Change, LocalPage, NavMenu, RemotePage
from wikisync.plan.navigation import NavigationPlan, merged_tree
from wikisync.wiki.remote import Remote, UploadedAsset

__all__ = [
    "MENU_ATTEMPTS",
    "ActionResult",
    "ApplyReport",
    "AssetResult",
    "NavigationResult",
    "NewTagGate",
    "NullReporter",
    "PHASES",
    "Phase",
    "Reporter",
    "delete_assets",
    "describe",
    "describe_asset",
    "execute",
    "upload_assets",
    "write_navigation",
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
class AssetResult:
    """How one asset change ended. ``uploaded`` is what the server stored (uploads)."""

    change: AssetChange
    status: Status
    error: str | None = None
    uploaded: UploadedAsset | None = None


@dataclass(frozen=True)
class NavigationResult:
    """How the menu write ended: ``locales`` whose menu changed (none: it was equal)."""

    status: Status
    locales: tuple[str, ...] = ()
    error: str | None = None


@dataclass(frozen=True)
class ApplyReport:
    results: tuple[ActionResult, ...]
    tree_rebuilt: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    asset_results: tuple[AssetResult, ...] = ()
    navigation: NavigationResult | None = None

    def count(self, action: str, status: Status = "ok") -> int:
        return sum(1 for r in self.results if r.change.action == action and r.status == status)

    def count_assets(self, action: str, status: Status = "ok") -> int:
        return sum(
            1 for r in self.asset_results if r.change.action == action and r.status == status
        )

    def statuses(self) -> list[Status]:
        """How every change ended: pages, assets and the navigation menu."""
        statuses = [r.status for r in self.results] + [r.status for r in self.asset_results]
        return statuses + ([self.navigation.status] if self.navigation else [])

    @property
    def failed(self) -> int:
        """Failed writes, pages and assets."""
        return self.statuses().count("failed")

    @property
    def skipped(self) -> int:
        return self.statuses().count("skipped")

    def summary_line(self) -> str:
        """The last line of an apply run.

        ``Apply complete!`` only when every change ended ok; ``Apply failed!`` when a
        write failed, ``Apply incomplete!`` when changes were only skipped (conflicts, or
        not attempted); a skipped count is added whenever something was skipped.
        """
        failed, skipped = self.failed, self.skipped
        head = "Apply failed!" if failed else "Apply incomplete!" if skipped else "Apply complete!"
        tail = f", {skipped} skipped" if skipped else ""
        return (
            f"{head} {self.count('create')} created, {self.count('update')} updated, "
            f"{self.count('move')} moved, {self.count('delete')} deleted, {failed} failed{tail}."
        )

    def asset_summary_line(self) -> str | None:
        """``Assets: 1 uploaded, 0 replaced, 0 deleted, 0 failed.``, or None without assets."""
        if not self.asset_results:
            return None
        failed = [r.status for r in self.asset_results].count("failed")
        return (
            f"Assets: {self.count_assets('upload')} uploaded, "
            f"{self.count_assets('replace')} replaced, {self.count_assets('delete')} deleted, "
            f"{failed} failed."
        )

    def navigation_summary_line(self) -> str | None:
        """``Navigation: en menu updated.`` (None when the plan had no menu change)."""
        nav = self.navigation
        if nav is None:
            return None
        if nav.status == "failed":
            return f"Navigation: not updated ({nav.error})."
        if nav.status == "skipped":
            return f"Navigation: not updated ({nav.error or 'skipped'})."
        if not nav.locales:
            return "Navigation: already up to date."
        noun = "menu" if len(nav.locales) == 1 else "menus"
        return f"Navigation: {', '.join(nav.locales)} {noun} updated."


Phase = Literal["lock", "assets", "pages", "asset-deletes", "navigation", "state"]
"""The phases of an apply, in their order: take the lock, upload assets, write pages,
delete assets, write the navigation menu, write the state."""

PHASES: tuple[Phase, ...] = ("lock", "assets", "pages", "asset-deletes", "navigation", "state")


class Reporter(Protocol):
    """Receives an apply's progress, phase by phase (the CLI passes a rich display on a
    terminal and plain lines in CI; tests pass nothing, or a recorder).

    ``phase_started(phase, total)`` comes first (``total`` items: 1 for the lock and the
    state), then one ``advanced`` per item as it ends, then ``phase_finished``. Calls come
    from one thread at a time but not always the same one.
    """

    def phase_started(self, phase: Phase, total: int) -> None: ...

    def advanced(self, phase: Phase, item: str, status: Status, error: str | None) -> None: ...

    def phase_finished(self, phase: Phase) -> None: ...


class NullReporter:
    """Reports nothing."""

    def phase_started(self, phase: Phase, total: int) -> None:
        pass

    def advanced(self, phase: Phase, item: str, status: Status, error: str | None) -> None:
        pass

    def phase_finished(self, phase: Phase) -> None:
        pass


_SYMBOL = {"create": "+", "update": "~", "move": ">", "delete": "-", "conflict": "!"}
_ASSET_SYMBOL = {"upload": "+", "replace": "~", "delete": "-", "conflict": "!"}


def describe(change: Change) -> str:
    """``+ create en/a/b``, ``> move en/a -> en/b``: one change as progress shows it."""
    where = f"{change.locale}/{change.path}"
    if change.action == "move" and change.from_path:
        where = f"{change.from_locale or change.locale}/{change.from_path} -> {where}"
    return f"{_SYMBOL.get(change.action, '?')} {change.action} {where}"


def describe_asset(change: AssetChange) -> str:
    """``+ upload /handbook/img/logo.png``."""
    return f"{_ASSET_SYMBOL.get(change.action, '?')} {change.action} /{change.path}"


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


class NewTagGate:
    """Lets the first write that carries each tag the wiki lacks finish before any other
    write carrying that tag starts.

    Wiki.js reads its tags table, then inserts the tags a write carries that it did not
    find. Two creates in flight that both insert one tag race: the loser answers
    ``UniqueViolationError`` and its page is created with no tags at all. Writes whose new
    tags differ, and writes that carry only tags the wiki has, run freely. Used from the
    one thread that starts and collects the writes.
    """

    def __init__(self, known: Iterable[str] = ()) -> None:
        self._known = set(known)
        self._claimed: set[str] = set()

    def new_tags(self, tags: Iterable[str]) -> frozenset[str]:
        """The tags (as Wiki.js stores them) the wiki does not have yet, as far as known."""
        return frozenset(t.strip().lower() for t in tags) - self._known

    def ready(self, tags: Iterable[str]) -> bool:
        """Whether a write carrying ``tags`` may start now."""
        return not self.new_tags(tags) & self._claimed

    def claim(self, tags: Iterable[str]) -> frozenset[str]:
        """A write carrying ``tags`` starts: it introduces the new ones."""
        new = self.new_tags(tags)
        self._claimed |= new
        return new

    def release(self, claimed: Iterable[str], *, written: bool) -> None:
        """A write that claimed ``claimed`` ended; ``written``: its tags exist now."""
        self._claimed.difference_update(claimed)
        if written:
            self._known.update(claimed)


def _tags_written(change: Change, local: LocalPage | None) -> tuple[str, ...]:
    """The tags a change's write sends (an update without ``tags`` keeps the page's)."""
    if change.action not in ("create", "update") or local is None:
        return ()
    return local.fields.tags or ()


def execute(
    changes: Sequence[Change],
    pages: Mapping[tuple[str, str], LocalPage],
    remote: Remote,
    *,
    parallelism: int = 4,
    fail_fast: bool = False,
    reporter: Reporter | None = None,
    blocked: Mapping[tuple[str, str], str] | None = None,
    order_new_tags: bool = True,
) -> ApplyReport:
    """Run ``changes`` against the wiki. ``pages`` maps keys to the desired pages.

    ``blocked`` maps page keys to the reason their change must not run (an asset the page
    links to failed to upload); those changes end ``skipped``. With ``order_new_tags``
    (the default), concurrent writes are ordered by a `NewTagGate` over the tags the wiki
    has (one ``pages.tags`` read, only when writes run concurrently and carry tags).
    """
    reporter = reporter or NullReporter()
    blocked = blocked or {}
    results: list[ActionResult] = []
    results_lock = threading.Lock()
    stop = threading.Event()
    reporter.phase_started("pages", len(changes))

    def record(result: ActionResult) -> None:
        with results_lock:
            results.append(result)
            reporter.advanced("pages", describe(result.change), result.status, result.error)
        if result.status == "failed" and fail_fast:
            stop.set()

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
        if change.action != "delete" and change.key in blocked:
            return ActionResult(change, "skipped", error=blocked[change.key])
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

    def tags_of(change: Change) -> tuple[str, ...]:
        return _tags_written(change, pages.get(change.key))

    gate: NewTagGate | None = None
    if order_new_tags and parallelism > 1 and sum(1 for c in rest if tags_of(c)) > 1:
        gate = NewTagGate(remote.known_tags())
    _run_pool(rest, guarded, record, max(1, parallelism), stop, gate=gate, tags_of=tags_of)

    tree_rebuilt = False
    notes: list[str] = []
    try:
        tree_rebuilt = remote.finish()
    except Exception as exc:
        notes.append(f"the page tree could not be rebuilt: {_describe(exc)}")
    if tree_rebuilt:
        notes.append("rebuilt the wiki's page tree once after concurrent writes")
    reporter.phase_finished("pages")
    order = {id(c): i for i, c in enumerate(changes)}
    results.sort(key=lambda r: order.get(id(r.change), len(order)))
    return ApplyReport(results=tuple(results), tree_rebuilt=tree_rebuilt, notes=tuple(notes))


def _run_pool(
    changes: Sequence[Change],
    task: Callable[[Change], ActionResult],
    record: Callable[[ActionResult], None],
    parallelism: int,
    stop: threading.Event,
    *,
    gate: NewTagGate | None = None,
    tags_of: Callable[[Change], tuple[str, ...]] = lambda _change: (),
) -> None:
    """Run ``changes`` up to ``parallelism`` at a time, in order, except that a change
    the ``gate`` holds back waits (the changes behind it go first)."""
    if not changes:
        return
    queue = list(changes)
    with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="wikisync-apply") as pool:
        running: dict[Future[ActionResult], frozenset[str]] = {}
        while queue or running:
            while queue and len(running) < parallelism:
                index = 0
                if gate is not None:
                    found = (i for i, c in enumerate(queue) if gate.ready(tags_of(c)))
                    index = next(found, -1)
                    if index < 0:
                        break  # every queued change waits for a tag a running one introduces
                change = queue.pop(index)
                claimed = gate.claim(tags_of(change)) if gate is not None else frozenset()
                running[pool.submit(task, change)] = claimed
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                claimed = running.pop(future)
                if gate is not None:
                    gate.release(claimed, written=result.status == "ok")
                record(result)


# -- assets ----------------------------------------------------------------------------------


def upload_assets(
    changes: Sequence[AssetChange],
    directory: Path,
    remote: Remote,
    *,
    parallelism: int = 4,
    fail_fast: bool = False,
    reporter: Reporter | None = None,
) -> tuple[AssetResult, ...]:
    """Upload (and replace) the assets of ``changes``; conflicts are skipped.

    Folders are created first, one at a time; uploads then run up to ``parallelism`` at a
    time. Deletes in ``changes`` are ignored here (see ``delete_assets``).
    """
    reporter = reporter or NullReporter()
    results: list[AssetResult] = []
    lock = threading.Lock()
    stop = threading.Event()
    uploads = [c for c in changes if c.action in ("upload", "replace")]
    reporter.phase_started("assets", len(uploads))
    for change in changes:
        if change.action == "conflict":
            results.append(
                AssetResult(change, "skipped", error=change.reason or "conflict (use --force)")
            )
    broken: dict[tuple[str, ...], str] = {}
    for folder in sorted({c.folder for c in uploads}):
        try:
            remote.ensure_folder(folder)
        except Exception as exc:  # recorded on every upload into that folder
            broken[folder] = f"asset folder /{'/'.join(folder)} could not be created: " + (
                _describe(exc)
            )

    def record(result: AssetResult) -> None:
        with lock:
            results.append(result)
            if result.change.action != "conflict":
                reporter.advanced(
                    "assets", describe_asset(result.change), result.status, result.error
                )

    def task(change: AssetChange) -> AssetResult:
        if change.folder in broken:
            return AssetResult(change, "failed", error=broken[change.folder])
        if stop.is_set():
            return AssetResult(change, "skipped", error="not attempted after an earlier failure")
        try:
            return AssetResult(change, "ok", uploaded=remote.upload_asset(directory, change))
        except Exception as exc:  # every failure is recorded, never hidden
            if fail_fast:
                stop.set()
            return AssetResult(change, "failed", error=_describe(exc))

    _run_tasks(uploads, task, record, max(1, parallelism))
    reporter.phase_finished("assets")
    return _in_order(results, changes)


def delete_assets(
    changes: Sequence[AssetChange],
    remote: Remote,
    *,
    stop_after_failure: bool = False,
    reporter: Reporter | None = None,
) -> tuple[AssetResult, ...]:
    """Delete the assets ``changes`` says to delete, one at a time."""
    reporter = reporter or NullReporter()
    deletes = [c for c in changes if c.action == "delete"]
    reporter.phase_started("asset-deletes", len(deletes))
    results: list[AssetResult] = []
    for change in deletes:
        if stop_after_failure:
            result = AssetResult(change, "skipped", error="not attempted after an earlier failure")
        else:
            try:
                assert change.asset_id is not None
                remote.delete_asset(change.asset_id)
                result = AssetResult(change, "ok")
            except Exception as exc:  # every failure is recorded, never hidden
                result = AssetResult(change, "failed", error=_describe(exc))
        results.append(result)
        reporter.advanced("asset-deletes", describe_asset(change), result.status, result.error)
    reporter.phase_finished("asset-deletes")
    return tuple(results)


def _in_order(
    results: Sequence[AssetResult], changes: Sequence[AssetChange]
) -> tuple[AssetResult, ...]:
    order = {id(c): i for i, c in enumerate(changes)}
    return tuple(sorted(results, key=lambda r: order.get(id(r.change), len(order))))


def _run_tasks(
    items: Sequence[AssetChange],
    task: Callable[[AssetChange], AssetResult],
    record: Callable[[AssetResult], None],
    parallelism: int,
) -> None:
    if not items:
        return
    with ThreadPoolExecutor(max_workers=parallelism, thread_name_prefix="wikisync-upload") as pool:
        for result in pool.map(task, items):
            record(result)


MENU_ATTEMPTS = 5
"""How often the menu is read, merged and written while it keeps changing under it."""


def write_navigation(plan: NavigationPlan, remote: Remote) -> NavigationResult:
    """Read the whole menu (so hand edits since the plan are kept), place wikisync's blocks,
    write it (not when equal), and read it back: Wiki.js has no compare-and-set, so when
    the blocks are gone (someone wrote the menu from an older copy at the same moment),
    it starts again, up to ``MENU_ATTEMPTS`` times. wikisync's own applies take turns
    under the menu lock (``apply_run``)."""
    changed: set[str] = set()
    try:
        for _ in range(MENU_ATTEMPTS):
            menus = remote.navigation_menus()
            merged = merged_tree(menus, plan)
            if merged is None:
                return NavigationResult("ok", tuple(sorted(changed)))
            remote.write_navigation(merged)
            changed |= set(_changed_locales(menus, merged))
            if merged_tree(remote.navigation_menus(), plan) is None:
                return NavigationResult("ok", tuple(sorted(changed)))
    except Exception as exc:
        return NavigationResult("failed", error=_describe(exc))
    error = f"the menu changed under each of {MENU_ATTEMPTS} writes; run `wikisync apply` again"
    return NavigationResult("failed", error=error)


def _changed_locales(old: Sequence[NavMenu], new: Sequence[NavMenu]) -> tuple[str, ...]:
    before = {m.locale: m.items for m in old}
    after = {m.locale: m.items for m in new}
    return tuple(
        sorted(loc for loc in before.keys() | after.keys() if before.get(loc) != after.get(loc))
    )
