"""Pull, offline: file names for pages, safe paths, and a header both readers agree on."""

from __future__ import annotations

import pytest
import yaml

from wikisync.local.config import Config
from wikisync.local.frontmatter import parse_page_text
from wikisync.local.source import load_source
from wikisync.plan.model import RemotePage
from wikisync.pull.write import file_for_page, page_file_text, unsafe_file_path, yaml_value

TRICKY = [
    "Install",
    "A: B",
    'Title: with "quotes" and colon',
    "desc: with colon",
    "true",
    "no",
    "1.5",
    "2026-01-01T00:00:00.000Z",
    "#hash first",
    "a #comment-like",
    "- dash",
    "[brackets]",
    "{braces}",
    "trailing colon:",
    " leading space",
    "trailing space ",
    "'single'",
    "%percent",
    "@at",
    "`tick`",
    "line\nbreak",
    "tab\there",
    "Ünïcödé 🚀 页面",
    "nel\x85 ls\u2028 ps\u2029 bom\ufeff del\x7f",
    "back\\slash",
    "null",
    "~",
]


@pytest.mark.parametrize("value", TRICKY)
def test_yaml_value_reads_back_exactly(value: str) -> None:
    written = yaml_value(value)
    assert "\n" not in written
    assert yaml.safe_load(f"k: {written}") == {"k": value}


@pytest.mark.parametrize("value", TRICKY)
def test_wikisync_reads_a_pulled_header_back(value: str, tmp_path: object) -> None:
    page = RemotePage(
        id=1,
        locale="en",
        path="guide/x",
        title=value.strip() or "x",
        description=value,
        tags=("b", "a"),
        is_published=False,
        content="Body.\n",
        editor="markdown",
        script_css=value,
    )
    header = parse_page_text(page_file_text(page))
    assert header.kind == "yaml", header.errors
    assert header.errors == []
    values = {k: v.node.value if v.node is not None else v.raw for k, v in header.values.items()}
    assert values["title"] == page.title
    assert values["description"] == value
    assert values["scriptCss"] == value
    assert values["tags"] == "a, b"
    assert values["published"] == values["isPublished"] == "false"
    assert header.content.lstrip("\n") == "Body.\n"


def test_plain_values_stay_plain_like_wikijs_writes_them() -> None:
    page = RemotePage(
        id=1,
        locale="en",
        path="guide/install",
        title="Install",
        description="How to install",
        tags=("setup", "guide"),
        content="# Install\n",
        editor="markdown",
    )
    assert page_file_text(page) == (
        "---\n"
        "title: Install\n"
        "description: How to install\n"
        "published: true\n"
        "tags: guide, setup\n"
        "editor: markdown\n"
        "---\n\n"
        "# Install\n"
    )


def test_html_pages_carry_the_header_in_a_comment() -> None:
    page = RemotePage(
        id=1,
        locale="en",
        path="x",
        title="HTML page",
        content="<p>Hi</p>",
        editor="ckeditor",
        content_type="html",
        publish_start_date="2026-01-01T00:00:00.000Z",
    )
    text = page_file_text(page)
    assert text.startswith("<!--\ntitle: HTML page\ndescription:\npublished: true\n")
    assert 'publishStartDate: "2026-01-01T00:00:00.000Z"\n-->\n\n<p>Hi</p>' in text
    header = parse_page_text(text, html=True)
    assert header.kind == "html-comment" and header.errors == []


def test_a_pulled_file_loads_with_the_wikis_fields(make_tree) -> None:  # type: ignore[no-untyped-def]
    page = RemotePage(
        id=1,
        locale="en",
        path="handbook/colon",
        title="A: B",
        description="",
        tags=("x",),
        is_published=False,
        is_private=True,
        content="Text with a [link](/en/elsewhere).\n",
        editor="markdown",
        publish_end_date="2027-01-01T00:00:00.000Z",
        script_js="console.log('hi: there')",
    )
    root = make_tree({"colon.md": page_file_text(page)})
    result = load_source(root, Config(root="handbook"))
    assert result.problems == ()
    loaded = result.pages[0]
    assert loaded.content == page.content
    assert loaded.fields.set_fields() == {
        "title": "A: B",
        "description": "",
        "tags": ["x"],
        "is_published": False,
        "is_private": True,
        "editor": "markdown",
        "publish_end_date": "2027-01-01T00:00:00.000Z",
        "script_js": "console.log('hi: there')",
    }


# -- file names ------------------------------------------------------------------------------


def page(path: str, locale: str = "en", editor: str = "markdown") -> RemotePage:
    return RemotePage(id=1, locale=locale, path=path, title="t", editor=editor)


@pytest.mark.parametrize(
    ("remote", "config", "expected"),
    [
        (page("handbook/guide/install"), Config(root="handbook"), "guide/install.md"),
        (page("handbook"), Config(root="handbook"), "index.md"),
        (page("home"), Config(), "home.md"),
        (page("guide/faq", editor="ckeditor"), Config(), "guide/faq.html"),
        (page("guide/code", editor="code"), Config(), "guide/code.html"),
        (page("guide", locale="fr"), Config(locales=("en", "fr")), "fr/guide.md"),
        (page("guide", locale="fr"), Config(), None),  # fr is not a configured locale
        (page("elsewhere/x"), Config(root="handbook"), None),
        (page("guide", editor="asciidoc"), Config(), None),
    ],
)
def test_file_for_page(remote: RemotePage, config: Config, expected: str | None) -> None:
    file, reason = file_for_page(remote, config)
    assert file == expected
    assert bool(reason) == (expected is None)


@pytest.mark.parametrize(
    ("rel", "reason"),
    [
        ("guide/install.md", None),
        ("ünïcödé/页面.md", None),
        ("../x.md", "'..'"),
        ("a/../../x.md", "'..'"),
        ("./x.md", "'.'"),
        ("/abs.md", "absolute"),
        ("C:/x.md", "absolute"),
        ("a//b.md", "empty segment"),
        ("a\\b.md", "backslash"),
        ("nul\x00byte.md", "control"),
        ("tab\tname.md", "control"),
        ("x" * 253 + ".md", "255 bytes"),
        ("é" * 126 + ".md", None),  # 255 bytes of UTF-8: the most a name may have
        ("é" * 127 + ".md", "255 bytes"),  # 257 bytes, although only 130 characters
        ("CON.md", "reserves"),
        ("docs/nul.md", "reserves"),
        ("com1/page.md", "reserves"),
        ("LPT9.html", "reserves"),
        ("console.md", None),
        ("trailing./x.md", "ends in a dot"),
    ],
)
def test_unsafe_file_paths(rel: str, reason: str | None) -> None:
    found = unsafe_file_path(rel)
    if reason is None:
        assert found is None
    else:
        assert found is not None and reason in found
