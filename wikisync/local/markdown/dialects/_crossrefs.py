"""Cross-references resolved by a site plugin (mkdocs-autorefs, which mkdocstrings uses).

``[text][package.module.Name]`` and ``[package.module.Name][]`` name a heading or an API
object of the site that no reference definition of the page names: the plugin turns them
into links to the pages it generates. Those pages are not files of the tree, so the wiki
has nothing to link to: the reference is shown as its text, with one warning each.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import normalizeReference

from wikisync.local.markdown.dialects._model import DialectContext, DialectProblem, in_inline_code

__all__ = ["autoref"]

# A label of brackets at most one level deep, then the reference: no two ways to split.
_REFERENCE = re.compile(r"(?<![!\\\]])\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\]\[([^\[\]\n]*)\]")


def autoref(
    text: str, origin: int, context: DialectContext
) -> tuple[str, tuple[DialectProblem, ...]]:
    """Each cross-reference of ``text`` that no definition of the page names: its text."""
    if "][" not in text:
        return text, ()
    in_code = in_inline_code(text)
    problems: list[DialectProblem] = []

    def shown(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        identifier = target or label
        if in_code(match.start()) or not identifier.strip():
            return match.group(0)
        if normalizeReference(identifier) in context.references:
            return match.group(0)  # the page defines it: a link the parser reads
        problems.append(
            DialectProblem(
                origin,
                f"cross-reference {identifier.strip()[:60]!r} names a page of the site's "
                "own plugin (autorefs), which the wiki does not have; shown as its text",
                "unconverted-syntax",
            )
        )
        return label

    return _REFERENCE.sub(shown, text), tuple(problems)
