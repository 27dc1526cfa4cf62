"""Links between files, and between files and assets.

In the content directory pages link to each other with relative file paths
(``../setup.md#docker``, ``[x]: ./img/a.png``, ``<a href="faq.html">``). In the wiki the
same links must be absolute wiki paths (``/en/handbook/setup#docker``) and asset URLs.
``rewrite_links`` does the first direction when files are loaded;
``to_relative_links`` does the inverse when wiki pages are written back to files.

What is rewritten, in Markdown: inline links and images ``[t](dest "title")``,
reference definitions ``[id]: dest`` (not on a line that continues a paragraph: CommonMark
does not let a definition interrupt one), and ``href``/``src`` attributes of raw HTML tags.
In HTML pages: every ``href``/``src`` attribute. Never rewritten: fenced code blocks,
inline code spans, HTML comments, and destinations that are external (a scheme such as
``http:`` or ``mailto:``), protocol-relative (``//host``), absolute (``/x``) or a bare
``#anchor``. (A generator's ``LinkContext`` adds rules: site-absolute links naming a
page of the tree, Hugo ``ref`` shortcodes, folder pages other than ``index.md``, more
places a relative link resolves from.) Indented code blocks (four columns more than the text around them, after a
blank line; inside a list item, four more than the item's text) count as code too.

A relative destination resolves against the linking file's folder:

* a page file (or a folder with ``index.md``, or a name without extension whose ``.md`` or
  ``.html`` file is a page) becomes ``/<locale>/<path>`` plus its ``?query`` and
  ``#fragment`` (the locale prefix is always written, also for the default locale);
* any other existing file is an asset: it is collected and its link goes through the
  ``asset_url`` function (by default [`default_asset_url`][wikisync.local.markdown.links.default_asset_url]);
* a missing file, a page file that include/exclude leave out, or a path outside the
  content directory is a [`Problem`][wikisync.plan.model.Problem] with the file and line.

Wiki.js stores an uploaded asset at ``/<folder slugs>/<file name>``: each folder slug is
the folder name run through the sanitize-filename rules and lowercased (the server does
this on ``assets.createFolder``: ``"Bad Slug/669512"`` became ``"bad slug669512"``), and the
file name is renamed the way uploads are (``wikijs.asset_filename``).

It is one module because both directions (files -> wiki paths and back) must agree exactly
on what a link is and where it points; keeping them together keeps them inverse.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from wikisync.plan.model import Problem, Severity

__all__ = [
    "LINK_CODES",
    "PAGE_EXTENSIONS",
    "LinkContext",
    "LinkRewrite",
    "asset_folder_slug",
    "asset_location",
    "code_block_spans",
    "code_spans",
    "default_asset_url",
    "html_comment_spans",
    "iter_link_destinations",
    "rewrite_links",
    "to_relative_links",
]

PAGE_EXTENSIONS: tuple[str, ...] = (".md", ".html")
"""File extensions that can be pages (compared case-insensitively)."""

LINK_CODES: frozenset[str] = frozenset(
    {"broken-link", "link-excluded", "link-outside", "site-link", "template-link"}
)
"""Problem codes of links left as written because they name nothing usable."""

# A template holds no braces: the lazy body stops at the next one, so many unclosed
# "{{" on a line cost one scan each to the next brace, not to the end of the line.
_TEMPLATE = r"(?:\{\{[^{}\n]*?\}\}|\{%[^{}\n]*?%\})"
_TEMPLATE_DEST = re.compile(r"\]\([ \t]*(" + _TEMPLATE + r"(?:" + _TEMPLATE + r"|[^\s(){}])*)")
"""An inline link's target that starts with template syntax: a Hugo shortcode
(``{{< ref "x" >}}``) or Liquid (``{% link x.md %}``, ``{{ site.baseurl }}/x/``)."""
_TEMPLATE_REF_DEF = re.compile(
    r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(" + _TEMPLATE + r"(?:" + _TEMPLATE + r"|[^\s{}])*)",
    re.MULTILINE,
)
"""A reference definition whose target starts with template syntax
(``[x]: {% link x.md %}``)."""
_REF_SHORTCODE = re.compile(
    r"^\{\{[<%]\s*(?:rel)?ref\s+(?:\"([^\"]*)\"|'([^']*)'|(\S+?))\s*[>%]\}\}$"
)
_LIQUID_SITE = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
"""``{{ site.baseurl }}`` / ``{{ site.url }}``: Jekyll's prefix of a site-absolute path."""
_LIQUID_TAG = re.compile(
    r"^\{%-?\s*(link|post_url)\s+(?:\"([^\"]*)\"|'([^']*)'|(\S+?))\s*-?%\}(.*)$"
)
_LIQUID_FILTER = re.compile(
    r"^\{\{-?\s*(?:\"([^\"]*)\"|'([^']*)')\s*\|\s*(?:relative_url|absolute_url)\s*-?\}\}(.*)$"
)


