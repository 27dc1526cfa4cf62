"""Jekyll (and its themes: just-the-docs, minima).

Detected from a ``_config.yml`` (or ``_config.yaml``) of a Jekyll site (``is_jekyll_site``:
a key only Jekyll reads, a ``Gemfile`` there or above, one of Jekyll's ``_`` folders, or a
page with front matter; not Hexo's or Jupyter Book's ``_config.yml``) in the content
directory's parents or their ``docs/`` (GitHub Pages' folder), when the content directory
is the site's ``source`` (default: the folder of ``_config.yml``). Named in
``wikisync.yml``, the flavor reads any ``_config.yml``.

* ``index.md`` or ``README.md`` is its folder's page. Files and folders starting with
  ``_`` are not pages (``_includes``, ``_layouts``, ``_sass``), except ``_posts`` and the
  collections the settings publish (``output: true``); the settings' ``exclude`` is left
  out, with Jekyll's own defaults (``Gemfile``, ``vendor``, ``node_modules`` ...).
* ``.md`` and ``.html`` files are pages; an ``.html`` page's front matter (``---``) is
  read and its body stays HTML.
* Page path: a page's ``permalink`` (``/docs/x/``, ``/about.html``; ``:path``,
  ``:basename`` and ``:name`` filled in), else its file's path, whatever the permalink
  style (``pretty`` serves ``docs/x.md`` at ``/docs/x/``, the default at
  ``/docs/x.html``: both are the wiki page ``docs/x``). Posts (``_posts/2024-01-05-hello.md``)
  take the site's ``permalink`` style (``date``, ``pretty``, ``ordinal``, ``none`` or a
  pattern), a collection's files its ``permalink`` (default ``/:collection/:path``).
* Links: relative links resolve from the file, then from the page's URL, then from the
  site's top; ``{% link docs/x.md %}``, ``{% post_url 2024-01-05-hello %}``,
  ``{{ '/docs/x/' | relative_url }}`` (or ``absolute_url``) and ``{{ site.baseurl }}``
  before a site-absolute path resolve as Jekyll builds them; site-absolute links naming a
  page (``/docs/x/``, ``baseurl`` dropped) are rewritten. A broken link is a warning:
  Jekyll does not check links.
* What the site publishes: not a page with ``published: false``; ``nav_exclude: true``
  keeps a page out of navigation. At the project root, ``source`` is the content folder
  (``find_project``).
* Front matter: ``title``, ``description`` (else ``excerpt``), ``tags`` and
  ``categories``; just-the-docs's ``nav_order`` is the navigation order,
  ``parent`` (another page's title; ``grand_parent`` or ``ancestor`` tell pages of one
  title apart) makes the navigation's sections, headed by the parent page.
* A page with only front matter and a ``layout`` (minima's ``layout: home``) gets its
  description, else its title, as its body.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from wikisync.local.flavors.base import (
    LEFT_OUT,
    LISTED,
    UNLISTED,
    Flavor,
    NavEntry,
    PathInput,
    Project,
    Rule,
    Site,
    Verdict,
    ancestors,
    field_rules,
    relative_label,
    relative_origin,
)
from wikisync.local.generator_files import SettingsFile, read_settings_file
from wikisync.plan.model import LocalPage

__all__ = [
    "FLAVOR",
    "detect",
    "detect_named",
    "find_named_project",
    "find_project",
    "is_jekyll_site",
    "is_published",
    "nav_entry",
    "nav_pages",
    "page_path",
    "post_path",
]

_CONFIG_NAMES = ("_config.yml", "_config.yaml")
_GEMFILES = ("Gemfile", "gems.rb")
_DEFAULT_EXCLUDE = (
    ".sass-cache",
    ".jekyll-cache",
    "gemfiles",
    "Gemfile",
    "Gemfile.lock",
    "gems.rb",
    "gems.locked",
    "node_modules",
    "vendor",
)
"""What Jekyll leaves out of every site (its ``exclude`` default)."""

_STYLES = {
    "date": "/:categories/:year/:month/:day/:title",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title",
    "weekdate": "/:categories/:year/W:week/:short_day/:title",
    "none": "/:categories/:title",
}
"""Jekyll's named permalink styles (``:output_ext`` left out: a wiki path has none)."""

_POST_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")
_PLACEHOLDER = re.compile(r":([a-z_]+)")
_TRUE = frozenset({"true", "yes", "on"})
_MAX_LEVELS = 32
"""How many parents above a page are looked for (just-the-docs shows a few levels)."""


def _is_true(value: str | None) -> bool:
    return value is not None and value.strip().lower() in _TRUE


