"""pytest fixtures for the Wiki.js emulator.

* ``wikijs_emulator``: a fresh, running [`WikiJSEmulator`][wikijs.testing.WikiJSEmulator] per
  test, stopped afterwards.
* ``wikijs_emulator_factory``: call it with ``WikiJSEmulator`` keyword arguments to get
  more emulators (``wikijs_emulator_factory(write_latency={"pages.create": 0.05})``);
  all of them are stopped after the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from wikijs.testing._emulator import WikiJSEmulator


@pytest.fixture
def wikijs_emulator() -> Iterator[WikiJSEmulator]:
    """A fresh Wiki.js emulator on a free loopback port."""
    with WikiJSEmulator() as emulator:
        yield emulator


@pytest.fixture
def wikijs_emulator_factory() -> Iterator[Callable[..., WikiJSEmulator]]:
    """Make started emulators with options; each is stopped after the test."""
    started: list[WikiJSEmulator] = []

    def make(**options: Any) -> WikiJSEmulator:
        emulator = WikiJSEmulator(**options).start()
        started.append(emulator)
        return emulator

    yield make
    for emulator in reversed(started):
        emulator.stop()
