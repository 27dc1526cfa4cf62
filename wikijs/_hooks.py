"""Request hooks: callbacks around every HTTP attempt.

Register with ``client.hooks.on_request(fn)`` (also usable as a decorator),
``on_response`` and ``on_error``. Request hooks may add ``tags`` to the event; tags end
up in the request's log line. A hook that raises never breaks the request: the error is
logged (masked) at WARNING and the remaining hooks still run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from wikijs._logging import MASKER

__all__ = ["Hooks", "RequestEvent", "ResponseEvent"]

logger = logging.getLogger("wikijs.hooks")

RequestKind = Literal["query", "mutation", "upload", "download"]


@dataclass
class RequestEvent:
    """One attempt about to be sent."""

    operation: str  # "pages.create", "upload", ...
    kind: RequestKind
    request_id: str
    attempt: int
    variables: Mapping[str, Any]  # already masked
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class ResponseEvent:
    """The answer (or the failure) of one attempt."""

    request: RequestEvent
    status: int | None
    duration: float
    ok: bool


RequestHook = Callable[[RequestEvent], None]
ResponseHook = Callable[[ResponseEvent], None]
ErrorHook = Callable[[RequestEvent, BaseException], None]


class Hooks:
    """Lists of callbacks; thread-safe to register and emit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._request: list[RequestHook] = []
        self._response: list[ResponseHook] = []
        self._error: list[ErrorHook] = []

    def on_request(self, fn: RequestHook) -> RequestHook:
        """Call ``fn(event)`` before every attempt; returns ``fn``."""
        with self._lock:
            self._request.append(fn)
        return fn

    def on_response(self, fn: ResponseHook) -> ResponseHook:
        """Call ``fn(event)`` after every attempt that got an answer; returns ``fn``."""
        with self._lock:
            self._response.append(fn)
        return fn

    def on_error(self, fn: ErrorHook) -> ErrorHook:
        """Call ``fn(request_event, exc)`` when an attempt fails; returns ``fn``."""
        with self._lock:
            self._error.append(fn)
        return fn

    def __bool__(self) -> bool:
        return bool(self._request or self._response or self._error)

    @staticmethod
    def _report(stage: str, fn: Callable[..., Any], operation: str, exc: Exception) -> None:
        name = getattr(fn, "__qualname__", None) or repr(fn)
        logger.warning(
            "%s hook %s raised %s for %s: %s",
            stage,
            name,
            type(exc).__name__,
            operation,
            MASKER.mask(str(exc)),
            extra={"operation": operation, "error": MASKER.mask(f"{type(exc).__name__}: {exc}")},
        )

    def emit_request(self, ev: RequestEvent) -> None:
        with self._lock:
            hooks = tuple(self._request)
        for fn in hooks:
            try:
                fn(ev)
            except Exception as exc:
                self._report("request", fn, ev.operation, exc)

    def emit_response(self, ev: ResponseEvent) -> None:
        with self._lock:
            hooks = tuple(self._response)
        for fn in hooks:
            try:
                fn(ev)
            except Exception as exc:
                self._report("response", fn, ev.request.operation, exc)

    def emit_error(self, ev: RequestEvent, exc: BaseException) -> None:
        with self._lock:
            hooks = tuple(self._error)
        for fn in hooks:
            try:
                fn(ev, exc)
            except Exception as hook_exc:
                self._report("error", fn, ev.operation, hook_exc)
