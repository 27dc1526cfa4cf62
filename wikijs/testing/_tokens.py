"""Tokens that look like Wiki.js's RS256 JWTs (three base64url parts, ``eyJ...``).

The real server signs with an RSA key; the emulator uses an HMAC of the header and
payload, stretched to the 256 bytes of an RS256 signature, so keys and session tokens
have the real shape and length but can only be verified by the emulator that made them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

_HEADER = {"alg": "RS256", "typ": "JWT"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: str, signing_input: str) -> bytes:
    key = secret.encode("utf-8")
    msg = signing_input.encode("ascii")
    return b"".join(hmac.new(key, msg + bytes([i]), hashlib.sha256).digest() for i in range(8))


def sign(payload: dict[str, Any], secret: str) -> str:
    header = _b64(json.dumps(_HEADER, separators=(",", ":")).encode())
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    signing_input = f"{header}.{body}"
    return f"{signing_input}.{_b64(_signature(secret, signing_input))}"


def verify(token: str, secret: str) -> dict[str, Any] | None:
    """The payload if ``token`` was signed with ``secret``, else None (expiry not checked)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        expected = _b64(_signature(secret, f"{parts[0]}.{parts[1]}"))
    except UnicodeEncodeError:
        return None
    if not hmac.compare_digest(expected, parts[2]):
        return None
    try:
        payload = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None
