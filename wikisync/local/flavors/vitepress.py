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
* Front matter: ``title``, ``description``. A ``layout: home`` page's ``hero`` (name, text,
  tagline, image, actions) and ``features`` become the top of its body.
* Navigation: the ``themeConfig.sidebar`` of the site and of each locale: the order and
  ``text`` of its links, its groups as the navigation's sections.
* ``## Heading {#id}`` keeps its id: Wiki.js reads the same attribute syntax.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from wikisync.local.flavors.base import (
    Flavor,
    NavEntry,
    PathInput,
    Site,
    ancestors,
    field_rules,
    relative_origin,
)
from wikisync.local.jsliteral import Unknown, read_module

__all__ = ["FLAVOR", "detect", "home_body", "rewrite", "sidebar_entries"]

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


def _link_files(link: str, rules: Mapping[str, str]) -> list[str]:
    """The files a sidebar link can name (``/guide/`` -> ``guide/index.md``)."""
    path = link.split("#", 1)[0].split("?", 1)[0].strip()
    if not path.startswith("/") or "://" in path:
        return []
    path = path.strip("/")
    for suffix in (".html", ".md"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    served = [f"{path}/index.md", f"{path}.md"] if path else ["index.md"]
    if link.split("#", 1)[0].endswith("/"):
        served = served[:1]
    back = {target: source for source, target in rules.items() if ":" not in source}
    return [back.get(s, s) for s in served]


def sidebar_entries(
    items: Any, section: tuple[str, ...] = ()
) -> Iterator[tuple[str, str | None, tuple[str, ...], bool]]:
    """``(link, text, section, heads)`` of every link a sidebar holds, in order; a group's
    ``text`` is a section, and a group with a ``link`` heads it."""
    if isinstance(items, dict) and not ("items" in items or "link" in items):
        for value in items.values():  # {'/guide/': [...], '/reference/': [...]}
            yield from sidebar_entries(value, section)
        return
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, dict):
            continue
        text = _text(item.get("text"))
        link = _text(item.get("link"))
        inner = item.get("items")
        if isinstance(inner, list):
            group = (*section, text) if text else section
            if link:
                yield link, text, group, group != section
            yield from sidebar_entries(inner, group)
        elif link:
            yield link, text, section, False


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


def detect(content_dir: Path, top: Path) -> Site | None:
    here = content_dir.resolve()
    for folder in ancestors(content_dir, top):
        for name in _CONFIGS:
            path = folder / ".vitepress" / name
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            settings, _ = read_module(text)
            source = settings.get("srcDir")
            source = source if isinstance(source, str) else "."
            if (folder / source).resolve() != here:
                continue
            return _site(settings, relative_origin(path, content_dir))
    return None


def _site(settings: Mapping[str, Any], origin: str) -> Site:
    unread = [k for k in ("srcDir", "srcExclude", "rewrites") if _unknown_in(settings.get(k))]
    raw_rules = settings.get("rewrites")
    rules = (
        {str(k): v for k, v in raw_rules.items() if isinstance(v, str)}
        if isinstance(raw_rules, dict)
        else {}
    )
    locales = settings.get("locales")
    locales = locales if isinstance(locales, dict) else {}
    if isinstance(settings.get("locales"), Unknown):
        unread.append("locales")
    root = locales.get("root")
    default = _language(root.get("lang") if isinstance(root, dict) else None, "en")
    if not isinstance(root, dict):
        default = _language(settings.get("lang"), "en")
    others = tuple(str(k).lower() for k in locales if k != "root")

    sidebars: list[tuple[str, Any]] = []
    theme = settings.get("themeConfig")
    if isinstance(theme, dict):
        sidebars.append(("", theme.get("sidebar")))
    for key, value in locales.items():
        own = value.get("themeConfig") if isinstance(value, dict) else None
        if isinstance(own, dict):
            sidebars.append(("" if key == "root" else str(key), own.get("sidebar")))
    nav: dict[str, NavEntry] = {}
    order = 0
    for _, sidebar in sidebars:
        if _unknown_in(sidebar) and "sidebar" not in unread:
            unread.append("sidebar")
        for link, label, section, heads in sidebar_entries(sidebar):
            for rel in _link_files(link, rules):
                nav.setdefault(rel, NavEntry(label, float(order), section, heads))
            order += 1
    excluded = settings.get("srcExclude")
    exclude = (
        tuple(str(e) for e in excluded if isinstance(e, str)) if isinstance(excluded, list) else ()
    )
    if unread:
        origin += f"; not literal values, left at their defaults: {', '.join(unread)}"
    return Site(
        origin=origin,
        locales=(default, *others) if others else None,
        default_locale=default if locales else None,
        nav=nav,
        exclude=("node_modules", *exclude),
        page_path=_site_path(rules) if rules else None,
    )


def _link(text: str, target: str) -> str:
    label = text.replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({target})"


def home_body(values: Mapping[str, Any], content: str) -> str:
    """A ``layout: home`` page's body: its hero and features as Markdown, then its text."""
    if values.get("layout") != "home":
        return content
    lines: list[str] = []
    hero = values.get("hero")
    if isinstance(hero, dict):
        name, text, tagline = (_text(hero.get(k)) for k in ("name", "text", "tagline"))
        if name or text:
            lines += [f"# {name or text}", ""]
        if name and text:
            lines += [f"**{text}**", ""]
        if tagline:
            lines += [tagline, ""]
        image = hero.get("image")
        src = _text(image.get("src") if isinstance(image, dict) else image)
        if src:
            alt = _text(image.get("alt")) if isinstance(image, dict) else None
            lines += [f"![{alt or name or ''}]({src})", ""]
        actions = hero.get("actions")
        links = [
            _link(str(a["text"]), str(a["link"]))
            for a in (actions if isinstance(actions, list) else [])
            if isinstance(a, dict) and _text(a.get("text")) and _text(a.get("link"))
        ]
        if links:
            lines += [" · ".join(links), ""]
    features = values.get("features")
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, dict) or not _text(feature.get("title")):
            continue
        icon = _text(feature.get("icon"))
        lines += [f"## {icon + ' ' if icon else ''}{feature['title'].strip()}", ""]
        details = _text(feature.get("details"))
        if details:
            lines += [details, ""]
        link = _text(feature.get("link"))
        if link:
            lines += [_link(_text(feature.get("linkText")) or "Learn more", link), ""]
    if not lines:
        return content
    return "\n".join(lines) + ("\n" + content.lstrip("\n") if content.strip() else "")


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
    page_body=home_body,
    body_keys=frozenset({"hero", "features"}),
    detect=detect,
)
