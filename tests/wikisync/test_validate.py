"""validate(): one test per kind of problem, then all of them at once."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from wikisync.local.config import Config
from wikisync.local.validate import validate
from wikisync.plan.model import Problem

MakeTree = Callable[..., Path]


def codes(found: list[Problem]) -> list[tuple[str, int | None, str]]:
    return [(p.source, p.line, p.code) for p in found]


def test_a_clean_directory_has_no_problems(make_tree: MakeTree) -> None:
    root = make_tree(
        {"guide/setup.md": "---\ntitle: Setup\n---\n[home](../index.md)\n", "index.md": "# Home\n"}
    )
    assert validate(root) == []


def test_config_problems(make_tree: MakeTree) -> None:
    root = make_tree({"wikisync.yml": "root: docs\ncolour: red\napi_key: x\n", "guide.md": "x"})
    assert codes(validate(root)) == [
        ("wikisync.yml", 2, "config"),
        ("wikisync.yml", 3, "config-secret"),
    ]


def test_invalid_front_matter(make_tree: MakeTree) -> None:
    root = make_tree({"guide.md": "---\ntitle: ok\ntags:\n  - a\n  b: [\n---\nbody\n"})
    (problem,) = validate(root)
    assert (problem.source, problem.code) == ("guide.md", "frontmatter")
    assert problem.line is not None and problem.line >= 3


def test_wrong_front_matter_type(make_tree: MakeTree) -> None:
    root = make_tree({"guide.md": "---\ntitle: ok\nprivate: sometimes\n---\nbody\n"})
    assert codes(validate(root)) == [("guide.md", 3, "frontmatter-type")]


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("my page.md", "contains a space: Wiki.js refuses it"),
        ("v1.2.md", "contains '.': Wiki.js refuses it"),
    ],
)
def test_paths_the_server_rejects(make_tree: MakeTree, name: str, needle: str) -> None:
    (problem,) = validate(make_tree({name: "x"}))
    assert (problem.source, problem.code) == (name, "path-invalid")
    assert needle in problem.message


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        ("login.md", "reserved"),
        ("de/intro.md", "looks like a locale"),
        ("x.md", "has one character"),
        ("what?.md", "drops these characters"),
    ],
)
def test_paths_the_ui_cannot_reach(make_tree: MakeTree, name: str, needle: str) -> None:
    found = validate(make_tree({name: "x"}))
    assert {p.code for p in found} == {"path-invalid"}
    assert any(needle in p.message for p in found)


@pytest.mark.parametrize(
    ("files", "needle"),
    [
        (("guide.md", "guide/index.md"), "map to the same page (en/guide)"),
        (("Guide/setup.md", "guide/setup.md"), "differ only in case"),
        (("intro.md", "en/intro.md"), "map to the same page (en/intro)"),
    ],
)
def test_duplicate_targets(make_tree: MakeTree, files: tuple[str, str], needle: str) -> None:
    found = validate(make_tree(dict.fromkeys(files, "x")), Config(locales=("en",)))
    assert sorted(p.source for p in found) == sorted(files)
    assert all(p.code == "duplicate-path" and needle in p.message for p in found)


def test_broken_links(make_tree: MakeTree) -> None:
    root = make_tree({"guide/setup.md": "---\ntitle: S\n---\n\nSee [x](../missing.md).\n"})
    assert codes(validate(root)) == [("guide/setup.md", 5, "broken-link")]


def test_files_too_large_for_the_server(make_tree: MakeTree) -> None:
    # The SDK sends UTF-8 JSON: "é" costs 2 bytes, not the 6 of an ASCII "\u00e9" escape.
    root = make_tree({"big.md": "é" * 2_700_000, "fine.md": "é" * 2_000_000})
    (problem,) = validate(root)
    assert (problem.source, problem.code) == ("big.md", "too-large")
    assert "5,242,880 bytes" in problem.message


def test_assets_too_large_to_upload(make_tree: MakeTree) -> None:
    root = make_tree({"guide.md": "![v](video.mp4)\n", "video.mp4": b"\0" * 5_242_881})
    assert codes(validate(root)) == [("video.mp4", None, "asset-too-large")]


def test_symlink_leaving_the_directory(make_tree: MakeTree, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("x")
    root = make_tree({"guide.md": "x"})
    os.symlink(outside / "secret.md", root / "leak.md")
    os.symlink(outside, root / "leakdir")
    assert codes(validate(root)) == [
        ("leak.md", None, "symlink-outside"),
        ("leakdir", None, "symlink-outside"),
    ]


def test_symlink_loops(make_tree: MakeTree) -> None:
    root = make_tree({"guide/setup.md": "x"})
    os.symlink(root / "loop-b.md", root / "loop-a.md")
    os.symlink(root / "loop-a.md", root / "loop-b.md")
    os.symlink(root / "guide", root / "guide" / "again")
    assert codes(validate(root)) == [
        ("guide/again", None, "symlink-loop"),
        ("loop-a.md", None, "symlink-loop"),
        ("loop-b.md", None, "symlink-loop"),
    ]


def test_unreadable_files(make_tree: MakeTree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tree({"locked.md": "x", "open.md": "# Open\n"})
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        (root / "locked.md").chmod(0)
    else:  # root reads any file: make the operating system refuse it another way
        real_read_bytes = Path.read_bytes

        def refuse(self: Path) -> bytes:
            if self.name == "locked.md":
                raise PermissionError(13, "Permission denied", str(self))
            return real_read_bytes(self)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    try:
        assert codes(validate(root)) == [("locked.md", None, "unreadable")]
    finally:
        (root / "locked.md").chmod(0o644)


def test_dangling_symlinks(make_tree: MakeTree) -> None:
    root = make_tree({"guide.md": "x"})
    os.symlink(root / "nowhere.md", root / "dangling.md")
    assert codes(validate(root)) == [("dangling.md", None, "symlink-broken")]


def test_not_utf8(make_tree: MakeTree) -> None:
    root = make_tree({"latin1.md": b"---\ntitle: Caf\xe9\n---\n"})
    (problem,) = validate(root)
    assert (problem.source, problem.line, problem.code) == ("latin1.md", 2, "not-utf8")


def test_nul_bytes(make_tree: MakeTree) -> None:
    root = make_tree({"binary.md": b"line one\nline\x00two\n"})
    assert codes(validate(root)) == [("binary.md", 2, "nul-bytes")]


def test_a_file_for_the_state_page(make_tree: MakeTree) -> None:
    root = make_tree({"_wikisync-state.md": "x", "wikisync.yml": "root: handbook\n"})
    (problem,) = validate(root)
    assert (problem.source, problem.code) == ("_wikisync-state.md", "state-page")
    assert "handbook/_wikisync-state" in problem.message


def test_reports_every_problem_sorted_by_file_and_line(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "zeta.md": "---\ntitle: Z\nprivate: maybe\n---\n[a](nope.md)\n\n[b](gone.md)\n",
            "alpha/login.md": "x",
            "login.md": "---\ntitle: [\n  - bad\n---\n",
            "guide.md": "x",
            "guide/index.md": "x",
            "binary.md": b"\x00",
            "notes.md": "---\ntitle: N\nauthor: me\n---\n[a](gone.md)\n",
        }
    )
    found = validate(root)
    assert codes(found) == [
        ("binary.md", 1, "nul-bytes"),
        ("guide.md", None, "duplicate-path"),
        ("guide/index.md", None, "duplicate-path"),
        ("login.md", None, "path-invalid"),
        ("login.md", 3, "frontmatter"),
        ("notes.md", 3, "frontmatter-unknown-key"),
        ("notes.md", 5, "broken-link"),
        ("zeta.md", 3, "frontmatter-type"),
    ]
    assert found == sorted(found, key=Problem.sort_key)
    assert [p.severity for p in found].count("warning") == 1
