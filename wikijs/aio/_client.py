"""``AsyncWikiJSClient``: the sync client's options, resources and policies, over aiohttp."""

from __future__ import annotations

from collections.abc import Awaitable
from types import TracebackType

from wikijs._client import ClientBase
from wikijs._engine import Engine, IOOptions
from wikijs._flow import Async

from ._transport import AsyncTransport, ClientSession

__all__ = ["AsyncWikiJSClient"]


class AsyncWikiJSClient(ClientBase[Async, AsyncTransport, ClientSession, Awaitable[None]]):
    """An asyncio client for one Wiki.js 2.x wiki (needs the ``async`` extra: aiohttp).

    ```python
    async with AsyncWikiJSClient.from_env() as wiki:
        pages = await wiki.pages.get_many([1, 2, 3])
        await asyncio.gather(*(wiki.pages.update(p.id, title=p.title.upper())
                               for p in (r.unwrap() for r in pages)))
    ```

    It takes the options of [`wikijs.WikiJSClient`][wikijs.WikiJSClient] and has the same resources,
    models, exceptions, retries, rate limit, cache, logging, metrics and hooks; every
    resource method is a coroutine function. ``max_concurrency`` (default 10) bounds the
    HTTP requests in flight; ``sleep`` replaces ``asyncio.sleep`` and ``session`` is an
    ``aiohttp.ClientSession`` (by default one is opened on first use). Close the client
    (``async with``, or ``await client.close()``) in the event loop that used it.
    """

    def _open(
        self, engine: Engine, options: IOOptions[ClientSession, Awaitable[None]]
    ) -> AsyncTransport:
        return AsyncTransport(engine, options)

    async def close(self) -> None:
        """Close the HTTP session (its pooled connections)."""
        await self._transport.close()

    async def __aenter__(self) -> AsyncWikiJSClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
