"""The one seam between resources (pages, assets, users, ...) and the transport.

Resource classes build GraphQL documents and parse answers; they never touch the
network. They talk to an :class:`Executor`, which the sync client implements over
``requests`` and the async client over ``aiohttp``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Operation:
    """One GraphQL request to send.

    ``name`` is the dotted operation name used for logging, metrics, rate limits and
    errors (``"pages.create"``). ``mutation`` decides the retry policy: a mutation is
    never re-sent once it may have reached the server.
    """

    name: str
    query: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    mutation: bool = False


class Executor(Protocol):
    """Sends operations and returns the ``data`` member of the answer.

    Raises the package's exceptions (``wikijs.WikiJSError`` subclasses) for transport
    failures, HTTP errors and GraphQL ``errors[]``. It does *not* interpret mutation
    ``responseResult`` objects: that is the resource's job (see ``raise_for_result``).
    """

    def execute(self, op: Operation) -> dict[str, Any]: ...

    def execute_partial(self, op: Operation) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Like ``execute`` but returns ``(data, errors)`` without raising for
        GraphQL errors, for aliased batch documents where one item may fail."""
        ...

    def upload(self, folder_id: int, filename: str, content: bytes, mime: str) -> None: ...

    def download(self, path: str) -> bytes: ...
