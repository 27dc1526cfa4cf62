"""HTTP behaviour: endpoints, batching, body errors, uploads, downloads, the request log."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from _emulator_client import Client

from wikijs.testing import WikiJSEmulator


def _upload(
    emulator: WikiJSEmulator,
    name: str,
    data: bytes,
    *,
    folder: int = 0,
    mime: str = "application/octet-stream",
    key: str | None = "default",
) -> requests.Response:
    headers = {}
    if key is not None:
        headers["Authorization"] = f"Bearer {emulator.api_key if key == 'default' else key}"
    files: list[tuple[str, Any]] = [
        ("mediaUpload", (None, json.dumps({"folderId": folder}))),
        ("mediaUpload", (name, data, mime)),
    ]
    return requests.post(f"{emulator.url}/u", headers=headers, files=files)


def test_batched_array_is_answered_with_an_array(wikijs_emulator: WikiJSEmulator) -> None:
    page_id = wikijs_emulator.add_page("one", "# One")
    body = [
        {"query": f"{{ pages {{ single(id: {page_id}) {{ path }} }} }}"},
        {"query": "{ pages { single(id: 999) { path } } }"},
        {"query": "{ pages { list { nope } } }"},
    ]
    response = Client(wikijs_emulator).http.post(f"{wikijs_emulator.url}/graphql", json=body)
    assert response.status_code == 200
    first, second, third = response.json()
    assert first == {"data": {"pages": {"single": {"path": "one"}}}}
    assert second["data"] == {"pages": {"single": None}}
    assert third["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert wikijs_emulator.log.entries[-1].operations == (
        "pages.single",
        "pages.single",
        "pages.list",
    )


def test_get_runs_queries_but_not_mutations(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    url = wikijs_emulator.url
    ok = client.http.get(f"{url}/graphql?query={quote('{ pages { list { id } } }')}")
    assert ok.json() == {"data": {"pages": {"list": []}}}
    variables = quote(json.dumps({"id": 1}))
    query = quote("query ($id: Int!) { pages { single(id: $id) { id } } }")
    missing = client.http.get(f"{url}/graphql?query={query}&variables={variables}").json()
    assert missing["errors"][0]["extensions"]["exception"]["code"] == 6003
    mutation = quote("mutation { pages { rebuildTree { responseResult { succeeded } } } }")
    refused = client.http.get(f"{url}/graphql?query={mutation}")
    assert (refused.status_code, refused.text) == (405, "GET supports only query operation")
    assert refused.headers["Allow"] == "POST"


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (
            b"this is not json",
            400,
            {
                "data": {},
                "errors": [
                    {"message": "Unexpected token 't', \"#\" is not valid JSON", "path": []}
                ],
            },
        ),
        (
            b"  42",
            400,
            {
                "data": {},
                "errors": [
                    {"message": "Unexpected token '4', \"  #\" is not valid JSON", "path": []}
                ],
            },
        ),
        (
            b'{"query": ',
            400,
            {"data": {}, "errors": [{"message": "Unexpected end of JSON input", "path": []}]},
        ),
        (b"{}", 500, "POST body missing. Did you forget use body-parser middleware?"),
        (b"", 500, "POST body missing. Did you forget use body-parser middleware?"),
    ],
)
def test_bodies_the_server_refuses(
    wikijs_emulator: WikiJSEmulator, body: bytes, status: int, expected: Any
) -> None:
    response = Client(wikijs_emulator).http.post(
        f"{wikijs_emulator.url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert (response.json() if isinstance(expected, dict) else response.text) == expected


def test_bodies_over_five_megabytes_answer_413(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    big = "x" * (5 * 1024 * 1024)
    response = client.post(
        "mutation ($c: String!) { pages { render(id: 1) { responseResult { succeeded } } } }",
        {"c": big},
    )
    assert response.status_code == 413
    assert response.json() == {
        "data": {},
        "errors": [{"message": "request entity too large", "path": []}],
    }
    assert client.post("{ pages { list { id } } }").status_code == 200  # same connection still fine


def test_graphql_js_wording_of_request_errors(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)

    def first_error(query: str, variables: dict[str, Any] | None = None) -> tuple[int, str, str]:
        response = client.post(query, variables)
        error = response.json()["errors"][0]
        return response.status_code, error["extensions"]["code"], error["message"]

    assert first_error("{ pages { list { pathh } } }") == (
        400, "GRAPHQL_VALIDATION_FAILED",
        'Cannot query field "pathh" on type "PageListItem". Did you mean "path"?',
    )  # fmt: skip
    assert first_error("{ pages { single { id } } }")[2] == (
        'Field "single" argument "id" of type "Int!" is required, but it was not provided.'
    )
    assert first_error("{ pages { list(orderBy: FOO) { id } } }")[2] == (
        'Value "FOO" does not exist in "PageOrderBy" enum.'
    )
    assert first_error("query ($t: [String!]) { pages { list(tags: $t) { id } } }", {"t": ["a", 1]}) == (
        400, "INTERNAL_SERVER_ERROR",
        'Variable "$t" got invalid value 1 at "t[1]"; String cannot represent a non string value: 1',
    )  # fmt: skip
    assert first_error("query ($id: Int!) { pages { single(id: $id) { id } } }", {"id": None})[
        2
    ] == ('Variable "$id" of non-null type "Int!" must not be null.')
    assert first_error("{ pages { list { id } }")[:2] == (400, "GRAPHQL_PARSE_FAILED")
    missing = client.http.post(f"{wikijs_emulator.url}/graphql", json={"variables": {}})
    assert missing.status_code == 400


def test_healthz_and_unknown_paths(wikijs_emulator: WikiJSEmulator) -> None:
    assert requests.get(f"{wikijs_emulator.url}/healthz").json() == {"ok": True}
    assert requests.get(f"{wikijs_emulator.url}/no/such/file.txt").status_code == 404
    assert requests.delete(f"{wikijs_emulator.url}/graphql").status_code == 404


def test_connections_are_kept_alive(wikijs_emulator: WikiJSEmulator) -> None:
    parts = urlsplit(wikijs_emulator.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
    body = json.dumps({"query": "{ pages { list { id } } }"})
    headers = {"Content-Type": "application/json"}
    for _ in range(3):
        conn.request("POST", "/graphql", body, headers)
        response = conn.getresponse()
        assert response.status == 200
        assert response.getheader("Connection") == "keep-alive"
        assert json.loads(response.read()) == {"data": {"pages": {"list": []}}}
    sock = conn.sock
    conn.request("POST", "/graphql", body, headers)
    conn.getresponse().read()
    assert conn.sock is sock
    conn.close()


def test_the_request_log_counts_operations_and_kinds(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    client.create("a")
    client.data("{ x: pages { list { id } } y: pages { list { id } } }")
    _upload(wikijs_emulator, "f.txt", b"x")
    requests.get(f"{wikijs_emulator.url}/f.txt")
    log = wikijs_emulator.log
    assert log.requests == 4
    assert log.count("pages.list") == 2
    assert log.count(kind="query") == 1
    assert log.count(kind="upload") == log.count(kind="download") == 1
    assert log.writes() == ["pages.create", "assets.upload"]
    assert all(e.status == 200 and e.duration >= 0 for e in log.entries)
    log.reset()
    assert log.requests == 0 and log.writes() == []


def test_upload_renames_overwrites_and_serves_the_file(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    folder = client.data(
        'mutation { assets { createFolder(parentFolderId: 0, slug: "Docs/Images") { responseResult { succeeded } } } }'
    )
    assert folder["assets"]["createFolder"]["responseResult"]["succeeded"]
    folders = client.data("{ assets { folders(parentFolderId: 0) { id slug name } } }")["assets"][
        "folders"
    ]
    assert folders == [{"id": 1, "slug": "docsimages", "name": "docsimages"}]
    assert (
        _upload(wikijs_emulator, "My Photo, Final;#1.PNG", b"v1", folder=1, mime="image/png").text
        == "ok"
    )
    assert (
        _upload(
            wikijs_emulator, "my photo, final;#1.png", b"version 2", folder=1, mime="image/png"
        ).text
        == "ok"
    )
    listed = client.data(
        "{ assets { list(folderId: 1, kind: IMAGE) { id filename ext kind fileSize } } }"
    )
    assert listed["assets"]["list"] == [
        {"id": 1, "filename": "my_photo_final_1.png", "ext": ".png", "kind": "IMAGE", "fileSize": 9}
    ]
    served = requests.get(f"{wikijs_emulator.url}/docsimages/my_photo_final_1.png")
    assert (served.status_code, served.content) == (200, b"version 2")
    assert served.headers["Content-Type"] == "image/png"
    assert wikijs_emulator.asset("/docsimages/my_photo_final_1.png") == b"version 2"


def test_upload_refusals(wikijs_emulator: WikiJSEmulator) -> None:
    no_auth = _upload(wikijs_emulator, "a.txt", b"x", key=None)
    assert (no_auth.status_code, no_auth.json()) == (
        403, {"succeeded": False, "message": "You are not authorized to upload files."},
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {wikijs_emulator.api_key}"}
    bad_meta = requests.post(
        f"{wikijs_emulator.url}/u", headers=headers,
        files=[("mediaUpload", (None, "not json")), ("mediaUpload", ("a.txt", b"x", "text/plain"))],
    )  # fmt: skip
    assert (bad_meta.status_code, bad_meta.json()["message"]) == (
        400,
        "Missing upload folder metadata.",
    )
    no_file = requests.post(
        f"{wikijs_emulator.url}/u",
        headers=headers,
        files=[("mediaUpload", (None, '{"folderId":0}'))],
    )
    assert (no_file.status_code, no_file.json()["message"]) == (400, "Missing upload payload.")
    too_big = _upload(wikijs_emulator, "big.bin", b"x" * (5_242_880 + 1))
    assert too_big.status_code == 413
    assert _upload(wikijs_emulator, "max.bin", b"x" * 5_242_880).text == "ok"


def test_asset_rename_and_delete(wikijs_emulator: WikiJSEmulator) -> None:
    _upload(wikijs_emulator, "pic.png", b"png", mime="image/png")
    client = Client(wikijs_emulator)
    rename = "mutation ($f: String!) { assets { renameAsset(id: 1, filename: $f) { responseResult { succeeded errorCode } } } }"
    assert (
        client.data(rename, {"f": "other.jpg"})["assets"]["renameAsset"]["responseResult"][
            "errorCode"
        ]
        == 2008
    )
    assert client.data(rename, {"f": "Other.PNG"})["assets"]["renameAsset"]["responseResult"][
        "succeeded"
    ]
    assert requests.get(f"{wikijs_emulator.url}/other.png").content == b"png"
    delete = (
        "mutation { assets { deleteAsset(id: 1) { responseResult { succeeded errorCode slug } } } }"
    )
    assert client.data(delete)["assets"]["deleteAsset"]["responseResult"]["succeeded"]
    assert client.data(delete)["assets"]["deleteAsset"]["responseResult"] == {
        "succeeded": False, "errorCode": 2004, "slug": "AssetInvalid",
    }  # fmt: skip
    duplicate = 'mutation { assets { createFolder(parentFolderId: 0, slug: "a") { responseResult { errorCode } } } }'
    client.data(duplicate)
    assert client.data(duplicate)["assets"]["createFolder"]["responseResult"]["errorCode"] == 2002


def test_same_name_upload_replaces_in_place_with_no_history(
    wikijs_emulator: WikiJSEmulator,
) -> None:
    """Wiki.js 2.5.314: the same file name in the same folder replaces the bytes of the
    same asset; assets have no history and no page is rendered."""
    client = Client(wikijs_emulator)
    client.data(
        'mutation { assets { createFolder(parentFolderId: 0, slug: "state") '
        "{ responseResult { succeeded } } } }"
    )
    page_id = wikijs_emulator.add_page("home", "# Home")
    before = wikijs_emulator.stored_bytes()
    rendered = wikijs_emulator.page(page_id).render
    assert _upload(wikijs_emulator, "head.json", b"one", folder=1).text == "ok"
    first = client.data("{ assets { list(folderId: 1, kind: ALL) { id fileSize } } }")
    assert _upload(wikijs_emulator, "head.json", b"second", folder=1).text == "ok"
    second = client.data("{ assets { list(folderId: 1, kind: ALL) { id fileSize } } }")
    assert first["assets"]["list"] == [{"id": 1, "fileSize": 3}]
    assert second["assets"]["list"] == [{"id": 1, "fileSize": 6}]
    assert wikijs_emulator.asset_files("state") == {"head.json": b"second"}
    served = requests.get(f"{wikijs_emulator.url}/state/head.json")
    assert served.content == b"second"
    logged = [(e.kind, e.asset) for e in wikijs_emulator.log.entries if e.kind != "query"]
    assert logged[-3:] == [
        ("upload", "state/head.json"),
        ("upload", "state/head.json"),
        ("download", "state/head.json"),
    ]
    assert wikijs_emulator.asset_files("nowhere") == {}
    after = wikijs_emulator.stored_bytes()
    assert after["history_versions"] == before["history_versions"]
    assert after["history_content"] == before["history_content"]
    assert after["asset_bytes"] == before["asset_bytes"] + 6
    assert wikijs_emulator.page(page_id).render == rendered