def _clean(path: str) -> str:
    """A URL path as a wiki page path: no slashes around it, no ``.html``."""
    path = path.strip().strip("/")
    if path.endswith(".html"):
        path = path[: -len(".html")]
    if path == "index" or path.endswith("/index"):
        path = path[: -len("index")].rstrip("/")
    return "/".join(p for p in path.split("/") if p)


def _fill(pattern: str, values: Mapping[str, str]) -> str:
    """A permalink pattern with its placeholders filled in (unknown ones left empty)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), pattern)


def _page_values(page: PathInput) -> dict[str, str]:
    path = f"{page.folder}/{page.stem}" if page.folder else page.stem
    return {"path": path, "basename": page.stem, "name": page.stem, "title": page.stem}


def page_path(page: PathInput) -> str | None:
    """The path a page's own ``permalink`` sets (``""``: the site's top, ``permalink: /``),
    or ``None``."""
    permalink = page.values.get("permalink")
    if permalink is None or not permalink.strip():
        return None
    return _clean(_fill(permalink, _page_values(page)))


def post_path(page: PathInput, style: str) -> str:
    """The path of a post in ``_posts`` under the site's permalink ``style``."""
    match = _POST_NAME.match(page.stem)
    year, month, day, slug = match.groups() if match else ("", "", "", page.stem)
    inner = page.folder.split("/")
    categories = [p for p in inner[: inner.index("_posts")] if p] if "_posts" in inner else []
    raw = page.values.get("categories") or page.values.get("category") or ""
    categories += [c for c in raw.replace(",", " ").split() if c]
    values = {
        "year": year,
        "month": month,
        "day": day,
        "i_month": month.lstrip("0"),
        "i_day": day.lstrip("0"),
        "title": page.values.get("slug") or slug,
        "slug": page.values.get("slug") or slug,
        "categories": "/".join(c.lower() for c in categories),
        "name": page.stem,
    }
    return _clean(_fill(_STYLES.get(style, style), values))


def _site_page_path(
    style: str, collections: Mapping[str, str]
) -> Callable[[PathInput], str | None]:
    def path_of(page: PathInput) -> str | None:
        own = page_path(page)
        if own is not None:
            return own
        first, _, rest = page.folder.partition("/")
        if first == "_posts" or "/_posts" in f"/{page.folder}":
            return post_path(page, style)
        if first in collections:
            name = first[1:]
            inner = f"{rest}/{page.stem}" if rest else page.stem
            values = {"collection": name, "path": inner, "name": page.stem, "title": page.stem}
            return _clean(_fill(collections[first], values))
        return None

    return path_of


def _collections(settings: Mapping[str, Any], style: str) -> dict[str, str]:
    """``_<name>`` -> the permalink pattern of every collection the site publishes."""
    value = settings.get("collections")
    out: dict[str, str] = {}
    items = value.items() if isinstance(value, dict) else ((n, {}) for n in value or ())
    for name, options in items:
        options = options if isinstance(options, dict) else {}
        if not options.get("output") or str(name) == "posts":
            continue
        pattern = options.get("permalink")
        if not isinstance(pattern, str):
            pattern = "/:collection/:path/" if style == "pretty" else "/:collection/:path"
        out[f"_{name}"] = _STYLES.get(pattern, pattern)
    return out


def _read(path: Path, content_dir: Path | None = None) -> SettingsFile:
    label = relative_label(path, content_dir) if content_dir is not None else path.name
    ignored = ("the permalinks, collections, exclusions and baseurl",)
    return read_settings_file(path, label, "yaml", ignored)


def _settings(path: Path) -> dict[str, Any]:
    return dict(_read(path).data)


_OTHER_KEYS = frozenset(
    {
        # Hexo (https://hexo.io/docs/configuration): its own folders and post names
        "source_dir",
        "public_dir",
        "new_post_name",
        "theme_config",
        # Jupyter Book (https://jupyterbook.org/customize/config.html)
        "execute",
        "sphinx",
        "launch_buttons",
        "bibtex_bibfiles",
    }
)
"""Keys of other tools' ``_config.yml``, which Jekyll does not read."""
_OTHER_FILES = ("scaffolds", "_toc.yml", "_toc.yaml")
"""Files and folders beside another tool's ``_config.yml``: Hexo's ``scaffolds/``, Jupyter
Book's table of contents."""
_JEKYLL_KEYS = frozenset(
    {"theme", "remote_theme", "collections", "plugins", "gems", "kramdown", "defaults"}
)
"""Keys only Jekyll's settings have (https://jekyllrb.com/docs/configuration/)."""
_JEKYLL_FOLDERS = ("_layouts", "_includes", "_posts", "_drafts", "_data", "_sass")
"""Folders of a Jekyll site (https://jekyllrb.com/docs/structure/)."""
_PAGE_SUFFIXES = (".md", ".markdown", ".html")
_SCAN_LIMIT = 200
_PARENT_LIMIT = 16


