"""End-to-end fixtures: the `wikisync` CLI against the emulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_helpers import Wiki
from typer.testing import CliRunner

from wikijs.testing import WikiJSEmulator


@pytest.fixture
def wiki() -> Iterator[Wiki]:
    with WikiJSEmulator() as emulator:
        yield Wiki(emulator, CliRunner())
