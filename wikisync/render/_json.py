"""The machine-readable plan document (``--json``, ``--out PLAN.json``) and reading it back.

```json
{"format_version": "1", "wikisync_version": "0.1.0",
 "target": {"url": "https://wiki.example.com", "root": "handbook", "locale": "en"},
 "summary": {"create": 0, "update": 1, "move": 0, "delete": 0, "conflict": 0, "unchanged": 4},
 "changes": [{"action": "update", "path": "handbook/guide/install", "locale": "en",
              "source": "guide/install.md", "page_id": 12, "from_path": null,
              "fields": ["content", "title"], "remote_updated_at": "2024-05-01T09:00:00.000Z",
              "digest": "<sha256 of the file's content and fields>"}]}
```

``remote_updated_at`` and ``digest`` are what apply checks to refuse a stale saved plan.
The document holds no content and no secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from wikisync.errors import PlanFileError
from wikisync.model import ACTIONS, SUMMARY_KEYS, Change, Plan

__all__ = ["FORMAT_VERSION", "load_plan_json", "plan_to_dict", "render_json"]

FORMAT_VERSION = "1"

_CHANGE_KEYS: tuple[str, ...] = (
    "action",
    "path",
    "locale",
    "source",
    "page_id",
    "from_path",
    "fields",
    "remote_updated_at",
    "digest",
)


def _change_to_dict(change: Change) -> dict[str, Any]:
    return {
        "action": change.action,
        "path": change.path,
        "locale": change.locale,
        "source": change.source,
        "page_id": change.page_id,
        "from_path": change.from_path,
        "fields": list(change.fields),
        "remote_updated_at": change.remote_updated_at,
        "digest": change.digest,
    }


def plan_to_dict(plan: Plan, *, target: Mapping[str, Any], wikisync_version: str) -> dict[str, Any]:
    """The plan document as a dict (see the module docstring)."""
    return {
        "format_version": FORMAT_VERSION,
        "wikisync_version": wikisync_version,
        "target": dict(target),
        "summary": plan.summary,
        "changes": [_change_to_dict(c) for c in plan.changes],
    }


def render_json(plan: Plan, *, target: Mapping[str, Any], wikisync_version: str) -> str:
    """The plan document as indented JSON text (no trailing newline).

    ``target`` names the wiki: ``url``, ``root``, ``locale`` (other string keys are kept).
    """
    document = plan_to_dict(plan, target=target, wikisync_version=wikisync_version)
    return json.dumps(document, indent=2, ensure_ascii=False)


def _fail(message: str) -> PlanFileError:
    return PlanFileError(f"not a wikisync plan file: {message}")


def _optional(item: Mapping[str, Any], key: str, kind: type, index: int) -> Any:
    value = item.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise _fail(f"changes[{index}].{key} must be {kind.__name__} or null")
    return value


def _change_from_dict(item: Any, index: int) -> Change:
    if not isinstance(item, dict):
        raise _fail(f"changes[{index}] must be an object")
    missing = [key for key in _CHANGE_KEYS if key not in item]
    if missing:
        raise _fail(f"changes[{index}] lacks {', '.join(missing)}")
    action = item["action"]
    if action not in ACTIONS:
        raise _fail(f"changes[{index}].action {action!r} is not one of {', '.join(ACTIONS)}")
    for key in ("path", "locale"):
        if not isinstance(item[key], str):
            raise _fail(f"changes[{index}].{key} must be a string")
    fields = item["fields"]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise _fail(f"changes[{index}].fields must be a list of strings")
    return Change(
        action=action,
        locale=item["locale"],
        path=item["path"],
        source=_optional(item, "source", str, index),
        page_id=_optional(item, "page_id", int, index),
        from_path=_optional(item, "from_path", str, index),
        fields=tuple(fields),
        remote_updated_at=_optional(item, "remote_updated_at", str, index),
        digest=_optional(item, "digest", str, index),
    )


def load_plan_json(text: str) -> tuple[Plan, dict[str, str]]:
    """Read a saved plan: ``(plan, target)``.

    The plan has the saved changes (without diffs) and the saved count of unchanged pages;
    ``target`` is the document's ``target`` object. Raises
    :class:`~wikisync.errors.PlanFileError` for anything that is not a plan document of
    format version ``"1"``.
    """
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise _fail(f"invalid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise _fail("the document must be a JSON object")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise PlanFileError(
            f"unsupported plan format_version {version!r} (this wikisync reads {FORMAT_VERSION!r})"
        )
    target = document.get("target")
    if not isinstance(target, dict) or not all(isinstance(v, str) for v in target.values()):
        raise _fail("target must be an object of strings")
    summary = document.get("summary")
    if not isinstance(summary, dict) or any(
        not isinstance(summary.get(key), int) or isinstance(summary.get(key), bool)
        for key in SUMMARY_KEYS
    ):
        raise _fail(f"summary must count {', '.join(SUMMARY_KEYS)}")
    changes = document.get("changes")
    if not isinstance(changes, list):
        raise _fail("changes must be a list")
    loaded = [_change_from_dict(item, index) for index, item in enumerate(changes)]
    loaded.sort(key=lambda c: (*c.sort_key(), c.source or "", c.from_path or "", c.page_id or 0))
    plan = Plan(changes=tuple(loaded), unchanged_count=summary["unchanged"])
    counted = plan.summary
    for key in SUMMARY_KEYS:
        if counted[key] != summary[key]:
            raise _fail(f"summary says {summary[key]} {key} but the changes hold {counted[key]}")
    return plan, {str(k): v for k, v in target.items()}
