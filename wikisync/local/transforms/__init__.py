"""Content transforms: small, pure functions of a page's Markdown, run before digesting.

A transform is a [`Transform`][wikisync.local.transforms.Transform]: a name, a one-line description, and
``apply(content, context) -> (new content, problems)``. They are registered in the
entry-point group ``wikisync.transforms`` (the built-ins too, in wikisync's own
``pyproject.toml``), run while the source is read, before the page's digest is computed
(so an unchanged file still makes no write), on Markdown files only, in the order of
``transforms:`` in ``wikisync.yml`` (default [`DEFAULT_TRANSFORMS`][wikisync.local.transforms.DEFAULT_TRANSFORMS]). See
docs/transforms.md.
"""

from __future__ import annotations

from wikisync.local.transforms._admonitions import STYLES
from wikisync.local.transforms._engine import (
    DEFAULT_TRANSFORMS,
    ENTRY_POINT_GROUP,
    Transform,
    TransformContext,
    TransformProblem,
    TransformRun,
    TransformStat,
    available_transforms,
    code_lines,
    enabled_transforms,
    load_transforms,
)

__all__ = [
    "DEFAULT_TRANSFORMS",
    "ENTRY_POINT_GROUP",
    "STYLES",
    "Transform",
    "TransformContext",
    "TransformProblem",
    "TransformRun",
    "TransformStat",
    "available_transforms",
    "code_lines",
    "enabled_transforms",
    "load_transforms",
]
