"""The wiki -> files direction: ``wikisync pull`` writes wiki pages into a content directory.

Which pages
    The pages wikisync manages under ``root`` (those in its state), or with ``all_pages``
    every page under ``root``. wikisync's own state page never.

Which file a page becomes
    The file a local page file already maps to that page, else the file the state recorded
    for it, else the inverse of the usual mapping (``wikisync.source.page_key``):
    ``<root>/guide/install`` -> ``guide/install.md`` (``.html`` for pages written with the
    ckeditor or code editor), a leading ``<locale>/`` folder for locales other than the
    default one (the locale must be listed in ``locales``), ``index.md`` for ``root``
    itself and ``home.md`` for ``home`` when ``root`` is ``""``. A page and its children
    live side by side (``guide.md`` and ``guide/``). Whatever the choice, the file must
    map back to exactly that page and be selected by ``include``/``exclude``.

What a file that exists becomes
    Only the values that differ from the wiki's change (see [`merge_page_file`][wikisync.pull.merge_page_file]):
    each goes into the key the file already uses for it ([`FieldKeys`][wikisync.pull.FieldKeys]; Wiki.js's
    keys by default), every other key, its order, comments and quoting stay, and the body
    is replaced only when the content differs. A page the wiki did not change leaves its
    file byte-identical. A header that cannot be edited in place is written anew, as a
    new file's.

What a new file holds
    A header Wiki.js's Git storage also reads, in the order it writes: ``title``,
    ``description``, ``published``, ``tags`` (``a, b``), ``editor``; then ``isPublished:
    false`` for an unpublished page (Wiki.js's importer reads only that key),
    ``private``, ``publishStartDate``, ``publishEndDate``, ``scriptCss``, ``scriptJs``
    when they are set. Values are quoted whenever YAML would read them differently
    (a title ``A: B`` becomes ``title: "A: B"``), so both Wiki.js and wikisync read them
    back exactly. Markdown files have the header between ``---`` lines, ``.html`` files
    inside ``<!--`` ``-->``. Then a blank line and the page content as the wiki holds it.

    Links to pulled (or already local) pages, ``/en/handbook/setup#x``, become relative
    file links, ``../setup.md#x``, and links to known assets (recorded in the state, or a
    local file at the asset's path) become relative links to the local file; but only when
    reading the file back gives exactly the wiki's content, so ``wikisync plan`` right
    after a pull reports no changes.

Assets
    A managed asset (recorded in the state) that a pulled page links to and whose file the
    directory lacks is downloaded to the file it was uploaded from, so the links can be
    relative and the next apply neither uploads nor prunes it. Other assets are not
    pulled; links to them stay as they are.

Safety
    A page whose path would make a file outside the directory or one that some system
    cannot hold is refused and reported, and nothing is written for it: ``..`` or ``.``
    segments, absolute paths, empty segments, backslashes, NUL and control characters,
    names over 255 bytes, names Windows reserves (``CON``, ``NUL``, ``COM1`` ...), names
    ending in a dot or a space, paths the wiki's UI cannot open, and two pages whose files
    differ only in case (also from a file already in the directory). Files are written
    atomically (a temporary file in the same folder, then a rename), never through a
    symbolic link leaving the directory. A file that exists with other content is only
    overwritten when git holds it as it is (committed, unmodified); otherwise, or outside
    git, it is kept unless ``force``. A file that already says what the page holds (as
    ``wikisync plan`` compares them, and without a wiki value it lacks) is left as it is,
    whatever its header looks like.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RoundTripError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

from wikijs import WikiJSError
from wikisync._frontmatter import (
    WIKIJS_FIELD_KEYS,
    FieldKeys,
    Header,
    KeyAlias,
    negate,
    parse_page_text,
)
from wikisync._names import name_key, shown, unsafe_name_character
from wikisync.config import Config
from wikisync.errors import SourceError
from wikisync.flavors import DEFAULT_FLAVOR, ActiveFlavor, Site
from wikisync.flavors.base import Flavor
from wikisync.gitinfo import open_repo
from wikisync.links import (
    PAGE_EXTENSIONS,
    default_asset_url,
    iter_link_destinations,
    rewrite_links,
    to_relative_links,
)
from wikisync.model import (
    PAGE_FIELD_NAMES,
    LocalPage,
    Problem,
    RemotePage,
    State,
    normalize_content,
    normalize_tags,
)
from wikisync.plan import plan
from wikisync.remote import Remote, in_scope
from wikisync.source import load_source, page_key, read_fields

__all__ = [
    "WIKIJS_FIELD_KEYS",
    "FieldKeys",
    "KeyAlias",
    "PullItem",
    "PullReport",
    "file_for_page",
    "flavor_field_keys",
    "merge_page_file",
    "negate",
    "page_file_text",
    "pull",
    "unsafe_file_path",
    "yaml_value",
]

PullAction = Literal["create", "update", "unchanged", "kept", "refused"]


def flavor_field_keys(flavor: Flavor) -> FieldKeys:
    """The header keys ``flavor`` reads each page field from, as pull writes them back.

    A value goes back into the key the file already uses (Hugo's ``draft`` holds ``not
    is_published``); where a flavor's aliases are fallbacks or a union (``title`` then
    ``linkTitle``; ``tags`` with ``keywords``), only the first key the file has is written.
    """
    fields: dict[str, tuple[KeyAlias, ...]] = {}
    first_only: set[str] = set()
    for name in PAGE_FIELD_NAMES:
        rule = flavor.fields.get(name)
        if rule is None:
            fields[name] = WIKIJS_FIELD_KEYS.aliases(name)
            continue
        fields[name] = tuple(
            KeyAlias(a.key, negate if a.convert == "not" else None) for a in rule.aliases
        )
        if rule.combine != "agree":
            first_only.add(name)
    return FieldKeys(fields, frozenset(first_only))


_MAX_NAME_BYTES = 255
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_YAML_NON_PRINTABLE = re.compile(  # what YAML cannot hold as it is, or reads as a line break
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    "\U00010000-\U0010ffff]"
)
_PLAIN_START = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_HTML_EDITORS = frozenset({"ckeditor", "code"})


# -- pure parts ------------------------------------------------------------------------------


def yaml_value(value: str) -> str:
    """``value`` as a YAML scalar that reads back as exactly this text.

    Plain when YAML (and Wiki.js's line reader) would read it unchanged, else
    double-quoted with JSON-style escapes; ``""`` is written as nothing (YAML null, which
    wikisync and Wiki.js read as empty).
    """
    if value == "":
        return ""
    if (
        _PLAIN_START.match(value)
        and value == value.strip()
        and ": " not in value
        and " #" not in value
        and not value.endswith(":")
        and not _CONTROL.search(value)
        and not _YAML_NON_PRINTABLE.search(value)
    ):
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    quoted = json.dumps(value, ensure_ascii=False)
    return _YAML_NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", quoted)


def _tags_text(tags: Iterable[str]) -> str:
    """Tags as Wiki.js writes them (``a, b``), or a JSON list when a tag holds a comma."""
    items = list(tags)
    if any("," in tag for tag in items):
        return json.dumps(items, ensure_ascii=False)
    return yaml_value(", ".join(items))


def _line_value(value: Any, *, raw: bool = False) -> str:
    """A header value in the one-line ``key: value`` form: YAML that reads back exactly,
    or with ``raw`` as Wiki.js's Git storage writes it (unquoted, read as it is)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (tuple, list)):
        return ", ".join(value) if raw else _tags_text(value)
    return str(value) if raw else yaml_value(str(value))


def _header_lines(page: RemotePage) -> list[str]:
    lines = [
        f"title: {yaml_value(page.title or '')}",
        f"description: {yaml_value(page.description or '')}",
        f"published: {'true' if page.is_published else 'false'}",
        f"tags: {_tags_text(page.tags or ())}",
        f"editor: {page.editor or 'markdown'}",
    ]
    if not page.is_published:
        lines.append("isPublished: false")
    if page.is_private:
        lines.append("private: true")
    for key, value in (
        ("publishStartDate", page.publish_start_date),
        ("publishEndDate", page.publish_end_date),
        ("scriptCss", page.script_css),
        ("scriptJs", page.script_js),
    ):
        if value:
            lines.append(f"{key}: {yaml_value(value)}")
    return [line.rstrip() for line in lines]


def page_file_text(page: RemotePage, content: str | None = None) -> str:
    """The file for a full page record: the header (see the module docstring) and content."""
    body = page.content if content is None else content
    assert body is not None, "a full page record is needed"
    lines = _header_lines(page)
    if (page.editor or "markdown") in _HTML_EDITORS:
        return "<!--\n" + "\n".join(lines) + "\n-->\n\n" + body
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body


# -- writing into a file that exists ---------------------------------------------------------

_MD_CLOSE = re.compile(r"^-{3,}\s*$")
_HTML_CLOSE = re.compile(r"^-->[ \t]*$")
_SEQ_ITEM = re.compile(r"^( *)- ")
_NESTED = re.compile(r"^( +)\S")


def _wiki_values(page: RemotePage) -> dict[str, Any]:
    """The page's fields as the wiki holds them, named as [`PageFields`][wikisync.model.PageFields] names them."""
    return {
        "title": page.title or "",
        "description": page.description or "",
        "tags": tuple(page.tags or ()),
        "is_published": page.is_published,
        "is_private": page.is_private,
        "editor": page.editor or "markdown",
        "publish_start_date": page.publish_start_date or "",
        "publish_end_date": page.publish_end_date or "",
        "script_css": page.script_css or "",
        "script_js": page.script_js or "",
    }


def _differences(page: RemotePage, local: LocalPage, config: Config) -> tuple[list[str], bool]:
    """``(fields to write, content differs)``: the fields ``plan`` finds changed, and those
    the file does not set while the wiki holds something other than what a new page gets."""
    compared = plan([local], [page], State(root=config.root), config.plan_options())
    changed = {name for change in compared.changes for name in change.fields}
    defaults = local.fields.for_create()
    wiki = _wiki_values(page)
    for name in PAGE_FIELD_NAMES:
        if getattr(local.fields, name) is not None:
            continue
        default = defaults[name]
        if name == "tags":
            same = normalize_tags(default) == normalize_tags(wiki[name])
        else:
            same = wiki[name] == default
        if not same:
            changed.add(name)
    return [n for n in PAGE_FIELD_NAMES if n in changed], "content" in changed


def _indents(lines: list[str]) -> tuple[int, int, int]:
    """``(mapping, sequence, offset)`` indentation that ``lines`` use (YAML block style)."""
    mapping, offset = 2, 2
    for line in lines[1:]:
        item = _SEQ_ITEM.match(line)
        if item:
            offset = len(item.group(1))
            break
        nested = _NESTED.match(line)
        if nested:
            mapping = len(nested.group(1))
            break
    return mapping, max(offset + 2, 2), offset


def _key_ranges(data: CommentedMap, count: int, lines: list[str]) -> dict[str, tuple[int, int]]:
    """Line span ``[start, end)`` of each top-level key: to the next key, trailing blanks cut."""
    starts = sorted((int(data.lc.key(key)[0]), str(key)) for key in data)
    ranges: dict[str, tuple[int, int]] = {}
    for index, (start, key) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else count
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        ranges[key] = (start, end)
    return ranges


def _round_trip_yaml(mapping: int = 2, sequence: int = 4, offset: int = 2) -> YAML:
    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.width = 1_000_000  # never fold a long value onto a second line
    rt.indent(mapping=mapping, sequence=sequence, offset=offset)
    return rt


def _yaml_file_value(name: str, value: Any, old: Any) -> Any:
    """``value`` as the round-trip YAML value to store, in the form ``old`` has."""
    if name == "tags":
        tags = list(value)
        if isinstance(old, str) and not any("," in tag for tag in tags):
            return ", ".join(tags)
        seq = CommentedSeq(tags)
        if isinstance(old, CommentedSeq) and not old.fa.flow_style():
            seq.fa.set_block_style()
        else:
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        if isinstance(old, ScalarString) and "\n" not in value:
            return type(old)(value)
        return DoubleQuotedScalarString(value) if yaml_value(value).startswith('"') else value
    return value


def _merge_yaml_header(
    header: list[str], names: list[str], wiki: Mapping[str, Any], keys: FieldKeys
) -> list[str] | None:
    """``header`` (the YAML lines) with the ``names`` fields set to the wiki's values.

    Only the lines of the keys that change are replaced (by what the round-trip YAML
    writer makes of them, comments kept); every other line stays as it is.
    """
    rt = _round_trip_yaml()
    try:
        data = rt.load("\n".join(header))
    except RoundTripError:
        return None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        return None
    original = _key_ranges(data, len(header), header)
    edited: list[str] = []
    for name in names:
        for alias in keys.keys_in(name, set(map(str, data))):
            new = alias.file_value(wiki[name])
            data[alias.key] = _yaml_file_value(name, new, data.get(alias.key))
            edited.append(alias.key)
    out = list(header)
    added: list[str] = []
    replaced: list[tuple[int, int, list[str]]] = []
    for key in dict.fromkeys(edited):
        span = original.get(key)
        own = header[span[0] : span[1]] if span else header
        stream = io.StringIO()
        _round_trip_yaml(*_indents(own)).dump(data, stream)
        dumped = stream.getvalue().rstrip("\n").split("\n")
        block_start, block_end = _key_ranges(rt.load(stream.getvalue()), len(dumped), dumped)[key]
        block = dumped[block_start:block_end]
        if span is None:
            added.extend(block)
        else:
            replaced.append((span[0], span[1], block))
    for start, end, block in sorted(replaced, reverse=True):
        out[start:end] = block
    tail: list[str] = []
    while out and not out[-1].strip():
        tail.insert(0, out.pop())  # blank lines before the closing line stay last
    return out + added + tail


def _merge_line_header(
    prefix: list[str],
    values: Mapping[str, Any],
    names: list[str],
    wiki: Mapping[str, Any],
    keys: FieldKeys,
    close: int,
    raw: bool,
) -> list[str]:
    """Wiki.js's ``key: value`` header lines (``prefix``, file lines from 1) with the
    ``names`` fields set, one line each; new keys go before the closing line."""
    out = list(prefix)
    added: list[str] = []
    for name in names:
        for alias in keys.keys_in(name, set(values)):
            value = _line_value(alias.file_value(wiki[name]), raw=raw)
            line = f"{alias.key}: {value}".rstrip()
            if alias.key in values:
                out[values[alias.key].line - 1] = line
            else:
                added.append(line)
    return out[:close] + added + out[close:]


def merge_page_file(
    text: str,
    page: RemotePage,
    content: str,
    local: LocalPage,
    config: Config,
    *,
    keys: FieldKeys | None = None,
    flavor: ActiveFlavor | None = None,
) -> str | None:
    """The file ``text`` with only what differs from the wiki's ``page`` written into it.

    A field the wiki holds goes into the key the file already uses for it (``keys``
    names them; default: the mapping of ``flavor``); every other key, their order, comments and the body are kept. The body
    becomes ``content`` only when the page's content differs. ``local`` is what
    ``text`` loads as. ``None`` when the header cannot be edited in place (a Wiki.js 1.x
    header, or YAML the round-trip reader refuses): then the whole file is written anew.
    """
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    crlf = "\r\n" in text
    text = text[len(bom) :].replace("\r\n", "\n")
    html = local.source.lower().endswith(".html")
    header = parse_page_text(text, html=html)
    if header.errors:
        return None
    active = (
        flavor if flavor is not None else ActiveFlavor(DEFAULT_FLAVOR, Site(origin="wikisync.yml"))
    )
    if keys is None:
        keys = flavor_field_keys(active.flavor)
    names, content_changed = _differences(page, local, config)
    for _ in range(2):
        result = _merged_text(text, header, page, content, local, config, keys, names, active)
        if result is None:
            return None
        if not names and not content_changed:
            break
        missing = _unread(result, page, local, config, names, keys, active)
        if missing is None:
            return None
        if not missing:
            break
        # New content can change what a field falls back to (a title from the first
        # heading): write those fields too, then check again.
        names = [n for n in PAGE_FIELD_NAMES if n in {*names, *missing}]
    else:
        return None
    return bom + (result.replace("\n", "\r\n") if crlf else result)


def _merged_text(
    text: str,
    header: Header,
    page: RemotePage,
    content: str,
    local: LocalPage,
    config: Config,
    keys: FieldKeys,
    names: list[str],
    flavor: ActiveFlavor,
) -> str | None:
    html = local.source.lower().endswith(".html")
    content_changed = normalize_content(page.content or "") != local.content
    wiki = _wiki_values(page)
    body = header.content
    prefix_text = text[: len(text) - len(body)]
    if header.kind == "none":
        if content_changed:
            body = content
        if names:  # a new header with only the values that differ
            lines = [f"{keys.aliases(n)[0].key}: {_line_value(wiki[n])}".rstrip() for n in names]
            opening, closing = ("<!--", "-->") if html else ("---", "---")
            prefix_text = "\n".join([opening, *lines, closing]) + "\n\n"
            body = body.lstrip("\n")
    elif header.kind in ("yaml", "html-comment", "wikijs-lines"):
        lines = prefix_text.split("\n")
        closing_line = _HTML_CLOSE if html else _MD_CLOSE
        close = max(i for i, line in enumerate(lines) if i > 0 and closing_line.match(line))
        head = lines[: close + 1]
        body = text[len("\n".join(head)) :]  # from the newline that ends the closing line
        if content_changed:  # one blank line after the header, or as many as there were
            leading = len(body) - len(body.lstrip("\n"))
            body = "\n" * max(leading, 2) + content
        prefix_text = "\n".join(head)
        if names and header.kind == "wikijs-lines":
            # As Wiki.js writes it if that reads back the same, else quoted where needed.
            for raw in (True, False):
                edited = _merge_line_header(head, header.values, names, wiki, keys, close, raw)
                prefix_text = "\n".join(edited)
                if _unread(prefix_text + body, page, local, config, names, keys, flavor) == []:
                    break
            else:
                return None
        elif names:
            merged = _merge_yaml_header(head[1:close], names, wiki, keys)
            if merged is None:
                return None
            prefix_text = "\n".join([head[0], *merged, head[close]])
    else:
        return None
    return prefix_text + body


def _unread(
    text: str,
    page: RemotePage,
    local: LocalPage,
    config: Config,
    names: list[str],
    keys: FieldKeys,
    flavor: ActiveFlavor,
) -> list[str] | None:
    """The fields wikisync would read from ``text`` otherwise than the wiki's ``page``
    holds them (``None``: the text does not load). Checked by the reader of
    [`wikisync.source`][wikisync.source], so a field written into a key only ``keys`` knows (not one of
    Wiki.js's) is trusted to its converter."""
    html = local.source.lower().endswith(".html")
    header = parse_page_text(text, html=html)
    problems: list[Problem] = []
    fields = read_fields(local.source, header, local.path, html, problems, flavor)
    if header.errors or fields is None:
        return None
    candidate = replace(local, fields=fields, content=normalize_content(page.content or ""))
    differing, _ = _differences(page, candidate, config)
    present = set(header.values)
    return [
        name
        for name in differing
        if name not in names
        or {a.key for a in keys.keys_in(name, present)}
        <= {a.key for a in WIKIJS_FIELD_KEYS.aliases(name)}
    ]


def unsafe_file_path(rel: str) -> str | None:
    """Why the relative path ``rel`` must not be written, or ``None`` when it is safe."""
    if not rel:
        return "the file name is empty"
    if rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
        return "it is an absolute path"
    if "\\" in rel:
        return "it contains a backslash"
    if _CONTROL.search(rel):
        return "it contains NUL or control characters"
    invisible = unsafe_name_character(rel)
    if invisible is not None:
        return invisible.replace("; rename the file", "")
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            shown = part or "an empty"
            return f"it has a {shown!r} segment" if part else "it has an empty segment ('//')"
        if len(part.encode("utf-8")) > _MAX_NAME_BYTES:
            return f"a file or folder name is over {_MAX_NAME_BYTES} bytes"
        if _WINDOWS_RESERVED.match(part):
            return f"{part!r} is a name Windows reserves for a device"
        if part.endswith((".", " ")):
            return f"{part!r} ends in a dot or a space"
    return None


def _page_extension(page: RemotePage) -> str | None:
    editor = page.editor or ("markdown" if page.content_type == "markdown" else None)
    if editor == "markdown":
        return ".md"
    if editor in _HTML_EDITORS:
        return ".html"
    return None


def file_for_page(page: RemotePage, config: Config) -> tuple[str | None, str]:
    """The file a page becomes by the inverse of the usual mapping: ``(file, "")``, or
    ``(None, reason)`` when no file maps back to it."""
    extension = _page_extension(page)
    if extension is None:
        return (
            None,
            f"pages written with the {page.editor or page.content_type} editor have no file form wikisync reads",
        )
    root = config.root
    if page.path == root or (not root and page.path == "home"):
        rest = "index" if root else "home"
    elif root and page.path.startswith(root + "/"):
        rest = page.path[len(root) + 1 :]
    elif not root:
        rest = page.path
    else:
        return None, f"it is outside root {root!r}"
    if page.locale != config.locale:
        if page.locale not in config.all_locales:
            return None, (
                f"its locale {page.locale!r} is not in `locales` of wikisync.yml; add it to "
                "pull this page"
            )
        rest = f"{page.locale}/{rest}"
    return rest + extension, ""


def _check_file(
    file: str,
    page: RemotePage,
    config: Config,
    keys: Mapping[str, tuple[str, str]] | None = None,
) -> str | None:
    unsafe = unsafe_file_path(file)
    if unsafe is not None:
        return unsafe
    key = (keys or {}).get(file) or page_key(file, config)
    if key != page.key:
        mapped = "/".join(key)
        return f"{file} would map back to /{mapped}, not to this page"
    if not config.is_included(file):
        return f"{file} is left out by include/exclude in wikisync.yml"
    from wikijs import validate_path  # the server's and the UI's path rules

    problems = validate_path(page.path)
    if problems:
        return f"the wiki's UI cannot open this path ({'; '.join(problems)})"
    return None


def _display(locale: str, path: str) -> str:
    """A page as shown in messages: control characters escaped, very long paths cut."""
    return _display_path(f"/{locale}/{path}")


def _display_path(text: str) -> str:
    escaped = shown(text)
    if len(escaped) > 120:
        escaped = f"{escaped[:100]}... ({len(text.encode('utf-8'))} bytes)"
    return escaped


# -- the local directory -------------------------------------------------------------------


@dataclass
class _Local:
    """What the content directory holds now (regular files and folders, no hidden ones)."""

    base: Path
    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)

    @classmethod
    def scan(cls, base: Path) -> _Local:
        local = cls(base)
        if not base.is_dir():
            return local
        stack = [""]  # an explicit stack: a tree of any depth, no recursion
        while stack:
            rel_top = stack.pop()
            prefix = rel_top + "/" if rel_top else ""
            try:
                entries = sorted(
                    os.scandir(base / rel_top if rel_top else base), key=lambda e: e.name
                )
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                try:
                    is_dir = entry.is_dir()  # as os.walk: a link to a folder is a folder,
                    descend = is_dir and not entry.is_symlink()  # not walked into
                except OSError:
                    continue
                if is_dir:
                    local.folders.add(rel)
                    if descend:
                        stack.append(rel)
                else:
                    local.files.add(rel)
        return local


