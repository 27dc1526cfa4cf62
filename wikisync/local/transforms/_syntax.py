"""MDX ``import``/``export`` lines, and warnings about template syntax nothing converts."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from wikisync.local.markdown.links import code_spans
from wikisync.local.transforms._engine import (
    Transform,
    TransformContext,
    TransformProblem,
    code_lines,
    line_starts,
)

__all__ = ["MDX_IMPORTS", "UNCONVERTED_SYNTAX"]

# No two adjacent whitespace runs: "\s*" next to "\s+" would try every split of a long run.
_IMPORT = re.compile(r"^import\s+(?:type\s+)?(?:\{|\*|['\"]|[\w$]+(?:\s*,|\s+from\b|\s*$))")
_IMPORT_END = re.compile(r"['\"]\s*(?:;\s*)?$")
_EXPORT = re.compile(r"^export\s+(?:const|let|var|function|default|class|\{|\*)")

_SHORTCODE = re.compile(r"\{\{([<%])[ \t]*(?!/)([\w./-]+)")
_LIQUID = re.compile(r"(?<!\{)\{%-?[ \t]*(?!end)([A-Za-z_]\w*)")
_JSX = re.compile(r"<([A-Z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)(?=[\s/>])")
_SNIPPET = re.compile(r"^[ \t]*-{1,2}8<-{1,2}(?:[ \t]|$)", re.MULTILINE)


def _in_link(content: str, line_start: int, offset: int) -> bool:
    """Whether ``offset`` is where a link's target starts (after ``](`` and spaces, or
    ``href=``): looked at backwards from ``offset`` over the spaces only, so many
    shortcodes on one long line cost no more than the line."""
    if content.endswith(("href=", 'href="', "href='"), line_start, offset):
        return True
    end = offset
    while end > line_start and content[end - 1].isspace():
        end -= 1
    return content.endswith("](", line_start, end)


def _balance(line: str) -> int:
    return (
        line.count("{")
        + line.count("(")
        + line.count("[")
        - (line.count("}") + line.count(")") + line.count("]"))
    )


def _drop_mdx(content: str, context: TransformContext) -> tuple[str, Sequence[TransformProblem]]:
    if "import" not in content and "export" not in content:
        return content, ()
    lines = content.split("\n")
    code = code_lines(content)
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if index in code or not line.startswith(("import", "export")):
            out.append(line)
            index += 1
            continue
        if _IMPORT.match(line):  # to the line that ends with the module's quoted name
            while index < len(lines) and not _IMPORT_END.search(lines[index]):
                index += 1
            index += 1
            continue
        if _EXPORT.match(line):
            depth = _balance(line)
            index += 1
            while depth > 0 and index < len(lines):
                depth += _balance(lines[index])
                index += 1
            continue
        out.append(line)
        index += 1
    return "\n".join(out), ()


def _warnings(content: str, context: TransformContext) -> tuple[str, Sequence[TransformProblem]]:
    if not any(mark in content for mark in ("{{", "{%", "<", "8<")):
        return content, ()
    spans = code_spans(content)
    starts = [a for a, _ in spans]
    lines_at = line_starts(content)

    def in_code(offset: int) -> bool:
        index = bisect_right(starts, offset) - 1
        return index >= 0 and spans[index][0] <= offset < spans[index][1]

    def line_of(offset: int) -> int:
        return bisect_right(lines_at, offset)

    first: dict[str, tuple[int, str]] = {}
    count: dict[str, int] = {}

    def add(offset: int, what: str, hint: str) -> None:
        first.setdefault(what, (line_of(offset), hint))
        count[what] = count.get(what, 0) + 1

    for match in _SHORTCODE.finditer(content):
        if in_code(match.start()):
            continue
        if _in_link(content, lines_at[line_of(match.start()) - 1], match.start()):
            continue  # a link target: link resolution decides about it
        close = ">" if match.group(1) == "<" else "%"
        shown = f"{{{{{match.group(1)} {match.group(2)} {close}}}}}"
        add(match.start(), f"Hugo shortcode {shown}", "")
    for match in _LIQUID.finditer(content):
        if not in_code(match.start()):
            add(match.start(), f"Liquid/Jinja tag {{% {match.group(1)} %}}", "")
    for match in _JSX.finditer(content):
        if not in_code(match.start()):
            add(match.start(), f"MDX component <{match.group(1)}>", "")
    for match in _SNIPPET.finditer(content):
        offset = match.start() + len(match.group(0)) - len(match.group(0).lstrip())
        if not in_code(offset):
            add(offset, "MkDocs snippet include --8<--", " (the file it names is not included)")
    problems = []
    for what, (line, hint) in first.items():
        more = f"; {count[what] - 1} more in this file" if count[what] > 1 else ""
        problems.append(TransformProblem(line, f"{what} will show as text{hint}{more}"))
    return content, tuple(sorted(problems, key=lambda p: (p.line, p.message)))


MDX_IMPORTS = Transform(
    "mdx-imports",
    "MDX import/export lines (import Tabs from '@theme/Tabs') dropped",
    _drop_mdx,
)
UNCONVERTED_SYNTAX = Transform(
    "unconverted-syntax",
    "warns about template syntax left as text: Hugo shortcodes, Liquid/Jinja tags, "
    "MDX components, MkDocs snippet includes",
    _warnings,
)
