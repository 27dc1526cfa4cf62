"""The plan: what must change in the wiki so that it matches the files. Pure.

``plan(desired, actual, state, options)`` compares three views of the same pages and
returns a frozen, deterministically sorted [`Plan`][wikisync.plan.model.Plan]. It performs no
I/O, never mutates its inputs, and gives the same plan for the same inputs in any order.

* ``desired``: [`LocalPage`][wikisync.plan.model.LocalPage] from the files;
* ``actual``: [`RemotePage`][wikisync.plan.model.RemotePage] from the wiki's page list, with the full
  record (content and all fields) for the ids [`content_reads_needed`][wikisync.plan.pages.content_reads_needed] names;
* ``state``: what wikisync last wrote ([`State`][wikisync.plan.model.State]). A page is
  *managed* when its id is in the state.

Only remote pages under ``root`` count; wikisync's state page is ignored.

For a file and a remote page at the same (locale, path):

===========================================  ========================================
remote page                                  result
===========================================  ========================================
managed, ``updated_at`` as wikisync left it  digest equal to the state's: unchanged
                                             (no content read); else update
managed, edited in the wiki since            equal to the file: unchanged; else conflict
                                             (``force``: update)
not managed                                  equal: unchanged + adopted; else update +
                                             adopted
===========================================  ========================================

"Equal" means the normalised content and every field the file sets; fields the file does
not set are never compared. Title, description, tags, published, private and the editor
(as ``contentType``) come from the page list, the rest from the full record.

A file with no remote page at its path is a *move* of a managed page when (in this order)
``renames`` says its file was renamed from a managed page's file, or the state records the
same file for a page now elsewhere, or exactly one managed page whose file is gone has the
same content digest; otherwise a *create*. A move whose content or fields also change is one
change with non-empty ``fields``. A managed page that was moved in the wiki, or edited there
since the last apply, is a conflict instead (``force`` moves it back).

Managed pages left without a file are deleted when ``prune`` is on (a conflict if they were
edited in the wiki since; ``force`` deletes them) and listed as ``orphaned`` otherwise.
Unmanaged pages without a file are listed, never touched.

Safety guards (``Plan.guard_violations``): more deletes than ``max_delete``; a change to a
``protect`` path; deletes refused because the source had errors or is empty (those pages
are listed as orphaned instead of deleted); a file for the state page or outside ``root``.
``targets`` limits the plan to those wiki paths and their subtrees.

``protect`` and ``targets`` entries are wiki paths; one that is not under ``root`` is taken
as relative to it (``protect: [home]`` with ``root: handbook`` protects ``handbook/home``).
Glob characters are allowed in ``protect`` (``handbook/legal/*``). An entry ending in ``/``
means the subtree: ``protect: [legal/]`` protects ``legal`` and every page below it
(``targets`` always include the subtree).

It is one module because matching and comparing are one pure computation over the same
pairs; splitting it would split the rules of one decision.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from wikisync.errors import PlanInputError
from wikisync.plan.model import (
    EDITOR_CONTENT_TYPES,
    Action,
    Change,
    FieldChange,
    LocalPage,
    Plan,
    PlanOptions,
    RemotePage,
    State,
    StateEntry,
    normalize_content,
    normalize_tags,
    state_page_path,
)

__all__ = [
    "MAX_DIFF_CHARS",
    "MAX_DIFF_LINES",
    "Matching",
    "content_reads_needed",
    "match_pages",
    "plan",
    "unified_diff",
]

MAX_DIFF_LINES = 400
"""Longest content diff kept in a change, in lines (the rest is summarised)."""

MAX_DIFF_CHARS = 40_000
"""Longest content diff kept in a change, in characters."""

LIST_FIELDS = frozenset({"title", "description", "tags", "is_published", "is_private", "editor"})
"""Fields whose remote value a record with list fields holds (no full read needed)."""

Key = tuple[str, str]


# -- matching ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pair:
    """A file and the remote page it will be written to."""

    local: LocalPage
    remote: RemotePage
    entry: StateEntry | None
    move: str | None = None  # None: same key; "rename" | "source" | "content"


@dataclass
class _Matching:
    pairs: list[_Pair] = field(default_factory=list)
    creates: list[LocalPage] = field(default_factory=list)
    leftovers: list[tuple[RemotePage, StateEntry]] = field(default_factory=list)
    unmanaged: list[RemotePage] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)


def _under(path: str, root: str) -> bool:
    return not root or path == root or path.startswith(root + "/")


def _match(
    desired: Iterable[LocalPage],
    actual: Iterable[RemotePage],
    state: State,
    options: PlanOptions,
    renames: Mapping[str, str],
) -> _Matching:
    root = options.root
    state_path = state_page_path(root)
    result = _Matching()

    locals_: list[LocalPage] = []
    seen_keys: dict[Key, str] = {}
    for page in sorted(desired, key=lambda p: (p.path, p.locale, p.source)):
        if page.key in seen_keys:
            raise PlanInputError(
                f"{seen_keys[page.key]} and {page.source} both map to {page.locale}/{page.path}"
            )
        seen_keys[page.key] = page.source
        if page.path == state_path:
            result.violations.append(
                f"{page.source} maps to {page.path}, where wikisync keeps its state: not written"
            )
            continue
        if not _under(page.path, root):
            result.violations.append(
                f"{page.source} maps to {page.path}, outside root {root!r}: not written"
            )
            continue
        locals_.append(page)

    remotes = sorted(
        (r for r in actual if _under(r.path, root) and r.path != state_path),
        key=lambda r: r.id,
    )
    managed = state.pages
    by_key: dict[Key, RemotePage] = {}
    for remote in remotes:
        current = by_key.get(remote.key)
        # Wiki.js has no unique index on paths: prefer the managed page, then the oldest id.
        if current is None or (remote.id in managed and current.id not in managed):
            by_key[remote.key] = remote
    remote_by_id = {r.id: r for r in remotes}

    claimed: set[int] = set()
    pending: list[LocalPage] = []
    for page in locals_:
        found = by_key.get(page.key)
        if found is None:
            pending.append(page)
            continue
        claimed.add(found.id)
        result.pairs.append(_Pair(page, found, managed.get(found.id)))

    available: dict[int, StateEntry] = {
        pid: entry
        for pid, entry in sorted(managed.items())
        if pid in remote_by_id and pid not in claimed
    }
    by_source: dict[str, list[int]] = defaultdict(list)
    for pid, entry in available.items():
        by_source[entry.source].append(pid)

    def take(page: LocalPage, pid: int, how: str) -> None:
        entry = available.pop(pid)
        by_source[entry.source].remove(pid)
        claimed.add(pid)
        result.pairs.append(_Pair(page, remote_by_id[pid], entry, how))

    renamed_from: dict[str, list[str]] = defaultdict(list)
    for old, new in sorted(renames.items()):
        renamed_from[new].append(old)

    still: list[LocalPage] = []
    for page in pending:  # 1. explicit renames
        candidates = [pid for old in renamed_from.get(page.source, ()) for pid in by_source[old]]
        if len(candidates) == 1:
            take(page, candidates[0], "rename")
        else:
            still.append(page)
    pending, still = still, []
    for page in pending:  # 2. the same file, recorded for a page now at another path
        candidates = list(by_source.get(page.source, ()))
        if len(candidates) == 1:
            take(page, candidates[0], "source")
        else:
            still.append(page)
    pending = still
    sources = {p.source for p in locals_}
    gone: dict[str, list[int]] = defaultdict(list)  # 3. identical content, file gone
    for pid, entry in available.items():
        if entry.source not in sources:
            gone[entry.content_digest].append(pid)
    wanting: dict[str, list[LocalPage]] = defaultdict(list)
    for page in pending:
        wanting[page.content_digest].append(page)
    for page in pending:
        pids = gone.get(page.content_digest, [])
        if len(pids) == 1 and len(wanting[page.content_digest]) == 1:
            take(page, pids[0], "content")
        else:
            result.creates.append(page)

    result.leftovers = [(remote_by_id[pid], entry) for pid, entry in available.items()]
    result.unmanaged = [r for r in remotes if r.id not in managed and r.id not in claimed]
    return result


# -- comparing -----------------------------------------------------------------------------


def _pristine(remote: RemotePage, entry: StateEntry | None) -> bool:
    """Whether the wiki still holds exactly what wikisync wrote to this page."""
    return entry is not None and remote.updated_at == entry.updated_at


def _sets_full_record_fields(page: LocalPage) -> bool:
    return any(name not in LIST_FIELDS for name in page.fields.set_fields())


def _needs_read(pair: _Pair) -> bool:
    """Whether the plan needs the page's full record: not when the wiki still holds what
    wikisync wrote and the file is the same; with list fields at hand, not either when
    only those changed."""
    if not _pristine(pair.remote, pair.entry):
        return True
    assert pair.entry is not None
    if pair.local.digest == pair.entry.digest:
        return False
    if pair.remote.has_list_fields and pair.local.content_digest == pair.entry.content_digest:
        return _sets_full_record_fields(pair.local)
    return True


def _parse_instant(value: str) -> datetime | None:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _same_value(name: str, old: Any, new: Any) -> bool:
    if name in ("publish_start_date", "publish_end_date"):
        old_text, new_text = (old or "").strip(), (new or "").strip()
        if old_text == new_text:
            return True
        a, b = _parse_instant(old_text), _parse_instant(new_text)
        return a is not None and a == b
    if name == "tags":
        return normalize_tags(old or ()) == normalize_tags(new or ())
    return bool(old == new)


def unified_diff(old: str, new: str, *, old_label: str, new_label: str) -> str:
    """A unified diff of two texts, cut to ``MAX_DIFF_LINES`` / ``MAX_DIFF_CHARS``."""
    lines = list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), fromfile=old_label, tofile=new_label, lineterm=""
        )
    )
    kept: list[str] = []
    size = 0
    for index, line in enumerate(lines):
        if index >= MAX_DIFF_LINES or size + len(line) + 1 > MAX_DIFF_CHARS:
            kept.append(f"... diff truncated: {len(lines) - index} more lines")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


@dataclass(frozen=True)
class _Delta:
    fields: tuple[str, ...] = ()
    changes: tuple[FieldChange, ...] = ()
    diff: str = ""

    @property
    def empty(self) -> bool:
        return not self.fields


def _compare(pair: _Pair) -> _Delta:
    """What differs between the file and the remote page (content first)."""
    local, remote, entry = pair.local, pair.remote, pair.entry
    pristine = _pristine(remote, entry)
    fields: list[str] = []
    changes: list[FieldChange] = []
    diff = ""
    old: Any
    if remote.content is not None:
        old = normalize_content(remote.content)
        if old != local.content:
            fields.append("content")
            diff = unified_diff(
                old,
                local.content,
                old_label=f"{remote.locale}/{remote.path} (wiki)",
                new_label=local.source,
            )
    elif not (pristine and entry is not None and entry.content_digest == local.content_digest):
        raise PlanInputError(
            f"page {remote.id} ({remote.locale}/{remote.path}) needs its content read "
            "before planning (see content_reads_needed)"
        )
    for name, new in local.fields.set_fields().items():
        if name == "editor":
            if remote.editor is not None:
                old = remote.editor
                same = old == new
            else:
                old = remote.content_type
                same = EDITOR_CONTENT_TYPES.get(str(new)) == remote.content_type
            if old is None:
                raise PlanInputError(
                    f"page {remote.id} ({remote.locale}/{remote.path}) needs its full record "
                    "read before planning (editor; see content_reads_needed)"
                )
        else:
            old = getattr(remote, name)
            if old is None:
                raise PlanInputError(
                    f"page {remote.id} ({remote.locale}/{remote.path}) needs its full record "
                    f"read before planning ({name}; see content_reads_needed)"
                )
            same = _same_value(name, old, new)
        if not same:
            fields.append(name)
            changes.append(
                FieldChange(
                    name,
                    tuple(old) if name == "tags" else old,
                    tuple(new) if name == "tags" else new,
                )
            )
    return _Delta(tuple(fields), tuple(changes), diff)


# -- building the plan ---------------------------------------------------------------------


def _resolve(path: str, root: str) -> str:
    """A ``protect``/``targets`` entry as a full wiki path (relative to ``root`` unless under it)."""
    path = path.strip("/")
    if not root or _under(path, root):
        return path
    return f"{root}/{path}" if path else root


def _in_targets(paths: Sequence[str | None], targets: Sequence[str]) -> bool:
    if not targets:
        return True
    return any(
        p is not None and (p == t or p.startswith(t + "/") or not t) for p in paths for t in targets
    )


def _protected_by(paths: Sequence[str | None], protect: Sequence[str], root: str) -> str | None:
    for pattern in protect:
        subtree = pattern.endswith("/")  # ``legal/``: the page ``legal`` and all below it
        candidates = {pattern.strip("/"), _resolve(pattern, root)}
        for path in paths:
            if path is None:
                continue
            for candidate in candidates:
                if path == candidate or fnmatch.fnmatchcase(path, candidate):
                    return pattern
                if subtree and (
                    path.startswith(candidate + "/") or fnmatch.fnmatchcase(path, candidate + "/*")
                ):
                    return pattern
    return None


def _pair_change(pair: _Pair, delta: _Delta, options: PlanOptions) -> Change | None:
    """The change for a matched pair, or ``None`` when it is unchanged."""
    local, remote, entry = pair.local, pair.remote, pair.entry
    moved = pair.move is not None
    moved_in_wiki = entry is not None and remote.key != entry.key and pair.move == "source"
    edited = entry is not None and not _pristine(remote, entry)
    if not moved and delta.empty:
        return None
    action: Action
    reason = ""
    if entry is None:
        action = "update"
        reason = "not managed by wikisync yet: adopted"
    elif moved_in_wiki or (edited and not delta.empty):
        what = (
            f"moved in the wiki from {entry.path} to {remote.path}"
            if moved_in_wiki
            else "edited in the wiki"
        )
        reason = f"{what} since the last apply (updated {remote.updated_at})"
        if options.force:
            action = "move" if moved else "update"
            reason += "; overwritten (--force)"
        else:
            action = "conflict"
    else:
        action = "move" if moved else "update"
        if pair.move == "rename":
            reason = f"renamed from {entry.source}"
        elif pair.move == "content":
            reason = f"same content as {entry.source}, which is gone"
        elif pair.move == "source":
            reason = f"{local.source} now maps to {local.path}"
    return Change(
        action=action,
        locale=local.locale,
        path=local.path,
        source=local.source,
        page_id=remote.id,
        from_path=remote.path if moved else None,
        from_locale=remote.locale if moved else None,
        fields=delta.fields,
        field_changes=delta.changes,
        diff=delta.diff,
        reason=reason,
        remote_updated_at=remote.updated_at,
        digest=local.digest,
    )


def _create(page: LocalPage) -> Change:
    values = page.fields.set_fields()
    return Change(
        action="create",
        locale=page.locale,
        path=page.path,
        source=page.source,
        fields=("content", *values),
        field_changes=tuple(
            FieldChange(name, None, tuple(v) if name == "tags" else v) for name, v in values.items()
        ),
        digest=page.digest,
    )


def _sorted_keys(keys: Iterable[Key]) -> tuple[Key, ...]:
    return tuple(sorted(set(keys), key=lambda k: (k[1], k[0])))


def plan(
    desired: Iterable[LocalPage],
    actual: Iterable[RemotePage],
    state: State,
    options: PlanOptions,
    *,
    renames: Mapping[str, str] | None = None,
    matching: Matching | None = None,
) -> Plan:
    """Compute the plan that makes the wiki under ``options.root`` match ``desired``.

    ``renames`` maps old file paths to new ones (from git) to turn them into moves.
    ``matching`` is ``match_pages`` of the same inputs (with list records), to skip matching
    again. Raises [`PlanInputError`][wikisync.errors.PlanInputError] when two files map to one page or a
    remote page lacks content that [`content_reads_needed`][wikisync.plan.pages.content_reads_needed] would have asked for.
    """
    desired = tuple(desired)
    if matching is not None and matching.desired == desired:
        found = matching.with_records(actual)
    else:
        found = _match(desired, actual, state, options, renames or {})
    changes: list[Change] = []
    unchanged: list[Key] = []
    adopted: list[Key] = []
    for pair in found.pairs:
        if _pristine(pair.remote, pair.entry) and _digest_equal(pair):
            delta = _Delta()  # the wiki holds what wikisync wrote, and the file is the same
        else:
            delta = _compare(pair)
        change = _pair_change(pair, delta, options)
        if pair.entry is None:
            adopted.append(pair.local.key)
        if change is None:
            unchanged.append(pair.local.key)
        else:
            changes.append(change)
    changes.extend(_create(page) for page in found.creates)

    violations = list(found.violations)
    orphaned: list[Key] = []
    refuse_deletes = ""
    if options.source_had_errors:
        refuse_deletes = "the source had errors"
    elif not desired:
        refuse_deletes = "the source has no pages"
    targets = tuple(_resolve(t, options.root) for t in options.targets)
    sources = {page.source for page in desired}
    refused = 0
    for remote, entry in found.leftovers:
        if not options.prune or (options.state_unverified and not refuse_deletes):
            orphaned.append(remote.key)
            continue
        if refuse_deletes:
            if _in_targets([remote.path], targets):
                refused += 1
            orphaned.append(remote.key)
            continue
        if entry.source in sources:
            gone = f"{entry.source} no longer maps to this page"
        else:
            gone = f"{entry.source} is gone" if entry.source else "no file maps to it"
        action: Action
        if not _pristine(remote, entry) and not options.force:
            action = "conflict"
            reason = (
                f"{gone}, but the page was edited in the wiki since the last apply "
                f"(updated {remote.updated_at})"
            )
        else:
            action = "delete"
            reason = (
                gone if _pristine(remote, entry) else f"{gone}; wiki edits overwritten (--force)"
            )
        changes.append(
            Change(
                action=action,
                locale=remote.locale,
                path=remote.path,
                source=entry.source or None,
                page_id=remote.id,
                reason=reason,
                remote_updated_at=remote.updated_at,
            )
        )
    if refused:
        violations.append(
            f"not deleting {refused} managed page{'s' if refused != 1 else ''} "
            f"without a file: {refuse_deletes}"
        )

    def in_scope(key: Key) -> bool:
        return _in_targets([key[1]], targets)

    changes = [c for c in changes if _in_targets([c.path, c.from_path], targets)]
    changes.sort(key=lambda c: (*c.sort_key(), c.source or "", c.from_path or "", c.page_id or 0))

    deletes = sum(1 for c in changes if c.action == "delete")
    if options.max_delete is not None and deletes > options.max_delete:
        violations.append(
            f"the plan deletes {deletes} pages, more than max_delete ({options.max_delete})"
        )
    for change in changes:
        if change.action == "conflict":  # not written unless forced (then it is an update)
            continue
        pattern = _protected_by([change.path, change.from_path], options.protect, options.root)
        if pattern is not None:
            violations.append(
                f"{change.path} is protected ({pattern!r} in protect) but the plan would "
                f"{change.action} it"
            )

    return Plan(
        changes=tuple(changes),
        unchanged=_sorted_keys(k for k in unchanged if in_scope(k)),
        unmanaged=_sorted_keys(r.key for r in found.unmanaged if in_scope(r.key)),
        orphaned=_sorted_keys(k for k in orphaned if in_scope(k)),
        adopted=_sorted_keys(k for k in adopted if in_scope(k)),
        guard_violations=tuple(violations),
    )


def _digest_equal(pair: _Pair) -> bool:
    return pair.entry is not None and pair.local.digest == pair.entry.digest


@dataclass(frozen=True)
class Matching:
    """Files matched to the wiki's pages (``match_pages``); ``plan`` can start from it.

    ``reads_needed`` are the ids whose full record (content and all fields) the plan
    needs: none for pages wikisync wrote last and whose file still has the digest it
    wrote (or only changed list fields); every other page a file is compared with."""

    desired: tuple[LocalPage, ...]
    reads_needed: frozenset[int]
    result: _Matching = field(repr=False)

    def with_records(self, actual: Iterable[RemotePage]) -> _Matching:
        """The matching with each page replaced by its record in ``actual`` (by id)."""
        by_id = {r.id: r for r in actual}
        m = self.result
        return _Matching(
            pairs=[
                _Pair(p.local, by_id.get(p.remote.id, p.remote), p.entry, p.move) for p in m.pairs
            ],
            creates=list(m.creates),
            leftovers=[(by_id.get(r.id, r), e) for r, e in m.leftovers],
            unmanaged=[by_id.get(r.id, r) for r in m.unmanaged],
            violations=list(m.violations),
        )


def match_pages(
    desired: Iterable[LocalPage],
    actual: Iterable[RemotePage],
    state: State,
    options: PlanOptions,
    *,
    renames: Mapping[str, str] | None = None,
) -> Matching:
    """Match files to the wiki's pages (list fields suffice), once for a whole plan."""
    desired = tuple(desired)
    result = _match(desired, actual, state, options, renames or {})
    reads = frozenset(pair.remote.id for pair in result.pairs if _needs_read(pair))
    return Matching(desired, reads, result)


def content_reads_needed(
    desired: Iterable[LocalPage],
    actual: Iterable[RemotePage],
    state: State,
    options: PlanOptions,
    *,
    renames: Mapping[str, str] | None = None,
) -> frozenset[int]:
    """The ids of the pages whose full record ``plan`` needs (``Matching.reads_needed``)."""
    return match_pages(desired, actual, state, options, renames=renames).reads_needed
