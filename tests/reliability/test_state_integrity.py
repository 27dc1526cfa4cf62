"""The ownership state in the wiki is never trusted blindly, and never grows corrupt.

wikisync deletes a page only when its state says it manages that page. A state page that
was half written, edited by hand, or made for another root is detected (its checksum,
format, shape and root are checked), reported, and rebuilt by matching pages to files:
nothing is deleted on the strength of it, not even with ``prune: true``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rel_helpers import (
    Site,
    duplicated_paths,
    missing_or_wrong,
    numbered_site,
    outside_root,
    plan_in_process,
    run_cli,
    seed_outside_root,
    state_document,
    state_pages,
    wiki_env,
)

from wikijs.testing import WikiJSEmulator
from wikisync.model import State, StateEntry
from wikisync.state import dump_state, load_state


def _with_checksum(body: dict[str, object]) -> str:
    """A state page whose checksum is right (the format is documented in wikisync.state)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    body = {**body, "checksum": hashlib.sha256(canonical.encode("utf-8")).hexdigest()}
    return "# wikisync state\n\n```json\n" + json.dumps(body) + "\n```\n"


def _truncated(content: str, emulator: WikiJSEmulator) -> str:
    return content[: len(content) // 2]


def _checksum_mismatch(content: str, emulator: WikiJSEmulator) -> str:
    doc = state_document(emulator)
    assert doc["pages"], "the state records pages"
    return content.replace(f"[{doc['pages'][0][0]},", f"[{doc['pages'][0][0] + 1000},", 1)


def _not_json(content: str, emulator: WikiJSEmulator) -> str:
    return "# wikisync state\n\n```json\n{pages: [1, 2, 3\n```\n"


def _no_document(content: str, emulator: WikiJSEmulator) -> str:
    return "Someone replaced this page with notes of their own."


def _other_root(content: str, emulator: WikiJSEmulator) -> str:
    loaded = load_state(content, root="handbook")
    state = loaded.state
    return dump_state(State(pages=state.pages, serial=state.serial, root="elsewhere"))


def _future_format(content: str, emulator: WikiJSEmulator) -> str:
    doc = state_document(emulator)
    doc.pop("checksum")
    doc["format"] = 2
    return _with_checksum(doc)


def _malformed_rows(content: str, emulator: WikiJSEmulator) -> str:
    doc = state_document(emulator)
    doc.pop("checksum")
    doc["pages"] = [row[:3] for row in doc["pages"]]
    return _with_checksum(doc)


def _not_an_object(content: str, emulator: WikiJSEmulator) -> str:
    return "```json\n[1, 2, 3]\n```\n"


CORRUPTIONS: dict[str, tuple[Callable[[str, WikiJSEmulator], str], str]] = {
    "half written": (_truncated, "holds no state document"),
    "hand edited": (_checksum_mismatch, "checksum does not match"),
    "not JSON": (_not_json, "not valid JSON"),
    "replaced": (_no_document, "holds no state document"),
    "another root": (_other_root, "belongs to root 'elsewhere'"),
    "future format": (_future_format, "unsupported state format 2"),
    "malformed rows": (_malformed_rows, "malformed"),
    "not an object": (_not_an_object, "not a JSON object"),
}


@pytest.fixture
def applied(tmp_path: Path, emulator: WikiJSEmulator) -> Site:
    """Five pages applied with ``prune: true``; then ``p01.md`` is removed from the files."""
    seed_outside_root(emulator)
    site = numbered_site(tmp_path / "site", 5)
    first = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert first.returncode == 0, first
    (site.directory / "p01.md").unlink()
    return Site(site.directory, tuple(p for p in site.pages if p.path != "handbook/p01"))


def test_an_intact_state_does_delete_the_removed_file_s_page(
    applied: Site, emulator: WikiJSEmulator
) -> None:
    """The control case: with a valid state, prune deletes the page whose file is gone."""
    plan = plan_in_process(applied.directory, emulator)
    assert [(c.action, c.path) for c in plan.changes] == [("delete", "handbook/p01")]


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_corrupt_state_is_reported_rebuilt_and_deletes_nothing(
    corruption: str, applied: Site, emulator: WikiJSEmulator
) -> None:
    corrupt, reason = CORRUPTIONS[corruption]
    state_page = state_pages(emulator)[0]
    orphan = emulator.find_page("handbook/p01")
    outside = outside_root(emulator)
    emulator.edit_page(state_page.id, content=corrupt(state_page.content, emulator))
    env = wiki_env(emulator)

    plan = run_cli("plan", applied.directory, "--json", env=env)
    assert plan.returncode == 0, plan
    assert json.loads(plan.stdout)["summary"]["delete"] == 0
    assert "Note: ignoring the stored state (" in plan.stderr and reason in plan.stderr, plan
    assert "nothing will be deleted this run" in plan.stderr

    applied_run = run_cli("apply", applied.directory, "--auto-approve", env=env)
    assert applied_run.returncode == 0, applied_run
    assert reason in applied_run.stderr

    assert emulator.find_page("handbook/p01") == orphan
    assert outside_root(emulator) == outside
    assert missing_or_wrong(emulator, applied) == []
    assert duplicated_paths(emulator.pages()) == []
    # Rebuilt: one valid state page again, recording exactly the pages that have files.
    assert len(state_pages(emulator)) == 1
    rebuilt = load_state(state_pages(emulator)[0].content, root="handbook")
    assert rebuilt.problem is None and rebuilt.lock is None
    assert sorted(e.path for e in rebuilt.state.pages.values()) == [p.path for p in applied.pages]
    # ... and the page whose file is gone stays: it is no longer provably wikisync's.
    again = plan_in_process(applied.directory, emulator)
    assert not again.has_changes
    assert emulator.find_page("handbook/p01") == orphan


def test_a_state_claiming_pages_outside_root_cannot_touch_them(
    applied: Site, emulator: WikiJSEmulator
) -> None:
    """A well-formed state (right checksum) that lists pages outside ``root`` as managed
    still cannot get them changed or deleted: only pages under ``root`` are considered."""
    outside = outside_root(emulator)
    state_page = state_pages(emulator)[0]
    loaded = load_state(state_page.content, root="handbook")
    forged = dict(loaded.state.pages)
    for page in outside.values():
        forged[page.id] = StateEntry(
            page_id=page.id,
            locale=page.locale,
            path=page.path,
            source="gone.md",
            updated_at=page.updated_at,
            digest="0" * 64,
            content_digest="0" * 64,
        )
    emulator.edit_page(
        state_page.id,
        content=dump_state(State(pages=forged, serial=loaded.state.serial, root="handbook")),
    )
    result = run_cli("apply", applied.directory, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result
    assert outside_root(emulator) == outside
    assert "Apply complete! 0 created, 0 updated, 0 moved, 1 deleted, 0 failed." in result.stdout
    assert emulator.find_page("handbook/p01") is None


def test_the_state_page_is_never_written_from_a_file(
    applied: Site, emulator: WikiJSEmulator
) -> None:
    """A file that maps onto the state page's path is refused, whatever it holds."""
    (applied.directory / "_wikisync-state.md").write_text(
        "---\ntitle: wikisync state\n---\n```json\n{}\n```\n", encoding="utf-8"
    )
    before = state_pages(emulator)
    emulator.log.reset()
    result = run_cli("apply", applied.directory, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 1, result
    assert "_wikisync-state.md" in result.stderr
    assert emulator.log.writes() == []
    assert state_pages(emulator) == before
