"""The `wikisync` command line: validate, plan, apply, pull (and a demo).

Each command lives in its own module and stays thin: it parses options, calls the
engine, renders, and maps errors to exit codes through one boundary
(``wikisync.cli._common.boundary``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType
from typing import Annotated

import typer

from wikijs.cli._help import HelpCommand, HelpGroup, examples, prose
from wikisync._version import __version__
from wikisync.cli import apply as _apply
from wikisync.cli import demo as _demo
from wikisync.cli import plan as _plan
from wikisync.cli import pull as _pull
from wikisync.cli import validate as _validate
from wikisync.local.flavors import DETECTION_ORDER, FLAVORS

__all__ = ["app", "main"]

_FLAVOR_NAMES = ", ".join(
    [
        *(n for n in DETECTION_ORDER if n in FLAVORS),
        *(n for n in FLAVORS if n not in DETECTION_ORDER),
    ]
)

app = typer.Typer(
    name="wikisync",
    cls=HelpGroup,
    help=prose(
        """Docs-as-code for Wiki.js: plan and apply a directory of Markdown files to a wiki.

        Credentials come from the environment: WIKIJS_URL and WIKIJS_API_KEY (or
        WIKIJS_USERNAME and WIKIJS_PASSWORD).

        Flavors, the docs generators' conventions a tree can follow (flavor: in
        wikisync.yml; detected from the generator's settings files by default): """
        + _FLAVOR_NAMES
        + """.

        Exit codes: 0 ok / no changes, 1 error, 2 changes present (plan
        --detailed-exitcode), 3 saved plan is stale, 4 a safety guard refused."""
    ),
    epilog=examples(
        "wikisync validate docs/                 # offline checks, no wiki needed",
        "wikisync plan docs/                     # what apply would change",
        "wikisync apply docs/                    # change it (asks first)",
        "wikisync pull docs/ --all --dry-run     # what an import of the wiki would write",
        "wikisync demo                           # the whole flow against a local emulator",
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        print(f"wikisync {__version__}")
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
    """Docs-as-code for Wiki.js."""


def _register(name: str, module: ModuleType, function: Callable[..., None]) -> None:
    app.command(name, cls=HelpCommand, help=prose(module.HELP), epilog=examples(*module.EXAMPLES))(
        function
    )


_register("validate", _validate, _validate.validate)
_register("plan", _plan, _plan.plan)
_register("apply", _apply, _apply.apply)
_register("pull", _pull, _pull.pull)
_register("demo", _demo, _demo.demo)


def main() -> None:
    """Run the CLI. A usage error exits 1: exit code 2 means "changes present"."""
    command = typer.main.get_command(app)
    try:
        code = command.main(prog_name="wikisync", standalone_mode=False)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:
        # The argument parser's own errors (unknown option, missing argument) carry
        # `show()` and `exit_code`; click uses 2 for them, which wikisync reserves.
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if not callable(show) or not isinstance(exit_code, int):
            raise
        show()
        sys.exit(1 if exit_code == 2 else exit_code)
    sys.exit(code if isinstance(code, int) else 0)
