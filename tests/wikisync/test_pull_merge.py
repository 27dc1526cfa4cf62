"""merge_page_file: the wiki's values go into the keys a file already uses; nothing else moves."""

from __future__ import annotations

from dataclasses import replace

from wikisync.local.config import Config
from wikisync.local.flavors import FLAVORS, ActiveFlavor, Site
from wikisync.plan.model import LocalPage, PageFields, RemotePage, content_digest, page_digest
from wikisync.pull.write import (
    WIKIJS_FIELD_KEYS,
    FieldKeys,
    KeyAlias,
    flavor_field_keys,
    merge_page_file,
    negate,
)

CONFIG = Config(root="docs")
BODY = "Install the tool.\n"


def _local(fields: PageFields, source: str = "start.md") -> LocalPage:
    return LocalPage(
        source=source,
        locale="en",
        path="docs/start",
        content=BODY,
        fields=fields,
        content_digest=content_digest(BODY),
        digest=page_digest(BODY, fields),
    )


def _page(**changes: object) -> RemotePage:
    base = RemotePage(
        id=1,
        locale="en",
        path="docs/start",
        title="Start",
        tags=("a", "b"),
        content=BODY,
        editor="markdown",
        publish_start_date="",
        publish_end_date="",
        script_css="",
        script_js="",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


HUGO = FieldKeys(
    {
        **WIKIJS_FIELD_KEYS.fields,
        "is_published": (
            KeyAlias("draft", to_file=negate),
            *WIKIJS_FIELD_KEYS.aliases("is_published"),
        ),
    }
)

TEXT = "---\ntitle: Start\nweight: 10 # order\ntags:\n    - a\n    - b\n\n---\n\n" + BODY
FIELDS = PageFields(title="Start", tags=("a", "b"))


def test_nothing_differs_nothing_changes() -> None:
    assert merge_page_file(TEXT, _page(), BODY, _local(FIELDS), CONFIG) == TEXT


def test_a_block_list_stays_a_block_list_with_its_indentation() -> None:
    merged = merge_page_file(TEXT, _page(tags=("a", "c")), BODY, _local(FIELDS), CONFIG)
    assert merged == TEXT.replace("    - b\n", "    - c\n")


def test_a_value_the_file_lacks_is_added_after_the_other_keys() -> None:
    merged = merge_page_file(TEXT, _page(description="Hello"), BODY, _local(FIELDS), CONFIG)
    assert merged == TEXT.replace("    - b\n\n", "    - b\ndescription: Hello\n\n")


def test_unpublished_goes_into_draft_when_the_keys_say_so() -> None:
    text = "---\ntitle: Start\ndraft: false\n---\n\n" + BODY
    merged = merge_page_file(
        text, _page(is_published=False), BODY, _local(FIELDS), CONFIG, keys=HUGO
    )
    # With the Wiki.js keys the source does not read `draft`, so only HUGO maps it.
    assert merged is not None and "draft: true\n" in merged and "published" not in merged


def test_new_content_replaces_only_the_body_and_line_endings_are_kept() -> None:
    text = TEXT.replace("\n", "\r\n")
    merged = merge_page_file(
        text, _page(content="New body.\n"), "New body.\n", _local(FIELDS), CONFIG
    )
    assert merged == TEXT.replace(BODY, "New body.\n").replace("\n", "\r\n")


def test_a_title_that_new_content_would_change_is_written_too() -> None:
    body = "# FAQ\n\nAsk.\n"
    fields = PageFields(title="FAQ")
    local = replace(_local(fields), content=body, content_digest=content_digest(body))
    page = _page(title="FAQ", tags=(), content="# FAQ v2\n\nAsk.\n")
    merged = merge_page_file(body, page, "# FAQ v2\n\nAsk.\n", local, CONFIG)
    # Without a header the title came from the heading; the new heading would rename it.
    assert merged == "---\ntitle: FAQ\n---\n\n# FAQ v2\n\nAsk.\n"


HUGO_FLAVOR = ActiveFlavor(FLAVORS["hugo"], Site(origin="hugo.yaml"))


def test_the_flavor_says_which_keys_hold_each_field() -> None:
    keys = flavor_field_keys(FLAVORS["hugo"])
    assert [a.key for a in keys.aliases("is_published")] == ["published", "draft"]
    assert keys.aliases("is_published")[1].file_value(False) is True
    # Fallback aliases: only the first key the file has is written.
    assert [a.key for a in keys.keys_in("title", {"title", "linkTitle"})] == ["title"]
    assert [a.key for a in keys.keys_in("title", {"linkTitle"})] == ["linkTitle"]
    # Wiki.js's own keys for a field the flavor does not map.
    assert keys.aliases("script_css") == WIKIJS_FIELD_KEYS.aliases("script_css")


def test_a_hugo_file_is_merged_with_hugo_keys_by_default() -> None:
    text = "---\ntitle: Start\nlinkTitle: Go\ndraft: true # not yet\nweight: 3\n---\n\n" + BODY
    fields = PageFields(title="Start", is_published=False)
    merged = merge_page_file(
        text,
        _page(title="Begin", tags=(), is_published=True),
        BODY,
        _local(fields),
        CONFIG,
        flavor=HUGO_FLAVOR,
    )
    assert merged == text.replace("title: Start\n", "title: Begin\n").replace(
        "draft: true", "draft: false"
    )


MKDOCS_FLAVOR = ActiveFlavor(FLAVORS["mkdocs"], Site(origin="mkdocs.yml"))
UNION = "---\ntitle: Start\ntags: [a, b]\nkeywords: [c]\n---\n\n" + BODY


def test_tags_merged_from_two_keys_go_back_without_duplicates() -> None:
    # The file's tags are the union of `tags` and `keywords`: {a, b, c}.
    fields = PageFields(title="Start", tags=("a", "b", "c"))
    merge = lambda tags: merge_page_file(  # noqa: E731
        UNION, _page(tags=tags), BODY, _local(fields), CONFIG, flavor=MKDOCS_FLAVOR
    )
    assert merge(("a", "b", "c")) == UNION  # nothing differs
    # a new tag goes into the first key; `keywords` keeps its own value
    assert merge(("a", "b", "c", "d")) == UNION.replace("tags: [a, b]", "tags: [a, b, d]")
    # a tag removed in the wiki leaves the key that held it
    assert merge(("a", "b")) == UNION.replace("keywords: [c]", "keywords: []")
    assert merge(("b", "c")) == UNION.replace("tags: [a, b]", "tags: [b]")


def test_union_keys_are_written_back_from_the_flavor() -> None:
    keys = flavor_field_keys(FLAVORS["mkdocs"])
    assert [a.key for a in keys.keys_in("tags", {"tags", "keywords"})] == ["tags", "keywords"]
    assert [a.key for a in keys.keys_in("tags", {"keywords"})] == ["keywords"]
    assert [a.key for a in keys.keys_in("tags", set())] == ["tags"]


def test_an_html_page_keeps_its_yaml_header() -> None:
    text = "---\ntitle: Start\npermalink: /start/\n---\n" + BODY
    merged = merge_page_file(
        text, _page(title="Begin"), BODY, _local(PageFields(title="Start"), "start.html"), CONFIG
    )
    assert merged is not None and "<!--" not in merged
    assert merged.startswith("---\ntitle: Begin\npermalink: /start/\n")
    assert merged.endswith("\n---\n" + BODY)
