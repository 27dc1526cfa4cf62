"""User and group models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, field_validator

from ._common import WikiModel, parse_datetime

__all__ = [
    "Group",
    "GroupListItem",
    "GroupRef",
    "PageRule",
    "User",
    "UserLastLogin",
    "UserListItem",
    "UserProfile",
    "UserRef",
]


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else value


def _none_to_list(value: Any) -> Any:
    return [] if value is None else [item for item in value if item is not None]


class _Timestamps:
    created_at: str
    updated_at: str

    @property
    def created(self) -> datetime:
        """``created_at`` as an aware UTC datetime."""
        return parse_datetime(self.created_at)

    @property
    def updated(self) -> datetime:
        """``updated_at`` as an aware UTC datetime."""
        return parse_datetime(self.updated_at)


class _LastLogin:
    last_login_at: str | None

    @property
    def last_login(self) -> datetime | None:
        """``last_login_at`` as an aware UTC datetime (None if the user never logged in)."""
        return parse_datetime(self.last_login_at) if self.last_login_at else None


class UserRef(WikiModel):
    """A user as other objects mention it (the members of a group)."""

    id: int
    name: str = ""
    email: str = ""


class GroupRef(WikiModel):
    """A group as a user's ``groups`` mention it."""

    id: int
    name: str = ""


class UserListItem(_LastLogin, WikiModel):
    """One row of ``users.list`` / ``users.search``.

    ``users.search`` reports only id, name, email, provider and creation date:
    ``is_system``/``is_active`` are None there.
    """

    id: int
    name: str
    email: str
    provider_key: str = ""
    is_system: bool | None = None
    is_active: bool | None = None
    created_at: str = ""
    last_login_at: str | None = None

    @property
    def created(self) -> datetime:
        """``created_at`` as an aware UTC datetime."""
        return parse_datetime(self.created_at)


class User(_Timestamps, _LastLogin, WikiModel):
    """A user (``users.single``)."""

    id: int
    name: str
    email: str
    provider_key: str = ""
    provider_name: str | None = None
    is_system: bool = False
    is_active: bool = True
    is_verified: bool = False
    location: str = ""
    job_title: str = ""
    timezone: str = ""
    date_format: str = ""
    appearance: str = ""
    created_at: str = ""
    updated_at: str = ""
    last_login_at: str | None = None
    tfa_is_active: bool = False
    groups: list[GroupRef] = Field(default_factory=list)

    _empty = field_validator(
        "location", "job_title", "timezone", "date_format", "appearance", mode="before"
    )(_none_to_empty)
    _groups = field_validator("groups", mode="before")(_none_to_list)


class UserProfile(_Timestamps, _LastLogin, WikiModel):
    """The authenticated user's own profile (``users.profile``)."""

    id: int
    name: str
    email: str
    provider_key: str | None = None
    provider_name: str | None = None
    is_system: bool = False
    is_verified: bool = False
    location: str = ""
    job_title: str = ""
    timezone: str = ""
    date_format: str = ""
    appearance: str = ""
    created_at: str = ""
    updated_at: str = ""
    last_login_at: str | None = None

    _empty = field_validator(
        "location", "job_title", "timezone", "date_format", "appearance", mode="before"
    )(_none_to_empty)


class UserLastLogin(WikiModel):
    """One entry of ``users.lastLogins``."""

    id: int
    name: str = ""
    last_login_at: str = ""

    @property
    def last_login(self) -> datetime:
        """``last_login_at`` as an aware UTC datetime."""
        return parse_datetime(self.last_login_at)


class PageRule(WikiModel):
    """A group's access rule: ``roles`` allowed (or denied) on paths matching ``path``.

    ``match`` is ``START``, ``EXACT``, ``END``, ``REGEX`` or ``TAG``. Also the input of
    ``groups.update``.
    """

    id: str
    deny: bool = False
    match: str = "START"
    roles: list[str] = Field(default_factory=list)
    path: str = ""
    locales: list[str] = Field(default_factory=list)

    _lists = field_validator("roles", "locales", mode="before")(_none_to_list)

    def as_input(self) -> dict[str, Any]:
        """The ``PageRuleInput`` variable value."""
        return {
            "id": self.id,
            "deny": self.deny,
            "match": self.match,
            "roles": list(self.roles),
            "path": self.path,
            "locales": list(self.locales),
        }


class GroupListItem(_Timestamps, WikiModel):
    """One row of ``groups.list``."""

    id: int
    name: str
    is_system: bool = False
    user_count: int | None = None
    created_at: str = ""
    updated_at: str = ""


class Group(_Timestamps, WikiModel):
    """A group with its permissions, page rules and members (``groups.single``)."""

    id: int
    name: str
    is_system: bool = False
    redirect_on_login: str | None = None
    permissions: list[str] = Field(default_factory=list)
    page_rules: list[PageRule] = Field(default_factory=list)
    users: list[UserRef] = Field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""

    _lists = field_validator("permissions", "page_rules", "users", mode="before")(_none_to_list)
