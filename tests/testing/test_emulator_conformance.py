"""Replays every recorded Wiki.js 2.5.314 exchange against the emulator and compares.

``tests/data/transcripts.jsonl`` holds 195 real request/response pairs. They are
replayed in file order (later ones depend on earlier ones) against an emulator arranged
like the recorded wiki: page 1 ``test/hello`` with tags ``a, b``, one API key named
``sdk-tests``, only the ``en`` locale installed. Redacted request values (paths, the
password, the 2 MB and 6 MB bodies, the second API key, the session JWT) are rebuilt.

A response matches when the status code, the media type and the body agree: the same
keys recursively, equal scalar values, lists equal as multisets, ``errors[]`` equal
after sorting by path; only ids, timestamps, hashes, etags, keys and stack traces are
ignored. Every remaining mismatch must be listed in ``KNOWN_MISMATCHES`` with its
reason, and the test fails when the set of mismatches differs from it in either way.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests

from wikijs.testing import TagRace, TreeRace, WikiJSEmulator

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "transcripts.jsonl"

#: transcript name -> why the emulator's answer differs from the recorded one.
KNOWN_MISMATCHES: dict[str, str] = {}

#: keys whose values are not compared (ids, times, hashes, secrets, stack traces, host)
IGNORED = {
    "id", "pageId", "versionId", "parent", "hash", "createdAt", "updatedAt", "versionDate",
    "lastLoginAt", "expiration", "installDate", "keyShort", "stacktrace", "stack", "etag",
    "host",
}  # fmt: skip

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(59))  # 67 bytes, like the recorded pixel
ADMIN_PASSWORD = "correct-horse-battery"
REDACTED_VARIABLES = {
    "single_by_path": "sdk/crud-669512",
    "single_by_path_missing": "sdk/no-such-page-669512",
    "move_page": "sdk/moved/crud-669512",
    "move_missing_id": "sdk/nowhere-669512",
    "move_to_existing_path": "test/hello",
    "move_to_illegal_path": "sdk/not a path.669512",
    "tree_by_path_ancestors": "test/hello",
    "single_by_path_unicode": "sdk/ünïcödé-路径-669512",
    "login_local": ADMIN_PASSWORD,
    "login_for_api_state_test": ADMIN_PASSWORD,
}
ABBREVIATED = re.compile(r"^<<abbreviated: (\d+) chars")
JWT = re.compile(r"^eyJ[\w-]+\.[\w-]+\.[\w-]+$")


def load_transcripts() -> list[dict[str, Any]]:
    return [json.loads(line) for line in TRANSCRIPTS.read_text("utf-8").splitlines() if line]


class ReplayClock:
    """Wall time plus the time the recorded requests took, plus any deliberate jumps."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class Replay:
    """The emulator arranged like the recorded wiki, plus what later requests reuse."""

    def __init__(self, emulator: WikiJSEmulator, clock: ReplayClock) -> None:
        self.emulator = emulator
        self.clock = clock
        self.http = requests.Session()
        self.second_key: str | None = None
        self.session_jwt: str | None = None

    # -- building the request -----------------------------------------------------------
    def auth_headers(self, t: dict[str, Any]) -> dict[str, str]:
        name, auth = t["name"], t["auth"]
        key = self.emulator.api_key
        if name == "second_key_works" or auth == "revoked":
            assert self.second_key, "create_second_api_key must run first"
            return {"Authorization": f"Bearer {self.second_key}"}
        if auth == "apikey":
            return {"Authorization": f"Bearer {key}"}
        if auth == "bad":
            return {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.eyJhcGkiOjF9.bm90LXNpZ25lZA"}
        if name == "lowercase_bearer_scheme":
            return {"Authorization": f"bearer {key}"}
        if name in ("user_jwt_as_bearer", "set_api_state_false", "set_api_state_true"):
            assert self.session_jwt, "a login must run first"
            return {"Authorization": f"Bearer {self.session_jwt}"}
        if name == "jwt_cookie_auth":
            assert self.session_jwt, "a login must run first"
            return {"Cookie": f"jwt={self.session_jwt}"}
        return {}

    def body(self, t: dict[str, Any]) -> Any:
        body = t["request"]["body"]
        if not isinstance(body, dict) or "variables" not in body:
            return body
        variables = dict(body["variables"] or {})
        name = t["name"]
        for key, value in variables.items():
            if value == "<<redacted>>":
                variables[key] = REDACTED_VARIABLES[name]
            elif isinstance(value, str) and (m := ABBREVIATED.match(value)):
                variables[key] = rebuild(name, int(m.group(1)))
        return {**body, "variables": variables}

    def send(self, t: dict[str, Any]) -> requests.Response:
        request = t["request"]
        headers = self.auth_headers(t)
        url = self.emulator.url
        if request["path"] == "/u":
            return self.http.post(f"{url}/u", headers=headers, files=upload_parts(t["name"]))
        if request["method"] == "GET":
            path = request["path"]
            if path.startswith("/graphql?query="):
                query = path.split("=", 1)[1]
                if query == "mutation{...}":
                    query = "mutation { pages { rebuildTree { responseResult { succeeded } } } }"
                path = f"/graphql?query={quote(query)}"
            return self.http.get(url + path, headers={**request["headers"], **headers})
        body = self.body(t)
        raw = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
        headers = {**request["headers"], **headers}
        return self.http.post(f"{url}/graphql", data=raw.encode("utf-8"), headers=headers)

    def remember(self, t: dict[str, Any], response: requests.Response) -> None:
        name = t["name"]
        if name == "create_second_api_key":
            self.second_key = response.json()["data"]["authentication"]["createApiKey"]["key"]
        if name == "login_for_api_state_test":
            self.session_jwt = response.json()["data"]["authentication"]["login"]["jwt"]


def rebuild(name: str, size: int) -> str:
    """The abbreviated request values, rebuilt at their recorded size."""
    if name == "create_description_long":
        return "d" * size
    if name == "create_large_2mb":
        head = "# Big\n\n"
        return head + ("lorem ipsum " * (size // 12 + 1))[: size - len(head)]
    if name == "create_large_6mb_over_limit":
        return "x" * size
    raise AssertionError(f"no rebuild rule for {name}")


def upload_parts(name: str) -> list[tuple[str, tuple[str | None, Any] | tuple[str, bytes, str]]]:
    parts: dict[str, list[Any]] = {
        "upload_asset_root": [
            ("mediaUpload", (None, '{"folderId": 0}')),
            ("mediaUpload", ("Pixel 669512.PNG", PNG, "image/png")),
        ],
        "upload_asset_folder": [
            ("mediaUpload", (None, '{"folderId": 1}')),
            ("mediaUpload", ("doc-669512.txt", b"hello world\n", "text/plain")),
        ],
        "upload_asset_same_name_again": [
            ("mediaUpload", (None, '{"folderId": 1}')),
            ("mediaUpload", ("doc-669512.txt", b"hello again!!!\n", "text/plain")),
        ],
        "upload_no_auth": [
            ("mediaUpload", (None, '{"folderId": 0}')),
            ("mediaUpload", ("noauth-669512.txt", b"x", "text/plain")),
        ],
        "upload_missing_meta": [
            ("mediaUpload", (None, "not json")),
            ("mediaUpload", ("nometa-669512.txt", b"x", "text/plain")),
        ],
        "upload_no_file": [("mediaUpload", (None, '{"folderId":0}'))],
    }
    return parts[name]


# -- comparing ---------------------------------------------------------------------------


def differences(recorded: Any, actual: Any, where: str = "$") -> list[str]:
    """Human-readable differences between a recorded body and the emulator's."""
    key = where.rsplit(".", 1)[-1]
    if key in IGNORED:
        return []
    if isinstance(recorded, str) and (m := ABBREVIATED.match(recorded)):
        ok = isinstance(actual, str) and len(actual) == int(m.group(1))
        return [] if ok else [f"{where}: expected a string of {m.group(1)} chars"]
    if isinstance(recorded, str) and recorded.startswith("<<JWT redacted"):
        ok = isinstance(actual, str) and JWT.match(actual) is not None
        return [] if ok else [f"{where}: expected a JWT, got {actual!r:.60}"]
    if isinstance(recorded, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {type(actual).__name__}"]
        out = []
        if set(recorded) != set(actual):
            out.append(f"{where}: keys differ: recorded {sorted(recorded)} vs {sorted(actual)}")
        for k in recorded.keys() & actual.keys():
            out += differences(recorded[k], actual[k], f"{where}.{k}")
        return out
    if isinstance(recorded, list):
        if not isinstance(actual, list):
            return [f"{where}: expected a list, got {type(actual).__name__}"]
        if len(recorded) != len(actual):
            return [f"{where}: {len(recorded)} items recorded, {len(actual)} answered"]
        if key == "errors":
            order = sorted(range(len(recorded)), key=lambda i: _error_key(recorded[i]))
            mine = sorted(range(len(actual)), key=lambda i: _error_key(actual[i]))
            out = []
            for a, b in zip(order, mine, strict=True):
                out += differences(recorded[a], actual[b], f"{where}[{a}]")
            return out
        return _multiset(recorded, actual, where)
    if type(recorded) is not type(actual) or recorded != actual:
        return [f"{where}: recorded {recorded!r:.80} vs {actual!r:.80}"]
    return []


def _error_key(error: Any) -> str:
    return json.dumps([error.get("path"), error.get("message")]) if isinstance(error, dict) else ""


def _multiset(recorded: list[Any], actual: list[Any], where: str) -> list[str]:
    """Lists match when every recorded item has its own matching answered item."""
    remaining = list(actual)
    for index, item in enumerate(recorded):
        match = next((i for i, a in enumerate(remaining) if not differences(item, a, where)), None)
        if match is None:
            best = differences(item, remaining[0], f"{where}[{index}]") if remaining else []
            return best or [f"{where}[{index}]: no matching item"]
        remaining.pop(match)
    return []


def compare(t: dict[str, Any], response: requests.Response, replay: Replay) -> list[str]:
    expected = t["response"]
    problems = []
    if response.status_code != expected["status"]:
        problems.append(f"status: recorded {expected['status']} vs {response.status_code}")
    want_type = expected["headers"].get("content-type", "").split(";")[0]
    got_type = response.headers.get("Content-Type", "").split(";")[0]
    if want_type != got_type:
        problems.append(f"content-type: recorded {want_type!r} vs {got_type!r}")
    body = expected["body"]
    if isinstance(body, str) and body.startswith("<binary"):
        if response.content != PNG:
            problems.append("download: bytes differ from the uploaded file")
    elif isinstance(body, str):
        if response.text != body:
            problems.append(f"body: recorded {body!r:.80} vs {response.text!r:.80}")
    else:
        try:
            actual = response.json()
        except ValueError:
            return [*problems, f"body: not JSON: {response.text!r:.80}"]
        problems += differences(body, actual)
    return problems


# -- the test ----------------------------------------------------------------------------


@pytest.fixture
def replay() -> Iterator[Replay]:
    clock = ReplayClock()
    emulator = WikiJSEmulator(
        locales=("en",),
        clock=clock,
        admin_password=ADMIN_PASSWORD,
        api_key_name="sdk-tests",
    )
    emulator.add_page(
        "test/hello", "# Hello\n\nHello world.", title="Hello", description="d", tags=["a", "b"]
    )
    with emulator:
        yield Replay(emulator, clock)


def test_every_recorded_exchange_replays_like_the_real_server(
    replay: Replay, capsys: pytest.CaptureFixture[str]
) -> None:
    transcripts = load_transcripts()
    assert len(transcripts) == 195
    mismatches: dict[str, list[str]] = {}
    for t in transcripts:
        if t["name"] == "login_for_api_state_test":
            replay.clock.offset += 60.0  # the recorded run waited out the login rate limit
        response = replay.send(t)
        problems = compare(t, response, replay)
        if problems:
            mismatches[t["name"]] = problems
        replay.remember(t, response)
        replay.clock.offset += t["elapsed_ms"] / 1000.0
    matched = len(transcripts) - len(mismatches)
    with capsys.disabled():
        print(f"\nconformance: {matched}/{len(transcripts)} match")
        for name, problems in mismatches.items():
            print(f"  {name}: {'; '.join(problems)[:400]}")
    unexpected = {n: p for n, p in mismatches.items() if n not in KNOWN_MISMATCHES}
    fixed = sorted(set(KNOWN_MISMATCHES) - set(mismatches))
    assert not unexpected, f"new mismatches: {json.dumps(unexpected, indent=1)[:4000]}"
    assert not fixed, f"these now match, remove them from KNOWN_MISMATCHES: {fixed}"


def test_comparison_catches_a_wrong_answer() -> None:
    recorded = {
        "data": {
            "pages": {
                "create": {"responseResult": {"errorCode": 6002, "slug": "PageDuplicateCreate"}}
            }
        }
    }
    wrong = {"data": {"pages": {"create": {"responseResult": {"errorCode": 0, "slug": "ok"}}}}}
    assert differences(recorded, wrong)
    assert not differences(recorded, json.loads(json.dumps(recorded)))


def test_comparison_ignores_ids_and_times_but_not_shape() -> None:
    recorded = {
        "id": 3,
        "updatedAt": "2026-11-26T05:05:14.967Z",
        "tags": [{"tag": "a"}, {"tag": "b"}],
    }
    assert not differences(
        recorded, {"id": 9, "updatedAt": "x", "tags": [{"tag": "b"}, {"tag": "a"}]}
    )
    assert differences(recorded, {"id": 9, "updatedAt": "x", "tags": [{"tag": "a"}]})
    assert differences(recorded, {"id": 9, "tags": [{"tag": "a"}, {"tag": "b"}]})


# -- the recorded rounds of concurrent creates sharing a fresh tag ------------------------------

TAG_RACE_TRANSCRIPTS = TRANSCRIPTS.with_name("tag-race-transcripts.jsonl")
ALIASED_CREATES = """mutation ($tags: [String]!) { pages { %s } }"""
ONE_CREATE = """c%d: create(content: "# Race\\n\\nText.", description: "", editor: "markdown",
  isPublished: true, isPrivate: false, locale: "en", path: "race/p%d", tags: $tags,
  title: "Race %d") { responseResult { succeeded errorCode slug message } page { id } }"""
_TREE_ROWS = re.compile(r"values \(.*\) - duplicate key")


def _rounds() -> list[dict[str, Any]]:
    lines = TAG_RACE_TRANSCRIPTS.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


def _tree_rows_ignored(answer: Any) -> Any:
    """The rebuild-tree message lists one row per tree node of the recorded paths."""
    text = json.dumps(answer)
    if "pageTree_pkey" not in text:
        return answer
    return json.loads(_TREE_ROWS.sub("values (...) - duplicate key", text))


@pytest.mark.parametrize("recorded", _rounds(), ids=lambda r: f"round-{r['round']}")
def test_the_recorded_tag_race_rounds_replay_like_the_real_server(
    recorded: dict[str, Any],
) -> None:
    # Each round: 4 creates in flight at once, each carrying the round's fresh tag and
    # "common" (which the wiki has). The emulator loses as many of them to each race as
    # the real server did; the answers and what a read shows afterwards must match.
    answers = [c["answer"] for c in recorded["creates"]]
    slugs = [a["data"]["pages"]["create"]["responseResult"]["slug"] for a in answers]
    tag_losers, tree_losers = slugs.count("UniqueViolationError"), slugs.count("Error")
    emulator = WikiJSEmulator(
        locales=("en",),
        tag_race=TagRace(max_count=tag_losers) if tag_losers else None,
        tree_race=TreeRace(nth=1, max_count=tree_losers) if tree_losers else None,
    )
    emulator.add_page("common", "# Common\n\nText.", tags=["common"])
    with emulator:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {emulator.api_key}"
        aliases = " ".join(ONE_CREATE % (i, i, i) for i in range(len(answers)))
        body = {
            "query": ALIASED_CREATES % aliases,
            "variables": {"tags": [recorded["tag"], "common"]},
        }
        data = session.post(f"{emulator.url}/graphql", json=body).json()["data"]["pages"]
        mine = [{"data": {"pages": {"create": data[f"c{i}"]}}} for i in range(len(answers))]
        after = []
        for i in range(len(answers)):
            page = emulator.find_page(f"race/p{i}")
            after.append(
                {
                    "exists": page is not None,
                    "tags": sorted(page.tags) if page else [],
                    "errors": None,
                }
            )
    assert (
        differences([_tree_rows_ignored(a) for a in answers], [_tree_rows_ignored(a) for a in mine])
        == []
    )
    expected_after = [{**a, "tags": sorted(a["tags"])} for a in recorded["after"]]
    assert differences(expected_after, after) == []
