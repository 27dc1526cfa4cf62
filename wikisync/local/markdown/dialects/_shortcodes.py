"""Hugo shortcodes with a plain meaning, and Docsy's.

``{{< name params >}}`` and ``{{% name params %}}``: Hugo's built-ins ``figure`` (an
image), ``highlight`` (a code block), ``details``, ``param`` (the site's parameter),
``youtube`` and ``vimeo`` (a link to the video); Docsy's ``alert`` and ``pageinfo`` (a
callout), ``tabpane`` and ``tab`` (a tabset). ``{{</* x */>}}``, Hugo's way of writing a
shortcode as text, becomes ``{{< x >}}``. Shortcodes a site defines in its own layouts
have no meaning outside the site: they are left as text, with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from wikisync.local.markdown.dialects._model import (
    DialectContext,
    DialectProblem,
    Frame,
    Item,
    Line,
    Opened,
    TabNode,
    indent_width,
)
from wikisync.local.markdown.dialects._render import callout, details, fence, finalize, style

__all__ = [
    "docsy_block",
    "hugo_block",
    "hugo_inline",
    "parse_params",
    "unescape_shortcodes",
]

_PARAM = re.compile(
    r"(?:([\w-]+)[ \t]*=[ \t]*)?(?:\"((?:[^\"\\]|\\.)*)\"|`([^`]*)`|'([^']*)'|([^\s\"'`=]+))"
)
_OPEN = re.compile(
    r"^(?P<indent>[ \t]*)\{\{(?P<delim>[<%])[ \t]*(?P<name>[\w./-]+)(?P<params>(?:[^>%]|[>%](?!\}\}))*)[>%]\}\}(?P<rest>.*)$"
)
_INLINE = re.compile(
    r"\{\{(?P<delim>[<%])[ \t]*(?P<name>param|youtube|vimeo|figure)\b(?P<params>(?:[^>%]|[>%](?!\}\})){0,1000})[>%]\}\}"
)
_ESCAPED = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}")


def parse_params(text: str) -> tuple[list[str], dict[str, str]]:
    """A shortcode's positional and named parameters."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for match in _PARAM.finditer(text):
        value = next((g for g in match.groups()[1:] if g is not None), "")
        if match.group(1):
            named[match.group(1).lower()] = value
        else:
            positional.append(value)
    return positional, named


def _closer(name: str) -> re.Pattern[str]:
    return re.compile(r"\{\{[<%][ \t]*/" + re.escape(name) + r"[ \t]*[>%]\}\}")


def _fenced(name: str) -> Callable[[str], tuple[str, str] | None]:
    pattern = _closer(name)

    def closes(line: str) -> tuple[str, str] | None:
        match = pattern.search(line)
        return (line[: match.start()], line[match.end() :]) if match else None

    return closes


def _frame(
    kind: str,
    match: re.Match[str],
    origin: int,
    render: Callable[[Frame], list[Item]],
    params: dict[str, str],
    raw: bool = False,
) -> Opened:
    if match.group("params").rstrip().endswith("/"):
        return Opened()  # self-closing ({{< tab header="x" />}}): nothing inside it to show
    indent = match.group("indent")
    frame = Frame(
        kind,
        origin,
        render,
        indent=indent_width(indent),
        closes=_fenced(match.group("name")),
        raw=raw,
        params=params,
        opener=match.group(0),
        prefix=indent,
    )
    return Opened(frame, rest=match.group("rest"))


def _alert(frame: Frame) -> list[Item]:
    color = (frame.params.get("color") or "primary").split()[0]
    return list(
        callout(
            finalize(frame.items, frame.level_above),
            style(color),
            frame.params.get("title"),
            frame.origin,
            indented=bool(frame.prefix),
        )
    )


def _tab(frame: Frame) -> list[Item]:
    body = finalize(frame.items, frame.level_above)
    language = frame.params.get("lang", "")
    if (
        language
        and frame.params.get("text", "").lower() != "true"
        and frame.params.get("delim") == "<"
    ):
        body = fence([Line(line.text, line.origin) for line in _trim(body)], language, frame.origin)
    title = frame.params.get("header") or frame.params.get("0") or language or "Tab"
    return [TabNode(title, body, frame.origin)]


def _trim(body: list[Line]) -> list[Line]:
    start, end = 0, len(body)
    while start < end and not body[start].text.strip():
        start += 1
    while end > start and not body[end - 1].text.strip():
        end -= 1
    return body[start:end]