@dataclass(frozen=True)
class LinkContext:
    """How a generator resolves links (its flavor's rules), and the tree's pages.

    ``index_names`` (and ``folder_named_index``) name a folder's page; ``extensions`` are
    page file extensions; ``bases`` where relative links resolve from, in order (``file``:
    the file's folder; ``url``: the page's URL folder, one deeper for a page that is not a
    folder's page; ``root``: the locale's top folder). ``site_links``: a site-absolute link
    (``/docs/x/``) naming a page or file of the tree is rewritten, one naming nothing is a
    ``site-link`` warning; ``url_prefix`` is dropped from such links first. With
    ``template_links``, Hugo's ``ref``/``relref`` shortcodes as link targets resolve like
    a relative link, other template syntax in a target is a ``template-link`` warning.
    ``site_pages`` maps ``(locale, site path)`` (the path below ``root``) to page files
    (with ``site_links``, a relative link may also name one by that path: a doc id);
    ``lowercase`` says the site lowercases its URLs; ``suggest(rel)`` names a file a
    broken link probably meant.
    """

    index_names: tuple[str, ...] = ("index",)
    folder_named_index: bool = False
    extensions: tuple[str, ...] = PAGE_EXTENSIONS
    bases: tuple[str, ...] = ("file",)
    site_links: bool = False
    template_links: bool = False
    url_prefix: str = ""
    locales: tuple[str, ...] = ()
    default_locale: str = "en"
    site_pages: Mapping[tuple[str, str], str] = field(default_factory=dict)
    lowercase: bool = False
    suggest: Callable[[str], str | None] | None = None
    by_name: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Page files by their name without extension (Hugo's ``ref`` finds a page by it)."""
    left_out: Mapping[str, str] = field(default_factory=dict)
    """Files the site does not publish, with why: a link to one is left as written, with
    a ``link-excluded`` warning."""

    def locale_root(self, rel: str) -> tuple[str, str]:
        """``(locale, top folder)`` of the file ``rel``: its locale folder, or ``""``."""
        first = rel.split("/", 1)[0]
        if "/" in rel and first in self.locales:
            return first, first
        return self.default_locale, ""


_DEFAULT_CONTEXT = LinkContext()

_EXTERNAL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|/|#)")
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^([-+*]|\d{1,9}[.)])([ \t]+|$)")
_ATX_HEADING = re.compile(r"^#{1,6}(?:[ \t]|$)")
_BLOCK_STARTS = frozenset("`~-+*#0123456789")  # first characters of the three patterns above
_COMMENT_OPEN = "<!--"
_COMMENT_CLOSE = "-->"
_BACKTICKS = re.compile(r"`+")
_INLINE_DEST = re.compile(r"\]\([ \t]*(?:<([^<>\n]*)>|((?:[^\s()<>]|\([^\s()]*\))+))")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(?:<([^<>\n]*)>|(\S+))", re.MULTILINE)
_HTML_ATTR = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*(?![A-Za-z0-9-])[^<>]*?\s(?:href|src)\s*=\s*"
    r"(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'<>`=]+))",
    re.IGNORECASE,
)

