"""The ownership state in the wiki is never trusted blindly, and never grows corrupt.

wikisync deletes a page only when its state says it manages that page. A state head or
segment that was half written, edited by hand, removed, or made for another root is
detected (the head's checksum, format, shape and root; each segment's sha256 as the head
records it), reported, and rebuilt by matching pages to files: nothing is deleted on the
strength of it, not even with ``prune: true``.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import (
    STATE_KEY,
    Site,
    delete_state_file,
    duplicated_paths,
    lock_files,
    missing_or_wrong,
    numbered_site,
    outside_root,
    plan_in_process,
    put_state_file,
    run_cli,
    seed_outside_root,
    state_files,
    state_pages,
    stored_state,
    wiki_env,
)

from wikijs.testing import WikiJSEmulator
from wikisync.plan.model import StateEntry
from wikisync.wiki.state import HEAD_NAME, Head, StateFile, dump_head, plan_state_write

KEY = STATE_KEY.encode()


def _head(emulator: WikiJSEmulator) -> Head:
    head = stored_state(emulator).head
    assert head is not None and head.files, "the state records pages"
    return head


def _head_json(emulator: WikiJSEmulator) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(state_files(emulator)[HEAD_NAME])
    body.pop("checksum")
    body.pop("signature")
    return body


def _with_checksum(body: dict[str, Any]) -> bytes:
    """``body`` with its checksum and its signature under the tests' state key: a head
    that only wikisync (or whoever holds the key) could have written."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    signature = hmac.new(KEY, canonical.encode(), hashlib.sha256).hexdigest()
    checksum = hashlib.sha256(canonical.encode()).hexdigest()
    return json.dumps({**body, "checksum": checksum, "signature": signature}).encode()


def _segment_name(emulator: WikiJSEmulator) -> str:
    return _head(emulator).files[0].name


def _head_truncated(emulator: WikiJSEmulator) -> None:
    data = state_files(emulator)[HEAD_NAME]
    put_state_file(emulator, HEAD_NAME, data[: len(data) // 2])


def _head_hand_edited(emulator: WikiJSEmulator) -> None:
    data = state_files(emulator)[HEAD_NAME]
    put_state_file(emulator, HEAD_NAME, data.replace(b'"serial":', b'"serial":1', 1))


def _head_not_an_object(emulator: WikiJSEmulator) -> None:
    put_state_file(emulator, HEAD_NAME, b"[1, 2, 3]")


def _head_other_root(emulator: WikiJSEmulator) -> None:
    put_state_file(
        emulator, HEAD_NAME, dump_head(replace(_head(emulator), root="elsewhere"), key=KEY)
    )


def _head_future_format(emulator: WikiJSEmulator) -> None:
    put_state_file(emulator, HEAD_NAME, _with_checksum({**_head_json(emulator), "format": 3}))


def _head_malformed(emulator: WikiJSEmulator) -> None:
    put_state_file(emulator, HEAD_NAME, _with_checksum({**_head_json(emulator), "segments": 7}))


def _segment_truncated(emulator: WikiJSEmulator) -> None:
    name = _segment_name(emulator)
    data = state_files(emulator)[name]
    put_state_file(emulator, name, data[: len(data) // 2])


def _segment_hand_edited(emulator: WikiJSEmulator) -> None:
    """Valid gzip JSON, one page id changed: only the head's sha256 tells."""
    name = _segment_name(emulator)
    body = json.loads(gzip.decompress(state_files(emulator)[name]))
    body["pages"][0][0] += 1000
    put_state_file(emulator, name, gzip.compress(json.dumps(body).encode()))


def _segment_missing(emulator: WikiJSEmulator) -> None:
    delete_state_file(emulator, _segment_name(emulator))


def _segment_malformed_with_matching_head(emulator: WikiJSEmulator) -> None:
    """A segment whose rows are cut short, and a head updated to match its bytes."""
    name = _segment_name(emulator)
    body = json.loads(gzip.decompress(state_files(emulator)[name]))
    body["pages"] = [row[:3] for row in body["pages"]]
    data = gzip.compress(json.dumps(body).encode())
    head = _head(emulator)
    segment = head.segments[0]
    files = (StateFile(name, hashlib.sha256(data).hexdigest(), len(data)), *segment.files[1:])
    forged = replace(head, segments=(replace(segment, files=files), *head.segments[1:]))
    put_state_file(emulator, name, data)
    put_state_file(emulator, HEAD_NAME, dump_head(forged, key=KEY))


CORRUPTIONS: dict[str, tuple[Callable[[WikiJSEmulator], None], str]] = {
    "head half written": (_head_truncated, "not valid JSON"),
    "head hand edited": (_head_hand_edited, "checksum does not match"),
    "head not an object": (_head_not_an_object, "not a JSON object"),
    "head of another root": (_head_other_root, "belongs to root 'elsewhere'"),
    "head of a future format": (_head_future_format, "unsupported state format 3"),
    "head malformed": (_head_malformed, "malformed"),
    "segment half written": (_segment_truncated, "does not match its checksum"),
    "segment hand edited": (_segment_hand_edited, "does not match its checksum"),
    "segment missing": (_segment_missing, "is missing"),
    "segment malformed": (_segment_malformed_with_matching_head, "cannot be read"),
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
    orphan = emulator.find_page("handbook/p01")
    outside = outside_root(emulator)
    corrupt(emulator)
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
    # Rebuilt: one valid state again (written whole), recording exactly the pages that
    # have files; the files the old head named are gone.
    rebuilt = stored_state(emulator)
    assert rebuilt.problem is None and len(rebuilt.head.segments) == 1
    assert lock_files(emulator) == {}
    assert set(state_files(emulator)) == {f.name for f in rebuilt.head.files} | {HEAD_NAME}
    assert sorted(e.path for e in rebuilt.state.pages.values()) == [p.path for p in applied.pages]
    # ... and the page whose file is gone stays: it is no longer provably wikisync's.
    again = plan_in_process(applied.directory, emulator)
    assert not again.has_changes
    assert emulator.find_page("handbook/p01") == orphan


def test_a_state_claiming_pages_outside_root_cannot_touch_them(
    applied: Site, emulator: WikiJSEmulator
) -> None:
    """A well-formed state (right checksums) that lists pages outside ``root`` as managed
    still cannot get them changed or deleted: only pages under ``root`` are considered."""
    outside = outside_root(emulator)
    loaded = stored_state(emulator)
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
    write = plan_state_write(loaded, replace(loaded.state, pages=forged), key=KEY)
    for name, data in write.files.items():
        put_state_file(emulator, name, data)
    put_state_file(emulator, HEAD_NAME, write.head)
    assert stored_state(emulator).state.pages == forged
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
