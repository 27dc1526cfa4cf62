"""Where the key goes, and what a plan argument is.

Credentials go only to the URL from the environment (``WIKIJS_URL``) or ``--url``: a
saved plan names the wiki it was made for, and ``apply`` refuses it, before any request,
when that is not the wiki the environment points at. A second loopback server records
every connection it gets (also one it never answered): it must get none.

A plan argument is a saved plan if it is a regular file and a content directory if it is
a directory, whatever its name; anything else is a clear error, and a saved plan of the
wrong shape, nesting or size is refused with a message naming what is wrong.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import CliResult, base_env, numbered_site, run_cli, wiki_env
from typer.testing import CliRunner

from wikijs.testing import WikiJSEmulator
from wikisync.cli import app
from wikisync.cli._common import same_wiki
from wikisync.cli.apply import MAX_PLAN_BYTES

# -- a server that records everything it receives -------------------------------------------


@dataclass
class Received:
    connections: int = 0
    requests: list[tuple[str, str, dict[str, str], bytes]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # bytes of connections never answered

    @property
    def everything(self) -> bytes:
        parts = [b"".join(f"{k}: {v}\n".encode() for k, v in h.items()) + b for *_, h, b in
                 self.requests]  # fmt: skip
        return b"\n".join(parts + self.raw)


class Recorder:
    """A loopback HTTP server that records each connection, request, header and byte.

    :meth:`stop` also drains connections the server never accepted (still queued in the
    kernel's backlog), so "received nothing" means that no connection was even opened,
    and the answer never depends on how fast the server thread ran.
    """

    def __init__(self) -> None:
        self.received = Received()
        lock = threading.Lock()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                self._record()

            def do_GET(self) -> None:  # noqa: N802
                self._record()

            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with lock:
                    received.requests.append(
                        (self.command, self.path, dict(self.headers.items()), body)
                    )
                payload = b'{"errors": [{"message": "this is not a wiki"}]}'
                self.send_response(404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def process_request(self, request: Any, client_address: Any) -> None:
                with lock:
                    received.connections += 1
                super().process_request(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> Received:
        """Stop serving, then count what is still queued; returns everything received."""
        self.server.shutdown()
        self._thread.join()
        listener = self.server.socket
        listener.setblocking(False)
        while True:
            try:
                conn, _ = listener.accept()
            except BlockingIOError:
                break
            self.received.connections += 1
            conn.setblocking(False)
            chunks = []
            while True:
                try:
                    chunk = conn.recv(65536)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                chunks.append(chunk)
            self.received.raw.append(b"".join(chunks))
            conn.close()
        self.server.server_close()
        return self.received


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    try:
        yield rec
    finally:
        if rec._thread.is_alive():
            rec.stop()


def _saved_plan(tmp_path: Path, emulator: WikiJSEmulator, pages: int = 3) -> tuple[Path, Path]:
    """A plan saved by ``wikisync plan --out`` (in this process: only apply is the subject)."""
    site = numbered_site(tmp_path / "site", pages)
    plan = tmp_path / "plan.json"
    made = CliRunner().invoke(
        app, ["plan", str(site.directory), "--out", str(plan)], env=wiki_env(emulator)
    )
    assert made.exit_code == 0, made.output
    return site.directory, plan


def _retarget(plan: Path, url: str | None) -> None:
    document = json.loads(plan.read_text(encoding="utf-8"))
    if url is None:
        del document["target"]["url"]
    else:
        document["target"]["url"] = url
    plan.write_text(json.dumps(document), encoding="utf-8")


def _assert_refused(result: CliResult, *fragments: str) -> None:
    assert result.returncode == 1, result
    assert result.stderr.startswith("Error: "), result
    for fragment in fragments:
        assert fragment in result.stderr, result
    assert "Traceback" not in result.output


# -- the key goes only where the environment points -----------------------------------------


def test_a_plan_naming_another_server_is_refused_and_that_server_gets_nothing(
    tmp_path: Path, emulator: WikiJSEmulator, recorder: Recorder
) -> None:
    _, plan = _saved_plan(tmp_path, emulator)
    _retarget(plan, recorder.url)
    emulator.log.reset()
    result = run_cli("apply", plan, env=wiki_env(emulator), timeout=60)
    received = recorder.stop()
    _assert_refused(result, "plan.json: the saved plan was made for the wiki at", recorder.url)
    assert "Nothing was sent" in result.stderr
    assert received.connections == 0 and received.everything == b""
    assert emulator.log.requests == 0  # refused before the first request, to either server
    assert emulator.api_key not in result.output


def test_a_plan_for_the_emulator_is_refused_when_the_environment_points_elsewhere(
    tmp_path: Path, emulator: WikiJSEmulator, recorder: Recorder
) -> None:
    """The reverse: the environment names the recorder, the plan names the emulator."""
    _, plan = _saved_plan(tmp_path, emulator)
    emulator.log.reset()
    env = base_env(WIKIJS_URL=recorder.url, WIKIJS_API_KEY=emulator.api_key)
    result = run_cli("apply", plan, env=env, timeout=60)
    received = recorder.stop()
    _assert_refused(result, f"the saved plan was made for the wiki at {emulator.url!r}")
    assert received.connections == 0 and received.everything == b""
    assert emulator.log.requests == 0


def test_url_overrides_the_environment_and_is_checked_like_it(
    tmp_path: Path, emulator: WikiJSEmulator, recorder: Recorder
) -> None:
    _, plan = _saved_plan(tmp_path, emulator)
    emulator.log.reset()
    result = run_cli("apply", plan, "--url", recorder.url, env=wiki_env(emulator), timeout=60)
    received = recorder.stop()
    _assert_refused(result, f"but WIKIJS_URL/--url is {recorder.url!r}")
    assert received.connections == 0
    assert emulator.log.requests == 0


OTHER_WIKIS = {
    "another scheme": "https://127.0.0.1:{port}",
    "another host name (no DNS lookups)": "http://localhost:{port}",
    "another path": "http://127.0.0.1:{port}/wiki",
    "another query": "http://127.0.0.1:{port}?graphql=1",
    "no port, so port 80": "http://127.0.0.1",
    "another port, with user info": "http://someone:secret@127.0.0.1:{other}",
    "not http": "ftp://127.0.0.1:{port}",
    "not a URL": "not a url",
    "empty": "",
}


@pytest.mark.parametrize("name", list(OTHER_WIKIS))
def test_every_other_url_is_another_wiki(
    name: str, tmp_path: Path, emulator: WikiJSEmulator, recorder: Recorder
) -> None:
    variant = OTHER_WIKIS[name]
    _, plan = _saved_plan(tmp_path, emulator)
    port = emulator.url.rsplit(":", 1)[1]
    other = recorder.url.rsplit(":", 1)[1]
    _retarget(plan, variant.format(port=port, other=other))
    emulator.log.reset()
    result = run_cli("apply", plan, env=wiki_env(emulator), timeout=60)
    received = recorder.stop()
    _assert_refused(result, "plan.json: the saved plan")
    assert "secret" not in result.output  # user info in the plan's URL is masked
    assert received.connections == 0
    assert emulator.log.requests == 0


def test_a_plan_without_a_url_is_refused(tmp_path: Path, emulator: WikiJSEmulator) -> None:
    _, plan = _saved_plan(tmp_path, emulator)
    _retarget(plan, None)
    emulator.log.reset()
    result = run_cli("apply", plan, env=wiki_env(emulator), timeout=60)
    _assert_refused(result, "does not say which wiki it was made for")
    assert emulator.log.requests == 0


@pytest.mark.parametrize(
    "spelling",
    ["HTTP://127.0.0.1:{port}/", "http://127.0.0.1:{port}//", " http://127.0.0.1:{port} "],
)
def test_the_same_wiki_spelled_differently_is_applied(
    spelling: str, tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    _, plan = _saved_plan(tmp_path, emulator)
    _retarget(plan, spelling.format(port=emulator.url.rsplit(":", 1)[1]))
    result = run_cli("apply", plan, env=wiki_env(emulator), timeout=60)
    assert result.returncode == 0, result
    assert emulator.find_page("handbook/p02") is not None


def test_the_recorder_would_have_seen_a_leak(tmp_path: Path, recorder: Recorder) -> None:
    """The control: pointed at the recorder, the CLI's request and key do reach it."""
    site = numbered_site(tmp_path / "site", 1)
    key = "k" * 24 + "-recorded"
    env = base_env(WIKIJS_URL=recorder.url, WIKIJS_API_KEY=key)
    result = run_cli("plan", site.directory, env=env, timeout=60)
    received = recorder.stop()
    assert result.returncode == 1, result
    assert received.connections >= 1 and received.requests
    assert f"Bearer {key}".encode() in received.everything


def test_a_url_in_the_config_file_is_refused_not_used(
    tmp_path: Path, emulator: WikiJSEmulator, recorder: Recorder
) -> None:
    """wikisync.yml cannot name a wiki either: ``url`` is an unknown key."""
    directory = numbered_site(
        tmp_path / "site", 1, config=f"root: handbook\nurl: {recorder.url}\n"
    ).directory
    emulator.log.reset()
    result = run_cli("apply", directory, "--auto-approve", env=wiki_env(emulator), timeout=60)
    received = recorder.stop()
    _assert_refused(result, "wikisync.yml:2", "url")
    assert received.connections == 0
    assert emulator.log.writes() == []


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("http://wiki.example", "HTTP://WIKI.example/", True),
        ("https://wiki.example", "https://wiki.example:443", True),
        ("http://wiki.example:80/", "http://wiki.example", True),
        ("http://[::1]:3000", "http://[::1]:3000/", True),
        ("http://wiki.example/docs/", "http://wiki.example/docs", True),
        ("http://wiki.example", "https://wiki.example", False),
        ("https://wiki.example", "https://wiki.example:8443", False),
        ("https://wiki.example", "https://wiki.example.", False),
        ("https://wiki.example", "https://wiki.example.evil.test", False),
        ("https://wiki.example", "https://evil.test/?https://wiki.example", False),
        ("https://wiki.example/docs", "https://wiki.example/Docs", False),
        ("https://wiki.example", "https://wiki.example:99999", False),
        ("https://wiki.example", "wiki.example", False),
        ("", "", False),
    ],
)
def test_same_wiki_compares_normalised_urls(a: str, b: str, same: bool) -> None:
    assert same_wiki(a, b) is same
    assert same_wiki(b, a) is same


