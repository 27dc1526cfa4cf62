"""The wiki side: the only wikisync module that talks to Wiki.js (through the SDK).

It reads as little as possible: one ``pages.list`` for the whole wiki (filtered to
``root`` here, since the API has no path filter), one read of the state page, and
batched ``pages.single`` reads (50 per request) only for pages whose content the plan
needs. Writes go through the SDK's safe calls: ``update`` is read-modify-write against
the full page fetched for the plan, so fields a file does not set keep their values.

Assets: only the asset folders a plan involves are listed (``assets.folders`` down the
folder path, then ``assets.list``; nothing at all when no page links to a file and the
state records no asset), and bytes are downloaded only for the paths
``wikisync.assets.asset_downloads_needed`` names. Uploads create missing folders first.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from wikijs import Asset, ForbiddenError, Page, WikiJSClient
from wikisync.errors import StateError
from wikisync.model import (
    AssetChange,
    LocalPage,
    RemoteAsset,
    RemotePage,
    State,
    state_page_path,
)
from wikisync.state import LoadedState, Lock, dump_state, load_state

__all__ = ["Listing", "Remote", "RemoteSnapshot", "UploadedAsset", "in_scope"]


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def in_scope(path: str, root: str) -> bool:
    """Whether a wiki path lies under ``root`` ("" = the whole wiki)."""
    root = root.strip("/")
    return not root or path == root or path.startswith(root + "/")


def _to_remote(page: Any, *, full: bool) -> RemotePage:
    tags = [getattr(t, "tag", t) for t in (page.tags or [])]
    extra: dict[str, Any] = {}
    if full:
        extra = {
            "content": page.content if page.content is not None else "",
            "editor": page.editor,
            "publish_start_date": page.publish_start_date or "",
            "publish_end_date": page.publish_end_date or "",
            "script_css": page.script_css or "",
            "script_js": page.script_js or "",
        }
    return RemotePage(
        id=int(page.id),
        locale=page.locale,
        path=page.path,
        title=page.title or "",
        description=page.description or "",
        tags=tuple(str(t) for t in tags),
        is_published=bool(page.is_published),
        is_private=bool(page.is_private),
        content_type=page.content_type or "markdown",
        created_at=_iso(page.created_at),
        updated_at=_iso(page.updated_at),
        **extra,
    )


@dataclass(frozen=True)
class Listing:
    """The pages under ``root`` and the state page(s), ``(id, updatedAt)`` lowest id first
    (more than one only after two first applies raced)."""

    pages: tuple[RemotePage, ...]
    state_pages: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class RemoteSnapshot:
    """The wiki's pages under ``root`` (list fields only) and the stored state."""

    pages: tuple[RemotePage, ...]
    loaded: LoadedState
    state_page_id: int | None
    state_updated_at: str | None
    duplicate_state_pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class UploadedAsset:
    """An upload as the server stored it, with the sha256 and size of the bytes sent."""

    asset: RemoteAsset
    digest: str
    size: int


