"""What a flavor is: a generator's conventions, as data, plus the few functions it needs.

A ``Flavor`` is a frozen description that the rest of wikisync asks; nothing outside
``wikisync/local/flavors/`` looks at a flavor's name. It says:

* which files are pages (``page_extensions``, ``skip_prefixes``) and which file is a
  folder's page (``index_names``, ``folder_named_index``);
* how front matter maps onto page fields (``fields``: field -> ordered key aliases with a
  value converter; see ``FieldRule``), which other keys it knows (``known_keys``,
  never warned about);
* how links resolve (``link_bases``, ``site_links``, ``template_links``) and where its
  site serves files from (``static_folders``);
* whether its Markdown is CommonMark, adapted to what Wiki.js shows (``commonmark``);
* the default severity of some problem codes (``severity``), the way the generator itself
  treats them;
* the Markdown extensions the generator documents (``dialect``: names of
  ``wikisync.local.markdown.dialects.DIALECTS``), whose constructs are converted to
  Wiki.js's;
* the page path from front matter (``page_path``) and what its own files say (``detect``
  returns a ``Site``: where it was found, locales, navigation, a root, what it leaves out);
* where its project keeps the content (``find_project``: the settings in a folder and the
  content folder they name), so wikisync can start at the project's root;
* what the site publishes (``is_published``: a page, a page left out of navigation, or no
  page at all, and why), with values inherited from section pages (``cascade_key``), and
  the body of a page its layout renders from front matter alone (``layout_body``);
* where a page sits in the site's navigation when its front matter says so
  (``nav_entry``; ``nav_pages`` when pages name each other: just-the-docs's ``parent``).

A flavor module defines one ``FLAVOR``; ``wikisync.local.flavors`` finds every module of the
package, so adding a generator is adding one file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from wikisync.plan.model import PAGE_FIELD_NAMES, LocalPage, Problem, Severity

__all__ = [
    "FIELD_NAMES",
    "LEFT_OUT",
    "LISTED",
    "UNLISTED",
    "Combine",
    "Converter",
    "FieldRule",
    "Flavor",
    "KeyAlias",
    "LinkBase",
    "NavEntry",
    "PathInput",
    "Project",
    "RefLookup",
    "Rule",
    "SettingOrigin",
    "Site",
    "Verdict",
    "NUMBER_PREFIX",
    "ancestors",
    "convert_value",
    "default_nav_keys",
    "field_rules",
    "hero_body",
    "relative_label",
    "relative_origin",
]

Converter = Literal["same", "not"]
"""How a key's value becomes the field's value: as it is, or negated (``draft`` ->
``is_published``). Both are their own inverse, so a value is written back the same way."""

Combine = Literal["first", "union", "agree"]
"""When several aliases of a field are set: the first one in alias order wins (``first``),
the values are joined (``union``, for tags), or they must agree (``agree``: a
``frontmatter-conflict`` error otherwise)."""

LinkBase = Literal["file", "url", "root"]
"""Where a relative link is resolved from, in order: the linking file's folder (``file``);
the page's own URL folder, which for a page that is not a folder's page is one level
deeper, ``a/b.md`` served at ``a/b/`` (``url``); the content root of its locale
(``root``)."""

FIELD_NAMES: tuple[str, ...] = (*PAGE_FIELD_NAMES, "nav_title", "nav_order")
"""Fields a front-matter key can map to: the page fields, then the navigation ones."""


@dataclass(frozen=True)
class KeyAlias:
    """One front-matter key that sets a field, and how its value converts."""

    key: str
    convert: Converter = "same"


@dataclass(frozen=True)
class FieldRule:
    """The keys that set one field, in order of preference, and how several combine."""

    aliases: tuple[KeyAlias, ...]
    combine: Combine = "first"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(a.key for a in self.aliases)


def field_rules(**rules: tuple[str, ...] | FieldRule) -> Mapping[str, FieldRule]:
    """Build a field map: ``title=("title", "linkTitle")``; a key written ``"!draft"``
    converts with ``not``."""
    out: dict[str, FieldRule] = {}
    for name, rule in rules.items():
        if name not in FIELD_NAMES:
            raise ValueError(f"unknown field {name!r}")
        if not isinstance(rule, FieldRule):
            rule = FieldRule(
                tuple(KeyAlias(k[1:], "not") if k.startswith("!") else KeyAlias(k) for k in rule),
                "agree"
                if name in ("is_published", "is_private")
                else "union"
                if name == "tags"
                else "first",
            )
        out[name] = rule
    return MappingProxyType(out)


def convert_value(value: Any, convert: Converter) -> Any:
    """Apply (or undo: both converters are their own inverse) a key's converter."""
    if convert == "not" and isinstance(value, bool):
        return not value
    return value


