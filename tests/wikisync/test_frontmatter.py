"""Front matter: the header forms wikisync reads, line numbers, and YAML safety."""

from __future__ import annotations

import pytest
import yaml

from wikisync.local.frontmatter import parse_page_text


def raw_values(text: str, *, html: bool = False) -> dict[str, tuple[int, str]]:
    header = parse_page_text(text, html=html)
    assert header.errors == []
    return {
        key: (value.line, value.raw if value.raw is not None else str(value.node.value))  # type: ignore[union-attr]
        for key, value in header.values.items()
    }


def test_yaml_header_values_lines_and_content_start() -> None:
    header = parse_page_text("---\ntitle: Setup\ntags: [a, b]\n---\n\n# Setup\n")
    assert header.kind == "yaml"
    assert header.values["title"].line == 2
    assert header.values["tags"].line == 3
    assert header.content == "\n# Setup\n"
    # content_line is the file line where ``content`` starts (the blank line 5)
    assert header.content_line == 5


def test_header_line_numbers_survive_blank_lines_after_the_boundary() -> None:
    header = parse_page_text("---\n\n\ntitle: x\n---\nbody")
    assert header.values["title"].line == 4
    assert header.content_line + header.content.count("\n", 0, header.content.index("body")) == 6


def test_wikijs_unquoted_colon_title_is_read_line_by_line() -> None:
    # Exactly what Wiki.js's Git storage wrote (tests/data/git-storage-samples).
    text = (
        '---\ntitle: Title: with "quotes" and colon\ndescription: desc: with colon\n'
        "published: false\ndate: 2026-11-26T05:12:07.213Z\ntags: \neditor: markdown\n"
        "dateCreated: 2026-11-26T05:12:07.213Z\n---\n\nBody with colon title\n"
    )
    header = parse_page_text(text)
    assert header.kind == "wikijs-lines"
    assert raw_values(text)["title"] == (2, 'Title: with "quotes" and colon')
    assert raw_values(text)["description"] == (3, "desc: with colon")
    assert raw_values(text)["tags"] == (6, "")
    assert header.content.strip() == "Body with colon title"


def test_invalid_yaml_that_is_not_wikijs_lines_is_an_error_with_its_line() -> None:
    header = parse_page_text("---\ntitle: ok\ntags:\n  - a\n  b: [\n---\nx")
    assert header.values == {}
    ((line, message),) = header.errors
    assert line is not None and 3 <= line <= 6
    assert message.startswith("front matter is not valid YAML")


def test_html_comment_header() -> None:
    text = "<!--\ntitle: HTML from git\ndescription: h\ntags: html\n-->\n\n<p>hi</p>"
    assert raw_values(text, html=True) == {
        "title": (2, "HTML from git"),
        "description": (3, "h"),
        "tags": (4, "html"),
    }
    assert parse_page_text(text, html=True).content.strip() == "<p>hi</p>"


def test_a_markdown_file_does_not_read_html_comment_headers() -> None:
    header = parse_page_text("<!--\ntitle: x\n-->\nbody")
    assert header.kind == "none" and header.values == {}


def test_legacy_v1_header() -> None:
    text = "<!-- TITLE: Legacy Title -->\n<!-- SUBTITLE: Legacy subtitle -->\n\n# Legacy\n"
    header = parse_page_text(text)
    assert header.kind == "legacy-v1"
    assert raw_values(text) == {"title": (1, "Legacy Title"), "description": (2, "Legacy subtitle")}
    assert header.content == "\n# Legacy\n"
    assert header.content_line == 3


def test_no_header() -> None:
    header = parse_page_text("# Just content\n")
    assert (header.kind, header.values, header.content) == ("none", {}, "# Just content\n")


def test_content_that_itself_starts_with_front_matter_is_kept() -> None:
    text = "---\ntitle: Own FM\n---\n\n---\nfoo: bar\n---\n\n# Content\n"
    header = parse_page_text(text)
    assert list(header.values) == ["title"]
    assert header.content == "\n---\nfoo: bar\n---\n\n# Content\n"


def test_unclosed_header_is_content_with_a_warning() -> None:
    header = parse_page_text("---\ntitle: never closed\n")
    assert header.values == {}
    assert header.content == "---\ntitle: never closed\n"
    assert header.warnings and "no closing '---'" in header.warnings[0][1]


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("---\ntitle: x\nb: *a\n---\n", 3, "names no anchor"),
        ("---\ntitle: x\na: &a [1, *a]\n---\n", 3, "names no anchor"),  # itself
        ("---\ntitle: x\na: &a [[[[1]]]]\nb: [[[[[*a]]]]]\n---\n", 4, "nested more than"),
        ("---\ntitle: x\ndeep: " + "[" * 30 + "]" * 30 + "\n---\n", 3, "nested more than"),
    ],
)
def test_unsafe_yaml_is_refused(text: str, line: int, needle: str) -> None:
    header = parse_page_text(text)
    ((error_line, message),) = header.errors
    assert error_line == line
    assert needle in message


def test_anchors_aliases_and_merge_keys_read_as_the_generators_read_them() -> None:
    header = parse_page_text(
        "---\n"
        "title: Meetup\n"
        "eventUrl: &eventUrl https://example.org/e/1\n"
        "register: *eventUrl\n"
        "defaults: &defaults {weight: 3, draft: false}\n"
        "<<: *defaults\n"
        "---\nBody\n"
    )
    assert header.errors == []
    loader = yaml.SafeLoader("")
    values = {k: loader.construct_object(v.node, deep=True) for k, v in header.values.items()}
    assert values["register"] == "https://example.org/e/1"
    assert (values["weight"], values["draft"]) == (3, False)  # the merge key, flattened
    assert "<<" not in values


def test_billion_laughs_is_refused_before_expansion() -> None:
    lol = "---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lol += f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    header = parse_page_text(lol + "---\nbody")
    assert header.errors and "not allowed" in header.errors[0][1]


def test_duplicate_keys_are_an_error() -> None:
    header = parse_page_text("---\ntitle: a\ntitle: b\n---\n")
    assert header.errors == [(3, "front matter key 'title' is set twice")]


def test_an_html_file_may_start_with_a_yaml_block() -> None:
    # Generators' HTML pages carry front matter between --- lines.
    header = parse_page_text("---\ntitle: Show\npermalink: /show/\n---\n<p>x</p>\n", html=True)
    assert header.kind == "yaml" and header.errors == []
    assert sorted(header.values) == ["permalink", "title"]
    assert header.values["title"].line == 2
    assert header.content.strip() == "<p>x</p>"
