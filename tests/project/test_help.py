"""Golden ``--help`` of every command of both CLIs (``wikisync`` and ``wikijs``).

The help follows the conventions of the command lines people like (ruff, uv, gh): options
show a metavar (``DIR``, ``URL``, ``N``), never a Python type (``<bool>``, ``<str>``,
``<int range> [1<=x<=32]``); flags and arguments show none; paragraphs are single lines
that rich wraps at the terminal's width; every command, the top levels included, ends
with examples.

When a command or an option changes on purpose, regenerate every golden file with one
command and review the diff:

    WIKISYNC_UPDATE_GOLDEN=1 pytest tests/project/test_help.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.rich_utils
from typer import _click as click
from typer.main import get_command
from typer.testing import CliRunner

from wikijs.cli import app as wikijs_app
from wikisync.cli import app as wikisync_app

GOLDEN = Path(__file__).parent / "golden" / "help"
WIDTH = 100
UPDATE = bool(os.environ.get("WIKISYNC_UPDATE_GOLDEN"))

# What typer shows when an option has no metavar: the Python type, a range, a choice list.
_PYTHON_TYPE = re.compile(
    r"<(?:bool|str|int|float|path|file|dir|uuid|datetime|list\[[^>]*\]|[a-z]+ range|"
    r"[a-z_]+(?:\|[a-z_]+)+)>|\[-?\d+<=x|x<=-?\d+\]"
)
_METAVAR = re.compile(r"[A-Z][A-Z0-9_]*(?:\|[A-Z][A-Z0-9_.]*)*(?:\.\.\.)?")


def _walk(command: click.Command, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found += _walk(sub, (*path, name))
    return found


COMMANDS = [
    *(("wikisync", path, cmd) for path, cmd in _walk(get_command(wikisync_app), ())),
    *(("wikijs", path, cmd) for path, cmd in _walk(get_command(wikijs_app), ())),
]
IDS = [" ".join((prog, *path)) for prog, path, _ in COMMANDS]


@pytest.fixture
def plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same output everywhere: no colour (typer forces it when GITHUB_ACTIONS is set),
    a fixed width."""
    monkeypatch.setattr(typer.rich_utils, "FORCE_TERMINAL", False)
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", WIDTH)
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setenv("TERM", "dumb")


def _help(prog: str, path: tuple[str, ...]) -> str:
    app = wikisync_app if prog == "wikisync" else wikijs_app
    result = CliRunner().invoke(app, [*path, "--help"], prog_name=prog, terminal_width=WIDTH)
    assert result.exit_code == 0, result.output
    return "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n") + "\n"


@pytest.mark.usefixtures("plain_terminal")
@pytest.mark.parametrize(("prog", "path", "command"), COMMANDS, ids=IDS)
def test_help_matches_its_golden_file(
    prog: str, path: tuple[str, ...], command: click.Command
) -> None:
    text = _help(prog, path)
    golden = GOLDEN / ("_".join((prog, *path)) + ".txt")
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no {golden.name}: run WIKISYNC_UPDATE_GOLDEN=1 pytest {__file__}"
    assert text == golden.read_text(encoding="utf-8"), (
        f"`{' '.join((prog, *path))} --help` changed: if on purpose, run "
        f"WIKISYNC_UPDATE_GOLDEN=1 pytest {__file__} and review the diff"
    )


def test_every_golden_file_belongs_to_a_command() -> None:
    expected = {"_".join((prog, *path)) + ".txt" for prog, path, _ in COMMANDS}
    assert {p.name for p in GOLDEN.glob("*.txt")} == expected


@pytest.mark.usefixtures("plain_terminal")
@pytest.mark.parametrize(("prog", "path", "command"), COMMANDS, ids=IDS)
def test_help_shows_metavars_not_python_types(
    prog: str, path: tuple[str, ...], command: click.Command
) -> None:
    text = _help(prog, path)
    assert not _PYTHON_TYPE.findall(text), (
        f"a Python type in the help: {_PYTHON_TYPE.findall(text)}"
    )
    ctx = click.Context(command, info_name=prog)
    for param in command.get_params(ctx):
        shown = param.display_type_rich(ctx=ctx)  # type: ignore[attr-defined]
        name = "/".join(param.opts)
        if getattr(param, "is_flag", False) or param.param_type_name == "argument":
            assert shown is None, f"{name} shows a type ({shown!r})"
        else:
            assert shown is not None and _METAVAR.fullmatch(shown), f"{name}: metavar {shown!r}"
    for param in command.params:
        if param.param_type_name == "argument":
            assert param.metavar and _METAVAR.fullmatch(param.metavar), f"{param.name}: no metavar"


@pytest.mark.usefixtures("plain_terminal")
@pytest.mark.parametrize(("prog", "path", "command"), COMMANDS, ids=IDS)
def test_every_command_shows_examples_of_itself(
    prog: str, path: tuple[str, ...], command: click.Command
) -> None:
    text = _help(prog, path)
    _, _, examples = text.partition("\n Examples:\n")
    lines = [line.strip() for line in examples.splitlines() if line.strip()]
    assert lines, f"`{' '.join((prog, *path))} --help` shows no examples"
    invocation = " ".join((prog, *path))
    assert any(invocation in line for line in lines), lines


@pytest.mark.parametrize(("prog", "path", "command"), COMMANDS, ids=IDS)
def test_help_paragraphs_are_single_lines_rich_can_wrap(
    prog: str, path: tuple[str, ...], command: click.Command
) -> None:
    for paragraph in (command.help or "").split("\n\n"):
        lines = paragraph.splitlines()
        if len(lines) > 1:  # a block of indented lines (examples) is kept as it is
            assert all(line.startswith(" ") for line in lines[1:]), (
                f"`{' '.join((prog, *path))}`: a hard-wrapped paragraph: {paragraph!r}"
            )


@pytest.mark.usefixtures("plain_terminal")
def test_narrow_terminal_wraps_a_paragraph_at_its_width_not_at_the_source_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(typer.rich_utils, "MAX_WIDTH", 60)
    result = CliRunner().invoke(wikisync_app, ["plan", "--help"], terminal_width=60)
    lines = [line.strip() for line in result.output.splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("Reads DIR"))
    paragraph = lines[start : lines.index("", start)]
    # rich fills each line: none but the last is short (a source line break would be)
    assert all(len(line) > 45 for line in paragraph[:-1]), paragraph
