"""Markdown read with a real parser: link destinations with exact spans, soft line breaks,
code left alone, and the page adapted to what the wiki shows."""

from __future__ import annotations

import pytest

from wikisync.local.markdown.links import (
    LinkContext,
    code_block_spans,
    code_spans,
    rewrite_links,
)
from wikisync.local.markdown.parse import scan_markdown
from wikisync.local.markdown.shown import adapt, title_heading
from wikisync.plan.model import LocalPage, PageFields, content_digest, page_digest

PAGES = {
    "index.md": ("en", "docs"),
    "setup.md": ("en", "docs/setup"),
    "guide/install.md": ("en", "docs/guide/install"),
}


def rewrite(content: str, source: str = "index.md", context: LinkContext | None = None) -> str:
    result = rewrite_links(
        content,
        source=source,
        context=context,
        pages=PAGES,
        asset_url=lambda rel: f"/assets/{rel}",
        file_exists=lambda rel: rel in PAGES or rel == "img/a.png",
        dir_exists=lambda rel: rel in {"guide", "img"},
    )
    assert result.problems == (), result.problems
    return result.content


def test_a_definition_whose_destination_is_on_the_next_line_is_rewritten() -> None:
    # Prettier wraps long definitions this way; every definition after it counts too.
    content = (
        "See [setup][s], [install][i] and the [picture][p].\n\n"
        "[s]:\n  setup.md\n[i]: guide/install.md\n[p]:\n    <img/a.png>\n    'A title'\n"
    )
    assert rewrite(content) == (
        "See [setup][s], [install][i] and the [picture][p].\n\n"
        "[s]:\n  /en/docs/setup\n[i]: /en/docs/guide/install\n"
        "[p]:\n    </assets/img/a.png>\n    'A title'\n"
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # a list item's indented continuation and a quote inside it
        (
            "1. step\n\n    > see [setup](setup.md)\n",
            "1. step\n\n    > see [setup](/en/docs/setup)\n",
        ),
        # HTML in a list item, and a table cell of two equal links
        (
            '- <a href="setup.md">x</a>\n\n| a | b |\n|--|--|\n| [x](setup.md) | [x](setup.md) |\n',
            '- <a href="/en/docs/setup">x</a>\n\n| a | b |\n|--|--|\n'
            "| [x](/en/docs/setup) | [x](/en/docs/setup) |\n",
        ),
        # a destination on the line after the text, and a footnote's body
        (
            "[x](\n  setup.md)\n\nA note.[^1]\n\n[^1]: In [setup](setup.md).\n",
            "[x](\n  /en/docs/setup)\n\nA note.[^1]\n\n[^1]: In [setup](/en/docs/setup).\n",
        ),
        # an image with Wiki.js's size
        ("![a](img/a.png =100x)", "![a](/assets/img/a.png =100x)"),
    ],
)
def test_links_wherever_the_block_sits_are_rewritten(content: str, expected: str) -> None:
    assert rewrite(content) == expected


def test_links_in_indented_tab_and_admonition_bodies_are_rewritten() -> None:
    # MkDocs (Python-Markdown, pymdownx) reads these bodies as Markdown, not as code.
    mkdocs = LinkContext(containers=("!!!", "???", "===", "===+"))
    content = (
        '=== "pip"\n\n    Install with [setup](setup.md).\n\n'
        "    ```\n    [code in a tab](gone.md)\n    ```\n\n"
        '=== "conda"\n    [reference]\n\n    [reference]: guide/install.md\n\n'
        "!!! note\n    See ![a](img/a.png).\n\n    Still the note: [setup](setup.md).\n\n"
        "After the note.\n\n    [indented code](gone.md)\n"
    )
    assert rewrite(content, context=mkdocs) == (
        '=== "pip"\n\n    Install with [setup](/en/docs/setup).\n\n'
        "    ```\n    [code in a tab](gone.md)\n    ```\n\n"
        '=== "conda"\n    [reference]\n\n    [reference]: /en/docs/guide/install\n\n'
        "!!! note\n    See ![a](/assets/img/a.png).\n\n    Still the note: [setup](/en/docs/setup).\n\n"
        "After the note.\n\n    [indented code](gone.md)\n"
    )
    # where the marker means nothing (CommonMark, Wiki.js), the body is code
    assert rewrite('=== "pip"\n\n    [code](gone.md)\n') == '=== "pip"\n\n    [code](gone.md)\n'


