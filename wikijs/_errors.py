"""Every exception the SDK raises, and the one place that converts server answers into them.

Our exception hierarchy::

    WikiJSError                          root: operation, code, slug, message, status, request_id
    ├── TransportError                   no HTTP answer at all
    │   ├── ConnectError                 refused / DNS / TLS: the request provably never left
    │   ├── RequestTimeout               sent, no answer in time (the server may have run it)
    │   └── ConnectionDropped            sent, connection closed before the answer
    ├── HTTPStatusError                  an HTTP answer with an error status
    │   ├── MethodNotAllowedError        405
    │   ├── PayloadTooLargeError         413 (also raised before sending a body over 5 MB)
    │   ├── RateLimitedError             429, with ``retry_after``
    │   └── ServerError                  5xx
    ├── InvalidResponseError             not JSON, HTML, or JSON without ``data``
    ├── GraphQLError                     ``errors[]`` without a Wiki.js code
    │   ├── QuerySyntaxError             GRAPHQL_PARSE_FAILED
    │   └── QueryValidationError         GRAPHQL_VALIDATION_FAILED (and other HTTP 400s)
    ├── AuthenticationError              the credentials were not accepted
    │   ├── ApiKeyRevokedError           "API Key is invalid or was revoked." (HTTP 500)
    │   ├── ApiDisabledError             "API is disabled..." (HTTP 500)
    │   └── LoginError                   ``authentication.login`` failed
    │       ├── LoginRateLimitedError    "Too many requests, please try again in 59 seconds."
    │       ├── AuthLoginFailedError     1002 (also an AccountError)
    │       └── AuthProviderInvalidError 1003 (also an AccountError) ... and the TFA/ban codes
    ├── ForbiddenError                   "Forbidden", and every *Forbidden code (6007, 6009-6013, 2003...)
    ├── NotFoundError                    PageNotFoundError, UserNotFoundError, AssetInvalidError ...
    └── WikiJSAPIError                   a Wiki.js error code (either error channel)
        ├── WikiJSServerError            errorCode 1: a JS error inside Wiki.js (slug = error name)
        │   ├── TreeRebuildError         "Error when running job rebuild-tree: ..." (write APPLIED)
        │   └── TagRaceError             a create lost the insert of a new tag (page APPLIED, untagged)
        ├── AccountError                 1001-1020 (1012 InputInvalidError)
        ├── AssetError                   2001-2009
        ├── MailError                    3001-3004
        ├── SearchError                  4001-4002
        ├── LocaleError                  5001-5002
        ├── PageError                    6001-6013
        │   └── PageIllegalPathError     6005
        │       └── IllegalPathError     refused by ``check_path`` before any request
        ├── WikiJSSystemError            7001-7004
        └── CommentError                 8001-8006

One class per Wiki.js code, named after its slug (``PageNotFound`` -> ``PageNotFoundError``);
``ERROR_CLASSES`` maps code -> class. Both error channels (GraphQL
``errors[].extensions.exception.code`` and mutation ``responseResult.errorCode``) go
through [`error_from_code`][wikijs.error_from_code]. Error text is passed through the secret masker, so a
token never reaches ``str()`` or ``repr()`` of an exception.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from ._logging import MASKER

__all__ = [
    "ERROR_CLASSES",
    "error_from_code",
    "error_from_graphql",
    "error_from_http",
    "raise_for_result",
]


def _mask(text: str) -> str:
    return MASKER.mask(text)


def _restore(cls: type[WikiJSError], state: dict[str, Any]) -> WikiJSError:
    obj = cls.__new__(cls)
    Exception.__init__(obj, state.get("message", ""))
    obj.__dict__.update(state)
    return obj


class WikiJSError(Exception):
    """Root of every exception the SDK raises.

    ``operation`` is the dotted name of what was being done (``"pages.create"``),
    ``code``/``slug`` the Wiki.js error code and name when the server gave one,
    ``status`` the HTTP status when there was an answer, ``request_id`` the id in the
    SDK's log line for that request.
    """

    default_code: ClassVar[int | None] = None
    default_slug: ClassVar[str | None] = None

    def __init__(
        self,
        message: str = "",
        *,
        operation: str | None = None,
        code: int | None = None,
        slug: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.code = code if code is not None else self.default_code
        self.slug = slug if slug is not None else self.default_slug
        self.status = status
        self.request_id = request_id

    def __str__(self) -> str:
        text = self.message or type(self).__name__
        if self.operation:
            text = f"{self.operation}: {text}"
        details: list[str] = []
        if self.code is not None:
            details.append(f"{self.code} {self.slug}" if self.slug else str(self.code))
        elif self.slug:
            details.append(self.slug)
        if self.status is not None and self.status != 200:
            details.append(f"HTTP {self.status}")
        if self.request_id:
            details.append(f"request {self.request_id}")
        if details:
            text = f"{text} [{', '.join(details)}]"
        return _mask(text)

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in ("message", "operation", "code", "slug", "status", "request_id")
            if getattr(self, name) is not None
        )
        return _mask(f"{type(self).__name__}({fields})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), dict(self.__dict__)))


# -- no answer ---------------------------------------------------------------------------


class TransportError(WikiJSError):
    """No HTTP answer was received."""


class ConnectError(TransportError):
    """The connection could not be made (refused, DNS, TLS): the request was never sent."""


class RequestTimeout(TransportError):
    """The request was sent but no answer came in time; the server may have executed it."""


class ConnectionDropped(TransportError):
    """The request was sent and the connection closed before a complete answer."""


# -- HTTP answers --------------------------------------------------------------------------


class HTTPStatusError(WikiJSError):
    """The server answered with an HTTP error status."""


class MethodNotAllowedError(HTTPStatusError):
    """HTTP 405 (Wiki.js answers it to a mutation sent with GET)."""


class PayloadTooLargeError(HTTPStatusError):
    """HTTP 413, or a request body over the server's limit refused before sending."""

    def __init__(
        self, message: str = "", *, size: int | None = None, limit: int | None = None, **kw: Any
    ) -> None:
        kw.setdefault("status", 413)
        super().__init__(message, **kw)
        self.size = size
        self.limit = limit


