"""Credentials: an API key, or a username/password login whose session token renews.

An auth object only holds state and builds headers; the transport runs the login
request through its normal send path (rate limits, logging, retries) and hands the
answer back. Every secret is registered with the log masker the moment it is known.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ._graphql._executor import Operation
from ._graphql.auth import LOGIN
from ._logging import MASKER

__all__ = ["ApiKeyAuth", "Auth", "Login", "LoginAuth", "NoAuth"]

#: Response header in which Wiki.js sends a renewed session token.
NEW_JWT_HEADER = "new-jwt"


@dataclass(frozen=True)
class Login:
    """A login the transport must send (without credentials headers) before anything else.

    ``accept`` stores the token the login answered with.
    """

    operation: Operation
    accept: Callable[[str], None]


class Auth:
    """Base class: no credentials (every request runs as the Guest user)."""

    #: Shown in messages; never contains a secret.
    description = "no credentials"

    def headers(self) -> dict[str, str]:
        """Headers to send with an authenticated request."""
        return {}

    def pending_login(self) -> Login | None:
        """The login to run before the next request, or ``None`` when none is needed."""
        return None

    def observe(self, response_headers: Mapping[str, str]) -> None:
        """Look at an answer's headers (session renewal)."""

    def identity(self) -> str:
        """Who the requests run as, for keeping cached answers apart (a secret: hash it)."""
        return "guest"


class NoAuth(Auth):
    """Anonymous access (the Guest user)."""


class ApiKeyAuth(Auth):
    """An API key from *Administration > API Access*, sent as a bearer token."""

    description = "API key"

    def __init__(self, api_key: str) -> None:
        if not api_key or not api_key.strip():
            raise ValueError("api_key is empty")
        self._key = api_key.strip()
        MASKER.register(self._key)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._key}"}

    def identity(self) -> str:
        return f"apikey:{self._key}"

    def __repr__(self) -> str:
        return "ApiKeyAuth(api_key='***')"


class LoginAuth(Auth):
    """``authentication.login`` with a username and password; the JWT is used as bearer.

    Wiki.js renews short-lived session tokens by sending a fresh one in the ``new-jwt``
    response header; the newest token is used from then on.
    """

    def __init__(self, username: str, password: str, *, strategy: str = "local") -> None:
        if not username:
            raise ValueError("username is empty")
        if not password:
            raise ValueError("password is empty")
        self.username = username
        self.strategy = strategy
        self._password = password
        self._token: str | None = None
        self._lock = threading.Lock()
        MASKER.register(password)
        self.description = f"login as {username!r}"

    @property
    def token(self) -> str | None:
        """The current session token (``None`` before the first login)."""
        with self._lock:
            return self._token

    def headers(self) -> dict[str, str]:
        token = self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def pending_login(self) -> Login | None:
        if self.token is not None:
            return None
        operation = Operation(
            name="auth.login",
            query=LOGIN,
            variables={
                "username": self.username,
                "password": self._password,
                "strategy": self.strategy,
            },
            mutation=True,
        )
        return Login(operation, self.accept_token)

    def accept_token(self, token: str) -> None:
        """Store a session token (from the login, or renewed by the server)."""
        MASKER.register(token)
        with self._lock:
            self._token = token

    def observe(self, response_headers: Mapping[str, str]) -> None:
        renewed = response_headers.get(NEW_JWT_HEADER)
        if renewed and renewed.strip():
            self.accept_token(renewed.strip())

    def identity(self) -> str:
        return f"login:{self.strategy}:{self.username}"

    def __repr__(self) -> str:
        return f"LoginAuth(username={self.username!r}, password='***')"
