"""A state written by wikisync 0.1 (format 1: one page ``<root>/_wikisync-state``) is read,
trusted as before, and migrated by the next writing apply without losing ownership.

The format-1 page is made with :func:`wikisync.wiki.state.dump_state`, the format-1 writer
kept unchanged for this purpose, from the state a real apply recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rel_helpers import (
    Site,
    delete_state_file,
    lock_files,
    missing_or_wrong,
    numbered_site,
    outside_root,
    plan_in_process,
    run_cli,
    seed_outside_root,
    state_files,
    state_pages,
    stored_state,
    wiki_env,
)

from wikijs.testing import WikiJSEmulator
from wikisync.wiki.state import HEAD_NAME, dump_state, load_state


def _as_format_1(emulator: WikiJSEmulator) -> int:
    """Turn the stored state into what wikisync 0.1 left: the state page, no assets."""
    loaded = stored_state(emulator)
    assert loaded.problem is None and loaded.state.pages
    page_id = emulator.add_page(
        "handbook/_wikisync-state",
        dump_state(loaded.state),
        title="wikisync state",
        description="Managed by wikisync. Do not edit.",
        tags=["wikisync"],
        is_published=False,
        editor="code",
    )
    for name in state_files(emulator):
        delete_state_file(emulator, name)
    assert state_files(emulator) == {}
    return page_id


@pytest.fixture
def legacy(tmp_path: Path, emulator: WikiJSEmulator) -> tuple[Site, int]:
    seed_outside_root(emulator)
    site = numbered_site(tmp_path / "site", 5)
    first = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert first.returncode == 0, first
    emulator.add_page("handbook/hand-made", "Nobody's file.", title="Hand made")
    return site, _as_format_1(emulator)


def test_a_format_1_state_keeps_ownership_and_is_migrated_by_the_next_apply(
    legacy: tuple[Site, int], emulator: WikiJSEmulator
) -> None:
    site, page_id = legacy
    before = load_state(emulator.page(page_id).content, root="handbook").state
    hand_made = emulator.find_page("handbook/hand-made")
    outside = outside_root(emulator)
    (site.directory / "p01.md").unlink()

    # Ownership is read from the old page: the removed file's page is wikisync's.
    plan = plan_in_process(site.directory, emulator)
    assert [(c.action, c.path) for c in plan.changes] == [("delete", "handbook/p01")]
    assert plan.adopted == ()

    result = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result
    assert "0 created, 0 updated, 0 moved, 1 deleted, 0 failed." in result.stdout
    assert emulator.find_page("handbook/p01") is None
    # The hand-made page under root was never managed: prune leaves it alone.
    assert emulator.find_page("handbook/hand-made") == hand_made
    assert outside_root(emulator) == outside

    # The asset state now holds every entry of the old one but the deleted page.
    migrated = stored_state(emulator)
    assert migrated.problem is None and migrated.head is not None
    assert migrated.state.serial == before.serial + 1
    assert dict(migrated.state.pages) == {
        i: e for i, e in before.pages.items() if e.path != "handbook/p01"
    }
    assert lock_files(emulator) == {}
    # The old page is kept, unpublished, with a notice and no state: an older wikisync
    # reading it trusts nothing (and so deletes nothing).
    old_page = emulator.page(page_id)
    assert not old_page.is_published
    assert "no longer read" in old_page.content
    assert load_state(old_page.content, root="handbook").problem == (
        "the state page holds no state document"
    )
    assert [p.id for p in state_pages(emulator)] == [page_id]

    # From now on the head is read; the old page is not even fetched.
    emulator.log.reset()
    again = plan_in_process(site.directory, emulator)
    assert not again.has_changes and again.adopted == ()
    assert emulator.log.count("pages.single") == 0
    assert emulator.log.requests <= 5
    remaining = Site(site.directory, tuple(p for p in site.pages if p.path != "handbook/p01"))
    assert missing_or_wrong(emulator, remaining) == []


def test_a_format_1_state_migrates_on_an_apply_with_nothing_else_to_do(
    legacy: tuple[Site, int], emulator: WikiJSEmulator
) -> None:
    """No file changed: the plan has no changes, so the old page stays the state (it is
    read on every plan) until an apply writes something; then it is migrated."""
    site, page_id = legacy
    result = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result
    assert HEAD_NAME not in state_files(emulator)
    plan = plan_in_process(site.directory, emulator)
    assert not plan.has_changes and plan.adopted == ()

    (site.directory / "p02.md").write_text("---\ntitle: Page 2\n---\nNew.\n", encoding="utf-8")
    result = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result
    assert "0 created, 1 updated" in result.stdout
    assert len(stored_state(emulator).state.pages) == 5
    assert "no longer read" in emulator.page(page_id).content


def test_a_corrupt_format_1_state_is_not_trusted_and_deletes_nothing(
    legacy: tuple[Site, int], emulator: WikiJSEmulator
) -> None:
    site, page_id = legacy
    content = emulator.page(page_id).content
    emulator.edit_page(page_id, content=content.replace('"serial":', '"serial":9', 1))
    (site.directory / "p01.md").unlink()
    plan = run_cli("plan", site.directory, "--json", env=wiki_env(emulator))
    assert plan.returncode == 0, plan
    assert json.loads(plan.stdout)["summary"]["delete"] == 0
    assert "checksum does not match" in plan.stderr
    result = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result
    assert emulator.find_page("handbook/p01") is not None
    rebuilt = stored_state(emulator)
    assert rebuilt.problem is None
    assert sorted(e.path for e in rebuilt.state.pages.values()) == [
        f"handbook/p{i:02d}" for i in (0, 2, 3, 4)
    ]
