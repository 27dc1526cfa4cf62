"""The async transport: the only module that talks to Wiki.js with ``aiohttp``.

It performs the I/O actions of ``wikijs._engine.Engine`` (one HTTP attempt, a wait,
credential setup under a lock) and nothing else; everything it decides is the engine's,
shared with the sync transport. At most ``max_concurrency`` requests are in flight.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

try:
    import aiohttp
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra
    raise ImportError(
        "wikijs.aio needs aiohttp, which comes with the 'async' extra: "
        "pip install 'wikisync[async]'"
    ) from exc

from wikijs._engine import Action, Engine, Failure, IOFlow, IOOptions, RawResponse, Send, Sleep
from wikijs._errors import ConnectError, ConnectionDropped, RequestTimeout, TransportError
from wikijs._flow import Async, Flow, Runner, Stepper
from wikijs._retry import ErrorKind

__all__ = ["DEFAULT_MAX_CONCURRENCY", "AsyncTransport", "ClientSession"]

T = TypeVar("T")

#: Requests in flight at once when the client does not say otherwise.
DEFAULT_MAX_CONCURRENCY = 10
_CHUNK = 1 << 16
"""Bytes read at a time from an answer whose size is limited (``max_bytes``)."""

#: The HTTP session type the async client accepts.
ClientSession = aiohttp.ClientSession


class AsyncTransport(Runner[Async]):
    """Runs flows over ``aiohttp``; ``await transport.run(flow)``.

    The HTTP session is opened on first use, in the running event loop; use one client
    per event loop. ``close`` closes the session.
    """

    asynchronous = True

    def __init__(
        self, engine: Engine, options: IOOptions[aiohttp.ClientSession, Awaitable[None]]
    ) -> None:
        self.engine = engine
        timeout = options.timeout
        connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)
        self._ssl = _ssl_option(options.verify)
        self._sleep: Callable[[float], Awaitable[None]] = (
            options.sleep if options.sleep is not None else asyncio.sleep
        )
        self.max_concurrency = options.max_concurrency or DEFAULT_MAX_CONCURRENCY
        self._session = options.session
        self._slots = asyncio.Semaphore(self.max_concurrency)
        self._setup_lock = asyncio.Lock()

    async def run(self, flow: Flow[T]) -> T:
        """Drive a resource flow to its end and return its result."""
        return await self._drive(self.engine.run(flow))

    async def close(self) -> None:
        """Close the HTTP session (its pooled connections)."""
        if self._session is not None:
            await self._session.close()

    # -- I/O -------------------------------------------------------------------------------

    async def _drive(self, io: IOFlow[T]) -> T:
        steps = Stepper(io)
        while (action := steps.next()) is not None:
            await steps.call_async(self._act, action)
        return steps.result

    async def _act(self, action: Action) -> Any:
        if isinstance(action, Send):
            async with self._slots:
                return await self._http(action)
        if isinstance(action, Sleep):
            return await self._sleep(action.seconds)
        async with self._setup_lock:
            return await self._drive(self.engine.setup(action))

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.max_concurrency),
                timeout=self._timeout,
                trust_env=True,
            )
        return self._session

    async def _http(self, action: Send) -> RawResponse | Failure:
        request = action.request
        try:
            if not request.authenticate:
                return await self._send_anonymous(action)
            async with self._client().request(
                request.method,
                request.url,
                data=request.body,
                headers=dict(action.headers),
                allow_redirects=False,
                ssl=self._ssl,
            ) as response:
                return await _read(response, request.max_bytes)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            kind, error = _classify(exc, request.operation, action.request_id)
            return Failure(kind, error, exc)

    async def _send_anonymous(self, action: Send) -> RawResponse:
        """A request without credentials: none of the session's cookies either (a login
        leaves a ``jwt`` cookie, which Wiki.js would take as the user's)."""
        request = action.request
        async with (
            aiohttp.ClientSession(
                timeout=self._timeout, trust_env=True, cookie_jar=aiohttp.DummyCookieJar()
            ) as session,
            session.request(
                request.method,
                request.url,
                data=request.body,
                headers=dict(action.headers),
                allow_redirects=False,
                ssl=self._ssl,
            ) as response,
        ):
            return await _read(response, request.max_bytes)


async def _read(response: aiohttp.ClientResponse, limit: int | None) -> RawResponse:
    """The answer, its body read whole, or up to ``limit`` bytes (then ``too_large``)."""
    if limit is None:
        return RawResponse(response.status, response.headers, await response.read())
    body = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > limit:
            return RawResponse(response.status, response.headers, bytes(body[:limit]), True)
    return RawResponse(response.status, response.headers, bytes(body))


def _ssl_option(verify: bool | str) -> ssl.SSLContext | bool:
    """``aiohttp``'s ``ssl`` argument for ``verify`` (a bool, or a CA bundle's path)."""
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    return verify


def _classify(
    exc: BaseException, operation: str, request_id: str
) -> tuple[ErrorKind, TransportError]:
    """Map an ``aiohttp`` exception to the retry policy's kind and our exception."""
    ctx: dict[str, Any] = {"operation": operation, "request_id": request_id}
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return "connect", ConnectError(f"connection timed out: {exc}", **ctx)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "connect", ConnectError(f"could not connect: {exc}", **ctx)
    if isinstance(exc, aiohttp.InvalidURL):
        return "connect", ConnectError(f"invalid URL: {exc}", **ctx)
    if isinstance(exc, (aiohttp.ServerTimeoutError, asyncio.TimeoutError)):
        return "timeout", RequestTimeout(
            "no answer in time (the server may still have executed the request)", **ctx
        )
    if isinstance(exc, aiohttp.ClientPayloadError):
        return "dropped", ConnectionDropped(f"the connection broke during the answer: {exc}", **ctx)
    if isinstance(exc, aiohttp.ClientConnectionError):
        return "dropped", ConnectionDropped(
            f"the connection closed before an answer (the server may have executed the "
            f"request): {exc}",
            **ctx,
        )
    return "read", TransportError(f"error while reading the answer: {exc}", **ctx)
