"""Ownership state: which pages and assets wikisync manages, stored in the wiki itself.

The state lives in the asset folder ``/_wikisync/<root slug>`` (``state_folder``), so
it survives throw-away CI runners and is shared by everyone who applies to the same wiki
and root. Assets have no history and no render job, and an upload with the same name
replaces the bytes in place, so bookkeeping costs a few small uploads per apply:

* ``head.json``: the serial, root, wikisync version, git commit and the list of segment
  files (name, sha256, size) with a checksum over all of it. Rewritten in place by every
  writing apply; it is the commit point.
* segment files ``s<serial>-<n>-<random>.json.gz``: gzip JSON, written once, never
  changed. The first segment is the base (every entry); each later one holds what an
  apply changed (entries written, ids and asset paths removed). A newer segment wins.
  A segment is merged into the one before it once it has half as many entries (or
  when there are more than five), like a binary counter: an entry is rewritten a
  logarithmic number of times, the whole map only after changes amounting to half of
  it, and the head lists at most five segments. Large segments are split into files of at most
  ``PART_ENTRIES`` entries (uploads are limited to 5 MB).
* ``lock-<id>.json``: one per apply in progress (``Lock``).

A segment whose bytes do not match the sha256 the head records, or a head whose
checksum does not match, makes the whole state untrusted: wikisync starts from an empty
state and re-adopts pages by matching them to files (nothing is ever deleted on the
strength of a state it could not verify).

Anyone who may upload into the folder can write these files, so they are read as
hostile input: every size, count, name, number and time is bounded (``MAX_*``), and an
out-of-bounds file is a problem string, never an exception. With the state key
(``WIKISYNC_STATE_KEY``) the head is signed (HMAC-SHA256); a head without a valid
signature is then not trusted at all. Only a state proven to be wikisync's own
(``LoadedState.verified``) can get anything deleted.

This is one module because the writer and the reader are one format: the limits the
reader checks are the ones the writer keeps, and the bytes it signs are the bytes it
checks.

The format-1 state (one page ``<root>/_wikisync-state`` holding the whole map as JSON)
is still read (``load_state``); ``dump_state`` writes it (tests of the migration
use it).

This module is pure: it turns [`State`][wikisync.plan.model.State] into bytes and back.
"""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from wikisync._bounded import (
    Refused,
    aware_time,
    bounded_int,
    bounded_json,
    bounded_text,
    inflate,
)
from wikisync._names import shown
from wikisync.plan.model import AssetEntry, State, StateEntry

__all__ = [
    "HEAD_NAME",
    "LEGACY_FORMAT",
    "MAX_HEAD_BYTES",
    "MAX_INFLATED_BYTES",
    "MAX_LOCK_BYTES",
    "MAX_STATE_ENTRIES",
    "MAX_STATE_FILES",
    "MAX_STATE_FILE_BYTES",
    "MERGE_RATIO",
    "PART_ENTRIES",
    "STATE_FORMAT",
    "Head",
    "LoadedState",
    "Lock",
    "Segment",
    "SegmentData",
    "StateFile",
    "StateWrite",
    "dump_head",
    "dump_lock",
    "dump_state",
    "head_root",
    "is_lock_name",
    "is_segment_name",
    "legacy_state_folder",
    "load_head",
    "load_lock",
    "load_segment",
    "load_state",
    "lock_name",
    "merge_segments",
    "plan_state_write",
    "state_folder",
    "state_folder_may_hold",
]

STATE_FORMAT = 2
"""The asset state (head + segments)."""
LEGACY_FORMAT = 1
"""The one-page state of wikisync 0.1 (``<root>/_wikisync-state``)."""
HEAD_NAME = "head.json"
PART_ENTRIES = 20_000
"""At most this many entries per segment file (about 2 MB of gzip JSON)."""
MERGE_RATIO = 2
"""A segment is merged into the previous one once it has 1/MERGE_RATIO of its entries."""
MAX_SEGMENTS = 5
"""More segments than this: the newest two are merged (a plan reads every segment)."""
_LOCK_PREFIX = "lock-"

