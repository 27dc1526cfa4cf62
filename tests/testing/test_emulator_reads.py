"""Page reads: list, tree, search, tags, links, render, conflicts, helpers, speed."""

from __future__ import annotations

from typing import Any

import pytest
from _emulator_client import Client

from wikijs.testing import PageRecord, WikiJSEmulator


def _list(client: Client, args: str, fields: str = "id path tags") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = client.data(f"{{ pages {{ list{args} {{ {fields} }} }} }}")[
        "pages"
    ]["list"]
    return items


@pytest.fixture
def wiki(wikijs_emulator: WikiJSEmulator) -> WikiJSEmulator:
    emu = wikijs_emulator
    emu.add_page("guide/install", "# Install\n\nSee [setup](/en/guide/setup).", title="Install",
                 description="how to install", tags=["guide", "setup"])  # fmt: skip
    emu.add_page("guide/setup", "# Setup\n\n## Docker\n\nText.", title="Setup", tags=["guide"])
    emu.add_page("zeta", "Z", title="alpha", tags=[])
    emu.add_page("draft", "# Draft", title="Draft page", is_published=False)
    emu.add_page("fr/page", "# Bonjour", locale="fr", title="Page FR", tags=["guide"])
    return emu


def test_list_orders_and_filters(wiki: WikiJSEmulator) -> None:
    client = Client(wiki)
    assert [p["path"] for p in _list(client, "")] == [
        "guide/install",
        "guide/setup",
        "zeta",
        "draft",
        "fr/page",
    ]
    by_title = _list(client, "(orderBy: TITLE, orderByDirection: DESC)", "title")
    assert [p["title"] for p in by_title] == ["alpha", "Setup", "Page FR", "Install", "Draft page"]
    assert [p["path"] for p in _list(client, '(locale: "fr")')] == ["fr/page"]
    assert _list(client, "(creatorId: 2)") == []
    no_content = client.post("{ pages { list { content } } }")
    assert no_content.status_code == 400  # list items carry no content


def test_list_limit_counts_page_tag_rows(wiki: WikiJSEmulator) -> None:
    # like the real server: LIMIT applies to the SQL join of pages and tags
    rows = _list(Client(wiki), "(limit: 2)")
    assert rows == [{"id": 1, "path": "guide/install", "tags": ["guide", "setup"]}]
    three = _list(Client(wiki), "(limit: 3)")
    assert [(p["path"], p["tags"]) for p in three] == [
        ("guide/install", ["guide", "setup"]),
        ("guide/setup", ["guide"]),
    ]


def test_list_tag_filter_shows_only_matching_tags_and_is_case_sensitive(
    wiki: WikiJSEmulator,
) -> None:
    client = Client(wiki)
    tagged = _list(client, '(tags: ["guide"])')
    assert [(p["path"], p["tags"]) for p in tagged] == [
        ("guide/install", ["guide"]),
        ("guide/setup", ["guide"]),
        ("fr/page", ["guide"]),
    ]
    assert [p["path"] for p in _list(client, '(tags: ["guide", "setup"])')] == ["guide/install"]
    assert _list(client, '(tags: ["GUIDE"])') == []


def test_tree_modes_and_ancestors(wiki: WikiJSEmulator) -> None:
    client = Client(wiki)

    def tree(args: str) -> list[tuple[str, bool]]:
        items = client.data(f"{{ pages {{ tree({args}) {{ path isFolder }} }} }}")["pages"]["tree"]
        return [(i["path"], i["isFolder"]) for i in items]

    assert tree('mode: ALL, locale: "en", parent: 0') == [
        ("guide", True),
        ("draft", False),
        ("zeta", False),
    ]
    assert tree('mode: FOLDERS, locale: "en"') == [("guide", True)]
    assert tree('mode: PAGES, locale: "en"') == [("draft", False), ("zeta", False)]
    assert tree('path: "guide/setup", mode: ALL, locale: "en", includeAncestors: true') == [
        ("guide", True),
        ("guide/install", False),
        ("guide/setup", False),
    ]
    assert tree('path: "missing", mode: ALL, locale: "en"') == []


def test_search_matches_title_description_and_path_of_published_pages(wiki: WikiJSEmulator) -> None:
    client = Client(wiki)

    def search(q: str) -> list[str]:
        data = client.data(
            f'{{ pages {{ search(query: "{q}") {{ results {{ id path }} totalHits }} }} }}'
        )
        results = data["pages"]["search"]["results"]
        assert data["pages"]["search"]["totalHits"] == len(results)
        assert all(isinstance(r["id"], str) for r in results)
        return [r["path"] for r in results]

    assert search("INSTALL") == ["guide/install"]
    assert search("how to") == ["guide/install"]
    assert search("Docker") == []  # content is not searched by the basic engine
    assert search("draft") == []  # unpublished


def test_tags_and_search_tags(wiki: WikiJSEmulator) -> None:
    client = Client(wiki)
    tags = client.data("{ pages { tags { tag title } } }")["pages"]["tags"]
    assert [t["tag"] for t in tags] == ["guide", "setup"]
    assert client.data('{ pages { searchTags(query: "SET") } }')["pages"]["searchTags"] == ["setup"]