# -- the pull --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PullItem:
    """One page (or asset file) and what the pull does (or did) with it.

    ``action`` is ``create`` (a new file), ``update`` (a file with other content),
    ``unchanged``, ``kept`` (a local file with changes git does not hold, not overwritten
    without ``force``) or ``refused`` (``reason`` says why; nothing written). For
    ``kind="asset"`` (a managed asset a pulled page links to, missing locally) ``path``
    is the served path and ``locale`` is empty.
    """

    locale: str
    path: str
    page_id: int
    file: str | None
    action: PullAction
    reason: str = ""
    text: str | None = field(default=None, repr=False)
    kind: Literal["page", "asset"] = "page"

    @property
    def where(self) -> str:
        """What is pulled, as shown in messages (control characters escaped, long cut)."""
        if self.kind == "asset":
            return _display_path("/" + self.path)
        return _display(self.locale, self.path)


@dataclass(frozen=True)
class PullReport:
    """What a pull wrote (or, with ``dry_run``, would write)."""

    items: tuple[PullItem, ...]
    notes: tuple[str, ...] = ()
    dry_run: bool = False

    def count(self, action: PullAction) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def ok(self) -> bool:
        return not self.count("refused") and not self.count("kept")

    def summary_line(self) -> str:
        written = self.count("create") + self.count("update")
        verb = "would write" if self.dry_run else "written"
        head = "Pull (dry run):" if self.dry_run else "Pull complete!"
        return (
            f"{head} {written} {verb}, {self.count('unchanged')} unchanged, "
            f"{self.count('kept')} kept, {self.count('refused')} refused."
        )


