"""Fixtures of the behavioural suite: ``wiki_factory`` opens a sync or an async client."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from _twin_clients import Sleeps, Wiki, WikiFactory

from wikijs import WikiJSClient
from wikijs.aio import AsyncWikiJSClient
from wikijs.testing import WikiJSEmulator


@pytest.fixture(params=["sync", "async"])
def wiki_factory(request: pytest.FixtureRequest) -> Iterator[WikiFactory]:
    """``wiki_factory(emulator, **client_options)``: a :class:`Wiki` of the test's kind.

    Defaults: the emulator's API key, no rate limit, sleeps recorded instead of waited.
    Every client is closed (and the event loop with it) after the test.
    """
    kind: str = request.param
    loop = asyncio.new_event_loop() if kind == "async" else None
    opened: list[Any] = []

    def run(awaitable: Any) -> Any:
        assert loop is not None
        return loop.run_until_complete(awaitable)

    def make(emulator: WikiJSEmulator, **options: Any) -> Wiki:
        sleeps = Sleeps()
        settings: dict[str, Any] = {"api_key": emulator.api_key, "rate_limit": False}
        settings["sleep"] = sleeps.record if kind == "sync" else sleeps.record_async
        settings.update(options)
        cls = WikiJSClient if kind == "sync" else AsyncWikiJSClient
        client = cls(emulator.url, **settings)
        opened.append(client)
        return Wiki(client, run, kind, sleeps)

    yield make
    for client in opened:
        if loop is None:
            client.close()
        else:
            run(client.close())
    if loop is not None:
        loop.close()


@pytest.fixture
def emu() -> Iterator[WikiJSEmulator]:
    with WikiJSEmulator() as emulator:
        yield emulator
