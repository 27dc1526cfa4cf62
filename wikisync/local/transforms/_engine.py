"""The transform registry (entry points) and the runner."""

from __future__ import annotations

import difflib
import importlib.metadata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from wikisync.errors import TransformError
from wikisync.local.markdown.links import code_block_lines
from wikisync.plan.model import Problem

__all__ = [
    "DEFAULT_TRANSFORMS",
    "ENTRY_POINT_GROUP",
    "Transform",
    "TransformContext",
    "TransformProblem",
    "TransformRun",
    "TransformStat",
    "available_transforms",
    "enabled_transforms",
    "code_lines",
    "load_transforms",
]

ENTRY_POINT_GROUP = "wikisync.transforms"
"""The entry-point group transforms are registered in (``pyproject.toml``)."""

DEFAULT_TRANSFORMS: tuple[str, ...] = (
    "mkdocs-admonitions",
    "docusaurus-admonitions",
    "docsy-alerts",
    "blockquote-alerts",
    "mdx-imports",
    "unconverted-syntax",
)
"""The transforms that run when ``wikisync.yml`` has no ``transforms:``, in this order."""

# Where the built-ins live, for a source checkout whose installed metadata is older than
# its code (the entry points in pyproject.toml declare the same objects).
_BUILTINS = MappingProxyType(
    {
        "mkdocs-admonitions": "wikisync.local.transforms._admonitions:MKDOCS_ADMONITIONS",
        "docusaurus-admonitions": "wikisync.local.transforms._admonitions:DOCUSAURUS_ADMONITIONS",
        "docsy-alerts": "wikisync.local.transforms._admonitions:DOCSY_ALERTS",
        "blockquote-alerts": "wikisync.local.transforms._admonitions:BLOCKQUOTE_ALERTS",
        "mdx-imports": "wikisync.local.transforms._syntax:MDX_IMPORTS",
        "unconverted-syntax": "wikisync.local.transforms._syntax:UNCONVERTED_SYNTAX",
    }
)


@dataclass(frozen=True)
class TransformContext:
    """What a transform knows about the file: ``source`` is its path relative to the
    content directory (posix)."""

    source: str


@dataclass(frozen=True)
class TransformProblem:
    """A warning about the content: ``line`` counts from 1 at the content's first line."""

    line: int
    message: str
    code: str = "unconverted-syntax"


TransformFunction = Callable[[str, TransformContext], tuple[str, Sequence[TransformProblem]]]


@dataclass(frozen=True)
class Transform:
    """A named, pure function of a page's Markdown content.

    ``apply(content, context)`` returns the new content and the problems it found; it
    must not read files or keep state, so the same file always gives the same page.
    """

    name: str
    description: str
    apply: TransformFunction


@dataclass(frozen=True)
class TransformStat:
    """How one transform did on a content directory: the files whose content it changed."""

    name: str
    description: str
    files_changed: int = 0


@dataclass
class TransformRun:
    """Runs the enabled transforms over the pages of one load and counts what they did."""

    transforms: tuple[Transform, ...]
    changed: dict[str, int] = field(default_factory=dict)

    def run(
        self, content: str, source: str, first_line: int = 1
    ) -> tuple[str, list[Problem], Callable[[int], int]]:
        """``content`` after every transform, their problems with file lines, and a
        function from a line of the new content to the line of ``content`` it comes from
        (both counted from 1), for problems found in the new content later."""
        context = TransformContext(source)
        problems: list[Problem] = []
        origin: Callable[[int], int] = _same_line
        for transform in self.transforms:
            try:
                new, found = transform.apply(content, context)
            except Exception as exc:  # a plugin's bug must name the plugin and the file
                raise TransformError(
                    f"transform {transform.name!r} failed on {source}: {type(exc).__name__}: {exc}"
                ) from exc
            problems.extend(
                Problem(source, first_line + origin(p.line) - 1, p.message, p.code, "warning")
                for p in found
            )
            if new != content:
                self.changed[transform.name] = self.changed.get(transform.name, 0) + 1
                origin = _compose(origin, _line_origins(content, new))
            content = new
        return content, problems, origin

    def stats(self) -> tuple[TransformStat, ...]:
        return tuple(
            TransformStat(t.name, t.description, self.changed.get(t.name, 0))
            for t in self.transforms
        )


def _same_line(line: int) -> int:
    return line


def _line_origins(old: str, new: str) -> list[int]:
    """For each line of ``new`` (index from 0), the line of ``old`` it comes from (from 1):
    the same line where they match, the first line of the replaced stretch elsewhere."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    origins = [1] * len(new_lines)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, _i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            origins[j] = (i1 + (j - j1) if tag == "equal" else min(i1, len(old_lines) - 1)) + 1
    return origins


def _compose(earlier: Callable[[int], int], origins: list[int]) -> Callable[[int], int]:
    def origin(line: int) -> int:
        index = min(max(line, 1), len(origins)) - 1
        return earlier(origins[index])

    return origin


def _entry_points() -> dict[str, importlib.metadata.EntryPoint]:
    found: dict[str, importlib.metadata.EntryPoint] = {}
    for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(entry.name, entry)
    return found


def available_transforms() -> tuple[str, ...]:
    """Names of every registered transform (built-ins and plugins), sorted; none is
    imported."""
    return tuple(sorted({*_BUILTINS, *_entry_points()}))


def enabled_transforms(
    configured: Iterable[str] | None, defaults: Iterable[str] = DEFAULT_TRANSFORMS
) -> tuple[str, ...]:
    """The names to run: ``configured`` (``transforms:`` of wikisync.yml) when set, else
    ``defaults`` (which a caller may take from elsewhere, such as a docs generator)."""
    return tuple(configured) if configured is not None else tuple(defaults)


def _load(name: str, entry: importlib.metadata.EntryPoint | None) -> Transform:
    target = entry.value if entry is not None else _BUILTINS[name]
    try:
        if entry is not None:
            loaded: Any = entry.load()
        else:
            module, _, attribute = target.partition(":")
            loaded = getattr(importlib.import_module(module), attribute)
    except Exception as exc:
        raise TransformError(
            f"transform plugin {name!r} ({target}) cannot be loaded: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(loaded, Transform):
        raise TransformError(
            f"transform plugin {name!r} ({target}) is a {type(loaded).__name__}, not a "
            "wikisync.local.transforms.Transform"
        )
    if loaded.name != name:
        raise TransformError(
            f"transform plugin {name!r} ({target}) calls itself {loaded.name!r}; register it "
            "under its own name"
        )
    return loaded


def load_transforms(names: Iterable[str]) -> tuple[Transform, ...]:
    """Import the transforms ``names``, in that order.

    Raises [`TransformError`][wikisync.errors.TransformError] naming the transform when one is not
    registered or its plugin cannot be loaded.
    """
    entries = _entry_points()
    loaded: list[Transform] = []
    for name in dict.fromkeys(names):
        if name not in entries and name not in _BUILTINS:
            known = ", ".join(available_transforms())
            raise TransformError(f"unknown transform {name!r} (registered: {known})")
        loaded.append(_load(name, entries.get(name)))
    return tuple(loaded)


def code_lines(content: str) -> frozenset[int]:
    """Indexes (from 0) of the lines of ``content`` inside fenced or indented code blocks."""
    return code_block_lines(content)
