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
  order of ``sidebars.json`` (or the doc ids a ``sidebars.js`` names) comes first.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path
from typing import Any

from wikisync.local.flavors.base import (
    NUMBER_PREFIX,
    Flavor,
    PathInput,
    Site,
    ancestors,
    default_nav_keys,
    field_rules,
    relative_origin,
)

__all__ = ["FLAVOR", "detect", "doc_id", "nav_keys", "page_path", "sidebar_items"]

_CONFIGS = tuple(f"docusaurus.config.{ext}" for ext in ("js", "ts", "mjs", "cjs"))
_SIDEBARS = ("sidebars.json", "sidebars.js", "sidebars.ts", "sidebars.mjs", "sidebars.cjs")
_ROUTE = re.compile(r"""routeBasePath\s*:\s*["'`]([^"'`]*)["'`]""")
_STRING = re.compile(r"""["'`]([^"'`\n]+)["'`]""")


def sidebar_items(value: Any) -> list[tuple[str, str | None]]:
    """``(doc id, label)`` of every doc a sidebars.json value lists, in order."""
    out: list[tuple[str, str | None]] = []
    if isinstance(value, str):
        out.append((value, None))
    elif isinstance(value, list):
        for item in value:
            out.extend(sidebar_items(item))
    elif isinstance(value, dict):
        kind = value.get("type")
        if kind in ("doc", "ref") and isinstance(value.get("id"), str):
            label = value.get("label")
            out.append((value["id"], label if isinstance(label, str) else None))
        elif kind == "category":
            link = value.get("link")
            if isinstance(link, dict) and isinstance(link.get("id"), str):
                out.append((link["id"], None))
            out.extend(sidebar_items(value.get("items")))
        elif kind is None:
            for items in value.values():
                out.extend(sidebar_items(items))
    return out


def _read_sidebars(folder: Path) -> list[tuple[str, str | None]]:
    for name in _SIDEBARS:
        path = folder / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return []
        if name.endswith(".json"):
            try:
                return sidebar_items(json.loads(text))
            except ValueError:
                return []
        # JavaScript: the string literals, in order; only those naming a doc are used.
        return [(m.group(1), None) for m in _STRING.finditer(text)]
    return []


def _candidates(folder: Path) -> list[Path]:
    out = [folder]
    with contextlib.suppress(OSError):
        out += sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return out


def detect(content_dir: Path, top: Path) -> Site | None:
    for parent in ancestors(content_dir, top):
        for folder in _candidates(parent):
            for name in _CONFIGS:
                path = folder / name
                if not path.is_file():
                    continue
                try:
                    text = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    text = ""
                route = _ROUTE.search(text)
                root = (route.group(1) if route else "docs").strip("/")
                nav: dict[str, tuple[str | None, float]] = {}
                for order, (doc_id, label) in enumerate(_read_sidebars(folder)):
                    nav.setdefault(f"id:{doc_id}", (label, float(order)))
                return Site(
                    origin=relative_origin(path, content_dir),
                    root=root,
                    url_prefix=root,
                    nav=nav,
                    folder=folder,
                )
    return None


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
    link_bases=("file", "root"),
    site_links=True,
    sections=True,
    static_folders=("static",),
    page_path=page_path,
    detect=detect,
    nav_keys=nav_keys,
)
