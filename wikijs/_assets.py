"""The asset library: folders, uploads, downloads, renames and deletes.

Uploads go through Wiki.js's REST endpoint (``POST /u``, one file per request, at most
5,242,880 bytes); everything else is GraphQL. The server renames uploaded files
([`asset_filename`][wikijs.asset_filename] predicts how) and answers a bare ``ok``, so [`AssetsAPI.upload`][wikijs.AssetsAPI.upload]
finds the new asset by listing its folder. Folder slugs are sanitised the same way
([`asset_folder_slug`][wikijs.asset_folder_slug]), and an asset is served at ``/<folder slugs>/<filename>``.
"""

from __future__ import annotations

import mimetypes
import os
import re
from pathlib import Path

from wikijs._errors import (
    AssetFolderExistsError,
    AuthenticationError,
    ForbiddenError,
    InvalidResponseError,
    NotFoundError,
    PayloadTooLargeError,
)
from wikijs._flow import Flow, M, Resource, Runner, download, execute, flow, upload
from wikijs._graphql import assets as gql
from wikijs._graphql._executor import Operation
from wikijs.models._assets import Asset, AssetFolder

__all__ = ["MAX_UPLOAD_SIZE", "AssetsAPI", "asset_filename", "asset_folder_slug"]

#: Wiki.js refuses uploads larger than this many bytes (its default ``uploadMaxFileSize``).
MAX_UPLOAD_SIZE = 5_242_880

# What the npm ``sanitize-filename`` package (used by Wiki.js) removes.
_ILLEGAL = re.compile(r'[/?<>\\:*|"]')
_CONTROL = re.compile(r"[\x00-\x1f\x80-\x9f]")
_RESERVED = re.compile(r"^\.+$")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_WINDOWS_TRAILING = re.compile(r"[. ]+$")
_UPLOAD_SEPARATORS = re.compile(r"[\s,;#]+")


def _sanitize(name: str) -> str:
    name = _ILLEGAL.sub("", name)
    name = _CONTROL.sub("", name)
    name = _RESERVED.sub("", name)
    name = _WINDOWS_RESERVED.sub("", name)
    name = _WINDOWS_TRAILING.sub("", name)
    # Truncated to 255 bytes of UTF-8, never splitting a character.
    return name.encode("utf-8")[:255].decode("utf-8", errors="ignore")


def asset_filename(name: str) -> str:
    """The file name Wiki.js stores an upload called ``name`` under.

    Lowercased; each run of whitespace, ``,``, ``;`` or ``#`` becomes ``_``; then the
    characters ``/ ? < > \\ : * | "`` and control characters are removed, as are
    trailing dots and spaces and names Windows reserves (``con``, ``nul.txt``...);
    at most 255 bytes. ``"Pixel 669512.PNG"`` -> ``"pixel_669512.png"``. An empty result
    means the server would reject the name.
    """
    return _sanitize(_UPLOAD_SEPARATORS.sub("_", name.lower()))


def asset_folder_slug(slug: str) -> str:
    """The slug Wiki.js stores for a folder created as ``slug``.

    The same character rules as [`asset_filename`][wikijs.asset_filename], then lowercased; whitespace is
    kept. ``"Bad Slug/669512"`` -> ``"bad slug669512"``.
    """
    return _sanitize(slug).lower()


def _guess_mime(filename: str) -> str:
    guessed, _ = mimetypes.guess_type(filename, strict=False)
    return guessed or "application/octet-stream"


