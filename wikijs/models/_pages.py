"""Page models: what the pages API returns, and the inputs of its batch writes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ._common import UNSET, UnsetType, WikiModel, parse_datetime

__all__ = [
    "Page",
    "PageConflictLatest",
    "PageCreate",
    "PageHistory",
    "PageHistoryEntry",
    "PageLink",
    "PageListItem",
    "PageSearchResponse",
    "PageSearchResult",
    "PageStamp",
    "PageTag",
    "PageTreeItem",
    "PageUpdate",
    "PageVersion",
]


def _flatten_tags(value: Any) -> Any:
    """``tags { tag }`` answers ``[{"tag": "a"}]``; list queries answer ``["a"]``."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [item.get("tag") if isinstance(item, dict) else item for item in value]
    return value


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else value


class _Updated:
    """A datetime view of the exact ``updated_at`` string."""

    updated_at: str

    @property
    def updated(self) -> datetime:
        """``updated_at`` as an aware UTC datetime."""
        return parse_datetime(self.updated_at)


class _Timestamps(_Updated):
    """Datetime views of the exact ``created_at``/``updated_at`` strings."""

    created_at: str

    @property
    def created(self) -> datetime:
        """``created_at`` as an aware UTC datetime."""
        return parse_datetime(self.created_at)


class Page(_Timestamps, WikiModel):
    """A full page (``pages.single`` / ``singleByPath``, or the answer of a write).

    ``created_at``/``updated_at`` keep the server's exact ISO strings (compare them as
    strings); ``created``/``updated`` give datetimes. ``render`` is ``None`` after a
    write (the server renders in the background). ``hash`` identifies (locale, path),
    not the content.
    """

    id: int
    path: str
    locale: str
    title: str = ""
    description: str = ""
    content: str = ""
    render: str | None = None
    content_type: str = ""
    editor: str = ""
    is_published: bool = True
    is_private: bool = False
    private_ns: str | None = Field(default=None, alias="privateNS")
    publish_start_date: str = ""
    publish_end_date: str = ""
    script_css: str = ""
    script_js: str = ""
    tags: list[str] = Field(default_factory=list)
    hash: str = ""
    created_at: str = ""
    updated_at: str = ""
    author_id: int | None = None
    author_name: str = ""
    author_email: str = ""
    creator_id: int | None = None
    creator_name: str = ""
    creator_email: str = ""

    _tags = field_validator("tags", mode="before")(_flatten_tags)
    _empty = field_validator(
        "title",
        "description",
        "content",
        "content_type",
        "editor",
        "publish_start_date",
        "publish_end_date",
        "script_css",
        "script_js",
        "hash",
        "author_name",
        "author_email",
        "creator_name",
        "creator_email",
        mode="before",
    )(_none_to_empty)


class PageListItem(_Timestamps, WikiModel):
    """One row of ``pages.list``: everything but the content."""

    id: int
    path: str
    locale: str = ""
    title: str = ""
    description: str = ""
    content_type: str = ""
    is_published: bool = True
    is_private: bool = False
    private_ns: str | None = Field(default=None, alias="privateNS")
    created_at: str = ""
    updated_at: str = ""
    tags: list[str] = Field(default_factory=list)

    _tags = field_validator("tags", mode="before")(_flatten_tags)
    _empty = field_validator("title", "description", mode="before")(_none_to_empty)


class PageStamp(_Updated, WikiModel):
    """One row of ``pages.stamps``: which page is where, and when it last changed."""

    id: int
    path: str
    locale: str = ""
    updated_at: str = ""


class PageTreeItem(WikiModel):
    """A node of ``pages.tree``: a folder, a page, or both."""

    id: int
    path: str
    depth: int
    title: str = ""
    is_private: bool = False
    is_folder: bool = False
    private_ns: str | None = Field(default=None, alias="privateNS")
    parent: int | None = None
    page_id: int | None = None
    locale: str = ""


