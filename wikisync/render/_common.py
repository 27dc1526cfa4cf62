"""Formatting shared by the renderers."""

from __future__ import annotations

import json
from typing import Any

from wikisync._names import shown
from wikisync.plan.model import AssetChange, Change, NavigationChange, Plan

SYMBOLS = {"create": "+", "update": "~", "move": ">", "delete": "-", "conflict": "!"}
ASSET_SYMBOLS = {"upload": "+", "replace": "~", "delete": "-", "conflict": "!"}
ARROW = "\u2192"
BACK_ARROW = "<-"


def page_ref(locale: str | None, path: str | None) -> str:
    """How a page is shown: its wiki URL path, ``/en/handbook/setup``."""
    return shown("/" + "/".join(part for part in (locale, path) if part))


def change_title(change: Change) -> str:
    target = page_ref(change.locale, change.path)
    if change.from_path is not None:
        origin = page_ref(change.from_locale or change.locale, change.from_path)
        return f"{origin} {ARROW} {target}"
    return target


def format_value(value: Any) -> str:
    """A field value as users read it: JSON-like, tags as ``[a, b]``."""
    if value is None:
        return "(not set)"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_item(v) for v in value) + "]"
    return shown(json.dumps(value, ensure_ascii=False))


def _item(value: Any) -> str:
    """One list item: as it is when it is plain text, else quoted like a JSON string (a
    tag with a comma, a line break or a control character cannot pass for two items)."""
    text = str(value)
    if (
        text
        and text == text.strip()
        and not any(c in text for c in ',[]"')
        and shown(text) == text
        and text.isprintable()
    ):
        return text
    return shown(json.dumps(text, ensure_ascii=False))


def shown_diff(diff: str) -> str:
    """A diff with each line as ``shown`` prints it: its line breaks stay, control
    characters inside a line (a carriage return, an escape sequence) become visible."""
    return "\n".join(shown(line) for line in diff.split("\n"))


def summary_sentence(plan: Plan) -> str:
    """The frozen summary line: ``Plan: 3 to create, 2 to update, 1 to move, 0 to delete.``"""
    s = plan.summary
    return (
        f"Plan: {s['create']} to create, {s['update']} to update, "
        f"{s['move']} to move, {s['delete']} to delete."
    )


def conflict_sentence(plan: Plan) -> str | None:
    count = plan.summary["conflict"]
    if not count:
        return None
    noun = "conflict" if count == 1 else "conflicts"
    return (
        f"{count} {noun}: edited in the wiki since the last apply; "
        "not changed (use --force to overwrite)."
    )


def broken_links_sentence(plan: Plan) -> str | None:
    """``2 links left as written: ...`` when warning-level link problems were kept."""
    count = plan.links_left_broken
    if not count:
        return None
    noun = "link" if count == 1 else "links"
    return (
        f"{count} {noun} left as written: they name nothing in this tree (see the warnings; "
        "`severity:` in wikisync.yml makes them errors)."
    )


def no_changes_sentence(directory: str) -> str:
    return f"No changes. The wiki matches {shown(directory)}."


def format_size(size: int | None) -> str:
    """A byte count as people read it: ``812 B``, ``3.1 kB``, ``4.2 MB`` (powers of 1000)."""
    if size is None:
        return "?"
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"


def asset_line(change: AssetChange) -> str:
    """``upload /handbook/img/a.png (3.1 kB) <- img/a.png`` (without the symbol)."""
    line = f"{change.action} /{change.path}"
    if change.action == "delete":
        if change.asset_id is not None:
            line += f" (asset {change.asset_id})"
        return shown(line)
    line += f" ({format_size(change.size)})"
    if change.source:
        line += f" {BACK_ARROW} {change.source}"
    return shown(line)


def asset_summary_sentence(plan: Plan) -> str | None:
    """``Assets: 1 to upload, 0 to replace, 0 to delete.`` (None without asset changes)."""
    if not plan.asset_changes:
        return None
    s = plan.asset_summary
    sentence = (
        f"Assets: {s['upload']} to upload, {s['replace']} to replace, {s['delete']} to delete"
    )
    if s["conflict"]:
        sentence += f", {s['conflict']} in conflict (use --force to overwrite)"
    return sentence + "."


def navigation_line(change: NavigationChange) -> str:
    """``navigation en: 3 added, 1 moved, 1 removed`` (without the symbol)."""
    return f"navigation {shown(change.locale)}: {change.counts()}"


def navigation_summary_sentence(plan: Plan) -> str | None:
    """``Navigation: 1 menu to update (en).`` (None without menu changes)."""
    if not plan.navigation:
        return None
    locales = [shown(n.locale) for n in plan.navigation]
    noun = "menu" if len(locales) == 1 else "menus"
    return f"Navigation: {len(locales)} {noun} to update ({', '.join(locales)})."
