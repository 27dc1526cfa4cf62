"""The exception tree and the one place server answers become exceptions."""

from __future__ import annotations

import inspect
import pickle
import re

import pytest

import wikijs
from wikijs import (
    ERROR_CLASSES,
    ApiDisabledError,
    ApiKeyRevokedError,
    AuthenticationError,
    AuthLoginFailedError,
    ForbiddenError,
    GraphQLError,
    HTTPStatusError,
    InputInvalidError,
    InvalidResponseError,
    LoginError,
    LoginRateLimitedError,
    MethodNotAllowedError,
    NotFoundError,
    PageDuplicateCreateError,
    PageNotFoundError,
    PageViewForbiddenError,
    PayloadTooLargeError,
    QuerySyntaxError,
    QueryValidationError,
    RateLimitedError,
    ServerError,
    TreeRebuildError,
    WikiJSAPIError,
    WikiJSError,
    WikiJSServerError,
    error_from_code,
    raise_for_result,
)
from wikijs._errors import error_from_graphql, error_from_http
from wikijs._logging import MASKER

# The codes FACTS.md names, with the class each must map to.
DOCUMENTED = {
    6001: "PageGenericError",
    6002: "PageDuplicateCreateError",
    6003: "PageNotFoundError",
    6004: "PageEmptyContentError",
    6005: "PageIllegalPathError",
    6006: "PagePathCollisionError",
    6007: "PageMoveForbiddenError",
    6008: "PageCreateForbiddenError",
    6009: "PageUpdateForbiddenError",
    6010: "PageDeleteForbiddenError",
    6011: "PageRestoreForbiddenError",
    6012: "PageHistoryForbiddenError",
    6013: "PageViewForbiddenError",
    2002: "AssetFolderExistsError",
    2004: "AssetInvalidError",
    2008: "AssetRenameInvalidExtError",
    1002: "AuthLoginFailedError",
    1012: "InputInvalidError",
}


def _all_exception_classes() -> list[type[WikiJSError]]:
    return [
        value
        for value in vars(wikijs).values()
        if inspect.isclass(value) and issubclass(value, WikiJSError)
    ]


class TestTree:
    def test_every_exception_derives_from_the_root(self) -> None:
        classes = _all_exception_classes()
        assert len(classes) > 80
        assert all(issubclass(cls, WikiJSError) for cls in classes)

    def test_the_docstring_draws_every_branch(self) -> None:
        doc = wikijs._errors.__doc__ or ""
        branches = [
            cls
            for cls in _all_exception_classes()
            if cls.default_code is None or cls is WikiJSServerError
        ]
        missing = [cls.__name__ for cls in branches if cls.__name__ not in doc]
        assert missing == []

    @pytest.mark.parametrize(("code", "name"), sorted(DOCUMENTED.items()))
    def test_documented_codes_map_to_their_class(self, code: int, name: str) -> None:
        assert ERROR_CLASSES[code].__name__ == name
        assert ERROR_CLASSES[code].default_code == code

    def test_the_table_is_complete_and_consistent(self) -> None:
        assert set(range(6001, 6014)) <= set(ERROR_CLASSES)
        assert set(range(2001, 2010)) <= set(ERROR_CLASSES)
        assert set(range(1001, 1021)) <= set(ERROR_CLASSES)
        for code, cls in ERROR_CLASSES.items():
            assert issubclass(cls, WikiJSAPIError)
            assert cls.default_code == code
            assert cls.__name__ == f"{cls.default_slug}Error" or cls.__name__ == cls.default_slug

    def test_rights_errors_are_forbidden_errors(self) -> None:
        for code in (6007, 6008, 6009, 6010, 6011, 6012, 6013, 2003, 2006, 2009):
            assert issubclass(ERROR_CLASSES[code], ForbiddenError), code

    def test_missing_objects_are_not_found_errors(self) -> None:
        for code in (6003, 2004, 1016, 8005):
            assert issubclass(ERROR_CLASSES[code], NotFoundError), code

    def test_login_failures_are_login_and_authentication_errors(self) -> None:
        for code in (1002, 1003):
            assert issubclass(ERROR_CLASSES[code], LoginError)
            assert issubclass(ERROR_CLASSES[code], AuthenticationError)
        assert issubclass(LoginRateLimitedError, LoginError)
        assert issubclass(ApiKeyRevokedError, AuthenticationError)
        assert issubclass(ApiDisabledError, AuthenticationError)

    def test_http_branches(self) -> None:
        for cls in (MethodNotAllowedError, PayloadTooLargeError, RateLimitedError, ServerError):
            assert issubclass(cls, HTTPStatusError)
        assert issubclass(QuerySyntaxError, GraphQLError)
        assert issubclass(QueryValidationError, GraphQLError)


class TestErrorFromCode:
    def test_a_known_code(self) -> None:
        error = error_from_code(6002, "PageDuplicateCreate", "exists", "pages.create")
        assert type(error) is PageDuplicateCreateError
        assert (error.code, error.slug, error.message, error.operation) == (
            6002,
            "PageDuplicateCreate",
            "exists",
            "pages.create",
        )

    def test_an_unknown_code_is_still_an_api_error(self) -> None:
        error = error_from_code(9999, "Brand new", "?", "pages.get")
        assert type(error) is WikiJSAPIError
        assert error.code == 9999

    def test_code_1_is_a_server_error_named_by_the_js_error(self) -> None:
        error = error_from_code(1, "DataError", 'insert into "pages" ...', "pages.create")
        assert type(error) is WikiJSServerError
        assert (error.code, error.slug) == (1, "DataError")

    def test_invalid_page_id_is_page_not_found(self) -> None:
        error = error_from_code(1, "Error", "Invalid Page Id", "pages.update")
        assert isinstance(error, PageNotFoundError)
        assert error.code == 6003

    def test_the_rebuild_tree_race_is_recognised(self) -> None:
        message = (
            'Error when running job rebuild-tree: insert into "pageTree" ... duplicate key '
            'value violates unique constraint "pageTree_pkey"'
        )
        error = error_from_code(1, "Error", message, "pages.create")
        assert isinstance(error, TreeRebuildError)
        assert isinstance(error, WikiJSServerError)

    def test_1012_is_input_invalid(self) -> None:
        assert isinstance(error_from_code(1012, None, "bad", "users.create"), InputInvalidError)