MAX_HEAD_BYTES = 1 << 20
"""A head is under 1 KB per segment file; a larger one is not read."""
MAX_LOCK_BYTES = 16 << 10
"""A lock file is under 300 bytes; a larger one is not read (it counts as unreadable)."""
MAX_STATE_FILE_BYTES = 5_242_880
"""A segment file is one upload, which Wiki.js limits to this size."""
MAX_INFLATED_BYTES = 64 << 20
"""A segment file inflates to at most this many bytes (20,000 entries of 3 KB)."""
MAX_STATE_FILES = 64
"""A head names at most this many segment files."""
MAX_STATE_ENTRIES = 1_000_000
"""A state holds at most this many entries (pages, assets and removals)."""
_MAX_DEPTH = 6
_MAX_ID = 2**31 - 1
_MAX_SERIAL = 2**53
_MAX_PATH = 1024
_MAX_SOURCE = 4096
_MAX_HOLDER = 200
_HEX64 = re.compile(r"[0-9a-f]{64}")
_DIGEST = re.compile(r"[0-9A-Za-z:_+/=-]{0,128}")
_SEGMENT_NAME = re.compile(r"s\d{6,16}-\d{1,3}-\d{1,4}-[0-9a-f]{6}\.json\.gz")
_LOCK_NAME = re.compile(r"lock-[A-Za-z0-9_-]{1,64}\.json")

_NOTICE = (
    "# wikisync state\n\n"
    "This page is written by wikisync to remember which pages under this path it "
    "manages. Do not edit it by hand: a modified state is detected and ignored.\n\n"
)
_FENCE_RE = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


@dataclass(frozen=True)
class Lock:
    """An apply in progress. Expired locks are ignored.

    Its times carry a time zone; a lock whose times do not is unreadable
    (``from_json`` refuses it)."""

    id: str
    holder: str
    acquired_at: str
    expires_at: str

    def expired(self, now: datetime) -> bool:
        expires = aware_time(self.expires_at)
        return expires is None or now >= expires

    @classmethod
    def new(cls, lock_id: str, holder: str, now: datetime, ttl: float) -> Lock:
        return cls(
            id=lock_id,
            holder=holder[:_MAX_HOLDER],
            acquired_at=_iso(now),
            expires_at=_iso(now + timedelta(seconds=ttl)),
        )

    @classmethod
    def from_json(cls, raw: object) -> Lock:
        """A lock from its JSON; ``Refused`` unless every field is there and in bounds."""
        if not isinstance(raw, Mapping):
            raise Refused("a lock is not a JSON object")
        lock = cls(
            id=bounded_text(raw.get("id"), 64, "the lock's id"),
            holder=bounded_text(raw.get("holder"), _MAX_HOLDER, "the lock's holder"),
            acquired_at=bounded_text(raw.get("acquired_at"), 64, "the lock's time"),
            expires_at=bounded_text(raw.get("expires_at"), 64, "the lock's expiry"),
        )
        for moment in (lock.acquired_at, lock.expires_at):
            if aware_time(moment) is None:
                raise Refused(f"the lock's time {moment[:40]!r} has no time zone")
        return lock

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "holder": self.holder,
            "acquired_at": self.acquired_at,
            "expires_at": self.expires_at,
        }


@dataclass(frozen=True)
class StateFile:
    """One file of the asset state, as the head records it."""

    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Segment:
    """One segment: its files (parts) and how many entries it holds."""

    files: tuple[StateFile, ...]
    entries: int


@dataclass(frozen=True)
class Head:
    """``head.json``: everything but the entries, and where the entries are."""

    root: str
    serial: int
    wikisync_version: str
    commit: str | None
    segments: tuple[Segment, ...]

    @property
    def files(self) -> tuple[StateFile, ...]:
        return tuple(f for s in self.segments for f in s.files)