def _choose_files(
    pages: Iterable[RemotePage],
    state: State,
    config: Config,
    local: _Local,
    keys: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[dict[int, str], list[PullItem]]:
    """A file for every page that can have one; refusals for the others.

    ``keys`` maps the directory's page files to the pages they hold as loaded (so the
    flavor's rules, such as ``slug``, apply); other files map by their name."""
    keys = keys or {}
    local_keys: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rel in sorted(local.files):
        if rel in keys:
            local_keys[keys[rel]].append(rel)
        elif rel.lower().endswith(PAGE_EXTENSIONS) and config.is_included(rel):
            local_keys[page_key(rel, config)].append(rel)
    files: dict[int, str] = {}
    refused: list[PullItem] = []
    for page in pages:
        candidates: list[str] = []
        existing = local_keys.get(page.key, [])
        if len(existing) == 1:
            candidates.append(existing[0])
        entry = state.pages.get(page.id)
        if entry is not None:
            candidates.append(entry.source)
        derived, why = file_for_page(page, config)
        if derived is not None:
            candidates.append(derived)
        reason = why or "no file name fits this page"
        for candidate in candidates:
            problem = _check_file(candidate, page, config, keys)
            if problem is None:
                files[page.id] = candidate
                break
            reason = problem
        else:
            refused.append(PullItem(page.locale, page.path, page.id, None, "refused", reason))
    return files, refused


def _case_collisions(files: Mapping[int, str], local: _Local) -> dict[int, str]:
    """Pages whose file (or one of its folders) differs from another only in case or
    Unicode normalisation (``café`` precomposed and decomposed)."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for rel in (*local.files, *local.folders, *files.values()):
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            spellings[name_key(prefix)].add(prefix)
    out: dict[int, str] = {}
    for page_id, rel in files.items():
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            twins = sorted(spellings[name_key(prefix)] - {prefix})
            if twins:
                same_letters = all(t.casefold() == prefix.casefold() for t in twins)
                how = "case" if same_letters else "case or Unicode normalisation"
                out[page_id] = (
                    f"{prefix} and {', '.join(twins)} differ only in {how} (one file on Windows and macOS)"
                )
                break
    return out


def _with_relative_links(
    page: RemotePage,
    file: str,
    files_by_key: Mapping[tuple[str, str], str],
    assets: Mapping[str, str],
    config: Config,
    exists: set[str],
    folders: set[str],
) -> tuple[str, str | None]:
    """The content to write, and a note when reading it back would not give the wiki's."""
    assert page.content is not None
    html = file.lower().endswith(".html")
    keys_by_file = {f: k for k, f in files_by_key.items()}
    folder = config.assets_folder

    def forward(text: str) -> str:
        return rewrite_links(
            text,
            source=file,
            pages=keys_by_file,
            asset_url=lambda rel: default_asset_url(rel, folder),
            file_exists=lambda rel: rel in exists,
            dir_exists=lambda rel: rel in folders,
            html=html,
        ).content

    wanted = normalize_content(page.content)
    converted = to_relative_links(
        page.content,
        page.path,
        page.locale,
        pages=files_by_key,
        locales=config.all_locales,
        default_locale=config.locale,
        source=file,
        html=html,
        assets=assets,
    )
    if converted != page.content and normalize_content(forward(converted)) == wanted:
        return converted, None
    if normalize_content(forward(page.content)) == wanted:
        return page.content, None
    return page.content, (
        f"{file}: a relative link in this page would be rewritten on the next plan, which "
        "will then show it as changed"
    )


def _known_assets(state: State, files: set[str], config: Config) -> dict[str, str]:
    """Served asset paths that a local file stands for (so links can point to it)."""
    found: dict[str, set[str]] = defaultdict(set)
    for entry in state.assets.values():
        if entry.source in files:
            found[entry.path].add(entry.source)
    for rel in files:
        if rel.lower().endswith(PAGE_EXTENSIONS) or rel == "wikisync.yml":
            continue
        path = default_asset_url(rel, config.assets_folder).lstrip("/").replace("%20", " ")
        found[path].add(rel)
    return {path: next(iter(files)) for path, files in found.items() if len(files) == 1}


def _write_atomic(base: Path, rel: str, data: bytes) -> None:
    """Write ``base/rel`` through a temporary file in the same folder and a rename."""
    target = base / rel
    parent = target.parent
    _make_folders_inside(base, rel)
    if target.is_symlink():
        raise OSError(f"{rel}: is a symbolic link; not written through")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:64]}.", suffix=".wikisync-tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _make_folders_inside(base: Path, rel: str) -> None:
    """Create the folders of ``base/rel`` one at a time, each checked to be inside ``base``
    before anything is created in it: a symbolic link leading out is refused before a
    folder could be made on the other side."""
    base.mkdir(parents=True, exist_ok=True)
    base_real = os.path.realpath(base)
    folder = base
    for name in rel.split("/")[:-1]:
        folder = folder / name
        if os.path.lexists(folder):
            real = os.path.realpath(folder)
            if real != base_real and not real.startswith(base_real + os.sep):
                raise OSError(
                    f"{rel}: its folder leads outside {base} (symbolic link); not written"
                )
            if not os.path.isdir(folder):
                raise OSError(f"{rel}: {folder.relative_to(base).as_posix()} is not a folder")
            continue
        folder.mkdir()


