"""Links: relative file links become wiki links (and back), code is left alone."""

from __future__ import annotations

import pytest

from wikisync.local.markdown.links import (
    asset_folder_slug,
    asset_location,
    default_asset_url,
    rewrite_links,
    to_relative_links,
)

# The content directory of these tests: page files and what they map to, plus other files.
PAGES = {
    "index.md": ("en", "handbook"),
    "setup.md": ("en", "handbook/setup"),
    "guide/index.md": ("en", "handbook/guide"),
    "guide/install.md": ("en", "handbook/guide/install"),
    "guide/faq.html": ("en", "handbook/guide/faq"),
    "fr/guide/install.md": ("fr", "handbook/guide/install"),
}
OTHER_FILES = {"guide/img/a.png", "files/Report 2024.pdf", "drafts/wip.md"}
FOLDERS = {"guide", "guide/img", "files", "fr", "fr/guide", "drafts"}


def exists(rel: str) -> bool:
    return rel in PAGES or rel in OTHER_FILES


def rewrite(
    content: str, source: str = "guide/install.md", *, html: bool = False, first_line: int = 1
):  # type: ignore[no-untyped-def]
    return rewrite_links(
        content,
        source=source,
        pages=PAGES,
        asset_url=lambda rel: f"/assets/{rel}",
        file_exists=exists,
        dir_exists=lambda rel: rel in FOLDERS,
        html=html,
        first_line=first_line,
    )


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[s](../setup.md)", "[s](/en/handbook/setup)"),
        ("[s](../setup.md#docker)", "[s](/en/handbook/setup#docker)"),
        ("[s](../setup.md?x=1#y)", "[s](/en/handbook/setup?x=1#y)"),
        ("[f](faq.html)", "[f](/en/handbook/guide/faq)"),
        ('[f](./faq.html "FAQ")', '[f](/en/handbook/guide/faq "FAQ")'),
        ("[i](<../setup.md>)", "[i](</en/handbook/setup>)"),
        ("[g](./)", "[g](/en/handbook/guide)"),
        ("[g](../guide/)", "[g](/en/handbook/guide)"),
        ("[g](index.md)", "[g](/en/handbook/guide)"),
        ("[h](../)", "[h](/en/handbook)"),
        ("[n](../setup)", "[n](/en/handbook/setup)"),  # no extension: the page file
        ("[fr](../fr/guide/install.md)", "[fr](/fr/handbook/guide/install)"),
        ("![a](img/a.png)", "![a](/assets/guide/img/a.png)"),
        ("![a](./img/a.png =200x)", "![a](/assets/guide/img/a.png =200x)"),
        ("[r](../files/Report%202024.pdf)", "[r](/assets/files/Report 2024.pdf)"),
        ("[x]: ../setup.md#top", "[x]: /en/handbook/setup#top"),
        ('  [x]: <img/a.png> "t"', '  [x]: </assets/guide/img/a.png> "t"'),
        ('<a href="../setup.md">s</a>', '<a href="/en/handbook/setup">s</a>'),
        ("<img src='img/a.png' alt=x>", "<img src='/assets/guide/img/a.png' alt=x>"),
        # untouched
        ("[e](https://example.com/a.md)", "[e](https://example.com/a.md)"),
        ("[m](mailto:x@example.com)", "[m](mailto:x@example.com)"),
        ("[p](//cdn.example.com/x.png)", "[p](//cdn.example.com/x.png)"),
        ("[a](/en/handbook/setup)", "[a](/en/handbook/setup)"),
        ("[a](#anchor)", "[a](#anchor)"),
        ("[^1]: a footnote", "[^1]: a footnote"),
        ("`[s](../setup.md)`", "`[s](../setup.md)`"),
        ("`` a ` [s](../setup.md) ``", "`` a ` [s](../setup.md) ``"),
        ("<!-- [s](../missing.md) -->", "<!-- [s](../missing.md) -->"),
    ],
)
def test_markdown_links(markdown: str, expected: str) -> None:
    result = rewrite(markdown)
    assert result.problems == ()
    assert result.content == expected


def test_fenced_code_is_left_alone() -> None:
    content = (
        "See [setup](../setup.md).\n\n"
        "```markdown\n[setup](../setup.md)\n[gone](../gone.md)\n```\n\n"
        "~~~~\n```\n[still code](../gone.md)\n~~~~\n"
        "After [faq](faq.html).\n"
    )
    result = rewrite(content)
    assert result.problems == ()
    assert result.content == content.replace("(../setup.md).", "(/en/handbook/setup).").replace(
        "(faq.html)", "(/en/handbook/guide/faq)"
    )


def test_unclosed_fence_protects_to_the_end() -> None:
    result = rewrite("```\n[x](../gone.md)\n")
    assert result.problems == ()


def test_assets_are_collected_once_sorted() -> None:
    result = rewrite("![a](img/a.png) ![b](./img/a.png) [r](../files/Report%202024.pdf)")
    assert result.assets == ("files/Report 2024.pdf", "guide/img/a.png")


