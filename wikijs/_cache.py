"""A small read cache for pages, keyed by id and by (locale, path).

[`MemoryCache`][wikijs.MemoryCache] is the default [`CacheBackend`][wikijs.CacheBackend]: TTL per entry, LRU bound,
thread-safe, injectable clock. Other backends (Redis, disk) only need the four methods
of the protocol. ``PageCache`` is what the client uses: it stores each page under
both keys and remembers which path an id was cached under, so invalidating a page by
id also drops its path entry (and the other way round).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["CacheBackend", "MemoryCache", "PageCache", "cache_namespace"]


class CacheBackend(Protocol):
    """Where cached values live. ``get`` returns None for a missing or expired key."""

    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any, ttl: float) -> None: ...

    def delete(self, key: str) -> None: ...

    def clear(self) -> None: ...


class MemoryCache:
    """An in-process LRU cache with a TTL per entry."""

    def __init__(self, maxsize: int = 1024, *, clock: Callable[[], float] = time.monotonic) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._clock = clock
        self._data: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def get(self, key: str) -> Any | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is None:
                return None
            expires, value = entry
            if self._clock() >= expires:
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return value

    def set(self, key: str, value: Any, ttl: float) -> None:
        with self._lock:
            if ttl <= 0:
                self._data.pop(key, None)
                return
            self._data[key] = (self._clock() + ttl, value)
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


def _norm_path(path: str) -> str:
    return path.strip("/")


def cache_namespace(url: str, identity: str) -> str:
    """The key prefix of one wiki seen by one identity: a hash, never the key itself.

    Two clients share cached pages only when both the wiki URL and who they are (API key,
    login) match, so a shared backend never answers one identity with what another could
    read.
    """
    digest = hashlib.sha256(f"{url.rstrip('/')}\n{identity}".encode()).hexdigest()
    return f"wiki-{digest[:32]}"


class PageCache:
    """Caches page objects (anything with ``.id``, ``.path`` and ``.locale``)."""

    def __init__(
        self, backend: CacheBackend | None = None, ttl: float = 60.0, *, namespace: str = ""
    ) -> None:
        self.backend: CacheBackend = backend if backend is not None else MemoryCache()
        self.ttl = ttl
        self.namespace = namespace
        self._prefix = f"{namespace}:" if namespace else ""
        self._lock = threading.Lock()
        # id -> (locale, path) it was cached under, and the reverse; bounded like an LRU.
        self._paths: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._ids: dict[tuple[str, str], int] = {}
        self._index_size = 4096
        self._hits = 0
        self._misses = 0

    def _id_key(self, page_id: int) -> str:
        return f"{self._prefix}page:id:{page_id}"

    def _path_key(self, locale: str, path: str) -> str:
        return f"{self._prefix}page:path:{locale}:{_norm_path(path)}"

    @property
    def hits(self) -> int:
        return self._hits

    @property
    def misses(self) -> int:
        return self._misses

    def _count(self, value: Any | None) -> Any | None:
        with self._lock:
            if value is None:
                self._misses += 1
            else:
                self._hits += 1
        return value

    def get_by_id(self, page_id: int) -> Any | None:
        return self._count(self.backend.get(self._id_key(page_id)))

    def get_by_path(self, path: str, locale: str) -> Any | None:
        return self._count(self.backend.get(self._path_key(locale, path)))

    def put(self, page: Any) -> None:
        """Cache ``page`` under its id and its (locale, path)."""
        if self.ttl <= 0:
            return
        page_id: int = page.id
        where = (str(page.locale), _norm_path(str(page.path)))
        with self._lock:
            previous = self._paths.pop(page_id, None)
            if previous is not None and previous != where:
                # The page moved: its old path must not answer with the new page.
                self._ids.pop(previous, None)
                self.backend.delete(self._path_key(*previous))
            other = self._ids.get(where)
            if other is not None and other != page_id:
                # Another id used to live at this path (deleted and re-created).
                self._paths.pop(other, None)
                self.backend.delete(self._id_key(other))
            self._paths[page_id] = where
            self._ids[where] = page_id
            while len(self._paths) > self._index_size:
                old_id, old_where = self._paths.popitem(last=False)
                self._ids.pop(old_where, None)
            self.backend.set(self._id_key(page_id), page, self.ttl)
            self.backend.set(self._path_key(*where), page, self.ttl)

    def invalidate(
        self, page_id: int | None = None, *, path: str | None = None, locale: str | None = None
    ) -> None:
        """Drop a page by id, by path (in ``locale``, or in every locale), or both.

        Dropping by id also drops the path it was cached under, and dropping by path
        also drops the id cached there.
        """
        if page_id is None and path is None:
            raise ValueError("invalidate() needs a page_id or a path")
        with self._lock:
            if page_id is not None:
                wheres = set()
                local = self._paths.pop(page_id, None)
                if local is not None:
                    wheres.add(local)
                # A backend shared with other clients (Redis) may hold this page under a
                # path this client never saw: the cached page itself says which.
                cached = self.backend.get(self._id_key(page_id))
                if cached is not None and getattr(cached, "id", None) == page_id:
                    wheres.add((str(cached.locale), _norm_path(str(cached.path))))
                self.backend.delete(self._id_key(page_id))
                for where in wheres:
                    self._ids.pop(where, None)
                    self.backend.delete(self._path_key(*where))
            if path is not None:
                norm = _norm_path(path)
                if locale is not None:
                    targets = [(locale, norm)]
                else:
                    targets = [w for w in self._ids if w[1] == norm]
                for where in targets:
                    other = self._ids.pop(where, None)
                    if other is None:
                        cached = self.backend.get(self._path_key(*where))
                        other = getattr(cached, "id", None) if cached is not None else None
                    self.backend.delete(self._path_key(*where))
                    if other is not None:
                        self._paths.pop(other, None)
                        self.backend.delete(self._id_key(other))

    def clear(self) -> None:
        """Drop everything (including entries of other pages sharing the backend)."""
        with self._lock:
            self.backend.clear()
            self._paths.clear()
            self._ids.clear()
