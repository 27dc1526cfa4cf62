"""The Action against a hostile runner environment and hostile names: the event payload
is read with bounds (a regular file, its size, its nesting, its numbers) and nothing it
posts mentions anyone, whatever the pages are called."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from gha_runner import parse_workflow_commands

from wikisync.ci.action import (
    MAX_EVENT_BYTES,
    ActionInputError,
    GitHubContext,
    main,
    render_plan_file,
)
from wikisync.ci.github import build_plan_comment
from wikisync.plan.model import Change, FieldChange, Plan
from wikisync.render import no_mentions, render_json, render_markdown

ZWJ = "\u200d"


def _context(tmp_path: Path, payload: str | bytes, event: str = "pull_request") -> GitHubContext:
    path = tmp_path / "event.json"
    if isinstance(payload, bytes):
        path.write_bytes(payload)
    else:
        path.write_text(payload)
    return GitHubContext.from_env({"GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(path)})


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested more than 64 levels deep"),
        ('{"a": ' * 100_000 + "1" + "}" * 100_000, "nested more than 64 levels deep"),
        ('{"a": ' * 70 + "1" + "}" * 70, "nested more than 64 levels deep"),
        ('{"pull_request": {"number": 1' + "0" * 5_000 + "}}", "a number of 5,001 digits"),
        ('{"x": -' + "9" * 30 + "}", "a number of 31 digits"),
        ('{"number": 7,', "it is not JSON"),
        (b'{"number": 7, "title": "\xff"}', "it is not UTF-8 text"),
    ],
    ids=[
        "nested-arrays",
        "nested-objects",
        "nested-70",
        "long-number",
        "long-negative",
        "bad-json",
        "not-utf8",
    ],
)
def test_a_hostile_event_payload_is_an_input_error(
    tmp_path: Path, payload: str | bytes, message: str
) -> None:
    with pytest.raises(ActionInputError, match=rf"^cannot read the event payload .*{message}"):
        _context(tmp_path, payload)


@pytest.mark.parametrize(
    "number",
    [
        '"1' + "0" * 5_000 + '"',
        str(2**31),
        "-7",
        "0",
        "true",
        "7.5",
        '"7a"',
        '"٣"',  # a digit, but not an ASCII one
        "[7]",
    ],
)
def test_a_pull_request_number_github_would_never_send_is_refused(
    tmp_path: Path, number: str
) -> None:
    payload = f'{{"number": {number}, "pull_request": {{"number": {number}}}}}'
    with pytest.raises(ActionInputError, match=r"pull request number \(.{1,60}\) is not a pull"):
        _context(tmp_path, payload)


@pytest.mark.parametrize("number", ["7", '"7"', str(2**31 - 1)])
def test_ordinary_pull_request_numbers_are_read(tmp_path: Path, number: str) -> None:
    payload = f'{{"pull_request": {{"number": {number}}}}}'
    assert _context(tmp_path, payload).pull_request_number == int(json.loads(number))
    assert _context(tmp_path, payload, event="push").pull_request_number is None


def test_an_event_path_that_is_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "event.json"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it to read would block forever
    with pytest.raises(ActionInputError, match="it is not a regular file"):
        GitHubContext.from_env({"GITHUB_EVENT_PATH": str(fifo)})


def test_an_event_payload_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "event.json"
    with open(big, "wb") as handle:
        handle.truncate(MAX_EVENT_BYTES + 1)  # sparse: nothing is written or read
    with pytest.raises(ActionInputError, match="it is 33,554,433 bytes, more than"):
        GitHubContext.from_env({"GITHUB_EVENT_PATH": str(big)})


def test_main_turns_a_hostile_event_into_one_error_annotation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = tmp_path / "event.json"
    event.write_text("[" * 100_000 + "]" * 100_000)
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    assert main([]) == 1
    out = capsys.readouterr().out
    (command,) = parse_workflow_commands(out)
    assert command.name == "error" and "nested more than 64 levels deep" in command.message
    assert "Traceback" not in out


# -- mentions -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("Hi @octocat!", f"Hi @{ZWJ}octocat!"),
        ("@org/team and @a-b", f"@{ZWJ}org/team and @{ZWJ}a-b"),
        ("mail@example.com", f"mail@{ZWJ}example.com"),
        ("code `@octocat` stays", "code `@octocat` stays"),
        ("``a ` @x`` then @y", f"``a ` @x`` then @{ZWJ}y"),
        ("an unclosed ` @x", f"an unclosed ` @{ZWJ}x"),
        ("```\n@inside\n```\n@after", f"```\n@inside\n```\n@{ZWJ}after"),
        ("~~~~\n@in\n~~~\n@still\n~~~~\n@out", f"~~~~\n@in\n~~~\n@still\n~~~~\n@{ZWJ}out"),
        ("@ alone, @@, @!", "@ alone, @@, @!"),
        (f"@{ZWJ}octocat", f"@{ZWJ}octocat"),
    ],
)
def test_no_mentions_outside_code(markdown: str, expected: str) -> None:
    assert no_mentions(markdown) == expected
    assert no_mentions(expected) == expected  # idempotent


def _mentioning_plan() -> Plan:
    return Plan(
        changes=(
            Change(
                "create",
                "en",
                "handbook/@octocat",
                source="@octocat.md",
                digest="d1",
                field_changes=(FieldChange("title", None, "Ping @security-team now"),),
            ),
            Change("delete", "en", "handbook/old", page_id=4, reason="file @removed"),
        ),
    )


def _outside_code(markdown: str) -> str:
    """``markdown`` without fenced blocks and code spans: where GitHub reads mentions."""
    without_fences = re.sub(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", "", markdown, flags=re.S | re.M)
    return re.sub(r"(`+).*?\1", "", without_fences)


def test_the_plan_comment_mentions_no_one(tmp_path: Path) -> None:
    markdown = render_markdown(_mentioning_plan(), directory="docs/@octocat")
    assert "@removed" not in markdown and f"@{ZWJ}removed" in markdown
    assert re.search(r"@[A-Za-z0-9]", _outside_code(markdown)) is None
    assert "@security-team" in markdown  # shown, inside code, where it mentions no one
    body = build_plan_comment("docs", "Title @octocat\n\n`@octocat.md`", "f" * 64)
    assert f"Title @{ZWJ}octocat" in body and "`@octocat.md`" in body
    saved = tmp_path / "plan.json"
    target = {"url": "http://wiki.test", "root": "handbook", "locale": "en"}
    saved.write_text(render_json(_mentioning_plan(), target=target, wikisync_version="1"))
    rendered = render_plan_file(saved, "docs")
    assert re.search(r"@[A-Za-z0-9]", _outside_code(rendered)) is None


def test_the_command_line_in_the_log_cannot_start_a_workflow_command(tmp_path: Path) -> None:
    from test_action_run import ScriptedCli, context, inputs, run

    workspace = tmp_path / "repo"
    name = "docs\n::add-mask::secret"
    (workspace / name).mkdir(parents=True)
    result, log = run(ScriptedCli(), inputs(path=name), context(workspace, "workflow_dispatch"))
    assert result.exit_code == 0, log
    assert [line for line in log.splitlines() if line.startswith("::add-mask::")] == []
    assert "docs\\x0a::add-mask::secret" in log