# sanitize-filename (used by Wiki.js for asset folder slugs)
_SANITIZE_ILLEGAL = re.compile(r'[/?<>\\:*|"]')
_SANITIZE_CONTROL = re.compile(r"[\x00-\x1f\x80-\x9f]")
_SANITIZE_RESERVED = re.compile(r"^\.+$")
_SANITIZE_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.I)
_SANITIZE_WINDOWS_TRAILING = re.compile(r"[. ]+$")


@dataclass(frozen=True)
class LinkRewrite:
    """The result of ``rewrite_links``."""

    content: str
    assets: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


# -- finding link destinations -------------------------------------------------------------


def _indent_width(line: str) -> int:
    """Columns of leading whitespace (tabs advance to the next multiple of 4)."""
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


class _BlockScanner:
    """Finds fenced and indented code blocks line by line, the CommonMark way.

    Indentation counts from the content column of the list item a line belongs to, so
    a list item's continuation paragraphs are not code, while a block indented four more
    columns inside the item is.
    """

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self.fence: tuple[str, int, int] | None = None  # char, length, base column
        self.fence_start = 0
        self.code: tuple[int, int] | None = None  # indented code: start, end so far
        self.blank_before = True
        self.in_paragraph = False
        self.item_column = 0
        self.continuations: set[int] = set()  # offsets of lines that continue a paragraph

    def line(self, offset: int, line: str) -> None:
        text = line.rstrip("\n")
        if self.fence is not None:
            char, length, base = self.fence
            if char * 3 not in text:
                return  # a closing fence has at least three of the opening characters
            indent = _indent_width(text)
            closing = text.strip()
            if indent - base <= 3 and len(closing) >= length and closing == char * len(closing):
                self.spans.append((self.fence_start, offset + len(line)))
                self.fence = None
            return
        if not text.strip():
            self.blank_before = True
            self.in_paragraph = False
            return
        indent = _indent_width(text) if text[0] in " \t" else 0
        if self.item_column and indent < self.item_column and self.blank_before:
            self.item_column = 0  # the list item ended
        relative = indent - self.item_column if indent >= self.item_column else indent
        if self.code is not None:
            if relative >= 4:
                self.code = (self.code[0], offset + len(line))
                self.blank_before = False
                return
            self.spans.append(self.code)
            self.code = None
        if relative >= 4 and not self.in_paragraph:
            self.code = (offset, offset + len(line))
            self.blank_before = False
            return
        body = text.lstrip(" \t")
        if body[0] not in _BLOCK_STARTS:  # not a fence, list item or heading: paragraph text
            if self.in_paragraph:
                self.continuations.add(offset)
            elif relative <= 3 and _REFERENCE_DEF.match(body):
                # A link reference definition starts no paragraph (more may follow).
                self.blank_before = False
                return
            self.in_paragraph = True
            self.blank_before = False
            return
        fence = _FENCE_OPEN.match(body)
        if fence and relative <= 3 and not (fence.group(1)[0] == "`" and "`" in fence.group(2)):
            self.fence = (fence.group(1)[0], len(fence.group(1)), indent)
            self.fence_start = offset
            self.in_paragraph = False
            self.blank_before = False
            return
        item = _LIST_ITEM.match(body)
        if item and relative <= 3:
            gap = len(item.group(2))
            marker = len(item.group(1)) + (gap if 1 <= gap <= 4 else 1)
            self.item_column = indent + marker
            self.in_paragraph = bool(body[len(item.group(0)) :].strip())
        else:
            self.in_paragraph = not _ATX_HEADING.match(body)
        self.blank_before = False

    def finish(self, end: int) -> list[tuple[int, int]]:
        if self.fence is not None:
            self.spans.append((self.fence_start, end))
        if self.code is not None:
            self.spans.append(self.code)
        return sorted(self.spans)


