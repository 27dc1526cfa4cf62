"""The transport's decisions, without I/O: shared by the sync and the async transport.

``Engine`` builds requests, runs the retry loop, settles credentials, converts
answers and errors, and feeds the log, the metrics and the hooks. It does so as
generators that yield small I/O *actions* and receive their outcome:

* ``Send`` - one HTTP attempt (answer: a ``RawResponse``, or a ``Failure``
  when no answer came: the transport classifies its library's exception);
* ``Sleep`` - wait (for the rate limiter, or before a retry);
* ``Setup`` - settle credentials under the transport's lock (login, identity check):
  the transport runs ``Engine.setup`` for it.

``wikijs/_transport.py`` (``requests``) and ``wikijs/aio/_transport.py`` (``aiohttp``)
perform these actions and nothing else. For each HTTP attempt the engine applies, in
order: the rate limiter and its metric; the request hooks (they may add tags to the log
line); the HTTP call; session renewal (``new-jwt`` header) and error conversion
(``wikijs._errors``); one log line, one metric sample, the response/error hooks; and
the retry policy: a mutation is re-sent only if it provably never reached the server
(the connection failed before sending) or the server refused it with HTTP 429.

Before the first request of a client, credentials are settled once: a login when the
client logs in with a password, then (``verify_auth``) a ``users.profile`` query,
because Wiki.js runs a request with an unaccepted API key as the Guest user instead of
refusing it.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeAlias, TypedDict, TypeVar
from urllib.parse import quote

from typing_extensions import Unpack

from ._auth import Auth
from ._errors import (
    ApiDisabledError,
    ApiKeyRevokedError,
    AuthenticationError,
    ForbiddenError,
    InvalidResponseError,
    PayloadTooLargeError,
    TransportError,
    WikiJSError,
    error_from_graphql,
    error_from_http,
)
from ._flow import Authenticate, Download, Execute, Flow, Identify, Request, Stepper, Upload
from ._graphql._executor import Operation, encode_operation
from ._graphql.auth import GUEST_MESSAGE, PROFILE, parse_login, parse_profile
from ._hooks import Hooks, RequestEvent, RequestKind, ResponseEvent
from ._logging import log_request, mask_data, new_request_id
from ._metrics import Metrics
from ._ratelimit import RateLimiter
from ._retry import Attempt, ErrorKind, RetryPolicy, parse_retry_after
from ._version import __version__
from .models._common import Identity

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_UPLOAD_BYTES",
    "Action",
    "Answer",
    "Engine",
    "EngineOptions",
    "Failure",
    "HTTPRequest",
    "IOFlow",
    "IOOptions",
    "RawResponse",
    "Send",
    "Setup",
    "Sleep",
    "Timeout",
    "default_user_agent",
    "encode_multipart",
]

logger = logging.getLogger("wikijs.http")

T = TypeVar("T")
SessionT = TypeVar("SessionT")
SleepT = TypeVar("SleepT")

#: A timeout in seconds: one for connecting and reading, or ``(connect, read)``.
Timeout: TypeAlias = "float | tuple[float, float]"

#: Wiki.js's default JSON body limit (``bodyParserLimit: 5mb``): a larger body gets HTTP 413.
MAX_BODY_BYTES = 5 * 1024 * 1024
#: Wiki.js's default upload limit (``uploads.maxFileSize``).
MAX_UPLOAD_BYTES = 5_242_880

#: Operations that run before credentials are settled.
_LOGIN_OPERATIONS = frozenset({"auth.login"})
_IDENTITY_OPERATIONS = frozenset({"auth.login", "auth.verify", "auth.whoami"})


def default_user_agent() -> str:
    return f"wikijs-python/{__version__}"


# -- requests, answers and actions -------------------------------------------------------------


@dataclass(frozen=True)
class IOOptions(Generic[SessionT, SleepT]):
    """How a transport connects: the I/O part of a client's options.

    ``sleep`` (default: the transport's own, ``time.sleep`` or ``asyncio.sleep``) waits
    for the rate limiter and between retries; ``max_concurrency`` bounds the HTTP requests
    in flight (default: the transport's own).
    """

    timeout: Timeout = (5.0, 60.0)
    verify: bool | str = True
    session: SessionT | None = None
    sleep: Callable[[float], SleepT] | None = None
    max_concurrency: int | None = None

    def __post_init__(self) -> None:
        if self.max_concurrency is not None and self.max_concurrency < 1:
            raise ValueError("max_concurrency must be at least 1")


@dataclass(frozen=True)
class HTTPRequest:
    """One request as the engine built it; ``headers`` excludes the per-attempt ones."""

    operation: str
    kind: RequestKind
    is_mutation: bool
    method: str
    url: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    body: bytes | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    authenticate: bool = True
    graphql: bool = True
    max_bytes: int | None = None
    """Read at most this many bytes of the answer's body (``None``: all of it)."""


@dataclass(frozen=True)
class RawResponse:
    """What came back from one HTTP attempt (``headers`` is case-insensitive)."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    too_large: bool = False
    """The body was longer than the request's ``max_bytes``; ``content`` is cut short."""


@dataclass(frozen=True)
class Failure:
    """An attempt without an answer: the retry policy's ``kind``, our error, its cause."""

    kind: ErrorKind
    error: TransportError
    cause: BaseException


@dataclass
class Answer:
    status: int
    request_id: str
    payload: Any  # parsed JSON for GraphQL, bytes for REST


@dataclass(frozen=True)
class Send:
    request: HTTPRequest
    headers: Mapping[str, str]
    request_id: str


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Setup:
    operation: str
    check_identity: bool


Action = Send | Sleep | Setup


class EngineOptions(TypedDict, total=False):
    """The engine's settings (see [`wikijs.WikiJSClient`][wikijs.WikiJSClient]); all optional."""

    retry: RetryPolicy | None
    limiter: RateLimiter | None
    metrics: Metrics | None
    hooks: Hooks | None
    user_agent: str | None
    verify_auth: bool
    clock: Callable[[], float]
    rand: Callable[[], float]
    max_body_bytes: int


IOFlow = Generator[Action, Any, T]


class Engine:
    """Everything a transport decides, for one wiki and one set of credentials.

    Shared by the threads (or tasks) of one client: per-request state lives in the
    generators, the rest (credentials, metrics, hooks) is thread-safe.
    """

    def __init__(self, url: str, *, auth: Auth, **options: Unpack[EngineOptions]) -> None:
        self.base_url = url.rstrip("/")
        self.graphql_url = f"{self.base_url}/graphql"
        self.auth = auth
        retry, metrics, hooks = options.get("retry"), options.get("metrics"), options.get("hooks")
        self.retry = retry if retry is not None else RetryPolicy()
        self.limiter = options.get("limiter")
        self.metrics = metrics if metrics is not None else Metrics()
        self.hooks = hooks if hooks is not None else Hooks()  # an empty Hooks() is falsy
        self.user_agent = options.get("user_agent") or default_user_agent()
        self.verify_auth = options.get("verify_auth", True)
        self.max_body_bytes = options.get("max_body_bytes", MAX_BODY_BYTES)
        self.clock = options.get("clock", time.monotonic)
        self.rand = options.get("rand", random.random)
        self.ready = False
        self.identity: Identity | None = None

    # -- what a resource flow asks for -------------------------------------------------------

    def run(self, flow: Flow[T]) -> IOFlow[T]:
        """Run a resource flow: answer each of its requests with the actions it takes."""
        steps = Stepper(flow)
        while (request := steps.next()) is not None:
            try:
                steps.answer((yield from self.perform(request)))
            except Exception as exc:
                steps.fail(exc)
        return steps.result

    def perform(self, request: Request) -> IOFlow[Any]:
        """The actions that answer one request of a flow."""
        if isinstance(request, Execute):
            if request.partial:
                return (yield from self.execute_partial(request.op))
            return (yield from self.execute(request.op))
        if isinstance(request, Upload):
            return (
                yield from self.upload(
                    request.folder_id, request.filename, request.content, request.mime
                )
            )
        if isinstance(request, Download):
            return (
                yield from self.download(
                    request.path, authenticate=not request.anonymous, max_bytes=request.max_bytes
                )
            )
        if isinstance(request, Identify):
            return (yield from self.whoami())
        if isinstance(request, Authenticate):
            yield from self.ensure_ready("cache.read")
            return None
        raise TypeError(f"not a request: {request!r}")

    def execute(self, op: Operation) -> IOFlow[dict[str, Any]]:
        """Send ``op``; return ``data`` or raise for ``errors[]``."""
        data, errors, answer = yield from self.graphql(op)
        if errors:
            raise error_from_graphql(
                errors, op.name, status=answer.status, request_id=answer.request_id
            )
        return data

    def execute_partial(self, op: Operation) -> IOFlow[tuple[dict[str, Any], list[dict[str, Any]]]]:
        """Send ``op``; return ``(data, errors)`` without raising for GraphQL errors."""
        data, errors, _ = yield from self.graphql(op)
        return data, errors

    def upload(self, folder_id: int, filename: str, content: bytes, mime: str) -> IOFlow[None]:
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
        yield from self.ensure_ready("assets.upload")
        body, content_type = encode_multipart(
            [
                ("mediaUpload", None, json.dumps({"folderId": folder_id}), "application/json"),
                ("mediaUpload", filename, content, mime),
            ]
        )
        request = HTTPRequest(
            operation="assets.upload",
            kind="upload",
            is_mutation=True,
            method="POST",
            url=f"{self.base_url}/u",
            variables={"folderId": folder_id, "filename": filename, "size": len(content)},
            body=body,
            headers={"Content-Type": content_type},
            graphql=False,
        )
        answer = yield from self.send(request)
        if answer.payload.strip() != b"ok":
            raise InvalidResponseError(
                f"unexpected upload answer: {answer.payload[:200]!r}",
                operation="assets.upload",
                status=answer.status,
                request_id=answer.request_id,
            )

    def download(
        self, path: str, *, authenticate: bool = True, max_bytes: int | None = None
    ) -> IOFlow[bytes]:
        """``GET /<path>`` (an asset) and return its bytes (without credentials unless
        ``authenticate``); ``PayloadTooLargeError`` when there are more than ``max_bytes``
        (read no further than that)."""
        if authenticate:
            yield from self.ensure_ready("assets.download")
        request = HTTPRequest(
            operation="assets.download" if authenticate else "assets.download_anonymous",
            authenticate=authenticate,
            kind="download",
            is_mutation=False,
            method="GET",
            url=f"{self.base_url}/{quote(path.lstrip('/'), safe='/')}",
            variables={"path": path},
            headers={"Accept": "*/*"},
            graphql=False,
            max_bytes=max_bytes,
        )
        answer = yield from self.send(request)
        payload: bytes = answer.payload
        return payload

    def whoami(self) -> IOFlow[Identity]:
        """Who the credentials belong to (a fresh ``users.profile``); marks them verified."""
        op = Operation(name="auth.whoami", query=PROFILE)
        data, errors, answer = yield from self.graphql(op, check_identity=False)
        identity = self.parse_identity(op.name, data, errors, answer)
        self.identity = identity
        self.ready = True
        return identity

    # -- credentials -------------------------------------------------------------------------

    def graphql(
        self, op: Operation, *, check_identity: bool = True
    ) -> IOFlow[tuple[dict[str, Any], list[dict[str, Any]], Answer]]:
        """Send a GraphQL operation; ``(data, errors, answer)``."""
        yield from self.ensure_ready(op.name, check_identity=check_identity)
        answer = yield from self.send(self.graphql_request(op))
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

    def needs_setup(self, operation: str, check_identity: bool = True) -> bool:
        """Whether credentials must be settled before ``operation`` is sent."""
        if operation in _LOGIN_OPERATIONS:
            return False
        if self.auth.pending_login() is not None:
            return True
        return (
            check_identity
            and self.verify_auth
            and not self.ready
            and operation not in _IDENTITY_OPERATIONS
        )

    def ensure_ready(self, operation: str, *, check_identity: bool = True) -> IOFlow[None]:
        """Ask the transport for a ``Setup`` (under its lock) when one is needed."""
        if self.needs_setup(operation, check_identity):
            yield Setup(operation, check_identity)

    def setup(self, action: Setup) -> IOFlow[None]:
        """Log in and check the identity, as needed; run under the transport's lock."""
        if not self.needs_setup(action.operation, action.check_identity):
            return
        login = self.auth.pending_login()
        if login is not None:
            op = login.operation
            answer = yield from self.send(self.graphql_request(op, authenticate=False))
            payload = answer.payload
            errors = [e for e in payload.get("errors") or [] if isinstance(e, dict)]
            if errors:
                raise error_from_graphql(
                    errors, op.name, status=answer.status, request_id=answer.request_id
                )
            login.accept(parse_login(payload.get("data"), op.name))
        if not action.check_identity or self.ready or action.operation in _IDENTITY_OPERATIONS:
            return
        if not self.verify_auth:
            self.ready = True
            return
        op = Operation(name="auth.verify", query=PROFILE)
        data, errors, answer = yield from self.graphql(op, check_identity=False)
        self.identity = self.parse_identity(op.name, data, errors, answer)
        self.ready = True

    def parse_identity(
        self,
        operation: str,
        data: Mapping[str, Any],
        errors: list[dict[str, Any]],
        answer: Answer,
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

    # -- one request, with retries -----------------------------------------------------------

    def graphql_request(self, op: Operation, *, authenticate: bool = True) -> HTTPRequest:
        data = encode_operation(op)
        if len(data) > self.max_body_bytes:
            raise PayloadTooLargeError(
                f"the request body is {len(data)} bytes; Wiki.js accepts at most "
                f"{self.max_body_bytes} bytes (bodyParserLimit), so it was not sent",
                operation=op.name,
                size=len(data),
                limit=self.max_body_bytes,
                status=None,
            )
        return HTTPRequest(
            operation=op.name,
            kind="mutation" if op.mutation else "query",
            is_mutation=op.mutation,
            method="POST",
            url=self.graphql_url,
            variables=op.variables,
            body=data,
            headers={"Content-Type": "application/json"},
            authenticate=authenticate,
        )

    def headers(self, request: HTTPRequest) -> dict[str, str]:
        """The headers of one attempt (the session token may have been renewed)."""
        headers = {"User-Agent": self.user_agent, "Accept": "application/json", **request.headers}
        if request.authenticate:
            headers.update(self.auth.headers())
        return headers

    def send(self, request: HTTPRequest) -> IOFlow[Answer]:
        """The single send path: rate limit, hooks, HTTP, log, metrics, retries."""
        request_id = new_request_id()
        started = self.clock()
        masked = mask_data(_abridged(request.variables))
        attempt = 1
        while True:
            waited = self.limiter.reserve(request.operation) if self.limiter is not None else 0.0
            if waited > 0:
                yield Sleep(waited)
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
            sent_at = self.clock()
            outcome: RawResponse | Failure = yield Send(request, self.headers(request), request_id)
            duration = self.clock() - sent_at
            if isinstance(outcome, Failure):
                self._finish(event, None, duration, outcome.error)
                kind: ErrorKind = outcome.kind
                status: int | None = None
                retry_after: float | None = None
                failure: WikiJSError = outcome.error
            else:
                if request.authenticate:
                    self.auth.observe(outcome.headers)
                answer, error = self._interpret(request, outcome, request_id)
                self._finish(event, outcome.status, duration, error, _graphql_note(answer))
                if error is None and answer is not None:
                    return answer
                assert error is not None
                if isinstance(error, (AuthenticationError, ForbiddenError)):
                    raise error
                kind, status, failure = "status", outcome.status, error
                retry_after = parse_retry_after(outcome.headers.get("Retry-After"))
            decision = self.retry.decide(
                Attempt(
                    number=attempt,
                    is_mutation=request.is_mutation,
                    kind=kind,
                    status=status,
                    retry_after=retry_after,
                    elapsed=self.clock() - started,
                ),
                self.rand,
            )
            if not decision.retry:
                if isinstance(outcome, Failure):
                    if attempt > 1:
                        logger.warning(
                            "%s: giving up: %s",
                            request.operation,
                            decision.reason,
                            extra={"operation": request.operation, "request_id": request_id},
                        )
                    raise failure from outcome.cause
                raise failure
            self.metrics.record_retry(request.operation)
            logger.info(
                "%s: retrying: %s",
                request.operation,
                decision.reason,
                extra={"operation": request.operation, "request_id": request_id},
            )
            if decision.delay > 0:
                yield Sleep(decision.delay)
            attempt += 1

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
        self, request: HTTPRequest, response: RawResponse, request_id: str
    ) -> tuple[Answer | None, WikiJSError | None]:
        status = response.status
        content = response.content
        if response.too_large:
            return None, PayloadTooLargeError(
                f"the answer is larger than {request.max_bytes} bytes; it was not read",
                operation=request.operation,
                limit=request.max_bytes,
                status=status,
                request_id=request_id,
            )
        if not request.graphql and 200 <= status < 300:
            return Answer(status, request_id, content), None
        body = _json_or_none(content)
        if (
            request.graphql
            and status == 200
            and isinstance(body, dict)
            and ("data" in body or "errors" in body)
        ):
            return Answer(status, request_id, body), None
        return None, error_from_http(
            status,
            body,
            _text(content),
            request.operation,
            request_id=request_id,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )


# -- helpers -----------------------------------------------------------------------------------


def encode_multipart(
    parts: list[tuple[str, str | None, str | bytes, str]],
) -> tuple[bytes, str]:
    """``multipart/form-data`` of ``(name, filename, data, content type)`` parts, in order;
    returns the body and its ``Content-Type``."""
    boundary = secrets.token_hex(16)
    chunks: list[bytes] = []
    for name, filename, data, content_type in parts:
        disposition = f'form-data; name="{_quote_param(name)}"'
        if filename is not None:
            disposition += f'; filename="{_quote_param(filename)}"'
        head = f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
        head += f"Content-Type: {content_type}\r\n\r\n"
        chunks.append(head.encode("utf-8"))
        chunks.append(data.encode("utf-8") if isinstance(data, str) else data)
        chunks.append(b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def _quote_param(value: str) -> str:
    """A header parameter value as browsers (and urllib3) write it (WHATWG HTML)."""
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


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


def _graphql_note(answer: Answer | None) -> str | None:
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
