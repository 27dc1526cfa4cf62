"""What the wiki shows: a generator's Markdown made to read in Wiki.js as on its site.

Three differences between a CommonMark site (MkDocs, Docusaurus, Hugo ...) and Wiki.js
change what a reader sees, and are taken care of when a page is loaded:

* **Line breaks.** Wiki.js renders every line break inside a paragraph as ``<br>``
  (``markdownCore.linebreaks``, on in a fresh install); the site joins the lines with a
  space. The page keeps the spans of those soft breaks (``LocalPage.soft_breaks``) and
  the plan joins them when the wiki's setting is on (``LocalPage.for_wiki``), so the
  files stay as written and a wiki with the setting off gets the text unchanged. Hard
  breaks (two spaces or a backslash at the line end), code, HTML blocks and the break
  before a closing attribute line (``{.is-info}``) are kept.
* **The title.** Wiki.js shows the page title above the content: a first heading equal
  to the title is dropped from the content, not shown twice.
* **Links.** Every link is rewritten to a page or an uploaded asset, left external, or
  reported (``wikisync.local.markdown.links``).

``adapt`` applies the link rewrites and the title drop in one pass and moves the soft
break spans onto the result. Trees of Wiki.js's own format (the ``wikijs`` flavor) are
left as written: they are the wiki's own text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wikisync.local.markdown.parse import Heading, MarkdownScan
from wikisync.plan.model import normalize_content

__all__ = ["Adapted", "adapt", "title_heading"]

_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


@dataclass(frozen=True)
class Adapted:
    """A page's content after ``adapt``, and its soft-break spans in that content."""

    content: str
    soft_breaks: tuple[tuple[int, int], ...] = ()


def title_heading(heading: Heading | None) -> str | None:
    """The text of a heading as a title, its attribute block (``{#id}``, which Wiki.js
    reads as attributes) taken off; ``None`` for a tabset's heading (``{.tabset}``),
    which holds tabs, not a title."""
    if heading is None:
        return None
    text = heading.text.rstrip()
    if text.endswith("}"):  # read backwards from the end: one pass, whatever the spaces
        opening = text.rfind("{")
        if opening >= 0 and "}" not in text[opening:-1] and "\n" not in text[opening:]:
            if ".tabset" in text[opening + 1 : -1].split():
                return None  # a Wiki.js tabset's heading: its tabs, not the page's title
            text = text[:opening]
    return text.strip() or None


def adapt(
    text: str,
    scan: MarkdownScan,
    edits: Sequence[tuple[int, int, str]],
    *,
    title: str | None,
    join_lines: bool,
) -> Adapted:
    """``text`` with ``edits`` (link rewrites, ascending, not overlapping) made, its first
    heading dropped when it says ``title`` (with ``join_lines``, the CommonMark trees),
    normalised (``normalize_content``), and its soft breaks placed in the result."""
    changes = list(edits)
    heading = scan.leading_heading
    if (
        join_lines
        and heading is not None
        and title
        and title_heading(heading) == title.strip()
        and text[heading.end :].strip()  # a page of only its title keeps it
    ):
        changes = [e for e in changes if e[0] >= heading.end]
        changes.insert(0, (heading.start, heading.end, ""))
    marks = scan.soft_breaks if join_lines else ()
    out, moved = _splice(text, changes, marks)
    content = normalize_content(out)
    if not moved:
        return Adapted(content)
    lead = len(out) - len(_LEADING_BLANK_LINES.sub("", out, count=1))
    limit = len(content.rstrip("\n"))
    kept = tuple((a - lead, b - lead) for a, b in moved if a >= lead and b - lead <= limit)
    return Adapted(content, kept)


def _splice(
    text: str, edits: Iterable[tuple[int, int, str]], marks: Sequence[tuple[int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with ``edits`` made, and ``marks`` (sorted spans) moved into the result;
    a mark that overlaps an edit is dropped."""
    parts: list[str] = []
    moved: list[tuple[int, int]] = []
    position = 0
    shift = 0
    index = 0
    for start, end, new in edits:
        while index < len(marks) and marks[index][1] <= start:
            a, b = marks[index]
            if a >= position:
                moved.append((a + shift, b + shift))
            index += 1
        while index < len(marks) and marks[index][0] < end:
            index += 1  # inside the edit: gone with it
        parts.append(text[position:start])
        parts.append(new)
        shift += len(new) - (end - start)
        position = end
    for a, b in marks[index:]:
        if a >= position:
            moved.append((a + shift, b + shift))
    parts.append(text[position:])
    return "".join(parts), moved