def _linked_paths(pages: Iterable[RemotePage]) -> set[str]:
    """Absolute link targets in the pages' content, as paths without ``/``, query or anchor."""
    found: set[str] = set()
    for page in pages:
        html = (page.editor or "") in _HTML_EDITORS
        for _, _, destination in iter_link_destinations(page.content or "", html=html):
            target = destination.strip()
            if target.startswith("/") and not target.startswith("//"):
                cut = re.split(r"[?#]", target, maxsplit=1)[0]
                found.add(unquote(cut).strip("/"))
    return found


def _assets_to_fetch(
    pages: Iterable[RemotePage], state: State, local: _Local, taken: Iterable[str]
) -> tuple[list[PullItem], list[PullItem]]:
    """Managed assets the pages link to whose files the directory lacks: (fetch, refused)."""
    linked = _linked_paths(pages)
    taken_folded = {rel.casefold() for rel in (*local.files, *local.folders, *taken)}
    fetch: list[PullItem] = []
    refused: list[PullItem] = []
    for path, entry in sorted(state.assets.items()):
        if path not in linked or entry.source in local.files:
            continue
        item = PullItem("", path, 0, entry.source, "create", kind="asset")
        problem = unsafe_file_path(entry.source)
        if problem is None and entry.source.casefold() in taken_folded:
            problem = f"{entry.source} differs only in case from another file"
        if problem is not None:
            refused.append(replace(item, file=None, action="refused", reason=problem))
            continue
        taken_folded.add(entry.source.casefold())
        fetch.append(item)
    return fetch, refused


