"""Where the sides meet: files -> desired pages; wiki -> actual pages; the plan.

The one module that joins ``wikisync.local`` (the files), ``wikisync.wiki`` (the wiki) and
``wikisync.plan`` (the pure comparison). ``load_directory`` reads a content directory;
``make_plan`` reads the wiki and returns a [`PlanRun`][wikisync.engine.PlanRun] (the plan
plus everything apply needs), which ``wikisync.apply.run.apply_run`` carries out. The CLI,
the GitHub Action and Python callers all go through these functions.

git, when the content directory is in a git working tree (``wikisync.ci.gitinfo``):

* files renamed since the commit recorded at the last apply (committed, staged, unstaged
  or untracked; edited renames included) are passed to ``plan()`` as renames, so they
  become moves; the commit checked out is recorded in the state at apply;
* ``changed_since=REF`` plans only the pages whose files changed since ``REF`` and the
  pages the change touches (see ``changed_scope``), and so reads only their content;
  the result for those pages is the same as a full plan's. A ``REF`` this clone lacks (a
  shallow checkout) falls back to a full plan with a note.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from wikisync._names import shown
from wikisync.ci.gitinfo import GitInfoError, GitRepo, open_repo
from wikisync.errors import SourceError, StalePlanError
from wikisync.local.config import CONFIG_FILE, Config, config_key_line, load_settings
from wikisync.local.flavors import ActiveFlavor
from wikisync.local.markdown.links import iter_link_destinations
from wikisync.local.source import (
    constructs_left_as_text,
    links_left_broken,
    load_source,
    page_key,
)
from wikisync.local.transforms import TransformStat
from wikisync.plan.assets import (
    asset_downloads_needed,
    asset_folders,
    attach_assets,
    plan_assets,
)
from wikisync.plan.model import (
    LocalAsset,
    LocalPage,
    Plan,
    PlanOptions,
    Problem,
    RemoteAsset,
    RemotePage,
    State,
)
from wikisync.plan.navigation import NavigationPlan, plan_navigation
from wikisync.plan.pages import match_pages, plan
from wikisync.wiki.remote import Remote, RemoteSnapshot, in_scope
from wikisync.wiki.state import LoadedState

__all__ = [
    "ChangedScope",
    "LoadedSource",
    "PlanRun",
    "changed_scope",
    "check_saved_plan",
    "load_directory",
    "make_plan",
]


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
    dialect: tuple[str, ...] = ()
    left_out: tuple[tuple[str, str], ...] = ()
    """Files the site does not publish, with why: ``(file, reason)``."""

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def links_left_broken(self) -> int:
        """Links kept as written because they name nothing (warning-level link problems)."""
        return links_left_broken(self.problems)

    @property
    def constructs_left_as_text(self) -> int:
        """Constructs the wiki shows as text (one ``unconverted-syntax`` warning each)."""
        return constructs_left_as_text(self.problems)

    def for_wiki(self, linebreaks: bool) -> LoadedSource:
        """The pages as a wiki that shows every line break inside a paragraph as one
        (``linebreaks``), or not, must get them (see ``LocalPage.for_wiki``)."""
        return dataclasses.replace(self, pages=tuple(p.for_wiki(linebreaks) for p in self.pages))


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
    """Read ``wikisync.yml`` and every source file; nothing touches the network.

    Given a generator's project root, the content folder its settings name is read (the
    result's ``directory``)."""
    path = Path(directory)
    if not path.exists():
        raise SourceError(f"{path}: no such directory")
    if not path.is_dir():
        raise SourceError(f"{path}: not a directory")
    config, flavor = load_settings(path)
    content = flavor.directory or path  # the content folder, given the project's root
    result = load_source(content, config, flavor=flavor)
    return LoadedSource(
        content,
        config,
        result.pages,
        result.problems,
        result.assets,
        flavor,
        result.transforms,
        left_out=result.left_out,
        dialect=result.dialect,
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
    working tree too), the pages including a file that changed (``LocalPage.includes``),
    the pages they link to, and the pages linking to a changed, renamed
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
    # A page whose included file changed (or went) changed too.
    included = {path for page in pages for path in page.includes}
    edited = set(diff.changed) | set(diff.deleted)
    edited |= repo.changed_files(commit, (p for p in included if p.startswith("../")))
    changed |= {p.source for p in pages if edited.intersection(p.includes)}
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
    source = _as_the_wiki_shows(source, remote, notes)
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

    def page_plan(listed: tuple[RemotePage, ...]) -> tuple[tuple[RemotePage, ...], Plan]:
        matched = match_pages(desired, listed, state, options, renames=renames)
        full = remote.fetch_full(matched.reads_needed)
        actual = tuple(full.get(p.id, p) for p in listed)
        return actual, plan(
            desired, actual, state, options, renames=dict(renames), matching=matched
        )

    actual, result = page_plan(listed)
    if result.changes or result.adopted:
        # Only a plan that would change, adopt or delete pages looks for roots nested in
        # this one (a plan without changes costs no request for it).
        trimmed = _without_nested_roots(source, remote, snapshot, notes)
        if trimmed is not snapshot:
            kept = {p.id for p in trimmed.pages}
            snapshot = trimmed
            actual, result = page_plan(tuple(p for p in listed if p.id in kept))

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
    result = dataclasses.replace(
        result,
        links_left_broken=source.links_left_broken,
        constructs_left_as_text=source.constructs_left_as_text,
    )
    if remote.unreadable_times:
        odd = sorted(remote.unreadable_times)
        notes.append(
            f"{len(odd)} page(s) have an updatedAt without a time zone ({shown(odd[0])}"
            f"{', ...' if len(odd) > 1 else ''}): they count as edited in the wiki"
        )
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


