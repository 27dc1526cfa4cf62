"""Logging for the SDK: secret masking, JSON and text formatters, one line per request.

The SDK logs to ``logging.getLogger("wikijs")`` and its children (``"wikijs.http"``,
``"wikijs.client"``). Importing this module configures nothing; applications (and the
CLIs) call [`configure_logging`][wikijs.configure_logging].

Every string a formatter writes (message, extra fields, exception text, traceback) goes
through a ``SecretMasker``: secrets registered by clients (API keys, passwords) and
anything that looks like a JWT, a bearer token, an ``Authorization`` header or a
``password=``/``api_key=`` pair become ``***``.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import IO, Any, Literal

__all__ = [
    "MASKER",
    "JsonFormatter",
    "SecretMasker",
    "TextFormatter",
    "configure_logging",
    "log_request",
    "mask_data",
    "new_request_id",
]

MASK = "***"
_MIN_SECRET_LEN = 6

_SENSITIVE_KEY = re.compile(
    r"authorization|password|passwd|api[_-]?key|token|jwt|secret|cookie", re.IGNORECASE
)

_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_BEARER = re.compile(r"\b(bearer)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_AUTH_HEADER = re.compile(
    r"""(\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?)"""
    r"""(?:(bearer|basic|token|digest)\s+)?([^\s"',;}\]]+)""",
    re.IGNORECASE,
)
_COOKIE_HEADER = re.compile(r"""(\b(?:set-)?cookie["']?\s*[:=]\s*)[^\r\n]+""", re.IGNORECASE)
_KEY_VALUE = re.compile(
    r"""((?<![A-Za-z0-9_-])[A-Za-z0-9_-]*?(?:password|passwd|api[_-]?key|secret|token|jwt)["']?\s*[:=]\s*)"""
    r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s"',;&}\])]+)""",
    re.IGNORECASE,
)


def _auth_repl(m: re.Match[str]) -> str:
    scheme = f"{m.group(2)} " if m.group(2) else ""
    return f"{m.group(1)}{scheme}{MASK}"


def _key_value_repl(m: re.Match[str]) -> str:
    value = m.group(2)
    if value == MASK or value in (f'"{MASK}"', f"'{MASK}'"):
        return m.group(0)
    if value[:1] in ('"', "'"):
        return f"{m.group(1)}{value[0]}{MASK}{value[0]}"
    return f"{m.group(1)}{MASK}"


class SecretMasker:
    """Replaces secrets in text with ``***``.

    Registered secrets are replaced wherever they appear; JWT-like tokens, bearer
    tokens, ``Authorization``/``Cookie`` header values and ``password``/``api_key``/
    ``apiKey``/``token``/``secret`` assignments (``k=v``, ``k: v``, ``"k": "v"``) are
    recognised by pattern.
    """

    def __init__(self) -> None:
        self._secrets: list[str] = []
        self._lock = threading.Lock()

    def register(self, secret: str | None) -> None:
        """Remember ``secret``; strings shorter than 6 characters are ignored."""
        if not secret or len(secret) < _MIN_SECRET_LEN:
            return
        with self._lock:
            if secret not in self._secrets:
                # Longest first, so a secret containing another is masked whole.
                self._secrets = sorted([*self._secrets, secret], key=len, reverse=True)

    def mask(self, text: str) -> str:
        """Return ``text`` with every known and recognisable secret replaced."""
        if not text:
            return text
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        text = _JWT.sub(MASK, text)
        text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
        text = _AUTH_HEADER.sub(_auth_repl, text)
        text = _COOKIE_HEADER.sub(lambda m: f"{m.group(1)}{MASK}", text)
        return _KEY_VALUE.sub(_key_value_repl, text)

    def mask_data(self, obj: Any) -> Any:
        """Return a copy of ``obj`` with secrets masked.

        Values of mapping keys named like authorization, password, api_key, apikey,
        token, jwt, secret or cookie become ``***``; other strings are masked as text;
        mappings, lists and tuples are walked recursively; anything else is kept.
        """
        if isinstance(obj, str):
            return self.mask(obj)
        if isinstance(obj, Mapping):
            out: dict[Any, Any] = {}
            for key, value in obj.items():
                if isinstance(key, str) and _SENSITIVE_KEY.search(key) and value is not None:
                    out[key] = MASK
                else:
                    out[key] = self.mask_data(value)
            return out
        if isinstance(obj, (list, tuple)):
            return [self.mask_data(item) for item in obj]
        return obj


MASKER = SecretMasker()
"""The process-wide masker that clients register their secrets in."""


def mask_data(obj: Any, masker: SecretMasker | None = None) -> Any:
    """Mask ``obj`` (a string, mapping or list) with ``masker`` (default ``MASKER``)."""
    return (masker or MASKER).mask_data(obj)


# Attributes every LogRecord has; anything else came in through ``extra=``.
_RECORD_ATTRS = frozenset(
    vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None)).keys()
) | {"message", "asctime", "taskName"}


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _RECORD_ATTRS and not key.startswith("_")
    }


