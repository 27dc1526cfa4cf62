"""Front-matter fields: header entries read into typed page fields, with their lines.

The active flavor says which keys set which field (and their aliases); this module turns
the values into the types a page holds (text, tags, booleans, dates, an editor), checks
their lengths as Wiki.js counts them, and reports every problem at its key's line.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import yaml

from wikisync._names import has_surrogate, name_key, shown, spelled, unsafe_name_character
from wikisync.local.config import Config
from wikisync.local.flavors import ActiveFlavor
from wikisync.local.flavors.base import KeyAlias, convert_value
from wikisync.local.frontmatter import Header, HeaderValue
from wikisync.local.markdown.parse import scan_markdown
from wikisync.local.markdown.shown import title_heading
from wikisync.plan.model import (
    EDITORS,
    Editor,
    PageFields,
    Problem,
    normalize_tags,
    state_page_path,
)

MAX_FIELD_CHARS = 255
"""Longest title or description Wiki.js stores (``varchar(255)``; longer is a SQL error)."""

# Neither may run past the next "<": an unclosed tag costs one scan to it, not to the end.
_H1_OPEN = re.compile(r"<h1\b[^<>]*>", re.IGNORECASE)
_H1_CLOSE = re.compile(r"</h1\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]+>")
_BOOL_WORDS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False}


def _locale_hint(message: str) -> str:
    if "looks like a locale" in message:
        return (
            f"{message}; set root: in wikisync.yml (such as root: docs) to put the pages below it"
        )
    return message


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
    """The text of the first level-1 heading (``<h1>`` in HTML)."""
    if html:
        opening = _H1_OPEN.search(content)
        closing = _H1_CLOSE.search(content, opening.end()) if opening else None
        if opening and closing:
            inner = content[opening.end() : closing.start()]
            title = html_lib.unescape(_TAG.sub("", inner)).strip()
            return " ".join(title.split()) or None
        return None
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    return title_heading(scan_markdown(text).first_title)


def _quoted(entry: HeaderValue) -> bool:
    """Whether a header value is a quoted or block YAML scalar, whose spaces and line
    breaks are the author's (a plain scalar has none at its ends)."""
    node = entry.node
    return isinstance(node, yaml.ScalarNode) and node.style in ('"', "'", "|", ">")


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
class FieldRules:
    """A flavor's field map, indexed for reading many files."""

    order: tuple[str, ...]
    aliases: dict[str, tuple[KeyAlias, ...]]
    by_key: dict[str, tuple[str, ...]]


def field_rules(active: ActiveFlavor) -> FieldRules:
    aliases: dict[str, tuple[KeyAlias, ...]] = {}
    by_key: dict[str, list[str]] = defaultdict(list)
    for name, rule in active.flavor.fields.items():
        found = rule.aliases
        if name == "tags":
            found = (*found, *(KeyAlias(k) for k in active.site.tag_keys))
        aliases[name] = found
        for alias in found:
            by_key[alias.key].append(name)
    return FieldRules(tuple(aliases), aliases, {k: tuple(v) for k, v in by_key.items()})


@dataclass(frozen=True)
class _Fields:
    page: PageFields
    nav_title: str | None
    nav_order: float | None


def read_page_fields(
    rel: str,
    header: Header,
    path: str,
    html: bool,
    active: ActiveFlavor,
    rules: FieldRules,
    problems: list[Problem],
    *,
    heading: str | None = None,
    scanned: bool = False,
    nav_title: str | None = None,
) -> _Fields | None:
    """The page fields a file's header sets, by the flavor's key mapping.

    Without a title, the page takes its first level-1 heading (``heading`` when the
    caller ``scanned`` the content already), else its navigation title (``nav_title``,
    what the site's navigation lists it as, else the header's own), else the last
    segment of its path.
    """
    reader = _FieldReader(rel, problems)
    errors_before = sum(p.is_error for p in problems)
    values: dict[str, Any] = {}
    exact_title = False  # a quoted title keeps its spaces and line breaks
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
        if name == "title":
            exact_title = _quoted(found[0][0]) if rule.combine != "union" else False
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
        # The title is sent stripped (unless quoted), the description as written.
        strip = name == "title" and isinstance(text, str) and not exact_title
        sent = text.strip() if strip and isinstance(text, str) else text
        if isinstance(sent, str) and len(sent) > MAX_FIELD_CHARS:
            key = next(a.key for a in active.flavor.fields[name].aliases if a.key in header.values)
            problems.append(_too_long(rel, header.values[key].line, name, sent))
    if sum(p.is_error for p in problems) > errors_before:
        return None

    if not scanned:
        heading = _first_heading(header.content, html)
    own_nav = values.get("nav_title")
    if exact_title and values.get("title"):
        title = values["title"]  # as written between the quotes: what pull wrote back
    else:
        title = (
            values.get("title")
            or heading
            or (nav_title or "").strip()
            or (own_nav.strip() if isinstance(own_nav, str) else "")
            or path.rsplit("/", 1)[-1]
        ).strip()
    if len(title) > MAX_FIELD_CHARS:
        problems.append(_too_long(rel, None, "title (from the first heading)", title))
        return None
    editor: Editor | None = values.get("editor") or ("ckeditor" if html else None)
    fields = PageFields(
        title=title,
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
    [`load_source`][wikisync.local.source.load_source] reads them with ``flavor``; ``None``
    (with ``problems``) when they are wrong."""
    read = read_page_fields(rel, header, path, html, flavor, field_rules(flavor), problems)
    return None if read is None else read.page


# -- the whole directory ---------------------------------------------------------------------


def path_key_problems(
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
