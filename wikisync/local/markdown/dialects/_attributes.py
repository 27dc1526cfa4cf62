"""kramdown attribute lists and Liquid blocks (Jekyll sites, just-the-docs).

``{: .note }`` before a block (just-the-docs callouts: ``note``, ``warning``,
``important``, ``highlight``, ``new``, and their ``-title`` forms whose first line is the
title) makes that block a callout. Any other attribute list is written after its block,
the form Wiki.js reads (``A paragraph.`` then ``{: .lead }``); after a heading it joins
the heading (``## Title {.no_toc}``); ``{:toc}`` with its ``* TOC`` line is dropped (Wiki.js
shows its own table of contents). Liquid ``{% raw %}`` keeps its text as it is,
``{% highlight lang %}`` is a code block, ``{% comment %}`` is dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace

from wikisync.local.markdown.dialects._model import (
    DialectContext,
    DialectProblem,
    Frame,
    Item,
    Line,
    Opened,
    indent_width,
    outdent,
)
from wikisync.local.markdown.dialects._render import callout, fence, finalize, style
from wikisync.local.markdown.dialects._scan import scan
from wikisync.local.markdown.dialects._structure import structure

__all__ = ["attach_trailing", "kramdown_ial", "liquid_block", "liquid_inline", "markdown_html"]

_IAL = re.compile(r"^(?P<indent>[ \t]{0,3})\{:[ \t]*(?P<body>[^}]*?)[ \t]*\}[ \t]*$")
_CALLOUTS = frozenset({"note", "warning", "important", "highlight", "new"})
_LIQUID = re.compile(
    r"^(?P<indent>[ \t]*)\{%-?[ \t]*(?P<tag>raw|highlight|comment)\b[ \t]*(?P<args>[^%]*?)[ \t]*-?%\}(?P<rest>.*)$"
)
_INLINE_RAW = re.compile(r"\{%-?[ \t]*(?:end)?raw[ \t]*-?%\}")
_TOC_ITEM = re.compile(r"^ {0,3}(?:[*+-]|\d+[.)])[ \t]+TOC[ \t]*$")


def _classes(body: str) -> list[str]:
    return [part[1:] for part in body.split() if part.startswith(".")]


def _callout_kind(body: str) -> tuple[str, bool] | None:
    for name in _classes(body):
        base, titled = (name[:-6], True) if name.endswith("-title") else (name, False)
        if base in _CALLOUTS:
            return base, titled
    return None


def _unquote(lines: list[Line]) -> list[Line]:
    if lines and all(line.text.lstrip().startswith(">") for line in lines if line.text.strip()):
        out = []
        for line in lines:
            stripped = line.text.lstrip()[1:]
            out.append(Line(stripped[1:] if stripped.startswith(" ") else stripped, line.origin))
        return out
    return lines


def _no_items(frame: Frame) -> list[Item]:
    return []


def _ial_callout(frame: Frame) -> list[Item]:
    lines = finalize(frame.items, frame.level_above)
    body = _unquote(lines)
    if body is not lines and any("{:" in line.text for line in body):
        # the quote's own lines, out of it, may hold callouts of their own
        # (``> {: .warning }`` in a ``{: .note }`` quote)
        found = structure([line.text for line in body])
        openers = (kramdown_ial, markdown_html)
        body, _ = scan(body, found, (), openers, (), DialectContext(source=""))
    while body and not body[0].text.strip():
        body.pop(0)
    title = None
    if frame.params.get("titled") and body:
        title = body[0].text.strip()
        body = body[1:]
    kind = frame.params["kind"]
    css = "is-warning" if kind == "highlight" else style(kind)
    return list(callout(body, css, title, frame.origin, indented=bool(frame.prefix)))


def _ial_after(frame: Frame) -> list[Item]:
    body = finalize(frame.items, frame.level_above)
    if not body:
        return [Line(frame.opener, frame.origin)]
    return [*body, Line(frame.opener.strip(), frame.origin)]


def kramdown_ial(text: str, origin: int, context: DialectContext) -> Opened | None:
    """A block attribute list on its own line (see the module docstring)."""
    if "{:" not in text:
        return None
    match = _IAL.match(text)
    if match is None:
        return None
    body = match.group("body")
    if body.replace(" ", "") in ("toc", ""):
        return Opened(Frame("ial-toc", origin, _no_items, attach=attach_trailing, opener=text))
    found = _callout_kind(body)
    if found is not None:
        kind, titled = found
        params = {"kind": kind, **({"titled": "1"} if titled else {})}
        frame = Frame(
            "ial-callout",
            origin,
            _ial_callout,
            ends_at_blank=True,
            attach=attach_trailing,
            params=params,
            opener=text,
        )
        return Opened(frame)
    return Opened(
        Frame("ial", origin, _ial_after, ends_at_blank=True, attach=attach_trailing, opener=text)
    )


def _text_line(item: Item) -> bool:
    return isinstance(item, Line) and bool(item.text.strip())


def attach_trailing(frame: Frame, items: list[Item]) -> bool:
    """An attribute list right after a block (``items`` ends with its lines): join it to
    that block. ``True`` when it did (then the frame is done)."""
    last = items[-1] if items and isinstance(items[-1], Line) else None
    if frame.kind == "ial-toc":
        if last is not None and _TOC_ITEM.match(last.text):
            items.pop()
        return True
    if last is None or not last.text.strip():
        return False
    match = _IAL.match(frame.opener)
    assert match is not None
    if last.heading and not last.code:
        items[-1] = replace(last, text=f"{last.text.rstrip()} {{{match.group('body')}}}")
        return True
    if frame.kind == "ial":
        items.append(Line(frame.opener.strip(), frame.origin))
        return True
    start = len(items)
    while start > 0 and _text_line(items[start - 1]):
        start -= 1
    block = [item for item in items[start:] if isinstance(item, Line)]
    del items[start:]
    frame.items = list(block)
    items.extend(_ial_callout(frame))
    return True


def _liquid_highlight(frame: Frame) -> list[Item]:
    language = frame.params.get("args", "").split(" ")[0]
    body = finalize(frame.items, frame.level_above)
    return list(fence(body, language, frame.origin))


def _liquid_raw(frame: Frame) -> list[Item]:
    return list(finalize(frame.items, frame.level_above))


def liquid_block(text: str, origin: int, context: DialectContext) -> Opened | None:
    """``{% raw %}``, ``{% highlight lang %}`` and ``{% comment %}`` blocks."""
    if "{%" not in text:
        return None
    match = _LIQUID.match(text)
    if match is None:
        return None
    tag = match.group("tag")
    end = re.compile(r"\{%-?[ \t]*end" + tag + r"[ \t]*-?%\}[ \t]*$")

    def closes(line: str) -> tuple[str, str] | None:
        found = end.search(line)
        return (line[: found.start()], "") if found else None

    if tag == "raw" and "endraw" in match.group("rest") and _INLINE_RAW.search(match.group("rest")):
        return None  # a raw span within the line (text may follow it): the inline rule
    render = {"raw": _liquid_raw, "highlight": _liquid_highlight, "comment": _no_items}[tag]
    indent = match.group("indent")
    frame = Frame(
        tag,
        origin,
        render,
        indent=indent_width(indent),
        closes=closes,
        raw=True,
        params={"args": match.group("args")},
        opener=match.group(0),
        prefix=indent,
    )
    return Opened(frame, rest=match.group("rest"))


def liquid_inline(
    text: str, origin: int, context: DialectContext
) -> tuple[str, tuple[DialectProblem, ...]]:
    """``{% raw %}...{% endraw %}`` within a line: the markers go, the text stays."""
    if "raw" not in text or "{%" not in text:
        return text, ()
    return _INLINE_RAW.sub("", text), ()


_MARKDOWN_HTML = re.compile(
    r"^(?P<indent>[ \t]{0,3})<(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?P<before>[^<>]*?)[ \t]+markdown"
    r"(?:[ \t]*=[ \t]*(?:\"(?:1|block|span)\"|'(?:1|block|span)'|1))?(?=[ \t>])"
    r"(?P<after>[^<>]*)>[ \t]*$"
)


def _markdown_html(frame: Frame) -> list[Item]:
    body = outdent(finalize(frame.items, frame.level_above))
    while body and not body[0].text.strip():
        body.pop(0)
    while body and not body[-1].text.strip():
        body.pop()
    end = body[-1].origin if body else frame.origin
    return [
        Line(frame.params["open"], frame.origin),
        Line("", frame.origin),
        *body,
        Line("", end),
        Line(f"</{frame.params['tag']}>", end),
    ]


def markdown_html(text: str, origin: int, context: DialectContext) -> Opened | None:
    """An HTML block whose ``markdown="1|block|span"`` attribute makes its content
    Markdown (kramdown, Python-Markdown's ``md_in_html``): the tag without the attribute,
    its content on lines of its own between blank lines, where Wiki.js reads Markdown."""
    if "markdown" not in text:
        return None
    match = _MARKDOWN_HTML.match(text)
    if match is None:
        return None
    tag = match.group("tag")
    attributes = (match.group("before") + match.group("after")).strip()
    opening = f"<{tag}{' ' + attributes if attributes else ''}>"
    closing = re.compile(r"</" + re.escape(tag) + r"\s*>", re.IGNORECASE)

    def closes(line: str) -> tuple[str, str] | None:
        found = closing.search(line)
        return (line[: found.start()], line[found.end() :]) if found else None

    frame = Frame(
        "markdown-html",
        origin,
        _markdown_html,
        closes=closes,
        params={"tag": tag, "open": opening},
        opener=text,
        prefix=match.group("indent"),
    )
    return Opened(frame)
