"""MkDocs (and Material for MkDocs).

Detected from an ``mkdocs.yml`` (or ``mkdocs.yaml``) in the content directory's parents
whose ``docs_dir`` (default ``docs``) is the content directory.

* ``index.md`` or ``README.md`` is its folder's page (MkDocs serves ``guide/README.md`` at
  ``guide/``); a link to a folder (``../guide/``) is a link to that page, or to
  ``guide.md``.
* Links are relative to the file, as MkDocs resolves them, else to the page's URL
  (``../img/a.png`` from ``guide/a.md``, served at ``guide/a/``); a broken link is a warning
  (MkDocs's own ``validation.links.not_found`` default) unless ``severity:`` says otherwise.
* Front matter: ``title``, ``description``, ``tags``, ``draft``; Material's ``hide``,
  ``icon``, ``status``, ``subtitle``, ``template``, ``search`` are known and ignored.
* Navigation: the order and titles of ``nav`` in ``mkdocs.yml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wikisync.local.flavors.base import (
    Flavor,
    Site,
    ancestors,
    field_rules,
    read_yaml_file,
    relative_origin,
)

__all__ = ["FLAVOR", "detect", "nav_entries"]

_CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


def nav_entries(nav: Any) -> Iterator[tuple[str | None, str]]:
    """``(title, target)`` of every page in an ``nav`` setting, in order (depth first).

    A target is a file path (``about/license.md``) or a folder (``user-guide/``); URLs
    are skipped.
    """
    if isinstance(nav, str):
        if "://" not in nav:
            yield None, nav
        return
    if isinstance(nav, list):
        for item in nav:
            yield from nav_entries(item)
        return
    if isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, str):
                if "://" not in value:
                    yield (str(title) if title is not None else None), value
            else:
                yield from nav_entries(value)


def detect(content_dir: Path, top: Path) -> Site | None:
    here = content_dir.resolve()
    for folder in ancestors(content_dir, top):
        for name in _CONFIG_NAMES:
            path = folder / name
            if not path.is_file():
                continue
            settings = read_yaml_file(path)
            settings = settings if isinstance(settings, dict) else {}
            docs_dir = settings.get("docs_dir") or "docs"
            if (folder / str(docs_dir)).resolve() != here:
                continue
            nav: dict[str, tuple[str | None, float]] = {}
            for order, (title, target) in enumerate(nav_entries(settings.get("nav"))):
                nav.setdefault(target.strip().lstrip("./"), (title, float(order)))
            return Site(origin=relative_origin(path, content_dir), nav=nav, folder=folder)
    return None


FLAVOR = Flavor(
    name="mkdocs",
    summary="MkDocs: mkdocs.yml, README.md or index.md per folder, nav order",
    fields=field_rules(
        title=("title",),
        description=("description", "summary"),
        tags=("tags", "keywords"),
        is_published=("published", "!draft"),
        editor=("editor",),
    ),
    known_keys=frozenset(
        {"template", "hide", "icon", "status", "subtitle", "search", "authors", "date", "author"}
    ),
    index_names=("index", "README"),
    link_bases=("file", "url"),
    sections=True,
    severity={"broken-link": "warning"},
    static_folders=(".",),
    containers=("!!!", "???", "???+", "===", "===+"),
    detect=detect,
)
