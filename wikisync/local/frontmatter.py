"""Front matter: split a page file into its header and content, and read the header safely.

Three header forms are understood, in this order:

1. A YAML block between ``---`` lines at the top of a Markdown file (detected and split with
   python-frontmatter's boundary rules). Wiki.js's Git storage writes its values unquoted,
   so ``title: A: B`` is not valid YAML; when strict YAML fails and every header line has
   Wiki.js's ``key: value`` shape, the header is read line by line instead (split on the
   first ``": "``), the way Wiki.js means it.
2. The same lines inside an HTML comment (``<!--`` ... ``-->``) at the top of an ``.html``
   file, or a YAML block between ``---`` lines there, as site generators write the front
   matter of their HTML pages.
3. Wiki.js 1.x headers: ``<!-- TITLE: ... -->`` and ``<!-- SUBTITLE: ... -->`` lines at the
   top of the file.

YAML is read with PyYAML's safe loader only. Anchors, aliases and merge keys (``<<: *x``)
are read, as the generators read them (``eventUrl: &url ...`` then ``*url``), within a
bound: aliases may stand for at most ``MAX_ALIAS_VALUES`` values in all (an alias bomb
makes a few hundred bytes expand to gigabytes), an alias may not name the collection it is
in, and nesting deeper than ``MAX_DEPTH`` (aliases counted as what they stand for) is
refused. ``wikisync.yml`` has no use for aliases: there they are refused.

[`FieldKeys`][wikisync.pull.write.FieldKeys] says which header keys hold each page field (with the value
converters between a key and its field); [`WIKIJS_FIELD_KEYS`][wikisync.pull.write.WIKIJS_FIELD_KEYS] is Wiki.js's own set.
``wikisync pull`` writes a wiki value back into the key the file already uses for it.

This module reads strings only; it never touches the filesystem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

__all__ = [
    "MAX_ALIAS_VALUES",
    "MAX_DEPTH",
    "WIKIJS_FIELD_KEYS",
    "FieldKeys",
    "Header",
    "HeaderValue",
    "KeyAlias",
    "YAMLSafetyError",
    "compose_yaml",
    "negate",
    "parse_page_text",
]

MAX_DEPTH = 8
"""Deepest nesting of lists and mappings accepted in a YAML document read by wikisync."""

MAX_ALIAS_VALUES = 1_000
"""Most values (scalars and collections) the aliases of one front matter may stand for."""

_MD_HANDLER = YAMLHandler()
_MD_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)  # python-frontmatter's FM_BOUNDARY
_WIKIJS_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*:(?: .*)?$")
_WIKIJS_WRITER_KEYS = frozenset(
    {"title", "description", "published", "date", "tags", "editor", "dateCreated"}
)
_WIKIJS_FINGERPRINT = frozenset({"date", "dateCreated", "editor"})
_LEGACY_START = re.compile(r"<!--\s*(TITLE|SUBTITLE):")
_HTML_OPEN = re.compile(r"^<!--[ \t]*$")
_HTML_CLOSE = re.compile(r"^-->[ \t]*$")


def negate(value: Any) -> Any:
    """``not value``: the converter of a key that says the opposite of its field (``draft``)."""
    return not value


@dataclass(frozen=True)
class KeyAlias:
    """One header key that holds a page field.

    ``to_file`` turns the field's value (as [`PageFields`][wikisync.plan.model.PageFields] holds
    it) into the value the key holds; ``None`` means the same value (Hugo's ``draft``
    holds ``not is_published``: [`negate`][wikisync.pull.write.negate]).
    """

    key: str
    to_file: Callable[[Any], Any] | None = None

    def file_value(self, value: Any) -> Any:
        return value if self.to_file is None else self.to_file(value)


@dataclass(frozen=True)
class FieldKeys:
    """Page field name (``title``, ``is_published`` ...) -> the header keys that hold it.

    The first alias of a field is the key written when a file has none of them. Plain
    data, so that each front-matter dialect can supply its own.
    """

    fields: Mapping[str, tuple[KeyAlias, ...]]
    first_only: frozenset[str] = frozenset()
    """Fields whose aliases are fallbacks (Hugo ``title`` then ``linkTitle``): only the
    first one a file has is written, the others keep their own values."""
    union: frozenset[str] = frozenset()
    """Fields read as the union of their keys (``tags`` with ``keywords``): every key the
    file has is written, each keeping its own values, so no value is held twice."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    def aliases(self, name: str) -> tuple[KeyAlias, ...]:
        return self.fields.get(name, ())

    def keys_in(self, name: str, present: Iterable[str]) -> tuple[KeyAlias, ...]:
        """The aliases of ``name`` among the ``present`` keys, else its first alias alone."""
        keys = set(present)
        found = tuple(a for a in self.aliases(name) if a.key in keys)
        if name in self.first_only and name not in self.union:
            found = found[:1]
        return found or self.aliases(name)[:1]