def _config(folder: Path) -> Path | None:
    for name in _CONFIG_NAMES:
        path = folder / name
        if path.is_file():
            return path
    return None


def _other_tool(folder: Path, settings: Mapping[str, Any]) -> bool:
    """Whether ``_config.yml`` is another tool's (Hexo, Jupyter Book)."""
    if _OTHER_KEYS & set(settings):
        return True
    if any((folder / name).exists() for name in _OTHER_FILES):
        return True
    package = folder / "package.json"
    with contextlib.suppress(OSError):
        if package.is_file() and package.stat().st_size < 1 << 20:
            return '"hexo"' in package.read_text(encoding="utf-8", errors="replace")
    return False


def _gemfile_above(folder: Path) -> bool:
    """A ``Gemfile`` (or ``gems.rb``) in ``folder`` or a parent, up to the top of its git
    working tree (outside git: ``folder`` only)."""
    here = folder.resolve()
    chain = [here, *here.parents][:_PARENT_LIMIT]
    top = next((n for n, p in enumerate(chain) if (p / ".git").exists()), 0)
    return any((p / g).is_file() for p in chain[: top + 1] for g in _GEMFILES)


def _has_front_matter_page(folder: Path) -> bool:
    """Whether a page file at the top of ``folder`` starts with front matter (``---``):
    Jekyll's sign of a page to render."""
    with contextlib.suppress(OSError):
        for number, entry in enumerate(sorted(folder.iterdir())):
            if number > _SCAN_LIMIT:
                break
            if entry.suffix.lower() in _PAGE_SUFFIXES and entry.is_file():
                with entry.open("rb") as handle:
                    if handle.read(4) in (b"---\n", b"---\r"):
                        return True
    return False


def is_jekyll_site(folder: Path, settings: Mapping[str, Any]) -> bool:
    """Whether the ``_config.yml`` in ``folder`` (read as ``settings``) is a Jekyll site's:
    not another tool's (Hexo, Jupyter Book), and with Jekyll's signs: a key only Jekyll
    reads (``theme``, ``remote_theme``, ``collections``, ``plugins``, ``kramdown``,
    ``defaults``), a ``Gemfile`` here or above, a folder of Jekyll's (``_layouts``,
    ``_includes``, ``_posts``, ``_data``, ``_sass``, ``_drafts``), or a page with front
    matter (a default GitHub Pages site has nothing else)."""
    if _other_tool(folder, settings):
        return False
    return bool(
        _JEKYLL_KEYS & {k for k, v in settings.items() if v}
        or any((folder / name).is_dir() for name in _JEKYLL_FOLDERS)
        or _gemfile_above(folder)
        or _has_front_matter_page(folder)
    )


def _project(folder: Path, named: bool) -> Project | None:
    path = _config(folder)
    if path is None:
        return None
    settings = _settings(path)
    if not named and not is_jekyll_site(folder, settings):
        return None
    source = settings.get("source")
    return Project(path, folder / (source if isinstance(source, str) and source else "."))


def find_project(folder: Path, named: bool = False) -> Project | None:
    """``_config.yml`` of a Jekyll site in ``folder`` (see ``is_jekyll_site``; any
    ``_config.yml`` when the flavor is ``named`` in wikisync.yml), else in its ``docs/``
    (where GitHub Pages builds a repository's site from); and its ``source`` (default: the
    config's folder)."""
    found = _project(folder, named)
    if found is not None:
        return found
    docs = _project(folder / "docs", named)
    return Project(docs.settings, docs.content, folder) if docs is not None else None


def find_named_project(folder: Path) -> Project | None:
    return find_project(folder, named=True)


def detect(content_dir: Path, top: Path, named: bool = False) -> Site | None:
    here = content_dir.resolve()
    for folder in ancestors(content_dir, top):
        project = find_project(folder, named)
        if project is None or project.content.resolve() != here:
            continue
        read = _read(project.settings, content_dir)
        settings = dict(read.data)
        style = str(settings.get("permalink") or "date")
        collections = _collections(settings, style)
        excluded = settings.get("exclude")
        exclude = (
            tuple(str(e) for e in excluded if isinstance(e, (str, int)))
            if isinstance(excluded, list)
            else ()
        )
        name = project.settings.name
        rules = (
            Rule("gitignore", _DEFAULT_EXCLUDE, "Jekyll leaves them out"),
            *([Rule("gitignore", exclude, f"exclude in {name}")] if exclude else []),
        )
        return Site(
            origin=relative_origin(project.settings, content_dir),
            url_prefix=str(settings.get("baseurl") or "").strip("/"),
            rules=rules,
            keep=frozenset({"_posts", *collections}),
            page_path=_site_page_path(style, collections),
            problems=read.problems,
        )
    return None


