"""Hostile and broken input: a clear error naming the file (and line), exit 1, no writes.

Every case runs ``wikisync apply DIR --auto-approve`` against a running emulator. A bad
file, a bad ``wikisync.yml``, a bad environment or a bad server must stop the run before
anything is written: the emulator's request log shows zero writes. Source problems are
found before the network is touched at all.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rel_helpers import page_file, run_cli, wiki_env, write_files
from typer.testing import CliRunner

from wikijs.testing import WikiJSEmulator
from wikisync.cli import app

OK_PAGE = page_file("Fine", "A page with nothing wrong.")


@dataclass(frozen=True)
class Case:
    files: dict[str, str | bytes]
    expect: tuple[str, ...]  # every fragment appears in stderr
    config: str = "root: handbook\nprune: true\n"
    links: dict[str, str] = field(default_factory=dict)  # symlink name -> target


def _deep(depth: int) -> str:
    return "title: x\nextra: " + "[" * depth + "1" + "]" * depth + "\n"


BILLION_LAUGHS = (
    "title: lol\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
)
LONG = "x" * 120

CASES: dict[str, Case] = {
    # -- front matter -----------------------------------------------------------------------
    "invalid YAML": Case(
        {"bad.md": "---\ntitle: Fine\ntags: [unclosed\n---\nBody\n"}, ("bad.md:4", "not valid YAML")
    ),
    "YAML billion laughs": Case(
        {"bomb.md": f"---\n{BILLION_LAUGHS}---\nBody\n"}, ("bomb.md:6", "not allowed")
    ),
    "YAML deep nesting": Case(
        {"deep.md": f"---\n{_deep(200)}---\nBody\n"}, ("deep.md:3", "nested more than")
    ),
    "tags of the wrong type": Case(
        {"tags.md": "---\ntitle: T\ntags:\n  a: 1\n---\nBody\n"}, ("tags.md:3", "tags")
    ),
    "unknown editor": Case(
        {"ed.md": "---\ntitle: T\neditor: wysiwyg\n---\nBody\n"}, ("ed.md:3", "editor")
    ),
    "published both ways": Case(
        {"pub.md": "---\ntitle: T\npublished: true\nisPublished: false\n---\nBody\n"},
        ("pub.md:", "isPublished"),
    ),
    "bad publish date": Case(
        {"date.md": "---\ntitle: T\npublishStartDate: next tuesday\n---\nBody\n"},
        ("date.md:3", "publishStartDate"),
    ),
    "title over 255 characters": Case(
        {"title.md": page_file("T" * 300, "Body")}, ("title.md:2", "255")
    ),
    "description over 255 characters": Case(
        {"desc.md": f"---\ntitle: T\ndescription: {'d' * 256}\n---\nBody\n"},
        ("desc.md:3", "255"),
    ),
    "a heading title over 255 characters": Case(
        {"heading.md": f"# {'H' * 256}\n\nBody\n"}, ("heading.md", "255")
    ),
    "private is not a boolean": Case(
        {"priv.md": "---\ntitle: T\nprivate: maybe\n---\nBody\n"}, ("priv.md:3", "private")
    ),
    # -- bytes ------------------------------------------------------------------------------
    "not UTF-8": Case(
        {"latin.md": "---\ntitle: Caf\xe9\n---\n".encode("latin-1") + b"Body\n"},
        ("latin.md:2", "not UTF-8"),
    ),
    "NUL bytes": Case(
        {"nul.md": b"---\ntitle: T\n---\nline one\nline\x00two\n"}, ("nul.md:5", "NUL")
    ),
    "a 6 MB page": Case(
        {"huge.md": page_file("Huge", "word " * (6 * 1024 * 1024 // 5))}, ("huge.md", "MB")
    ),
    # -- the file system --------------------------------------------------------------------
    "symlink to /etc/passwd": Case(
        {"ok.md": OK_PAGE}, ("passwd.md", "outside"), links={"passwd.md": "/etc/passwd"}
    ),
    "symlink loop": Case(
        {"ok.md": OK_PAGE},
        ("loop.md", "loop"),
        links={"loop.md": "loop2.md", "loop2.md": "loop.md"},
    ),
    "symlinked folder leaving the directory": Case(
        {"ok.md": OK_PAGE}, ("etc", "outside"), links={"etc": "/etc"}
    ),
    # -- paths ------------------------------------------------------------------------------
    "a path with ..": Case({"notes..md": OK_PAGE}, ("notes..md",)),
    "a link out of the directory": Case(
        {"up.md": page_file("Up", "See [secrets](../../etc/passwd).")},
        ("up.md:5", "outside"),
    ),
    "a link to a missing file": Case(
        {"dangling.md": page_file("D", "See [gone](gone.md).")}, ("dangling.md:5", "gone.md")
    ),
    "reserved path login": Case({"login.md": OK_PAGE}, ("login.md", "login"), config="root: ''\n"),
    "reserved path js": Case({"js/app.md": OK_PAGE}, ("js/app.md", "js"), config="root: ''\n"),
    "reserved path img": Case({"img/logo.md": OK_PAGE}, ("img/logo.md",), config="root: ''\n"),
    "locale-like first segment": Case(
        {"xx/page.md": OK_PAGE}, ("xx/page.md", "locale"), config="root: ''\n"
    ),
    "a path with a space": Case({"my page.md": OK_PAGE}, ("my page.md",)),
    "a path over 255 characters": Case(
        {f"{LONG}/{LONG}/{LONG}.md": OK_PAGE}, (f"{LONG}/{LONG}/{LONG}.md", "255")
    ),
    "duplicate targets by case": Case(
        {"Guide.md": OK_PAGE, "guide.md": OK_PAGE}, ("Guide.md", "guide.md")
    ),
    "x.md next to x/index.md": Case(
        {"x.md": OK_PAGE, "x/index.md": OK_PAGE}, ("x.md", "x/index.md")
    ),
    "a file onto the state page": Case({"_wikisync-state.md": OK_PAGE}, ("_wikisync-state.md",)),
    # -- wikisync.yml -----------------------------------------------------------------------
    "config with an unknown key": Case(
        {"ok.md": OK_PAGE}, ("wikisync.yml:2", "prnue"), config="root: handbook\nprnue: true\n"
    ),
    "config not YAML": Case(
        {"ok.md": OK_PAGE}, ("wikisync.yml:", "not valid YAML"), config="root: [handbook\n"
    ),
    "config YAML bomb": Case(
        {"ok.md": OK_PAGE},
        ("wikisync.yml:", "not allowed"),
        config="root: handbook\nexclude: &a [x, x]\ninclude: [*a, *a]\n",
    ),
    "config with a secret": Case(
        {"ok.md": OK_PAGE},
        ("wikisync.yml:2", "api_key", "environment only"),
        config="root: handbook\napi_key: abc123\n",
    ),
    "config value of the wrong type": Case(
        {"ok.md": OK_PAGE}, ("wikisync.yml:2", "prune"), config="root: handbook\nprune: maybe\n"
    ),
    "config root with ..": Case(
        {"ok.md": OK_PAGE}, ("wikisync.yml:1", "root"), config="root: ../etc\n"
    ),
    "config max_delete negative": Case(
        {"ok.md": OK_PAGE}, ("wikisync.yml:1", "max_delete"), config="max_delete: -1\n"
    ),
    "config not a mapping": Case({"ok.md": OK_PAGE}, ("wikisync.yml:1",), config="- a\n- b\n"),
}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _apply(runner: CliRunner, directory: Path, env: dict[str, str], *extra: str) -> Any:
    return runner.invoke(app, ["apply", str(directory), "--auto-approve", *extra], env=env)


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_refused_before_any_request(
    name: str, tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    case = CASES[name]
    directory = write_files(tmp_path / "site", {"wikisync.yml": case.config, **case.files})
    for link, target in case.links.items():
        (directory / link).symlink_to(target)
    emulator.log.reset()

    result = _apply(runner, directory, wiki_env(emulator))

    assert result.exit_code == 1, result.output
    for fragment in case.expect:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    assert "Traceback" not in result.output
    assert emulator.log.requests == 0
    # validate reports the same problem, offline.
    checked = runner.invoke(app, ["validate", str(directory)])
    assert checked.exit_code == 1
    assert case.expect[0] in checked.output


# -- a directory that lost its files -------------------------------------------------------------


def test_an_emptied_directory_deletes_nothing(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    directory = write_files(
        tmp_path / "site",
        {"wikisync.yml": "root: handbook\nprune: true\nmax_delete: 100\n", "a.md": OK_PAGE},
    )
    assert _apply(runner, directory, wiki_env(emulator)).exit_code == 0
    (directory / "a.md").unlink()
    emulator.log.reset()

    result = _apply(runner, directory, wiki_env(emulator))

    assert result.exit_code == 4, result.output
    assert "a safety guard refused the plan; nothing was applied" in result.stderr
    assert "the source has no pages" in result.stderr, result.stderr
    assert emulator.log.writes() == []
    assert emulator.find_page("handbook/a") is not None


# -- the environment and the server --------------------------------------------------------------


ENVIRONMENT_CASES: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "URL without scheme": ({"WIKIJS_URL": "127.0.0.1:3000"}, ("http:// or https://",)),
    "URL empty": ({"WIKIJS_URL": ""}, ("WIKIJS_URL",)),
    "no credentials": ({"WIKIJS_API_KEY": ""}, ("WIKIJS_API_KEY",)),
    "timeout not a number": ({"WIKIJS_TIMEOUT": "soon"}, ("WIKIJS_TIMEOUT", "'soon'")),
    "timeout negative": ({"WIKIJS_TIMEOUT": "-5"}, ("WIKIJS_TIMEOUT",)),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_files(
        tmp_path / "site", {"wikisync.yml": "root: handbook\n", "a.md": OK_PAGE, "b.md": OK_PAGE}
    )


@pytest.mark.parametrize("name", list(ENVIRONMENT_CASES))
def test_a_bad_environment_is_refused_before_any_request(
    name: str, site: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    overrides, expect = ENVIRONMENT_CASES[name]
    emulator.log.reset()
    result = _apply(runner, site, {**wiki_env(emulator), **overrides})
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    for fragment in expect:
        assert fragment in result.stderr, result.stderr
    assert emulator.log.requests == 0


def test_a_wrong_key_is_refused_instead_of_running_as_guest(
    site: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    """Wiki.js runs a request with an unknown key as the Guest user; wikisync notices."""
    env = {**wiki_env(emulator), "WIKIJS_API_KEY": "eyJhbGciOiJSUzI1NiJ9.bm90LWEta2V5.c2ln"}
    result = _apply(runner, site, env)
    assert result.exit_code == 1, result.output
    assert "Guest" in result.stderr, result.stderr
    assert emulator.log.writes() == []


def test_a_revoked_key_is_refused(site: Path, emulator: WikiJSEmulator, runner: CliRunner) -> None:
    key = emulator.issue_key("revoked")
    emulator.revoke_key(key)
    result = _apply(runner, site, {**wiki_env(emulator), "WIKIJS_API_KEY": key})
    assert result.exit_code == 1, result.output
    assert "revoked" in result.stderr
    assert emulator.log.writes() == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _after_flavor(stderr: str) -> str:
    """Standard error without the first line naming the flavor the command used."""
    first, _, rest = stderr.partition("\n")
    assert first.startswith("Flavor: "), stderr
    return rest


def test_an_unreachable_server_is_a_clear_error(site: Path, runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    result = _apply(runner, site, {"WIKIJS_URL": url, "WIKIJS_API_KEY": "k" * 40})
    assert result.exit_code == 1, result.output
    assert _after_flavor(result.stderr).startswith("Error: ")
    assert "could not connect" in result.stderr, result.stderr
    assert "Traceback" not in result.output


class _HtmlHandler(BaseHTTPRequestHandler):
    """A web server that is not Wiki.js: every request gets an HTML page."""

    requests = 0

    def _answer(self) -> None:
        type(self).requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        body = b"<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _answer
    do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@pytest.fixture
def html_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HtmlHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_answering_html_is_a_clear_error(
    site: Path, html_server: str, runner: CliRunner
) -> None:
    result = _apply(runner, site, {"WIKIJS_URL": html_server, "WIKIJS_API_KEY": "k" * 40})
    assert result.exit_code == 1, result.output
    assert _after_flavor(result.stderr).startswith("Error: ")
    assert "JSON" in result.stderr or "HTML" in result.stderr, result.stderr
    assert "Traceback" not in result.output


# -- saved plans and directories -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ("{not json", "plan.json: not a wikisync plan file: invalid JSON"),
        (
            '{"format_version": "99", "changes": []}',
            "plan.json: unsupported plan format_version '99'",
        ),
        ("[]", "plan.json: not a wikisync plan file"),
    ],
    ids=["not JSON", "unknown format", "not an object"],
)
def test_a_broken_saved_plan_is_refused(
    content: str, expect: str, tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(content, encoding="utf-8")
    emulator.log.reset()
    result = run_cli("apply", plan, env=wiki_env(emulator))
    assert result.returncode == 1, result
    assert expect in result.stderr, result
    assert "Traceback" not in result.output
    assert emulator.log.writes() == []


def test_a_missing_directory_is_refused(tmp_path: Path, emulator: WikiJSEmulator) -> None:
    result = run_cli("apply", tmp_path / "nope", "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 1, result
    assert f"{tmp_path / 'nope'}: no such" in result.stderr
    assert emulator.log.requests == 0


def test_directory_symlinks_inside_the_directory_are_fine(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    """The control case for the symlink checks: a link that stays inside is followed."""
    directory = write_files(
        tmp_path / "site", {"wikisync.yml": "root: handbook\n", "real/a.md": OK_PAGE}
    )
    os.symlink("real/a.md", directory / "alias.md")
    result = _apply(runner, directory, wiki_env(emulator))
    assert result.exit_code == 0, result.output
    assert emulator.find_page("handbook/alias") is not None
