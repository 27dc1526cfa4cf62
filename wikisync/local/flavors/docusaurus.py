"""Docusaurus (v2 and later), its docs plugin.

Detected from a ``docusaurus.config.{js,ts,mjs,cjs}`` in the content directory's parents or
in a folder beside them (``website/``, the usual monorepo layout). Its ``routeBasePath``
(default ``docs``) is where the site serves the docs, so it is the wiki ``root`` when
``wikisync.yml`` sets none: ``docs/install.md`` becomes ``docs/install``, as on the site.

* ``index.md``, ``README.md`` and ``<folder>/<folder>.md`` are a folder's page (a category
  index); ``.mdx`` files are pages too; files and folders starting with ``_`` are partials,
  not pages; number prefixes (``01-intro.md``) are not part of the path.
* Page path: ``slug`` sets it (``/x`` from the docs root, ``x`` beside the file); else
  ``id`` replaces the file name, except for a category index.
* Links: relative to the file, then to the docs root (``api/Store.md``), by file name or by
  doc ``id``; site-absolute links naming a doc (``/docs/install``) are rewritten too.
* Front matter: ``title``, ``description``, ``tags``, ``keywords``, ``draft``;
  ``sidebar_label`` and ``sidebar_position`` are the navigation title and order, and the
  order of ``sidebars.json`` (or of a ``sidebars.js``, read as text: its literal value,
  else the doc ids it names) comes first. The sidebars' categories are the navigation's
  sections; the first sidebar is the top level and every other one a section of its own,
  labelled as the navbar item that opens it.
* What the site publishes: ``draft: true`` docs are unpublished pages, ``unlisted: true``
  docs are pages left out of navigation; a broken link is an error unless
  ``onBrokenLinks`` is ``warn``, ``log`` or ``ignore``.
* At the project root, the docs plugin's ``path`` (default ``docs``, beside the config)
  is the content folder (``find_project``). The config is read as text, never run.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from wikisync.local.flavors.base import (
    LISTED,
    NUMBER_PREFIX,
    UNLISTED,
    Flavor,
    NavEntry,
    PathInput,
    Project,
    SettingOrigin,
    Site,
    Verdict,
    ancestors,
    default_nav_keys,
    field_rules,
    relative_label,
    relative_origin,
)
from wikisync.local.generator_files import read_settings_file
from wikisync.local.jsliteral import read_module
from wikisync.plan.model import Problem, Severity

__all__ = [
    "FLAVOR",
    "detect",
    "doc_id",
    "docs_options",
    "find_project",
    "is_published",
    "nav_keys",
    "navbar_labels",
    "page_path",
    "sidebar_items",
    "sidebars",
]

_CONFIGS = tuple(f"docusaurus.config.{ext}" for ext in ("js", "ts", "mjs", "cjs"))
_SIDEBARS = ("sidebars.json", "sidebars.js", "sidebars.ts", "sidebars.mjs", "sidebars.cjs")
_ROUTE = re.compile(r"""routeBasePath\s*:\s*["'`]([^"'`]*)["'`]""")
_STRING = re.compile(r"""["'`]([^"'`\n]+)["'`]""")
_DOCS_OPTIONS = re.compile(r"""(?:\bdocs\s*:\s*\{|plugin-content-docs["'`]\s*,\s*\{)""")
_PATH = re.compile(r"""\bpath\s*:\s*["'`]([^"'`]+)["'`]""")
_BROKEN = re.compile(r"""\bonBrokenLinks\s*:\s*["'`](\w+)["'`]""")


_Item = tuple[str, str | None, tuple[str, ...], bool]
"""One doc a sidebar lists: ``(doc id, label, section, heads)`` (see ``NavEntry``)."""


def sidebar_items(value: Any, section: tuple[str, ...] = ()) -> list[_Item]:
    """Every doc one sidebar's items list, in order, with the categories it is in (a
    category's own ``link`` doc heads it)."""
    out: list[_Item] = []
    if isinstance(value, str):
        out.append((value, None, section, False))
    elif isinstance(value, list):
        for item in value:
            out.extend(sidebar_items(item, section))
    elif isinstance(value, dict):
        kind = value.get("type")
        if kind in ("doc", "ref") and isinstance(value.get("id"), str):
            label = value.get("label")
            out.append((value["id"], label if isinstance(label, str) else None, section, False))
        elif kind == "category":
            label = value.get("label")
            inner = (*section, label) if isinstance(label, str) and label.strip() else section
            link = value.get("link")
            if isinstance(link, dict) and isinstance(link.get("id"), str):
                out.append((link["id"], None, inner, inner != section))
            out.extend(sidebar_items(value.get("items"), inner))
        elif kind is None:
            for label, items in value.items():  # shorthand: {"Category": [...]}
                out.extend(sidebar_items(items, (*section, str(label))))
    return out


def sidebars(value: Any, labels: dict[str, str] | None = None) -> list[_Item]:
    """Every doc a ``sidebars.json`` lists: the first sidebar's items are the top level,
    and every other sidebar is one section, labelled as the navbar item that opens it
    (``labels``: sidebar id or doc id -> label), else by its id."""
    if not isinstance(value, dict):
        return sidebar_items(value)
    labels = labels or {}
    out: list[_Item] = []
    for number, (name, items) in enumerate(value.items()):
        if number == 0:
            out.extend(sidebar_items(items))
            continue
        found = sidebar_items(items)
        label = labels.get(f"sidebar:{name}") or next(
            (labels[f"doc:{doc}"] for doc, *_ in found if f"doc:{doc}" in labels),
            str(name)[:1].upper() + str(name)[1:],
        )
        out.extend((doc, title, (label, *inner), heads) for doc, title, inner, heads in found)
    return out


_OBJECT = re.compile(r"\{[^{}]*\}")
_NAVBAR_KEY = re.compile(r"""\b(sidebarId|docId)\s*:\s*["'`]([^"'`\n]+)["'`]""")
_LABEL = re.compile(r"""\blabel\s*:\s*["'`]([^"'`\n]+)["'`]""")


def navbar_labels(config_text: str) -> dict[str, str]:
    """``sidebar:<id>`` and ``doc:<id>`` -> the label of the navbar item opening it, read
    as text from ``docusaurus.config.*`` (``{type: 'docSidebar', sidebarId: 'api',
    label: 'API'}``)."""
    out: dict[str, str] = {}
    for match in _OBJECT.finditer(config_text):
        body = match.group(0)
        key, label = _NAVBAR_KEY.search(body), _LABEL.search(body)
        if key and label:
            kind = "sidebar" if key.group(1) == "sidebarId" else "doc"
            out.setdefault(f"{kind}:{key.group(2)}", label.group(1))
    return out


def _read_sidebars(
    folder: Path, content_dir: Path, problems: list[Problem], labels: dict[str, str]
) -> list[_Item]:
    for name in _SIDEBARS:
        path = folder / name
        if not path.is_file():
            continue
        json_file = name.endswith(".json")
        read = read_settings_file(
            path,
            relative_label(path, content_dir),
            "json" if json_file else "text",
            ("the sidebar order and labels",),
        )
        problems.extend(read.problems)
        if json_file:
            return sidebars(dict(read.data), labels)
        # JavaScript, read as text: its literal value, else the string literals in order
        # (only those naming a doc are used).
        data, _ = read_module(read.text)
        if data:
            return sidebars(data, labels)
        return [(m.group(1), None, (), False) for m in _STRING.finditer(read.text)]
    return []


def _candidates(folder: Path) -> list[Path]:
    out = [folder]
    with contextlib.suppress(OSError):
        out += sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return out


def _read_config(path: Path) -> str:
    """The text of a ``docusaurus.config.*``, read with bounds ("" when it cannot be)."""
    return read_settings_file(path, path.name, "text", ("routeBasePath",)).text


def _block(text: str, start: int) -> str:
    """The text of the ``{...}`` that opens at or after ``start`` (braces balanced)."""
    open_at = text.find("{", start)
    if open_at == -1:
        return ""
    depth = 0
    for index in range(open_at, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[open_at : index + 1]
    return text[open_at:]


def docs_options(text: str) -> str:
    """The docs plugin's options in a config's text (the preset's ``docs: {...}``, else a
    ``plugin-content-docs`` entry), read as text: the config is never run."""
    blocks = [_block(text, found.end() - 1) for found in _DOCS_OPTIONS.finditer(text)]
    # ``themeConfig`` has a ``docs: {sidebar: ...}`` of its own: the plugin's names a path.
    return next((b for b in blocks if _PATH.search(b)), blocks[0] if blocks else "")


def find_project(folder: Path) -> Project | None:
    """``docusaurus.config.*`` in ``folder`` or a folder in it (``website/``), and the
    docs plugin's ``path`` (default ``docs``, from the config's folder)."""
    for candidate in _candidates(folder):
        for name in _CONFIGS:
            path = candidate / name
            if path.is_file():
                options = docs_options(_read_config(path))
                docs = _PATH.search(options)
                return Project(path, candidate / (docs.group(1) if docs else "docs"))
    return None


def _serves(path: Path, content_dir: Path) -> bool:
    """Whether the docs plugin of the config ``path`` reads ``content_dir``: it is the
    plugin's ``path`` or a folder inside it."""
    docs = _PATH.search(docs_options(_read_config(path)))
    with contextlib.suppress(OSError, ValueError, RuntimeError):
        content = (path.parent / (docs.group(1) if docs else "docs")).resolve()
        here = content_dir.resolve()
        return here == content or content in here.parents
    return False


def detect(content_dir: Path, top: Path) -> Site | None:
    for parent in ancestors(content_dir, top):
        for folder in _candidates(parent):
            for name in _CONFIGS:
                path = folder / name
                if not path.is_file() or not _serves(path, content_dir):
                    continue
                read = read_settings_file(
                    path, relative_label(path, content_dir), "text", ("routeBasePath",)
                )
                problems = list(read.problems)
                route = _ROUTE.search(read.text)
                text = read.text
                root = (route.group(1) if route else "docs").strip("/")
                origins: dict[str, SettingOrigin] = {}
                if route:
                    line = read.text.count("\n", 0, route.start()) + 1
                    origins["root"] = SettingOrigin(read.label, line, "routeBasePath")
                nav: dict[str, NavEntry] = {}
                listed = _read_sidebars(folder, content_dir, problems, navbar_labels(read.text))
                for order, (doc_id, label, section, heads) in enumerate(listed):
                    nav.setdefault(f"id:{doc_id}", NavEntry(label, float(order), section, heads))
                broken = _BROKEN.search(text)
                severity: dict[str, Severity] = (
                    {"broken-link": "warning"}
                    if broken and broken.group(1) in ("warn", "log", "ignore")
                    else {}
                )
                return Site(
                    origin=relative_origin(path, content_dir),
                    root=root,
                    url_prefix=root,
                    nav=nav,
                    severity=severity,
                    problems=tuple(problems),
                    origins=origins,
                    folder=folder,
                )
    return None


def is_published(rel: str, header: Mapping[str, Any], site: Site) -> Verdict:
    """``unlisted: true``: a page the site serves but lists nowhere."""
    return UNLISTED if header.get("unlisted") is True else LISTED


def _strip_prefix(segment: str) -> str:
    return NUMBER_PREFIX.sub("", segment)


def page_path(page: PathInput) -> str | None:
    """The doc's URL path below the docs root (see the module docstring)."""
    folder = "/".join(_strip_prefix(s) for s in page.folder.split("/") if s)
    slug = page.values.get("slug")
    if slug is not None and slug.strip():
        slug = slug.strip()
        if slug.startswith("/"):
            return slug.strip("/")
        joined = f"{folder}/{slug}" if folder else slug
        return "/".join(p for p in joined.split("/") if p not in ("", "."))
    if page.is_index:
        return folder
    doc_id = page.values.get("id")
    stem = doc_id.strip() if doc_id and doc_id.strip() else _strip_prefix(page.stem)
    return f"{folder}/{stem}" if folder else stem


def doc_id(page: PathInput) -> str:
    """The doc id: its folder and ``id`` (else the file name), number prefixes dropped."""
    folder = "/".join(_strip_prefix(s) for s in page.folder.split("/") if s)
    raw = page.values.get("id")
    name = raw.strip() if raw and raw.strip() else _strip_prefix(page.stem)
    return f"{folder}/{name}" if folder else name


def nav_keys(page: PathInput, rel: str) -> tuple[str, ...]:
    return (*default_nav_keys(page, rel), f"id:{doc_id(page)}")


FLAVOR = Flavor(
    name="docusaurus",
    summary="Docusaurus: docusaurus.config.*, doc ids and slugs, sidebars",
    fields=field_rules(
        title=("title",),
        description=("description",),
        tags=("tags", "keywords"),
        is_published=("!draft",),
        nav_title=("sidebar_label",),
        nav_order=("sidebar_position",),
    ),
    known_keys=frozenset(
        {
            "id",
            "slug",
            "sidebar_class_name",
            "sidebar_custom_props",
            "displayed_sidebar",
            "hide_title",
            "hide_table_of_contents",
            "toc_min_heading_level",
            "toc_max_heading_level",
            "pagination_label",
            "pagination_next",
            "pagination_prev",
            "parse_number_prefixes",
            "custom_edit_url",
            "image",
            "unlisted",
            "last_update",
            "author",
            "authors",
            "date",
        }
    ),
    page_extensions=(".md", ".mdx", ".html"),
    index_names=("index", "README"),
    folder_named_index=True,
    skip_prefixes=("_",),
    skip_reason="a name starting with '_': a partial, which Docusaurus makes no page of",
    link_bases=("file", "root"),
    site_links=True,
    sections=True,
    severity={"link-outside": "warning"},
    dialect=("docusaurus-admonitions", "mdx"),
    static_folders=("static",),
    page_path=page_path,
    detect=detect,
    nav_keys=nav_keys,
    find_project=find_project,
    is_published=is_published,
    publish_keys=frozenset({"unlisted"}),
    severity_settings={"broken-link": "onBrokenLinks in docusaurus.config"},
)