def _tabpane(frame: Frame) -> list[Item]:
    items: list[Item] = []
    for item in frame.items:
        if isinstance(item, TabNode) or item.text.strip():
            items.append(item)
    return items


def docsy_block(text: str, origin: int, context: DialectContext) -> Opened | None:
    """Docsy ``alert`` and ``pageinfo`` (callouts), ``tabpane`` and its ``tab``s."""
    if "{{" not in text:
        return None
    match = _OPEN.match(text)
    if match is None:
        return None
    name = match.group("name")
    positional, named = parse_params(match.group("params"))
    if name == "alert":
        return _frame("alert", match, origin, _alert, named)
    if name == "pageinfo":
        named.setdefault("color", "primary")
        return _frame("alert", match, origin, _alert, named)
    if name == "tabpane":
        return _frame("tabpane", match, origin, _tabpane, named)
    if name == "tab":
        params = dict(named)
        if positional:
            params["0"] = positional[0]
        params["delim"] = match.group("delim")
        tabpane = params.get("lang", "")
        if tabpane and params["delim"] == "<":
            return _frame("tab", match, origin, _tab, params, raw=True)
        return _frame("tab", match, origin, _tab, params)
    return None


def _highlight(frame: Frame) -> list[Item]:
    return list(
        fence(
            _trim(finalize(frame.items, frame.level_above)), frame.params.get("0", ""), frame.origin
        )
    )


def _details(frame: Frame) -> list[Item]:
    summary = (
        frame.params.get("summary")
        or frame.params.get("title")
        or frame.params.get("0")
        or "Details"
    )
    return list(details(finalize(frame.items, frame.level_above), summary, frame.origin))


def hugo_block(text: str, origin: int, context: DialectContext) -> Opened | None:
    """Hugo's ``highlight`` (a code block) and ``details`` (``<details>``)."""
    if "{{" not in text:
        return None
    match = _OPEN.match(text)
    if match is None:
        return None
    name = match.group("name")
    positional, named = parse_params(match.group("params"))
    if positional:
        named.setdefault("0", positional[0])
    if name == "highlight":
        return _frame("highlight", match, origin, _highlight, named, raw=True)
    if name == "details":
        return _frame("details", match, origin, _details, named)
    return None


def _lookup(params: Mapping[str, object], key: str) -> str | None:
    value: object = params
    for part in key.split("."):
        if not isinstance(value, Mapping):
            return None
        found = None
        for name, item in value.items():
            if str(name).lower() == part.lower():
                found = item
                break
        if found is None:
            return None
        value = found
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _figure(named: dict[str, str]) -> str:
    source = named.get("src", "")
    alt = named.get("alt") or named.get("caption") or named.get("title") or ""
    title = named.get("title")
    shown = f'![{alt}]({source} "{title}")' if title else f"![{alt}]({source})"
    if named.get("link"):
        shown = f"[{shown}]({named['link']})"
    caption = named.get("caption")
    return f"{shown}\n*{caption}*" if caption and caption != alt else shown


def hugo_inline(
    text: str, origin: int, context: DialectContext
) -> tuple[str, tuple[DialectProblem, ...]]:
    """``param`` (the page's front matter value, else the site's), ``youtube``/``vimeo``
    (a link), ``figure`` (an image) where they stand in a line."""
    if "{{" not in text:
        return text, ()
    problems: list[DialectProblem] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        positional, named = parse_params(match.group("params"))
        if name == "param":
            key = named.get("name") or (positional[0] if positional else "")
            value = _lookup(context.params, key) if key else None
            if value is None:
                return match.group(0)
            return value
        if name in ("youtube", "vimeo"):
            video = named.get("id") or (positional[0] if positional else "")
            if not video:
                return match.group(0)
            url = (
                f"https://www.youtube.com/watch?v={video}"
                if name == "youtube"
                else f"https://vimeo.com/{video}"
            )
            label = named.get("title") or ("YouTube video" if name == "youtube" else "Vimeo video")
            return f"[{label}]({url})"
        if "src" not in named:
            return match.group(0)
        return _figure(named)

    new = _INLINE.sub(replace, text)
    return new, tuple(problems)


def unescape_shortcodes(text: str) -> str:
    """``{{</* x */>}}`` -> ``{{< x >}}``: how Hugo docs show a shortcode as text (also
    in code, as Hugo reads it)."""
    if "/*" not in text:
        return text
    return _ESCAPED.sub(lambda m: "{{" + m.group(1) + m.group(2) + m.group(3) + "}}", text)
