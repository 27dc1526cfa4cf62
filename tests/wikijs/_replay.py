"""Replay recorded Wiki.js answers (tests/data/transcripts.jsonl) with ``responses``.

The SDK under test talks through a real :class:`wikijs._transport.Transport`; only the
HTTP layer is faked. Requests must arrive in the order the answers were queued, at the
method and path the recording shows; what was sent is kept in :attr:`Replay.sent`.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import responses

from wikijs._auth import ApiKeyAuth
from wikijs._retry import RetryPolicy
from wikijs._transport import Transport

URL = "http://127.0.0.1:3999"
API_KEY = "replay-api-key-0123456789"
TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "transcripts.jsonl"


@cache
def _load() -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in TRANSCRIPTS.read_text("utf-8").splitlines() if line]
    return {row["name"]: row for row in rows}


def transcript(name: str) -> dict[str, Any]:
    """One recorded exchange by name."""
    return _load()[name]


def success(namespace: str, field: str, **extra: Any) -> dict[str, Any]:
    """``{"data": {namespace: {field: {"responseResult": <a recorded success>, ...}}}}``.

    The ``responseResult`` is the one Wiki.js sent for a successful ``deleteAsset``.
    """
    result = transcript("assets_delete")["response"]["body"]["data"]["assets"]["deleteAsset"]
    return {"data": {namespace: {field: {**result, **extra}}}}


def make_transport() -> Transport:
    """A transport that never sleeps, never retries and skips the identity check."""

    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"the SDK tried to sleep {seconds}s")

    return Transport(
        URL,
        auth=ApiKeyAuth(API_KEY),
        verify_auth=False,
        retry=RetryPolicy.disabled(),
        sleep=no_sleep,
    )


class Replay:
    """Answers requests with recorded responses, in order."""

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self._rsps = rsps
        self._queue: list[dict[str, Any]] = []
        self._registered: set[tuple[str, str]] = set()
        self.sent: list[dict[str, Any]] = []

    def expect(self, name: str, *, body: Any = None) -> Replay:
        """Queue the recorded answer of ``name``; ``body`` replaces the recorded body
        (for binary answers, which the recording only describes)."""
        row = transcript(name)
        response = dict(row["response"])
        if body is not None:
            response["body"] = body
        self._queue.append({**row, "response": response})
        method, path = row["request"]["method"], row["request"]["path"]
        if (method, path) not in self._registered:
            self._registered.add((method, path))
            self._rsps.add_callback(method, URL + path, callback=self._answer)
        return self

    def expect_graphql(self, label: str, body: Any, status: int = 200) -> Replay:
        """Queue a GraphQL answer that has no recording (built from recorded shapes)."""
        self._queue.append(
            {
                "name": label,
                "request": {"method": "POST", "path": "/graphql"},
                "response": {
                    "status": status,
                    "headers": {"content-type": "application/json; charset=utf-8"},
                    "body": body,
                },
            }
        )
        if ("POST", "/graphql") not in self._registered:
            self._registered.add(("POST", "/graphql"))
            self._rsps.add_callback("POST", URL + "/graphql", callback=self._answer)
        return self

    def _answer(self, request: Any) -> tuple[int, dict[str, str], bytes | str]:
        assert self._queue, f"unexpected request {request.method} {request.url}"
        row = self._queue.pop(0)
        expected = row["request"]
        assert (request.method, request.path_url) == (expected["method"], expected["path"]), (
            f"{row['name']}: got {request.method} {request.path_url}"
        )
        entry: dict[str, Any] = {"name": row["name"], "headers": dict(request.headers)}
        if expected["path"] == "/graphql":
            entry.update(json.loads(request.body))
        else:
            entry["raw"] = request.body
        self.sent.append(entry)
        response = row["response"]
        body = response["body"]
        payload = body if isinstance(body, (bytes, str)) else json.dumps(body)
        content_type = response["headers"].get("content-type", "application/json")
        return response["status"], {"Content-Type": content_type}, payload

    def assert_done(self) -> None:
        left = [row["name"] for row in self._queue]
        assert not left, f"expected requests never came: {left}"
