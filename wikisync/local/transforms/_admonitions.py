"""Admonitions of MkDocs, Docusaurus and Docsy -> Wiki.js's styled blockquotes.

Wiki.js 2 styles a blockquote by a class line right after it::

    > **Title**
    > The text.
    {.is-warning}

[`STYLES`][wikisync.local.transforms.STYLES] maps each admonition type (MkDocs and Docusaurus types, Docsy colors) to
one of the four classes; an unknown type is ``is-info``. A title given in the source
becomes the first, bold line; without one there is no title line (the color says the
type). Openings inside code blocks are left alone.

Every scan is linear in the size of the page: closings are looked up in one index built
by one pass, never searched for again from each opening, and admonitions nested deeper
than [`MAX_NESTING`][wikisync.transforms._admonitions.MAX_NESTING] levels are left as text
with a warning (each level quotes every line below it once more, so deeper nesting would
make the page grow with the square of its depth; the wiki shows no more levels anyway).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from types import MappingProxyType

from wikisync.local.transforms._engine import (
    Transform,
    TransformContext,
    TransformProblem,
    code_lines,
    line_starts,
)

__all__ = [
    "BLOCKQUOTE_ALERTS",
    "DOCSY_ALERTS",
    "DOCUSAURUS_ADMONITIONS",
    "MAX_NESTING",
    "MKDOCS_ADMONITIONS",
    "STYLES",
    "quote",
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
        **dict.fromkeys(("tip", "hint", "success", "check", "done"), "is-success"),
        **dict.fromkeys(("warning", "caution", "attention"), "is-warning"),
        **dict.fromkeys(("danger", "error", "failure", "fail", "missing", "bug"), "is-danger"),
    }
)
"""Admonition type (or Docsy color) -> Wiki.js blockquote class."""

MAX_NESTING = 16
"""Admonitions nested deeper than this are left as text (with a warning)."""

_MKDOCS_OPEN = re.compile(
    r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<type>[\w-]+)(?:[ \t]+[\w-]+)*"
    r"(?:[ \t]+\"(?P<title>[^\"]*)\")?[ \t]*$"
)
_DOCUSAURUS_HEAD = re.compile(r"(?P<indent> {0,3})(?P<colons>:{3,})(?P<type>[A-Za-z][\w-]*)")
_DOCUSAURUS_CLOSE = re.compile(r" {0,3}(:{3,})[ \t]*")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_DOCSY_OPEN = re.compile(r"\{\{(?P<open>[<%])[ \t]*alert\b(?P<params>[^{}]*)\}\}")
_DOCSY_CLOSE = re.compile(r"\{\{[<%][ \t]*/alert[ \t]*[>%]\}\}")
_ALERT_OPEN = re.compile(
    r"^(?P<indent> {0,3})>[ \t]?\[!(?P<type>[A-Za-z]+)\][+-]?[ \t]*(?P<title>.*)$"
)
_QUOTE_LINE = re.compile(r"^(?P<indent> {0,3})>[ \t]?(?P<text>.*)$")
_PARAM = re.compile(r"(?<!\w)(\w+)[ \t]*=[ \t]*(?:\"([^\"]*)\"|'([^']*)'|(\S+))")


def _style(kind: str) -> str:
    return STYLES.get(kind.lower(), "is-info")


def quote(body: Sequence[str], kind: str, title: str | None, indent: str = "") -> list[str]:
    """The lines of a Wiki.js blockquote of class ``STYLES[kind]`` holding ``body``."""
    first, last = 0, len(body)
    while first < last and not body[first].strip():
        first += 1
    while last > first and not body[last - 1].strip():
        last -= 1
    lines = list(body[first:last])
    if title:
        lines = [f"**{title.strip()}**", *([""] if lines else []), *lines]
    if not lines:
        lines = [""]
    quoted = [f"{indent}> {line}".rstrip() if line.strip() else f"{indent}>" for line in lines]
    return [*quoted, f"{indent}{{.{_style(kind)}}}"]


def _blank_after(out: list[str], following: list[str], index: int) -> None:
    """A blank line after the class line unless the text already has one (or ends)."""
    if index < len(following) and following[index].strip():
        out.append("")


def _width(line: str) -> int:
    """Columns of leading whitespace (tabs to the next multiple of 4)."""
    return len(line[: len(line) - len(line.lstrip(" \t"))].expandtabs(4))


def _dedent(line: str, width: int) -> str:
    removed = index = 0
    while removed < width and index < len(line) and line[index] in " \t":
        removed += 4 - removed % 4 if line[index] == "\t" else 1
        index += 1
    return line[index:]


def _too_deep(line: int) -> TransformProblem:
    return TransformProblem(
        line, f"admonitions nested deeper than {MAX_NESTING} levels are left as text"
    )


def _mkdocs(
    content: str, depth: int, first_line: int, problems: list[TransformProblem]
) -> list[str] | None:
    lines = content.split("\n")
    code = code_lines(content)
    out: list[str] = []
    changed = False
    index = 0
    while index < len(lines):
        match = _MKDOCS_OPEN.match(lines[index]) if index not in code else None
        if match is not None and depth >= MAX_NESTING:
            if not problems:
                problems.append(_too_deep(first_line + index))
            match = None
        if match is None:
            out.append(lines[index])
            index += 1
            continue
        indent = match.group("indent")
        width = len(indent.expandtabs(4)) + 4
        body: list[str] = []
        index += 1
        while index < len(lines):
            line = lines[index]
            if line.strip() and _width(line) < width:
                break
            body.append(_dedent(line, width) if line.strip() else "")
            index += 1
        opened = index - len(body) - 1
        while body and not body[-1].strip():
            body.pop()
            index -= 1
        inner = _mkdocs("\n".join(body), depth + 1, first_line + opened + 1, problems)
        converted = inner if inner is not None else body
        title = match.group("title")
        out.extend(quote(converted, match.group("type"), title, indent))
        _blank_after(out, lines, index)
        changed = True
    return out if changed else None


def _mkdocs_transform(
    content: str, context: TransformContext
) -> tuple[str, Sequence[TransformProblem]]:
    problems: list[TransformProblem] = []
    lines = _mkdocs(content, 0, 1, problems)
    return ("\n".join(lines) if lines is not None else content), problems


def _docusaurus_open(line: str) -> tuple[re.Match[str], str | None] | None:
    """An admonition's opening line (``:::tip[Title]{#id}``, ``:::note Title``): its head
    and its title, or ``None``. Parsed by hand after the head, in one pass over the line."""
    head = _DOCUSAURUS_HEAD.match(line)
    if head is None:
        return None
    rest = line[head.end() :].rstrip(" \t")
    if not rest or _is_attributes(rest):
        return head, None
    if rest[0] == "[":
        close = rest.find("]")
        if close < 0:
            return None
        after = rest[close + 1 :].lstrip(" \t")
        return (head, rest[1:close]) if not after or _is_attributes(after) else None
    if rest[0] not in " \t":
        return None
    title = rest.lstrip(" \t")
    brace = title.rfind("{")
    if brace > 0 and _is_attributes(title[brace:]) and title[:brace].strip(" \t"):
        title = title[:brace].rstrip(" \t")
    return head, title


def _is_attributes(text: str) -> bool:
    return len(text) >= 2 and text[0] == "{" and text[-1] == "}" and "}" not in text[1:-1]


def _docusaurus(content: str) -> tuple[str, list[TransformProblem]]:
    lines = content.split("\n")
    # One pass: every closing line outside fenced code, by its number of colons.
    closings: dict[int, list[int]] = {}
    fence: str | None = None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
        elif fence is None and line[:4].lstrip(" ").startswith(":::"):
            closing = _DOCUSAURUS_CLOSE.fullmatch(line)
            if closing:
                closings.setdefault(len(closing.group(1)), []).append(index)
    problems: list[TransformProblem] = []
    out = _docusaurus_range(lines, code_lines(content), closings, 0, len(lines), 0, problems)
    return "\n".join(out), sorted(problems, key=lambda p: p.line)


def _docusaurus_range(
    lines: list[str],
    code: frozenset[int],
    closings: dict[int, list[int]],
    start: int,
    end: int,
    depth: int,
    problems: list[TransformProblem],
) -> list[str]:
    """Lines ``start``..``end`` (not included) with their admonitions converted: each one
    ends at the first closing line with as many colons after it, inside the range."""
    out: list[str] = []
    index = start
    while index < end:
        line = lines[index]
        opened = _docusaurus_open(line) if index not in code and ":::" in line[:7] else None
        if opened is None:
            out.append(line)
            index += 1
            continue
        head, title = opened
        colons = head.group("colons")
        candidates = closings.get(len(colons), ())
        at = bisect_right(candidates, index)
        close = candidates[at] if at < len(candidates) else end
        if close >= end:  # never closed: left as written
            problems.append(
                TransformProblem(
                    index + 1,
                    f"admonition {line.strip()!r} has no closing {colons}; left as text",
                )
            )
            out.append(line)
            index += 1
            continue
        if depth >= MAX_NESTING:
            if not any(p.message.startswith("admonitions nested") for p in problems[-1:]):
                problems.append(_too_deep(index + 1))
            out.extend(lines[index : close + 1])
            index = close + 1
            continue
        inner = _docusaurus_range(lines, code, closings, index + 1, close, depth + 1, problems)
        out.extend(quote(inner, head.group("type"), title, head.group("indent")))
        index = close + 1  # after the closing line
        if index < end and lines[index].strip():
            out.append("")
    return out


def _docusaurus_transform(
    content: str, context: TransformContext
) -> tuple[str, Sequence[TransformProblem]]:
    return _docusaurus(content)


def _docsy_transform(
    content: str, context: TransformContext
) -> tuple[str, Sequence[TransformProblem]]:
    if "alert" not in content:
        return content, ()
    code = code_lines(content)
    starts = line_starts(content)

    def line_of(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    closes = [m.start() for m in _DOCSY_CLOSE.finditer(content)]
    close_ends = {m.start(): m.end() for m in _DOCSY_CLOSE.finditer(content)}
    parts: list[str] = []
    position = 0  # what is copied to parts
    scanned = 0  # where the next opening may start
    for match in _DOCSY_OPEN.finditer(content):
        raw = match.group("params")
        if match.start() < scanned or not raw.endswith((">", "%")):
            continue
        at = bisect_right(closes, match.end() - 1)
        if at == len(closes):
            break  # no closing after this opening, nor after any later one
        close_start = closes[at]
        close_end = close_ends[close_start]
        scanned = close_end
        first = line_of(match.start())
        if any(line in code for line in range(first, line_of(close_end) + 1)):
            continue
        params: dict[str, str] = {}
        for param in _PARAM.finditer(raw[:-1]):
            params[param.group(1).lower()] = next(g for g in param.groups()[1:] if g is not None)
        line_start = starts[first]
        before = content[line_start : match.start()]
        indent = before if not before.strip() else ""
        text = content[match.end() : close_start]
        body = [_dedent(line, len(indent)) for line in text.split("\n")]
        body[0] = body[0].lstrip()  # text on the opening line
        block = quote(body, params.get("color", "primary"), params.get("title"), indent)
        head = content[position : match.start()]
        if before.strip():
            head += "\n"  # the alert opened after other text: the quote starts a line
        else:
            head = head[: len(head) - len(before)]
        parts.append(head)
        parts.append("\n".join(block))
        position = close_end
        line_end = content.find("\n", position)
        rest_of_line = content[position:] if line_end == -1 else content[position:line_end]
        if rest_of_line.strip():  # text after the closing shortcode: a paragraph of its own
            parts.append("\n\n")
            position += len(rest_of_line) - len(rest_of_line.lstrip())
        elif line_end != -1:
            next_end = content.find("\n", line_end + 1)
            following = (
                content[line_end + 1 :] if next_end == -1 else content[line_end + 1 : next_end]
            )
            if following.strip():
                parts.append("\n")  # a blank line after the class line
    if not parts:
        return content, ()
    parts.append(content[position:])
    return "".join(parts), ()


def _alerts_transform(
    content: str, context: TransformContext
) -> tuple[str, Sequence[TransformProblem]]:
    if "[!" not in content:
        return content, ()
    lines = content.split("\n")
    code = code_lines(content)
    out: list[str] = []
    changed = False
    index = 0
    while index < len(lines):
        match = _ALERT_OPEN.match(lines[index]) if index not in code else None
        if match is None:
            out.append(lines[index])
            index += 1
            continue
        body: list[str] = []
        index += 1
        while index < len(lines) and index not in code:
            line = _QUOTE_LINE.match(lines[index])
            if line is None:
                break
            body.append(line.group("text"))
            index += 1
        title: str | None = match.group("title")
        if title and not any(line.strip() for line in body):
            body, title = [title], None  # `> [!NOTE] Text.` alone: the text is the body
        out.extend(quote(body, match.group("type"), title, match.group("indent")))
        _blank_after(out, lines, index)
        changed = True
    return ("\n".join(out) if changed else content), ()


MKDOCS_ADMONITIONS = Transform(
    "mkdocs-admonitions",
    'MkDocs admonitions (!!! note "Title", ??? tip) -> Wiki.js styled blockquotes',
    _mkdocs_transform,
)
DOCUSAURUS_ADMONITIONS = Transform(
    "docusaurus-admonitions",
    "Docusaurus admonitions (:::tip Title ... :::) -> Wiki.js styled blockquotes",
    _docusaurus_transform,
)
DOCSY_ALERTS = Transform(
    "docsy-alerts",
    "Docsy/Hugo alert shortcodes ({{% alert %}}, {{< alert >}}) -> Wiki.js styled blockquotes",
    _docsy_transform,
)
BLOCKQUOTE_ALERTS = Transform(
    "blockquote-alerts",
    "GitHub/Hugo blockquote alerts (> [!NOTE] Title) -> Wiki.js styled blockquotes",
    _alerts_transform,
)
