"""The sync transport: the only module that talks to Wiki.js with ``requests``.

It performs the I/O actions of ``wikijs._engine.Engine`` (one HTTP attempt, a
rate-limit wait, a retry delay, credential setup under a lock) and nothing else: request
building, retries, error conversion, logging, metrics and hooks are the engine's, and
the async transport (``wikijs/aio/_transport.py``) shares them.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from typing_extensions import Unpack
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ._auth import Auth
from ._engine import (
    MAX_BODY_BYTES,
    MAX_UPLOAD_BYTES,
    Action,
    Engine,
    EngineOptions,
    Failure,
    HTTPRequest,
    IOFlow,
    IOOptions,
    RawResponse,
    Send,
    Sleep,
    Timeout,
)
from ._errors import ConnectError, ConnectionDropped, RequestTimeout, TransportError
from ._flow import Flow, Runner, Stepper, Sync
from ._graphql._executor import Operation
from ._retry import ErrorKind
from .models._common import Identity

__all__ = ["MAX_BODY_BYTES", "MAX_UPLOAD_BYTES", "Session", "Timeout", "Transport"]

T = TypeVar("T")

#: Connection pool size: enough for parallel writers on threads.
POOL_SIZE = 32
_CHUNK = 1 << 16
"""Bytes read at a time from an answer whose size is limited (``max_bytes``)."""

#: The HTTP session type a client accepts (``requests.Session``).
Session = requests.Session


class Transport(Runner[Sync]):
    """Runs flows and operations over ``requests``.

    Thread-safe: one instance serves concurrent calls from several threads;
    ``max_concurrency`` (default: no limit) bounds how many HTTP requests are in flight.
    """

    def __init__(
        self,
        url: str,
        *,
        auth: Auth,
        timeout: Timeout = (5.0, 60.0),
        verify: bool | str = True,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_concurrency: int | None = None,
        **engine_options: Unpack[EngineOptions],
    ) -> None:
        engine = Engine(url, auth=auth, **engine_options)
        options = IOOptions(timeout, verify, session, sleep, max_concurrency)
        self._setup_io(engine, options)

    @classmethod
    def over(cls, engine: Engine, options: IOOptions[requests.Session, None]) -> Transport:
        """A transport that performs the actions of an existing ``engine``."""
        transport = cls.__new__(cls)
        transport._setup_io(engine, options)
        return transport

    def _setup_io(self, engine: Engine, options: IOOptions[requests.Session, None]) -> None:
        self.engine = engine
        self.timeout = options.timeout
        self.verify = options.verify
        self._sleep = options.sleep if options.sleep is not None else time.sleep
        session = options.session
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(
                pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0, pool_block=False
            )
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session
        self._setup_lock = threading.RLock()
        self._slots: contextlib.AbstractContextManager[Any] = (
            threading.BoundedSemaphore(options.max_concurrency)
            if options.max_concurrency is not None
            else contextlib.nullcontext()
        )

    @property
    def base_url(self) -> str:
        return self.engine.base_url

    @property
    def auth(self) -> Auth:
        return self.engine.auth

    # -- Runner and executor ---------------------------------------------------------------

    def run(self, flow: Flow[T]) -> T:
        """Drive a resource flow to its end and return its result."""
        return self._drive(self.engine.run(flow))

    def execute(self, op: Operation) -> dict[str, Any]:
        """Send ``op``; return ``data`` or raise for ``errors[]``."""
        return self._drive(self.engine.execute(op))

    def execute_partial(self, op: Operation) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Send ``op``; return ``(data, errors)`` without raising for GraphQL errors."""
        return self._drive(self.engine.execute_partial(op))

    def upload(self, folder_id: int, filename: str, content: bytes, mime: str) -> None:
        """Upload one file to asset folder ``folder_id`` (multipart ``POST /u``)."""
        self._drive(self.engine.upload(folder_id, filename, content, mime))

    def download(self, path: str) -> bytes:
        """``GET /<path>`` (an asset) and return its bytes."""
        return self._drive(self.engine.download(path))

    def identity(self) -> Identity:
        """Who the credentials belong to (a fresh ``users.profile``); marks them verified."""
        return self._drive(self.engine.whoami())

    def close(self) -> None:
        """Close the HTTP session (its pooled connections)."""
        self.session.close()

    # -- I/O -------------------------------------------------------------------------------

    def _drive(self, io: IOFlow[T]) -> T:
        steps = Stepper(io)
        while (action := steps.next()) is not None:
            steps.call(self._act, action)
        return steps.result

    def _act(self, action: Action) -> Any:
        if isinstance(action, Send):
            with self._slots:
                return self._http(action)
        if isinstance(action, Sleep):
            return self._sleep(action.seconds)
        with self._setup_lock:
            return self._drive(self.engine.setup(action))

    def _http(self, action: Send) -> RawResponse | Failure:
        request = action.request
        stream = request.max_bytes is not None
        try:
            if request.authenticate:
                response = self.session.request(
                    request.method,
                    request.url,
                    data=request.body,
                    headers=dict(action.headers),
                    timeout=self.timeout,
                    verify=self.verify,
                    allow_redirects=False,
                    stream=stream,
                )
            else:
                response = self._send_anonymous(request, action.headers, stream=stream)
            return _read(response, request.max_bytes)
        except requests.RequestException as exc:
            kind, error = _classify(exc, request.operation, action.request_id)
            return Failure(kind, error, exc)

    def _send_anonymous(
        self, request: HTTPRequest, headers: Mapping[str, str], *, stream: bool = False
    ) -> requests.Response:
        """A request without credentials: none of the session's cookies either (a login
        leaves a ``jwt`` cookie, which Wiki.js would take as the user's)."""
        prepared = requests.Request(
            request.method, request.url, data=request.body, headers=dict(headers)
        ).prepare()
        settings = self.session.merge_environment_settings(
            prepared.url, {}, stream, self.verify, None
        )
        return self.session.send(prepared, timeout=self.timeout, allow_redirects=False, **settings)


