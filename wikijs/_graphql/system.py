"""System, site and navigation documents and parsers.

``navigation.updateTree`` replaces the menu of *every* locale: a locale the tree leaves
out loses its menu. It does not check ``kind``; ``id`` is required by the schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wikijs.models._system import (
    Locale,
    NavigationConfig,
    NavigationTree,
    Renderer,
    SiteConfig,
    SystemInfo,
)

from ._answers import RESULT, check_result, items_at, mapping_at
from .documents import document

SYSTEM_INFO_FIELDS = (
    "currentVersion latestVersion dbType dbVersion dbHost nodeVersion operatingSystem "
    "platform configFile pagesTotal usersTotal groupsTotal tagsTotal"
)
SITE_CONFIG_FIELDS = (
    "host title description company contentLicense logoUrl authJwtAudience "
    "authJwtExpiration uploadMaxFileSize uploadMaxFiles"
)
NAVIGATION_FIELDS = (
    "locale items { id kind label icon targetType target visibilityMode visibilityGroups }"
)

SYSTEM_INFO = document("system.info", f"query {{ system {{ info {{ {SYSTEM_INFO_FIELDS} }} }} }}")
SITE_CONFIG = document("site.config", f"query {{ site {{ config {{ {SITE_CONFIG_FIELDS} }} }} }}")
LOCALE_FIELDS = "code name nativeName isRTL isInstalled availability"
LOCALES = document(
    "localization.locales", f"query {{ localization {{ locales {{ {LOCALE_FIELDS} }} }} }}"
)
RENDERERS = document(
    "rendering.renderers",
    "query { rendering { renderers { key isEnabled dependsOn config { key value } } } }",
)
NAVIGATION_TREE = document(
    "navigation.tree", f"query {{ navigation {{ tree {{ {NAVIGATION_FIELDS} }} }} }}"
)
NAVIGATION_CONFIG = document("navigation.config", "query { navigation { config { mode } } }")
NAVIGATION_UPDATE_TREE = document(
    "navigation.update_tree",
    "mutation ($tree: [NavigationTreeInput]!) { navigation { updateTree(tree: $tree) "
    f"{{ {RESULT} }} }} }}",
)
NAVIGATION_UPDATE_CONFIG = document(
    "navigation.set_mode",
    "mutation ($mode: NavigationMode!) { navigation { updateConfig(mode: $mode) "
    f"{{ {RESULT} }} }} }}",
)


def parse_system_info(data: Mapping[str, Any], operation: str) -> SystemInfo:
    return SystemInfo.model_validate(mapping_at(data, "system", "info", operation=operation))


def parse_site_config(data: Mapping[str, Any], operation: str) -> SiteConfig:
    return SiteConfig.model_validate(mapping_at(data, "site", "config", operation=operation))


def parse_navigation_tree(data: Mapping[str, Any], operation: str) -> list[NavigationTree]:
    return [
        NavigationTree.model_validate(item)
        for item in items_at(data, "navigation", "tree", operation=operation)
    ]


def parse_navigation_config(data: Mapping[str, Any], operation: str) -> NavigationConfig:
    return NavigationConfig.model_validate(
        mapping_at(data, "navigation", "config", operation=operation)
    )


def check_navigation_write(data: Mapping[str, Any], field: str, operation: str) -> None:
    """Raise unless ``data.navigation.<field>.responseResult`` succeeded."""
    check_result(data, "navigation", field, operation=operation)


def parse_renderers(data: Mapping[str, Any], operation: str) -> list[Renderer]:
    return [
        Renderer.model_validate(item)
        for item in items_at(data, "rendering", "renderers", operation=operation)
    ]


def parse_locales(data: Mapping[str, Any], operation: str) -> list[Locale]:
    return [
        Locale.model_validate(item)
        for item in items_at(data, "localization", "locales", operation=operation)
    ]
