"""The HTTP transport: the only module that talks to Wiki.js with ``requests``.

Every request, GraphQL or REST (asset upload/download), goes through one send path,
:meth:`Transport._send`, which applies, in order, for each attempt:

1. the rate limiter (named by operation) and its metric;
2. the request hooks (they may add tags to the log line);
3. the HTTP call on a keep-alive session (``max_retries=0``: retries are ours);
4. session renewal (``new-jwt`` header) and error conversion (:mod:`wikijs._errors`);
5. one log line, one metric sample, the response/error hooks;
6. the retry policy: a mutation is re-sent only if it provably never reached the server
   (connection failed before sending) or the server refused it with HTTP 429.

Before the first request of a client, credentials are settled once: a login when the
client logs in with a password, then (``verify_auth``) a ``users.profile`` query,
because Wiki.js runs a request with an unaccepted API key as the Guest user instead of
refusing it.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ._auth import Auth
from ._errors import (
    ApiDisabledError,
    ApiKeyRevokedError,
    AuthenticationError,
    ConnectError,
    ConnectionDropped,
    ForbiddenError,
    InvalidResponseError,
    PayloadTooLargeError,
    RequestTimeout,
    TransportError,
    WikiJSError,
    error_from_graphql,
    error_from_http,
)
from ._graphql._executor import Operation
from ._graphql.auth import GUEST_MESSAGE, PROFILE, parse_login, parse_profile
from ._hooks import Hooks, RequestEvent, RequestKind, ResponseEvent
from ._logging import log_request, mask_data, new_request_id
from ._metrics import Metrics
from ._ratelimit import RateLimiter
from ._retry import Attempt, ErrorKind, RetryPolicy, parse_retry_after
from ._version import __version__
from .models._common import Identity

__all__ = ["MAX_BODY_BYTES", "MAX_UPLOAD_BYTES", "Session", "Transport"]

logger = logging.getLogger("wikijs.http")

#: Wiki.js's default JSON body limit (``bodyParserLimit: 5mb``): a larger body gets HTTP 413.
MAX_BODY_BYTES = 5 * 1024 * 1024
#: Wiki.js's default upload limit (``uploads.maxFileSize``).
MAX_UPLOAD_BYTES = 5_242_880
#: Connection pool size: enough for parallel writers on threads.
POOL_SIZE = 32

#: Operations that run before credentials are settled.
_LOGIN_OPERATIONS = frozenset({"auth.login"})
_IDENTITY_OPERATIONS = frozenset({"auth.login", "auth.verify", "auth.whoami"})

Timeout: TypeAlias = "float | tuple[float, float]"

#: The HTTP session type a client accepts (``requests.Session``).
Session = requests.Session


@dataclass
class _Request:
    operation: str
    kind: RequestKind
    is_mutation: bool
    method: str
    url: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    data: bytes | None = None
    files: list[tuple[str, tuple[str | None, bytes | str, str]]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    authenticate: bool = True
    graphql: bool = True


@dataclass
class _Answer:
    status: int
    request_id: str
    payload: Any  # parsed JSON for GraphQL, bytes for REST


def default_user_agent() -> str:
    return f"wikijs-python/{__version__}"


class Transport:
    """Implements :class:`~wikijs._graphql._executor.Executor` over ``requests``.

    Thread-safe: one instance serves concurrent calls from several threads.
    """

    def __init__(
        self,
        url: str,
        *,
        auth: Auth,
        timeout: Timeout = (5.0, 60.0),
        verify: bool | str = True,
        retry: RetryPolicy | None = None,
        limiter: RateLimiter | None = None,
        metrics: Metrics | None = None,
        hooks: Hooks | None = None,
        user_agent: str | None = None,
        verify_auth: bool = True,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.base_url = url.rstrip("/")
        self.graphql_url = f"{self.base_url}/graphql"
        self.auth = auth
        self.timeout = timeout
        self.verify = verify
        self.retry = retry if retry is not None else RetryPolicy()
        self.limiter = limiter
        self.metrics = metrics if metrics is not None else Metrics()
        self.hooks = hooks if hooks is not None else Hooks()
        self.user_agent = user_agent or default_user_agent()
        self.verify_auth = verify_auth
        self.max_body_bytes = max_body_bytes
        self._clock = clock
        self._sleep = sleep
        self._rand = rand
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(
                pool_connections=4, pool_maxsize=POOL_SIZE, max_retries=0, pool_block=False
            )
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session
        self._ready = False
        self._ready_lock = threading.RLock()
        self._identity: Identity | None = None

    # -- Executor --------------------------------------------------------------------------

    def execute(self, op: Operation) -> dict[str, Any]:
        """Send ``op``; return ``data`` or raise for ``errors[]``."""
        data, errors, answer = self._execute(op)
        if errors:
            raise error_from_graphql(
                errors, op.name, status=answer.status, request_id=answer.request_id
            )
        return data

    def execute_partial(self, op: Operation) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Send ``op``; return ``(data, errors)`` without raising for GraphQL errors."""
        data, errors, _ = self._execute(op)
        return data, errors

    def upload(self, folder_id: int, filename: str, content: bytes, mime: str) -> None:
        """Upload one file to asset folder ``folder_id`` (multipart ``POST /u``)."""
        if len(content) > MAX_UPLOAD_BYTES:
            raise PayloadTooLargeError(
                f"{filename!r} is {len(content)} bytes; Wiki.js accepts at most "
                f"{MAX_UPLOAD_BYTES} bytes per file",
                operation="assets.upload",
                size=len(content),
                limit=MAX_UPLOAD_BYTES,
                status=None,
            )
        self._ensure_ready("assets.upload")
        meta = json.dumps({"folderId": folder_id})
        request = _Request(
            operation="assets.upload",
            kind="upload",
            is_mutation=True,
            method="POST",
            url=f"{self.base_url}/u",
            variables={"folderId": folder_id, "filename": filename, "size": len(content)},
            files=[
                ("mediaUpload", (None, meta, "application/json")),
                ("mediaUpload", (filename, content, mime)),
            ],
            graphql=False,
        )
        answer = self._send(request)
        if answer.payload.strip() != b"ok":
            raise InvalidResponseError(
                f"unexpected upload answer: {answer.payload[:200]!r}",
                operation="assets.upload",
                status=answer.status,
                request_id=answer.request_id,
            )

    def download(self, path: str) -> bytes:
        """``GET /<path>`` (an asset) and return its bytes."""
        self._ensure_ready("assets.download")
        request = _Request(
            operation="assets.download",
            kind="download",
            is_mutation=False,
            method="GET",
            url=f"{self.base_url}/{quote(path.lstrip('/'), safe='/')}",
            variables={"path": path},
            headers={"Accept": "*/*"},
            graphql=False,
        )
        payload: bytes = self._send(request).payload
        return payload

    # -- identity --------------------------------------------------------------------------

    def identity(self) -> Identity:
        """Who the credentials belong to (a fresh ``users.profile``); marks them verified."""
        data, errors, answer = self._execute(
            Operation(name="auth.whoami", query=PROFILE), check_identity=False
        )
        identity = self._parse_identity("auth.whoami", data, errors, answer)
        self._identity = identity
        self._ready = True
        return identity

    def close(self) -> None:
        self.session.close()

    # -- internals -------------------------------------------------------------------------

    def _execute(
        self, op: Operation, *, check_identity: bool = True
    ) -> tuple[dict[str, Any], list[dict[str, Any]], _Answer]:
        if check_identity:
            self._ensure_ready(op.name)
        elif op.name not in _LOGIN_OPERATIONS:
            self._ensure_login()
        answer = self._send(self._graphql_request(op))
        payload = answer.payload
        data = payload.get("data")
        raw_errors = payload.get("errors") or []
        errors = [e for e in raw_errors if isinstance(e, dict)]
        if data is None and not errors:
            raise InvalidResponseError(
                "the answer has neither data nor errors",
                operation=op.name,
                status=answer.status,
                request_id=answer.request_id,
            )
        return (data if isinstance(data, dict) else {}), errors, answer

    def _graphql_request(self, op: Operation, *, authenticate: bool = True) -> _Request:
        body: dict[str, Any] = {"query": op.query}
        if op.variables:
            body["variables"] = dict(op.variables)
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if len(data) > self.max_body_bytes:
            raise PayloadTooLargeError(
                f"the request body is {len(data)} bytes; Wiki.js accepts at most "
                f"{self.max_body_bytes} bytes (bodyParserLimit), so it was not sent",
                operation=op.name,
                size=len(data),
                limit=self.max_body_bytes,
                status=None,
            )
        return _Request(
            operation=op.name,
            kind="mutation" if op.mutation else "query",
            is_mutation=op.mutation,
            method="POST",
            url=self.graphql_url,
            variables=op.variables,
            data=data,
            headers={"Content-Type": "application/json"},
            authenticate=authenticate,
        )

    def _ensure_login(self) -> None:
        if not self.auth.needs_login():
            return
        with self._ready_lock:
            if not self.auth.needs_login():
                return
            op = self.auth.login_operation()
            if op is None:  # pragma: no cover - needs_login implies a login operation
                return
            answer = self._send(self._graphql_request(op, authenticate=False))
            payload = answer.payload
            errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
            if errors:
                raise error_from_graphql(
                    errors, op.name, status=answer.status, request_id=answer.request_id
                )
            self.auth.accept_token(parse_login(payload.get("data"), op.name))

    def _ensure_ready(self, operation: str) -> None:
        if self._ready or operation in _IDENTITY_OPERATIONS:
            if operation not in _LOGIN_OPERATIONS:
                self._ensure_login()
            return
        self._ensure_login()
        if not self.verify_auth:
            self._ready = True
            return
        with self._ready_lock:
            if self._ready:
                return
            op = Operation(name="auth.verify", query=PROFILE)
            data, errors, answer = self._execute(op, check_identity=False)
            self._identity = self._parse_identity(op.name, data, errors, answer)
            self._ready = True

    def _parse_identity(
        self,
        operation: str,
        data: Mapping[str, Any],
        errors: list[dict[str, Any]],
        answer: _Answer,
    ) -> Identity:
        if errors:
            error = error_from_graphql(
                errors, operation, status=answer.status, request_id=answer.request_id
            )
            if isinstance(error, (ApiKeyRevokedError, ApiDisabledError)):
                raise error
            raise AuthenticationError(
                f"{GUEST_MESSAGE}; the profile query answered: {error.message}",
                operation=operation,
                status=answer.status,
                request_id=answer.request_id,
            ) from error
        return parse_profile(data, operation)

    def _headers(self, request: _Request) -> dict[str, str]:
        headers = {"User-Agent": self.user_agent, "Accept": "application/json", **request.headers}
        if request.authenticate:
            headers.update(self.auth.headers())
        return headers

    def _send(self, request: _Request) -> _Answer:
        """The single send path: rate limit, hooks, HTTP, log, metrics, retries."""
        request_id = new_request_id()
        started = self._clock()
        masked = mask_data(_abridged(request.variables))
        attempt = 1
        while True:
            waited = self.limiter.acquire(request.operation) if self.limiter is not None else 0.0
            self.metrics.record_rate_limit_wait(request.operation, waited)
            event = RequestEvent(
                operation=request.operation,
                kind=request.kind,
                request_id=request_id,
                attempt=attempt,
                variables=masked,
                tags={},
            )
            self.hooks.emit_request(event)
            sent_at = self._clock()
            try:
                response = self.session.request(
                    request.method,
                    request.url,
                    data=request.data,
                    files=request.files,
                    headers=self._headers(request),
                    timeout=self.timeout,
                    verify=self.verify,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                duration = self._clock() - sent_at
                kind, dropped = _classify(exc, request.operation, request_id)
                self._finish(event, None, duration, dropped)
                decision = self.retry.decide(
                    Attempt(
                        number=attempt,
                        is_mutation=request.is_mutation,
                        kind=kind,
                        elapsed=self._clock() - started,
                    ),
                    self._rand,
                )
                if not decision.retry:
                    if attempt > 1:
                        logger.warning(
                            "%s: giving up: %s",
                            request.operation,
                            decision.reason,
                            extra={"operation": request.operation, "request_id": request_id},
                        )
                    raise dropped from exc
                self._wait(request, request_id, decision.delay, decision.reason)
                attempt += 1
                continue

            duration = self._clock() - sent_at
            if request.authenticate:
                self.auth.observe(response.headers)
            answer, failure = self._interpret(request, response, request_id)
            self._finish(event, response.status_code, duration, failure, _graphql_note(answer))
            if failure is None and answer is not None:
                return answer
            assert failure is not None
            if isinstance(failure, (AuthenticationError, ForbiddenError)):
                raise failure
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            decision = self.retry.decide(
                Attempt(
                    number=attempt,
                    is_mutation=request.is_mutation,
                    kind="status",
                    status=response.status_code,
                    retry_after=retry_after,
                    elapsed=self._clock() - started,
                ),
                self._rand,
            )
            if not decision.retry:
                raise failure
            self._wait(request, request_id, decision.delay, decision.reason)
            attempt += 1

    def _wait(self, request: _Request, request_id: str, delay: float, reason: str) -> None:
        self.metrics.record_retry(request.operation)
        logger.info(
            "%s: retrying: %s",
            request.operation,
            reason,
            extra={"operation": request.operation, "request_id": request_id},
        )
        if delay > 0:
            self._sleep(delay)

    def _finish(
        self,
        event: RequestEvent,
        status: int | None,
        duration: float,
        failure: WikiJSError | None,
        note: str | None = None,
    ) -> None:
        ok = failure is None
        log_request(
            logger,
            operation=event.operation,
            status=status,
            duration_ms=duration * 1000.0,
            attempt=event.attempt,
            request_id=event.request_id,
            ok=ok,
            error=note if ok else f"{type(failure).__name__}: {failure}",
            tags=event.tags,
        )
        self.metrics.record_request(event.operation, duration=duration, ok=ok, status=status)
        if status is not None:
            self.hooks.emit_response(
                ResponseEvent(request=event, status=status, duration=duration, ok=ok)
            )
        if failure is not None:
            self.hooks.emit_error(event, failure)

    def _interpret(
        self, request: _Request, response: requests.Response, request_id: str
    ) -> tuple[_Answer | None, WikiJSError | None]:
        status = response.status_code
        content = response.content
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if not request.graphql:
            if 200 <= status < 300:
                return _Answer(status, request_id, content), None
            body = _json_or_none(content)
            return None, error_from_http(
                status,
                body,
                _text(content),
                request.operation,
                request_id=request_id,
                retry_after=retry_after,
            )
        body = _json_or_none(content)
        if status == 200 and isinstance(body, dict) and ("data" in body or "errors" in body):
            return _Answer(status, request_id, body), None
        return None, error_from_http(
            status,
            body,
            _text(content),
            request.operation,
            request_id=request_id,
            retry_after=retry_after,
        )


#: Longer strings (page content) reach hooks as ``"<N chars>"``: hooks get the shape of a
#: request, and masking megabytes of text for every attempt would be slow.
_HOOK_STRING_LIMIT = 200


def _abridged(value: Any) -> Any:
    """``value`` with long strings replaced by ``"<N chars>"`` (recursively)."""
    if isinstance(value, str):
        return value if len(value) <= _HOOK_STRING_LIMIT else f"<{len(value)} chars>"
    if isinstance(value, Mapping):
        return {key: _abridged(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_abridged(item) for item in value]
    return value


def _graphql_note(answer: _Answer | None) -> str | None:
    """The first GraphQL error of a successful HTTP answer, for its (DEBUG) log line."""
    if answer is None or not isinstance(answer.payload, dict):
        return None
    errors = answer.payload.get("errors")
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"GraphQL error: {str(errors[0].get('message'))[:200]}{more}"


def _json_or_none(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _text(content: bytes) -> str:
    return content[:2000].decode("utf-8", errors="replace")


def _never_sent(exc: requests.ConnectionError) -> bool:
    """Whether a connection error happened before the request left (refused, DNS)."""
    for arg in exc.args:
        if isinstance(arg, MaxRetryError) and isinstance(arg.reason, NewConnectionError):
            return True
        if isinstance(arg, NewConnectionError):
            return True
    return False


def _classify(
    exc: requests.RequestException, operation: str, request_id: str
) -> tuple[ErrorKind, TransportError]:
    """Map a ``requests`` exception to the retry policy's kind and our exception."""
    ctx: dict[str, Any] = {"operation": operation, "request_id": request_id}
    if isinstance(exc, requests.ConnectTimeout):
        return "connect", ConnectError(f"connection timed out: {exc}", **ctx)
    if isinstance(exc, (requests.exceptions.SSLError, requests.exceptions.ProxyError)):
        return "connect", ConnectError(f"could not connect: {exc}", **ctx)
    if isinstance(exc, requests.ReadTimeout):
        return "timeout", RequestTimeout(
            "no answer in time (the server may still have executed the request)", **ctx
        )
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "dropped", ConnectionDropped(f"the connection broke during the answer: {exc}", **ctx)
    if isinstance(exc, requests.ConnectionError):
        if _never_sent(exc):
            return "connect", ConnectError(f"could not connect: {exc}", **ctx)
        return "dropped", ConnectionDropped(
            f"the connection closed before an answer (the server may have executed the "
            f"request): {exc}",
            **ctx,
        )
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema)):
        return "connect", ConnectError(f"invalid URL: {exc}", **ctx)
    return "read", TransportError(f"error while reading the answer: {exc}", **ctx)
