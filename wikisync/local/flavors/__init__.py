"""Flavors: the documentation generators wikisync reads trees of (see docs/flavors.md).

``flavor:`` in ``wikisync.yml`` names one (``wikijs``, ``plain``, ``mkdocs``,
``docusaurus``, ``hugo``, ``jekyll``, ``vitepress``), or ``auto`` (the default): the first
generator whose own files are found in the content directory or its parents up to the git
top level (outside git: its parent folder) (``mkdocs.yml``, ``docusaurus.config.*``,
Hugo's settings, Jekyll's ``_config.yml``, ``.vitepress/config.*``, in that order), else
Wiki.js's conventions (also when a Wiki.js Git-storage header is found).

Started at a generator's project root (or anywhere in its git repository outside the
content folder), ``locate_content`` finds the generator's settings there or in a parent
folder and the content folder they name (``docs_dir``, ``contentDir``, the docs plugin's
``path``): that folder is the content directory.

Every module of this package but ``base`` defines one ``FLAVOR``; ``FLAVORS`` holds
them all, so a new generator is one new module.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from wikisync._names import shown
from wikisync.local.flavors.base import Flavor, PathInput, Project, Site, ancestors

__all__ = [
    "AUTO",
    "DEFAULT_FLAVOR",
    "DETECTION_ORDER",
    "FLAVORS",
    "ActiveFlavor",
    "Flavor",
    "Located",
    "Site",
    "detect_flavor",
    "git_top",
    "locate_content",
]

AUTO = "auto"
DETECTION_ORDER: tuple[str, ...] = (
    "mkdocs",
    "docusaurus",
    "hugo",
    "jekyll",
    "vitepress",
    "wikijs",
)
"""Which flavors ``auto`` tries, in order; a flavor not listed is tried after them."""
_FALLBACK = "wikijs"


def _load() -> Mapping[str, Flavor]:
    found: dict[str, Flavor] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base" or module.name.startswith("_"):
            continue
        flavor = importlib.import_module(f"{__name__}.{module.name}").FLAVOR
        found[flavor.name] = flavor
    return MappingProxyType(dict(sorted(found.items())))


FLAVORS: Mapping[str, Flavor] = _load()
"""Every flavor, by name."""

DEFAULT_FLAVOR: Flavor = FLAVORS[_FALLBACK]
"""Wiki.js's own conventions: what ``auto`` uses when no generator's files are found."""


@dataclass(frozen=True)
class ActiveFlavor:
    """The flavor a command uses, and what it read from the generator's files."""

    flavor: Flavor
    site: Site
    directory: Path | None = None
    """The content directory, when it is not the folder the command was given (the
    content folder of the generator's project: see ``locate_content``)."""

    @property
    def name(self) -> str:
        return self.flavor.name

    @property
    def lowercase(self) -> bool:
        """Whether page paths are lowercased (the site's setting, else the flavor's)."""
        if self.site.lowercase is not None:
            return self.site.lowercase
        return self.flavor.lowercase_paths

    def page_path(self, page: PathInput) -> str | None:
        """The page path (below root and locale) the site's settings or the page's front
        matter set, or ``None``: the path from the file name."""
        if self.site.page_path is not None:
            found = self.site.page_path(page)
            if found is not None:
                return found
        return self.flavor.page_path(page)

    def describe(self) -> str:
        """``Flavor: mkdocs (detected from ../mkdocs.yml)``."""
        return shown(f"Flavor: {self.flavor.name} ({self.site.origin})")


def git_top(directory: Path) -> Path:
    """How far up the generator's files are looked for: the top of the git working tree
    holding ``directory``; outside git, its parent folder."""
    here = directory.resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here.parent


