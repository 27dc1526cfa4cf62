"""Markdown read the way Wiki.js reads it, with exact places in the source.

One markdown-it-py parse per page, configured like Wiki.js's markdown-it (see
``rendering-config.json`` of a fresh install: HTML allowed, footnotes, KaTeX ``$`` math;
linkify only makes links of URLs with a scheme or ``www.``, which are never rewritten, so
it is not run here). The parse finds, with their character spans in the text:

* link destinations: inline links and images ``[t](dest "title")`` (``<dest>`` without
  its brackets), reference definitions ``[id]: dest`` (the destination may be on the next
  line, as Prettier wraps long ones), ``href``/``src`` attributes of HTML blocks and inline
  HTML tags (not in HTML comments), wherever the block sits (lists, quotes, footnotes,
  tables); apart, Hugo shortcodes used as an inline link's target
  (``[t]({{< ref "x" >}})``: Hugo expands them before Markdown);
* soft line breaks: the line ends inside paragraphs that CommonMark renders as a space
  and Wiki.js (``markdownCore.linebreaks``) as ``<br>``; not hard breaks (two spaces or
  a backslash at the end of the line), not in code, HTML or math, and not the break
  before a last line that is only an attribute block (``{.is-info}``: Wiki.js reads it
  as the attributes of the block it closes);
* code: fenced and indented code blocks, code spans, HTML comments;
* the first block when it is a heading (its text and lines).

Code is never looked into. Spans map the parser's line map (``token.map``) back to the
text: a line of a block's content is the end of its source line (container markers and
indentation are what the parser took off the front), and a table cell or heading is
found in its line from the left. Inline parsing runs only for the blocks that need it
(those holding ``](``, ``<``, a backtick or ``$``), which keeps a page's cost close to
one block pass; every step is linear in the size of the text.

It is one module because the parser's hooks and the code that maps what they record back
onto the text are two halves of one contract: each hook records positions in the
coordinates that the mapping expects.
"""

from __future__ import annotations

import functools
import re
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from markdown_it import MarkdownIt, rules_block, rules_inline
from markdown_it.helpers import parseLinkDestination, parseLinkLabel, parseLinkTitle
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

__all__ = [
    "HTML_ATTR",
    "TEMPLATE_DEST",
    "TEMPLATE_REF_DEF",
    "Destination",
    "Heading",
    "MarkdownScan",
    "html_comment_spans",
    "html_destinations",
    "indented_body_end",
    "merged_destinations",
    "scan_markdown",
]

HTML_ATTR = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*(?![A-Za-z0-9-])[^<>]*?\s(?:href|src)\s*=\s*"
    r"(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'<>`=]+))",
    re.IGNORECASE,
)
"""An ``href``/``src`` attribute of an HTML tag (group 1, 2 or 3 is its value)."""

_HAS_ATTR = re.compile(r"(?i)\b(?:href|src)\s*=")
# A template holds no braces: the lazy body stops at the next one, so many unclosed
# "{{" on a line cost one scan each to the next brace, not to the end of the line.
_TEMPLATE = r"(?:\{\{[^{}\n]*?\}\}|\{%[^{}\n]*?%\})"
TEMPLATE_DEST = re.compile(r"\]\([ \t]*(" + _TEMPLATE + r"(?:" + _TEMPLATE + r"|[^\s(){}])*)")
"""An inline link's target that starts with template syntax (group 1): a Hugo shortcode
(``{{< ref "x" >}}``) or Liquid (``{% link x.md %}``, ``{{ site.baseurl }}/x/``)."""
TEMPLATE_REF_DEF = re.compile(
    r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(" + _TEMPLATE + r"(?:" + _TEMPLATE + r"|[^\s{}])*)",
    re.MULTILINE,
)
"""A reference definition whose target starts with template syntax (group 1,
``[x]: {% link x.md %}``): not a definition to CommonMark, so the parser reads it as text."""
_ATTRS_LINE = re.compile(r"^\{[^{}\n]*\}$")
_INLINE_NEEDED = ("](", "<", "`", "$")


@dataclass(frozen=True)
class Destination:
    """A link destination: ``text[start:end]`` on 0-based line ``line``."""

    start: int
    end: int
    target: str
    line: int


