"""The values wikisync computes with: files, wiki pages, state, plan.

Every type here is a frozen dataclass built from plain values (str, int, bool, tuples,
mappings), so a plan can be compared, hashed where useful, and turned into JSON without
surprises. Nothing in this module performs I/O.

Flow: files -> [`LocalPage`][wikisync.plan.model.LocalPage] (``source.py``); wiki -> [`RemotePage`][wikisync.plan.model.RemotePage]
(``remote.py``); last write -> [`State`][wikisync.plan.model.State] (``state.py``); ``plan()`` -> [`Plan`][wikisync.plan.model.Plan].

It is one module because these are the values every side exchanges; one file keeps them
frozen, plain and consistent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from wikisync._names import shown

__all__ = [
    "ACTIONS",
    "ASSET_ACTIONS",
    "ASSET_SUMMARY_KEYS",
    "EDITOR_CONTENT_TYPES",
    "EDITORS",
    "PAGE_FIELD_NAMES",
    "STATE_PAGE_NAME",
    "SUMMARY_KEYS",
    "Action",
    "AssetAction",
    "AssetChange",
    "AssetEntry",
    "Change",
    "Editor",
    "FieldChange",
    "LocalAsset",
    "LocalPage",
    "NavItem",
    "NavMenu",
    "NavigationChange",
    "PageFields",
    "Plan",
    "PlanOptions",
    "Problem",
    "RemoteAsset",
    "RemotePage",
    "Severity",
    "State",
    "StateEntry",
    "asset_path",
    "content_digest",
    "normalize_content",
    "normalize_tags",
    "page_digest",
    "state_page_path",
]

STATE_PAGE_NAME = "_wikisync-state"
"""Name of the wiki page that stores wikisync's state, directly under ``root``."""


def state_page_path(root: str) -> str:
    """Wiki path of the state page for ``root`` (``<root>/_wikisync-state``)."""
    root = root.strip("/")
    return f"{root}/{STATE_PAGE_NAME}" if root else STATE_PAGE_NAME


Severity = Literal["error", "warning"]
Editor = Literal["markdown", "ckeditor", "code"]
Action = Literal["create", "update", "move", "delete", "conflict"]
AssetAction = Literal["upload", "replace", "delete", "conflict"]

EDITORS: tuple[Editor, ...] = ("markdown", "ckeditor", "code")
ACTIONS: tuple[Action, ...] = ("create", "update", "move", "delete", "conflict")
ASSET_ACTIONS: tuple[AssetAction, ...] = ("upload", "replace", "delete", "conflict")

EDITOR_CONTENT_TYPES: Mapping[str, str] = MappingProxyType(
    {"markdown": "markdown", "ckeditor": "html", "code": "html"}
)
"""The ``contentType`` Wiki.js reports in page lists for pages written with each editor."""


_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


def normalize_content(text: str) -> str:
    """The form page content is compared and written in, on both sides of a plan.

    CRLF and lone CR become LF, blank lines at the start and whitespace at the end are
    dropped, and non-empty content ends with exactly one newline. Leading spaces on the
    first non-blank line are kept (they are Markdown).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LEADING_BLANK_LINES.sub("", text).rstrip()
    return text + "\n" if text else ""


def content_digest(content: str) -> str:
    """sha256 hex of already-normalised content."""
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def page_digest(content: str, fields: PageFields) -> str:
    """sha256 hex of a canonical JSON of the content and every field the file sets."""
    document = {"content": content, "fields": fields.set_fields()}
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _freeze_mapping(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in the source directory.

    ``source`` is the file path relative to the content directory (posix), or
    ``wikisync.yml`` for configuration problems. ``code`` is a stable machine-readable
    identifier such as ``frontmatter-type`` or ``broken-link``.
    """

    source: str
    line: int | None
    message: str
    code: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return shown(f"{where}: {self.message}")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.source, self.line or 0, self.code, self.message)


PAGE_FIELD_NAMES: tuple[str, ...] = (
    "title",
    "description",
    "tags",
    "is_published",
    "is_private",
    "editor",
    "publish_start_date",
    "publish_end_date",
    "script_css",
    "script_js",
)
"""Names of the page fields a file may set, in display order (``content`` comes first)."""


