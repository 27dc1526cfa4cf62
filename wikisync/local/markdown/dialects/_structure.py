"""A page's block structure as its generator's parser reads it: markdown-it-py, with the
dialect's containers.

The dialect layer never tracks fences, headings, quotes or container ends by hand: it asks
this module, which parses the page once (blocks only; inline content is not parsed) with
markdown-it-py configured for the dialect (``Syntax``), and keeps what the conversion
needs, by 0-based line: the lines of code (fenced and indented blocks), the headings and
their levels, the fenced code blocks with their info strings, the blockquotes, and where
each dialect container opens, closes and ends.

Containers are read the way each generator's own parser reads them:

* an opener that names an indented body (``!!! note``, ``??? tip``, ``=== "Tab"``:
  Python-Markdown's admonitions, pymdownx details and tabs) holds the lines after it that
  are blank or indented four more columns than the opener, parsed as Markdown;
* an opener with a closing marker (``/// note`` ... ``///``, Docusaurus's ``:::note`` ...
  ``:::``) holds the Markdown up to the first line its closer accepts that is not inside
  a block of its body (a fence, a quote): as micromark's directives and pymdownx blocks,
  a fence hides a closer;
* VitePress's containers are markdown-it-container's (``Syntax.markdown_it_containers``,
  mdit-py-plugins' port), as VitePress registers them: the closer is the first line of at
  least as many colons, fences or not.

Which lines open a container is decided by the dialect's own openers (the functions that
then read the opener's type and title), so that this parse and the conversion agree. An
opener can interrupt a paragraph, as in each generator. MDX has neither HTML blocks nor
indented code (``Syntax.html_blocks``, ``Syntax.indented_code``): a component's lines are
text there, and what they hold is Markdown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block import StateBlock
from mdit_py_plugins.container import container_plugin

from wikisync.local.markdown.dialects._model import DialectContext, Frame, Opener
from wikisync.local.markdown.parse import indented_body_end

__all__ = ["Block", "Fence", "Structure", "Syntax", "structure"]

_ALT: RuleOptionsType = {"alt": ["paragraph", "reference", "blockquote", "list"]}
_CLOSERS = "wikisync_dialect_closers"
_CONTEXT = DialectContext(source="")


@dataclass(frozen=True)
class Syntax:
    """What a dialect adds to (or takes from) CommonMark's block structure."""

    containers: tuple[Opener, ...] = ()
    """Openers of containers whose body is Markdown (see the module docstring)."""
    markdown_it_containers: tuple[str, ...] = ()
    """Names read as markdown-it-container reads them (``::: name``)."""
    html_blocks: bool = True
    indented_code: bool = True


@dataclass(frozen=True)
class Block:
    """A container: the line after its last, and the line of its closing marker (``None``
    for an indented body, or a closer never found)."""

    end: int
    close: int | None = None


@dataclass(frozen=True)
class Fence:
    """A fenced code block: the line after its last, its info string, and how many lines
    of code it holds (after its opening line)."""

    end: int
    info: str
    lines: int


@dataclass(frozen=True)
class Structure:
    """What the conversion needs of one parse (lines count from 0)."""

    code: frozenset[int] = frozenset()
    """Lines of fenced and indented code blocks (a fence's own lines included)."""
    indented: frozenset[int] = frozenset()
    """The lines of indented code blocks alone."""
    headings: Mapping[int, int] = field(default_factory=dict)
    """The first line of each heading, and its level."""
    fences: Mapping[int, Fence] = field(default_factory=dict)
    """The opening line of each fenced code block, and the block."""
    quotes: Mapping[int, int] = field(default_factory=dict)
    """The first line of each blockquote, and the line after its last."""
    blocks: Mapping[int, Block] = field(default_factory=dict)
    """The opening line of each dialect container, and its extent."""
    references: frozenset[str] = frozenset()
    """The labels of the text's reference definitions, as markdown-it normalises them."""
    ends_with_paragraph: bool = False
    """Whether the last block of the text (or of the list it ends with) is a paragraph:
    then a last line of only ``{.class}`` continues it (see ``_render.callout``)."""


