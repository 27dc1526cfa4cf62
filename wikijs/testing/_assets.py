"""Asset folders, assets, the ``POST /u`` upload and asset downloads."""

from __future__ import annotations

import mimetypes
import posixpath
import re
from typing import Any
from urllib.parse import unquote

from wikijs.testing._errors import JSError, WikiError
from wikijs.testing._state import AssetRow, FolderRow
from wikijs.testing._wiki import Principal, Wiki

MAX_UPLOAD_BYTES = 5_242_880

_ILLEGAL = re.compile(r'[/?<>\\:*|"]')
_CONTROL = re.compile(r"[\x00-\x1f\x80-\x9f]")
_RESERVED = re.compile(r"^\.+$")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_WINDOWS_TRAILING = re.compile(r"[. ]+$")
_UPLOAD_SEPARATORS = re.compile(r"[\s,;#]+")


def sanitize_filename(name: str) -> str:
    """The ``sanitize-filename`` package Wiki.js uses on folder slugs and file names."""
    out = _ILLEGAL.sub("", name)
    out = _CONTROL.sub("", out)
    out = _RESERVED.sub("", out)
    out = _WINDOWS_RESERVED.sub("", out)
    out = _WINDOWS_TRAILING.sub("", out)
    encoded = out.encode("utf-8")[:255]
    return encoded.decode("utf-8", errors="ignore")


def upload_filename(original: str) -> str:
    """Lowercase; runs of whitespace, ``,``, ``;`` and ``#`` become ``_``; sanitized."""
    return sanitize_filename(_UPLOAD_SEPARATORS.sub("_", original.lower()))


def folder_dict(folder: FolderRow) -> dict[str, Any]:
    return {"id": folder.id, "slug": folder.slug, "name": folder.name}


def hierarchy(wiki: Wiki, folder_id: int | None) -> list[FolderRow]:
    chain: list[FolderRow] = []
    seen: set[int] = set()
    while folder_id and folder_id in wiki.state.folders and folder_id not in seen:
        seen.add(folder_id)
        folder = wiki.state.folders[folder_id]
        chain.insert(0, folder)
        folder_id = folder.parent_id
    return chain


def asset_path(wiki: Wiki, asset: AssetRow) -> str:
    slugs = [f.slug for f in hierarchy(wiki, asset.folder_id)]
    return "/".join([*slugs, asset.filename])


def list_folders(wiki: Wiki, user: Principal, parent_id: int) -> list[dict[str, Any]]:
    parent = None if parent_id == 0 else parent_id
    return [
        folder_dict(f)
        for f in wiki.state.folders.values()
        if f.parent_id == parent and wiki.check_access(user, ["read:pages"], {"path": f.slug})
    ]


def create_folder(wiki: Wiki, parent_id: int, slug: str) -> None:
    st = wiki.state
    clean = sanitize_filename(slug).lower()
    parent = None if parent_id == 0 else parent_id
    if any(f.parent_id == parent and f.slug == clean for f in st.folders.values()):
        raise WikiError("AssetFolderExists")
    if parent is not None and parent not in st.folders:
        raise JSError(
            "ForeignKeyViolationError",
            'insert into "assetFolders" ("name", "parentId", "slug") values ($1, $2, $3) '
            'returning "id" - insert or update on table "assetFolders" violates foreign key '
            'constraint "assetfolders_parentid_foreign"',
        )
    now = wiki.now_iso()
    folder = FolderRow(st.next_id("folders"), clean, clean, parent, now, now)
    st.folders[folder.id] = folder
    wiki.changed()


def asset_dict(asset: AssetRow) -> dict[str, Any]:
    return {
        "id": asset.id,
        "filename": asset.filename,
        "ext": asset.ext,
        "kind": asset.kind.upper(),
        "mime": asset.mime,
        "fileSize": asset.file_size,
        "metadata": None,
        "createdAt": asset.created_at,
        "updatedAt": asset.updated_at,
        "folder": None,
        "author": None,
    }


