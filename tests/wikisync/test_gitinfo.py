"""gitinfo: renames (edited ones too), changed and dirty files, from a real git repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from git_helpers import git

from wikisync.ci.gitinfo import GitRepo, open_repo

BODY = "".join(f"Line {i} of a page long enough for rename detection.\n" for i in range(12))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with the content directory in ``docs/`` and one commit."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    write(root / "docs" / "alpha.md", "# Alpha\n\n" + BODY)
    write(root / "docs" / "beta.md", "# Beta\n\n" + BODY.replace("Line", "Row"))
    write(root / "docs" / "guide" / "gamma.md", "# Gamma\n\n" + BODY.replace("Line", "Item"))
    write(root / "README.md", "outside the content directory\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    return root


def opened(repo: Path) -> GitRepo:
    found = open_repo(repo / "docs")
    assert found is not None
    return found


def test_open_repo_knows_the_commit_and_the_prefix(repo: Path) -> None:
    info = opened(repo)
    assert info.prefix == "docs/"
    assert info.head == git(repo, "rev-parse", "HEAD")
    assert info.shallow is False
    assert open_repo(repo) is not None and open_repo(repo).prefix == ""  # type: ignore[union-attr]


def test_a_directory_outside_git_has_no_repo(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert open_repo(plain) is None


def test_committed_edited_rename_is_a_rename(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    git(repo, "mv", "docs/alpha.md", "docs/guide/alpha-moved.md")
    with (repo / "docs/guide/alpha-moved.md").open("a", encoding="utf-8") as fh:
        fh.write("One more line after the move.\n")
    git(repo, "commit", "-q", "-am", "move and edit")
    diff = opened(repo).diff(first)
    assert diff.renames == {"alpha.md": "guide/alpha-moved.md"}
    assert diff.changed == {"guide/alpha-moved.md"}
    assert diff.deleted == {"alpha.md"}


def test_uncommitted_and_untracked_renames_count_too(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    (repo / "docs/beta.md").rename(repo / "docs/beta-renamed.md")  # plain mv: untracked
    git(repo, "mv", "docs/guide/gamma.md", "docs/gamma.md")  # staged, not committed
    write(repo / "docs/new.md", "# New\n")
    diff = opened(repo).diff(first)
    assert diff.renames == {"beta.md": "beta-renamed.md", "guide/gamma.md": "gamma.md"}
    assert diff.changed == {"beta-renamed.md", "gamma.md", "new.md"}


def test_reading_renames_writes_nothing_into_the_repository(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    (repo / "docs/beta.md").rename(repo / "docs/beta-renamed.md")
    index = (repo / ".git" / "index").read_bytes()
    objects = git(repo, "count-objects", "-v")
    opened(repo).diff(first)
    assert (repo / ".git" / "index").read_bytes() == index
    assert git(repo, "count-objects", "-v") == objects
    assert "?? docs/beta-renamed.md" in git(repo, "status", "--porcelain")


def test_a_rewritten_file_is_not_a_rename(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    (repo / "docs/alpha.md").unlink()
    write(repo / "docs/other.md", "# Something else entirely\n\nNo shared lines.\n")
    diff = opened(repo).diff(first)
    assert diff.renames == {}
    assert diff.deleted == {"alpha.md"} and diff.changed == {"other.md"}


def test_changes_outside_the_directory_are_left_out(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    write(repo / "README.md", "changed\n")
    git(repo, "mv", "docs/alpha.md", "alpha-out.md")  # leaves the content directory
    diff = opened(repo).diff(first)
    assert diff.changed == frozenset()
    assert diff.deleted == {"alpha.md"}
    assert diff.renames == {}


def test_resolve_finds_commits_and_refuses_unknown_refs(repo: Path) -> None:
    info = opened(repo)
    assert info.resolve("HEAD") == info.head
    assert info.resolve("main") == info.head
    assert info.resolve("no-such-branch") is None
    assert info.resolve("0" * 40) is None
    assert info.resolve("--all") is None  # never taken as an option


def test_dirty_files_are_modified_untracked_or_ignored(repo: Path) -> None:
    write(repo / ".gitignore", "docs/ignored.md\n")
    write(repo / "docs/alpha.md", "# Alpha, edited\n")
    write(repo / "docs/untracked.md", "# New\n")
    write(repo / "docs/ignored.md", "# Ignored\n")
    dirty = opened(repo).dirty(
        ["alpha.md", "beta.md", "untracked.md", "ignored.md", "guide/gamma.md"]
    )
    assert dirty == {"alpha.md", "untracked.md", "ignored.md"}


def test_a_shallow_clone_says_so_and_lacks_old_commits(repo: Path, tmp_path: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    write(repo / "docs/alpha.md", "# Alpha 2\n")
    git(repo, "commit", "-q", "-am", "second")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    info = open_repo(clone / "docs")
    assert info is not None and info.shallow is True
    assert info.resolve(first) is None
    assert info.resolve("HEAD") == git(repo, "rev-parse", "HEAD")
