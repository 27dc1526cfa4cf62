"""Walking a content directory: which files there are, read as text, without recursion.

Hidden files and folders are skipped; a symbolic link is followed only while it stays
inside the directory (one that leaves it, dangles or loops is a problem); a FIFO, socket or
device is never opened. Folders are walked with an explicit stack, so depth costs nothing
but time. Names with control, bidi or zero-width characters are refused here.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from wikisync.local.config import Config
from wikisync.local.flavors.base import Flavor
from wikisync.plan.model import (
    Problem,
)


@dataclass
class Walk:
    base: Path
    base_real: str
    config: Config
    flavor: Flavor
    keep: frozenset[str] = frozenset()
    """Folder names kept although ``flavor.skip_prefixes`` would skip them."""
    files: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    """Page files ``flavor.skip_prefixes`` leaves out, with why (``flavor.skip_reason``)."""

    def inside(self, real: str) -> bool:
        return real == self.base_real or real.startswith(self.base_real + os.sep)


def _symlink_problem(walk: Walk, rel: str, path: Path) -> tuple[str | None, Problem | None]:
    """``(real path, None)`` for a usable link, else ``(None, problem)``."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, Problem(rel, None, "symbolic link loop", "symlink-loop")
        return None, Problem(rel, None, "symbolic link points to nothing", "symlink-broken")
    real = os.path.realpath(path)
    if not walk.inside(real):
        return None, Problem(
            rel, None, "symbolic link points outside the content directory", "symlink-outside"
        )
    return real, None


def _special_problem(rel: str, mode: int, behind_link: bool) -> Problem:
    kind = (
        "a named pipe (FIFO)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    via = "a symbolic link to " if behind_link else ""
    return Problem(rel, None, f"is {via}{kind}; skipped, never opened", "special-file", "warning")


def walk_tree(walk: Walk, start: Path) -> None:
    """Every wanted file under ``start``, depth first in name order, without recursion
    (a tree of any depth costs one stack frame)."""
    stack: list[_Folder] = [(start, "", walk.base_real, frozenset())]
    while stack:
        folder = stack.pop()
        subfolders: list[_Folder] = []
        _walk_folder(walk, folder, subfolders)
        stack.extend(reversed(subfolders))


_Folder = tuple[Path, str, str, frozenset[str]]
"""A folder to walk: its path, its relative name, its real path (kept as the walk goes, so
depth costs no system calls), and the real targets of the folder links that led to it."""


def _is_ancestor(real: str, folder_real: str) -> bool:
    return folder_real == real or folder_real.startswith(real.rstrip(os.sep) + os.sep)


def _walk_folder(walk: Walk, current: _Folder, subfolders: list[_Folder]) -> None:
    folder, rel_folder, folder_real, seen = current
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        walk.problems.append(
            Problem(rel_folder or ".", None, f"folder cannot be read: {exc.strerror}", "unreadable")
        )
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        rel = f"{rel_folder}/{entry.name}" if rel_folder else entry.name
        path = Path(entry.path)
        if entry.is_symlink():
            real, problem = _symlink_problem(walk, rel, path)
            if problem is not None:
                if problem.code != "symlink-broken" or _wanted(walk, rel):
                    walk.problems.append(problem)
                continue
            assert real is not None
            try:
                mode = os.stat(real).st_mode
            except OSError:
                continue
            if stat.S_ISDIR(mode):
                if real in seen or _is_ancestor(real, folder_real):
                    walk.problems.append(
                        Problem(
                            rel,
                            None,
                            "symbolic link loop (links to a parent folder)",
                            "symlink-loop",
                        )
                    )
                    continue
                subfolders.append((path, rel, real, seen | {real}))
            elif not stat.S_ISREG(mode):
                if _wanted(walk, rel):
                    walk.problems.append(_special_problem(rel, mode, behind_link=True))
            elif _wanted(walk, rel):
                walk.files[rel] = path
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            subfolders.append((path, rel, os.path.join(folder_real, entry.name), seen))
        elif not stat.S_ISREG(mode):
            if _wanted(walk, rel):
                walk.problems.append(_special_problem(rel, mode, behind_link=False))
        elif _wanted(walk, rel):
            walk.files[rel] = path


def _wanted(walk: Walk, rel: str) -> bool:
    flavor = walk.flavor
    if not (rel.lower().endswith(flavor.page_extensions) and walk.config.is_included(rel)):
        return False
    if flavor.skip_prefixes and any(
        part.startswith(flavor.skip_prefixes) and part not in walk.keep for part in rel.split("/")
    ):
        walk.skipped[rel] = flavor.skip_reason or (
            f"a name starting with {' or '.join(map(repr, flavor.skip_prefixes))}"
        )
        return False
    return True


# -- reading one file ------------------------------------------------------------------------


def decode_text(rel: str, raw: bytes, problems: list[Problem]) -> str | None:
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        problems.append(Problem(rel, line, "contains NUL bytes (binary file?)", "nul-bytes"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(rel, line, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x})", "not-utf8")
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")
