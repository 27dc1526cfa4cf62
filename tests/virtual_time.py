"""wikisync's wiki client waits in virtual time in the tests.

The client spaces its requests out (10 per second after a burst of 20) and backs off
before a retry by *sleeping*. Real sleeps would only make the suite slow: a test that
syncs a whole docs tree would wait a second for every ten pages. Here each client
wikisync builds (``wikisync.wiki.connect``) gets a clock that its sleeps move forward
instead: the rate limiter and the retries still compute and "wait" every delay, and see
exactly that much time pass, but no real time is spent.

In the test process ``tests/conftest.py`` installs it for every test; child processes get
it from ``tests/child_site/sitecustomize.py`` when their ``PYTHONPATH`` names that folder
(see ``child_pythonpath``). The SDK's own tests pass their fake clocks explicitly.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["CHILD_SITE", "VirtualTime", "child_pythonpath", "install", "install_on_import"]

CHILD_SITE = Path(__file__).resolve().parent / "child_site"
_MODULE = "wikisync.wiki.connect"


class VirtualTime:
    """A monotonic clock that a ``sleep`` moves forward instead of waiting."""

    def __init__(self) -> None:
        self._ahead = 0.0
        self.slept = 0.0
        self._lock = threading.Lock()

    def clock(self) -> float:
        return time.monotonic() + self._ahead

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self._ahead += seconds
                self.slept += seconds


def install(connect: ModuleType) -> None:
    """Make ``connect.WikiJSClient`` build clients that wait in virtual time."""
    real = connect.WikiJSClient
    if getattr(real, "virtual_time", False):
        return

    class VirtualTimeClient(real):  # type: ignore[misc, valid-type]
        virtual_time = True

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            virtual = VirtualTime()
            kwargs.setdefault("clock", virtual.clock)
            kwargs.setdefault("sleep", virtual.sleep)
            super().__init__(*args, **kwargs)

    VirtualTimeClient.__name__ = VirtualTimeClient.__qualname__ = real.__name__
    connect.WikiJSClient = VirtualTimeClient  # type: ignore[attr-defined]


class _InstallOnImport(importlib.abc.MetaPathFinder):
    """Installs ``install`` right after ``wikisync.wiki.connect`` is first imported."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            install(module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def install_on_import() -> None:
    if _MODULE in sys.modules:
        install(sys.modules[_MODULE])
    else:
        sys.meta_path.insert(0, _InstallOnImport())


def child_pythonpath(*first: str | Path) -> str:
    """A ``PYTHONPATH`` for a child process: ``first``, then the folder that makes the
    child's wikisync clients wait in virtual time."""
    return os.pathsep.join([*(str(p) for p in first), str(CHILD_SITE)])