def test_broken_links_are_problems_with_file_and_line() -> None:
    content = "intro\n\n[ok](../setup.md)\nthen [gone](../gone.md#x) and\n![img](missing.png)\n"
    result = rewrite(content, first_line=5)
    assert [(str(p), p.code) for p in result.problems] == [
        ("guide/install.md:8: broken link '../gone.md#x': no file gone.md", "broken-link"),
        ("guide/install.md:9: broken link 'missing.png': no file guide/missing.png", "broken-link"),
    ]
    assert "(../gone.md#x)" in result.content  # left as written


def test_links_outside_the_directory_and_to_excluded_pages_are_problems() -> None:
    result = rewrite("[a](../../etc/passwd)\n[b](../drafts/wip.md)\n")
    assert [(p.line, p.code) for p in result.problems] == [
        (1, "link-outside"),
        (2, "link-excluded"),
    ]


def test_a_definition_line_cannot_interrupt_a_paragraph() -> None:
    # CommonMark: "[note]: see" continuing a paragraph is text, not a definition.
    content = (
        "The options are listed below\n"
        "[note]: gone.md is mentioned here as text\n"
        "\n"
        "[setup]: ../setup.md\n"
        "[faq]: faq.html\n"
        "\n"
        "# Heading\n"
        "[img]: img/a.png\n"
        "- an item\n"
        "[lazy]: gone-too.md\n"
    )
    result = rewrite(content)
    assert result.problems == ()
    assert result.content == (
        content.replace("../setup.md", "/en/handbook/setup")
        .replace("]: faq.html", "]: /en/handbook/guide/faq")
        .replace("img/a.png", "/assets/guide/img/a.png")
    )


def test_a_definition_after_a_definition_is_still_one() -> None:
    result = rewrite("[a]: ../setup.md\n[b]: ../gone.md\n")
    assert [(p.line, p.code) for p in result.problems] == [(2, "broken-link")]
    assert result.content.startswith("[a]: /en/handbook/setup\n")


def test_html_pages_rewrite_every_href_and_src() -> None:
    html = '<p><a href="install.md#step-2">Install</a> <img src="img/a.png"></p>\n<pre><code>[x](nope.md)</code></pre>'
    result = rewrite(html, source="guide/faq.html", html=True)
    assert result.problems == ()
    assert result.content == (
        '<p><a href="/en/handbook/guide/install#step-2">Install</a> '
        '<img src="/assets/guide/img/a.png"></p>\n<pre><code>[x](nope.md)</code></pre>'
    )


# -- wiki -> files -------------------------------------------------------------------------------

BY_KEY = {key: source for source, key in PAGES.items()}


@pytest.mark.parametrize(
    ("wiki", "files"),
    [
        ("[s](/en/handbook/setup#docker)", "[s](../setup.md#docker)"),
        ("[s](/handbook/setup)", "[s](../setup.md)"),  # no locale prefix: the default locale
        ("[f](/en/handbook/guide/faq)", "[f](faq.html)"),
        ("[g](/en/handbook/guide)", "[g](index.md)"),
        ("[h](/en/handbook)", "[h](../index.md)"),
        ("[fr](/fr/handbook/guide/install)", "[fr](../fr/guide/install.md)"),
        ("[x](/en/elsewhere)", "[x](/en/elsewhere)"),  # no file for it
        ("[e](https://example.com/)", "[e](https://example.com/)"),
        ("`[s](/en/handbook/setup)`", "`[s](/en/handbook/setup)`"),
    ],
)
def test_to_relative_links(wiki: str, files: str) -> None:
    assert to_relative_links(wiki, "handbook/guide/install", "en", pages=BY_KEY) == files


def test_relative_links_round_trip() -> None:
    original = "[a](../setup.md#x) [b](faq.html) [c](../fr/guide/install.md) ![i](img/a.png)"
    absolute = rewrite(original).content
    back = to_relative_links(absolute, "handbook/guide/install", "en", pages=BY_KEY)
    assert (
        back
        == "[a](../setup.md#x) [b](faq.html) [c](../fr/guide/install.md) ![i](/assets/guide/img/a.png)"
    )
    assert rewrite(back).content == absolute


# -- asset locations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Bad Slug/669512", "bad slug669512"),  # assets_create_folder_bad_slug transcript
        ("sdk-669512", "sdk-669512"),
        ("Images", "images"),
        ('a?b<c>d\\e:f*g|h"i', "abcdefghi"),
        ("trailing. ", "trailing"),
        ("..", ""),
        ("CON", ""),
    ],
)
def test_asset_folder_slug_follows_the_server(name: str, slug: str) -> None:
    assert asset_folder_slug(name) == slug


def test_asset_location_and_default_url() -> None:
    assert asset_location("guide/Img/Pixel 1.PNG", "handbook") == (
        ("handbook", "guide", "img"),
        "pixel_1.png",
    )
    assert (
        default_asset_url("guide/Img/Pixel 1.PNG", "handbook") == "/handbook/guide/img/pixel_1.png"
    )
    assert default_asset_url("a.png", "") == "/a.png"
    assert default_asset_url("My Files/a.png", "") == "/my%20files/a.png"
