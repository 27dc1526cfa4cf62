"""Apply's run: the lock around a plan's execution, and the ownership state rebuilt after it.

``apply_run`` takes the lock (a lock file in the state folder, waiting briefly for other
applies of the same root), executes the plan (``wikisync.apply.execute``), places
wikisync's menu blocks, and records the new state from what was actually written, so a
re-run converges. ``state_needs_write`` says whether an empty plan still has state to
record.
"""

from __future__ import annotations

import contextlib
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone

from wikisync._bounded import aware_time
from wikisync._names import shown
from wikisync._version import __version__
from wikisync.apply.execute import (
    ActionResult,
    ApplyReport,
    AssetResult,
    NavigationResult,
    NullReporter,
    Reporter,
    delete_assets,
    execute,
    upload_assets,
    write_navigation,
)
from wikisync.engine import PlanRun
from wikisync.errors import GuardError, LockError, StalePlanError, StateError
from wikisync.plan.model import (
    AssetEntry,
    LocalPage,
    RemotePage,
    State,
    StateEntry,
)
from wikisync.plan.navigation import existing_only
from wikisync.wiki.remote import HeldLock, LockFile, Remote
from wikisync.wiki.state import Lock

__all__ = ["LOCK_TTL", "LOCK_WAIT", "apply_run", "state_needs_write"]

LOCK_TTL = 15 * 60.0
"""Seconds after which a lock left by a crashed apply on another machine is ignored."""

Key = tuple[str, str]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _lock_is_live(lock: Lock, now: datetime) -> bool:
    if lock.expired(now):
        return False
    host, _, pid = lock.holder.rpartition(":")
    local = host == socket.gethostname() and pid.isascii() and pid.isdigit() and len(pid) < 10
    return not (local and not _pid_alive(int(pid)))


LOCK_WAIT = (0.05, 0.1, 0.2, 0.4, 0.8)
"""Pauses (seconds) while the other lock files of applies started at the same moment as
this one are withdrawn (only when this lock file is the oldest)."""


def _lock_file_is_live(found: LockFile, now: datetime, ttl: float = LOCK_TTL) -> bool:
    if found.lock is not None:
        return _lock_is_live(found.lock, now)
    # Unreadable (half written, hand edited, a time without a time zone): live until
    # ``ttl`` after it was written.
    written = aware_time(found.updated_at)
    if written is None:
        return False
    return (now - written).total_seconds() < ttl


def _holder_of(found: LockFile) -> str:
    """The holder as it may be printed: escaped, since anyone who can upload to the state
    folder chose it (no line break, escape sequence or workflow command gets through)."""
    return shown(found.lock.holder) if found.lock else "unknown"


def _acquire_lock(
    remote: Remote,
    run: PlanRun,
    *,
    break_lock: bool,
    sleep: Callable[[float], None],
) -> HeldLock:
    """Take the lock: our own lock file in the state folder, then a listing of it.

    An apply goes ahead only when a listing made after its lock file was written shows
    no other live lock file: of two applies that start together, at least one sees the
    other's file. The one whose file is the oldest (lowest asset id) waits a moment for
    the others to withdraw theirs; the others withdraw at once.
    """
    lock = Lock.new(uuid.uuid4().hex, _holder(), _now(), LOCK_TTL)
    try:
        held = remote.take_lock(lock)
    except Exception as exc:
        raise StateError(
            f"could not take the lock: writing the lock file in /"
            f"{'/'.join(remote.state_folder)} failed ({exc}). Nothing was applied."
        ) from exc
    try:
        held = _wait_for_others(remote, held, break_lock=break_lock, sleep=sleep)
        # The plan may be old (a prompt waited for "yes"): if another apply recorded
        # changes since, this plan may create pages that exist now. Read the state again.
        snapshot = run.snapshot
        if remote.state_changed(snapshot.loaded, snapshot.state_page_id):
            raise StalePlanError(
                "the wiki changed since this plan was made: another wikisync apply "
                "recorded its changes meanwhile. Nothing was applied; run `wikisync apply` "
                "again to see the current plan."
            )
    except BaseException:
        remote.discard_lock_file(held.asset_id)
        raise
    return held


