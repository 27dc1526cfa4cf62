"""The flow in one place: files -> desired pages; wiki -> actual pages; plan; apply.

``make_plan`` reads the directory and the wiki and returns a :class:`PlanRun` (the plan
plus everything apply needs). ``apply_run`` takes the lock, executes the plan, and
records the new ownership state. The CLI, the GitHub Action and Python callers all go
through these two functions.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from wikisync.apply import ApplyReport, Reporter, execute
from wikisync.config import Config, load_config
from wikisync.errors import GuardError, LockError, SourceError, StalePlanError
from wikisync.model import (
    Change,
    LocalPage,
    Plan,
    PlanOptions,
    Problem,
    RemotePage,
    State,
    StateEntry,
)
from wikisync.plan import content_reads_needed, plan
from wikisync.remote import Remote, RemoteSnapshot
from wikisync.source import load_source
from wikisync.state import Lock

__all__ = [
    "LOCK_TTL",
    "PlanRun",
    "apply_run",
    "check_saved_plan",
    "load_directory",
    "make_plan",
]

LOCK_TTL = 15 * 60.0
"""Seconds after which a lock left by a crashed apply on another machine is ignored."""


@dataclass(frozen=True)
class LoadedSource:
    directory: Path
    config: Config
    pages: tuple[LocalPage, ...]
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)


@dataclass(frozen=True)
class PlanRun:
    """A computed plan together with what apply needs to carry it out."""

    source: LoadedSource
    snapshot: RemoteSnapshot
    actual: tuple[RemotePage, ...]
    plan: Plan
    options: PlanOptions
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def pages_by_key(self) -> dict[tuple[str, str], LocalPage]:
        return {p.key: p for p in self.source.pages}


def load_directory(directory: str | os.PathLike[str]) -> LoadedSource:
    """Read ``wikisync.yml`` and every source file; nothing touches the network."""
    path = Path(directory)
    if not path.exists():
        raise SourceError(f"{path}: no such directory")
    if not path.is_dir():
        raise SourceError(f"{path}: not a directory")
    config = load_config(path)
    result = load_source(path, config)
    problems = tuple(sorted(result.problems, key=lambda p: p.sort_key()))
    return LoadedSource(path, config, tuple(result.pages), problems)


def make_plan(
    source: LoadedSource,
    remote: Remote,
    *,
    force: bool = False,
    targets: tuple[str, ...] = (),
    renames: Mapping[str, str] | None = None,
) -> PlanRun:
    """Read the wiki under ``root`` (as few requests as possible) and plan."""
    config = source.config
    snapshot = remote.snapshot()
    notes: list[str] = []
    if snapshot.loaded.problem:
        notes.append(
            f"ignoring the stored state ({snapshot.loaded.problem}); pages are matched to "
            "files by path and nothing will be deleted this run"
        )
    options = config.plan_options(
        force=force,
        targets=targets,
        source_had_errors=bool(source.errors) or snapshot.loaded.problem is not None,
    )
    state = snapshot.loaded.state
    need = content_reads_needed(source.pages, snapshot.pages, state, options)
    full = remote.fetch_full(need)
    actual = tuple(full.get(p.id, p) for p in snapshot.pages)
    result = plan(source.pages, actual, state, options, renames=dict(renames or {}))
    return PlanRun(source, snapshot, actual, result, options, tuple(notes))


def fingerprint(changes: tuple[Change, ...]) -> list[tuple[object, ...]]:
    return sorted(
        (
            c.action,
            c.locale,
            c.path,
            c.from_path or "",
            c.page_id or 0,
            tuple(c.fields),
            c.digest or "",
            c.remote_updated_at or "",
        )
        for c in changes
    )


def check_saved_plan(saved: Plan, fresh: PlanRun) -> None:
    """Raise :class:`StalePlanError` unless ``fresh`` would do exactly what ``saved`` says."""
    if fingerprint(saved.changes) != fingerprint(fresh.plan.changes):
        before = {(c.action, c.locale, c.path) for c in saved.changes}
        after = {(c.action, c.locale, c.path) for c in fresh.plan.changes}
        differing = sorted((before ^ after) or before)
        sample = ", ".join(f"{a} {loc}/{p}" for a, loc, p in differing[:5])
        raise StalePlanError(
            "the saved plan is stale: the wiki or the files changed since it was made "
            f"({sample}). Nothing was applied; run `wikisync plan` again."
        )


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
    return not (host == socket.gethostname() and pid.isdigit() and not _pid_alive(int(pid)))


@dataclass
class _LockHandle:
    page_id: int
    lock: Lock


def _acquire_lock(
    remote: Remote,
    run: PlanRun,
    *,
    break_lock: bool,
    sleep: Callable[[float], None],
) -> _LockHandle:
    snapshot = run.snapshot
    current = snapshot.loaded.lock
    now = _now()
    if current is not None and _lock_is_live(current, now) and not break_lock:
        raise LockError(
            f"another wikisync apply ({current.holder}) holds the lock on this root since "
            f"{current.acquired_at} (it expires at {current.expires_at}). Wait for it to "
            "finish, or pass --break-lock if it crashed."
        )
    lock = Lock.new(uuid.uuid4().hex, _holder(), now, LOCK_TTL)
    started = time.monotonic()
    page_id = remote.write_state(snapshot.loaded.state, page_id=snapshot.state_page_id, lock=lock)
    took = time.monotonic() - started
    # Another apply that read the state before our write may write its own lock right
    # after it; waiting longer than such a write takes lets us see it and back off.
    sleep(min(5.0, max(0.2, 2 * took)))
    if snapshot.state_page_id is None:
        # Two first runs may both have created a state page (Wiki.js has no unique
        # path index); the lowest id wins, the others remove their own.
        again = remote.snapshot()
        if again.state_page_id != page_id:
            remote.delete_pages([page_id])
            raise LockError("another wikisync apply started at the same time; try again")
    loaded = remote.read_state(page_id)
    if loaded.lock is None or loaded.lock.id != lock.id:
        holder = loaded.lock.holder if loaded.lock else "unknown"
        raise LockError(f"another wikisync apply ({holder}) took the lock at the same time")
    return _LockHandle(page_id, lock)


def _new_state(run: PlanRun, report: ApplyReport, listing: Mapping[int, RemotePage]) -> State:
    """What wikisync manages after this apply, from what was really written."""
    old = run.snapshot.loaded.state
    pages_by_key = run.pages_by_key
    entries: dict[int, StateEntry] = {}
    # Keep entries of pages that still exist (their updated_at is what we last wrote).
    for page_id, entry in old.pages.items():
        if page_id in listing:
            entries[page_id] = entry
    actual_by_key = {p.key: p for p in run.actual}
    # Unchanged and adopted pages: the wiki equals the file now.
    for key in (*run.plan.unchanged, *run.plan.adopted):
        local = pages_by_key.get(key)
        remote_page = actual_by_key.get(key)
        if local is None or remote_page is None or remote_page.id not in listing:
            continue
        prior = entries.get(remote_page.id)
        if (
            prior is not None
            and prior.digest == local.digest
            and key in run.plan.unchanged
            and prior.updated_at == listing[remote_page.id].updated_at
        ):
            continue
        entries[remote_page.id] = StateEntry(
            page_id=remote_page.id,
            locale=local.locale,
            path=local.path,
            source=local.source,
            updated_at=listing[remote_page.id].updated_at,
            digest=local.digest,
            content_digest=local.content_digest,
        )
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
        entries[page_id] = StateEntry(
            page_id=page_id,
            locale=local.locale,
            path=local.path,
            source=local.source,
            updated_at=listing[page_id].updated_at,
            digest=local.digest,
            content_digest=local.content_digest,
        )
    from wikisync._version import __version__

    return State(
        pages=entries,
        serial=old.serial + 1,
        root=run.options.root,
        wikisync_version=__version__,
    )


def state_needs_write(run: PlanRun) -> bool:
    return bool(run.plan.adopted) or any(
        run.snapshot.loaded.state.pages.get(p.id) is not None
        and run.snapshot.loaded.state.pages[p.id].updated_at != p.updated_at
        and p.key in run.plan.unchanged
        for p in run.actual
    )


def apply_run(
    run: PlanRun,
    remote: Remote,
    *,
    parallelism: int = 4,
    fail_fast: bool = False,
    break_lock: bool = False,
    reporter: Reporter | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> ApplyReport:
    """Execute ``run.plan`` under the lock and store the new state."""
    if run.plan.guard_violations:
        raise GuardError(run.plan.guard_violations)
    if not run.plan.changes and not state_needs_write(run):
        return ApplyReport(results=())
    handle = _acquire_lock(remote, run, break_lock=break_lock, sleep=sleep)
    report = ApplyReport(results=())
    try:
        report = execute(
            run.plan.changes,
            run.pages_by_key,
            remote,
            parallelism=parallelism,
            fail_fast=fail_fast,
            reporter=reporter,
        )
    finally:
        after = remote.snapshot()
        listing = {p.id: p for p in after.pages}
        state = _new_state(run, report, listing)
        remote.write_state(state, page_id=handle.page_id, lock=None)
    return report
