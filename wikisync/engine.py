"""The flow in one place: files -> desired pages; wiki -> actual pages; plan; apply.

``make_plan`` reads the directory and the wiki and returns a [`PlanRun`][wikisync.engine.PlanRun] (the plan
plus everything apply needs). ``apply_run`` takes the lock, executes the plan, and
records the new ownership state. The CLI, the GitHub Action and Python callers all go
through these two functions.

git, when the content directory is in a git working tree (``wikisync.gitinfo``):

* files renamed since the commit recorded at the last apply (committed, staged, unstaged
  or untracked; edited renames included) are passed to ``plan()`` as renames, so they
  become moves; the commit checked out is recorded in the state at apply;
* ``changed_since=REF`` plans only the pages whose files changed since ``REF`` and the
  pages the change touches (see ``changed_scope``), and so reads only their content;
  the result for those pages is the same as a full plan's. A ``REF`` this clone lacks (a
  shallow checkout) falls back to a full plan with a note.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import unquote

from wikisync._bounded import aware_time
from wikisync._names import shown
from wikisync._version import __version__
from wikisync.apply import (
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
from wikisync.assets import (
    asset_downloads_needed,
    asset_folders,
    attach_assets,
    plan_assets,
)
from wikisync.config import CONFIG_FILE, Config, config_key_line, load_settings
from wikisync.errors import GuardError, LockError, SourceError, StalePlanError, StateError
from wikisync.flavors import ActiveFlavor
from wikisync.gitinfo import GitInfoError, GitRepo, open_repo
from wikisync.links import iter_link_destinations
from wikisync.model import (
    AssetEntry,
    LocalAsset,
    LocalPage,
    Plan,
    PlanOptions,
    Problem,
    RemoteAsset,
    RemotePage,
    State,
    StateEntry,
)
from wikisync.navigation import NavigationPlan, plan_navigation
from wikisync.plan import match_pages, plan
from wikisync.remote import HeldLock, LockFile, Remote, RemoteSnapshot
from wikisync.source import links_left_broken, load_source, page_key
from wikisync.state import LoadedState, Lock
from wikisync.transforms import TransformStat

__all__ = [
    "LOCK_TTL",
    "LOCK_WAIT",
    "ChangedScope",
    "LoadedSource",
    "PlanRun",
    "apply_run",
    "changed_scope",
    "check_saved_plan",
    "load_directory",
    "make_plan",
    "state_needs_write",
]

LOCK_TTL = 15 * 60.0
"""Seconds after which a lock left by a crashed apply on another machine is ignored."""

Key = tuple[str, str]


@dataclass(frozen=True)
class LoadedSource:
    directory: Path
    config: Config
    pages: tuple[LocalPage, ...]
    problems: tuple[Problem, ...]
    assets: tuple[LocalAsset, ...] = ()
    flavor: ActiveFlavor | None = None
    transforms: tuple[TransformStat, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def links_left_broken(self) -> int:
        """Links kept as written because they name nothing (warning-level link problems)."""
        return links_left_broken(self.problems)


@dataclass(frozen=True)
class PlanRun:
    """A computed plan together with what apply needs to carry it out.

    ``remote_assets`` is the asset listing the plan saw (served path -> asset) and
    ``commit`` the git commit of the content directory (``None`` outside git).
    """

    source: LoadedSource
    snapshot: RemoteSnapshot
    actual: tuple[RemotePage, ...]
    plan: Plan
    options: PlanOptions
    notes: tuple[str, ...] = field(default_factory=tuple)
    remote_assets: Mapping[str, RemoteAsset] = field(default_factory=dict)
    commit: str | None = None
    changed_since: str | None = None
    navigation: NavigationPlan | None = None
    """The blocks apply places in the menu (``navigation:`` set, no ``--target``)."""

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
    config, flavor = load_settings(path)
    result = load_source(path, config, flavor=flavor)
    return LoadedSource(
        path, config, result.pages, result.problems, result.assets, flavor, result.transforms
    )


# -- git ---------------------------------------------------------------------------------------


def _renames_since(repo: GitRepo | None, commit: str | None, notes: list[str]) -> dict[str, str]:
    """Files renamed between ``commit`` (the last apply's; else HEAD) and the working tree."""
    if repo is None:
        return {}
    base = commit or repo.head
    if base is None:
        return {}
    resolved = repo.resolve(base)
    if resolved is None:
        notes.append(
            f"the commit of the last apply ({base[:12]}) is not in this clone"
            f"{' (a shallow checkout)' if repo.shallow else ''}; renamed files are matched "
            "to their pages by identical content only. Fetch more history (for GitHub "
            "Actions: actions/checkout with fetch-depth: 0) to detect edited renames."
        )
        return {}
    try:
        return dict(repo.diff(resolved).renames)
    except GitInfoError as exc:
        notes.append(f"renames could not be read from git ({exc}); matching by content only")
        return {}


def _link_keys(page: LocalPage, config: Config) -> set[Key]:
    """The ``(locale, path)`` of every wiki page link in a page (``/<locale>/<path>``, or
    ``/<path>`` in the default locale)."""
    keys: set[Key] = set()
    html = page.source.lower().endswith(".html")
    for _, _, destination in iter_link_destinations(page.content, html=html):
        target = destination.strip()
        if not target.startswith("/") or target.startswith("//"):
            continue
        path = unquote(re.split(r"[?#]", target, maxsplit=1)[0]).strip("/")
        first, _, rest = path.partition("/")
        if first in config.all_locales:
            keys.add((first, rest))
        elif path:
            keys.add((config.locale, path))
    return keys


@dataclass(frozen=True)
class ChangedScope:
    """The pages a ``--changed-since`` plan covers.

    ``sources`` are the files planned; ``page_ids`` the wiki pages compared with them
    (their own pages, renamed or deleted files' pages, unmanaged pages at their paths).
    """

    commit: str
    sources: frozenset[str]
    page_ids: frozenset[int]


def changed_scope(
    repo: GitRepo,
    commit: str,
    pages: Iterable[LocalPage],
    remote_pages: Iterable[RemotePage],
    state: State,
    config: Config,
    renames: Mapping[str, str],
) -> ChangedScope | None:
    """The pages whose plan can change because of what changed since ``commit``.

    That is the page files changed since ``commit`` (added, modified, renamed, in the
    working tree too), the pages they link to, and the pages linking to a changed, renamed
    or deleted page; on the wiki side their pages, the pages recorded for renamed or
    deleted files, and whatever sits at their paths. ``None`` when the change touches
    everything (``wikisync.yml`` changed).
    """
    diff = repo.diff(commit)
    if CONFIG_FILE in diff.changed or CONFIG_FILE in diff.deleted:
        return None
    pages = tuple(pages)
    by_source = {p.source: p for p in pages}
    source_by_key = {p.key: p.source for p in pages}
    changed = {s for s in diff.changed if s in by_source}
    gone = set(diff.deleted) | set(diff.renames)
    gone |= {old for old, new in renames.items() if new in changed}
    entries_gone = [e for e in state.pages.values() if e.source in gone]
    touched: set[Key] = {by_source[s].key for s in changed}
    touched |= {e.key for e in entries_gone}
    touched |= {page_key(s, config) for s in gone}
    links = {p.source: _link_keys(p, config) for p in pages}

    sources = set(changed)
    for page in pages:
        if links[page.source] & touched:
            sources.add(page.source)  # links to a changed, renamed or deleted page
    for source in changed:
        for key in links[source]:
            target = source_by_key.get(key)
            if target is not None:
                sources.add(target)  # a page a changed page links to

    keys = {by_source[s].key for s in sources} | touched
    managed_sources = sources | gone
    ids = {
        r.id
        for r in remote_pages
        if r.key in keys or (r.id in state.pages and state.pages[r.id].source in managed_sources)
    }
    return ChangedScope(commit, frozenset(sources), frozenset(ids))


# -- planning ----------------------------------------------------------------------------------


def make_plan(
    source: LoadedSource,
    remote: Remote,
    *,
    force: bool = False,
    targets: tuple[str, ...] = (),
    renames: Mapping[str, str] | None = None,
    changed_since: str | None = None,
) -> PlanRun:
    """Read the wiki under ``root`` (as few requests as possible) and plan.

    ``renames`` (old file -> new file) overrides what git says; ``changed_since`` limits
    the plan to what changed since that git ref (see the module docstring).
    """
    config = source.config
    notes: list[str] = []
    _check_locales(source, remote, notes)
    snapshot = remote.snapshot()
    if snapshot.loaded.problem:
        notes.append(
            f"ignoring the stored state ({snapshot.loaded.problem}); pages are matched to "
            "files by path and nothing will be deleted this run"
        )
    loaded = snapshot.loaded
    options = config.plan_options(
        force=force,
        targets=targets,
        source_had_errors=bool(source.errors) or loaded.problem is not None,
        state_unverified=loaded.problem is None and not loaded.verified,
    )
    state = snapshot.loaded.state
    repo = open_repo(source.directory)
    if renames is None:
        renames = _renames_since(repo, state.commit, notes)
    desired: tuple[LocalPage, ...] = source.pages
    listed: tuple[RemotePage, ...] = snapshot.pages
    if changed_since is not None:
        scope = _scope(repo, changed_since, source, snapshot, state, renames, notes)
        if scope is not None:
            desired = tuple(p for p in desired if p.source in scope.sources)
            listed = tuple(r for r in listed if r.id in scope.page_ids)
    matched = match_pages(desired, listed, state, options, renames=renames)
    full = remote.fetch_full(matched.reads_needed)
    actual = tuple(full.get(p.id, p) for p in listed)
    result = plan(desired, actual, state, options, renames=dict(renames), matching=matched)

    local_assets = source.assets
    if targets:
        in_target = {c.source for c in result.changes if c.source}
        in_target |= _sources_of(desired, (*result.unchanged, *result.adopted))
        local_assets = tuple(a for a in local_assets if set(a.used_by) & in_target)
    remote_assets: dict[str, RemoteAsset] = {}
    if local_assets or state.assets:
        remote_assets = remote.asset_listing(asset_folders(local_assets, state))
    needed = asset_downloads_needed(local_assets, remote_assets, state)
    digests = {path: remote.asset_digest(path) for path in sorted(needed)}
    asset_plan = plan_assets(
        local_assets, remote_assets, state, options, digests=digests, deletes=not targets
    )
    result = attach_assets(result, asset_plan, options)
    result = dataclasses.replace(result, links_left_broken=source.links_left_broken)
    if options.prune and options.state_unverified and (result.orphaned or result.assets_orphaned):
        notes.append(_unverified_note(remote, loaded))
    navigation: NavigationPlan | None = None
    if config.navigation is not None and targets:
        notes.append(
            "--target: the navigation menu is not planned; plan without --target to update it"
        )
    elif config.navigation is not None:
        navigation = plan_navigation(
            source.pages,
            remote.navigation_menus(),
            config.root,
            config.navigation,
            mode=remote.navigation_mode(),
        )
        result = dataclasses.replace(
            result, navigation=navigation.changes, navigation_warnings=navigation.warnings
        )
    return PlanRun(
        source,
        snapshot,
        actual,
        result,
        options,
        tuple(notes),
        remote_assets=remote_assets,
        commit=repo.head if repo is not None else None,
        changed_since=changed_since,
        navigation=navigation,
    )


def _unverified_note(remote: Remote, loaded: LoadedState) -> str:
    """Why prune deletes nothing on this state, and what to do."""
    if loaded.legacy:
        why = (
            f"the state page {remote.state_path} was last saved by another user than the "
            "one wikisync runs as"
        )
    else:
        why = (
            "WIKISYNC_STATE_KEY is not set, so the stored state cannot be told apart from "
            f"one that anyone allowed to upload to /{'/'.join(remote.state_folder)} wrote"
        )
    return (
        f"prune: nothing is deleted because {why}. Set WIKISYNC_STATE_KEY (a secret of at "
        "least 32 characters, the same for every apply of this root) where apply runs: the "
        "next apply writes a signed state, and deletes from then on"
    )


def _check_locales(source: LoadedSource, remote: Remote, notes: list[str]) -> None:
    """Refuse, before anything is written, pages (and a state page) in a locale the wiki
    has not installed: Wiki.js would answer with a foreign-key error mid-apply."""
    installed = remote.installed_locales()
    if installed is None:
        notes.append(
            "the API key may not read the wiki's locales (manage:system); locales are not "
            "checked before writing"
        )
        return
    have = ", ".join(sorted(installed)) or "none"
    problems: list[Problem] = []
    wanted = {source.config.locale, *(p.locale for p in source.pages)}
    for code in sorted(wanted - installed):
        hint = f"the wiki has {have}; install it (Administration > Locale) or change wikisync.yml"
        if code == source.config.locale:
            line = config_key_line(source.directory, "locale")
            problems.append(
                Problem(
                    CONFIG_FILE,
                    line,
                    f"locale {code!r} is not installed in the wiki; {hint}",
                    "locale-not-installed",
                )
            )
        for page in source.pages:
            if page.locale == code and code != source.config.locale:
                problems.append(
                    Problem(
                        page.source,
                        None,
                        f"is in locale {code!r}, which is not installed in the wiki; {hint}",
                        "locale-not-installed",
                    )
                )
    if problems:
        raise SourceError("\n".join(str(p) for p in problems))


def _sources_of(pages: Iterable[LocalPage], keys: Iterable[Key]) -> set[str]:
    wanted = set(keys)
    return {p.source for p in pages if p.key in wanted}


def _scope(
    repo: GitRepo | None,
    ref: str,
    source: LoadedSource,
    snapshot: RemoteSnapshot,
    state: State,
    renames: Mapping[str, str],
    notes: list[str],
) -> ChangedScope | None:
    everything = "planning every page (a full plan)"
    if repo is None:
        notes.append(
            f"--changed-since {ref}: {source.directory} is not in a git repository; {everything}"
        )
        return None
    commit = repo.resolve(ref)
    if commit is None:
        why = "this is a shallow clone" if repo.shallow else "no such commit here"
        notes.append(
            f"--changed-since {ref}: the commit is not in this clone ({why}); {everything}. "
            "Fetch it (for GitHub Actions: actions/checkout with fetch-depth: 0) to plan "
            "only what changed."
        )
        return None
    try:
        scope = changed_scope(
            repo, commit, source.pages, snapshot.pages, state, source.config, renames
        )
    except GitInfoError as exc:
        notes.append(f"--changed-since {ref}: {exc}; {everything}")
        return None
    if scope is None:
        notes.append(f"--changed-since {ref}: {CONFIG_FILE} changed; {everything}")
        return None
    notes.append(
        f"--changed-since {ref}: planning {len(scope.sources)} of {len(source.pages)} pages "
        f"(files changed since {commit[:12]} and the pages their links touch)"
    )
    return scope


def fingerprint(plan: Plan) -> list[tuple[object, ...]]:
    """What must be equal for a saved plan to still be current (pages and assets)."""
    rows: list[tuple[object, ...]] = [
        (
            "page",
            c.action,
            c.locale,
            c.path,
            c.from_path or "",
            c.page_id or 0,
            tuple(c.fields),
            c.digest or "",
            c.remote_updated_at or "",
        )
        for c in plan.changes
    ]
    rows += [
        (
            "asset",
            a.action,
            "",
            a.path,
            "",
            a.asset_id or 0,
            (),
            a.digest or "",
            a.remote_updated_at or "",
        )
        for a in plan.asset_changes
    ]
    rows += [
        ("navigation", "update", n.locale, "", "", 0, (), n.digest, n.remote_digest)
        for n in plan.navigation
    ]
    return sorted(rows, key=repr)


def check_saved_plan(saved: Plan, fresh: PlanRun) -> None:
    """Raise [`StalePlanError`][wikisync.engine.StalePlanError] unless ``fresh`` would do exactly what ``saved`` says."""
    if fingerprint(saved) != fingerprint(fresh.plan):
        before: set[tuple[str, str, str]] = {(c.action, c.locale, c.path) for c in saved.changes}
        before |= {(a.action, "asset", a.path) for a in saved.asset_changes}
        before |= {("update", "navigation", n.locale) for n in saved.navigation}
        after: set[tuple[str, str, str]] = {
            (c.action, c.locale, c.path) for c in fresh.plan.changes
        }
        after |= {(a.action, "asset", a.path) for a in fresh.plan.asset_changes}
        after |= {("update", "navigation", n.locale) for n in fresh.plan.navigation}
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
    local = host == socket.gethostname() and pid.isascii() and pid.isdigit() and len(pid) < 10
    return not (local and not _pid_alive(int(pid)))


LOCK_WAIT = (0.05, 0.1, 0.2, 0.4, 0.8)
"""Pauses (seconds) while the other lock files of applies started at the same moment as
this one are withdrawn (only when this lock file is the oldest)."""


def _lock_file_is_live(found: LockFile, now: datetime) -> bool:
    if found.lock is not None:
        return _lock_is_live(found.lock, now)
    # Unreadable (half written, hand edited): live until LOCK_TTL after it was written.
    written = aware_time(found.updated_at)
    if written is None:
        return False
    return (now - written).total_seconds() < LOCK_TTL


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


def _apply_navigation(
    run: PlanRun, remote: Remote, reporter: Reporter, *, stopped: bool
) -> NavigationResult | None:
    """Write the menu when the plan changes it (the ``navigation`` phase)."""
    planned = run.navigation if run.plan.navigation else None
    reporter.phase_started("navigation", 1 if planned is not None else 0)
    if planned is None:
        reporter.phase_finished("navigation")
        return None
    if stopped:
        menu = NavigationResult("skipped", error="an earlier write failed (--fail-fast)")
    else:
        menu = write_navigation(planned, remote)
    locales = ", ".join(n.locale for n in run.plan.navigation)
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
) -> ApplyReport:
    """Execute ``run.plan`` under the lock and store the new state.

    Asset uploads run first, then the page changes (a page linking to an asset whose
    upload failed is skipped), then asset deletes, then the navigation menu. ``reporter`` hears of each phase
    (``wikisync.apply.PHASES``) as it starts, advances and ends.
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
        )
        stopped = stopped or (fail_fast and pages.failed > 0)
        deleted = delete_assets(
            run.plan.asset_changes, remote, stop_after_failure=stopped, reporter=reporter
        )
        stopped = stopped or (fail_fast and any(r.status == "failed" for r in deleted))
        menu = _apply_navigation(run, remote, reporter, stopped=stopped)
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
