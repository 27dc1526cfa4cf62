"""Hugo (and the Docsy theme).

Detected from ``hugo.{toml,yaml,yml,json}`` or ``config.{toml,yaml,yml,json}`` (also under
``config/_default/``) in the content directory's parents, when the content directory is
the site's ``contentDir`` (default ``content``) or a language's.

* ``_index.md`` is a section's page (a list page) and ``index.md`` a page bundle's (its
  images beside it are assets). A section page with only front matter gets the list of its
  children as its body; a page with only front matter and a ``layout`` (a search page)
  gets its description, else its title.
* Languages: the ``languages`` of the site's settings; ``content/<lang>/`` folders set
  the locale, ``defaultContentLanguage`` is the default one.
* Page path: ``url`` sets the whole path, ``slug`` replaces the last segment; paths are
  lowercased as Hugo serves them (unless ``disablePathToLower``).
* Links: relative to the page's URL (``beds.md`` is served at ``beds/``, so ``../porridge/``
  from it is its sibling), then to the file; ``{{< ref "x" >}}`` and ``relref`` used as a
  link target resolve like Hugo's own lookups; other shortcodes in a link target stay as
  text, with a warning. Site-absolute links naming a page (``/docs/tasks/``) are rewritten.
  A broken link is a warning: Hugo does not check links, and render hooks (glossary
  links such as ``[term](g)``) give destinations meanings of their own.
* Front matter: ``title`` (else ``linkTitle``), ``description`` (else ``summary``),
  ``tags`` plus the site's other taxonomies (``categories``), ``draft``; ``linkTitle`` and
  ``weight`` are the navigation title and order.
* What the site publishes: no page for ``build: {render: never}`` or ``{render: link}``
  (redirect stubs among them) or a ``headless: true`` bundle; ``build: {list: never}``
  keeps a page out of navigation; ``cascade`` in a section page passes these down.
* At the project root, ``contentDir`` (or the folder of the languages' own content
  folders) is the content folder (``find_project``).
"""

from __future__ import annotations

import contextlib
import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from wikisync.local.flavors.base import (
    LEFT_OUT,
    LISTED,
    UNLISTED,
    Flavor,
    PathInput,
    Project,
    RefLookup,
    SettingOrigin,
    Site,
    Verdict,
    ancestors,
    field_rules,
    relative_label,
    relative_origin,
)
from wikisync.local.generator_files import SettingsFile, read_settings_file

__all__ = [
    "FLAVOR",
    "detect",
    "find_project",
    "is_published",
    "page_path",
    "read_settings",
    "ref_index",
]

