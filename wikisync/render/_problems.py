"""Problems as terminal lines: one per problem, or grouped per code when a code has many.

A tree written for another generator can hold hundreds of problems of one kind (links the
site resolves its own way, syntax no transform converts). Listed one by one they hide the
few that matter, so a code with more than ``GROUP_OVER`` problems is shown as one group:
its count, the ten most useful examples (errors first, one per file before a second from
the same file), and the setting that changes it. ``wikisync validate --verbose`` lists
every problem.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from wikisync.plan.model import Problem

__all__ = ["EXAMPLES", "GROUP_OVER", "problem_line", "render_problems"]

GROUP_OVER = 10
"""A code with more problems than this is shown as a group."""
EXAMPLES = 10
"""How many problems of a group are shown."""


def problem_line(problem: Problem) -> str:
    """``guide.md:3: broken link ...`` (and `` (warning)`` for a warning)."""
    return f"{problem}" if problem.is_error else f"{problem} (warning)"


def _examples(members: Sequence[Problem]) -> list[Problem]:
    ranked = sorted(members, key=lambda p: (not p.is_error, p.sort_key()))
    chosen: list[Problem] = []
    files: set[str] = set()
    for problem in ranked:  # one per file first: the examples show the spread
        if problem.source not in files and len(chosen) < EXAMPLES:
            chosen.append(problem)
            files.add(problem.source)
    for problem in ranked:
        if len(chosen) >= EXAMPLES:
            break
        if problem not in chosen:
            chosen.append(problem)
    return sorted(chosen, key=Problem.sort_key)


def render_problems(
    problems: Iterable[Problem], settings: Mapping[str, str], *, every: bool = False
) -> list[str]:
    """Lines for ``problems`` (in their order), grouped per code when a code has more than
    ``GROUP_OVER``; ``settings`` names the setting that changes each code (its hint);
    ``every`` lists them all, one per line."""
    items = list(problems)
    if every:
        return [problem_line(p) for p in items]
    by_code: dict[str, list[Problem]] = defaultdict(list)
    for problem in items:
        by_code[problem.code].append(problem)
    grouped = {code for code, members in by_code.items() if len(members) > GROUP_OVER}
    lines = [problem_line(p) for p in items if p.code not in grouped]
    order = sorted(grouped, key=lambda c: (not any(p.is_error for p in by_code[c]), c))
    for code in order:
        members = by_code[code]
        errors = sum(1 for p in members if p.is_error)
        warnings = len(members) - errors
        counts = ", ".join(
            f"{n} {word}{'' if n == 1 else 's'}"
            for n, word in ((errors, "error"), (warnings, "warning"))
            if n
        )
        files = len({p.source for p in members})
        hint = settings.get(code)
        lines.append(
            f"{code}: {counts} in {files} file{'' if files == 1 else 's'}"
            + (f" ({hint})" if hint else "")
        )
        shown = _examples(members)
        lines.extend(f"  {problem_line(p)}" for p in shown)
        lines.append(
            f"  ... and {len(members) - len(shown)} more (`wikisync validate --verbose` "
            "lists them all)"
        )
    return lines
