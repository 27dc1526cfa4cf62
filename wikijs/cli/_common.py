"""What every ``wikijs`` command shares: options, the client, output, the error boundary."""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.table import Table

from wikijs import WikiJSClient, WikiJSError
from wikijs._logging import configure_logging

from ._help import HelpCommand, HelpGroup, examples, prose

__all__ = [
    "BoundaryGroup",
    "CLIError",
    "HelpGroup",
    "Output",
    "YesOpt",
    "command",
    "confirm",
    "examples",
    "connect",
    "jsonable",
    "prose",
    "print_json",
    "say",
]

_DEBUG = "wikijs.debug"
_HANDLER = "wikijs.log_handler"


class CLIError(Exception):
    """A problem the user can fix (a missing setting, a bad argument); no traceback."""


class _Stderr:
    """``sys.stderr`` as it is at each write (test runners swap it between commands)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def _debug(ctx: typer.Context, value: bool) -> bool:
    if value:
        ctx.meta[_DEBUG] = True
        ctx.meta[_HANDLER] = configure_logging("DEBUG", stream=_Stderr())  # type: ignore[arg-type]
    return value


JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print only JSON on stdout (messages go to stderr).")
]
UrlOpt = Annotated[
    str | None,
    typer.Option("--url", metavar="URL", help="The wiki's address (default: $WIKIJS_URL)."),
]
DebugOpt = Annotated[
    bool,
    typer.Option(
        "--debug",
        callback=_debug,
        is_eager=True,
        help="Log every request to stderr and show tracebacks.",
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


class BoundaryGroup(HelpGroup):
    """The root command group: the one place errors become ``Error: ...`` and exit 1.

    ``--debug`` lets them through with their traceback (locals are never shown, so a
    token cannot leak into it). SDK warnings are logged to stderr.
    """

    def invoke(self, ctx: Any) -> Any:
        sdk_logger = logging.getLogger("wikijs")
        level = sdk_logger.level
        ctx.meta[_HANDLER] = configure_logging("WARNING", stream=_Stderr())  # type: ignore[arg-type]
        try:
            return super().invoke(ctx)
        except (WikiJSError, CLIError, OSError, ValueError) as exc:
            if ctx.meta.get(_DEBUG):
                raise
            say(f"Error: {exc}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            say("Interrupted.")
            raise typer.Exit(130) from None
        finally:
            handler = ctx.meta.pop(_HANDLER, None)
            if handler is not None:
                sdk_logger.removeHandler(handler)
            sdk_logger.setLevel(level)


@contextlib.contextmanager
def connect(url: str | None) -> Iterator[WikiJSClient]:
    """A client from the environment (``WIKIJS_URL``, ``WIKIJS_API_KEY`` or
    ``WIKIJS_USERNAME``/``WIKIJS_PASSWORD``); ``--url`` overrides the URL."""
    overrides: dict[str, Any] = {"url": url} if url else {}
    try:
        client = WikiJSClient.from_env(**overrides)
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    with client:
        yield client


def say(message: str) -> None:
    """A message for people: always stderr, so stdout stays data."""
    print(message, file=sys.stderr, flush=True)


def confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; elsewhere require ``--yes``."""
    if yes:
        return
    if sys.stdin is None or not sys.stdin.isatty():
        raise CLIError(f"{question} Pass --yes to confirm (no terminal to ask on).")
    if not typer.confirm(question, err=True):
        raise typer.Exit(1)


def jsonable(value: Any) -> Any:
    """Models (and lists and dicts of them) as plain JSON data, snake_case keys."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    return value


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A rich table on a terminal; tab-separated lines (with a header) elsewhere."""
    console = Console(file=sys.stdout)
    if console.is_terminal:
        table = Table(*columns)
        for row in rows:
            table.add_row(*(_cell(value) for value in row))
        console.print(table)
        return
    lines = ["\t".join(columns)]
    lines.extend("\t".join(_cell(value).replace("\t", " ") for value in row) for row in rows)
    sys.stdout.write("\n".join(lines) + "\n")


@dataclass(frozen=True)
class Output:
    """What a command shows: ``data`` with ``--json``; otherwise a table (``columns`` and
    ``rows``) then ``after`` on stdout, and ``message`` on stderr. ``raw`` bytes go to
    stdout as they are, whatever the flags."""

    data: Any = None
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[Any]] = ()
    after: str = ""
    message: str = ""
    raw: bytes | None = None

    @classmethod
    def fields(cls, data: Any, fields: Sequence[tuple[str, Any]], after: str = "") -> Output:
        """A two-column field/value table."""
        return cls(data, ["field", "value"], [[name, value] for name, value in fields], after)

    def show(self, json_out: bool) -> None:
        if self.raw is not None:
            if json_out:
                raise CLIError("--json and raw output both want stdout; pick one")
            sys.stdout.buffer.write(self.raw)
            sys.stdout.flush()
        elif json_out:
            print_json(self.data)
        else:
            if self.columns:
                print_table(self.columns, self.rows)
            if self.after:
                sys.stdout.write(self.after)
            if self.message:
                say(self.message)


_COMMON_OPTIONS = [
    inspect.Parameter("url", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=UrlOpt),
    inspect.Parameter(
        "json_out", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=JsonOpt
    ),
    inspect.Parameter("debug", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=DebugOpt),
]


def command(
    app: typer.Typer, name: str, *lines: str
) -> Callable[[Callable[..., Output]], Callable[..., Output]]:
    """Register ``fn(wiki, ...) -> Output`` as a command of ``app``.

    The command gets ``--url``, ``--json`` and ``--debug``, a client opened from the
    environment (passed as ``wiki``), its output shown per ``--json``, and the example command ``lines``
    in its help. ``fn`` declares only its own arguments and options; one that needs to
    know whether ``--json`` was given declares a keyword ``json_out`` (not an option).
    """

    def register(fn: Callable[..., Output]) -> Callable[..., Output]:
        own = list(inspect.signature(fn, eval_str=True).parameters.values())[1:]
        wants_json = any(p.name == "json_out" for p in own)
        own = [p for p in own if p.name != "json_out"]

        @functools.wraps(fn)
        def run(*args: Any, url: str | None, json_out: bool, debug: bool, **kwargs: Any) -> None:
            if wants_json:
                kwargs["json_out"] = json_out
            with connect(url) as wiki:
                output = fn(wiki, *args, **kwargs)
            output.show(json_out)

        run.__signature__ = inspect.Signature([*own, *_COMMON_OPTIONS])  # type: ignore[attr-defined]
        run.__annotations__ = {p.name: p.annotation for p in run.__signature__.parameters.values()}  # type: ignore[attr-defined]
        del run.__wrapped__  # typer must see the signature above, not fn's
        app.command(name, cls=HelpCommand, help=prose(fn.__doc__ or ""), epilog=examples(*lines))(
            run
        )
        return fn

    return register
