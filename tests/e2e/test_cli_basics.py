"""The CLI contract from DESIGN.md: streams, exit codes, messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from e2e_helpers import Wiki, write_site
from typer.testing import CliRunner

from wikisync.cli import app

SITE = {
    "wikisync.yml": "locale: en\nroot: docs\n",
    "a.md": "---\ntitle: A\n---\nSee [b](b.md).\n",
    "b.md": "# B\n\nText.\n",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", SITE)


def test_version_and_help() -> None:
    runner = CliRunner()
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0
    assert re.fullmatch(r"wikisync \d+\.\d+\.\d+\S*\n", version.stdout)
    for command in ("plan", "apply", "validate"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert f"wikisync {command}" in result.stdout


def test_validate_reports_every_problem_with_file_and_line(tmp_path: Path) -> None:
    site = write_site(
        tmp_path / "bad",
        {
            "ok.md": "# Fine\n",
            "broken.md": "---\ntitle: [unclosed\n---\nbody\n",
            "wikijs.md": "---\ntitle: A: B\ndescription: \npublished: true\n"
            "date: 2026-01-01T00:00:00.000Z\ntags: \neditor: markdown\n---\n\nbody\n",
            "links.md": "# Links\n\nA [missing](nowhere.md) link.\n",
            "login.md": "# Reserved\n",
        },
    )
    result = CliRunner().invoke(app, ["validate", str(site)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("broken.md:") for line in lines), lines
    assert any(line.startswith("links.md:3:") and "nowhere.md" in line for line in lines), lines
    assert any(line.startswith("login.md") for line in lines), lines
    assert not any(line.startswith("wikijs.md") for line in lines), lines
    assert "error(s)" in result.stderr


def test_validate_json_is_only_json(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"x.md": "# X\n\n[gone](gone.md)\n"})
    result = CliRunner().invoke(app, ["validate", str(site), "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    broken = [p for p in doc["problems"] if p["code"] == "broken-link"]
    assert broken == [
        {
            "source": "x.md",
            "line": 3,
            "message": broken[0]["message"],
            "code": "broken-link",
            "severity": "error",
        }
    ]
    assert "gone.md" in broken[0]["message"]


def test_plan_json_stdout_is_only_json_and_no_color(wiki: Wiki, site: Path) -> None:
    result = wiki.run("plan", str(site), "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["format_version"] == "1"
    assert doc["target"]["root"] == "docs"
    assert doc["summary"] == {
        "create": 2,
        "update": 0,
        "move": 0,
        "delete": 0,
        "conflict": 0,
        "unchanged": 0,
    }
    text = wiki.run("plan", str(site))
    assert "\x1b[" not in text.stdout
    assert "Plan: 2 to create, 0 to update, 0 to move, 0 to delete." in text.stdout


def test_detailed_exitcode_is_2_with_changes(wiki: Wiki, site: Path) -> None:
    assert wiki.run("plan", str(site), "--detailed-exitcode").exit_code == 2
    assert wiki.run("plan", str(site)).exit_code == 0


def test_summary_file_gets_markdown(wiki: Wiki, site: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    assert wiki.run("plan", str(site), "--summary-file", str(summary)).exit_code == 0
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n")
    assert "docs/a" in text and "|" in text


def test_plan_format_markdown_and_its_deprecated_old_name(wiki: Wiki, site: Path) -> None:
    markdown = wiki.run("plan", str(site), "--format", "markdown")
    assert markdown.exit_code == 0 and "|" in markdown.stdout and "docs/a" in markdown.stdout
    assert "deprecated" not in markdown.stderr
    old = wiki.run("plan", str(site), "--format", "github")
    assert old.exit_code == 0 and old.stdout == markdown.stdout
    assert "deprecated" in old.stderr and "--format markdown" in old.stderr


@pytest.mark.parametrize(
    "args",
    [("plan", "--json", "--format", "markdown"), ("validate", "--json", "--format", "github")],
)
def test_json_and_another_format_are_refused(wiki: Wiki, site: Path, args: tuple[str, ...]) -> None:
    result = wiki.run(args[0], str(site), *args[1:])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: --json and --format")
    assert wiki.emulator.log.operations() == []


@pytest.mark.parametrize("value", ["0", "33"])
def test_parallelism_out_of_range_is_a_usage_error(wiki: Wiki, site: Path, value: str) -> None:
    result = wiki.run("apply", str(site), "--auto-approve", "--parallelism", value)
    assert result.exit_code != 0 and "between 1 and 32" in result.output
    assert wiki.writes() == []


def test_an_unknown_format_is_a_usage_error(wiki: Wiki, site: Path) -> None:
    result = wiki.run("validate", str(site), "--format", "html")
    assert result.exit_code != 0 and "html" in result.output


def test_apply_without_a_terminal_needs_auto_approve(wiki: Wiki, site: Path) -> None:
    result = wiki.run("apply", str(site))
    assert result.exit_code == 1
    assert "--auto-approve" in result.stderr
    assert wiki.writes() == []


def test_missing_url_and_url_without_scheme(site: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["plan", str(site)], env={"WIKIJS_API_KEY": "k" * 20})
    assert missing.exit_code == 1
    assert missing.stderr.startswith("Error:") and "WIKIJS_URL" in missing.stderr
    bad = runner.invoke(
        app, ["plan", str(site)], env={"WIKIJS_URL": "wiki.example.com", "WIKIJS_API_KEY": "k"}
    )
    assert bad.exit_code == 1
    assert "http://" in bad.stderr


def test_missing_credentials(wiki: Wiki, site: Path) -> None:
    result = CliRunner().invoke(app, ["plan", str(site)], env={"WIKIJS_URL": wiki.emulator.url})
    assert result.exit_code == 1
    assert "WIKIJS_API_KEY" in result.stderr


def test_missing_directory_is_a_clear_error(wiki: Wiki, tmp_path: Path) -> None:
    result = wiki.run("plan", str(tmp_path / "nope"))
    assert result.exit_code == 1
    assert "no such directory" in result.stderr


def test_login_with_username_and_password(wiki: Wiki, site: Path) -> None:
    env = {
        "WIKIJS_URL": wiki.emulator.url,
        "WIKIJS_USERNAME": wiki.emulator.admin_email,
        "WIKIJS_PASSWORD": wiki.emulator.admin_password,
    }
    result = CliRunner().invoke(app, ["apply", str(site), "--auto-approve"], env=env)
    assert result.exit_code == 0, result.output
    assert "2 created" in result.stdout


def test_usage_errors_exit_1_because_2_means_changes() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "wikisync", "plan", "--no-such-flag"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "No such option" in result.stderr


def test_both_ways_of_signing_in_is_a_clear_error(wiki: Wiki, site: Path) -> None:
    env = {**wiki.env, "WIKIJS_USERNAME": "a@example.com", "WIKIJS_PASSWORD": "secret-pw"}
    result = CliRunner().invoke(app, ["plan", str(site)], env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: both WIKIJS_API_KEY")


def test_apply_with_standard_input_closed_refuses_cleanly(wiki: Wiki, site: Path) -> None:
    import os
    import shlex
    import subprocess
    import sys

    command = f"{shlex.quote(sys.executable)} -m wikisync apply {shlex.quote(str(site))} 0<&-"
    result = subprocess.run(
        ["/bin/sh", "-c", command],
        env={**os.environ, **wiki.env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "Error: apply needs --auto-approve" in result.stderr
    assert "Traceback" not in result.stderr
    assert wiki.writes() == []


def test_pull_into_a_file_is_a_clear_error(wiki: Wiki, tmp_path: Path) -> None:
    target = tmp_path / "not-a-dir"
    target.write_text("x", encoding="utf-8")
    result = wiki.run("pull", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error:") and "not a directory" in result.stderr
    assert target.read_text(encoding="utf-8") == "x"
