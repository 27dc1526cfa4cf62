"""Wiki.js's render pipeline, as far as the emulator reproduces it.

Markdown goes through markdown-it (markdown-it-py) configured as a fresh Wiki.js 2.5
configures it (``data/renderers.json``: HTML allowed, ``linebreaks`` on, linkify on,
no typographer) with the plugins whose output the recorded renders show: attributes
(``{#id}``, ``{.class}``, ``{: .class }``, and a ``{.is-info}`` line closing a quote:
the callouts), footnotes, task lists, abbreviations, ``~sub~`` and ``^sup^``, image sizes
(``=100x``), mermaid and plantuml fences. Then the HTML steps: link classes
(``is-internal-link``/``is-external-link``, valid or invalid page), heading ids (slugs
that keep Unicode) with a ``¶`` anchor, tabsets (a heading with ``{.tabset}``: its
sub-headings are the tabs), ``prismjs`` code blocks, table containers, and the
sanitizer (no ``<script>``, ``<iframe>`` or event attributes, unknown tags dropped with
their text kept, ids that would shadow a ``document`` property dropped).

``tests/testing/test_emulator_render.py`` replays the recorded renders
(``render-transcripts.jsonl``) against it; what it does not reproduce (KaTeX math, emoji
shortcodes) is listed there. HTML pages are passed through; AsciiDoc gets
a minimal treatment.
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

_LOCALE_SEGMENT = re.compile(r"^[a-z]{2}(-[a-z]{2})?$", re.IGNORECASE)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_LINK = re.compile(r"<a\b[^>]*\bhref\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_SLUG_DROP = re.compile(r"[^\w\- ]+", re.UNICODE)


@dataclass
class Rendered:
    html: str
    toc: list[dict[str, Any]]
    #: internal links as ``[locale, path]`` pairs, in order of appearance
    links: list[list[str]] = field(default_factory=list)


@dataclass
class _Context:
    page_path: str
    default_locale: str
    page_exists: Callable[[str, str], bool]
    linebreaks: bool = True
    slugs: dict[str, int] = field(default_factory=dict)
    headings: list[tuple[int, str, str]] = field(default_factory=list)
    links: list[list[str]] = field(default_factory=list)


def render(
    content: str,
    content_type: str,
    *,
    page_path: str,
    default_locale: str,
    page_exists: Callable[[str, str], bool],
    linebreaks: bool = True,
) -> Rendered:
    """Render a page's content; ``linebreaks`` is ``markdownCore``'s setting (every line
    break inside a paragraph shows as ``<br>``)."""
    ctx = _Context(page_path, default_locale, page_exists, linebreaks)
    if content_type == "markdown":
        body = _render_markdown(content, ctx)
    elif content_type == "html":
        body = content
        for level, inner in _HTML_HEADING.findall(content):
            title = html.unescape(_TAGS.sub("", inner)).strip()
            ctx.headings.append((int(level), title, _slug(title, ctx)))
        for href in _HTML_LINK.findall(content):
            _classify_link(html.unescape(href), ctx)
    elif content_type == "asciidoc":
        body = _render_asciidoc(content, ctx)
    else:
        body = f"<pre>{html.escape(content, quote=False)}</pre>\n"
    return Rendered(body, _toc(ctx.headings), ctx.links)


# -- markdown ---------------------------------------------------------------------------

_ATTR_BLOCK = re.compile(
    r"\{:?((?:\s*(?:[.#][^\s{}.#=]+|[A-Za-z][\w-]*=(?:\"[^\"]*\"|[^\s{}]+)))+)\s*\}$"
)
_ATTR_ITEM = re.compile(r"([.#])([^\s{}.#=]+)|([A-Za-z][\w-]*)=(?:\"([^\"]*)\"|([^\s{}]+))")
_ALLOWED_ATTRS = ("id", "class", "target")  # markdown-it-attrs as Wiki.js configures it
_PLANTUML_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_PLANTUML_SERVER = "https://plantuml.requarks.io"
# DOMPurify's SANITIZE_DOM drops an id that names a property of ``document``.
_CLOBBERING_IDS = frozenset(
    [
        "title",
        "body",
        "head",
        "forms",
        "images",
        "links",
        "anchors",
        "scripts",
        "cookie",
        "domain",
        "location",
        "url",
        "referrer",
        "embeds",
        "plugins",
        "all",
    ]
)
_DROPPED_WITH_CONTENT = re.compile(
    r"<(script|iframe|style)\b[^>]*>.*?</\1\s*>|<(?:script|iframe)\b[^>]*/?>",
    re.IGNORECASE | re.DOTALL,
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*?)?)(/?)>")
_EVENT_ATTR = re.compile(r"""\s+on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
_KNOWN_TAGS = frozenset(
    [
        "a",
        "abbr",
        "address",
        "article",
        "aside",
        "audio",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "br",
        "button",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "legend",
        "li",
        "main",
        "mark",
        "nav",
        "ol",
        "p",
        "picture",
        "pre",
        "q",
        "s",
        "samp",
        "section",
        "small",
        "source",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "template",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "track",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
        "center",
        "font",
        "tabset",
    ]
)
_IMSIZE = re.compile(
    r"[ \t\n]*(<[^<>\n]*>|[^\s()<>]+)(?:[ \t\n]+(?:\"([^\"]*)\"|'([^']*)'))?"
    r"[ \t\n]+=(\d*)x(\d*)[ \t\n]*\)"
)
_END_ATTRS = re.compile(r"\s*(\{[^{}]*\})$")
_HEADING_BLOCK = re.compile(r"^<h([1-6])\b([^>]*)>(.*?)</h\1>\n?$", re.DOTALL)
_HEADING_TAG = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.DOTALL)
_PARSERS: dict[bool, Any] = {}


