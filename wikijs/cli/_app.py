"""The ``wikijs`` command: the root group, its options and its subcommands."""

from __future__ import annotations

from typing import Annotated

import typer

from wikijs._version import __version__

from . import _accounts, _assets, _export, _pages
from ._common import BoundaryGroup, command
from ._help import examples, prose

__all__ = ["app", "main"]

app = typer.Typer(
    name="wikijs",
    cls=BoundaryGroup,
    help=prose(
        """Work with a Wiki.js 2.x wiki from the command line: pages, assets, users,
        groups, exports.

        Credentials come from the environment only: WIKIJS_URL and WIKIJS_API_KEY (or
        WIKIJS_USERNAME and WIKIJS_PASSWORD); --url overrides the URL. Every command
        takes --json (only JSON on stdout) and --debug. Errors print `Error: ...` on
        stderr and exit 1."""
    ),
    epilog=examples(
        "export WIKIJS_URL=https://wiki.example.com WIKIJS_API_KEY=...",
        "wikijs info",
        "wikijs pages list --tag ops",
        "wikijs export pages --format md --output docs/",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"wikijs {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Work with a Wiki.js 2.x wiki from the command line."""


app.add_typer(_pages.app, name="pages")
app.add_typer(_assets.app, name="assets")
app.add_typer(_accounts.users_app, name="users")
app.add_typer(_accounts.groups_app, name="groups")
app.add_typer(_export.app, name="export")
command(app, "info", "wikijs info", "wikijs info --json | jq -r .system.current_version")(
    _accounts.info
)


def main() -> None:
    """The console script."""
    app()
