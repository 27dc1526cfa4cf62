"""What is left as text: constructs the page still holds after conversion.

Each one is a warning at its line, and the plan counts them ("constructs left as
text"): Hugo shortcodes a site defines itself, Liquid tags, components the page
imports, mkdocstrings' ``::: package.module``, template expressions (``{{ x }}``: macros,
Vue), and the generator syntax the flavor's dialect does not convert (an ``!!! note`` in
a tree whose dialect has no ``admonition``). Code, inline code and HTML comments are
skipped, and so is a shortcode or Liquid tag used as a link's target (link resolution
decides about those).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Collection, Sequence

from wikisync.local.markdown.dialects._model import DialectProblem, Line
from wikisync.local.markdown.dialects._render import STYLES
from wikisync.local.markdown.links import code_spans

__all__ = ["left_as_text"]

_SHORTCODE = re.compile(r"\{\{([<%])[ \t]*(?!/)([\w./-]+)")
_LIQUID = re.compile(r"(?<!\{)\{%-?[ \t]*(?!end)([A-Za-z_]\w*)")
_JSX = re.compile(r"<([A-Z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)(?=[\s/>])")
_EXPRESSION = re.compile(r"\{\{(?![<%])[ \t]*([^{}\n]{1,200}?)[ \t]*\}\}")
_CONTAINERS = frozenset({"details", "code-group", "raw", "v-pre"})
_REFERENCE = re.compile(r" {0,3}\[(?!\^)[^\]\n]+\]:")
_LINE_CONSTRUCTS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^[ \t]*:::[ \t]+[\w-]+(?:\.[\w-]+)+[ \t]*$"), "block", "mkdocstrings"),
    (re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]*[\w-]+"), "admonition", "admonition"),
    (re.compile(r"^[ \t]*===[!+]*[ \t]+\""), "content tab", "material-tabs"),
    (re.compile(r"^[ \t]*/{3,}[ \t]*[A-Za-z]"), "block", "pymdownx-blocks"),
    (re.compile(r"^ {0,3}:{3,}[ \t]*[A-Za-z]"), "container", "docusaurus-admonitions"),
    (re.compile(r"^ {0,3}>[ \t]?\[![A-Za-z]+\]"), "alert", "github-alerts"),
    (re.compile(r"^[ \t]*;?-{1,}8<-{1,}"), "snippet include", "pymdownx-snippets"),
    (re.compile(r"^[ \t]*\{!.*!\}"), "include", "markdown-include"),
    (re.compile(r"^[ \t]*\{\*.*\*\}[ \t]*$"), "code include", "code-includes"),
    (re.compile(r"^[ \t]*<<<[ \t]+\S"), "code snippet", "vitepress-includes"),
)


def _in_link(text: str, line_start: int, offset: int) -> bool:
    """Whether ``offset`` is where a link's target starts (after ``](``, ``href=``, or a
    reference definition's ``]:``), looked at backwards over spaces only: many constructs
    on one long line cost no more than the line."""
    if text.endswith(("href=", 'href="', "href='"), line_start, offset):
        return True
    end = offset
    while end > line_start and text[end - 1] in " \t":
        end -= 1
    # Jekyll's ``{{ site.baseurl }}`` before ``{% link %}``: step over whole ``{{ }}``s
    # (a few: a line of many constructs is not walked back over again for each).
    for _ in range(4):
        if not text.endswith("}}", line_start, end):
            break
        opening = text.rfind("{{", max(line_start, end - 200), end - 2)
        if opening < 0:
            break
        end = opening
        while end > line_start and text[end - 1] in " \t":
            end -= 1
    if text.endswith("](", line_start, end):
        return True
    return text.endswith("]:", line_start, end) and bool(
        _REFERENCE.fullmatch(text, line_start, end)
    )


_BLOCK_KINDS = frozenset({"admonition", "details", "tab", "html", "caption", "define"})


def _kind(text: str, extension: str) -> str:
    """The type a container line names (``::: tip``, ``/// note | Title``), when the
    extension has types; ``""`` otherwise, or when the type is one it converts."""
    stripped = text.strip()
    if extension == "docusaurus-admonitions":
        return stripped.lstrip(":").strip().split(" ")[0].split("[")[0].split("{")[0].lower()
    if extension == "pymdownx-blocks":
        kind = stripped.lstrip("/").split("|")[0].strip().split(" ")[0].lower()
        return "" if kind in _BLOCK_KINDS else kind
    return ""


def left_as_text(
    lines: Sequence[Line], dialect: Sequence[str], skip: Collection[int] = ()
) -> list[DialectProblem]:
    """One warning per construct left in ``lines`` (see the module docstring), but none
    on the content lines ``skip`` (include directives already warned about)."""
    text = "\n".join(line.text for line in lines)
    if not any(
        mark in text
        for mark in ("{{", "{%", "<", ":::", "!!!", "???", "===", "///", "[!", "8<", "{!", "{*")
    ):
        return []
    spans = code_spans(text)
    span_starts = [a for a, _ in spans]
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line.text) + 1

    def in_code(at: int) -> bool:
        index = bisect_right(span_starts, at) - 1
        return index >= 0 and spans[index][0] <= at < spans[index][1]

    def line_at(at: int) -> int:
        return bisect_right(starts, at) - 1

    found: list[tuple[int, int, str]] = []

    def add(at: int, message: str) -> None:
        if not in_code(at):
            index = line_at(at)
            if lines[index].origin in skip:
                return
            found.append((lines[index].origin, at, message))

    for match in _SHORTCODE.finditer(text):
        if _in_link(text, starts[line_at(match.start())], match.start()):
            continue
        close = ">" if match.group(1) == "<" else "%"
        add(
            match.start(),
            f"Hugo shortcode {{{{{match.group(1)} {match.group(2)} {close}}}}} has no Wiki.js form",
        )
    for match in _LIQUID.finditer(text):
        if _in_link(text, starts[line_at(match.start())], match.start()):
            continue  # a link target ({% link x.md %}): link resolution decides about it
        add(match.start(), f"Liquid tag {{% {match.group(1)} %}} has no Wiki.js form")
    for match in _JSX.finditer(text):
        add(match.start(), f"component <{match.group(1)}> has no Wiki.js form")
    for match in _EXPRESSION.finditer(text) if "template-expressions" in dialect else ():
        if _in_link(text, starts[line_at(match.start())], match.start()):
            continue
        add(
            match.start(),
            f"template expression {{{{ {match.group(1).strip()[:40]} }}}} has no Wiki.js form",
        )
    enabled = set(dialect)
    for index, line in enumerate(lines):
        for pattern, what, extension in _LINE_CONSTRUCTS:
            if pattern.match(line.text):
                at = starts[index] + len(line.text) - len(line.text.lstrip())
                kind = _kind(line.text, extension)
                if extension == "mkdocstrings":
                    add(
                        at,
                        f"block {line.text.strip()[:60]!r} has no Wiki.js form (the site's own extension, such as mkdocstrings, makes its text)",
                    )
                elif kind and kind not in STYLES and kind not in _CONTAINERS:
                    add(
                        at,
                        f"{what} type {kind[:40]!r} is the site's own (a plugin or block it "
                        "defines) and has no Wiki.js form",
                    )
                elif extension in enabled or (
                    extension == "docusaurus-admonitions" and "vitepress-containers" in enabled
                ):
                    add(
                        at,
                        f"{what} {line.text.strip()[:40]!r} is not converted (not well-formed); left as text",
                    )
                else:
                    add(
                        at,
                        f"{what} {line.text.strip()[:40]!r} is left as text: add {extension} to dialect: in wikisync.yml to convert it",
                    )
                break
    found.sort()
    return [
        DialectProblem(
            line,
            f"{message}; left as text"
            if not message.endswith("text") and "left as text" not in message
            else message,
            code="unconverted-syntax",
        )
        for line, _, message in found
    ]
