"""Find the ``wikisync ...`` and ``wikijs ...`` command lines a text mentions, and check
each against the real command line: the subcommand exists and so does every option.

A mention is ``wikisync`` or ``wikijs`` followed by words; its command is the longest run
of words that names a (sub)command, and its options are the ``--long`` words up to the
end of that shell command (``|``, ``&&``, ``;``, ``>``, ``#``, a closing backtick).
Synopses work too: ``[--format text|github]`` gives ``--format``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from typer.main import get_command

from wikijs.cli import app as wikijs_app
from wikisync.cli import app as wikisync_app

__all__ = ["Mention", "check", "mentions", "option_names"]

_PROGRAMS: dict[str, Any] = {
    "wikisync": get_command(wikisync_app),
    "wikijs": get_command(wikijs_app),
}
_START = re.compile(r"(?<![\w./-])(wikisync|wikijs)(?=[ \t])")
_END = re.compile(r"\|\||&&|(?<!\\)\||;|>|(?:^|\s)#|`|\)|\n|$")
_OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")


@dataclass(frozen=True)
class Mention:
    program: str
    path: tuple[str, ...]
    options: tuple[str, ...]
    text: str

    @property
    def name(self) -> str:
        return " ".join((self.program, *self.path))


def _resolve(program: str, words: list[str]) -> tuple[tuple[str, ...], Any]:
    command = _PROGRAMS[program]
    path: list[str] = []
    for word in words:
        sub = getattr(command, "commands", {}).get(word)
        if sub is None:
            break
        command = sub
        path.append(word)
    return tuple(path), command


def mentions(text: str) -> Iterator[Mention]:
    """Every command line in ``text`` (code spans, code blocks, YAML ``run:`` lines)."""
    for match in _START.finditer(text):
        rest = text[match.end() :]
        end = _END.search(rest)
        segment = rest[: end.start() if end else len(rest)]
        words = [w.strip("[]()") for w in segment.split()]
        path, _ = _resolve(match.group(1), words)
        if not path and not any(w.startswith("--") for w in words[:1]):
            continue  # prose ("wikisync reads ..."), or an import
        options = tuple(_OPTION.findall(segment.replace("\\|", " ")))
        yield Mention(match.group(1), path, options, match.group(0) + segment)


def option_names(program: str, path: tuple[str, ...]) -> set[str]:
    """The long options of one command (``--help`` included)."""
    _, command = _resolve(program, list(path))
    names = {"--help"}
    for param in command.params:
        names.update(o for o in [*param.opts, *getattr(param, "secondary_opts", [])] if o)
    return {n for n in names if n.startswith("--")}


def check(text: str, where: str) -> list[str]:
    """What is wrong with the command lines ``text`` mentions (nothing: ``[]``)."""
    problems = []
    for mention in mentions(text):
        _, command = _resolve(mention.program, list(mention.path))
        if getattr(command, "commands", None) and mention.options and mention.path:
            problems.append(f"{where}: `{mention.text.strip()}` names a group, not a command")
            continue
        known = option_names(mention.program, mention.path)
        for option in mention.options:
            if option not in known:
                problems.append(
                    f"{where}: `{mention.name}` has no option {option} "
                    f"(in `{mention.text.strip()}`)"
                )
    return problems
