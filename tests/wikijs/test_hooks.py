"""Hooks: called in order, may tag requests, and never break a request."""

from __future__ import annotations

import logging

import pytest

from wikijs._hooks import Hooks, RequestEvent, ResponseEvent
from wikijs._logging import MASKER

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl"


def event(**kw: object) -> RequestEvent:
    base: dict[str, object] = {
        "operation": "pages.create",
        "kind": "mutation",
        "request_id": "abc",
        "attempt": 1,
        "variables": {"path": "a"},
    }
    base.update(kw)
    return RequestEvent(**base)  # type: ignore[arg-type]


def test_hooks_run_in_registration_order_and_work_as_decorators() -> None:
    hooks = Hooks()
    calls: list[str] = []

    @hooks.on_request
    def first(ev: RequestEvent) -> None:
        calls.append(f"first:{ev.operation}")

    @hooks.on_request
    def second(ev: RequestEvent) -> None:
        calls.append(f"second:{ev.attempt}")

    assert callable(first) and first.__name__ == "first"
    hooks.emit_request(event(attempt=2))
    assert calls == ["first:pages.create", "second:2"]


def test_request_hooks_can_add_tags() -> None:
    hooks = Hooks()
    hooks.on_request(lambda ev: ev.tags.update({"run": "42"}))
    ev = event()
    hooks.emit_request(ev)
    assert ev.tags == {"run": "42"}


def test_response_and_error_hooks_receive_their_events() -> None:
    hooks = Hooks()
    seen: list[object] = []
    hooks.on_response(lambda ev: seen.append((ev.status, ev.ok, ev.request.request_id)))
    hooks.on_error(lambda ev, exc: seen.append((ev.operation, str(exc))))
    req = event()
    hooks.emit_response(ResponseEvent(req, 200, 0.01, True))
    hooks.emit_error(req, TimeoutError("slow"))
    assert seen == [(200, True, "abc"), ("pages.create", "slow")]


def test_no_hooks_is_falsy() -> None:
    hooks = Hooks()
    assert not hooks
    hooks.on_error(lambda ev, exc: None)
    assert hooks


@pytest.mark.parametrize("stage", ["request", "response", "error"])
def test_a_failing_hook_is_logged_masked_and_the_others_still_run(
    stage: str, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "hook-secret-value-123"
    MASKER.register(secret)
    hooks = Hooks()
    ran: list[str] = []

    def broken(*_: object) -> None:
        raise RuntimeError(f"leaked {secret} and Bearer {JWT}")

    def fine(*_: object) -> None:
        ran.append(stage)

    for fn in (broken, fine):
        if stage == "request":
            hooks.on_request(fn)
        elif stage == "response":
            hooks.on_response(fn)
        else:
            hooks.on_error(fn)

    req = event()
    with caplog.at_level(logging.WARNING, logger="wikijs.hooks"):
        if stage == "request":
            hooks.emit_request(req)
        elif stage == "response":
            hooks.emit_response(ResponseEvent(req, 500, 0.2, False))
        else:
            hooks.emit_error(req, ValueError("original"))

    assert ran == [stage]
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    text = record.getMessage() + str(getattr(record, "error", ""))
    assert "RuntimeError" in text and "broken" in text and "pages.create" in text
    assert secret not in text and JWT not in text


def test_keyboard_interrupt_in_a_hook_is_not_swallowed() -> None:
    hooks = Hooks()

    def stop(_: RequestEvent) -> None:
        raise KeyboardInterrupt

    hooks.on_request(stop)
    with pytest.raises(KeyboardInterrupt):
        hooks.emit_request(event())
