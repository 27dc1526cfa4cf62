"""The wiki side: the only wikisync module that talks to Wiki.js (through the SDK).

It reads as little as possible: one ``pages.list`` for the whole wiki (filtered to
``root`` here, since the API has no path filter), the state (one download of its head,
one per segment file; ``wikisync.wiki.state``), and batched ``pages.single`` reads (50 per
request) only for pages whose content the plan needs. Writes go through the SDK's safe calls: ``update`` is read-modify-write against
the full page fetched for the plan, so fields a file does not set keep their values.

Assets: only the asset folders a plan involves are listed (``assets.folders`` down the
folder path, then ``assets.list``; nothing at all when no page links to a file and the
state records no asset), and bytes are downloaded only for the paths
``wikisync.plan.assets.asset_downloads_needed`` names. Uploads create missing folders first.

It is one module because it is the one object that reads and writes the wiki for wikisync,
so every request it makes can be counted in one place.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from wikijs import (
    Asset,
    ForbiddenError,
    HTTPStatusError,
    NavigationItem,
    NavigationTree,
    NotFoundError,
    Page,
    PayloadTooLargeError,
    WikiJSClient,
    WikiJSError,
)
from wikisync._bounded import aware_time
from wikisync.errors import NavigationError, StateError
from wikisync.plan.model import (
    AssetChange,
    LocalPage,
    NavItem,
    NavMenu,
    RemoteAsset,
    RemotePage,
    State,
    state_page_path,
)
from wikisync.wiki.state import (
    HEAD_NAME,
    MAX_HEAD_BYTES,
    MAX_LOCK_BYTES,
    Head,
    LoadedState,
    Lock,
    StateWrite,
    dump_lock,
    head_root,
    is_lock_name,
    is_segment_name,
    legacy_state_folder,
    load_head,
    load_lock,
    load_segment,
    load_state,
    lock_name,
    merge_segments,
    plan_state_write,
    state_folder,
    state_folder_may_hold,
)

__all__ = [
    "LEGACY_NOTICE",
    "MAX_NESTED_FOLDERS",
    "HeldLock",
    "Listing",
    "LockFile",
    "Remote",
    "RemoteSnapshot",
    "UploadedAsset",
    "in_scope",
]

LEGACY_NOTICE = (
    "# wikisync state\n\n"
    "wikisync keeps its state in the asset folder /{folder} now. This page is no longer "
    "read; it holds no state so that an older wikisync trusts no stale copy of it.\n"
)
"""What a format-1 state page says once its state was migrated."""

MAX_NESTED_FOLDERS = 256
"""At most this many other state folders are read to find roots nested in this one."""


def _iso(value: Any) -> str:
    """A time from the wiki as an ISO string with a time zone; ``""`` when it has none or
    is not a time (such a page counts as edited in the wiki: it is never overwritten or
    deleted without ``--force``)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        text = value.isoformat().replace("+00:00", "Z") if value.tzinfo is not None else ""
    else:
        text = str(value)
    return text if aware_time(text) is not None else ""


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
    """The wiki's pages under ``root`` (list fields only) and the stored state.

    ``state_page_id`` is a format-1 state page, if the wiki still has one."""

    pages: tuple[RemotePage, ...]
    loaded: LoadedState
    state_page_id: int | None
    state_updated_at: str | None
    duplicate_state_pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class LockFile:
    """A lock file in the state folder; ``lock`` is ``None`` when it cannot be read."""

    asset_id: int
    name: str
    updated_at: str
    lock: Lock | None


@dataclass(frozen=True)
class HeldLock:
    """Our lock file, and the other lock files listed right after it was written.

    ``files`` are the state folder's other files (name -> asset id) in that listing:
    what the state write may remove once its new head no longer names them."""

    lock: Lock
    asset_id: int
    others: tuple[LockFile, ...]
    files: tuple[tuple[str, int], ...] = ()
    folder: tuple[str, ...] = ()
    """Where the lock file is (``()``: the state folder)."""


