"""One pass over a page's lines that converts the dialect's constructs, following the
structure markdown-it-py found (``_structure``).

The scan keeps a stack of open containers. A Markdown container (``!!! note``,
``/// tab``, ``::: tip``, ``> [!NOTE]``) opens where the parse found one and holds the
lines the parse gave it: each line loses the container's indentation or ``>`` on its way
in, and its closing marker is dropped. A template construct (a Hugo shortcode, an MDX
component, a Liquid tag: expanded by the generator outside its Markdown parser) opens on
a line of text that one of the dialect's openers recognises, and holds the lines until
its closer. Lines of code are kept as they are; other text lines have their inline
constructs converted. A closed container is rendered at once into the lines its parent
receives; runs of tabs wait for their neighbours and become one tabset when their parent
is rendered.

Every line is looked at once per container it is in, and nesting is capped
(``MAX_DEPTH``): the time is linear in the size of the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from wikisync.local.markdown.dialects._model import (
    DialectContext,
    DialectProblem,
    Frame,
    InlineRule,
    Item,
    Line,
    Opened,
    Opener,
    TabNode,
    dedent,
    indent_width,
)
from wikisync.local.markdown.dialects._render import finalize
from wikisync.local.markdown.dialects._structure import Structure

__all__ = ["MAX_DEPTH", "scan"]

MAX_DEPTH = 12
"""Containers nested deeper than this are left as text (with a warning)."""

_QUOTE = re.compile(r"^ {0,3}> ?(.*)$")
_OPTION = re.compile(r"^[ \t]{2,}([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


def _root_render(frame: Frame) -> list[Item]:
    return list(frame.items)


class _Scan:
    def __init__(
        self,
        structure: Structure,
        containers: Sequence[Opener],
        openers: Sequence[Opener],
        inline: Sequence[InlineRule],
        context: DialectContext,
    ) -> None:
        self.structure = structure
        self.containers = containers
        self.openers = openers
        self.inline = inline
        self.context = context
        self.stack: list[Frame] = [Frame("root", 0, _root_render)]
        self.problems: list[DialectProblem] = []
        self.heading = 0

    # -- closing -------------------------------------------------------------------------

    def close_top(self, unclosed: bool = False) -> None:
        frame = self.stack.pop()
        if unclosed and frame.closes is not None:
            self.problems.append(
                DialectProblem(
                    frame.origin,
                    f"{frame.opener.strip()!r} is never closed; it runs to the end of the "
                    "block it is in, as the generator reads it",
                )
            )
        trailing: list[Item] = []
        if frame.indented or frame.quoted or unclosed:
            while (
                frame.items
                and isinstance(frame.items[-1], Line)
                and not frame.items[-1].text.strip()
            ):
                trailing.append(frame.items.pop())
            trailing.reverse()
        rendered = frame.render(frame)
        parent = self.stack[-1]
        last = parent.items[-1] if parent.items else None
        if rendered and isinstance(last, Line) and last.text.strip():
            parent.items.append(Line("", frame.origin))  # a block of its own
        parent.after_block = not trailing
        for item in rendered:
            if isinstance(item, Line) and frame.prefix and item.text:
                item = replace(item, text=frame.prefix + item.text)
            elif isinstance(item, TabNode) and frame.prefix:
                item.prefix = frame.prefix + item.prefix
            parent.items.append(item)
        parent.items.extend(trailing)

    def add(self, frame: Frame, line: Line) -> None:
        """Append ``line`` to ``frame``: after a converted block, text starts a new
        paragraph (a blank line between), or it would continue the block."""
        if frame.after_block and line.text.strip():
            frame.items.append(Line("", line.origin))
        frame.after_block = False
        frame.items.append(line)

    def close_to(self, depth: int) -> None:
        while len(self.stack) > depth:
            self.close_top(unclosed=True)

    # -- one line ------------------------------------------------------------------------

    def line(self, text: str, origin: int, index: int) -> None:
        depth = 1
        while depth < len(self.stack):
            frame = self.stack[depth]
            if frame.until is not None:
                if index >= frame.until:
                    break
                if index == frame.close_line:
                    self.close_to(depth + 1)
                    self.close_top()
                    return
            if frame.indented:
                text = dedent(text, frame.indent) if text.strip() else ""
            elif frame.quoted:
                text = dedent(text, frame.indent)
                match = _QUOTE.match(text)
                if match is not None:  # else a lazy continuation line
                    text = match.group(1)
            elif frame.indent:
                text = dedent(text, frame.indent)
            depth += 1
        while len(self.stack) > depth:
            frame = self.stack[-1]
            self.close_top(unclosed=not (frame.indented or frame.quoted))
        self.body(text, origin, index)

    def body(self, text: str, origin: int, index: int | None) -> None:
        """One line inside the innermost container; ``index`` is its line in the parse,
        ``None`` for text after a marker on the same line (never a Markdown block)."""
        top = self.stack[-1]
        if top.raw:
            if top.closes is not None and self.closed(top, text, origin, index):
                return
            self.add(top, Line(text, origin))
            return
        if top.options:
            option = _OPTION.match(text) if not top.items else None
            if option is not None:
                top.params[option.group(1).lower()] = option.group(2).strip("\"'")
                return
            top.options = False
        code = index is not None and index in self.structure.code
        if code and index not in self.structure.indented:
            self.add(top, Line(text, origin, code=True))
            return
        if code:
            # Indented code to Markdown, but a template construct is the generator's
            # before Markdown is read: only Markdown containers stay closed here.
            index = None
        if top.ends_at_blank and not text.strip():
            self.close_top()
            top = self.stack[-1]
            self.add(top, Line(text, origin))
            return
        if top.until is None and top.closes is not None and self.closed(top, text, origin, index):
            return
        if top.ends_at_blank and self.closes_around(text, origin, index):
            return
        opened = self.open(text, origin, index)
        if opened is None and len(self.stack) >= MAX_DEPTH and self.container(text, origin):
            # past the cap the parse reads no more containers: each opener is named
            self.problems.append(
                DialectProblem(origin, f"nested more than {MAX_DEPTH} deep; left as text")
            )
            self.add(top, Line(text, origin))
            return
        if opened is not None:
            self.problems.extend(opened.problems)
            if opened.frame is None:
                for item in opened.items:
                    if isinstance(item, Line):
                        self.add(top, item)
                    else:
                        top.items.append(item)
                return
            frame = opened.frame
            if frame.attach is not None and frame.attach(frame, top.items):
                return
            if len(self.stack) >= MAX_DEPTH:
                self.problems.append(
                    DialectProblem(origin, f"nested more than {MAX_DEPTH} deep; left as text")
                )
                self.add(top, Line(text, origin))
                return
            frame.level_above = self.heading
            self.stack.append(frame)
            if opened.rest is not None and opened.rest.strip():
                self.body(opened.rest.lstrip(), origin, None)
            return
        for rule in self.inline:
            text, found = rule(text, origin, self.context)
            self.problems.extend(found)
        level = self.structure.headings.get(index, 0) if index is not None else 0
        if level:
            self.heading = level
        self.add(top, Line(text, origin, code=code, heading=level))

    def closes_around(self, text: str, origin: int, index: int | None) -> bool:
        """Whether ``text`` closes the template construct around a block that ends at a
        blank line (``{: .note }`` then its paragraph, inside ``<div markdown="1">``):
        then the block ends there too."""
        for depth in range(len(self.stack) - 2, 0, -1):
            frame = self.stack[depth]
            if frame.ends_at_blank:
                continue
            if frame.until is not None or frame.closes is None or frame.closes(text) is None:
                return False
            while len(self.stack) > depth + 1:
                self.close_top()
            return self.closed(frame, text, origin, index)
        return False

    def closed(self, top: Frame, text: str, origin: int, index: int | None) -> bool:
        """Whether ``text`` closes the template construct ``top`` (then it is closed)."""
        assert top.closes is not None
        closing = top.closes(text)
        if closing is None:
            return False
        before, after = closing
        if before.strip():
            self.add(top, Line(before.rstrip(), origin))
        self.close_top()
        if after.strip():
            self.body(after.lstrip(), origin, None)
        return True

    def container(self, text: str, origin: int) -> Opened | None:
        """The Markdown container the parse found on this line. Where indentation is not
        code (MDX), the opener may be indented further than its syntax allows: it is read
        without it, and its body loses it too."""
        for opener in self.containers:
            opened = opener(text, origin, self.context)
            if opened is not None and opened.frame is not None:
                return opened
        stripped = text.lstrip(" \t")
        if stripped == text:
            return None
        for opener in self.containers:
            opened = opener(stripped, origin, self.context)
            if opened is not None and opened.frame is not None:
                lead = text[: len(text) - len(stripped)]
                opened.frame.indent += indent_width(lead)
                opened.frame.prefix = lead + opened.frame.prefix
                return opened
        return None

    def open(self, text: str, origin: int, index: int | None) -> Opened | None:
        if not text.strip():
            return None
        if index is not None:
            block = self.structure.blocks.get(index)
            if block is not None:
                opened = self.container(text, origin)
                if opened is not None and opened.frame is not None:
                    opened.frame.until = block.end
                    opened.frame.close_line = block.close
                    return opened
            end = self.structure.quotes.get(index)
            if end is not None:
                opened = self.container(text, origin)
                if opened is not None and opened.frame is not None and opened.frame.quoted:
                    opened.frame.until = end
                    return opened
        for opener in self.openers:
            opened = opener(text, origin, self.context)
            if opened is not None:
                return opened
        return None


def scan(
    lines: Sequence[Line],
    structure: Structure,
    containers: Sequence[Opener],
    openers: Sequence[Opener],
    inline: Sequence[InlineRule],
    context: DialectContext,
) -> tuple[list[Line], list[DialectProblem]]:
    """Convert ``lines`` (see the module docstring); the problems found on the way.
    ``structure`` is the parse of ``lines``; ``containers`` open Markdown containers (where
    the parse found one), ``openers`` template constructs."""
    if structure.references:
        context = replace(context, references=structure.references)
    state = _Scan(structure, containers, openers, inline, context)
    for index, line in enumerate(lines):
        state.line(line.text, line.origin, index)
    state.close_to(1)
    return finalize(state.stack[0].items), state.problems
