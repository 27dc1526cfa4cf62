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

The format-1 state (one page ``<root>/_wikisync-state`` holding the whole map as JSON)
is still read (``load_state``); ``dump_state`` writes it (tests of the migration
use it).

This module is pure: it turns [`State`][wikisync.plan.model.State] into bytes and back.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from wikisync.plan.model import AssetEntry, State, StateEntry

__all__ = [
    "HEAD_NAME",
    "LEGACY_FORMAT",
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
    "is_lock_name",
    "load_head",
    "load_lock",
    "load_segment",
    "load_state",
    "lock_name",
    "merge_segments",
    "plan_state_write",
    "state_folder",
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

_NOTICE = (
    "# wikisync state\n\n"
    "This page is written by wikisync to remember which pages under this path it "
    "manages. Do not edit it by hand: a modified state is detected and ignored.\n\n"
)
_FENCE_RE = re.compile(r"```json\n(.*?)\n```", re.DOTALL)


@dataclass(frozen=True)
class Lock:
    """An apply in progress. Expired locks are ignored."""

    id: str
    holder: str
    acquired_at: str
    expires_at: str

    def expired(self, now: datetime) -> bool:
        try:
            expires = datetime.fromisoformat(self.expires_at.replace("Z", "+00:00"))
        except ValueError:
            return True
        return now >= expires

    @classmethod
    def new(cls, lock_id: str, holder: str, now: datetime, ttl: float) -> Lock:
        return cls(
            id=lock_id,
            holder=holder,
            acquired_at=_iso(now),
            expires_at=_iso(now + timedelta(seconds=ttl)),
        )

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Lock:
        return cls(**{k: str(raw[k]) for k in ("id", "holder", "acquired_at", "expires_at")})

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
    it). ``lock`` is a format-1 page's lock.
    """

    state: State
    lock: Lock | None = None
    problem: str | None = None
    head: Head | None = None
    segments: tuple[SegmentData, ...] = ()
    legacy: bool = False


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
        body = json.loads(match.group(1))
    except json.JSONDecodeError as exc:
        return LoadedState(empty, problem=f"the state document is not valid JSON ({exc.msg})")
    if not isinstance(body, dict):
        return LoadedState(empty, problem="the state document is not a JSON object")
    claimed = body.pop("checksum", None)
    if claimed != _checksum(body):
        return LoadedState(empty, problem="the state document's checksum does not match")
    if body.get("format") != STATE_FORMAT:
        return LoadedState(empty, problem=f"unsupported state format {body.get('format')!r}")
    try:
        pages = {}
        for row in body["pages"]:
            entry = _page_entry(row)
            pages[entry.page_id] = entry
        assets = {}
        for row in body.get("assets") or ():
            asset = _asset_entry(row)
            assets[asset.path] = asset
        commit = body.get("commit")
        raw_lock = body.get("lock")
        lock = (
            Lock(**{k: str(raw_lock[k]) for k in ("id", "holder", "acquired_at", "expires_at")})
            if raw_lock
            else None
        )
        state = State(
            pages=pages,
            serial=int(body.get("serial", 0)),
            root=str(body.get("root", root)),
            wikisync_version=str(body.get("wikisync_version", "")),
            assets=assets,
            commit=str(commit) if commit else None,
        )
    except (KeyError, TypeError, ValueError) as exc:
        return LoadedState(empty, problem=f"the state document is malformed ({exc})")
    if state.root.strip("/") != root.strip("/"):
        return LoadedState(
            empty,
            problem=f"the state page belongs to root {state.root!r}, not {root!r}",
        )
    return LoadedState(state, lock=lock)


# -- format 2: the asset state ---------------------------------------------------------------


def state_folder(root: str) -> tuple[str, ...]:
    """Asset folder slugs of the state of ``root``: ``("_wikisync", "<slug>-<hash>")``.

    The slug is readable (lowercase letters, digits and ``-``); the hash of the exact
    root keeps roots that differ only in case or punctuation apart.
    """
    root = root.strip("/")
    readable = re.sub(r"[^a-z0-9]+", "-", root.lower()).strip("-")[:60] or "root"
    digest = hashlib.sha256(root.encode("utf-8")).hexdigest()[:8]
    return ("_wikisync", f"{readable}-{digest}")


def lock_name(lock: Lock) -> str:
    return f"{_LOCK_PREFIX}{lock.id}.json"


def is_lock_name(name: str) -> bool:
    return name.startswith(_LOCK_PREFIX) and name.endswith(".json")


def dump_lock(lock: Lock) -> bytes:
    return json.dumps({"format": STATE_FORMAT, **lock.to_json()}).encode("utf-8")


def load_lock(data: bytes) -> Lock | None:
    """A lock file's lock, or ``None`` when it cannot be read."""
    try:
        raw = json.loads(data.decode("utf-8"))
        return Lock.from_json(raw)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None


