"""Resource logic written once, run by the sync client and by the async client.

A resource method (``pages.create``, ``assets.upload``...) is written as a *flow*: a
generator that yields what it needs from the wiki (an ``Execute`` of a GraphQL
operation, an ``Upload``, a ``Download``, an ``Identify``) and receives the
answer (or has the error thrown in at the ``yield``). A flow never touches the network.

A ``Runner`` drives flows: the sync transport (``requests``) returns their result, the
async transport (``aiohttp``) returns a coroutine. The ``flow`` decorator turns a flow
into a method whose type follows the resource's mode::

    class PagesAPI(Resource[M]):
        @flow
        def get(self, page_id: int) -> Flow[Page]:
            data = yield from execute(Operation("pages.get", GET, {"id": page_id}))
            return parse_page(data)

    PagesAPI(sync_transport).get(1)           # -> Page
    await PagesAPI(async_transport).get(1)    # -> Page

So the sync and the async client share the documents, the parsers and the logic; only the
two transports differ, and only in their I/O.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Generator
from dataclasses import dataclass
from types import MethodType
from typing import Any, ClassVar, Concatenate, Generic, ParamSpec, overload

from typing_extensions import TypeVar

from ._graphql._executor import Operation
from .models._common import Identity

__all__ = [
    "Async",
    "Authenticate",
    "Download",
    "Execute",
    "Flow",
    "Identify",
    "Mode",
    "Request",
    "Resource",
    "Runner",
    "Stepper",
    "Sync",
    "Upload",
    "authenticate",
    "download",
    "execute",
    "execute_partial",
    "flow",
    "identify",
    "upload",
]


class Mode:
    """How a resource's methods return: ``Sync`` (values) or ``Async`` (coroutines)."""


class Sync(Mode):
    """Methods return their result."""


class Async(Mode):
    """Methods return a coroutine of their result."""


M = TypeVar("M", bound=Mode, default=Sync)
T = TypeVar("T")
Y = TypeVar("Y")
P = ParamSpec("P")


# -- what a flow asks for ----------------------------------------------------------------------


@dataclass(frozen=True)
class Execute:
    """Send a GraphQL operation. Answer: ``data`` (errors raised), or with ``partial``
    ``(data, errors)`` without raising for GraphQL errors (aliased batches)."""

    op: Operation
    partial: bool = False


@dataclass(frozen=True)
class Upload:
    """Upload one file to an asset folder (``POST /u``). Answer: None."""

    folder_id: int
    filename: str
    content: bytes
    mime: str


@dataclass(frozen=True)
class Download:
    """``GET`` an asset (``anonymous``: without credentials, as a Guest). Answer: its bytes
    (at most ``max_bytes``, when given)."""

    path: str
    anonymous: bool = False
    max_bytes: int | None = None


@dataclass(frozen=True)
class Identify:
    """Ask who the credentials belong to (a fresh ``users.profile``). Answer: Identity."""


@dataclass(frozen=True)
class Authenticate:
    """Make sure the credentials were accepted (the login ran, the identity was checked)
    before anything is answered from a cache shared with other clients. Answer: None."""


Request = Execute | Upload | Download | Identify | Authenticate
Flow = Generator[Request, Any, T]


def execute(op: Operation) -> Flow[dict[str, Any]]:
    """``data = yield from execute(op)``: the answer's ``data``; raises for ``errors[]``."""
    data: dict[str, Any] = yield Execute(op)
    return data


