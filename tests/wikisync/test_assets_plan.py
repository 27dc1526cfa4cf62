"""Assets: when an asset is uploaded, replaced, deleted or left alone, and how plans show it."""

from __future__ import annotations

import json

import pytest

from wikisync.plan.assets import asset_downloads_needed, asset_problems, attach_assets, plan_assets
from wikisync.plan.model import (
    AssetChange,
    AssetEntry,
    Change,
    LocalAsset,
    Plan,
    PlanOptions,
    RemoteAsset,
    State,
)
from wikisync.render import load_plan_json, render_json, render_markdown, render_text
from wikisync.wiki.state import dump_state, load_state

T0 = "2026-01-01T00:00:00.000Z"
T1 = "2026-02-01T00:00:00.000Z"
FOLDER = ("handbook", "guide", "img")
PATH = "handbook/guide/img/a.png"


def local(digest: str = "d1", size: int = 3100, source: str = "guide/img/a.png") -> LocalAsset:
    return LocalAsset(
        source=source,
        folder=FOLDER,
        filename="a.png",
        url=f"/{PATH}",
        size=size,
        digest=digest,
        used_by=("guide/a.md", "guide/b.md"),
    )


def remote(asset_id: int = 7, size: int = 3100, updated_at: str = T0) -> RemoteAsset:
    return RemoteAsset(
        id=asset_id, folder=FOLDER, filename="a.png", size=size, updated_at=updated_at
    )


def entry(
    digest: str = "d1", size: int = 3100, asset_id: int = 7, updated_at: str = T0
) -> AssetEntry:
    return AssetEntry(
        path=PATH,
        source="guide/img/a.png",
        asset_id=asset_id,
        digest=digest,
        size=size,
        updated_at=updated_at,
    )


def state(*entries: AssetEntry) -> State:
    return State(root="handbook", assets={e.path: e for e in entries})


OPTIONS = PlanOptions(root="handbook", prune=True)


def actions(result: object) -> list[tuple[str, str]]:
    return [(c.action, c.path) for c in result.changes]  # type: ignore[attr-defined]


# -- the decision table ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "listing", "recorded", "digests", "expected"),
    [
        # nothing in the wiki: upload
        ([local()], {}, state(), {}, [("upload", PATH)]),
        # recorded upload, listing as recorded, same bytes: nothing to do
        ([local()], {PATH: remote()}, state(entry()), {}, []),
        # the file changed since the upload: replace (same name overwrites)
        ([local(digest="d2")], {PATH: remote()}, state(entry()), {}, [("replace", PATH)]),
        ([local(size=10)], {PATH: remote()}, state(entry()), {}, [("replace", PATH)]),
        # not recorded (lost state), same bytes verified by download: unchanged
        ([local()], {PATH: remote()}, state(), {PATH: "d1"}, []),
        # not recorded, other bytes: replace (adopted)
        ([local()], {PATH: remote()}, state(), {PATH: "other"}, [("replace", PATH)]),
        ([local()], {PATH: remote(size=1)}, state(), {}, [("replace", PATH)]),
        # replaced in the wiki since the last apply: a conflict
        ([local()], {PATH: remote(updated_at=T1)}, state(entry()), {}, [("conflict", PATH)]),
        # ... unless it holds the very bytes of the file
        ([local()], {PATH: remote(updated_at=T1)}, state(entry()), {PATH: "d1"}, []),
        # recorded but deleted in the wiki: upload again
        ([local()], {}, state(entry()), {}, [("upload", PATH)]),
        # no page links to a managed asset any more: delete (prune is on)
        ([], {PATH: remote()}, state(entry()), {}, [("delete", PATH)]),
        # ... a conflict when it was replaced in the wiki since
        ([], {PATH: remote(updated_at=T1)}, state(entry()), {}, [("conflict", PATH)]),
        # ... nothing when it is gone already, or was never managed
        ([], {}, state(entry()), {}, []),
        ([], {PATH: remote()}, state(), {}, []),
    ],
)
def test_asset_decisions(
    files: list[LocalAsset],
    listing: dict[str, RemoteAsset],
    recorded: State,
    digests: dict[str, str],
    expected: list[tuple[str, str]],
) -> None:
    assert actions(plan_assets(files, listing, recorded, OPTIONS, digests=digests)) == expected


def test_force_replaces_an_asset_edited_in_the_wiki() -> None:
    forced = PlanOptions(root="handbook", prune=True, force=True)
    result = plan_assets([local()], {PATH: remote(updated_at=T1)}, state(entry()), forced)
    assert actions(result) == [("replace", PATH)]
    assert "overwritten (--force)" in result.changes[0].reason


def test_bytes_are_downloaded_only_when_the_state_cannot_vouch_for_them() -> None:
    recorded = state(entry())
    assert asset_downloads_needed([local()], {PATH: remote()}, recorded) == frozenset()
    assert asset_downloads_needed([local()], {}, recorded) == frozenset()
    assert asset_downloads_needed([local()], {PATH: remote()}, state()) == {PATH}
    assert asset_downloads_needed([local()], {PATH: remote(updated_at=T1)}, recorded) == {PATH}
    # a different size cannot be the same bytes: no download
    assert asset_downloads_needed([local()], {PATH: remote(size=5)}, state()) == frozenset()


