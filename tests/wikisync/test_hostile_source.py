"""Hostile and unusual input, offline: what Wiki.js would refuse, costs that must stay
linear, special files, names, near-miss settings. Each class has cases beyond the first
example that showed it."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import wikisync.local.config as config_module
from wikisync._names import json_visible, name_key, shown, unsafe_name_character
from wikisync.errors import ConfigError
from wikisync.local.config import Config, load_config, parse_config
from wikisync.local.markdown.links import iter_link_destinations, rewrite_links
from wikisync.local.source import MAX_REQUEST_BYTES, SourceResult, load_source, request_bytes

MakeTree = Callable[..., Path]


def load(directory: Path, config: Config | None = None) -> SourceResult:
    return load_source(directory, config or Config(), asset_url=lambda rel: f"/assets/{rel}")


def codes(result: SourceResult) -> list[tuple[str, str]]:
    return [(p.source, p.code) for p in result.problems]


# -- what Wiki.js refuses: empty content -----------------------------------------------------

EMPTY = {
    "zero bytes": b"",
    "front matter only": b"---\ntitle: Only a header\ntags: [a]\n---\n",
    "front matter and blank lines": b"---\ntitle: T\n---\n\n\n   \n",
    "spaces, tabs and newlines": b" \t\n\n\t \n",
    "CRLF and a BOM": b"\xef\xbb\xbf\r\n\r\n \r\n",
    "no-break spaces": "\u00a0\u00a0\n\u3000\n".encode(),
    "an HTML page with only its comment header": b"<!--\ntitle: T\n-->\n\n",
}


@pytest.mark.parametrize("name", list(EMPTY))
def test_empty_content_is_an_error_and_the_page_is_left_out(name: str, make_tree: MakeTree) -> None:
    file = "page.html" if "HTML" in name else "page.md"
    root = make_tree({file: EMPTY[name], "fine.md": "# Fine\n\nBody\n"})
    result = load(root)
    assert [p.source for p in result.pages] == ["fine.md"]
    (problem,) = result.problems
    assert (problem.source, problem.code, problem.severity) == (file, "empty-content", "error")
    assert "add content or exclude it" in problem.message


def test_content_that_is_not_whitespace_is_kept(make_tree: MakeTree) -> None:
    """Controls: a lone heading, a comment, a zero-width space are content to Wiki.js."""
    root = make_tree(
        {"heading.md": "# A\n", "comment.md": "<!-- note -->\n", "zwsp.md": "\u200b\n"}
    )
    result = load(root)
    assert [p.source for p in result.pages] == ["comment.md", "heading.md", "zwsp.md"]
    assert result.problems == ()


# -- what Wiki.js refuses: the request size, measured as the SDK sends it --------------------


def test_a_three_megabyte_cjk_page_fits(make_tree: MakeTree) -> None:
    root = make_tree({"cjk.md": "# 漢字\n\n" + "漢字かな" * 250_000})
    result = load(root)
    assert result.problems == ()
    (page,) = result.pages
    size = request_bytes(page.content, page.fields, locale=page.locale, path=page.path)
    assert 3_000_000 < size < 3_010_000  # UTF-8, not 6 bytes per character


@pytest.mark.parametrize("char", ["a", "é", "漢", "🙂"])
def test_the_size_limit_is_exact_to_the_byte(char: str, make_tree: MakeTree) -> None:
    width = len(char.encode("utf-8"))
    probe = make_tree({"page.md": "# P\n\n" + char * 1000})
    (page,) = load(probe).pages
    base = request_bytes(page.content, page.fields, locale=page.locale, path=page.path)
    overhead = base - 1000 * width
    fits = (MAX_REQUEST_BYTES - overhead) // width
    at_limit = make_tree({"page.md": "# P\n\n" + char * fits})
    result = load(at_limit)
    assert result.problems == (), result.problems
    (page,) = result.pages
    assert request_bytes(page.content, page.fields, locale=page.locale, path=page.path) <= (
        MAX_REQUEST_BYTES
    )
    over = load(make_tree({"page.md": "# P\n\n" + char * (fits + 1)}))
    assert codes(over) == [("page.md", "too-large")]
    assert f"{MAX_REQUEST_BYTES:,} bytes" in over.problems[0].message


def test_scripts_and_tags_count_towards_the_size(make_tree: MakeTree) -> None:
    script = "x" * (MAX_REQUEST_BYTES // 2)
    root = make_tree(
        {"scripts.md": f"---\ntitle: S\nscriptJs: '{script}'\nscriptCss: '{script}'\n---\nBody\n"}
    )
    assert codes(load(root)) == [("scripts.md", "too-large")]


# -- what Wiki.js refuses: lengths, in characters --------------------------------------------


@pytest.mark.parametrize(
    ("text", "ok"),
    [("漢" * 255, True), ("漢" * 256, False), ("é" * 255, True), ("🙂" * 256, False)],
)
def test_title_and_description_lengths_count_characters(
    text: str, ok: bool, make_tree: MakeTree
) -> None:
    root = make_tree(
        {
            "title.md": f"---\ntitle: {text}\n---\nBody\n",
            "desc.md": f"---\ntitle: D\ndescription: {text}\n---\nBody\n",
            "heading.md": f"# {text}\n\nBody\n",
        }
    )
    result = load(root)
    if ok:
        assert result.problems == ()
    else:
        assert sorted(codes(result)) == [
            ("desc.md", "frontmatter-too-long"),
            ("heading.md", "frontmatter-too-long"),
            ("title.md", "frontmatter-too-long"),
        ]


def test_a_description_is_measured_as_it_is_sent(make_tree: MakeTree) -> None:
    spaced = "d" * 254 + "  "  # quoted: the spaces are part of the value Wiki.js stores
    root = make_tree(
        {
            "spaced.md": f"---\ntitle: T\ndescription: '{spaced}'\n---\nBody\n",
            # plain: YAML drops the spaces around it (a quoted title keeps them)
            "padded.md": f"---\ntitle:   {'t' * 255}   \n---\nBody\n",
        }
    )
    assert codes(load(root)) == [("spaced.md", "frontmatter-too-long")]


def test_path_length_is_limited_by_wikijs(make_tree: MakeTree) -> None:
    fits = "x" * 100 + "/" + "y" * 100 + "/" + "z" * 53  # 255 characters
    root = make_tree({f"{fits}.md": "x\n", f"{fits}q.md": "x\n"})
    result = load(root)
    assert [p.source for p in result.pages] == [f"{fits}.md"]
    assert codes(result) == [(f"{fits}q.md", "path-invalid")]
    assert "255" in result.problems[0].message


# -- costs that stay linear ------------------------------------------------------------------


class CountingText(str):
    """A page text that counts the characters scanned for line numbers."""

    scanned = 0

    def count(self, sub: str, start: Any = None, end: Any = None) -> int:  # type: ignore[override]
        begin = 0 if start is None else start
        stop = len(self) if end is None else end
        CountingText.scanned += max(0, stop - begin)
        return super().count(sub, start, end)


def test_link_line_numbers_scan_the_page_once() -> None:
    links = 120_000
    text = CountingText("".join(f"[l{i}](other.md)\n" for i in range(links)) + "[x](gone.md)\n")
    CountingText.scanned = 0
    result = rewrite_links(
        text,
        source="big.md",
        pages={"big.md": ("en", "big"), "other.md": ("en", "other")},
        asset_url=lambda rel: rel,
        file_exists=lambda rel: False,
        first_line=3,
    )
    (problem,) = result.problems
    assert (problem.code, problem.line) == ("broken-link", 3 + links)
    assert CountingText.scanned <= len(text)  # not once per link from the start


def test_a_page_with_120000_links_validates_with_right_lines(make_tree: MakeTree) -> None:
    body = "".join(f"see [l{i}](other.md)\n" for i in range(120_000))
    root = make_tree({"big.md": f"---\ntitle: Big\n---\n{body}[gone](gone.md)\n", "other.md": "x"})
    result = load(root)
    assert [(p.source, p.line, p.code) for p in result.problems] == [
        ("big.md", 120_004, "broken-link")
    ]


@pytest.mark.timeout(120)  # a hang guard: comments x code spans used to be quadratic
def test_many_comments_and_code_spans_keep_link_detection_right() -> None:
    count = 20_000
    text = "<!-- `c -->\n`x` [a](one.md) ``[no](code.md)``\n" * count + "`` ` ``[b](two.md)\n"
    found = [d for _, _, d in iter_link_destinations(text)]
    assert found == ["one.md"] * count + ["two.md"]


@pytest.mark.timeout(120)
def test_backtick_runs_without_closers_are_literal() -> None:
    # Runs of 1, 2, 3 ... backticks, none closed: each is literal text, links are links.
    text = "".join("`" * (i + 1) + f" [l{i}](p{i}.md) " for i in range(3_000))
    assert len(list(iter_link_destinations(text))) == 3_000


@pytest.fixture
def glob_compiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    compiled: list[str] = []
    real = config_module._compile_uncached

    def counting(pattern: str) -> Any:
        compiled.append(pattern)
        return real(pattern)

    monkeypatch.setattr(config_module, "_compile_uncached", counting)
    yield compiled


def test_twenty_thousand_globs_are_compiled_once_each(
    make_tree: MakeTree, glob_compiles: list[str]
) -> None:
    literal = [f"drafts/d{i}.md" for i in range(10_000)]
    wild = [f"drafts/w{i}-*.md" for i in range(10_000)]
    files = {f"drafts/d{i}.md": "x\n" for i in range(0, 60, 2)}
    files |= {f"drafts/w{i}-x.md": "x\n" for i in range(0, 40, 2)}
    files |= {f"keep/k{i}.md": "x\n" for i in range(50)}
    text = "exclude:\n" + "".join(f"  - '{g}'\n" for g in literal + wild)
    root = make_tree({"wikisync.yml": text, **files})
    config = load_config(root)
    # Literal globs are set lookups; each other glob (and the two default includes) is
    # compiled exactly once.
    assert len(glob_compiles) == 10_000 + 2
    result = load(root, config)
    assert len(glob_compiles) == 10_002  # reading 100 files compiled nothing more
    assert sorted(p.source for p in result.pages) == sorted(f"keep/k{i}.md" for i in range(50))


GLOBS = ["README.md", "/README.md", "drafts", "/drafts", "a/b", "a/b/", "x.md", "docs/x.md",
         "*.md", "drafts/**", "**/y.md", "a/*/c.md", "[ab].md", "?.md"]  # fmt: skip
PATHS = ["README.md", "docs/README.md", "drafts/a.md", "x/drafts/b.md", "a/b", "a/b/c.md",
         "a/bc.md", "x.md", "docs/x.md", "other/docs/x.md", "y.md", "q/y.md", "a/z/c.md",
         "b.md", "ab.md", "drafts.md"]  # fmt: skip


@pytest.mark.parametrize("glob", GLOBS)
def test_literal_globs_match_exactly_what_their_regex_matches(glob: str) -> None:
    matched = {path for path in PATHS if config_module._GlobSet([glob]).matches(path)}
    expected = {path for path in PATHS if config_module.compile_glob(glob).match(path)}
    assert matched == expected


@pytest.fixture
def deep_tree(make_tree: MakeTree) -> Iterator[Path]:
    """A content directory with ``top.md`` and ``d1/`` nested 1,000 deep holding
    ``bottom.md``; removed bottom-up afterwards (shutil.rmtree would recurse)."""
    root = make_tree({"top.md": "x\n"})
    folders = []
    folder = root
    for _ in range(1_000):
        folder = folder / "d1"
        folder.mkdir()
        folders.append(folder)
    (folder / "bottom.md").write_text("x\n")
    yield root
    (folder / "bottom.md").unlink()
    for folder in reversed(folders):
        folder.rmdir()


def test_a_thousand_nested_folders_are_walked_without_recursion(deep_tree: Path) -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)  # far below the depth: a recursive walk could not finish
    try:
        result = load(deep_tree)
    finally:
        sys.setrecursionlimit(limit)
    bottom = "d1/" * 1_000 + "bottom.md"
    assert [p.source for p in result.pages] == ["top.md"]
    assert codes(result) == [(bottom, "path-invalid")]  # found, and too long for Wiki.js


def test_folder_link_loops_through_two_links_end(make_tree: MakeTree) -> None:
    root = make_tree({"alpha/page.md": "x\n", "beta/page.md": "y\n"})
    os.symlink(root / "beta", root / "alpha" / "to-beta")
    os.symlink(root / "alpha", root / "beta" / "to-alpha")
    result = load(root)
    assert {p.code for p in result.problems} == {"symlink-loop"}
    assert {"alpha/page.md", "beta/page.md"} <= {p.source for p in result.pages}


# -- special files ---------------------------------------------------------------------------


def _make_special(kind: str, path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        sock.close()
    else:
        try:
            os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        except (PermissionError, OSError):
            pytest.skip("creating a device node is not permitted here")


@pytest.mark.timeout(60)  # a hang guard: opening a FIFO would block forever
@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
@pytest.mark.parametrize("behind_link", [False, True], ids=["direct", "behind a symlink"])
def test_special_files_are_skipped_with_a_warning_never_opened(
    kind: str, behind_link: bool, make_tree: MakeTree
) -> None:
    root = make_tree({"fine.md": "x\n", "uses.md": "![img](special.png)\n"})
    _make_special(kind, root / ("target" if behind_link else "page.md"))
    _make_special(kind, root / "special.png")
    if behind_link:
        os.symlink("target", root / "page.md")
    result = load(root)
    assert [p.source for p in result.pages] == ["fine.md", "uses.md"]
    found = {(p.source, p.code, p.severity) for p in result.problems}
    assert ("page.md", "special-file", "warning") in found
    assert ("uses.md", "broken-link", "error") in found  # an asset link to it is not read
    assert result.assets == ()


@pytest.mark.timeout(60)
def test_a_fifo_as_wikisync_yml_is_refused_not_read(make_tree: MakeTree) -> None:
    root = make_tree({"a.md": "x\n"})
    os.mkfifo(root / "wikisync.yml")
    with pytest.raises(ConfigError, match="not a regular file"):
        load_config(root)


# -- names -----------------------------------------------------------------------------------

NFC = "caf\u00e9"
NFD = "cafe\u0301"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (f"{NFC}.md", f"{NFD}.md"),
        (f"{NFC}/a.md", f"{NFD}/a.md"),  # twin folders
        (f"{NFD}.md", "CAF\u00c9.md"),  # decomposed and upper case
        ("stra\u00dfe.md", "STRASSE.md"),  # case folding, not only lowering
        ("\u212bngstr\u00f6m.md", "\u00c5ngstr\u00f6m.md"),  # ANGSTROM SIGN vs A WITH RING
    ],
)
def test_names_are_compared_after_normalisation_and_case_folding(
    first: str, second: str, make_tree: MakeTree
) -> None:
    root = make_tree({first: "one\n", second: "two\n", "other.md": "x\n"})
    result = load(root)
    assert [p.source for p in result.pages] == ["other.md"]
    assert sorted(codes(result)) == sorted([(first, "duplicate-path"), (second, "duplicate-path")])
    if any("\u0301" in n for n in (first, second)):  # the two spellings look different
        assert any("\\u0301" in p.message for p in result.problems)


INVISIBLE = {
    "right-to-left override": "\u202e",
    "left-to-right override": "\u202d",
    "right-to-left isolate": "\u2067",
    "right-to-left mark": "\u200f",
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "soft hyphen": "\u00ad",
    "escape": "\x1b",
    "bell": "\x07",
    "next line (C1)": "\x85",
}


@pytest.mark.parametrize("name", list(INVISIBLE))
@pytest.mark.parametrize("where", ["file", "folder"])
def test_invisible_characters_in_names_are_refused_and_escaped(
    name: str, where: str, make_tree: MakeTree
) -> None:
    char = INVISIBLE[name]
    rel = f"ev{char}il.md" if where == "file" else f"ev{char}il/page.md"
    root = make_tree({rel: "x\n", "fine.md": "x\n"})
    result = load(root)
    assert [p.source for p in result.pages] == ["fine.md"]
    (problem,) = result.problems
    assert (problem.source, problem.code) == (rel, "name-invisible")
    printed = str(problem)
    assert char not in printed
    assert f"{ord(char):04x}" in printed or f"\\x{ord(char):02x}" in printed


def test_json_text_escapes_are_the_same_data() -> None:
    data = {"path": f"a{chr(0x202E)}b\x85c\x7f\u200b漢\n\x1b", "n": [1, 2]}
    text = json_visible(json.dumps(data, ensure_ascii=False, indent=2))
    assert json.loads(text) == data
    assert not {chr(0x202E), "\x85", "\x7f", "\u200b"} & set(text)
    assert "漢" in text  # visible text stays readable


def test_the_escaping_function() -> None:
    assert shown("a\u202eb\x1b[31mc\u200bd\ne") == "a\\u202eb\\x1b[31mc\\u200bd\\x0ae"
    assert shown("café 漢字 🙂") == "café 漢字 🙂"  # visible text is left alone
    assert name_key(NFD) == name_key(NFC.upper()) == NFC
    assert unsafe_name_character("plain/name.md") is None
    assert "bidirectional" in (unsafe_name_character("a\u202eb") or "")


# -- near-miss settings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "wikisync.yaml",
        ".wikisync.yml",
        "WikiSync.yml",
        "WIKISYNC.YML",
        "wiki-sync.yml",
        "wikisync.json",
    ],
)
def test_a_settings_file_with_a_near_miss_name_is_an_error(name: str, make_tree: MakeTree) -> None:
    root = make_tree({name: "root: handbook\n", "a.md": "x\n"})
    with pytest.raises(ConfigError) as refused:
        load_config(root)
    message = str(refused.value)
    assert message.startswith(f"{name}: ")
    assert "'wikisync.yml'" in message and "whole wiki" in message


def test_without_any_settings_file_the_defaults_apply(make_tree: MakeTree) -> None:
    assert load_config(make_tree({"a.md": "x\n", "notes.yml": "a: 1\n"})) == Config()


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("exlude: [a]\n", "did you mean 'exclude'?"),
        ("inlcude: [a]\n", "did you mean 'include'?"),
        ("prnue: true\n", "did you mean 'prune'?"),
        ("max_delet: 3\n", "did you mean 'max_delete'?"),
        ("protcet: [a]\n", "did you mean 'protect'?"),
        ("Locale: en\n", "did you mean 'locale'?"),
        ("assets:\n  fodler: x\n", "did you mean 'folder'?"),
    ],
)
def test_misspelled_keys_get_a_suggestion(text: str, suggestion: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config(text)
    (problem,) = refused.value.problems
    assert "unknown key" in problem.message and suggestion in problem.message
    assert problem.line == text.count("\n")


def test_an_unknown_key_far_from_any_gets_no_suggestion() -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config("colour: blue\n")
    assert "did you mean" not in str(refused.value)


@pytest.mark.parametrize(
    "text",
    [
        "root: !!python/object/apply:os.system ['true']\n",
        "root: handbook\nexclude: !!python/name:os.system\n",
        "prune: !!bool maybe\n",
        "max_delete: !!int ten\n",
        "root: !!timestamp nonsense\n",
        "root: !custom handbook\n",
        "locale: !!binary '@@@'\n",
    ],
)
def test_yaml_tags_in_settings_are_errors_with_a_line(text: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config(text)
    lines = {p.line for p in refused.value.problems}
    assert lines == {text.count("\n")}, refused.value.problems


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        ("locale: EN\n", "lower case; write 'en'"),
        ("locales: [en, Fr]\n", "lower case; write 'fr'"),
        ("locale: zh-TW\n", "lower case; write 'zh-tw'"),
        ("locale: en-gbx\n", "longer than 5 characters"),  # localeCode is varchar(5)
    ],
)
def test_mis_cased_locales_are_refused_offline(text: str, fix: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config(text)
    (problem,) = refused.value.problems
    assert problem.line == 1 and fix in problem.message


def test_protect_keeps_the_trailing_slash_of_a_subtree() -> None:
    config = parse_config("protect: ['legal/', '/home', 'a//']\n")
    assert config.protect == ("legal/", "home", "a/")


# -- parsers: escapes YAML can make but no file or request can carry ------------------------


@pytest.mark.parametrize(
    ("header", "line"),
    [
        ('title: "\\ud800"', 2),
        ('tags: [ok, "\\udfff"]', 2),
        ('description: "half \\ud83d of an emoji"', 2),
        ('scriptCss: "\\udc00"', 2),
        ('publishStartDate: "\\ud800"', 2),
    ],
)
def test_unpaired_surrogates_in_front_matter_are_errors(
    header: str, line: int, make_tree: MakeTree
) -> None:
    root = make_tree({"page.md": f"---\n{header}\n---\nBody\n", "fine.md": "x\n"})
    result = load(root)
    assert [p.source for p in result.pages] == ["fine.md"]
    (problem,) = result.problems
    assert (problem.source, problem.line, problem.code) == ("page.md", line, "frontmatter-type")
    assert "surrogate" in problem.message
    str(problem).encode("utf-8")  # printable


@pytest.mark.parametrize(
    "text", ['exclude: ["\\udfff"]\n', 'protect: ["\\ud800"]\n', 'assets: {folder: "\\ud800"}\n']
)
def test_unpaired_surrogates_in_settings_are_errors(text: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config(text)
    (problem,) = refused.value.problems
    assert problem.line == 1 and "surrogate" in problem.message