class TestRaiseForResult:
    def test_success_passes(self) -> None:
        raise_for_result(
            {"succeeded": True, "errorCode": 0, "slug": "ok", "message": "ok"}, "pages.delete"
        )

    def test_failure_raises_the_code_class(self) -> None:
        with pytest.raises(PageNotFoundError) as caught:
            raise_for_result(
                {"succeeded": False, "errorCode": 6003, "slug": "PageNotFound", "message": "gone"},
                "pages.delete",
            )
        assert caught.value.operation == "pages.delete"

    def test_a_missing_result_is_an_invalid_response(self) -> None:
        with pytest.raises(InvalidResponseError):
            raise_for_result(None, "pages.delete")


class TestGraphQLChannel:
    def test_the_wikijs_code_wins_and_the_slug_comes_from_the_stack(self) -> None:
        errors = [
            {
                "message": "You are not authorized to view this page.",
                "path": ["pages", "single"],
                "extensions": {
                    "code": "INTERNAL_SERVER_ERROR",
                    "exception": {
                        "stack": "PageViewForbidden 6013: You are not authorized...\n    at x",
                        "code": 6013,
                    },
                },
            }
        ]
        error = error_from_graphql(errors, "pages.get", status=200, request_id="abc")
        assert type(error) is PageViewForbiddenError
        assert (error.slug, error.request_id) == ("PageViewForbidden", "abc")

    @pytest.mark.parametrize(
        ("message", "cls"),
        [
            ("Forbidden", ForbiddenError),
            ("Too many requests, please try again in 59 seconds.", LoginRateLimitedError),
            ("Cannot read properties of undefined (reading 'path')", GraphQLError),
        ],
    )
    def test_messages_without_a_code(self, message: str, cls: type[WikiJSError]) -> None:
        error = error_from_graphql([{"message": message, "path": ["x"]}], "auth.login")
        assert type(error) is cls

    def test_the_login_rate_limit_carries_retry_after(self) -> None:
        error = error_from_graphql(
            [{"message": "Too many requests, please try again in 59 seconds."}], "auth.login"
        )
        assert isinstance(error, LoginRateLimitedError)
        assert error.retry_after == 59.0


class TestHTTPChannel:
    def test_429_with_retry_after(self) -> None:
        error = error_from_http(429, None, "slow down", "pages.get", retry_after=3.0)
        assert isinstance(error, RateLimitedError)
        assert (error.status, error.retry_after) == (429, 3.0)

    def test_a_500_with_plain_text_is_a_server_error(self) -> None:
        error = error_from_http(500, None, "POST body missing.", "pages.get")
        assert type(error) is ServerError
        assert "POST body missing." in error.message

    def test_an_html_answer_is_an_invalid_response(self) -> None:
        error = error_from_http(200, None, "<html><body>Sign in</body></html>", "pages.get")
        assert type(error) is InvalidResponseError
        assert "<html>" in error.message

    def test_a_403_rest_answer_is_forbidden_with_the_server_message(self) -> None:
        body = {"succeeded": False, "message": "You are not authorized to upload files."}
        error = error_from_http(403, body, "", "assets.upload")
        assert isinstance(error, ForbiddenError)
        assert error.message == "You are not authorized to upload files."


class TestPresentation:
    def test_str_names_operation_code_status_and_request(self) -> None:
        error = PageNotFoundError(
            "This page does not exist.", operation="pages.get", status=200, request_id="a1b2"
        )
        assert (
            str(error) == "pages.get: This page does not exist. [6003 PageNotFound, request a1b2]"
        )

    def test_str_shows_a_non_200_status(self) -> None:
        assert "HTTP 503" in str(ServerError("down", operation="pages.list", status=503))

    def test_no_secret_in_str_or_repr(self) -> None:
        secret = "sk-very-secret-value-4242"
        MASKER.register(secret)
        token = "eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2lnbmF0dXJl"
        error = AuthenticationError(
            f"key {secret} rejected; Authorization: Bearer {token}", operation="auth.verify"
        )
        for text in (str(error), repr(error)):
            assert secret not in text
            assert token not in text
            assert "***" in text

    @pytest.mark.parametrize(
        "error",
        [
            PageNotFoundError("gone", operation="pages.get", request_id="r"),
            RateLimitedError("slow", retry_after=2.5),
            LoginRateLimitedError("slow", retry_after=59),
            PayloadTooLargeError("big", size=10, limit=5),
            AuthLoginFailedError("no", operation="auth.login"),
        ],
        ids=lambda e: type(e).__name__,
    )
    def test_errors_survive_pickling(self, error: WikiJSError) -> None:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert vars(copy) == vars(error)
        assert str(copy) == str(error)

    def test_illegal_path_error_lists_problems(self) -> None:
        error = wikijs.IllegalPathError("a b", ["contains a space", "too short"])
        assert re.search(r"'a b'.*contains a space; too short", str(error))
