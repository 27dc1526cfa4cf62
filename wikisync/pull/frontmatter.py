"""A page's fields written into a file's header: new headers, and merges into existing ones.

A new file gets a header Wiki.js's Git storage also reads, values quoted whenever YAML
would read them differently. An existing file keeps its keys, their order, comments and
quoting: only the values that differ from the wiki's change, each in the key the file
already uses for it ([`FieldKeys`][wikisync.pull.frontmatter.FieldKeys]; the active
flavor's keys), and the body is replaced only when the content differs.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RoundTripError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

from wikisync.local.config import Config
from wikisync.local.flavors import DEFAULT_FLAVOR, ActiveFlavor, Site
from wikisync.local.flavors.base import Flavor
from wikisync.local.frontmatter import (
    WIKIJS_FIELD_KEYS,
    FieldKeys,
    Header,
    KeyAlias,
    negate,
    parse_page_text,
)
from wikisync.local.source import read_fields
from wikisync.plan.model import (
    PAGE_FIELD_NAMES,
    LocalPage,
    Problem,
    RemotePage,
    State,
    normalize_content,
    normalize_tags,
)
from wikisync.plan.pages import plan


def flavor_field_keys(flavor: Flavor) -> FieldKeys:
    """The header keys ``flavor`` reads each page field from, as pull writes them back.

    A value goes back into the key the file already uses (Hugo's ``draft`` holds ``not
    is_published``); where a flavor's aliases are fallbacks or a union (``title`` then
    ``linkTitle``), only the first key the file has is written; where they are a union
    (``tags`` with ``keywords``), each key the file has keeps its own values.
    """
    fields: dict[str, tuple[KeyAlias, ...]] = {}
    first_only: set[str] = set()
    union: set[str] = set()
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
        if rule.combine == "union":
            union.add(name)
    return FieldKeys(fields, frozenset(first_only), frozenset(union))


def _listed(value: Any) -> list[str]:
    """A tag list as a header holds it (a list, or Wiki.js's ``"a, b"`` string)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(t).strip() for t in items if str(t).strip()]


def _field_values(
    name: str,
    aliases: Sequence[KeyAlias],
    wiki: Mapping[str, Any],
    keys: FieldKeys,
    old: Callable[[str], Any],
) -> list[tuple[KeyAlias, Any]]:
    """The value to write into each of ``aliases`` (the keys of ``name`` the file has),
    leaving out keys whose value stays as it is.

    A union field (tags read from ``tags`` and ``keywords``) is split back: every key but
    the first keeps those of its values the wiki still has, and the first key holds the
    rest (its own values first, in their order), so that no value is written into two
    keys. ``old(key)`` is a key's value now.
    """
    if name not in keys.union or len(aliases) < 2:
        return [(a, a.file_value(wiki[name])) for a in aliases]
    wanted = {t.strip().lower(): t for t in wiki[name]}
    held: set[str] = set()
    parts: dict[str, list[str]] = {}
    for alias in (*aliases[1:], aliases[0]):  # the first key last: it takes the rest
        kept = []
        for tag in _listed(old(alias.key)):
            norm = tag.strip().lower()
            if norm in wanted and norm not in held:
                kept.append(tag)
                held.add(norm)
        parts[alias.key] = kept
    parts[aliases[0].key] += [t for n, t in wanted.items() if n not in held]
    return [
        (alias, parts[alias.key])
        for alias in aliases
        if normalize_tags(parts[alias.key]) != normalize_tags(_listed(old(alias.key)))
    ]


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
    """The page's fields as the wiki holds them, named as [`PageFields`][wikisync.plan.model.PageFields] names them."""
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
        aliases = keys.keys_in(name, set(map(str, data)))
        for alias, new in _field_values(name, aliases, wiki, keys, data.get):
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

    def old(key: str) -> Any:
        found = values.get(key)
        return found.raw if found is not None else None

    for name in names:
        aliases = keys.keys_in(name, set(values))
        for alias, new in _field_values(name, aliases, wiki, keys, old):
            value = _line_value(new, raw=raw)
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
        closing_line = _HTML_CLOSE if html and not _MD_CLOSE.match(lines[0]) else _MD_CLOSE
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
    [`wikisync.local.source`][wikisync.local.source], so a field written into a key only ``keys`` knows (not one of
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