class PageHistoryEntry(WikiModel):
    """One entry of a page's history trail (newest first)."""

    version_id: int
    version_date: str = ""
    author_id: int | None = None
    author_name: str = ""
    action_type: str = ""
    value_before: str | None = None
    value_after: str | None = None


class PageHistory(WikiModel):
    """``pages.history``: ``total`` versions, one ``trail`` page of them."""

    total: int = 0
    trail: list[PageHistoryEntry] = Field(default_factory=list)

    @field_validator("trail", mode="before")
    @classmethod
    def _no_null_trail(cls, value: Any) -> Any:
        return [] if value is None else value


class PageVersion(WikiModel):
    """A stored version of a page (``pages.version``). ``author_id`` is a string upstream."""

    version_id: int
    page_id: int
    action: str = ""
    author_id: str = ""
    author_name: str = ""
    content: str = ""
    content_type: str = ""
    created_at: str = ""
    version_date: str = ""
    description: str = ""
    editor: str = ""
    is_private: bool = False
    is_published: bool = True
    locale: str = ""
    path: str = ""
    publish_start_date: str = ""
    publish_end_date: str = ""
    tags: list[str] = Field(default_factory=list)
    title: str = ""

    _tags = field_validator("tags", mode="before")(_flatten_tags)


class PageSearchResult(WikiModel):
    """One hit of ``pages.search`` (the server sends the id as a string)."""

    id: int
    title: str = ""
    description: str = ""
    path: str
    locale: str


class PageSearchResponse(WikiModel):
    """``pages.search``: hits, suggestions and the total number of hits."""

    results: list[PageSearchResult] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    total_hits: int = 0


class PageTag(WikiModel):
    """A tag known to the wiki (``pages.tags``)."""

    id: int
    tag: str
    title: str = ""
    created_at: str = ""
    updated_at: str = ""


class PageLink(WikiModel):
    """A page and the paths it links to (``pages.links``); paths carry the locale prefix."""

    id: int
    path: str
    title: str = ""
    links: list[str] = Field(default_factory=list)


class PageConflictLatest(WikiModel):
    """The latest state of a page, as ``pages.conflictLatest`` reports it."""

    id: int
    author_id: str = ""
    author_name: str = ""
    content: str = ""
    created_at: str = ""
    description: str = ""
    is_published: bool = True
    locale: str = ""
    path: str = ""
    tags: list[str] = Field(default_factory=list)
    title: str = ""
    updated_at: str = ""

    _tags = field_validator("tags", mode="before")(_flatten_tags)


# -- inputs ------------------------------------------------------------------------------------


class PageCreate(BaseModel):
    """One page to create (``pages.create_many``); same fields as ``pages.create``."""

    model_config = ConfigDict(frozen=True)

    path: str
    content: str
    title: str = ""
    locale: str = "en"
    editor: str = "markdown"
    description: str = ""
    tags: Sequence[str] = ()
    is_published: bool = True
    is_private: bool = False
    publish_start_date: str = ""
    publish_end_date: str = ""
    script_css: str = ""
    script_js: str = ""


class PageUpdate(BaseModel):
    """One page to update (``pages.update_many``); same fields as ``pages.update``.

    Fields left ``UNSET`` keep their current value.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    page_id: int
    current: Page | None = None
    content: str | UnsetType = UNSET
    title: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    tags: Sequence[str] | UnsetType = UNSET
    is_published: bool | UnsetType = UNSET
    is_private: bool | UnsetType = UNSET
    publish_start_date: str | UnsetType = UNSET
    publish_end_date: str | UnsetType = UNSET
    script_css: str | UnsetType = UNSET
    script_js: str | UnsetType = UNSET
    editor: str | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        """The fields that were given (snake_case names), without ``page_id``/``current``."""
        return {
            name: getattr(self, name)
            for name in type(self).model_fields
            if name not in ("page_id", "current") and not isinstance(getattr(self, name), UnsetType)
        }
