"""The transform registry (entry points) and the runner.

Every transform, built-in or a plugin's, runs behind one boundary (``TransformRun.run``):

* what it returns is checked before anything uses it: a ``str`` and a list or tuple of
  ``TransformProblem`` whose ``line`` is an ``int`` within the content and whose
  ``message`` and ``code`` are texts; anything else is a ``TransformError`` naming the
  transform and the file;
* an exception it raises becomes a ``TransformError`` naming both;
* it runs under a time limit per file (``transform_time_limit`` in wikisync.yml, default
  ``DEFAULT_TIME_LIMIT`` seconds). The limit is a POSIX interval timer (``SIGALRM``)
  armed around the call, whose handler raises inside the transform: no thread or process
  is started, so nothing is left running when it trips. It applies where signals can be
  delivered, in the main thread of a process on POSIX systems, which is where the
  ``wikisync`` command and the GitHub Action read the files; elsewhere (a thread, Windows)
  transforms run without a limit;
* Ctrl-C while a transform runs says which one, and on which file.

Lines of problems are mapped back to the file through every earlier transform's change
(``line_origins``), in time linear in the size of the page.
"""

from __future__ import annotations

import importlib.metadata
import re
import signal
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType, MappingProxyType
from typing import Any

from wikisync.errors import TransformError
from wikisync.local.markdown.links import code_block_lines
from wikisync.plan.model import Problem

__all__ = [
    "DEFAULT_TIME_LIMIT",
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
    "line_origins",
    "line_starts",
    "load_transforms",
]

ENTRY_POINT_GROUP = "wikisync.transforms"
"""The entry-point group transforms are registered in (``pyproject.toml``)."""

DEFAULT_TRANSFORMS: tuple[str, ...] = ()
"""The transforms that run when ``wikisync.yml`` has no ``transforms:``: none. The
built-in conversions are the flavor's dialect (``wikisync.local.markdown.dialects``);
the built-in transform names remain, for wikisync.yml files that list them."""

DEFAULT_TIME_LIMIT = 10.0
"""Seconds one transform may take on one file (``transform_time_limit`` in wikisync.yml)."""

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
    """Runs the enabled transforms over the pages of one load and counts what they did.

    ``time_limit`` is the seconds one transform may take on one file (``None``: no
    limit); see the module docstring for how it is enforced.
    """

    transforms: tuple[Transform, ...]
    changed: dict[str, int] = field(default_factory=dict)
    time_limit: float | None = DEFAULT_TIME_LIMIT

    def run(
        self, content: str, source: str, first_line: int = 1
    ) -> tuple[str, list[Problem], Callable[[int], int]]:
        """``content`` after every transform, their problems with file lines, and a
        function from a line of the new content to the line of ``content`` it comes from
        (both counted from 1), for problems found in the new content later.

        Raises [`TransformError`][wikisync.errors.TransformError] naming the transform and
        ``source`` when one fails, returns something else than it should, or takes longer
        than ``time_limit``.
        """
        context = TransformContext(source)
        problems: list[Problem] = []
        origin: Callable[[int], int] = _same_line
        for transform in self.transforms:
            new, found = self._call(transform, content, context)
            problems.extend(
                Problem(source, first_line + origin(p.line) - 1, p.message, p.code, "warning")
                for p in found
            )
            if new != content:
                self.changed[transform.name] = self.changed.get(transform.name, 0) + 1
                origin = _compose(origin, line_origins(content, new))
            content = new
        return content, problems, origin

    def _call(
        self, transform: Transform, content: str, context: TransformContext
    ) -> tuple[str, tuple[TransformProblem, ...]]:
        name, source = transform.name, context.source
        try:
            with _time_limit(self.time_limit):
                returned: object = transform.apply(content, context)
        except _TimeLimitExceeded:
            raise TransformError(
                f"transform {name!r} did not finish on {source} within {self.time_limit:g} "
                "seconds (transform_time_limit in wikisync.yml)"
            ) from None
        except KeyboardInterrupt:
            raise KeyboardInterrupt(f"transform {name!r} was running on {source}") from None
        except Exception as exc:  # a plugin's bug must name the plugin and the file
            raise TransformError(
                f"transform {name!r} failed on {source}: {type(exc).__name__}: {exc}"
            ) from exc
        return _checked(name, source, returned, content.count("\n") + 1)

    def stats(self) -> tuple[TransformStat, ...]:
        return tuple(
            TransformStat(t.name, t.description, self.changed.get(t.name, 0))
            for t in self.transforms
        )


_CODE = re.compile(r"[a-z][a-z0-9-]{0,63}")


def _checked(
    name: str, source: str, returned: object, lines: int
) -> tuple[str, tuple[TransformProblem, ...]]:
    """``returned`` as ``(content, problems)``, or a ``TransformError`` saying what is wrong."""

    def wrong(what: str) -> TransformError:
        return TransformError(f"transform {name!r} returned {what} for {source}")

    if not isinstance(returned, tuple) or len(returned) != 2:
        raise wrong(f"an object of type {type(returned).__name__}, not a (content, problems) pair")
    content, found = returned
    if not isinstance(content, str):
        raise wrong(f"content of type {type(content).__name__}, not str")
    if not isinstance(found, (list, tuple)):
        raise wrong(f"problems of type {type(found).__name__}, not a list or tuple")
    for index, problem in enumerate(found):
        if not isinstance(problem, TransformProblem):
            raise wrong(
                f"problem {index + 1} of type {type(problem).__name__}, not TransformProblem"
            )
        line = problem.line
        if type(line) is not int or not 1 <= line <= lines:
            raise wrong(
                f"problem {index + 1} with line {str(line)[:40]!r}, not a line of the "
                f"content (1 to {lines})"
            )
        if not isinstance(problem.message, str) or not problem.message.strip():
            raise wrong(f"problem {index + 1} without a message text")
        if not isinstance(problem.code, str) or not _CODE.fullmatch(problem.code):
            raise wrong(
                f"problem {index + 1} with code {str(problem.code)[:40]!r}, not a lower-case "
                "name such as 'unconverted-syntax'"
            )
    return content, tuple(found)


