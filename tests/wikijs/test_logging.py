"""Logging: secrets never reach any output, one structured line per request."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from wikijs._logging import (
    MASKER,
    JsonFormatter,
    SecretMasker,
    TextFormatter,
    configure_logging,
    log_request,
    mask_data,
    new_request_id,
)

JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJhcGkiOjEsImdycCI6MSwiaWF0IjoxNzAwMDAwMDAwfQ"
    ".c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU"
)
API_KEY = "k3y-registered-0123456789"
PASSWORD = "hunter2-correct-horse"


@pytest.fixture
def masker() -> SecretMasker:
    m = SecretMasker()
    m.register(API_KEY)
    m.register(PASSWORD)
    return m


@pytest.fixture
def wikijs_logger() -> Iterator[logging.Logger]:
    lg = logging.getLogger("wikijs")
    saved = (list(lg.handlers), lg.level, lg.propagate)
    yield lg
    for h in list(lg.handlers):
        if h not in saved[0]:
            lg.removeHandler(h)
            h.close()
    lg.setLevel(saved[1])
    lg.propagate = saved[2]


class TestSecretMasker:
    def test_registered_secrets_are_replaced_everywhere(self, masker: SecretMasker) -> None:
        text = f"key {API_KEY} and again:{API_KEY}; pw {PASSWORD}"
        out = masker.mask(text)
        assert API_KEY not in out and PASSWORD not in out
        assert out == "key *** and again:***; pw ***"

    def test_short_and_empty_secrets_are_ignored(self) -> None:
        m = SecretMasker()
        m.register("")
        m.register(None)
        m.register("abc12")
        assert m.mask("abc12 stays") == "abc12 stays"

    def test_a_longer_secret_containing_a_shorter_one_is_masked_whole(self) -> None:
        m = SecretMasker()
        m.register("secret-value")
        m.register("secret-value-longer")
        assert m.mask("x secret-value-longer y") == "x *** y"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (f"token {JWT} here", "token *** here"),
            (f"Authorization: Bearer {JWT}", "Authorization: Bearer ***"),
            ("authorization: bearer abc.def-ghi", "authorization: bearer ***"),
            ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***"),
            ("{'Authorization': 'Bearer abcdefgh'}", "{'Authorization': 'Bearer ***'}"),
            ('{"password": "p4ss w0rd"}', '{"password": "***"}'),
            ('{"newPassword":"x"}', '{"newPassword":"***"}'),
            ("login password=s3cret&user=bob", "login password=***&user=bob"),
            ("api_key=abcdef123 next", "api_key=*** next"),
            ('apiKey: "abcdef123"', 'apiKey: "***"'),
            ("X-Api-Key: abcdef", "X-Api-Key: ***"),
            ("Cookie: jwt=abc; other=1", "Cookie: ***"),
        ],
    )
    def test_secrets_recognised_by_pattern(self, text: str, expected: str) -> None:
        assert SecretMasker().mask(text) == expected

    def test_ordinary_text_is_untouched(self) -> None:
        text = "pages.create ok path=guide/install status=200 tokens_left=3 secretary=bob"
        assert SecretMasker().mask(text) == text

    def test_masking_is_idempotent(self, masker: SecretMasker) -> None:
        once = masker.mask(f'Authorization: Bearer {JWT} "password": "{PASSWORD}"')
        assert masker.mask(once) == once

    def test_mask_data_masks_sensitive_keys_recursively(self, masker: SecretMasker) -> None:
        data = {
            "variables": {"username": "bob", "password": "plain", "nested": [{"apiKey": "k"}]},
            "headers": {"Authorization": "Bearer x", "Content-Type": "application/json"},
            "note": f"uses {API_KEY}",
            "count": 3,
            "jwt": None,
        }
        assert masker.mask_data(data) == {
            "variables": {"username": "bob", "password": "***", "nested": [{"apiKey": "***"}]},
            "headers": {"Authorization": "***", "Content-Type": "application/json"},
            "note": "uses ***",
            "count": 3,
            "jwt": None,
        }
        assert data["variables"]["password"] == "plain"  # type: ignore[index]

    def test_module_level_helper_uses_the_shared_masker(self) -> None:
        secret = "shared-secret-" + new_request_id()
        MASKER.register(secret)
        assert mask_data({"msg": f"x {secret}"}) == {"msg": "x ***"}


def _record(
    msg: str,
    *args: object,
    exc: BaseException | None = None,
    extra: dict[str, object] | None = None,
) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logging.LogRecord("wikijs.http", logging.WARNING, __file__, 1, msg, args, exc_info)
    for k, v in (extra or {}).items():
        setattr(record, k, v)
    return record


def _raise_with_secret() -> BaseException:
    def inner(token: str) -> None:
        raise RuntimeError(f"server said no to Authorization: Bearer {token} ({API_KEY})")

    try:
        inner(JWT)
    except RuntimeError as exc:
        return exc
    raise AssertionError("unreachable")


SECRETS = (API_KEY, PASSWORD, JWT, "plain-pw-value")


@pytest.mark.parametrize("formatter_cls", [JsonFormatter, TextFormatter])
class TestFormattersMask:
    def test_message_extras_exception_and_traceback(
        self, formatter_cls: type[JsonFormatter] | type[TextFormatter], masker: SecretMasker
    ) -> None:
        record = _record(
            "login with %s failed, key %s",
            PASSWORD,
            API_KEY,
            exc=_raise_with_secret(),
            extra={
                "operation": "authentication.login",
                "error": f"bad jwt {JWT}",
                "variables": {"username": "bob", "password": "plain-pw-value"},
                "authorization": f"Bearer {JWT}",
            },
        )
        out = formatter_cls(masker).format(record)
        for secret in SECRETS:
            assert secret not in out
        assert "Traceback" in out and "RuntimeError" in out and "inner" in out
        assert "authentication.login" in out and "bob" in out

    def test_stack_info_is_masked(
        self, formatter_cls: type[JsonFormatter] | type[TextFormatter], masker: SecretMasker
    ) -> None:
        record = _record("x")
        record.stack_info = f"Stack (most recent call last):\n  token={JWT}"
        out = formatter_cls(masker).format(record)
        assert JWT not in out and "Stack" in out


class TestJsonFormatter:
    def test_one_json_object_per_line_with_extras(self) -> None:
        record = _record(
            "pages.get ok",
            extra={"operation": "pages.get", "status": 200, "duration_ms": 4.2, "tags": {"a": "b"}},
        )
        line = JsonFormatter().format(record)
        assert "\n" not in line
        doc = json.loads(line)
        assert doc["level"] == "WARNING"
        assert doc["logger"] == "wikijs.http"
        assert doc["message"] == "pages.get ok"
        assert doc["operation"] == "pages.get"
        assert doc["status"] == 200
        assert doc["duration_ms"] == 4.2
        assert doc["tags"] == {"a": "b"}
        assert doc["ts"].endswith("Z") and "T" in doc["ts"]
        assert "exc" not in doc

    def test_exception_fields(self) -> None:
        doc = json.loads(JsonFormatter().format(_record("boom", exc=_raise_with_secret())))
        assert doc["exc_type"] == "RuntimeError"
        assert doc["exc"].startswith("Traceback")
        assert JWT not in doc["exc"]

    def test_unserialisable_extras_become_masked_strings(self) -> None:
        class Thing:
            def __str__(self) -> str:
                return f"thing with {JWT}"

        doc = json.loads(JsonFormatter().format(_record("x", extra={"thing": Thing()})))
        assert doc["thing"] == "thing with ***"


class TestTextFormatter:
    def test_human_line_with_key_value_extras(self) -> None:
        record = _record(
            "pages.get failed: boom",
            extra={
                "operation": "pages.get",
                "status": 503,
                "error": "HTTP 503 x",
                "tags": {"k": "v"},
            },
        )
        line = TextFormatter().format(record)
        assert "WARNING" in line and "wikijs.http: pages.get failed: boom" in line
        assert " operation=pages.get" in line
        assert " status=503" in line
        assert ' error="HTTP 503 x"' in line
        assert ' tags={"k":"v"}' in line


class TestConfigureLogging:
    def test_nothing_is_configured_at_import(self) -> None:
        code = (
            "import logging\n"
            "import wikijs._logging, wikijs._hooks, wikijs._retry, wikijs._ratelimit\n"
            "import wikijs._metrics, wikijs._cache\n"
            "lg = logging.getLogger('wikijs')\n"
            "bad = [h for h in lg.handlers if not isinstance(h, logging.NullHandler)]\n"
            "print(len(bad), lg.level, len(logging.getLogger().handlers))\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        ).stdout
        assert out.split() == ["0", "0", "0"]

    def test_is_idempotent(self, wikijs_logger: logging.Logger) -> None:
        first = configure_logging("DEBUG", stream=io.StringIO())
        stream = io.StringIO()
        second = configure_logging("INFO", fmt="json", stream=stream)
        ours = [h for h in wikijs_logger.handlers if h in (first, second)]
        assert ours == [second]
        assert wikijs_logger.level == logging.INFO
        logging.getLogger("wikijs.client").info("hello %s", API_KEY)
        assert json.loads(stream.getvalue())["message"].startswith("hello ")

    def test_leaves_foreign_handlers_alone(self, wikijs_logger: logging.Logger) -> None:
        foreign = logging.NullHandler()
        wikijs_logger.addHandler(foreign)
        try:
            configure_logging(stream=io.StringIO())
            configure_logging(stream=io.StringIO())
            assert foreign in wikijs_logger.handlers
        finally:
            wikijs_logger.removeHandler(foreign)

    def test_masks_registered_secrets_end_to_end(self, wikijs_logger: logging.Logger) -> None:
        secret = "app-secret-" + new_request_id()
        MASKER.register(secret)
        stream = io.StringIO()
        configure_logging("DEBUG", stream=stream)
        logging.getLogger("wikijs.http").warning("key=%s", secret)
        assert secret not in stream.getvalue()
        assert "key=***" in stream.getvalue()

    def test_rejects_unknown_level_and_format(self) -> None:
        with pytest.raises(ValueError, match="level"):
            configure_logging("LOUD", stream=io.StringIO(), logger="wikijs.test-bad")
        with pytest.raises(ValueError, match="format"):
            configure_logging(fmt="xml", stream=io.StringIO())  # type: ignore[arg-type]


class TestLogRequest:
    def test_ok_is_one_debug_line_with_structured_fields(
        self, wikijs_logger: logging.Logger
    ) -> None:
        stream = io.StringIO()
        configure_logging("DEBUG", fmt="json", stream=stream)
        log_request(
            logging.getLogger("wikijs.http"),
            operation="pages.get",
            status=200,
            duration_ms=12.345,
            attempt=1,
            request_id="abc123",
            ok=True,
            tags={"run": "42"},
        )
        lines = stream.getvalue().splitlines()
        assert len(lines) == 1
        doc = json.loads(lines[0])
        assert doc["level"] == "DEBUG"
        assert doc["logger"] == "wikijs.http"
        assert {
            k: doc[k] for k in ("operation", "status", "duration_ms", "attempt", "request_id", "ok")
        } == {
            "operation": "pages.get",
            "status": 200,
            "duration_ms": 12.3,
            "attempt": 1,
            "request_id": "abc123",
            "ok": True,
        }
        assert doc["tags"] == {"run": "42"}
        assert "error" not in doc

    def test_failure_is_a_masked_warning(self, wikijs_logger: logging.Logger) -> None:
        stream = io.StringIO()
        configure_logging("WARNING", stream=stream)
        lg = logging.getLogger("wikijs.http")
        kwargs = {"operation": "pages.create", "duration_ms": 5.0, "request_id": "r1"}
        log_request(lg, status=200, attempt=1, ok=True, **kwargs)  # type: ignore[arg-type]
        log_request(lg, status=503, attempt=2, ok=False, error=f"HTTP 503 for {JWT}", **kwargs)  # type: ignore[arg-type]
        lines = stream.getvalue().splitlines()
        assert len(lines) == 1
        assert "WARNING" in lines[0] and "pages.create failed" in lines[0]
        assert "status=503" in lines[0] and "attempt=2" in lines[0]
        assert JWT not in lines[0]


def test_request_ids_are_short_random_hex() -> None:
    ids = {new_request_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 12 and int(i, 16) >= 0 for i in ids)