def execute_partial(op: Operation) -> Flow[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """``data, errors = yield from execute_partial(op)``: nothing raised for ``errors[]``."""
    answer: tuple[dict[str, Any], list[dict[str, Any]]] = yield Execute(op, partial=True)
    return answer


def upload(folder_id: int, filename: str, content: bytes, mime: str) -> Flow[None]:
    """Upload one file (the size limit is checked before anything is sent)."""
    yield Upload(folder_id, filename, content, mime)


def download(path: str, *, anonymous: bool = False, max_bytes: int | None = None) -> Flow[bytes]:
    """The bytes served at ``path`` (``anonymous``: to a request without credentials; at
    most ``max_bytes``, when given)."""
    content: bytes = yield Download(path, anonymous, max_bytes)
    return content


def authenticate() -> Flow[None]:
    """Settle the credentials (no request once they are settled)."""
    yield Authenticate()


def identify() -> Flow[Identity]:
    """Who the credentials belong to."""
    identity: Identity = yield Identify()
    return identity


# -- driving flows -----------------------------------------------------------------------------


class Stepper(Generic[Y, T]):
    """Steps through a generator: the driver loop of every runner, without the I/O.

    ::

        steps = Stepper(gen)
        while (item := steps.next()) is not None:
            steps.call(handle, item)            # or: await steps.call_async(handle, item)
        return steps.result

    What ``handle`` returns is sent in at the ``yield``; what it raises is thrown in there.
    """

    def __init__(self, gen: Generator[Y, Any, T]) -> None:
        self._gen = gen
        self._value: Any = None
        self._error: BaseException | None = None
        self.result: T

    def next(self) -> Y | None:
        """The next item the generator yields, or None once it returned (see ``result``)."""
        try:
            if self._error is not None:
                error, self._error = self._error, None
                return self._gen.throw(error)
            return self._gen.send(self._value)
        except StopIteration as stop:
            self.result = stop.value
            return None

    def call(self, handle: Callable[[Y], Any], item: Y) -> None:
        """Answer ``item`` with ``handle(item)``: its result, or the exception it raised."""
        try:
            self.answer(handle(item))
        except Exception as exc:
            self.fail(exc)

    async def call_async(self, handle: Callable[[Y], Awaitable[Any]], item: Y) -> None:
        """Answer ``item`` with ``await handle(item)``."""
        try:
            self.answer(await handle(item))
        except Exception as exc:
            self.fail(exc)

    def answer(self, value: Any) -> None:
        """Send ``value`` in at the pending ``yield``."""
        self._value = value

    def fail(self, error: BaseException) -> None:
        """Raise ``error`` at the pending ``yield``."""
        self._error = error
        self._value = None


class Runner(ABC, Generic[M]):
    """Runs flows. The sync transport returns a flow's result, the async one a coroutine."""

    #: Whether ``run`` returns a coroutine.
    asynchronous: ClassVar[bool] = False

    @abstractmethod
    def run(self, flow: Flow[T]) -> Any:
        """Drive ``flow`` to its end, answering its requests."""


class Resource(Generic[M]):
    """Base of everything with ``flow`` methods: holds the runner that drives them."""

    def __init__(self, runner: Runner[M]) -> None:
        self._runner: Runner[M] = runner


class flow(Generic[P, T]):
    """Turn a flow into a method of a ``Resource``.

    On a ``Resource[Sync]`` the method runs the flow and returns its result; on a
    ``Resource[Async]`` it is a coroutine function. ``Class.method.flow`` is the flow
    itself, for flows that reuse another (``yield from PagesAPI.get_many.flow(self, ids)``).
    """

    def __init__(self, fn: Callable[Concatenate[Any, P], Flow[T]]) -> None:
        self.flow = fn

        @functools.wraps(fn)
        def run_sync(owner: Resource[Any], *args: Any, **kwargs: Any) -> Any:
            return owner._runner.run(fn(owner, *args, **kwargs))

        @functools.wraps(fn)
        async def run_async(owner: Resource[Any], *args: Any, **kwargs: Any) -> Any:
            return await owner._runner.run(fn(owner, *args, **kwargs))

        self._sync = run_sync
        self._async = run_async
        self.__doc__ = fn.__doc__
        self.__name__ = fn.__name__
        self.__wrapped__ = fn

    @overload
    def __get__(self, obj: None, owner: type[Any] | None = None) -> flow[P, T]: ...

    @overload
    def __get__(self, obj: Resource[Sync], owner: type[Any] | None = None) -> Callable[P, T]: ...

    @overload
    def __get__(
        self, obj: Resource[Async], owner: type[Any] | None = None
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    def __get__(self, obj: Resource[Any] | None, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        return MethodType(self._async if obj._runner.asynchronous else self._sync, obj)
