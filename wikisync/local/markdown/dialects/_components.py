"""MDX: ``import``/``export`` statements and the Docusaurus theme's components.

A component's body is Markdown whatever its indentation (MDX has no indented code): the
indentation its lines share is JSX layout, and is dropped. ``import`` and ``export``
statements are dropped (an imported partial is expanded where
it is used: see ``_includes``). ``<Tabs>`` with ``<TabItem>`` children becomes a tabset,
``<details>``/``<Details>`` a ``<details>`` block, ``<Admonition type>`` a callout,
``<CodeBlock language>`` a code block, and ``<DocCardList />`` the list of the section's
pages (``SECTION_PAGES``, filled in when every page is known). VitePress's ``<Badge>``
(``text`` or its children) becomes its text as inline code, the nearest the wiki has to a
label. Other components are the site's own: left as text, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wikisync.local.markdown.dialects._model import (
    DialectContext,
    DialectProblem,
    Frame,
    Item,
    Line,
    Opened,
    TabNode,
    in_inline_code,
    outdent,
)
from wikisync.local.markdown.dialects._render import callout, details, fence, finalize, style

__all__ = ["SECTION_PAGES", "badge", "mdx_block", "mdx_statement"]

SECTION_PAGES = "<!-- wikisync:section-pages -->"
"""The line ``<DocCardList />`` becomes until the section's pages are known."""

# No two adjacent whitespace runs: "\s*" next to "\s+" would try every split of a long run.
_IMPORT = re.compile(r"^import\s+(?:type\s+)?(?:\{|\*|['\"]|[\w$]+(?:\s*,|\s+from\b|\s*$))")
_IMPORT_END = re.compile(r"['\"]\s*(?:;\s*)?$")
_EXPORT = re.compile(r"^export\s+(?:const|let|var|function|default|class|\{|\*)")
_TAG = re.compile(
    r"^(?P<indent>[ \t]*)<(?P<name>Tabs|TabItem|details|Details|Admonition|CodeBlock)\b"
    r"(?P<attrs>[^>]*?)(?P<selfclose>/?)>(?P<rest>.*)$"
)
_DOC_CARDS = re.compile(r"^[ \t]*<DocCardList\b[^>]*/>[ \t]*$")
_ATTR = re.compile(
    r"([\w-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|\{[`'\"]([^`'\"]*)[`'\"]\}|\{([^}]*)\}))?"
)
_VALUES = re.compile(
    r"\{\s*label\s*:\s*['\"]([^'\"]*)['\"]\s*,\s*value\s*:\s*['\"]([^'\"]*)['\"]\s*\}"
    r"|\{\s*value\s*:\s*['\"]([^'\"]*)['\"]\s*,\s*label\s*:\s*['\"]([^'\"]*)['\"]\s*\}"
)
_BADGE = re.compile(r"<Badge\b(?P<attrs>[^<>]*?)(?:/>|>(?P<body>[^<>]*)</Badge\s*>)")
_SUMMARY = re.compile(r"^[ \t]*<summary>(.*?)</summary>[ \t]*(.*)$")


