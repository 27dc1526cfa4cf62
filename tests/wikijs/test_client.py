"""The client: configuration, the page cache, the rebuild-tree race, safe batch updates."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from _replay import transcript

from wikijs import (
    UNSET,
    AuthenticationError,
    MemoryCache,
    Page,
    PageNotFoundError,
    PageUpdate,
    TagRaceError,
    TreeRebuildError,
    WikiJSClient,
)
from wikijs._auth import ApiKeyAuth, LoginAuth

URL = "http://127.0.0.1:3997"
GRAPHQL = f"{URL}/graphql"
KEY = "client-test-key-abcdef"

RACE = {
    "succeeded": False,
    "errorCode": 1,
    "slug": "Error",
    "message": 'Error when running job rebuild-tree: insert into "pageTree" ("depth", "id") '
    'values ($1, $2) - duplicate key value violates unique constraint "pageTree_pkey"',
}
OK = {"succeeded": True, "errorCode": 0, "slug": "ok", "message": "ok"}


def single(**overrides: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(transcript("single_page")["response"]["body"]))
    node: dict[str, Any] = body["data"]["pages"]["single"]
    node.update(overrides)
    return node


def answer(field: str, value: Any) -> dict[str, Any]:
    return {"data": {"pages": {field: value}}}


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def client() -> Iterator[WikiJSClient]:
    with WikiJSClient(
        URL, api_key=KEY, verify_auth=False, rate_limit=False, retry=None, sleep=_no_sleep
    ) as c:
        yield c


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"unexpected sleep of {seconds}s")


def sent(http: responses.RequestsMock) -> list[dict[str, Any]]:
    return [json.loads(c.request.body) for c in http.calls]


class TestConfiguration:
    def test_from_env_with_an_api_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("WIKIJS_URL", URL + "/")
        monkeypatch.setenv("WIKIJS_API_KEY", KEY)
        client = WikiJSClient.from_env(rate_limit=False)
        assert client.url == URL
        assert isinstance(client.auth, ApiKeyAuth)

    def test_from_env_with_a_login(self) -> None:
        env = {
            "WIKIJS_URL": URL,
            "WIKIJS_USERNAME": "admin@example.com",
            "WIKIJS_PASSWORD": "pw-123456",
        }
        client = WikiJSClient.from_env(env)
        assert isinstance(client.auth, LoginAuth)
        assert client.auth.username == "admin@example.com"

    def test_from_env_names_what_is_missing(self) -> None:
        with pytest.raises(ValueError, match="WIKIJS_URL"):
            WikiJSClient.from_env({})
        with pytest.raises(ValueError, match="WIKIJS_API_KEY"):
            WikiJSClient.from_env({"WIKIJS_URL": URL})

    def test_overrides_win(self) -> None:
        client = WikiJSClient.from_env(
            {"WIKIJS_URL": "http://ignored", "WIKIJS_API_KEY": "ignored-key"},
            url=URL,
            api_key=KEY,
        )
        assert client.url == URL

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"api_key": KEY, "username": "u", "password": "p"}, "either"),
            ({"username": "u"}, "both"),
            ({"api_key": "   "}, "empty"),
        ],
    )
    def test_bad_credentials(self, kwargs: dict[str, Any], match: str) -> None:
        with pytest.raises(ValueError, match=match):
            WikiJSClient(URL, **kwargs)

    def test_url_needs_a_scheme(self) -> None:
        with pytest.raises(ValueError, match="http"):
            WikiJSClient("wiki.example.com", api_key=KEY)

    def test_repr_never_shows_a_secret(self) -> None:
        client = WikiJSClient(URL, username="admin", password="very-secret-pw")
        assert "very-secret-pw" not in repr(client) + repr(client.auth)
        assert "secret" not in repr(WikiJSClient(URL, api_key="secret-api-key-1"))

    def test_close_closes_the_session(self) -> None:
        closed: list[bool] = []

        class Recording(requests.Session):
            def close(self) -> None:
                closed.append(True)
                super().close()

        with WikiJSClient(URL, api_key=KEY, session=Recording()):
            pass
        assert closed == [True]

    def test_anonymous_clients_skip_the_identity_check(self, http: responses.RequestsMock) -> None:
        http.add(responses.POST, GRAPHQL, json=transcript("no_auth_list")["response"]["body"])
        items = WikiJSClient(URL, rate_limit=False).pages.list()
        assert len(items) == 4
        assert "Authorization" not in http.calls[0].request.headers

    def test_a_guest_profile_is_an_authentication_error(self, http: responses.RequestsMock) -> None:
        http.add(
            responses.POST,
            GRAPHQL,
            json={
                "data": {
                    "users": {"profile": {"id": 2, "name": "Guest", "email": "guest@example.com"}}
                }
            },
        )
        with pytest.raises(AuthenticationError, match="Guest"):
            WikiJSClient(URL, api_key="garbage-000000", rate_limit=False).whoami()


class TestCache:
    def test_reads_are_cached_and_writes_invalidate(
        self, http: responses.RequestsMock, client: WikiJSClient
    ) -> None:
        http.add(responses.POST, GRAPHQL, json=answer("single", single()))
        http.add(responses.POST, GRAPHQL, json=transcript("delete_page")["response"]["body"])
        http.add(
            responses.POST, GRAPHQL, json=transcript("single_after_delete")["response"]["body"]
        )
        assert client.pages.get(3) is client.pages.get(3)
        assert client.pages.get_by_path("sdk/crud-669512").id == 3  # cached under its path too
        client.pages.delete(3)
        with pytest.raises(PageNotFoundError):
            client.pages.get(3)
        assert len(http.calls) == 3

    def test_update_reads_fresh_not_from_the_cache(
        self, http: responses.RequestsMock, client: WikiJSClient
    ) -> None:
        update_ok = {
            "responseResult": OK,
            "page": {"id": 3, "path": "sdk/crud-669512", "title": "T"},
        }
        http.add(responses.POST, GRAPHQL, json=answer("single", single()))
        http.add(responses.POST, GRAPHQL, json=answer("single", single(title="Changed elsewhere")))
        http.add(responses.POST, GRAPHQL, json=answer("update", update_ok))
        client.pages.get(3)
        client.pages.update(3, description="new")
        assert sent(http)[2]["variables"]["title"] == "Changed elsewhere"

    def test_cache_can_be_disabled_or_replaced(self, http: responses.RequestsMock) -> None:
        for _ in range(2):
            http.add(responses.POST, GRAPHQL, json=answer("single", single()))
        off = WikiJSClient(URL, api_key=KEY, verify_auth=False, rate_limit=False, cache=False)
        off.pages.get(3)
        off.pages.get(3)
        assert len(http.calls) == 2
        backend = MemoryCache()
        mine = WikiJSClient(URL, api_key=KEY, verify_auth=False, rate_limit=False, cache=backend)
        assert mine.cache is not None and mine.cache.backend is backend


class TestTreeRebuildRace:
    def test_create_is_confirmed_and_the_tree_marked_stale(
        self, http: responses.RequestsMock, client: WikiJSClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        http.add(
            responses.POST, GRAPHQL, json=answer("create", {"responseResult": RACE, "page": None})
        )
        http.add(responses.POST, GRAPHQL, json=answer("singleByPath", single()))
        http.add(responses.POST, GRAPHQL, json=answer("rebuildTree", {"responseResult": OK}))
        with caplog.at_level(logging.WARNING, logger="wikijs"):
            page = client.pages.create("sdk/crud-669512", content="# Hello\n\nBody text.")
        assert page.id == 3
        assert client.pages.tree_stale
        assert any("rebuild_tree" in r.getMessage() for r in caplog.records)
        client.pages.rebuild_tree()
        assert not client.pages.tree_stale
        assert sum("create(" in s["query"] for s in sent(http)) == 1  # never retried

    def test_update_is_confirmed(self, http: responses.RequestsMock, client: WikiJSClient) -> None:
        http.add(
            responses.POST, GRAPHQL, json=answer("update", {"responseResult": RACE, "page": None})
        )
        http.add(responses.POST, GRAPHQL, json=answer("single", single(title="New")))
        page = client.pages.update(3, current=Page.model_validate(single()), title="New")
        assert page.title == "New" and client.pages.tree_stale

    def test_delete_is_confirmed_by_absence(
        self, http: responses.RequestsMock, client: WikiJSClient
    ) -> None:
        http.add(responses.POST, GRAPHQL, json=answer("delete", {"responseResult": RACE}))
        http.add(
            responses.POST, GRAPHQL, json=transcript("single_after_delete")["response"]["body"]
        )
        client.pages.delete(3)
        assert client.pages.tree_stale

    def test_move_is_confirmed_at_the_new_path(
        self, http: responses.RequestsMock, client: WikiJSClient
    ) -> None:
        http.add(responses.POST, GRAPHQL, json=answer("move", {"responseResult": RACE}))
        http.add(responses.POST, GRAPHQL, json=answer("single", single(path="docs/moved")))
        client.pages.move(3, "docs/moved", "en")
        assert client.pages.tree_stale

    def test_an_unconfirmed_race_raises(
        self, http: responses.RequestsMock, client: WikiJSClient
    ) -> None:
        http.add(
            responses.POST, GRAPHQL, json=answer("create", {"responseResult": RACE, "page": None})
        )
        http.add(
            responses.POST, GRAPHQL, json=transcript("single_by_path_missing")["response"]["body"]
        )
        with pytest.raises(TreeRebuildError):
            client.pages.create("docs/never", content="# x")
        assert not client.pages.tree_stale


TAG_RACE_ROUNDS = Path(__file__).resolve().parents[1] / "data" / "tag-race-transcripts.jsonl"


def recorded_tag_race_answer() -> dict[str, Any]:
    """A create that lost the new-tag race, as the real server answered it."""
    for line in TAG_RACE_ROUNDS.read_text("utf-8").splitlines():
        for create in json.loads(line)["creates"]:
            result = create["answer"]["data"]["pages"]["create"]["responseResult"]
            if result["slug"] == "UniqueViolationError":
                answer: dict[str, Any] = create["answer"]
                return answer
    raise AssertionError("no recorded create lost the tag race")


class TestNewTagRace:
    def test_the_create_is_confirmed_and_its_tags_written(
        self, http: responses.RequestsMock, client: WikiJSClient, caplog: pytest.LogCaptureFixture
    ) -> None:
        created = single(tags=[])
        http.add(responses.POST, GRAPHQL, json=recorded_tag_race_answer())
        http.add(responses.POST, GRAPHQL, json=answer("singleByPath", created))
        update_ok = {
            "responseResult": OK,
            "page": {"id": 3, "path": created["path"], "tags": [{"tag": "fresh"}]},
        }
        http.add(responses.POST, GRAPHQL, json=answer("update", update_ok))
        with caplog.at_level(logging.WARNING, logger="wikijs"):
            page = client.pages.create(
                created["path"], content=created["content"], title=created["title"], tags=["fresh"]
            )
        assert page.id == 3 and list(page.tags) == ["fresh"]
        queries = [s["query"] for s in sent(http)]
        assert sum("create(" in q for q in queries) == 1  # never re-sent
        assert sent(http)[2]["variables"]["tags"] == ["fresh"]
        assert sent(http)[2]["variables"]["content"] == created["content"]
        assert client.pages.tree_stale  # the losing create did not rebuild the tree
        assert any("without its tags" in r.getMessage() for r in caplog.records)

    def test_the_error_says_what_happened_when_the_page_is_not_there(
        self, http: responses.RequestsMock, client: WikiJSClient
    ) -> None:
        http.add(responses.POST, GRAPHQL, json=recorded_tag_race_answer())
        http.add(
            responses.POST, GRAPHQL, json=transcript("single_by_path_missing")["response"]["body"]
        )
        with pytest.raises(TagRaceError) as caught:
            client.pages.create("docs/never", content="# x", tags=["fresh"])
        assert caught.value.slug == "UniqueViolationError" and caught.value.code == 1
        assert "tags_tag_unique" in caught.value.message


class TestUpdateMany:
    def test_reads_in_one_batch_then_writes_only_the_given_fields(
        self, http: responses.RequestsMock, client: WikiJSClient
    ) -> None:
        pages = {3: single(), 4: single(id=4, path="docs/four", title="Four")}
        pages[4]["isPublished"] = False
        http.add(
            responses.POST,
            GRAPHQL,
            json={
                "data": {"m0": {"single": pages[3]}, "m1": None},
                "errors": [
                    {
                        "message": "This page does not exist.",
                        "path": ["m1", "single"],
                        "extensions": {"exception": {"code": 6003}},
                    }
                ],
            },
        )
        page4 = Page.model_validate(pages[4])
        update = {"responseResult": OK, "page": {"id": 3, "path": "sdk/crud-669512", "title": "T3"}}
        update4 = {"responseResult": OK, "page": {"id": 4, "path": "docs/four", "title": "T4"}}
        http.add(
            responses.POST,
            GRAPHQL,
            json={"data": {"m0": {"update": update}, "m1": {"update": update4}}},
        )
        items = [
            PageUpdate(page_id=3, title="T3"),
            PageUpdate(page_id=99, title="missing"),
            PageUpdate(page_id=4, current=page4, title="T4", is_private=UNSET),
        ]
        results = client.pages.update_many(items)
        assert [r.key for r in results] == items
        assert results[0].unwrap().title == "T3"
        assert isinstance(results[1].error, PageNotFoundError)
        assert results[2].unwrap().title == "T4"
        read, write = sent(http)
        assert read["variables"] == {"id0": 3, "id1": 99}
        assert write["variables"]["isPublished1"] is False  # kept, not reset
        assert write["variables"]["content0"] == pages[3]["content"]
        assert "editor0" not in write["variables"]
