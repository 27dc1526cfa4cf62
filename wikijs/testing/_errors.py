"""Errors shaped like the ones a Wiki.js 2.5 server raises, and JavaScript look-alikes.

The emulator raises these inside resolvers; ``_graphql`` turns them into the
``errors[].extensions.exception`` objects the real server sends, and
``response_result`` into ``responseResult`` objects::

    EmulatedError                 anything the real server would raise
    ├── WikiError                 WIKI.Error.* (custom-error-instance): has a Wiki.js code
    ├── JSError                   a plain JS Error / TypeError / knex error (errorCode 1)
    └── GraphQLJSError            a GraphQLError raised by graphql-js or a resolver

Stack traces are short fakes; they only have to look like the real ones.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: Wiki.js 2.5 error classes used by the emulator: name -> (code, message).
WIKI_ERRORS: dict[str, tuple[int, str]] = {
    "AssetGenericError": (2001, "An unexpected error occured during asset operation."),
    "AssetFolderExists": (2002, "An asset folder with the same name already exists."),
    "AssetDeleteForbidden": (2003, "You are not authorized to delete this asset."),
    "AssetInvalid": (2004, "This asset does not exist or is invalid."),
    "AssetRenameCollision": (
        2005,
        "An asset with the same filename in the same folder already exists.",
    ),
    "AssetRenameForbidden": (2006, "You are not authorized to rename this asset."),
    "AssetRenameInvalid": (2007, "The new asset filename is invalid."),
    "AssetRenameInvalidExt": (2008, "The file extension cannot be changed on an existing asset."),
    "AssetRenameTargetForbidden": (
        2009,
        "You are not authorized to rename this asset to the requested name.",
    ),
    "AuthGenericError": (1001, "An unexpected error occured during login."),
    "AuthLoginFailed": (1002, "Invalid email / username or password."),
    "AuthProviderInvalid": (1003, "Invalid authentication provider."),
    "AuthAccountAlreadyExists": (1004, "An account already exists using this email address."),
    "UserCreationFailed": (1009, "An unexpected error occured during user creation."),
    "InputInvalid": (1012, "Input data is invalid."),
    "AuthAccountBanned": (1013, "Your account has been disabled."),
    "AuthAccountNotVerified": (1014, "You must verify your account before your can login."),
    "AuthPasswordInvalid": (1015, "Password is incorrect."),
    "UserDeleteProtected": (1016, "Cannot delete a protected system account."),
    "UserDeleteForeignConstraint": (
        1017,
        "Cannot delete user because of content relational constraints.",
    ),
    "AuthValidationTokenInvalid": (1018, "Invalid validation token."),
    "AuthRequired": (1019, "You must be authenticated to access this resource."),
    "UserNotFound": (1020, "This user does not exist."),
    "PageGenericError": (6001, "An unexpected error occured during a page operation."),
    "PageDuplicateCreate": (
        6002,
        "Cannot create this page because an entry already exists at the same path.",
    ),
    "PageNotFound": (6003, "This page does not exist."),
    "PageEmptyContent": (6004, "Page content cannot be empty."),
    "PageIllegalPath": (6005, "Page path cannot contains illegal characters."),
    "PagePathCollision": (6006, "Destination page path already exists."),
    "PageMoveForbidden": (6007, "You are not authorized to move this page."),
    "PageCreateForbidden": (6008, "You are not authorized to create this page."),
    "PageUpdateForbidden": (6009, "You are not authorized to update this page."),
    "PageDeleteForbidden": (6010, "You are not authorized to delete this page."),
    "PageRestoreForbidden": (6011, "You are not authorized to restore this page version."),
    "PageHistoryForbidden": (6012, "You are not authorized to view the history of this page."),
    "PageViewForbidden": (6013, "You are not authorized to view this page."),
}

_TICKS = "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"


class EmulatedError(Exception):
    """An error the emulated server raises; knows its ``extensions.exception`` shape."""

    js_name = "Error"

    def __init__(self, message: str, *, where: str = "resolver") -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def frames(self) -> list[str]:
        return [f"    at {self.where} (/wiki/server/graph/resolvers/emulated.js:1:15)", _TICKS]

    def exception_extension(self) -> dict[str, Any]:
        return {"stacktrace": [f"{self.js_name}: {self.message}", *self.frames()]}

    def response_result(self) -> dict[str, Any]:
        return {"succeeded": False, "errorCode": 1, "slug": self.js_name, "message": self.message}


class WikiError(EmulatedError):
    """One of Wiki.js's own errors (``WIKI.Error.PageNotFound`` ...), with its code."""

    def __init__(self, name: str, message: str | None = None, *, where: str = "resolver") -> None:
        code, default = WIKI_ERRORS[name]
        super().__init__(message or default, where=where)
        self.js_name = name
        self.code = code

    def exception_extension(self) -> dict[str, Any]:
        head = f"{self.js_name} {self.code}: {self.message}"
        frames = self.frames()
        return {
            "stack": "\n".join([head, *frames]),
            "code": self.code,
            "message": self.message,
            "stacktrace": [head, *frames],
        }

    def response_result(self) -> dict[str, Any]:
        return {
            "succeeded": False,
            "errorCode": self.code,
            "slug": self.js_name,
            "message": self.message,
        }


