"""action.yml: its interface, its shell hygiene, and its steps run as the runner runs them.

The composite runs here stop before the wiki is contacted (bad inputs, a missing
directory), so they need neither the CLI nor a wiki; ``test_action_e2e.py`` covers
complete runs.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from gha_runner import base_env, run_composite

ROOT = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
KEY = "eyJhbGciOiJSUzI1NiJ9.secret-wiki-key.c2ln"

INPUT_DEFAULTS = {
    "command": "plan",
    "path": ".",
    "url": "",
    "api-key": "",
    "args": "",
    "comment": "changes-only",
    "github-token": "${{ github.token }}",
    "require-approved-plan": "true",
    "python": "python3",
}
OUTPUTS = (
    "changes",
    "to-create",
    "to-update",
    "to-move",
    "to-delete",
    "plan-file",
    "failure-reason",
)


def test_inputs_and_their_defaults() -> None:
    assert {k: str(v.get("default")) for k, v in ACTION["inputs"].items()} == INPUT_DEFAULTS
    assert all(v.get("description") for v in ACTION["inputs"].values())


def test_outputs_come_from_the_wikisync_step() -> None:
    assert tuple(ACTION["outputs"]) == OUTPUTS
    for name, decl in ACTION["outputs"].items():
        assert decl["value"] == f"${{{{ steps.wikisync.outputs.{name} }}}}"


def test_it_is_a_composite_action_of_bash_steps() -> None:
    assert ACTION["runs"]["using"] == "composite"
    names = [s["name"] for s in ACTION["runs"]["steps"]]
    assert names == ["Install wikisync", "Mask the API key", "Run wikisync"]
    assert all(s["shell"] == "bash" for s in ACTION["runs"]["steps"])


def test_inputs_reach_the_shell_only_through_env() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step["run"], (
            f"expression interpolated into the script of {step['name']!r}"
        )


def test_every_input_is_passed_to_the_python_step() -> None:
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "wikisync")
    for name in INPUT_DEFAULTS:
        if name == "python":
            continue
        var = "INPUT_" + re.sub(r"[^A-Z0-9]", "_", name.upper())
        assert step["env"][var] == f"${{{{ inputs.{name} }}}}"
    assert step["run"].strip() == '"$WIKISYNC_PYTHON_BIN" -m wikisync.action'


def test_install_pins_the_package_to_the_actions_own_checkout() -> None:
    step = ACTION["runs"]["steps"][0]
    assert step["env"]["WIKISYNC_ACTION_PATH"] == "${{ github.action_path }}"
    assert "pip install" in step["run"] and '"$WIKISYNC_ACTION_PATH"' in step["run"]
    assert "$RUNNER_TEMP" in step["run"] or "${RUNNER_TEMP" in step["run"]


# -- running the steps -----------------------------------------------------------------


@pytest.fixture
def runner_dirs(tmp_path: Path) -> tuple[Path, Path]:
    workspace = tmp_path / "workspace"
    temp = tmp_path / "runner-temp"
    workspace.mkdir()
    temp.mkdir()
    return workspace, temp


def _run(
    runner_dirs: tuple[Path, Path], inputs: dict[str, str], event: dict[str, Any] | None = None
) -> Any:
    workspace, temp = runner_dirs
    event_path = temp / "event.json"
    event_path.write_text(json.dumps(event or {"after": "0" * 40}))
    env = base_env(
        WIKISYNC_ACTION_SKIP_INSTALL="1",
        PYTHONPATH=str(ROOT),
        GITHUB_EVENT_NAME="push",
        GITHUB_EVENT_PATH=str(event_path),
        GITHUB_REPOSITORY="acme/handbook",
        GITHUB_SHA="0" * 40,
    )
    return run_composite(
        ROOT,
        {"python": sys.executable, **inputs},
        env=env,
        workspace=workspace,
        temp=temp,
        github_token="ghs_runner_token",
    )


def test_key_is_masked_before_anything_runs(runner_dirs: tuple[Path, Path]) -> None:
    run = _run(runner_dirs, {"path": "missing-dir", "api-key": KEY, "url": "http://127.0.0.1:9"})
    masks = [c for c in run.commands if c.name == "add-mask"]
    assert [m.message for m in masks] == [KEY]
    mask_step = [s.name for s in run.steps].index("Mask the API key")
    assert all(KEY not in s.stdout + s.stderr for s in run.steps[mask_step + 1 :])


def test_missing_directory_fails_with_reason_error(runner_dirs: tuple[Path, Path]) -> None:
    run = _run(runner_dirs, {"path": "missing-dir"})
    assert run.returncode == 1
    assert run.outputs["failure-reason"] == "error"
    assert run.outputs["changes"] == ""
    (error,) = run.annotations("error")
    assert "'missing-dir' is not a directory" in error.message
    assert "wikisync plan failed (error)" in run.summary


def test_invalid_inputs_fail_with_reason_error(runner_dirs: tuple[Path, Path]) -> None:
    run = _run(runner_dirs, {"command": "destroy", "comment": "maybe"})
    assert run.returncode == 1 and run.outputs["failure-reason"] == "error"
    (error,) = run.annotations("error")
    assert "'command' must be plan or apply" in error.message
    assert "'comment' must be true, changes-only or false" in error.message


def test_without_api_key_nothing_is_masked(runner_dirs: tuple[Path, Path]) -> None:
    run = _run(runner_dirs, {"path": "missing-dir"})
    assert not [c for c in run.commands if c.name == "add-mask"]


def test_unreachable_wiki_fails_with_reason_error(runner_dirs: tuple[Path, Path]) -> None:
    workspace, _ = runner_dirs
    docs = workspace / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nHello.\n", encoding="utf-8")
    run = _run(runner_dirs, {"path": "docs", "url": "http://127.0.0.1:9", "api-key": KEY})
    assert run.returncode == 1
    assert run.outputs["failure-reason"] == "error"
    assert run.outputs["plan-file"] == ""
    (error,) = run.annotations("error")
    assert error.message == "wikisync plan failed with exit code 1"
    assert "could not connect" in run.summary
    assert [line for line in run.log.splitlines() if KEY in line] == [f"::add-mask::{KEY}"]
    assert KEY not in run.summary


def test_an_old_or_missing_python_is_refused(runner_dirs: tuple[Path, Path]) -> None:
    run = _run(runner_dirs, {"python": "/nonexistent/python3"})
    assert run.returncode == 1 and [s.name for s in run.steps] == ["Install wikisync"]
    (error,) = run.annotations("error")
    assert "needs Python 3.10 or newer" in error.message
    assert run.outputs["failure-reason"] == ""
