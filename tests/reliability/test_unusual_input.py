"""Unusual input through the real command against the emulator: what Wiki.js would refuse
is refused before any write; costs stay linear; special files are skipped; parsers fail
inside the error boundary; pull checks containment before it creates a folder; names are
compared normalised and printed escaped; near-miss settings are reported; ``protect``
entries ending in ``/`` cover the subtree.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from git_helpers import git
from rel_helpers import page_file, run_cli, wiki_env, write_files
from typer.testing import CliRunner

from wikijs import WikiJSClient
from wikijs.testing import WikiJSEmulator
from wikisync.cli import app
from wikisync.cli._common import boundary

OK_PAGE = page_file("Fine", "A page with nothing wrong.")
RLO = "\u202e"
ZWSP = "\u200b"
NFC = "caf\u00e9"
NFD = "cafe\u0301"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _site(tmp_path: Path, files: dict[str, str | bytes], config: str | None) -> Path:
    entries: dict[str, str | bytes] = dict(files)
    if config is not None:
        entries["wikisync.yml"] = config
    return write_files(tmp_path / "site", entries)


@dataclass(frozen=True)
class Case:
    files: dict[str, str | bytes]
    expect: tuple[str, ...]
    config: str | None = "root: handbook\n"


CASES: dict[str, Case] = {
    # -- what Wiki.js would refuse ---------------------------------------------------------
    "zero-byte page": Case({"ok.md": OK_PAGE, "empty.md": b""}, ("empty.md", "add content")),
    "front matter only": Case(
        {"ok.md": OK_PAGE, "header.md": "---\ntitle: Header only\n---\n"},
        ("header.md", "add content or exclude it"),
    ),
    "whitespace only": Case({"ok.md": OK_PAGE, "blank.md": " \n\t\n\n"}, ("blank.md",)),
    "HTML comment header only": Case(
        {"ok.md": OK_PAGE, "page.html": "<!--\ntitle: T\n-->\n"}, ("page.html", "no content")
    ),
    "locale mis-cased": Case(
        {"ok.md": OK_PAGE}, ("wikisync.yml:2", "lower case", "'en'"), "root: handbook\nlocale: EN\n"
    ),
    "locales mis-cased": Case(
        {"ok.md": OK_PAGE}, ("wikisync.yml:2", "'fr'"), "root: handbook\nlocales: [en, FR]\n"
    ),
    # -- parsers inside the boundary -------------------------------------------------------
    "a python tag in wikisync.yml": Case(
        {"ok.md": OK_PAGE},
        ("wikisync.yml:2", "python/object"),
        "root: handbook\nexclude: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
    ),
    "an int tag on text in wikisync.yml": Case(
        {"ok.md": OK_PAGE},
        ("wikisync.yml:2", "max_delete"),
        "root: handbook\nmax_delete: !!int ten\n",
    ),
    "a bool tag on text in wikisync.yml": Case(
        {"ok.md": OK_PAGE}, ("wikisync.yml:1", "prune"), "prune: !!bool maybe\nroot: handbook\n"
    ),
    # -- names -----------------------------------------------------------------------------
    "NFC and NFD twins": Case(
        {f"{NFC}.md": OK_PAGE, f"{NFD}.md": OK_PAGE}, ("cafe\\u0301.md", "Unicode normalisation")
    ),
    "NFD folder and NFC folder": Case(
        {f"{NFC}/menu.md": OK_PAGE, f"{NFD}/menu.md": OK_PAGE}, ("menu.md", "normalisation")
    ),
    "bidi override in a name": Case(
        {"ok.md": OK_PAGE, f"invoice{RLO}fdp.md": OK_PAGE}, ("invoice\\u202efdp.md", "bidi")
    ),
    "zero-width space in a folder": Case(
        {"ok.md": OK_PAGE, f"gu{ZWSP}ide/setup.md": OK_PAGE},
        ("gu\\u200bide/setup.md", "zero-width"),
    ),
    "escape sequence in a name": Case(
        {"ok.md": OK_PAGE, "red\x1b[31mtext.md": OK_PAGE}, ("red\\x1b[31mtext.md", "control")
    ),
    # -- near-miss settings ----------------------------------------------------------------
    "only wikisync.yaml": Case(
        {"ok.md": OK_PAGE, "wikisync.yaml": "root: handbook\n"},
        ("wikisync.yaml:", "'wikisync.yml'", "whole wiki"),
        None,
    ),
    "only .wikisync.yml": Case(
        {"ok.md": OK_PAGE, ".wikisync.yml": "root: handbook\n"}, (".wikisync.yml:", "rename"), None
    ),
    "only WikiSync.yml": Case(
        {"ok.md": OK_PAGE, "WikiSync.yml": "root: handbook\n"}, ("WikiSync.yml:", "rename"), None
    ),
    "a misspelled key": Case(
        {"ok.md": OK_PAGE},
        ("wikisync.yml:2", "did you mean 'exclude'"),
        "root: handbook\nexlude: [x]\n",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_refused_before_any_request(
    name: str, tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    case = CASES[name]
    directory = _site(tmp_path, case.files, case.config)
    emulator.log.reset()

    result = runner.invoke(app, ["apply", str(directory), "--auto-approve"], env=wiki_env(emulator))

    assert result.exit_code == 1, result.output
    for fragment in case.expect:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"
    assert "Traceback" not in result.output
    assert not {RLO, ZWSP, "\x1b"} & set(result.output)  # names are printed escaped
    assert emulator.log.requests == 0
    checked = runner.invoke(app, ["validate", str(directory)])
    assert checked.exit_code == 1
    assert case.expect[0] in checked.output
    assert not {RLO, ZWSP, "\x1b"} & set(checked.output)


# -- locales the wiki has not installed ----------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "files", "expect"),
    [
        ("root: handbook\nlocale: zz\n", {"ok.md": OK_PAGE}, "wikisync.yml:2: locale 'zz'"),
        (
            "root: handbook\nlocales: [en, zz]\n",
            {"ok.md": OK_PAGE, "zz/seite.md": OK_PAGE},
            "zz/seite.md: is in locale 'zz'",
        ),
        ("locale: pt-br\nroot: handbook\n", {"ok.md": OK_PAGE}, "wikisync.yml:1: locale 'pt-br'"),
    ],
    ids=["default locale", "a locale folder", "a region locale"],
)
def test_an_uninstalled_locale_is_refused_by_plan_with_zero_writes(
    config: str,
    files: dict[str, str | bytes],
    expect: str,
    tmp_path: Path,
    emulator: WikiJSEmulator,
    runner: CliRunner,
) -> None:
    directory = _site(tmp_path, files, config)
    assert runner.invoke(app, ["validate", str(directory)]).exit_code == 0  # offline: fine
    emulator.log.reset()
    for command in (["plan", str(directory)], ["apply", str(directory), "--auto-approve"]):
        result = runner.invoke(app, command, env=wiki_env(emulator))
        assert result.exit_code == 1, result.output
        assert expect in result.stderr, result.stderr
        assert "not installed in the wiki" in result.stderr
        assert "de, en, fr" in result.stderr  # what the wiki has
        assert "foreign key" not in result.output and "Traceback" not in result.output
    assert emulator.log.writes() == []


def test_an_installed_locale_folder_is_applied(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    directory = _site(
        tmp_path, {"ok.md": OK_PAGE, "fr/page.md": OK_PAGE}, "root: handbook\nlocales: [en, fr]\n"
    )
    result = runner.invoke(app, ["apply", str(directory), "--auto-approve"], env=wiki_env(emulator))
    assert result.exit_code == 0, result.output
    assert emulator.find_page("handbook/page", locale="fr") is not None


# -- sizes as the SDK sends them -----------------------------------------------------------------


def test_a_three_megabyte_cjk_page_is_applied(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    body = "漢字かなカナ\n" * 150_000  # 3.15 MB of UTF-8; 6.3 MB if escaped as \\uXXXX
    directory = _site(tmp_path, {"cjk.md": page_file("CJK", body)}, "root: handbook\n")
    assert runner.invoke(app, ["validate", str(directory)]).exit_code == 0
    result = runner.invoke(app, ["apply", str(directory), "--auto-approve"], env=wiki_env(emulator))
    assert result.exit_code == 0, result.output
    page = emulator.find_page("handbook/cjk")
    assert page is not None and page.content.startswith("漢字かなカナ")


# -- costs and special files, through the real process (hang guards) -----------------------------


@pytest.mark.timeout(240)
def test_many_links_many_globs_and_deep_folders_validate(tmp_path: Path) -> None:
    links = "".join(f"[l{i}](other.md)\n" for i in range(120_000))
    globs = "".join(f"  - drafts/d{i}.md\n" for i in range(20_000))
    files: dict[str, str | bytes] = {
        "links.md": page_file("Links", links + "[gone](gone.md)"),
        "other.md": OK_PAGE,
        **{f"drafts/d{i}.md": "" for i in range(100)},  # empty, but excluded
        **{f"kept/k{i}.md": OK_PAGE for i in range(100)},
    }
    directory = _site(tmp_path, files, "root: handbook\nexclude:\n" + globs)
    folder = directory
    for _ in range(1_000):
        folder = folder / "d1"
        folder.mkdir()
    (folder / "bottom.md").write_text(OK_PAGE)
    try:
        result = run_cli("validate", directory, "--json", env={**os.environ}, timeout=200)
        doc = json.loads(result.stdout)
        found = {(p["source"], p["line"], p["code"]) for p in doc["problems"]}
        assert ("links.md", 120_005, "broken-link") in found, result
        assert ("d1/" * 1_000 + "bottom.md", None, "path-invalid") in found
        assert len(found) == 2 and "Traceback" not in result.output
    finally:
        (folder / "bottom.md").unlink()
        while folder != directory:
            folder.rmdir()
            folder = folder.parent


@pytest.mark.timeout(120)
def test_a_page_symlinked_to_a_fifo_is_skipped_and_never_opened(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    directory = _site(tmp_path, {"ok.md": OK_PAGE}, "root: handbook\n")
    git(directory, "init", "-q")  # plan asks git for renames: it must not read the FIFOs
    git(directory, "add", ".")
    git(directory, "commit", "-qm", "files")
    os.mkfifo(tmp_path / "site" / "pipe")
    os.symlink("pipe", directory / "pipe.md")
    os.mkfifo(directory / "direct.md")
    checked = run_cli("validate", directory, env=wiki_env(emulator), timeout=60)
    assert checked.returncode == 0, checked
    assert "pipe.md: is a symbolic link to a named pipe (FIFO); skipped" in checked.stdout
    assert "direct.md: is a named pipe (FIFO)" in checked.stdout
    applied = run_cli("apply", directory, "--auto-approve", env=wiki_env(emulator), timeout=60)
    assert applied.returncode == 0, applied
    assert emulator.find_page("handbook/ok") is not None
    assert emulator.find_page("handbook/pipe") is None


# -- one error boundary --------------------------------------------------------------------------


def _through_boundary(error: BaseException) -> tuple[int, str]:
    def command() -> None:
        with boundary():
            raise error

    cli = typer.Typer()
    cli.command()(command)
    result = CliRunner().invoke(cli, [])
    return result.exit_code, result.stderr


def test_the_boundary_turns_any_parser_failure_into_an_error_with_its_line() -> None:
    try:
        yaml.safe_load("a: 1\nb: !!python/object:os.system x\n")
    except yaml.YAMLError as exc:
        code, text = _through_boundary(exc)
    assert code == 1 and text.startswith("Error: input:2: not valid YAML"), text
    try:
        json.loads('{\n"a": [1,\n')
    except json.JSONDecodeError as exc:
        code, text = _through_boundary(exc)
    assert code == 1 and text.startswith("Error: input:3: not valid JSON"), text
    code, text = _through_boundary(RecursionError())
    assert code == 1 and "nested too deeply" in text
    code, text = _through_boundary(b"\xff".decode("utf-8", "strict") if False else _bad_utf8())
    assert code == 1 and "not UTF-8" in text and "0xff" in text


def _bad_utf8() -> UnicodeDecodeError:
    try:
        b"ok \xff".decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc
    raise AssertionError("decoded")


# -- pull: containment before any folder is made, twins, escaping ---------------------------------


def test_pull_creates_no_folder_outside_through_a_symlinked_folder(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    directory = _site(tmp_path, {}, "root: ''\n")
    os.symlink(outside, directory / "linked")
    (directory / "docs").mkdir()
    os.symlink(outside, directory / "docs" / "deeper")
    emulator.add_page("linked/sub/page", "Through the link.\n", title="Sub")
    emulator.add_page("docs/deeper/a/b/page", "Deeper through a link.\n", title="Deep")
    emulator.add_page("fine/page", "A good page.\n", title="Fine")

    result = run_cli("pull", directory, "--all", env=wiki_env(emulator))

    assert result.returncode == 1, result
    assert result.stderr.count("leads outside") == 2, result
    assert list(outside.iterdir()) == []  # not even an empty folder
    assert (directory / "fine" / "page.md").is_file()


def test_pull_refuses_normalisation_twins_and_prints_names_escaped(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    directory = _site(tmp_path, {}, "root: ''\n")
    emulator.add_page(f"menu/{NFC}", "Precomposed.\n", title="NFC")
    emulator.add_page(f"menu/{NFD}", "Decomposed.\n", title="NFD")
    bidi = emulator.add_page("menu/placeholder", "Bidi.\n", title="Bidi")
    emulator.edit_page(bidi, path=f"menu/invoice{RLO}fdp")

    result = run_cli("pull", directory, "--all", env=wiki_env(emulator))

    assert result.returncode == 1, result
    written = (
        sorted(p.name for p in (directory / "menu").glob("*.md"))
        if (directory / "menu").is_dir()
        else []
    )
    assert len({n.casefold() for n in written}) == len(written) <= 1  # never both twins
    assert "normalisation" in result.stderr, result
    assert RLO not in result.output and "invoice\\u202efdp" in result.output
    assert not (directory / "menu" / f"invoice{RLO}fdp.md").exists()


def test_plan_prints_unmanaged_wiki_paths_escaped_in_every_format(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    directory = _site(tmp_path, {"ok.md": OK_PAGE}, "root: handbook\n")
    for i, path in enumerate(
        [f"handbook/evil{RLO}txt", "handbook/red\x1b[31mtext", f"handbook/z{ZWSP}w"]
    ):
        page_id = emulator.add_page(f"handbook/placeholder-{i}", "Hand-made.\n", title="x")
        emulator.edit_page(page_id, path=path)
    env = wiki_env(emulator)
    for extra in ([], ["--format", "github"]):
        result = runner.invoke(app, ["plan", str(directory), *extra], env=env)
        assert result.exit_code == 0, result.output
        assert not {RLO, ZWSP, "\x1b"} & set(result.output), result.output
        for escaped in ("evil\\u202etxt", "red\\x1b[31mtext", "z\\u200bw"):
            assert escaped in result.output, result.output
    as_json = runner.invoke(app, ["plan", str(directory), "--json"], env=env)
    assert as_json.exit_code == 0 and not {RLO, ZWSP, "\x1b"} & set(as_json.stdout)
    assert json.loads(as_json.stdout)["summary"]["create"] == 1
    applied = runner.invoke(app, ["apply", str(directory), "--auto-approve"], env=env)
    assert applied.exit_code == 0 and not {RLO, ZWSP, "\x1b"} & set(applied.output)


# -- protect and targets: a trailing "/" is the subtree -------------------------------------------


def _legal_site(tmp_path: Path, protect: str) -> Path:
    return _site(
        tmp_path,
        {
            "legal.md": OK_PAGE,
            "legal/terms.md": OK_PAGE,
            "legal/eu/privacy.md": OK_PAGE,
            "ok.md": OK_PAGE,
        },
        f"root: handbook\nprune: true\nprotect: [{protect}]\n",
    )


@pytest.mark.parametrize(
    ("protect", "removed", "refused"),
    [
        ("'legal/'", "legal/terms.md", True),
        ("'legal/'", "legal/eu/privacy.md", True),
        ("'legal/'", "legal.md", True),  # the folder's own page is in the subtree
        ("'/handbook/legal/'", "legal/terms.md", True),
        ("'legal'", "legal/terms.md", False),  # without "/": that page only
        ("'legal/'", "ok.md", False),
    ],
)
def test_protect_ending_in_a_slash_covers_the_subtree(
    protect: str,
    removed: str,
    refused: bool,
    tmp_path: Path,
    emulator: WikiJSEmulator,
    runner: CliRunner,
) -> None:
    directory = _legal_site(tmp_path, "'nothing'")  # protect also refuses creates
    env = wiki_env(emulator)
    assert runner.invoke(app, ["apply", str(directory), "--auto-approve"], env=env).exit_code == 0
    (directory / "wikisync.yml").write_text(f"root: handbook\nprune: true\nprotect: [{protect}]\n")
    (directory / removed).unlink()
    emulator.log.reset()
    result = runner.invoke(app, ["apply", str(directory), "--auto-approve"], env=env)
    if refused:
        assert result.exit_code == 4, result.output
        assert "is protected" in result.stderr
        assert emulator.log.writes() == []
    else:
        assert result.exit_code == 0, result.output


def test_a_target_ending_in_a_slash_is_the_subtree(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    directory = _legal_site(tmp_path, "'nothing'")
    result = runner.invoke(
        app, ["plan", str(directory), "--json", "--target", "legal/"], env=wiki_env(emulator)
    )
    assert result.exit_code == 0, result.output
    planned: Any = sorted(c["path"] for c in json.loads(result.stdout)["changes"])
    assert planned == ["handbook/legal", "handbook/legal/eu/privacy", "handbook/legal/terms"]


def test_a_key_that_may_not_read_locales_plans_with_a_note(
    tmp_path: Path, emulator: WikiJSEmulator, runner: CliRunner
) -> None:
    """``localization.locales`` needs ``manage:system``; a key without it still plans."""
    roles = ["read:pages", "write:pages", "manage:pages", "delete:pages", "read:source",
             "read:history", "read:assets", "write:assets", "manage:assets"]  # fmt: skip
    with WikiJSClient(emulator.url, api_key=emulator.api_key) as admin:
        group = admin.groups.create("Editors")
        admin.groups.update(
            group.id,
            permissions=roles,
            page_rules=[
                {
                    "id": "all",
                    "deny": False,
                    "match": "START",
                    "roles": roles,
                    "path": "",
                    "locales": [],
                }
            ],  # fmt: skip
        )
    key = emulator.issue_key("editor", full_access=False, group=group.id)
    directory = _site(tmp_path, {"ok.md": OK_PAGE}, "root: handbook\n")
    env = {**wiki_env(emulator), "WIKIJS_API_KEY": key}
    result = runner.invoke(app, ["plan", str(directory)], env=env)
    assert result.exit_code == 0, result.output
    assert "may not read the wiki's locales" in result.stderr
    assert "Plan: 1 to create" in result.stdout