def normalize_tags(tags: Any) -> tuple[str, ...]:
    """Trim, lowercase, drop empties, dedupe and sort tags."""
    out = {str(t).strip().lower() for t in tags}
    out.discard("")
    return tuple(sorted(out))


@dataclass(frozen=True)
class PageFields:
    """Page metadata a file sets. ``None`` means "not set by the file: keep the wiki's"."""

    title: str
    description: str | None = None
    tags: tuple[str, ...] | None = None
    is_published: bool | None = None
    is_private: bool | None = None
    editor: Editor | None = None
    publish_start_date: str | None = None
    publish_end_date: str | None = None
    script_css: str | None = None
    script_js: str | None = None

    def __post_init__(self) -> None:
        if self.tags is not None:
            object.__setattr__(self, "tags", normalize_tags(self.tags))

    def set_fields(self) -> dict[str, Any]:
        """The fields the file sets (title always), in ``PAGE_FIELD_NAMES`` order."""
        out: dict[str, Any] = {}
        for name in PAGE_FIELD_NAMES:
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value) if name == "tags" else value
        return out

    def for_create(self) -> dict[str, Any]:
        """Every field, with the defaults a new page gets where the file sets nothing."""
        return {
            "title": self.title,
            "description": self.description if self.description is not None else "",
            "tags": list(self.tags) if self.tags is not None else [],
            "is_published": self.is_published if self.is_published is not None else True,
            "is_private": self.is_private if self.is_private is not None else False,
            "editor": self.editor if self.editor is not None else "markdown",
            "publish_start_date": self.publish_start_date or "",
            "publish_end_date": self.publish_end_date or "",
            "script_css": self.script_css or "",
            "script_js": self.script_js or "",
        }


