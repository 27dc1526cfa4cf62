"""The single send path: retries, Retry-After, never re-sending a write, rate limits, logs,
metrics, hooks and session renewal. HTTP is faked with ``responses``; time is injected."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from http.client import RemoteDisconnected
from typing import Any

import pytest
import requests
import responses
from _replay import transcript
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from wikijs import (
    ApiKeyRevokedError,
    ConnectError,
    ConnectionDropped,
    Hooks,
    Page,
    PageCreate,
    RateLimiter,
    RequestEvent,
    RequestTimeout,
    ResponseEvent,
    RetryPolicy,
    ServerError,
    WikiJSClient,
    __version__,
)

URL = "http://127.0.0.1:3998"
GRAPHQL = f"{URL}/graphql"
KEY = "transport-test-key-123456"


class FakeTime:
    """A monotonic clock that only moves when the code sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


def make_client(fake_time: FakeTime, **kw: Any) -> WikiJSClient:
    options: dict[str, Any] = {
        "api_key": KEY,
        "verify_auth": False,
        "rate_limit": False,
        "cache": False,
        "clock": fake_time.clock,
        "sleep": fake_time.sleep,
        "rand": lambda: 0.5,  # no jitter: the computed backoff exactly
    }
    options.update(kw)
    return WikiJSClient(URL, **options)


def recorded(name: str) -> dict[str, Any]:
    body: dict[str, Any] = transcript(name)["response"]["body"]
    return body


def page_body(**overrides: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(recorded("single_page")))
    body.pop("errors")  # about toc, which the SDK never selects
    body["data"]["pages"]["single"].update(overrides)
    return body


def by_path_body(**overrides: Any) -> dict[str, Any]:
    node = page_body(**overrides)["data"]["pages"]["single"]
    return {"data": {"pages": {"singleByPath": node}}}


def create_body() -> dict[str, Any]:
    body = json.loads(json.dumps(recorded("create_page")))
    body.pop("errors")
    return body


def connect_refused() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Failed to establish a new connection: refused")  # type: ignore[arg-type]
    return requests.ConnectionError(MaxRetryError(None, "/graphql", reason))  # type: ignore[arg-type]


def connection_dropped() -> requests.ConnectionError:
    cause = RemoteDisconnected("Remote end closed connection without response")
    return requests.ConnectionError(ProtocolError("Connection aborted.", cause))


