"""The content-transform plugin API: what a third-party transform imports.

A plugin registers a [`Transform`][wikisync.local.transforms.Transform] in the entry-point
group ``wikisync.transforms`` (see docs/transforms.md). The implementation lives in
``wikisync.local.transforms``; this module is the stable name plugins import from.
"""

from __future__ import annotations

from wikisync.local.transforms import (
    DEFAULT_TRANSFORMS,
    ENTRY_POINT_GROUP,
    Transform,
    TransformContext,
    TransformProblem,
    code_lines,
)

__all__ = [
    "DEFAULT_TRANSFORMS",
    "ENTRY_POINT_GROUP",
    "Transform",
    "TransformContext",
    "TransformProblem",
    "code_lines",
]