def _read(response: requests.Response, limit: int | None) -> RawResponse:
    """The answer, its body read whole, or up to ``limit`` bytes (then ``too_large``)."""
    if limit is None:
        return RawResponse(response.status_code, response.headers, response.content)
    with response:
        body = bytearray()
        for chunk in response.iter_content(_CHUNK):
            body += chunk
            if len(body) > limit:
                return RawResponse(
                    response.status_code, response.headers, bytes(body[:limit]), True
                )
        return RawResponse(response.status_code, response.headers, bytes(body))


def _never_sent(exc: requests.ConnectionError) -> bool:
    """Whether a connection error happened before the request left (refused, DNS)."""
    for arg in exc.args:
        if isinstance(arg, MaxRetryError) and isinstance(arg.reason, NewConnectionError):
            return True
        if isinstance(arg, NewConnectionError):
            return True
    return False


_OS_ERROR = re.compile(r"\[Errno -?\d+\][^'\")]*")


def _short(exc: BaseException) -> str:
    """The operating system's reason (``[Errno 111] Connection refused``) when there is one."""
    match = _OS_ERROR.search(str(exc))
    return match.group(0).strip() if match else str(exc)


def _classify(
    exc: requests.RequestException, operation: str, request_id: str
) -> tuple[ErrorKind, TransportError]:
    """Map a ``requests`` exception to the retry policy's kind and our exception."""
    ctx: dict[str, Any] = {"operation": operation, "request_id": request_id}
    if isinstance(exc, requests.ConnectTimeout):
        return "connect", ConnectError(f"connection timed out: {exc}", **ctx)
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return "connect", ConnectError(f"could not connect: {_short(exc)}", **ctx)
    if isinstance(exc, requests.ReadTimeout):
        return "timeout", RequestTimeout(
            "no answer in time (the server may still have executed the request)", **ctx
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "dropped", ConnectionDropped(f"the connection broke during the answer: {exc}", **ctx)
    if isinstance(exc, requests.ConnectionError):
        if _never_sent(exc):
            return "connect", ConnectError(f"could not connect: {_short(exc)}", **ctx)
        return "dropped", ConnectionDropped(
            f"the connection closed before an answer (the server may have executed the "
            f"request): {exc}",
            **ctx,
        )
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema)):
        return "connect", ConnectError(f"invalid URL: {exc}", **ctx)
    return "read", TransportError(f"error while reading the answer: {exc}", **ctx)
