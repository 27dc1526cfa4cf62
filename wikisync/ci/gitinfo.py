"""What git knows about a content directory: its commit, renames, changed and dirty files.

wikisync works without git; when the content directory is inside a git working tree it
uses git (through GitPython's command wrapper) for three things:

* **renames**: the files renamed between a commit (the one recorded in the state at the
  last apply) and the working tree, with git's similarity-based rename detection
  (``-M50%``), so a file that was renamed *and* edited still counts as renamed. The working
  tree means everything: committed, staged, unstaged and untracked files. Untracked files
  are made visible to ``git diff`` with ``git add --intent-to-add`` into a *temporary copy*
  of the index, with a temporary object directory in front of the repository's; the
  repository's own index and object store are never written.
* **changed files** since a ref (``wikisync plan --changed-since REF``), the same way;
* **dirty files** (modified, untracked or ignored), which ``wikisync pull`` does not
  overwrite without ``--force``.

Paths are posix paths relative to the content directory; files outside it are left out.
A directory outside git, or a machine without git, gives ``None`` from ``open_repo``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import git

from wikisync.errors import WikisyncError

__all__ = [
    "DEFAULT_SIMILARITY",
    "GitDiff",
    "GitInfoError",
    "GitRepo",
    "open_repo",
]

DEFAULT_SIMILARITY = 50
"""Rename detection threshold, in percent of similar content (git's own default)."""

_ARGS_PER_CALL = 500
_LITERAL = {"GIT_LITERAL_PATHSPECS": "1"}


class GitInfoError(WikisyncError):
    """A git command failed unexpectedly while reading the content directory's history."""


@dataclass(frozen=True)
class GitDiff:
    """Files that differ between a commit and the working tree (relative to the directory).

    ``changed`` holds files added or modified (for a rename, the new name); ``deleted``
    files that are gone (for a rename, the old name); ``renames`` maps old names to new.
    """

    changed: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()
    renames: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GitRepo:
    """The git working tree a content directory lies in.

    ``root`` is the working tree's top folder, ``prefix`` the content directory relative
    to it (``""`` or ``"docs/"``), ``head`` the commit checked out (``None`` before the
    first commit), ``shallow`` whether the clone lacks history.
    """

    root: Path
    prefix: str
    head: str | None
    shallow: bool = False

    # -- commands ----------------------------------------------------------------------

    def _git(self) -> git.Git:
        return git.Git(str(self.root))

    def _run(self, *args: str, env: Mapping[str, str] | None = None) -> str:
        try:
            output = self._git().execute(
                ["git", *args],
                env=dict(env or {}),
                strip_newline_in_stdout=False,
            )
        except git.GitCommandError as exc:
            detail = (exc.stderr or "").strip().splitlines()
            reason = detail[-1] if detail else str(exc)
            raise GitInfoError(f"git {args[0]} failed in {self.root}: {reason}") from None
        return str(output)

    @property
    def _spec(self) -> str:
        return self.prefix or "."

    def _relative(self, path: str) -> str | None:
        """A repository path as a path relative to the content directory (or None)."""
        if not self.prefix:
            return path
        if path.startswith(self.prefix):
            return path[len(self.prefix) :]
        return None

    # -- questions ---------------------------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The commit ``ref`` names, or ``None`` when this clone does not have it."""
        if not ref or ref.startswith("-"):
            return None
        try:
            found = self._run(
                "rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"
            )
        except GitInfoError:
            return None
        return found.strip() or None

    def diff(self, commit: str, *, similarity: int = DEFAULT_SIMILARITY) -> GitDiff:
        """What changed between ``commit`` and the working tree (untracked files included)."""
        with tempfile.TemporaryDirectory(prefix="wikisync-index-") as tmp:
            index = Path(tmp) / "index"
            real_index = self.root / self._run("rev-parse", "--git-path", "index").strip()
            objects = self.root / self._run("rev-parse", "--git-path", "objects").strip()
            if real_index.is_file():
                shutil.copyfile(real_index, index)
            scratch = Path(tmp) / "objects"
            scratch.mkdir()
            env = {
                "GIT_INDEX_FILE": str(index),
                # anything git writes (the empty blob of --intent-to-add) lands in scratch
                "GIT_OBJECT_DIRECTORY": str(scratch),
                "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(objects.resolve()),
                **_LITERAL,
            }
            untracked = [
                p
                for p in self._run(
                    "ls-files", "-z", "--others", "--exclude-standard", "--", self._spec, env=env
                ).split("\0")
                if p
            ]
            for start in range(0, len(untracked), _ARGS_PER_CALL):
                chunk = untracked[start : start + _ARGS_PER_CALL]
                self._run("add", "--intent-to-add", "--", *chunk, env=env)
            output = self._run(
                "diff",
                "-z",
                "--name-status",
                "--no-color",
                "--no-ext-diff",
                "--no-renames" if similarity > 100 else f"-M{similarity}%",
                commit,
                "--",
                self._spec,
                env=env,
            )
        return self._parse_name_status(output)

    def _parse_name_status(self, output: str) -> GitDiff:
        fields = output.split("\0")
        changed: set[str] = set()
        deleted: set[str] = set()
        renames: dict[str, str] = {}
        index = 0
        while index < len(fields) and fields[index]:
            status = fields[index]
            if status[0] in "RC":
                old, new = fields[index + 1], fields[index + 2]
                index += 3
                old_rel, new_rel = self._relative(old), self._relative(new)
                if new_rel is not None:
                    changed.add(new_rel)
                if status[0] == "R" and old_rel is not None:
                    deleted.add(old_rel)
                    if new_rel is not None:
                        renames[old_rel] = new_rel
                continue
            rel = self._relative(fields[index + 1])
            index += 2
            if rel is None:
                continue
            if status[0] == "D":
                deleted.add(rel)
            else:
                changed.add(rel)
        return GitDiff(frozenset(changed), frozenset(deleted), renames)

    def dirty(self, paths: Iterable[str]) -> frozenset[str]:
        """Those of ``paths`` (files relative to the content directory) whose content git
        does not hold as it is: modified, staged, untracked or ignored."""
        wanted = sorted(set(paths))
        entries: set[str] = set()
        for start in range(0, len(wanted), _ARGS_PER_CALL):
            chunk = [self.prefix + p for p in wanted[start : start + _ARGS_PER_CALL]]
            output = self._run(
                "status",
                "--porcelain=v1",
                "-z",
                "--untracked-files=all",
                "--ignored=matching",
                "--no-renames",
                "--",
                *chunk,
                env=_LITERAL,
            )
            entries.update(entry[3:] for entry in output.split("\0") if len(entry) > 3)
        folders = tuple(e for e in entries if e.endswith("/"))
        return frozenset(
            rel
            for rel in wanted
            if self.prefix + rel in entries or (self.prefix + rel).startswith(folders)
        )


def open_repo(directory: str | os.PathLike[str]) -> GitRepo | None:
    """The git working tree ``directory`` lies in, or ``None`` (no git, not a repository,
    a bare repository, or git refusing to work there)."""
    try:
        runner = git.Git(str(directory))
        top = runner.execute(["git", "rev-parse", "--show-toplevel"])
        prefix = runner.execute(
            ["git", "rev-parse", "--show-prefix"], strip_newline_in_stdout=False
        )
        shallow = runner.execute(["git", "rev-parse", "--is-shallow-repository"])
    except (git.GitCommandError, git.GitCommandNotFound, OSError):
        return None
    top_text, prefix_text = str(top).strip(), str(prefix).strip("\n")
    if not top_text:
        return None
    repo = GitRepo(root=Path(top_text), prefix=prefix_text, head=None, shallow=shallow == "true")
    head = repo.resolve("HEAD")
    return GitRepo(repo.root, repo.prefix, head, repo.shallow)
