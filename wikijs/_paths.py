"""Page path rules: what Wiki.js refuses, and what its web UI can never open.

Two sets of rules apply to a page path (Wiki.js 2.5, see ``tests/data/path-rules-results.json``):

1. **The server** (``pages.create`` / ``pages.move``) answers ``6005 PageIllegalPath`` only
   for a path containing ``.``, a space, ``\\`` or ``//``. It strips one leading and one
   trailing ``/`` and stores everything else as sent: ``login``, ``a``, ``en/x``,
   ``_assets/x``, ``x?y=1``, tabs, newlines, even ``""``.
2. **The web UI** parses the URL before looking a page up: it drops control characters
   (``\\x00-\\x1f``, ``\\x80-\\x9f``) and ``\\ " | < > : * ?``; it takes a first segment of
   two letters (or ``xx-yy``) as a locale; it drops a one-character first segment (those
   are the ``/a``, ``/e``, ``/h``, ``/i``, ``/p``, ``/s``, ``/t`` ... routes); and it refuses
   to create pages under its reserved first segments. A page stored at such a path exists
   but no link in the wiki can ever reach it.

[`validate_path`][wikijs.validate_path] reports both kinds of problems; [`check_path`][wikijs.check_path] raises
[`IllegalPathError`][wikijs.IllegalPathError]. The SDK calls ``check_path`` before every create and
move, so an unreachable page is never written.

Beyond Wiki.js's own reserved list (``login logout register verify favicons fonts img js
svg``) these first segments are refused because a route of the application answers them
before the page router does: ``graphql`` (the API endpoint, mounted as a prefix),
``_assets`` (static files, mounted as a prefix), ``healthz`` (health check),
``_userav`` (``/_userav/:uid`` avatars) and ``login-reset`` (``/login-reset/:token``).
Treating the whole first segment as reserved keeps the rule as simple as Wiki.js's own
``isReservedPath``.

The SDK does *not* strip slashes: a leading or trailing ``/`` is reported, because the
server would store a different path than the one sent (``x/`` is stored as ``x``), and a
caller that later looks the page up by the path it sent would not find it.
"""

from __future__ import annotations

import re

from ._errors import IllegalPathError

__all__ = [
    "MAX_PATH_LENGTH",
    "RESERVED_FIRST_SEGMENTS",
    "check_path",
    "split_locale",
    "validate_path",
]

#: ``pages.path`` is ``varchar(255)``: longer paths fail with raw SQL text (errorCode 1).
MAX_PATH_LENGTH = 255

#: First path segments the UI or the application's routes own (see the module docstring).
RESERVED_FIRST_SEGMENTS: frozenset[str] = frozenset(
    {
        # Wiki.js's own ``reservedPaths`` (server/app/data.yml)
        "login",
        "logout",
        "register",
        "verify",
        "favicons",
        "fonts",
        "img",
        "js",
        "svg",
        # routes of the application that answer before the page router
        "graphql",
        "healthz",
        "_assets",
        "_userav",
        "login-reset",
    }
)

