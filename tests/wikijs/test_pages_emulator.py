"""Sync-only checks against the emulator. The behaviour both clients share (CRUD, safe
updates, batching, auth, retries, the tree race) is in tests/wikijs_aio/test_client_behaviour.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from wikijs import WikiJSClient
from wikijs.testing import WikiJSEmulator


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


def test_stamps_say_where_each_page_is_and_when_it_changed(emu: Any) -> None:
    first = emu.add_page("docs/a", "# A", title="A", tags=["x"])
    second = emu.add_page("docs/b", "# B", title="B", locale="fr")
    with client_for(emu) as wiki:
        wiki.pages.update(first, title="A v2")
        listed = {p.id: p for p in wiki.pages.list()}
        stamps = wiki.pages.stamps()
        assert {s.id: (s.path, s.locale, s.updated_at) for s in stamps} == {
            i: (p.path, p.locale, p.updated_at) for i, p in listed.items()
        }
        assert {s.id for s in stamps} == {first, second}
        assert [s.id for s in wiki.pages.stamps(locale="fr")] == [second]
        assert stamps[0].updated.tzinfo is not None