@dataclass(frozen=True)
class UploadedAsset:
    """An upload as the server stored it, with the sha256 and size of the bytes sent."""

    asset: RemoteAsset
    digest: str
    size: int


_UNREAD = object()
"""A setting not read from the wiki yet."""


class Remote:
    """Reads and writes one wiki under one root. Safe to share between threads."""

    def __init__(
        self, client: WikiJSClient, *, root: str, locale: str, state_key: bytes | None = None
    ) -> None:
        self.client = client
        self.root = root.strip("/")
        self.locale = locale
        self.state_key = state_key or None
        self.unreadable_times: set[str] = set()
        """Paths of pages whose ``updatedAt`` had no time zone (or was not a time)."""
        self.state_path = state_page_path(self.root)
        self._full: dict[int, Page] = {}
        self._lock = threading.Lock()
        self._children: dict[int, dict[str, int]] = {}
        self._folder_ids: dict[tuple[str, ...], int] = {(): 0}
        self._line_breaks: object = _UNREAD

    # -- reads ---------------------------------------------------------------------

    def list_pages(self) -> Listing:
        """Where every page under ``root`` is and when it last changed.

        One ``pages.list`` of the whole wiki (the API has no path filter) asking for id,
        path, locale and ``updatedAt`` only (``pages.stamps``), filtered to ``root``: the
        other fields of these records are ``None`` (the plan reads the full record of
        any page it has to compare)."""
        pages: list[RemotePage] = []
        state_pages: list[tuple[int, str]] = []
        for item in self.client.pages.stamps():
            if not in_scope(item.path, self.root):
                continue
            if item.path == self.state_path:
                state_pages.append((int(item.id), item.updated_at))
                continue
            stamp = _iso(item.updated_at)
            if not stamp and item.updated_at:
                with self._lock:
                    self.unreadable_times.add(item.path)
            pages.append(RemotePage.listed(int(item.id), item.locale, item.path, stamp))
        return Listing(
            pages=tuple(sorted(pages, key=lambda p: (p.path, p.locale, p.id))),
            state_pages=tuple(sorted(state_pages)),
        )

    def known_tags(self) -> frozenset[str]:
        """The tags the wiki's pages carry (one ``pages.tags``); empty if it cannot be read
        (every tag then counts as new, which only orders writes more strictly)."""
        try:
            return frozenset(t.tag.strip().lower() for t in self.client.pages.tags())
        except WikiJSError:
            return frozenset()

    def installed_locales(self) -> frozenset[str] | None:
        """The codes of the locales pages can be written in; ``None`` when the key may not
        read them (``localization.locales`` needs ``manage:system``)."""
        try:
            locales = self.client.localization.locales()
        except ForbiddenError:
            return None
        return frozenset(loc.code for loc in locales if loc.is_installed)

    def shows_line_breaks(self) -> bool | None:
        """Whether the wiki renders every line break inside a paragraph as one
        (``markdownCore``'s ``linebreaks``, on in a fresh install); ``None`` when the key
        may not read the rendering settings (``manage:system``). Read once."""
        if self._line_breaks is _UNREAD:  # one read per Remote: the plan and apply agree
            try:
                renderers = self.client.rendering.renderers()
            except ForbiddenError:
                self._line_breaks = None
            else:
                core = next((r for r in renderers if r.key == "markdownCore"), None)
                value = core.setting("linebreaks") if core is not None else None
                self._line_breaks = value if isinstance(value, bool) else None
        return self._line_breaks if isinstance(self._line_breaks, bool) else None

    def snapshot(self) -> RemoteSnapshot:
        """The pages under ``root`` (list fields only) and the stored state.

        The asset state is downloaded while the page list is read."""
        with ThreadPoolExecutor(max_workers=1) as pool:
            stored = pool.submit(self._read_asset_state)
            listing = self.list_pages()
            loaded = stored.result()
        state_page_id, state_updated_at = (
            listing.state_pages[0] if listing.state_pages else (None, None)
        )
        if loaded is None:
            loaded = self._read_legacy_state(state_page_id)
        return RemoteSnapshot(
            pages=listing.pages,
            loaded=loaded,
            state_page_id=state_page_id,
            state_updated_at=state_updated_at,
            duplicate_state_pages=tuple(i for i, _ in listing.state_pages[1:]),
        )

    @property
    def state_folder(self) -> tuple[str, ...]:
        return state_folder(self.root)

    def _state_url(self, name: str, folder: tuple[str, ...] | None = None) -> str:
        return "/".join((*(folder or self.state_folder), name))

    def _download_or_none(
        self, name: str, folder: tuple[str, ...] | None = None, *, max_bytes: int | None = None
    ) -> bytes | None:
        """A state file's bytes (``None`` when there is none). With ``max_bytes``, a
        larger file raises ``PayloadTooLargeError`` after that many bytes were read."""
        try:
            return self.client.assets.download(self._state_url(name, folder), max_bytes=max_bytes)
        except NotFoundError:
            return None
        except PayloadTooLargeError:
            raise
        except HTTPStatusError as exc:
            if getattr(exc, "status", None) == 404:
                return None
            raise

    def state_is_public(self) -> bool | None:
        """Whether anyone can download the state: one request for its head without
        credentials. ``None`` when there is no head yet or the answer says nothing."""
        try:
            return self.client.assets.readable_by_guests(self._state_url(HEAD_NAME))
        except WikiJSError:
            return None

    def read_state(self, legacy_page_id: int | None = None) -> LoadedState:
        """The stored state as the wiki holds it now (never cached).

        One download of the head, then one per segment file. Without a head, the state
        folder of wikisync 0.2 and 0.3 is read, then the format-1 state page
        ``legacy_page_id`` (if any)."""
        loaded = self._read_asset_state()
        return self._read_legacy_state(legacy_page_id) if loaded is None else loaded

    def _folder_files(self, folder: tuple[str, ...]) -> dict[str, Asset]:
        folder_id = self.folder_id(folder)
        if folder_id is None:
            return {}
        return {a.filename: a for a in self.client.assets.list(folder_id)}

    def _read_asset_state(self) -> LoadedState | None:
        """The asset state, or ``None`` when there is no head.

        Every read is bounded: the head is read up to ``MAX_HEAD_BYTES``, each segment
        file up to the size the head records for it (itself at most an upload's size);
        a file that is larger is not read any further."""
        loaded = self._read_folder(self.state_folder)
        if loaded is not None:
            return loaded
        loaded = self._read_folder(legacy_state_folder(self.root))
        if loaded is None or (loaded.problem and loaded.head is None):
            # Another root's head (two roots could share the old folder) or none: no state.
            return None
        return dataclasses.replace(loaded, old_folder=True)

    def _read_folder(self, folder: tuple[str, ...]) -> LoadedState | None:
        empty = State(root=self.root)
        try:
            raw = self._download_or_none(HEAD_NAME, folder, max_bytes=MAX_HEAD_BYTES)
        except PayloadTooLargeError:
            return LoadedState(
                empty,
                problem=f"the state head is larger than {MAX_HEAD_BYTES} bytes, too large to read",
            )
        if raw is None:
            return None
        head = load_head(raw, root=self.root, key=self.state_key)
        if isinstance(head, str):
            return LoadedState(empty, problem=head)
        return self._read_segments(head, folder, signed=self.state_key is not None)

    def nested_roots(self, pages: Iterable[RemotePage]) -> tuple[str, ...]:
        """The roots under ``root`` that another wikisync directory manages (they have a
        state: a head in a state folder, or a format-1 state page), shallowest first.

        Only state folders whose name starts like this root's are looked at, at most
        ``MAX_NESTED_FOLDERS``; the head of each is read (up to ``MAX_HEAD_BYTES``), not
        verified: a root it names is only ever left alone."""
        marker = "/" + state_page_path("").strip("/")
        found = {
            p.path[: -len(marker)]
            for p in pages
            if p.path.endswith(marker) and p.path != self.state_path
        }
        base = self.folder_id(("_wikisync",))
        if base is not None:
            own = {self.state_folder[1], legacy_state_folder(self.root)[1]}
            candidates = [
                slug
                for slug in sorted(self._child_folders(base))
                if slug not in own and state_folder_may_hold(slug, self.root)
            ]
            if len(candidates) > MAX_NESTED_FOLDERS:
                raise StateError(
                    f"/_wikisync holds {len(candidates)} state folders that may belong to "
                    f"roots under {self.root or 'the whole wiki'}; wikisync checks at most "
                    f"{MAX_NESTED_FOLDERS}"
                )
            for slug in candidates:
                try:
                    data = self._download_or_none(
                        HEAD_NAME, ("_wikisync", slug), max_bytes=MAX_HEAD_BYTES
                    )
                except PayloadTooLargeError:
                    continue
                root = head_root(data) if data is not None else None
                if root is not None:
                    found.add(root)
        nested = {r for r in found if r != self.root and in_scope(r, self.root) and r}
        return tuple(sorted(nested, key=lambda r: (r.count("/"), r)))

    def _identity_id(self) -> int | None:
        try:
            return int(self.client.whoami().id)
        except WikiJSError:  # no identity, no proof: the state page is simply not verified
            return None

    def _read_legacy_state(self, page_id: int | None) -> LoadedState:
        """The format-1 state page ``page_id`` (an empty state without one).

        Such a page carries no signature: it is verified when the identity wikisync runs
        as saved it last (the page's ``authorId``). With the state key, a page that
        someone else saved last is not trusted at all."""
        if page_id is None:
            return load_state(None, root=self.root)
        page = self.fetch_full([page_id]).get(page_id)
        if page is None:
            raise StateError(
                f"the state page {self.state_path} (id {page_id}) disappeared "
                "while wikisync was reading it; run the command again"
            )
        loaded = load_state(page.content, root=self.root)
        with self._lock:
            record = self._full.get(page_id)
        author = record.author_id if record is not None else None
        verified = loaded.problem is None and author is not None and author == self._identity_id()
        if loaded.problem is None and not verified and self.state_key:
            return LoadedState(
                State(root=self.root),
                problem=(
                    f"the state page {self.state_path} was last saved by another user "
                    f"(id {author}), not by the one wikisync runs as"
                ),
                legacy=True,
            )
        return LoadedState(loaded.state, problem=loaded.problem, legacy=True, verified=verified)

    def state_changed(self, loaded: LoadedState, legacy_page_id: int | None = None) -> bool:
        """Whether the stored state is no longer ``loaded`` (read earlier by ``read_state``).

        One download of the head, which names every segment by checksum (segments are
        never rewritten), so an equal head means an equal state. Only while there is no
        head is the older state (the old folder, the format-1 page) read again."""
        try:
            raw = self._download_or_none(HEAD_NAME, max_bytes=MAX_HEAD_BYTES)
        except PayloadTooLargeError:
            return True  # not the head that was read: the state changed
        if raw is None:
            if loaded.head is not None and not loaded.old_folder:
                return True
            fresh = self.read_state(legacy_page_id)
            return (fresh.state, fresh.problem, fresh.head) != (
                loaded.state,
                loaded.problem,
                loaded.head,
            )
        if loaded.old_folder:
            return True
        head = load_head(raw, root=self.root, key=self.state_key)
        if isinstance(head, str):
            return loaded.head is not None or loaded.problem != head
        return head != loaded.head

    def _read_segments(self, head: Head, folder: tuple[str, ...], *, signed: bool) -> LoadedState:
        segments = []
        empty = State(root=self.root)
        for segment in head.segments:
            parts = []
            for file in segment.files:
                try:
                    data = self._download_or_none(file.name, folder, max_bytes=file.size)
                except PayloadTooLargeError:
                    return LoadedState(
                        empty,
                        problem=(
                            f"the state file {file.name} does not match its checksum (it is "
                            f"larger than the {file.size} bytes its head records)"
                        ),
                        head=head,
                    )
                if data is None:
                    return LoadedState(
                        empty, problem=f"the state file {file.name} is missing", head=head
                    )
                if len(data) != file.size or hashlib.sha256(data).hexdigest() != file.sha256:
                    return LoadedState(
                        empty,
                        problem=f"the state file {file.name} does not match its checksum",
                        head=head,
                    )
                parts.append(data)
            try:
                segments.append(load_segment(parts))
            except ValueError as exc:
                return LoadedState(empty, problem=f"{exc} ({segment.files[0].name})", head=head)
        return LoadedState(
            merge_segments(head, segments),
            head=head,
            segments=tuple(segments),
            verified=signed,
        )

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

    def state_files(self) -> dict[str, Asset]:
        """The files in the state folder by name (nothing if it does not exist)."""
        return self._folder_files(self.state_folder)

    def take_lock(self, lock: Lock, folder: tuple[str, ...] = ()) -> HeldLock:
        """Write our lock file into ``folder`` (default: the state folder), then list
        that folder: the other lock files seen then."""
        folder_id = self.ensure_folder(folder or self.state_folder)
        name = self.client.assets.put(
            dump_lock(lock), filename=lock_name(lock), folder_id=folder_id
        )
        return self._listed_in(lock, name, folder) if folder else self._listed(lock, name)

    def relist_lock(self, held: HeldLock) -> HeldLock:
        """``held`` with its folder listed again."""
        if held.folder:
            return self._listed_in(held.lock, lock_name(held.lock), held.folder)
        return self._listed(held.lock, lock_name(held.lock))

    def _listed(self, lock: Lock, mine: str) -> HeldLock:
        """The state folder's lock files, seen by the holder of ``mine``."""
        return self._listed_in(lock, mine, ())

    def _listed_in(self, lock: Lock, mine: str, folder: tuple[str, ...]) -> HeldLock:
        where = folder or self.state_folder
        others = []
        files = []
        asset_id: int | None = None
        for name, asset in sorted(self._folder_files(where).items()):
            if name == mine:
                asset_id = int(asset.id)
            elif not is_lock_name(name):
                files.append((name, int(asset.id)))
            else:
                found = None
                if asset.file_size <= MAX_LOCK_BYTES:  # larger: unreadable, never downloaded
                    with contextlib.suppress(PayloadTooLargeError):  # grew since the listing
                        data = self._download_or_none(name, where, max_bytes=MAX_LOCK_BYTES)
                        found = load_lock(data) if data is not None else None
                others.append(LockFile(int(asset.id), name, str(asset.updated_at or ""), found))
        if asset_id is None:
            raise StateError(
                f"the lock file {mine} was uploaded but /{'/'.join(where)} does not list it"
            )
        return HeldLock(lock, asset_id, tuple(others), tuple(files), folder)

    def discard_lock_file(self, asset_id: int) -> None:
        """Remove a lock file; one already gone (removed by its own apply) is fine."""
        with contextlib.suppress(NotFoundError):
            self.client.assets.delete(asset_id)

    def write_state(
        self, old: LoadedState, state: State, *, held: HeldLock | None = None
    ) -> StateWrite:
        """Upload the segments that changed, then the head (the commit point); then
        remove the files the new head no longer names (lock files excepted).

        Under ``held``, the files to remove are those its listing showed (nobody else
        writes while the lock is held); without it the folder is listed again. Only
        segment files (by their names) are ever removed: a file that someone else put in
        the folder stays. A state read from the old state folder is moved: once the new
        head is written, the old head and the segment files it names are removed."""
        write = plan_state_write(old, state, key=self.state_key)
        folder_id = self.ensure_folder(self.state_folder)
        for name, data in write.files.items():
            self.client.assets.put(data, filename=name, folder_id=folder_id)
        self.client.assets.put(write.head, filename=HEAD_NAME, folder_id=folder_id)
        keep = {f.name for f in write.head_value.files} | {HEAD_NAME}
        if held is not None:
            listed = list(held.files)
        else:
            listed = [(name, int(a.id)) for name, a in self.state_files().items()]
        for name, asset_id in listed:
            if name not in keep and is_segment_name(name):
                with contextlib.suppress(NotFoundError):
                    self.client.assets.delete(asset_id)
        if old.old_folder and old.head is not None:
            self._retire_old_folder(old.head)
        return write

    def _retire_old_folder(self, head: Head) -> None:
        """Remove the old folder's head and the segment files it named (nothing else)."""
        named = {f.name for f in head.files} | {HEAD_NAME}
        for name, asset in self._folder_files(legacy_state_folder(self.root)).items():
            if name in named:
                with contextlib.suppress(NotFoundError):
                    self.client.assets.delete(int(asset.id))

    def release_lock(self, held: HeldLock) -> None:
        self.client.assets.delete(held.asset_id)

    def retire_legacy_page(self, page_id: int) -> None:
        """Replace a migrated format-1 state page's content with a notice."""
        self.client.pages.update(
            page_id,
            content=LEGACY_NOTICE.format(folder="/".join(self.state_folder)),
            title="wikisync state (moved)",
            description="Managed by wikisync. Do not edit.",
            tags=["wikisync"],
            is_published=False,
        )

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

    # -- navigation ----------------------------------------------------------------

    def navigation_menus(self) -> tuple[NavMenu, ...]:
        """Every locale's navigation menu, items exactly as the wiki holds them."""
        try:
            trees = self.client.navigation.tree()
        except ForbiddenError as exc:
            raise NavigationError(_NO_NAVIGATION_ACCESS.format(what="read")) from exc
        return tuple(NavMenu(t.locale, tuple(_to_nav_item(i) for i in t.items)) for t in trees)

    def navigation_mode(self) -> str:
        """The wiki's navigation mode (NONE, TREE, MIXED or STATIC)."""
        try:
            return self.client.navigation.mode()
        except ForbiddenError as exc:
            raise NavigationError(_NO_NAVIGATION_ACCESS.format(what="read")) from exc

    def write_navigation(self, menus: Sequence[NavMenu]) -> None:
        """Replace the whole menu (every locale) with ``menus``: one ``updateTree``."""
        trees = [
            NavigationTree(locale=m.locale, items=[_from_nav_item(i) for i in m.items])
            for m in menus
        ]
        try:
            self.client.navigation.update_tree(trees)
        except ForbiddenError as exc:
            raise NavigationError(_NO_NAVIGATION_ACCESS.format(what="write")) from exc

    def delete_asset(self, asset_id: int) -> None:
        self.client.assets.delete(asset_id)