@dataclass(frozen=True)
class PathInput:
    """What ``Flavor.page_path`` sees of one file.

    ``folder`` is the file's folder below its locale folder ("" at the top), ``stem`` its
    name without extension, ``is_index`` whether it is its folder's page, ``values`` the
    front matter's scalar values (texts), ``default`` the path from the file name.
    """

    folder: str
    stem: str
    is_index: bool
    values: Mapping[str, str]
    default: str


RuleKind = Literal["gitignore", "fnmatch", "regex"]


@dataclass(frozen=True)
class Rule:
    """Files a site's settings treat one way, by pattern, relative to the content folder.

    ``kind`` says how ``patterns`` match: ``gitignore`` (MkDocs ``exclude_docs``, wikisync's
    own globs; ``!pattern`` includes again), ``fnmatch`` (``*`` crosses folders) or
    ``regex`` (matched from the start of the path). ``effect``: ``left-out`` (no page),
    ``draft`` (an unpublished page) or ``unlisted`` (a page, not in navigation).
    ``reason`` names the setting (``exclude_docs in mkdocs.yml``).
    """

    kind: RuleKind
    patterns: tuple[str, ...]
    reason: str
    effect: Literal["left-out", "draft", "unlisted"] = "left-out"


@dataclass(frozen=True)
class Verdict:
    """What the site does with one page file: ``page`` (published as a page; ``listed``
    says whether its navigation shows it) or not (``reason`` says why it is left out)."""

    page: bool = True
    listed: bool = True
    reason: str = ""


LISTED = Verdict()
"""A page, in navigation: what the site does with most files."""
UNLISTED = Verdict(listed=False)


def LEFT_OUT(reason: str) -> Verdict:  # noqa: N802 - reads as a constant beside LISTED
    """No page: the site does not publish the file, because ``reason``."""
    return Verdict(page=False, listed=False, reason=reason)


@dataclass(frozen=True)
class Project:
    """A generator's project found in a folder: its settings file and the content folder
    they name (``docs_dir``, ``contentDir``, the docs plugin's ``path``). ``root`` is the
    folder it was found from (the project's root; for Docusaurus, the one above
    ``website/``); ``None`` means the settings file's folder."""

    settings: Path
    content: Path
    root: Path | None = None


@dataclass(frozen=True)
class NavEntry:
    """Where the site's navigation lists one page.

    ``title`` is its label there and ``order`` its place (lower first; ``None``: not
    given). ``section`` names the navigation groups it is in, outermost first, by their
    labels (mkdocs.yml ``nav`` sections, Docusaurus categories, VitePress sidebar groups,
    just-the-docs parents): ``()`` is the top level, ``None`` says nothing (the page's
    folders are its sections). ``heads`` says the page is the own page of the last group
    of ``section`` (a just-the-docs parent, a category's page). Whether the site lists
    the page at all is ``Flavor.is_published``'s to say.
    """

    title: str | None = None
    order: float | None = None
    section: tuple[str, ...] | None = None
    heads: bool = False


