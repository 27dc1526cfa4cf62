"""Every code sample in docs/ runs: each page against its own fresh Wiki.js emulator.

See ``docs_harness`` for the directives a page can give its samples.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from docs_harness import (
    DOCS,
    KNOWN_DIRECTIVES,
    NOT_RUN_HERE,
    ROOT,
    RUNNABLE,
    Block,
    Directive,
    Shell,
    iter_page_blocks,
    page_expectations,
    parse_blocks,
    prepare_workspace,
    run_python,
    workspace_copies,
)

from wikijs.testing import WikiJSEmulator
from wikisync.errors import ConfigError
from wikisync.local.config import Config, parse_config
from wikisync.local.source import load_source
from wikisync.render import load_plan_json, plan_to_dict

#: Pages whose samples start several ``wikisync`` processes or emulators.
#: The state key the docs' samples apply with (``export WIKISYNC_STATE_KEY=...``).
DOCS_STATE_KEY = "docs-samples-state-key-0123456789abcdef"

SLOW_PAGES = frozenset(
    {
        "configuration.md",
        "emulator.md",
        "getting-started.md",
        "github-action.md",
        "migrating-from-git-storage.md",
        "ownership.md",
        "sdk.md",
    }
)


def _pages_with_samples() -> list[Any]:
    params: list[Any] = []
    for page, blocks in iter_page_blocks():
        if page in NOT_RUN_HERE:
            continue
        if any(b.lang in RUNNABLE or b.directives for b in blocks):
            marks = [pytest.mark.slow] if page in SLOW_PAGES else []
            params.append(pytest.param(page, marks=marks, id=page))
    return params


@contextmanager
def _restored_logging() -> Iterator[None]:
    """Samples configure logging; the loggers are put back as they were afterwards."""
    names = ("wikijs", "wikisync")

    def ours() -> dict[str, logging.Logger]:
        found = {}
        for name in list(logging.Logger.manager.loggerDict):
            if name.split(".")[0] in names:
                found[name] = logging.getLogger(name)
        return found

    before = {name: (list(lg.handlers), lg.level) for name, lg in ours().items()}
    try:
        yield
    finally:
        for name, lg in ours().items():
            handlers, level = before.get(name, ([], logging.NOTSET))
            for handler in list(lg.handlers):
                if handler not in handlers:
                    lg.removeHandler(handler)
                    handler.close()
            lg.setLevel(level)


def _check(block: Block, directive: Directive, scratch: Path) -> None:
    kind = directive.options().get("", "")
    if kind == "config":
        parse_config(block.code)
    elif kind == "config-error":
        with pytest.raises(ConfigError) as info:
            parse_config(block.code)
        wanted = directive.options().get("message", "")
        assert wanted in str(info.value), f"{block.where}: {info.value}"
    elif kind == "page":
        _check_page(block, directive, scratch)
    elif kind == "pytest":
        _check_pytest(block, scratch)
    elif kind == "plan-file":
        _check_plan_file(block)
    else:
        raise AssertionError(f"{block.where}: unknown check {kind!r}")


def _check_page(block: Block, directive: Directive, scratch: Path) -> None:
    spec = page_expectations(directive)
    content_dir = scratch / f"page-{block.line}"
    target = content_dir / spec.file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(block.code, encoding="utf-8")
    result = load_source(content_dir, Config.model_validate(spec.settings))
    messages = [str(p) for p in result.problems]
    expect = dict(spec.expect)
    wanted_problem = expect.pop("problem", None)
    if wanted_problem is not None:
        assert any(wanted_problem in m for m in messages), f"{block.where}: {messages}"
    else:
        errors = [str(p) for p in result.problems if p.is_error]
        assert not errors, f"{block.where}: {errors}"
    if not expect:
        return
    found = [p for p in result.pages if p.source == spec.file]
    assert found, f"{block.where}: {spec.file} was not read as a page ({messages})"
    page = found[0]
    actual = {
        "path": page.path,
        "locale": page.locale,
        "title": page.fields.title,
        "description": page.fields.description,
        "tags": None if page.fields.tags is None else ",".join(page.fields.tags),
        "published": _flag(page.fields.is_published),
        "private": _flag(page.fields.is_private),
        "editor": page.fields.editor,
    }
    for key, value in expect.items():
        if key == "content-starts":
            assert page.content.startswith(value), f"{block.where}: {page.content[:80]!r}"
        else:
            assert str(actual[key]) == value, f"{block.where}: {key} is {actual[key]!r}"


def _check_plan_file(block: Block) -> None:
    """The sample loads as a saved plan, and has exactly the keys wikisync writes."""
    plan, target = load_plan_json(block.code)
    assert plan.changes and target, f"{block.where}: an empty plan shows nothing"
    sample = json.loads(block.code)
    written = plan_to_dict(plan, target=target, wikisync_version=sample["wikisync_version"])
    assert sample.keys() == written.keys(), f"{block.where}: top-level keys differ"
    kinds = {c.get("kind", "page"): set(c) for c in written["changes"]}
    for change in sample["changes"]:
        expected = kinds.get(change.get("kind", "page"))
        assert expected == set(change), f"{block.where}: keys of a change differ"


def _check_pytest(block: Block, scratch: Path) -> None:
    folder = scratch / f"pytest-{block.line}"
    folder.mkdir()
    (folder / "test_sample.py").write_text(block.code, encoding="utf-8")
    plugin_installed = any(
        ep.value == "wikijs.testing.pytest_plugin" for ep in entry_points(group="pytest11")
    )
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sample.py"]
    if not plugin_installed:
        args[3:3] = ["-p", "wikijs.testing.pytest_plugin"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        args, cwd=folder, env=env, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0 and " passed" in result.stdout, (
        f"{block.where}: pytest failed\n{result.stdout}\n{result.stderr}"
    )


def _flag(value: bool | None) -> str | None:
    return None if value is None else str(value).lower()


@pytest.mark.parametrize("page", _pages_with_samples())
def test_the_samples_of_a_page_run(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (DOCS / page).read_text(encoding="utf-8")
    blocks = parse_blocks(text, page)
    workspace = tmp_path / "work"
    workspace.mkdir()
    prepare_workspace(workspace, workspace_copies(text))
    monkeypatch.chdir(workspace)
    ran = 0
    with WikiJSEmulator() as emulator, _restored_logging():
        env = {
            "WIKIJS_URL": emulator.url,
            "WIKIJS_API_KEY": emulator.api_key,
            "WIKISYNC_STATE_KEY": DOCS_STATE_KEY,
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        exports = {
            **env,
            "WIKIJS_USERNAME": emulator.admin_email,
            "WIKIJS_PASSWORD": emulator.admin_password,
        }
        shell = Shell(workspace, env, exports)
        namespace: dict[str, Any] = {"__name__": "docs_sample"}
        try:
            for block in blocks:
                unknown = {d.name for d in block.directives} - KNOWN_DIRECTIVES
                assert not unknown, f"{block.where}: unknown directive {unknown}"
                skip = block.directive("skip-test")
                if skip is not None:
                    assert skip.value, f"{block.where}: say why the sample is not run"
                    continue
                same = block.directive("same-as")
                if same is not None:
                    original = (ROOT / same.value).read_text(encoding="utf-8")
                    assert block.code == original, f"{block.where} differs from {same.value}"
                    ran += 1
                check = block.directive("check")
                if check is not None:
                    _check(block, check, tmp_path)
                    ran += 1
                if block.lang == "python":
                    run_python(block, namespace)
                    ran += 1
                elif block.lang == "bash":
                    _run_bash(shell, block)
                    ran += 1
        finally:
            shell.close()
    assert ran, f"docs/{page} has samples but none of them ran"


def _run_bash(shell: Shell, block: Block) -> None:
    expected = block.directive("expect-exit")
    want = int(expected.value) if expected is not None else 0
    result = shell.run(block)
    assert result.returncode == want, (
        f"{block.where}: exit code {result.returncode}, expected {want}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
