"""Lock files written by someone else: read within bounds, printed escaped.

Anyone who may upload into the state folder can leave a lock file. Its holder name is
printed when an apply refuses (in the terminal, and in the GitHub Action's log and
annotations): line breaks, escape sequences and workflow commands in it come out as
visible escapes. A lock whose times carry no time zone cannot be read: it counts as a
lock of an unknown holder, live for 15 minutes after it was written, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rel_helpers import (
    base_env,
    lock_files,
    numbered_site,
    page_writes,
    put_state_file,
    run_cli,
    wiki_env,
)
from test_hostile_wiki_content import runner_commands

from wikijs.testing import WikiJSEmulator
from wikisync._names import shown
from wikisync.wiki.state import Lock, dump_lock, lock_name

HOSTILE_HOLDERS = {
    "line breaks and workflow commands": "ci:1\n::add-mask::wikisync\n::warning::forged",
    "a carriage return": "ci:1\r::error::forged",
    "escape sequences": "ci:1\x1b[2J\x1b[31mred",
    "a right-to-left override": "ci:1\u202eexe.txt",
    "a stop-commands fence": "::stop-commands::pwned",
}


def _lock(emulator: WikiJSEmulator, holder: str, **times: str) -> None:
    now = datetime.now(timezone.utc)
    lock = Lock.new("0123456789abcdef", holder, now - timedelta(seconds=60), 660)
    data = {"format": 2, **lock.to_json(), **times}
    put_state_file(emulator, lock_name(lock), json.dumps(data).encode())


@pytest.fixture
def site(tmp_path: Path, emulator: WikiJSEmulator) -> Path:
    site = numbered_site(tmp_path / "site", 2)
    first = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert first.returncode == 0, first
    (site.directory / "p00.md").write_text("# Page 0\n\nChanged.\n", encoding="utf-8")
    return site.directory


@pytest.mark.parametrize("case", sorted(HOSTILE_HOLDERS))
def test_a_hostile_holder_is_printed_escaped(
    case: str, site: Path, emulator: WikiJSEmulator
) -> None:
    holder = HOSTILE_HOLDERS[case]
    _lock(emulator, holder)
    emulator.log.reset()
    result = run_cli("apply", site, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 1, result
    assert page_writes(emulator) == []
    lines = [ln for ln in result.stderr.splitlines() if "holds the lock" in ln]
    assert lines  # the progress line and the error
    assert "Traceback" not in result.stderr
    for raw in ("\x1b", "\u202e", "\r"):
        assert raw not in result.stderr
    assert runner_commands(result.stderr) == []
    for line in lines:
        assert f"another wikisync apply ({shown(holder)}) holds the lock" in line


def test_a_hostile_holder_is_inert_in_the_action_log(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    workspace = tmp_path / "repo"
    docs = workspace / "docs"
    docs.mkdir(parents=True)
    (docs / "wikisync.yml").write_text("root: handbook\n", encoding="utf-8")
    (docs / "a.md").write_text("# A\n", encoding="utf-8")
    _lock(emulator, HOSTILE_HOLDERS["line breaks and workflow commands"])
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    env = base_env(
        GITHUB_EVENT_NAME="workflow_dispatch",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_REPOSITORY="acme/docs",
        RUNNER_TEMP=str(temp),
        GITHUB_OUTPUT=str(tmp_path / "output.txt"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        INPUT_COMMAND="apply",
        INPUT_PATH="docs",
        INPUT_URL=emulator.url,
        INPUT_API_KEY=emulator.api_key,
        INPUT_COMMENT="false",
        INPUT_ARGS="",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "wikisync.ci.action"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    log = proc.stdout + proc.stderr
    assert "holds the lock" in log, log
    for name, data in runner_commands(log):
        assert name in {"error", "warning", "notice", "group", "endgroup"}, (name, data)
        assert "forged" not in data or "\\x0a" in data or "%0A" in data, (name, data)
    assert not [c for c in runner_commands(log) if c[0] == "add-mask"]


@pytest.mark.parametrize(
    "times",
    [
        {"expires_at": "2999-01-01T00:00:00"},
        {"acquired_at": "yesterday"},
        {"expires_at": "9" * 5000},
    ],
    ids=["no time zone", "not a time", "5,000 digits"],
)
def test_a_lock_without_a_readable_time_is_an_unknown_live_lock(
    times: dict[str, str], site: Path, emulator: WikiJSEmulator
) -> None:
    _lock(emulator, "ci-runner-7:4242", **times)
    result = run_cli("apply", site, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 1, result
    assert "another wikisync apply (unknown) holds the lock" in result.stderr
    assert "Traceback" not in result.stderr
    broken = run_cli("apply", site, "--auto-approve", "--break-lock", env=wiki_env(emulator))
    assert broken.returncode == 0, broken
    assert lock_files(emulator) == {}


def test_an_oversized_lock_file_is_unreadable_and_never_read_whole(
    site: Path, emulator: WikiJSEmulator
) -> None:
    now = datetime.now(timezone.utc)
    lock = Lock.new("0123456789abcdef", "x", now, 600)
    put_state_file(emulator, lock_name(lock), dump_lock(lock) + b" " * (1 << 20))
    result = run_cli("apply", site, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 1, result
    assert "another wikisync apply (unknown) holds the lock" in result.stderr
