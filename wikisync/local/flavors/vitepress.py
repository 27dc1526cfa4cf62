"""VitePress.

Detected from ``.vitepress/config.{js,ts,mjs,mts}`` in the content directory's parents,
when the content directory is the site's ``srcDir`` (default: the folder holding
``.vitepress``). The settings file is read as text and never run: the literal values it
holds (also through a ``const`` or a function returning one) are used; settings that are
not literals are named in the ``Flavor:`` line and left at their defaults.

* ``index.md`` is its folder's page; only ``.md`` files are pages. ``srcExclude`` is left
  out. ``rewrites`` (``'packages/:pkg/src/index.md': ':pkg/index.md'``) set page paths.
* Languages: ``locales``. The ``root`` locale is the default language (its ``lang``,
  ``en-US`` -> ``en``); every other locale's folder (``zh/``, ``ja/``) is the Wiki.js
  locale of that name. Wiki.js stores pages only in locales installed on it.
* Links: relative to the file, with or without ``.md``; site-absolute links naming a page
  (``/guide/intro``, ``/zh/guide/intro``) are rewritten. A broken link is an error, as
  VitePress fails its build on dead links.
* Front matter: ``title``, ``description``. A ``layout: home`` page with only front
  matter gets its ``hero`` (name, text, tagline, actions) and ``features`` as its body.
* At the project root (or its ``docs/``), ``srcDir`` is the content folder
  (``find_project``); ``public/`` and ``node_modules/`` hold no pages.
* Navigation: the ``themeConfig.sidebar`` of the site and of each locale: the order and
  ``text`` of its links, its groups as the navigation's sections.
* ``## Heading {#id}`` keeps its id: Wiki.js reads the same attribute syntax.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from wikisync.local.flavors.base import (
    Flavor,
    NavEntry,
    PathInput,
    Project,
    Rule,
    Site,
    ancestors,
    field_rules,
    hero_body,
    relative_label,
    relative_origin,
)
from wikisync.local.generator_files import SettingsFile, read_settings_file
from wikisync.local.jsliteral import Unknown, read_module

__all__ = ["FLAVOR", "detect", "find_project", "rewrite", "sidebar_entries"]

_CONFIGS = tuple(f"config.{ext}" for ext in ("mts", "ts", "mjs", "js"))
_PARAM = re.compile(r":(\w+)(\*?)")


def _unknown_in(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(_unknown_in(v) for v in value.values())
    if isinstance(value, list):
        return any(_unknown_in(v) for v in value)
    return False


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _fill(target: str, values: Mapping[str, str]) -> str:
    return _PARAM.sub(lambda m: values.get(m.group(1), ""), target)


def rewrite(rules: Mapping[str, str], rel: str) -> str | None:
    """The file ``rel`` (``packages/a/src/index.md``) as ``rewrites`` rename it, or
    ``None``. ``:name`` matches one path segment, ``:name*`` the rest of the path."""
    for source, target in rules.items():
        pattern = ""
        at = 0
        for match in _PARAM.finditer(source):
            pattern += re.escape(source[at : match.start()])
            rest = match.group(2) == "*"
            pattern += f"(?P<{match.group(1)}>{'.*' if rest else '[^/]+'})"
            at = match.end()
        pattern += re.escape(source[at:])
        found = re.fullmatch(pattern, rel)
        if found is not None:
            return _fill(target, found.groupdict())
    return None


def _link_key(link: str, locales: Mapping[str, str], default: str) -> str | None:
    """The ``Site.nav`` key of the page a site-absolute sidebar link names:
    ``url:<locale>:<path>`` (``/zh/guide/`` -> ``url:zh:guide``)."""
    path = link.split("#", 1)[0].split("?", 1)[0].strip()
    if not path.startswith("/") or path.startswith("//"):
        return None
    segments = [s for s in path.split("/") if s]
    locale = default
    if segments and segments[0] in locales:
        locale = locales[segments.pop(0)]
    if segments:
        for suffix in (".html", ".md"):
            if segments[-1].endswith(suffix):
                segments[-1] = segments[-1][: -len(suffix)]
        if segments[-1] == "index":
            segments.pop()
    return f"url:{locale}:{'/'.join(segments)}"


def sidebar_entries(
    items: Any, section: tuple[str, ...] = (), base: str = "", scope: str = "/"
) -> Iterator[tuple[str, str | None, tuple[str, ...], bool, bool]]:
    """``(link, text, section, heads, own)`` of every link a sidebar holds, in order; a
    group's ``text`` is a section, and a group with a ``link`` heads it. A ``base`` is put
    before the links below it that do not start with ``/``. ``own`` is false for a link
    out of the sidebar's own path (``'/guide/'``), a cross-link to another sidebar's page."""
    if isinstance(items, dict) and not any(k in items for k in ("items", "link", "text")):
        for key, value in items.items():  # {'/guide/': [...], '/reference/': {...}}
            yield from sidebar_entries(value, section, base, str(key))
        return
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        text = _text(item.get("text"))
        own_base = _text(item.get("base")) or base
        link = _text(item.get("link"))
        if link and not link.startswith("/") and "://" not in link:
            link = own_base + link
        inner = item.get("items")
        if isinstance(inner, list):
            group = (*section, text) if text else section
            if link:
                yield link, text, group, group != section, link.startswith(scope)
            yield from sidebar_entries(inner, group, own_base, scope)
        elif link:
            yield link, text, section, False, link.startswith(scope)


def _language(value: Any, fallback: str) -> str:
    text = _text(value)
    return text.split("-", 1)[0].lower() if text else fallback


def _site_path(rules: Mapping[str, str]) -> Callable[[PathInput], str | None]:
    def path_of(page: PathInput) -> str | None:
        rel = f"{page.folder}/{page.stem}.md" if page.folder else f"{page.stem}.md"
        found = rewrite(rules, rel)
        if found is None:
            return None
        found = found[: -len(".md")] if found.endswith(".md") else found
        if found == "index" or found.endswith("/index"):
            found = found[: -len("index")]
        return found.strip("/")

    return path_of


def _read_file(path: Path, content_dir: Path | None = None) -> SettingsFile:
    label = relative_label(path, content_dir) if content_dir is not None else path.name
    ignored = ("srcDir, locales, rewrites and the sidebar",)
    return read_settings_file(path, label, "text", ignored)


def _read(path: Path) -> dict[str, Any]:
    return read_module(_read_file(path).text)[0]


def _settings_file(folder: Path) -> Path | None:
    return next((folder / n for n in _CONFIGS if (folder / n).is_file()), None)


def find_project(folder: Path) -> Project | None:
    """``.vitepress/config.*`` in ``folder`` or in its ``docs/`` (the usual layout of a
    repository), and its ``srcDir`` (default: the folder holding ``.vitepress/``)."""
    for root in (folder, folder / "docs"):
        path = _settings_file(root / ".vitepress")
        if path is not None:
            source = _read(path).get("srcDir")
            return Project(path, root / (source if isinstance(source, str) else "."), folder)
    return None


def detect(content_dir: Path, top: Path) -> Site | None:
    here = content_dir.resolve()
    for folder in ancestors(content_dir, top):
        path = _settings_file(folder / ".vitepress")
        if path is None:
            continue
        read = _read_file(path, content_dir)
        settings = read_module(read.text)[0]
        source = settings.get("srcDir")
        source = source if isinstance(source, str) else "."
        if (folder / source).resolve() != here:
            continue
        site = _site(settings, here, relative_origin(path, content_dir), path.name)
        # vitepress-plugin-tabs, registered in the settings (``md.use(tabsMarkdownPlugin)``)
        tabs = ("vitepress-tabs",) if "vitepress-plugin-tabs" in read.text else ()
        return replace(site, problems=read.problems, dialect=tabs)
    return None


def _site(settings: Mapping[str, Any], here: Path, origin: str, name: str) -> Site:
    unread = [k for k in ("srcDir", "srcExclude", "rewrites") if _unknown_in(settings.get(k))]
    raw_rules = settings.get("rewrites")
    rules = (
        {str(k): v for k, v in raw_rules.items() if isinstance(v, str)}
        if isinstance(raw_rules, dict)
        else {}
    )
    locales = settings.get("locales")
    if isinstance(locales, Unknown):
        unread.append("locales")
    locales = locales if isinstance(locales, dict) else {}
    root = locales.get("root")
    default = _language(root.get("lang") if isinstance(root, dict) else settings.get("lang"), "en")
    # Each locale's folder is the Wiki.js locale of its name; the root locale's pages are
    # the default language's.
    codes = {str(k): str(k).lower() for k in locales if k != "root"}
    present = tuple(c for k, c in codes.items() if (here / k).is_dir())

    # The sidebars: the site's, each locale's, and those of the locales' additional
    # settings files (``<locale>/config.ts``, ``config.ts`` for the root locale).
    sidebars: list[Any] = []
    theme = settings.get("themeConfig")
    if isinstance(theme, dict):
        sidebars.append(theme.get("sidebar"))
    for value in locales.values():
        own = value.get("themeConfig") if isinstance(value, dict) else None
        if isinstance(own, dict):
            sidebars.append(own.get("sidebar"))
    for folder in ("", default, *codes):
        extra = _settings_file(here / folder)
        if extra is not None:
            more = _read(extra).get("themeConfig")
            if isinstance(more, dict):
                sidebars.append(more.get("sidebar"))
    listed: list[tuple[bool, str, NavEntry]] = []
    for sidebar in sidebars:
        if _unknown_in(sidebar) and "sidebar" not in unread:
            unread.append("sidebar")
        for link, label, section, heads, own in sidebar_entries(sidebar):
            key = _link_key(link, codes, default)
            if key is not None:
                listed.append((own, key, NavEntry(label, float(len(listed)), section, heads)))
    nav: dict[str, NavEntry] = {}
    for own in (True, False):  # a page is where its own sidebar lists it
        for _, key, entry in (item for item in listed if item[0] is own):
            nav.setdefault(key, entry)
    excluded = settings.get("srcExclude")
    exclude = (
        tuple(str(e) for e in excluded if isinstance(e, str)) if isinstance(excluded, list) else ()
    )
    left_out = (
        Rule("gitignore", ("node_modules/", "/public/"), "VitePress serves no page from them"),
        *([Rule("fnmatch", exclude, f"srcExclude in .vitepress/{name}")] if exclude else []),
    )
    if unread:
        origin += f"; not literal values, left at their defaults: {', '.join(unread)}"
    return Site(
        origin=origin,
        locales=(default, *present) if present else None,
        default_locale=default if locales else None,
        nav=nav,
        rules=left_out,
        page_path=_site_path(rules) if rules else None,
        folder=here,
    )


FLAVOR = Flavor(
    name="vitepress",
    summary="VitePress: .vitepress/config.*, locales, rewrites, sidebar groups, home hero",
    fields=field_rules(title=("title",), description=("description",)),
    known_keys=frozenset(
        {
            "layout",
            "hero",
            "features",
            "titleTemplate",
            "head",
            "sidebar",
            "aside",
            "outline",
            "lastUpdated",
            "editLink",
            "footer",
            "navbar",
            "pageClass",
            "prev",
            "next",
            "isHome",
            "search",
        }
    ),
    page_extensions=(".md",),
    index_names=("index",),
    link_bases=("file",),
    site_links=True,
    dialect=(
        "vitepress-containers",
        "vitepress-components",
        "vitepress-includes",
        "github-alerts",
    ),
    static_folders=("public",),
    layout_body=hero_body,
    detect=detect,
    find_project=find_project,
)