def _wait_for_others(
    remote: Remote, held: HeldLock, *, break_lock: bool, sleep: Callable[[float], None]
) -> HeldLock:
    for pause in (*LOCK_WAIT, None):
        now = _now()
        live = [f for f in held.others if _lock_file_is_live(f, now)]
        for found in held.others:
            if break_lock or found not in live:
                remote.discard_lock_file(found.asset_id)  # stale, or broken by --break-lock
        if not live or break_lock:
            return held
        older = [f for f in live if f.asset_id < held.asset_id]
        if older:
            first = min(older, key=lambda f: f.asset_id)
            since = (
                f" since {first.lock.acquired_at} (it expires at {first.lock.expires_at})"
                if first.lock
                else ""
            )
            raise LockError(
                f"another wikisync apply ({_holder_of(first)}) holds the lock on this root"
                f"{since}. Wait for it to finish, or pass --break-lock if it crashed."
            )
        if pause is None:
            raise LockError(
                f"another wikisync apply ({_holder_of(live[0])}) took the lock at the same "
                "time; try again"
            )
        sleep(pause)
        held = remote.relist_lock(held)
    return held


def _entry(page_id: int, local: LocalPage, updated_at: str) -> StateEntry:
    """What the state records for a page that now holds ``local``."""
    return StateEntry(
        page_id=page_id,
        locale=local.locale,
        path=local.path,
        source=local.source,
        updated_at=updated_at,
        digest=local.digest,
        content_digest=local.content_digest,
    )


def _links_reconnected(report: ApplyReport) -> bool:
    """Whether a write of this apply may have moved other pages' ``updatedAt``.

    Wiki.js reconnects the links to a page that is created, moved or deleted: every
    page linking to it is saved again (a new ``updatedAt``). An update touches only its
    own page, and its answer carries the ``updatedAt`` read after rendering."""
    return any(
        r.change.action in ("create", "move", "delete") and r.status != "skipped"
        for r in report.results
    )


def _pages_after(run: PlanRun, report: ApplyReport) -> tuple[dict[int, RemotePage], list[int]]:
    """The pages under the root after an apply that only updated pages, without listing
    the wiki again: the plan's listing with what each update answered (its page, as the
    server stored it). Also the ids whose answer carried no fresh ``updatedAt`` (the
    caller reads those few again)."""
    pages = {p.id: p for p in run.snapshot.pages}
    unsure: list[int] = []
    for result in report.results:
        if result.status != "ok":
            continue
        change = result.change
        if change.action == "delete":
            if change.page_id is not None:
                pages.pop(change.page_id, None)
            continue
        written = result.page
        if written is None:
            continue
        before = pages.get(written.id)
        if not written.updated_at or (
            before is not None and before.updated_at == written.updated_at
        ):
            unsure.append(written.id)
        pages[written.id] = written
    return pages, unsure


def _new_state(run: PlanRun, report: ApplyReport, listing: Mapping[int, RemotePage]) -> State:
    """What wikisync manages after this apply, from what was really written.

    ``listing`` holds the pages under the root as they are now (``_pages_after``)."""
    old = run.snapshot.loaded.state
    pages_by_key = run.pages_by_key
    entries: dict[int, StateEntry] = {}
    # Keep entries of pages that still exist (their updated_at is what we last wrote).
    for page_id, entry in old.pages.items():
        if page_id in listing:
            entries[page_id] = entry
    actual_by_key = {p.key: p for p in run.actual}
    # An adopted page with a change is recorded below only if its write succeeded.
    changed = {c.key for c in run.plan.changes}
    unchanged = set(run.plan.unchanged)
    # Unchanged and adopted pages: the wiki equals the file now.
    for key in (*run.plan.unchanged, *run.plan.adopted):
        if key in changed:
            continue
        local = pages_by_key.get(key)
        remote_page = actual_by_key.get(key)
        if local is None or remote_page is None or remote_page.id not in listing:
            continue
        prior = entries.get(remote_page.id)
        if (
            prior is not None
            and prior.digest == local.digest
            and key in unchanged
            and prior.updated_at == listing[remote_page.id].updated_at
        ):
            continue
        entries[remote_page.id] = _entry(remote_page.id, local, listing[remote_page.id].updated_at)
    for result in report.results:
        change = result.change
        if result.status != "ok":
            continue
        if change.action == "delete":
            if change.page_id is not None:
                entries.pop(change.page_id, None)
            continue
        local = pages_by_key.get(change.key)
        written_id = result.page.id if result.page else change.page_id
        if local is None or written_id is None or written_id not in listing:
            continue
        page_id = written_id
        entries[page_id] = _entry(page_id, local, listing[page_id].updated_at)
    return State(
        pages=entries,
        serial=old.serial + 1,
        root=run.options.root,
        wikisync_version=__version__,
        assets=_new_asset_entries(run, report),
        commit=run.commit or old.commit,
    )


def _unchanged_asset_entries(run: PlanRun) -> dict[str, AssetEntry]:
    """State entries for the assets the plan found unchanged (as the listing shows them)."""
    local = {a.path: a for a in run.source.assets}
    out: dict[str, AssetEntry] = {}
    for path in run.plan.assets_unchanged:
        found = run.remote_assets.get(path)
        asset = local.get(path)
        if found is None or asset is None:
            continue
        out[path] = AssetEntry(
            path=path,
            source=asset.source,
            asset_id=found.id,
            digest=asset.digest,
            size=asset.size,
            updated_at=found.updated_at,
        )
    return out


