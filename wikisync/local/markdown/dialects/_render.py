"""Wiki.js's forms: styled blockquotes, ``<details>``, tabsets and code fences.

What the wiki shows is in shared/wikijs/render-transcripts.jsonl: a blockquote followed by
a ``{.is-info}`` line is a callout; a heading with ``{.tabset}`` is a tabset whose
sub-headings are the tabs (the tabset's own heading text is not shown, and it ends at the
next heading of its level or above); ``<details>`` with ``<summary>`` is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from types import MappingProxyType

from wikisync.local.markdown.dialects._model import Item, Line, TabNode
from wikisync.local.markdown.dialects._structure import structure

__all__ = [
    "STYLES",
    "callout",
    "details",
    "fence",
    "finalize",
    "style",
]

STYLES = MappingProxyType(
    {
        **dict.fromkeys(
            (
                "note",
                "info",
                "abstract",
                "summary",
                "tldr",
                "todo",
                "seealso",
                "important",
                "question",
                "help",
                "faq",
                "example",
                "quote",
                "cite",
                "primary",
                "secondary",
                "light",
                "dark",
            ),
            "is-info",
        ),
        **dict.fromkeys(("tip", "hint", "success", "check", "done", "new"), "is-success"),
        **dict.fromkeys(("warning", "caution", "attention", "highlight"), "is-warning"),
        **dict.fromkeys(("danger", "error", "failure", "fail", "missing", "bug"), "is-danger"),
    }
)
"""Admonition type (or Docsy color, or callout class) -> Wiki.js blockquote class."""

_HEADING = re.compile(r"^( {0,3})(#{1,6})(?=[ \t]|$)")
_TABSET_TITLE = "Tabs"


def style(kind: str) -> str:
    """The Wiki.js class of an admonition type; any other type is ``is-info``."""
    return STYLES.get(kind.lower(), "is-info")


def _trimmed(body: Sequence[Line]) -> list[Line]:
    start, end = 0, len(body)
    while start < end and not body[start].text.strip():
        start += 1
    while end > start and not body[end - 1].text.strip():
        end -= 1
    return list(body[start:end])


def callout(
    body: Sequence[Line], css: str, title: str | None, origin: int, *, indented: bool = False
) -> list[Line]:
    """A Wiki.js callout of class ``css`` holding ``body``; a title is its first, bold line.

    Wiki.js's form is a quote whose last line is ``{.is-info}``: markdown-it-attrs (3.0.3
    in Wiki.js 2.5) gives the class to the outermost block that closes after the line it
    continues. That is the quote when the quote's last block is a paragraph (or a list
    ending in one) and the quote is not the last block of a list item or of another
    callout. Elsewhere (``indented``: in a list item; a body ending in code, a table or a
    callout) the callout is an HTML ``<blockquote>`` of that class around the Markdown
    body, which Wiki.js shows the same way."""
    lines = _trimmed(body)
    if title and title.strip():
        head = Line(f"**{title.strip()}**", origin)
        lines = [head, *([Line("", origin)] if lines else []), *lines]
    if not lines:
        lines = [Line("", origin)]
    native = (
        not indented
        and not any(line.callout for line in lines)
        and structure([line.text for line in lines]).ends_with_paragraph
    )
    if native:
        quoted = [
            Line(f"> {line.text}".rstrip() if line.text.strip() else ">", line.origin)
            for line in lines
        ]
        return [*quoted, Line(f"{{.{css}}}", lines[-1].origin, callout=True)]
    end = lines[-1].origin
    return [
        Line(f'<blockquote class="{css}">', origin),
        Line("", origin),
        *(replace(line, heading=0) for line in lines),
        Line("", end),
        Line("</blockquote>", end),
    ]


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def details(body: Sequence[Line], summary: str, origin: int) -> list[Line]:
    """``<details>`` with ``summary`` and the Markdown ``body`` (blank lines around it, so
    that it is read as Markdown)."""
    lines = _trimmed(body)
    end = lines[-1].origin if lines else origin
    return [
        Line("<details>", origin),
        Line(f"<summary>{_html(summary.strip())}</summary>", origin),
        Line("", origin),
        *lines,
        *([Line("", end)] if lines else []),
        Line("</details>", end),
    ]


def fence(body: Sequence[Line], language: str, origin: int) -> list[Line]:
    """A fenced code block, its fence longer than any run of backticks in ``body``."""
    longest = 0
    for line in body:
        stripped = line.text.lstrip()
        if stripped.startswith("```"):
            longest = max(longest, len(stripped) - len(stripped.lstrip("`")))
    marker = "`" * max(3, longest + 1)
    end = body[-1].origin if body else origin
    return [
        Line(f"{marker}{language}", origin, code=True),
        *(replace(line, code=True, heading=0) for line in body),
        Line(marker, end, code=True),
    ]


def _shift_headings(body: list[Line], above: int) -> list[Line]:
    """``body`` with its headings (the lines the parse found to be headings) moved below
    level ``above``, keeping their relative levels, so that none of them ends the tab they
    are in. A setext heading (underlined) keeps its level."""
    levels = [line.heading for line in body if line.heading and not line.code]
    if not levels or min(levels) > above:
        return body
    delta = above + 1 - min(levels)
    out: list[Line] = []
    for line in body:
        match = _HEADING.match(line.text) if line.heading and not line.code else None
        if match is None:
            out.append(line)
            continue
        new = min(6, line.heading + delta)
        text = f"{match.group(1)}{'#' * new}{line.text[match.end() :]}"
        out.append(replace(line, text=text, heading=new))
    return out


def _tabset(tabs: Sequence[TabNode], level: int, wrap: bool) -> list[Line]:
    prefix = tabs[0].prefix
    origin = tabs[0].origin
    if level + 1 > 6:  # no heading level left for the tabs: titled sections instead
        out: list[Line] = []
        for tab in tabs:
            out.extend([Line(f"**{tab.title}**", tab.origin), Line("", tab.origin)])
            out.extend(_trimmed(tab.body))
            out.append(Line("", tab.origin))
        return _prefixed(out, prefix)
    out = [Line(f"{'#' * level} {_TABSET_TITLE} {{.tabset}}", origin, heading=level)]
    for tab in tabs:
        title = tab.title.strip() or "Tab"
        out.append(Line(f"{'#' * (level + 1)} {title}", tab.origin, heading=level + 1))
        body = _shift_headings(_trimmed(tab.body), level + 1)
        out.extend(body)
        if body:
            out.append(Line("", body[-1].origin))
    if out[-1].text == "":
        out.pop()
    if wrap:
        end = out[-1].origin
        out = [Line("<div>", origin), Line("", origin), *out, Line("", end), Line("</div>", end)]
    return _prefixed(out, prefix)


def _prefixed(lines: list[Line], prefix: str) -> list[Line]:
    if not prefix:
        return lines
    return [replace(line, text=f"{prefix}{line.text}") if line.text else line for line in lines]


def _blank(item: Item) -> bool:
    return isinstance(item, Line) and not item.text.strip()


def finalize(items: Sequence[Item], level_above: int = 0) -> list[Line]:
    """The lines of ``items``, runs of tabs made Wiki.js tabsets. Headings are the lines
    that say they are (``Line.heading``: what the parse found, or a tabset's own).

    A tabset's heading level is that of the heading that follows it (which then ends it,
    as Wiki.js ends a tabset); with no heading after it, one below the heading before it
    (``level_above`` when there is none). When text follows the tabs before any heading,
    the tabset is wrapped in a ``<div>`` so that the text stays out of its last tab.
    """
    out: list[Line] = []
    last_level = level_above
    index = 0
    count = len(items)
    while index < count:
        item = items[index]
        if isinstance(item, Line):
            out.append(item)
            if item.heading and not item.code:
                last_level = item.heading
            index += 1
            continue
        group: list[TabNode] = [item]
        index += 1
        while index < count:
            following = items[index]
            if isinstance(following, TabNode):
                if following.new_group:
                    break
                group.append(following)
                index += 1
                continue
            if following.text.strip():
                break
            look = index
            while look < count and _blank(items[look]):
                look += 1
            ahead = items[look] if look < count else None
            if isinstance(ahead, TabNode) and not ahead.new_group:
                index = look
                continue
            break
        after = index
        while after < count and _blank(items[after]):
            after += 1
        next_item = items[after] if after < count else None
        if next_item is None:
            level, wrap = min(last_level + 1, 6), False
        elif isinstance(next_item, Line) and next_item.heading and not next_item.code:
            level, wrap = next_item.heading, False
        else:
            level, wrap = min(last_level + 1, 6), True
        if out and out[-1].text.strip():
            out.append(Line("", group[0].origin))
        out.extend(_tabset(group, level, wrap))
        if next_item is not None and after == index:
            out.append(Line("", out[-1].origin))
    return out
