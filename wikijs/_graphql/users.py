"""User documents and parsers.

Selections are the ones the real server answered without errors. ``users.search``
selects only the columns its resolver reads from the database (id, email, name,
provider, creation date); ``users.create`` may or may not return the user, so the SDK
reads it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wikijs._errors import UserNotFoundError
from wikijs.models._users import User, UserLastLogin, UserListItem, UserProfile

from ._answers import RESULT, check_result, field_at, items_at
from .documents import document

LIST_FIELDS = "id name email providerKey isSystem isActive createdAt lastLoginAt"
SEARCH_FIELDS = "id name email providerKey createdAt"
USER_FIELDS = (
    "id name email providerKey providerName isSystem isActive isVerified location jobTitle "
    "timezone dateFormat appearance createdAt updatedAt lastLoginAt tfaIsActive "
    "groups { id name }"
)
PROFILE_FIELDS = (
    "id name email providerKey providerName isSystem isVerified location jobTitle timezone "
    "dateFormat appearance createdAt updatedAt lastLoginAt"
)

#: (argument, GraphQL type) of ``users.create``.
CREATE_ARGS: tuple[tuple[str, str], ...] = (
    ("email", "String!"),
    ("name", "String!"),
    ("passwordRaw", "String"),
    ("providerKey", "String!"),
    ("groups", "[Int]!"),
    ("mustChangePassword", "Boolean"),
    ("sendWelcomeEmail", "Boolean"),
)
#: (argument, GraphQL type) of ``users.update``; omitted arguments keep their value.
UPDATE_ARGS: tuple[tuple[str, str], ...] = (
    ("id", "Int!"),
    ("email", "String"),
    ("name", "String"),
    ("newPassword", "String"),
    ("groups", "[Int]"),
    ("location", "String"),
    ("jobTitle", "String"),
    ("timezone", "String"),
    ("dateFormat", "String"),
    ("appearance", "String"),
)


def _mutation(field: str, args: tuple[tuple[str, str], ...], selection: str = RESULT) -> str:
    declared = ", ".join(f"${name}: {gql_type}" for name, gql_type in args)
    call = ", ".join(f"{name}: ${name}" for name, _ in args)
    return f"mutation ({declared}) {{ users {{ {field}({call}) {{ {selection} }} }} }}"


_ID: tuple[tuple[str, str], ...] = (("id", "Int!"),)

LIST = document("users.list", f"query {{ users {{ list {{ {LIST_FIELDS} }} }} }}")
SEARCH = document(
    "users.search",
    f"query ($query: String!) {{ users {{ search(query: $query) {{ {SEARCH_FIELDS} }} }} }}",
)
GET = document(
    "users.get", f"query ($id: Int!) {{ users {{ single(id: $id) {{ {USER_FIELDS} }} }} }}"
)
PROFILE = document("users.profile", f"query {{ users {{ profile {{ {PROFILE_FIELDS} }} }} }}")
LAST_LOGINS = document(
    "users.last_logins", "query { users { lastLogins { id name lastLoginAt } } }"
)
CREATE = document("users.create", _mutation("create", CREATE_ARGS, f"{RESULT} user {{ id }}"))
UPDATE = document("users.update", _mutation("update", UPDATE_ARGS))
DELETE = document("users.delete", _mutation("delete", (("id", "Int!"), ("replaceId", "Int!"))))
VERIFY = document("users.verify", _mutation("verify", _ID))
ACTIVATE = document("users.activate", _mutation("activate", _ID))
DEACTIVATE = document("users.deactivate", _mutation("deactivate", _ID))
RESET_PASSWORD = document("users.reset_password", _mutation("resetPassword", _ID))


def parse_list(data: Mapping[str, Any], field: str, operation: str) -> list[UserListItem]:
    """``data.users.list`` or ``data.users.search``."""
    return [
        UserListItem.model_validate(item)
        for item in items_at(data, "users", field, operation=operation)
    ]


def parse_user(data: Mapping[str, Any], user_id: int, operation: str) -> User:
    node = field_at(data, "users", "single", operation=operation)
    if node is None:
        raise UserNotFoundError(f"user {user_id} does not exist", operation=operation)
    return User.model_validate(node)


def parse_profile(data: Mapping[str, Any], operation: str) -> UserProfile:
    node = field_at(data, "users", "profile", operation=operation)
    return UserProfile.model_validate(node)


def parse_last_logins(data: Mapping[str, Any], operation: str) -> list[UserLastLogin]:
    return [
        UserLastLogin.model_validate(item)
        for item in items_at(data, "users", "lastLogins", operation=operation)
    ]


def check_write(data: Mapping[str, Any], field: str, operation: str) -> Mapping[str, Any]:
    """Raise unless ``data.users.<field>.responseResult`` succeeded; return the node."""
    return check_result(data, "users", field, operation=operation)


def created_id(node: Mapping[str, Any]) -> int | None:
    """The id in a ``users.create`` answer, if the server returned the user."""
    user = node.get("user")
    if isinstance(user, Mapping) and isinstance(user.get("id"), int):
        return int(user["id"])
    return None
