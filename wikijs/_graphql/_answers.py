"""Small pure helpers to pick fields out of a GraphQL ``data`` object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wikijs._errors import InvalidResponseError, raise_for_result

__all__ = ["RESULT", "check_result", "field_at", "items_at", "mapping_at"]

#: The selection of a mutation's ``responseResult``.
RESULT = "responseResult { succeeded errorCode slug message }"


def field_at(data: Mapping[str, Any] | None, *path: str, operation: str) -> Any:
    """``data[path[0]][path[1]]...`` or ``InvalidResponseError`` naming the path."""
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise InvalidResponseError(f"the answer has no {'.'.join(path)}", operation=operation)
        node = node[key]
    return node


def mapping_at(data: Mapping[str, Any] | None, *path: str, operation: str) -> Mapping[str, Any]:
    """Like ``field_at``, but the value must be an object (not null)."""
    node = field_at(data, *path, operation=operation)
    if not isinstance(node, Mapping):
        raise InvalidResponseError(f"the answer has no {'.'.join(path)}", operation=operation)
    return node


def items_at(data: Mapping[str, Any] | None, *path: str, operation: str) -> list[Any]:
    """A list field; null counts as empty, null items are dropped."""
    node = field_at(data, *path, operation=operation)
    if node is None:
        return []
    if not isinstance(node, list):
        raise InvalidResponseError(f"{'.'.join(path)} is not a list", operation=operation)
    return [item for item in node if item is not None]


def check_result(data: Mapping[str, Any] | None, *path: str, operation: str) -> Mapping[str, Any]:
    """Raise for the ``responseResult`` of the mutation at ``path``; return that node."""
    node = mapping_at(data, *path, operation=operation)
    result = node.get("responseResult")
    raise_for_result(result if isinstance(result, Mapping) else None, operation)
    return node