def _protected_spans(text: str) -> tuple[list[tuple[int, int]], set[int]]:
    """Spans of ``text`` where links are not links (fenced and indented code, code spans,
    HTML comments), and the offsets of lines that continue a paragraph."""
    scanner = _BlockScanner()
    offset = 0
    for line in text.splitlines(keepends=True):
        scanner.line(offset, line)
        offset += len(line)
    blocks = scanner.finish(len(text))
    spans = list(blocks)
    position = 0
    for start, end in [*blocks, (len(text), len(text))]:
        if start > position:
            spans.extend(_code_and_comment_spans(text, position, start))
        position = max(position, end)
    spans.sort()
    return spans, scanner.continuations


def code_spans(text: str) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` spans of Markdown ``text`` that are code or comment: fenced
    and indented code blocks, inline code spans, HTML comments (what links skip)."""
    return _protected_spans(text)[0]


def code_block_spans(text: str) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` spans of the fenced and indented code blocks of ``text``."""
    scanner = _BlockScanner()
    offset = 0
    for line in text.splitlines(keepends=True):
        scanner.line(offset, line)
        offset += len(line)
    return scanner.finish(len(text))


def html_comment_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each HTML comment (``<!-- ... -->``) of ``text``, in one pass:
    after an opening without a closing, no later opening can close either."""
    spans: list[tuple[int, int]] = []
    position = 0
    while True:
        opening = text.find(_COMMENT_OPEN, position)
        if opening < 0:
            return spans
        closing = text.find(_COMMENT_CLOSE, opening + len(_COMMENT_OPEN))
        if closing < 0:
            return spans
        position = closing + len(_COMMENT_CLOSE)
        spans.append((opening, position))


def _code_and_comment_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """HTML comments and code spans of ``text[start:end]``, in linear time: each backtick
    run is looked at once, and its closing run (the next one of the same width) is found
    by bisection, not by scanning ahead from every opening."""
    chunk = text[start:end]
    comments = html_comment_spans(chunk)
    for a, b in comments:
        yield start + a, start + b
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(chunk)]
    by_width: dict[int, list[int]] = defaultdict(list)  # run indexes of each width
    for index, (a, b) in enumerate(runs):
        by_width[b - a].append(index)
    comment = 0
    index = 0
    while index < len(runs):
        opening, opening_end = runs[index]
        while comment < len(comments) and comments[comment][1] <= opening:
            comment += 1
        if comment < len(comments) and comments[comment][0] <= opening:
            index += 1  # a backtick inside a comment opens nothing
            continue
        same = by_width[opening_end - opening]
        later = bisect_right(same, index)
        if later == len(same):
            index += 1  # no closing run: the backticks are literal
            continue
        closing = same[later]
        yield start + opening, start + runs[closing][1]
        index = closing + 1