class _TimeLimitExceeded(BaseException):
    """Raised inside a transform by the interval timer (a ``BaseException``, so a
    transform's ``except Exception`` cannot swallow it)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _TimeLimitExceeded


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise ``_TimeLimitExceeded`` in the running code after ``seconds`` (see the module
    docstring); without ``SIGALRM`` or outside the main thread, no limit. A timer someone
    else armed (a test runner's timeout) is left to fire first when it is due first, and
    re-armed with its remaining time afterwards otherwise."""
    if (
        seconds is None
        or not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.getsignal(signal.SIGALRM)
    remaining, interval = signal.getitimer(signal.ITIMER_REAL)
    if previous is None or (remaining and remaining <= seconds):
        yield  # a handler installed outside Python, or an earlier alarm: leave them be
        return
    signal.signal(signal.SIGALRM, _on_alarm)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # even when the alarm went off just as the transform returned
            signal.signal(signal.SIGALRM, previous)
            if remaining:
                left = max(remaining - (time.monotonic() - started), 1e-6)
                signal.setitimer(signal.ITIMER_REAL, left, interval)


def _same_line(line: int) -> int:
    return line


def line_origins(old: str, new: str) -> list[int]:
    """For each line of ``new`` (index from 0), the line of ``old`` it comes from (from 1):
    the same line where they match, the line where the replaced stretch starts elsewhere.

    Linear in the number of lines (up to a logarithm): the common start and end are cut
    off, lines that occur once in each text anchor the rest (the longest run of them in
    the same order, as patience diff does), and between two anchors each line of ``new``
    is matched to the next equal line of ``old`` not yet used.
    """
    old_lines, new_lines = old.split("\n"), new.split("\n")
    origins = [0] * len(new_lines)
    head = 0
    limit = min(len(old_lines), len(new_lines))
    while head < limit and old_lines[head] == new_lines[head]:
        origins[head] = head + 1
        head += 1
    tail = 0
    while (
        tail < limit - head
        and old_lines[len(old_lines) - 1 - tail] == new_lines[len(new_lines) - 1 - tail]
    ):
        origins[len(new_lines) - 1 - tail] = len(old_lines) - tail
        tail += 1
    old_end, new_end = len(old_lines) - tail, len(new_lines) - tail
    anchors = _unique_anchors(old_lines, new_lines, head, old_end, new_end)
    old_start, new_start = head, head
    for old_at, new_at in [*anchors, (old_end, new_end)]:
        _match_gap(old_lines, new_lines, old_start, old_at, new_start, new_at, origins)
        if new_at < new_end:
            origins[new_at] = old_at + 1
        old_start, new_start = old_at + 1, new_at + 1
    return origins


def _unique_anchors(
    old: list[str], new: list[str], start: int, old_end: int, new_end: int
) -> list[tuple[int, int]]:
    """Pairs ``(old index, new index)`` of lines that occur exactly once in both ranges,
    the longest increasing run of them (``O(n log n)``)."""
    seen_old: dict[str, int] = {}
    for index in range(start, old_end):
        seen_old[old[index]] = -1 if old[index] in seen_old else index
    seen_new: dict[str, int] = {}
    for index in range(start, new_end):
        seen_new[new[index]] = -1 if new[index] in seen_new else index
    pairs = [
        (seen_old[line], at)
        for line, at in seen_new.items()
        if at >= 0 and seen_old.get(line, -1) >= 0
    ]
    pairs.sort(key=lambda pair: pair[1])
    # Longest increasing subsequence of the old indexes, in new order.
    tails: list[int] = []  # old index ending the best run of each length
    tail_at: list[int] = []  # which pair that is
    previous = [-1] * len(pairs)
    for number, (old_at, _) in enumerate(pairs):
        length = bisect_left(tails, old_at)
        if length == len(tails):
            tails.append(old_at)
            tail_at.append(number)
        else:
            tails[length] = old_at
            tail_at[length] = number
        previous[number] = tail_at[length - 1] if length else -1
    run: list[tuple[int, int]] = []
    at = tail_at[-1] if tail_at else -1
    while at >= 0:
        run.append(pairs[at])
        at = previous[at]
    run.reverse()
    return run


def _match_gap(
    old: list[str],
    new: list[str],
    old_start: int,
    old_end: int,
    new_start: int,
    new_end: int,
    origins: list[int],
) -> None:
    """Fill ``origins`` for ``new[new_start:new_end]`` from ``old[old_start:old_end]``."""
    where: dict[str, list[int]] = {}
    for index in range(old_start, old_end):
        where.setdefault(old[index], []).append(index)
    fallback = min(old_start, max(len(old) - 1, 0))
    cursor = old_start
    for index in range(new_start, new_end):
        found = where.get(new[index])
        if found:
            at = bisect_left(found, cursor)
            if at < len(found):
                cursor = found[at] + 1
                origins[index] = cursor
                fallback = min(cursor, old_end - 1) if old_end > old_start else fallback
                continue
        origins[index] = fallback + 1


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


def line_starts(content: str) -> list[int]:
    """The offset where each line of ``content`` starts (the first is 0)."""
    return [0, *(match.end() for match in _NEWLINE.finditer(content))]


_NEWLINE = re.compile("\n")


def code_lines(content: str) -> frozenset[int]:
    """Indexes (from 0) of the lines of ``content`` inside fenced or indented code blocks."""
    return code_block_lines(content)
