"""``wikijs assets ...``: list, upload, download and delete files of the media library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wikijs import Asset, WikiJSClient, asset_folder_slug

from ._common import CLIError, HelpGroup, Output, YesOpt, command, confirm, examples

__all__ = ["app"]

app = typer.Typer(
    name="assets",
    help="The wiki's media library (images and files).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=HelpGroup,
    epilog=examples(
        "wikijs assets list --folder handbook/images",
        "wikijs assets upload logo.png --folder handbook/images",
    ),
)

FolderOpt = Annotated[
    str,
    typer.Option(
        "--folder",
        metavar="FOLDER",
        help="An asset folder: its path ('handbook/images') or id; '' is the root.",
    ),
]


def _find_folder(wiki: WikiJSClient, folder: str) -> int:
    """The id of an existing folder given as an id or a path (nothing is created)."""
    text = folder.strip().strip("/")
    if text.isdigit():
        return int(text)
    parent = 0
    for segment in (s for s in text.split("/") if s):
        slug = asset_folder_slug(segment)
        match = next((f for f in wiki.assets.folders(parent) if f.slug == slug), None)
        if match is None:
            raise CLIError(f"no asset folder {text!r} (no {slug!r} in folder {parent})")
        parent = match.id
    return parent


_COLUMNS = ["id", "filename", "kind", "bytes", "url", "updated"]


def _listing(wiki: WikiJSClient, assets: list[Asset], message: str = "") -> Output:
    urls = [wiki.assets.asset_path(a) for a in assets]
    return Output(
        [{**a.model_dump(mode="json"), "url": url} for a, url in zip(assets, urls, strict=True)],
        _COLUMNS,
        [
            [a.id, a.filename, a.kind, a.file_size, url, a.updated_at]
            for a, url in zip(assets, urls, strict=True)
        ],
        message=message,
    )


@command(
    app,
    "list",
    "wikijs assets list",
    "wikijs assets list --folder handbook/images",
    "wikijs assets list --kind image --json",
)
def list_assets(
    wiki: WikiJSClient,
    folder: FolderOpt = "",
    kind: Annotated[
        str, typer.Option("--kind", metavar="KIND", help="all, image or binary.")
    ] = "all",
) -> Output:
    """List the files of one asset folder, and its subfolders."""
    folder_id = _find_folder(wiki, folder)
    listing = _listing(wiki, wiki.assets.list(folder_id, kind=kind))
    folders = wiki.assets.folders(folder_id)
    names = ", ".join(f"{f.slug} ({f.id})" for f in folders)
    return Output(
        {"folder_id": folder_id, "folders": folders, "assets": listing.data},
        listing.columns,
        listing.rows,
        message=f"folders: {names}" if folders else "",
    )


@command(
    app,
    "upload",
    "wikijs assets upload logo.png",
    "wikijs assets upload img/*.png --folder handbook/images",
)
def upload_assets(
    wiki: WikiJSClient,
    files: Annotated[
        list[Path],
        typer.Argument(help="The files to upload.", metavar="FILE", exists=True, dir_okay=False),
    ],
    folder: Annotated[
        str,
        typer.Option(
            "--folder", metavar="FOLDER", help="The folder's path; missing folders are created."
        ),
    ] = "",
) -> Output:
    """Upload files (at most 5 MiB each). Wiki.js lowercases names and replaces a file
    of the same name."""
    folder_id = wiki.assets.ensure_folder(folder)
    return _listing(wiki, [wiki.assets.upload(file, folder_id=folder_id) for file in files])


@command(
    app,
    "download",
    "wikijs assets download /handbook/images/logo.png",
    "wikijs assets download /logo.png --output - > logo.png",
)
def download_asset(
    wiki: WikiJSClient,
    path: Annotated[
        str, typer.Argument(help="The asset's URL path ('/handbook/logo.png').", metavar="PATH")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Where to write it (default: its name here; '-': stdout).",
        ),
    ] = None,
) -> Output:
    """Download one asset."""
    target = output if output is not None else Path(path.rstrip("/").rsplit("/", 1)[-1])
    if not target.name:
        raise CLIError(f"cannot name a file after {path!r}; pass --output")
    content = wiki.assets.download(path)
    if str(target) == "-":
        return Output(raw=content)
    target.write_bytes(content)
    data = {"path": path, "output": str(target), "bytes": len(content)}
    return Output(data, message=f"Wrote {len(content)} bytes to {target}")


@command(app, "delete", "wikijs assets delete 12", "wikijs assets delete 12 --yes")
def delete_asset(
    wiki: WikiJSClient,
    asset_id: Annotated[int, typer.Argument(help="The asset's id.", metavar="ID")],
    yes: YesOpt = False,
) -> Output:
    """Delete an asset."""
    confirm(f"Delete asset {asset_id}?", yes)
    wiki.assets.delete(asset_id)
    return Output({"deleted": asset_id}, message=f"Deleted asset {asset_id}")