@dataclass(frozen=True)
class Heading:
    """A heading: its level, its text as written, and the span of its lines."""

    level: int
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class MarkdownScan:
    """What one parse of a page found (spans are ``(start, end)`` offsets in its text)."""

    destinations: tuple[Destination, ...] = ()
    template_destinations: tuple[Destination, ...] = ()
    """Link targets written in template syntax, which the parser reads as text: Hugo
    shortcodes (``[t]({{< ref "x" >}})``) and Liquid (``[t]({% link x.md %})``, also in a
    reference definition)."""
    soft_breaks: tuple[tuple[int, int], ...] = ()
    """Spans to replace by one space to join a paragraph's lines: the end of a line (its
    trailing spaces and the newline) and the next line's container prefix and indent."""
    code: tuple[tuple[int, int], ...] = ()
    """Code blocks, code spans and HTML comments, sorted."""
    code_blocks: tuple[tuple[int, int], ...] = ()
    """Fenced and indented code blocks (whole lines), sorted."""
    code_lines: frozenset[int] = frozenset()
    """The (0-based) lines of those code blocks."""
    leading_heading: Heading | None = None
    """The page's first block, when it is a heading."""
    first_title: Heading | None = None
    """The page's first level-1 heading, wherever it is."""


# -- the parser and its recorder ---------------------------------------------------------------


@dataclass
class _Inline:
    """One inline token being parsed and what was found in its content."""

    token: Token
    kind: str  # the block it belongs to: paragraph_open, heading_open, td_open ...
    destinations: list[tuple[int, int]] = field(default_factory=list)
    html: list[int] = field(default_factory=list)  # offsets of html_inline tags
    breaks: list[int] = field(default_factory=list)  # offsets of soft-break newlines
    code: list[tuple[int, int]] = field(default_factory=list)
    parsed: bool = False


@dataclass
class _Recorder:
    """What the parser's hooks write into while one text is parsed."""

    inlines: list[_Inline] = field(default_factory=list)
    current: _Inline | None = None
    frames: list[list[tuple[Any, int, int]]] = field(default_factory=list)
    definitions: list[tuple[int, int]] = field(default_factory=list)  # source offsets


_LOCAL = threading.local()


def _recorder() -> _Recorder:
    rec: _Recorder | None = getattr(_LOCAL, "recorder", None)
    if rec is None:  # parsing outside scan_markdown: record into a throwaway
        rec = _Recorder()
    return rec


def _destination_helper(string: str, pos: int, maximum: int) -> Any:
    result = parseLinkDestination(string, pos, maximum)
    rec = _recorder()
    if result.ok and rec.frames:
        rec.frames[-1].append((string, pos, result.pos))
    return result


def _wrap_link_rule(
    rule: Callable[[StateInline, bool], bool],
) -> Callable[[StateInline, bool], bool]:
    def wrapped(state: StateInline, silent: bool) -> bool:
        rec = _recorder()
        frame: list[tuple[Any, int, int]] = []
        rec.frames.append(frame)
        try:
            ok = rule(state, silent)
        finally:
            rec.frames.pop()
        current = rec.current
        # an inline link ends with ")"; a reference link ("[a][b]", "[a]") ends with "]"
        if ok and not silent and current is not None and frame and state.src[state.pos - 1] == ")":
            _, start, end = frame[0]
            if state.src[start] == "<":
                start, end = start + 1, end - 1
            current.destinations.append((start, end))
        return ok

    return wrapped


