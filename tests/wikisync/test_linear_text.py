"""Text scans and patterns that used to grow with the square of their input: each one
gives the answers it gave before (checked against the pattern it replaced, on ordinary
input) and reads an adversarial input of 200,000 characters in one pass (a quadratic
scan of these would not finish within the test run; the times are in bench/)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from wikisync.local import fields, frontmatter
from wikisync.local.markdown import links, parse
from wikisync.local.markdown.dialects import _components, _containers, _leftover, convert
from wikisync.local.markdown.dialects._model import Line

N = 200_000

# The patterns these replaced, kept here as the reference for ordinary input.
OLD_LEGACY = re.compile(r"^<!--\s*(TITLE|SUBTITLE):\s?(.*?)\s*-->\s*$")
OLD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
OLD_DOCUSAURUS = re.compile(
    r"^(?P<indent> {0,3})(?P<colons>:{3,})(?P<type>[A-Za-z][\w-]*)"
    r"(?:\[(?P<bracket>[^\]]*)\]|[ \t]+(?P<title>\S.*?))?(?:[ \t]*\{[^}]*\})?[ \t]*$"
)
OLD_IN_LINK = re.compile(r"(?:\]\(\s*|href=[\"']?)$")


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("# Title", "Title"),
        ("# Title #", "Title"),
        ("#   Title   ##  ", "Title"),
        ("   # Indented", "Indented"),
        ("    # Too indented", None),
        ("# a # b", "a # b"),
        ("## Level two", None),
        ("#Title", None),
        ("# Über Straße ###", "Über Straße"),
    ],
)
def test_the_first_heading_is_read_by_the_markdown_parser(line: str, title: str | None) -> None:
    assert fields._first_heading(line + "\n", False) == title


@pytest.mark.parametrize(
    "line",
    [
        "<!-- TITLE: Install -->",
        "<!-- SUBTITLE: How to set it up -->",
        "<!--TITLE:x-->",
        "<!-- TITLE:   spaced   -->   ",
        "<!-- TITLE: a --> b -->",
        "<!-- TITLE: no end",
        "<!-- AUTHOR: x -->",
        " <!-- TITLE: x -->",
        "<!-- TITLE: -->",
    ],
)
def test_the_legacy_header_reader_agrees_with_the_pattern_it_replaced(line: str) -> None:
    old = OLD_LEGACY.match(line)
    expected = None
    if old:
        expected = ("title" if old.group(1) == "TITLE" else "description", old.group(2))
    assert frontmatter._legacy_line(line) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a <!-- b --> c <!-- d -->",
        "<!-- open <!-- inner --> -->",
        "<!-- never closed",
        "<!---->",
        "<!-- a\nb -->",
        "x --> <!-- y",
    ],
)
def test_comment_spans_agree_with_the_pattern_they_replaced(text: str) -> None:
    assert links.html_comment_spans(text) == [
        (m.start(), m.end()) for m in OLD_COMMENT.finditer(text)
    ]


@pytest.mark.parametrize(
    "line",
    [
        ":::tip",
        ":::tip Title",
        ":::tip[Title]",
        ":::tip[Title]{#id}",
        ":::tip Title {#id .x}",
        ":::tip {#id}",
        ":::tip{#id}",
        "   :::note   spaced title   ",
        "::::danger",
        ":::tip[unclosed",
        ":::tip[a] trailing",
        ":::1tip",
        ":::tip!",
        "    :::tip",
        ":::tip Title {a}b}",
    ],
)
def test_the_docusaurus_opening_reader_agrees_with_the_pattern_it_replaced(line: str) -> None:
    old = OLD_DOCUSAURUS.match(line)
    new = _containers.docusaurus_open(line)
    if old is None:
        assert new is None
        return
    assert new is not None
    head, title = new
    assert head.group("type") == old.group("type") and head.group("colons") == old.group("colons")
    assert title == (old.group("bracket") or old.group("title"))


@pytest.mark.parametrize(
    "prefix",
    ["[a](", "[a](  ", 'x href="', "x href=", "x href='", "plain ", "](x ", "[a] ("],
)
def test_link_target_detection_agrees_with_the_pattern_it_replaced(prefix: str) -> None:
    text = prefix + "{{< ref x >}}"
    assert _leftover._in_link(text, 0, len(prefix)) == bool(OLD_IN_LINK.search(prefix))


def _answers(work: Callable[[], object]) -> object:
    result = work()
    return list(result) if isinstance(result, type(iter([]))) else result


@pytest.mark.parametrize(
    ("name", "work", "expected"),
    [
        (
            "heading: a run of spaces",
            lambda: fields._first_heading("# a" + " " * N + "b", False),
            "a" + " " * N + "b",
        ),
        (
            "heading: many closing hashes",
            lambda: fields._first_heading("# x" + " #" * N, False),
            "x" + " #" * (N - 1),
        ),
        ("<h1> never closed", lambda: fields._first_heading("<h1>" * N, True), None),
        ("<h1 never ending", lambda: fields._first_heading("<h1 " * N, True), None),
        ("tags never closed", lambda: fields._TAG.sub("", "<" * N), "<" * N),
        (
            "legacy header: spaces",
            lambda: frontmatter._legacy_line("<!-- TITLE: a" + " " * N + "b"),
            None,
        ),
        (
            "legacy header: closings",
            lambda: frontmatter._legacy_line("<!-- TITLE: " + "-->" * N),
            ("title", "-->" * (N - 1)),
        ),
        ("comments never closed", lambda: links.html_comment_spans("<!--" * N), []),
        (
            "link templates never closed",
            lambda: list(parse.TEMPLATE_DEST.finditer("]({{<" * N)),
            [],
        ),
        (
            "an HTML tag name without end",
            lambda: list(parse.HTML_ATTR.finditer("<a" + "-a" * N)),
            [],
        ),
        ("HTML tags without attributes", lambda: list(parse.HTML_ATTR.finditer("<a " * N)), []),
        (
            "MDX import: spaces",
            lambda: _components._IMPORT.match("import a" + " " * N + "x"),
            None,
        ),
        (
            "MDX import end: spaces",
            lambda: _components._IMPORT_END.search("'" + " " * N + "x"),
            None,
        ),
        (
            "shortcodes on one line",
            lambda: len(_leftover.left_as_text([Line("](  {{< x >}} " * (N // 10), 1)], ("hugo",))),
            0,
        ),
        (
            "Docusaurus title: spaces",
            lambda: _containers.docusaurus_open(":::note a" + " " * N + "b")[1],
            "a" + " " * N + "b",
        ),  # type: ignore[index]
        (
            "Docusaurus title: braces",
            lambda: _containers.docusaurus_open(":::note a" + "{" * N)[1],
            "a" + "{" * N,
        ),  # type: ignore[index]
        (
            "Docsy parameters: one long word",
            lambda: convert("{{% alert " + "a" * N + " %}}x{{% /alert %}}", ("docsy",)).content,
            "> x\n{.is-info}",
        ),
        (
            "Docsy parameters: spaces",
            lambda: convert("{{% alert" + " " * N + "%}}x{{% /alert %}}", ("docsy",)).content,
            "> x\n{.is-info}",
        ),
        (
            "Docsy openings never closed",
            lambda: convert("{{% alert " * (N // 10), ("docsy",), warn=False).content,
            "{{% alert " * (N // 10),
        ),
        (
            "MkDocs opening: many words",
            lambda: convert("!!! note" + " a" * N + ' "', ("admonition",)).content,
            "!!! note" + " a" * N + ' "',
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 60 else "",
)
def test_adversarial_input_is_read_in_one_pass(
    name: str, work: Callable[[], object], expected: object
) -> None:
    assert _answers(work) == expected


# -- globs of wikisync.yml --------------------------------------------------------------------


def test_globs_with_many_stars_match_what_their_regex_matches() -> None:
    import random

    from wikisync.local.config import _glob_regex, _SegmentGlob

    rng = random.Random(27)
    names = ["a", "b", "ab", "a.md", "x"]
    segments = ["**", "*", "a*", "*a*", "*a*b", "[ab]*", "?", "a", "*.md", "a*b*", "[!a]*"]
    compared = 0
    for _ in range(3_000):
        glob = "/".join(rng.choice(segments) for _ in range(rng.randint(1, 4)))
        glob = "/" + glob if rng.random() < 0.2 else glob
        try:
            regex = re.compile(_glob_regex(glob), re.DOTALL)
        except ValueError:
            continue
        matcher = _SegmentGlob(glob)
        for _ in range(5):
            path = "/".join(rng.choice(names) for _ in range(rng.randint(1, 5)))
            assert bool(matcher.match(path)) == bool(regex.match(path)), (glob, path)
            compared += 1
    assert compared > 10_000


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("**/" * 12 + "x", "a/" * 3_000 + "y", False),
        ("**/" * 12 + "x", "a/" * 3_000 + "x", True),
        ("a/**/a/**/a/**/a/**/x", "a/" * 3_000 + "y", False),
        ("*a" * 10 + "*b", "a" * 20_000, False),
        ("*a" * 10 + "*b", "a" * 20_000 + "b", True),
        ("**/*a*a*a*a*a*/**/z", "aaaaaa/" * 2_000 + "y", False),
    ],
)
def test_globs_with_many_stars_are_matched_in_one_pass(glob: str, path: str, matches: bool) -> None:
    from wikisync.local.config import parse_config

    config = parse_config(f"exclude: ['{glob}']\n")
    # A glob that matches a folder leaves out everything in it.
    assert config.is_included(path + "/page.md") is not matches