def iter_link_destinations(
    text: str, *, html: bool = False, templates: bool = False
) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, destination)`` for every link destination outside code.

    ``start:end`` is the destination's span in ``text`` (without ``<>`` or quotes), in
    ascending order. ``templates`` also finds ``{{< ... >}}`` / ``{{% ... %}}`` used as
    an inline link's target.
    """
    found: list[tuple[int, int, str]] = []
    continuations: set[int] = set()
    if html:
        spans = html_comment_spans(text)
        patterns: tuple[re.Pattern[str], ...] = (_HTML_ATTR,)
    else:
        spans, continuations = _protected_spans(text)
        patterns = (_INLINE_DEST, _REFERENCE_DEF, _HTML_ATTR)
        if templates:
            patterns = (_TEMPLATE_DEST, _TEMPLATE_REF_DEF, *patterns)
    starts = [a for a, _ in spans]
    for pattern in patterns:
        for match in pattern.finditer(text):
            if pattern in (_REFERENCE_DEF, _TEMPLATE_REF_DEF) and match.start() in continuations:
                continue  # CommonMark: a definition cannot interrupt a paragraph
            # The alternatives of each pattern are its only groups: the one that matched is
            # the last (and only) one set.
            group = match.lastindex or 0
            start, end = match.span(group)
            index = bisect_right(starts, start) - 1
            if index >= 0 and spans[index][0] <= start < spans[index][1]:
                continue
            found.append((start, end, match.group(group)))
    found.sort(key=lambda item: (item[0], -item[1]))
    previous_end = -1
    for start, end, destination in found:
        if start >= previous_end:  # one destination matched by two patterns counts once
            yield start, end, destination
            previous_end = end


def _split_destination(destination: str) -> tuple[str, str]:
    """``"a/b.md?x=1#y"`` -> ``("a/b.md", "?x=1#y")``."""
    cut = len(destination)
    for mark in ("?", "#"):
        index = destination.find(mark)
        if index != -1:
            cut = min(cut, index)
    return destination[:cut], destination[cut:]


def _is_page_file(rel: str) -> bool:
    return rel.lower().endswith(PAGE_EXTENSIONS)


# -- files -> wiki ---------------------------------------------------------------------------


def rewrite_links(
    content: str,
    *,
    source: str,
    pages: Mapping[str, tuple[str, str]],
    asset_url: Callable[[str], str],
    file_exists: Callable[[str], bool],
    dir_exists: Callable[[str], bool] | None = None,
    html: bool = False,
    first_line: int = 1,
    context: LinkContext | None = None,
    is_index: bool = False,
) -> LinkRewrite:
    """Turn relative links of the file ``source`` into wiki links.

    ``pages`` maps every page file (relative posix path) to its ``(locale, path)``.
    ``file_exists(rel)`` says whether a regular file exists inside the content directory;
    ``dir_exists`` likewise for folders. ``first_line`` is the file line ``content`` starts
    on, for problem lines. ``context`` holds the generator's link rules (default: Wiki.js's
    own); ``is_index`` says ``source`` is its folder's page.
    """
    ctx = context or _DEFAULT_CONTEXT
    resolver = _Resolver(ctx, source, is_index, pages, asset_url, file_exists, dir_exists)
    parts: list[str] = []
    problems: list[Problem] = []
    position = 0
    lines = _LineCounter(content)
    for start, end, destination in iter_link_destinations(
        content, html=html, templates=ctx.template_links
    ):
        replacement = destination
        target = destination.strip()
        resolved = resolver.resolve(target)
        if resolved is not None:
            if isinstance(resolved, str):
                replacement = resolved
            else:
                code, message, severity = resolved
                line = first_line + lines.before(start)
                problems.append(Problem(source, line, message, code, severity))
        parts.append(content[position:start])
        parts.append(replacement)
        position = end
    parts.append(content[position:])
    return LinkRewrite("".join(parts), tuple(sorted(resolver.assets)), tuple(problems))


class _LineCounter:
    """Line numbers of ascending offsets, counting each newline once (not from the start
    for every link): the cost of a page is linear in its length, whatever its links."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.newlines = 0

    def before(self, offset: int) -> int:
        """How many newlines come before ``offset`` (offsets must not decrease)."""
        if offset < self.offset:  # never happens for iter_link_destinations; stay correct
            self.offset = self.newlines = 0
        self.newlines += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.newlines


_Outcome = str | tuple[str, str, Severity] | None