def _parser(linebreaks: bool) -> Any:
    """markdown-it as Wiki.js sets it up (one per ``linebreaks`` value)."""
    md = _PARSERS.get(linebreaks)
    if md is None:
        from markdown_it import MarkdownIt
        from mdit_py_plugins.footnote import footnote_plugin
        from mdit_py_plugins.subscript import sub_plugin
        from mdit_py_plugins.superscript import superscript_plugin
        from mdit_py_plugins.tasklists import tasklists_plugin

        md = MarkdownIt(
            "js-default",
            {"html": True, "breaks": linebreaks, "linkify": True, "typographer": False},
        )
        md.use(footnote_plugin).use(tasklists_plugin).use(sub_plugin).use(superscript_plugin)
        md.inline.ruler.before("image", "imsize", _imsize)
        md.block.ruler.before("reference", "abbr_def", _abbr_definition, {"alt": ["paragraph"]})
        md.core.ruler.after("inline", "abbr_replace", _abbr_replace)
        md.add_render_rule("fence", _fence)
        md.add_render_rule("code_block", _code_block)
        _PARSERS[linebreaks] = md
    return md


def _imsize(state: Any, silent: bool) -> bool:
    """markdown-it-imsize: ``![alt](src =WxH)``."""
    from markdown_it.helpers import parseLinkLabel

    pos = state.pos
    if not state.src.startswith("![", pos):
        return False
    end = parseLinkLabel(state, pos + 1, False)
    if end < 0 or not state.src.startswith("(", end + 1):
        return False
    match = _IMSIZE.match(state.src, end + 2, state.posMax)
    if match is None:
        return False
    if not silent:
        src = match.group(1)
        if src.startswith("<"):
            src = src[1:-1]
        token = state.push("image", "img", 0)
        token.attrs = {"src": state.md.normalizeLink(src), "alt": ""}
        title = match.group(2) or match.group(3)
        if title:
            token.attrs["title"] = title
        if match.group(4):
            token.attrs["width"] = match.group(4)
        if match.group(5):
            token.attrs["height"] = match.group(5)
        children: list[Any] = []
        state.md.inline.parse(state.src[pos + 2 : end], state.md, state.env, children)
        token.children = children
        token.content = state.src[pos + 2 : end]
    state.pos = match.end()
    return True


_ABBR_DEFINITION = re.compile(r"^\*\[([^\]]+)\]:[ \t]*(.*?)[ \t]*$")


def _abbr_definition(state: Any, start_line: int, _end_line: int, silent: bool) -> bool:
    """markdown-it-abbr: a ``*[HTML]: Hyper Text Markup Language`` line defines one."""
    start = state.bMarks[start_line] + state.tShift[start_line]
    line = state.src[start : state.eMarks[start_line]]
    match = _ABBR_DEFINITION.match(line) if line.startswith("*[") else None
    if match is None or not match.group(2):
        return False
    if silent:
        return True
    state.env.setdefault("abbreviations", {})[match.group(1)] = match.group(2)
    state.line = start_line + 1
    return True


