"""Connecting to the wiki: the SDK client built from the environment, and the SDK's errors.

Everything outside ``wikisync.wiki`` that needs the wiki goes through here: the command
line builds its client with [`connect`][wikisync.wiki.connect.connect] and catches
``WikiError`` (the SDK's root error) at its boundary.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from wikijs import WikiJSClient
from wikijs import WikiJSError as WikiError
from wikijs._logging import MASKER, configure_logging
from wikisync.errors import WikisyncError

__all__ = [
    "STATE_KEY_ENV",
    "Client",
    "WikiError",
    "configure_logging",
    "connect",
    "state_key_from",
    "timeout_from",
]

Client = WikiJSClient
"""The SDK client type the wiki side is built on."""


def connect(url: str, environ: Mapping[str, str]) -> WikiJSClient:
    """A client for ``url`` signed in with the credentials in ``environ``.

    ``WIKIJS_API_KEY``, or ``WIKIJS_USERNAME`` and ``WIKIJS_PASSWORD`` (never both ways);
    ``WIKIJS_TIMEOUT`` (see [`timeout_from`][wikisync.wiki.connect.timeout_from]).
    Raises ``WikisyncError`` naming what is missing or wrong.
    """
    api_key = environ.get("WIKIJS_API_KEY") or None
    username = environ.get("WIKIJS_USERNAME") or None
    password = environ.get("WIKIJS_PASSWORD") or None
    if api_key and (username or password):
        raise WikisyncError(
            "both WIKIJS_API_KEY and WIKIJS_USERNAME/WIKIJS_PASSWORD are set; "
            "set only one way of signing in"
        )
    if not api_key and not (username and password):
        raise WikisyncError(
            "no credentials: set WIKIJS_API_KEY (or WIKIJS_USERNAME and WIKIJS_PASSWORD) "
            "in the environment"
        )
    return WikiJSClient(
        url,
        api_key=api_key,
        username=username,
        password=password,
        timeout=timeout_from(environ.get("WIKIJS_TIMEOUT", "")),
    )


def timeout_from(raw: str) -> tuple[float, float]:
    """``WIKIJS_TIMEOUT``: seconds to wait for an answer (default 60; connecting, at most 5)."""
    raw = raw.strip()
    if not raw:
        return (5.0, 60.0)
    try:
        seconds = float(raw)
    except ValueError:
        seconds = float("nan")
    if not math.isfinite(seconds) or seconds <= 0:
        raise WikisyncError(f"WIKIJS_TIMEOUT must be a positive number of seconds (got {raw!r})")
    return (min(5.0, seconds), seconds)


STATE_KEY_ENV = "WIKISYNC_STATE_KEY"
_STATE_KEY_MIN = 32


def state_key_from(environ: Mapping[str, str]) -> bytes | None:
    """``WIKISYNC_STATE_KEY``: the secret the state head is signed with (``None``: unset).

    Registered with the log masker like the API key. Shorter than 32 characters raises
    ``WikisyncError``: a short key could be guessed from a signed head."""
    raw = environ.get(STATE_KEY_ENV, "").strip()
    if not raw:
        return None
    MASKER.register(raw)
    if len(raw) < _STATE_KEY_MIN:
        raise WikisyncError(
            f"{STATE_KEY_ENV} must be at least {_STATE_KEY_MIN} characters long (for example "
            "the output of `openssl rand -hex 32`)"
        )
    return raw.encode("utf-8")