def detect_flavor(directory: str | Path, name: str = AUTO) -> ActiveFlavor:
    """The flavor ``name`` (or, for ``auto``, the detected one) for ``directory``.

    A flavor named in ``wikisync.yml`` still reads its generator's files when they are
    there (navigation, languages); it is used whether or not they are.
    """
    directory = Path(directory)
    top = git_top(directory)
    if name != AUTO:
        flavor = FLAVORS[name]
        site = (flavor.detect_named or flavor.detect)(directory, top)
        origin = "set in wikisync.yml" + (f"; {site.origin}" if site else "")
        return ActiveFlavor(flavor, _with_origin(site, origin))
    order = [*DETECTION_ORDER, *(n for n in FLAVORS if n not in DETECTION_ORDER)]
    for candidate in order:
        found = FLAVORS.get(candidate)
        if found is None:
            continue
        site = found.detect(directory, top)
        if site is not None:
            return ActiveFlavor(found, site)
    return ActiveFlavor(FLAVORS[_FALLBACK], Site(origin="no generator's files found"))


@dataclass(frozen=True)
class Located:
    """Where a command's pages are: ``content``, the content directory; ``project`` the
    generator's project it belongs to, if one was found; ``moved`` whether ``content`` came
    from the project's settings (the command was started at the project's root, or
    elsewhere outside the content folder) rather than being the folder given."""

    content: Path
    project: Project | None = None
    moved: bool = False

    def describe(self, given: Path) -> str:
        """``mkdocs.yml; content docs/``: the settings file and the content folder, as
        seen from the folder the command was given."""
        if self.project is None:
            return ""
        settings = _shown(self.project.settings, given)
        return f"{settings}; content {_shown(self.content, given).rstrip('/')}/"


def _shown(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def locate_content(directory: str | Path, name: str = AUTO) -> Located:
    """The content directory of a command given ``directory``.

    ``directory`` itself, unless a generator's settings in it or in a parent folder (up to
    the git top level) name a content folder that ``directory`` is not in, and
    ``directory`` holds that folder (the project's root) or no page files at all (such as
    ``website/``): then that folder. A folder of pages elsewhere in the repository is read
    as it is; outside git, where the parent folder is looked in too, only the project's
    root and the settings file's folder lead to its content folder (a folder beside
    them is not the project's). Only the flavor ``name`` is asked when one is named.
    """
    directory = Path(directory)
    here = directory.resolve()
    if name != AUTO:
        order = [name]
    else:
        order = [*DETECTION_ORDER, *(n for n in FLAVORS if n not in DETECTION_ORDER)]
    top = git_top(directory)
    in_git = (top / ".git").exists()
    for folder in ancestors(directory, top):
        for candidate in order:
            flavor = FLAVORS.get(candidate)
            find = (
                None
                if flavor is None
                else flavor.find_named_project or flavor.find_project
                if name != AUTO
                else flavor.find_project
            )
            project = find(folder) if find is not None else None
            if project is None:
                continue
            project = Project(project.settings, project.content, project.root or folder)
            content = project.content.resolve()
            if content == here:
                return Located(directory, project)
            if content in here.parents:
                return Located(directory)  # a folder inside the content folder: as given
            if not content.is_dir():
                continue
            if here not in content.parents and _has_pages(here):
                return Located(directory)  # pages of their own, outside the site's content
            if not in_git and here not in (folder, project.settings.parent.resolve()):
                continue  # outside git, a folder beside the project is not part of it
            shown = Path(os.path.normpath(directory / os.path.relpath(content, here)))
            return Located(shown, Project(project.settings, shown, project.root), moved=True)
    return Located(directory)


_PAGE_SUFFIXES = (".md", ".mdx", ".markdown", ".html")
_SCAN_LIMIT = 5000


def _has_pages(folder: Path) -> bool:
    """Whether ``folder`` or a folder in it holds a page file (hidden folders and
    ``node_modules`` skipped); after ``_SCAN_LIMIT`` entries, assume it does."""
    pending = [folder]
    seen = 0
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    seen += 1
                    if seen > _SCAN_LIMIT:
                        return True
                    if entry.name.startswith(".") or entry.name == "node_modules":
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(Path(entry.path))
                    elif entry.name.lower().endswith(_PAGE_SUFFIXES):
                        return True
        except OSError:
            continue
    return False


def _with_origin(site: Site | None, origin: str) -> Site:
    if site is None:
        return Site(origin=origin)
    from dataclasses import replace

    return replace(site, origin=origin)