def _page_row(e: StateEntry) -> list[Any]:
    return [e.page_id, e.locale, e.path, e.source, e.updated_at, e.digest, e.content_digest]


def _asset_row(a: AssetEntry) -> list[Any]:
    return [a.path, a.source, a.asset_id, a.digest, a.size, a.updated_at]


def _page_entry(row: Sequence[Any]) -> StateEntry:
    page_id, locale, path, source, updated_at, digest, content_digest = row
    return StateEntry(
        page_id=int(page_id),
        locale=str(locale),
        path=str(path),
        source=str(source),
        updated_at=str(updated_at),
        digest=str(digest),
        content_digest=str(content_digest),
    )


def _asset_entry(row: Sequence[Any]) -> AssetEntry:
    path, source, asset_id, digest, size, updated_at = row
    return AssetEntry(
        path=str(path),
        source=str(source),
        asset_id=int(asset_id),
        digest=str(digest),
        size=int(size),
        updated_at=str(updated_at),
    )


def dump_head(head: Head) -> bytes:
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
    body["checksum"] = _checksum(body)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load_head(data: bytes, *, root: str) -> Head | str:
    """The head, or a problem (why it cannot be trusted)."""
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "the state head is not valid JSON"
    if not isinstance(body, dict):
        return "the state head is not a JSON object"
    claimed = body.pop("checksum", None)
    if claimed != _checksum(body):
        return "the state head's checksum does not match"
    if body.get("format") != STATE_FORMAT:
        return f"unsupported state format {body.get('format')!r}"
    try:
        head = Head(
            root=str(body["root"]),
            serial=int(body["serial"]),
            wikisync_version=str(body.get("wikisync_version", "")),
            commit=str(body["commit"]) if body.get("commit") else None,
            segments=tuple(
                Segment(
                    files=tuple(StateFile(str(n), str(h), int(z)) for n, h, z in seg["files"]),
                    entries=int(seg["entries"]),
                )
                for seg in body["segments"]
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        return f"the state head is malformed ({exc})"
    if head.root.strip("/") != root.strip("/"):
        return f"the state belongs to root {head.root!r}, not {root!r}"
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

    Raises ``ValueError`` when they cannot be read."""
    out = SegmentData()
    for data in parts:
        try:
            body = json.loads(gzip.decompress(data).decode("utf-8"))
            for row in body["pages"]:
                entry = _page_entry(row)
                out.pages[entry.page_id] = entry
            for row in body["assets"]:
                asset = _asset_entry(row)
                out.assets[asset.path] = asset
            out.removed.update(int(i) for i in body.get("removed", ()))
            out.removed_assets.update(str(p) for p in body.get("removed_assets", ()))
        except (OSError, EOFError, KeyError, TypeError, ValueError) as exc:
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


def plan_state_write(old: LoadedState, new: State) -> StateWrite:
    """The files to upload so that the stored state becomes ``new``.

    Only what changed is written: one new segment with the entries that differ from
    ``old``. Segments are merged (newest into the one before) while the newest has at
    least 1/MERGE_RATIO of the previous one's entries or there are more than
    MAX_SEGMENTS; merged segments are written anew. A state that was missing, untrusted or format 1 is written whole.
    """
    serial = new.serial
    # (what the segment holds, the stored segment or None when it must be written)
    chain: list[tuple[SegmentData, Segment | None]]
    if old.head is None or old.problem is not None or old.legacy:
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
    return StateWrite(files=files, head=dump_head(head), head_value=head)