_NAMES = ("hugo", "config")
_EXTENSIONS = ("toml", "yaml", "yml", "json")
_KINDS = {".toml": "toml", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_USED = ("contentDir", "languages", "defaultContentLanguage", "taxonomies", "disablePathToLower")


def read_settings(path: Path, content_dir: Path | None = None) -> SettingsFile:
    """A Hugo settings file, read with bounds (``data`` is empty when it cannot be read,
    and ``problems`` says why)."""
    label = relative_label(path, content_dir) if content_dir is not None else path.name
    kind = _KINDS.get(path.suffix, "yaml")
    return read_settings_file(path, label, kind, _USED)  # type: ignore[arg-type]


def _settings_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for base in (folder, folder / "config" / "_default"):
        for name in _NAMES:
            for ext in _EXTENSIONS:
                path = base / f"{name}.{ext}"
                if path.is_file():
                    found.append(path)
    return found


def _language(key: Any) -> str:
    # YAML 1.1 reads an unquoted ``no:`` (Norwegian) as false.
    if isinstance(key, bool):
        return "no" if key is False else "yes"
    return str(key).lower()


def _language_line(read: SettingsFile, key: Any) -> int | None:
    text = str(key)
    return read.line_of(
        "languages",
        f"languages.{text}",
        f'languages."{text}"',
        f'"{text}"',
        f"'{text}'",
        f"{text}:",
    )


def _resolved(folder: Path, value: Any) -> Path | None:
    """``folder / value`` resolved, or ``None`` when ``value`` is no usable folder name."""
    if not isinstance(value, str) or not value or "\x00" in value:
        return None
    with contextlib.suppress(OSError, ValueError, RuntimeError):
        return (folder / value).resolve()
    return None


def detect(content_dir: Path, top: Path) -> Site | None:
    here = content_dir.resolve()
    for folder in ancestors(content_dir, top):
        for path in _settings_files(folder):
            read = read_settings(path, content_dir)
            settings = read.data
            problems = list(read.problems)
            content = settings.get("contentDir") or "content"
            content_root = _resolved(folder, content)
            if content_root is None:
                problems.append(
                    read.problem(
                        read.line_of("contentDir"),
                        f"contentDir {str(content)[:80]!r} is not a folder name; 'content' is used",
                        "warning",
                    )
                )
            languages = settings.get("languages")
            languages = languages if isinstance(languages, dict) else {}
            default = settings.get("defaultContentLanguage") or "en"
            default = str(default).lower() if isinstance(default, (str, int)) else "en"
            # The content directory: the site's content folder (locale folders below it),
            # or one language's own contentDir.
            roots = {(folder / "content").resolve()} | ({content_root} if content_root else set())
            lang_dirs: dict[Path, tuple[str, Any]] = {}
            for key, value in languages.items():
                if isinstance(value, dict) and value.get("contentDir"):
                    resolved = _resolved(folder, value["contentDir"])
                    if resolved is None:
                        problems.append(
                            read.problem(
                                _language_line(read, key),
                                f"languages.{str(key)[:40]}.contentDir is not a folder name; "
                                "ignored",
                                "warning",
                            )
                        )
                        continue
                    lang_dirs[resolved] = (_language(key), key)
            origins: dict[str, SettingOrigin] = {}
            if here in lang_dirs:
                locale, key = lang_dirs[here]
                locales: tuple[str, ...] | None = None
                default_locale: str | None = locale
                origins["default_locale"] = SettingOrigin(
                    read.label, _language_line(read, key), f"languages.{key}"
                )
            elif (
                here in roots
                or here.parent in roots
                or (not read.readable and here.parent == folder)
            ):
                names = {_language(k): k for k in languages}
                present = tuple(
                    name
                    for name in names
                    if (candidate := _resolved(here, name)) is not None and candidate.is_dir()
                )
                locales = present or None
                default_locale = default if present else None
                if present:
                    # Point at the first key that is not a plain name, which is the one
                    # the locale check will refuse; else at "languages".
                    odd = [n for n in present if not n.replace("-", "").isalnum()]
                    key = names[odd[0]] if odd else None
                    origins["locales"] = SettingOrigin(
                        read.label,
                        _language_line(read, key) if odd else read.line_of("languages"),
                        f"languages.{key}" if odd else "languages",
                    )
                if default_locale:
                    origins["default_locale"] = SettingOrigin(
                        read.label,
                        read.line_of("defaultContentLanguage"),
                        "defaultContentLanguage",
                    )
            else:
                continue
            taxonomies = settings.get("taxonomies")
            tag_keys: tuple[str, ...] = ()
            if isinstance(taxonomies, dict):
                tag_keys = tuple(str(v) for v in taxonomies.values() if str(v) != "tags")
            level = str(settings.get("refLinksErrorLevel") or "ERROR").strip().upper()
            return Site(
                origin=relative_origin(path, content_dir),
                severity={"broken-ref": "warning"} if level == "WARNING" else {},
                locales=locales,
                default_locale=default_locale,
                tag_keys=tag_keys,
                lowercase=not settings.get("disablePathToLower", False),
                problems=tuple(problems),
                origins=origins,
                params=params if isinstance(params := settings.get("params"), dict) else {},
                folder=folder,
            )
    return None


def find_project(folder: Path) -> Project | None:
    """Hugo's settings in ``folder`` and its content folder: ``contentDir`` (default
    ``content``), or the folder holding every language's own ``contentDir`` when each is
    named after its language (``content/en``, ``content/no``)."""
    files = _settings_files(folder)
    if not files:
        return None
    settings: dict[str, Any] = {}
    for path in reversed(files):  # the first file found wins, as in ``detect``
        settings.update(read_settings(path).data)
    content = settings.get("contentDir") or "content"
    content = content if _resolved(folder, content) is not None else "content"
    languages = settings.get("languages")
    dirs: dict[str, Path] = {}
    for key, value in languages.items() if isinstance(languages, dict) else ():
        named = (value.get("contentDir") if isinstance(value, dict) else None) or content
        resolved = _resolved(folder, named)
        if resolved is not None:  # a name that is no folder is reported by ``detect``
            dirs[_language(key)] = resolved
    if len(dirs) > 1:
        parents = {d.parent for d in dirs.values()}
        if len(parents) == 1 and all(d.name.lower() == lang for lang, d in dirs.items()):
            return Project(files[0], next(iter(dirs.values())).parent)
    return Project(files[0], folder / content)


def _build(header: Mapping[str, Any]) -> Mapping[str, Any]:
    build = header.get("build", header.get("_build"))
    return build if isinstance(build, Mapping) else {}


def is_published(rel: str, header: Mapping[str, Any], site: Site) -> Verdict:
    """Hugo's build options (``build``, or the older ``_build``) and headless bundles."""
    build = _build(header)
    render = build.get("render")
    if render in ("never", False):
        return LEFT_OUT("build: {render: never}: Hugo renders no page for it")
    if render == "link":
        if "redirect" in header or "redirect" in _params(header):
            return LEFT_OUT(
                "a redirect stub (build: {render: link} with redirect:): Hugo renders no "
                "page for it, and Wiki.js 2 has no redirects; the page it names is synced"
            )
        return LEFT_OUT("build: {render: link}: Hugo gives it a URL but renders no page")
    if header.get("headless") is True:
        return LEFT_OUT("headless: true: a headless bundle is not a page")
    if build.get("list") in ("never", False):
        return UNLISTED
    return LISTED


def _params(header: Mapping[str, Any]) -> Mapping[str, Any]:
    params = header.get("params")
    return params if isinstance(params, Mapping) else {}


def page_path(page: PathInput) -> str | None:
    url = page.values.get("url")
    if url is not None and url.strip().strip("/"):
        return url.strip().strip("/")
    slug = page.values.get("slug")
    if slug is not None and slug.strip() and not page.is_index:
        slug = slug.strip().strip("/")
        return f"{page.folder}/{slug}" if page.folder else slug
    return None


_PAGE_EXTENSIONS = (".md", ".html")
_SECTION, _BUNDLE = "_index", "index"


def _strip_extension(name: str) -> tuple[str, bool]:
    lower = name.lower()
    for extension in _PAGE_EXTENSIONS:
        if lower.endswith(extension):
            return name[: -len(extension)], True
    return name, False


def _logical(rel: str) -> str:
    """The path Hugo names a page file's page by: no extension, and a section's
    ``_index`` or a bundle's ``index`` dropped (``docs/guide/_index.md`` is ``docs/guide``)."""
    stem, _ = _strip_extension(rel)
    folder, _, name = stem.rpartition("/")
    return folder if name in (_SECTION, _BUNDLE) else stem


def ref_index(files: tuple[str, ...], top_of: Callable[[str], str]) -> RefLookup:
    """How ``{{< ref "x" >}}`` and ``relref`` find a page, as Hugo documents its lookup
    (https://gohugo.io/content-management/cross-references/, ``urls.Ref``): a path
    without a leading ``/`` is resolved first relative to the page (its folder; for a
    bundle's ``index.md``, the folder holding the bundle), then from the content root; a
    leading ``/`` is from the content root only, and a leading ``.`` relative to the page
    only. A path with an extension names the file (``/about/_index.md``); without one it
    names the page (``/about`` is ``about/_index.md`` or ``about/index.md``, and
    ``/products/index`` the bundle, but ``/about/_index`` nothing). Last, a name without
    a ``/`` names the one page of that name in its language: a file's name, a section's
    or a bundle's folder name (``guide`` is ``docs/guide/_index.md``); two pages of that
    name make the reference ambiguous, which Hugo refuses. Case does not matter."""
    by_path: dict[str, str] = {}
    by_name: dict[tuple[str, str], list[str]] = {}
    for rel in sorted(files):
        logical = _logical(rel)
        by_path.setdefault(logical.lower(), rel)
        top = top_of(rel)
        inner = logical[len(top) :].lstrip("/") if top else logical
        if inner:  # the home page has no name
            by_name.setdefault((top, inner.rsplit("/", 1)[-1].lower()), []).append(rel)

    def at(path: str, named_file: bool) -> tuple[str | None, str]:
        path = posixpath.normpath(path) if path else ""
        path = "" if path == "." else path
        if path == ".." or path.startswith("../"):
            return None, path
        folder, _, name = path.rpartition("/")
        if named_file:
            stem, _ = _strip_extension(name)
            path = folder if stem in (_SECTION, _BUNDLE) else posixpath.join(folder, stem)
        elif name == _BUNDLE:
            path = folder
        elif name == _SECTION:
            return None, path  # a section is named by its folder only
        return by_path.get(path.lower()), path or "."

    def lookup(source: str, ref: str) -> tuple[str | None, str]:
        top = top_of(source)
        named_file = _strip_extension(ref)[1]
        tried: list[str] = []
        if not ref.startswith("/"):
            folder = posixpath.dirname(source)
            if _strip_extension(posixpath.basename(source))[0] == _BUNDLE and not (
                named_file and ref.startswith("../")
            ):
                folder = posixpath.dirname(folder) if folder != top else folder
            found, path = at(posixpath.join(folder, ref), named_file)
            if found is not None:
                return found, ""
            tried.append(path)
            if ref.startswith("."):
                return None, f"no page {path}"
        found, path = at(posixpath.join(top, ref.lstrip("/")), named_file)
        if found is not None:
            return found, ""
        tried.append(path)
        if "/" not in ref:
            name = _strip_extension(ref)[0].lower()
            named = by_name.get((top, name), [])
            if len(named) == 1:
                return named[0], ""
            if named:
                shown = ", ".join(named[:3]) + (" ..." if len(named) > 3 else "")
                return None, f"{len(named)} pages are named {name!r} ({shown}): it is ambiguous"
            tried.append(f"a page named {name!r}")
        return None, "no page " + " or ".join(dict.fromkeys(tried))

    return lookup


FLAVOR = Flavor(
    name="hugo",
    summary="Hugo: _index.md sections, page bundles, content/<lang>/, weight and linkTitle",
    fields=field_rules(
        title=("title", "linkTitle"),
        description=("description", "summary"),
        tags=("tags",),
        is_published=("published", "!draft"),
        nav_title=("linkTitle",),
        nav_order=("weight",),
    ),
    known_keys=frozenset(
        {
            "aliases",
            "author",
            "authors",
            "build",
            "cascade",
            "date",
            "expiryDate",
            "headless",
            "isCJKLanguage",
            "keywords",
            "lastmod",
            "layout",
            "markup",
            "menu",
            "outputs",
            "params",
            "publishDate",
            "redirect",
            "resources",
            "sitemap",
            "slug",
            "translationKey",
            "type",
            "url",
            "no_list",
            "hide_summary",
            "simple_list",
            "toc_hide",
            "hide_feedback",
        }
    ),
    index_names=("_index", "index"),
    link_bases=("url", "file", "root"),
    site_links=True,
    template_links=True,
    sections=True,
    lowercase_paths=True,
    template_keys=frozenset({"layout"}),
    severity={"broken-link": "warning", "link-outside": "warning"},
    severity_settings={"broken-ref": "refLinksErrorLevel in the Hugo settings"},
    dialect=("hugo-shortcodes", "docsy", "github-alerts"),
    static_folders=("static",),
    page_path=page_path,
    detect=detect,
    find_project=find_project,
    is_published=is_published,
    publish_keys=frozenset({"build", "_build", "headless", "redirect", "params"}),
    page_extensions=_PAGE_EXTENSIONS,
    ref_index=ref_index,
    cascade_key="cascade",
)
