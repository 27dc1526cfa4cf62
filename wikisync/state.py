"""Ownership state: which pages wikisync manages, stored in the wiki itself.

The state lives in one unpublished page, ``<root>/_wikisync-state``, so it survives
throw-away CI runners and is shared by everyone who applies to the same wiki and root.
Its content is a short notice followed by one fenced JSON document::

    {"format": 1, "root": "handbook", "serial": 7, "wikisync_version": "0.1.0",
     "lock": null,
     "pages": [[12, "en", "handbook/guide/install", "guide/install.md",
                "2026-11-26T05:05:14.967Z", "<digest>", "<content digest>"], ...],
     "assets": [["handbook/guide/img/a.png", "guide/img/a.png", 3, "<sha256>", 3172,
                 "2026-11-26T05:05:13.120Z"], ...],
     "commit": "<git commit of the content directory at the last apply>",
     "checksum": "<sha256 of everything above>"}

``assets`` (uploaded assets: served path, source file, asset id, sha256 and size of the
bytes uploaded, the asset's ``updatedAt`` right after) and ``commit`` are present only
when there is something to record, so a state without them reads as before.

The checksum makes a truncated or hand-edited state detectable: such a state is not
trusted; wikisync starts from an empty state instead and re-adopts pages by matching
them to files (nothing is ever deleted on the strength of a state it could not verify).

This module is pure: it turns [`State`][wikisync.model.State] into page content and back.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from wikisync.model import AssetEntry, State, StateEntry

__all__ = [
    "STATE_FORMAT",
    "Lock",
    "LoadedState",
    "dump_state",
    "load_state",
]

STATE_FORMAT = 1

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

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "holder": self.holder,
            "acquired_at": self.acquired_at,
            "expires_at": self.expires_at,
        }


@dataclass(frozen=True)
class LoadedState:
    """The result of reading a state page.

    ``problem`` is set (and ``state`` is empty) when the page existed but could not be
    trusted; callers report it and carry on with the empty state.
    """

    state: State
    lock: Lock | None = None
    problem: str | None = None


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
            page_id, locale, path, source, updated_at, digest, content_digest = row
            pages[int(page_id)] = StateEntry(
                page_id=int(page_id),
                locale=str(locale),
                path=str(path),
                source=str(source),
                updated_at=str(updated_at),
                digest=str(digest),
                content_digest=str(content_digest),
            )
        assets = {}
        for row in body.get("assets") or ():
            path, source, asset_id, digest, size, asset_updated_at = row
            assets[str(path)] = AssetEntry(
                path=str(path),
                source=str(source),
                asset_id=int(asset_id),
                digest=str(digest),
                size=int(size),
                updated_at=str(asset_updated_at),
            )
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
