"""The SDK end to end against the Wiki.js emulator over real loopback HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from wikijs import (
    AuthenticationError,
    ConnectionDropped,
    PageCreate,
    PageDuplicateCreateError,
    PageNotFoundError,
    PageUpdate,
    WikiJSClient,
)

try:
    from wikijs.testing import Fault, TreeRace, WikiJSEmulator
except ImportError:  # pragma: no cover - only while the emulator is being built
    pytest.skip("wikijs.testing.WikiJSEmulator is not available", allow_module_level=True)


class Sleeps:
    """An injected ``sleep`` that records instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.calls.append(seconds)


@pytest.fixture
def emu() -> Iterator[Any]:
    with WikiJSEmulator() as emulator:
        yield emulator


def client_for(emu: Any, **kw: Any) -> WikiJSClient:
    options: dict[str, Any] = {"api_key": emu.api_key, "rate_limit": False, "sleep": Sleeps()}
    options.update(kw)
    return WikiJSClient(emu.url, **options)


def test_crud_round_trip(emu: Any) -> None:
    with client_for(emu) as wiki:
        assert wiki.whoami().id == 1
        page = wiki.pages.create(
            "docs/round-trip",
            content="# Round trip\n\nÜnïcödé 🚀",
            title="Round trip",
            description="d",
            tags=["SDK", " e2e "],
        )
        assert page.path == "docs/round-trip" and page.locale == "en"
        assert page.tags == ["sdk", "e2e"]  # the server trims and lowercases
        fetched = wiki.pages.get(page.id)
        assert fetched.content == "# Round trip\n\nÜnïcödé 🚀"
        assert fetched.updated_at == page.updated_at
        assert wiki.pages.get_by_path("docs/round-trip").id == page.id

        updated = wiki.pages.update(page.id, title="Round trip v2")
        assert updated.title == "Round trip v2"
        assert [i.id for i in wiki.pages.list() if i.path == "docs/round-trip"] == [page.id]

        wiki.pages.move(page.id, "docs/moved-round-trip")
        assert wiki.pages.get(page.id).path == "docs/moved-round-trip"
        history = wiki.pages.history(page.id)
        assert history.total >= 2  # the initial version and the update at least
        assert history.trail[-1].action_type == "initial"

        wiki.pages.delete(page.id)
        with pytest.raises(PageNotFoundError):
            wiki.pages.get(page.id)
        for missing in (
            lambda: wiki.pages.update(page.id, title="x"),
            lambda: wiki.pages.delete(page.id),
            lambda: wiki.pages.move(page.id, "docs/x", "en"),
            lambda: wiki.pages.history(page.id),
            lambda: wiki.pages.render(page.id),
        ):
            with pytest.raises(PageNotFoundError):
                missing()


def test_safe_partial_update_keeps_every_other_field(emu: Any) -> None:
    with client_for(emu) as wiki:
        page = wiki.pages.create(
            "docs/keep-fields",
            content="# Keep",
            title="Keep",
            description="all of it",
            tags=["a", "b"],
            is_published=False,
            publish_start_date="2030-01-01T00:00:00.000Z",
            script_js="console.log(1)",
        )
        wiki.pages.update(page.id, title="Keep v2")
        after = wiki.pages.get(page.id)
        assert after.title == "Keep v2"
        assert after.content == "# Keep"
        assert after.description == "all of it"
        assert after.tags == ["a", "b"]
        assert after.is_published is False
        assert after.publish_start_date == page.publish_start_date
        assert after.script_js == "console.log(1)"


def test_a_bad_key_raises_before_any_write(emu: Any) -> None:
    bad_key = "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.bm90LWEta2V5"
    with (
        client_for(emu, api_key=bad_key) as wiki,
        pytest.raises(AuthenticationError, match="Guest"),
    ):
        wiki.pages.create("docs/never-written", content="# No")
    assert emu.log.writes() == []
    assert emu.find_page("docs/never-written", "en") is None


def test_login_and_session_renewal() -> None:
    now = [time.time()]
    with WikiJSEmulator(clock=lambda: now[0], session_lifetime=60.0) as emu:
        with client_for(
            emu, api_key=None, username=emu.admin_email, password=emu.admin_password
        ) as wiki:
            assert wiki.whoami().email == emu.admin_email
            first = wiki.auth.token  # type: ignore[attr-defined]
            assert first is not None
            now[0] += 120  # the session JWT expired; the server renews it on the next request
            page = wiki.pages.create("docs/logged-in", content="# Hi")
            renewed = wiki.auth.token  # type: ignore[attr-defined]
            assert renewed is not None and renewed != first
            assert wiki.pages.get(page.id).path == "docs/logged-in"
            assert wiki.auth.token == renewed  # type: ignore[attr-defined]
        assert emu.log.count("authentication.login") == 1


