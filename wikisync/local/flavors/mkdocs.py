"""MkDocs (and Material for MkDocs).

Detected from an ``mkdocs.yml`` (or ``mkdocs.yaml``) in the content directory's parents
whose ``docs_dir`` (default ``docs``) is the content directory.

* ``index.md`` or ``README.md`` is its folder's page (MkDocs serves ``guide/README.md`` at
  ``guide/``); a link to a folder (``../guide/``) is a link to that page, or to
  ``guide.md``.
* Links are relative to the file, as MkDocs resolves them, else to the page's URL
  (``../img/a.png`` from ``guide/a.md``, served at ``guide/a/``); a broken link is a warning
  (MkDocs's own ``validation.links.not_found`` default), an error when ``strict: true``
  makes that warning fail the build, unless ``severity:`` says otherwise.
* Front matter: ``title``, ``description``, ``tags``, ``draft``; Material's ``hide``,
  ``icon``, ``status``, ``subtitle``, ``template``, ``search`` are known and ignored.
* Navigation: the order, titles and sections of ``nav`` in ``mkdocs.yml``.
* What the site publishes: not ``templates/`` at the top, the files ``exclude_docs``
  matches, the theme's ``custom_dir`` when it is inside ``docs_dir``, nor what the
  ``exclude`` plugin's ``glob`` and ``regex`` match; ``draft_docs`` are drafts
  (unpublished pages) and ``not_in_nav`` pages stay out of navigation.
* At the project root, ``docs_dir`` is the content folder (``find_project``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wikisync.local.flavors.base import (
    Flavor,
    NavEntry,
    Project,
    Rule,
    Site,
    ancestors,
    field_rules,
    relative_label,
    relative_origin,
)
from wikisync.local.generator_files import SettingsFile, read_settings_file
from wikisync.plan.model import Problem, Severity

__all__ = [
    "FLAVOR",
    "broken_link_severity",
    "detect",
    "find_project",
    "nav_entries",
    "site_rules",
]

_CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


def nav_entries(
    nav: Any, section: tuple[str, ...] = ()
) -> Iterator[tuple[str | None, str, tuple[str, ...]]]:
    """``(title, target, section)`` of every page in a ``nav`` setting, in order (depth
    first); ``section`` holds the titles of the nav sections it is in, outermost first.

    A target is a file path (``about/license.md``) or a folder (``user-guide/``); URLs
    are skipped.
    """
    if isinstance(nav, str):
        if "://" not in nav:
            yield None, nav, section
        return
    if isinstance(nav, list):
        for item in nav:
            yield from nav_entries(item, section)
        return
    if isinstance(nav, dict):
        for title, value in nav.items():
            if isinstance(value, str):
                if "://" not in value:
                    yield (str(title) if title is not None else None), value, section
            else:
                inner = (*section, str(title)) if title is not None else section
                yield from nav_entries(value, inner)


_INCLUDE_EXTENSIONS = ("pymdownx.snippets", "markdown_include.include")


def _include_paths(extensions: Any, folder: Path, content_dir: Path) -> tuple[str, ...]:
    """The ``base_path`` folders of the snippet and include extensions in
    ``markdown_extensions`` (relative to ``mkdocs.yml``'s folder), relative to the content
    directory."""
    found: list[str] = []
    for item in extensions if isinstance(extensions, list) else []:
        if not isinstance(item, dict):
            continue
        for name, options in item.items():
            if name not in _INCLUDE_EXTENSIONS or not isinstance(options, dict):
                continue
            base = options.get("base_path")
            for entry in base if isinstance(base, list) else [base]:
                if isinstance(entry, str) and entry:
                    target = (folder / entry).resolve()
                    found.append(Path(os.path.relpath(target, content_dir)).as_posix())
    return tuple(dict.fromkeys(found))


def _auto_append(extensions: Any) -> tuple[str, ...]:
    """The files pymdownx snippets appends to every page (``auto_append``)."""
    for item in extensions if isinstance(extensions, list) else []:
        options = item.get("pymdownx.snippets") if isinstance(item, dict) else None
        if isinstance(options, dict):
            names = options.get("auto_append")
            return tuple(
                n for n in (names if isinstance(names, list) else []) if isinstance(n, str) and n
            )
    return ()


_USED = (
    "docs_dir",
    "nav",
    "exclude_docs",
    "draft_docs",
    "not_in_nav",
    "validation",
    "strict",
    "plugins",
    "markdown_extensions",
)


def _read(path: Path, content_dir: Path | None = None) -> SettingsFile:
    """``mkdocs.yml`` read with bounds (see ``wikisync.local.generator_files``)."""
    label = relative_label(path, content_dir) if content_dir is not None else path.name
    return read_settings_file(path, label, "yaml", _USED)


def _usable_docs_dir(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and "\x00" not in value)


def find_project(folder: Path) -> Project | None:
    """``mkdocs.yml`` in ``folder``, and its ``docs_dir`` (default ``docs``)."""
    for name in _CONFIG_NAMES:
        path = folder / name
        if path.is_file():
            docs_dir = _read(path).data.get("docs_dir")
            usable = _usable_docs_dir(docs_dir) and docs_dir
            return Project(path, folder / (str(docs_dir) if usable else "docs"))
    return None


def _lines(value: Any) -> tuple[str, ...]:
    """A gitignore-style setting (a block of lines, or a list) as its patterns."""
    items = value.splitlines() if isinstance(value, str) else value
    if not isinstance(items, list):
        return ()
    return tuple(
        str(line).strip()
        for line in items
        if isinstance(line, (str, int)) and str(line).strip() and not str(line).startswith("#")
    )


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _plugin(settings: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The options of the plugin ``name`` in ``plugins`` (a list or a mapping), if used."""
    plugins = settings.get("plugins")
    if isinstance(plugins, dict):
        entries: list[Any] = [{key: value} for key, value in plugins.items()]
    elif isinstance(plugins, list):
        entries = plugins
    else:
        return None
    for entry in entries:
        if entry == name:
            return {}
        if isinstance(entry, dict) and name in entry:
            options = entry[name]
            return options if isinstance(options, dict) else {}
    return None


def site_rules(settings: dict[str, Any], folder: Path, docs: Path) -> tuple[Rule, ...]:
    """What the settings in ``folder`` leave out of ``docs`` (see the module docstring)."""
    rules = [
        Rule("gitignore", ("/templates/",), "MkDocs leaves templates/ out of every site"),
    ]
    excluded = _lines(settings.get("exclude_docs"))
    if excluded:
        rules.append(Rule("gitignore", excluded, "exclude_docs in mkdocs.yml"))
    theme = settings.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if isinstance(custom, str) and custom.strip():
        inside = _inside(folder / custom, docs)
        if inside:
            rules.append(
                Rule("gitignore", (f"/{inside}/",), "theme: custom_dir in mkdocs.yml (templates)")
            )
    plugin = _plugin(settings, "exclude")
    if plugin is not None:
        globs, regexes = _strings(plugin.get("glob")), _strings(plugin.get("regex"))
        if globs:
            rules.append(Rule("fnmatch", globs, "the exclude plugin's glob in mkdocs.yml"))
        if regexes:
            rules.append(Rule("regex", regexes, "the exclude plugin's regex in mkdocs.yml"))
    drafts = _lines(settings.get("draft_docs"))
    if drafts:
        rules.append(Rule("gitignore", drafts, "draft_docs in mkdocs.yml", "draft"))
    hidden = _lines(settings.get("not_in_nav"))
    if hidden:
        rules.append(Rule("gitignore", hidden, "not_in_nav in mkdocs.yml", "unlisted"))
    return tuple(rules)


def _inside(path: Path, folder: Path) -> str | None:
    """``path`` relative to ``folder`` (posix) when it is below it."""
    try:
        rel = path.resolve().relative_to(folder.resolve())
    except ValueError:
        return None
    return rel.as_posix() if rel.parts else None


def broken_link_severity(settings: dict[str, Any]) -> dict[str, Severity]:
    """MkDocs reports a link to a missing file at ``validation.links.not_found`` (default
    ``warn``; also ``validation.not_found``), and ``strict: true`` makes warnings fail the
    build: then a broken link is an error."""
    validation = settings.get("validation")
    level = "warn"
    if isinstance(validation, dict):
        links = validation.get("links")
        source = links if isinstance(links, dict) else validation
        level = str(source.get("not_found", "warn"))
    return {"broken-link": "error"} if settings.get("strict") is True and level == "warn" else {}


def detect(content_dir: Path, top: Path) -> Site | None:
    here = content_dir.resolve()
    for folder in ancestors(content_dir, top):
        project = find_project(folder)
        if project is None or project.content.resolve() != here:
            continue
        read = _read(project.settings, content_dir)
        settings = dict(read.data)
        problems: list[Problem] = [*read.problems]
        if not _usable_docs_dir(settings.get("docs_dir")):
            problems.append(
                read.problem(
                    read.line_of("docs_dir"),
                    "docs_dir must be a folder name; the default 'docs' is used",
                    "warning",
                )
            )
        nav: dict[str, NavEntry] = {}
        for order, (title, target, section) in enumerate(nav_entries(settings.get("nav"))):
            nav.setdefault(target.strip().lstrip("./"), NavEntry(title, float(order), section))
        return Site(
            origin=relative_origin(project.settings, content_dir),
            nav=nav,
            rules=site_rules(settings, folder, here),
            severity=broken_link_severity(settings),
            problems=tuple(problems),
            dialect=(
                *(("template-expressions",) if _plugin(settings, "macros") is not None else ()),
                *(
                    ("autorefs",)
                    if any(
                        _plugin(settings, name) is not None for name in ("autorefs", "mkdocstrings")
                    )
                    else ()
                ),
            ),
            include_paths=_include_paths(settings.get("markdown_extensions"), folder, here),
            append_snippets=_auto_append(settings.get("markdown_extensions")),
            folder=folder,
        )
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
    severity={"broken-link": "warning", "link-outside": "warning"},
    dialect=(
        "admonition",
        "pymdownx-details",
        "pymdownx-blocks",
        "material-tabs",
        "pymdownx-snippets",
        "markdown-include",
        "code-includes",
        "github-alerts",
        "md-in-html",
    ),
    static_folders=(".",),
    containers=("!!!", "???", "???+", "===", "===+"),
    detect=detect,
    find_project=find_project,
    severity_settings={"broken-link": "strict and validation.links.not_found in mkdocs.yml"},
)