class Remote:
    """Reads and writes one wiki under one root. Safe to share between threads."""

    def __init__(self, client: WikiJSClient, *, root: str, locale: str) -> None:
        self.client = client
        self.root = root.strip("/")
        self.locale = locale
        self.state_path = state_page_path(self.root)
        self._full: dict[int, Page] = {}
        self._lock = threading.Lock()
        self._children: dict[int, dict[str, int]] = {}
        self._folder_ids: dict[tuple[str, ...], int] = {(): 0}

    # -- reads ---------------------------------------------------------------------

    def list_pages(self) -> Listing:
        """One list of the whole wiki (the API has no path filter), filtered to ``root``."""
        pages: list[RemotePage] = []
        state_pages: list[tuple[int, str]] = []
        for item in self.client.pages.list():
            if not in_scope(item.path, self.root):
                continue
            if item.path == self.state_path:
                state_pages.append((int(item.id), _iso(item.updated_at)))
                continue
            pages.append(_to_remote(item, full=False))
        return Listing(
            pages=tuple(sorted(pages, key=lambda p: (p.path, p.locale, p.id))),
            state_pages=tuple(sorted(state_pages)),
        )

    def installed_locales(self) -> frozenset[str] | None:
        """The codes of the locales pages can be written in; ``None`` when the key may not
        read them (``localization.locales`` needs ``manage:system``)."""
        try:
            locales = self.client.localization.locales()
        except ForbiddenError:
            return None
        return frozenset(loc.code for loc in locales if loc.is_installed)

    def snapshot(self) -> RemoteSnapshot:
        """The pages under ``root`` (list fields only) and the stored state."""
        listing = self.list_pages()
        state_page_id, state_updated_at = (
            listing.state_pages[0] if listing.state_pages else (None, None)
        )
        return RemoteSnapshot(
            pages=listing.pages,
            loaded=self.read_state(state_page_id),
            state_page_id=state_page_id,
            state_updated_at=state_updated_at,
            duplicate_state_pages=tuple(i for i, _ in listing.state_pages[1:]),
        )

    def read_state(self, state_page_id: int | None) -> LoadedState:
        """The stored state as the wiki holds it now (``None``: no state page yet)."""
        if state_page_id is None:
            return load_state(None, root=self.root)
        loaded = self.read_states([state_page_id]).get(state_page_id)
        if loaded is None:
            raise StateError(
                f"the state page {self.state_path} (id {state_page_id}) disappeared while "
                "wikisync was reading it; run the command again"
            )
        return loaded

    def read_states(self, ids: Iterable[int]) -> dict[int, LoadedState]:
        """State pages by id, read from the wiki (batched reads never use the SDK's cache:
        another apply may have written them a moment ago)."""
        found = self.fetch_full(ids)
        return {i: load_state(page.content, root=self.root) for i, page in found.items()}

    def fetch_full(self, ids: Iterable[int]) -> dict[int, RemotePage]:
        """Full records (content, scripts, publish dates) for ``ids``, batched."""
        wanted = sorted(set(ids))
        out: dict[int, RemotePage] = {}
        if not wanted:
            return out
        for result in self.client.pages.get_many(wanted):
            if result.ok and result.value is not None:
                page = result.value
                with self._lock:
                    self._full[int(page.id)] = page
                out[int(page.id)] = _to_remote(page, full=True)
        return out

    def current(self, page_id: int) -> Page:
        with self._lock:
            page = self._full.get(page_id)
        if page is None:
            page = self.client.pages.get(page_id)
            with self._lock:
                self._full[page_id] = page
        return page

    # -- page writes -----------------------------------------------------------------

    def create(self, local: LocalPage) -> RemotePage:
        page = self.client.pages.create(
            local.path,
            content=local.content,
            locale=local.locale,
            **local.fields.for_create(),
        )
        return _to_remote(page, full=False)

    def update(self, page_id: int, local: LocalPage) -> RemotePage:
        """Content and every field the file sets; everything else keeps its value."""
        current = self.current(page_id)
        changes: dict[str, Any] = {"content": local.content}
        for name, value in local.fields.set_fields().items():
            changes[name] = value
        page = self.client.pages.update(page_id, current=current, **changes)
        with self._lock:
            self._full.pop(page_id, None)
        return _to_remote(page, full=False)

    def move(self, page_id: int, path: str, locale: str) -> RemotePage:
        self.client.pages.move(page_id, path, locale)
        with self._lock:
            self._full.pop(page_id, None)
        return _to_remote(self.client.pages.get(page_id), full=False)

    def delete(self, page_id: int) -> None:
        self.client.pages.delete(page_id)

    def finish(self) -> bool:
        """Rebuild the page tree once if a write left it stale. Returns whether it did."""
        if self.client.pages.tree_stale:
            self.client.pages.rebuild_tree()
            return True
        return False

    # -- state -----------------------------------------------------------------------

    def write_state(self, state: State, *, page_id: int | None, lock: Lock | None = None) -> int:
        """Create or replace the state page; returns its id."""
        content = dump_state(state, lock=lock)
        if page_id is None:
            page = self.client.pages.create(
                self.state_path,
                content=content,
                locale=self.locale,
                title="wikisync state",
                description="Managed by wikisync. Do not edit.",
                tags=["wikisync"],
                is_published=False,
                is_private=False,
                editor="code",
            )
            return int(page.id)
        self.client.pages.update(
            page_id,
            content=content,
            title="wikisync state",
            description="Managed by wikisync. Do not edit.",
            tags=["wikisync"],
            is_published=False,
        )
        return page_id

    def delete_pages(self, ids: Sequence[int]) -> None:
        for page_id in ids:
            self.client.pages.delete(page_id)

    # -- assets ----------------------------------------------------------------------

    def _child_folders(self, parent_id: int) -> dict[str, int]:
        with self._lock:
            known = self._children.get(parent_id)
        if known is None:
            known = {f.slug: f.id for f in self.client.assets.folders(parent_id)}
            with self._lock:
                self._children[parent_id] = known
        return known

    def folder_id(self, folder: tuple[str, ...]) -> int | None:
        """The id of the asset folder at ``folder`` (slugs), or ``None`` if it does not exist."""
        with self._lock:
            known = self._folder_ids.get(folder)
        if known is not None:
            return known
        parent = 0
        for depth, slug in enumerate(folder):
            child = self._child_folders(parent).get(slug)
            if child is None:
                return None
            parent = child
            with self._lock:
                self._folder_ids[folder[: depth + 1]] = parent
        return parent

    def asset_listing(self, folders: Iterable[tuple[str, ...]]) -> dict[str, RemoteAsset]:
        """The assets directly inside ``folders``, keyed by served path (no leading ``/``)."""
        out: dict[str, RemoteAsset] = {}
        for folder in sorted(set(folders)):
            folder_id = self.folder_id(folder)
            if folder_id is None:
                continue
            for asset in self.client.assets.list(folder_id):
                remote = _to_remote_asset(asset, folder)
                out[remote.path] = remote
        return out

    def asset_digest(self, path: str) -> str:
        """sha256 hex of the bytes the wiki serves at ``/<path>``."""
        return hashlib.sha256(self.download_asset(path)).hexdigest()

    def download_asset(self, path: str) -> bytes:
        """The bytes the wiki serves at ``/<path>`` (a served asset path)."""
        return self.client.assets.download("/" + path)

    def ensure_folder(self, folder: tuple[str, ...]) -> int:
        """The id of the asset folder at ``folder`` (slugs), creating missing folders."""
        found = self.folder_id(folder)
        if found is not None:
            return found
        folder_id = self.client.assets.ensure_folder("/".join(folder))
        with self._lock:
            self._folder_ids[folder] = folder_id
            self._children.clear()  # new folders: list again when asked
        return folder_id

    def upload_asset(self, directory: Path, change: AssetChange) -> UploadedAsset:
        """Upload ``change.source`` into its folder (the same name overwrites in place).

        The file is read once: the digest and size returned are those of the bytes sent.
        """
        assert change.source is not None
        folder_id = self.ensure_folder(change.folder)
        data = (directory / change.source).read_bytes()
        asset = self.client.assets.upload(data, filename=change.filename, folder_id=folder_id)
        return UploadedAsset(
            asset=_to_remote_asset(asset, change.folder),
            digest=hashlib.sha256(data).hexdigest(),
            size=len(data),
        )

    def delete_asset(self, asset_id: int) -> None:
        self.client.assets.delete(asset_id)


def _to_remote_asset(asset: Asset, folder: tuple[str, ...]) -> RemoteAsset:
    return RemoteAsset(
        id=int(asset.id),
        folder=folder,
        filename=asset.filename,
        size=int(asset.file_size),
        updated_at=str(asset.updated_at or ""),
    )
