"""Groups: list, read, create, update (read-modify-write), delete, membership."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from wikijs._errors import InvalidResponseError
from wikijs._flow import Flow, M, Resource, Runner, execute, flow
from wikijs._graphql import groups as gql
from wikijs._graphql._executor import Operation
from wikijs.models._users import Group, GroupListItem, PageRule

__all__ = ["GroupsAPI"]


class GroupsAPI(Resource[M]):
    """``client.groups``: user groups, their permissions and page rules."""

    def __init__(self, runner: Runner[M]) -> None:
        super().__init__(runner)

    def _write(self, name: str, query: str, field: str, variables: dict[str, Any]) -> Flow[Any]:
        data = yield from execute(Operation(name, query, variables, mutation=True))
        return gql.check_write(data, field, name)

    @flow
    def list(self) -> Flow[list[GroupListItem]]:
        """Every group with its number of users."""
        op = "groups.list"
        return gql.parse_list((yield from execute(Operation(op, gql.LIST))), op)

    @flow
    def get(self, group_id: int) -> Flow[Group]:
        """One group with permissions, page rules and members (NotFoundError if missing)."""
        op = "groups.get"
        data = yield from execute(Operation(op, gql.GET, {"id": group_id}))
        return gql.parse_group(data, group_id, op)

    @flow
    def create(self, name: str) -> Flow[Group]:
        """Create a group (with the server's default permissions) and return it."""
        op = "groups.create"
        node = yield from self._write(op, gql.CREATE, "create", {"name": name})
        group_id = gql.created_id(node)
        if group_id is None:
            groups = yield from GroupsAPI.list.flow(self)
            matches = [g.id for g in groups if g.name == name]
            if not matches:
                raise InvalidResponseError(
                    f"group {name!r} was created but is not listed", operation=op
                )
            group_id = max(matches)
        return (yield from GroupsAPI.get.flow(self, group_id))

    @flow
    def update(
        self,
        group_id: int,
        *,
        name: str | None = None,
        redirect_on_login: str | None = None,
        permissions: Iterable[str] | None = None,
        page_rules: Iterable[PageRule | Mapping[str, Any]] | None = None,
        current: Group | None = None,
    ) -> Flow[None]:
        """Change the given fields and keep the others.

        ``groups.update`` replaces the whole group, so the current group is read first
        (or taken from ``current``) and sent back with the changes.
        """
        base = current if current is not None else (yield from GroupsAPI.get.flow(self, group_id))
        rules = (
            [PageRule.model_validate(rule) for rule in page_rules]
            if page_rules is not None
            else list(base.page_rules)
        )
        variables = {
            "id": group_id,
            "name": name if name is not None else base.name,
            "redirectOnLogin": (
                redirect_on_login
                if redirect_on_login is not None
                else (base.redirect_on_login or "/")
            ),
            "permissions": list(permissions) if permissions is not None else base.permissions,
            "pageRules": [rule.as_input() for rule in rules],
        }
        yield from self._write("groups.update", gql.UPDATE, "update", variables)

    @flow
    def delete(self, group_id: int) -> Flow[None]:
        """Delete a group (its members stay, without it)."""
        yield from self._write("groups.delete", gql.DELETE, "delete", {"id": group_id})

    @flow
    def assign_user(self, group_id: int, user_id: int) -> Flow[None]:
        """Add a user to a group."""
        (
            yield from self._write(
                "groups.assign_user",
                gql.ASSIGN_USER,
                "assignUser",
                {"groupId": group_id, "userId": user_id},
            )
        )

    @flow
    def unassign_user(self, group_id: int, user_id: int) -> Flow[None]:
        """Remove a user from a group."""
        (
            yield from self._write(
                "groups.unassign_user",
                gql.UNASSIGN_USER,
                "unassignUser",
                {"groupId": group_id, "userId": user_id},
            )
        )
