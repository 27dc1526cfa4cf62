"""The wiki itself: system information, site settings (read-only), the navigation menu."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wikijs._flow import Flow, M, Resource, execute, flow
from wikijs._graphql import system as gql
from wikijs._graphql._executor import Operation
from wikijs.models._system import (
    Locale,
    NavigationConfig,
    NavigationMode,
    NavigationTree,
    Renderer,
    SiteConfig,
    SystemInfo,
)

__all__ = ["LocalizationAPI", "NavigationAPI", "RenderingAPI", "SiteAPI", "SystemAPI"]


class SystemAPI(Resource[M]):
    """``client.system``."""

    @flow
    def info(self) -> Flow[SystemInfo]:
        """Wiki.js version, database, platform and totals (needs ``manage:system``)."""
        op = "system.info"
        return gql.parse_system_info((yield from execute(Operation(op, gql.SYSTEM_INFO))), op)


class SiteAPI(Resource[M]):
    """``client.site``."""

    @flow
    def config(self) -> Flow[SiteConfig]:
        """The site's settings: host, title, upload limits..."""
        op = "site.config"
        return gql.parse_site_config((yield from execute(Operation(op, gql.SITE_CONFIG))), op)


class LocalizationAPI(Resource[M]):
    """``client.localization``."""

    @flow
    def locales(self) -> Flow[list[Locale]]:
        """Every locale the wiki knows; pages can be written only in installed ones
        (``is_installed``). Needs ``manage:system``."""
        op = "localization.locales"
        return gql.parse_locales((yield from execute(Operation(op, gql.LOCALES))), op)


class RenderingAPI(Resource[M]):
    """``client.rendering``: how the wiki turns page content into HTML."""

    @flow
    def renderers(self) -> Flow[list[Renderer]]:
        """Every renderer with its settings (``markdownCore``'s ``linebreaks``: whether a
        line break inside a paragraph shows as one). Needs ``manage:system``."""
        op = "rendering.renderers"
        return gql.parse_renderers((yield from execute(Operation(op, gql.RENDERERS))), op)


class NavigationAPI(Resource[M]):
    """``client.navigation``: the menu (one flat list of items per locale) and its mode.

    Reading and writing both need ``manage:navigation`` (guests get ForbiddenError).
    """

    @flow
    def tree(self) -> Flow[list[NavigationTree]]:
        """The navigation menu, one tree per locale."""
        op = "navigation.tree"
        return gql.parse_navigation_tree(
            (yield from execute(Operation(op, gql.NAVIGATION_TREE))), op
        )

    @flow
    def config(self) -> Flow[NavigationConfig]:
        """Which menu the wiki shows (``mode``: NONE, TREE, MIXED or STATIC)."""
        op = "navigation.config"
        return gql.parse_navigation_config(
            (yield from execute(Operation(op, gql.NAVIGATION_CONFIG))), op
        )

    @flow
    def mode(self) -> Flow[str]:
        """The navigation mode alone (``config().mode``)."""
        config = yield from NavigationAPI.config.flow(self)
        return config.mode

    @flow
    def update_tree(self, trees: Iterable[NavigationTree | Mapping[str, Any]]) -> Flow[None]:
        """Replace the whole menu with ``trees`` (one per locale).

        Every locale's menu is replaced: a locale missing from ``trees`` loses its menu.
        To change one locale, read ``tree``, change that locale and send it all back.
        """
        op = "navigation.update_tree"
        payload = [NavigationTree.model_validate(tree).to_input() for tree in trees]
        data = yield from execute(
            Operation(op, gql.NAVIGATION_UPDATE_TREE, {"tree": payload}, mutation=True)
        )
        gql.check_navigation_write(data, "updateTree", op)

    @flow
    def set_mode(self, mode: NavigationMode) -> Flow[None]:
        """Choose which menu the wiki shows: ``MIXED`` or ``STATIC`` show ``tree``.

        A mode outside ``NAVIGATION_MODES`` is refused by the server
        (QueryValidationError, nothing changed).
        """
        op = "navigation.set_mode"
        data = yield from execute(
            Operation(op, gql.NAVIGATION_UPDATE_CONFIG, {"mode": mode}, mutation=True)
        )
        gql.check_navigation_write(data, "updateConfig", op)
