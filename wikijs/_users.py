"""Users: list, search, read, create, update, delete, and account state changes."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any

from wikijs._errors import GraphQLError, InvalidResponseError, UserNotFoundError
from wikijs._flow import Flow, M, Resource, Runner, execute, flow
from wikijs._graphql import users as gql
from wikijs._graphql._executor import Operation
from wikijs._logging import MASKER
from wikijs.models._users import User, UserLastLogin, UserListItem, UserProfile

__all__ = ["UsersAPI"]


class UsersAPI(Resource[M]):
    """``client.users``: the wiki's user accounts (most calls need ``manage:users``)."""

    def __init__(self, runner: Runner[M]) -> None:
        super().__init__(runner)

    def _query(self, name: str, query: str, variables: dict[str, Any] | None = None) -> Flow[Any]:
        return (yield from execute(Operation(name, query, variables or {})))

    def _write(self, name: str, query: str, field: str, variables: dict[str, Any]) -> Flow[Any]:
        data = yield from execute(Operation(name, query, variables, mutation=True))
        return gql.check_write(data, field, name)

    # -- reads -----------------------------------------------------------------------------

    @flow
    def list(self) -> Flow[list[UserListItem]]:
        """Every user, including the system ones (Guest)."""
        op = "users.list"
        return gql.parse_list((yield from self._query(op, gql.LIST)), "list", op)

    @flow
    def search(self, query: str) -> Flow[builtins.list[UserListItem]]:
        """Users whose email or name contains ``query`` (the server returns at most a few)."""
        op = "users.search"
        return gql.parse_list(
            (yield from self._query(op, gql.SEARCH, {"query": query})), "search", op
        )

    @flow
    def get(self, user_id: int) -> Flow[User]:
        """One user with its groups (``UserNotFoundError`` if missing).

        For a missing id Wiki.js does not answer null but fails inside its resolver
        (a JavaScript TypeError without a Wiki.js code); that becomes UserNotFoundError.
        """
        op = "users.get"
        try:
            data = yield from self._query(op, gql.GET, {"id": user_id})
        except GraphQLError as exc:
            if type(exc) is not GraphQLError:  # syntax/validation errors stay what they are
                raise
            raise UserNotFoundError(
                f"user {user_id} does not exist ({exc.message})",
                operation=op,
                status=exc.status,
                request_id=exc.request_id,
            ) from exc
        return gql.parse_user(data, user_id, op)

    @flow
    def profile(self) -> Flow[UserProfile]:
        """The authenticated user's own profile."""
        op = "users.profile"
        return gql.parse_profile((yield from self._query(op, gql.PROFILE)), op)

    @flow
    def last_logins(self) -> Flow[builtins.list[UserLastLogin]]:
        """The users who logged in most recently."""
        op = "users.last_logins"
        return gql.parse_last_logins((yield from self._query(op, gql.LAST_LOGINS)), op)

    # -- writes ----------------------------------------------------------------------------

    @flow
    def create(
        self,
        email: str,
        name: str,
        *,
        password: str | None = None,
        provider_key: str = "local",
        groups: Iterable[int] = (),
        must_change_password: bool = False,
        send_welcome_email: bool = False,
    ) -> Flow[User]:
        """Create a user and return it as the server stored it."""
        if password:
            MASKER.register(password)
        op = "users.create"
        variables: dict[str, Any] = {
            "email": email,
            "name": name,
            "providerKey": provider_key,
            "groups": [int(g) for g in groups],
            "mustChangePassword": must_change_password,
            "sendWelcomeEmail": send_welcome_email,
        }
        if password is not None:
            variables["passwordRaw"] = password
        node = yield from self._write(op, gql.CREATE, "create", variables)
        user_id = gql.created_id(node)
        if user_id is None:
            user_id = yield from self._find_id_by_email(email, op)
        return (yield from UsersAPI.get.flow(self, user_id))

    def _find_id_by_email(self, email: str, operation: str) -> Flow[int]:
        wanted = email.strip().lower()
        users = yield from UsersAPI.list.flow(self)
        matches = [u.id for u in users if u.email.strip().lower() == wanted]
        if not matches:
            raise InvalidResponseError(
                f"user {email!r} was created but is not listed", operation=operation
            )
        return max(matches)

    @flow
    def update(
        self,
        user_id: int,
        *,
        email: str | None = None,
        name: str | None = None,
        new_password: str | None = None,
        groups: Iterable[int] | None = None,
        location: str | None = None,
        job_title: str | None = None,
        timezone: str | None = None,
        date_format: str | None = None,
        appearance: str | None = None,
    ) -> Flow[None]:
        """Change the given fields; the others keep their value. ``groups`` replaces the
        user's group memberships. Nothing given: no request."""
        if new_password:
            MASKER.register(new_password)
        changes: dict[str, Any] = {
            "email": email,
            "name": name,
            "newPassword": new_password,
            "groups": [int(g) for g in groups] if groups is not None else None,
            "location": location,
            "jobTitle": job_title,
            "timezone": timezone,
            "dateFormat": date_format,
            "appearance": appearance,
        }
        given = {key: value for key, value in changes.items() if value is not None}
        if not given:
            return
        yield from self._write("users.update", gql.UPDATE, "update", {"id": user_id, **given})

    @flow
    def delete(self, user_id: int, replace_id: int) -> Flow[None]:
        """Delete a user; their pages and content are reassigned to ``replace_id``."""
        yield from self._write(
            "users.delete", gql.DELETE, "delete", {"id": user_id, "replaceId": replace_id}
        )

    @flow
    def activate(self, user_id: int) -> Flow[None]:
        """Allow the user to log in again."""
        yield from self._write("users.activate", gql.ACTIVATE, "activate", {"id": user_id})

    @flow
    def deactivate(self, user_id: int) -> Flow[None]:
        """Block the user from logging in."""
        yield from self._write("users.deactivate", gql.DEACTIVATE, "deactivate", {"id": user_id})

    @flow
    def verify(self, user_id: int) -> Flow[None]:
        """Mark the user's email address as verified."""
        yield from self._write("users.verify", gql.VERIFY, "verify", {"id": user_id})

    @flow
    def reset_password(self, user_id: int) -> Flow[None]:
        """Send the user a password reset email."""
        yield from self._write(
            "users.reset_password", gql.RESET_PASSWORD, "resetPassword", {"id": user_id}
        )