def _recording(
    rule: Callable[[StateInline, bool], bool],
    token: str | None,
    record: Callable[[_Inline, int, int], None],
) -> Callable[[StateInline, bool], bool]:
    """``rule``, and when it matched (pushing a ``token`` token, if one is named) inside
    the inline being recorded: ``record(inline, start, end)`` with the span it read."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        count = len(state.tokens)
        ok = rule(state, silent)
        current = _recorder().current
        if (
            ok
            and not silent
            and current is not None
            and (token is None or (len(state.tokens) > count and state.tokens[-1].type == token))
        ):
            record(current, pos, state.pos)
        return ok

    return wrapped


def _reference_rule(
    rule: Callable[[StateBlock, int, int, bool], bool],
) -> Callable[[StateBlock, int, int, bool], bool]:
    def wrapped(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        rec = _recorder()
        frame: list[tuple[Any, int, int]] = []
        rec.frames.append(frame)
        try:
            ok = rule(state, start_line, end_line, silent)
        finally:
            rec.frames.pop()
        if ok and not silent and frame:
            string, start, end = frame[0]
            if string[start] == "<":
                start, end = start + 1, end - 1
            # ``string`` is the definition's lines, each from its content start to its end
            # (newline included): map the destination back line by line.
            offset = 0
            line = start_line
            while line < state.lineMax:
                begin = state.bMarks[line] + state.tShift[line]
                length = state.eMarks[line] + 1 - begin
                if start < offset + length:
                    source = begin + start - offset
                    rec.definitions.append((source, source + end - start))
                    break
                offset += length
                line += 1
        return ok

    return wrapped


_IMSIZE = re.compile(
    r"[ \t\n]*(<[^<>\n]*>|[^\s()<>]+)"
    r"(?:[ \t\n]+(?:\"[^\"]*\"|'[^']*'))?"
    r"[ \t\n]+=(\d*)x(\d*)[ \t\n]*\)"
)


def _imsize_rule(state: StateInline, silent: bool) -> bool:
    """Wiki.js's image size syntax, ``![alt](src =100x)`` (markdown-it-imsize): found here so
    that its ``src`` is a destination like any image's."""
    pos = state.pos
    if not state.src.startswith("![", pos):
        return False
    label_end = parseLinkLabel(state, pos + 1, False)
    if label_end < 0 or not state.src.startswith("(", label_end + 1):
        return False
    match = _IMSIZE.match(state.src, label_end + 2, state.posMax)
    if match is None:
        return False
    if not silent:
        current = _recorder().current
        start, end = match.span(1)
        if state.src[start] == "<":
            start, end = start + 1, end - 1
        if current is not None:
            current.destinations.append((start, end))
        token = state.push("image", "img", 0)
        token.attrs = {"src": state.md.normalizeLink(state.src[start:end]), "alt": ""}
        if match.group(2):
            token.attrs["width"] = match.group(2)
        if match.group(3):
            token.attrs["height"] = match.group(3)
        children: list[Token] = []
        state.md.inline.parse(state.src[pos + 2 : label_end], state.md, state.env, children)
        token.children = children
        token.content = state.src[pos + 2 : label_end]
    state.pos = match.end()
    return True


def _inline_core(state: StateCore) -> None:
    """The core ``inline`` step, run only over the blocks whose content needs it."""
    rec = _recorder()
    previous: Token | None = None
    for token in state.tokens:
        if token.type == "inline":
            kind = previous.type if previous is not None else ""
            item = _Inline(token, kind)
            rec.inlines.append(item)
            content = token.content
            needed = any(mark in content for mark in _INLINE_NEEDED)
            if needed:
                item.parsed = True
                rec.current = item
                token.children = []
                try:
                    state.md.inline.parse(content, state.md, state.env, token.children)
                finally:
                    rec.current = None
        previous = token


def _same(url: str) -> str:
    return url


def indented_body_end(state: StateBlock, start_line: int, end_line: int) -> int:
    """The line after the body of the block opened on ``start_line`` whose body is the
    lines indented four columns more than it (blank lines inside it included), as
    Python-Markdown reads an admonition's or a tab's body."""
    indent = state.sCount[start_line] + 4
    end = start_line + 1
    probe = end
    while probe < end_line:
        if state.isEmpty(probe):
            probe += 1
            continue
        if state.sCount[probe] < indent:
            break
        probe += 1
        end = probe
    return end


