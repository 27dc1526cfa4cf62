"""Links between files, and between files and assets.

In the content directory pages link to each other with relative file paths
(``../setup.md#docker``, ``[x]: ./img/a.png``, ``<a href="faq.html">``). In the wiki the
same links must be absolute wiki paths (``/en/handbook/setup#docker``) and asset URLs.
``rewrite_links`` does the first direction when files are loaded;
``to_relative_links`` does the inverse when wiki pages are written back to files.

What is rewritten is what one Markdown parse finds
([`wikisync.local.markdown.parse`][wikisync.local.markdown.parse], read like Wiki.js
reads it): destinations of inline links and images ``[t](dest "title")`` (also with
Wiki.js's image size, ``=100x``), of reference definitions ``[id]: dest`` (also with the
destination on the next line), and ``href``/``src`` attributes of HTML tags, wherever
the block sits (list items and their indented continuation, quotes, footnotes, tables).
In HTML pages: every ``href``/``src`` attribute. Never rewritten: code blocks (fenced or
indented), code spans, math, HTML comments, and destinations that are external (a scheme
such as ``http:`` or ``mailto:``), protocol-relative (``//host``), absolute (``/x``) or
a bare ``#anchor``. (A generator's ``LinkContext`` adds rules: site-absolute links naming
a page or a file of its static folders, Hugo ``ref`` shortcodes, folder pages other than
``index.md``, more places a relative link resolves from.) A rewrite replaces only the
destination's characters: the rest of the file stays byte for byte.

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
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from wikisync.local.markdown.parse import (
    MarkdownScan,
    html_comment_spans,
    html_destinations,
    merged_destinations,
    scan_markdown,
)
from wikisync.plan.model import Problem, Severity

__all__ = [
    "LINK_CODES",
    "PAGE_EXTENSIONS",
    "LinkContext",
    "LinkRewrite",
    "asset_folder_slug",
    "asset_location",
    "code_block_lines",
    "code_block_spans",
    "code_spans",
    "default_asset_url",
    "html_comment_spans",
    "html_comment_spans",
    "iter_link_destinations",
    "rewrite_links",
    "to_relative_links",
]

PAGE_EXTENSIONS: tuple[str, ...] = (".md", ".html")
"""File extensions that can be pages (compared case-insensitively)."""

LINK_CODES: frozenset[str] = frozenset(
    {"broken-link", "broken-ref", "link-excluded", "link-outside", "site-link", "template-link"}
)
"""Problem codes of links left as written because they name nothing usable."""

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
    static_roots: tuple[str, ...] = ()
    """Folders the site serves files from at their path, relative to the content
    directory (``""``: the directory itself; ``../static`` beside it): a site-absolute
    link (``/img/a.png``) naming a file there is an asset."""
    static_file: Callable[[str], bool] | None = None
    """Whether a file of a static folder outside the content directory exists."""
    containers: tuple[str, ...] = ()
    """Markers of blocks whose indented body is Markdown (``Flavor.containers``)."""
    ref_lookup: Callable[[str, str], tuple[str | None, str]] | None = None
    """``ref_lookup(source, path)``: the page file a ``ref``/``relref`` target written in
    ``source`` names, or ``(None, why)`` (``Flavor.ref_index``); ``None``: such a target
    resolves like a relative link."""

    def locale_root(self, rel: str) -> tuple[str, str]:
        """``(locale, top folder)`` of the file ``rel``: its locale folder, or ``""``."""
        first = rel.split("/", 1)[0]
        if "/" in rel and first in self.locales:
            return first, first
        return self.default_locale, ""


_DEFAULT_CONTEXT = LinkContext()

_EXTERNAL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|/|#)")

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
    edits: tuple[tuple[int, int, str], ...] = ()
    """The replacements made, ``(start, end, new text)`` in the input, ascending."""


# -- finding link destinations -------------------------------------------------------------


class _LineEnds:
    """A text with ``\r\n`` or ``\r`` line ends seen as ``\n`` text, and offsets of that
    view mapped back (the parser reads ``\n`` line ends only)."""

    def __init__(self, text: str) -> None:
        self.removed: list[int] = []  # view offsets just after a dropped "\r"
        if "\r" not in text:
            self.view = text
            return
        parts: list[str] = []
        position = 0
        shift = 0
        for match in re.finditer(r"\r\n?", text):
            parts.append(text[position : match.start()])
            parts.append("\n")
            if match.group(0) == "\r\n":
                self.removed.append(match.start() - shift)
                shift += 1
            position = match.end()
        parts.append(text[position:])
        self.view = "".join(parts)

    def start(self, offset: int) -> int:
        return offset + bisect_right(self.removed, offset)

    def end(self, offset: int) -> int:
        return offset + bisect_left(self.removed, offset)


def _code_spans(text: str, blocks_only: bool) -> list[tuple[int, int]]:
    ends = _LineEnds(text)
    found = scan_markdown(ends.view)
    spans = found.code_blocks if blocks_only else found.code
    return [(ends.start(a), ends.end(b)) for a, b in spans]


def code_spans(text: str) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` spans of Markdown ``text`` that are code or comment: fenced
    and indented code blocks, inline code spans, HTML comments (what links skip)."""
    return _code_spans(text, blocks_only=False)


