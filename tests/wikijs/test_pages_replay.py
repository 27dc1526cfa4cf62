"""The pages API against real recorded Wiki.js answers (tests/data/transcripts.jsonl).

Each case names a transcript, calls the SDK, and ``responses`` serves the recorded
answer. The SDK must return the right model or raise the right exception.

Two adjustments are made to recorded bodies, and only these: the recording client
selected ``toc`` (which always errors on the real server) and the SDK never does, so
errors about ``toc`` are dropped; and recorded aliases (``a``/``b``/``c``,
``m1``/``m2``/``m3``) are renamed to the SDK's (``m0``, ``m1``...).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from _replay import API_KEY, URL, Replay, make_transport, transcript

from wikijs import (
    ApiDisabledError,
    ApiKeyRevokedError,
    AuthenticationError,
    AuthLoginFailedError,
    AuthProviderInvalidError,
    ForbiddenError,
    IllegalPathError,
    LoginError,
    LoginRateLimitedError,
    MethodNotAllowedError,
    Page,
    PageCreate,
    PageDuplicateCreateError,
    PageEmptyContentError,
    PageHistory,
    PageIllegalPathError,
    PageLink,
    PageListItem,
    PageNotFoundError,
    PagePathCollisionError,
    PagesAPI,
    PageSearchResponse,
    PageTag,
    PageTreeItem,
    PageVersion,
    PageViewForbiddenError,
    PayloadTooLargeError,
    QuerySyntaxError,
    QueryValidationError,
    ServerError,
    WikiJSError,
    WikiJSServerError,
)
from wikijs._auth import LoginAuth
from wikijs._retry import RetryPolicy
from wikijs._transport import Transport


def served(name: str, *, aliases: dict[str, str] | None = None) -> Any:
    """The recorded body of ``name``, without ``toc`` errors and with aliases renamed."""
    body = copy.deepcopy(transcript(name)["response"]["body"])
    if not isinstance(body, dict):
        return body
    errors = [e for e in body.get("errors", []) if "toc" not in (e.get("path") or [])]
    if errors:
        body["errors"] = errors
    else:
        body.pop("errors", None)
    if aliases:
        body["data"] = {aliases.get(k, k): v for k, v in body["data"].items()}
        for error in body.get("errors", []):
            error["path"] = [
                aliases.get(p, p) if i == 0 else p for i, p in enumerate(error["path"])
            ]
    return body


def _with_locale(body: Any, field: str, locale: str = "en") -> Any:
    body["data"]["pages"][field]["locale"] = locale
    return body


def recorded_page(name: str = "single_page") -> Page:
    """A full page as the server answered it to ``single``."""
    return Page.model_validate(served(name)["data"]["pages"]["single"])


@pytest.fixture
def pages() -> Iterator[PagesAPI]:
    transport = make_transport()
    yield PagesAPI(transport)
    transport.close()


@dataclass
class Case:
    name: str
    call: Callable[[PagesAPI], Any]
    check: Callable[[Any], None] | None = None
    raises: type[BaseException] | None = None
    body: Any = None  # None: the recorded body, toc errors dropped

    def __str__(self) -> str:
        return self.name


def _is(cls: type, **expected: Any) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        assert isinstance(value, cls), value
        for key, want in expected.items():
            assert getattr(value, key) == want, (key, getattr(value, key), want)

    return check


def _list_of(cls: type, count: int) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        assert isinstance(value, list) and len(value) == count, value
        assert all(isinstance(v, cls) for v in value)

    return check


READS = [
    Case(
        "single_page",
        lambda p: p.get(3),
        _is(Page, id=3, title="CRUD Page", locale="en", editor="markdown", tags=["sdk", "crud"],
            content="# Hello\n\nBody text.", updated_at="2026-11-26T05:05:14.967Z"),
    ),
    Case("single_by_path", lambda p: p.get_by_path("sdk/crud-669512"),
         _is(Page, id=3, path="sdk/crud-669512", updated_at="2026-11-26T05:05:14.967Z")),
    # The recording selected no locale (it passed "en"); the SDK always selects it.
    Case("single_by_path_unicode", lambda p: p.get_by_path("sdk/ünïcödé-路径-669512"),
         _is(Page, id=67, path="sdk/ünïcödé-路径-669512", title="Ünïcödé タイトル 🚀", locale="en"),
         body=_with_locale(served("single_by_path_unicode"), "singleByPath")),
    Case("single_by_path_missing", lambda p: p.get_by_path("sdk/nope"), raises=PageNotFoundError),
    Case("single_missing_id", lambda p: p.get(999999), raises=PageNotFoundError),
    Case("single_after_delete", lambda p: p.get(3), raises=PageNotFoundError),
    Case("bad_api_key_single", lambda p: p.get(3), raises=PageViewForbiddenError),
    Case("list_pages", lambda p: p.list(), _list_of(PageListItem, 3)),
    Case("list_limit_orderby_title_desc", lambda p: p.list(limit=5, order_by="title", order_by_direction="desc"),
         lambda v: _list_of(PageListItem, len(served("list_limit_orderby_title_desc")["data"]["pages"]["list"]))(v)),
    Case("list_orderby_path", lambda p: p.list(order_by="PATH"),
         lambda v: (v[0].path == "" and v[1].path == "\tx") or pytest.fail(str(v[:2]))),
    Case("list_tags_filter", lambda p: p.list(tags=["sdk"]),
         lambda v: all(isinstance(i, PageListItem) and "sdk" in i.tags for i in v) or pytest.fail("tags")),
    Case("list_locale_fr", lambda p: p.list(locale="fr"), _list_of(PageListItem, 0)),
    Case("list_creator", lambda p: p.list(creator_id=1, author_id=1), _list_of(PageListItem, 2)),
    Case("tree_root_all", lambda p: p.tree(parent=0), _list_of(PageTreeItem, 2)),
    Case("tree_by_path_ancestors", lambda p: p.tree(path="test/hello", include_ancestors=True),
         lambda v: [(i.path, i.is_folder, i.page_id) for i in v] == [("test", True, None), ("test/hello", False, 1)]
         or pytest.fail(str(v))),
    Case("tree_folders_only", lambda p: p.tree(mode="folders"), _list_of(PageTreeItem, 2)),
    Case("search_pages", lambda p: p.search("Hello"),
         lambda v: (isinstance(v, PageSearchResponse) and v.total_hits == 1 and v.results[0].id == 1
                    and v.results[0].path == "test/hello") or pytest.fail(str(v))),
    Case("search_pages_no_hit", lambda p: p.search("zzz"), _is(PageSearchResponse, total_hits=0, results=[])),
    Case("tags_list", lambda p: p.tags(),
         lambda v: [t.tag for t in v] == ["a", "b", "full", "sdk"] and isinstance(v[0], PageTag) or pytest.fail(str(v))),
    Case("search_tags", lambda p: p.search_tags("sd"), lambda v: v == ["sdk"] or pytest.fail(str(v))),
    Case("links", lambda p: p.links(), _list_of(PageLink, 3)),
    Case("check_conflicts", lambda p: p.check_conflicts(3, "2000-01-01T00:00:00Z"),
         lambda v: v is True or pytest.fail(str(v))),
    Case("history_page", lambda p: p.history(3, offset_page=0, offset_size=100),
         lambda v: (isinstance(v, PageHistory) and v.total == 5 and v.trail[0].action_type == "move"
                    and v.trail[0].value_after == "sdk/crud-669512-renamed") or pytest.fail(str(v))),
    Case("history_page_again_for_version", lambda p: p.history(3),
         lambda v: [e.version_id for e in v.trail] == [5, 4, 3, 2, 1] or pytest.fail(str(v))),
    Case("history_missing_id", lambda p: p.history(999999), raises=PageNotFoundError),
    Case("version_page", lambda p: p.version(3, 1),
         _is(PageVersion, page_id=3, version_id=1, content="# Hello\n\nBody text.", author_id="1")),
]  # fmt: skip

WRITES = [
    Case("create_page",
         lambda p: p.create("sdk/crud-669512", content="# Hello\n\nBody text.", title="CRUD Page",
                            description="desc", tags=["sdk", "crud"]),
         _is(Page, id=3, path="sdk/crud-669512", locale="en", editor="markdown",
             content="# Hello\n\nBody text.", tags=["sdk", "crud"], render=None,
             hash="9e3cc58a1bac40a4f17641700a299897d1689957")),
    Case("create_unicode_path_title",
         lambda p: p.create("sdk/ünïcödé-路径-669512", content="# Ünïcödé\n\nEmoji 🚀 and CJK 漢字.",
                            title="Ünïcödé タイトル 🚀", tags=["ünïcode"]),
         _is(Page, id=67, title="Ünïcödé タイトル 🚀", tags=["ünïcode"])),
    Case("create_duplicate_path", lambda p: p.create("test/hello", content="x"), raises=PageDuplicateCreateError),
    Case("create_empty_content", lambda p: p.create("sdk/empty-669512", content="   "), raises=PageEmptyContentError),
    Case("create_locale_fr", lambda p: p.create("sdk/fr-669512", content="x", locale="fr"), raises=WikiJSServerError),
    Case("create_locale_bogus", lambda p: p.create("sdk/b-669512", content="x", locale="xx-invalid"), raises=WikiJSServerError),
    Case("create_editor_bogus", lambda p: p.create("sdk/e-669512", content="x", editor="nope"), raises=WikiJSServerError),
    Case("create_description_long", lambda p: p.create("sdk/d-669512", content="x", description="d" * 5000),
         raises=WikiJSServerError),
    Case("bad_api_key_create", lambda p: p.create("sdk/badkey-669512", content="x"), raises=ForbiddenError),
    Case("no_auth_create", lambda p: p.create("sdk/noauth-669512", content="x"), raises=ForbiddenError),
    Case("update_page", lambda p: p.update(3, current=recorded_page(), title="CRUD Page v2"),
         _is(Page, id=3, title="CRUD Page v2", content="# Hello\n\nBody text.", locale="en",
             updated_at="2026-11-26T05:05:16.589Z", tags=["sdk", "updated"])),
    Case("update_missing_id",
         lambda p: p.update(999999, current=recorded_page().model_copy(update={"id": 999999}), title="x"),
         raises=PageNotFoundError),
    Case("update_page_title_only_no_content",
         lambda p: p.update(3, current=recorded_page().model_copy(update={"content": ""}), title="Only title"),
         raises=PageEmptyContentError),
    Case("update_page_without_tags", lambda p: p.update(3, current=recorded_page(), content="x"),
         raises=WikiJSServerError),
    Case("delete_page", lambda p: p.delete(3), lambda v: v is None or pytest.fail(str(v))),
    Case("delete_missing_id", lambda p: p.delete(999999), raises=PageNotFoundError),
    Case("move_page", lambda p: p.move(3, "sdk/moved/crud-669512", "en"), lambda v: v is None or pytest.fail(str(v))),
    Case("move_missing_id", lambda p: p.move(999999, "sdk/elsewhere", "en"), raises=PageNotFoundError),
    Case("move_to_existing_path", lambda p: p.move(4, "test/hello", "en"), raises=PagePathCollisionError),
    Case("move_to_illegal_path", lambda p: p.move(4, "sdk/fine-here", "en"), raises=PageIllegalPathError),
    Case("restore_version", lambda p: p.restore(3, 1), lambda v: v is None or pytest.fail(str(v))),
    Case("render_page", lambda p: p.render(3), lambda v: v is None or pytest.fail(str(v))),
    Case("render_page_missing", lambda p: p.render(999999), raises=PageNotFoundError),
]  # fmt: skip

BROKEN = [
    Case("malformed_query", lambda p: p.list(), raises=QuerySyntaxError),
    Case("wrong_field", lambda p: p.list(), raises=QueryValidationError),
    Case("wrong_argument_type", lambda p: p.list(), raises=QueryValidationError),
    Case("missing_required_variable", lambda p: p.list(), raises=QueryValidationError),
    Case("not_json_body", lambda p: p.list(), raises=QueryValidationError),
    Case("empty_body_object", lambda p: p.list(), raises=ServerError),
    Case("revoked_key_request", lambda p: p.list(), raises=ApiKeyRevokedError),
    Case("apikey_when_api_disabled", lambda p: p.list(), raises=ApiDisabledError),
    Case("create_large_6mb_over_limit", lambda p: p.create("sdk/big-669512", content="x" * 1000),
         raises=PayloadTooLargeError),
]  # fmt: skip


@pytest.mark.parametrize("case", READS + WRITES + BROKEN, ids=str)
def test_transcript(case: Case, replay: Replay, pages: PagesAPI) -> None:
    row = transcript(case.name)
    body = served(case.name) if case.body is None else case.body
    replay.expect_graphql(case.name, body, status=row["response"]["status"])
    if case.raises is not None:
        with pytest.raises(case.raises) as caught:
            case.call(pages)
        assert isinstance(caught.value, WikiJSError)
        assert caught.value.operation and caught.value.operation.startswith("pages.")
    else:
        result = case.call(pages)
        assert case.check is not None
        case.check(result)
    assert len(replay.sent) == 1


def test_the_page_answer_is_the_one_served(replay: Replay, pages: PagesAPI) -> None:
    """A guard for the table: every field of the served page reaches the model unchanged."""
    replay.expect_graphql("single_page", served("single_page"))
    page = pages.get(3)
    answer = served("single_page")["data"]["pages"]["single"]
    expected = {k: v for k, v in answer.items() if k != "toc"}
    expected["tags"] = [t["tag"] for t in answer["tags"]]
    assert page.model_dump(by_alias=True) == expected


def test_get_method_not_allowed_is_mapped(replay: Replay, pages: PagesAPI) -> None:
    row = transcript("get_mutation_rejected")
    replay.expect_graphql("get_mutation_rejected", row["response"]["body"], status=405)
    with pytest.raises(MethodNotAllowedError):
        pages.list()


class TestSentVariables:
    def test_update_sends_every_field_from_the_current_page(
        self, replay: Replay, pages: PagesAPI
    ) -> None:
        current = recorded_page().model_copy(
            update={"publish_start_date": "2030-01-01T00:00:00.000Z", "script_css": "a{}"}
        )
        replay.expect_graphql("update_page", served("update_page"))
        pages.update(3, current=current, title="CRUD Page v2")
        sent = replay.sent[0]["variables"]
        assert sent == {
            "id": 3,
            "content": current.content,
            "description": current.description,
            "isPrivate": False,
            "isPublished": True,
            "publishStartDate": "2030-01-01T00:00:00.000Z",
            "scriptCss": "a{}",
            "scriptJs": "",
            "tags": ["sdk", "crud"],
            "title": "CRUD Page v2",
        }

    def test_update_without_current_reads_first(self, replay: Replay, pages: PagesAPI) -> None:
        replay.expect_graphql("single_page", served("single_page"))
        replay.expect_graphql("update_page", served("update_page"))
        page = pages.update(3, description="updated desc")
        assert [s["name"] for s in replay.sent] == ["single_page", "update_page"]
        assert replay.sent[1]["variables"]["content"] == "# Hello\n\nBody text."
        assert replay.sent[1]["variables"]["description"] == "updated desc"
        assert page.description == "updated desc"

    def test_create_sends_what_the_recording_sent(self, replay: Replay, pages: PagesAPI) -> None:
        replay.expect_graphql("create_page", served("create_page"))
        pages.create(
            "sdk/crud-669512",
            content="# Hello\n\nBody text.",
            title="CRUD Page",
            description="desc",
            tags=["sdk", "crud"],
        )
        recorded = transcript("create_page")["request"]["body"]["variables"]
        sent = replay.sent[0]["variables"]
        assert {k: sent[k] for k in recorded} == recorded
        assert "publishStartDate" not in sent  # empty dates are omitted, never sent as ""

    def test_an_illegal_path_is_refused_before_any_request(
        self, replay: Replay, pages: PagesAPI
    ) -> None:
        for path in [p for p in json.loads(_path_rules()) if "." in p or " " in p]:
            with pytest.raises(IllegalPathError):
                pages.create(path, content="x")
        with pytest.raises(IllegalPathError):
            pages.move(4, "en/x")
        assert replay.sent == []

    def test_a_body_over_5_mb_is_refused_before_sending(
        self, replay: Replay, pages: PagesAPI
    ) -> None:
        with pytest.raises(PayloadTooLargeError) as caught:
            pages.create("sdk/large-6mb-669512", content="x" * 6_291_456)
        assert caught.value.status is None
        assert caught.value.limit == 5 * 1024 * 1024
        assert replay.sent == []

    def test_a_2_mb_page_round_trips(self, replay: Replay, pages: PagesAPI) -> None:
        content = ("# Big\n\n" + "lorem ipsum " * 200_000)[:2_097_159]
        created = served("create_large_2mb")
        replay.expect_graphql("create_large_2mb", created)
        body = served("single_page")  # the full selection, with the 2 MB page's values
        body["data"]["pages"]["single"].update(
            id=68, path="sdk/large-2mb-669512", title="Large 2MB", content=content
        )
        replay.expect_graphql("single_large_2mb", body)
        page = pages.create("sdk/large-2mb-669512", content=content, title="Large 2MB")
        assert page.content == content
        assert replay.sent[0]["variables"]["content"] == content
        assert pages.get(page.id).content == content


def _path_rules() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[1] / "data" / "path-rules-results.json").read_text()


class TestBatches:
    def test_aliased_reads_with_a_missing_id(self, replay: Replay, pages: PagesAPI) -> None:
        body = served("aliased_queries_one_document", aliases={"a": "m0", "b": "m1", "c": "m2"})
        # The recording selected only id and title; the SDK's selection includes these.
        for alias, path in (("m0", "sdk/crud-669512"), ("m1", "sdk/collide-669512")):
            body["data"][alias]["single"].update(path=path, locale="en")
        replay.expect_graphql("aliased_queries_one_document", body)
        results = pages.get_many([3, 4, 999999])
        assert [r.key for r in results] == [3, 4, 999999]
        assert [r.ok for r in results] == [True, True, False]
        assert results[0].unwrap().title == "CRUD Page v5"
        assert isinstance(results[2].error, PageNotFoundError)
        with pytest.raises(PageNotFoundError):
            results[2].unwrap()

    def test_aliased_creates_with_a_duplicate(self, replay: Replay, pages: PagesAPI) -> None:
        body = served(
            "aliased_mutations_one_document", aliases={"m1": "m0", "m2": "m1", "m3": "m2"}
        )
        replay.expect_graphql("aliased_mutations_one_document", body)
        items = [
            PageCreate(path="sdk/batch/one-669512", content="# one", title="one"),
            PageCreate(path="sdk/batch/two-669512", content="# two", title="two"),
            PageCreate(path="sdk/batch/one-669512", content="# three", title="three"),
        ]
        results = pages.create_many(items)
        assert [r.key for r in results] == items
        assert [r.value.id if r.value else None for r in results] == [69, 70, None]
        assert isinstance(results[2].error, PageDuplicateCreateError)
        assert results[0].unwrap().content == "# one"
        query = replay.sent[0]["query"]
        assert query.count("pages { create(") == 3
        assert replay.sent[0]["variables"]["path2"] == "sdk/batch/one-669512"

    def test_an_illegal_item_fails_alone_without_being_sent(
        self, replay: Replay, pages: PagesAPI
    ) -> None:
        body = served("aliased_mutations_one_document", aliases={"m1": "m0"})
        body["data"] = {"m0": body["data"]["m0"]}
        replay.expect_graphql("aliased_mutations_one_document", body)
        items = [
            PageCreate(path="login", content="x"),
            PageCreate(path="sdk/batch/one-669512", content="# one", title="one"),
        ]
        results = pages.create_many(items)
        assert isinstance(results[0].error, IllegalPathError)
        assert results[1].ok
        assert "login" not in json.dumps(replay.sent[0]["variables"])


class TestAuthentication:
    def _transport(self, auth: Any, *, verify_auth: bool = True) -> Transport:
        return Transport(URL, auth=auth, verify_auth=verify_auth, retry=RetryPolicy.disabled())

    def test_profile_check_before_the_first_request(self, replay: Replay) -> None:
        from wikijs._auth import ApiKeyAuth

        transport = self._transport(ApiKeyAuth(API_KEY))
        replay.expect("users_profile_apikey").expect_graphql("list_pages", served("list_pages"))
        replay.expect_graphql("list_pages", served("list_pages"))
        api = PagesAPI(transport)
        api.list()
        api.list()
        assert [s["name"] for s in replay.sent] == [
            "users_profile_apikey",
            "list_pages",
            "list_pages",
        ]
        assert replay.sent[0]["headers"]["Authorization"] == f"Bearer {API_KEY}"

    def test_a_key_treated_as_guest_raises_before_any_write(self, replay: Replay) -> None:
        from wikijs._auth import ApiKeyAuth

        guest = {
            "errors": [
                {
                    "message": "You must be authenticated to access this resource.",
                    "path": ["users", "profile"],
                    "extensions": {"code": "INTERNAL_SERVER_ERROR", "exception": {"code": 1019}},
                }
            ],
            "data": {"users": {"profile": None}},
        }
        replay.expect_graphql("profile_as_guest", guest)
        api = PagesAPI(self._transport(ApiKeyAuth("garbage-key-000000")))
        with pytest.raises(AuthenticationError, match="Guest") as caught:
            api.create("sdk/badkey-669512", content="x")
        assert "Wiki.js treats an invalid key as the Guest user" in str(caught.value)
        assert [s["name"] for s in replay.sent] == ["profile_as_guest"]

    def test_login_then_bearer_token(self, replay: Replay) -> None:
        token = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6MX0.c2lnbmF0dXJlLXNlc3Npb24"
        login = served("login_local")
        login["data"]["authentication"]["login"]["jwt"] = token
        replay.expect_graphql("login_local", login)
        replay.expect("user_jwt_as_bearer")
        transport = self._transport(
            LoginAuth("admin@example.com", "s3cret-pass"), verify_auth=False
        )
        PagesAPI(transport)
        identity = transport.identity()
        assert identity.id == 1
        assert "Authorization" not in replay.sent[0]["headers"]
        assert replay.sent[0]["variables"]["strategy"] == "local"
        assert replay.sent[1]["headers"]["Authorization"] == f"Bearer {token}"

    @pytest.mark.parametrize(
        ("name", "cls"),
        [
            ("login_wrong_password", AuthLoginFailedError),
            ("login_unknown_strategy", AuthProviderInvalidError),
            ("login_rate_limit_6", LoginRateLimitedError),
        ],
    )
    def test_login_failures(self, replay: Replay, name: str, cls: type[LoginError]) -> None:
        replay.expect(name)
        transport = self._transport(LoginAuth("admin@example.com", "wrong-password"))
        with pytest.raises(cls) as caught:
            PagesAPI(transport).list()
        assert isinstance(caught.value, LoginError)
        if isinstance(caught.value, LoginRateLimitedError):
            assert caught.value.retry_after == 59.0
        assert len(replay.sent) == 1