@dataclass(frozen=True)
class Site:
    """What a flavor read from the generator's own files.

    ``origin`` says where (``detected from ../mkdocs.yml``). ``locales`` and
    ``default_locale`` are the site's languages when it has locale folders; ``root`` the
    wiki root its URLs imply when ``wikisync.yml`` sets none; ``url_prefix`` the leading
    URL segment(s) of its pages, dropped from site-absolute links; ``nav`` maps file paths
    (relative to the content directory; a folder as ``dir/``), or the URLs the site
    serves (``url:<locale>:<path below root>``), to where the site's navigation lists
    them (``NavEntry``); ``tag_keys`` more keys whose values are tags (Hugo taxonomies);
    ``lowercase`` whether the site lowercases its URLs (``None``: the flavor's default).
    ``rules`` are the files its settings leave out, keep as drafts or keep out of
    navigation; ``severity`` the problem severities its settings choose (``onBrokenLinks:
    warn``), under those of ``wikisync.yml``; ``settings`` the values its settings file holds
    that ``Flavor.is_published`` reads (Hugo's ``buildDrafts``).
    ``problems`` are what reading the generator's files found (a file that could not be
    read is a warning naming the settings ignored); ``origins`` says, for each of
    ``root``, ``locales`` and ``default_locale`` that is set, the settings file, line and
    key it came from, so that a value wikisync cannot use is reported there. ``keep``
    names folders the flavor's ``skip_prefixes`` would skip but the site publishes
    (Jekyll's ``_posts`` and collections); ``page_path`` gives the page path the site's
    settings set for a file (Jekyll's collection permalinks, VitePress's ``rewrites``),
    tried before the flavor's own ``page_path``.
    """

    origin: str
    locales: tuple[str, ...] | None = None
    default_locale: str | None = None
    root: str | None = None
    url_prefix: str = ""
    nav: Mapping[str, NavEntry] = field(default_factory=dict)
    tag_keys: tuple[str, ...] = ()
    lowercase: bool | None = None
    rules: tuple[Rule, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    origins: Mapping[str, SettingOrigin] = field(default_factory=dict)
    keep: frozenset[str] = frozenset()
    page_path: Callable[[PathInput], str | None] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    """The site's own parameters (Hugo ``params``), for constructs that show one."""
    dialect: tuple[str, ...] = ()
    """Dialect extensions the site's settings turn on beyond the flavor's (a MkDocs
    ``macros`` plugin: ``template-expressions``)."""
    include_paths: tuple[str, ...] = ()
    """Folders included files are looked up in, as the site's settings name them
    (pymdownx snippets' ``base_path``), relative to the content directory."""
    append_snippets: tuple[str, ...] = ()
    """Files the site appends to every page (pymdownx snippets' ``auto_append``: link
    definitions, abbreviations), named as a snippet names them."""
    folder: Path | None = None
    """The generator's site folder (where its settings file is), which ``static_folders``
    are named from."""


@dataclass(frozen=True)
class SettingOrigin:
    """Where a setting of the generator's files was read: ``file`` as the content
    directory sees it (``../docusaurus.config.js``), its ``line``, the generator's ``key``."""

    file: str
    line: int | None
    key: str


RefLookup = Callable[[str, str], tuple[str | None, str]]
"""``lookup(source, path)``: the page file a page reference (Hugo's ``ref``) written in the
file ``source`` names, by ``path`` (no anchor), or ``(None, why)``."""


def _no_path(_: PathInput) -> str | None:
    return None


def default_nav_keys(page: PathInput, rel: str) -> tuple[str, ...]:
    """The ``Site.nav`` keys a file is listed under: its path, and ``dir/`` for a
    folder's page."""
    if page.is_index:
        return (rel, f"{page.folder}/" if page.folder else "")
    return (rel,)


def _not_detected(_: Path, __: Path) -> Site | None:
    return None


def _no_project(_: Path) -> Project | None:
    return None


def _published(_: str, __: Mapping[str, Any], ___: Site) -> Verdict:
    return LISTED


def _no_body(_: Mapping[str, Any]) -> str | None:
    return None


def _no_nav_entry(_: PathInput) -> NavEntry | None:
    return None


def _same_pages(pages: tuple[LocalPage, ...]) -> tuple[LocalPage, ...]:
    return pages


@dataclass(frozen=True)
class Flavor:
    """One generator's conventions (see the module docstring)."""

    name: str
    summary: str
    fields: Mapping[str, FieldRule]
    known_keys: frozenset[str] = frozenset()
    page_extensions: tuple[str, ...] = (".md", ".html")
    index_names: tuple[str, ...] = ("index",)
    folder_named_index: bool = False
    skip_prefixes: tuple[str, ...] = ()
    link_bases: tuple[LinkBase, ...] = ("file",)
    site_links: bool = False
    template_links: bool = False
    sections: bool = False
    """Whether a folder's page without a body gets its children as a list of links."""
    lowercase_paths: bool = False
    """Whether the generator lowercases page paths (unless its settings say otherwise)."""
    fix_paths: bool = True
    """Whether a file whose page path holds characters Wiki.js refuses (a dot, a space)
    gets a path with ``-`` in their place and a ``path-renamed`` warning (else the
    ``path-invalid`` error)."""
    template_keys: frozenset[str] = frozenset()
    """Keys that make the generator render a page's body from a template (Hugo's
    ``layout``): such a page without a body gets its description (or title) as its body,
    like a section; any other page without a body stays empty."""
    severity: Mapping[str, Severity] = field(default_factory=dict)
    severity_settings: Mapping[str, str] = field(default_factory=dict)
    """The generator's own setting that decides a code's severity (``onBrokenLinks in
    docusaurus.config``), named with grouped problems."""
    dialect: tuple[str, ...] = ()
    """The Markdown extensions the generator documents, by their names in
    ``wikisync.local.markdown.dialects.DIALECTS`` (``admonition``, ``material-tabs``...):
    their constructs are converted to Wiki.js's (``dialect:`` in wikisync.yml overrides)."""
    page_path: Callable[[PathInput], str | None] = _no_path
    """The page path (below root and locale) front matter sets, or ``None``."""
    detect: Callable[[Path, Path], Site | None] = _not_detected
    """``detect(content_dir, top)``: the generator's files between the content directory
    and ``top`` (the git top level, or the content directory), or ``None``."""
    nav_keys: Callable[[PathInput, str], tuple[str, ...]] = default_nav_keys
    """The ``Site.nav`` keys of a file (``nav_keys(page, rel)``)."""
    find_project: Callable[[Path], Project | None] = _no_project
    """``find_project(folder)``: the generator's settings in ``folder`` (its project root)
    and the content folder they name, or ``None``. Lets wikisync start at the root."""
    detect_named: Callable[[Path, Path], Site | None] | None = None
    """``detect`` when ``wikisync.yml`` names the flavor: the generator's files read
    without the signs ``auto`` asks for to tell them from other tools' (``None``:
    ``detect``)."""
    find_named_project: Callable[[Path], Project | None] | None = None
    """``find_project`` when ``wikisync.yml`` names the flavor (``None``: ``find_project``)."""
    skip_reason: str = ""
    """Why the site publishes no page for a file ``skip_prefixes`` skips (listed with the
    files left out)."""
    is_published: Callable[[str, Mapping[str, Any], Site], Verdict] = _published
    """``is_published(rel, header, site)``: what the site does with the file ``rel`` whose
    front matter (as Python values, with what section pages cascade onto it) is ``header``."""
    publish_keys: frozenset[str] = frozenset()
    """The front-matter keys ``is_published`` reads: only their values are built (the
    others cost nothing); ``header`` holds no other key."""
    cascade_key: str | None = None
    """The front-matter key whose mapping a folder's page passes down to every page below
    it (Hugo's ``cascade``); only ``is_published`` reads the inherited values."""
    layout_body: Callable[[Mapping[str, Any]], str | None] = _no_body
    """The body of a page with only front matter that its layout renders (a VitePress
    ``layout: home`` page: the hero and the features), or ``None``."""
    nav_entry: Callable[[PathInput], NavEntry | None] = _no_nav_entry
    """Where the page's own front matter puts it in the site's navigation (its
    ``section`` and ``heads``), or ``None``; ``Site.nav`` comes first."""
    nav_pages: Callable[[tuple[LocalPage, ...]], tuple[LocalPage, ...]] = _same_pages
    ref_index: Callable[[tuple[str, ...], Callable[[str], str]], RefLookup] | None = None
    """``ref_index(files, top_of)``: how the generator's page references (a link target
    ``{{< ref "x" >}}``) find pages among the page ``files`` (relative to the content
    directory; ``top_of(rel)`` is the locale folder a file is in, ``""`` without one);
    ``None``: such a target resolves like a relative link."""
    """A last pass over every page's navigation place, for a site whose pages name each
    other (just-the-docs's ``parent`` is another page's title)."""
    static_folders: tuple[str, ...] = ()
    """Where the generator's site serves files from at their path (``/img/a.png``):
    folders named from its site folder (``static``), or ``.``, the content directory
    itself. A site-absolute link naming a file there is uploaded like a relative one."""
    containers: tuple[str, ...] = ()
    """Markers of lines opening a block whose body, indented four columns, is Markdown
    and not code (Python-Markdown's ``!!! note``, pymdownx's ``=== "Tab"``)."""
    commonmark: bool = True
    """Whether the generator's site reads the Markdown the CommonMark way, so that what
    the wiki shows is adapted to it (``wikisync.local.markdown.shown``: line breaks inside
    paragraphs joined, a first heading repeating the title dropped). Off for Wiki.js's
    own files, which are kept as written."""

    def all_keys(self) -> frozenset[str]:
        """Every front-matter key this flavor knows (mapped or merely known)."""
        mapped = {a.key for rule in self.fields.values() for a in rule.aliases}
        return frozenset(mapped) | self.known_keys

    def is_index(self, folder: str, stem: str) -> bool:
        """Whether the file ``stem`` (no extension) in ``folder`` is that folder's page."""
        if stem in self.index_names:
            return True
        return self.folder_named_index and bool(folder) and stem == folder.rsplit("/", 1)[-1]


# -- helpers the flavor modules share ----------------------------------------------------------


def relative_label(found: Path, content_dir: Path) -> str:
    """``../mkdocs.yml``: where a file is, seen from the content directory."""
    try:
        shown = Path(_relpath(found, content_dir))
    except ValueError:
        shown = found
    return shown.as_posix()


def relative_origin(found: Path, content_dir: Path) -> str:
    """``detected from ../mkdocs.yml``: where a file is, seen from the content directory."""
    return f"detected from {relative_label(found, content_dir)}"


def _relpath(target: Path, start: Path) -> str:
    import os

    return os.path.relpath(target.resolve(), start.resolve())


def ancestors(content_dir: Path, top: Path) -> list[Path]:
    """The content directory and its parents up to ``top`` (inclusive), nearest first."""
    here = content_dir.resolve()
    stop = top.resolve()
    out = [here]
    while here != stop and here.parent != here and stop in here.parents:
        here = here.parent
        out.append(here)
    return out


NUMBER_PREFIX = re.compile(r"^\d+[-_.]\s*(?=.)")


def hero_body(header: Mapping[str, Any]) -> str | None:
    """A body for a home layout page from its ``hero`` (``name``, ``text``, ``tagline``,
    ``actions``) and ``features`` (``title``, ``details``, ``link``), or ``None`` when it
    has neither (VitePress's ``layout: home``, and themes that copy it)."""
    lines: list[str] = []
    hero = header.get("hero")
    if isinstance(hero, Mapping):
        name, text, tagline = (_text(hero.get(k)) for k in ("name", "text", "tagline"))
        heading = name or text
        if heading:
            lines.append(f"# {heading}")
        if name and text:
            lines += ["", f"**{text}**"]
        if tagline:
            lines += ["", tagline]
        actions = hero.get("actions")
        links = [
            f"[{_text(a.get('text'))}]({_text(a.get('link'))})"
            for a in (actions if isinstance(actions, list) else [])
            if isinstance(a, Mapping) and _text(a.get("text")) and _text(a.get("link"))
        ]
        if links:
            lines += ["", " · ".join(links)]
    features = header.get("features")
    items = [f for f in (features if isinstance(features, list) else []) if isinstance(f, Mapping)]
    for feature in items:
        title, details, link = (_text(feature.get(k)) for k in ("title", "details", "link"))
        if title:
            lines += ["", f"## [{title}]({link})" if link else f"## {title}"]
        if details:
            lines += ["", details]
    text = "\n".join(lines).strip()
    return text + "\n" if text else None


def _text(value: Any) -> str:
    return str(value).strip() if isinstance(value, (str, int, float)) else ""
