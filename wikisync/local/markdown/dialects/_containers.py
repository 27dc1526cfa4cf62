"""Block containers: admonitions, collapsible blocks, tabs and alerts.

``!!! type "Title"`` and ``??? type`` (Python-Markdown admonition, pymdownx details) and
``=== "Title"`` (Material content tabs) hold an indented body; ``/// type | Title`` ...
``///`` (pymdownx blocks) and ``:::type`` ... ``:::`` (Docusaurus admonitions, VitePress
containers) a fenced one; ``> [!NOTE]`` (GitHub alerts) a quoted one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wikisync.local.markdown.dialects._model import (
    DialectContext,
    Frame,
    Item,
    Line,
    Opened,
    TabNode,
    indent_width,
)
from wikisync.local.markdown.dialects._render import callout, details, fence, finalize, style
from wikisync.local.markdown.dialects._structure import structure

__all__ = [
    "VITEPRESS_CONTAINERS",
    "vitepress_tabs",
    "admonition",
    "docusaurus_open",
    "code_group",
    "colon_container",
    "github_alert",
    "material_tab",
    "pymdownx_block",
    "pymdownx_details",
    "vitepress_container",
]

# As Python-Markdown's admonition and pymdownx details read them: the space after the
# marker is optional, and the title runs to the last quote (it may hold quotes).
_BANG = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>!!!|\?\?\?\+?) ?(?P<type>[\w-]+)(?: +[\w-]+)*"
    r"(?: +\"(?P<title>.*)\")? *$"
)
_TAB = re.compile(r"^(?P<indent>[ \t]*)===(?P<flags>[!+]*)[ \t]+\"(?P<title>[^\"]*)\"[ \t]*$")
_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)(?P<slashes>/{3,})[ \t]*(?P<type>[A-Za-z][\w-]*)"
    r"(?:[ \t]*\|[ \t]*(?P<title>.*?))?[ \t]*$"
)
_COLONS = re.compile(
    r"(?P<indent> {0,3})(?P<colons>:{3,})(?P<space>[ \t]*)(?P<type>[A-Za-z][\w-]*)"
)
_ALERT = re.compile(r"^(?P<indent> {0,3})>[ \t]?\[!(?P<type>[A-Za-z]+)\][+-]?[ \t]*(?P<title>.*)$")
_FENCE_INFO = re.compile(r"^([^\s\[`]*)[^\[]*?(?:\[(?P<label>[^\]]*)\])?[ \t]*$")

_BLOCK_CALLOUTS = frozenset(
    {"note", "attention", "caution", "danger", "error", "tip", "hint", "important", "warning"}
)
_DOCUSAURUS_TYPES = frozenset(
    {"note", "tip", "info", "warning", "danger", "caution", "important", "success", "secondary"}
)
_VITEPRESS_TYPES = frozenset({"info", "tip", "warning", "danger", "note", "important", "caution"})
VITEPRESS_CONTAINERS = tuple(sorted(_VITEPRESS_TYPES | {"details", "code-group", "raw", "v-pre"}))
"""The container names VitePress registers with markdown-it-container."""
_GITHUB_STYLES = {
    "note": "is-info",
    "tip": "is-success",
    "important": "is-info",
    "warning": "is-warning",
    "caution": "is-danger",
}


def _title_case(kind: str) -> str:
    return kind[:1].upper() + kind[1:].lower()


def _callout_frame(frame: Frame) -> list[Item]:
    kind = frame.params.get("type", "note")
    css = frame.params.get("css") or style(kind)
    title = frame.params.get("title")
    body = finalize(frame.items, frame.level_above)
    return list(callout(body, css, title, frame.origin, indented=bool(frame.prefix)))


def _details_frame(frame: Frame) -> list[Item]:
    kind = frame.params.get("type", "details")
    summary = frame.params.get("title") or _title_case(kind)
    return list(details(finalize(frame.items, frame.level_above), summary, frame.origin))


def _tab_frame(frame: Frame) -> list[Item]:
    body = finalize(frame.items, frame.level_above)
    new = frame.params.get("new", "").lower() in ("true", "yes", "1", "on")
    return [TabNode(frame.params.get("title", ""), body, frame.origin, new_group=new)]


def _plain_frame(frame: Frame) -> list[Item]:
    return list(finalize(frame.items, frame.level_above))


def _indented(
    kind: str,
    match: re.Match[str],
    origin: int,
    render: Callable[[Frame], list[Item]],
    **params: str,
) -> Opened:
    indent = match.group("indent")
    frame = Frame(
        kind,
        origin,
        render,
        indent=indent_width(indent) + 4,
        indented=True,
        params={k: v for k, v in params.items() if v is not None},
        opener=match.group(0),
        prefix=indent,
    )
    return Opened(frame)


def admonition(text: str, origin: int, context: DialectContext) -> Opened | None:
    """``!!! type "Title"`` with an indented body -> a callout."""
    if "!!!" not in text:
        return None
    match = _BANG.match(text)
    if match is None or match.group("marker") != "!!!":
        return None
    return _indented(
        "callout",
        match,
        origin,
        _callout_frame,
        type=match.group("type"),
        title=match.group("title"),
    )


def pymdownx_details(text: str, origin: int, context: DialectContext) -> Opened | None:
    """``??? type "Title"`` / ``???+`` with an indented body -> ``<details>``."""
    if "???" not in text:
        return None
    match = _BANG.match(text)
    if match is None or match.group("marker") == "!!!":
        return None
    return _indented(
        "details",
        match,
        origin,
        _details_frame,
        type=match.group("type"),
        title=match.group("title"),
    )


def material_tab(text: str, origin: int, context: DialectContext) -> Opened | None:
    """``=== "Title"`` with an indented body -> a tab of a tabset."""
    if "===" not in text:
        return None
    match = _TAB.match(text)
    if match is None:
        return None
    new = "true" if "!" in match.group("flags") else ""
    return _indented("tab", match, origin, _tab_frame, title=match.group("title"), new=new)


def _block_frame(frame: Frame) -> list[Item]:
    kind = frame.params.get("kind", "")
    if kind == "tab":
        return _tab_frame(frame)
    if kind == "details":
        return _details_frame(frame)
    if kind in ("html", "caption", "define"):
        return _plain_frame(frame)
    if kind == "admonition" and "type" not in frame.params:
        frame.params["type"] = "note"
    return _callout_frame(frame)


def pymdownx_block(text: str, origin: int, context: DialectContext) -> Opened | None:
    """``/// type | Title`` ... ``///`` (pymdownx blocks): callouts, ``details``, ``tab``;
    ``html``, ``caption`` and ``define`` keep their body."""
    if "///" not in text:
        return None
    match = _BLOCK.match(text)
    if match is None:
        return None
    kind = match.group("type").lower()
    if kind not in _BLOCK_CALLOUTS and kind not in (
        "admonition",
        "details",
        "tab",
        "html",
        "caption",
        "define",
    ):
        return None
    slashes = match.group("slashes")

    def closes(line: str) -> tuple[str, str] | None:
        return ("", "") if line.strip() == slashes else None

    params = {"kind": kind}
    if kind in _BLOCK_CALLOUTS:
        params["type"] = kind
    if match.group("title"):
        params["title"] = match.group("title")
    indent = match.group("indent")
    frame = Frame(
        "block",
        origin,
        _block_frame,
        indent=indent_width(indent),
        closes=closes,
        options=True,
        params=params,
        opener=match.group(0),
        prefix=indent,
    )
    return Opened(frame)


def _colon_frame(frame: Frame) -> list[Item]:
    kind = frame.params.get("type", "note").lower()
    if kind == "details":
        frame.params.setdefault("title", "Details")
        return _details_frame(frame)
    if kind == "code-group":
        return code_group(frame)
    if kind in ("raw", "v-pre"):
        return _plain_frame(frame)
    return _callout_frame(frame)


def _is_attributes(text: str) -> bool:
    return len(text) >= 2 and text[0] == "{" and text[-1] == "}" and "}" not in text[1:-1]


def docusaurus_open(line: str) -> tuple[re.Match[str], str | None] | None:
    """A container's opening line (``:::tip[Title]{#id}``, ``:::note Title``,
    ``::: tip Title``): its head and its title, or ``None``. The title is read by hand
    after the head, in one pass over the line (a pattern for it would try every split of
    a long run of spaces)."""
    head = _COLONS.match(line)
    if head is None:
        return None
    rest = line[head.end() :].rstrip(" \t")
    if not rest or _is_attributes(rest):
        return head, None
    if rest[0] == "[":
        close = rest.find("]")
        if close < 0:
            return None
        after = rest[close + 1 :].lstrip(" \t")
        return (head, rest[1:close]) if not after or _is_attributes(after) else None
    if rest[0] not in " \t":
        return None
    title = rest.lstrip(" \t")
    brace = title.rfind("{")
    if brace > 0 and _is_attributes(title[brace:]) and title[:brace].strip(" \t"):
        title = title[:brace].rstrip(" \t")
    return head, title


def _colon_opener(
    text: str, origin: int, kinds: frozenset[str] | None, exact: bool
) -> Opened | None:
    if ":::" not in text[:8]:
        return None
    opened = docusaurus_open(text)
    if opened is None:
        return None
    match, title = opened
    kind = match.group("type").lower()
    if kinds is not None and kind not in kinds:
        return None
    colons = match.group("colons")

    def closes(line: str) -> tuple[str, str] | None:
        stripped = line.strip()
        if exact:
            return ("", "") if stripped == colons else None
        if len(stripped) >= len(colons) and stripped == ":" * len(stripped):
            return ("", "")
        return None

    params = {"type": kind}
    if title:
        params["title"] = title
    indent = match.group("indent")
    frame = Frame(
        "container",
        origin,
        _colon_frame,
        indent=len(indent),
        closes=closes,
        params=params,
        opener=text,
        prefix=indent,
    )
    return Opened(frame)


def colon_container(text: str, origin: int, context: DialectContext) -> Opened | None:
    """Docusaurus ``:::type Title`` / ``:::type[Title]`` ... ``:::`` (more colons to
    nest) -> a callout; any type is read, an unknown one is blue."""
    return _colon_opener(text, origin, None, exact=True)


def vitepress_container(text: str, origin: int, context: DialectContext) -> Opened | None:
    """VitePress ``::: tip Title`` (also ``:::tip``): ``info``, ``tip``, ``warning``,
    ``danger`` callouts, ``details``, ``code-group`` (a tabset of its code blocks), ``raw``
    and ``v-pre`` (their body as it is)."""
    return _colon_opener(
        text, origin, _VITEPRESS_TYPES | {"details", "code-group", "raw", "v-pre"}, exact=False
    )


def code_group(frame: Frame) -> list[Item]:
    """A VitePress code group: each code block (as the parse finds them) a tab, titled by
    its ``[label]`` (else its language)."""
    lines = finalize(frame.items, frame.level_above)
    fences = structure([line.text for line in lines]).fences
    tabs: list[Item] = []
    for start in sorted(fences):
        found = fences[start]
        match = _FENCE_INFO.match(found.info.strip())
        language = match.group(1) if match else ""
        label = (match.group("label") if match else None) or language or "Code"
        body = lines[start + 1 : start + 1 + found.lines]
        origin = lines[start].origin
        tabs.append(TabNode(label, fence(body, language, origin), origin))
    if not tabs:
        return list(lines)
    return tabs


def _alert_frame(frame: Frame) -> list[Item]:
    body = finalize(frame.items, frame.level_above)
    title: str | None = frame.params.get("title") or None
    if title and not any(line.text.strip() for line in body):
        body, title = [Line(title, frame.origin)], None  # `> [!NOTE] Text.` alone
    kind = frame.params["type"].lower()
    css = _GITHUB_STYLES.get(kind, style(kind))
    return list(callout(body, css, title, frame.origin, indented=bool(frame.prefix)))


def github_alert(text: str, origin: int, context: DialectContext) -> Opened | None:
    """``> [!NOTE]`` (also ``[!TIP]``, ``[!IMPORTANT]``, ``[!WARNING]``, ``[!CAUTION]``)
    and the quoted lines after it -> a callout."""
    if "[!" not in text:
        return None
    match = _ALERT.match(text)
    if match is None:
        return None
    frame = Frame(
        "alert",
        origin,
        _alert_frame,
        quoted=True,
        params={"type": match.group("type"), "title": match.group("title").strip()},
        opener=match.group(0),
        prefix=match.group("indent"),
    )
    return Opened(frame)


_TABS = re.compile(r"^(?P<indent> {0,3})(?P<colons>:{3,})[ \t]*tabs(?:[ \t]+.*)?$")
_TAB_MARKER = re.compile(r"^(?P<marks>={2,})[ \t]+(?P<title>\S.*?)[ \t]*$")


def _tabs_frame(frame: Frame) -> list[Item]:
    """vitepress-plugin-tabs: the body split at its ``== Title`` lines (the count of ``=``
    of the first one; a nested group uses another count) into tabs."""
    marks = ""
    tabs: list[tuple[str, int, list[Item]]] = []
    before: list[Item] = []
    for item in frame.items:
        match = _TAB_MARKER.match(item.text) if isinstance(item, Line) and not item.code else None
        if match is not None and (not marks or match.group("marks") == marks):
            marks = match.group("marks")
            tabs.append((match.group("title"), item.origin, []))
            continue
        (tabs[-1][2] if tabs else before).append(item)
    if not tabs:
        return list(finalize(frame.items, frame.level_above))
    out: list[Item] = [item for item in before if not isinstance(item, Line) or item.text.strip()]
    for title, origin, body in tabs:
        out.append(TabNode(title, finalize(body, frame.level_above), origin))
    return out


def vitepress_tabs(text: str, origin: int, context: DialectContext) -> Opened | None:
    """vitepress-plugin-tabs' ``:::tabs`` (``key:x`` shares the choice between groups)
    with a ``== Title`` line before each tab -> a tabset."""
    if "tabs" not in text or ":::" not in text[:8]:
        return None
    match = _TABS.match(text)
    if match is None:
        return None
    indent = match.group("indent")
    frame = Frame(
        "tabs",
        origin,
        _tabs_frame,
        indent=len(indent),
        closes=lambda line: ("", "") if line.strip() == match.group("colons") else None,
        opener=text,
        prefix=indent,
    )
    return Opened(frame)