def _as_the_wiki_shows(source: LoadedSource, remote: Remote, notes: list[str]) -> LoadedSource:
    """The pages for this wiki: line breaks inside paragraphs of a CommonMark tree joined
    when the wiki shows each of them (read once; assumed on when it cannot be read)."""
    if not any(p.soft_breaks for p in source.pages):
        return source
    linebreaks = remote.shows_line_breaks()
    if linebreaks is None:
        notes.append(
            "the API key may not read the wiki's rendering settings (manage:system); "
            "line breaks inside paragraphs are joined, as a wiki that shows each of them "
            "(markdownCore linebreaks, on by default) needs"
        )
        linebreaks = True
    return source.for_wiki(linebreaks)


def _without_nested_roots(
    source: LoadedSource, remote: Remote, snapshot: RemoteSnapshot, notes: list[str]
) -> RemoteSnapshot:
    """The snapshot without the pages of roots nested in this one.

    A root under this one that another wikisync directory manages (it has a state) owns
    its pages: this root never adopts, changes or deletes them, whatever its own state
    says. A file of this directory that maps into such a root is an error."""
    nested = remote.nested_roots(snapshot.pages)
    if not nested:
        return snapshot
    clashes: list[Problem] = []
    for page in source.pages:
        owner = next((r for r in nested if in_scope(page.path, r)), None)
        if owner is not None:
            clashes.append(
                Problem(
                    page.source,
                    None,
                    f"maps to /{page.locale}/{shown(page.path)}, under {shown(owner)}, which "
                    "another wikisync directory manages (it has its own state); move the "
                    "file there, or exclude it here",
                    "nested-root",
                )
            )
    if clashes:
        raise SourceError("\n".join(str(p) for p in clashes))
    notes.append(
        "pages under "
        + ", ".join(f"/{shown(r)}" for r in nested)
        + " belong to another wikisync directory (a root with its own state): left alone"
    )
    kept = tuple(p for p in snapshot.pages if not any(in_scope(p.path, r) for r in nested))
    return dataclasses.replace(snapshot, pages=kept)


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
