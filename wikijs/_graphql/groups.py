"""Group documents and parsers.

``groups.update`` requires every field (name, redirectOnLogin, permissions, pageRules):
it replaces the group, so the SDK reads the group first and sends it back changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wikijs._errors import NotFoundError
from wikijs.models._users import Group, GroupListItem

from ._answers import RESULT, check_result, field_at, items_at
from .documents import document

LIST_FIELDS = "id name isSystem userCount createdAt updatedAt"
GROUP_FIELDS = (
    "id name isSystem redirectOnLogin permissions "
    "pageRules { id deny match roles path locales } users { id name email } "
    "createdAt updatedAt"
)

LIST = document("groups.list", f"query {{ groups {{ list {{ {LIST_FIELDS} }} }} }}")
GET = document(
    "groups.get", f"query ($id: Int!) {{ groups {{ single(id: $id) {{ {GROUP_FIELDS} }} }} }}"
)
CREATE = document(
    "groups.create",
    f"mutation ($name: String!) {{ groups {{ create(name: $name) {{ {RESULT} group {{ id }} }} }} }}",
)
UPDATE = document(
    "groups.update",
    "mutation ($id: Int!, $name: String!, $redirectOnLogin: String!, "
    "$permissions: [String]!, $pageRules: [PageRuleInput]!) { groups { update(id: $id, "
    "name: $name, redirectOnLogin: $redirectOnLogin, permissions: $permissions, "
    f"pageRules: $pageRules) {{ {RESULT} }} }} }}",
)
DELETE = document(
    "groups.delete", f"mutation ($id: Int!) {{ groups {{ delete(id: $id) {{ {RESULT} }} }} }}"
)
ASSIGN_USER = document(
    "groups.assign_user",
    "mutation ($groupId: Int!, $userId: Int!) { groups { assignUser(groupId: $groupId, "
    f"userId: $userId) {{ {RESULT} }} }} }}",
)
UNASSIGN_USER = document(
    "groups.unassign_user",
    "mutation ($groupId: Int!, $userId: Int!) { groups { unassignUser(groupId: $groupId, "
    f"userId: $userId) {{ {RESULT} }} }} }}",
)


def parse_list(data: Mapping[str, Any], operation: str) -> list[GroupListItem]:
    return [
        GroupListItem.model_validate(item)
        for item in items_at(data, "groups", "list", operation=operation)
    ]


def parse_group(data: Mapping[str, Any], group_id: int, operation: str) -> Group:
    node = field_at(data, "groups", "single", operation=operation)
    if node is None:
        raise NotFoundError(f"group {group_id} does not exist", operation=operation)
    return Group.model_validate(node)


def check_write(data: Mapping[str, Any], field: str, operation: str) -> Mapping[str, Any]:
    """Raise unless ``data.groups.<field>.responseResult`` succeeded; return the node."""
    return check_result(data, "groups", field, operation=operation)


def created_id(node: Mapping[str, Any]) -> int | None:
    """The id in a ``groups.create`` answer."""
    group = node.get("group")
    if isinstance(group, Mapping) and isinstance(group.get("id"), int):
        return int(group["id"])
    return None
