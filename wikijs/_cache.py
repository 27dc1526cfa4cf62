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


def _is_page(
    value: Any, *, page_id: int | None = None, where: tuple[str, str] | None = None
) -> bool:
    """Whether a cached value is the page its key names (anything else is a miss)."""
    if value is None:
        return False
    found_id = getattr(value, "id", None)
    if isinstance(found_id, bool) or not isinstance(found_id, int):
        return False
    if page_id is not None and found_id != page_id:
        return False
    if where is not None:
        locale, path = getattr(value, "locale", None), getattr(value, "path", None)
        if not isinstance(locale, str) or not isinstance(path, str):
            return False
        return (locale, _norm_path(path)) == where
    return True


def cache_namespace(url: str, identity: str) -> str:
    """The key prefix of one wiki seen by one identity: a hash, never the key itself.

    Two clients share cached pages only when both the wiki URL and who they are (API key,
    login) match, so a shared backend never answers one identity with what another could
    read.
    """
    digest = hashlib.sha256(f"{url.rstrip('/')}\n{identity}".encode()).hexdigest()
    return f"wiki-{digest[:32]}"


class PageCache:
    """Caches page objects (anything with ``.id``, ``.path`` and ``.locale``).

    ``namespace`` is a string, or a function that gives it once it is known: while it
    answers ``None`` (the client is not authenticated yet), nothing is read or written.
    A value read back must be the page its key names (the same id, or the same path
    and locale), else it counts as a miss.
    """

    def __init__(
        self,
        backend: CacheBackend | None = None,
        ttl: float = 60.0,
        *,
        namespace: str | Callable[[], str | None] = "",
    ) -> None:
        self.backend: CacheBackend = backend if backend is not None else MemoryCache()
        self.ttl = ttl
        self._namespace = namespace
        self._lock = threading.Lock()
        # id -> (locale, path) it was cached under, and the reverse; bounded like an LRU.
        self._paths: OrderedDict[int, tuple[str, str]] = OrderedDict()
        self._ids: dict[tuple[str, str], int] = {}
        self._index_size = 4096
        self._hits = 0
        self._misses = 0

    @property
    def namespace(self) -> str | None:
        """The key prefix in use; ``None`` while the identity is not known."""
        found = self._namespace
        return found() if callable(found) else found

    def _prefix(self) -> str | None:
        namespace = self.namespace
        if namespace is None:
            return None
        return f"{namespace}:" if namespace else ""

    def _id_key(self, page_id: int, prefix: str) -> str:
        return f"{prefix}page:id:{page_id}"

    def _path_key(self, locale: str, path: str, prefix: str) -> str:
        return f"{prefix}page:path:{locale}:{_norm_path(path)}"

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
        prefix = self._prefix()
        if prefix is None:
            return self._count(None)
        value = self.backend.get(self._id_key(page_id, prefix))
        return self._count(value if _is_page(value, page_id=page_id) else None)

    def get_by_path(self, path: str, locale: str) -> Any | None:
        prefix = self._prefix()
        if prefix is None:
            return self._count(None)
        value = self.backend.get(self._path_key(locale, path, prefix))
        return self._count(value if _is_page(value, where=(locale, _norm_path(path))) else None)

    def put(self, page: Any) -> None:
        """Cache ``page`` under its id and its (locale, path)."""
        prefix = self._prefix()
        if self.ttl <= 0 or prefix is None:
            return
        page_id: int = page.id
        where = (str(page.locale), _norm_path(str(page.path)))
        with self._lock:
            previous = self._paths.pop(page_id, None)
            if previous is not None and previous != where:
                # The page moved: its old path must not answer with the new page.
                self._ids.pop(previous, None)
                self.backend.delete(self._path_key(*previous, prefix))
            other = self._ids.get(where)
            if other is not None and other != page_id:
                # Another id used to live at this path (deleted and re-created).
                self._paths.pop(other, None)
                self.backend.delete(self._id_key(other, prefix))
            self._paths[page_id] = where
            self._ids[where] = page_id
            while len(self._paths) > self._index_size:
                old_id, old_where = self._paths.popitem(last=False)
                self._ids.pop(old_where, None)
            self.backend.set(self._id_key(page_id, prefix), page, self.ttl)
            self.backend.set(self._path_key(*where, prefix), page, self.ttl)

    def invalidate(
        self, page_id: int | None = None, *, path: str | None = None, locale: str | None = None
    ) -> None:
        """Drop a page by id, by path (in ``locale``, or in every locale), or both.

        Dropping by id also drops the path it was cached under, and dropping by path
        also drops the id cached there.
        """
        if page_id is None and path is None:
            raise ValueError("invalidate() needs a page_id or a path")
        prefix = self._prefix()
        if prefix is None:
            return  # nothing was cached under an identity not known yet
        with self._lock:
            if page_id is not None:
                wheres = set()
                local = self._paths.pop(page_id, None)
                if local is not None:
                    wheres.add(local)
                # A backend shared with other clients (Redis) may hold this page under a
                # path this client never saw: the cached page itself says which.
                cached = self.backend.get(self._id_key(page_id, prefix))
                if cached is not None and _is_page(cached, page_id=page_id):
                    wheres.add((str(cached.locale), _norm_path(str(cached.path))))
                self.backend.delete(self._id_key(page_id, prefix))
                for where in wheres:
                    self._ids.pop(where, None)
                    self.backend.delete(self._path_key(*where, prefix))
            if path is not None:
                norm = _norm_path(path)
                if locale is not None:
                    targets = [(locale, norm)]
                else:
                    targets = [w for w in self._ids if w[1] == norm]
                for where in targets:
                    other = self._ids.pop(where, None)
                    if other is None:
                        cached = self.backend.get(self._path_key(*where, prefix))
                        if cached is not None and _is_page(cached, where=where):
                            other = cached.id
                    self.backend.delete(self._path_key(*where, prefix))
                    if other is not None:
                        self._paths.pop(other, None)
                        self.backend.delete(self._id_key(other, prefix))

    def clear(self) -> None:
        """Drop everything (including entries of other pages sharing the backend)."""
        with self._lock:
            self.backend.clear()
            self._paths.clear()
            self._ids.clear()