WIKIJS_FIELD_KEYS = FieldKeys(
    {
        "title": (KeyAlias("title"),),
        "description": (KeyAlias("description"),),
        "tags": (KeyAlias("tags"),),
        "is_published": (KeyAlias("published"), KeyAlias("isPublished")),
        "is_private": (KeyAlias("private"), KeyAlias("isPrivate")),
        "editor": (KeyAlias("editor"),),
        "publish_start_date": (KeyAlias("publishStartDate"),),
        "publish_end_date": (KeyAlias("publishEndDate"),),
        "script_css": (KeyAlias("scriptCss"),),
        "script_js": (KeyAlias("scriptJs"),),
    }
)
"""The header keys Wiki.js (and its Git storage) use for each page field."""


class YAMLSafetyError(ValueError):
    """A YAML document uses a construct wikisync refuses (an alias bomb, an alias where
    none is allowed, deep nesting)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class HeaderValue:
    """One header entry: the composed YAML node (or a raw string) and its 1-based line."""

    key: str
    line: int
    node: yaml.Node | None = None
    raw: str | None = None


@dataclass
class Header:
    """What ``parse_page_text`` found in a file.

    ``values`` maps header keys to their entries; ``content`` is the text after the header
    and ``content_line`` the 1-based line of the file where it starts. ``errors`` and
    ``warnings`` are ``(line, message)`` pairs.
    """

    content: str
    content_line: int = 1
    values: dict[str, HeaderValue] = field(default_factory=dict)
    kind: str = "none"  # none | yaml | wikijs-lines | html-comment | legacy-v1
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)


# libyaml's parser, when PyYAML was built with it, reads a header about 15 times faster
# than the pure-Python one. It is used only for documents it accepts; anything it refuses
# is read again with the pure-Python loader, so errors keep PyYAML's wording and lines.
_FAST_LOADER: type[yaml.SafeLoader] | None = getattr(yaml, "CSafeLoader", None)
_NOT_FAST = re.compile(r"[&*\t\r\x85\u2028\u2029]|(?:^|[\s\[{,])\?(?:\s|$)")


@dataclass
class _Open:
    """A collection being read: its anchor, how many values it holds (aliases counted as
    what they stand for), the depth it starts at and the deepest it reaches."""

    anchor: str | None
    values: int
    start: int
    deepest: int


def _check_events(text: str, line_offset: int, *, aliases: bool = False) -> None:
    """Refuse deep nesting and, unless ``aliases``, anchors and aliases, before anything
    is constructed; with ``aliases``, refuse what they would expand beyond the bounds."""
    depth = 0
    anchored: dict[str, tuple[int, int]] = {}  # anchor -> (values, depth it spans)
    expanded = 0
    stack: list[_Open] = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = (event.start_mark.line if event.start_mark else 0) + line_offset
        anchor = getattr(event, "anchor", None)
        if not aliases:
            if isinstance(event, yaml.AliasEvent):
                raise YAMLSafetyError("YAML aliases (*name) are not allowed", line)
            if anchor is not None:
                raise YAMLSafetyError("YAML anchors (&name) are not allowed", line)
        if isinstance(event, yaml.AliasEvent):
            if anchor not in anchored:
                raise YAMLSafetyError(
                    f"YAML alias *{anchor} names no anchor before it (or the collection "
                    "it is in), which is not allowed",
                    line,
                )
            values, span = anchored[anchor]
            expanded += values
            if expanded > MAX_ALIAS_VALUES:
                raise YAMLSafetyError(
                    f"YAML aliases standing for more than {MAX_ALIAS_VALUES:,} values are "
                    "not allowed (an alias bomb)",
                    line,
                )
            if depth + span > MAX_DEPTH:
                raise YAMLSafetyError(
                    f"YAML nested more than {MAX_DEPTH} levels deep is not allowed", line
                )
            if stack:
                stack[-1].values += values
                stack[-1].deepest = max(stack[-1].deepest, depth + span)
        elif isinstance(event, yaml.ScalarEvent):
            if anchor is not None:
                anchored[anchor] = (1, 0)
            if stack:
                stack[-1].values += 1
        elif isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YAMLSafetyError(
                    f"YAML nested more than {MAX_DEPTH} levels deep is not allowed", line
                )
            stack.append(_Open(anchor, 1, depth, depth))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            done = stack.pop()
            if done.anchor is not None:
                anchored[done.anchor] = (done.values, done.deepest - done.start + 1)
            if stack:
                stack[-1].values += done.values
                stack[-1].deepest = max(stack[-1].deepest, done.deepest)
            depth -= 1


def compose_yaml(text: str, *, line_offset: int = 0, aliases: bool = False) -> yaml.Node | None:
    """Compose ``text`` into a node tree with the safe loader, refusing unsafe constructs.

    ``line_offset`` is added to reported lines (0-based node marks become file lines).
    ``aliases`` allows anchors and aliases within the bounds (see the module docstring);
    an alias is the node of its anchor, shared, never copied. Raises ``YAMLSafetyError``
    or ``yaml.YAMLError``.
    """
    if _FAST_LOADER is not None and not _NOT_FAST.search(text):
        # Without "&" and "*" there can be no anchor or alias, so the composed tree is a
        # tree (libyaml itself refuses nesting over 1000 levels); only its depth is left
        # to check. Tabs and Unicode line breaks, where libyaml and PyYAML disagree, and
        # anything libyaml refuses are read again the careful way below.
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass  # read again below, for PyYAML's own error and line
        else:
            # Only a mapping is worth having (other documents are errors, reported below
            # with PyYAML's lines).
            if isinstance(node, yaml.MappingNode) and _as_python_tree(node) <= MAX_DEPTH:
                return node
    _check_events(text, line_offset, aliases=aliases)
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _as_python_tree(node: yaml.Node | None) -> int:
    """Make a libyaml tree look like PyYAML's; return its nesting depth.

    libyaml marks plain scalars with style ``""``, PyYAML with ``None``.
    """
    deepest = 0
    stack: list[tuple[yaml.Node, int]] = [(node, 0)] if node is not None else []
    while stack:
        current, depth = stack.pop()
        if current.__class__ is yaml.ScalarNode:
            if current.style == "":
                current.style = None
            continue
        depth += 1
        deepest = max(deepest, depth)
        if current.__class__ is yaml.MappingNode:
            for key, value in current.value:
                if key.__class__ is yaml.ScalarNode and value.__class__ is yaml.ScalarNode:
                    if key.style == "":  # the usual case, a plain key: value, inline
                        key.style = None
                    if value.style == "":
                        value.style = None
                else:
                    stack.append((key, depth))
                    stack.append((value, depth))
        else:
            stack.extend((child, depth) for child in current.value)
    return deepest


def yaml_error_line(exc: yaml.YAMLError, line_offset: int) -> int | None:
    """The 1-based file line of a PyYAML error, when it has one."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return None
    return int(mark.line) + line_offset + 1