def test_links_and_render(wiki: WikiJSEmulator) -> None:
    client = Client(wiki)
    links = client.data('{ pages { links(locale: "en") { path links } } }')["pages"]["links"]
    assert {"path": "en/guide/install", "links": ["en/guide/setup"]} in links
    page = client.post(
        '{ pages { singleByPath(path: "guide/install", locale: "en") { render toc } } }'
    ).json()
    render = page["data"]["pages"]["singleByPath"]["render"]
    assert (
        '<h1 id="install" class="toc-header"><a class="toc-anchor" href="#install">¶</a> Install</h1>'
        in render
    )
    # the link target was added after this page was rendered
    assert 'href="/en/guide/setup" class="is-internal-link is-invalid-page"' in render
    assert (
        page["errors"][0]["message"]
        == 'String cannot represent value: [{ title: "Install", anchor: "#install", children: [] }]'
    )
    nested = client.post(
        '{ pages { singleByPath(path: "guide/setup", locale: "en") { toc } } }'
    ).json()
    assert nested["errors"][0]["message"].endswith("children: [Array] }]")


def test_creating_a_linked_page_fixes_links_and_touches_the_linking_pages(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    linking = wikijs_emulator.add_page("home", "See [next](/en/next) and [x](https://example.com).")
    before = wikijs_emulator.page(linking)
    assert '<a href="/en/next" class="is-internal-link is-invalid-page">' in (before.render or "")
    assert '<a href="https://example.com" class="is-external-link">' in (before.render or "")
    Client(wikijs_emulator).create("next")
    after = wikijs_emulator.page(linking)
    assert '<a href="/en/next" class="is-internal-link is-valid-page">' in (after.render or "")
    assert after.updated_at > before.updated_at  # Wiki.js patches the linking pages


def test_single_needs_manage_rights_and_reports_missing_pages(wiki: WikiJSEmulator) -> None:
    client = Client(wiki)
    missing = client.post('{ pages { singleByPath(path: "nope", locale: "en") { id } } }').json()
    error = missing["errors"][0]
    assert error["message"] == "This page does not exist."
    assert error["path"] == ["pages", "singleByPath"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert set(error["extensions"]["exception"]) == {"stack", "code", "message", "stacktrace"}
    assert missing["data"] == {"pages": {"singleByPath": None}}


def test_hand_edits_show_up_as_conflicts(wiki: WikiJSEmulator) -> None:
    client = Client(wiki)
    page = wiki.find_page("guide/setup")
    assert page is not None
    check = "query ($id: Int!, $d: Date!) { pages { checkConflicts(id: $id, checkoutDate: $d) } }"
    assert (
        client.data(check, {"id": page.id, "d": page.updated_at})["pages"]["checkConflicts"]
        is False
    )
    wiki.edit_page(page.id, content="# Setup\n\nEdited in the wiki.", tags=["edited"])
    edited = wiki.page(page.id)
    assert edited.updated_at > page.updated_at
    assert edited.tags == ("edited",)
    assert (
        client.data(check, {"id": page.id, "d": page.updated_at})["pages"]["checkConflicts"] is True
    )
    latest = client.data(
        f"{{ pages {{ conflictLatest(id: {page.id}) {{ content tags authorId }} }} }}"
    )
    assert latest["pages"]["conflictLatest"] == {
        "content": "# Setup\n\nEdited in the wiki.",
        "tags": ["edited"],
        "authorId": "1",
    }
    assert wiki.versions(page.id)[0]["actionType"] == "initial"


def test_page_records_read_as_attributes_or_graphql_keys(wiki: WikiJSEmulator) -> None:
    page = wiki.find_page("guide/install")
    assert isinstance(page, PageRecord)
    assert page["isPublished"] is page.is_published is True
    assert page["tags"] == ("guide", "setup")
    assert page.as_dict()["contentType"] == "markdown"
    assert wiki.find_page("guide/install", "fr") is None
    with pytest.raises(KeyError):
        page["nope"]
    with pytest.raises(LookupError):
        wiki.page(999)


def test_listing_ten_thousand_pages_is_complete_and_ordered() -> None:
    """Ten thousand pages in one list, every field right. How fast is `python -m bench`'s
    ``emulator_listing`` (a timing here would fail on a busy machine, not on a slow
    emulator)."""
    emulator = WikiJSEmulator()
    for i in range(10_000):
        emulator.add_page(
            f"bulk/{i // 100}/page-{i}", "# Page\n\nText.", tags=["bulk", f"t{i % 7}"]
        )
    with emulator:
        client = Client(emulator)
        fields = "id path locale title description contentType isPublished isPrivate privateNS createdAt updatedAt tags"
        items = client.data(f"{{ pages {{ list {{ {fields} }} }} }}")["pages"]["list"]
        again = client.data(f"{{ pages {{ list {{ {fields} }} }} }}")["pages"]["list"]
        assert len(items) == 10_000
        assert again == items  # the cached document answers the same
        assert sorted(item["id"] for item in items) == list(range(1, 10_001))
        by_id = {item["id"]: item for item in items}
        assert by_id[5000]["path"] == "bulk/49/page-4999"
        assert sorted(by_id[5000]["tags"]) == ["bulk", f"t{4999 % 7}"]
        single = client.data("{ pages { single(id: 5000) { id title path } } }")
        assert single["pages"]["single"]["path"] == "bulk/49/page-4999"


def test_long_lists_keep_aliases_fragments_typename_and_skip(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    for i in range(40):
        wikijs_emulator.add_page(f"many/{i:02d}", "x", title=f"T{i}", tags=["t"] if i % 2 else [])
    query = """query ($skip: Boolean!) { pages { list(orderBy: PATH) {
        ...Bits __typename name: title desc: description @skip(if: $skip) } } }
      fragment Bits on PageListItem { id tags }"""
    items = Client(wikijs_emulator).data(query, {"skip": True})["pages"]["list"]
    assert len(items) == 40
    assert items[3] == {"id": 4, "tags": ["t"], "__typename": "PageListItem", "name": "T3"}
    assert items[4] == {"id": 5, "tags": [], "__typename": "PageListItem", "name": "T4"}
