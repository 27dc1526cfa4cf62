"""The SDK's data models (pydantic v2, frozen; snake_case attributes, camelCase aliases).

Each resource declares its models in its own module (``_pages``, ``_assets``, ``_users``,
``_system``); this package re-exports them all.
"""

from __future__ import annotations

from ._assets import (
    Asset,
    AssetFolder,
)
from ._common import (
    UNSET,
    BatchResult,
    Identity,
    UnsetType,
)
from ._pages import (
    Page,
    PageConflictLatest,
    PageCreate,
    PageHistory,
    PageHistoryEntry,
    PageLink,
    PageListItem,
    PageSearchResponse,
    PageSearchResult,
    PageStamp,
    PageTag,
    PageTreeItem,
    PageUpdate,
    PageVersion,
)
from ._system import (
    NAVIGATION_MODES,
    Locale,
    NavigationConfig,
    NavigationItem,
    NavigationKind,
    NavigationMode,
    NavigationTree,
    Renderer,
    RendererSetting,
    SiteConfig,
    SystemInfo,
)
from ._users import (
    Group,
    GroupListItem,
    GroupRef,
    PageRule,
    User,
    UserLastLogin,
    UserListItem,
    UserProfile,
    UserRef,
)

__all__ = [
    "Asset",
    "AssetFolder",
    "BatchResult",
    "Group",
    "GroupListItem",
    "GroupRef",
    "Identity",
    "Locale",
    "NAVIGATION_MODES",
    "NavigationConfig",
    "NavigationItem",
    "NavigationKind",
    "NavigationMode",
    "NavigationTree",
    "Page",
    "PageConflictLatest",
    "PageCreate",
    "PageHistory",
    "PageHistoryEntry",
    "PageLink",
    "PageListItem",
    "PageRule",
    "PageSearchResponse",
    "PageSearchResult",
    "PageStamp",
    "PageTag",
    "PageTreeItem",
    "PageUpdate",
    "PageVersion",
    "Renderer",
    "RendererSetting",
    "SiteConfig",
    "SystemInfo",
    "UNSET",
    "UnsetType",
    "User",
    "UserLastLogin",
    "UserListItem",
    "UserProfile",
    "UserRef",
]
