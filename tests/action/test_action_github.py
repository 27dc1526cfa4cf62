"""wikisync.ci.github: workflow commands, job files, plan comments and the REST client."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import requests
import responses
from gha_runner import parse_output_file, parse_workflow_commands
from responses import matchers

from wikisync.ci.github import (
    COMMENT_MAX_CHARS,
    SUMMARY_MAX_BYTES,
    TRUSTED_BOT_LOGIN,
    GitHubAPIError,
    GitHubClient,
    annotation,
    append_summary,
    build_plan_comment,
    comment_marker,
    escape_data,
    escape_property,
    fence,
    fingerprint_marker,
    format_output,
    parse_fingerprint,
    plan_fingerprint,
    upsert_plan_comment,
    write_outputs,
)
from wikisync.errors import WikisyncError

API = "https://api.github.test"
REPO = "acme/handbook"
TOKEN = "ghs_secret_token_value"


# -- escaping and annotations ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("50% done", "50%25 done", "50%25 done"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("x: y, z", "x: y, z", "x%3A y%2C z"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_escaping_follows_githubs_rules(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def test_annotation_carries_file_line_and_title() -> None:
    line = annotation("error", "broken link", file="docs/a, b.md", line=7, title="wikisync")
    assert line == "::error file=docs/a%2C b.md,line=7,title=wikisync::broken link"
    (cmd,) = parse_workflow_commands(line)
    assert (cmd.name, cmd.properties["file"], cmd.properties["line"]) == (
        "error",
        "docs/a, b.md",
        "7",
    )


def test_annotation_without_location_is_a_bare_command() -> None:
    assert annotation("warning", "careful") == "::warning::careful"
    assert annotation("notice", "n", line=0) == "::notice::n"


def test_annotation_message_cannot_smuggle_a_second_command() -> None:
    line = annotation("error", "bad title\n::set-output name=changes::false\n::add-mask::x")
    assert "\n" not in line
    commands = parse_workflow_commands(line + "\n")
    assert [c.name for c in commands] == ["error"]
    assert commands[0].message == "bad title\n::set-output name=changes::false\n::add-mask::x"


# -- stop-commands fencing -------------------------------------------------------------


def test_fenced_text_is_never_processed_as_commands() -> None:
    hostile = "# Page\n::error::injected\n::add-mask::secret\n::set-output name=x::y\n"
    log = "::notice::before\n" + fence(hostile) + "::notice::after\n"
    commands = parse_workflow_commands(log)
    assert [(c.name, c.message) for c in commands] == [("notice", "before"), ("notice", "after")]
    assert hostile in log


def test_fence_token_never_occurs_in_the_text() -> None:
    text = "a line\n::deadbeef::\nanother"
    fenced = fence(text, token_factory=lambda: "deadbeef")
    first = fenced.splitlines()[0]
    token = first.removeprefix("::stop-commands::")
    assert token and token != "deadbeef" and token not in text
    assert fenced.endswith(f"::{token}::\n")
    assert parse_workflow_commands(fenced + "::error::real\n")[0].message == "real"


def test_fence_tokens_are_random() -> None:
    assert fence("x").splitlines()[0] != fence("x").splitlines()[0]


# -- $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY -------------------------------------------


def test_outputs_use_heredocs_that_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "output"
    values = {
        "changes": "true",
        "plan-file": "/tmp/plan.json",
        "multi": "line 1\nline 2\n\nline 4",
        "tricky": "x=1\nname<<EOF\nEOF",
    }
    write_outputs(out, values)
    write_outputs(out, {"failure-reason": ""})
    parsed = parse_output_file(out.read_text(encoding="utf-8"))
    assert parsed == {**values, "failure-reason": ""}


def test_output_delimiter_is_replaced_when_the_value_contains_it() -> None:
    entry = format_output("x", "a\nDELIM\nb", delimiter_factory=lambda: "DELIM")
    header = entry.splitlines()[0]
    assert header.startswith("x<<") and header != "x<<DELIM"
    assert parse_output_file(entry) == {"x": "a\nDELIM\nb"}


def test_output_delimiters_are_random() -> None:
    assert format_output("a", "1").splitlines()[0] != format_output("a", "1").splitlines()[0]


@pytest.mark.parametrize("name", ["", "a\nb", "a<<b", "a=b"])
def test_invalid_output_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="invalid output name"):
        format_output(name, "v")


def test_summary_is_appended(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    append_summary(summary, "# one")
    append_summary(summary, "two\n")
    assert summary.read_text(encoding="utf-8") == "# one\ntwo\n"


def test_summary_is_cut_to_githubs_limit(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    append_summary(summary, "é" * SUMMARY_MAX_BYTES)
    data = summary.read_bytes()
    assert len(data) <= SUMMARY_MAX_BYTES
    assert data.decode("utf-8").endswith("limited to 1 MiB)*\n")
    append_summary(summary, "more")
    assert summary.read_bytes() == data


# -- fingerprint and markers -----------------------------------------------------------


def _change(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "action": "update",
        "locale": "en",
        "path": "handbook/guide",
        "from_path": None,
        "fields": ["content", "title"],
        "digest": "d1",
        "page_id": 12,
        "remote_updated_at": "2025-01-01T00:00:00.000Z",
        "source": "guide.md",
    }
    base.update(over)
    return base


def test_fingerprint_ignores_order_and_bookkeeping_fields() -> None:
    a = _change()
    b = _change(action="create", path="handbook/new", fields=[], digest="d2", page_id=None)
    reordered = _change(fields=["title", "content"], page_id=99, remote_updated_at="later")
    assert plan_fingerprint([a, b]) == plan_fingerprint([b, reordered])


@pytest.mark.parametrize(
    "change",
    [
        {"action": "conflict"},
        {"locale": "fr"},
        {"path": "handbook/other"},
        {"from_path": "handbook/old"},
        {"fields": ["content"]},
        {"digest": "d9"},
    ],
)
def test_fingerprint_changes_with_every_meaningful_field(change: dict[str, object]) -> None:
    assert plan_fingerprint([_change(**change)]) != plan_fingerprint([_change()])


def test_fingerprint_is_sha256_of_canonical_changes() -> None:
    assert plan_fingerprint([]) == hashlib.sha256(b"[]").hexdigest()
    row = {
        "action": "delete",
        "digest": None,
        "fields": [],
        "from_path": None,
        "locale": "en",
        "path": "p",
    }
    expected = hashlib.sha256(
        ("[" + json.dumps(row, sort_keys=True, separators=(",", ":")) + "]").encode()
    ).hexdigest()
    assert plan_fingerprint([{"action": "delete", "locale": "en", "path": "p"}]) == expected


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        (".", "<!-- wikisync-plan:. -->"),
        ("./docs/", "<!-- wikisync-plan:docs -->"),
        ("docs\\site", "<!-- wikisync-plan:docs/site -->"),
        ("a-->b", "<!-- wikisync-plan:a--&gt;b -->"),
    ],
)
def test_comment_marker_normalises_the_path(path: str, marker: str) -> None:
    assert comment_marker(path) == marker


def test_plan_comment_carries_both_markers_and_the_plan() -> None:
    fp = plan_fingerprint([_change()])
    body = build_plan_comment("docs", "Plan: 0 to create, 1 to update, 0 to move, 0 to delete.", fp)
    assert body.startswith(comment_marker("docs") + "\n" + fingerprint_marker(fp) + "\n")
    assert parse_fingerprint(body) == fp
    assert "1 to update" in body


def test_plan_comment_is_cut_to_githubs_limit() -> None:
    fp = plan_fingerprint([])
    body = build_plan_comment("docs", "x" * (COMMENT_MAX_CHARS * 2), fp)
    assert len(body) <= COMMENT_MAX_CHARS
    assert parse_fingerprint(body) == fp
    assert "plan truncated" in body


def test_parse_fingerprint_without_marker() -> None:
    assert parse_fingerprint("just a comment") is None
    assert parse_fingerprint("<!-- wikisync-plan-fingerprint:nothex -->") is None


# -- REST client -----------------------------------------------------------------------


def _client() -> GitHubClient:
    return GitHubClient(TOKEN, REPO, api_url=API)


def _comments_url(number: int = 7) -> str:
    return f"{API}/repos/{REPO}/issues/{number}/comments"


def _no_user() -> None:
    responses.get(
        f"{API}/user", status=403, json={"message": "Resource not accessible by integration"}
    )


def _comment_json(cid: int, body: str, login: str = TRUSTED_BOT_LOGIN) -> dict[str, object]:
    return {"id": cid, "body": body, "user": {"login": login}}


@responses.activate
def test_plan_comment_is_created_when_none_exists() -> None:
    _no_user()
    responses.get(_comments_url(), json=[_comment_json(1, "LGTM", "alice")])
    post = responses.post(
        _comments_url(),
        json=_comment_json(5, "new"),
        status=201,
        match=[matchers.header_matcher({"Authorization": f"Bearer {TOKEN}"})],
    )
    fp = plan_fingerprint([_change()])
    result = upsert_plan_comment(_client(), 7, "docs", "the plan", fp, create=True)
    assert (result.action, result.comment_id) == ("created", 5)
    sent = json.loads(post.calls[0].request.body)["body"]
    assert comment_marker("docs") in sent and parse_fingerprint(sent) == fp
    assert "the plan" in sent


@responses.activate
def test_existing_plan_comment_is_updated_not_duplicated() -> None:
    _no_user()
    old = build_plan_comment("docs", "old plan", plan_fingerprint([]))
    other_dir = build_plan_comment("site", "other plan", plan_fingerprint([]))
    responses.get(_comments_url(), json=[_comment_json(3, other_dir), _comment_json(4, old)])
    patch = responses.patch(f"{API}/repos/{REPO}/issues/comments/4", json=_comment_json(4, "x"))
    fp = plan_fingerprint([_change()])
    result = upsert_plan_comment(_client(), 7, "docs", "new plan", fp, create=False)
    assert (result.action, result.comment_id) == ("updated", 4)
    assert parse_fingerprint(json.loads(patch.calls[0].request.body)["body"]) == fp
    assert not [c for c in responses.calls if c.request.method == "POST"]


@responses.activate
def test_identical_comment_is_left_alone() -> None:
    _no_user()
    fp = plan_fingerprint([])
    body = build_plan_comment("docs", "same", fp)
    responses.get(_comments_url(), json=[_comment_json(4, body)])
    result = upsert_plan_comment(_client(), 7, "docs", "same", fp, create=True)
    assert result.action == "skipped"
    assert [c.request.method for c in responses.calls] == ["GET", "GET"]


@responses.activate
def test_no_new_comment_for_an_empty_plan_with_changes_only() -> None:
    _no_user()
    responses.get(_comments_url(), json=[])
    result = upsert_plan_comment(
        _client(), 7, "docs", "No changes.", plan_fingerprint([]), create=False
    )
    assert (result.action, result.comment_id) == ("skipped", None)
    assert all(c.request.method == "GET" for c in responses.calls)


@responses.activate
def test_marker_comments_by_other_people_are_ignored() -> None:
    _no_user()
    forged = build_plan_comment("docs", "forged", plan_fingerprint([]))
    responses.get(_comments_url(), json=[_comment_json(9, forged, "mallory")])
    responses.post(_comments_url(), json=_comment_json(10, "ours"), status=201)
    client = _client()
    assert client.find_plan_comment(7, "docs") is None
    assert (
        upsert_plan_comment(client, 7, "docs", "plan", plan_fingerprint([]), create=True).action
        == "created"
    )


@responses.activate
def test_the_tokens_own_user_is_trusted_too() -> None:
    responses.get(f"{API}/user", json={"login": "docs-bot"})
    body = build_plan_comment("docs", "plan", plan_fingerprint([]))
    responses.get(_comments_url(), json=[_comment_json(2, body, "docs-bot")])
    found = _client().find_plan_comment(7, "docs")
    assert found is not None and found.id == 2 and found.fingerprint == plan_fingerprint([])


@responses.activate
def test_comments_are_read_across_pages() -> None:
    body = build_plan_comment("docs", "plan", plan_fingerprint([]))
    page2 = f"{API}/repositories/1/issues/7/comments?per_page=100&page=2"
    responses.get(
        _comments_url(),
        json=[_comment_json(i, "chatter", "bob") for i in range(100)],
        headers={"Link": f'<{page2}>; rel="next"'},
        match=[matchers.query_param_matcher({"per_page": "100"})],
    )
    responses.get(page2, json=[_comment_json(500, body)])
    found = _client().find_plan_comment(7, "docs", authors=frozenset({TRUSTED_BOT_LOGIN}))
    assert found is not None and found.id == 500


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/repositories/1/issues/7/comments?page=2",
        "http://api.github.test/repositories/1/issues/7/comments?page=2",  # not https
        "https://api.github.test:8443/repositories/1/issues/7/comments?page=2",
    ],
    ids=["another host", "another scheme", "another port"],
)
@responses.activate
def test_a_next_page_on_another_origin_is_not_followed_with_the_token(elsewhere: str) -> None:
    responses.get(
        _comments_url(),
        json=[_comment_json(i, "chatter", "bob") for i in range(100)],
        headers={"Link": f'<{elsewhere}>; rel="next"'},
    )
    with pytest.raises(GitHubAPIError, match="another host") as caught:
        _client().find_plan_comment(7, "docs", authors=frozenset({TRUSTED_BOT_LOGIN}))
    assert len(responses.calls) == 1  # nothing was sent to the other origin
    assert TOKEN not in str(caught.value)


@responses.activate
def test_merged_pull_request_for_a_commit() -> None:
    sha = "a" * 40
    responses.get(
        f"{API}/repos/{REPO}/commits/{sha}/pulls",
        json=[
            {"number": 3, "merged_at": None, "merge_commit_sha": None},
            {"number": 4, "merged_at": "2025-05-01T00:00:00Z", "merge_commit_sha": "b" * 40},
            {"number": 5, "merged_at": "2025-05-02T00:00:00Z", "merge_commit_sha": sha},
        ],
    )
    pr = _client().merged_pull_request(sha)
    assert pr is not None and pr.number == 5 and pr.merged


@responses.activate
def test_no_merged_pull_request_for_a_direct_push() -> None:
    sha = "c" * 40
    responses.get(
        f"{API}/repos/{REPO}/commits/{sha}/pulls",
        json=[{"number": 3, "merged_at": None, "merge_commit_sha": None}],
    )
    assert _client().merged_pull_request(sha) is None


@responses.activate
def test_api_errors_name_the_call_and_status_but_never_the_token() -> None:
    responses.get(_comments_url(), status=404, json={"message": "Not Found"})
    with pytest.raises(GitHubAPIError) as info:
        _client().issue_comments(7)
    err = info.value
    assert isinstance(err, WikisyncError)
    assert err.status == 404 and err.method == "GET"
    assert (
        str(err)
        == f"GitHub API GET /repos/{REPO}/issues/7/comments failed with HTTP 404: Not Found"
    )
    assert TOKEN not in str(err) and TOKEN not in repr(_client())


@responses.activate
def test_connection_errors_become_api_errors() -> None:
    responses.get(_comments_url(), body=requests.ConnectionError("refused"))
    with pytest.raises(GitHubAPIError, match="ConnectionError") as info:
        _client().issue_comments(7)
    assert info.value.status is None


def test_repository_must_be_owner_and_name() -> None:
    with pytest.raises(ValueError, match="owner/name"):
        GitHubClient(TOKEN, "handbook")