def code_block_spans(text: str) -> list[tuple[int, int]]:
    """Sorted ``(start, end)`` spans of the fenced and indented code blocks of ``text``."""
    return _code_spans(text, blocks_only=True)


def code_block_lines(text: str) -> frozenset[int]:
    """The (0-based) lines of ``text`` inside fenced or indented code blocks (lines end
    with ``\n``)."""
    if "\r" not in text:
        return scan_markdown(text).code_lines
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    inside: set[int] = set()
    for start, end in code_block_spans(text):
        first = bisect_left(starts, start)
        inside.update(range(first, bisect_left(starts, end)))
    return frozenset(inside)


def iter_link_destinations(
    text: str, *, html: bool = False, templates: bool = False, containers: tuple[str, ...] = ()
) -> Iterator[tuple[int, int, str]]:
    """Yield ``(start, end, destination)`` for every link destination outside code.

    ``start:end`` is the destination's span in ``text`` (without ``<>`` or quotes), in
    ascending order. ``templates`` also finds ``{{< ... >}}`` / ``{{% ... %}}`` used as
    an inline link's target. Markdown is read by one parse
    ([`scan_markdown`][wikisync.local.markdown.parse.scan_markdown]); an HTML page's
    every ``href``/``src`` attribute outside comments counts.
    """
    if html:
        for start, end in html_destinations(text):
            yield start, end, text[start:end]
        return
    ends = _LineEnds(text)
    scan = scan_markdown(ends.view, containers=containers)
    for found in merged_destinations(scan, templates):
        start, end = ends.start(found.start), ends.end(found.end)
        yield start, end, text[start:end]


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
    scan: MarkdownScan | None = None,
) -> LinkRewrite:
    """Turn relative links of the file ``source`` into wiki links.

    ``pages`` maps every page file (relative posix path) to its ``(locale, path)``.
    ``file_exists(rel)`` says whether a regular file exists inside the content directory;
    ``dir_exists`` likewise for folders. ``first_line`` is the file line ``content`` starts
    on, for problem lines. ``context`` holds the generator's link rules (default: Wiki.js's
    own); ``is_index`` says ``source`` is its folder's page. ``scan`` is the parse of
    ``content`` when the caller already has it (Markdown with ``\n`` line ends).
    """
    ctx = context or _DEFAULT_CONTEXT
    resolver = _Resolver(ctx, source, is_index, pages, asset_url, file_exists, dir_exists)
    parts: list[str] = []
    problems: list[Problem] = []
    position = 0
    lines = _LineCounter(content)
    edits: list[tuple[int, int, str]] = []
    found: Iterable[tuple[int, int, str]]
    if scan is not None and not html:
        found = ((d.start, d.end, d.target) for d in merged_destinations(scan, ctx.template_links))
    else:
        found = iter_link_destinations(
            content, html=html, templates=ctx.template_links, containers=ctx.containers
        )
    for start, end, destination in found:
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
        if replacement != destination:
            edits.append((start, end, replacement))
        parts.append(content[position:start])
        parts.append(replacement)
        position = end
    parts.append(content[position:])
    return LinkRewrite(
        "".join(parts), tuple(sorted(resolver.assets)), tuple(problems), tuple(edits)
    )


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
            if self.ctx.site_links or self.ctx.static_roots:
                return self._site(target)
            return None
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
        served = "/".join(s for s in unquote(raw_path).split("/") if s)
        for folder in ctx.static_roots if served else ():
            rel = posixpath.normpath(posixpath.join(folder, served)) if folder else served
            inside = not rel.startswith("../")
            if inside and not self.file_exists(rel):
                continue
            if not inside and (ctx.static_file is None or not ctx.static_file(rel)):
                continue
            if not _has_extension(rel, ctx.extensions):
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
        if self.ctx.ref_lookup is not None:
            path, suffix = _split_destination(name)
            if not path:
                return suffix or None  # "#anchor": this page
            hit, why = self.ctx.ref_lookup(self.source, unquote(path))
            if hit is not None and hit in self.pages:
                return self._page_link(hit, suffix)
            # The generator checks its own lookups: a code of their own
            return "broken-ref", f"broken reference {name!r}: {why}", "error"
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
        if isinstance(found, tuple) and found[0] == "broken-link":
            # Hugo checks its own ref lookups (refLinksErrorLevel): a code of their own
            return "broken-ref", found[1], found[2]
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
