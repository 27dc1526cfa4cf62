"""The emulated database: plain records, indexes, id sequences and JSON persistence.

Everything here is only touched from the emulator's engine thread (or before the
server starts), so no locking is needed. Records mirror Wiki.js's tables closely
enough that the engine can follow the real server's code paths.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import secrets
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

STATE_FORMAT = 1


@dataclass(slots=True)
class PageRow:
    id: int
    path: str
    locale: str
    title: str
    description: str
    content: str
    content_type: str
    editor: str
    is_published: bool
    is_private: bool
    private_ns: str | None
    publish_start_date: str
    publish_end_date: str
    script_css: str
    script_js: str
    hash: str
    render: str | None
    toc: list[Any]
    created_at: str
    updated_at: str
    author_id: int
    creator_id: int
    tag_ids: list[int] = field(default_factory=list)
    links: list[list[str]] = field(default_factory=list)


@dataclass(slots=True)
class VersionRow:
    id: int
    page_id: int
    author_id: int
    content: str
    content_type: str
    description: str
    editor: str
    hash: str
    is_private: bool
    is_published: bool
    locale: str
    path: str
    publish_start_date: str
    publish_end_date: str
    title: str
    action: str
    version_date: str
    created_at: str


@dataclass(slots=True)
class TagRow:
    id: int
    tag: str
    title: str
    created_at: str
    updated_at: str


@dataclass(slots=True)
class FolderRow:
    id: int
    slug: str
    name: str
    parent_id: int | None
    created_at: str
    updated_at: str


@dataclass(slots=True)
class AssetRow:
    id: int
    filename: str
    ext: str
    kind: str
    mime: str
    file_size: int
    folder_id: int | None
    author_id: int
    data: bytes
    created_at: str
    updated_at: str


@dataclass(slots=True)
class UserRow:
    id: int
    email: str
    name: str
    provider_key: str
    password_hash: str
    is_system: bool
    is_active: bool
    is_verified: bool
    must_change_pwd: bool
    location: str
    job_title: str
    timezone: str
    date_format: str
    appearance: str
    created_at: str
    updated_at: str
    last_login_at: str | None
    group_ids: list[int] = field(default_factory=list)
    tfa_is_active: bool = False
    #: tokens issued before this epoch second must be renewed (Wiki.js revocation list)
    tokens_valid_after: float = 0.0


@dataclass(slots=True)
class GroupRow:
    id: int
    name: str
    is_system: bool
    redirect_on_login: str
    permissions: list[str]
    page_rules: list[dict[str, Any]]
    created_at: str
    updated_at: str


@dataclass(slots=True)
class ApiKeyRow:
    id: int
    name: str
    key: str
    expiration: str
    created_at: str
    updated_at: str
    is_revoked: bool
    group_id: int


@dataclass(slots=True)
class TreeRow:
    id: int
    path: str
    depth: int
    title: str
    is_private: bool
    is_folder: bool
    private_ns: str | None
    parent: int | None
    page_id: int | None
    locale: str
    ancestors: list[int]


_TABLES: dict[str, type[Any]] = {
    "pages": PageRow,
    "versions": VersionRow,
    "tags": TagRow,
    "folders": FolderRow,
    "assets": AssetRow,
    "users": UserRow,
    "groups": GroupRow,
    "api_keys": ApiKeyRow,
}


@dataclass
class WikiState:
    """All tables of one emulated wiki plus its settings."""

    pages: dict[int, PageRow] = field(default_factory=dict)
    versions: dict[int, VersionRow] = field(default_factory=dict)
    tags: dict[int, TagRow] = field(default_factory=dict)
    folders: dict[int, FolderRow] = field(default_factory=dict)
    assets: dict[int, AssetRow] = field(default_factory=dict)
    users: dict[int, UserRow] = field(default_factory=dict)
    groups: dict[int, GroupRow] = field(default_factory=dict)
    api_keys: dict[int, ApiKeyRow] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    locales: list[str] = field(default_factory=lambda: ["en"])
    api_enabled: bool = True
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    site: dict[str, Any] = field(default_factory=dict)
    navigation: list[dict[str, Any]] = field(default_factory=list)
    #: the emulator's own bookkeeping (its API key, the admin password)
    emulator: dict[str, Any] = field(default_factory=dict)
    rendering: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Renderer settings that differ from a fresh install's: renderer key -> setting ->
    value (``{"markdownCore": {"linebreaks": False}}``)."""
    # derived, not persisted ---------------------------------------------------------
    by_path: dict[tuple[str, str], list[int]] = field(default_factory=dict, repr=False)
    #: (locale, path) -> ids of the pages whose rendered links point there
    linked_from: dict[tuple[str, str], set[int]] = field(default_factory=dict, repr=False)
    versions_by_page: dict[int, list[int]] = field(default_factory=dict, repr=False)
    tag_by_name: dict[str, int] = field(default_factory=dict, repr=False)
    key_by_token: dict[str, int] = field(default_factory=dict, repr=False)
    tree: list[TreeRow] = field(default_factory=list, repr=False)
    tree_dirty: bool = field(default=True, repr=False)

    # -- sequences -----------------------------------------------------------------
    def next_id(self, table: str) -> int:
        value = self.sequences.get(table, 0) + 1
        self.sequences[table] = value
        return value

    # -- indexes -------------------------------------------------------------------
    def index_page(self, page: PageRow) -> None:
        ids = self.by_path.setdefault((page.locale, page.path), [])
        ids.append(page.id)
        ids.sort()

    def unindex_page(self, page: PageRow) -> None:
        key = (page.locale, page.path)
        ids = self.by_path.get(key)
        if ids and page.id in ids:
            ids.remove(page.id)
            if not ids:
                del self.by_path[key]

    def set_links(self, page: PageRow, links: list[list[str]]) -> None:
        """Replace ``page.links`` (what its last render found), keeping ``linked_from``."""
        self._unlink(page)
        page.links = links
        for locale, path in links:
            self.linked_from.setdefault((locale, path), set()).add(page.id)

    def _unlink(self, page: PageRow) -> None:
        for locale, path in page.links:
            ids = self.linked_from.get((locale, path))
            if ids is not None:
                ids.discard(page.id)
                if not ids:
                    del self.linked_from[(locale, path)]

    def remove_page(self, page_id: int) -> None:
        page = self.pages.pop(page_id)
        self._unlink(page)

    def linking_to(self, locale: str, path: str) -> list[PageRow]:
        """The pages whose links point at ``locale``/``path``, lowest id first."""
        ids = sorted(self.linked_from.get((locale, path), ()))
        return [self.pages[i] for i in ids if i in self.pages]

    def page_at(self, locale: str, path: str) -> PageRow | None:
        ids = self.by_path.get((locale, path))
        return self.pages[ids[0]] if ids else None

    def add_version(self, version: VersionRow) -> None:
        self.versions[version.id] = version
        self.versions_by_page.setdefault(version.page_id, []).append(version.id)

    def add_tag(self, tag: TagRow) -> None:
        self.tags[tag.id] = tag
        self.tag_by_name[tag.tag] = tag.id

    def add_api_key(self, key: ApiKeyRow) -> None:
        self.api_keys[key.id] = key
        self.key_by_token[key.key] = key.id

    def rebuild_indexes(self) -> None:
        self.by_path.clear()
        self.linked_from.clear()
        self.versions_by_page.clear()
        self.tag_by_name.clear()
        self.key_by_token.clear()
        for page in self.pages.values():
            self.index_page(page)
            for locale, path in page.links:
                self.linked_from.setdefault((locale, path), set()).add(page.id)
        for version in self.versions.values():
            self.versions_by_page.setdefault(version.page_id, []).append(version.id)
        for tag in self.tags.values():
            self.tag_by_name[tag.tag] = tag.id
        for key in self.api_keys.values():
            self.key_by_token[key.key] = key.id
        self.tree_dirty = True

    # -- persistence ---------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": STATE_FORMAT}
        for name in _TABLES:
            rows = getattr(self, name).values()
            doc[name] = [_row_to_json(row) for row in rows]
        doc.update(
            sequences=dict(self.sequences),
            locales=list(self.locales),
            api_enabled=self.api_enabled,
            secret=self.secret,
            site=dict(self.site),
            navigation=json.loads(json.dumps(self.navigation)),
            emulator=dict(self.emulator),
            rendering=json.loads(json.dumps(self.rendering)),
        )
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> WikiState:
        if doc.get("format") != STATE_FORMAT:
            raise ValueError(f"unsupported emulator state format: {doc.get('format')!r}")
        state = cls()
        for name, row_type in _TABLES.items():
            table = getattr(state, name)
            for raw in doc.get(name, []):
                row = _row_from_json(row_type, raw)
                table[row.id] = row
        state.sequences = {str(k): int(v) for k, v in doc.get("sequences", {}).items()}
        state.locales = list(doc.get("locales", ["en"]))
        state.api_enabled = bool(doc.get("api_enabled", True))
        state.secret = str(doc.get("secret") or secrets.token_hex(32))
        state.site = dict(doc.get("site", {}))
        state.navigation = list(doc.get("navigation", []))
        state.emulator = dict(doc.get("emulator", {}))
        state.rendering = {str(k): dict(v) for k, v in doc.get("rendering", {}).items()}
        state.rebuild_indexes()
        return state


def _row_to_json(row: Any) -> dict[str, Any]:
    out = asdict(row)
    for key, value in out.items():
        if isinstance(value, bytes):
            out[key] = {"base64": base64.b64encode(value).decode("ascii")}
    return out


def _row_from_json(row_type: type[Any], raw: dict[str, Any]) -> Any:
    known = {f.name for f in fields(row_type)}
    kwargs = {}
    for key, value in raw.items():
        if key not in known:
            continue
        if isinstance(value, dict) and set(value) == {"base64"}:
            value = base64.b64decode(value["base64"])
        kwargs[key] = value
    return row_type(**kwargs)


def write_state_file(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` atomically (temporary file in the same folder + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(doc, handle, ensure_ascii=False, separators=(",", ":"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_state_file(path: Path) -> WikiState:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path}:{exc.lineno}: not a valid emulator state file: {exc.msg}"
        ) from exc
    if not isinstance(doc, dict):
        raise ValueError(f"{path}: not a valid emulator state file")
    try:
        return WikiState.from_json(doc)
    except (TypeError, KeyError, ValueError) as exc:
        raise ValueError(f"{path}: not a valid emulator state file: {exc}") from exc
