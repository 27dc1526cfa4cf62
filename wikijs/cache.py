"""Cache backends for [`WikiJSClient`][wikijs.WikiJSClient]'s page cache.

[`MemoryCache`][wikijs.cache.MemoryCache] (the default) keeps pages in the process; ``RedisCache``
(``pip install 'wikisync[redis]'``) shares them between processes through Redis. Both
implement [`CacheBackend`][wikijs.cache.CacheBackend]; the client's ``PageCache`` puts a hash of the wiki
URL and of the identity (API key or login) in front of every key, so clients of other
wikis or other identities never share an entry, whichever backend they share.
"""

from __future__ import annotations

from ._cache import CacheBackend, MemoryCache, PageCache
from ._rediscache import RedisCache

__all__ = ["CacheBackend", "MemoryCache", "PageCache", "RedisCache"]