def yaml_error_text(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem:
        return f"{context} {problem}" if context else str(problem)
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _iter_lines(text: str, first_line: int) -> Iterator[tuple[int, str]]:
    for index, line in enumerate(text.split("\n")):
        yield first_line + index, line


def _parse_wikijs_lines(header: str, first_line: int) -> dict[str, HeaderValue] | None:
    """Read Wiki.js's ``key: value`` lines; ``None`` if the header does not have that shape."""
    values: dict[str, HeaderValue] = {}
    lines = [(n, s) for n, s in _iter_lines(header, first_line) if s.strip()]
    if not lines:
        return None
    for number, line in lines:
        if not _WIKIJS_LINE.match(line):
            return None
        key, _, value = line.partition(":")
        values[key] = HeaderValue(key=key, line=number, raw=value[1:] if value else "")
    # Only a header Wiki.js itself wrote gets this leniency: its writer always emits
    # these keys, and nothing else. A hand-written header with broken YAML is an error.
    if not set(values) <= _WIKIJS_WRITER_KEYS or not _WIKIJS_FINGERPRINT & set(values):
        return None
    return values


def _read_header(header: str, first_line: int, result: Header, *, allow_lines: bool) -> None:
    """Fill ``result.values`` from a YAML (or Wiki.js line-based) header text.

    ``first_line`` is the 1-based file line of the header's first line.
    """
    try:
        node = compose_yaml(header, line_offset=first_line, aliases=True)
        if isinstance(node, yaml.MappingNode) and any(k.value == "<<" for k, _ in node.value):
            yaml.SafeLoader("").flatten_mapping(node)  # merge keys: ``<<: *defaults``
    except YAMLSafetyError as exc:
        result.errors.append((exc.line, f"front matter: {exc.message}"))
        return
    except yaml.YAMLError as exc:
        fallback = _parse_wikijs_lines(header, first_line) if allow_lines else None
        if fallback is not None:
            result.values = fallback
            result.kind = "wikijs-lines"
            return
        line = yaml_error_line(exc, first_line - 1)
        result.errors.append((line, f"front matter is not valid YAML: {yaml_error_text(exc)}"))
        return
    if node is None:
        return
    if not isinstance(node, yaml.MappingNode):
        result.errors.append(
            (node.start_mark.line + first_line, "front matter must be a mapping of key: value")
        )
        return
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            result.errors.append(
                (key_node.start_mark.line + first_line, "front matter keys must be plain names")
            )
            continue
        key = str(key_node.value)
        line = key_node.start_mark.line + first_line
        if key in result.values:
            result.errors.append((line, f"front matter key {key!r} is set twice"))
            continue
        result.values[key] = HeaderValue(key=key, line=line, node=value_node)


def _split_markdown(text: str) -> tuple[str, str, int, int] | None:
    """``(header, content, header_first_line, content_first_line)`` or ``None``."""
    if not _MD_HANDLER.detect(text):
        return None
    try:
        header, content = _MD_HANDLER.split(text)
    except ValueError:
        return None
    # Line numbers: the header starts right after the opening boundary (its first "line"
    # is the rest of the boundary line), and the content is a suffix of ``text``.
    opening = _MD_BOUNDARY.match(text)
    header_start = opening.end() if opening else 0
    header_line = text[:header_start].count("\n") + 1
    content_line = text[: len(text) - len(content)].count("\n") + 1
    return header, content, header_line, content_line


def _split_html_comment(text: str) -> tuple[str, str, int, int] | None:
    lines = text.split("\n")
    if not lines or not _HTML_OPEN.match(lines[0]):
        return None
    for index in range(1, len(lines)):
        if _HTML_CLOSE.match(lines[index]):
            header = "\n".join(lines[1:index])
            content = "\n".join(lines[index + 1 :])
            return header, content, 2, index + 2
    return None


def _legacy_line(line: str) -> tuple[str, str] | None:
    """``<!-- TITLE: x -->`` as ``("title", "x")`` (``SUBTITLE`` is the description), or
    ``None``. Read by hand after the key, in one pass over the line."""
    start = _LEGACY_START.match(line)
    if start is None:
        return None
    rest = line[start.end() :].rstrip()
    if not rest.endswith("-->"):
        return None
    value = rest[:-3]
    if value[:1].isspace():
        value = value[1:]
    key = "title" if start.group(1) == "TITLE" else "description"
    return key, value.rstrip()


def _split_legacy(text: str, result: Header) -> str | None:
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        legacy = _legacy_line(lines[index])
        if legacy is None:
            break
        key, raw = legacy
        result.values[key] = HeaderValue(key=key, line=index + 1, raw=raw)
        index += 1
    if index == 0:
        return None
    result.content_line = index + 1
    return "\n".join(lines[index:])


def parse_page_text(text: str, *, html: bool = False) -> Header:
    """Split ``text`` (already LF-normalised) into header values and content.

    ``html`` selects the ``<!-- -->`` header form of ``.html`` files (which may also start
    with a ``---`` block, as generators' HTML pages do). A file with no header yields
    ``Header(content=text)``.
    """
    comment = _split_html_comment(text) if html else None
    split = comment or _split_markdown(text)
    if split is not None:
        header, content, header_line, content_line = split
        result = Header(content=content, content_line=content_line)
        result.kind = "html-comment" if comment is not None else "yaml"
        _read_header(header, header_line, result, allow_lines=True)
        return result
    result = Header(content=text)
    legacy = _split_legacy(text, result)
    if legacy is not None:
        result.content = legacy
        result.kind = "legacy-v1"
        return result
    if not html and _MD_HANDLER.detect(text):
        result.warnings.append(
            (1, "file starts with '---' but has no closing '---': read as content, not header")
        )
    return result
