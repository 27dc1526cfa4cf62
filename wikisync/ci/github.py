"""GitHub's side of the wikisync Action: workflow commands, job files and the REST API.

Three kinds of helpers live here, all small and independent of the sync engine:

* **Workflow commands** written to the job log: annotations (``::error file=…,line=…::``)
  with GitHub's escaping rules, log groups, and ``fence``, which wraps untrusted text
  (page content, plan text, CLI messages) in ``::stop-commands::<token>`` … ``::<token>::``
  so that nothing inside it can run a workflow command.
* **Job files**: ``format_output`` / ``write_outputs`` for ``$GITHUB_OUTPUT``
  (heredoc format with a random delimiter) and ``append_summary`` for
  ``$GITHUB_STEP_SUMMARY``.
* **Plan comments**: the hidden markers and the ``plan_fingerprint`` that tie a pull
  request comment to the plan it shows, and ``GitHubClient``, a minimal REST client
  (``requests``) that finds, creates and updates that comment and finds the pull request
  a pushed commit came from. The token is sent only in the ``Authorization`` header and
  never appears in an error message or a log line.

Errors from the REST API are raised as ``GitHubAPIError`` (a ``WikisyncError``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

import requests

from wikisync.ci.gitinfo import open_repo
from wikisync.errors import WikisyncError
from wikisync.render import no_mentions

__all__ = [
    "ANNOTATION_LIMIT",
    "COMMENT_MAX_CHARS",
    "SUMMARY_MAX_BYTES",
    "TRUSTED_BOT_LOGIN",
    "CommentResult",
    "GitHubAPIError",
    "GitHubClient",
    "PlanComment",
    "PullRequest",
    "annotation",
    "append_summary",
    "build_plan_comment",
    "comment_marker",
    "escape_data",
    "escape_property",
    "fence",
    "fingerprint_marker",
    "format_output",
    "group",
    "parse_fingerprint",
    "plan_fingerprint",
    "repository_path",
    "repository_root",
    "upsert_plan_comment",
    "write_outputs",
]

ANNOTATION_LIMIT = 10
"""GitHub shows at most 10 annotations of one kind per step; wikisync emits no more."""

COMMENT_MAX_CHARS = 65_536
"""GitHub rejects issue comments longer than this."""

SUMMARY_MAX_BYTES = 1_024 * 1_024
"""GitHub refuses a step summary larger than 1 MiB."""

TRUSTED_BOT_LOGIN = "github-actions[bot]"
"""The author of comments written with the workflow's ``GITHUB_TOKEN``."""

Level = Literal["error", "warning", "notice"]


def _random_token() -> str:
    return secrets.token_hex(16)


def _random_delimiter() -> str:
    return f"ghadelimiter_{secrets.token_hex(16)}"


# --------------------------------------------------------------------------------------
# Workflow commands
# --------------------------------------------------------------------------------------


