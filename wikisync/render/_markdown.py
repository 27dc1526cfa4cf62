"""The plan as GitHub-flavoured Markdown, for pull-request comments and step summaries.

A summary table comes first, then one row per change, then the details of each change
(reason, field changes, content diff in a ``diff`` fence) in ``<details>`` blocks. The
output never exceeds ``max_chars``: details that do not fit are left out (a long diff is
cut first) and a closing note says how much was left out. Text from files and the wiki is
escaped: fences are longer than any backtick run inside them, table cells cannot break
the table, ``<``/``>``/``&`` in HTML parts are entities, and an ``@`` outside code that
would mention someone (``@octocat``, ``@org/team``) is followed by a zero-width joiner, so
a page title or file name never notifies anyone (``no_mentions``).
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right

from wikisync._names import shown
from wikisync.plan.model import AssetChange, Change, NavigationChange, Plan
from wikisync.render._common import (
    ARROW,
    ASSET_SYMBOLS,
    BACK_ARROW,
    SYMBOLS,
    asset_summary_sentence,
    broken_links_sentence,
    change_title,
    conflict_sentence,
    format_size,
    format_value,
    navigation_line,
    navigation_summary_sentence,
    no_changes_sentence,
    shown_diff,
    summary_sentence,
)

__all__ = ["no_mentions", "render_markdown"]

_TITLE = "### wikisync plan"
_BACKTICK_RUN = re.compile(r"`+")
_NOTE_RESERVE = 240


_MENTION = re.compile(r"@(?=[A-Za-z0-9_])")
_FENCE_LINE = re.compile(r" {0,3}(`{3,}|~{3,})")
_ZWJ = "\u200d"


def no_mentions(markdown: str) -> str:
    """``markdown`` with every ``@`` that GitHub would read as a mention, outside fenced
    code blocks and code spans, followed by a zero-width joiner: ``@\u200doctocat`` shows
    as ``@octocat`` and notifies no one. Linear in the text; applying it twice changes
    nothing more."""
    if "@" not in markdown:
        return markdown
    out: list[str] = []
    fence: str | None = None
    for line in markdown.split("\n"):
        opening = _FENCE_LINE.match(line)
        if opening:
            marker = opening.group(1)
            if fence is None:
                fence = marker
            elif (
                marker[0] == fence[0]
                and len(marker) >= len(fence)
                and not line.strip(" " + marker[0])
            ):
                fence = None
            out.append(line)
        elif fence is not None or "@" not in line:
            out.append(line)
        else:
            out.append(_line_without_mentions(line))
    return "\n".join(out)


def _line_without_mentions(line: str) -> str:
    """One line: text between code spans gets the joiner; each backtick run opens a span
    closed by the next run of the same length (found by bisection, not by scanning)."""
    runs = [(m.start(), m.end()) for m in _BACKTICK_RUN.finditer(line)]
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    parts: list[str] = []
    position = 0
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        at = bisect_right(same, index)
        if at == len(same):  # no closing run: literal backticks
            index += 1
            continue
        closing = same[at]
        parts.append(_MENTION.sub("@" + _ZWJ, line[position:start]))
        parts.append(line[start : runs[closing][1]])
        position = runs[closing][1]
        index = closing + 1
    parts.append(_MENTION.sub("@" + _ZWJ, line[position:]))
    return "".join(parts)


def _fence_for(text: str) -> str:
    longest = max((len(m.group(0)) for m in _BACKTICK_RUN.finditer(text)), default=0)
    return "`" * max(3, longest + 1)


def _code(text: str) -> str:
    """Inline code that survives any backticks inside and sits safely in a table cell."""
    text = shown(text.replace("\n", " ")).replace("|", "\\|")
    longest = max((len(m.group(0)) for m in _BACKTICK_RUN.finditer(text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _cell(text: str) -> str:
    return html.escape(shown(text.replace("\n", " ")), quote=False).replace("|", "\\|")


def _header(plan: Plan, directory: str | None) -> str:
    lines = [_TITLE, ""]
    if not plan.has_changes:
        lines.append(f"**{no_changes_sentence(directory or '.')}**")
    else:
        lines.append(f"**{summary_sentence(plan)}**")
        assets = asset_summary_sentence(plan)
        if assets:
            lines += ["", f"**{_cell(assets)}**"]
        menus = navigation_summary_sentence(plan)
        if menus:
            lines += ["", f"**{_cell(menus)}**"]
        conflicts = conflict_sentence(plan)
        if conflicts:
            lines += ["", f"> [!WARNING]\n> {conflicts}"]
    broken = broken_links_sentence(plan)
    if broken:
        lines += ["", f"> [!NOTE]\n> {_cell(broken)}"]
    summary = plan.summary
    lines += ["", "| Action | Pages |", "|---|---:|"]
    for action in ("create", "update", "move", "delete", "conflict"):
        lines.append(f"| `{SYMBOLS[action]}` {action} | {summary[action]} |")
    lines.append(f"| unchanged | {summary['unchanged']} |")
    if plan.navigation_warnings:
        lines += ["", "> [!WARNING]"]
        lines += [f"> {_cell(warning)}" for warning in plan.navigation_warnings]
    if plan.guard_violations:
        lines += ["", "> [!CAUTION]", "> **Refused by a safety guard; nothing will be applied:**"]
        lines += [f"> - {_cell(message)}" for message in plan.guard_violations]
    if plan.assets_orphaned:
        listed = ", ".join(_code(f"/{path}") for path in plan.assets_orphaned)
        lines += ["", f"Orphaned assets (no page links to them; kept): {listed}"]
    for title, keys in (
        ("Orphaned (file gone, prune off; kept)", plan.orphaned),
        ("Not managed by wikisync (left alone)", plan.unmanaged),
        ("Adopted (recorded as managed from now on)", plan.adopted),
    ):
        if keys:
            listed = ", ".join(_code(f"/{locale}/{path}") for locale, path in keys)
            lines += ["", f"{title}: {listed}"]
    return "\n".join(lines) + "\n"


def _row(change: Change) -> str:
    fields = ", ".join(change.fields) if change.fields else ""
    return (
        f"| `{SYMBOLS[change.action]}` {change.action} | {_code(change_title(change))} | "
        f"{_code(change.source) if change.source else ''} | {_cell(fields)} |"
    )


def _asset_row(change: AssetChange) -> str:
    if change.action == "delete":
        what = f"asset {change.asset_id}" if change.asset_id is not None else ""
    else:
        what = format_size(change.size)
    if change.reason and change.reason != "not in the wiki yet":
        what = f"{what}; {change.reason}" if what else change.reason
    source = f"{BACK_ARROW} {_code(change.source)}" if change.source else ""
    return (
        f"| `{ASSET_SYMBOLS[change.action]}` {change.action} | {_code('/' + change.path)} | "
        f"{source} | {_cell(what)} |"
    )


def _details(change: Change, max_diff_chars: int | None = None) -> str:
    summary = html.escape(f"{SYMBOLS[change.action]} {change.action} {change_title(change)}")
    lines = [f"<details><summary>{summary}</summary>", ""]
    if change.reason:
        lines.append(f"- {_cell(change.reason)}")
    if change.action == "conflict":
        lines.append("- use `--force` to overwrite")
    for item in change.field_changes:
        if change.action == "create":
            lines.append(f"- {_cell(item.field)} = {_code(format_value(item.new))}")
        else:
            old, new = _code(format_value(item.old)), _code(format_value(item.new))
            lines.append(f"- {_cell(item.field)}: {old} {ARROW} {new}")
    if change.diff:
        diff = change.diff
        if max_diff_chars is not None and len(diff) > max_diff_chars:
            cut = diff[:max_diff_chars].rsplit("\n", 1)[0]
            left = diff.count("\n") - cut.count("\n")
            diff = f"{cut}\n... diff cut to fit: {left} more lines"
        diff = shown_diff(diff)
        fence = _fence_for(diff)
        lines += ["", f"{fence}diff", diff, fence]
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _navigation_details(change: NavigationChange) -> str:
    summary = html.escape(f"{SYMBOLS['update']} {navigation_line(change)}")
    lines = [f"<details><summary>{summary}</summary>", ""]
    if change.diff:
        diff = shown_diff(change.diff)
        fence = _fence_for(diff)
        lines += [f"{fence}diff", diff, fence]
    lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def render_markdown(plan: Plan, *, max_chars: int = 60_000, directory: str | None = None) -> str:
    """The plan as Markdown of at most ``max_chars`` characters."""
    out = no_mentions(_header(plan, directory))
    if not plan.has_changes:
        return out[:max_chars]
    blocks: list[str] = []
    if plan.changes:
        blocks.append("\n| Action | Page | Source | Changes |\n|---|---|---|---|\n")
        blocks += [_row(change) + "\n" for change in plan.changes]
    if plan.asset_changes:
        blocks.append("\n| Action | Asset | Source | Size |\n|---|---|---|---|\n")
        blocks += [_asset_row(change) + "\n" for change in plan.asset_changes]
    blocks.append("\n")
    blocks += [_navigation_details(menu) + "\n" for menu in plan.navigation]
    details = [c for c in plan.changes if c.reason or c.field_changes or c.diff]
    blocks += [_details(change) + "\n" for change in details]
    blocks = [no_mentions(block) for block in blocks]

    budget = max_chars - _NOTE_RESERVE
    if len(out) > budget:  # only with a tiny max_chars: keep whole lines of the header
        blocks.insert(0, out)
        out = ""
    first_detail = len(blocks) - len(details)
    left_out = 0
    rows_cut = details_cut = 0
    stopped = False
    for index, block in enumerate(blocks):
        is_detail = index >= first_detail
        if not stopped and len(out) + len(block) <= budget:
            out += block
            continue
        if not stopped and is_detail:
            change = details[index - first_detail]
            room = budget - len(out) - len(_details(change, 0)) - 80
            if room > 200:
                shorter = no_mentions(_details(change, room)) + "\n"
                if len(out) + len(shorter) <= budget:
                    out += shorter
                    left_out += len(block) - len(shorter)
                    continue
        stopped = True
        left_out += len(block)
        if is_detail:
            details_cut += 1
        elif block.startswith("| "):
            rows_cut += 1
    if left_out:
        parts = []
        if rows_cut:
            parts.append(f"{rows_cut} table row{'s' if rows_cut != 1 else ''}")
        if details_cut:
            parts.append(f"details of {details_cut} change{'s' if details_cut != 1 else ''}")
        omitted = f" ({' and '.join(parts)} not shown)" if parts else ""
        out += (
            f"\n_Output truncated to stay under {max_chars:,} characters: about "
            f"{left_out:,} characters left out{omitted}. "
            "Run `wikisync plan` locally for the full plan._\n"
        )
    return out