class TestRetries:
    def test_backoff_schedule_for_a_query(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        for _ in range(3):
            http.add(responses.POST, GRAPHQL, status=503, body="busy")
        http.add(responses.POST, GRAPHQL, json=page_body())
        client = make_client(fake_time)
        assert client.pages.get(3).id == 3
        assert len(http.calls) == 4
        assert fake_time.sleeps == [0.5, 1.0, 2.0]
        assert client.metrics()["operations"]["pages.get"]["retries"] == 3

    def test_gives_up_after_max_attempts(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        for _ in range(3):
            http.add(responses.POST, GRAPHQL, status=502, body="bad gateway")
        client = make_client(fake_time, retry=RetryPolicy(max_attempts=3))
        with pytest.raises(ServerError) as caught:
            client.pages.get(3)
        assert caught.value.status == 502
        assert len(http.calls) == 3
        assert fake_time.sleeps == [0.5, 1.0]

    def test_retry_after_replaces_the_backoff(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, status=429, headers={"Retry-After": "7"}, body="slow")
        http.add(responses.POST, GRAPHQL, json=page_body())
        client = make_client(fake_time)
        client.pages.get(3)
        assert fake_time.sleeps == [7.0]

    def test_a_query_is_resent_after_a_timeout(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, body=requests.ReadTimeout("read timed out"))
        http.add(responses.POST, GRAPHQL, json=page_body())
        assert make_client(fake_time).pages.get(3).id == 3
        assert len(http.calls) == 2

    def test_an_auth_failure_is_not_retried(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, status=500, json=recorded("revoked_key_request"))
        with pytest.raises(ApiKeyRevokedError):
            make_client(fake_time).pages.list()
        assert len(http.calls) == 1
        assert fake_time.sleeps == []


class TestMutationsAreNeverResentWhenTheyMayHaveRun:
    def test_no_resend_after_a_timeout(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, body=requests.ReadTimeout("read timed out"))
        client = make_client(fake_time)
        with pytest.raises(RequestTimeout):
            client.pages.delete(3)
        assert len(http.calls) == 1
        assert fake_time.sleeps == []

    def test_no_resend_after_a_5xx(self, http: responses.RequestsMock, fake_time: FakeTime) -> None:
        http.add(responses.POST, GRAPHQL, status=502, body="bad gateway")
        client = make_client(fake_time)
        with pytest.raises(ServerError):
            client.pages.update(
                3, current=Page.model_validate(page_body()["data"]["pages"]["single"]), title="x"
            )
        assert len(http.calls) == 1

    def test_no_resend_after_a_dropped_connection(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, body=connection_dropped())
        with pytest.raises(ConnectionDropped):
            make_client(fake_time).pages.move(3, "docs/moved", "en")
        assert len(http.calls) == 1

    def test_resent_when_the_connection_was_never_made(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, body=connect_refused())
        http.add(responses.POST, GRAPHQL, json=create_body())
        page = make_client(fake_time).pages.create(
            "sdk/crud-669512", content="# Hello\n\nBody text."
        )
        assert page.id == 3
        assert len(http.calls) == 2
        assert fake_time.sleeps == [0.5]

    def test_a_connect_error_is_raised_when_retries_run_out(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        for _ in range(2):
            http.add(responses.POST, GRAPHQL, body=connect_refused())
        client = make_client(fake_time, retry=RetryPolicy(max_attempts=2))
        with pytest.raises(ConnectError):
            client.pages.delete(3)
        assert len(http.calls) == 2

    def test_resent_after_429(self, http: responses.RequestsMock, fake_time: FakeTime) -> None:
        http.add(responses.POST, GRAPHQL, status=429, headers={"Retry-After": "2"}, body="")
        http.add(responses.POST, GRAPHQL, json=recorded("delete_page"))
        make_client(fake_time).pages.delete(3)
        assert len(http.calls) == 2
        assert fake_time.sleeps == [2.0]


class TestAmbiguousCreate:
    def test_returns_the_page_when_it_was_created(
        self, http: responses.RequestsMock, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
    ) -> None:
        http.add(responses.POST, GRAPHQL, body=requests.ReadTimeout("read timed out"))
        http.add(responses.POST, GRAPHQL, json=by_path_body())
        client = make_client(fake_time)
        with caplog.at_level(logging.WARNING, logger="wikijs"):
            page = client.pages.create(
                "sdk/crud-669512", content="# Hello\n\nBody text.", title="CRUD Page"
            )
        assert page.id == 3
        creates = [c for c in http.calls if "create(" in json.loads(c.request.body)["query"]]
        assert len(creates) == 1
        assert any("it was created" in r.getMessage() for r in caplog.records)

    def test_raises_the_original_error_when_nothing_was_created(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, body=connection_dropped())
        http.add(responses.POST, GRAPHQL, json=recorded("single_by_path_missing"))
        with pytest.raises(ConnectionDropped):
            make_client(fake_time).pages.create("sdk/new-page", content="# New")
        assert len(http.calls) == 2

    def test_another_page_at_the_path_is_not_taken_for_ours(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, status=504, body="gateway timeout")
        http.add(responses.POST, GRAPHQL, json=by_path_body(content="someone else's"))
        with pytest.raises(ServerError):
            make_client(fake_time).pages.create(
                "sdk/crud-669512", content="# Mine", title="CRUD Page"
            )


class TestRequestShape:
    def test_headers(self, http: responses.RequestsMock, fake_time: FakeTime) -> None:
        http.add(responses.POST, GRAPHQL, json=page_body())
        make_client(fake_time).pages.get(3)
        headers = http.calls[0].request.headers
        assert headers["User-Agent"] == f"wikijs-python/{__version__}"
        assert headers["Authorization"] == f"Bearer {KEY}"
        assert headers["Content-Type"] == "application/json"
        body = json.loads(http.calls[0].request.body)
        assert body["variables"] == {"id": 3}

    def test_unicode_is_sent_as_utf8(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, json=by_path_body(path="sdk/ünïcödé-路径"))
        make_client(fake_time).pages.get_by_path("sdk/ünïcödé-路径")
        raw = http.calls[0].request.body
        assert isinstance(raw, bytes) and "路径".encode() in raw


class TestAuthentication:
    def test_the_identity_check_runs_once_before_the_first_request(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        http.add(responses.POST, GRAPHQL, json=recorded("users_profile_apikey"))
        http.add(responses.POST, GRAPHQL, json=page_body())
        http.add(responses.POST, GRAPHQL, json=page_body())
        client = make_client(fake_time, verify_auth=True)
        client.pages.get(3)
        client.pages.get(3)
        queries = [json.loads(c.request.body)["query"] for c in http.calls]
        assert "profile" in queries[0] and "profile" not in queries[1] + queries[2]

    def test_whoami(self, http: responses.RequestsMock, fake_time: FakeTime) -> None:
        http.add(responses.POST, GRAPHQL, json=recorded("users_profile_apikey"))
        identity = make_client(fake_time, verify_auth=True).whoami()
        assert (identity.id, identity.name, identity.email) == (
            1,
            "Administrator",
            "admin@example.com",
        )
        assert len(http.calls) == 1

    def test_login_and_session_renewal(
        self, http: responses.RequestsMock, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
    ) -> None:
        first = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6MSwibiI6MX0.Zmlyc3Qtc2lnbmF0dXJl"
        renewed = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6MSwibiI6Mn0.cmVuZXdlZC1zaWduYXR1cmU"
        login = json.loads(json.dumps(recorded("login_local")))
        login["data"]["authentication"]["login"]["jwt"] = first
        http.add(responses.POST, GRAPHQL, json=login)
        http.add(responses.POST, GRAPHQL, json=recorded("users_profile_apikey"))
        http.add(responses.POST, GRAPHQL, json=page_body(), headers={"new-jwt": renewed})
        http.add(responses.POST, GRAPHQL, json=page_body())
        client = make_client(
            fake_time,
            api_key=None,
            username="admin@example.com",
            password="hunter2-password",
            verify_auth=True,
        )
        with caplog.at_level(logging.DEBUG, logger="wikijs"):
            client.pages.get(3)
            client.pages.get(3)
        auth = [c.request.headers.get("Authorization") for c in http.calls]
        assert auth == [None, f"Bearer {first}", f"Bearer {first}", f"Bearer {renewed}"]
        login_vars = json.loads(http.calls[0].request.body)["variables"]
        assert login_vars == {
            "username": "admin@example.com",
            "password": "hunter2-password",
            "strategy": "local",
        }
        for secret in ("hunter2-password", first, renewed):
            assert secret not in caplog.text
            assert secret not in repr(client) + repr(client.auth)


class TestObservability:
    def test_one_log_line_per_http_attempt(
        self, http: responses.RequestsMock, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
    ) -> None:
        http.add(responses.POST, GRAPHQL, status=503, body="busy")
        http.add(responses.POST, GRAPHQL, json=page_body())
        with caplog.at_level(logging.DEBUG, logger="wikijs.http"):
            make_client(fake_time).pages.get(3)
        lines = [r for r in caplog.records if hasattr(r, "attempt")]
        assert [(r.levelno, r.attempt, r.status) for r in lines] == [  # type: ignore[attr-defined]
            (logging.WARNING, 1, 503),
            (logging.DEBUG, 2, 200),
        ]
        assert {r.operation for r in lines} == {"pages.get"}  # type: ignore[attr-defined]
        assert len({r.request_id for r in lines}) == 1  # type: ignore[attr-defined]

    def test_metrics(self, http: responses.RequestsMock, fake_time: FakeTime) -> None:
        http.add(responses.POST, GRAPHQL, status=503, body="busy")
        http.add(responses.POST, GRAPHQL, json=page_body())
        client = make_client(fake_time)
        client.pages.get(3)
        snapshot = client.metrics()
        get = snapshot["operations"]["pages.get"]
        assert (get["requests"], get["errors"], get["retries"]) == (2, 1, 1)
        assert make_client(fake_time, metrics=False).metrics()["enabled"] is False

    def test_hooks_see_every_attempt_and_may_tag_it(
        self, http: responses.RequestsMock, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
    ) -> None:
        http.add(responses.POST, GRAPHQL, status=503, body="busy")
        http.add(responses.POST, GRAPHQL, json=page_body())
        hooks = Hooks()
        seen: list[tuple[str, Any]] = []

        @hooks.on_request
        def tag(event: RequestEvent) -> None:
            event.tags["run"] = "r42"
            seen.append(("request", event.attempt))

        @hooks.on_request
        def broken(event: RequestEvent) -> None:
            raise RuntimeError("a broken hook")

        @hooks.on_response
        def response(event: ResponseEvent) -> None:
            seen.append(("response", event.status))

        @hooks.on_error
        def error(event: RequestEvent, exc: BaseException) -> None:
            seen.append(("error", type(exc).__name__))

        client = make_client(fake_time, hooks=hooks)
        with caplog.at_level(logging.DEBUG, logger="wikijs"):
            client.pages.get(3)
        assert client.hooks is hooks
        assert seen == [
            ("request", 1),
            ("response", 503),
            ("error", "ServerError"),
            ("request", 2),
            ("response", 200),
        ]
        tagged = [r for r in caplog.records if hasattr(r, "attempt")]
        assert all(r.tags == {"run": "r42"} for r in tagged)  # type: ignore[attr-defined]

    def test_rate_limit_applies_to_every_request(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        for _ in range(3):
            http.add(responses.POST, GRAPHQL, json=page_body())
        limiter = RateLimiter(2.0, 1, clock=fake_time.clock, sleep=fake_time.sleep)
        client = make_client(fake_time, rate_limit=limiter)
        for _ in range(3):
            client.pages.get(3)
        assert fake_time.sleeps == [0.5, 0.5]
        assert client.metrics()["operations"]["pages.get"]["rate_limit_waits"] == 2

    def test_the_default_rate_limit_uses_the_injected_clock(
        self, http: responses.RequestsMock, fake_time: FakeTime
    ) -> None:
        for _ in range(25):
            http.add(responses.POST, GRAPHQL, json=page_body())
        client = make_client(fake_time, rate_limit=None)
        for _ in range(25):
            client.pages.get(3)
        assert len(fake_time.sleeps) == 5  # burst 20, then 10 per second
        assert fake_time.now - 1000.0 == pytest.approx(0.5)


def test_get_many_of_120_ids_makes_3_requests(
    http: responses.RequestsMock, fake_time: FakeTime
) -> None:
    template = page_body()["data"]["pages"]["single"]

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        variables = json.loads(request.body)["variables"]
        data = {f"m{k[2:]}": {"single": {**template, "id": v}} for k, v in variables.items()}
        return 200, {}, json.dumps({"data": data})

    http.add_callback(responses.POST, GRAPHQL, callback=answer)
    ids = list(range(1000, 1120))
    results = make_client(fake_time).pages.get_many(ids)
    assert len(http.calls) == 3
    assert [r.unwrap().id for r in results] == ids
    sizes = [len(json.loads(c.request.body)["variables"]) for c in http.calls]
    assert sizes == [50, 50, 20]


def test_batched_writes_are_chunked(http: responses.RequestsMock, fake_time: FakeTime) -> None:
    result = recorded("delete_page")["data"]["pages"]["delete"]

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        variables = json.loads(request.body)["variables"]
        return (
            200,
            {},
            json.dumps({"data": {f"m{i}": {"delete": result} for i in range(len(variables))}}),
        )

    http.add_callback(responses.POST, GRAPHQL, callback=answer)
    results = make_client(fake_time, write_batch_size=4).pages.delete_many(list(range(1, 11)))
    assert [r.ok for r in results] == [True] * 10
    assert [len(json.loads(c.request.body)["variables"]) for c in http.calls] == [4, 4, 2]


def test_a_chunk_that_fails_on_the_wire_fails_its_items_only(
    http: responses.RequestsMock, fake_time: FakeTime
) -> None:
    ok = create_body()["data"]["pages"]["create"]
    http.add(responses.POST, GRAPHQL, json={"data": {"m0": {"create": ok}}})
    http.add(responses.POST, GRAPHQL, status=400, json=recorded("wrong_field"))
    items = [PageCreate(path=f"docs/p{i}", content=f"# {i}") for i in range(2)]
    results = make_client(fake_time).pages.create_many(items, batch_size=1)
    assert results[0].ok and not results[1].ok
    assert results[1].key == items[1]


def test_concurrent_calls_from_threads(http: responses.RequestsMock, fake_time: FakeTime) -> None:
    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        page_id = json.loads(request.body)["variables"]["id"]
        return 200, {}, json.dumps(page_body(id=page_id))

    http.add_callback(responses.POST, GRAPHQL, callback=answer)
    client = make_client(fake_time)
    got: dict[int, int] = {}
    errors: list[BaseException] = []

    def work(page_id: int) -> Callable[[], None]:
        def run() -> None:
            try:
                got[page_id] = client.pages.get(page_id).id
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        return run

    threads = [threading.Thread(target=work(i)) for i in range(1, 17)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert got == {i: i for i in range(1, 17)}


def test_hooks_get_masked_abridged_variables(
    http: responses.RequestsMock, fake_time: FakeTime
) -> None:
    http.add(responses.POST, GRAPHQL, json=create_body())
    hooks = Hooks()
    seen: list[dict[str, Any]] = []
    hooks.on_request(lambda event: seen.append(dict(event.variables)))
    content = "x" * 1_000_000  # long page content is neither copied nor scanned per attempt
    make_client(fake_time, hooks=hooks).pages.create("sdk/crud-669512", content=content)
    assert seen[0]["content"] == "<1000000 chars>"
    assert seen[0]["path"] == "sdk/crud-669512"
    assert json.loads(http.calls[0].request.body)["variables"]["content"] == content