def _timestamp(record: logging.LogRecord) -> str:
    when = datetime.fromtimestamp(record.created, tz=timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(record.msecs):03d}Z"


class _MaskingFormatter(logging.Formatter):
    def __init__(self, masker: SecretMasker | None = None) -> None:
        super().__init__()
        self.masker = masker or MASKER

    def _masked_extras(self, record: logging.LogRecord) -> dict[str, Any]:
        masked: dict[str, Any] = self.masker.mask_data(_extras(record))
        return masked

    def _exception_text(self, record: logging.LogRecord) -> str | None:
        parts: list[str] = []
        if record.exc_info and record.exc_info[0] is not None:
            parts.append(self.formatException(record.exc_info))
        elif record.exc_text:
            parts.append(record.exc_text)
        if record.stack_info:
            parts.append(self.formatStack(record.stack_info))
        return self.masker.mask("\n".join(parts)) if parts else None


class JsonFormatter(_MaskingFormatter):
    """One JSON object per line: ``ts``, ``level``, ``logger``, ``message``, the
    ``extra`` fields, and ``exc_type``/``exc`` for exceptions. Everything masked."""

    def format(self, record: logging.LogRecord) -> str:
        doc: dict[str, Any] = {
            "ts": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": self.masker.mask(record.getMessage()),
        }
        for key, value in self._masked_extras(record).items():
            doc.setdefault(key, value)
        if record.exc_info and record.exc_info[0] is not None:
            doc["exc_type"] = record.exc_info[0].__name__
        exc = self._exception_text(record)
        if exc:
            doc["exc"] = exc
        return json.dumps(doc, default=lambda o: self.masker.mask(str(o)), ensure_ascii=False)


def _text_value(value: Any) -> str:
    if isinstance(value, str):
        return (
            value
            if value and not any(c.isspace() or c in '"=' for c in value)
            else (json.dumps(value, ensure_ascii=False))
        )
    if isinstance(value, (Mapping, list, tuple)):
        return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
    return str(value)


class TextFormatter(_MaskingFormatter):
    """A human line: ``<ts> <LEVEL> <logger>: <message> key=value ...``, then the
    traceback if any. Everything masked."""

    def format(self, record: logging.LogRecord) -> str:
        line = (
            f"{_timestamp(record)} {record.levelname:<7} {record.name}: "
            f"{self.masker.mask(record.getMessage())}"
        )
        pairs = [
            f"{key}={_text_value(value)}"
            for key, value in self._masked_extras(record).items()
            if value is not None
        ]
        if pairs:
            line += " " + " ".join(pairs)
        exc = self._exception_text(record)
        if exc:
            line += "\n" + exc
        return self.masker.mask(line)


_HANDLER_MARK = "_wikijs_configured"


def _level(level: int | str) -> int:
    if isinstance(level, int):
        return level
    value = logging.getLevelName(level.upper())
    if not isinstance(value, int):
        raise ValueError(f"unknown log level {level!r}")
    return value


def configure_logging(
    level: int | str = "INFO",
    *,
    fmt: Literal["text", "json"] = "text",
    stream: IO[str] | None = None,
    logger: str = "wikijs",
) -> logging.Handler:
    """Send the SDK's logs to ``stream`` (default stderr) in ``fmt`` at ``level``.

    For applications and CLIs; the library never calls it. Calling it again replaces
    the handler it added before instead of adding a second one.
    """
    if fmt not in ("text", "json"):
        raise ValueError(f"unknown log format {fmt!r} (expected 'text' or 'json')")
    numeric_level = _level(level)
    target = logging.getLogger(logger)
    for old in list(target.handlers):
        if getattr(old, _HANDLER_MARK, False):
            target.removeHandler(old)
            old.close()
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    setattr(handler, _HANDLER_MARK, True)
    target.addHandler(handler)
    target.setLevel(numeric_level)
    return handler


def log_request(
    logger: logging.Logger,
    *,
    operation: str,
    status: int | None,
    duration_ms: float,
    attempt: int,
    request_id: str,
    ok: bool,
    error: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> None:
    """Log one HTTP attempt: DEBUG when it succeeded, WARNING when it failed."""
    level = logging.DEBUG if ok else logging.WARNING
    if not logger.isEnabledFor(level):
        return
    message = f"{operation} {'ok' if ok else 'failed'}"
    if error:
        message += f": {error}"
    extra: dict[str, Any] = {
        "operation": operation,
        "status": status,
        "duration_ms": round(duration_ms, 1),
        "attempt": attempt,
        "request_id": request_id,
        "ok": ok,
    }
    if error is not None:
        extra["error"] = error
    if tags:
        extra["tags"] = dict(tags)
    logger.log(level, message, extra=extra)


def new_request_id() -> str:
    """A short random hex id that ties the log lines of one request together."""
    return secrets.token_hex(6)