class AssetsAPI(Resource[M]):
    """``client.assets``: the wiki's media library.

    Remembers every folder it has seen (id -> parent and slug), so building a folder's
    path rarely needs a request.
    """

    def __init__(self, runner: Runner[M]) -> None:
        super().__init__(runner)
        self._folders: dict[int, AssetFolder] = {}

    # -- folders ---------------------------------------------------------------------------

    @flow
    def folders(self, parent_id: int = 0) -> Flow[list[AssetFolder]]:
        """The folders directly inside folder ``parent_id`` (0 = the root)."""
        op = "assets.folders"
        data = yield from execute(Operation(op, gql.FOLDERS, {"parentFolderId": parent_id}))
        found = gql.parse_folders(data, parent_id, op)
        for folder in found:
            self._folders[folder.id] = folder
        return found

    @flow
    def create_folder(
        self, slug: str, *, parent_id: int = 0, name: str | None = None
    ) -> Flow[AssetFolder | None]:
        """Create a folder inside ``parent_id``; return it (None if it cannot be found
        right after).

        The server stores [`asset_folder_slug`][wikijs.asset_folder_slug] of ``slug`` and uses it as the name
        too. Raises ``AssetFolderExistsError`` if the parent already has a
        folder with that slug.
        """
        stored = asset_folder_slug(slug)
        if not stored:
            raise ValueError(f"asset folder slug {slug!r} is empty once sanitised")
        op = "assets.create_folder"
        variables: dict[str, object] = {"parentFolderId": parent_id, "slug": stored}
        if name is not None:
            variables["name"] = name
        data = yield from execute(Operation(op, gql.CREATE_FOLDER, variables, mutation=True))
        gql.check_write(data, "createFolder", op)
        return (yield from self._find_folder(parent_id, stored))

    def _find_folder(self, parent_id: int, slug: str) -> Flow[AssetFolder | None]:
        for folder in (yield from AssetsAPI.folders.flow(self, parent_id)):
            if folder.slug == slug:
                return folder
        return None

    @flow
    def folder_path(self, folder_id: int) -> Flow[str]:
        """The slugs from the root down to ``folder_id``, joined with ``/`` ("" for 0)."""
        parts: list[str] = []
        current = folder_id
        seen: set[int] = set()
        while current != 0:
            if current in seen:
                raise InvalidResponseError(
                    f"asset folder {folder_id} is inside a folder cycle",
                    operation="assets.folder_path",
                )
            seen.add(current)
            folder = self._folders.get(current) or (yield from self._locate(current))
            parts.append(folder.slug)
            current = folder.parent_id
        return "/".join(reversed(parts))

    def _locate(self, folder_id: int) -> Flow[AssetFolder]:
        """Walk the folder tree breadth-first until ``folder_id`` shows up."""
        queue = [0]
        visited: set[int] = set()
        while queue:
            parent = queue.pop(0)
            if parent in visited:
                continue
            visited.add(parent)
            for folder in (yield from AssetsAPI.folders.flow(self, parent)):
                if folder.id == folder_id:
                    return folder
                queue.append(folder.id)
        raise NotFoundError(
            f"asset folder {folder_id} does not exist", operation="assets.folder_path"
        )

    @flow
    def ensure_folder(self, path: str) -> Flow[int]:
        """The id of the folder at ``path`` (``"handbook/images"``), creating missing ones.

        Each segment is turned into the slug the server would store
        ([`asset_folder_slug`][wikijs.asset_folder_slug]); ``""`` or ``"/"`` is the root (0).
        """
        parent = 0
        for segment in (s for s in path.strip("/").split("/") if s):
            slug = asset_folder_slug(segment)
            if not slug:
                raise ValueError(f"asset folder path {path!r}: segment {segment!r} is empty")
            folder = yield from self._find_folder(parent, slug)
            if folder is None:
                try:
                    folder = yield from AssetsAPI.create_folder.flow(self, slug, parent_id=parent)
                except AssetFolderExistsError:  # created meanwhile by someone else
                    folder = yield from self._find_folder(parent, slug)
            if folder is None:
                raise InvalidResponseError(
                    f"asset folder {slug!r} was created but is not listed",
                    operation="assets.create_folder",
                )
            parent = folder.id
        return parent

    # -- files -----------------------------------------------------------------------------

    @flow
    def list(self, folder_id: int = 0, kind: str = "ALL") -> Flow[list[Asset]]:
        """The assets in ``folder_id``; ``kind`` is ``ALL``, ``IMAGE`` or ``BINARY``."""
        wanted = kind.upper()
        if wanted not in gql.KINDS:
            raise ValueError(f"asset kind must be one of {', '.join(gql.KINDS)}, not {kind!r}")
        op = "assets.list"
        data = yield from execute(Operation(op, gql.LIST, {"folderId": folder_id, "kind": wanted}))
        return gql.parse_list(data, folder_id, op)

    @flow
    def upload(
        self,
        path_or_bytes: str | os.PathLike[str] | bytes,
        *,
        filename: str | None = None,
        folder_id: int = 0,
        mime: str | None = None,
    ) -> Flow[Asset]:
        """Upload a file (a path, or bytes with ``filename``) into ``folder_id``.

        The size limit is checked before anything is sent
        (``PayloadTooLargeError``). The server stores the file as
        [`asset_filename`][wikijs.asset_filename] of the name and overwrites an asset of the same name in
        that folder. Returns the stored asset (read back with one ``list`` of the folder;
        [`put`][wikijs.AssetsAPI.put] skips that).
        """
        source, stored = yield from self._send(path_or_bytes, filename, folder_id, mime)
        for asset in (yield from AssetsAPI.list.flow(self, folder_id)):
            if asset.filename == stored:
                return asset
        raise InvalidResponseError(
            f"{source} was uploaded as {stored!r} but folder {folder_id} does not list it",
            operation="assets.upload",
        )

    @flow
    def put(
        self,
        path_or_bytes: str | os.PathLike[str] | bytes,
        *,
        filename: str | None = None,
        folder_id: int = 0,
        mime: str | None = None,
    ) -> Flow[str]:
        """Upload like [`upload`][wikijs.AssetsAPI.upload], without reading the folder back:
        one request. Returns the file name the server stores it under."""
        _, stored = yield from self._send(path_or_bytes, filename, folder_id, mime)
        return stored

    def _send(
        self,
        path_or_bytes: str | os.PathLike[str] | bytes,
        filename: str | None,
        folder_id: int,
        mime: str | None,
    ) -> Flow[tuple[str, str]]:
        op = "assets.upload"
        if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
            if not filename:
                raise ValueError("upload(bytes) needs a filename")
            source = filename
            content = bytes(path_or_bytes)
            _check_size(len(content), source, op)
        else:
            file = Path(path_or_bytes)
            source = str(file)
            _check_size(file.stat().st_size, source, op)
            content = file.read_bytes()
            _check_size(len(content), source, op)
        stored = asset_filename(filename or Path(source).name)
        if not stored:
            raise ValueError(f"{source}: the file name is empty once sanitised")
        yield from upload(folder_id, stored, content, mime or _guess_mime(stored))
        return source, stored

    @flow
    def asset_path(self, asset: Asset) -> Flow[str]:
        """The URL path the wiki serves ``asset`` at (``/<folder slugs>/<filename>``)."""
        folder = yield from AssetsAPI.folder_path.flow(self, asset.folder_id)
        return f"/{folder}/{asset.filename}" if folder else f"/{asset.filename}"

    @flow
    def download(self, path: str, *, max_bytes: int | None = None) -> Flow[bytes]:
        """The bytes of the asset served at ``path`` (``"/handbook/logo.png"``).

        With ``max_bytes``, an asset larger than that raises ``PayloadTooLargeError``
        after at most that many bytes were read (the rest is never received)."""
        return (yield from download("/" + path.lstrip("/"), max_bytes=max_bytes))

    @flow
    def readable_by_guests(self, path: str) -> Flow[bool]:
        """Whether a request without credentials (a Guest) can download the asset served at
        ``path``: one ``GET`` with no credentials. A fresh Wiki.js gives Guests
        ``read:assets`` on every path; a page rule denying it answers 403.

        Raises ``HTTPStatusError`` (404) when nothing is served at ``path``."""
        try:
            yield from download("/" + path.lstrip("/"), anonymous=True)
        except (ForbiddenError, AuthenticationError):
            return False
        return True

    @flow
    def rename(self, asset_id: int, filename: str) -> Flow[None]:
        """Rename an asset; the extension cannot change (AssetRenameInvalidExtError)."""
        op = "assets.rename"
        data = yield from execute(
            Operation(op, gql.RENAME, {"id": asset_id, "filename": filename}, mutation=True)
        )
        gql.check_write(data, "renameAsset", op)

    @flow
    def delete(self, asset_id: int) -> Flow[None]:
        """Delete an asset (AssetInvalidError if it does not exist)."""
        op = "assets.delete"
        data = yield from execute(Operation(op, gql.DELETE, {"id": asset_id}, mutation=True))
        gql.check_write(data, "deleteAsset", op)


def _check_size(size: int, source: str, operation: str) -> None:
    if size > MAX_UPLOAD_SIZE:
        raise PayloadTooLargeError(
            f"{source}: {size:,} bytes is over the upload limit of {MAX_UPLOAD_SIZE:,} bytes",
            size=size,
            limit=MAX_UPLOAD_SIZE,
            operation=operation,
            status=None,
        )
