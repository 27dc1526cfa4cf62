"""A small, rough Markdown -> HTML renderer standing in for Wiki.js's render pipeline.

It produces the same *kind* of output as Wiki.js (``toc-header`` headings with a ``¶``
anchor, ``is-internal-link``/``is-external-link`` classes, a table of contents and the
page's internal links) but is nowhere near a full CommonMark implementation: headings,
paragraphs, fenced code, lists, block quotes, rules, emphasis, code spans, links and
images. HTML pages are passed through; AsciiDoc gets a minimal treatment.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

_LOCALE_SEGMENT = re.compile(r"^[a-z]{2}(-[a-z]{2})?$", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)")
_HR = re.compile(r"^[ ]{0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?(.*)$")
_INLINE = re.compile(
    r"(?P<code>`+)(?P<codebody>.+?)(?P=code)"
    r"|!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]*)(?:\s+\"[^\"]*\")?\)"
    r"|\[(?P<text>[^\]]+)\]\((?P<href>[^)\s]*)(?:\s+\"[^\"]*\")?\)"
    r"|<(?P<auto>https?://[^>\s]+)>"
)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<![*\w])([*_])(?=\S)(.+?)(?<=\S)\1(?![*\w])")
_DEL = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
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
) -> Rendered:
    ctx = _Context(page_path, default_locale, page_exists)
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


def _render_markdown(content: str, ctx: _Context) -> str:
    lines = content.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    para: list[str] = []
    i = 0

    def flush() -> None:
        if para:
            out.append("<p>" + _inline("\n".join(s.strip() for s in para), ctx) + "</p>\n")
            para.clear()

    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            flush()
            marker, lang = fence.group(1), fence.group(2)
            body: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                body.append(lines[i])
                i += 1
            i += 1
            code = html.escape("\n".join(body) + ("\n" if body else ""), quote=False)
            cls = f' class="language-{html.escape(lang)}"' if lang else ""
            out.append(f'<pre class="prismjs line-numbers"><code{cls}>{code}</code></pre>\n')
            continue
        if not line.strip():
            flush()
            i += 1
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            level = len(heading.group(1))
            text = heading.group(2)
            title = _TAGS.sub("", _inline(text, ctx))
            slug = _slug(html.unescape(title), ctx)
            ctx.headings.append((level, html.unescape(title).strip(), slug))
            out.append(
                f'<h{level} id="{slug}" class="toc-header"><a class="toc-anchor" '
                f'href="#{slug}">¶</a> {_inline(text, ctx)}</h{level}>\n'
            )
            i += 1
            continue
        if _HR.match(line):
            flush()
            out.append("<hr>\n")
            i += 1
            continue
        if _QUOTE.match(line):
            flush()
            quoted: list[str] = []
            while i < len(lines) and (m := _QUOTE.match(lines[i])):
                quoted.append(m.group(1))
                i += 1
            out.append(
                "<blockquote>\n" + _render_markdown("\n".join(quoted), ctx) + "</blockquote>\n"
            )
            continue
        bullet = _BULLET.match(line)
        if bullet and not para:
            ordered = bullet.group(2)[0].isdigit()
            items: list[str] = []
            while i < len(lines) and (m := _BULLET.match(lines[i])):
                items.append(m.group(3))
                i += 1
                while i < len(lines) and lines[i].startswith((" ", "\t")) and lines[i].strip():
                    if _BULLET.match(lines[i]):
                        break
                    items[-1] += "\n" + lines[i].strip()
                    i += 1
            tag = "ol" if ordered else "ul"
            inner = "".join(f"<li>{_inline(item, ctx)}</li>\n" for item in items)
            out.append(f"<{tag}>\n{inner}</{tag}>\n")
            continue
        para.append(line)
        i += 1
    flush()
    return "".join(out)


def _inline(text: str, ctx: _Context) -> str:
    parts: list[str] = []
    pos = 0
    for match in _INLINE.finditer(text):
        parts.append(_emphasis(html.escape(text[pos : match.start()], quote=False)))
        pos = match.end()
        if match.group("code"):
            parts.append(
                f"<code>{html.escape(match.group('codebody').strip(), quote=False)}</code>"
            )
        elif match.group("src") is not None:
            src = html.escape(match.group("src"))
            parts.append(f'<img src="{src}" alt="{html.escape(match.group("alt"))}">')
        elif match.group("href") is not None:
            href = match.group("href")
            cls = _classify_link(href, ctx)
            label = _emphasis(html.escape(match.group("text"), quote=False))
            parts.append(f'<a href="{html.escape(href)}" class="{cls}">{label}</a>')
        else:
            url = html.escape(match.group("auto"))
            parts.append(f'<a href="{url}" class="is-external-link">{url}</a>')
    parts.append(_emphasis(html.escape(text[pos:], quote=False)))
    return "".join(parts).replace("  \n", "<br>\n")


def _emphasis(text: str) -> str:
    text = _STRONG.sub(r"<strong>\2</strong>", text)
    text = _DEL.sub(r"<s>\1</s>", text)
    return _EM.sub(r"<em>\2</em>", text)


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