def _container_rule(
    markers: tuple[str, ...],
) -> Callable[[StateBlock, int, int, bool], bool]:
    """A block opened by a line starting with one of ``markers`` (``!!! note``,
    ``=== "Tab"``) whose body is the lines indented four columns more: Markdown, as
    Python-Markdown's admonitions and pymdownx's tabs read it, not an indented code
    block."""
    ordered = sorted(markers, key=len, reverse=True)

    def rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        if state.is_code_block(start_line):
            return False
        start = state.bMarks[start_line] + state.tShift[start_line]
        line = state.src[start : state.eMarks[start_line]]
        if not any(
            line.startswith(m) and (len(line) == len(m) or line[len(m)] == " ") for m in ordered
        ):
            return False
        if silent:
            return True
        indent = state.sCount[start_line] + 4
        end = indented_body_end(state, start_line, end_line)
        saved = (state.parentType, state.lineMax, state.blkIndent)
        state.parentType, state.lineMax, state.blkIndent = "container", end, indent
        token = state.push("container_open", "div", 1)
        token.map = [start_line, end]
        state.md.block.tokenize(state, start_line + 1, end)
        state.push("container_close", "div", -1)
        state.parentType, state.lineMax, state.blkIndent = saved
        state.line = end
        return True

    return rule


def _make_parser(containers: tuple[str, ...] = ()) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "breaks": True, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, allow_labels=False)
    md.helpers = SimpleNamespace(  # type: ignore[assignment]
        parseLinkDestination=_destination_helper,
        parseLinkLabel=parseLinkLabel,
        parseLinkTitle=parseLinkTitle,
    )
    md.inline.ruler.at("link", _wrap_link_rule(rules_inline.link))
    md.inline.ruler.at("image", _wrap_link_rule(rules_inline.image))
    md.inline.ruler.at(
        "newline",
        _recording(rules_inline.newline, "softbreak", lambda i, a, _: i.breaks.append(a)),
    )
    md.inline.ruler.at(
        "html_inline",
        _recording(rules_inline.html_inline, None, lambda i, a, _: i.html.append(a)),
    )
    md.inline.ruler.at(
        "backticks",
        _recording(rules_inline.backtick, "code_inline", lambda i, a, b: i.code.append((a, b))),
    )
    md.block.ruler.at("reference", _reference_rule(rules_block.reference), {"alt": []})
    md.core.ruler.at("inline", _inline_core)
    # Destinations are read from the text, not from the tokens: skip the URL encoding.
    md.normalizeLink = _same  # type: ignore[method-assign]
    md.normalizeLinkText = _same  # type: ignore[method-assign,assignment]
    md.inline.ruler.before("image", "imsize", _imsize_rule)
    if containers:
        md.block.ruler.before("fence", "container", _container_rule(containers))
    md.disable(["text_join", "replacements", "smartquotes", "linkify"], ignoreInvalid=True)
    return md


_PARSERS: dict[tuple[str, ...], MarkdownIt] = {}


def _parser(containers: tuple[str, ...]) -> MarkdownIt:
    md = _PARSERS.get(containers)
    if md is None:
        md = _PARSERS[containers] = _make_parser(containers)
    return md


# -- from the parse to spans in the text -------------------------------------------------------


class _Lines:
    """Line starts and ends of a text (ends exclude the newline)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cursor: dict[int, int] = {}  # where the next table cell of a line is looked for
        starts = [0]
        find = text.find
        position = find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = find("\n", position + 1)
        self.starts = starts

    def start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def end(self, line: int) -> int:
        """Offset of the newline ending ``line`` (or the end of the text)."""
        if line + 1 < len(self.starts):
            return self.starts[line + 1] - 1
        return len(self.text)

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1


def _content_bases(lines: _Lines, token: Token, kind: str) -> list[int] | None:
    """For each line of an inline or HTML token's content, the text offset its first
    character stands for (``None`` when the content cannot be placed)."""
    if token.map is None:
        return None
    first = token.map[0]
    text = lines.text
    parts = token.content.split("\n")
    bases: list[int] = []
    if kind in ("paragraph_open", "html_block", "lheading") or len(parts) > 1:
        for index, part in enumerate(parts):
            line = first + index
            start, end = lines.start(line), lines.end(line)
            body = part.lstrip(" \t")
            if text.endswith(body, start, end):
                bases.append(end - len(part))
            else:
                stripped = end
                while stripped > start and text[stripped - 1] in " \t":
                    stripped -= 1
                if not text.endswith(body, start, stripped):
                    return None
                bases.append(stripped - len(part))
        return bases
    # one line: a heading or a table cell, found from the left of its line
    line = first
    start, end = lines.start(line), lines.end(line)
    cursor = lines.cursor.get(line, start)
    if kind == "heading_open":
        cursor = text.find("#", start, end) + 1 or start
    found = text.find(token.content, cursor, end) if token.content else cursor
    if found < 0:
        return None
    lines.cursor[line] = found + len(token.content)
    return [found]


def _to_text(bases: list[int], offset: int, starts: list[int]) -> int:
    """A content offset as a text offset (``starts``: content line starts)."""
    index = bisect_right(starts, offset) - 1
    return bases[index] + offset - starts[index]


def _line_starts(content: str) -> list[int]:
    starts = [0]
    position = content.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = content.find("\n", position + 1)
    return starts


def html_comment_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of each HTML comment (``<!-- ... -->``) of ``text[start:end]``, in
    one pass: after an opening without a closing, no later opening can close either."""
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    position = start
    while True:
        opening = text.find("<!--", position, stop)
        if opening < 0:
            return spans
        closing = text.find("-->", opening + 4, stop)
        if closing < 0:
            return spans
        position = closing + 3
        spans.append((opening, position))


