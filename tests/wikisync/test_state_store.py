"""The asset state (format 2): head and segments, what each write uploads, merging."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

import wikisync.wiki.state as state_module
from wikisync.plan.model import AssetEntry, State, StateEntry
from wikisync.wiki.state import (
    MAX_SEGMENTS,
    Head,
    LoadedState,
    Lock,
    dump_lock,
    load_head,
    load_lock,
    load_segment,
    merge_segments,
    plan_state_write,
    state_folder,
)


def _entry(i: int, revision: int = 0) -> StateEntry:
    return StateEntry(
        page_id=i,
        locale="en",
        path=f"handbook/section-{i % 7}/page-{i}",
        source=f"section-{i % 7}/page-{i}.md",
        updated_at=f"2026-11-26T05:05:{i % 60:02d}.{revision:03d}Z",
        digest=hashlib.sha256(f"d{i}-{revision}".encode()).hexdigest(),
        content_digest=hashlib.sha256(f"c{i}-{revision}".encode()).hexdigest(),
    )


def _state(pages: dict[int, StateEntry], serial: int = 1, **kw: object) -> State:
    return State(pages=pages, serial=serial, root="handbook", wikisync_version="0.2", **kw)  # type: ignore[arg-type]


def _stored(write_files: dict[str, bytes], head_bytes: bytes) -> LoadedState:
    """Read back what a write uploaded (over everything uploaded before)."""
    head = load_head(head_bytes, root="handbook")
    assert isinstance(head, Head)
    segments = []
    for segment in head.segments:
        parts = []
        for f in segment.files:
            data = write_files[f.name]
            assert hashlib.sha256(data).hexdigest() == f.sha256 and len(data) == f.size
            parts.append(data)
        segments.append(load_segment(parts))
    return LoadedState(merge_segments(head, segments), head=head, segments=tuple(segments))


class Store:
    """Everything uploaded so far, as the state folder would hold it."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.loaded = LoadedState(State(root="handbook"))
        self.written: list[int] = []

    def write(self, state: State) -> None:
        write = plan_state_write(self.loaded, state)
        self.files.update(write.files)
        self.written.append(write.bytes_written)
        self.loaded = _stored(self.files, write.head)
        assert self.loaded.state == state


def test_a_first_write_is_one_base_segment_that_reads_back_equal() -> None:
    store = Store()
    assets = {
        "img/a.png": AssetEntry(
            "img/a.png", "img/a.png", 3, "ab" * 32, 10, "2026-11-26T05:05:00.000Z"
        )
    }
    state = _state({i: _entry(i) for i in range(1, 50)}, assets=assets, commit="c0ffee")
    store.write(state)
    assert store.loaded.head is not None and len(store.loaded.head.segments) == 1
    assert store.loaded.state.commit == "c0ffee" and store.loaded.state.assets == assets


def test_a_one_page_change_writes_the_same_few_bytes_whatever_the_root_size() -> None:
    sizes = {}
    for n in (1_000, 10_000):
        store = Store()
        pages = {i: _entry(i) for i in range(1, n + 1)}
        store.write(_state(pages))
        pages[500] = _entry(500, revision=1)
        store.write(_state(pages, serial=2))
        assert store.loaded.head is not None and len(store.loaded.head.segments) == 2
        assert store.loaded.segments[1].pages == {500: pages[500]}
        sizes[n] = store.written[1]
    assert sizes[1_000] < 1_500
    assert abs(sizes[1_000] - sizes[10_000]) <= 16  # digits of ids and counts in the head


def test_many_small_applies_stay_few_segments_and_read_back_exactly() -> None:
    store = Store()
    pages = {i: _entry(i) for i in range(1, 2_001)}
    store.write(_state(pages))
    for serial in range(2, 80):
        page_id = (serial * 37) % 2_000 + 1
        if serial % 5 == 0:
            pages.pop(page_id, None)  # deleted: a tombstone until merged into the base
        else:
            pages[page_id] = _entry(page_id, revision=serial)
        store.write(_state(dict(pages), serial=serial))
        assert store.loaded.head is not None
        assert len(store.loaded.head.segments) <= MAX_SEGMENTS
    assert max(store.written[1:]) < store.written[0] / 4  # never the whole map again


def test_a_tail_that_grows_to_half_the_base_is_merged_into_it() -> None:
    store = Store()
    pages = {i: _entry(i) for i in range(1, 101)}
    store.write(_state(pages))
    for i in range(1, 61):
        pages[i] = _entry(i, revision=1)
    del pages[100]
    store.write(_state(dict(pages), serial=2))
    assert store.loaded.head is not None and len(store.loaded.head.segments) == 1
    assert store.loaded.segments[0].removed == set()  # tombstones dropped in the base


def test_large_segments_are_split_into_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(state_module, "PART_ENTRIES", 40)
    store = Store()
    store.write(_state({i: _entry(i) for i in range(1, 101)}))
    assert store.loaded.head is not None
    assert [len(s.files) for s in store.loaded.head.segments] == [3]


@pytest.mark.parametrize("why", ["problem", "legacy", "none"])
def test_a_missing_untrusted_or_format_1_state_is_written_whole(why: str) -> None:
    store = Store()
    pages = {i: _entry(i) for i in range(1, 30)}
    store.write(_state(pages))
    old = store.loaded
    if why == "problem":
        old = replace(old, problem="the state head's checksum does not match")
    elif why == "legacy":
        old = LoadedState(old.state, legacy=True)
    else:
        old = LoadedState(State(root="handbook"))
    pages[3] = _entry(3, revision=4)
    write = plan_state_write(old, _state(pages, serial=2))
    assert len(write.head_value.segments) == 1
    assert write.head_value.segments[0].entries == len(pages)


def test_heads_are_checked() -> None:
    write = plan_state_write(LoadedState(State(root="handbook")), _state({1: _entry(1)}))
    assert isinstance(load_head(write.head, root="handbook"), Head)
    assert load_head(write.head, root="other") == (
        "the state belongs to root 'handbook', not 'other'"
    )
    assert load_head(write.head.replace(b'"serial":1', b'"serial":2'), root="handbook") == (
        "the state head's checksum does not match"
    )
    assert load_head(b"\xff", root="handbook") == "the state head is not readable (not UTF-8)"
    with pytest.raises(ValueError, match="cannot be read"):
        load_segment([b"not gzip"])


def test_state_folders_keep_roots_apart_and_locks_round_trip() -> None:
    assert state_folder("handbook")[0] == "_wikisync"
    assert state_folder("handbook")[1].startswith("handbook-")
    assert state_folder("Handbook") != state_folder("handbook")
    assert state_folder("docs/handbook") != state_folder("docs-handbook")
    assert state_folder("")[1].startswith("root-")
    lock = Lock("abc", "host:1", "2026-01-01T00:00:00.000Z", "2026-01-01T00:15:00.000Z")
    assert load_lock(dump_lock(lock)) == lock
    assert load_lock(b'{"id": "ab') is None
