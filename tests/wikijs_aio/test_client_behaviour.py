"""The sync and the async client behave the same against the emulator (every test runs twice)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from _twin_clients import WikiFactory

from wikijs import (
    AuthenticationError,
    ConnectError,
    ConnectionDropped,
    PageCreate,
    PageDuplicateCreateError,
    PageNotFoundError,
    PageUpdate,
    PayloadTooLargeError,
    RequestTimeout,
    RetryPolicy,
)
from wikijs.testing import Fault, TreeRace, WikiJSEmulator

BAD_KEY = "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.bm90LWEta2V5"


def test_crud_round_trip(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    wiki = wiki_factory(emu)
    assert wiki.whoami().email == emu.admin_email
    page = wiki.pages.create(
        "docs/round-trip",
        content="# Round trip\n\nÜnïcödé 🚀",
        title="Round trip",
        tags=["SDK", " e2e "],
    )
    assert (page.path, page.locale, page.tags) == ("docs/round-trip", "en", ["sdk", "e2e"])
    assert wiki.pages.get(page.id).content == "# Round trip\n\nÜnïcödé 🚀"
    assert wiki.pages.get_by_path("docs/round-trip").id == page.id

    assert wiki.pages.update(page.id, title="Round trip v2").title == "Round trip v2"
    wiki.pages.move(page.id, "docs/moved")
    assert wiki.pages.get(page.id).path == "docs/moved"
    assert wiki.pages.history(page.id).total >= 2

    wiki.pages.delete(page.id)
    with pytest.raises(PageNotFoundError):
        wiki.pages.get(page.id)
    with pytest.raises(PageNotFoundError):
        wiki.pages.update(page.id, title="gone")
    assert emu.find_page("docs/moved", "en") is None


def test_a_partial_update_keeps_every_other_field(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    wiki = wiki_factory(emu)
    page = wiki.pages.create(
        "docs/keep",
        content="# Keep",
        title="Keep",
        description="all of it",
        tags=["a", "b"],
        is_published=False,
        publish_start_date="2030-01-01T00:00:00.000Z",
        script_js="console.log(1)",
    )
    wiki.pages.update(page.id, title="Keep v2")
    after = emu.page(page.id)
    assert after["title"] == "Keep v2"
    assert (after["content"], after["description"]) == ("# Keep", "all of it")
    assert (after["isPublished"], after["scriptJs"]) == (False, "console.log(1)")
    assert after["publishStartDate"] == page.publish_start_date
    assert wiki.pages.get(page.id).tags == ["a", "b"]


def test_get_many_of_120_ids_takes_3_requests(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    ids = [emu.add_page(f"docs/many-{i}", f"# {i}") for i in range(120)]
    wiki = wiki_factory(emu, verify_auth=False)
    results = wiki.pages.get_many([*ids, 999_999])
    assert emu.log.requests == 3
    assert [r.unwrap().content for r in results[:-1]] == [f"# {i}" for i in range(120)]
    assert isinstance(results[-1].error, PageNotFoundError)


def test_batch_writes_with_one_failure(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    emu.add_page("docs/taken", "# Taken")
    wiki = wiki_factory(emu)
    wiki.whoami()
    emu.log.reset()
    results = wiki.pages.create_many(
        [
            PageCreate(path="docs/batch-1", content="# 1"),
            PageCreate(path="docs/taken", content="# dup"),
            PageCreate(path="docs/batch-3", content="# 3"),
        ]
    )
    assert [r.ok for r in results] == [True, False, True]
    assert isinstance(results[1].error, PageDuplicateCreateError)
    assert (emu.log.requests, emu.log.count("pages.create")) == (1, 3)

    ids = [r.unwrap().id for r in results if r.ok]
    updated = wiki.pages.update_many([PageUpdate(page_id=i, title=f"T{i}") for i in ids])
    assert [u.unwrap().title for u in updated] == [f"T{i}" for i in ids]
    deleted = wiki.pages.delete_many([*ids, 999_999])
    assert [d.ok for d in deleted] == [True, True, False]
    assert isinstance(deleted[2].error, PageNotFoundError)
    assert emu.find_page("docs/batch-1", "en") is None


def test_a_bad_key_raises_before_any_write(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    wiki = wiki_factory(emu, api_key=BAD_KEY)
    with pytest.raises(AuthenticationError, match="Guest"):
        wiki.pages.create("docs/never", content="# No")
    assert emu.log.writes() == []
    assert emu.find_page("docs/never", "en") is None


def test_login_and_session_renewal(wiki_factory: WikiFactory) -> None:
    now = [time.time()]
    with WikiJSEmulator(clock=lambda: now[0], session_lifetime=60.0) as emu:
        wiki = wiki_factory(
            emu, api_key=None, username=emu.admin_email, password=emu.admin_password
        )
        assert wiki.whoami().email == emu.admin_email
        first = wiki.auth.token
        now[0] += 120  # the session JWT expired: the server renews it on the next request
        page = wiki.pages.create("docs/logged-in", content="# Hi")
        renewed = wiki.auth.token
        assert renewed is not None and renewed != first
        assert wiki.pages.get(page.id).path == "docs/logged-in"
        assert emu.log.count("authentication.login") == 1


def test_a_create_refused_with_429_is_resent_after_retry_after(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    emu.faults.add(Fault(kind="status", status=429, retry_after=2, operation="pages.create", nth=1))
    wiki = wiki_factory(emu)
    wiki.pages.create("docs/after-429", content="# Later")
    assert emu.log.count("pages.create") == 2
    assert 2.0 in wiki.sleeps.calls
    assert [p.path for p in emu.pages()].count("docs/after-429") == 1
    assert wiki.metrics()["operations"]["pages.create"]["retries"] == 1


def test_a_create_dropped_after_running_is_not_duplicated(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    emu.faults.add(Fault(kind="drop", when="after", operation="pages.create", nth=1))
    wiki = wiki_factory(emu)
    page = wiki.pages.create("docs/dropped", content="# Dropped", title="Dropped")
    assert page.path == "docs/dropped"
    assert emu.log.count("pages.create") == 1
    assert [p.id for p in emu.pages() if p.path == "docs/dropped"] == [page.id]


def test_an_update_dropped_after_running_is_not_resent(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    page_id = emu.add_page("docs/once", "# Once")
    emu.faults.add(Fault(kind="drop", when="after", operation="pages.update", nth=1))
    wiki = wiki_factory(emu)
    with pytest.raises(ConnectionDropped):
        wiki.pages.update(page_id, title="Once")
    assert emu.log.count("pages.update") == 1


def test_the_rebuild_tree_race_is_confirmed_not_failed(wiki_factory: WikiFactory) -> None:
    racy = WikiJSEmulator(tree_race=TreeRace(nth=1), write_latency={"pages.create": 0.3})
    with racy:
        wiki = wiki_factory(racy)
        wiki.whoami()
        pages = wiki.parallel(
            lambda client, i: client.pages.create(f"docs/race-{i}", content=f"# {i}"), range(2)
        )
        assert sorted(p.path for p in pages) == ["docs/race-0", "docs/race-1"]
        assert racy.log.count("pages.create") == 2
        assert wiki.pages.tree_stale
        wiki.pages.rebuild_tree()
        assert not wiki.pages.tree_stale


def test_assets_upload_and_download(
    emu: WikiJSEmulator, wiki_factory: WikiFactory, tmp_path: Path
) -> None:
    wiki = wiki_factory(emu)
    folder_id = wiki.assets.ensure_folder("Handbook/Images")
    file = tmp_path / "Team Photo.PNG"
    content = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    file.write_bytes(content)
    asset = wiki.assets.upload(file, folder_id=folder_id)
    assert (asset.filename, asset.kind, asset.file_size) == (
        "team_photo.png",
        "IMAGE",
        len(content),
    )
    path = wiki.assets.asset_path(asset)
    assert path == "/handbook/images/team_photo.png"
    assert wiki.assets.download(path) == content == emu.asset(path)
    assert wiki.assets.download(path, max_bytes=len(content)) == content
    with pytest.raises(PayloadTooLargeError) as caught:
        wiki.assets.download(path, max_bytes=len(content) - 1)  # read no further than that
    assert caught.value.limit == len(content) - 1
    wiki.assets.delete(asset.id)
    assert wiki.assets.list(folder_id) == []


def test_users_and_groups_are_listed(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    wiki = wiki_factory(emu)
    user = wiki.users.create("ann@example.com", "Ann", password="anns-secret-pw")
    group = wiki.groups.create("Writers")
    wiki.groups.assign_user(group.id, user.id)
    assert "ann@example.com" in [u.email for u in wiki.users.list()]
    listed = {g.name: g for g in wiki.groups.list()}
    assert listed["Writers"].user_count == 1
    assert wiki.system.info().current_version == "2.5.314"


def test_metrics_and_cache_invalidation(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    page_id = emu.add_page("docs/cached", "# v1", title="Cached")
    wiki = wiki_factory(emu)
    assert wiki.pages.get(page_id).content == "# v1"
    assert wiki.pages.get(page_id).content == "# v1"
    assert emu.log.count("pages.single") == 1  # the second read came from the cache
    wiki.pages.update(page_id, content="# v2")
    assert wiki.pages.get_by_path("docs/cached").content == "# v2"  # the write invalidated it
    snapshot: dict[str, Any] = wiki.metrics()
    assert snapshot["operations"]["pages.get"]["requests"] == 1
    # One update is one pages.update request; its read-modify-write read counts on its own.
    assert snapshot["operations"]["pages.update"]["requests"] == 1
    assert snapshot["operations"]["pages.update.read"]["requests"] == 1
    assert emu.log.count("pages.update") == 1
    assert emu.log.count("pages.single") == 2  # the first get, then the update's read
    assert snapshot["total"]["errors"] == 0
    assert snapshot["total"]["requests"] == emu.log.requests


def test_hooks_see_every_attempt(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    emu.faults.add(Fault(kind="status", status=503, operation="pages.list", nth=1))
    wiki = wiki_factory(emu, verify_auth=False)
    seen: list[tuple[str, int]] = []
    wiki.hooks.on_request(lambda event: seen.append((event.operation, event.attempt)))
    wiki.pages.list()
    assert seen == [("pages.list", 1), ("pages.list", 2)]


def test_max_concurrency_bounds_requests_in_flight(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    emu.faults.add(Fault(kind="slow", delay=0.2, operation="pages.single"))
    ids = [emu.add_page(f"docs/slow-{i}", f"# {i}") for i in range(6)]
    wiki = wiki_factory(emu, verify_auth=False, cache=False, max_concurrency=2)
    started = time.monotonic()
    pages = wiki.parallel(lambda client, i: client.pages.get(ids[i]), range(6))
    elapsed = time.monotonic() - started
    assert [p.content for p in pages] == [f"# {i}" for i in range(6)]
    assert elapsed >= 0.55  # 6 slow reads, 2 at a time: at least 3 rounds of 0.2 s


def test_credentials_are_checked_once_when_the_first_calls_run_in_parallel(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    ids = [emu.add_page(f"docs/first-{i}", f"# {i}") for i in range(4)]
    wiki = wiki_factory(emu)
    pages = wiki.parallel(lambda client, i: client.pages.get(ids[i]), range(4))
    assert [p.id for p in pages] == ids
    assert emu.log.count("users.profile") == 1


def test_a_timed_out_create_is_not_resent(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    """The create is held by the server until the client has given up (no race between
    a short timeout and a slow answer), then lands; the client never sent it again."""
    emu.faults.add(Fault(kind="hold", operation="pages.create", nth=1))
    wiki = wiki_factory(emu, timeout=(5.0, 0.5), verify_auth=False)
    with pytest.raises(RequestTimeout):
        wiki.pages.create("docs/slow", content="# Slow")
    assert emu.faults.wait_held(1, timeout=0)  # it was the held create that timed out
    emu.faults.release()  # the server finishes the write after the client gave up
    assert emu.log.wait_for(lambda log: log.count("pages.create") == 1)
    assert emu.find_page("docs/slow", "en") is not None
    assert emu.log.count("pages.create") == 1


def test_a_refused_connection_is_retried_then_reported(wiki_factory: WikiFactory) -> None:
    with WikiJSEmulator() as gone:
        url, key = gone.url, gone.api_key
    closed = type("Closed", (), {"url": url, "api_key": key})()
    policy = RetryPolicy(max_attempts=3, base_delay=0.5)
    wiki = wiki_factory(closed, retry=policy, rand=lambda: 0.5, verify_auth=False)
    with pytest.raises(ConnectError):
        wiki.pages.create("docs/nowhere", content="# No")  # never sent: safe to re-send
    assert wiki.sleeps.calls == [0.5, 1.0]
    assert wiki.metrics()["operations"]["pages.create"]["errors"] == 3


def test_an_update_is_one_update_request_and_its_read_counts_as_its_own(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    page_id = emu.add_page("docs/counted", "# v1", title="Counted")
    wiki = wiki_factory(emu, cache=False)
    wiki.pages.update(page_id, content="# v2")
    operations = wiki.metrics()["operations"]
    assert operations["pages.update"]["requests"] == 1
    assert operations["pages.update.read"]["requests"] == 1
    assert (emu.log.count("pages.update"), emu.log.count("pages.single")) == (1, 1)

    current = wiki.pages.get(page_id)
    wiki.pages.update(page_id, current=current, content="# v3")  # no read with `current`
    operations = wiki.metrics()["operations"]
    assert operations["pages.update"]["requests"] == 2
    assert operations["pages.update.read"]["requests"] == 1
    assert emu.log.count("pages.update") == 2


def test_get_by_path_takes_the_forms_the_tools_print(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    en = emu.add_page("handbook/x", "# en", title="en")
    fr = emu.add_page("handbook/x", "# fr", locale="fr", title="fr")
    literal = emu.add_page("en/x", "# stored at en/x by another tool", title="literal")
    wiki = wiki_factory(emu, cache=False)
    assert wiki.pages.get_by_path("/en/handbook/x").id == en
    assert wiki.pages.get_by_path("/fr/handbook/x").id == fr
    assert wiki.pages.get_by_path("fr/handbook/x").id == fr
    assert wiki.pages.get_by_path("handbook/x").id == en
    assert wiki.pages.get_by_path("handbook/x", locale="fr").id == fr
    assert wiki.pages.get_by_path("/fr/handbook/x", locale="fr").id == fr
    # With a locale given, a path without a leading '/' is the stored path, verbatim.
    assert wiki.pages.get_by_path("en/x", locale="en").id == literal
    with pytest.raises(ValueError, match=r"'/<locale>/<path>'.*'handbook' is not a locale"):
        wiki.pages.get_by_path("/handbook/x")
    with pytest.raises(ValueError, match=r"names locale 'en' but locale='fr'"):
        wiki.pages.get_by_path("/en/handbook/x", locale="fr")
    with pytest.raises(PageNotFoundError, match=r"no page at /en/handbook/y \(path 'handbook/y'"):
        wiki.pages.get_by_path("/en/handbook/y")
