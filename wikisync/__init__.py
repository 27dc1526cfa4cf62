"""wikisync: docs-as-code for Wiki.js. Files -> plan -> apply, Terraform style.

The flow, one module each: ``config`` (wikisync.yml) -> ``source`` (files -> LocalPage) and
``remote`` (wiki -> RemotePage) and ``state`` (what wikisync last wrote) -> ``plan`` (pure)
-> ``render`` (text, JSON, Markdown, annotations) -> ``apply``.

``wikisync.plan.plan`` and ``wikisync.validate.validate`` live in their modules (they are
not re-exported here, so the module names stay modules).
"""

from __future__ import annotations

from wikisync._version import __version__
from wikisync.config import Config, load_config
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
from wikisync.model import (
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
from wikisync.source import SourceResult, load_source

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