def _new_asset_entries(run: PlanRun, report: ApplyReport) -> dict[str, AssetEntry]:
    old = run.snapshot.loaded.state.assets
    # Keep what is still listed (failed, skipped or orphaned assets stay managed).
    entries = {path: e for path, e in old.items() if path in run.remote_assets}
    entries.update(_unchanged_asset_entries(run))
    for result in report.asset_results:
        change = result.change
        if result.status != "ok":
            continue
        if change.action == "delete":
            entries.pop(change.path, None)
        elif result.uploaded is not None and change.source is not None:
            uploaded = result.uploaded
            entries[change.path] = AssetEntry(
                path=change.path,
                source=change.source,
                asset_id=uploaded.asset.id,
                digest=uploaded.digest,
                size=uploaded.size,
                updated_at=uploaded.asset.updated_at,
            )
    return entries


def state_needs_write(run: PlanRun) -> bool:
    """Whether an apply without changes must still write the state (adoptions, pages and
    assets whose record is out of date)."""
    state = run.snapshot.loaded.state
    if run.plan.adopted:
        return True
    unchanged = set(run.plan.unchanged)
    if any(
        state.pages.get(p.id) is not None
        and state.pages[p.id].updated_at != p.updated_at
        and p.key in unchanged
        for p in run.actual
    ):
        return True
    return any(state.assets.get(path) != e for path, e in _unchanged_asset_entries(run).items())


def _blocked_by_assets(run: PlanRun, results: Iterable[AssetResult]) -> dict[Key, str]:
    failed: dict[str, str] = {}
    for result in results:
        change = result.change
        if result.status == "failed" and change.source is not None:
            failed[change.source] = change.path
    if not failed:
        return {}
    blocked: dict[Key, str] = {}
    for page in run.source.pages:
        for asset in page.assets:
            if asset in failed:
                blocked[page.key] = f"links to /{failed[asset]}, which was not uploaded"
                break
    return blocked


MENU_LOCK_FOLDER = ("_wikisync", "navigation")
"""Where applies of every root of a wiki take turns writing the navigation menu."""
MENU_LOCK_TTL = 60.0
"""Seconds after which a menu lock file left by a crashed apply is ignored."""
MENU_WAIT = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)
"""Pauses (seconds) while an apply that took the menu lock first writes the menu."""


def _with_menu_lock(
    remote: Remote, write: Callable[[], NavigationResult], sleep: Callable[[float], None]
) -> NavigationResult:
    """``write`` while holding the menu lock: one menu write at a time across every root.

    Wiki.js replaces the whole menu with each write, so two applies (of different roots)
    that read the menu at the same moment and write it one after the other would lose the
    first one's block. Each apply uploads a lock file into ``MENU_LOCK_FOLDER`` and lists
    the folder; it goes ahead when no live lock file is older (a lower asset id), else it
    waits (``MENU_WAIT``) for the older ones to go. The oldest always goes ahead, so two
    applies never wait for each other.
    """
    lock = Lock.new(uuid.uuid4().hex, _holder(), _now(), MENU_LOCK_TTL)
    try:
        held = remote.take_lock(lock, MENU_LOCK_FOLDER)
    except Exception as exc:
        return NavigationResult("failed", error=f"could not take the menu lock ({exc})")
    waits = iter(MENU_WAIT)
    try:
        while True:
            now = _now()
            live = [f for f in held.others if _lock_file_is_live(f, now, MENU_LOCK_TTL)]
            for found in held.others:
                if found not in live:
                    remote.discard_lock_file(found.asset_id)  # left by a crashed apply
            ahead = [f for f in live if f.asset_id < held.asset_id]
            if not ahead:
                return write()
            pause = next(waits, None)
            if pause is None:
                return NavigationResult(
                    "failed",
                    error=(
                        f"another wikisync apply ({_holder_of(ahead[0])}) is writing the "
                        "navigation menu; run `wikisync apply` again"
                    ),
                )
            sleep(pause)
            held = remote.relist_lock(held)
    finally:
        with contextlib.suppress(Exception):
            remote.discard_lock_file(held.asset_id)


