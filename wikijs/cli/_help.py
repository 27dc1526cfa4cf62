"""Help in the shape of the command lines people like (ruff, uv, gh), for both CLIs.

* Options show a metavar (``DIR``, ``URL``, ``N``), never a Python type: flags and
  arguments show nothing in the type column (an argument's name is its metavar already),
  so no ``<bool>``, ``<str>`` or ``<path>`` appears.
* ``prose`` turns a hard-wrapped docstring into one line per paragraph, so rich wraps
  it at the terminal's width instead of breaking the source's lines again mid-sentence.
* ``examples`` formats the ``Examples:`` epilog every command carries.

``HelpCommand`` and ``HelpGroup`` are the command and group classes both CLIs register
with (``cls=``).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

from typer import _click as click  # the click typer vendors: its parameters, its context
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

__all__ = ["HelpCommand", "HelpGroup", "examples", "prose"]


class _Argument(TyperArgument):
    def display_type_rich(self, ctx: click.Context) -> str | None:
        return None

    def _rich_display_name(self) -> str:
        return self.display_name_raw + ("..." if self.nargs != 1 else "")

    def _usage_display_name(self) -> str:
        # click's convention: PATH when required, [DIR] when optional, FILE... for several
        name = self._rich_display_name()
        return name if self.required else f"[{name}]"


class _Flag(TyperOption):
    def display_type_rich(self, ctx: click.Context) -> str | None:
        return None


def _untyped(params: list[click.Parameter]) -> list[click.Parameter]:
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _Argument
        elif type(param) is TyperOption and param.is_flag:
            param.__class__ = _Flag
    return params


class HelpCommand(TyperCommand):
    """A command whose help shows metavars, not Python types."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return _untyped(super().get_params(ctx))


class HelpGroup(TyperGroup):
    """A command group whose help shows metavars, not Python types."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return _untyped(super().get_params(ctx))


def prose(text: str) -> str:
    """``text`` with each paragraph on one line; indented lines (examples) kept as they are."""
    paragraphs = []
    for block in inspect.cleandoc(text).split("\n\n"):
        lines = block.splitlines()
        if any(line.startswith(" ") for line in lines):
            paragraphs.append(block)
        else:
            paragraphs.append(" ".join(line.strip() for line in lines))
    return "\n\n".join(_escape(paragraphs))


def examples(*lines: str) -> str:
    """The ``Examples:`` epilog: one command a line, indented, comments aligned by hand.

    It starts with an empty line: rich's help dedents every line after the first by their
    common indentation, which would otherwise take the examples' indentation away.
    """
    return "\nExamples:\n" + "\n".join(f"  {line}" for line in _escape(lines))


def _escape(lines: Sequence[str]) -> list[str]:
    # rich markup would read "[DIR]" as a style tag
    return [line.replace("[", "\\[") for line in lines]