def pull(
    directory: str | os.PathLike[str],
    remote: Remote,
    config: Config,
    *,
    all_pages: bool = False,
    force: bool = False,
    dry_run: bool = False,
    keys: FieldKeys | None = None,
) -> PullReport:
    """Write the managed pages (``all_pages``: every page under ``root``) into ``directory``.

    Reads one page list, the state and the selected pages' full records; writes nothing
    when ``dry_run``. ``keys`` says which header key holds each field in files that
    exist (default: the active flavor's mapping, [`flavor_field_keys`][wikisync.pull.flavor_field_keys]).
    See the module docstring for names, format and safety rules.
    """
    base = Path(directory)
    notes: list[str] = []
    snapshot = remote.snapshot()
    state = snapshot.loaded.state
    if snapshot.loaded.problem:
        notes.append(f"ignoring the stored state ({snapshot.loaded.problem})")
    listed = [p for p in snapshot.pages if in_scope(p.path, config.root)]
    chosen = listed if all_pages else [p for p in listed if p.id in state.pages]
    if not all_pages and not chosen:
        notes.append(
            "wikisync manages no pages under this root yet; use --all to pull every page under it"
        )
    full = remote.fetch_full(p.id for p in chosen)
    pages = [full[p.id] for p in chosen if p.id in full]
    missing = [p for p in chosen if p.id not in full]
    for page in missing:
        notes.append(f"{_display(page.locale, page.path)} could not be read; not pulled")

    local = _Local.scan(base)
    current, flavor = _current_pages(base, config)
    if keys is None:
        keys = flavor_field_keys(flavor.flavor if flavor is not None else DEFAULT_FLAVOR)
    loaded_keys = {rel: p.key for rel, p in current.items()}
    files, items = _choose_files(pages, state, config, local, loaded_keys)
    for page_id, reason in _case_collisions(files, local).items():
        page = full[page_id]
        items.append(
            PullItem(page.locale, page.path, page.id, files.pop(page_id), "refused", reason)
        )
    by_id = {p.id: p for p in pages}
    fetch, refused_assets = _assets_to_fetch(
        (by_id[i] for i in files), state, local, files.values()
    )
    items.extend(refused_assets)

    files_by_key: dict[tuple[str, str], str] = {}
    for rel in sorted(local.files):
        if rel in loaded_keys:
            files_by_key.setdefault(loaded_keys[rel], rel)
        elif rel.lower().endswith(PAGE_EXTENSIONS) and config.is_included(rel):
            files_by_key.setdefault(page_key(rel, config), rel)
    for page_id, rel in files.items():
        files_by_key[by_id[page_id].key] = rel
    fetched = {item.file for item in fetch if item.file}
    exists = set(local.files) | set(files.values()) | fetched
    folders = set(local.folders)
    for rel in (*files.values(), *fetched):
        parts = rel.split("/")[:-1]
        folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    assets = _known_assets(state, exists, config)

    repo = open_repo(base) if base.is_dir() else None
    dirty = repo.dirty(r for r in files.values() if r in local.files) if repo else frozenset()
    for page_id, rel in sorted(files.items(), key=lambda kv: kv[1]):
        page = by_id[page_id]
        content, note = _with_relative_links(
            page, rel, files_by_key, assets, config, exists, folders
        )
        if note:
            notes.append(note)
        text = page_file_text(page, content)
        item = PullItem(page.locale, page.path, page.id, rel, "create", text=text)
        target = base / rel
        if rel in local.files or target.exists() or target.is_symlink():
            if target.is_symlink() or not target.is_file():
                items.append(replace(item, action="refused", reason=f"{rel} is not a regular file"))
                continue
            existing = target.read_bytes()
            merged = _merged(existing, page, content, current.get(rel), config, keys, flavor)
            if merged is not None:
                text = merged
                item = replace(item, text=text)
            elif _same_as_file(page, current.get(rel), config):
                text = existing.decode("utf-8", errors="surrogateescape")
            if existing == text.encode("utf-8", errors="surrogateescape"):
                items.append(replace(item, action="unchanged"))
                continue
            if not force and (repo is None or rel in dirty):
                why = (
                    "has changes git does not hold (modified or untracked)"
                    if repo is not None
                    else "exists with other content and is not in a git repository"
                )
                items.append(
                    replace(item, action="kept", reason=f"{rel} {why}; use --force to overwrite it")
                )
                continue
            item = replace(item, action="update")
        items.append(item)
    items.extend(fetch)

    if not dry_run:
        items = [_write_item(base, item, remote) for item in items]
    items.sort(key=lambda i: (i.kind, i.file or "", i.path, i.locale))
    return PullReport(tuple(items), tuple(notes), dry_run)