@pytest.mark.parametrize(
    "content",
    [
        "Text.\n\n    [indented code](gone.md)\n",
        "```md\n[fenced](gone.md)\n[ref]: gone.md\n```\n",
        "- item\n\n  ~~~\n  [fenced in a list](gone.md)\n  ~~~\n",
        "`[code span](gone.md)` and ``[x]: gone.md``\n",
        '<!-- [in a comment](gone.md) <a href="gone.md"> -->\n',
        "Math $[a](gone.md)$ stays.\n",
        "$$\n[math block](gone.md)\n$$\n",
        "[^1]: a footnote is not a definition\n",
    ],
)
def test_code_comments_and_math_are_left_alone(content: str) -> None:
    assert rewrite(content) == content


def test_code_spans_and_blocks_are_found_by_the_parser() -> None:
    text = "a `b` c\n\n```\nx\n```\n\n    y\n<!-- z -->\n"
    assert [text[a:b] for a, b in code_spans(text)] == [
        "`b`",
        "```\nx\n```\n",
        "    y\n",
        "<!-- z -->",
    ]
    assert [text[a:b] for a, b in code_block_spans(text)] == ["```\nx\n```\n", "    y\n"]
    crlf = "a `b`\r\n\r\n```\r\nx\r\n```\r\n"
    assert [crlf[a:b] for a, b in code_spans(crlf)] == ["`b`", "```\r\nx\r\n```\r\n"]


def test_soft_breaks_are_the_line_ends_inside_paragraphs() -> None:
    text = (
        "one\ntwo  \nthree\\\nfour\n"  # soft, hard (two spaces), hard (backslash)
        "`code\nspan` and <a\nhref='x'>html</a>\n\n"  # newlines inside code and HTML
        "> quoted\n> lines\n\n"
        "- item\n  continued\n\n"
        "> A callout.\n{.is-info}\n\n"  # the closing attribute line stays on its own
        "<div>\nhtml\nblock\n</div>\n\n"
        "```\nfenced\ncode\n```\n"
    )
    scan = scan_markdown(text)
    assert [text[a:b] for a, b in scan.soft_breaks] == ["\n", "\n", "\n> ", "\n  "]
    joined = LocalPage(
        "x.md",
        "en",
        "x",
        text,
        PageFields(title="X"),
        content_digest(text),
        page_digest(text, PageFields(title="X")),
        soft_breaks=scan.soft_breaks,
    ).for_wiki(True)
    assert joined.content.startswith("one two  \nthree\\\nfour `code\nspan` and <a\nhref='x'>")
    assert "> quoted lines\n\n- item continued\n\n> A callout.\n{.is-info}\n" in joined.content
    assert joined.digest == page_digest(joined.content, PageFields(title="X"))
    assert joined.soft_breaks == ()
    assert joined.for_wiki(True) == joined


def test_adapt_drops_a_first_heading_that_repeats_the_title_and_moves_the_breaks() -> None:
    text = "# Install {#top}\n\nRun [setup](setup.md)\nfirst.\n"
    scan = scan_markdown(text)
    link = next(d for d in scan.destinations)
    adapted = adapt(
        text, scan, [(link.start, link.end, "/en/docs/setup")], title="Install", join_lines=True
    )
    assert adapted.content == "Run [setup](/en/docs/setup)\nfirst.\n"
    assert [adapted.content[a:b] for a, b in adapted.soft_breaks] == ["\n"]
    # another title, Wiki.js's own files, or a page that is only its title: kept
    assert adapt(text, scan, [], title="Other", join_lines=True).content == text
    assert adapt(text, scan, [], title="Install", join_lines=False).content == text
    only = "# Install\n"
    assert adapt(only, scan_markdown(only), [], title="Install", join_lines=True).content == only


def test_an_unchanged_file_gives_the_same_text_and_no_edit() -> None:
    text = "Nothing to rewrite: [x](https://example.com) and [y](/en/docs).\n"
    result = rewrite_links(
        text,
        source="index.md",
        pages=PAGES,
        asset_url=str,
        file_exists=lambda _: False,
    )
    assert (result.content, result.edits) == (text, ())


def test_a_tabset_heading_is_never_a_title() -> None:
    """A generated ``# Tabs {.tabset}`` holds the tabs: it neither titles the page nor is
    dropped as a repeated title."""
    scan = scan_markdown("# Tabs {.tabset}\n## pip\npip install x\n")
    assert title_heading(scan.first_title) is None
    assert title_heading(scan_markdown("# Intro {#intro}\n\nText.\n").first_title) == "Intro"