def _text(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _opened(openers: Sequence[Opener], text: str) -> Frame | None:
    for opener in openers:
        opened = opener(text, 0, _CONTEXT)
        if opened is not None and opened.frame is not None:
            return opened.frame
    return None


def _container_rule(openers: tuple[Opener, ...]) -> Callable[[StateBlock, int, int, bool], bool]:
    marks = frozenset("!?=/:")

    def rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        if state.is_code_block(start):
            return False
        text = _text(state, start)
        if not text or text[0] not in marks:
            return False
        frame = _opened(openers, text)
        if frame is None or not (frame.indented or frame.closes is not None):
            return False
        if silent:
            return True
        token = state.push("dialect_open", "div", 1)
        old = (state.parentType, state.lineMax, state.blkIndent)
        state.parentType = "dialect"
        if frame.indented:
            indent = state.sCount[start] + 4
            last = indented_body_end(state, start, end)
            state.lineMax, state.blkIndent = last, indent
            state.md.block.tokenize(state, start + 1, last)
            token.meta = {"close": None}
            state.line = last
        else:
            closers: list[list[Any]] = state.env.setdefault(_CLOSERS, [])
            closers.append([frame.closes, None])
            try:
                state.md.block.tokenize(state, start + 1, end)
            finally:
                entry = closers.pop()
            close: int | None = entry[1]
            token.meta = {"close": close}
            state.line = end if close is None else close + 1
        token.map = [start, state.line]
        state.push("dialect_close", "div", -1)
        state.parentType, state.lineMax, state.blkIndent = old
        return True

    return rule


def _close_rule(state: StateBlock, line: int, end: int, silent: bool) -> bool:
    """The closing marker of the innermost open container: ends every block around it
    (a paragraph, a list) up to the container, as a container's closer does."""
    closers = state.env.get(_CLOSERS) if isinstance(state.env, dict) else None
    if not closers or state.is_code_block(line):
        return False
    begin = state.bMarks[line] + state.tShift[line]
    line_start = state.src.rfind("\n", 0, begin) + 1
    if state.src[line_start:begin].strip(" \t"):
        return False  # after a quote or list marker: the closer of a block inside
    entry = closers[-1]
    if entry[1] is not None or entry[0](state.src[begin : state.eMarks[line]]) is None:
        return False
    if silent:
        return True
    entry[1] = line
    state.line = end
    return True


def _closing_container(
    rule: Callable[[StateBlock, int, int, bool], bool],
) -> Callable[[StateBlock, int, int, bool], bool]:
    """markdown-it-container's rule, telling whether its closer was found (it moves past
    the closing line only then)."""

    def wrapped(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        count = len(state.tokens)
        ok = rule(state, start, end, silent)
        if ok and not silent and len(state.tokens) > count:
            token = state.tokens[count]
            assert token.map is not None
            closed = state.line > token.map[1]
            token.meta = {"close": token.map[1] if closed else None}
            token.map = [start, state.line]
        return ok

    return wrapped


@functools.lru_cache(maxsize=32)
def _parser(syntax: Syntax) -> MarkdownIt:
    md = MarkdownIt("commonmark")
    md.enable("table")  # every generator reads tables, and so does Wiki.js
    md.disable(["inline", "text_join"], ignoreInvalid=True)  # blocks only
    if not syntax.html_blocks:
        md.disable("html_block")
    if not syntax.indented_code:
        md.disable("code")
    for name in syntax.markdown_it_containers:
        md.use(container_plugin, name=name)
        rule_name = f"container_{name}"
        rules = md.block.ruler.__rules__
        found = next(r for r in rules if r.name == rule_name)
        md.block.ruler.at(rule_name, _closing_container(found.fn), _ALT)
    if syntax.containers:
        md.block.ruler.before(
            "fence", "dialect_container", _container_rule(syntax.containers), _ALT
        )
        md.block.ruler.before("dialect_container", "dialect_close", _close_rule, _ALT)
    return md


def structure(texts: Sequence[str], syntax: Syntax = Syntax()) -> Structure:
    """The structure of the page whose lines are ``texts`` (see the module docstring)."""
    env: dict[str, Any] = {}
    tokens = _parser(syntax).parse("\n".join(texts), env)
    code: set[int] = set()
    indented: set[int] = set()
    headings: dict[int, int] = {}
    fences: dict[int, Fence] = {}
    quotes: dict[int, int] = {}
    blocks: dict[int, Block] = {}
    for token in tokens:
        span = token.map
        if span is None:
            continue
        kind = token.type
        if kind == "fence" or kind == "code_block":
            code.update(range(span[0], span[1]))
            if kind == "fence":
                fences[span[0]] = Fence(span[1], token.info, token.content.count("\n"))
            else:
                indented.update(range(span[0], span[1]))
        elif kind == "heading_open":
            headings[span[0]] = int(token.tag[1:])
        elif kind == "blockquote_open":
            quotes[span[0]] = span[1]
        elif kind == "dialect_open" or (kind.startswith("container_") and token.nesting == 1):
            close = token.meta.get("close") if token.meta else None
            blocks[span[0]] = Block(span[1], close)
    last = next((t for t in reversed(tokens) if t.nesting != -1), None)
    index = tokens.index(last) if last is not None else -1
    ends = last is not None and last.type == "inline" and tokens[index - 1].type == "paragraph_open"
    return Structure(
        frozenset(code),
        frozenset(indented),
        MappingProxyType(headings),
        MappingProxyType(fences),
        MappingProxyType(quotes),
        MappingProxyType(blocks),
        frozenset(env.get("references", {})),
        ends,
    )