class _Resolver:
    """Resolves the link targets of one file (see ``LinkContext``)."""

    def __init__(
        self,
        ctx: LinkContext,
        source: str,
        is_index: bool,
        pages: Mapping[str, tuple[str, str]],
        asset_url: Callable[[str], str],
        file_exists: Callable[[str], bool],
        dir_exists: Callable[[str], bool] | None,
    ) -> None:
        self.ctx = ctx
        self.source = source
        self.pages = pages
        self.asset_url = asset_url
        self.file_exists = file_exists
        self.dir_exists = dir_exists
        self.assets: set[str] = set()
        folder = posixpath.dirname(source)
        self.locale, self.root = ctx.locale_root(source)
        bases: list[str] = []
        for kind in ctx.bases:
            if kind == "file":
                base = folder
            elif kind == "url":
                stem = _strip_extension(posixpath.basename(source), ctx.extensions)
                base = folder if is_index else posixpath.join(folder, stem)
            else:
                base = self.root
            if base not in bases:
                bases.append(base)
        self.bases = bases or [folder]

    def resolve(self, target: str) -> _Outcome:
        """A replacement link, a ``(code, message, severity)`` problem, or ``None`` (leave
        the target as it is)."""
        if not target:
            return None
        if self.ctx.template_links and ("{{" in target or "{%" in target):
            return self._template(target)
        if target.startswith("/") and not target.startswith("//"):
            return self._site(target) if self.ctx.site_links else None
        if _EXTERNAL.match(target):
            return None
        return self._relative(target, self.bases)

    def _page_link(self, rel: str, suffix: str) -> str:
        locale, path = self.pages[rel]
        return f"/{locale}/{path}{suffix}" if path else f"/{locale}{suffix}"

    def _candidates(self, rel: str, folder_like: bool) -> list[str]:
        ctx = self.ctx
        out: list[str] = []
        if folder_like or not rel or (self.dir_exists is not None and self.dir_exists(rel)):
            prefix = f"{rel}/" if rel else ""
            names = list(ctx.index_names)
            if ctx.folder_named_index and rel:
                names.append(posixpath.basename(rel))
            out += [f"{prefix}{name}{ext}" for name in names for ext in ctx.extensions]
        out.append(rel)
        if not _has_extension(rel, ctx.extensions):
            out += [f"{rel}{ext}" for ext in ctx.extensions]
        return out

    def _find_page(self, rel: str, folder_like: bool) -> str | None:
        for candidate in self._candidates(rel, folder_like):
            if candidate in self.pages:
                return candidate
        if self.ctx.site_links:
            # A doc id or a slug: the page's path below root, within its locale.
            locale, root = self.ctx.locale_root(rel) if "/" in rel else (self.locale, "")
            inner = rel[len(root) + 1 :] if root and rel.startswith(root + "/") else rel
            inner = _strip_extension(inner, self.ctx.extensions)
            if self.ctx.lowercase:
                inner = inner.lower()
            for loc in (locale, self.locale):
                hit = self.ctx.site_pages.get((loc, inner))
                if hit is not None:
                    return hit
        return None

    def _relative(self, target: str, bases: list[str]) -> _Outcome:
        raw_path, suffix = _split_destination(target)
        if not raw_path:  # "?x" - nothing to resolve
            return None
        path = unquote(raw_path)
        folder_like = raw_path.endswith("/")
        first: str | None = None
        for base in bases:
            rel = posixpath.normpath(posixpath.join(base, path))
            if rel == ".." or rel.startswith("../"):
                continue
            if rel == ".":
                rel = ""
            if first is None:
                first = rel
            page = self._find_page(rel, folder_like)
            if page is not None:
                return self._page_link(page, suffix)
            if rel and self.file_exists(rel):
                reason = self.ctx.left_out.get(rel)
                if reason is not None:
                    return (
                        "link-excluded",
                        f"link {target!r} points to {rel}, which the site does not publish "
                        f"({reason}): left as written",
                        "warning",
                    )
                if _has_extension(rel, self.ctx.extensions):
                    return (
                        "link-excluded",
                        f"link {target!r} points to {rel}, which include/exclude leave out",
                        "error",
                    )
                self.assets.add(rel)
                return self.asset_url(rel) + suffix
        if first is None:
            return (
                "link-outside",
                f"link {target!r} points outside the content directory",
                "error",
            )
        message = f"broken link {target!r}: no file {first or '.'}"
        hint = self.ctx.suggest(first) if self.ctx.suggest and first else None
        if hint:
            message += f"; did you mean {hint}?"
        return "broken-link", message, "error"

    def _site(self, target: str) -> _Outcome:
        ctx = self.ctx
        raw_path, suffix = _split_destination(target)
        segments = [s for s in unquote(raw_path).split("/") if s]
        locale = ctx.default_locale
        if segments and segments[0] in ctx.locales:
            locale = segments.pop(0)
        prefix = [s for s in ctx.url_prefix.split("/") if s]
        if prefix and segments[: len(prefix)] == prefix:
            segments = segments[len(prefix) :]
        inner = _strip_extension("/".join(segments), ctx.extensions)
        key = inner.lower() if ctx.lowercase else inner
        # A generator that serves pages as ``.html`` (VitePress without cleanUrls) names
        # them that way too.
        served = key[: -len(".html")] if key.lower().endswith(".html") else key
        for loc in dict.fromkeys((locale, self.locale)):
            hit = ctx.site_pages.get((loc, key)) or ctx.site_pages.get((loc, served))
            if hit is not None:
                return self._page_link(hit, suffix)
        root = locale if locale in ctx.locales else ""
        for rel in dict.fromkeys(("/".join(p for p in (root, inner) if p), inner)):
            if rel and self.file_exists(rel) and not _has_extension(rel, ctx.extensions):
                self.assets.add(rel)
                return self.asset_url(rel) + suffix
        return (
            "site-link",
            f"link {target!r} names no page or file of this tree: left as written, it will "
            "not work in the wiki",
            "warning",
        )

    def _liquid(self, target: str) -> tuple[bool, _Outcome]:
        """Jekyll's link tags and URL filters as a link target: ``(True, outcome)``, or
        ``(False, None)`` when the target is other template syntax."""
        plain = _LIQUID_SITE.sub("", target).strip()
        tag = _LIQUID_TAG.match(plain)
        if tag is not None:
            name = next(g for g in tag.groups()[1:4] if g is not None)
            rest = tag.group(5)
            if tag.group(1) == "link":
                return True, self._relative(name.lstrip("/") + rest, [self.root])
            return True, self._post(name, rest)
        url = _LIQUID_FILTER.match(plain)
        if url is not None:
            plain = next(g for g in url.groups()[:2] if g is not None) + url.group(3)
        if "{{" in plain or "{%" in plain:
            return False, None
        if plain.startswith("/"):
            return True, self._site(plain)
        return True, self._relative(plain, self.bases) if plain else None

    def _post(self, name: str, suffix: str) -> _Outcome:
        """``{% post_url 2024-01-05-hello %}``: the post of that file name."""
        wanted = posixpath.basename(name)
        matches = [
            rel
            for rel in self.ctx.by_name.get(wanted, ())
            if rel in self.pages and "_posts/" in f"/{rel}"
        ]
        if len(matches) == 1:
            return self._page_link(matches[0], suffix)
        return "broken-link", f"broken link: no post {name!r} in _posts", "error"

    def _template(self, target: str) -> _Outcome:
        is_liquid, outcome = self._liquid(target)
        if is_liquid:
            return outcome
        ref = _REF_SHORTCODE.match(target)
        if ref is None:
            return (
                "template-link",
                f"link target {target!r} is template syntax: left as written, it will show as text",
                "warning",
            )
        name = next(g for g in ref.groups() if g is not None)
        if name.startswith("/"):
            found = self._relative(name.lstrip("/") or "./", [self.root])
        else:
            found = self._relative(name, [*self.bases, self.root])
        if isinstance(found, str) or found is None:
            return found
        # Hugo also finds a page by its file name alone.
        path, suffix = _split_destination(name)
        wanted = _strip_extension(posixpath.basename(path.rstrip("/")), self.ctx.extensions)
        matches = [
            rel
            for rel in self.ctx.by_name.get(wanted, ())
            if rel in self.pages and self.ctx.locale_root(rel)[0] == self.locale
        ]
        if len(matches) == 1:
            return self._page_link(matches[0], suffix)
        return found


