"""Shared CLI plumbing: the error boundary, the client, output and progress."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Literal, NoReturn
from urllib.parse import urlsplit

import typer
import yaml

from wikisync._names import shown
from wikisync.engine import LoadedSource, load_directory
from wikisync.errors import ConfigError, GuardError, SourceError, StalePlanError, WikisyncError
from wikisync.local.config import Config
from wikisync.local.frontmatter import yaml_error_line, yaml_error_text
from wikisync.wiki.connect import Client, WikiError, connect, state_key_from
from wikisync.wiki.connect import configure_logging as _configure_logging
from wikisync.wiki.remote import Remote
from wikisync.wiki.state import HEAD_NAME

__all__ = [
    "EXIT_CHANGES",
    "EXIT_ERROR",
    "EXIT_GUARD",
    "EXIT_OK",
    "EXIT_STALE",
    "boundary",
    "check_plan_target",
    "err",
    "fail",
    "interactive",
    "load_content",
    "make_client",
    "state_key",
    "same_wiki",
    "use_color",
    "wiki_url",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_STALE = 3
EXIT_GUARD = 4

_SCHEME_RE = re.compile(r"^https?://[^/\s]+", re.IGNORECASE)
_USERINFO_RE = re.compile(r"^([a-z][a-z0-9+.-]*://)?[^/?#\s]*@", re.IGNORECASE)


def err(message: str) -> None:
    """A message for people: always stderr, so stdout stays data. Control, bidi and
    zero-width characters (from names) are escaped; line breaks are kept."""
    print("\n".join(shown(line) for line in message.split("\n")), file=sys.stderr, flush=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    err(f"Error: {message}")
    raise typer.Exit(code)


def interactive() -> bool:
    """Whether a person can answer a prompt (standard input may even be closed)."""
    return sys.stdin is not None and sys.stdin.isatty()


def use_color(no_color: bool, stream: IO[str] | None = None) -> bool:
    stream = stream or sys.stdout
    if no_color or os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def setup_logging(debug: bool) -> None:
    if debug:
        fmt: Literal["text", "json"] = (
            "json" if os.environ.get("WIKISYNC_LOG_FORMAT") == "json" else "text"
        )
        _configure_logging("DEBUG", fmt=fmt, stream=sys.stderr)
        _configure_logging("DEBUG", fmt=fmt, stream=sys.stderr, logger="wikisync")


@contextlib.contextmanager
def boundary(debug: bool = False) -> Iterator[None]:
    """The one place errors become `Error: ...` and an exit code. --debug re-raises."""
    try:
        yield
    except typer.Exit:
        raise
    except StalePlanError as exc:
        if debug:
            raise
        fail(shown(str(exc)), EXIT_STALE)
    except GuardError as exc:
        if debug:
            raise
        err("Error: a safety guard refused the plan; nothing was applied:")
        for violation in exc.violations:
            err(f"  - {shown(violation)}")
        raise typer.Exit(EXIT_GUARD) from None
    except (ConfigError, SourceError) as exc:
        if debug:
            raise
        fail(str(exc))  # one problem a line, each printed with its names escaped
    except (WikisyncError, WikiError) as exc:
        if debug:
            raise
        # One line: a line break in it came from a name, a file or the wiki's answer.
        fail(shown(str(exc)))
    except yaml.YAMLError as exc:  # a parser's failure that no reader turned into a problem
        if debug:
            raise
        fail(_parser_failure("YAML", exc, yaml_error_line(exc, 0), yaml_error_text(exc)))
    except json.JSONDecodeError as exc:
        if debug:
            raise
        fail(_parser_failure("JSON", exc, exc.lineno, exc.msg))
    except UnicodeDecodeError as exc:
        if debug:
            raise
        fail(f"a file is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at {exc.start})")
    except RecursionError:
        if debug:
            raise
        fail("the input is nested too deeply to read")
    except KeyboardInterrupt as exc:
        why = str(exc)  # what was running, when known (a content transform names itself)
        err(f"Interrupted: {shown(why)}." if why else "Interrupted.")
        raise typer.Exit(130) from None


def _parser_failure(kind: str, exc: Exception, line: int | None, text: str) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    name = getattr(mark, "name", None) or getattr(exc, "doc_name", None)
    source = name if isinstance(name, str) and not name.startswith("<") else "input"
    where = f"{source}:{line}" if line is not None else source
    return f"{where}: not valid {kind}: {text}"


def wiki_url(url: str | None) -> str:
    """The wiki's URL: ``--url`` if given, else ``WIKIJS_URL``; never from a file.

    Credentials are sent only to this URL: a saved plan, ``wikisync.yml`` or anything
    else read from a file cannot change where they go (see `check_plan_target`).
    """
    url = url or os.environ.get("WIKIJS_URL", "")
    if not url:
        fail("no wiki URL: set WIKIJS_URL or pass --url")
    if _USERINFO_RE.match(url):
        fail(
            f"the wiki URL must not contain a user name or password (got {_shown(url)!r}): "
            "put the API key in WIKIJS_API_KEY"
        )
    if not _SCHEME_RE.match(url):
        fail(f"the wiki URL must start with http:// or https:// (got {url!r})")
    return url.rstrip("/")


def _shown(url: str) -> str:
    """``url`` with any user name and password masked, for messages."""
    return _USERINFO_RE.sub(r"\1***@", url)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def _wiki_key(url: str) -> tuple[str, str, int | None, str, str] | None:
    """What names a wiki: scheme, host, port, path and query, normalised (``None``: not a URL).

    Scheme and host are case-insensitive, a default port is the same as none, a trailing
    ``/`` is the same as none. Host names are compared as written (no DNS):
    ``localhost`` and ``127.0.0.1`` are different wikis.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    if port is None:
        port = _DEFAULT_PORTS[scheme]
    return scheme, parts.hostname.lower(), port, parts.path.rstrip("/"), parts.query


