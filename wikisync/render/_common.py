"""Formatting shared by the renderers."""

from __future__ import annotations

import json
from typing import Any

from wikisync.model import Change, Plan

SYMBOLS = {"create": "+", "update": "~", "move": ">", "delete": "-", "conflict": "!"}
ARROW = "\u2192"


def page_ref(locale: str | None, path: str | None) -> str:
    """How a page is shown: its wiki URL path, ``/en/handbook/setup``."""
    return "/" + "/".join(part for part in (locale, path) if part)


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
        return "[" + ", ".join(str(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


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


def no_changes_sentence(directory: str) -> str:
    return f"No changes. The wiki matches {directory}."
