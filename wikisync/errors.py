"""wikisync's exceptions, all under one root.

::

    WikisyncError
    ├── ConfigError          wikisync.yml is invalid (carries every Problem)
    ├── SourceError          the content directory cannot be read at all
    ├── TransformError       a content transform is unknown, cannot be loaded, or failed
    ├── PlanFileError        a saved plan cannot be read (bad JSON, unknown format_version)
    ├── PlanInputError       plan() was called with inputs it cannot use (also a ValueError)
    ├── StateError           the state page in the wiki cannot be read or written
    ├── GuardError           a safety guard refused the plan (max_delete, protect)
    ├── StalePlanError       a saved plan no longer matches the wiki or the files
    ├── LockError            another apply holds the lock on this wiki and root
    ├── ApplyError           one or more writes failed
    ├── NavigationError      the wiki's navigation menu cannot be read or written
    ├── GitInfoError         git could not answer about the content directory (wikisync.ci.gitinfo)
    ├── ActionInputError     the GitHub Action was given invalid inputs (wikisync.ci.action)
    └── GitHubAPIError       the GitHub REST API refused a request (wikisync.ci.github)

Errors raised by the ``wikijs`` SDK are not wrapped here; the CLI handles both trees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wikisync.plan.model import Problem

__all__ = [
    "ApplyError",
    "ConfigError",
    "GuardError",
    "LockError",
    "NavigationError",
    "PlanFileError",
    "PlanInputError",
    "SourceError",
    "StalePlanError",
    "StateError",
    "TransformError",
    "WikisyncError",
]


class WikisyncError(Exception):
    """Base class of every error wikisync raises."""


class ConfigError(WikisyncError):
    """``wikisync.yml`` is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid configuration")


class SourceError(WikisyncError):
    """The content directory cannot be read at all (missing, not a directory)."""


class TransformError(WikisyncError):
    """A content transform is not registered, its plugin cannot be loaded, or it raised."""


class PlanFileError(WikisyncError):
    """A saved plan file cannot be read back."""


class PlanInputError(WikisyncError, ValueError):
    """``plan()`` got inputs it cannot use: two files for one page, or a remote page
    without the content [`content_reads_needed`][wikisync.plan.pages.content_reads_needed] asked for."""


class StateError(WikisyncError):
    """The state stored in the wiki is unreadable or cannot be written."""


class GuardError(WikisyncError):
    """A safety guard refused the plan; nothing was applied."""

    def __init__(self, violations: Sequence[str]) -> None:
        self.violations: tuple[str, ...] = tuple(violations)
        super().__init__("; ".join(self.violations) or "a safety guard refused the plan")


class StalePlanError(WikisyncError):
    """A saved plan is out of date (the wiki or the files changed since); nothing applied."""


class ApplyError(WikisyncError):
    """One or more writes of an apply failed."""


class LockError(WikisyncError):
    """Another apply is running against the same wiki and root; nothing was applied."""


class NavigationError(WikisyncError):
    """The wiki's navigation menu cannot be read or written (``navigation:`` is set)."""
