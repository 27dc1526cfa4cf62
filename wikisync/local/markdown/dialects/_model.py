"""The values the dialect layer passes around: lines with their origin, tab nodes, frames."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wikisync.local.markdown.links import code_spans

__all__ = [
    "DialectContext",
    "InlineRule",
    "Opener",
    "DialectProblem",
    "Frame",
    "Item",
    "Line",
    "Opened",
    "TabNode",
    "indent_width",
    "dedent",
    "outdent",
    "in_inline_code",
]


@dataclass(frozen=True)
class Line:
    """One line of output and the line of the page's content it comes from (from 1).

    ``code`` and ``heading`` say what the parse found the line to be: in a code block, or
    the first line of a heading of that level (0: none). Lines made by the conversion say
    it themselves (a fence's lines are code)."""

    text: str
    origin: int
    code: bool = False
    heading: int = 0
    callout: bool = False
    """The class line (``{.is-info}``) that makes the quote before it a callout."""


@dataclass
class TabNode:
    """One tab (``=== "Title"``, ``/// tab | Title``, ``<TabItem>``...) waiting for its
    neighbours: consecutive tabs become one Wiki.js tabset."""

    title: str
    body: list[Line]
    origin: int
    new_group: bool = False
    prefix: str = ""


Item = Line | TabNode


@dataclass(frozen=True)
class DialectProblem:
    """A warning about the page: ``line`` counts from 1 at the content's first line.
    ``code`` is ``unconverted-syntax`` for a construct left as text (counted in the
    plan), ``include`` for an include not expanded, ``dialect`` for anything else."""

    line: int
    message: str
    code: str = "dialect"

    @property
    def left_as_text(self) -> bool:
        return self.code == "unconverted-syntax"


@dataclass(frozen=True)
class DialectContext:
    """What a conversion knows besides the text.

    ``source`` is the page's file relative to the content directory (posix);
    ``read(path)`` reads an included file named relative to the include root (``None``:
    includes are not expanded); ``here`` is the page's folder relative to that root;
    ``content_root`` the content directory relative to it; ``search`` more folders
    (relative to it too) included files are looked up in; ``params`` the site's
    parameters (Hugo ``params``) when they could be read.
    """

    source: str
    read: Callable[[str], str | None] | None = None
    here: str = ""
    content_root: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    search: tuple[str, ...] = ()
    references: frozenset[str] = frozenset()
    """The page's reference definitions (labels as CommonMark matches them: case folded,
    whitespace collapsed), while its constructs are converted."""


@dataclass
class Frame:
    """An open container while the page is scanned.

    A Markdown container (one the parse found: ``until`` is set) holds the lines the parse
    gave it; its lines lose the ``indent`` columns (``indented``) or the ``>`` (``quoted``)
    that make them part of it. A template construct (a shortcode, a component, a Liquid
    tag: what the generator expands outside Markdown) holds the lines until
    ``closes(text)`` says one closes it. ``render(frame)`` turns it, once closed, into the
    items its parent gets.
    """

    kind: str
    origin: int
    render: Callable[[Frame], list[Item]]
    indent: int = 0
    indented: bool = False
    quoted: bool = False
    closes: Callable[[str], tuple[str, str] | None] | None = None
    """For a fenced container: ``None`` when the line does not close it, else the text
    before and after the closing marker (``("", "")`` for a line that is only the marker)."""
    ends_at_blank: bool = False
    options: bool = False
    """Whether ``key: value`` lines indented right after the opener are its options
    (pymdownx blocks); they go into ``params``."""
    raw: bool = False
    attach: Callable[[Frame, list[Item]], bool] | None = None
    """Called with the parent's items before the frame is opened: ``True`` when the
    construct joined the block before it instead (a trailing attribute list)."""
    params: dict[str, str] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    until: int | None = None
    """For a container the parse found (``_structure``): the line after its last."""
    close_line: int | None = None
    """... and the line of its closing marker, dropped from the output."""
    after_block: bool = False
    """Whether the last thing added was a converted block (text after it needs a blank
    line first)."""
    level_above: int = 0
    """The level of the last heading before the container (for tabsets in it)."""
    opener: str = ""
    prefix: str = ""
    """Text re-added in front of every output line (the opener's own indentation)."""


@dataclass(frozen=True)
class Opened:
    """What an opener recognised on a line: a frame to push, or items replacing the line
    (with the first body line when the opener line carries text after the marker)."""

    frame: Frame | None = None
    items: tuple[Item, ...] = ()
    rest: str | None = None
    problems: tuple[DialectProblem, ...] = ()


Opener = Callable[[str, int, DialectContext], "Opened | None"]
"""``opener(text, origin, context)``: what a line (its text inside the open containers)
opens, or ``None``."""

InlineRule = Callable[[str, int, DialectContext], "tuple[str, tuple[DialectProblem, ...]]"]
"""``rule(text, origin, context)``: a text line (outside code) with inline constructs
converted, and the problems found."""


def indent_width(line: str) -> int:
    """Columns of leading whitespace (tabs to the next multiple of 4)."""
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def dedent(line: str, width: int) -> str:
    """``line`` without up to ``width`` columns of leading whitespace."""
    removed = 0
    index = 0
    while removed < width and index < len(line) and line[index] in " \t":
        removed += 4 - removed % 4 if line[index] == "\t" else 1
        index += 1
    return line[index:]


def outdent(lines: list[Line]) -> list[Line]:
    """``lines`` without the indentation they all share (blank lines aside): a body
    indented for layout (JSX), not for Markdown."""
    widths = [indent_width(line.text) for line in lines if line.text.strip()]
    shared = min(widths, default=0)
    if not shared:
        return lines
    return [Line(dedent(line.text, shared), line.origin, line.code, line.heading) for line in lines]


def in_inline_code(text: str) -> Callable[[int], bool]:
    """For a line of text: whether an offset in it is inside inline code (where an inline
    construct is shown as written, as the site shows it)."""
    if "`" not in text:
        return lambda at: False
    offset = len(text) - len(text.lstrip())
    spans = code_spans(text.strip())
    return lambda at: any(a <= at - offset < b for a, b in spans)
