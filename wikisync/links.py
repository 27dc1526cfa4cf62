"""Links between files, and between files and assets.

In the content directory pages link to each other with relative file paths
(``../setup.md#docker``, ``[x]: ./img/a.png``, ``<a href="faq.html">``). In the wiki the
same links must be absolute wiki paths (``/en/handbook/setup#docker``) and asset URLs.
:func:`rewrite_links` does the first direction when files are loaded;
:func:`to_relative_links` does the inverse when wiki pages are written back to files.

What is rewritten, in Markdown: inline links and images ``[t](dest "title")``,
reference definitions ``[id]: dest``, and ``href``/``src`` attributes of raw HTML tags.
In HTML pages: every ``href``/``src`` attribute. Never rewritten: fenced code blocks,
inline code spans, HTML comments, and destinations that are external (a scheme such as
``http:`` or ``mailto:``), protocol-relative (``//host``), absolute (``/x``) or a bare
``#anchor``. Indented code blocks are not recognised (use fences for code with links).

A relative destination resolves against the linking file's folder:

* a page file (or a folder with ``index.md``, or a name without extension whose ``.md`` or
  ``.html`` file is a page) becomes ``/<locale>/<path>`` plus its ``?query`` and
  ``#fragment`` (the locale prefix is always written, also for the default locale);
* any other existing file is an asset: it is collected and its link goes through the
  ``asset_url`` function (by default :func:`default_asset_url`);
* a missing file, a page file that include/exclude leave out, or a path outside the
  content directory is a :class:`~wikisync.model.Problem` with the file and line.

Wiki.js stores an uploaded asset at ``/<folder slugs>/<file name>``: each folder slug is
the folder name run through the sanitize-filename rules and lowercased (the server does
this on ``assets.createFolder``: ``"Bad Slug/669512"`` became ``"bad slug669512"``), and the
file name is renamed the way uploads are (``wikijs.asset_filename``).
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
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
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
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
    """The result of :func:`rewrite_links`."""

    content: str
    assets: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()


# -- finding link destinations -------------------------------------------------------------


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` where links are not links: fenced code, code spans, comments."""
    spans: list[tuple[int, int]] = []
    offset = 0
    fence: tuple[str, int] | None = None
    fence_start = 0
    chunk_start = 0
    chunks: list[tuple[int, int]] = []
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\n")
        if fence is None:
            match = _FENCE_OPEN.match(stripped)
            if match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
                chunks.append((chunk_start, offset))
                fence = (match.group(1)[0], len(match.group(1)))
                fence_start = offset
        else:
            closing = stripped.strip()
            char, length = fence
            if (
                len(stripped) - len(stripped.lstrip(" ")) <= 3
                and len(closing) >= length
                and closing == char * len(closing)
            ):
                spans.append((fence_start, offset + len(line)))
                fence = None
                chunk_start = offset + len(line)
        offset += len(line)
    if fence is not None:
        spans.append((fence_start, len(text)))
    else:
        chunks.append((chunk_start, len(text)))
    for start, end in chunks:
        spans.extend(_code_and_comment_spans(text, start, end))
    spans.sort()
    return spans


def _code_and_comment_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    chunk = text[start:end]
    comments = [(m.start(), m.end()) for m in _HTML_COMMENT.finditer(chunk)]
    for a, b in comments:
        yield start + a, start + b
    position = 0
    while True:
        opening = _BACKTICKS.search(chunk, position)
        if opening is None:
            return
        if any(a <= opening.start() < b for a, b in comments):
            position = opening.end()
            continue
        width = len(opening.group(0))
        search_from = opening.end()
        while True:
            closing = _BACKTICKS.search(chunk, search_from)
            if closing is None or len(closing.group(0)) == width:
                break
            search_from = closing.end()
        if closing is None:
            position = opening.end()
            continue
        yield start + opening.start(), start + closing.end()
        position = closing.end()


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
            group = next(
                g for g in range(1, (match.lastindex or 0) + 1) if match.group(g) is not None
            )
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
    for start, end, destination in iter_link_destinations(content, html=html):
        replacement = destination
        target = destination.strip()
        if target and not _EXTERNAL.match(target):
            line = first_line + content.count("\n", 0, start)
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
) -> str:
    """Turn absolute wiki links in a page's content back into relative file links.

    The inverse of :func:`rewrite_links` for pages: ``pages`` maps ``(locale, path)`` of
    every page that has a file to that file (relative posix path). The page itself is
    ``(locale, page_path)``; its file is ``source`` or ``pages[(locale, page_path)]``.
    A link ``/<locale>/<path>`` (or ``/<path>``, meaning ``default_locale``) to a page in
    ``pages`` becomes a relative path with its query and fragment; every other link is
    left as it is.
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
            segments = unquote(raw_path).strip("/").split("/")
            if segments and segments[0] in known_locales:
                key = (segments[0], "/".join(segments[1:]))
            else:
                key = (fallback, "/".join(segments))
            file = pages.get(key)
            if file is None and key[1] == "":
                file = pages.get((key[0], "home"))
            if file is not None:
                replacement = posixpath.relpath(file, folder or ".") + suffix
        parts.append(content[position:start])
        parts.append(replacement)
        position = end
    parts.append(content[position:])
    return "".join(parts)