def html_destinations(
    text: str, start: int = 0, end: int | None = None
) -> Iterator[tuple[int, int]]:
    """Spans of ``href``/``src`` values in HTML ``text[start:end]``, outside comments."""
    stop = len(text) if end is None else end
    comments = html_comment_spans(text, start, stop)
    index = 0
    for match in HTML_ATTR.finditer(text, start, stop):
        while index < len(comments) and comments[index][1] <= match.start():
            index += 1
        if index < len(comments) and comments[index][0] <= match.start():
            continue
        group = next(g for g in (1, 2, 3) if match.group(g) is not None)
        yield match.start(group), match.end(group)


def _join_span(lines: _Lines, newline: int, next_start: int) -> tuple[int, int]:
    text = lines.text
    start = newline
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    end = next_start
    while end < len(text) and text[end] in " \t":
        end += 1
    return start, end


def _fast_breaks(item: _Inline, lines: _Lines, bases: list[int]) -> Iterator[tuple[int, int]]:
    """Soft breaks of a paragraph whose content holds no inline code, HTML or math: every
    line end is a break, hard when the line ends with two spaces or a backslash."""
    parts = item.token.content.split("\n")
    for index in range(len(parts) - 1):
        part = parts[index]
        if part.endswith("  "):
            continue
        slashes = len(part) - len(part.rstrip("\\"))
        if slashes % 2:
            continue
        if index + 1 == len(parts) - 1 and _ATTRS_LINE.match(parts[-1].strip()):
            continue
        newline = lines.end(item.token.map[0] + index) if item.token.map else 0
        yield _join_span(lines, newline, bases[index + 1])


def _parsed_breaks(item: _Inline, lines: _Lines, bases: list[int]) -> Iterator[tuple[int, int]]:
    content = item.token.content
    starts = _line_starts(content)
    last = len(starts) - 1
    for position in item.breaks:
        index = bisect_right(starts, position) - 1
        if index + 1 == last and _ATTRS_LINE.match(content[starts[last] :].strip()):
            continue
        newline = lines.end(item.token.map[0] + index) if item.token.map else 0
        yield _join_span(lines, newline, bases[index + 1])


def scan_markdown(text: str, *, containers: tuple[str, ...] = ()) -> MarkdownScan:
    """Parse ``text`` (``\n`` line ends) once and find what the module docstring lists.
    ``containers`` are the markers of blocks whose indented body is Markdown (``!!!``,
    ``===``: see ``Flavor.containers``). The last few answers are kept: loading a page
    asks about the same text several times (its transforms, then its links)."""
    return _scan(text, containers)