@dataclass(frozen=True)
class LocalPage:
    """A page as the source directory wants it."""

    source: str
    locale: str
    path: str
    content: str
    fields: PageFields
    content_digest: str
    digest: str
    assets: tuple[str, ...] = ()
    nav_title: str | None = None
    """The label the generator's navigation gives the page (``linkTitle``,
    ``sidebar_label``, a ``nav`` entry), or ``None`` to use the title. Not a page field:
    it is not part of ``digest`` and never written to the page."""
    nav_order: float | None = None
    """The page's place in the generator's navigation, lower first (``weight``,
    ``sidebar_position``, the index in mkdocs.yml ``nav`` or a Docusaurus sidebar), or
    ``None``: after the ordered pages, in file order. Not part of ``digest``."""
    nav_section: tuple[str, ...] | None = None
    """The labels of the site's navigation groups the page is in, outermost first
    (mkdocs.yml ``nav`` sections, Docusaurus categories, VitePress sidebar groups,
    just-the-docs parents); ``()`` is the top level, ``None``: its folders are its
    sections. Not part of ``digest``."""
    nav_heads: bool = False
    """Whether the page is the own page of the last group of ``nav_section``."""
    listed: bool = True
    """Whether the generator's navigation lists the page (``unlisted: true``, MkDocs's
    ``not_in_nav``, just-the-docs's ``nav_exclude`` say no); wikisync's navigation leaves
    an unlisted page out."""
    includes: tuple[str, ...] = ()
    """The files the page includes (snippets, partials), relative to the content
    directory: their text is part of ``content`` (and so of ``digest``), and a change to
    one of them is a change to this page (``--changed-since``)."""
    soft_breaks: tuple[tuple[int, int], ...] = ()
    """Spans of ``content`` (a line end and the next line's indent, inside a paragraph)
    that the generator's site shows as one space and Wiki.js, with its ``linebreaks``
    setting on, as a line break. ``for_wiki`` joins them."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.locale, self.path)

    def for_wiki(self, linebreaks: bool) -> LocalPage:
        """The page as it must be written for a wiki that shows every line break inside
        a paragraph (``linebreaks``) or not: with its soft line breaks joined by a space,
        or as it is."""
        if not linebreaks or not self.soft_breaks:
            return self
        parts: list[str] = []
        position = 0
        for start, end in self.soft_breaks:
            parts.append(self.content[position:start])
            parts.append(" ")
            position = end
        parts.append(self.content[position:])
        content = normalize_content("".join(parts))
        return dataclasses.replace(
            self,
            content=content,
            content_digest=content_digest(content),
            digest=page_digest(content, self.fields),
            soft_breaks=(),
        )


@dataclass(frozen=True)
class LocalAsset:
    """A local non-page file that pages link to, and where it goes in the wiki.

    ``folder`` holds the asset folder slugs (``assets.folder`` then the file's folders, as
    Wiki.js names them), ``filename`` the name the server gives the upload, ``url`` the
    link written into pages. ``size`` in bytes and ``digest`` (sha256 hex) describe the
    file's bytes; ``used_by`` lists the page files that link to it.
    """

    source: str
    folder: tuple[str, ...]
    filename: str
    url: str
    size: int
    digest: str
    used_by: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """Where the wiki serves it, without the leading ``/`` (``handbook/img/a.png``)."""
        return asset_path(self.folder, self.filename)


def asset_path(folder: tuple[str, ...], filename: str) -> str:
    """``folder`` slugs and ``filename`` joined with ``/`` (how assets are keyed)."""
    return "/".join((*folder, filename))


@dataclass(frozen=True)
class RemoteAsset:
    """An asset as the wiki's asset library lists it (``assets.list``).

    ``updated_at`` is the server's exact ISO string, compared verbatim.
    """

    id: int
    folder: tuple[str, ...]
    filename: str
    size: int
    updated_at: str = ""

    @property
    def path(self) -> str:
        return asset_path(self.folder, self.filename)


@dataclass(frozen=True)
class RemotePage:
    """A page as the wiki holds it.

    A listing ([`Remote.list_pages`][wikisync.wiki.remote.Remote.list_pages]) reads only
    ``id``, ``locale``, ``path`` and ``updated_at``: every other field is ``None`` there
    (not read), and is filled once the page's full record was fetched (``pages.single``)
    or written. ``updated_at`` is the server's exact ISO string, compared verbatim.
    """

    id: int
    locale: str
    path: str
    title: str | None
    description: str | None = ""
    tags: tuple[str, ...] | None = ()
    is_published: bool | None = True
    is_private: bool | None = False
    content_type: str | None = "markdown"
    created_at: str = ""
    updated_at: str = ""
    content: str | None = None
    editor: str | None = None
    publish_start_date: str | None = None
    publish_end_date: str | None = None
    script_css: str | None = None
    script_js: str | None = None

    def __post_init__(self) -> None:
        if self.tags is not None:
            object.__setattr__(self, "tags", normalize_tags(self.tags))

    @classmethod
    def listed(cls, page_id: int, locale: str, path: str, updated_at: str) -> RemotePage:
        """A record from a listing: where the page is and when it last changed."""
        return cls(
            id=page_id,
            locale=locale,
            path=path,
            title=None,
            description=None,
            tags=None,
            is_published=None,
            is_private=None,
            content_type=None,
            updated_at=updated_at,
        )

    @property
    def has_list_fields(self) -> bool:
        """Whether the record holds the page's title, description, tags and flags (a
        record [`listed`][wikisync.plan.model.RemotePage.listed] does not)."""
        return None not in (
            self.title,
            self.description,
            self.tags,
            self.is_published,
            self.is_private,
            self.content_type,
        )

    @property
    def key(self) -> tuple[str, str]:
        return (self.locale, self.path)

    @property
    def has_content(self) -> bool:
        return self.content is not None


@dataclass(frozen=True)
class StateEntry:
    """What wikisync last wrote to one page.

    ``updated_at`` is the page's ``updatedAt`` right after that write; ``digest`` and
    ``content_digest`` are the [`LocalPage`][wikisync.plan.model.LocalPage] digests that were written.
    """

    page_id: int
    locale: str
    path: str
    source: str
    updated_at: str
    digest: str
    content_digest: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.locale, self.path)


@dataclass(frozen=True)
class AssetEntry:
    """What wikisync last uploaded to one asset path.

    ``path`` is the served path without the leading ``/`` (folder slugs and file name);
    ``digest`` (sha256 hex) and ``size`` describe the bytes uploaded from ``source``;
    ``asset_id`` and ``updated_at`` are what the server listed right after the upload.
    """

    path: str
    source: str
    asset_id: int
    digest: str
    size: int
    updated_at: str


@dataclass(frozen=True)
class State:
    """Ownership record: the pages (by page id) and assets (by path) wikisync manages.

    ``commit`` is the git commit of the content directory at the last apply (``None``
    outside git); renames since that commit become moves.
    """

    pages: Mapping[int, StateEntry] = field(default_factory=dict)
    serial: int = 0
    root: str = ""
    wikisync_version: str = ""
    assets: Mapping[str, AssetEntry] = field(default_factory=dict)
    commit: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", _freeze_mapping(self.pages))
        object.__setattr__(self, "assets", _freeze_mapping(self.assets))

    def __hash__(self) -> int:
        return hash(
            (
                tuple(sorted(self.pages.items())),
                tuple(sorted(self.assets.items())),
                self.serial,
                self.root,
                self.commit,
            )
        )

    def by_source(self) -> dict[str, StateEntry]:
        return {e.source: e for e in self.pages.values()}


@dataclass(frozen=True)
class PlanOptions:
    """Everything ``plan()`` needs besides the three states."""

    root: str = ""
    locale: str = "en"
    prune: bool = False
    max_delete: int | None = 10
    protect: tuple[str, ...] = ()
    force: bool = False
    targets: tuple[str, ...] = ()
    source_had_errors: bool = False
    state_unverified: bool = False
    """The state is not proven to be wikisync's own: prune lists orphans, deletes none."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", self.root.strip("/"))
        # A trailing "/" is kept on protect entries: ``legal/`` means the subtree.
        protect = tuple(
            p.strip("/") + ("/" if p.endswith("/") and p.strip("/") else "") for p in self.protect
        )
        object.__setattr__(self, "protect", protect)
        object.__setattr__(self, "targets", tuple(t.strip("/") for t in self.targets))


