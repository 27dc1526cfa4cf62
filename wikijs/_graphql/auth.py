"""Authentication documents: login, and the profile query used to verify credentials."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wikijs._errors import AuthenticationError, InvalidResponseError, LoginError, raise_for_result
from wikijs.models._common import Identity

from .documents import document

#: Wiki.js's built-in Guest user; a request with an unaccepted key runs as this user.
GUEST_USER_ID = 2

LOGIN = document(
    "auth.login",
    "mutation ($username: String!, $password: String!, $strategy: String!) { authentication { "
    "login(username: $username, password: $password, strategy: $strategy) { "
    "responseResult { succeeded errorCode slug message } jwt mustChangePwd mustProvideTFA "
    "mustSetupTFA } } }",
)

PROFILE = document("auth.profile", "query { users { profile { id name email } } }")

GUEST_MESSAGE = (
    "the API key was not accepted: Wiki.js treats an invalid key as the Guest user "
    "(check WIKIJS_API_KEY, and that the key is not expired)"
)


def parse_login(data: Mapping[str, Any] | None, operation: str) -> str:
    """The JWT of a login answer; raises the login error otherwise."""
    auth = data.get("authentication") if isinstance(data, Mapping) else None
    login = auth.get("login") if isinstance(auth, Mapping) else None
    if not isinstance(login, Mapping):
        raise InvalidResponseError("the answer has no authentication.login", operation=operation)
    raise_for_result(login.get("responseResult"), operation)
    if login.get("mustChangePwd") or login.get("mustProvideTFA") or login.get("mustSetupTFA"):
        raise LoginError(
            "the account needs an interactive step (password change or two-factor "
            "authentication) before it can log in",
            operation=operation,
        )
    jwt = login.get("jwt")
    if not isinstance(jwt, str) or not jwt:
        raise LoginError("the login answer carries no token", operation=operation)
    return jwt


def parse_profile(data: Mapping[str, Any] | None, operation: str) -> Identity:
    """The profile of the current user; [`AuthenticationError`][wikijs.AuthenticationError] if that is the Guest."""
    users = data.get("users") if isinstance(data, Mapping) else None
    profile = users.get("profile") if isinstance(users, Mapping) else None
    if not isinstance(profile, Mapping):
        raise AuthenticationError(GUEST_MESSAGE, operation=operation)
    identity = Identity.model_validate(profile)
    if identity.id == GUEST_USER_ID:
        raise AuthenticationError(GUEST_MESSAGE, operation=operation)
    return identity