@functools.lru_cache(maxsize=8)
def _scan(text: str, containers: tuple[str, ...]) -> MarkdownScan:
    if "\r" in text:
        raise ValueError("scan_markdown takes text with \\n line ends only")
    rec = _Recorder()
    _LOCAL.recorder = rec
    try:
        tokens = _parser(containers).parse(text, {})
    finally:
        _LOCAL.recorder = None
    lines = _Lines(text)
    found: list[tuple[int, int]] = list(rec.definitions)
    templates: list[tuple[int, int]] = []
    code: list[tuple[int, int]] = []
    blocks: list[tuple[int, int]] = []
    block_lines: set[int] = set()
    soft: list[tuple[int, int]] = []
    leading: Heading | None = None
    first_title: Heading | None = None

    for index, token in enumerate(tokens):
        if token.map is None:
            continue
        if token.type in ("fence", "code_block"):
            span = (lines.start(token.map[0]), lines.start(token.map[1]))
            blocks.append(span)
            code.append(span)
            block_lines.update(range(token.map[0], token.map[1]))
        elif token.type == "html_block":
            bases = _content_bases(lines, token, "html_block")
            if bases is None:
                continue
            starts = _line_starts(token.content)
            for start, end in html_destinations(token.content):
                found.append((_to_text(bases, start, starts), _to_text(bases, end, starts)))
            for a, b in html_comment_spans(token.content):
                code.append((_to_text(bases, a, starts), _to_text(bases, b, starts)))
        elif token.type in ("math_block", "math_block_label"):
            code.append((lines.start(token.map[0]), lines.start(token.map[1])))
        if (
            token.type == "heading_open"
            and index + 1 < len(tokens)
            and (index == 0 or (first_title is None and token.tag == "h1"))
        ):
            heading = Heading(
                int(token.tag[1:]),
                tokens[index + 1].content,
                lines.start(token.map[0]),
                lines.start(token.map[1]),
            )
            if index == 0:
                leading = heading
            if first_title is None and token.tag == "h1" and token.level == 0:
                first_title = heading

    for item in rec.inlines:
        token = item.token
        content = token.content
        templated = "{{" in content or "{%" in content
        wrapped = item.kind == "paragraph_open" and "\n" in content
        if not (item.parsed or templated or wrapped):
            continue  # nothing in it to place in the text
        bases = _content_bases(lines, token, item.kind)
        if bases is None:
            continue
        starts = _line_starts(content) if (item.parsed or templated) else [0]

        def place(offset: int, _bases: list[int] = bases, _starts: list[int] = starts) -> int:
            return _to_text(_bases, offset, _starts)

        for start, end in item.destinations:
            found.append((place(start), place(end)))
        for position in item.html:
            close = content.find(">", position)
            stop = len(content) if close < 0 else close + 1
            if content.startswith("<!--", position):
                code.append((place(position), place(stop)))
                continue
            if _HAS_ATTR.search(content, position, stop):
                for start, end in html_destinations(content, position, stop):
                    found.append((place(start), place(end)))
        for start, end in item.code:
            code.append((place(start), place(end)))
        if templated:
            spans = item.code
            for pattern in (TEMPLATE_DEST, TEMPLATE_REF_DEF):
                for match in pattern.finditer(content):
                    if any(a <= match.start() < b for a, b in spans):
                        continue
                    templates.append((place(match.start(1)), place(match.end(1))))
        if wrapped:
            if item.parsed:
                soft.extend(_parsed_breaks(item, lines, bases))
            else:
                soft.extend(_fast_breaks(item, lines, bases))

    code.sort()
    soft.sort()
    return MarkdownScan(
        _destinations(text, lines, found),
        _destinations(text, lines, templates),
        tuple(soft),
        tuple(code),
        tuple(sorted(blocks)),
        frozenset(block_lines),
        leading,
        first_title,
    )


def _destinations(
    text: str, lines: _Lines, spans: list[tuple[int, int]]
) -> tuple[Destination, ...]:
    out: list[Destination] = []
    last_end = -1
    for start, end in sorted(spans):
        if start < last_end:
            continue  # never two rewrites of one span
        out.append(Destination(start, end, text[start:end], lines.line_of(start)))
        last_end = end
    return tuple(out)


def merged_destinations(scan: MarkdownScan, templates: bool) -> tuple[Destination, ...]:
    """The scan's destinations, with ``templates`` its template ones too, in order."""
    if not templates or not scan.template_destinations:
        return scan.destinations
    both = sorted((*scan.destinations, *scan.template_destinations), key=lambda d: d.start)
    out: list[Destination] = []
    for item in both:
        if out and item.start < out[-1].end:
            continue
        out.append(item)
    return tuple(out)