@dataclass(frozen=True)
class FieldChange:
    """One metadata field whose value changes (values as shown to users)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    """One action on one page.

    A ``move`` whose content or fields also change is one change with non-empty
    ``fields``: apply moves first, then updates.
    """

    action: Action
    locale: str
    path: str
    source: str | None = None
    page_id: int | None = None
    from_path: str | None = None
    from_locale: str | None = None
    fields: tuple[str, ...] = ()
    field_changes: tuple[FieldChange, ...] = ()
    diff: str = ""
    reason: str = ""
    remote_updated_at: str | None = None
    digest: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.locale, self.path)

    def sort_key(self) -> tuple[str, str, int]:
        return (self.path, self.locale, ACTIONS.index(self.action))


@dataclass(frozen=True)
class AssetChange:
    """One action on one asset (a local file pages link to).

    ``path`` is where the wiki serves it, without the leading ``/``; ``url`` the link
    written into pages. ``upload`` puts a new asset there, ``replace`` overwrites the
    asset at that path (same name), ``delete`` removes a managed asset no page links to
    any more, ``conflict`` is an asset replaced in the wiki since the last apply (not
    overwritten unless forced). ``size`` and ``digest`` describe the local file;
    ``asset_id`` and ``remote_updated_at`` the asset in the wiki, when there is one.
    """

    action: AssetAction
    path: str
    source: str | None = None
    url: str = ""
    folder: tuple[str, ...] = ()
    filename: str = ""
    size: int | None = None
    digest: str | None = None
    asset_id: int | None = None
    remote_updated_at: str | None = None
    reason: str = ""
    used_by: tuple[str, ...] = ()

    def sort_key(self) -> tuple[str, int]:
        return (self.path, ASSET_ACTIONS.index(self.action))


@dataclass(frozen=True)
class NavItem:
    """One item of a wiki navigation menu, every field as the wiki holds it.

    ``kind`` is ``link``, ``header`` or ``divider`` (the wiki stores any string);
    ``visibility_groups`` stays ``None`` when the wiki has null, so an item read and
    written back is unchanged.
    """

    id: str
    kind: str
    label: str | None = None
    icon: str | None = None
    target_type: str | None = None
    target: str | None = None
    visibility_mode: str | None = None
    visibility_groups: tuple[int, ...] | None = None


@dataclass(frozen=True)
class NavMenu:
    """The navigation menu of one locale: a flat list of items."""

    locale: str
    items: tuple[NavItem, ...] = ()


@dataclass(frozen=True)
class NavigationChange:
    """wikisync's block in one locale's menu changes (``~ navigation en: 3 added...``).

    Counts are of wikisync's own items: ``changed`` (same id, another label or target),
    ``moved`` (same id, another place). ``diff`` is a unified diff of the whole menu, one
    line per item. ``digest`` is the sha256 of the menu wanted, ``remote_digest`` of the
    menu the plan saw: a saved plan is current only while both still hold.
    """

    locale: str
    added: int = 0
    changed: int = 0
    moved: int = 0
    removed: int = 0
    diff: str = ""
    digest: str = ""
    remote_digest: str = ""

    def counts(self) -> str:
        """``3 added, 1 moved, 1 removed`` (the non-zero counts; ``reordered`` if none)."""
        parts = [
            f"{count} {name}"
            for name, count in (
                ("added", self.added),
                ("changed", self.changed),
                ("moved", self.moved),
                ("removed", self.removed),
            )
            if count
        ]
        return ", ".join(parts) or "reordered"


SUMMARY_KEYS: tuple[str, ...] = ("create", "update", "move", "delete", "conflict", "unchanged")
ASSET_SUMMARY_KEYS: tuple[str, ...] = ("upload", "replace", "delete", "conflict", "unchanged")


@dataclass(frozen=True)
class Plan:
    """The result of ``plan()``: frozen and deterministically ordered."""

    changes: tuple[Change, ...] = ()
    unchanged: tuple[tuple[str, str], ...] = ()
    unmanaged: tuple[tuple[str, str], ...] = ()
    orphaned: tuple[tuple[str, str], ...] = ()
    adopted: tuple[tuple[str, str], ...] = ()
    guard_violations: tuple[str, ...] = ()
    unchanged_count: int | None = None
    """Set on plans read back from JSON, which count unchanged pages without listing them."""
    asset_changes: tuple[AssetChange, ...] = ()
    assets_unchanged: tuple[str, ...] = ()
    assets_orphaned: tuple[str, ...] = ()
    """Managed assets no page links to any more, kept because prune is off (or refused)."""
    assets_unchanged_count: int | None = None
    links_left_broken: int = 0
    """Links the pages keep as written because they name nothing in the tree (each one a
    warning: ``broken-link``, ``site-link`` ... lowered by ``severity:`` or the flavor)."""
    constructs_left_as_text: int = 0
    """Constructs the pages keep as text because Wiki.js has no form for them (each one a
    warning: ``unconverted-syntax``), such as a site's own shortcodes."""
    navigation: tuple[NavigationChange, ...] = ()
    """Menus whose wikisync block changes, by locale (only with ``navigation:`` set)."""
    navigation_warnings: tuple[str, ...] = ()
    """Why the menu may not show as planned (the wiki's navigation mode hides it...)."""

    @property
    def summary(self) -> dict[str, int]:
        """Counts per action plus ``unchanged``, in the frozen order of ``SUMMARY_KEYS``."""
        counts = dict.fromkeys(SUMMARY_KEYS, 0)
        for change in self.changes:
            counts[change.action] += 1
        counts["unchanged"] = (
            len(self.unchanged) if self.unchanged_count is None else self.unchanged_count
        )
        return counts

    @property
    def asset_summary(self) -> dict[str, int]:
        """Counts per asset action plus ``unchanged`` (``ASSET_SUMMARY_KEYS`` order)."""
        counts = dict.fromkeys(ASSET_SUMMARY_KEYS, 0)
        for change in self.asset_changes:
            counts[change.action] += 1
        counts["unchanged"] = (
            len(self.assets_unchanged)
            if self.assets_unchanged_count is None
            else self.assets_unchanged_count
        )
        return counts

    @property
    def has_changes(self) -> bool:
        """Whether apply would write anything (pages, assets or the navigation menu)."""
        return bool(self.changes or self.asset_changes or self.navigation)

    def by_action(self, action: Action) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action == action)
