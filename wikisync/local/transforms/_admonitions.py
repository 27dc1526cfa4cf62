"""The built-in admonition transforms: thin aliases of dialect extensions.

The conversions live in ``wikisync.local.markdown.dialects`` (each flavor names the
extensions its generator documents). These transforms keep the names that
``transforms:`` in wikisync.yml may list, and run the same conversion on any tree:
``mkdocs-admonitions`` is the ``admonition`` and ``pymdownx-details`` extensions,
``docusaurus-admonitions`` is ``docusaurus-admonitions``, ``docsy-alerts`` is ``docsy``,
``blockquote-alerts`` is ``github-alerts``. Includes are not expanded here (a transform
reads no file).
"""

from __future__ import annotations

from collections.abc import Sequence

from wikisync.local.markdown.dialects import STYLES, DialectContext, convert
from wikisync.local.transforms._engine import Transform, TransformContext, TransformProblem

__all__ = [
    "BLOCKQUOTE_ALERTS",
    "DOCSY_ALERTS",
    "DOCUSAURUS_ADMONITIONS",
    "MKDOCS_ADMONITIONS",
    "STYLES",
    "dialect_transform",
]


def dialect_transform(name: str, description: str, extensions: tuple[str, ...]) -> Transform:
    """A transform that converts the constructs of the dialect ``extensions``."""

    def apply(content: str, context: TransformContext) -> tuple[str, Sequence[TransformProblem]]:
        result = convert(content, extensions, DialectContext(context.source), warn=False)
        return result.content, tuple(
            TransformProblem(p.line, p.message, p.code) for p in result.problems
        )

    return Transform(name, description, apply)


MKDOCS_ADMONITIONS = dialect_transform(
    "mkdocs-admonitions",
    'MkDocs admonitions (!!! note "Title", ??? tip) -> Wiki.js styled blockquotes and <details>',
    ("admonition", "pymdownx-details"),
)
DOCUSAURUS_ADMONITIONS = dialect_transform(
    "docusaurus-admonitions",
    "Docusaurus admonitions (:::tip Title ... :::) -> Wiki.js styled blockquotes",
    ("docusaurus-admonitions",),
)
DOCSY_ALERTS = dialect_transform(
    "docsy-alerts",
    "Docsy/Hugo alert shortcodes ({{% alert %}}, {{< alert >}}) -> Wiki.js styled blockquotes",
    ("docsy",),
)
BLOCKQUOTE_ALERTS = dialect_transform(
    "blockquote-alerts",
    "GitHub/Hugo blockquote alerts (> [!NOTE] Title) -> Wiki.js styled blockquotes",
    ("github-alerts",),
)
