"""Asset documents and parsers.

``assets.list`` never reports an asset's folder (``folder`` and ``author`` resolve to
null), so the parsers take the folder id from the request. ``createFolder`` answers
only a ``responseResult``; the folder is found by listing its parent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wikijs.models._assets import Asset, AssetFolder

from ._answers import RESULT, check_result, items_at
from .documents import document

FOLDER_FIELDS = "id slug name"
ASSET_FIELDS = "id filename ext kind mime fileSize metadata createdAt updatedAt"

FOLDERS = document(
    "assets.folders",
    "query ($parentFolderId: Int!) { assets { folders(parentFolderId: $parentFolderId) "
    f"{{ {FOLDER_FIELDS} }} }} }}",
)
LIST = document(
    "assets.list",
    "query ($folderId: Int!, $kind: AssetKind!) { assets { list(folderId: $folderId, "
    f"kind: $kind) {{ {ASSET_FIELDS} }} }} }}",
)
CREATE_FOLDER = document(
    "assets.create_folder",
    "mutation ($parentFolderId: Int!, $slug: String!, $name: String) { assets { "
    f"createFolder(parentFolderId: $parentFolderId, slug: $slug, name: $name) {{ {RESULT} }} }} }}",
)
RENAME = document(
    "assets.rename",
    "mutation ($id: Int!, $filename: String!) { assets { renameAsset(id: $id, "
    f"filename: $filename) {{ {RESULT} }} }} }}",
)
DELETE = document(
    "assets.delete",
    f"mutation ($id: Int!) {{ assets {{ deleteAsset(id: $id) {{ {RESULT} }} }} }}",
)

KINDS = ("ALL", "IMAGE", "BINARY")


def parse_folders(data: Mapping[str, Any], parent_id: int, operation: str) -> list[AssetFolder]:
    return [
        AssetFolder.model_validate({**item, "parentId": parent_id})
        for item in items_at(data, "assets", "folders", operation=operation)
    ]


def parse_list(data: Mapping[str, Any], folder_id: int, operation: str) -> list[Asset]:
    return [
        Asset.model_validate({**item, "folderId": folder_id})
        for item in items_at(data, "assets", "list", operation=operation)
    ]


def check_write(data: Mapping[str, Any], field: str, operation: str) -> None:
    """Raise the matching error unless ``data.assets.<field>.responseResult`` succeeded."""
    check_result(data, "assets", field, operation=operation)
