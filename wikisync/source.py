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

    These are the ``wikijs`` flavor's rules. The active flavor (``wikisync.flavors``)
    decides which file is a folder's page (``README.md``, ``_index.md`` ...), which files
    are pages (``.mdx``), the path front matter sets (``slug``, ``id``, ``url``), the
    keys that set each field, the navigation title and order, how links resolve, and
    the body of an empty section page (the list of its children). Every file is read and
    split first, so a path set by front matter is known before any link is resolved.

    Case is kept: wiki paths are case-sensitive.

What a file says
    Front matter (see ``wikisync._frontmatter``) with (for the ``wikijs`` flavor) the
    keys ``title``,
    ``description``, ``tags`` (a list, or Wiki.js's ``a, b`` text), ``published`` or
    ``isPublished``, ``private`` or ``isPrivate``, ``editor`` (markdown|ckeditor|code),
    ``publishStartDate``, ``publishEndDate``, ``scriptCss``, ``scriptJs``. Wiki.js's own
    ``date`` and ``dateCreated`` are accepted and ignored; any other key is a warning, once
    per key with the number of files using it (``ignore_keys`` silences it). A key
    the file does not set keeps whatever the wiki has. Without a ``title`` the first
    ``# `` heading (``<h1>`` in HTML) is the title, else the last segment of the path.
    An ``.html`` file that does not name an ``editor`` is a ``ckeditor`` page.

Content transforms
    Before links are rewritten and the page's digest is computed, the content of each
    Markdown file goes through the enabled transforms ([`wikisync.transforms`][wikisync.transforms];
    ``transforms:`` in ``wikisync.yml``, else the defaults): an unchanged file still
    gives the same page, so it makes no write.

A file with an error (unreadable, not UTF-8, NUL bytes, bad front matter, a path Wiki.js
refuses or cannot open, a name with control, bidi or zero-width characters, two files for
one page (names compared after NFC normalisation and case folding), the state page's
path, too large for the server, no content) is reported and left out of ``pages``. A
FIFO, socket or device, also behind a symbolic link, is never opened: it is skipped with
a warning. Folders are walked without recursion, so depth costs nothing but time. A broken link is reported too, but the page
is kept with that link left as written.
"""

from __future__ import annotations

import dataclasses
import difflib
import errno
import hashlib
import html as html_lib
import os
import re
import stat
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import yaml

from wikisync._frontmatter import Header, HeaderValue, parse_page_text
from wikisync._names import has_surrogate, name_key, shown, spelled, unsafe_name_character
from wikisync.assets import asset_problems
from wikisync.config import Config, with_site_defaults
from wikisync.errors import SourceError
from wikisync.flavors import DEFAULT_FLAVOR, ActiveFlavor, detect_flavor
from wikisync.flavors.base import Flavor, KeyAlias, PathInput, convert_value
from wikisync.links import (
    LINK_CODES,
    PAGE_EXTENSIONS,
    LinkContext,
    asset_location,
    default_asset_url,
    rewrite_links,
)
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
from wikisync.transforms import (
    DEFAULT_TRANSFORMS,
    TransformRun,
    TransformStat,
    enabled_transforms,
    load_transforms,
)

__all__ = [
    "MAX_REQUEST_BYTES",
    "SourceResult",
    "links_left_broken",
    "load_source",
    "normalize_content",
    "page_key",
    "read_fields",
    "request_bytes",
]

MAX_REQUEST_BYTES = 5 * 1024 * 1024
"""Wiki.js's default JSON body limit (``bodyParserLimit: 5mb``; 6 MB was answered 413)."""

MAX_ASSET_BYTES = 5_242_880
"""The largest file Wiki.js accepts on ``POST /u``."""

MAX_FIELD_CHARS = 255
"""Longest title or description Wiki.js stores (``varchar(255)``; longer is a SQL error)."""

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
    flavor: ActiveFlavor | None = None
    transforms: tuple[TransformStat, ...] = ()
    """The transforms that ran, with how many files' content each changed."""

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def links_left_broken(problems: Iterable[Problem]) -> int:
    """How many links the pages keep as written because they name nothing (warnings)."""
    return sum(1 for p in problems if p.code in LINK_CODES and not p.is_error)


# -- path mapping ----------------------------------------------------------------------------


def _strip_page_extension(name: str, extensions: tuple[str, ...] = PAGE_EXTENSIONS) -> str:
    lower = name.lower()
    for extension in extensions:
        if lower.endswith(extension):
            return name[: -len(extension)]
    return name


def _split_locale(rel: str, config: Config) -> tuple[str, list[str]]:
    parts = rel.split("/")
    if len(parts) > 1 and parts[0] in config.all_locales:
        return parts[0], parts[1:]
    return config.locale, parts


def _path_input(
    rel: str, config: Config, flavor: Flavor, values: dict[str, str]
) -> tuple[str, PathInput]:
    locale, parts = _split_locale(rel, config)
    stem = _strip_page_extension(parts[-1], flavor.page_extensions)
    folder = "/".join(parts[:-1])
    is_index = flavor.is_index(folder, stem)
    default = folder if is_index else "/".join(p for p in (folder, stem) if p)
    return locale, PathInput(folder, stem, is_index, values, default)


def _wiki_path(site_path: str, config: Config) -> str:
    path = "/".join(p for p in (config.root, site_path) if p)
    return path or "home"


def page_key(
    rel_path: str, config: Config, flavor: Flavor | None = None, lowercase: bool = False
) -> tuple[str, str]:
    """The ``(locale, wiki path)`` the file ``rel_path`` (posix, relative) maps to by its
    name alone (front matter such as ``slug`` can change it: see ``load_source``)."""
    locale, page = _path_input(rel_path, config, flavor or DEFAULT_FLAVOR, {})
    site_path = page.default.lower() if lowercase else page.default
    return locale, _wiki_path(site_path, config)


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
    flavor: Flavor
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
                if problem.code != "symlink-broken" or _wanted(walk, rel):
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
                if _wanted(walk, rel):
                    walk.problems.append(_special_problem(rel, mode, behind_link=True))
            elif _wanted(walk, rel):
                walk.files[rel] = path
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            subfolders.append((path, rel, os.path.join(folder_real, entry.name), seen))
        elif not stat.S_ISREG(mode):
            if _wanted(walk, rel):
                walk.problems.append(_special_problem(rel, mode, behind_link=False))
        elif _wanted(walk, rel):
            walk.files[rel] = path


def _wanted(walk: _Walk, rel: str) -> bool:
    flavor = walk.flavor
    if flavor.skip_prefixes and any(
        part.startswith(flavor.skip_prefixes) for part in rel.split("/")
    ):
        return False
    return rel.lower().endswith(flavor.page_extensions) and walk.config.is_included(rel)


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


def _tag_label(item: yaml.Node) -> str | None:
    """A tag list item: a text, or a mapping with a ``label`` (Docusaurus's tag objects)."""
    if isinstance(item, yaml.ScalarNode):
        return str(item.value)
    if isinstance(item, yaml.MappingNode):
        for key, value in item.value:
            if key.value == "label" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return None


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
                label = _tag_label(item)
                if label is None:
                    self.error(value, "must be a list of texts")
                    return None
                item_text = self.no_surrogate(value, label)
                if item_text is None:
                    return None
                items.append(item_text)
            return normalize_tags(items)
        self.error(value, "must be a list, or a text such as 'a, b'")
        return None

    def number(self, value: HeaderValue) -> float | None:
        text = value.raw
        if text is None and isinstance(value.node, yaml.ScalarNode):
            text = str(value.node.value)
        if text is not None:
            try:
                return float(text.strip())
            except ValueError:
                pass
        self.error(value, "must be a number")
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


_READERS: dict[str, Callable[[_FieldReader, HeaderValue], Any]] = {
    "title": _FieldReader.text,
    "description": _FieldReader.text,
    "tags": _FieldReader.tags,
    "is_published": _FieldReader.boolean,
    "is_private": _FieldReader.boolean,
    "editor": _FieldReader.editor,
    "publish_start_date": _FieldReader.date,
    "publish_end_date": _FieldReader.date,
    "script_css": _FieldReader.text,
    "script_js": _FieldReader.text,
    "nav_title": _FieldReader.text,
    "nav_order": _FieldReader.number,
}


@dataclass(frozen=True)
class _Rules:
    """A flavor's field map, indexed for reading many files."""

    order: tuple[str, ...]
    aliases: dict[str, tuple[KeyAlias, ...]]
    by_key: dict[str, tuple[str, ...]]


def _field_rules(active: ActiveFlavor) -> _Rules:
    aliases: dict[str, tuple[KeyAlias, ...]] = {}
    by_key: dict[str, list[str]] = defaultdict(list)
    for name, rule in active.flavor.fields.items():
        found = rule.aliases
        if name == "tags":
            found = (*found, *(KeyAlias(k) for k in active.site.tag_keys))
        aliases[name] = found
        for alias in found:
            by_key[alias.key].append(name)
    return _Rules(tuple(aliases), aliases, {k: tuple(v) for k, v in by_key.items()})


@dataclass(frozen=True)
class _Fields:
    page: PageFields
    nav_title: str | None
    nav_order: float | None


def _read_fields(
    rel: str,
    header: Header,
    path: str,
    html: bool,
    active: ActiveFlavor,
    rules: _Rules,
    problems: list[Problem],
) -> _Fields | None:
    """The page fields a file's header sets, by the flavor's key mapping."""
    reader = _FieldReader(rel, problems)
    errors_before = sum(p.is_error for p in problems)
    values: dict[str, Any] = {}
    touched = {field for key in header.values for field in rules.by_key.get(key, ())}
    for name in rules.order:
        if name not in touched:
            continue
        aliases = rules.aliases[name]
        rule = active.flavor.fields[name]
        found: list[tuple[HeaderValue, Any]] = []
        for alias in aliases:
            entry = header.values.get(alias.key)
            if entry is None:
                continue
            value = _READERS[name](reader, entry)
            if value is not None:
                found.append((entry, convert_value(value, alias.convert)))
        if not found:
            continue
        if rule.combine == "union":
            values[name] = tuple(v for _, item in found for v in item)
        elif rule.combine == "agree":
            for entry, value in found[1:]:
                if value != found[0][1]:
                    problems.append(
                        Problem(
                            rel,
                            entry.line,
                            f"front matter sets both {found[0][0].key!r} and {entry.key!r} "
                            "to different values",
                            "frontmatter-conflict",
                        )
                    )
            values[name] = found[-1][1]
        else:
            usable = [v for _, v in found if v not in ("",)] or [found[0][1]]
            values[name] = usable[0]
    for name in ("title", "description"):
        text = values.get(name)
        # The title is sent stripped, the description as written.
        sent = text.strip() if name == "title" and isinstance(text, str) else text
        if isinstance(sent, str) and len(sent) > MAX_FIELD_CHARS:
            key = next(a.key for a in active.flavor.fields[name].aliases if a.key in header.values)
            problems.append(_too_long(rel, header.values[key].line, name, sent))
    if sum(p.is_error for p in problems) > errors_before:
        return None

    title = values.get("title") or _first_heading(header.content, html) or path.rsplit("/", 1)[-1]
    if len(title.strip()) > MAX_FIELD_CHARS:
        problems.append(_too_long(rel, None, "title (from the first heading)", title.strip()))
        return None
    editor: Editor | None = values.get("editor") or ("ckeditor" if html else None)
    fields = PageFields(
        title=title.strip(),
        description=values.get("description"),
        tags=values.get("tags"),
        is_published=values.get("is_published"),
        is_private=values.get("is_private"),
        editor=editor,
        publish_start_date=values.get("publish_start_date"),
        publish_end_date=values.get("publish_end_date"),
        script_css=values.get("script_css"),
        script_js=values.get("script_js"),
    )
    nav_title = values.get("nav_title")
    return _Fields(fields, nav_title.strip() if nav_title else None, values.get("nav_order"))


def read_fields(
    rel: str,
    header: Header,
    path: str,
    html: bool,
    problems: list[Problem],
    flavor: ActiveFlavor,
) -> PageFields | None:
    """The page fields the parsed ``header`` of the file ``rel`` (wiki ``path``) sets, as
    [`load_source`][wikisync.source.load_source] reads them with ``flavor``; ``None``
    (with ``problems``) when they are wrong."""
    read = _read_fields(rel, header, path, html, flavor, _field_rules(flavor), problems)
    return None if read is None else read.page


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
                Problem(
                    rel,
                    None,
                    f"wiki path {shown(repr(path))} {_locale_hint(message)}",
                    "path-invalid",
                )
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


@dataclass
class _Read:
    """A page file read and split (the first pass)."""

    rel: str
    header: Header
    html: bool
    page: PathInput
    locale: str
    site_path: str


_READ_DONE = Header(content="")
"""The header a ``_Read`` keeps once its page was built."""


def _scalar_values(header: Header) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in header.values.items():
        if value.raw is not None:
            out[key] = value.raw
        elif isinstance(value.node, yaml.ScalarNode):
            out[key] = str(value.node.value)
    return out


def _locale_hint(message: str) -> str:
    if "looks like a locale" in message:
        return (
            f"{message}; set root: in wikisync.yml (such as root: docs) to put the pages below it"
        )
    return message


def _summarise_unknown(
    unknown: dict[str, list[tuple[str, int]]], known: Iterable[str]
) -> list[Problem]:
    """One warning per unknown key, at its first use, counting the files using it."""
    problems: list[Problem] = []
    known = sorted(known)
    for key, uses in unknown.items():
        rel, line = min(uses)
        files = len({r for r, _ in uses})
        where = f" (in {files} files; first in {rel})" if files > 1 else ""
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(
            Problem(
                rel,
                line,
                f"unknown front matter key {key!r} is ignored{where}{hint}; list it under "
                "ignore_keys: in wikisync.yml to silence this",
                "frontmatter-unknown-key",
                "warning",
            )
        )
    return problems


def _section_body(page: LocalPage, children: list[LocalPage]) -> str:
    def order(child: LocalPage) -> tuple[bool, float, str, str]:
        label = child.nav_title or child.fields.title
        rank = child.nav_order if child.nav_order is not None else 0.0
        return (child.nav_order is None, rank, label.lower(), child.path)

    lines = []
    for child in sorted(children, key=order):
        label = (child.nav_title or child.fields.title).replace("[", "\\[").replace("]", "\\]")
        lines.append(f"- [{label}](/{child.locale}/{child.path})")
    if not lines:
        # A section without pages below it (yet): its description, else its title.
        lines.append(page.fields.description.strip() if page.fields.description else "")
        if not lines[0]:
            lines[0] = f"# {page.fields.title}"
    return "\n".join(lines) + "\n"


def load_source(
    directory: str | Path,
    config: Config,
    *,
    asset_url: Callable[[str], str] | None = None,
    flavor: ActiveFlavor | None = None,
    transforms: Iterable[str] | None = None,
) -> SourceResult:
    """Read every page file of ``directory`` (see the module docstring for the rules).

    ``asset_url(rel_path)`` gives the URL links to a local asset file are rewritten to;
    the default is [`wikisync.links.default_asset_url`][wikisync.links.default_asset_url] under ``config.assets_folder``.
    ``flavor`` is the generator's conventions (default: the one ``config`` names, or the
    detected one, with the defaults its files give).
    ``transforms`` names the content transforms to run when ``config`` names none
    (default ``wikisync.transforms.DEFAULT_TRANSFORMS``).
    Raises [`SourceError`][wikisync.errors.SourceError] only when the directory cannot be read at
    all, [`TransformError`][wikisync.errors.TransformError] when a transform cannot be loaded or
    fails; every problem with a file is reported in the result instead.
    """
    base = Path(directory)
    if not base.is_dir():
        raise SourceError(f"{directory}: not a directory")
    if flavor is None:
        flavor = detect_flavor(base, config.flavor)
        config = with_site_defaults(config, flavor)
    rules = flavor.flavor
    site = flavor.site
    walk = _Walk(base=base, base_real=os.path.realpath(base), config=config, flavor=rules)
    names = enabled_transforms(
        config.transforms,
        defaults=DEFAULT_TRANSFORMS if transforms is None else transforms,
    )
    run = TransformRun(load_transforms(names))
    _walk(walk, base)
    problems = list(walk.problems)

    # First pass: read and split every file, and find its page path (front matter such as
    # ``slug`` may set it, so every header is read before any link is resolved).
    reads: dict[str, _Read] = {}
    file_problems: dict[str, list[Problem]] = defaultdict(list)
    for rel in sorted(walk.files):
        read = _read_file(rel, walk.files[rel], config, flavor, file_problems[rel])
        if read is not None:
            reads[rel] = read
    keys = {
        rel: (r.locale, _wiki_path(r.site_path, config))
        if (r := reads.get(rel))
        else page_key(rel, config, rules, flavor.lowercase)
        for rel in walk.files
    }
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

    by_lower: dict[str, str] = {}
    by_name: dict[str, list[str]] = defaultdict(list)
    for rel in walk.files:
        by_lower.setdefault(rel.lower(), rel)
        by_name[rel.rsplit("/", 1)[-1].lower()].append(rel)

    def suggest(rel: str) -> str | None:
        lower = rel.lower()
        for candidate in (lower, *(lower + ext for ext in rules.page_extensions)):
            if candidate in by_lower:
                return by_lower[candidate]
        named = by_name.get(lower.rsplit("/", 1)[-1], [])
        if not named:
            named = [
                r
                for ext in rules.page_extensions
                for r in by_name.get(lower.rsplit("/", 1)[-1] + ext, [])
            ]
        return sorted(named)[0] if len(named) == 1 else None

    stems: dict[str, list[str]] = defaultdict(list)
    for rel in reads:
        stems[_strip_page_extension(rel.rsplit("/", 1)[-1], rules.page_extensions)].append(rel)
    context = LinkContext(
        index_names=rules.index_names,
        folder_named_index=rules.folder_named_index,
        extensions=rules.page_extensions,
        bases=rules.link_bases,
        site_links=rules.site_links,
        template_links=rules.template_links,
        url_prefix=site.url_prefix,
        locales=tuple(config.all_locales),
        default_locale=config.locale,
        site_pages={(r.locale, r.site_path): rel for rel, r in reads.items() if rel not in bad},
        lowercase=flavor.lowercase,
        suggest=suggest,
        by_name={stem: tuple(rels) for stem, rels in stems.items()},
    )
    known_keys = rules.all_keys() | set(site.tag_keys) | set(config.ignore_keys)
    field_map = _field_rules(flavor)
    unknown: dict[str, list[tuple[str, int]]] = defaultdict(list)

    pages: list[LocalPage] = []
    sections: set[str] = set()
    for rel in sorted(walk.files):
        read = reads.get(rel)
        own = file_problems[rel]
        if read is not None:
            for key, value in read.header.values.items():
                if key not in known_keys:
                    unknown[key].append((rel, value.line))
            page = _build_page(
                read, keys, flavor, url_for, file_exists, dir_exists, context, field_map, own, run
            )
            if page is not None and rel not in bad:
                pages.append(page)
                templated = any(k in read.header.values for k in rules.template_keys)
                if rules.sections and not page.content and (read.page.is_index or templated):
                    sections.add(rel)
            # Only the path is needed from here on: let the text and YAML nodes go, so
            # that a large tree is never held twice (as read and as pages).
            reads[rel] = dataclasses.replace(read, header=_READ_DONE)
        problems.extend(own)
    problems.extend(_summarise_unknown(unknown, known_keys))

    if sections:
        pages = _fill_sections(pages, sections, reads)

    asset_users: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        for asset in page.assets:
            asset_users[asset].add(page.source)

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
    # Over the final content of every page, however its content was made
    # (section pages included); before severities, which apply to its problems too.
    pages = _without_empty_pages(pages, problems)
    severity = {**rules.severity, **config.severity}
    if severity:
        problems = [
            dataclasses.replace(p, severity=severity[p.code]) if p.code in severity else p
            for p in problems
        ]
    problems.sort(key=Problem.sort_key)
    return SourceResult(tuple(pages), tuple(problems), tuple(assets), flavor, run.stats())


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


def _fill_sections(
    pages: list[LocalPage], sections: set[str], reads: dict[str, _Read]
) -> list[LocalPage]:
    """Section pages without a body get their child pages as a list of links (a page a
    template renders, or a section without children, its description or title)."""
    children: dict[tuple[str, str], list[LocalPage]] = defaultdict(list)
    for page in pages:
        read = reads[page.source]
        parent = read.site_path.rsplit("/", 1)[0] if "/" in read.site_path else ""
        if read.site_path:
            children[(page.locale, parent)].append(page)
    out: list[LocalPage] = []
    for page in pages:
        if page.source in sections:
            read = reads[page.source]
            body = normalize_content(_section_body(page, children[(page.locale, read.site_path)]))
            if body:
                page = dataclasses.replace(
                    page,
                    content=body,
                    content_digest=content_digest(body),
                    digest=page_digest(body, page.fields),
                )
        out.append(page)
    return out


def _read_file(
    rel: str, path: Path, config: Config, flavor: ActiveFlavor, problems: list[Problem]
) -> _Read | None:
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
    locale, page = _path_input(rel, config, flavor.flavor, _scalar_values(header))
    site_path = flavor.flavor.page_path(page)
    if site_path is None:
        site_path = page.default
    if flavor.lowercase:
        site_path = site_path.lower()
    return _Read(rel, header, html, page, locale, site_path)


def _build_page(
    read: _Read,
    keys: dict[str, tuple[str, str]],
    flavor: ActiveFlavor,
    asset_url: Callable[[str], str],
    file_exists: Callable[[str], bool],
    dir_exists: Callable[[str], bool],
    context: LinkContext,
    rules: _Rules,
    problems: list[Problem],
    run: TransformRun,
) -> LocalPage | None:
    rel, header, html = read.rel, read.header, read.html
    locale, wiki_path = keys[rel]
    read_fields = _read_fields(rel, header, wiki_path, html, flavor, rules, problems)
    if read_fields is None:
        return None
    fields = read_fields.page
    body = header.content
    origin = None
    if not html and run.transforms:
        body, transform_problems, origin = run.run(body, rel, header.content_line)
        problems.extend(transform_problems)
    rewritten = rewrite_links(
        body,
        source=rel,
        pages=keys,
        asset_url=asset_url,
        file_exists=file_exists,
        dir_exists=dir_exists,
        html=html,
        first_line=header.content_line,
        context=context,
        is_index=read.page.is_index,
    )
    first = header.content_line
    problems.extend(
        p
        if origin is None or p.line is None
        else replace(p, line=first + origin(p.line - first + 1) - 1)
        for p in rewritten.problems
    )
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
    nav_title, nav_order = read_fields.nav_title, read_fields.nav_order
    for nav_key in flavor.flavor.nav_keys(read.page, rel):
        listed = flavor.site.nav.get(nav_key)
        if listed is not None:
            nav_title = listed[0] or nav_title
            nav_order = listed[1]
            break
    return LocalPage(
        source=rel,
        locale=locale,
        path=wiki_path,
        content=content,
        fields=fields,
        content_digest=content_digest(content),
        digest=page_digest(content, fields),
        assets=rewritten.assets,
        nav_title=nav_title,
        nav_order=nav_order,
    )
