"""Annotations name files as the repository does, so GitHub attaches them to the files of
a pull request: relative to ``$GITHUB_WORKSPACE`` when set, else to the git top level,
else to the current directory; never relative to the content directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from git_helpers import git
from typer.testing import CliRunner

from wikisync.ci.action import GitHubContext
from wikisync.ci.github import repository_path, repository_root
from wikisync.cli import app
from wikisync.plan.model import Problem
from wikisync.render import render_github_annotations

BROKEN = "---\ntitle: [unclosed\n---\nbody\n"


def test_the_renderer_puts_the_prefix_before_each_file() -> None:
    problems = [Problem("guide/a.md", 3, "broken", "broken-link"), Problem("b.md", None, "x", "y")]
    lines = render_github_annotations(problems, prefix="docs/").splitlines()
    assert lines[0].startswith("::error file=docs/b.md,title=y::")
    assert lines[1].startswith("::error file=docs/guide/a.md,line=3,")
    assert render_github_annotations(problems[:1], prefix="").startswith("::error file=guide/a.md,")


def _repo_with_docs(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "site" / "docs").mkdir(parents=True)
    (repo / "site" / "docs" / "broken.md").write_text(BROKEN, encoding="utf-8")
    git(repo, "init", "-q")
    return repo


def _annotations(directory: Path, cwd: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, ["validate", str(directory), "--format", "github"])
    assert result.exit_code == 1, result.output
    return [line for line in result.stdout.splitlines() if line.startswith("::")]


def test_validate_names_files_from_the_git_top_level_wherever_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo_with_docs(tmp_path)
    for cwd, argument in [
        (repo / "site" / "docs", Path(".")),
        (repo / "site", Path("docs")),
        (tmp_path, repo / "site" / "docs"),
    ]:
        (line,) = _annotations(argument, cwd, monkeypatch)
        assert line.startswith("::error file=site/docs/broken.md,line="), (cwd, line)


def test_validate_names_files_from_github_workspace_when_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo_with_docs(tmp_path)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo / "site"))
    (line,) = _annotations(Path("docs"), repo / "site", monkeypatch)
    assert line.startswith("::error file=docs/broken.md,line=")


def test_outside_git_files_are_named_from_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "plain" / "docs"
    docs.mkdir(parents=True)
    (docs / "broken.md").write_text(BROKEN, encoding="utf-8")
    (line,) = _annotations(Path("docs"), tmp_path / "plain", monkeypatch)
    assert line.startswith("::error file=docs/broken.md,line=")


def test_repository_path_is_lexical_then_resolved(tmp_path: Path) -> None:
    (tmp_path / "real" / "docs").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    assert repository_path(tmp_path / "real" / "docs", tmp_path / "real") == "docs"
    assert repository_path(tmp_path / "link" / "docs", tmp_path / "real") == "docs"
    assert repository_path(tmp_path / "real", tmp_path / "real") == ""
    assert repository_path(tmp_path / "elsewhere", tmp_path / "real") == "../elsewhere"


def test_the_action_without_github_workspace_uses_the_git_top_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo_with_docs(tmp_path)
    monkeypatch.chdir(repo / "site")
    assert repository_root(Path("."), {}).resolve() == repo.resolve()
    assert GitHubContext.from_env({}).workspace.resolve() == repo.resolve()
    assert GitHubContext.from_env({"GITHUB_WORKSPACE": str(tmp_path)}).workspace == tmp_path
