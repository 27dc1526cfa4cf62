"""The pre-commit hook and the GitLab CI example, run and read as their tools would.

The hook is run exactly as ``.pre-commit-hooks.yaml`` declares it (its entry, its args,
file names appended only when ``pass_filenames`` says so), at the top of a git checkout
of a broken content tree, which is where pre-commit runs hooks.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_mentions import check, mentions
from docs_harness import ROOT
from git_helpers import git

HOOKS = ROOT / ".pre-commit-hooks.yaml"
GITLAB = ROOT / "examples" / "gitlab-ci.yml"


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "wikisync-validate"]
    return dict(hook)


def _console_script(name: str) -> list[str]:
    """How to run the console script ``name`` that pyproject.toml declares."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project.scripts]\n", 1)[1].split("\n[", 1)[0]  # no tomllib on 3.10
    scripts = dict(re.findall(r'^([\w-]+) = "([^"]+)"$', section, re.MULTILINE))
    assert name in scripts, f"the hook runs {name!r}, which pyproject.toml does not install"
    module, _, function = scripts[name].partition(":")
    return [
        sys.executable,
        "-c",
        f"import sys; from {module} import {function}; sys.exit({function}())",
    ]


def _run_hook(
    tree: Path, staged: list[str], args: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    hook = _hook()
    entry = shlex.split(hook["entry"])
    command = [*_console_script(entry[0]), *entry[1:], *(args or hook.get("args", []))]
    pattern = re.compile(hook.get("files", ""))
    matching = [f for f in staged if pattern.search(f)]
    assert matching, "pre-commit would not run the hook for these files"
    if hook.get("pass_filenames", True):
        command += matching
    return subprocess.run(
        command, cwd=tree, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def broken_checkout(tmp_path: Path) -> Path:
    tree = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "site", tree / "docs")
    page = tree / "docs" / "guides" / "broken.md"
    page.write_text("---\ntitle: Broken\ntags: [unclosed\n---\n\nSee [x](missing.md).\n")
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    return tree


def test_the_hook_is_a_python_hook_running_wikisync_validate_on_a_directory() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert shlex.split(hook["entry"]) == ["wikisync", "validate"]
    # validate takes one directory, not file names: pre-commit must not append them
    assert hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    for name in ("docs/a.md", "docs/b.html", "docs/wikisync.yml", "wikisync.yml", "x.markdown"):
        assert pattern.search(name), name
    for name in ("src/app.py", "docs/img/logo.png", "README.rst"):
        assert not pattern.search(name), name


def test_the_hook_fails_on_a_broken_tree_and_shows_file_and_line(broken_checkout: Path) -> None:
    result = _run_hook(broken_checkout, ["docs/guides/broken.md"], args=["docs"])
    assert result.returncode != 0
    assert re.search(r"^guides/broken\.md:\d+: ", result.stdout, re.MULTILINE), result.stdout
    assert "error(s)" in result.stderr


def test_the_hook_passes_on_the_example_site(tmp_path: Path) -> None:
    tree = tmp_path / "repo"
    shutil.copytree(ROOT / "examples" / "site", tree / "docs")
    git(tree, "init", "-q")
    result = _run_hook(tree, ["docs/index.md"], args=["docs"])
    assert result.returncode == 0, result.stdout + result.stderr


def _gitlab() -> dict[str, Any]:
    loaded = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _jobs() -> dict[str, dict[str, Any]]:
    return {
        name: job for name, job in _gitlab().items() if isinstance(job, dict) and "script" in job
    }


def _rules(job: dict[str, Any]) -> list[str]:
    return [rule["if"] for rule in job.get("rules", [])]


def test_the_gitlab_example_plans_merge_requests_and_applies_the_default_branch() -> None:
    jobs = _jobs()
    stages = _gitlab()["stages"]
    assert all(job["stage"] in stages for job in jobs.values())
    by_command: dict[str, list[str]] = {}
    for name, job in jobs.items():
        for line in job["script"]:
            for mention in mentions(line):
                by_command.setdefault(mention.name, []).append(name)
    (plan_job,) = by_command["wikisync plan"]
    (apply_job,) = by_command["wikisync apply"]
    assert _rules(jobs[plan_job]) == ['$CI_PIPELINE_SOURCE == "merge_request_event"']
    assert _rules(jobs[apply_job]) == ["$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"]
    assert any("--auto-approve" in line for line in jobs[apply_job]["script"])
    assert stages.index(jobs[plan_job]["stage"]) < stages.index(jobs[apply_job]["stage"])
    assert "resource_group" in jobs[apply_job]  # one apply at a time


def test_the_gitlab_example_names_only_commands_and_options_that_exist() -> None:
    text = GITLAB.read_text(encoding="utf-8")
    assert check(text, GITLAB.name) == []
    scripts = [line for job in _jobs().values() for line in job["script"]]
    assert {m.name for line in scripts for m in mentions(line)} == {
        "wikisync validate",
        "wikisync plan",
        "wikisync apply",
    }


def test_the_gitlab_example_takes_keys_from_ci_variables_only() -> None:
    config = _gitlab()
    text = GITLAB.read_text(encoding="utf-8")
    assert "WIKIJS_API_KEY" in text and "Masked" in text
    values = [config.get("variables", {})] + [job.get("variables", {}) for job in _jobs().values()]
    for variables in values:
        for name, value in variables.items():
            if "KEY" in name or "PASSWORD" in name:
                assert str(value).startswith("$"), f"{name} holds a literal value"
