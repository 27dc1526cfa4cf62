"""The emulator's request log: one entry per HTTP request, thread-safe."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LoggedRequest:
    """One HTTP request the emulator received.

    ``kind`` is ``query``, ``mutation``, ``upload``, ``download`` or ``other``;
    ``operations`` holds the dotted operation names of a GraphQL document in document
    order, one per field (``("pages.create", "pages.create")`` for two aliased creates).
    ``status`` is None when the connection was dropped without an answer.
    """

    method: str
    path: str
    kind: str
    operations: tuple[str, ...]
    status: int | None
    duration: float
    fault: str | None = None


class RequestLog:
    """``emu.log``: what the emulator was asked, for assertions in tests."""

    def __init__(self) -> None:
        self._lock = threading.Condition(threading.RLock())
        self._entries: list[LoggedRequest] = []

    def record(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)
            self._lock.notify_all()

    def wait_for(self, predicate: Callable[[RequestLog], bool], timeout: float = 60.0) -> bool:
        """Block until ``predicate(log)`` is true (checked at each new entry); False if it
        still is not after ``timeout`` seconds (a guard against a hang, not a timing).

        ``emu.log.wait_for(lambda log: log.count("pages.create") == 3)``
        """
        with self._lock:
            return self._lock.wait_for(lambda: predicate(self), timeout)

    @property
    def entries(self) -> list[LoggedRequest]:
        """A copy of every logged request, oldest first."""
        with self._lock:
            return list(self._entries)

    @property
    def requests(self) -> int:
        """How many HTTP requests arrived."""
        with self._lock:
            return len(self._entries)

    def count(self, operation: str | None = None, kind: str | None = None) -> int:
        """How many operations match; without ``operation``, how many requests do.

        ``count("pages.create")`` counts every create, also two aliased in one
        document; ``count(kind="upload")`` counts upload requests.
        """
        with self._lock:
            entries = [e for e in self._entries if kind is None or e.kind == kind]
        if operation is None:
            return len(entries)
        return sum(e.operations.count(operation) for e in entries)

    def operations(self, kind: str | None = None) -> list[str]:
        """Every operation name, in arrival order."""
        with self._lock:
            return [
                op for e in self._entries if kind is None or e.kind == kind for op in e.operations
            ]

    def writes(self) -> list[str]:
        """Every mutation operation (``pages.create``, ``assets.upload`` ...), in order."""
        with self._lock:
            return [
                op for e in self._entries if e.kind in ("mutation", "upload") for op in e.operations
            ]

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