@dataclass
class SegmentData:
    """What one segment says: entries written, page ids and asset paths removed."""

    pages: dict[int, StateEntry] = field(default_factory=dict)
    removed: set[int] = field(default_factory=set)
    assets: dict[str, AssetEntry] = field(default_factory=dict)
    removed_assets: set[str] = field(default_factory=set)

    @property
    def entries(self) -> int:
        return len(self.pages) + len(self.removed) + len(self.assets) + len(self.removed_assets)

    def then(self, newer: SegmentData, *, base: bool) -> SegmentData:
        """This segment with ``newer`` applied on top (tombstones dropped into a base)."""
        pages = {k: v for k, v in self.pages.items() if k not in newer.removed}
        pages.update(newer.pages)
        assets = {k: v for k, v in self.assets.items() if k not in newer.removed_assets}
        assets.update(newer.assets)
        removed = set() if base else (self.removed - set(newer.pages)) | newer.removed
        removed_assets = (
            set() if base else (self.removed_assets - set(newer.assets)) | newer.removed_assets
        )
        return SegmentData(pages, removed, assets, removed_assets)


@dataclass(frozen=True)
class LoadedState:
    """The result of reading the stored state.

    ``problem`` is set (and ``state`` is empty) when a state existed but could not be
    trusted; callers report it and carry on with the empty state. ``head`` and
    ``segments`` describe the asset state as read (``None``/empty: none, or untrusted);
    ``legacy`` says the state came from a format-1 state page (the next write migrates
    it), ``old_folder`` that it came from the state folder of wikisync 0.2 and 0.3 (the
    next write moves it). ``lock`` is a format-1 page's lock.

    ``verified`` says the state is proven to be wikisync's own: a head signed with the
    state key, or a format-1 page last saved by the identity wikisync runs as. Only a
    verified state can get a page or an asset deleted.
    """

    state: State
    lock: Lock | None = None
    problem: str | None = None
    head: Head | None = None
    segments: tuple[SegmentData, ...] = ()
    legacy: bool = False
    verified: bool = False
    old_folder: bool = False


@dataclass(frozen=True)
class StateWrite:
    """What a state write uploads: new segment files (name -> bytes) then the head."""

    files: Mapping[str, bytes]
    head: bytes
    head_value: Head

    @property
    def bytes_written(self) -> int:
        return sum(len(b) for b in self.files.values()) + len(self.head)


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def dump_state(state: State, *, lock: Lock | None = None) -> str:
    """Render ``state`` (and an optional lock) as the state page's content."""
    entries = sorted(state.pages.values(), key=lambda e: e.page_id)
    body: dict[str, Any] = {
        "format": STATE_FORMAT,
        "root": state.root,
        "serial": state.serial,
        "wikisync_version": state.wikisync_version,
        "lock": lock.to_json() if lock else None,
        "pages": [
            [e.page_id, e.locale, e.path, e.source, e.updated_at, e.digest, e.content_digest]
            for e in entries
        ],
    }
    if state.assets:
        body["assets"] = [
            [a.path, a.source, a.asset_id, a.digest, a.size, a.updated_at]
            for a in sorted(state.assets.values(), key=lambda a: a.path)
        ]
    if state.commit:
        body["commit"] = state.commit
    body["checksum"] = _checksum(body)
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return f"{_NOTICE}```json\n{text}\n```\n"


def load_state(content: str | None, *, root: str) -> LoadedState:
    """Parse a state page's content. ``None`` (no state page yet) is an empty state."""
    empty = State(root=root)
    if content is None:
        return LoadedState(empty)
    match = _FENCE_RE.search(content.replace("\r\n", "\n"))
    if not match:
        return LoadedState(empty, problem="the state page holds no state document")
    try:
        body = bounded_json(match.group(1), limit=8 * MAX_STATE_FILE_BYTES, depth=_MAX_DEPTH)
    except Refused as exc:
        return LoadedState(empty, problem=f"the state document is not readable ({exc})")
    if not isinstance(body, dict):
        return LoadedState(empty, problem="the state document is not a JSON object")
    claimed = body.pop("checksum", None)
    if claimed != _checksum(body):
        return LoadedState(empty, problem="the state document's checksum does not match")
    if body.get("format") != STATE_FORMAT:
        return LoadedState(empty, problem=f"unsupported state format {_quoted(body.get('format'))}")
    try:
        rows = _rows(body.get("pages"), "pages")
        asset_rows = _rows(body.get("assets") or [], "assets")
        pages = {}
        for row in rows:
            entry = _page_entry(row)
            pages[entry.page_id] = entry
        assets = {}
        for row in asset_rows:
            asset = _asset_entry(row)
            assets[asset.path] = asset
        commit = body.get("commit")
        raw_lock = body.get("lock")
        lock = Lock.from_json(raw_lock) if raw_lock else None
        state = State(
            pages=pages,
            serial=bounded_int(body.get("serial", 0), 0, _MAX_SERIAL, "serial"),
            root=bounded_text(body.get("root", root), _MAX_PATH, "root"),
            wikisync_version=bounded_text(body.get("wikisync_version", ""), 64, "version"),
            assets=assets,
            commit=_commit(commit),
        )
    except (KeyError, TypeError, ValueError) as exc:
        return LoadedState(empty, problem=f"the state document is malformed ({exc})")
    if state.root.strip("/") != root.strip("/"):
        return LoadedState(
            empty,
            problem=f"the state page belongs to root {shown(state.root)!r}, not {root!r}",
        )
    return LoadedState(state, lock=lock)


