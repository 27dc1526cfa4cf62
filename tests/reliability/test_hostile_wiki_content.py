"""Hostile content coming from the wiki (and from files) cannot escape where it belongs.

``wikisync pull`` turns wiki paths into file names: a path that would land outside the
content directory, or that some file system cannot hold, is refused and reported, and
nothing is written for it. (Wiki.js's API refuses ``.`` and ``\\`` in paths, but a wiki
can hold them anyway, from storage imports or direct database edits; the emulator's
hand edits put them there.)

In a GitHub Actions job log, a line starting with ``::`` is a command to the runner
(``::add-mask::``, ``::set-output::``, ``::stop-commands::`` ...). Page titles, page
content, file names and server messages reach the Action's log through plans, diffs and
errors; the Action must print them so that the runner never executes any of them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rel_helpers import base_env, page_file, plan_in_process, run_cli, wiki_env, write_files

from wikijs.testing import Fault, WikiJSEmulator

HOSTILE_PATHS = {
    "dot-dot": "docs/../../escape",
    "dot-dot at the end": "docs/..",
    "dot segment": "docs/./here",
    "absolute": "/etc/cron.d/evil",
    "empty segment": "docs//etc",
    "NUL": "docs/nul\x00byte",
    "control character": "docs/tab\there",
    "newline": "docs/line\nbreak",
    "name over 255 bytes": "docs/" + "\u00e9" * 130,
    "backslash": "docs/..\\..\\escape",
    "windows reserved name": "docs/CON",
    "trailing dot": "docs/name.",
}


def _files_under(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


@pytest.fixture
def hostile_wiki(emulator: WikiJSEmulator) -> WikiJSEmulator:
    emulator.add_page("docs/good", "A good page.\n", title="Good")
    for i, path in enumerate(HOSTILE_PATHS.values()):
        page_id = emulator.add_page(f"docs/placeholder-{i}", f"Hostile page {i}.\n", title="x")
        emulator.edit_page(page_id, path=path)
    return emulator


def test_pull_refuses_paths_that_leave_the_directory_or_cannot_be_files(
    tmp_path: Path, hostile_wiki: WikiJSEmulator
) -> None:
    work = tmp_path / "work"
    site = write_files(work / "site", {"wikisync.yml": "root: ''\n"})
    outside_before = (
        _files_under(tmp_path) - {f"work/site/{f}" for f in _files_under(site)} - {"work/site"}
    )

    result = run_cli("pull", site, "--all", env=wiki_env(hostile_wiki))

    assert result.returncode == 1, result
    refused = [line for line in result.stderr.splitlines() if line.startswith("Refused: ")]
    assert len(refused) == len(HOSTILE_PATHS), result
    for line in refused:
        assert "\x00" not in line and "\t" not in line  # shown escaped, never raw
    assert (site / "docs" / "good.md").is_file()
    assert _files_under(site) == {"wikisync.yml", "docs", "docs/good.md"}
    outside_after = (
        _files_under(tmp_path) - {f"work/site/{f}" for f in _files_under(site)} - {"work/site"}
    )
    assert outside_after == outside_before
    assert not Path("/etc/cron.d/evil.md").exists()


def test_pull_dry_run_writes_nothing_at_all(tmp_path: Path, hostile_wiki: WikiJSEmulator) -> None:
    site = write_files(tmp_path / "site", {"wikisync.yml": "root: ''\n"})
    result = run_cli("pull", site, "--all", "--dry-run", env=wiki_env(hostile_wiki))
    assert result.returncode == 1, result
    assert "would write new" in result.stdout
    assert _files_under(site) == {"wikisync.yml"}


def test_pulled_files_plan_clean_and_the_hostile_pages_stay_untouched(
    tmp_path: Path, hostile_wiki: WikiJSEmulator
) -> None:
    site = write_files(tmp_path / "site", {"wikisync.yml": "root: ''\nprune: true\n"})
    run_cli("pull", site, "--all", env=wiki_env(hostile_wiki))
    before = hostile_wiki.pages()
    plan = plan_in_process(site, hostile_wiki)
    assert not plan.has_changes, plan.changes
    assert hostile_wiki.pages() == before


# -- workflow commands in the Action's log -----------------------------------------------------

_LINE = re.compile(r"\r\n|\n|\r")
_COMMAND = re.compile(r"^::([A-Za-z-]+)(?: [^:]*)?::(.*)$")
_ACTION_OWN = {"error", "warning", "notice", "group", "endgroup"}


def runner_commands(log: str) -> list[tuple[str, str]]:
    """The workflow commands GitHub's runner would execute, reading ``log`` line by line
    (stricter than the runner: any line break counts, leading blanks are ignored)."""
    commands: list[tuple[str, str]] = []
    stopped: str | None = None
    for raw in _LINE.split(log):
        line = raw.strip()
        if stopped is not None:
            if line == f"::{stopped}::":
                stopped = None
            continue
        match = _COMMAND.match(line)
        if match is None:
            continue
        name, data = match.groups()
        if name == "stop-commands":
            stopped = data
            continue
        commands.append((name, data))
    return commands


def test_the_runner_command_reader_sees_commands_and_honours_fences() -> None:
    """The control case for the checks below."""
    log = "::add-mask::a\n::stop-commands::t1\n::add-mask::b\n::t1::\n  ::set-output name=x::c\n"
    assert runner_commands(log) == [("add-mask", "a"), ("set-output", "c")]


EVIL = [
    "::add-mask::wikisync",
    "::set-output name=changes::false",
    "::set-env name=NODE_OPTIONS::--require /tmp/evil.js",
    "::stop-commands::pwned",
    "::error file=README.md::pwned",
    "::endgroup::",
]


def _action(workspace: Path, emulator: WikiJSEmulator, command: str, args: str = "") -> str:
    temp = workspace.parent / "runner-temp"
    temp.mkdir(exist_ok=True)
    env = base_env(
        GITHUB_EVENT_NAME="workflow_dispatch",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_REPOSITORY="acme/docs",
        RUNNER_TEMP=str(temp),
        GITHUB_OUTPUT=str(workspace.parent / "output.txt"),
        GITHUB_STEP_SUMMARY=str(workspace.parent / "summary.md"),
        INPUT_COMMAND=command,
        INPUT_PATH="docs",
        INPUT_URL=emulator.url,
        INPUT_API_KEY=emulator.api_key,
        INPUT_COMMENT="false",
        INPUT_ARGS=args,
    )
    proc = subprocess.run(
        [sys.executable, "-m", "wikisync.ci.action"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc.stdout + proc.stderr


def _assert_inert(log: str) -> None:
    commands = runner_commands(log)
    assert commands, "the Action printed no commands at all: the check would prove nothing"
    for name, data in commands:
        assert name in _ACTION_OWN, f"the runner would execute ::{name}::{data}"
        if name in ("group", "endgroup"):
            assert "pwned" not in data and "evil" not in data, (name, data)


def test_workflow_commands_in_wiki_content_and_titles_are_inert_in_the_action_log(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    """Titles and content full of workflow commands, in files and in the wiki, through a
    plan, a failing apply (its output goes to the log) and a good one, all with --debug."""
    workspace = tmp_path / "repo"
    hostile_text = "\n".join(EVIL)
    files = {
        "docs/wikisync.yml": "root: handbook\n",
        "docs/a.md": page_file(json.dumps(EVIL[1]), f"Text.\n\n{hostile_text}\n"),
        "docs/b.md": page_file(json.dumps(EVIL[2]), f"New text of b.\n{hostile_text}\n"),
    }
    write_files(workspace, files)
    emulator.add_page("handbook/b", f"{hostile_text}\nOld text of b.\n", title=EVIL[0])
    emulator.add_page("handbook/c", hostile_text, title=EVIL[2])  # unmanaged: listed

    plan_log = _action(workspace, emulator, "plan", "--debug")
    _assert_inert(plan_log)

    emulator.faults.add(Fault(kind="status", status=500, operation="pages.update", nth=1))
    failed_log = _action(workspace, emulator, "apply", "--debug")
    assert "Failed: update en/handbook/b" in failed_log, failed_log
    assert failed_log.count("::stop-commands::") >= 3
    _assert_inert(failed_log)

    write_files(workspace, {"docs/d.md": page_file(EVIL[3], hostile_text)})
    apply_log = _action(workspace, emulator, "apply", "--debug")
    assert "Apply complete!" in apply_log, apply_log
    _assert_inert(apply_log)


def test_workflow_commands_in_file_names_are_inert_in_the_action_log(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    workspace = tmp_path / "repo"
    write_files(workspace, {"docs/wikisync.yml": "root: handbook\n", "docs/ok.md": "# Ok\n"})
    evil_name = "evil\n::add-mask::pwned\n::set-output name=x::pwned.md"
    (workspace / "docs" / evil_name).write_text("# Evil\n", encoding="utf-8")
    os.symlink("/etc/passwd", workspace / "docs" / "::error::pwned.md")

    log = _action(workspace, emulator, "plan")

    assert "validation" in (workspace.parent / "output.txt").read_text(encoding="utf-8")
    assert "add-mask" in log and "file=docs/%3A%3Aerror%3A%3Apwned.md" in log, log
    _assert_inert(log)
