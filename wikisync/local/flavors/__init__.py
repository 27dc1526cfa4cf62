"""Flavors: the documentation generators wikisync reads trees of (see docs/flavors.md).

``flavor:`` in ``wikisync.yml`` names one (``wikijs``, ``plain``, ``mkdocs``,
``docusaurus``, ``hugo``), or ``auto`` (the default): the first generator whose own files
are found in the content directory or its parents up to the git top level (outside git:
its parent folder) (``mkdocs.yml``,
``docusaurus.config.*``, Hugo's settings, in that order), else Wiki.js's conventions (also
when a Wiki.js Git-storage header is found).

Every module of this package but ``base`` defines one ``FLAVOR``; ``FLAVORS`` holds
them all, so a new generator is one new module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from wikisync.local.flavors.base import Flavor, Site

__all__ = [
    "AUTO",
    "DEFAULT_FLAVOR",
    "DETECTION_ORDER",
    "FLAVORS",
    "ActiveFlavor",
    "Flavor",
    "Site",
    "detect_flavor",
    "git_top",
]

AUTO = "auto"
DETECTION_ORDER: tuple[str, ...] = ("mkdocs", "docusaurus", "hugo", "wikijs")
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

    @property
    def name(self) -> str:
        return self.flavor.name

    @property
    def lowercase(self) -> bool:
        """Whether page paths are lowercased (the site's setting, else the flavor's)."""
        if self.site.lowercase is not None:
            return self.site.lowercase
        return self.flavor.lowercase_paths

    def describe(self) -> str:
        """``Flavor: mkdocs (detected from ../mkdocs.yml)``."""
        return f"Flavor: {self.flavor.name} ({self.site.origin})"


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
        site = flavor.detect(directory, top)
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


def _with_origin(site: Site | None, origin: str) -> Site:
    if site is None:
        return Site(origin=origin)
    from dataclasses import replace

    return replace(site, origin=origin)
