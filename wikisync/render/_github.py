"""GitHub Actions workflow commands for problems: ``::error file=F,line=L::message``."""

from __future__ import annotations

from collections.abc import Iterable

from wikisync._names import shown_lines
from wikisync.plan.model import Problem

__all__ = ["render_github_annotations"]


def _escape_data(text: str) -> str:
    """GitHub's escaping of a command's message (``%``, CR, LF), after the invisible
    characters of names are made visible."""
    text = shown_lines(text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub's escaping of a property value (also ``:`` and ``,``)."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github_annotations(
    problems: Iterable[Problem], *, limit: int = 10, prefix: str = ""
) -> str:
    """At most ``limit`` annotation lines, errors first, in file and line order.

    ``prefix`` is the content directory relative to the repository (``"docs"``): GitHub
    attaches an annotation to a file of a pull request only when ``file=`` is the path in
    the repository, not in the content directory. Every line starts with ``::error`` or
    ``::warning`` and carries the text escaped, so a file name or message cannot end the
    command early or start another one on a new line.
    """
    base = prefix.strip("/")
    ordered = sorted(problems, key=lambda p: (not p.is_error, *p.sort_key()))
    lines: list[str] = []
    for problem in ordered[: max(limit, 0)]:
        level = "error" if problem.is_error else "warning"
        file = f"{base}/{problem.source}" if base and problem.source else problem.source
        properties = f"file={_escape_property(file)}"
        if problem.line is not None:
            properties += f",line={problem.line}"
        properties += f",title={_escape_property(problem.code)}"
        lines.append(f"::{level} {properties}::{_escape_data(problem.message)}")
    return "\n".join(lines)
