"""Read-only views of the wiki itself: system information, site settings, navigation."""

from __future__ import annotations

from wikijs._flow import Flow, M, Resource, execute, flow
from wikijs._graphql import system as gql
from wikijs._graphql._executor import Operation
from wikijs.models._system import Locale, NavigationTree, SiteConfig, SystemInfo

__all__ = ["LocalizationAPI", "NavigationAPI", "SiteAPI", "SystemAPI"]


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


class NavigationAPI(Resource[M]):
    """``client.navigation``."""

    @flow
    def tree(self) -> Flow[list[NavigationTree]]:
        """The navigation menu, one tree per locale."""
        op = "navigation.tree"
        return gql.parse_navigation_tree(
            (yield from execute(Operation(op, gql.NAVIGATION_TREE))), op
        )
