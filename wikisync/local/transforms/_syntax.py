"""``mdx-imports`` and ``unconverted-syntax``: the built-in names kept for wikisync.yml.

``mdx-imports`` drops MDX ``import``/``export`` statements (the ``mdx`` dialect
extension's rule, on any tree). ``unconverted-syntax`` changes nothing and warns about
nothing: every page is now checked for constructs left as text while it is converted
(``wikisync.local.markdown.dialects``), whatever ``transforms:`` says.
"""

from __future__ import annotations

from collections.abc import Sequence

from wikisync.local.transforms._admonitions import dialect_transform
from wikisync.local.transforms._engine import Transform, TransformContext, TransformProblem

__all__ = ["MDX_IMPORTS", "UNCONVERTED_SYNTAX"]


def _nothing(content: str, context: TransformContext) -> tuple[str, Sequence[TransformProblem]]:
    return content, ()


MDX_IMPORTS = dialect_transform(
    "mdx-imports",
    "MDX import/export lines (import Tabs from '@theme/Tabs') dropped",
    ("mdx-statements",),
)
UNCONVERTED_SYNTAX = Transform(
    "unconverted-syntax",
    "kept for wikisync.yml files that name it: constructs left as text are always warned "
    "about now (dialects)",
    _nothing,
)