def detect_named(content_dir: Path, top: Path) -> Site | None:
    return detect(content_dir, top, named=True)


def is_published(rel: str, header: Mapping[str, Any], site: Site) -> Verdict:
    """``published: false``: Jekyll builds no page; ``nav_exclude: true``
    (just-the-docs): a page its navigation does not show."""
    if header.get("published") is False:
        return LEFT_OUT("published: false")
    if header.get("nav_exclude") is True:
        return UNLISTED
    return LISTED


def nav_entry(page: PathInput) -> NavEntry | None:
    """just-the-docs's place of a page, as written: the titles its ``ancestor``,
    ``grand_parent`` and ``parent`` name (``nav_pages`` finds those pages)."""
    values = page.values
    keys = ("nav_order", "parent", "grand_parent", "ancestor", "has_children", "nav_exclude")
    if not any(k in values for k in keys):
        return None  # not a just-the-docs page: its folders are its sections
    hints = tuple(
        values[k].strip()
        for k in ("ancestor", "grand_parent", "parent")
        if values.get(k, "").strip()
    )
    if "parent" not in values:
        hints = ()
    return NavEntry(section=hints)


def nav_pages(pages: tuple[LocalPage, ...]) -> tuple[LocalPage, ...]:
    """Every page's section as just-the-docs builds it: ``parent`` is the title of
    another page (told apart from others of that title by ``grand_parent``, the
    parent's parent, or ``ancestor``, any page above it), whose own place comes first;
    a page that is some page's parent heads its section."""
    by_title: dict[tuple[str, str], list[LocalPage]] = {}
    for page in sorted(pages, key=lambda p: p.source):
        by_title.setdefault((page.locale, page.fields.title), []).append(page)
    chains: dict[str, tuple[str, ...]] = {}
    parents: dict[str, LocalPage] = {}

    def chain(page: LocalPage, seen: frozenset[str]) -> tuple[str, ...]:
        known = chains.get(page.source)
        if known is not None:
            return known
        hints = page.nav_section or ()
        found: tuple[str, ...] = hints
        if hints and page.source not in seen and len(seen) < _MAX_LEVELS:
            title, wanted = hints[-1], set(hints[:-1])
            inner = seen | {page.source}
            candidates = [
                (p, chain(p, inner))
                for p in by_title.get((page.locale, title), [])
                if p.source not in inner
            ]
            matching = [(p, c) for p, c in candidates if wanted <= set(c)] or candidates
            if matching:
                parent, above = matching[0]
                parents[page.source] = parent
                found = (*above, title)
        chains[page.source] = found
        return found

    for page in pages:
        if page.nav_section is not None:
            chain(page, frozenset())
    heads = {p.source for p in parents.values()}
    out: list[LocalPage] = []
    for page in pages:
        if page.nav_section is not None:
            section = chains.get(page.source, page.nav_section)
            if page.source in heads:
                page = replace(page, nav_section=(*section, page.fields.title), nav_heads=True)
            else:
                page = replace(page, nav_section=section)
        out.append(page)
    return tuple(out)


FLAVOR = Flavor(
    name="jekyll",
    summary="Jekyll: _config.yml, permalinks, {% link %}, just-the-docs parents and nav_order",
    fields=field_rules(
        title=("title",),
        description=("description", "excerpt"),
        tags=("tags", "categories"),
        nav_order=("nav_order",),
    ),
    known_keys=frozenset(
        {
            "layout",
            "permalink",
            "published",
            "nav_exclude",
            "date",
            "category",
            "slug",
            "author",
            "authors",
            "lang",
            "redirect_from",
            "redirect_to",
            "sitemap",
            "image",
            "last_modified_date",
            "parent",
            "grand_parent",
            "ancestor",
            "has_children",
            "has_toc",
            "nav_fold",
            "child_nav_order",
            "search_exclude",
            "nav_enabled",
        }
    ),
    index_names=("index", "README"),
    skip_prefixes=("_",),
    skip_reason=(
        "a name starting with '_': Jekyll publishes only _posts and the collections its "
        "settings output"
    ),
    link_bases=("file", "url", "root"),
    site_links=True,
    dialect=("kramdown-ial", "liquid", "md-in-html"),
    static_folders=(".",),
    template_links=True,
    sections=True,
    template_keys=frozenset({"layout"}),
    severity={"broken-link": "warning"},
    page_path=page_path,
    detect=detect,
    find_project=find_project,
    detect_named=detect_named,
    find_named_project=find_named_project,
    is_published=is_published,
    publish_keys=frozenset({"published", "nav_exclude"}),
    nav_entry=nav_entry,
    nav_pages=nav_pages,
)
