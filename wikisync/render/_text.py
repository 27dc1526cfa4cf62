"""The terminal view of a plan, Terraform style."""

from __future__ import annotations

from wikisync._names import shown
from wikisync.plan.model import AssetChange, Change, Plan
from wikisync.render._common import (
    ARROW,
    ASSET_SYMBOLS,
    SYMBOLS,
    asset_line,
    asset_summary_sentence,
    broken_links_sentence,
    change_title,
    conflict_sentence,
    format_value,
    navigation_line,
    navigation_summary_sentence,
    no_changes_sentence,
    page_ref,
    shown_diff,
    summary_sentence,
)

__all__ = ["render_text", "summary_line"]

_RESET = "\033[0m"
_COLORS = {
    "create": "\033[32m",  # green
    "update": "\033[33m",  # yellow
    "move": "\033[36m",  # cyan
    "delete": "\033[31m",  # red
    "conflict": "\033[1;35m",  # bold magenta
    "bold": "\033[1m",
    "dim": "\033[2m",
    "warn": "\033[1;31m",
    "added": "\033[32m",
    "removed": "\033[31m",
    "hunk": "\033[36m",
}
_INDENT = "      "


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, style: str, text: str) -> str:
        if not self.color or not text:
            return text
        return f"{_COLORS[style]}{text}{_RESET}"


def summary_line(plan: Plan) -> str:
    """``Plan: 3 to create, 2 to update, 1 to move, 0 to delete.`` (frozen wording)."""
    return summary_sentence(plan)


def _diff_lines(diff: str, paint: _Painter) -> list[str]:
    out: list[str] = []
    for line in shown_diff(diff).split("\n"):
        if line.startswith(("+++", "---")):
            styled = paint("bold", line)
        elif line.startswith("@@"):
            styled = paint("hunk", line)
        elif line.startswith("+"):
            styled = paint("added", line)
        elif line.startswith("-"):
            styled = paint("removed", line)
        else:
            styled = line
        out.append(_INDENT + styled)
    return out


def _change_lines(change: Change, paint: _Painter) -> list[str]:
    symbol = SYMBOLS[change.action]
    head = f"  {paint(change.action, symbol)} {paint('bold', change_title(change))}"
    if change.page_id is not None:
        head += paint("dim", f"  (page {change.page_id})")
    lines = [head]
    if change.source:
        lines.append(f"{_INDENT}source: {shown(change.source)}")
    if change.reason:
        lines.append(f"{_INDENT}{shown(change.reason)}")
    if change.action == "conflict":
        lines.append(f"{_INDENT}{paint('warn', 'use --force to overwrite')}")
    for item in change.field_changes:
        if change.action == "create":
            lines.append(f"{_INDENT}{item.field} = {format_value(item.new)}")
        else:
            old, new = format_value(item.old), format_value(item.new)
            lines.append(f"{_INDENT}{item.field}: {old} {ARROW} {new}")
    if change.action != "create" and "content" in change.fields:
        lines.append(f"{_INDENT}content:")
        if change.diff:
            lines.extend(_diff_lines(change.diff, paint))
    return lines


_ASSET_STYLE = {"upload": "create", "replace": "update", "delete": "delete", "conflict": "conflict"}


def _asset_lines(change: AssetChange, paint: _Painter) -> list[str]:
    symbol = paint(_ASSET_STYLE[change.action], ASSET_SYMBOLS[change.action])
    lines = [f"  {symbol} {asset_line(change)}"]
    if change.reason and change.reason != "not in the wiki yet":
        lines.append(f"{_INDENT}{shown(change.reason)}")
    if change.action == "conflict":
        lines.append(f"{_INDENT}{paint('warn', 'use --force to overwrite')}")
    return lines


def _listing(title: str, keys: tuple[tuple[str, str], ...]) -> list[str]:
    if not keys:
        return []
    return ["", title, *(f"  {page_ref(locale, path)}" for locale, path in keys)]


def render_text(plan: Plan, *, color: bool = False, directory: str = ".") -> str:
    """The plan as terminal text (ANSI colour only when ``color``), ending in a newline.

    ``directory`` is the content directory as the user named it, for the no-changes line.
    """
    paint = _Painter(color)
    lines: list[str] = []
    if plan.has_changes:
        lines.append("wikisync will perform the following actions:")
        for change in plan.changes:
            lines.append("")
            lines.extend(_change_lines(change, paint))
        for menu in plan.navigation:
            lines += [
                "",
                f"  {paint('update', SYMBOLS['update'])} {paint('bold', navigation_line(menu))}",
            ]
            if menu.diff:
                lines.extend(_diff_lines(menu.diff, paint))
    if plan.asset_changes:
        lines += ["", "Assets:"]
        for asset in plan.asset_changes:
            lines.extend(_asset_lines(asset, paint))
    lines += _listing(
        "Adopted (existing pages a file claims; recorded as managed from now on):", plan.adopted
    )
    lines += _listing(
        "Orphaned (managed pages whose file is gone; kept: prune is off or refused):",
        plan.orphaned,
    )
    lines += _listing("Not managed by wikisync (left alone):", plan.unmanaged)
    if plan.assets_orphaned:
        lines += ["", "Orphaned assets (no page links to them; kept, prune is off or refused):"]
        lines += [f"  {shown('/' + path)}" for path in plan.assets_orphaned]
    if plan.navigation_warnings:
        lines += [""] + [
            f"{paint('warn', 'Warning:')} {shown(w)}" for w in plan.navigation_warnings
        ]
    if plan.guard_violations:
        lines += ["", paint("warn", "Refused by a safety guard (nothing will be applied):")]
        lines += [f"  - {shown(message)}" for message in plan.guard_violations]
    if lines:
        lines.append("")
    if plan.has_changes:
        lines.append(paint("bold", summary_sentence(plan)))
        assets = asset_summary_sentence(plan)
        if assets:
            lines.append(paint("bold", assets))
        menus = navigation_summary_sentence(plan)
        if menus:
            lines.append(paint("bold", menus))
        conflicts = conflict_sentence(plan)
        if conflicts:
            lines.append(paint("conflict", conflicts))
    else:
        lines.append(no_changes_sentence(directory))
    broken = broken_links_sentence(plan)
    if broken:
        lines.append(paint("warn", broken))
    return "\n".join(line.rstrip() for line in lines) + "\n"
