"""A [`CacheBackend`][wikijs.cache.CacheBackend] on Redis, shared by every process that points at it.

Values are stored as JSON: a pydantic model of the SDK (a [`Page`][wikijs.Page]) as its
class name and its JSON dump, anything else as plain JSON. Only models defined in
``wikijs`` are rebuilt from what Redis answers (no pickle: whatever can write to the
Redis server cannot make this process run code). Keys are the ``PageCache`` keys
under ``prefix``; the page cache already puts a hash of the wiki URL and the identity in
front of them, so neither the URL nor any credential is stored in Redis.

Redis being down never fails a request: every call that cannot reach it answers "not
cached" (``get``) or does nothing (``set``, ``delete``), the outage is logged once (a
warning, and an info line when Redis answers again), and for ``retry_after`` seconds no
further attempt is made, so an unreachable server does not cost a connect timeout per
request. A write's invalidation that could not reach Redis cannot be replayed, so the
first successful call after an outage in which a ``delete`` or ``set`` was lost drops
every entry under ``prefix`` (those may be stale).
"""

from __future__ import annotations

import importlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["RedisCache"]

logger = logging.getLogger("wikijs.cache")

T = TypeVar("T")

_INSTALL_HINT = "RedisCache needs the redis client: pip install 'wikisync[redis]'"


def _encode(value: Any) -> str:
    if isinstance(value, BaseModel):
        cls = type(value)
        return json.dumps(
            {
                "model": f"{cls.__module__}:{cls.__qualname__}",
                "data": value.model_dump(mode="json", by_alias=True),
            },
            ensure_ascii=False,
        )
    return json.dumps({"json": value}, ensure_ascii=False)


_MAX_VALUE_BYTES = 16 << 20
"""A cached value (a page of at most 5 MB, as JSON) is smaller; a larger one is a miss."""
_MAX_DEPTH = 32
"""A cached page nests a few levels (tags in a page); deeper JSON is a miss, never parsed."""
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def _too_deep(text: str) -> bool:
    """Whether ``text`` nests arrays and objects deeper than ``_MAX_DEPTH`` (counted in one
    pass over its brackets outside strings, without recursion)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > _MAX_DEPTH:
                return True
        elif token in "]}":
            depth -= 1
    return False


def _decode(raw: bytes | str) -> Any | None:
    """The value stored as ``raw``; ``None`` (a miss) for anything that is not a value
    this module wrote: too large, nested too deep, not JSON, a model that does not
    validate. Values from Redis are checked like answers from the wiki."""
    if len(raw) > _MAX_VALUE_BYTES:
        return None
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if _too_deep(text):
            return None
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    if "json" in document:
        return document["json"]
    name = document.get("model")
    if not isinstance(name, str):
        return None
    module_name, _, qualname = name.partition(":")
    if module_name != "wikijs" and not module_name.startswith("wikijs."):
        return None
    try:
        cls = getattr(importlib.import_module(module_name), qualname)
    except (ImportError, AttributeError):
        return None
    if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
        return None
    try:
        return cls.model_validate(document.get("data"))
    except ValueError:
        return None  # written by another version of the SDK: a miss, read it again


class RedisCache:
    """Cached pages in Redis: shared between processes and machines, with a TTL per entry.

    ``url`` is a redis-py URL (``redis://host:6379/0``, ``rediss://...``,
    ``unix:///run/redis.sock``); or pass a ready ``client`` (a ``redis.Redis``). Pass it
    as ``WikiJSClient(..., cache=RedisCache(url))``.
    """

    def __init__(
        self,
        url: str = "redis://localhost:6379/0",
        *,
        client: Any | None = None,
        prefix: str = "wikijs",
        socket_timeout: float = 0.5,
        retry_after: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        try:
            import redis
        except ImportError as exc:  # shown by tests/packaging (a venv without the extra)
            raise ImportError(_INSTALL_HINT) from exc
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        if client is None:
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            # No retries inside redis-py: an outage is handled here, without waiting.
            client = redis.Redis.from_url(
                url,
                socket_timeout=socket_timeout,
                socket_connect_timeout=socket_timeout,
                retry=Retry(NoBackoff(), 0),
            )
        self._client = client
        self.prefix = prefix
        self.retry_after = retry_after
        self._clock = clock
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._lost_writes = False

    @property
    def available(self) -> bool:
        """False during an outage (from the first failed call to the next successful one)."""
        with self._lock:
            return self._down_since is None

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def _call(self, what: Callable[[], T], *, writes: bool) -> tuple[bool, T | None]:
        with self._lock:
            down_since = self._down_since
        if down_since is not None and self._clock() - down_since < self.retry_after:
            if writes:
                with self._lock:
                    self._lost_writes = True
            return False, None
        try:
            if down_since is not None:
                self._recover()
            return True, what()
        except self._errors as exc:
            with self._lock:
                first = self._down_since is None
                self._down_since = self._clock()
                if writes:
                    self._lost_writes = True
            if first:
                logger.warning(
                    "Redis cache unreachable (%s): requests go to the wiki uncached until "
                    "it answers again",
                    type(exc).__name__,
                    extra={"error": str(exc)[:200]},
                )
            return False, None

    def _recover(self) -> None:
        """First call after an outage: drop what may be stale, then say it is back."""
        self._client.ping()
        with self._lock:
            lost = self._lost_writes
        if lost:
            self._drop_prefix()
        with self._lock:
            self._down_since = None
            self._lost_writes = False
        logger.info(
            "Redis cache reachable again%s",
            " (entries dropped: invalidations were lost during the outage)" if lost else "",
        )

    def _drop_prefix(self) -> None:
        batch: list[Any] = []
        for key in self._client.scan_iter(match=f"{self.prefix}:*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                self._client.delete(*batch)
                batch.clear()
        if batch:
            self._client.delete(*batch)

    def get(self, key: str) -> Any | None:
        ok, raw = self._call(lambda: self._client.get(self._key(key)), writes=False)
        if not ok or raw is None:
            return None
        return _decode(raw)

    def set(self, key: str, value: Any, ttl: float) -> None:
        if ttl <= 0:
            self.delete(key)
            return
        encoded = _encode(value)
        milliseconds = max(1, int(ttl * 1000))
        self._call(lambda: self._client.set(self._key(key), encoded, px=milliseconds), writes=True)

    def delete(self, key: str) -> None:
        self._call(lambda: self._client.delete(self._key(key)), writes=True)

    def clear(self) -> None:
        """Drop every entry under ``prefix`` (never the rest of the Redis database)."""
        self._call(self._drop_prefix, writes=True)
