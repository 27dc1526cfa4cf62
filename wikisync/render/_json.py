"""The machine-readable plan document (``--json``, ``--out PLAN.json``) and reading it back.

```json
{"format_version": "1", "wikisync_version": "0.1.0",
 "target": {"url": "https://wiki.example.com", "root": "handbook", "locale": "en",
            "commit": "<git commit of the content directory, when in git>"},
 "summary": {"create": 0, "update": 1, "move": 0, "delete": 0, "conflict": 0, "unchanged": 4},
 "assets": {"upload": 1, "replace": 0, "delete": 0, "conflict": 0, "unchanged": 2},
 "links_left_broken": 0,
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

Reading one back is bounded: the JSON parser refuses nesting deeper than 200 levels (a
plan document has 4), and the shape is validated (strictly: ``1`` is not ``"1"``, ``true``
is not ``1``) before anything is built from it; ``apply`` also bounds the file's size.

``summary`` counts page changes only (its wording is frozen); ``assets`` counts asset
changes; ``links_left_broken`` the links kept as written because they name nothing in the
tree (warnings). With ``navigation:`` set, a plan that changes the menu (or warns about it) also
has ``"navigation": {"changes": [{"locale": "en", "added": 3, "changed": 0, "moved": 1,
"removed": 1, "digest": "…", "remote_digest": "…"}], "warnings": ["…"]}``; ``digest`` and
``remote_digest`` (the menu wanted and the menu seen) let apply refuse a stale saved plan.
Every change has a ``kind`` (a change without one, from an older plan file, is a
page change). ``remote_updated_at`` and ``digest`` are what apply checks to refuse a stale
saved plan. The document holds no content and no secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import pydantic_core
from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, ValidationError

from wikisync._names import json_visible
from wikisync.errors import PlanFileError
from wikisync.plan.model import (
    ASSET_SUMMARY_KEYS,
    SUMMARY_KEYS,
    Action,
    AssetAction,
    AssetChange,
    Change,
    NavigationChange,
    Plan,
)

__all__ = ["FORMAT_VERSION", "load_plan_json", "plan_to_dict", "render_json"]

FORMAT_VERSION = "1"


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


_NAV_COUNTS = ("added", "changed", "moved", "removed")


def _navigation_to_dict(change: NavigationChange) -> dict[str, Any]:
    return {
        "locale": change.locale,
        **{key: getattr(change, key) for key in _NAV_COUNTS},
        "digest": change.digest,
        "remote_digest": change.remote_digest,
    }


def plan_to_dict(plan: Plan, *, target: Mapping[str, Any], wikisync_version: str) -> dict[str, Any]:
    """The plan document as a dict (see the module docstring)."""
    document = {
        "format_version": FORMAT_VERSION,
        "wikisync_version": wikisync_version,
        "target": dict(target),
        "summary": plan.summary,
        "assets": plan.asset_summary,
        "links_left_broken": plan.links_left_broken,
        "changes": [_change_to_dict(c) for c in plan.changes]
        + [_asset_to_dict(a) for a in plan.asset_changes],
    }
    if plan.navigation or plan.navigation_warnings:
        document["navigation"] = {
            "changes": [_navigation_to_dict(n) for n in plan.navigation],
            "warnings": list(plan.navigation_warnings),
        }
    return document


def render_json(plan: Plan, *, target: Mapping[str, Any], wikisync_version: str) -> str:
    """The plan document as indented JSON text (no trailing newline).

    ``target`` names the wiki: ``url``, ``root``, ``locale`` (other string keys are kept).
    """
    document = plan_to_dict(plan, target=target, wikisync_version=wikisync_version)
    return json_visible(json.dumps(document, indent=2, ensure_ascii=False))


def _fail(message: str) -> PlanFileError:
    return PlanFileError(f"not a wikisync plan file: {message}")


class _Shape(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class _PageItem(_Shape):
    kind: Literal["page"] = "page"
    action: Action
    path: str
    locale: str
    source: str | None
    page_id: int | None
    from_path: str | None
    fields: list[str]
    remote_updated_at: str | None
    digest: str | None


class _AssetItem(_Shape):
    kind: Literal["asset"]
    action: AssetAction
    path: str
    url: str | None = None
    source: str | None = None
    size: Annotated[int, Field(ge=0)] | None = None
    digest: str | None = None
    asset_id: int | None = None
    remote_updated_at: str | None = None


def _kind(item: Any) -> str:
    """A change without ``kind`` (from an older plan file) is a page change."""
    return str(item.get("kind", "page")) if isinstance(item, dict) else "page"


_Item = Annotated[
    Annotated[_PageItem, Tag("page")] | Annotated[_AssetItem, Tag("asset")],
    Discriminator(
        _kind,
        custom_error_type="kind",
        custom_error_message="kind is not page or asset",
    ),
]


class _Summary(_Shape):
    create: Annotated[int, Field(ge=0)]
    update: Annotated[int, Field(ge=0)]
    move: Annotated[int, Field(ge=0)]
    delete: Annotated[int, Field(ge=0)]
    conflict: Annotated[int, Field(ge=0)]
    unchanged: Annotated[int, Field(ge=0)]


class _MenuChange(_Shape):
    locale: str
    added: Annotated[int, Field(ge=0)]
    changed: Annotated[int, Field(ge=0)]
    moved: Annotated[int, Field(ge=0)]
    removed: Annotated[int, Field(ge=0)]
    digest: str
    remote_digest: str


class _Navigation(_Shape):
    changes: list[_MenuChange] = []
    warnings: list[str] = []


class _Document(_Shape):
    target: dict[str, str]
    summary: _Summary
    assets: dict[str, Annotated[int, Field(ge=0)]] | None = None
    links_left_broken: Annotated[int, Field(ge=0)] = 0
    changes: list[_Item]
    navigation: _Navigation | None = None


def _menu(item: _MenuChange) -> NavigationChange:
    return NavigationChange(
        locale=item.locale,
        added=item.added,
        changed=item.changed,
        moved=item.moved,
        removed=item.removed,
        digest=item.digest,
        remote_digest=item.remote_digest,
    )


_MAX_ERRORS = 3
_MUST = {
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "dict_type": "must be an object",
    "list_type": "must be a list",
    "string_type": "must be a string",
    "int_type": "must be a whole number",
    "greater_than_equal": "must not be negative",
}


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            out += f"[{part}]"
        elif i > 0 and isinstance(loc[i - 1], int) and part in ("page", "asset"):
            continue  # the tag of the change's kind, not a key of the document
        else:
            out += f".{part}" if out else part
    return out or "the document"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(exc: ValidationError) -> str:
    """The first few problems, each naming where in the document it is."""
    errors = exc.errors(include_url=False)
    described: list[str] = []
    for error in errors[:_MAX_ERRORS]:
        loc = error["loc"]
        where = _where(loc)
        kind = error["type"]
        if loc and loc[0] == "summary":
            message = f"summary must count {', '.join(SUMMARY_KEYS)} (whole numbers >= 0)"
        elif loc and loc[0] == "assets":
            message = f"assets must count {', '.join(ASSET_SUMMARY_KEYS)} (whole numbers >= 0)"
        elif kind == "missing":
            message = f"{where} is missing"
        elif kind == "kind":
            message = f"{where}.kind {_shown(error['input'].get('kind'))} is not page or asset"
        elif kind in _MUST:
            message = f"{where} {_MUST[kind]} (got {_shown(error['input'])})"
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            message = f"{where} {_shown(error['input'])} is not one of {expected}"
        else:
            message = f"{where}: {error['msg'].lower()} (got {_shown(error['input'])})"
        if message not in described:
            described.append(message)
    more = len(errors) - _MAX_ERRORS
    return "; ".join(described) + (f" (and {more} more problem(s))" if more > 0 else "")


def _asset(item: _AssetItem) -> AssetChange:
    return AssetChange(
        action=item.action,
        path=item.path,
        source=item.source,
        url=item.url if item.url is not None else "/" + item.path,
        size=item.size,
        digest=item.digest,
        asset_id=item.asset_id,
        remote_updated_at=item.remote_updated_at,
    )


def _change(item: _PageItem) -> Change:
    return Change(
        action=item.action,
        locale=item.locale,
        path=item.path,
        source=item.source,
        page_id=item.page_id,
        from_path=item.from_path,
        fields=tuple(item.fields),
        remote_updated_at=item.remote_updated_at,
        digest=item.digest,
    )


def load_plan_json(text: str) -> tuple[Plan, dict[str, str]]:
    """Read a saved plan: ``(plan, target)``.

    The plan has the saved changes (without diffs) and the saved count of unchanged pages;
    ``target`` is the document's ``target`` object. Raises
    [`PlanFileError`][wikisync.errors.PlanFileError] for anything that is not a plan document of
    format version ``"1"``: invalid JSON, JSON nested deeper than 200 levels, or a
    document of the wrong shape (the message names where: ``changes[3].action ...``).
    """
    try:
        # pydantic's parser: no recursion in Python, nesting bounded (200 levels).
        document = pydantic_core.from_json(text, allow_inf_nan=False)
    except ValueError as exc:
        if "recursion limit" in str(exc):
            raise _fail(f"JSON nested more than 200 levels deep ({exc})") from None
        raise _fail(f"invalid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise _fail("the document must be a JSON object")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise PlanFileError(
            f"unsupported plan format_version {_shown(version)} "
            f"(this wikisync reads {FORMAT_VERSION!r})"
        )
    try:
        shape = _Document.model_validate(document)
    except ValidationError as exc:
        raise _fail(_describe(exc)) from None
    loaded = [_change(c) for c in shape.changes if isinstance(c, _PageItem)]
    assets = [_asset(c) for c in shape.changes if isinstance(c, _AssetItem)]
    loaded.sort(key=lambda c: (*c.sort_key(), c.source or "", c.from_path or "", c.page_id or 0))
    assets.sort(key=AssetChange.sort_key)
    asset_summary = shape.assets if shape.assets is not None else {"unchanged": 0}
    summary = shape.summary.model_dump()
    nav = shape.navigation or _Navigation()
    plan = Plan(
        changes=tuple(loaded),
        links_left_broken=shape.links_left_broken,
        unchanged_count=shape.summary.unchanged,
        asset_changes=tuple(assets),
        assets_unchanged_count=asset_summary.get("unchanged", 0),
        navigation=tuple(sorted((_menu(n) for n in nav.changes), key=lambda n: n.locale)),
        navigation_warnings=tuple(nav.warnings),
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
    return plan, dict(shape.target)
