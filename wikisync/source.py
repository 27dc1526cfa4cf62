"""Files -> desired state: read a content directory into [`LocalPage`][wikisync.model.LocalPage].

Which files are pages
    Files ending in ``.md`` or ``.html`` that ``include`` selects and ``exclude`` does not
    (see ``wikisync.config`` for the glob rules). Hidden files and folders (name starts
    with ``.``, so also ``.git/``) are skipped. A symbolic link is followed only while it
    stays inside the directory; one that leaves it, dangles or loops is a problem.

Which wiki path a file becomes
    The path relative to the directory, without its extension, under ``root``:
    ``guide/install.md`` -> ``<root>/guide/install``. A leading folder named after a
    configured locale (``locales``) sets the page's locale and is not part of the path:
    ``fr/guide/install.md`` -> locale ``fr``, ``<root>/guide/install``; other files get
    ``locale``. This is also how Wiki.js's own Git storage names files.

    ``index.md`` (or ``index.html``) stands for its folder: ``guide/index.md`` ->
    ``<root>/guide``; the top-level ``index.md`` -> ``<root>``, or ``home`` (Wiki.js's
    start page) when ``root`` is ``""``.

    ``README.md`` is an ordinary page (``guide/README.md`` -> ``<root>/guide/README``),
    as in Wiki.js's Git storage. Most repositories keep a top-level README about the
    repository itself: add ``README.md`` to ``exclude`` to leave it out.

    Case is kept: wiki paths are case-sensitive.

What a file says
    Front matter (see ``wikisync._frontmatter``) with the keys ``title``,
    ``description``, ``tags`` (a list, or Wiki.js's ``a, b`` text), ``published`` or
    ``isPublished``, ``private`` or ``isPrivate``, ``editor`` (markdown|ckeditor|code),
    ``publishStartDate``, ``publishEndDate``, ``scriptCss``, ``scriptJs``. Wiki.js's own
    ``date`` and ``dateCreated`` are accepted and ignored; any other key is a warning. A key
    the file does not set keeps whatever the wiki has. Without a ``title`` the first
    ``# `` heading (``<h1>`` in HTML) is the title, else the last segment of the path.
    An ``.html`` file that does not name an ``editor`` is a ``ckeditor`` page.

A file with an error (unreadable, not UTF-8, NUL bytes, bad front matter, a path Wiki.js
refuses or cannot open, a name with control, bidi or zero-width characters, two files for
one page (names compared after NFC normalisation and case folding), the state page's
path, too large for the server, no content) is reported and left out of ``pages``. A
FIFO, socket or device, also behind a symbolic link, is never opened: it is skipped with
a warning. Folders are walked without recursion, so depth costs nothing but time. A broken link is reported too, but the page
is kept with that link left as written.
"""

from __future__ import annotations

import errno
import hashlib
import html as html_lib
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import yaml

from wikisync._frontmatter import Header, HeaderValue, parse_page_text
from wikisync._names import has_surrogate, name_key, shown, spelled, unsafe_name_character
from wikisync.assets import asset_problems
from wikisync.config import Config
from wikisync.errors import SourceError
from wikisync.links import PAGE_EXTENSIONS, asset_location, default_asset_url, rewrite_links
from wikisync.model import (
    EDITORS,
    Editor,
    LocalAsset,
    LocalPage,
    PageFields,
    Problem,
    content_digest,
    normalize_content,
    normalize_tags,
    page_digest,
    state_page_path,
)

__all__ = [
    "MAX_REQUEST_BYTES",
    "SourceResult",
    "load_source",
    "normalize_content",
    "page_key",
    "request_bytes",
]

MAX_REQUEST_BYTES = 5 * 1024 * 1024
"""Wiki.js's default JSON body limit (``bodyParserLimit: 5mb``; 6 MB was answered 413)."""

MAX_ASSET_BYTES = 5_242_880
"""The largest file Wiki.js accepts on ``POST /u``."""

MAX_FIELD_CHARS = 255
"""Longest title or description Wiki.js stores (``varchar(255)``; longer is a SQL error)."""