def same_wiki(a: str, b: str) -> bool:
    """Whether two URLs name the same wiki (see `_wiki_key`)."""
    key = _wiki_key(a)
    return key is not None and key == _wiki_key(b)


def check_plan_target(target: Mapping[str, str], url: str, plan_file: str) -> None:
    """Refuse a saved plan made for another wiki than ``url``, before any request.

    The plan's ``target.url`` only says which wiki the plan was made for; the
    credentials go to ``url`` (``--url`` or ``WIKIJS_URL``) or nowhere.
    """
    planned = target.get("url", "")
    if not planned:
        fail(
            f"{plan_file}: the saved plan does not say which wiki it was made for "
            "(no target.url); make it again with `wikisync plan --out`. Nothing was applied."
        )
    if not same_wiki(planned, url):
        fail(
            f"{plan_file}: the saved plan was made for the wiki at {_shown(planned)!r}, "
            f"but WIKIJS_URL/--url is {url!r}; the credentials are sent only to the "
            "URL from the environment or --url. Plan against this wiki again "
            "(`wikisync plan --out`), or point WIKIJS_URL at the plan's wiki. "
            "Nothing was sent and nothing was applied."
        )


def load_content(directory: Path) -> LoadedSource:
    """``load_directory``, then what it loaded is left out of later garbage collections.

    The loaded pages live until the command ends; at tens of thousands of pages,
    scanning them again in every full collection costs more than planning them."""
    source = load_directory(directory)
    gc.collect()
    gc.freeze()
    return source


def state_key() -> bytes | None:
    """``WIKISYNC_STATE_KEY`` from the environment (``None``: unset)."""
    try:
        return state_key_from(os.environ)
    except WikisyncError as exc:
        fail(str(exc))


def make_client(url: str | None) -> Client:
    """A client from the environment; ``--url`` may override WIKIJS_URL."""
    url = wiki_url(url)
    try:
        return connect(url, os.environ)
    except WikisyncError as exc:
        fail(str(exc))


PUBLIC_STATE_WARNING = (
    "Warning: anyone can download wikisync's state from this wiki: {url} answered a "
    "request without credentials. It lists the wiki paths of the managed pages (unpublished "
    "ones included), their source files and the git commit. Add a page rule in the wiki: "
    "Administration > Groups > Guests > Page Rules: Deny read:assets on paths that start "
    "with _wikisync. (To hide this warning: quiet: [public-state] in wikisync.yml.)"
)


def warn_if_state_public(remote: Remote, config: Config) -> None:
    """Print the public-state warning when Guests can download the state's head (one
    request without credentials); never fails, silent under ``quiet: [public-state]``."""
    if "public-state" in config.quiet or not remote.state_is_public():
        return
    head = "/".join((remote.client.url.rstrip("/"), *remote.state_folder, HEAD_NAME))
    err(PUBLIC_STATE_WARNING.format(url=head))


logging.getLogger("wikisync").addHandler(logging.NullHandler())