# -- a plan argument is what it is, not what it is called ----------------------------------


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_a_folder_called_plan_json_is_a_content_directory(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    directory = numbered_site(tmp_path / "plan.json", 2).directory
    result = runner.invoke(app, ["apply", str(directory), "--auto-approve"], env=wiki_env(emulator))
    assert result.exit_code == 0, result.output
    assert "Apply complete! 2 created" in result.stdout
    assert emulator.find_page("handbook/p01") is not None


def test_a_file_without_a_json_name_is_a_saved_plan(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    _, plan = _saved_plan(tmp_path, emulator, pages=2)
    renamed = plan.rename(tmp_path / "reviewed-plan")
    linked = tmp_path / "current"
    linked.symlink_to(renamed)  # a link to a file is the file
    result = run_cli("apply", linked, env=wiki_env(emulator), timeout=60)
    assert result.returncode == 0, result
    assert "Apply complete! 2 created" in result.stdout


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A directory with a short path (a socket's path is limited to about 100 bytes)."""
    with tempfile.TemporaryDirectory(prefix="ws", dir="/tmp") as name:
        yield Path(name)


def _special(kind: str, where: Path) -> Path:
    if kind == "FIFO":
        path = where / "plan.json"
        os.mkfifo(path)
    elif kind == "symlink to a FIFO":
        os.mkfifo(where / "fifo")
        path = where / "plan.json"
        path.symlink_to(where / "fifo")
    elif kind == "socket":
        path = where / "plan.json"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(path))
        sock.close()
    elif kind == "character device":
        path = where / "plan.json"
        path.symlink_to("/dev/null")
    elif kind == "missing":
        path = where / "plan.json"
    else:  # a dangling symlink
        path = where / "plan.json"
        path.symlink_to(where / "gone.json")
    return path


@pytest.mark.parametrize(
    ("kind", "expect"),
    [
        ("FIFO", "is a named pipe (FIFO)"),
        ("symlink to a FIFO", "is a named pipe (FIFO)"),
        ("socket", "is a socket"),
        ("character device", "is a character device"),
        ("missing", "no such file or directory"),
        ("dangling symlink", "no such file or directory"),
    ],
)
def test_anything_but_a_file_or_a_directory_is_a_clear_error(
    kind: str, expect: str, short_dir: Path, emulator: WikiJSEmulator
) -> None:
    path = _special(kind, short_dir)
    emulator.log.reset()
    # A FIFO opened for reading would block forever: the timeout turns a hang into a failure.
    result = run_cli("apply", path, "--auto-approve", env=wiki_env(emulator), timeout=60)
    _assert_refused(result, f"{path}: {expect}")
    assert emulator.log.requests == 0


# -- a saved plan of the wrong shape, nesting or size ---------------------------------------

SUMMARY = {"create": 0, "update": 0, "move": 0, "delete": 0, "conflict": 0, "unchanged": 0}


def _document(**overrides: Any) -> str:
    document: dict[str, Any] = {
        "format_version": "1",
        "target": {"url": "http://127.0.0.1:9", "root": "handbook", "locale": "en", "dir": "."},
        "summary": SUMMARY,
        "changes": [],
    }
    document.update(overrides)
    return json.dumps(document)


PAGE = {
    "action": "create",
    "path": "handbook/a",
    "locale": "en",
    "source": "a.md",
    "page_id": None,
    "from_path": None,
    "fields": [],
    "remote_updated_at": None,
    "digest": None,
}

BAD_PLANS: dict[str, tuple[str, str]] = {
    "100,000 nested arrays": ("[" * 100_000 + "]" * 100_000, "nested more than 200 levels"),
    "nesting in a valid plan": (
        _document(extra={"a": json.loads("[" * 250 + "]" * 250)}),
        "nested more than 200 levels",
    ),
    "nested objects, unclosed": ('{"a":' * 50_000, "nested more than 200 levels"),
    "an empty file": ("", "invalid JSON"),
    "only whitespace": ("  \n\t ", "invalid JSON"),
    "NaN in a count": ('{"format_version": "1", "summary": {"create": NaN}}', "invalid JSON"),
    "a string": ('"plan"', "must be a JSON object"),
    "format_version as a number": (_document(format_version=1), "format_version 1"),
    "a list of changes that is an object": (_document(changes={}), "changes must be a list"),
    "a change that is a number": (_document(changes=[7]), "changes[0] must be an object"),
    "a change of an unknown kind": (
        _document(changes=[{**PAGE, "kind": "secret"}]),
        "changes[0].kind 'secret' is not page or asset",
    ),
    "an unknown action": (
        _document(changes=[{**PAGE, "action": "rm -rf"}]),
        "changes[0].action 'rm -rf' is not one of",
    ),
    "a page id that is a boolean": (
        _document(changes=[{**PAGE, "page_id": True}]),
        "changes[0].page_id must be a whole number",
    ),
    "a page id that is a string": (
        _document(changes=[{**PAGE, "page_id": "12"}]),
        "changes[0].page_id must be a whole number",
    ),
    "fields that are a string": (
        _document(changes=[{**PAGE, "fields": "content"}]),
        "changes[0].fields must be a list",
    ),
    "a change without a path": (
        _document(changes=[{k: v for k, v in PAGE.items() if k != "path"}]),
        "changes[0].path is missing",
    ),
    "a negative asset size": (
        _document(changes=[{"kind": "asset", "action": "upload", "path": "a.png", "size": -5}]),
        "changes[0].size must not be negative",
    ),
    "a target that is a list": (_document(target=[]), "target must be an object"),
    "a target URL that is a number": (
        _document(target={"url": 80}),
        "target.url must be a string",
    ),
    "counts that are strings": (
        _document(summary={**SUMMARY, "create": "0"}),
        "summary must count",
    ),
    "a negative count": (_document(summary={**SUMMARY, "unchanged": -1}), "summary must count"),
    "counts that lie": (_document(summary={**SUMMARY, "create": 3}), "summary says 3 create"),
    "many problems at once": (
        _document(changes=[1, 2, 3, 4, 5]),
        "(and 2 more problem(s))",
    ),
    "not UTF-8": ('{"format_version": "1\xff"}', "not UTF-8"),
}


@pytest.mark.parametrize("name", list(BAD_PLANS))
def test_a_saved_plan_of_the_wrong_shape_is_a_clear_error(
    name: str, tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    text, expect = BAD_PLANS[name]
    plan = tmp_path / "plan.json"
    plan.write_bytes(text.encode("latin-1") if name == "not UTF-8" else text.encode("utf-8"))
    emulator.log.reset()
    result = runner.invoke(app, ["apply", str(plan)], env=wiki_env(emulator))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.startswith(f"Error: {plan}: "), result.stderr
    assert expect in result.stderr, result.stderr
    assert len(result.stderr) < 2_000  # the message quotes, it does not dump the document
    assert emulator.log.requests == 0


def test_a_huge_saved_plan_is_refused_without_reading_it(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    plan = tmp_path / "plan.json"
    with plan.open("wb") as fh:  # sparse: no disk space, no time to write it
        fh.truncate(MAX_PLAN_BYTES + 1)
    emulator.log.reset()
    result = runner.invoke(app, ["apply", str(plan)], env=wiki_env(emulator))
    assert result.exit_code == 1, result.output
    expect = f"{plan}: not a wikisync plan file: it has {MAX_PLAN_BYTES + 1:,} bytes, more than"
    assert expect in result.stderr, result.stderr
    assert emulator.log.requests == 0


def test_a_plan_within_the_size_limit_is_read(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    """The control for the size limit: padding (whitespace) below it is fine."""
    directory, plan = _saved_plan(tmp_path, emulator, pages=1)
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text + " " * (4 * 1024 * 1024), encoding="utf-8")
    result = runner.invoke(app, ["apply", str(plan)], env=wiki_env(emulator))
    assert result.exit_code == 0, result.output
    assert emulator.find_page("handbook/p00") is not None
    assert directory.is_dir()


def test_a_saved_plan_with_a_byte_order_mark_is_read(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    _, plan = _saved_plan(tmp_path, emulator, pages=1)
    plan.write_bytes(b"\xef\xbb\xbf" + plan.read_bytes())
    result = runner.invoke(app, ["apply", str(plan)], env=wiki_env(emulator))
    assert result.exit_code == 0, result.output