def _abbr_replace(state: Any) -> None:
    """markdown-it-abbr: each defined word in the text becomes ``<abbr title>``."""
    found: dict[str, str] = state.env.get("abbreviations") or {}
    if not found:
        return
    from markdown_it.token import Token

    words = "|".join(re.escape(w) for w in sorted(found, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w])({words})(?![\w])")
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Any] = []
        for child in block.children:
            if child.type != "text" or not pattern.search(child.content):
                children.append(child)
                continue
            position = 0
            for match in pattern.finditer(child.content):
                if match.start() > position:
                    text = Token("text", "", 0)
                    text.content = child.content[position : match.start()]
                    children.append(text)
                opening = Token("abbr_open", "abbr", 1)
                opening.attrs = {"title": found[match.group(1)]}
                word = Token("text", "", 0)
                word.content = match.group(1)
                children.extend((opening, word, Token("abbr_close", "abbr", -1)))
                position = match.end()
            if position < len(child.content):
                text = Token("text", "", 0)
                text.content = child.content[position:]
                children.append(text)
        block.children = children


def _attributes(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in _ATTR_ITEM.finditer(text):
        if match.group(1) == ".":
            out["class"] = f"{out['class']} {match.group(2)}" if "class" in out else match.group(2)
        elif match.group(1) == "#":
            out["id"] = match.group(2)
        elif match.group(3):
            value = match.group(4) if match.group(4) is not None else match.group(5)
            out[match.group(3)] = value
    return {k: v for k, v in out.items() if k in _ALLOWED_ATTRS}


def _add_attributes(token: Any, attrs: dict[str, str]) -> None:
    for key, value in attrs.items():
        if key == "class" and token.attrGet("class"):
            token.attrSet("class", f"{token.attrGet('class')} {value}")
        else:
            token.attrSet(key, value)


def _apply_attribute_blocks(tokens: list[Any]) -> None:
    """markdown-it-attrs' block patterns: a ``{...}`` ending a heading or paragraph (for
    that block), and a last line of only ``{...}`` after a soft break (for the outermost
    block closing there: the quote of a callout)."""
    for index, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        last = children[-1]
        if last.type != "text":
            continue
        if (
            len(children) >= 2
            and children[-2].type == "softbreak"
            and _ATTR_BLOCK.match(last.content.strip())
        ):
            close = index + 1
            while close + 1 < len(tokens) and tokens[close + 1].nesting == -1:
                close += 1
            opening = _matching_open(tokens, close)
            if opening is not None:
                _add_attributes(opening, _attributes(last.content))
                token.children = children[:-2]
            continue
        found = _END_ATTRS.search(last.content)
        if found and _ATTR_BLOCK.match(found.group(1)) and index > 0:
            _add_attributes(tokens[index - 1], _attributes(found.group(1)))
            last.content = last.content[: found.start()]


def _matching_open(tokens: list[Any], close: int) -> Any:
    depth = 0
    for index in range(close, -1, -1):
        depth += tokens[index].nesting
        if depth == 0:
            return tokens[index]
    return None


def _plantuml(source: str) -> str:
    """PlantUML's text encoding: raw deflate, then its own base64 alphabet."""
    text = "@startuml\n" + source.rstrip("\n") + "\n@enduml"
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(text.encode()) + compressor.flush()
    out: list[str] = []
    for index in range(0, len(data), 3):
        chunk = data[index : index + 3].ljust(3, b"\0")
        number = (chunk[0] << 16) | (chunk[1] << 8) | chunk[2]
        out.extend(_PLANTUML_ALPHABET[(number >> shift) & 63] for shift in (18, 12, 6, 0))
    return "".join(out)


def _fence(renderer: Any, tokens: list[Any], index: int, _options: Any, _env: Any) -> str:
    token = tokens[index]
    info = token.info.strip()
    lang = info.split(maxsplit=1)[0] if info else ""
    code = html.escape(token.content, quote=False)
    if lang == "mermaid":
        return f'<div class="mermaid">{code}</div>\n'
    if lang == "plantuml":
        src = f"{_PLANTUML_SERVER}/svg/{_plantuml(token.content)}"
        return f'<img src="{src}" alt="uml diagram" class="uml-diagram prefetch-candidate">\n'
    return (
        f'<pre class="prismjs line-numbers" v-pre="true"><code class="language-{lang}">'
        f"{code}</code></pre>\n"
    )


def _code_block(renderer: Any, tokens: list[Any], index: int, _options: Any, _env: Any) -> str:
    code = html.escape(tokens[index].content, quote=False)
    return f'<pre class="prismjs line-numbers" v-pre="true"><code>{code}</code></pre>\n'


def _render_markdown(content: str, ctx: _Context) -> str:
    md = _parser(ctx.linebreaks)
    env: dict[str, Any] = {}
    tokens = md.parse(content, env)
    _apply_attribute_blocks(tokens)
    for token in tokens:
        for child in token.children or ():
            if child.type == "link_open":
                cls = _classify_link(str(child.attrGet("href") or ""), ctx)
                if cls:
                    child.attrSet("class", cls)
    blocks = [
        md.renderer.render(tokens[first:end], md.options, env)
        for first, end in _top_level_blocks(tokens)
    ]
    return "".join(_headings(_sanitize(text), ctx) for text in _tabsets(blocks)).lstrip()


def _top_level_blocks(tokens: list[Any]) -> list[tuple[int, int]]:
    blocks: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for index, token in enumerate(tokens):
        depth += token.nesting
        if depth == 0:
            blocks.append((start, index + 1))
            start = index + 1
    return blocks


def _tabsets(blocks: list[str]) -> list[str]:
    """htmlTabset: a heading of class ``tabset`` and the headings one level below it
    (until a heading of its level or above) become a ``<tabset>``; the newline after
    each block it took stays behind."""
    out: list[str] = []
    index = 0
    while index < len(blocks):
        heading = _HEADING_BLOCK.match(blocks[index])
        classes = re.search(r'class="([^"]*)"', heading.group(2)) if heading else None
        if heading is None or classes is None or "tabset" not in classes.group(1).split():
            out.append(blocks[index])
            index += 1
            continue
        level = int(heading.group(1))
        tabs: list[str] = []
        panels: list[list[str]] = []
        taken = 1
        index += 1
        while index < len(blocks):
            inner = _HEADING_BLOCK.match(blocks[index])
            if inner and int(inner.group(1)) <= level:
                break
            if inner and int(inner.group(1)) == level + 1:
                tabs.append(f"<li>{inner.group(3)}</li>")
                panels.append([])
            elif panels:
                panels[-1].append(blocks[index].rstrip("\n"))
            else:
                break
            taken += 1
            index += 1
        out.append(
            '<tabset><template v-slot:tabs="">'
            + "".join(tabs)
            + '</template><template v-slot:content="">'
            + "".join(f'<div class="tabset-panel">{"".join(p)}</div>' for p in panels)
            + "</template></tabset>"
            + "\n" * taken
        )
    return out


def _clean_tag(match: re.Match[str]) -> str:
    name = match.group(2).lower()
    if name not in _KNOWN_TAGS:
        return ""
    attrs = _EVENT_ATTR.sub("", match.group(3))
    ident = re.search(r'\sid="([^"]*)"', attrs)
    if ident and ident.group(1).lower() in _CLOBBERING_IDS:
        attrs = attrs.replace(ident.group(0), "")
    return f"<{match.group(1)}{name}{attrs}{match.group(4)}>"


def _sanitize(text: str) -> str:
    """htmlSecurity (DOMPurify) and the serialization that follows it."""
    text = _DROPPED_WITH_CONTENT.sub("", text)
    text = text.replace(' checked="checked"', ' checked=""')
    text = text.replace(' disabled="disabled"', ' disabled=""')
    text = _TAG_RE.sub(_clean_tag, text)
    text = text.replace("<table>", '<div class="table-container"><table>')
    text = text.replace("</table>", "</table></div>")
    # text between tags is written again with only & < > escaped
    text = re.sub(r"(>|^)([^<]*)", lambda m: m.group(1) + m.group(2).replace("&quot;", '"'), text)
    # Vue would read "{{" in text as a template: such a paragraph is left alone (v-pre)
    return re.sub(r"<p>(?=[^<]*\{\{)", '<p v-pre="true">', text)


def _headings(text: str, ctx: _Context) -> str:
    def one(match: re.Match[str]) -> str:
        level, attrs, inner = int(match.group(1)), match.group(2), match.group(3)
        title = html.unescape(_TAGS.sub("", inner)).strip()
        given = re.search(r'\sid="([^"]*)"', attrs)
        slug = given.group(1) if given else _slug(title, ctx)
        ctx.headings.append((level, title, slug))
        classes = re.search(r'\sclass="([^"]*)"', attrs)
        rest = attrs
        for found in (given, classes):
            if found is not None:
                rest = rest.replace(found.group(0), "")
        ident = "" if slug.lower() in _CLOBBERING_IDS else f' id="{slug}"'
        cls = f"{classes.group(1)} toc-header" if classes else "toc-header"
        return (
            f'<h{level}{ident} class="{cls}"{rest}><a class="toc-anchor" href="#{slug}">¶</a> '
            f"{inner}</h{level}>"
        )

    return _HEADING_TAG.sub(one, text)


def _render_asciidoc(content: str, ctx: _Context) -> str:
    out: list[str] = []
    for block in re.split(r"\n\s*\n", content.replace("\r\n", "\n").strip()):
        first = block.split("\n", 1)[0]
        m = re.match(r"^(=+)\s+(.*)$", first)
        if m and "\n" not in block:
            level = min(len(m.group(1)), 6)
            title = m.group(2).strip()
            slug = _slug(title, ctx)
            ctx.headings.append((level, title, slug))
            out.append(f'<h{level} id="{slug}">{html.escape(title, quote=False)}</h{level}>\n')
        elif block:
            text = html.escape(block, quote=False)
            text = re.sub(r"\*(\S(?:.*?\S)?)\*", r"<strong>\1</strong>", text)
            out.append(f'<div class="paragraph"><p>{text}</p></div>\n')
    return "".join(out)


# -- links, slugs, toc --------------------------------------------------------------------


def _classify_link(href: str, ctx: _Context) -> str:
    """Wiki.js's link pass: tag the link and record internal page references."""
    if not href or href.startswith(("#", "mailto:", "tel:")):
        return ""
    if "://" in href:
        return "is-external-link"
    if href.endswith("/"):
        href = href[:-1]
    if href.startswith(("/_assets/", "/_userav/", "/_media/")):
        return "is-system-link"
    target = urlsplit("http://x" + (href if href.startswith("/") else "/" + href)).path
    if "." in target:
        return "is-asset-link"
    if not href.startswith("/"):
        target = f"/{href}" if ctx.page_path == "home" else f"/{ctx.page_path}/{href}"
        target = urlsplit("http://x" + target).path
    locale, path = parse_path(target, ctx.default_locale)
    ctx.links.append([locale, path])
    state = "is-valid-page" if ctx.page_exists(locale, path) else "is-invalid-page"
    return f"is-internal-link {state}"


def parse_path(raw: str, default_locale: str) -> tuple[str, str]:
    """``WIKI.models.pages.parsePath``: a URL path -> (locale, page path)."""
    raw = unquote(raw).strip()
    raw = raw.lstrip("/")
    if raw == "":
        raw = "home"
    raw = raw.replace("\\", "").replace("//", "")
    raw = re.sub(r"\.\.+", "", raw)
    parts = [p for p in raw.split("/") if p.strip() and p not in ("..", ".")]
    locale = default_locale
    if parts and len(parts[0]) == 1:
        parts.pop(0)
    if parts and _LOCALE_SEGMENT.match(parts[0]):
        locale = parts.pop(0)
    return locale, "/".join(parts)


def _slug(title: str, ctx: _Context) -> str:
    base = _SLUG_DROP.sub("", title.strip().lower()).strip().replace(" ", "-")
    base = re.sub(r"-{2,}", "-", base) or "section"
    count = ctx.slugs.get(base, 0)
    ctx.slugs[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def _toc(headings: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    """Nest headings the way Wiki.js builds ``toc`` (H1 roots, or H2 when there is no H1)."""
    strict = any(level == 1 for level, _, _ in headings)
    root: list[dict[str, Any]] = []
    for level, title, slug in headings:
        depth = level - (1 if strict else 2)
        if depth < 0:
            continue
        target = root
        broken = False
        for _ in range(depth):
            if not target:
                broken = True
                break
            target = target[-1]["children"]
        if broken:
            continue
        target.append({"title": title, "anchor": f"#{slug}", "children": []})
    return root