# The server's 6005 rule (checked before it strips slashes).
_SERVER_ILLEGAL = ((".", "'.'"), (" ", "a space"), ("\\", "'\\'"), ("//", "'//'"))
# Characters the UI's URL parser removes (unsafeCharsRegex in server/helpers/page.js),
# except backslash, which the server rule already covers.
_UI_DROPPED_CHARS = '"|<>:*?'
_CONTROL = re.compile(r"[\x00-\x1f\x80-\x9f]")
_LOCALE_SEGMENT = re.compile(r"^[A-Za-z]{2}(-[A-Za-z]{2})?$")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def validate_path(path: str) -> list[str]:
    """Return the problems of a page path (without locale); an empty list means it is fine.

    Each problem is one short sentence that says what is wrong and why it matters::

        >>> validate_path("docs/setup")
        []
        >>> validate_path("en/setup")
        ["first segment 'en' looks like a locale: the web UI would open page 'setup' in locale 'en'"]
    """
    problems: list[str] = []
    if path == "":
        return ["path is empty: the web UI opens 'home' for an empty path"]

    # -- what the server refuses (6005 PageIllegalPath) --------------------------------
    for needle, name in _SERVER_ILLEGAL:
        if needle in path:
            problems.append(f"contains {name}: Wiki.js refuses it")

    # -- what the server silently changes ----------------------------------------------
    if path.startswith("/") and not path.startswith("//"):
        problems.append("starts with '/': Wiki.js strips it and stores a different path")
    if path.endswith("/") and not path.endswith("//"):
        problems.append("ends with '/': Wiki.js strips it and stores a different path")
    if len(path) > MAX_PATH_LENGTH:
        problems.append(f"is {len(path)} characters long: Wiki.js stores at most {MAX_PATH_LENGTH}")

    # -- what the web UI cannot reach ------------------------------------------------------
    controls = sorted({repr(c) for c in _CONTROL.findall(path)})
    if controls:
        problems.append(
            f"contains control characters ({', '.join(controls)}): the web UI drops them"
        )
    dropped = [c for c in _UI_DROPPED_CHARS if c in path]
    if dropped:
        shown = " ".join(dropped)
        problems.append(f"contains {shown}: the web UI drops these characters from URLs")
    if "#" in path:
        problems.append("contains '#': a browser never sends what follows it")
    if _PERCENT_ESCAPE.search(path):
        problems.append("contains a %XX escape: the web UI decodes it to another path")
    if path != path.strip():
        problems.append("starts or ends with whitespace: the web UI trims it")

    segments = path.strip("/").split("/")
    first = segments[0]
    if first:
        if len(first) == 1:
            problems.append(
                f"first segment {first!r} has one character: the web UI drops it "
                "(one-letter routes such as /a, /e, /h, /s, /t belong to the app)"
            )
        elif _LOCALE_SEGMENT.match(first):
            rest = "/".join(segments[1:]) or "home"
            problems.append(
                f"first segment {first!r} looks like a locale: the web UI would open "
                f"page {rest!r} in locale {first.lower()!r}"
            )
        if first in RESERVED_FIRST_SEGMENTS:
            problems.append(f"first segment {first!r} is reserved by Wiki.js")
    for segment in segments:
        if segment and segment.strip() == "":
            problems.append("has a segment made only of whitespace: the web UI skips it")
            break
    return problems


def check_path(path: str) -> None:
    """Raise [`IllegalPathError`][wikijs.IllegalPathError] if [`validate_path`][wikijs.validate_path] finds a problem."""
    problems = validate_path(path)
    if problems:
        raise IllegalPathError(path, problems)


def split_locale(path: str, locale: str | None = None, default: str = "en") -> tuple[str, str]:
    """The ``(locale, path)`` a page path names, in the forms wikisync and Wiki.js print.

    * ``locale`` given: ``path`` is the page path in that locale, as stored (so a page
      stored at the literal path ``en/x`` by another tool is ``("en/x", locale="en")``);
      ``/<locale>/<path>`` is also accepted if its locale agrees.
    * ``locale`` omitted: ``/<locale>/<path>`` (a leading ``/``: the first segment *is*
      the locale, as in the wiki's URLs and wikisync's plan), ``<locale>/<path>`` when the
      first segment looks like a locale code (two letters or ``xx-yy``: the web UI reads
      it as the locale, and [`check_path`][wikijs.check_path] refuses to create such a path), or a plain
      path in ``default``.

    Raises ``ValueError`` naming the expected form when the path cannot be read that way.
    """
    if path.startswith("/"):
        first, _, rest = path[1:].partition("/")
        if not _LOCALE_SEGMENT.match(first):
            raise ValueError(
                f"{path!r}: a path with a leading '/' is '/<locale>/<path>' (such as "
                f"'/en/handbook/setup'), and {first!r} is not a locale code; pass the path "
                "without the leading '/' (and locale=... for a locale other than "
                f"{default!r})"
            )
        named = first.lower()
        if locale is not None and locale != named:
            raise ValueError(
                f"{path!r} names locale {named!r} but locale={locale!r} was passed; pass "
                f"either {path!r} alone or {rest or 'home'!r} with locale={locale!r}"
            )
        return named, rest.rstrip("/") or "home"
    if locale is not None:
        return locale, path
    first, sep, rest = path.partition("/")
    if sep and rest and _LOCALE_SEGMENT.match(first):
        return first.lower(), rest
    return default, path