def escape_data(value: str) -> str:
    """Escape a workflow command's message (``%``, CR, LF), as GitHub's toolkit does."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command property value: ``escape_data`` plus ``:`` and ``,``."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: Level,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    title: str | None = None,
) -> str:
    """One annotation command line, e.g. ``::error file=docs/a.md,line=3::message``."""
    props: list[str] = []
    if file:
        props.append(f"file={escape_property(file)}")
    if line is not None and line > 0:
        props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(title)}")
    head = f"{level} {','.join(props)}" if props else level
    return f"::{head}::{escape_data(message)}"


def repository_root(directory: Path, env: Mapping[str, str]) -> Path:
    """Where annotation paths start: ``$GITHUB_WORKSPACE`` when set (the Action's checkout),
    else the top of the git working tree ``directory`` lies in, else the current directory."""
    workspace = env.get("GITHUB_WORKSPACE")
    if workspace:
        return Path(workspace)
    repo = open_repo(directory)
    return repo.root if repo is not None else Path.cwd()


def repository_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` as GitHub names files (``docs/a.md``; ``""`` for the
    root itself). Lexical first, so a symbolic link is named as itself; through resolved
    paths when only they match (``/tmp`` reached through a link); else with ``..``."""
    lexical = Path(os.path.normpath(os.path.abspath(path)))
    for candidate, base in (
        (lexical, Path(os.path.abspath(root))),
        (lexical.resolve(), root.resolve()),
    ):
        try:
            rel = candidate.relative_to(base).as_posix()
        except ValueError:
            continue
        return "" if rel == "." else rel
    return os.path.relpath(lexical, root.resolve()).replace(os.sep, "/")


def group(title: str) -> tuple[str, str]:
    """The ``::group::`` / ``::endgroup::`` lines around a collapsible log section."""
    return f"::group::{escape_data(title)}", "::endgroup::"


def fence(text: str, *, token_factory: Callable[[], str] | None = None) -> str:
    """Wrap ``text`` so the runner treats it as plain text, never as workflow commands.

    The token is random and chosen so it does not occur in ``text``: nothing inside can
    end the fence early. The result ends with a newline.
    """
    token = (token_factory or _random_token)()
    while not token or token in text:
        token = _random_token()
    body = text if text.endswith("\n") or not text else text + "\n"
    return f"::stop-commands::{token}\n{body}::{token}::\n"


# --------------------------------------------------------------------------------------
# Job files
# --------------------------------------------------------------------------------------


def format_output(
    name: str, value: str, *, delimiter_factory: Callable[[], str] | None = None
) -> str:
    """One ``$GITHUB_OUTPUT`` entry in heredoc form: ``name<<DELIM\\nvalue\\nDELIM\\n``.

    The delimiter is random and never occurs in the name or the value, so a value
    cannot end the entry early and inject another output.
    """
    if not name or "\n" in name or "\r" in name or "<<" in name or "=" in name:
        raise ValueError(f"invalid output name: {name!r}")
    delimiter = (delimiter_factory or _random_delimiter)()
    while not delimiter or delimiter in value or delimiter in name:
        delimiter = _random_delimiter()
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def write_outputs(
    path: str | Path,
    outputs: Mapping[str, str],
    *,
    delimiter_factory: Callable[[], str] | None = None,
) -> None:
    """Append ``outputs`` to the ``$GITHUB_OUTPUT`` file at ``path``."""
    text = "".join(
        format_output(k, v, delimiter_factory=delimiter_factory) for k, v in outputs.items()
    )
    with open(path, "a", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def append_summary(path: str | Path, markdown: str) -> None:
    """Append Markdown to the ``$GITHUB_STEP_SUMMARY`` file, staying under GitHub's cap."""
    p = Path(path)
    used = p.stat().st_size if p.exists() else 0
    text = markdown if markdown.endswith("\n") else markdown + "\n"
    budget = SUMMARY_MAX_BYTES - used
    data = text.encode("utf-8")
    if len(data) > budget:
        note = b"\n\n*(truncated: the step summary is limited to 1 MiB)*\n"
        keep = max(budget - len(note), 0)
        data = data[:keep].decode("utf-8", errors="ignore").encode("utf-8") + note
        if len(data) > budget:
            return
    with open(p, "ab") as fh:
        fh.write(data)


# --------------------------------------------------------------------------------------
# Plan comments: markers and fingerprint
# --------------------------------------------------------------------------------------

_FINGERPRINT_RE = re.compile(r"<!-- wikisync-plan-fingerprint:([0-9a-f]{64}) -->")
_FINGERPRINT_KEYS = ("action", "locale", "path", "from_path", "fields", "digest")


def comment_marker(path: str) -> str:
    """The hidden marker that identifies the plan comment for content directory ``path``."""
    clean = path.replace("\\", "/").strip()
    while clean.startswith("./"):
        clean = clean[2:]
    clean = clean.rstrip("/") or "."
    clean = clean.replace("-->", "--&gt;").replace("\n", " ")
    return f"<!-- wikisync-plan:{clean} -->"


def fingerprint_marker(fingerprint: str) -> str:
    """The hidden line that records a plan's fingerprint in its comment."""
    return f"<!-- wikisync-plan-fingerprint:{fingerprint} -->"


def parse_fingerprint(body: str) -> str | None:
    """The fingerprint recorded in a comment body, or ``None``."""
    match = _FINGERPRINT_RE.search(body)
    return match.group(1) if match else None


def plan_fingerprint(changes: Iterable[Mapping[str, Any]]) -> str:
    """SHA-256 over the plan's changes, independent of their order.

    Each change contributes its ``action``, ``locale``, ``path``, ``from_path``,
    ``fields`` (as a sorted list) and ``digest``; anything else (page ids, timestamps,
    diffs) is left out, so the same intended changes computed in two runs agree.
    """
    rows = []
    for change in changes:
        row: dict[str, Any] = {k: change.get(k) for k in _FINGERPRINT_KEYS}
        row["fields"] = sorted(str(f) for f in (change.get("fields") or ()))
        rows.append(row)
    canonical = sorted(json.dumps(r, sort_keys=True, separators=(",", ":")) for r in rows)
    payload = "[" + ",".join(canonical) + "]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def build_plan_comment(path: str, markdown: str, fingerprint: str) -> str:
    """A plan comment: the two hidden markers, then the Markdown (cut to fit GitHub)."""
    head = f"{comment_marker(path)}\n{fingerprint_marker(fingerprint)}\n"
    body = no_mentions(markdown.strip("\n")) + "\n"  # a title "@octocat" notifies no one
    if len(head) + len(body) > COMMENT_MAX_CHARS:
        note = (
            "\n\n*(plan truncated: it is longer than a comment can be; "
            "the workflow run's summary has the complete plan)*\n"
        )
        body = body[: COMMENT_MAX_CHARS - len(head) - len(note)] + note
    return head + body


# --------------------------------------------------------------------------------------
# REST API
# --------------------------------------------------------------------------------------


class GitHubAPIError(WikisyncError):
    """A GitHub REST call failed. Carries the method, the API path and the HTTP status."""

    def __init__(self, method: str, path: str, status: int | None, message: str) -> None:
        self.method = method
        self.path = path
        self.status = status
        where = f"{method} {path}"
        super().__init__(
            f"GitHub API {where} failed"
            + (f" with HTTP {status}" if status is not None else "")
            + (f": {message}" if message else "")
        )


@dataclass(frozen=True)
class PlanComment:
    """An existing plan comment on a pull request."""

    id: int
    body: str
    author: str

    @property
    def fingerprint(self) -> str | None:
        return parse_fingerprint(self.body)


@dataclass(frozen=True)
class PullRequest:
    """The parts of a pull request the Action needs."""

    number: int
    merged: bool
    merge_commit_sha: str | None


@dataclass(frozen=True)
class CommentResult:
    """What ``upsert_plan_comment`` did: ``created``, ``updated`` or ``skipped``."""

    action: Literal["created", "updated", "skipped"]
    comment_id: int | None = None


class GitHubClient:
    """A minimal GitHub REST client for one repository.

    ``session`` is injectable (tests answer it with ``responses``); by default a new
    ``requests.Session`` is used. The token never leaves the ``Authorization``
    header: it is not part of ``repr()`` or of any error.
    """

    def __init__(
        self,
        token: str,
        repository: str,
        *,
        api_url: str = "https://api.github.com",
        session: requests.Session | None = None,
        timeout: float = 30.0,
    ) -> None:
        if repository.count("/") != 1:
            raise ValueError(f"repository must be 'owner/name', got {repository!r}")
        self.repository = repository
        self.api_url = api_url.rstrip("/")
        self._timeout = timeout
        self._session = session or requests.Session()
        self._headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "wikisync-action",
        }
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    def __repr__(self) -> str:
        return f"GitHubClient(repository={self.repository!r}, api_url={self.api_url!r})"

    # -- low level -------------------------------------------------------------------

    def _request(
        self, method: str, path: str, *, json_body: Any = None, url: str | None = None
    ) -> requests.Response:
        target = url or f"{self.api_url}{path}"
        try:
            response = self._session.request(
                method, target, headers=self._headers, json=json_body, timeout=self._timeout
            )
        except requests.RequestException as exc:
            raise GitHubAPIError(method, path, None, type(exc).__name__) from exc
        if response.status_code >= 400:
            raise GitHubAPIError(method, path, response.status_code, _error_message(response))
        return response

    def _paginate(self, path: str) -> Iterator[Any]:
        sep = "&" if "?" in path else "?"
        url: str | None = f"{self.api_url}{path}{sep}per_page=100"
        while url:
            response = self._request("GET", path, url=url)
            items = response.json()
            if not isinstance(items, list):
                raise GitHubAPIError("GET", path, response.status_code, "expected a JSON list")
            yield from items
            url = response.links.get("next", {}).get("url")
            if url and not _same_origin(url, self.api_url):
                # The token goes only to the API's own origin, whatever a Link header says.
                raise GitHubAPIError(
                    "GET", path, response.status_code, "the next page is on another host"
                )

    # -- endpoints -------------------------------------------------------------------

    def authenticated_login(self) -> str | None:
        """The login of the token's user (``GET /user``); ``None`` when the token has none.

        The workflow's ``GITHUB_TOKEN`` is an installation token and cannot read ``/user``.
        """
        try:
            data = self._request("GET", "/user").json()
        except GitHubAPIError:
            return None
        login = data.get("login") if isinstance(data, dict) else None
        return login if isinstance(login, str) else None

    def issue_comments(self, number: int) -> list[PlanComment]:
        """Every comment of issue or pull request ``number``, oldest first."""
        out = []
        for item in self._paginate(f"/repos/{self.repository}/issues/{number}/comments"):
            out.append(_comment(item))
        return out

    def create_comment(self, number: int, body: str) -> PlanComment:
        """Add a comment to issue or pull request ``number``."""
        path = f"/repos/{self.repository}/issues/{number}/comments"
        return _comment(self._request("POST", path, json_body={"body": body}).json())

    def update_comment(self, comment_id: int, body: str) -> PlanComment:
        """Replace the body of comment ``comment_id``."""
        path = f"/repos/{self.repository}/issues/comments/{comment_id}"
        return _comment(self._request("PATCH", path, json_body={"body": body}).json())

    def pulls_for_commit(self, sha: str) -> list[PullRequest]:
        """Pull requests associated with commit ``sha`` (merged ones included)."""
        path = f"/repos/{self.repository}/commits/{sha}/pulls"
        out = []
        for item in self._request("GET", path).json():
            out.append(
                PullRequest(
                    number=int(item["number"]),
                    merged=bool(item.get("merged_at")),
                    merge_commit_sha=item.get("merge_commit_sha"),
                )
            )
        return out

    # -- plan comments ---------------------------------------------------------------

    def trusted_authors(self) -> frozenset[str]:
        """Logins whose plan comments count: the Actions bot and the token's own user."""
        login = self.authenticated_login()
        return frozenset({TRUSTED_BOT_LOGIN, login} if login else {TRUSTED_BOT_LOGIN})

    def find_plan_comment(
        self, number: int, path: str, *, authors: frozenset[str] | None = None
    ) -> PlanComment | None:
        """The newest comment carrying the marker for ``path``, written by ``authors``.

        Comments by anyone else are ignored even when they carry the marker: a reader of
        the pull request cannot forge an approved plan.
        """
        trusted = authors if authors is not None else self.trusted_authors()
        marker = comment_marker(path)
        found = None
        for comment in self.issue_comments(number):
            if marker in comment.body and comment.author in trusted:
                found = comment
        return found

    def merged_pull_request(self, sha: str) -> PullRequest | None:
        """The merged pull request that produced commit ``sha``, if any."""
        merged = [pr for pr in self.pulls_for_commit(sha) if pr.merged]
        for pr in merged:
            if pr.merge_commit_sha == sha:
                return pr
        return merged[0] if merged else None


def upsert_plan_comment(
    client: GitHubClient,
    number: int,
    path: str,
    markdown: str,
    fingerprint: str,
    *,
    create: bool,
) -> CommentResult:
    """Create or update the one plan comment for ``path`` on pull request ``number``.

    An existing comment is always updated (so it never shows an outdated plan); a new one
    is created only when ``create`` is true (``comment: changes-only`` passes false for an
    empty plan).
    """
    body = build_plan_comment(path, markdown, fingerprint)
    existing = client.find_plan_comment(number, path)
    if existing is not None:
        if existing.body == body:
            return CommentResult("skipped", existing.id)
        return CommentResult("updated", client.update_comment(existing.id, body).id)
    if not create:
        return CommentResult("skipped")
    return CommentResult("created", client.create_comment(number, body).id)


def _comment(item: Mapping[str, Any]) -> PlanComment:
    user = item.get("user") or {}
    return PlanComment(
        id=int(item["id"]), body=str(item.get("body") or ""), author=str(user.get("login") or "")
    )


def _error_message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return response.reason or ""


def _same_origin(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme.lower(), a.netloc.lower()) == (b.scheme.lower(), b.netloc.lower())
