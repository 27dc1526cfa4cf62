"""Models of the wiki itself: system information, site configuration, navigation."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import Field, field_validator

from ._common import WikiModel

__all__ = [
    "Locale",
    "NAVIGATION_MODES",
    "NavigationConfig",
    "NavigationItem",
    "NavigationKind",
    "NavigationMode",
    "NavigationTree",
    "Renderer",
    "RendererSetting",
    "SiteConfig",
    "SystemInfo",
]

NavigationMode = Literal["NONE", "TREE", "MIXED", "STATIC"]
"""``navigation.config.mode``: the menu shows in MIXED and STATIC, not in TREE or NONE."""
NAVIGATION_MODES: tuple[NavigationMode, ...] = ("NONE", "TREE", "MIXED", "STATIC")
NavigationKind = Literal["link", "header", "divider"]
"""The kinds of menu item the Wiki.js editor makes (the server stores any string)."""


class SystemInfo(WikiModel):
    """``system.info``: versions, database, host and totals."""

    current_version: str | None = None
    latest_version: str | None = None
    db_type: str | None = None
    db_version: str | None = None
    db_host: str | None = None
    node_version: str | None = None
    operating_system: str | None = None
    platform: str | None = None
    config_file: str | None = None
    pages_total: int | None = None
    users_total: int | None = None
    groups_total: int | None = None
    tags_total: int | None = None

    @property
    def version_tuple(self) -> tuple[int, ...]:
        """``current_version`` as numbers (``"2.5.314"`` -> ``(2, 5, 314)``); () if unknown."""
        parts: list[int] = []
        for piece in (self.current_version or "").split("."):
            if not piece.isdigit():
                break
            parts.append(int(piece))
        return tuple(parts)


class SiteConfig(WikiModel):
    """``site.config``: the wiki's public settings."""

    host: str | None = None
    title: str | None = None
    description: str | None = None
    company: str | None = None
    content_license: str | None = None
    logo_url: str | None = None
    auth_jwt_audience: str | None = None
    auth_jwt_expiration: str | None = None
    upload_max_file_size: int | None = None
    upload_max_files: int | None = None


class NavigationItem(WikiModel):
    """One entry of a locale's navigation menu: a ``link``, a ``header`` or a ``divider``.

    The menu is flat (no nesting). ``target_type`` is ``home``, ``page``, ``external``...;
    a page link's ``target`` is ``/<locale>/<path>``. Values are kept as the server gives
    them (``None`` stays ``None``, an unknown ``kind`` is kept: the server does not check
    it), so ``to_input`` sends an item back exactly as it was read.
    """

    id: str
    kind: str
    label: str | None = None
    icon: str | None = None
    target_type: str | None = None
    target: str | None = None
    visibility_mode: str | None = None
    visibility_groups: list[int] | None = None

    @field_validator("visibility_groups", mode="before")
    @classmethod
    def _no_null_groups(cls, value: Any) -> Any:
        return None if value is None else [v for v in value if v is not None]

    @classmethod
    def link(
        cls,
        id: str,
        label: str,
        target: str,
        *,
        target_type: str = "page",
        icon: str = "",
        visibility_mode: str = "all",
        visibility_groups: list[int] | None = None,
    ) -> NavigationItem:
        """A link (``target_type`` ``page``: ``target`` is ``/<locale>/<path>``)."""
        return cls(
            id=id,
            kind="link",
            label=label,
            icon=icon,
            target_type=target_type,
            target=target,
            visibility_mode=visibility_mode,
            visibility_groups=list(visibility_groups or []),
        )

    @classmethod
    def header(cls, id: str, label: str, *, icon: str = "") -> NavigationItem:
        """A header (a label above the links that follow it)."""
        return cls(
            id=id,
            kind="header",
            label=label,
            icon=icon,
            target_type="",
            target="",
            visibility_mode="all",
            visibility_groups=[],
        )

    @classmethod
    def divider(cls, id: str) -> NavigationItem:
        """A divider line."""
        return cls(id=id, kind="divider", visibility_mode="all", visibility_groups=[])

    def to_input(self) -> dict[str, Any]:
        """The item as ``NavigationItemInput`` (every field, camelCase)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "icon": self.icon,
            "targetType": self.target_type,
            "target": self.target,
            "visibilityMode": self.visibility_mode,
            "visibilityGroups": None
            if self.visibility_groups is None
            else list(self.visibility_groups),
        }


class Locale(WikiModel):
    """One locale the wiki knows (``localization.locales``).

    A page can be written in a locale only when it is installed: the ``pages`` table
    refers to the ``locales`` table, so any other code is a foreign-key error.
    """

    code: str
    name: str | None = None
    native_name: str | None = None
    is_rtl: bool = Field(default=False, alias="isRTL")
    is_installed: bool = False
    availability: int | None = None


class RendererSetting(WikiModel):
    """One setting of a renderer: its key and its value as the server sends it (a JSON
    text describing the setting, whose ``value`` is the current value)."""

    key: str
    value: str | None = None

    @property
    def current(self) -> Any:
        """The setting's current value (``None`` when the text cannot be read)."""
        if self.value is None:
            return None
        try:
            described = json.loads(self.value)
        except ValueError:
            return None
        if isinstance(described, dict):
            return described.get("value", described.get("default"))
        return described


class Renderer(WikiModel):
    """One step of the wiki's rendering pipeline (``rendering.renderers``), such as
    ``markdownCore`` with its ``linebreaks`` setting."""

    key: str
    is_enabled: bool = False
    depends_on: str | None = None
    config: tuple[RendererSetting, ...] = ()

    def setting(self, key: str) -> Any:
        """The current value of the setting ``key`` (``None`` when it has none)."""
        for item in self.config:
            if item.key == key:
                return item.current
        return None


class NavigationTree(WikiModel):
    """The navigation menu of one locale (``navigation.tree`` holds one per locale)."""

    locale: str
    items: list[NavigationItem] = Field(default_factory=list)

    @field_validator("items", mode="before")
    @classmethod
    def _no_null_items(cls, value: Any) -> Any:
        return [] if value is None else [v for v in value if v is not None]

    def to_input(self) -> dict[str, Any]:
        """The tree as ``NavigationTreeInput``."""
        return {"locale": self.locale, "items": [item.to_input() for item in self.items]}


class NavigationConfig(WikiModel):
    """``navigation.config``: which menu the wiki shows."""

    mode: str

    @property
    def shows_menu(self) -> bool:
        """Whether the navigation menu (``navigation.tree``) is visible: MIXED or STATIC."""
        return self.mode in ("MIXED", "STATIC")
