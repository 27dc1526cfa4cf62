"""Links between files, and between files and assets.

In the content directory pages link to each other with relative file paths
(``../setup.md#docker``, ``[x]: ./img/a.png``, ``<a href="faq.html">``). In the wiki the
same links must be absolute wiki paths (``/en/handbook/setup#docker``) and asset URLs.
``rewrite_links`` does the first direction when files are loaded;
``to_relative_links`` does the inverse when wiki pages are written back to files.

What is rewritten, in Markdown: inline links and images ``[t](dest "title")``,
reference definitions ``[id]: dest``, and ``href``/``src`` attributes of raw HTML tags.
In HTML pages: every ``href``/``src`` attribute. Never rewritten: fenced code blocks,
inline code spans, HTML comments, and destinations that are external (a scheme such as
``http:`` or ``mailto:``), protocol-relative (``//host``), absolute (``/x``) or a bare
``#anchor``. Indented code blocks (four columns more than the text around them, after a
blank line; inside a list item, four more than the item's text) count as code too.

A relative destination resolves against the linking file's folder:

* a page file (or a folder with ``index.md``, or a name without extension whose ``.md`` or
  ``.html`` file is a page) becomes ``/<locale>/<path>`` plus its ``?query`` and
  ``#fragment`` (the locale prefix is always written, also for the default locale);
* any other existing file is an asset: it is collected and its link goes through the
  ``asset_url`` function (by default [`default_asset_url`][wikisync.links.default_asset_url]);
* a missing file, a page file that include/exclude leave out, or a path outside the
  content directory is a [`Problem`][wikisync.model.Problem] with the file and line.

Wiki.js stores an uploaded asset at ``/<folder slugs>/<file name>``: each folder slug is
the folder name run through the sanitize-filename rules and lowercased (the server does
this on ``assets.createFolder``: ``"Bad Slug/669512"`` became ``"bad slug669512"``), and the
file name is renamed the way uploads are (``wikijs.asset_filename``).
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from wikisync.model import Problem

__all__ = [
    "PAGE_EXTENSIONS",
    "LinkRewrite",
    "asset_folder_slug",
    "asset_location",
    "default_asset_url",
    "iter_link_destinations",
    "rewrite_links",
    "to_relative_links",
]

PAGE_EXTENSIONS: tuple[str, ...] = (".md", ".html")
"""File extensions that can be pages (compared case-insensitively)."""

_EXTERNAL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|/|#)")
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})(.*)$")
_LIST_ITEM = re.compile(r"^([-+*]|\d{1,9}[.)])([ \t]+|$)")
_ATX_HEADING = re.compile(r"^#{1,6}(?:[ \t]|$)")
_BLOCK_STARTS = frozenset("`~-+*#0123456789")  # first characters of the three patterns above
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BACKTICKS = re.compile(r"`+")
_INLINE_DEST = re.compile(r"\]\([ \t]*(?:<([^<>\n]*)>|((?:[^\s()<>]|\([^\s()]*\))+))")
_REFERENCE_DEF = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(?:<([^<>\n]*)>|(\S+))", re.MULTILINE)
_HTML_ATTR = re.compile(
    r"<[A-Za-z][A-Za-z0-9-]*\b[^<>]*?\s(?:href|src)\s*=\s*"
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


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` where links are not links: fenced and indented code, code spans,
    HTML comments."""
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
    return spans


def _code_and_comment_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """HTML comments and code spans of ``text[start:end]``, in linear time: each backtick
    run is looked at once, and its closing run (the next one of the same width) is found
    by bisection, not by scanning ahead from every opening."""
    chunk = text[start:end]
    comments = [(m.start(), m.end()) for m in _HTML_COMMENT.finditer(chunk)]
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


def iter_link_destinations(text: str, *, html: bool = False) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, destination)`` for every link destination outside code.

    ``start:end`` is the destination's span in ``text`` (without ``<>`` or quotes), in
    ascending order.
    """
    found: list[tuple[int, int, str]] = []
    if html:
        spans = [(m.start(), m.end()) for m in _HTML_COMMENT.finditer(text)]
        patterns: tuple[re.Pattern[str], ...] = (_HTML_ATTR,)
    else:
        spans = _protected_spans(text)
        patterns = (_INLINE_DEST, _REFERENCE_DEF, _HTML_ATTR)
    starts = [a for a, _ in spans]
    for pattern in patterns:
        for match in pattern.finditer(text):
            # The alternatives of each pattern are its only groups: the one that matched is
            # the last (and only) one set.
            group = match.lastindex or 0
            start, end = match.span(group)
            index = bisect_right(starts, start) - 1
            if index >= 0 and spans[index][0] <= start < spans[index][1]:
                continue
            found.append((start, end, match.group(group)))
    found.sort()
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
) -> LinkRewrite:
    """Turn relative links of the file ``source`` into wiki links.

    ``pages`` maps every page file (relative posix path) to its ``(locale, path)``.
    ``file_exists(rel)`` says whether a regular file exists inside the content directory;
    ``dir_exists`` likewise for folders. ``first_line`` is the file line ``content`` starts
    on, for problem lines.
    """
    folder = posixpath.dirname(source)
    parts: list[str] = []
    assets: set[str] = set()
    problems: list[Problem] = []
    position = 0
    lines = _LineCounter(content)
    for start, end, destination in iter_link_destinations(content, html=html):
        replacement = destination
        target = destination.strip()
        if target and not _EXTERNAL.match(target):
            line = first_line + lines.before(start)
            resolved = _resolve(target, folder, pages, asset_url, file_exists, dir_exists, assets)
            if isinstance(resolved, str):
                replacement = resolved
            else:
                code, message = resolved
                problems.append(Problem(source, line, message, code))
        parts.append(content[position:start])
        parts.append(replacement)
        position = end
    parts.append(content[position:])
    return LinkRewrite("".join(parts), tuple(sorted(assets)), tuple(problems))


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


def _resolve(
    target: str,
    folder: str,
    pages: Mapping[str, tuple[str, str]],
    asset_url: Callable[[str], str],
    file_exists: Callable[[str], bool],
    dir_exists: Callable[[str], bool] | None,
    assets: set[str],
) -> str | tuple[str, str]:
    raw_path, suffix = _split_destination(target)
    if not raw_path:  # "?x" - nothing to resolve
        return target
    rel = posixpath.normpath(posixpath.join(folder, unquote(raw_path)))
    if rel == ".." or rel.startswith("../"):
        return "link-outside", f"link {target!r} points outside the content directory"
    if rel == ".":
        rel = ""
    candidates: list[str] = []
    if raw_path.endswith("/") or not rel or (dir_exists is not None and dir_exists(rel)):
        base = f"{rel}/" if rel else ""
        candidates += [f"{base}index.md", f"{base}index.html"]
    candidates.append(rel)
    if not _is_page_file(rel):
        candidates += [f"{rel}.md", f"{rel}.html"]
    for candidate in candidates:
        key = pages.get(candidate)
        if key is not None:
            locale, path = key
            return f"/{locale}/{path}{suffix}" if path else f"/{locale}{suffix}"
    if rel and file_exists(rel):
        if _is_page_file(rel):
            return (
                "link-excluded",
                f"link {target!r} points to {rel}, which include/exclude leave out",
            )
        assets.add(rel)
        return asset_url(rel) + suffix
    return "broken-link", f"broken link {target!r}: no file {rel or '.'}"


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
