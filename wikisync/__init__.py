"""wikisync: docs-as-code for Wiki.js. Files -> plan -> apply, Terraform style.

The folders follow the flow (see docs/architecture.md): ``local`` (files -> LocalPage),
``wiki`` (Wiki.js -> RemotePage, the ownership state), ``plan`` (pure), ``render`` (text,
JSON, Markdown, annotations), ``apply``, ``pull``, ``ci`` and ``cli``; ``engine`` is where
the sides meet.

``wikisync.plan.plan`` and ``wikisync.local.validate.validate`` live in their packages
(they are not re-exported here).
"""

from __future__ import annotations

from wikisync._version import __version__
from wikisync.errors import (
    ApplyError,
    ConfigError,
    GuardError,
    LockError,
    NavigationError,
    PlanFileError,
    PlanInputError,
    SourceError,
    StalePlanError,
    StateError,
    TransformError,
    WikisyncError,
)
from wikisync.local.config import Config, load_config
from wikisync.local.source import SourceResult, load_source
from wikisync.plan.model import (
    STATE_PAGE_NAME,
    Change,
    FieldChange,
    LocalAsset,
    LocalPage,
    PageFields,
    Plan,
    PlanOptions,
    Problem,
    RemotePage,
    State,
    StateEntry,
    normalize_content,
)

__all__ = [
    "STATE_PAGE_NAME",
    "ApplyError",
    "Change",
    "Config",
    "ConfigError",
    "FieldChange",
    "GuardError",
    "LocalAsset",
    "LocalPage",
    "LockError",
    "NavigationError",
    "PageFields",
    "Plan",
    "PlanFileError",
    "PlanInputError",
    "PlanOptions",
    "Problem",
    "RemotePage",
    "SourceError",
    "SourceResult",
    "StalePlanError",
    "State",
    "StateEntry",
    "StateError",
    "TransformError",
    "WikisyncError",
    "__version__",
    "load_config",
    "load_source",
    "normalize_content",
]