def _has_extension(rel: str, extensions: tuple[str, ...]) -> bool:
    return rel.lower().endswith(extensions)


def _strip_extension(name: str, extensions: tuple[str, ...]) -> str:
    lower = name.lower()
    for extension in extensions:
        if lower.endswith(extension):
            return name[: -len(extension)]
    return name


def asset_folder_slug(name: str) -> str:
    """The slug Wiki.js gives an asset folder created with ``name`` (sanitized, lowercased)."""
    slug = _SANITIZE_ILLEGAL.sub("", name)
    slug = _SANITIZE_CONTROL.sub("", slug)
    slug = _SANITIZE_RESERVED.sub("", slug)
    slug = _SANITIZE_WINDOWS_RESERVED.sub("", slug)
    slug = _SANITIZE_WINDOWS_TRAILING.sub("", slug)
    encoded = slug.encode("utf-8")[:255]
    return encoded.decode("utf-8", errors="ignore").lower()


def asset_location(rel_path: str, folder: str) -> tuple[tuple[str, ...], str]:
    """Where the asset file ``rel_path`` is uploaded: ``(folder slugs, file name)``.

    ``folder`` is the configured ``assets.folder`` ("" = the asset root); the file's own
    folders follow it.
    """
    from wikijs import asset_filename  # the server's upload renaming rule

    *dirs, name = rel_path.split("/")
    names = [p for p in folder.strip("/").split("/") if p] + dirs
    return tuple(asset_folder_slug(n) for n in names), asset_filename(name)


