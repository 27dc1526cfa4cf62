"""Asset models: folders and files of the wiki's media library."""

from __future__ import annotations

from datetime import datetime

from ._common import WikiModel, parse_datetime

__all__ = ["Asset", "AssetFolder"]


class AssetFolder(WikiModel):
    """A folder of the asset library (``assets.folders``). Folder 0 is the root.

    The server stores the sanitised, lowercased ``slug`` as the ``name`` too.
    """

    id: int
    slug: str
    name: str | None = None
    parent_id: int = 0


class Asset(WikiModel):
    """A file of the asset library (``assets.list``).

    ``kind`` is ``IMAGE`` or ``BINARY`` (from the MIME type at upload), ``ext`` includes
    the dot (``".png"``). ``folder_id`` is the folder the asset was listed from (the
    server does not report it). ``created_at``/``updated_at`` keep the server's ISO strings.
    """

    id: int
    filename: str
    ext: str = ""
    kind: str = ""
    mime: str = ""
    file_size: int = 0
    metadata: str | None = None
    created_at: str = ""
    updated_at: str = ""
    folder_id: int = 0

    @property
    def created(self) -> datetime:
        """``created_at`` as an aware UTC datetime."""
        return parse_datetime(self.created_at)

    @property
    def updated(self) -> datetime:
        """``updated_at`` as an aware UTC datetime."""
        return parse_datetime(self.updated_at)
