"""Caches: TTL with a fake clock, LRU bound, and page invalidation by id and path."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest

from wikijs._cache import MemoryCache, PageCache, cache_namespace


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass(frozen=True)
class P:
    id: int
    path: str
    locale: str = "en"
    title: str = ""


class TestMemoryCache:
    def test_entries_expire_after_their_ttl(self) -> None:
        clock = FakeClock()
        cache = MemoryCache(clock=clock)
        cache.set("a", 1, ttl=10)
        clock.now += 9.999
        assert cache.get("a") == 1
        clock.now += 0.001
        assert cache.get("a") is None
        assert len(cache) == 0

    def test_zero_ttl_stores_nothing(self) -> None:
        cache = MemoryCache(clock=FakeClock())
        cache.set("a", 1, ttl=10)
        cache.set("a", 2, ttl=0)
        assert cache.get("a") is None

    def test_lru_bound_evicts_the_least_recently_used(self) -> None:
        cache = MemoryCache(maxsize=3, clock=FakeClock())
        for key in "abc":
            cache.set(key, key.upper(), ttl=60)
        assert cache.get("a") == "A"  # a is now the most recently used
        cache.set("d", "D", ttl=60)
        assert cache.get("b") is None
        assert [cache.get(k) for k in "acd"] == ["A", "C", "D"]
        assert len(cache) == 3

    def test_delete_and_clear(self) -> None:
        cache = MemoryCache(clock=FakeClock())
        cache.set("a", 1, ttl=60)
        cache.set("b", 2, ttl=60)
        cache.delete("a")
        cache.delete("missing")
        assert cache.get("a") is None and cache.get("b") == 2
        cache.clear()
        assert cache.get("b") is None

    def test_thread_safe(self) -> None:
        cache = MemoryCache(maxsize=50, clock=FakeClock())

        def worker(n: int) -> None:
            for i in range(500):
                cache.set(f"{n}-{i}", i, ttl=60)
                cache.get(f"{n}-{i - 1}")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(cache) == 50

    def test_rejects_zero_size(self) -> None:
        with pytest.raises(ValueError):
            MemoryCache(maxsize=0)


class TestPageCache:
    def make(self, ttl: float = 60.0) -> tuple[PageCache, FakeClock]:
        clock = FakeClock()
        return PageCache(MemoryCache(clock=clock), ttl=ttl), clock

    def test_a_page_is_found_by_id_and_by_path(self) -> None:
        cache, _ = self.make()
        page = P(7, "guide/install")
        cache.put(page)
        assert cache.get_by_id(7) is page
        assert cache.get_by_path("guide/install", "en") is page
        assert cache.get_by_path("/guide/install/", "en") is page
        assert cache.get_by_path("guide/install", "fr") is None
        assert (cache.hits, cache.misses) == (3, 1)

    def test_ttl_expiry(self) -> None:
        cache, clock = self.make(ttl=5)
        cache.put(P(1, "a"))
        clock.now += 5
        assert cache.get_by_id(1) is None
        assert cache.get_by_path("a", "en") is None
        assert cache.misses == 2

    def test_invalidation_by_id_drops_the_path_key(self) -> None:
        cache, _ = self.make()
        cache.put(P(1, "a"))
        cache.put(P(2, "b"))
        cache.invalidate(1)
        assert cache.get_by_id(1) is None
        assert cache.get_by_path("a", "en") is None
        assert cache.get_by_id(2) is not None and cache.get_by_path("b", "en") is not None

    def test_invalidation_by_path_drops_the_id_key(self) -> None:
        cache, _ = self.make()
        cache.put(P(1, "a", "fr"))
        cache.invalidate(path="a", locale="fr")
        assert cache.get_by_id(1) is None
        assert cache.get_by_path("a", "fr") is None

    def test_invalidation_by_path_without_locale_covers_every_locale(self) -> None:
        cache, _ = self.make()
        cache.put(P(1, "a", "en"))
        cache.put(P(2, "a", "fr"))
        cache.put(P(3, "b", "en"))
        cache.invalidate(path="/a")
        assert [cache.get_by_id(i) for i in (1, 2)] == [None, None]
        assert cache.get_by_id(3) == P(3, "b", "en")

    def test_a_moved_page_no_longer_answers_at_its_old_path(self) -> None:
        cache, _ = self.make()
        cache.put(P(1, "old"))
        cache.put(P(1, "new", title="moved"))
        assert cache.get_by_path("old", "en") is None
        assert cache.get_by_path("new", "en") == P(1, "new", title="moved")

    def test_a_recreated_path_forgets_the_old_id(self) -> None:
        cache, _ = self.make()
        cache.put(P(1, "a"))
        cache.put(P(9, "a"))
        assert cache.get_by_id(1) is None
        assert cache.get_by_path("a", "en") == P(9, "a")

    def test_invalidate_needs_a_target_and_clear_drops_all(self) -> None:
        cache, _ = self.make()
        with pytest.raises(ValueError):
            cache.invalidate()
        cache.put(P(1, "a"))
        cache.clear()
        assert cache.get_by_id(1) is None

    def test_zero_ttl_disables_caching(self) -> None:
        cache, _ = self.make(ttl=0)
        cache.put(P(1, "a"))
        assert cache.get_by_id(1) is None

    def test_default_backend_is_a_memory_cache(self) -> None:
        assert isinstance(PageCache().backend, MemoryCache)


class TestNamespaces:
    def test_two_namespaces_on_one_backend_never_share_an_entry(self) -> None:
        backend = MemoryCache(clock=FakeClock())
        alice = PageCache(backend, namespace=cache_namespace("https://wiki", "apikey:alice"))
        bob = PageCache(backend, namespace=cache_namespace("https://wiki", "apikey:bob"))
        alice.put(P(1, "a", title="alice's view"))
        assert bob.get_by_id(1) is None and bob.get_by_path("a", "en") is None
        assert alice.get_by_id(1) == P(1, "a", title="alice's view")

    def test_the_namespace_hashes_url_and_identity(self) -> None:
        name = cache_namespace("https://wiki.example/", "apikey:s3cret")
        assert name == cache_namespace("https://wiki.example", "apikey:s3cret")
        assert name != cache_namespace("https://other.example", "apikey:s3cret")
        assert "s3cret" not in name and "example" not in name

    def test_invalidation_finds_the_path_another_client_cached(self) -> None:
        backend = MemoryCache(clock=FakeClock())
        reader, writer = PageCache(backend, namespace="n"), PageCache(backend, namespace="n")
        reader.put(P(1, "a"))
        writer.invalidate(1)  # the writer never saw page 1's path
        assert reader.get_by_path("a", "en") is None and reader.get_by_id(1) is None