def test_batch_writes_with_one_failure(emu: Any) -> None:
    emu.add_page("docs/taken", "# Taken")
    with client_for(emu) as wiki:
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
        assert emu.log.requests == 1
        assert emu.log.count("pages.create") == 3

        ids = [r.unwrap().id for r in results if r.ok]
        updates = wiki.pages.update_many([PageUpdate(page_id=i, title=f"T{i}") for i in ids])
        assert [u.unwrap().title for u in updates] == [f"T{i}" for i in ids]
        assert [wiki.pages.get(i).content for i in ids] == ["# 1", "# 3"]

        deletes = wiki.pages.delete_many([*ids, 999999])
        assert [d.ok for d in deletes] == [True, True, False]
        assert isinstance(deletes[2].error, PageNotFoundError)


def test_get_many_of_120_ids_makes_3_requests(emu: Any) -> None:
    ids = [emu.add_page(f"docs/many-{i}", f"# {i}") for i in range(120)]
    with client_for(emu, verify_auth=False) as wiki:
        emu.log.reset()
        results = wiki.pages.get_many(ids)
        assert emu.log.requests == 3
        assert [r.unwrap().content for r in results] == [f"# {i}" for i in range(120)]


def test_an_ambiguous_create_is_not_duplicated(emu: Any) -> None:
    emu.faults.add(Fault(kind="drop", when="after", operation="pages.create", nth=1))
    with client_for(emu) as wiki:
        page = wiki.pages.create("docs/dropped", content="# Dropped after", title="Dropped")
    assert page.path == "docs/dropped"
    assert emu.log.count("pages.create") == 1
    assert [p.id for p in emu.pages() if p.path == "docs/dropped"] == [page.id]


def test_an_update_dropped_after_running_is_not_resent(emu: Any) -> None:
    page_id = emu.add_page("docs/update-once", "# Once")
    emu.faults.add(Fault(kind="drop", when="after", operation="pages.update", nth=1))
    with client_for(emu) as wiki, pytest.raises(ConnectionDropped):
        wiki.pages.update(page_id, title="Once")
    assert emu.log.count("pages.update") == 1


def test_a_create_refused_with_429_is_resent_after_retry_after(emu: Any) -> None:
    emu.faults.add(Fault(kind="status", status=429, retry_after=2, operation="pages.create", nth=1))
    sleeps = Sleeps()
    with client_for(emu, sleep=sleeps) as wiki:
        wiki.pages.create("docs/after-429", content="# Later")
    assert emu.log.count("pages.create") == 2
    assert 2.0 in sleeps.calls
    assert emu.find_page("docs/after-429", "en") is not None


def test_the_rebuild_tree_race_is_confirmed_not_failed() -> None:
    emu_race = WikiJSEmulator(tree_race=TreeRace(nth=1), write_latency={"pages.create": 0.3})
    with emu_race as racy, client_for(racy) as wiki:
        wiki.whoami()
        with ThreadPoolExecutor(max_workers=2) as pool:
            pages = list(
                pool.map(lambda i: wiki.pages.create(f"docs/race-{i}", content=f"# {i}"), range(2))
            )
        assert sorted(p.path for p in pages) == ["docs/race-0", "docs/race-1"]
        assert wiki.pages.tree_stale
        assert racy.log.count("pages.create") == 2
        wiki.pages.rebuild_tree()
        assert not wiki.pages.tree_stale


def test_parallel_writers_share_one_client(emu: Any) -> None:
    with client_for(emu) as wiki, ThreadPoolExecutor(max_workers=8) as pool:
        pages = list(
            pool.map(lambda i: wiki.pages.create(f"docs/par-{i}", content=f"# {i}"), range(16))
        )
    assert len({p.id for p in pages}) == 16


def test_every_read_parses_against_the_emulator(emu: Any) -> None:
    page_id = emu.add_page(
        "docs/reads", "# Reads\n\nSee [other](/en/docs/other).", title="Reads", tags=["x"]
    )
    emu.add_page("docs/other", "# Other", title="Other")
    with client_for(emu) as wiki:
        before = wiki.pages.get(page_id)
        assert wiki.pages.check_conflicts(page_id, before.updated) is False
        latest = wiki.pages.conflict_latest(page_id)
        assert (latest.id, latest.content) == (page_id, before.content)
        assert [t.tag for t in wiki.pages.tags()] == ["x"]
        assert wiki.pages.search_tags("x") == ["x"]
        assert any(r.id == page_id for r in wiki.pages.search("Reads").results)
        assert any(
            i.path == "docs/reads"
            for i in wiki.pages.tree(mode="ALL", path="docs/reads", include_ancestors=True)
        )
        links = {link.path: link.links for link in wiki.pages.links()}
        assert links["en/docs/reads"] == ["en/docs/other"]
        assert wiki.pages.history(page_id).trail == []  # versions are kept from the first update
        wiki.pages.update(page_id, title="Reads v2")
        assert wiki.pages.check_conflicts(page_id, before.updated_at) is True
        version = wiki.pages.history(page_id).trail[-1].version_id
        old = wiki.pages.version(page_id, version)
        assert (old.page_id, old.title) == (page_id, "Reads")
        wiki.pages.render(page_id)
        assert [i.id for i in wiki.pages.list(tags=["x"])] == [page_id]