def list_assets(wiki: Wiki, user: Principal, folder_id: int, kind: str) -> list[dict[str, Any]]:
    folder = None if folder_id == 0 else folder_id
    prefix = "/".join(f.slug for f in hierarchy(wiki, folder))
    out = []
    for asset in wiki.state.assets.values():
        if asset.folder_id != folder or (kind != "ALL" and asset.kind != kind.lower()):
            continue
        path = f"{prefix}/{asset.filename}" if prefix else asset.filename
        if wiki.check_access(user, ["read:assets"], {"path": path}):
            out.append(asset_dict(asset))
    return out


def rename_asset(wiki: Wiki, user: Principal, asset_id: int, filename: str) -> None:
    st = wiki.state
    clean = sanitize_filename(filename).lower()
    asset = st.assets.get(asset_id)
    if asset is None:
        raise WikiError("AssetInvalid")
    if not clean.endswith(asset.ext):
        raise WikiError("AssetRenameInvalidExt")
    if asset.ext and len(clean) - len(asset.ext) < 1:
        raise WikiError("AssetRenameInvalid")
    if any(a.filename == clean and a.folder_id == asset.folder_id for a in st.assets.values()):
        raise WikiError("AssetRenameCollision")
    if not wiki.check_access(user, ["manage:assets"], {"path": asset_path(wiki, asset)}):
        raise WikiError("AssetRenameForbidden")
    asset.filename = clean
    asset.updated_at = wiki.now_iso()
    wiki.changed()


def delete_asset(wiki: Wiki, user: Principal, asset_id: int) -> None:
    asset = wiki.state.assets.get(asset_id)
    if asset is None:
        raise WikiError("AssetInvalid")
    if not wiki.check_access(user, ["manage:assets"], {"path": asset_path(wiki, asset)}):
        raise WikiError("AssetDeleteForbidden")
    del wiki.state.assets[asset_id]
    wiki.changed()


def store_upload(
    wiki: Wiki,
    user: Principal,
    folder_id: int | None,
    original_name: str,
    mime: str,
    data: bytes,
) -> AssetRow:
    """``assets.upload``: a new asset, or the same name in the same folder overwritten."""
    st = wiki.state
    filename = upload_filename(original_name)
    ext = posixpath.splitext(filename)[1]
    kind = "image" if mime.startswith("image/") else "binary"
    now = wiki.now_iso()
    existing = next(
        (a for a in st.assets.values() if a.filename == filename and a.folder_id == folder_id),
        None,
    )
    if existing is not None:
        existing.ext, existing.kind, existing.mime = ext, kind, mime
        existing.file_size, existing.data = len(data), data
        existing.author_id = user.id
        existing.updated_at = now
        wiki.changed()
        return existing
    asset = AssetRow(
        id=st.next_id("assets"),
        filename=filename,
        ext=ext,
        kind=kind,
        mime=mime,
        file_size=len(data),
        folder_id=folder_id,
        author_id=user.id,
        data=data,
        created_at=now,
        updated_at=now,
    )
    st.assets[asset.id] = asset
    wiki.changed()
    return asset


def find_asset(wiki: Wiki, url_path: str) -> AssetRow | None:
    """The asset served at ``/<folder slugs>/<filename>``."""
    parts = [unquote(p) for p in url_path.split("?", 1)[0].strip("/").split("/") if p]
    if not parts:
        return None
    *slugs, filename = parts
    parent: int | None = None
    for slug in slugs:
        folder = next(
            (f for f in wiki.state.folders.values() if f.parent_id == parent and f.slug == slug),
            None,
        )
        if folder is None:
            return None
        parent = folder.id
    return next(
        (a for a in wiki.state.assets.values() if a.folder_id == parent and a.filename == filename),
        None,
    )


def content_type_for(asset: AssetRow) -> str:
    """Express's ``res.type(ext)``: by extension, charset for text types."""
    guessed = mimetypes.guess_type(f"x{asset.ext}")[0] if asset.ext else None
    mime = guessed or asset.mime or "application/octet-stream"
    if mime.startswith("text/") or mime in ("application/javascript", "application/json"):
        mime += "; charset=utf-8"
    return mime