def _apply_navigation(
    run: PlanRun,
    remote: Remote,
    reporter: Reporter,
    *,
    stopped: bool,
    results: Iterable[ActionResult] = (),
    sleep: Callable[[float], None] = time.sleep,
) -> NavigationResult | None:
    """Write the menu when the plan changes it (the ``navigation`` phase), linking only
    pages that exist after the page writes ``results``."""
    planned = run.navigation if run.plan.navigation else None
    if planned is not None:
        missing = [
            r.change.key
            for r in results
            if r.change.action in ("create", "move") and r.status != "ok"
        ]
        planned = existing_only(planned, missing)
    reporter.phase_started("navigation", 1 if planned is not None else 0)
    if planned is None:
        reporter.phase_finished("navigation")
        return None
    if stopped:
        menu = NavigationResult("skipped", error="an earlier write failed (--fail-fast)")
    else:
        menu = _with_menu_lock(remote, lambda: write_navigation(planned, remote), sleep)
    locales = ", ".join(shown(n.locale) for n in run.plan.navigation)
    reporter.advanced("navigation", f"~ navigation {locales}", menu.status, menu.error)
    reporter.phase_finished("navigation")
    return menu


def apply_run(
    run: PlanRun,
    remote: Remote,
    *,
    parallelism: int = 4,
    fail_fast: bool = False,
    break_lock: bool = False,
    reporter: Reporter | None = None,
    sleep: Callable[[float], None] = time.sleep,
    order_new_tags: bool = True,
) -> ApplyReport:
    """Execute ``run.plan`` under the lock and store the new state.

    Asset uploads run first, then the page changes (a page linking to an asset whose
    upload failed is skipped), then asset deletes, then the navigation menu.
    ``order_new_tags=False`` lets writes carrying a new tag race (``execute``); the SDK
    then writes the tags of a create that lost. ``reporter`` hears of each phase
    (``wikisync.apply.execute.PHASES``) as it starts, advances and ends.
    """
    if run.plan.guard_violations:
        raise GuardError(run.plan.guard_violations)
    if not run.plan.has_changes and not state_needs_write(run):
        return ApplyReport(results=())
    reporter = reporter or NullReporter()
    reporter.phase_started("lock", 1)
    where = "/" + "/".join(remote.state_folder)
    try:
        held = _acquire_lock(remote, run, break_lock=break_lock, sleep=sleep)
    except Exception as exc:
        reporter.advanced("lock", where, "failed", str(exc))
        reporter.phase_finished("lock")
        raise
    reporter.advanced("lock", where, "ok", None)
    reporter.phase_finished("lock")
    report = ApplyReport(results=())
    try:
        uploaded = upload_assets(
            run.plan.asset_changes,
            run.source.directory,
            remote,
            parallelism=parallelism,
            fail_fast=fail_fast,
            reporter=reporter,
        )
        report = ApplyReport(results=(), asset_results=uploaded)
        stopped = fail_fast and any(r.status == "failed" for r in uploaded)
        pages = execute(
            () if stopped else run.plan.changes,
            run.pages_by_key,
            remote,
            parallelism=parallelism,
            fail_fast=fail_fast,
            reporter=reporter,
            blocked=_blocked_by_assets(run, uploaded),
            order_new_tags=order_new_tags,
        )
        stopped = stopped or (fail_fast and pages.failed > 0)
        deleted = delete_assets(
            run.plan.asset_changes, remote, stop_after_failure=stopped, reporter=reporter
        )
        stopped = stopped or (fail_fast and any(r.status == "failed" for r in deleted))
        menu = _apply_navigation(
            run, remote, reporter, stopped=stopped, results=pages.results, sleep=sleep
        )
        report = ApplyReport(
            results=pages.results,
            tree_rebuilt=pages.tree_rebuilt,
            notes=pages.notes,
            asset_results=(*uploaded, *deleted),
            navigation=menu,
        )
    finally:
        reporter.phase_started("state", 1)
        try:
            if _links_reconnected(report):
                listing = {p.id: p for p in remote.list_pages().pages}
            else:
                listing, unsure = _pages_after(run, report)
                listing.update(remote.fetch_full(unsure))
            state = _new_state(run, report, listing)
            remote.write_state(run.snapshot.loaded, state, held=held)
            if run.snapshot.loaded.legacy and run.snapshot.state_page_id is not None:
                remote.retire_legacy_page(run.snapshot.state_page_id)
        except Exception as exc:
            with contextlib.suppress(Exception):  # the head is old or new, never half
                remote.discard_lock_file(held.asset_id)
            reporter.advanced("state", where, "failed", str(exc))
            reporter.phase_finished("state")
            written = report.statuses().count("ok")
            raise StateError(
                f"{written} change(s) were applied, but saving the state that records them "
                f"failed ({exc}). Run `wikisync apply` again: it matches the pages written to "
                "their files and records them."
            ) from exc
        remote.discard_lock_file(held.asset_id)
        reporter.advanced("state", where, "ok", None)
        reporter.phase_finished("state")
    return report