def test_unreferenced_assets_follow_the_page_prune_rules() -> None:
    listing, recorded = {PATH: remote()}, state(entry())
    kept = plan_assets([], listing, recorded, PlanOptions(root="handbook", prune=False))
    assert kept.changes == () and kept.orphaned == (PATH,)
    refused = plan_assets(
        [], listing, recorded, PlanOptions(root="handbook", prune=True, source_had_errors=True)
    )
    assert refused.changes == () and refused.refused_deletes == 1
    limited = plan_assets([], listing, recorded, OPTIONS, deletes=False)
    assert limited.changes == () and limited.orphaned == (PATH,)


def test_asset_deletes_count_against_max_delete_with_page_deletes() -> None:
    options = PlanOptions(root="handbook", prune=True, max_delete=1)
    pages = Plan(changes=(Change("delete", "en", "handbook/old", page_id=3),))
    assets = plan_assets([], {PATH: remote()}, state(entry()), options)
    combined = attach_assets(pages, assets, options)
    assert combined.guard_violations == (
        "the plan deletes 1 pages and 1 assets, more than max_delete (1)",
    )
    alone = attach_assets(Plan(), assets, options)
    assert alone.guard_violations == ()


def test_unchanged_assets_are_listed_on_the_plan() -> None:
    result = attach_assets(
        Plan(), plan_assets([local()], {PATH: remote()}, state(entry()), OPTIONS), OPTIONS
    )
    assert result.assets_unchanged == (PATH,)
    assert result.has_changes is False
    assert result.asset_summary == {
        "upload": 0,
        "replace": 0,
        "delete": 0,
        "conflict": 0,
        "unchanged": 1,
    }


# -- names the server cannot store -------------------------------------------------------------


def test_asset_names_the_server_cannot_store_are_problems() -> None:
    empty = LocalAsset("img/con.png", ("handbook", "img"), "", "/handbook/img/", 1, "x")
    twin_a = LocalAsset("img/A.png", ("handbook", "img"), "a.png", "/handbook/img/a.png", 1, "x")
    twin_b = LocalAsset("img/a.png", ("handbook", "img"), "a.png", "/handbook/img/a.png", 1, "y")
    problems = asset_problems([empty, twin_a, twin_b])
    assert [(p.source, p.code) for p in problems] == [
        ("img/A.png", "asset-duplicate"),
        ("img/a.png", "asset-duplicate"),
        ("img/con.png", "asset-name"),
    ]
    assert "/handbook/img/a.png" in problems[0].message


# -- state -------------------------------------------------------------------------------------


def test_state_keeps_assets_and_commit() -> None:
    original = State(
        pages={},
        serial=3,
        root="handbook",
        assets={PATH: entry()},
        commit="0123456789abcdef0123456789abcdef01234567",
    )
    loaded = load_state(dump_state(original), root="handbook")
    assert loaded.problem is None
    assert loaded.state.assets == {PATH: entry()}
    assert loaded.state.commit == original.commit


def test_a_state_without_assets_reads_as_before() -> None:
    text = dump_state(State(root="handbook", serial=1))
    assert '"assets"' not in text and '"commit"' not in text
    loaded = load_state(text, root="handbook")
    assert loaded.state.assets == {} and loaded.state.commit is None


# -- rendering ---------------------------------------------------------------------------------

UPLOAD = AssetChange(
    action="upload",
    path=PATH,
    source="guide/img/a.png",
    url=f"/{PATH}",
    folder=FOLDER,
    filename="a.png",
    size=3100,
    digest="d" * 64,
    reason="not in the wiki yet",
)
DELETE = AssetChange(
    action="delete",
    path="handbook/old.png",
    source="old.png",
    asset_id=9,
    remote_updated_at=T0,
    reason="no page links to it any more (uploaded from old.png)",
)
PLAN = Plan(asset_changes=(UPLOAD, DELETE), assets_unchanged=("handbook/logo.png",))


def test_text_lists_asset_actions() -> None:
    text = render_text(PLAN, directory="docs")
    assert "  + upload /handbook/guide/img/a.png (3.1 kB) <- guide/img/a.png\n" in text
    assert "  - delete /handbook/old.png (asset 9)\n" in text
    assert "no page links to it any more" in text
    assert "Plan: 0 to create, 0 to update, 0 to move, 0 to delete.\n" in text
    assert text.endswith("Assets: 1 to upload, 0 to replace, 1 to delete.\n")
    assert "No changes" not in text


def test_json_lists_asset_changes_and_reads_them_back() -> None:
    target = {"url": "https://wiki.example.com", "root": "handbook", "locale": "en"}
    document = json.loads(render_json(PLAN, target=target, wikisync_version="0.1.0"))
    assert document["assets"] == {
        "upload": 1,
        "replace": 0,
        "delete": 1,
        "conflict": 0,
        "unchanged": 1,
    }
    upload = document["changes"][0]
    assert upload["kind"] == "asset" and upload["action"] == "upload"
    assert (upload["path"], upload["url"], upload["size"]) == (PATH, f"/{PATH}", 3100)
    assert upload["digest"] == "d" * 64
    assert document["summary"]["create"] == 0

    loaded, _ = load_plan_json(json.dumps(document))
    assert [(a.action, a.path, a.digest, a.asset_id) for a in loaded.asset_changes] == [
        ("upload", PATH, "d" * 64, None),
        ("delete", "handbook/old.png", None, 9),
    ]
    assert loaded.asset_summary == document["assets"]


def test_markdown_has_an_asset_table() -> None:
    markdown = render_markdown(PLAN)
    assert "**Assets: 1 to upload, 0 to replace, 1 to delete.**" in markdown
    assert "| `+` upload | `/handbook/guide/img/a.png` | <- `guide/img/a.png` | 3.1 kB |" in (
        markdown
    )