def _merged(
    existing: bytes,
    page: RemotePage,
    content: str,
    local: LocalPage | None,
    config: Config,
    keys: FieldKeys,
    flavor: ActiveFlavor | None,
) -> str | None:
    """The existing file with the wiki's changes written into it (see
    [`merge_page_file`][wikisync.pull.merge_page_file]), or ``None`` when it must be written anew."""
    if local is None or local.key != page.key:
        return None
    try:
        text = existing.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return merge_page_file(text, page, content, local, config, keys=keys, flavor=flavor)


def _current_pages(base: Path, config: Config) -> tuple[dict[str, LocalPage], ActiveFlavor | None]:
    """The pages the directory's files hold now, by file (nothing for a new directory),
    and the flavor they were read with."""
    if not base.is_dir():
        return {}, None
    try:
        result = load_source(base, config)
    except SourceError:
        return {}, None
    return {p.source: p for p in result.pages}, result.flavor


def _same_as_file(page: RemotePage, local: LocalPage | None, config: Config) -> bool:
    """Whether ``wikisync plan`` would find the file and the page equal (so the file, in
    whatever form it was written, is left as it is)."""
    if local is None or local.key != page.key:
        return False
    compared = plan([local], [page], State(root=config.root), config.plan_options())
    return not compared.changes


def _write_item(base: Path, item: PullItem, remote: Remote) -> PullItem:
    if item.action not in ("create", "update") or not item.file:
        return item
    try:
        if item.kind == "asset":
            data = remote.download_asset(item.path)
        else:
            assert item.text is not None
            data = item.text.encode("utf-8")
        _write_atomic(base, item.file, data)
    except (OSError, WikiJSError) as exc:
        return replace(item, action="refused", reason=str(exc))
    return item
