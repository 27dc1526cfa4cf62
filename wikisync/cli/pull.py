"""`wikisync pull`: write the wiki's pages into the content directory as files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wikisync._names import shown
from wikisync.cli._common import EXIT_ERROR, boundary, err, fail, make_client, setup_logging
from wikisync.local.config import load_settings
from wikisync.pull.write import PullItem
from wikisync.pull.write import pull as pull_pages
from wikisync.wiki.remote import Remote

HELP = """Write the pages wikisync manages (with --all: every page under root) into DIR.

Each page becomes a front-matter file that Wiki.js's Git storage reads too (title,
description, published, tags, editor; scripts and publish dates when set); links to
pulled pages and known assets become relative file links. `wikisync plan` right after
a pull reports no changes.

A page whose path would make a file outside DIR, or one some system cannot hold (`..`,
absolute paths, control characters, names over 255 bytes, CON or NUL, two files that
differ only in case), is refused and reported; nothing is written for it. A local file
with changes git does not hold is not overwritten without --force. Exits 1 when a page
was refused or a file kept."""

EXAMPLES = (
    "wikisync pull docs/",
    "wikisync pull docs/ --all --dry-run     # what an import of the whole root would write",
)

_SYMBOL = {"create": "+", "update": "~", "unchanged": "=", "kept": "!", "refused": "x"}


def _line(item: PullItem, dry_run: bool) -> str:
    return shown(_plain_line(item, dry_run))


def _plain_line(item: PullItem, dry_run: bool) -> str:
    symbol = _SYMBOL[item.action]
    if item.action in ("create", "update"):
        verb = ("would write" if dry_run else "wrote") + (" new" if item.action == "create" else "")
        return f"{symbol} {item.file} <- {item.where} ({verb})"
    if item.action == "unchanged":
        return f"{symbol} {item.file} <- {item.where} (unchanged)"
    return f"{symbol} {item.where}: {item.reason}"


def pull(
    directory: Annotated[Path, typer.Argument(help="The content directory.", metavar="DIR")] = Path(
        "."
    ),
    all_pages: Annotated[
        bool, typer.Option("--all", help="Every page under root, not only managed ones.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Overwrite local files with changes git does not hold."),
    ] = False,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help="The wiki's address (default: $WIKIJS_URL)."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log every request to stderr and show tracebacks.")
    ] = False,
) -> None:
    setup_logging(debug)
    with boundary(debug):
        if directory.exists() and not directory.is_dir():
            fail(f"{directory}: not a directory")
        config, flavor = load_settings(directory)
        with make_client(url) as client:
            err(flavor.describe())
            remote = Remote(client, root=config.root, locale=config.locale)
            report = pull_pages(
                flavor.directory or directory,
                remote,
                config,
                all_pages=all_pages,
                force=force,
                dry_run=dry_run,
            )
        for note in report.notes:
            err(f"Note: {shown(note)}")
        for item in report.items:
            if item.action in ("kept", "refused"):
                err(("Refused: " if item.action == "refused" else "Kept: ") + _line(item, dry_run))
            else:
                print(_line(item, dry_run))
        print(report.summary_line())
        if not report.ok:
            if report.count("kept"):
                err("Local files with changes were kept; pass --force to overwrite them.")
            raise typer.Exit(EXIT_ERROR)