def default_asset_url(rel_path: str, folder: str) -> str:
    """The URL of the uploaded asset ``rel_path``: ``/<folder slugs>/<file name>``."""
    slugs, filename = asset_location(rel_path, folder)
    return "/" + "/".join((*slugs, filename)).replace(" ", "%20")


# -- wiki -> files ---------------------------------------------------------------------------

_LINK_UNSAFE = re.compile(r"[%\s()<>\x00-\x1f\x7f]")


def _link_path(rel: str) -> str:
    """A relative file path as a link destination: characters that would end or break
    the destination are percent-encoded (what ``rewrite_links`` decodes)."""
    return _LINK_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), rel)


def to_relative_links(
    content: str,
    page_path: str,
    locale: str,
    *,
    pages: Mapping[tuple[str, str], str],
    locales: Collection[str] = (),
    default_locale: str | None = None,
    source: str | None = None,
    html: bool = False,
    assets: Mapping[str, str] | None = None,
) -> str:
    """Turn absolute wiki links in a page's content back into relative file links.

    The inverse of ``rewrite_links``: ``pages`` maps ``(locale, path)`` of every page
    that has a file to that file (relative posix path); ``assets`` maps served asset
    paths (``handbook/img/a.png``, no leading ``/``) to their files. The page itself is
    ``(locale, page_path)``; its file is ``source`` or ``pages[(locale, page_path)]``.
    A link to a known asset, or ``/<locale>/<path>`` (or ``/<path>``, meaning
    ``default_locale``) to a page in ``pages``, becomes a relative path with its query and
    fragment; every other link is left as it is.
    """
    own = source if source is not None else pages.get((locale, page_path))
    if own is None:
        raise KeyError(f"no file for page {locale}/{page_path}")
    folder = posixpath.dirname(own)
    known_locales = {*locales, locale, *(k[0] for k in pages)}
    fallback = default_locale or locale
    parts: list[str] = []
    position = 0
    for start, end, destination in iter_link_destinations(content, html=html):
        replacement = destination
        target = destination.strip()
        if target.startswith("/") and not target.startswith("//"):
            raw_path, suffix = _split_destination(target)
            asset_file = (assets or {}).get(unquote(raw_path).strip("/"))
            if asset_file is not None:
                parts.append(content[position:start])
                parts.append(_link_path(posixpath.relpath(asset_file, folder or ".")) + suffix)
                position = end
                continue
            segments = unquote(raw_path).strip("/").split("/")
            if segments and segments[0] in known_locales:
                key = (segments[0], "/".join(segments[1:]))
            else:
                key = (fallback, "/".join(segments))
            file = pages.get(key)
            if file is None and key[1] == "":
                file = pages.get((key[0], "home"))
            if file is not None:
                replacement = _link_path(posixpath.relpath(file, folder or ".")) + suffix
        parts.append(content[position:start])
        parts.append(replacement)
        position = end
    parts.append(content[position:])
    return "".join(parts)
