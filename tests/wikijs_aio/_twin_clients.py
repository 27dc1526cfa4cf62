"""A sync-or-async client seen through one interface, for the shared behavioural suite.

The async client is driven through :class:`Facade`, which runs each coroutine on the
test's own event loop, so one test body reads the same for both and states the same
expectations. ``parallel`` runs calls at the same time: threads for the sync client,
``asyncio.gather`` for the async one.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from wikijs._flow import Resource


class Sleeps:
    """An injected ``sleep`` that records instead of waiting (sync or async flavour)."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self._lock = threading.Lock()

    def record(self, seconds: float) -> None:
        with self._lock:
            self.calls.append(seconds)

    async def record_async(self, seconds: float) -> None:
        self.record(seconds)
        await asyncio.sleep(0)


class Facade:
    """A client (or one of its resources) whose methods return results, never coroutines."""

    def __init__(self, target: Any, run: Callable[[Any], Any]) -> None:
        self._target = target
        self._run = run

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if isinstance(value, Resource):
            return Facade(value, self._run)
        if callable(value) and not isinstance(value, type):

            def call(*args: Any, **kwargs: Any) -> Any:
                result = value(*args, **kwargs)
                return self._run(result) if inspect.isawaitable(result) else result

            return call
        return value


class Wiki(Facade):
    """A facade over a whole client, plus what differs between the two kinds."""

    def __init__(self, client: Any, run: Callable[[Any], Any], kind: str, sleeps: Sleeps) -> None:
        super().__init__(client, run)
        self.client = client
        self.kind = kind
        self.sleeps = sleeps

    def parallel(self, fn: Callable[[Any, int], Any], items: range) -> list[Any]:
        """``fn(client, item)`` for every item at the same time; results in item order."""
        if self.kind == "sync":
            with ThreadPoolExecutor(max_workers=len(items)) as pool:
                return list(pool.map(lambda i: fn(self.client, i), items))

        async def gather() -> list[Any]:
            return list(await asyncio.gather(*(fn(self.client, i) for i in items)))

        return self._run(gather())  # type: ignore[no-any-return]


WikiFactory = Callable[..., Wiki]