_IGNORED_KEYS = frozenset({"date", "dateCreated"})
_KNOWN_KEYS = frozenset(
    {
        "title",
        "description",
        "tags",
        "published",
        "isPublished",
        "private",
        "isPrivate",
        "editor",
        "publishStartDate",
        "publishEndDate",
        "scriptCss",
        "scriptJs",
    }
)
_HEADING = re.compile(r"^ {0,3}# +(.+?)(?: +#+)? *$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_BOOL_WORDS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}


@dataclass(frozen=True)
class SourceResult:
    """What a content directory holds: its pages, its problems, the assets pages use."""

    pages: tuple[LocalPage, ...]
    problems: tuple[Problem, ...]
    assets: tuple[LocalAsset, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


# -- path mapping ----------------------------------------------------------------------------


def _strip_page_extension(name: str) -> str:
    lower = name.lower()
    for extension in PAGE_EXTENSIONS:
        if lower.endswith(extension):
            return name[: -len(extension)]
    return name


def page_key(rel_path: str, config: Config) -> tuple[str, str]:
    """The ``(locale, wiki path)`` the file ``rel_path`` (posix, relative) maps to."""
    parts = rel_path.split("/")
    locale = config.locale
    if len(parts) > 1 and parts[0] in config.all_locales:
        locale = parts[0]
        parts = parts[1:]
    stem = _strip_page_extension(parts[-1])
    parts = parts[:-1] if stem == "index" else [*parts[:-1], stem]
    rest = "/".join(parts)
    path = "/".join(p for p in (config.root, rest) if p)
    return locale, path or "home"


def request_bytes(content: str, fields: PageFields, *, locale: str, path: str) -> int:
    """The exact size of the largest request that writes this page (its create, or an
    update with the same fields), encoded as the SDK sends it: compact UTF-8 JSON."""
    from wikijs import PageCreate, page_write_bytes  # the SDK's own encoding

    values = fields.for_create()
    item = PageCreate(
        path=path,
        locale=locale,
        content=content,
        title=values["title"],
        editor=values["editor"],
        description=values["description"],
        tags=tuple(values["tags"]),
        is_published=values["is_published"],
        is_private=values["is_private"],
        publish_start_date=values["publish_start_date"],
        publish_end_date=values["publish_end_date"],
        script_css=values["script_css"],
        script_js=values["script_js"],
    )
    return page_write_bytes(item)


def _request_bytes_bound(content: str, fields: PageFields) -> int:
    """An upper bound of ``request_bytes`` without encoding: JSON spends at most 6
    bytes on one character (``\\u001f``); the query text and the other values are short."""
    texts = (
        content,
        fields.title,
        fields.description,
        fields.publish_start_date,
        fields.publish_end_date,
        fields.script_css,
        fields.script_js,
        *(fields.tags or ()),
    )
    chars = sum(len(t) for t in texts if t)
    return 6 * chars + 16 * len(fields.tags or ()) + 65536


# -- walking the directory -------------------------------------------------------------------


@dataclass
class _Walk:
    base: Path
    base_real: str
    config: Config
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def inside(self, real: str) -> bool:
        return real == self.base_real or real.startswith(self.base_real + os.sep)


def _symlink_problem(walk: _Walk, rel: str, path: Path) -> tuple[str | None, Problem | None]:
    """``(real path, None)`` for a usable link, else ``(None, problem)``."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, Problem(rel, None, "symbolic link loop", "symlink-loop")
        return None, Problem(rel, None, "symbolic link points to nothing", "symlink-broken")
    real = os.path.realpath(path)
    if not walk.inside(real):
        return None, Problem(
            rel, None, "symbolic link points outside the content directory", "symlink-outside"
        )
    return real, None


def _special_problem(rel: str, mode: int, behind_link: bool) -> Problem:
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    via = "a symbolic link to " if behind_link else ""
    return Problem(rel, None, f"is {via}{kind}; skipped, never opened", "special-file", "warning")


def _walk(walk: _Walk, start: Path) -> None:
    """Every wanted file under ``start``, depth first in name order, without recursion
    (a tree of any depth costs one stack frame)."""
    stack: list[_Folder] = [(start, "", walk.base_real, frozenset())]
    while stack:
        folder = stack.pop()
        subfolders: list[_Folder] = []
        _walk_folder(walk, folder, subfolders)
        stack.extend(reversed(subfolders))


_Folder = tuple[Path, str, str, frozenset[str]]
"""A folder to walk: its path, its relative name, its real path (kept as the walk goes, so
depth costs no system calls), and the real targets of the folder links that led to it."""


def _is_ancestor(real: str, folder_real: str) -> bool:
    return folder_real == real or folder_real.startswith(real.rstrip(os.sep) + os.sep)


def _walk_folder(walk: _Walk, current: _Folder, subfolders: list[_Folder]) -> None:
    folder, rel_folder, folder_real, seen = current
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        walk.problems.append(
            Problem(rel_folder or ".", None, f"folder cannot be read: {exc.strerror}", "unreadable")
        )
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
        path = Path(entry.path)
        if entry.is_symlink():
            real, problem = _symlink_problem(walk, rel, path)
            if problem is not None:
                if problem.code != "symlink-broken" or _wanted(walk.config, rel):
                    walk.problems.append(problem)
                continue
            assert real is not None
            try:
                mode = os.stat(real).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                if real in seen or _is_ancestor(real, folder_real):
                    walk.problems.append(
                        Problem(
                            rel,
                            None,
                            "symbolic link loop (links to a parent folder)",
                            "symlink-loop",
                        )
                    )
                    continue
                subfolders.append((path, rel, real, seen | {real}))
            elif not stat.S_ISREG(mode):
                if _wanted(walk.config, rel):
                    walk.problems.append(_special_problem(rel, mode, behind_link=True))
            elif _wanted(walk.config, rel):
                walk.files[rel] = path
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            subfolders.append((path, rel, os.path.join(folder_real, entry.name), seen))
        elif not stat.S_ISREG(mode):
            if _wanted(walk.config, rel):
                walk.problems.append(_special_problem(rel, mode, behind_link=False))
        elif _wanted(walk.config, rel):
            walk.files[rel] = path


def _wanted(config: Config, rel: str) -> bool:
    return rel.lower().endswith(PAGE_EXTENSIONS) and config.is_included(rel)


# -- reading one file ------------------------------------------------------------------------


def _decode(rel: str, raw: bytes, problems: list[Problem]) -> str | None:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        problems.append(Problem(rel, line, "contains NUL bytes (binary file?)", "nul-bytes"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(rel, line, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x})", "not-utf8")
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _FieldReader:
    """Turns header entries into typed values, collecting problems with lines."""

    def __init__(self, rel: str, problems: list[Problem]) -> None:
        self.rel = rel
        self.problems = problems

    def error(self, value: HeaderValue, message: str) -> None:
        self.problems.append(
            Problem(
                self.rel, value.line, f"front matter {value.key!r} {message}", "frontmatter-type"
            )
        )

    def text(self, value: HeaderValue) -> str | None:
        if value.raw is not None:
            return value.raw
        node = value.node
        if isinstance(node, yaml.ScalarNode):
            if node.tag == "tag:yaml.org,2002:null" and node.style is None:
                return ""
            return self.no_surrogate(value, str(node.value))
        self.error(value, "must be a text")
        return None

    def no_surrogate(self, value: HeaderValue, text: str) -> str | None:
        if has_surrogate(text):  # a "\ud800" escape: no request or terminal can carry it
            self.error(value, 'holds an unpaired surrogate escape (such as "\\ud800")')
            return None
        return text

    def boolean(self, value: HeaderValue) -> bool | None:
        raw = value.raw
        node = value.node
        if raw is None and isinstance(node, yaml.ScalarNode):
            raw = str(node.value)
        if raw is not None:
            flag = _BOOL_WORDS.get(raw.strip().lower())
            if flag is not None:
                return flag
        self.error(value, "must be true or false")
        return None

    def tags(self, value: HeaderValue) -> tuple[str, ...] | None:
        node = value.node
        if value.raw is not None or isinstance(node, yaml.ScalarNode):
            text = self.text(value) or ""
            return normalize_tags(text.split(","))
        if isinstance(node, yaml.SequenceNode):
            items: list[str] = []
            for item in node.value:
                if not isinstance(item, yaml.ScalarNode):
                    self.error(value, "must be a list of texts")
                    return None
                item_text = self.no_surrogate(value, str(item.value))
                if item_text is None:
                    return None
                items.append(item_text)
            return normalize_tags(items)
        self.error(value, "must be a list, or a text such as 'a, b'")
        return None

    def editor(self, value: HeaderValue) -> Editor | None:
        text = self.text(value)
        if text is None:
            return None
        if text.strip() not in EDITORS:
            self.error(value, f"must be one of {', '.join(EDITORS)} (got {text!r})")
            return None
        return cast(Editor, text.strip())

    def date(self, value: HeaderValue) -> str | None:
        text = self.text(value)
        if text is None:
            return None
        text = text.strip()
        if text == "":
            return ""
        candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
        try:
            datetime.fromisoformat(candidate)
        except ValueError:
            self.error(
                value, f"must be an ISO 8601 date such as 2024-05-01T09:00:00Z (got {text!r})"
            )
            return None
        return text


def _first_heading(content: str, html: bool) -> str | None:
    if html:
        match = _H1.search(content)
        if match:
            title = html_lib.unescape(_TAG.sub("", match.group(1))).strip()
            return " ".join(title.split()) or None
        return None
    fence: str | None = None
    for line in content.split("\n"):
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker
            elif marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
            continue
        if fence is None:
            match = _HEADING.match(line)
            if match:
                return match.group(1).strip()
    return None


def _too_long(rel: str, line: int | None, what: str, text: str) -> Problem:
    return Problem(
        rel,
        line,
        f"{what} is {len(text)} characters; Wiki.js stores {MAX_FIELD_CHARS} at most",
        "frontmatter-too-long",
    )


def _read_fields(
    rel: str, header: Header, path: str, html: bool, problems: list[Problem]
) -> PageFields | None:
    reader = _FieldReader(rel, problems)
    errors_before = sum(p.is_error for p in problems)
    values: dict[str, Any] = {}
    for key, value in header.values.items():
        if key in _IGNORED_KEYS:
            continue
        if key not in _KNOWN_KEYS:
            problems.append(
                Problem(
                    rel,
                    value.line,
                    f"unknown front matter key {key!r} is ignored",
                    "frontmatter-unknown-key",
                    "warning",
                )
            )
            continue
        if key in ("title", "description", "scriptCss", "scriptJs"):
            values[key] = reader.text(value)
        elif key == "tags":
            values[key] = reader.tags(value)
        elif key in ("published", "isPublished", "private", "isPrivate"):
            values[key] = reader.boolean(value)
        elif key == "editor":
            values[key] = reader.editor(value)
        else:
            values[key] = reader.date(value)

    def one_of(a: str, b: str) -> bool | None:
        if a in values and b in values and values[a] != values[b]:
            problems.append(
                Problem(
                    rel,
                    header.values[b].line,
                    f"front matter sets both {a!r} and {b!r} to different values",
                    "frontmatter-conflict",
                )
            )
        result = values.get(b, values.get(a))
        return result if isinstance(result, bool) else None

    is_published = one_of("published", "isPublished")
    is_private = one_of("private", "isPrivate")
    for key in ("title", "description"):
        text = values.get(key)
        # The title is sent stripped, the description as written.
        sent = text.strip() if key == "title" and isinstance(text, str) else text
        if isinstance(sent, str) and len(sent) > MAX_FIELD_CHARS:
            problems.append(_too_long(rel, header.values[key].line, key, sent))
    if sum(p.is_error for p in problems) > errors_before:
        return None

    title = values.get("title") or _first_heading(header.content, html) or path.rsplit("/", 1)[-1]
    if len(title.strip()) > MAX_FIELD_CHARS:
        problems.append(_too_long(rel, None, "title (from the first heading)", title.strip()))
        return None
    editor: Editor | None = values.get("editor") or ("ckeditor" if html else None)
    return PageFields(
        title=title.strip(),
        description=values.get("description"),
        tags=values.get("tags"),
        is_published=is_published,
        is_private=is_private,
        editor=editor,
        publish_start_date=values.get("publishStartDate"),
        publish_end_date=values.get("publishEndDate"),
        script_css=values.get("scriptCss"),
        script_js=values.get("scriptJs"),
    )


# -- the whole directory ---------------------------------------------------------------------


def _key_problems(
    files: Iterable[str], keys: dict[str, tuple[str, str]], config: Config
) -> tuple[list[Problem], set[str]]:
    """Path rules, the state page, and two files for one page (also by case only)."""
    from wikijs import validate_path  # the server's and the UI's path rules

    problems: list[Problem] = []
    bad: set[str] = set()
    state_path = state_page_path(config.root)
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rel in sorted(files):
        locale, path = keys[rel]
        if path == state_path:
            problems.append(
                Problem(
                    rel,
                    None,
                    f"maps to {path}, the page where wikisync keeps its state; rename the file",
                    "state-page",
                )
            )
            bad.add(rel)
            continue
        unsafe = unsafe_name_character(rel)
        if unsafe is not None:
            problems.append(Problem(rel, None, unsafe, "name-invisible"))
            bad.add(rel)
            continue
        for message in validate_path(path):
            problems.append(
                Problem(rel, None, f"wiki path {shown(repr(path))} {message}", "path-invalid")
            )
            bad.add(rel)
        groups[(locale, name_key(path))].append(rel)
    for (locale, _), members in groups.items():
        if len(members) < 2:
            continue
        for rel in members:
            others = ", ".join(spelled(m) for m in members if m != rel)
            paths = {keys[m][1] for m in members}
            if len(paths) == 1:
                how = "the same page"
            elif len({p.casefold() for p in paths}) == 1:
                how = "pages whose paths differ only in case"
            else:
                how = "pages whose paths differ only in Unicode normalisation or case"
            problems.append(
                Problem(
                    rel,
                    None,
                    f"{spelled(rel)} and {others} map to {how} ({locale}/{keys[rel][1]})",
                    "duplicate-path",
                )
            )
            bad.add(rel)
    return problems, bad


def load_source(
    directory: str | Path,
    config: Config,
    *,
    asset_url: Callable[[str], str] | None = None,
) -> SourceResult:
    """Read every page file of ``directory`` (see the module docstring for the rules).

    ``asset_url(rel_path)`` gives the URL links to a local asset file are rewritten to;
    the default is [`wikisync.links.default_asset_url`][wikisync.links.default_asset_url] under ``config.assets_folder``.
    Raises [`SourceError`][wikisync.errors.SourceError] only when the directory cannot be read at
    all; every problem with a file is reported in the result instead.
    """
    base = Path(directory)
    if not base.is_dir():
        raise SourceError(f"{directory}: not a directory")
    walk = _Walk(base=base, base_real=os.path.realpath(base), config=config)
    _walk(walk, base)
    problems = list(walk.problems)

    keys = {rel: page_key(rel, config) for rel in walk.files}
    key_problems, bad = _key_problems(walk.files, keys, config)
    problems.extend(key_problems)

    folder = config.assets_folder
    url_for = asset_url or (lambda rel: default_asset_url(rel, folder))

    # Links ask about the same few folders and files over and over; the directory does
    # not change while it is read, so each answer is looked up on disk once.
    files_seen: dict[str, bool] = {}
    dirs_seen: dict[str, bool] = {}

    def file_exists(rel: str) -> bool:
        known = files_seen.get(rel)
        if known is None:
            path = base / rel
            known = (
                path.is_file()
                and walk.inside(os.path.realpath(path))
                and not any(part == ".git" for part in rel.split("/"))
            )
            files_seen[rel] = known
        return known

    def dir_exists(rel: str) -> bool:
        known = dirs_seen.get(rel)
        if known is None:
            known = dirs_seen[rel] = os.path.isdir(os.path.join(base, rel))
        return known

    pages: list[LocalPage] = []
    asset_users: dict[str, set[str]] = defaultdict(set)
    for rel in sorted(walk.files):
        file_problems: list[Problem] = []
        page = _load_page(
            rel, walk.files[rel], keys, config, url_for, file_exists, dir_exists, file_problems
        )
        problems.extend(file_problems)
        if page is None or rel in bad:
            continue
        pages.append(page)
        for asset in page.assets:
            asset_users[asset].add(rel)

    assets: list[LocalAsset] = []
    for rel in sorted(asset_users):
        try:
            data = (base / rel).read_bytes()
        except OSError as exc:
            problems.append(Problem(rel, None, f"cannot be read: {exc.strerror}", "unreadable"))
            continue
        if len(data) > MAX_ASSET_BYTES:
            problems.append(
                Problem(
                    rel,
                    None,
                    f"is {len(data):,} bytes; Wiki.js accepts uploads of at most "
                    f"{MAX_ASSET_BYTES:,} bytes",
                    "asset-too-large",
                )
            )
        slugs, filename = asset_location(rel, folder)
        assets.append(
            LocalAsset(
                source=rel,
                folder=slugs,
                filename=filename,
                url=url_for(rel),
                size=len(data),
                digest=hashlib.sha256(data).hexdigest(),
                used_by=tuple(sorted(asset_users[rel])),
            )
        )
    problems.extend(asset_problems(assets))
    # Last, over the final content of every page, however its content was made.
    pages = _without_empty_pages(pages, problems)
    problems.sort(key=Problem.sort_key)
    return SourceResult(tuple(pages), tuple(problems), tuple(assets))


def _without_empty_pages(pages: list[LocalPage], problems: list[Problem]) -> list[LocalPage]:
    """Wiki.js refuses a page whose content is empty or only whitespace (6004): such a
    page is an error here, over the final content of every page however it was made."""
    kept: list[LocalPage] = []
    for page in pages:
        if page.content.strip():
            kept.append(page)
            continue
        problems.append(
            Problem(
                page.source,
                None,
                "has no content (Wiki.js refuses an empty page); add content or exclude it",
                "empty-content",
            )
        )
    return kept


def _load_page(
    rel: str,
    path: Path,
    keys: dict[str, tuple[str, str]],
    config: Config,
    asset_url: Callable[[str], str],
    file_exists: Callable[[str], bool],
    dir_exists: Callable[[str], bool],
    problems: list[Problem],
) -> LocalPage | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel, None, f"cannot be read: {exc.strerror or exc}", "unreadable"))
        return None
    text = _decode(rel, raw, problems)
    if text is None:
        return None
    html = rel.lower().endswith(".html")
    header = parse_page_text(text, html=html)
    for line, message in header.errors:
        problems.append(Problem(rel, line, message, "frontmatter"))
    for line, message in header.warnings:
        problems.append(Problem(rel, line, message, "frontmatter", "warning"))
    if header.errors:
        return None
    locale, wiki_path = keys[rel]
    fields = _read_fields(rel, header, wiki_path, html, problems)
    if fields is None:
        return None
    rewritten = rewrite_links(
        header.content,
        source=rel,
        pages=keys,
        asset_url=asset_url,
        file_exists=file_exists,
        dir_exists=dir_exists,
        html=html,
        first_line=header.content_line,
    )
    problems.extend(rewritten.problems)
    content = normalize_content(rewritten.content)
    if _request_bytes_bound(content, fields) > MAX_REQUEST_BYTES:
        size = request_bytes(content, fields, locale=locale, path=wiki_path)
        if size > MAX_REQUEST_BYTES:
            problems.append(
                Problem(
                    rel,
                    None,
                    f"is too large for Wiki.js: writing it sends {size:,} bytes, and the server "
                    f"refuses request bodies over {MAX_REQUEST_BYTES // 1_048_576} MB "
                    f"({MAX_REQUEST_BYTES:,} bytes)",
                    "too-large",
                )
            )
            return None
    return LocalPage(
        source=rel,
        locale=locale,
        path=wiki_path,
        content=content,
        fields=fields,
        content_digest=content_digest(content),
        digest=page_digest(content, fields),
        assets=rewritten.assets,
    )
