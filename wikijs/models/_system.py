"""Models of the wiki itself: system information, site configuration, navigation."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from ._common import WikiModel

__all__ = ["Locale", "NavigationItem", "NavigationTree", "SiteConfig", "SystemInfo"]


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
    """One entry of the navigation menu (a link, header or divider)."""

    id: str
    kind: str
    label: str | None = None
    icon: str | None = None
    target_type: str | None = None
    target: str | None = None
    visibility_mode: str | None = None
    visibility_groups: list[int] = Field(default_factory=list)

    @field_validator("visibility_groups", mode="before")
    @classmethod
    def _no_null_groups(cls, value: Any) -> Any:
        return [] if value is None else [v for v in value if v is not None]


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


class NavigationTree(WikiModel):
    """The navigation menu of one locale (``navigation.tree``)."""

    locale: str
    items: list[NavigationItem] = Field(default_factory=list)

    @field_validator("items", mode="before")
    @classmethod
    def _no_null_items(cls, value: Any) -> Any:
        return [] if value is None else [v for v in value if v is not None]
