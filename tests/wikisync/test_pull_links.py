"""Links both ways: indented code stays code; asset URLs and odd names survive a round trip."""

from __future__ import annotations

import pytest

from wikisync.local.markdown.links import rewrite_links, to_relative_links

PAGES = {
    "setup.md": ("en", "handbook/setup"),
    "guide/install.md": ("en", "handbook/guide/install"),
    "guide/x(1).md": ("en", "handbook/guide/x(1)"),
}
OTHER = {"guide/img/a b.png", "files/report.pdf"}


def rewrite(content: str, source: str = "guide/install.md") -> str:
    result = rewrite_links(
        content,
        source=source,
        pages=PAGES,
        asset_url=lambda rel: f"/handbook/{rel}".replace(" ", "%20"),
        file_exists=lambda rel: rel in PAGES or rel in OTHER,
        dir_exists=lambda rel: rel in {"guide", "guide/img", "files"},
    )
    assert result.problems == (), result.problems
    return result.content


@pytest.mark.parametrize(
    "content",
    [
        "Text.\n\n    [code](../missing.md)\n",
        "Text.\n\n\t[tab-indented code](../missing.md)\n",
        "# Heading\n    [code right after a heading](../missing.md)\n",
        "Text.\n\n    [code](../missing.md)\n\n    [still code](../gone.md)\n",
        "- item\n\n      [code inside a list item](../missing.md)\n",
        "1. item\n\n   ```\n   [fenced code in a list item](../missing.md)\n   ```\n",
    ],
)
def test_indented_code_is_left_alone(content: str) -> None:
    assert rewrite(content) == content


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # four spaces continuing a paragraph are not code
        ("Text\n    [s](../setup.md)\n", "Text\n    [s](/en/handbook/setup)\n"),
        # nor is a list item's continuation paragraph
        ("- item\n\n  [s](../setup.md)\n", "- item\n\n  [s](/en/handbook/setup)\n"),
        ("- item\n\n    [s](../setup.md)\n", "- item\n\n    [s](/en/handbook/setup)\n"),
        # after indented code, text is text again
        (
            "Text.\n\n    code\n\n[s](../setup.md)\n",
            "Text.\n\n    code\n\n[s](/en/handbook/setup)\n",
        ),
    ],
)
def test_indented_text_that_is_not_code_is_rewritten(content: str, expected: str) -> None:
    assert rewrite(content) == expected


BY_KEY = {key: source for source, key in PAGES.items()}
ASSETS = {
    "handbook/guide/img/a b.png": "guide/img/a b.png",
    "handbook/files/report.pdf": "files/report.pdf",
}


def test_asset_urls_become_relative_file_links() -> None:
    wiki = "![i](/handbook/guide/img/a%20b.png) [r](/handbook/files/report.pdf#page=2)"
    back = to_relative_links(wiki, "handbook/guide/install", "en", pages=BY_KEY, assets=ASSETS)
    assert back == "![i](img/a%20b.png) [r](../files/report.pdf#page=2)"
    assert rewrite(back) == wiki


def test_unknown_assets_stay_absolute() -> None:
    wiki = "![i](/handbook/other.png)"
    assert to_relative_links(wiki, "handbook/setup", "en", pages=BY_KEY, assets=ASSETS) == wiki


def test_names_with_parentheses_survive_the_round_trip() -> None:
    wiki = "[x](/en/handbook/guide/x(1)) [s](/en/handbook/setup)"
    back = to_relative_links(wiki, "handbook/guide/install", "en", pages=BY_KEY)
    assert back == "[x](x%281%29.md) [s](../setup.md)"
    assert rewrite(back) == wiki