class JSError(EmulatedError):
    """A plain JavaScript error (``Error``, ``TypeError``, knex's ``DataError`` ...)."""

    def __init__(self, name: str, message: str, *, where: str = "resolver") -> None:
        super().__init__(message, where=where)
        self.js_name = name


class GraphQLJSError(EmulatedError):
    """A ``GraphQLError`` thrown below a field (serialisation, rate limit, resolvers)."""

    js_name = "GraphQLError"

    def exception_extension(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "stacktrace": [f"GraphQLError: {self.message}", *self.frames()],
        }


def forbidden() -> JSError:
    """What the ``@auth`` directive throws when the caller lacks every required scope."""
    error = JSError("Error", "Forbidden", where="field.resolve")
    return error


def response_result(error: BaseException) -> dict[str, Any]:
    """``graphHelper.generateError``: how a mutation reports a caught error."""
    if isinstance(error, EmulatedError):
        return error.response_result()
    return {"succeeded": False, "errorCode": 1, "slug": "Error", "message": str(error)}


def success(message: str) -> dict[str, Any]:
    """``graphHelper.generateSuccess``."""
    return {"succeeded": True, "errorCode": 0, "slug": "ok", "message": message}


# --------------------------------------------------------------------------------------
# JavaScript look-alikes
# --------------------------------------------------------------------------------------


def js_number(value: float) -> str:
    """``String(n)`` for a JS number."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


def js_inspect(value: Any, seen: int = 0) -> str:
    """graphql-js's ``inspect()`` (used in its error messages), for JSON-like values."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    depth = seen + 1
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        if depth > 2:
            return "[Array]"
        items = [js_inspect(v, depth) for v in value[:10]]
        rest = len(value) - 10
        if rest == 1:
            items.append("... 1 more item")
        elif rest > 1:
            items.append(f"... {rest} more items")
        return "[" + ", ".join(items) + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        if depth > 2:
            return "[Object]"
        return "{ " + ", ".join(f"{k}: {js_inspect(v, depth)}" for k, v in value.items()) + " }"
    return str(value)


def body_parser_error(raw: str) -> str | None:
    """The message Express's JSON body parser gives for a body it refuses, or None.

    Strict mode only accepts an object or an array; anything else is reported through
    ``JSON.parse('#')`` with the first character put back into the message, e.g.
    ``Unexpected token 't', "#" is not valid JSON``.
    """
    stripped = raw.lstrip(" \t\n\r")
    if not stripped:
        return None
    first = stripped[0]
    if first not in "{[":
        partial = raw[: len(raw) - len(stripped)] + "#"
        return f"Unexpected token '{first}', \"{partial}\" is not valid JSON"
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        return _v8_json_message(raw, exc)
    except RecursionError:
        return "Maximum call stack size exceeded"
    return None


def _v8_json_message(raw: str, exc: json.JSONDecodeError) -> str:
    pos = exc.pos
    msg = exc.msg
    if pos >= len(raw):
        return "Unexpected end of JSON input"
    if msg.startswith("Expecting property name"):
        return f"Expected property name or '}}' in JSON at position {pos}"
    if msg.startswith("Expecting ':'"):
        return f"Expected ':' after property name in JSON at position {pos}"
    if msg.startswith("Expecting ','"):
        return f"Expected ',' or '}}' after property value in JSON at position {pos}"
    if msg.startswith("Unterminated string"):
        return f"Unterminated string in JSON at position {len(raw)}"
    if msg.startswith("Extra data"):
        return f"Unexpected non-whitespace character after JSON at position {pos}"
    return f"Unexpected token '{raw[pos]}', \"{_snippet(raw, pos)}\" is not valid JSON"


def _snippet(raw: str, pos: int) -> str:
    if len(raw) <= 20:
        return raw
    start = max(0, pos - 10)
    return ("..." if start else "") + raw[start : pos + 10] + "..."
