"""One pass over a page's lines that finds the dialect's containers and converts them.

The scan keeps a stack of open containers, as a Markdown block parser does. Each line is
first matched against the open containers from the outside in (an indented container
takes its indentation off, a quoted one its ``>``); a container the line does not
continue is closed, with the ones inside it. What is left of the line is then, in order:
code (inside a fence, until the fence closes), the closing marker of the innermost
container, an opener of one of the dialect's constructs, or text (whose inline
constructs are converted). A closed container is rendered at once into the lines its
parent receives; runs of tabs wait for their neighbours and become one tabset when their
parent is rendered.

Every line is looked at once per container it is in, and nesting is capped
(``MAX_DEPTH``): the time is linear in the size of the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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

__all__ = ["MAX_DEPTH", "scan"]

MAX_DEPTH = 12
"""Containers nested deeper than this are left as text (with a warning)."""

_QUOTE = re.compile(r"^ {0,3}> ?(.*)$")
_FENCE_OPEN = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_OPTION = re.compile(r"^[ \t]{2,}([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


def _fence_closes(text: str, fence: tuple[str, int]) -> bool:
    stripped = text.strip()
    char, length = fence
    run = len(stripped) - len(stripped.lstrip(char))
    return run >= length and not stripped[run:].strip() and bool(stripped) and stripped[0] == char


def _root_render(frame: Frame) -> list[Item]:
    return list(frame.items)


class _Scan:
    def __init__(
        self, openers: Sequence[Opener], inline: Sequence[InlineRule], context: DialectContext
    ) -> None:
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
                item = Line(frame.prefix + item.text, item.origin)
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

    def line(self, text: str, origin: int) -> None:
        depth = 1
        while depth < len(self.stack):
            frame = self.stack[depth]
            if frame.indented:
                if text.strip():
                    if indent_width(text) < frame.indent:
                        break
                    text = dedent(text, frame.indent)
                else:
                    text = ""
            elif frame.quoted:
                match = _QUOTE.match(text)
                if match is None:
                    break
                text = match.group(1)
            elif frame.indent:
                text = dedent(text, frame.indent)
            depth += 1
        while len(self.stack) > depth:
            frame = self.stack[-1]
            self.close_top(unclosed=not (frame.indented or frame.quoted))
        self.body(text, origin)

    def body(self, text: str, origin: int) -> None:
        top = self.stack[-1]
        if top.fence is not None:
            if _fence_closes(text, top.fence):
                top.fence = None
            self.add(top, Line(text, origin))
            return
        if top.ends_at_blank and not text.strip():
            self.close_top()
            top = self.stack[-1]
            self.add(top, Line(text, origin))
            return
        if top.closes is not None:
            closed = top.closes(text)
            if closed is not None:
                before, after = closed
                if before.strip():
                    self.add(top, Line(before.rstrip(), origin))
                self.close_top()
                if after.strip():
                    self.body(after.lstrip(), origin)
                return
        if top.raw:
            self.add(top, Line(text, origin))
            return
        if top.options:
            option = _OPTION.match(text) if not top.items else None
            if option is not None:
                top.params[option.group(1).lower()] = option.group(2).strip("\"'")
                return
            top.options = False
        opened = self.open(text, origin)
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
                self.body(opened.rest.lstrip(), origin)
            return
        fence = _FENCE_OPEN.match(text)
        if fence is not None and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
            top.fence = (fence.group(1)[0], len(fence.group(1)))
            self.add(top, Line(text, origin))
            return
        for rule in self.inline:
            text, found = rule(text, origin, self.context)
            self.problems.extend(found)
        heading = _HEADING.match(text)
        if heading is not None:
            self.heading = len(heading.group(1))
        self.add(top, Line(text, origin))

    def open(self, text: str, origin: int) -> Opened | None:
        if not text.strip():
            return None
        for opener in self.openers:
            opened = opener(text, origin, self.context)
            if opened is not None:
                return opened
        return None


def scan(
    lines: Sequence[Line],
    openers: Sequence[Opener],
    inline: Sequence[InlineRule],
    context: DialectContext,
) -> tuple[list[Line], list[DialectProblem]]:
    """Convert ``lines`` (see the module docstring); the problems found on the way."""
    state = _Scan(openers, inline, context)
    for line in lines:
        state.line(line.text, line.origin)
    state.close_to(1)
    return finalize(state.stack[0].items), state.problems
