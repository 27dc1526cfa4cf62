"""State and lock files are read within bounds: a hostile file is a problem, not a crash.

Sizes are checked before and while reading (gzip is inflated in steps up to a cap),
counts and nesting are capped, names and numbers are checked, times must carry a time
zone. Everything out of bounds is a one-line problem that names what is wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
from typing import Any

import pytest

from wikisync._bounded import Refused, aware_time, bounded_json, inflate
from wikisync.plan.model import State, StateEntry
from wikisync.wiki.state import (
    MAX_HEAD_BYTES,
    MAX_INFLATED_BYTES,
    MAX_STATE_FILES,
    PART_ENTRIES,
    LoadedState,
    Lock,
    dump_head,
    is_lock_name,
    is_segment_name,
    legacy_state_folder,
    load_head,
    load_lock,
    load_segment,
    load_state,
    plan_state_write,
    state_folder,
)

KEY = b"unit-tests-state-key-0123456789abcdef"
TIME = "2026-11-26T05:05:00.000Z"


def _entry(page_id: int) -> StateEntry:
    return StateEntry(page_id, "en", f"handbook/p{page_id}", f"p{page_id}.md", TIME, "d", "c")


def _signed(body: dict[str, Any], key: bytes | None = None) -> bytes:
    import hmac

    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    out = {**body, "checksum": hashlib.sha256(canonical.encode()).hexdigest()}
    if key:
        out["signature"] = hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()
    return json.dumps(out).encode()


def _head_body(files: list[list[Any]], entries: Any = 1, **extra: Any) -> dict[str, Any]:
    return {
        "format": 2,
        "root": "handbook",
        "serial": 1,
        "wikisync_version": "0.3",
        "commit": None,
        "segments": [{"entries": entries, "files": files}],
        **extra,
    }


SEGMENT = "s000001-0-0-abcdef.json.gz"
SHA = "0" * 64

HOSTILE_HEADS: dict[str, tuple[bytes, str]] = {
    "one segment named 20,000 times": (
        _signed(_head_body([[SEGMENT, SHA, 10]] * 20_000)),
        "more than the 1048576 allowed",
    ),
    "65 segment files": (
        _signed(_head_body([[f"s000001-0-{n}-abcdef.json.gz", SHA, 10] for n in range(65)])),
        "more than 64 segment files",
    ),
    "a name twice": (_signed(_head_body([[SEGMENT, SHA, 10]] * 2)), "named twice"),
    "a name with ../": (
        _signed(_head_body([["../handbook-12345678/s000001-0-0-abcdef.json.gz", SHA, 10]])),
        "not the name of a segment file",
    ),
    "another folder's head": (
        _signed(_head_body([["../../head.json", SHA, 10]])),
        "not the name of a segment file",
    ),
    "a size of 10**30": (_signed(_head_body([[SEGMENT, SHA, 10**30]])), "31 digits"),
    "a size of 10**18": (_signed(_head_body([[SEGMENT, SHA, 10**18]])), "out of range"),
    "a negative size": (_signed(_head_body([[SEGMENT, SHA, -1]])), "out of range"),
    "a size that is true": (_signed(_head_body([[SEGMENT, SHA, True]])), "not a whole number"),
    "a size of 1.5": (_signed(_head_body([[SEGMENT, SHA, 1]])).replace(b", 1]", b", 1.5]"), ""),
    "Infinity": (_signed(_head_body([[SEGMENT, SHA, 10]], entries=1)).replace(b'"entries": 1', b'"entries": Infinity'), "Infinity is not a number"),
    "NaN": (b'{"format": NaN}', "NaN is not a number"),
    "a 5,000-digit integer": (b'{"serial": ' + b"9" * 5000 + b"}", "5000 digits"),
    "entries beyond the cap": (_signed(_head_body([[SEGMENT, SHA, 10]], entries=10**7)), "out of range"),
    "a serial of 10**30": (_signed({**_head_body([[SEGMENT, SHA, 10]]), "serial": 10**30}), "31 digits"),
    "a sha256 that is not hex": (_signed(_head_body([[SEGMENT, "x" * 64, 10]])), "not a digest"),
    "nested 200,000 deep": (b"[" * 200_000 + b"]" * 200_000, "nested"),
    "larger than 1 MB": (b" " * (MAX_HEAD_BYTES + 1) + b"{}", "bytes, more than"),
    "a commit that is not one": (_signed({**_head_body([[SEGMENT, SHA, 10]]), "commit": "\x1b[2J"}), "not a git commit"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(HOSTILE_HEADS))
def test_hostile_heads_are_problems_that_name_what_is_wrong(case: str) -> None:
    data, reason = HOSTILE_HEADS[case]
    problem = load_head(data, root="handbook")
    assert isinstance(problem, str), problem
    assert reason in problem
    assert "\x1b" not in problem and "\n" not in problem


def test_a_head_is_read_in_bounded_time_whatever_it_names() -> None:
    """The 20,000-times head is refused before anything is downloaded (it names no
    file a remote would fetch): the check is on the head alone."""
    data = _signed(_head_body([[SEGMENT, SHA, 10]] * (MAX_STATE_FILES + 1)))
    assert isinstance(load_head(data, root="handbook"), str)


def test_a_signed_head_needs_the_key_it_was_signed_with() -> None:
    body = _head_body([[SEGMENT, SHA, 10]])
    good = load_head(_signed(body, KEY), root="handbook", key=KEY)
    assert not isinstance(good, str)
    assert "not signed" in str(load_head(_signed(body), root="handbook", key=KEY))
    other = load_head(_signed(body, b"x" * 40), root="handbook", key=KEY)
    assert "signature does not match" in str(other)
    # Without a key the signature is not checked (nothing can be proven either way).
    assert not isinstance(load_head(_signed(body, b"x" * 40), root="handbook"), str)


def test_a_signed_write_reads_back_and_a_tampered_one_does_not() -> None:
    write = plan_state_write(
        LoadedState(State(root="handbook")), State(pages={1: _entry(1)}, root="handbook"), key=KEY
    )
    assert not isinstance(load_head(write.head, root="handbook", key=KEY), str)
    body = json.loads(write.head)
    body["serial"] = 7  # the forger recomputes the checksum, but cannot sign
    body.pop("checksum")
    body.pop("signature")
    assert "not signed" in str(load_head(_signed(body), root="handbook", key=KEY))


def _segment(body: Any) -> bytes:
    return gzip.compress(json.dumps(body).encode(), mtime=0)


def _rows(count: int) -> list[list[Any]]:
    return [[i, "en", f"handbook/p{i}", f"p{i}.md", TIME, "d", "c"] for i in range(1, count + 1)]


HOSTILE_SEGMENTS: dict[str, tuple[bytes, str]] = {
    "inflates past the cap": (gzip.compress(b" " * (MAX_INFLATED_BYTES + 1), mtime=0), "inflates to more than"),
    "cut short": (_segment({"pages": [], "assets": []})[:-9], "cut short"),
    "two gzip members": (_segment({"pages": [], "assets": []}) * 2, "after the end"),
    "not gzip": (b"not gzip at all", "not gzip"),
    "too many rows": (_segment({"pages": _rows(PART_ENTRIES + 1), "assets": []}), "more than"),
    "a page id of 10**30": (_segment({"pages": [[10**30, "en", "p", "p.md", TIME, "d", "c"]], "assets": []}), "31 digits"),
    "a page id of 2**40": (_segment({"pages": [[2**40, "en", "p", "p.md", TIME, "d", "c"]], "assets": []}), "out of range"),
    "a page id of -3": (_segment({"pages": [[-3, "en", "p", "p.md", TIME, "d", "c"]], "assets": []}), "out of range"),
    "a time without a time zone": (_segment({"pages": [[1, "en", "p", "p.md", "2026-11-26T05:05:00", "d", "c"]], "assets": []}), "time zone"),
    "a row too short": (_segment({"pages": [[1, "en"]], "assets": []}), "not a row"),
    "a path of 100,000 characters": (_segment({"pages": [[1, "en", "p" * 100_000, "p.md", TIME, "d", "c"]], "assets": []}), "longer than"),
    "an asset size of Infinity": (gzip.compress(b'{"pages":[],"assets":[["a","a",1,"d",Infinity,"' + TIME.encode() + b'"]]}', mtime=0), "Infinity"),
    "nested deep": (gzip.compress(b"[" * 100_000 + b"]" * 100_000, mtime=0), "nested"),
    "removed ids that are strings": (_segment({"pages": [], "assets": [], "removed": ["1"]}), "not a whole number"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(HOSTILE_SEGMENTS))
def test_hostile_segments_cannot_be_read_and_say_why(case: str) -> None:
    data, reason = HOSTILE_SEGMENTS[case]
    with pytest.raises(ValueError, match="a state segment cannot be read") as caught:
        load_segment([data])
    assert reason in str(caught.value)


def test_inflate_stops_at_the_cap_without_inflating_the_rest() -> None:
    bomb = gzip.compress(b"\0" * (8 << 20), mtime=0)  # 8 MiB of zeros: 8 KB of gzip
    with pytest.raises(Refused, match="inflates to more than 1048576 bytes"):
        inflate(bomb, limit=1 << 20)
    assert inflate(gzip.compress(b"ok", mtime=0), limit=2) == b"ok"


def test_bounded_json_refuses_what_json_would_accept_or_crash_on() -> None:
    assert bounded_json(b'{"a": [1, "]]]]"]}', limit=100, depth=2) == {"a": [1, "]]]]"]}
    for text, reason in [
        (b"[[[1]]]", "nested 3 levels"),
        (b"1e400", "fractional"),
        (b"-Infinity", "not a number"),
        (b"\xff", "not UTF-8"),
        (b"[1,", "not valid JSON"),
    ]:
        with pytest.raises(Refused, match=reason):
            bounded_json(text, limit=100, depth=2)


def test_times_must_carry_a_time_zone() -> None:
    assert aware_time("2026-11-26T05:05:14.967Z") is not None
    assert aware_time("2026-11-26T05:05:14+02:00") is not None
    for value in ("2026-11-26T05:05:14", "2026-11-26", "soon", "", 12, None, "9" * 5000):
        assert aware_time(value) is None


def test_locks_without_time_zones_or_out_of_bounds_are_unreadable() -> None:
    good = Lock("ab12", "host:1", TIME, TIME)
    naive = {**good.to_json(), "expires_at": "2026-11-26T05:20:00"}
    assert load_lock(json.dumps(naive).encode()) is None
    assert load_lock(json.dumps({**good.to_json(), "holder": "x" * 10_000}).encode()) is None
    assert load_lock(json.dumps({**good.to_json(), "holder": 5}).encode()) is None
    assert load_lock(b"[" * 100_000) is None
    assert load_lock(b" " * 100_000) is None
    assert load_lock(json.dumps(good.to_json()).encode()) == good
    # A lock whose time cannot be read has expired for nobody's benefit: it is refused
    # when read, and a Lock made in code with such a time counts as expired.
    assert Lock("ab", "h:1", TIME, "2026-11-26T05:20:00").expired(aware_time(TIME))  # type: ignore[arg-type]


def test_only_wikisync_s_own_names_are_state_files() -> None:
    assert is_segment_name("s000001-0-0-abcdef.json.gz")
    assert is_segment_name("s1234567-2-11-0a0b0c.json.gz")
    for name in (
        "readme.txt",
        "logo.png",
        "head.json",
        "s1-0-0-abcdef.json.gz",
        "../s000001-0-0-abcdef.json.gz",
    ):
        assert not is_segment_name(name), name
    assert is_lock_name("lock-0123abcd.json")
    assert is_lock_name("lock-halfwritten.json")
    assert not is_lock_name("lock-notes.txt.json") and not is_lock_name("lock-.json")
    assert not is_lock_name("lock-../x.json") and not is_lock_name("lock-" + "a" * 65 + ".json")


def _colliding_roots() -> tuple[str, str]:
    """Two roots sharing the old folder: 60 equal slug characters and 32 equal hash bits."""
    stem = "a" * 60
    seen: dict[str, str] = {}
    for n in itertools.count():
        root = f"{stem}/{n}"
        folder = legacy_state_folder(root)[1]
        if folder in seen:
            return seen[folder], root
        seen[folder] = root
    raise AssertionError("unreachable")


def test_state_folders_are_named_by_the_full_digest() -> None:
    first, second = _colliding_roots()
    assert legacy_state_folder(first) == legacy_state_folder(second)
    assert state_folder(first) != state_folder(second)
    assert state_folder("handbook")[1] == ("handbook-" + hashlib.sha256(b"handbook").hexdigest())


def test_a_format_1_state_page_is_read_within_bounds() -> None:
    fence = "```json\n{}\n```"
    for document, reason in [
        ("[" * 100_000 + "]" * 100_000, "nested"),
        ('{"serial": ' + "9" * 5000 + "}", "digits"),
    ]:
        loaded = load_state(fence.replace("{}", document), root="handbook")
        assert loaded.problem is not None and reason in loaded.problem
    head = dump_head(plan_state_write(LoadedState(State(root="h")), State(root="h")).head_value)
    assert not isinstance(load_head(head, root="h"), str)