_NO_NAVIGATION_ACCESS = (
    "wikisync.yml sets navigation:, but the API key may not {what} the wiki's navigation "
    "menu (it needs the manage:navigation permission). Give the key's group that "
    "permission, or remove navigation: from wikisync.yml."
)


def _to_nav_item(item: NavigationItem) -> NavItem:
    groups = item.visibility_groups
    return NavItem(
        id=item.id,
        kind=item.kind,
        label=item.label,
        icon=item.icon,
        target_type=item.target_type,
        target=item.target,
        visibility_mode=item.visibility_mode,
        visibility_groups=None if groups is None else tuple(groups),
    )


def _from_nav_item(item: NavItem) -> NavigationItem:
    groups = item.visibility_groups
    return NavigationItem(
        id=item.id,
        kind=item.kind,
        label=item.label,
        icon=item.icon,
        target_type=item.target_type,
        target=item.target,
        visibility_mode=item.visibility_mode,
        visibility_groups=None if groups is None else list(groups),
    )


def _to_remote_asset(asset: Asset, folder: tuple[str, ...]) -> RemoteAsset:
    return RemoteAsset(
        id=int(asset.id),
        folder=folder,
        filename=asset.filename,
        size=int(asset.file_size),
        updated_at=_iso(asset.updated_at),
    )
