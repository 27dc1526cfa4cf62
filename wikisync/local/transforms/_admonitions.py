"""Admonitions of MkDocs, Docusaurus and Docsy -> Wiki.js's styled blockquotes.

Wiki.js 2 styles a blockquote by a class line right after it::

    > **Title**
    > The text.
    {.is-warning}

[`STYLES`][wikisync.local.transforms.STYLES] maps each admonition type (MkDocs and Docusaurus types, Docsy colors) to
one of the four classes; an unknown type is ``is-info``. A title given in the source
becomes the first, bold line; without one there is no title line (the color says the
type). Openings inside code blocks are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import MappingProxyType

from wikisync.local.transforms._engine import (
    Transform,
    TransformContext,
    TransformProblem,
    code_lines,
)

__all__ = [
    "BLOCKQUOTE_ALERTS",
    "DOCSY_ALERTS",
    "DOCUSAURUS_ADMONITIONS",
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

_MKDOCS_OPEN = re.compile(
    r"^(?P<indent>[ \t]*)(?:!!!|\?\?\?\+?)[ \t]+(?P<type>[\w-]+)(?:[ \t]+[\w-]+)*"
    r"(?:[ \t]+\"(?P<title>[^\"]*)\")?[ \t]*$"
)
_DOCUSAURUS_OPEN = re.compile(
    r"^(?P<indent> {0,3})(?P<colons>:{3,})(?P<type>[A-Za-z][\w-]*)"
    r"(?:\[(?P<bracket>[^\]]*)\]|[ \t]+(?P<title>\S.*?))?(?:[ \t]*\{[^}]*\})?[ \t]*$"
)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_DOCSY = re.compile(
    r"\{\{(?P<open>[<%])[ \t]*alert\b(?P<params>[^}]*?)[ \t]*[>%]\}\}"
    r"(?P<body>.*?)"
    r"\{\{[<%][ \t]*/alert[ \t]*[>%]\}\}",
    re.DOTALL,
)
_ALERT_OPEN = re.compile(
    r"^(?P<indent> {0,3})>[ \t]?\[!(?P<type>[A-Za-z]+)\][+-]?[ \t]*(?P<title>.*)$"
)
_QUOTE_LINE = re.compile(r"^(?P<indent> {0,3})>[ \t]?(?P<text>.*)$")
_PARAM = re.compile(r"(\w+)[ \t]*=[ \t]*(?:\"([^\"]*)\"|'([^']*)'|(\S+))")


def _style(kind: str) -> str:
    return STYLES.get(kind.lower(), "is-info")


def quote(body: Sequence[str], kind: str, title: str | None, indent: str = "") -> list[str]:
    """The lines of a Wiki.js blockquote of class ``STYLES[kind]`` holding ``body``."""
    lines = list(body)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
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
    removed = 0
    while removed < width and line[:1] in (" ", "\t"):
        removed += 4 - removed % 4 if line[0] == "\t" else 1
        line = line[1:]
    return line


def _mkdocs(content: str) -> list[str] | None:
    lines = content.split("\n")
    code = code_lines(content)
    out: list[str] = []
    changed = False
    index = 0
    while index < len(lines):
        match = _MKDOCS_OPEN.match(lines[index]) if index not in code else None
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
        while body and not body[-1].strip():
            body.pop()
            index -= 1
        inner = _mkdocs("\n".join(body))
        converted = inner if inner is not None else body
        title = match.group("title")
        out.extend(quote(converted, match.group("type"), title, indent))
        _blank_after(out, lines, index)
        changed = True
    return out if changed else None


def _mkdocs_transform(
    content: str, context: TransformContext
) -> tuple[str, Sequence[TransformProblem]]:
    lines = _mkdocs(content)
    return ("\n".join(lines) if lines is not None else content), ()


def _docusaurus(content: str) -> tuple[str, list[TransformProblem]]:
    lines = content.split("\n")
    code = code_lines(content)
    out: list[str] = []
    problems: list[TransformProblem] = []
    index = 0
    while index < len(lines):
        match = _DOCUSAURUS_OPEN.match(lines[index]) if index not in code else None
        if match is None:
            out.append(lines[index])
            index += 1
            continue
        colons = match.group("colons")
        closing = re.compile(rf"^ {{0,3}}{colons}[ \t]*$")
        start = index
        body: list[str] = []
        fence: str | None = None
        index += 1
        while index < len(lines):
            line = lines[index]
            opening = _FENCE.match(line)
            if opening:
                marker = opening.group(1)
                if fence is None:
                    fence = marker
                elif marker[0] == fence[0] and len(marker) >= len(fence):
                    fence = None
            elif fence is None and closing.match(line):
                break
            body.append(line)
            index += 1
        if index >= len(lines):  # never closed: left as written
            problems.append(
                TransformProblem(
                    start + 1,
                    f"admonition {lines[start].strip()!r} has no closing {colons}; left as text",
                )
            )
            out.append(lines[start])
            index = start + 1
            continue
        inner, found = _docusaurus("\n".join(body))
        problems.extend(TransformProblem(p.line + start + 1, p.message, p.code) for p in found)
        title = match.group("bracket") or match.group("title")
        out.extend(quote(inner.split("\n"), match.group("type"), title, match.group("indent")))
        index += 1  # the closing line
        _blank_after(out, lines, index)
    return "\n".join(out), problems


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
    starts = [0] + [i + 1 for i, c in enumerate(content) if c == "\n"]

    def line_of(offset: int) -> int:
        low, high = 0, len(starts)
        while low + 1 < high:
            middle = (low + high) // 2
            if starts[middle] <= offset:
                low = middle
            else:
                high = middle
        return low

    parts: list[str] = []
    position = 0
    for match in _DOCSY.finditer(content):
        first = line_of(match.start())
        if any(line in code for line in range(first, line_of(match.end()) + 1)):
            continue
        params: dict[str, str] = {}
        for param in _PARAM.finditer(match.group("params")):
            params[param.group(1).lower()] = next(g for g in param.groups()[1:] if g is not None)
        line_start = starts[first]
        before = content[line_start : match.start()]
        indent = before if not before.strip() else ""
        body = [_dedent(line, len(indent)) for line in match.group("body").split("\n")]
        body[0] = body[0].lstrip()  # text on the opening line
        block = quote(body, params.get("color", "primary"), params.get("title"), indent)
        head = content[position : match.start()]
        if before.strip():
            head += "\n"  # the alert opened after other text: the quote starts a line
        else:
            head = head[: len(head) - len(before)]
        parts.append(head)
        parts.append("\n".join(block))
        position = match.end()
        after = content[position:]
        line_end = after.find("\n")
        rest_of_line = after if line_end == -1 else after[:line_end]
        if rest_of_line.strip():  # text after the closing shortcode: a paragraph of its own
            parts.append("\n\n")
            position += len(rest_of_line) - len(rest_of_line.lstrip())
        elif line_end != -1 and after[line_end + 1 :].split("\n", 1)[0].strip():
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
