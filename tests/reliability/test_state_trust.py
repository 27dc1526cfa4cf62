"""A state that wikisync did not write never gets a page deleted.

The state lives in the wiki, so whoever may upload into ``/_wikisync/`` (``write:assets``)
or edit the root's pages could write one: a head with a valid checksum that claims a
hand-made page, so that the next ``apply`` with ``prune: true`` deletes it. wikisync
deletes only on a state it can prove it wrote: a head signed with ``WIKISYNC_STATE_KEY``,
or a format-1 state page last saved by the identity wikisync runs as.

Here a second account of the wiki (a user of a group that may only upload assets, or
only edit pages under the root), signed in over HTTP like any client, forges the state.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rel_helpers import (
    base_env,
    numbered_site,
    page_file,
    run_cli,
    state_files,
    stored_state,
    wiki_env,
)

from wikijs import WikiJSClient
from wikijs.testing import WikiJSEmulator
from wikisync.plan.model import State, StateEntry
from wikisync.wiki.state import (
    HEAD_NAME,
    LoadedState,
    dump_state,
    plan_state_write,
    state_folder,
)

ASSET_ROLES = ["read:pages", "read:assets", "write:assets"]  # folders list needs read:pages
PAGE_ROLES = ["read:pages", "write:pages", "read:source"]
PASSWORD = "mallorys-password-1"


def _account(emulator: WikiJSEmulator, email: str, roles: list[str], path: str) -> int:
    """A user of a new group holding ``roles`` on paths starting with ``path``."""
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as admin:
        group = admin.groups.create(f"Group of {email}")
        admin.groups.update(
            group.id,
            permissions=roles,
            page_rules=[
                {
                    "id": "only",
                    "deny": False,
                    "match": "START",
                    "roles": roles,
                    "path": path,
                    "locales": [],
                }
            ],
        )
        user = admin.users.create(email, "Mallory", password=PASSWORD)
        admin.groups.assign_user(group.id, user.id)
        return int(user.id)


def _as(emulator: WikiJSEmulator, email: str) -> WikiJSClient:
    return WikiJSClient(emulator.url, username=email, password=PASSWORD, rate_limit=False)


def _claim(emulator: WikiJSEmulator, page_id: int) -> StateEntry:
    page = emulator.page(page_id)
    return StateEntry(
        page_id=page.id,
        locale=page.locale,
        path=page.path,
        source="hand.md",
        updated_at=page.updated_at,
        digest="0" * 64,
        content_digest="0" * 64,
    )


def _forge_asset_state(
    emulator: WikiJSEmulator, email: str, hand_id: int, *, key: bytes | None
) -> None:
    """The stored state plus the hand-made page, uploaded by ``email`` (checksums valid;
    signed with ``key``, which is not the apply's key, or not signed at all)."""
    genuine = stored_state(emulator).state
    forged = State(
        pages={**genuine.pages, hand_id: _claim(emulator, hand_id)},
        serial=genuine.serial + 1,
        root="handbook",
        wikisync_version=genuine.wikisync_version,
    )
    write = plan_state_write(LoadedState(State(root="handbook")), forged, key=key)
    with _as(emulator, email) as mallory:
        folder = mallory.assets.ensure_folder("/".join(state_folder("handbook")))
        for name, data in write.files.items():
            mallory.assets.put(data, filename=name, folder_id=folder)
        mallory.assets.put(write.head, filename=HEAD_NAME, folder_id=folder)


@pytest.fixture
def applied(tmp_path: Path, emulator: WikiJSEmulator) -> tuple[Path, int]:
    """Four pages applied with ``prune: true`` and a signed state; a hand-made page."""
    site = numbered_site(tmp_path / "site", 4)
    first = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert first.returncode == 0, first
    hand = emulator.add_page("handbook/hand", "Written in the wiki.\n", title="Hand")
    return site.directory, hand


@pytest.mark.parametrize("forger_key", [None, b"another-key-of-at-least-32-characters"])
def test_a_forged_head_uploaded_by_another_account_deletes_nothing(
    forger_key: bytes | None, applied: tuple[Path, int], emulator: WikiJSEmulator
) -> None:
    directory, hand = applied
    _account(emulator, "mallory@example.com", ASSET_ROLES, "")  # uploads images anywhere
    _forge_asset_state(emulator, "mallory@example.com", hand, key=forger_key)
    assert hand in stored_state_unchecked(emulator)  # the forgery is in place

    plan = run_cli("plan", directory, "--json", env=wiki_env(emulator))
    assert plan.returncode == 0, plan
    assert json.loads(plan.stdout)["summary"]["delete"] == 0
    assert "Note: ignoring the stored state (the state head" in plan.stderr
    assert "WIKISYNC_STATE_KEY" in plan.stderr

    applying = run_cli("apply", directory, "--auto-approve", env=wiki_env(emulator))
    assert applying.returncode == 0, applying
    assert emulator.find_page("handbook/hand") is not None
    rebuilt = stored_state(emulator)  # signed again, without the forged claim
    assert rebuilt.problem is None and hand not in rebuilt.state.pages
    assert len(rebuilt.state.pages) == 4


def stored_state_unchecked(emulator: WikiJSEmulator) -> set[int]:
    """The page ids the stored segments claim, read without checking any signature."""
    import gzip

    ids: set[int] = set()
    for name, data in state_files(emulator).items():
        if name.endswith(".json.gz"):
            ids |= {row[0] for row in json.loads(gzip.decompress(data))["pages"]}
    return ids


def test_without_a_state_key_prune_deletes_nothing_and_says_why(
    applied: tuple[Path, int], emulator: WikiJSEmulator
) -> None:
    """Without a key nothing can prove who wrote the state: orphans are listed, kept."""
    directory, _ = applied
    (directory / "p01.md").unlink()
    (directory / "p02.md").write_text(page_file("Page 2", "Edited."), encoding="utf-8")
    env = base_env(WIKIJS_URL=emulator.url, WIKIJS_API_KEY=emulator.api_key)
    plan = run_cli("plan", directory, env=env)
    assert plan.returncode == 0, plan
    assert "0 to delete" in plan.stdout
    assert "Orphaned" in plan.stdout and "/en/handbook/p01" in plan.stdout
    assert "prune: nothing is deleted because WIKISYNC_STATE_KEY is not set" in plan.stderr
    applying = run_cli("apply", directory, "--auto-approve", env=env)
    assert applying.returncode == 0, applying
    assert "1 updated" in applying.stdout and "0 deleted" in applying.stdout
    assert emulator.find_page("handbook/p01") is not None
    # That apply wrote an unsigned head. With the key it is not trusted at all: still
    # nothing is deleted, and the apply writes a signed state that no longer claims p01.
    keyed = run_cli("apply", directory, "--auto-approve", env=wiki_env(emulator))
    assert keyed.returncode == 0, keyed
    assert "not signed with WIKISYNC_STATE_KEY" in keyed.stderr
    assert emulator.find_page("handbook/p01") is not None
    rebuilt = stored_state(emulator)
    assert rebuilt.problem is None and len(rebuilt.state.pages) == 3


def test_the_key_holder_s_state_does_delete(
    applied: tuple[Path, int], emulator: WikiJSEmulator
) -> None:
    """The control: the signed state of the apply's own key deletes the orphan."""
    directory, _ = applied
    (directory / "p01.md").unlink()
    applying = run_cli("apply", directory, "--auto-approve", env=wiki_env(emulator))
    assert applying.returncode == 0, applying
    assert "1 deleted" in applying.stdout
    assert emulator.find_page("handbook/p01") is None


def test_a_short_state_key_is_refused(tmp_path: Path, emulator: WikiJSEmulator) -> None:
    site = numbered_site(tmp_path / "site", 1)
    env = wiki_env(emulator, WIKISYNC_STATE_KEY="short")
    result = run_cli("plan", site.directory, env=env)
    assert result.returncode == 1
    assert "WIKISYNC_STATE_KEY must be at least 32 characters" in result.stderr
    assert "short" not in result.stderr.replace("WIKISYNC", "")  # masked, never echoed


@pytest.mark.parametrize("with_key", [True, False])
def test_a_forged_format_1_state_page_saved_by_an_editor_deletes_nothing(
    with_key: bool, tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    """An editor of the root writes a format-1 state page (valid checksum) claiming a
    hand-made page; the page was last saved by the editor, not by wikisync's identity."""
    hand = emulator.add_page("handbook/hand", "Written in the wiki.\n", title="Hand")
    _account(emulator, "eve@example.com", PAGE_ROLES, "handbook")
    content = dump_state(State(pages={hand: _claim(emulator, hand)}, root="handbook"))
    with _as(emulator, "eve@example.com") as eve:
        eve.pages.create(
            "handbook/_wikisync-state", content=content, title="wikisync state", is_published=False
        )
    site = numbered_site(tmp_path / "site", 2)
    env = (
        wiki_env(emulator)
        if with_key
        else base_env(WIKIJS_URL=emulator.url, WIKIJS_API_KEY=emulator.api_key)
    )
    plan = run_cli("plan", site.directory, "--json", env=env)
    assert plan.returncode == 0, plan
    assert json.loads(plan.stdout)["summary"]["delete"] == 0
    assert "last saved by another user" in plan.stderr
    applying = run_cli("apply", site.directory, "--auto-approve", env=env)
    assert applying.returncode == 0, applying
    assert emulator.find_page("handbook/hand") is not None
