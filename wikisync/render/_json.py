"""The machine-readable plan document (``--json``, ``--out PLAN.json``) and reading it back.

```json
{"format_version": "1", "wikisync_version": "0.1.0",
 "target": {"url": "https://wiki.example.com", "root": "handbook", "locale": "en",
            "commit": "<git commit of the content directory, when in git>"},
 "summary": {"create": 0, "update": 1, "move": 0, "delete": 0, "conflict": 0, "unchanged": 4},
 "assets": {"upload": 1, "replace": 0, "delete": 0, "conflict": 0, "unchanged": 2},
 "changes": [{"kind": "page", "action": "update", "path": "handbook/guide/install",
              "locale": "en", "source": "guide/install.md", "page_id": 12, "from_path": null,
              "fields": ["content", "title"], "remote_updated_at": "2024-05-01T09:00:00.000Z",
              "digest": "<sha256 of the file's content and fields>"},
             {"kind": "asset", "action": "upload", "path": "handbook/guide/img/a.png",
              "url": "/handbook/guide/img/a.png", "locale": null,
              "source": "guide/img/a.png", "page_id": null, "asset_id": null,
              "from_path": null, "fields": [], "size": 3172, "remote_updated_at": null,
              "digest": "<sha256 of the file>"}]}
```

``summary`` counts page changes only (its wording is frozen); ``assets`` counts asset
changes. Every change has a ``kind`` (a change without one, from an older plan file, is a
page change). ``remote_updated_at`` and ``digest`` are what apply checks to refuse a stale
saved plan. The document holds no content and no secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from wikisync._names import json_visible
from wikisync.errors import PlanFileError
from wikisync.model import (
    ACTIONS,
    ASSET_ACTIONS,
    ASSET_SUMMARY_KEYS,
    SUMMARY_KEYS,
    AssetChange,
    Change,
    Plan,
)

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
        "kind": "page",
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


def _asset_to_dict(change: AssetChange) -> dict[str, Any]:
    return {
        "kind": "asset",
        "action": change.action,
        "path": change.path,
        "url": change.url,
        "locale": None,
        "source": change.source,
        "page_id": None,
        "asset_id": change.asset_id,
        "from_path": None,
        "fields": [],
        "size": change.size,
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
        "assets": plan.asset_summary,
        "changes": [_change_to_dict(c) for c in plan.changes]
        + [_asset_to_dict(a) for a in plan.asset_changes],
    }


def render_json(plan: Plan, *, target: Mapping[str, Any], wikisync_version: str) -> str:
    """The plan document as indented JSON text (no trailing newline).

    ``target`` names the wiki: ``url``, ``root``, ``locale`` (other string keys are kept).
    """
    document = plan_to_dict(plan, target=target, wikisync_version=wikisync_version)
    return json_visible(json.dumps(document, indent=2, ensure_ascii=False))


def _fail(message: str) -> PlanFileError:
    return PlanFileError(f"not a wikisync plan file: {message}")


def _optional(item: Mapping[str, Any], key: str, kind: type, index: int) -> Any:
    value = item.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise _fail(f"changes[{index}].{key} must be {kind.__name__} or null")
    return value


def _asset_from_dict(item: dict[str, Any], index: int) -> AssetChange:
    action = item.get("action")
    if action not in ASSET_ACTIONS:
        raise _fail(f"changes[{index}].action {action!r} is not one of {', '.join(ASSET_ACTIONS)}")
    path = item.get("path")
    if not isinstance(path, str):
        raise _fail(f"changes[{index}].path must be a string")
    url = item.get("url")
    return AssetChange(
        action=action,
        path=path,
        source=_optional(item, "source", str, index),
        url=url if isinstance(url, str) else "/" + path,
        size=_optional(item, "size", int, index),
        digest=_optional(item, "digest", str, index),
        asset_id=_optional(item, "asset_id", int, index),
        remote_updated_at=_optional(item, "remote_updated_at", str, index),
    )


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
    loaded: list[Change] = []
    assets: list[AssetChange] = []
    for index, item in enumerate(changes):
        kind = item.get("kind", "page") if isinstance(item, dict) else "page"
        if kind == "asset":
            assets.append(_asset_from_dict(item, index))
        elif kind == "page":
            loaded.append(_change_from_dict(item, index))
        else:
            raise _fail(f"changes[{index}].kind {kind!r} is not page or asset")
    loaded.sort(key=lambda c: (*c.sort_key(), c.source or "", c.from_path or "", c.page_id or 0))
    assets.sort(key=AssetChange.sort_key)
    asset_summary = document.get("assets")
    if asset_summary is None:
        asset_summary = {"unchanged": 0}
    if not isinstance(asset_summary, dict) or any(
        not isinstance(asset_summary.get(key, 0), int) or isinstance(asset_summary.get(key), bool)
        for key in ASSET_SUMMARY_KEYS
    ):
        raise _fail(f"assets must count {', '.join(ASSET_SUMMARY_KEYS)}")
    plan = Plan(
        changes=tuple(loaded),
        unchanged_count=summary["unchanged"],
        asset_changes=tuple(assets),
        assets_unchanged_count=int(asset_summary.get("unchanged", 0)),
    )
    counted = plan.summary
    for key in SUMMARY_KEYS:
        if counted[key] != summary[key]:
            raise _fail(f"summary says {summary[key]} {key} but the changes hold {counted[key]}")
    counted_assets = plan.asset_summary
    for key in ASSET_SUMMARY_KEYS:
        if key in asset_summary and counted_assets[key] != asset_summary[key]:
            raise _fail(
                f"assets says {asset_summary[key]} {key} but the changes hold {counted_assets[key]}"
            )
    return plan, {str(k): v for k, v in target.items()}
