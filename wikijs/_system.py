"""Read-only views of the wiki itself: system information, site settings, navigation."""

from __future__ import annotations

from wikijs._graphql import system as gql
from wikijs._graphql._executor import Executor, Operation
from wikijs.models._system import NavigationTree, SiteConfig, SystemInfo

__all__ = ["NavigationAPI", "SiteAPI", "SystemAPI"]


class SystemAPI:
    """``client.system``."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def info(self) -> SystemInfo:
        """Wiki.js version, database, platform and totals (needs ``manage:system``)."""
        op = "system.info"
        return gql.parse_system_info(self._executor.execute(Operation(op, gql.SYSTEM_INFO)), op)


class SiteAPI:
    """``client.site``."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def config(self) -> SiteConfig:
        """The site's settings: host, title, upload limits..."""
        op = "site.config"
        return gql.parse_site_config(self._executor.execute(Operation(op, gql.SITE_CONFIG)), op)


class NavigationAPI:
    """``client.navigation``."""

    def __init__(self, executor: Executor) -> None:
        self._executor = executor

    def tree(self) -> list[NavigationTree]:
        """The navigation menu, one tree per locale."""
        op = "navigation.tree"
        return gql.parse_navigation_tree(
            self._executor.execute(Operation(op, gql.NAVIGATION_TREE)), op
        )