def _quoted(value: object) -> str:
    """A value from a state file as it may be printed: short, and escaped."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**9:
        return str(value)
    return repr(shown(str(value)[:40]))


def _rows(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise Refused(f"{what} is not a list")
    if len(value) > MAX_STATE_ENTRIES:
        raise Refused(f"{what} has more than {MAX_STATE_ENTRIES} entries")
    return value


def _commit(value: object) -> str | None:
    if not value:
        return None
    text = bounded_text(value, 64, "commit")
    if not re.fullmatch(r"[0-9a-f]{4,64}", text):
        raise Refused("the commit is not a git commit id")
    return text


# -- format 2: the asset state ---------------------------------------------------------------


def _readable(root: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", root.lower()).strip("-")


def state_folder(root: str) -> tuple[str, ...]:
    """Asset folder slugs of the state of ``root``: ``("_wikisync", "<slug>-<sha256>")``.

    The slug is readable (lowercase letters, digits and ``-``, at most 40); the full
    SHA-256 of the exact root keeps every two roots apart, also roots that differ only
    in case or punctuation.
    """
    root = root.strip("/")
    readable = _readable(root)[:40].strip("-") or "root"
    return ("_wikisync", f"{readable}-{hashlib.sha256(root.encode('utf-8')).hexdigest()}")


def legacy_state_folder(root: str) -> tuple[str, ...]:
    """The state folder wikisync 0.2 and 0.3 used (8 hex digits of the hash: two roots
    can share it, so its head is used only when it names this very root)."""
    root = root.strip("/")
    readable = _readable(root)[:60] or "root"
    digest = hashlib.sha256(root.encode("utf-8")).hexdigest()[:8]
    return ("_wikisync", f"{readable}-{digest}")


def lock_name(lock: Lock) -> str:
    return f"{_LOCK_PREFIX}{lock.id}.json"


def is_lock_name(name: str) -> bool:
    """Whether ``name`` is a lock file as wikisync names them."""
    return _LOCK_NAME.fullmatch(name) is not None


def is_segment_name(name: str) -> bool:
    """Whether ``name`` is a segment file as wikisync names them (the only files of the
    state folder, with the head and lock files, that wikisync ever removes)."""
    return _SEGMENT_NAME.fullmatch(name) is not None


def dump_lock(lock: Lock) -> bytes:
    return json.dumps({"format": STATE_FORMAT, **lock.to_json()}).encode("utf-8")


def load_lock(data: bytes) -> Lock | None:
    """A lock file's lock, or ``None`` when it cannot be read (too large, not JSON, a
    field missing or out of bounds, a time without a time zone)."""
    try:
        return Lock.from_json(bounded_json(data, limit=MAX_LOCK_BYTES, depth=2))
    except Refused:
        return None


def _page_row(e: StateEntry) -> list[Any]:
    return [e.page_id, e.locale, e.path, e.source, e.updated_at, e.digest, e.content_digest]


def _asset_row(a: AssetEntry) -> list[Any]:
    return [a.path, a.source, a.asset_id, a.digest, a.size, a.updated_at]


def _fields(row: object, count: int, what: str) -> Sequence[Any]:
    if not isinstance(row, list) or len(row) != count:
        raise Refused(f"{what} is not a row of {count} values")
    return row


def _time(value: object, what: str) -> str:
    text = bounded_text(value, 64, what)
    if text and aware_time(text) is None:
        raise Refused(f"{what} {shown(text[:40])!r} is not a time with a time zone")
    return text


def _hex(value: object, pattern: re.Pattern[str], what: str) -> str:
    text = bounded_text(value, 128, what)
    if not pattern.fullmatch(text):
        raise Refused(f"{what} is not a digest")
    return text


def _page_entry(row: object) -> StateEntry:
    page_id, locale, path, source, updated_at, digest, content_digest = _fields(row, 7, "a page")
    return StateEntry(
        page_id=bounded_int(page_id, 1, _MAX_ID, "a page id"),
        locale=bounded_text(locale, 16, "a locale"),
        path=bounded_text(path, _MAX_PATH, "a path"),
        source=bounded_text(source, _MAX_SOURCE, "a source file"),
        updated_at=_time(updated_at, "a page's time"),
        digest=_hex(digest, _DIGEST, "a digest"),
        content_digest=_hex(content_digest, _DIGEST, "a content digest"),
    )


def _asset_entry(row: object) -> AssetEntry:
    path, source, asset_id, digest, size, updated_at = _fields(row, 6, "an asset")
    return AssetEntry(
        path=bounded_text(path, _MAX_PATH, "an asset path"),
        source=bounded_text(source, _MAX_SOURCE, "a source file"),
        asset_id=bounded_int(asset_id, 1, _MAX_ID, "an asset id"),
        digest=_hex(digest, _DIGEST, "an asset digest"),
        size=bounded_int(size, 0, MAX_STATE_FILE_BYTES, "an asset size"),
        updated_at=_time(updated_at, "an asset's time"),
    )


def _signature(body: Mapping[str, Any], key: bytes) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def dump_head(head: Head, *, key: bytes | None = None) -> bytes:
    """The head's bytes: its fields, a checksum over them and, with the state ``key``, an
    HMAC-SHA256 signature over them."""
    body: dict[str, Any] = {
        "format": STATE_FORMAT,
        "root": head.root,
        "serial": head.serial,
        "wikisync_version": head.wikisync_version,
        "commit": head.commit,
        "segments": [
            {"entries": seg.entries, "files": [[f.name, f.sha256, f.size] for f in seg.files]}
            for seg in head.segments
        ],
    }
    signature = _signature(body, key) if key else None
    body["checksum"] = _checksum(body)
    if signature is not None:
        body["signature"] = signature
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def head_root(data: bytes) -> str | None:
    """The root a head names, read within the same bounds as ``load_head`` (its checksum
    must match); ``None`` when it cannot be read. The head is not verified: a root it
    names is only ever used to leave pages alone."""
    try:
        body = bounded_json(data, limit=MAX_HEAD_BYTES, depth=_MAX_DEPTH)
    except Refused:
        return None
    if not isinstance(body, dict):
        return None
    body.pop("signature", None)
    if body.pop("checksum", None) != _checksum(body):
        return None
    root = body.get("root")
    return root.strip("/") if isinstance(root, str) and len(root) <= _MAX_PATH else None


def state_folder_may_hold(slug: str, root: str) -> bool:
    """Whether the state folder ``slug`` can be the state of a root under ``root``
    (its readable part starts like the root's)."""
    return slug.startswith(_readable(root.strip("/"))[:40])


def _state_file(row: object, seen: set[str]) -> StateFile:
    name, sha256, size = _fields(row, 3, "a segment file")
    name = bounded_text(name, 64, "a segment file's name")
    if not is_segment_name(name):
        raise Refused(f"{shown(name)!r} is not the name of a segment file")
    if name in seen:
        raise Refused(f"the segment file {name} is named twice")
    seen.add(name)
    return StateFile(
        name,
        _hex(sha256, _HEX64, "a segment file's SHA-256"),
        bounded_int(size, 1, MAX_STATE_FILE_BYTES, "a segment file's size"),
    )


def _head_segments(value: object) -> tuple[Segment, ...]:
    if not isinstance(value, list) or len(value) > MAX_STATE_FILES:
        raise Refused(f"the segments are not a list of at most {MAX_STATE_FILES}")
    seen: set[str] = set()
    segments = []
    for seg in value:
        if not isinstance(seg, dict):
            raise Refused("a segment is not an object")
        files = seg.get("files")
        if not isinstance(files, list) or not files:
            raise Refused("a segment names no files")
        segments.append(
            Segment(
                files=tuple(_state_file(row, seen) for row in files),
                entries=bounded_int(seg.get("entries"), 0, MAX_STATE_ENTRIES, "a segment's size"),
            )
        )
    if len(seen) > MAX_STATE_FILES:
        raise Refused(f"the head names more than {MAX_STATE_FILES} segment files")
    if sum(s.entries for s in segments) > MAX_STATE_ENTRIES:
        raise Refused(f"the state holds more than {MAX_STATE_ENTRIES} entries")
    return tuple(segments)


def load_head(data: bytes, *, root: str, key: bytes | None = None) -> Head | str:
    """The head, or a problem (why it cannot be trusted).

    With the state ``key``, a head whose signature is missing or does not verify is a
    problem: a state that wikisync cannot prove it wrote is not trusted at all (its
    entries must not be carried into a signed state). So a head read with a key is
    signed, and one read without a key is not."""
    try:
        body = bounded_json(data, limit=MAX_HEAD_BYTES, depth=_MAX_DEPTH)
    except Refused as exc:
        return f"the state head is not readable ({exc})"
    if not isinstance(body, dict):
        return "the state head is not a JSON object"
    signature = body.pop("signature", None)
    claimed = body.pop("checksum", None)
    if claimed != _checksum(body):
        return "the state head's checksum does not match"
    if key and signature is None:
        return (
            "the state head is not signed with WIKISYNC_STATE_KEY (it was written before "
            "the key was set, or by someone who does not have it)"
        )
    if key and (
        not isinstance(signature, str) or not hmac.compare_digest(signature, _signature(body, key))
    ):
        return (
            "the state head's signature does not match WIKISYNC_STATE_KEY (it was written "
            "with another key, or by someone who does not have it)"
        )
    if body.get("format") != STATE_FORMAT:
        return f"unsupported state format {_quoted(body.get('format'))}"
    try:
        head = Head(
            root=bounded_text(body.get("root"), _MAX_PATH, "root"),
            serial=bounded_int(body.get("serial"), 0, _MAX_SERIAL, "serial"),
            wikisync_version=bounded_text(body.get("wikisync_version", ""), 64, "version"),
            commit=_commit(body.get("commit")),
            segments=_head_segments(body.get("segments")),
        )
    except Refused as exc:
        return f"the state head is malformed ({exc})"
    if head.root.strip("/") != root.strip("/"):
        return f"the state belongs to root {shown(head.root)[:80]!r}, not {root!r}"
    return head


def _dump_segment(data: SegmentData, serial: int, index: int) -> dict[str, bytes]:
    """A segment's files: rows split into parts of at most PART_ENTRIES entries; the
    tombstones go into the first part."""
    pages = sorted(data.pages)
    assets = sorted(data.assets)
    rows: list[tuple[str, Any]] = [("p", i) for i in pages] + [("a", a) for a in assets]
    parts: list[bytes] = []
    for start in range(0, max(1, len(rows)), PART_ENTRIES):
        chunk = rows[start : start + PART_ENTRIES]
        body: dict[str, Any] = {
            "format": STATE_FORMAT,
            "pages": [_page_row(data.pages[k]) for t, k in chunk if t == "p"],
            "assets": [_asset_row(data.assets[k]) for t, k in chunk if t == "a"],
        }
        if start == 0:
            body["removed"] = sorted(data.removed)
            body["removed_assets"] = sorted(data.removed_assets)
        parts.append(
            gzip.compress(
                json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                compresslevel=6,
                mtime=0,
            )
        )
    tag = secrets.token_hex(3)
    return {f"s{serial:06d}-{index}-{n}-{tag}.json.gz": part for n, part in enumerate(parts)}


def load_segment(parts: Iterable[bytes]) -> SegmentData:
    """One segment from its files' bytes (already checked against the head).

    Each file is inflated in steps up to ``MAX_INFLATED_BYTES`` and holds at most
    ``PART_ENTRIES`` entries. Raises ``ValueError`` when they cannot be read."""
    out = SegmentData()
    for data in parts:
        try:
            if len(data) > MAX_STATE_FILE_BYTES:
                raise Refused(f"{len(data)} bytes, more than {MAX_STATE_FILE_BYTES}")
            body = bounded_json(
                inflate(data, limit=MAX_INFLATED_BYTES),
                limit=MAX_INFLATED_BYTES,
                depth=_MAX_DEPTH,
            )
            if not isinstance(body, dict):
                raise Refused("not a JSON object")
            rows = _rows(body.get("pages"), "pages")
            asset_rows = _rows(body.get("assets"), "assets")
            removed = _rows(body.get("removed", []), "removed")
            removed_assets = _rows(body.get("removed_assets", []), "removed_assets")
            if len(rows) + len(asset_rows) > PART_ENTRIES:
                raise Refused(f"more than {PART_ENTRIES} entries in one file")
            for row in rows:
                entry = _page_entry(row)
                out.pages[entry.page_id] = entry
            for row in asset_rows:
                asset = _asset_entry(row)
                out.assets[asset.path] = asset
            out.removed.update(bounded_int(i, 1, _MAX_ID, "a removed id") for i in removed)
            out.removed_assets.update(
                bounded_text(p, _MAX_PATH, "a removed asset") for p in removed_assets
            )
        except Refused as exc:
            raise ValueError(f"a state segment cannot be read ({exc})") from exc
    return out


def merge_segments(head: Head, segments: Sequence[SegmentData]) -> State:
    """The state the head and its segments describe (later segments win)."""
    merged = SegmentData()
    for data in segments:
        merged = merged.then(data, base=True)
    return State(
        pages=merged.pages,
        serial=head.serial,
        root=head.root,
        wikisync_version=head.wikisync_version,
        assets=merged.assets,
        commit=head.commit,
    )


def _delta(old: State, new: State) -> SegmentData:
    return SegmentData(
        pages={k: v for k, v in new.pages.items() if old.pages.get(k) != v},
        removed={k for k in old.pages if k not in new.pages},
        assets={k: v for k, v in new.assets.items() if old.assets.get(k) != v},
        removed_assets={k for k in old.assets if k not in new.assets},
    )


def plan_state_write(old: LoadedState, new: State, *, key: bytes | None = None) -> StateWrite:
    """The files to upload so that the stored state becomes ``new``.

    Only what changed is written: one new segment with the entries that differ from
    ``old``. Segments are merged (newest into the one before) while the newest has at
    least 1/MERGE_RATIO of the previous one's entries or there are more than
    MAX_SEGMENTS; merged segments are written anew. A state that was missing, untrusted,
    format 1 or in the old state folder is written whole. With the state
    ``key`` the head is signed.
    """
    serial = new.serial
    # (what the segment holds, the stored segment or None when it must be written)
    chain: list[tuple[SegmentData, Segment | None]]
    if old.head is None or old.problem is not None or old.legacy or old.old_folder:
        chain = [(SegmentData(pages=dict(new.pages), assets=dict(new.assets)), None)]
    else:
        chain = list(zip(old.segments, old.head.segments, strict=True))
        delta = _delta(old.state, new)
        if delta.entries or not chain:
            chain.append((delta, None))
    while len(chain) > 1 and (
        chain[-1][0].entries * MERGE_RATIO >= chain[-2][0].entries or len(chain) > MAX_SEGMENTS
    ):
        newer, _ = chain.pop()
        older, _ = chain.pop()
        chain.append((older.then(newer, base=not chain), None))
    files: dict[str, bytes] = {}
    segments: list[Segment] = []
    for index, (data, stored) in enumerate(chain):
        if stored is None:
            parts = _dump_segment(data, serial, index)
            files.update(parts)
            stored = Segment(
                tuple(
                    StateFile(name, hashlib.sha256(b).hexdigest(), len(b))
                    for name, b in parts.items()
                ),
                data.entries,
            )
        segments.append(stored)
    head = Head(
        root=new.root,
        serial=serial,
        wikisync_version=new.wikisync_version,
        commit=new.commit,
        segments=tuple(segments),
    )
    return StateWrite(files=files, head=dump_head(head, key=key), head_value=head)