def _code_span(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def badge(
    text: str, origin: int, context: DialectContext
) -> tuple[str, tuple[DialectProblem, ...]]:
    """VitePress's ``<Badge type="tip" text="v1.2" />`` (or ``<Badge>v1.2</Badge>``): its
    text as inline code."""
    if "<Badge" not in text:
        return text, ()

    def shown(match: re.Match[str]) -> str:
        body = match.group("body")
        label = (
            body
            if body is not None and body.strip()
            else _attrs(match.group("attrs")).get("text", "")
        )
        return _code_span(label)

    in_code = in_inline_code(text)

    def outside(match: re.Match[str]) -> str:
        if in_code(match.start()):
            return match.group(0)  # in inline code: shown as written, as the site does
        return shown(match)

    return _BADGE.sub(outside, text), ()


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in _ATTR.finditer(text):
        value = next((g for g in match.groups()[1:] if g is not None), "true")
        out[match.group(1)] = value
    return out


def _closer(name: str) -> Callable[[str], tuple[str, str] | None]:
    tag = f"</{name}>"

    def closes(line: str) -> tuple[str, str] | None:
        at = line.find(tag)
        if at < 0:
            return None
        return line[:at], line[at + len(tag) :]

    return closes


def _skip(until: Callable[[str], bool]) -> Callable[[str], tuple[str, str] | None]:
    def closes(line: str) -> tuple[str, str] | None:
        return ("", "") if until(line) else None

    return closes


def _nothing(frame: Frame) -> list[Item]:
    return []


def _tabs(frame: Frame) -> list[Item]:
    labels: dict[str, str] = {}
    for match in _VALUES.finditer(frame.params.get("values", "")):
        if match.group(1) is not None:
            labels[match.group(2)] = match.group(1)
        else:
            labels[match.group(3)] = match.group(4)
    out: list[Item] = []
    for item in frame.items:
        if isinstance(item, TabNode):
            item.title = labels.get(item.title, item.title)
            out.append(item)
        elif item.text.strip():
            out.append(item)
    return out


def _tab_item(frame: Frame) -> list[Item]:
    title = frame.params.get("label") or frame.params.get("value") or "Tab"
    return [TabNode(title, outdent(finalize(frame.items, frame.level_above)), frame.origin)]


def _details(frame: Frame) -> list[Item]:
    body = outdent(finalize(frame.items, frame.level_above))
    summary = frame.params.get("summary", "")
    if not summary:
        for index, line in enumerate(body):
            if not line.text.strip():
                continue
            match = _SUMMARY.match(line.text)
            if match:
                summary = match.group(1)
                body = [
                    *([Line(match.group(2), line.origin)] if match.group(2) else []),
                    *body[index + 1 :],
                ]
            break
    return list(details(body, summary or "Details", frame.origin))


def _admonition(frame: Frame) -> list[Item]:
    kind = frame.params.get("type", "note")
    return list(
        callout(
            outdent(finalize(frame.items, frame.level_above)),
            style(kind),
            frame.params.get("title"),
            frame.origin,
            indented=bool(frame.prefix),
        )
    )


def _code_block(frame: Frame) -> list[Item]:
    body = outdent(finalize(frame.items, frame.level_above))
    while body and not body[0].text.strip():
        body.pop(0)
    while body and not body[-1].text.strip():
        body.pop()
    if body and body[0].text.strip().startswith("{`"):
        first = body[0].text.strip()[2:]
        body = [*([Line(first, body[0].origin)] if first else []), *body[1:]]
    if body and body[-1].text.rstrip().endswith("`}"):
        last = body[-1].text.rstrip()[:-2]
        body = [*body[:-1], *([Line(last, body[-1].origin)] if last.strip() else [])]
    return list(fence(body, frame.params.get("language", ""), frame.origin))


_RENDERERS: dict[str, Callable[[Frame], list[Item]]] = {
    "Tabs": _tabs,
    "TabItem": _tab_item,
    "details": _details,
    "Details": _details,
    "Admonition": _admonition,
    "CodeBlock": _code_block,
}


def _balance(line: str) -> int:
    return (
        line.count("{")
        + line.count("(")
        + line.count("[")
        - (line.count("}") + line.count(")") + line.count("]"))
    )


def mdx_block(text: str, origin: int, context: DialectContext) -> Opened | None:
    """MDX statements and the Docusaurus theme's components (see the module docstring)."""
    return mdx_statement(text, origin, context) or _component(text, origin)


def mdx_statement(text: str, origin: int, context: DialectContext) -> Opened | None:
    """An MDX ``import`` or ``export`` statement (also over several lines): dropped."""
    if text.startswith("import") and _IMPORT.match(text):
        if _IMPORT_END.search(text):
            return Opened()
        frame = Frame(
            "import",
            origin,
            _nothing,
            closes=_skip(lambda line: bool(_IMPORT_END.search(line))),
            raw=True,
            opener=text,
        )
        return Opened(frame)
    if text.startswith("export") and _EXPORT.match(text):
        depth = [_balance(text)]
        if depth[0] <= 0:
            return Opened()

        def balanced(line: str) -> bool:
            depth[0] += _balance(line)
            return depth[0] <= 0

        return Opened(
            Frame("export", origin, _nothing, closes=_skip(balanced), raw=True, opener=text)
        )
    return None


def _component(text: str, origin: int) -> Opened | None:
    if "<" not in text:
        return None
    if _DOC_CARDS.match(text):
        return Opened(items=(Line(SECTION_PAGES, origin),))
    match = _TAG.match(text)
    if match is None:
        return None
    name = match.group("name")
    attrs = _attrs(match.group("attrs"))
    if match.group("selfclose"):
        return None
    # A component's indentation is JSX layout, not Markdown structure: dropped.
    frame = Frame(
        name,
        origin,
        _RENDERERS[name],
        closes=_closer(name),
        raw=name == "CodeBlock",
        params=attrs,
        opener=match.group(0),
    )
    return Opened(frame, rest=match.group("rest"))