class RateLimitedError(HTTPStatusError):
    """HTTP 429; ``retry_after`` is the server's ``Retry-After`` in seconds, if any."""

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kw: Any) -> None:
        kw.setdefault("status", 429)
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(HTTPStatusError):
    """HTTP 5xx."""


class InvalidResponseError(WikiJSError):
    """The answer was not the JSON GraphQL response expected (HTML, text, no ``data``)."""


# -- GraphQL errors without a Wiki.js code -------------------------------------------------


class GraphQLError(WikiJSError):
    """The server answered with ``errors[]`` that carry no Wiki.js code.

    ``errors`` holds the raw list and ``path`` the GraphQL path of the first error.
    """

    def __init__(
        self,
        message: str = "",
        *,
        errors: Sequence[Mapping[str, Any]] = (),
        path: Sequence[str | int] = (),
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.errors = [dict(e) for e in errors]
        self.path = list(path)


class QuerySyntaxError(GraphQLError):
    """The document did not parse (GRAPHQL_PARSE_FAILED)."""


class QueryValidationError(GraphQLError):
    """The document does not fit the schema or its variables (GRAPHQL_VALIDATION_FAILED)."""


# -- credentials -----------------------------------------------------------------------------


class AuthenticationError(WikiJSError):
    """The credentials were not accepted.

    Wiki.js runs a request with a bad API key as the *Guest* user instead of refusing
    it; the client detects that with a profile check before its first request.
    """


class ApiKeyRevokedError(AuthenticationError):
    """The API key was revoked (HTTP 500 "API Key is invalid or was revoked.")."""


class ApiDisabledError(AuthenticationError):
    """The wiki's API access is switched off (HTTP 500 "API is disabled...")."""


class LoginError(AuthenticationError):
    """``authentication.login`` did not return a token."""


class LoginRateLimitedError(LoginError):
    """Too many logins from this address (5 per 60 s); ``retry_after`` in seconds."""

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ForbiddenError(WikiJSError):
    """The user may not do this ("Forbidden", or a ``*Forbidden`` Wiki.js code)."""


class NotFoundError(WikiJSError):
    """The object does not exist (a page, user, asset, comment)."""


# -- Wiki.js codes ---------------------------------------------------------------------------


class WikiJSAPIError(WikiJSError):
    """Wiki.js refused the operation with one of its error codes."""


class WikiJSServerError(WikiJSAPIError):
    """``errorCode 1``: an error inside Wiki.js that is not one of its own codes.

    ``slug`` is the JavaScript error name (``TypeError``, ``DataError``,
    ``ForeignKeyViolationError``...), ``message`` its text (sometimes raw SQL).
    """

    default_code = 1


class TreeRebuildError(WikiJSServerError):
    """``Error when running job rebuild-tree: ...``: two tree rebuilds raced.

    The write itself WAS applied; only the page tree is stale. The pages resource
    confirms the write by reading the page and marks ``pages.tree_stale``.
    """


class TagRaceError(WikiJSServerError):
    """``UniqueViolationError`` on ``tags_tag_unique``: creates in flight at once raced to
    insert a tag the wiki did not have yet.

    The page WAS created, but with no tags at all and not rendered. The pages resource
    confirms the create by reading the page and writes its tags with one update.
    """


class AccountError(WikiJSAPIError):
    """Authentication and user codes 1001-1020."""


class AssetError(WikiJSAPIError):
    """Asset codes 2001-2009."""


class MailError(WikiJSAPIError):
    """Mail codes 3001-3004."""


class SearchError(WikiJSAPIError):
    """Search codes 4001-4002."""


class LocaleError(WikiJSAPIError):
    """Locale codes 5001-5002."""


class PageError(WikiJSAPIError):
    """Page codes 6001-6013."""


class WikiJSSystemError(WikiJSAPIError):
    """System codes 7001-7004."""


class CommentError(WikiJSAPIError):
    """Comment codes 8001-8006."""


# 1001-1020 -----------------------------------------------------------------------------------
class AuthGenericError(AccountError):
    default_code, default_slug = 1001, "AuthGenericError"


class AuthLoginFailedError(AccountError, LoginError):
    default_code, default_slug = 1002, "AuthLoginFailed"


class AuthProviderInvalidError(AccountError, LoginError):
    default_code, default_slug = 1003, "AuthProviderInvalid"


class AuthAccountAlreadyExistsError(AccountError):
    default_code, default_slug = 1004, "AuthAccountAlreadyExists"


class AuthTFAFailedError(AccountError, LoginError):
    default_code, default_slug = 1005, "AuthTFAFailed"


class AuthTFAInvalidError(AccountError, LoginError):
    default_code, default_slug = 1006, "AuthTFAInvalid"


class BruteInstanceIsInvalidError(AccountError):
    default_code, default_slug = 1007, "BruteInstanceIsInvalid"


class BruteTooManyAttemptsError(AccountError, LoginError):
    default_code, default_slug = 1008, "BruteTooManyAttempts"


class UserCreationFailedError(AccountError):
    default_code, default_slug = 1009, "UserCreationFailed"


class AuthRegistrationDisabledError(AccountError):
    default_code, default_slug = 1010, "AuthRegistrationDisabled"


class AuthRegistrationDomainUnauthorizedError(AccountError):
    default_code, default_slug = 1011, "AuthRegistrationDomainUnauthorized"


class InputInvalidError(AccountError):
    default_code, default_slug = 1012, "InputInvalid"


class AuthAccountBannedError(AccountError, LoginError):
    default_code, default_slug = 1013, "AuthAccountBanned"


class AuthAccountNotVerifiedError(AccountError, LoginError):
    default_code, default_slug = 1014, "AuthAccountNotVerified"


class AuthValidationTokenInvalidError(AccountError):
    default_code, default_slug = 1015, "AuthValidationTokenInvalid"


class UserNotFoundError(AccountError, NotFoundError):
    default_code, default_slug = 1016, "UserNotFound"


class UserDeleteForeignConstraintError(AccountError):
    default_code, default_slug = 1017, "UserDeleteForeignConstraint"


class UserDeleteProtectedError(AccountError):
    default_code, default_slug = 1018, "UserDeleteProtected"


class AuthRequiredError(AccountError, AuthenticationError):
    default_code, default_slug = 1019, "AuthRequired"


class AuthPasswordInvalidError(AccountError):
    default_code, default_slug = 1020, "AuthPasswordInvalid"


# 2001-2009 -----------------------------------------------------------------------------------
class AssetGenericError(AssetError):
    default_code, default_slug = 2001, "AssetGenericError"


class AssetFolderExistsError(AssetError):
    default_code, default_slug = 2002, "AssetFolderExists"


class AssetDeleteForbiddenError(AssetError, ForbiddenError):
    default_code, default_slug = 2003, "AssetDeleteForbidden"


class AssetInvalidError(AssetError, NotFoundError):
    default_code, default_slug = 2004, "AssetInvalid"


class AssetRenameCollisionError(AssetError):
    default_code, default_slug = 2005, "AssetRenameCollision"


class AssetRenameForbiddenError(AssetError, ForbiddenError):
    default_code, default_slug = 2006, "AssetRenameForbidden"


class AssetRenameInvalidError(AssetError):
    default_code, default_slug = 2007, "AssetRenameInvalid"


class AssetRenameInvalidExtError(AssetError):
    default_code, default_slug = 2008, "AssetRenameInvalidExt"


class AssetRenameTargetForbiddenError(AssetError, ForbiddenError):
    default_code, default_slug = 2009, "AssetRenameTargetForbidden"


# 3001-3004 -----------------------------------------------------------------------------------
class MailGenericError(MailError):
    default_code, default_slug = 3001, "MailGenericError"


class MailNotConfiguredError(MailError):
    default_code, default_slug = 3002, "MailNotConfigured"


class MailTemplateFailedError(MailError):
    default_code, default_slug = 3003, "MailTemplateFailed"


class MailInvalidRecipientError(MailError):
    default_code, default_slug = 3004, "MailInvalidRecipient"


# 4001-4002 -----------------------------------------------------------------------------------
class SearchGenericError(SearchError):
    default_code, default_slug = 4001, "SearchGenericError"


class SearchActivationFailedError(SearchError):
    default_code, default_slug = 4002, "SearchActivationFailed"


# 5001-5002 -----------------------------------------------------------------------------------
class LocaleGenericError(LocaleError):
    default_code, default_slug = 5001, "LocaleGenericError"


class LocaleInvalidNamespaceError(LocaleError):
    default_code, default_slug = 5002, "LocaleInvalidNamespace"


# 6001-6013 -----------------------------------------------------------------------------------
class PageGenericError(PageError):
    default_code, default_slug = 6001, "PageGenericError"


class PageDuplicateCreateError(PageError):
    default_code, default_slug = 6002, "PageDuplicateCreate"


class PageNotFoundError(PageError, NotFoundError):
    default_code, default_slug = 6003, "PageNotFound"


class PageEmptyContentError(PageError):
    default_code, default_slug = 6004, "PageEmptyContent"


class PageIllegalPathError(PageError):
    default_code, default_slug = 6005, "PageIllegalPath"


class PagePathCollisionError(PageError):
    default_code, default_slug = 6006, "PagePathCollision"


class PageMoveForbiddenError(PageError, ForbiddenError):
    default_code, default_slug = 6007, "PageMoveForbidden"


class PageCreateForbiddenError(PageError, ForbiddenError):
    default_code, default_slug = 6008, "PageCreateForbidden"


class PageUpdateForbiddenError(PageError, ForbiddenError):
    default_code, default_slug = 6009, "PageUpdateForbidden"


class PageDeleteForbiddenError(PageError, ForbiddenError):
    default_code, default_slug = 6010, "PageDeleteForbidden"


class PageRestoreForbiddenError(PageError, ForbiddenError):
    default_code, default_slug = 6011, "PageRestoreForbidden"


class PageHistoryForbiddenError(PageError, ForbiddenError):
    default_code, default_slug = 6012, "PageHistoryForbidden"


class PageViewForbiddenError(PageError, ForbiddenError):
    default_code, default_slug = 6013, "PageViewForbidden"


class IllegalPathError(PageIllegalPathError):
    """A page path that Wiki.js would refuse or its web UI could not reach.

    Raised by [`wikijs.check_path`][wikijs.check_path] (and so by ``pages.create``/``pages.move``)
    before any request; ``problems`` lists every reason.
    """

    def __init__(self, path: str, problems: Sequence[str], **kw: Any) -> None:
        message = f"illegal page path {path!r}: " + "; ".join(problems)
        super().__init__(message, **kw)
        self.path = path
        self.problems = list(problems)


# 7001-7004 -----------------------------------------------------------------------------------
class SystemGenericError(WikiJSSystemError):
    default_code, default_slug = 7001, "SystemGenericError"


class SystemSSLDisabledError(WikiJSSystemError):
    default_code, default_slug = 7002, "SystemSSLDisabled"


class SystemSSLRenewInvalidProviderError(WikiJSSystemError):
    default_code, default_slug = 7003, "SystemSSLRenewInvalidProvider"


class SystemSSLLEUnavailableError(WikiJSSystemError):
    default_code, default_slug = 7004, "SystemSSLLEUnavailable"


# 8001-8006 -----------------------------------------------------------------------------------
class CommentGenericError(CommentError):
    default_code, default_slug = 8001, "CommentGenericError"


class CommentPostForbiddenError(CommentError, ForbiddenError):
    default_code, default_slug = 8002, "CommentPostForbidden"


class CommentContentMissingError(CommentError):
    default_code, default_slug = 8003, "CommentContentMissing"


class CommentManageForbiddenError(CommentError, ForbiddenError):
    default_code, default_slug = 8004, "CommentManageForbidden"


class CommentNotFoundError(CommentError, NotFoundError):
    default_code, default_slug = 8005, "CommentNotFound"


class CommentViewForbiddenError(CommentError, ForbiddenError):
    default_code, default_slug = 8006, "CommentViewForbidden"


def _code_classes() -> dict[int, type[WikiJSAPIError]]:
    table: dict[int, type[WikiJSAPIError]] = {}
    pending: list[type[WikiJSAPIError]] = [WikiJSAPIError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        code = cls.__dict__.get("default_code")
        if isinstance(code, int) and code > 1:
            table[code] = cls
    return dict(sorted(table.items()))


#: Wiki.js error code -> exception class (every code of Wiki.js 2.5's ``helpers/error.js``).
ERROR_CLASSES: Mapping[int, type[WikiJSAPIError]] = _code_classes()

# -- conversion: the one place answers become exceptions --------------------------------------

_INVALID_PAGE_ID = "Invalid Page Id"
_REBUILD_TREE = "Error when running job rebuild-tree"
_TAGS_UNIQUE = '"tags_tag_unique"'
_TOO_MANY = re.compile(r"Too many requests, please try again in (\d+(?:\.\d+)?) seconds?")
_KEY_REVOKED = "API Key is invalid or was revoked"
_API_DISABLED = "API is disabled"
_MISSING_PAGE_TYPEERROR = "Cannot read properties of undefined (reading 'path')"


def error_from_code(
    code: int,
    slug: str | None,
    message: str | None,
    operation: str | None,
    *,
    status: int | None = None,
    request_id: str | None = None,
) -> WikiJSError:
    """Build the exception for a Wiki.js error code, from either error channel.

    ``code`` 1 is a JavaScript error inside Wiki.js: ``WikiJSServerError``, except
    ``"Invalid Page Id"`` (what ``pages.update`` says for a missing id), which becomes
    [`PageNotFoundError`][wikijs.PageNotFoundError] like every other missing page, the rebuild-tree race,
    which becomes [`TreeRebuildError`][wikijs.TreeRebuildError], and the new-tag race, which becomes
    [`TagRaceError`][wikijs.TagRaceError].
    """
    text = message or ""
    ctx: dict[str, Any] = {"operation": operation, "status": status, "request_id": request_id}
    if code == 1:
        if text.strip() == _INVALID_PAGE_ID:
            return PageNotFoundError(text, **ctx)
        if text.startswith(_REBUILD_TREE):
            return TreeRebuildError(text, slug=slug, **ctx)
        if slug == "UniqueViolationError" and _TAGS_UNIQUE in text:
            return TagRaceError(text, slug=slug, **ctx)
        return WikiJSServerError(text, slug=slug, **ctx)
    cls = ERROR_CLASSES.get(code, WikiJSAPIError)
    return cls(text, code=code, slug=slug or cls.default_slug, **ctx)


def raise_for_result(result: Mapping[str, Any] | None, operation: str) -> None:
    """Raise for a mutation's ``responseResult`` unless it says ``succeeded: true``."""
    if result is None:
        raise InvalidResponseError("the answer has no responseResult", operation=operation)
    if result.get("succeeded") is True:
        return
    code = result.get("errorCode")
    raise error_from_code(
        code if isinstance(code, int) else 0,
        result.get("slug"),
        result.get("message") or "the operation did not succeed",
        operation,
    )


def _first_code(error: Mapping[str, Any]) -> int | None:
    ext = error.get("extensions")
    if isinstance(ext, Mapping):
        exc = ext.get("exception")
        if isinstance(exc, Mapping):
            code = exc.get("code")
            if isinstance(code, int) and not isinstance(code, bool):
                return code
    return None


def _gql_code(error: Mapping[str, Any]) -> str | None:
    ext = error.get("extensions")
    if isinstance(ext, Mapping):
        code = ext.get("code")
        if isinstance(code, str):
            return code
    return None


def error_from_graphql(
    errors: Sequence[Mapping[str, Any]],
    operation: str | None,
    *,
    status: int | None = None,
    request_id: str | None = None,
) -> WikiJSError:
    """Build the exception for a GraphQL ``errors[]`` list (its first error decides).

    Wiki.js codes win (``extensions.exception.code``); then the parser/validator codes;
    then the messages Wiki.js uses without a code (revoked key, API disabled,
    "Forbidden", the login rate limit).
    """
    if not errors:
        return InvalidResponseError("empty errors list", operation=operation, status=status)
    first = errors[0]
    message = str(first.get("message") or "")
    raw_path = first.get("path")
    path = list(raw_path) if isinstance(raw_path, list) else []
    ctx: dict[str, Any] = {"operation": operation, "status": status, "request_id": request_id}
    code = _first_code(first)
    if code is not None:
        return error_from_code(
            code, _slug_from_stack(first), message, operation, status=status, request_id=request_id
        )
    gql = _gql_code(first)
    if gql == "GRAPHQL_PARSE_FAILED":
        return QuerySyntaxError(message, errors=errors, path=path, slug=gql, **ctx)
    if gql == "GRAPHQL_VALIDATION_FAILED" or status == 400:
        return QueryValidationError(message, errors=errors, path=path, slug=gql, **ctx)
    if message.startswith(_KEY_REVOKED):
        return ApiKeyRevokedError(message, **ctx)
    if message.startswith(_API_DISABLED):
        return ApiDisabledError(message, **ctx)
    if message == "Forbidden":
        return ForbiddenError(message, **ctx)
    if status == 413:
        return PayloadTooLargeError(message, **ctx)
    match = _TOO_MANY.search(message)
    if match:
        return LoginRateLimitedError(message, retry_after=float(match.group(1)), **ctx)
    return GraphQLError(message, errors=errors, path=path, slug=gql, **ctx)


def _slug_from_stack(error: Mapping[str, Any]) -> str | None:
    ext = error.get("extensions")
    exc = ext.get("exception") if isinstance(ext, Mapping) else None
    stack = exc.get("stack") if isinstance(exc, Mapping) else None
    if isinstance(stack, str):
        head = stack.split(" ", 1)[0]
        if head.isidentifier():
            return head
    return None


def is_missing_page_typeerror(error: WikiJSError) -> bool:
    """``pages.history`` of a missing id answers a TypeError instead of 6003."""
    return isinstance(error, GraphQLError) and error.message == _MISSING_PAGE_TYPEERROR


def error_from_http(
    status: int,
    body: Any,
    text: str,
    operation: str | None,
    *,
    request_id: str | None = None,
    retry_after: float | None = None,
) -> WikiJSError:
    """Build the exception for an HTTP answer that is an error or not a GraphQL response.

    ``body`` is the parsed JSON (or ``None`` when the answer was not JSON), ``text`` the
    raw text (only a short, masked excerpt ends up in the message).
    """
    ctx: dict[str, Any] = {"operation": operation, "status": status, "request_id": request_id}
    errors = body.get("errors") if isinstance(body, Mapping) else None
    said = body.get("message") if isinstance(body, Mapping) else None
    message = said if isinstance(said, str) and said else _excerpt(text)
    if status == 429:
        return RateLimitedError(_excerpt(text) or "rate limited", retry_after=retry_after, **ctx)
    if status == 413:
        return PayloadTooLargeError("request entity too large", **ctx)
    if isinstance(errors, list) and errors and all(isinstance(e, Mapping) for e in errors):
        err = error_from_graphql(errors, operation, status=status, request_id=request_id)
        if not (status >= 500 and type(err) is GraphQLError):
            return err
    if status == 401:
        return AuthenticationError(message or "not authenticated", **ctx)
    if status == 403:
        return ForbiddenError(message or "forbidden", **ctx)
    if status == 405:
        return MethodNotAllowedError(message or "method not allowed", **ctx)
    if status >= 500:
        return ServerError(message or "server error", **ctx)
    if status >= 400:
        return HTTPStatusError(message or f"HTTP {status}", **ctx)
    return InvalidResponseError(
        f"expected a JSON GraphQL answer, got: {_excerpt(text) or '(empty body)'}", **ctx
    )


def _excerpt(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."
