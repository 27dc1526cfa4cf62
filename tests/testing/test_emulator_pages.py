"""Page writes: create, update, move, delete, restore, with the real server's quirks."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from _emulator_client import Client

from wikijs.testing import WikiJSEmulator

DATA = Path(__file__).resolve().parents[1] / "data"

UPDATE = """mutation ($id: Int!, $content: String, $description: String, $title: String,
  $tags: [String], $isPublished: Boolean, $path: String, $locale: String,
  $scriptCss: String, $publishStartDate: Date) {
  pages { update(id: $id, content: $content, description: $description, title: $title,
    tags: $tags, isPublished: $isPublished, path: $path, locale: $locale,
    scriptCss: $scriptCss, publishStartDate: $publishStartDate) {
      responseResult { succeeded errorCode slug message }
      page { id path title description isPublished tags { tag } } } } }"""
MOVE = """mutation ($id: Int!, $p: String!, $l: String!) { pages { move(id: $id,
  destinationPath: $p, destinationLocale: $l) { responseResult { succeeded errorCode slug } } } }"""
HISTORY = """query ($id: Int!) { pages { history(id: $id) { total trail { versionId actionType
  valueBefore valueAfter } } } }"""


def _create_raw(client: Client, **overrides: Any) -> dict[str, Any]:
    variables = {
        "content": "# Hello",
        "description": "",
        "editor": "markdown",
        "isPublished": True,
        "isPrivate": False,
        "locale": "en",
        "path": "p",
        "tags": [],
        "title": "t",
        **overrides,
    }
    query = """mutation ($content: String!, $description: String!, $editor: String!,
      $isPublished: Boolean!, $isPrivate: Boolean!, $locale: String!, $path: String!,
      $tags: [String]!, $title: String!) { pages { create(content: $content,
      description: $description, editor: $editor, isPublished: $isPublished,
      isPrivate: $isPrivate, locale: $locale, path: $path, tags: $tags, title: $title) {
      responseResult { succeeded errorCode slug message }
      page { id path hash contentType tags { tag } } } } }"""
    result: dict[str, Any] = client.data(query, variables)["pages"]["create"]
    return result


def _update(client: Client, page_id: int, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.data(UPDATE, {"id": page_id, **variables})["pages"]["update"]
    return result


def test_path_rules_match_the_recorded_server(wikijs_emulator: WikiJSEmulator) -> None:
    recorded = json.loads((DATA / "path-rules-results.json").read_text("utf-8"))
    client = Client(wikijs_emulator)
    differences = {}
    for path, expected in recorded.items():
        result = _create_raw(client, path=path)
        rr = result["responseResult"]
        stored = result["page"]["path"] if result["page"] else None
        got = (rr["succeeded"], rr["errorCode"], rr["slug"], stored)
        want = (
            expected["succeeded"],
            expected["errorCode"],
            expected["slug"],
            expected["stored_path"],
        )
        if got != want:
            differences[path] = (want, got)
    assert differences == {}
    assert len(recorded) == 64


def test_page_hash_is_sha1_of_locale_path_and_private_namespace(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    recorded = {}
    for line in (DATA / "transcripts.jsonl").read_text("utf-8").splitlines():
        t = json.loads(line)
        page = (
            (((t["response"]["body"] or {}).get("data") or {}).get("pages") or {})
            if isinstance(t["response"]["body"], dict)
            else {}
        )
        create = page.get("create") if isinstance(page, dict) else None
        if isinstance(create, dict) and create.get("page") and "hash" in create["page"]:
            recorded[create["page"]["path"]] = create["page"]["hash"]
    assert len(recorded) > 50
    for path, digest in recorded.items():
        assert hashlib.sha1(f"en|{path}|".encode()).hexdigest() == digest, path
    client = Client(wikijs_emulator)
    assert (
        _create_raw(client, path="sdk/crud-669512")["page"]["hash"] == recorded["sdk/crud-669512"]
    )


def test_a_private_page_hashes_the_namespace_wiki_js_creates_it_with(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    # Wiki.js 2.5's createPage: privateNS is the string 'TODO' for a private page (read
    # from its source; the recorded transcripts create public pages only).
    client = Client(wikijs_emulator)
    page = _create_raw(client, path="sdk/private", isPrivate=True)["page"]
    assert page["hash"] == hashlib.sha1(b"en|sdk/private|TODO").hexdigest()
    public = _create_raw(client, path="sdk/public")["page"]
    assert public["hash"] == hashlib.sha1(b"en|sdk/public|").hexdigest()


def test_create_checks_locale_editor_content_and_duplicates(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    client = Client(wikijs_emulator)
    assert _create_raw(client, path="fr/page", locale="fr")["responseResult"]["succeeded"]
    spanish = _create_raw(client, path="es/page", locale="es")["responseResult"]
    assert (spanish["errorCode"], spanish["slug"]) == (1, "ForeignKeyViolationError")
    assert spanish["message"].endswith('violates foreign key constraint "pages_localecode_foreign"')
    too_long = _create_raw(client, path="x/locale", locale="xx-invalid")["responseResult"]
    assert too_long["slug"] == "DataError" and too_long["message"].endswith("character varying(5)")
    editor = _create_raw(client, path="x/editor", editor="nope")["responseResult"]
    assert editor["message"].endswith('"pages_editorkey_foreign"')
    empty = _create_raw(client, path="x/empty", content="  \n ")["responseResult"]
    assert (empty["errorCode"], empty["slug"]) == (6004, "PageEmptyContent")
    duplicate = _create_raw(client, path="fr/page", locale="fr")["responseResult"]
    assert duplicate["errorCode"] == 6002
    long_title = _create_raw(client, path="x/title", title="t" * 256)["responseResult"]
    assert long_title["message"].endswith("value too long for type character varying(255)")
    # a foreign key failure used up an id, like PostgreSQL's sequence
    assert _create_raw(client, path="after")["page"]["id"] == 4


@pytest.mark.parametrize(
    ("editor", "content_type"),
    [("markdown", "markdown"), ("ckeditor", "html"), ("code", "html"), ("asciidoc", "asciidoc")],
)
def test_editors_map_to_content_types(
    wikijs_emulator: WikiJSEmulator, editor: str, content_type: str
) -> None:
    page = _create_raw(Client(wikijs_emulator), path=f"ed/{editor}", editor=editor)["page"]
    assert page["contentType"] == content_type


def test_tags_are_trimmed_and_lowercased(wikijs_emulator: WikiJSEmulator) -> None:
    page = _create_raw(
        Client(wikijs_emulator), path="tags", tags=["MixedCase", " spaced tag ", "a,b", "a,b"]
    )
    assert [t["tag"] for t in page["page"]["tags"]] == ["mixedcase", "spaced tag", "a,b"]


def test_selecting_locale_editor_or_toc_in_a_write_response(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    client = Client(wikijs_emulator)
    body = client.post(
        'mutation { pages { create(content: "# A", description: "", editor: "markdown", '
        'isPublished: true, isPrivate: false, locale: "en", path: "sel", tags: [], title: "t") '
        "{ responseResult { succeeded } page { id locale editor toc } } } }"
    ).json()
    assert body["data"]["pages"]["create"] == {"responseResult": {"succeeded": True}, "page": None}
    assert [e["message"] for e in body["errors"]] == [
        "String cannot represent value: []",
        "Cannot return null for non-nullable field Page.locale.",
    ]
    assert wikijs_emulator.find_page("sel") is not None


def test_update_replaces_the_page(wikijs_emulator: WikiJSEmulator) -> None:
    page_id = wikijs_emulator.add_page(
        "doc", "# v1", title="Doc", description="keep me", tags=["a"],
        script_css=".x{}", publish_start_date="2026-01-01T00:00:00.000Z",
    )  # fmt: skip
    client = Client(wikijs_emulator)
    result = _update(client, page_id, content="# v2", tags=["b"])
    assert result["responseResult"]["succeeded"] is True
    page = wikijs_emulator.page(page_id)
    assert (page.content, page.title, page.description, page.tags) == (
        "# v2",
        "Doc",
        "keep me",
        ("b",),
    )
    assert page.is_published is False  # isPublished omitted: unpublished
    assert (page.script_css, page.publish_start_date) == ("", "")  # reset when omitted


def test_update_without_content_is_refused_and_writes_nothing(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    page_id = wikijs_emulator.add_page("doc", "# v1")
    result = _update(Client(wikijs_emulator), page_id, title="Only title")
    assert result["responseResult"]["errorCode"] == 6004
    assert wikijs_emulator.page(page_id).title == "doc"
    assert wikijs_emulator.versions(page_id) == []


def test_update_without_tags_fails_after_saving_title_and_content(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    page_id = wikijs_emulator.add_page("doc", "# v1", tags=["keep"])
    result = _update(Client(wikijs_emulator), page_id, content="# v2", title="New")
    assert result == {
        "responseResult": {
            "succeeded": False,
            "errorCode": 1,
            "slug": "TypeError",
            "message": "Cannot read properties of undefined (reading 'map')",
        },
        "page": None,
    }
    page = wikijs_emulator.page(page_id)
    assert (page.content, page.title, page.tags) == ("# v2", "New", ("keep",))


def test_every_update_adds_a_version_even_without_changes(wikijs_emulator: WikiJSEmulator) -> None:
    page_id = wikijs_emulator.add_page("doc", "# same")
    client = Client(wikijs_emulator)
    for _ in range(3):
        _update(client, page_id, content="# same", tags=[], isPublished=True)
    history = client.data(HISTORY, {"id": page_id})["pages"]["history"]
    assert history["total"] == 3
    assert [v["actionType"] for v in history["trail"]] == ["edit", "edit", "initial"]


def test_update_with_a_new_path_moves_the_page(wikijs_emulator: WikiJSEmulator) -> None:
    page_id = wikijs_emulator.add_page("old/path", "# v1")
    client = Client(wikijs_emulator)
    result = _update(
        client, page_id, content="# v2", tags=[], isPublished=True, path="new/path", locale="en"
    )
    assert result["page"]["path"] == "old/path"  # the answer shows the path before the move
    assert wikijs_emulator.page(page_id).path == "new/path"
    trail = client.data(HISTORY, {"id": page_id})["pages"]["history"]["trail"]
    # two versions (the edit, then the move), both snapshots taken at the old path
    assert [v["actionType"] for v in trail] == ["edit", "initial"]
    _update(client, page_id, content="# v3", tags=[], isPublished=True)
    trail = client.data(HISTORY, {"id": page_id})["pages"]["history"]["trail"]
    assert [(v["actionType"], v["valueBefore"], v["valueAfter"]) for v in trail] == [
        ("move", "old/path", "new/path"),
        ("edit", None, None),
        ("initial", None, None),
    ]


def test_update_of_a_missing_page(wikijs_emulator: WikiJSEmulator) -> None:
    result = _update(Client(wikijs_emulator), 999, content="x", tags=[])
    assert result["responseResult"] == {
        "succeeded": False, "errorCode": 1, "slug": "Error", "message": "Invalid Page Id",
    }  # fmt: skip


def test_move_rules(wikijs_emulator: WikiJSEmulator) -> None:
    first = wikijs_emulator.add_page("a/page", "# A", title="a/page")
    wikijs_emulator.add_page("b/page", "# B")
    client = Client(wikijs_emulator)

    def move(page_id: int, path: str, locale: str = "en") -> dict[str, Any]:
        rr: dict[str, Any] = client.data(MOVE, {"id": page_id, "p": path, "l": locale})["pages"][
            "move"
        ]["responseResult"]
        return rr

    assert move(first, "b/page")["errorCode"] == 6006
    assert move(first, "bad path")["errorCode"] == 6005
    assert move(999, "anywhere")["errorCode"] == 6003
    assert move(first, "/c/page/")["succeeded"] is True
    moved = wikijs_emulator.page(first)
    assert (moved.path, moved.title) == ("c/page", "page")  # a title equal to the path follows it
    assert move(first, "fr-page", "fr")["succeeded"] is True
    assert wikijs_emulator.find_page("fr-page", "fr") is not None


def test_delete_then_single_and_history(wikijs_emulator: WikiJSEmulator) -> None:
    page_id = wikijs_emulator.add_page("gone", "# bye")
    client = Client(wikijs_emulator)
    deleted = client.data(
        f"mutation {{ pages {{ delete(id: {page_id}) {{ responseResult {{ succeeded message }} }} }} }}"
    )
    assert deleted["pages"]["delete"]["responseResult"] == {
        "succeeded": True,
        "message": "Page has been deleted.",
    }
    single = client.post(f"{{ pages {{ single(id: {page_id}) {{ id }} }} }}").json()
    assert single["errors"][0]["extensions"]["exception"]["code"] == 6003
    history = client.post(f"{{ pages {{ history(id: {page_id}) {{ total }} }} }}").json()
    assert history["errors"][0]["message"] == "Cannot read properties of undefined (reading 'path')"


def test_restore_brings_back_content_and_path(wikijs_emulator: WikiJSEmulator) -> None:
    page_id = wikijs_emulator.add_page("first/path", "# original", tags=["t"])
    client = Client(wikijs_emulator)
    _update(
        client,
        page_id,
        content="# changed",
        tags=["t"],
        isPublished=True,
        path="second/path",
        locale="en",
    )
    versions = client.data(HISTORY, {"id": page_id})["pages"]["history"]["trail"]
    oldest = versions[-1]["versionId"]
    restore = "mutation ($p: Int!, $v: Int!) { pages { restore(pageId: $p, versionId: $v) { responseResult { succeeded } } } }"
    assert client.data(restore, {"p": page_id, "v": oldest})["pages"]["restore"]["responseResult"][
        "succeeded"
    ]
    page = wikijs_emulator.page(page_id)
    assert (page.path, page.content, page.tags) == ("first/path", "# original", ())
    version = client.data(
        "query ($p: Int!, $v: Int!) { pages { version(pageId: $p, versionId: $v) { action path content tags } } }",
        {"p": page_id, "v": oldest},
    )["pages"]["version"]
    assert version == {
        "action": "updated",
        "path": "first/path",
        "content": "# original",
        "tags": [],
    }


def test_aliases_in_one_pages_block_run_concurrently(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    create = (
        '{n}: create(content: "# x", description: "", editor: "markdown", isPublished: true, '
        'isPrivate: false, locale: "en", path: "race/same", tags: [], title: "{n}") '
        "{{ responseResult {{ succeeded }} page {{ id }} }}"
    )
    data = client.data(
        f"mutation {{ pages {{ {create.format(n='n1')} {create.format(n='n2')} }} }}"
    )
    assert data["pages"]["n1"]["responseResult"]["succeeded"] is True
    assert data["pages"]["n2"]["responseResult"]["succeeded"] is True
    assert data["pages"]["n1"]["page"]["id"] == data["pages"]["n2"]["page"]["id"]
    assert [p.path for p in wikijs_emulator.pages()] == ["race/same", "race/same"]
    top_level = client.data(
        f"mutation {{ a: pages {{ {create.format(n='create')} }} b: pages {{ {create.format(n='create')} }} }}"
    )
    assert top_level["a"]["create"]["responseResult"]["succeeded"] is False  # exists already
    assert len(wikijs_emulator.pages()) == 2
