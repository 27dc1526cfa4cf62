"""Assets: the local files pages link to, uploaded to the wiki's asset library. Pure.

Where an asset goes
    A file that a page links to (``![logo](img/logo.png)``) and that is not a page is an
    asset. It is uploaded into a folder tree under ``assets.folder`` (default: ``root``)
    that mirrors the source tree: ``guide/img/Logo 1.PNG`` with ``root: handbook`` goes
    into the folders ``handbook`` / ``guide`` / ``img`` and is stored as ``logo_1.png``,
    so the wiki serves it at ``/handbook/guide/img/logo_1.png`` and that is the link
    written into the pages (see ``wikisync.local.markdown.links``). Folder slugs and file names are
    predicted exactly as the server makes them (sanitised, lowercased; spaces, ``,``,
    ``;`` and ``#`` in file names become ``_``). Two pages linking to one file share one
    asset and one upload.

When an asset is uploaded
    Every upload is recorded in the state (``AssetEntry``): the
    sha256 and size of the bytes sent, and the asset id and ``updatedAt`` the server
    listed right after. A plan lists the asset folders involved (``assets.list``, no
    bytes) and decides per served path:

    ============================================  =====================================
    the wiki's listing at that path               result
    ============================================  =====================================
    nothing                                       ``upload``
    the asset recorded in the state (same id,     file sha256 and size as recorded:
    ``updatedAt`` and size)                       unchanged; else ``replace``
    another asset (not recorded, or replaced in   same size: its bytes are downloaded
    the wiki since the last apply)                and hashed; the same sha256 is
                                                  unchanged (and recorded); else
                                                  ``replace`` when not managed yet,
                                                  ``conflict`` when managed (``force``:
                                                  ``replace``)
    ============================================  =====================================

    So an unchanged asset is never uploaded again, and bytes are only downloaded when the
    state cannot vouch for them (first run, lost state, hand uploads). A ``replace``
    uploads under the same name, which overwrites the asset in place.

Assets nobody links to any more
    A managed asset (recorded in the state) that no page links to follows the page prune
    rules: deleted when ``prune`` is on and the source had no errors, counted with page
    deletes against ``max_delete``, a conflict if it was replaced in the wiki since the
    last apply; listed as orphaned otherwise. Unmanaged assets are never deleted.

Apply uploads before it writes pages, so a page never links to an asset that is not
there yet; deletes run after the page writes.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wikisync.plan.model import (
    AssetAction,
    AssetChange,
    AssetEntry,
    LocalAsset,
    Plan,
    PlanOptions,
    Problem,
    RemoteAsset,
    State,
)

__all__ = [
    "AssetPlan",
    "asset_downloads_needed",
    "asset_folders",
    "asset_problems",
    "attach_assets",
    "plan_assets",
]


@dataclass(frozen=True)
class AssetPlan:
    """The asset part of a plan.

    ``unchanged`` maps the served paths of unchanged assets to the listing entry they
    matched (so apply can record assets that were verified by download).
    """

    changes: tuple[AssetChange, ...] = ()
    unchanged: Mapping[str, RemoteAsset] = dataclasses.field(default_factory=dict)
    orphaned: tuple[str, ...] = ()
    refused_deletes: int = 0


def asset_problems(assets: Iterable[LocalAsset]) -> list[Problem]:
    """Assets that cannot be uploaded where their links point.

    A file or folder name that is empty once the server sanitises it (``con.png``,
    ``...``), and two files that the server would store at the same path (names that
    differ only in case, or in characters the server drops or replaces).
    """
    problems: list[Problem] = []
    by_path: dict[str, list[str]] = defaultdict(list)
    for asset in assets:
        parts = asset.source.split("/")
        if not asset.filename:
            problems.append(
                Problem(
                    asset.source,
                    None,
                    f"cannot be uploaded: Wiki.js leaves nothing of the name {parts[-1]!r}; "
                    "rename the file",
                    "asset-name",
                )
            )
            continue
        if any(not slug for slug in asset.folder):
            problems.append(
                Problem(
                    asset.source,
                    None,
                    "cannot be uploaded: a folder name on its path is empty once Wiki.js "
                    "sanitises it (such as 'con' or '...'); rename the folder",
                    "asset-name",
                )
            )
            continue
        by_path[asset.path].append(asset.source)
    for path, sources in by_path.items():
        if len(sources) < 2:
            continue
        for source in sources:
            others = ", ".join(s for s in sources if s != source)
            problems.append(
                Problem(
                    source,
                    None,
                    f"{source} and {others} would both be uploaded as /{path} "
                    "(Wiki.js lowercases and sanitises asset names); rename one",
                    "asset-duplicate",
                )
            )
    return sorted(problems, key=Problem.sort_key)


def asset_folders(local: Iterable[LocalAsset], state: State) -> tuple[tuple[str, ...], ...]:
    """The asset folders (slug tuples) a plan must list: where files go, where state was."""
    folders = {asset.folder for asset in local}
    for path in state.assets:
        folders.add(tuple(path.split("/")[:-1]))
    return tuple(sorted(folders))


def _listed_as_recorded(remote: RemoteAsset, entry: AssetEntry | None) -> bool:
    return (
        entry is not None
        and entry.asset_id == remote.id
        and entry.updated_at == remote.updated_at
        and entry.size == remote.size
    )


def _against(
    base: AssetChange, action: AssetAction, reason: str, found: RemoteAsset
) -> AssetChange:
    return dataclasses.replace(
        base, action=action, reason=reason, asset_id=found.id, remote_updated_at=found.updated_at
    )


def asset_downloads_needed(
    local: Iterable[LocalAsset], remote: Mapping[str, RemoteAsset], state: State
) -> frozenset[str]:
    """Served paths whose bytes ``plan_assets`` needs hashed (see the module docstring)."""
    needed: set[str] = set()
    for asset in local:
        found = remote.get(asset.path)
        if found is None or _listed_as_recorded(found, state.assets.get(asset.path)):
            continue
        if found.size == asset.size:
            needed.add(asset.path)
    return frozenset(needed)


def plan_assets(
    local: Iterable[LocalAsset],
    remote: Mapping[str, RemoteAsset],
    state: State,
    options: PlanOptions,
    *,
    digests: Mapping[str, str] | None = None,
    deletes: bool = True,
) -> AssetPlan:
    """What to upload, replace and delete so the asset library serves the local files.

    ``remote`` maps served paths to the listing; ``digests`` maps served paths to the
    sha256 of the bytes downloaded for ``asset_downloads_needed``. ``deletes=False``
    plans no deletes (a plan limited with ``--target``).
    """
    digests = digests or {}
    changes: list[AssetChange] = []
    unchanged: dict[str, RemoteAsset] = {}
    referenced: set[str] = set()
    for asset in sorted(local, key=lambda a: a.path):
        referenced.add(asset.path)
        entry = state.assets.get(asset.path)
        found = remote.get(asset.path)
        base = AssetChange(
            action="upload",
            path=asset.path,
            source=asset.source,
            url=asset.url,
            folder=asset.folder,
            filename=asset.filename,
            size=asset.size,
            digest=asset.digest,
            used_by=asset.used_by,
        )
        if found is None:
            reason = (
                "not in the wiki yet" if entry is None else "gone from the wiki; uploaded again"
            )
            changes.append(dataclasses.replace(base, reason=reason))
            continue

        if _listed_as_recorded(found, entry):
            assert entry is not None
            if entry.digest == asset.digest and entry.size == asset.size:
                unchanged[asset.path] = found
            else:
                reason = f"{asset.source} changed since the last upload"
                changes.append(_against(base, "replace", reason, found))
        elif digests.get(asset.path) == asset.digest and found.size == asset.size:
            unchanged[asset.path] = found  # the same bytes, verified: recorded at apply
        elif entry is None:
            reason = "the wiki has another file at this path (not managed yet: adopted)"
            changes.append(_against(base, "replace", reason, found))
        elif options.force:
            reason = f"replaced in the wiki since the last apply (updated {found.updated_at})"
            changes.append(_against(base, "replace", f"{reason}; overwritten (--force)", found))
        else:
            reason = f"replaced in the wiki since the last apply (updated {found.updated_at})"
            changes.append(_against(base, "conflict", reason, found))

    orphaned: list[str] = []
    refused = 0
    for path, entry in sorted(state.assets.items()):
        if path in referenced:
            continue
        found = remote.get(path)
        if found is None:
            continue  # gone already: forgotten at the next state write
        if not deletes or not options.prune or options.state_unverified:
            orphaned.append(path)
            continue
        if options.source_had_errors:
            orphaned.append(path)
            refused += 1
            continue
        gone = f"no page links to it any more (uploaded from {entry.source})"
        action: AssetAction
        if _listed_as_recorded(found, entry) or options.force:
            reason = gone if _listed_as_recorded(found, entry) else f"{gone}; wiki edits lost"
            action = "delete"
        else:
            reason = (
                f"{gone}, but it was replaced in the wiki since the last apply "
                f"(updated {found.updated_at})"
            )
            action = "conflict"
        changes.append(
            AssetChange(
                action=action,
                path=path,
                source=entry.source,
                url="/" + path.replace(" ", "%20"),
                folder=found.folder,
                filename=found.filename,
                size=found.size,
                asset_id=found.id,
                remote_updated_at=found.updated_at,
                reason=reason,
            )
        )
    changes.sort(key=AssetChange.sort_key)
    return AssetPlan(tuple(changes), unchanged, tuple(orphaned), refused)


def attach_assets(plan: Plan, assets: AssetPlan, options: PlanOptions) -> Plan:
    """``plan`` with the asset part added, and the delete guard counting both kinds."""
    violations = list(plan.guard_violations)
    page_deletes = sum(1 for c in plan.changes if c.action == "delete")
    asset_deletes = sum(1 for c in assets.changes if c.action == "delete")
    limit = options.max_delete
    if limit is not None and page_deletes <= limit < page_deletes + asset_deletes:
        violations.append(
            f"the plan deletes {page_deletes} pages and {asset_deletes} assets, more than "
            f"max_delete ({limit})"
        )
    if assets.refused_deletes:
        count = assets.refused_deletes
        violations.append(
            f"not deleting {count} managed asset{'s' if count != 1 else ''} no page links "
            "to: the source had errors"
        )
    return dataclasses.replace(
        plan,
        asset_changes=assets.changes,
        assets_unchanged=tuple(sorted(assets.unchanged)),
        assets_orphaned=assets.orphaned,
        guard_violations=tuple(violations),
    )
