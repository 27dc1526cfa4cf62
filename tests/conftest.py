"""Suite-wide fixtures: every test starts from a clean, isolated environment."""

from __future__ import annotations

import os

import pytest
from virtual_time import install

from wikisync.wiki import connect

_ISOLATED_PREFIXES = ("WIKIJS_", "WIKISYNC_", "GITHUB_", "INPUT_", "RUNNER_")


@pytest.fixture(autouse=True)
def _isolate_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the developer's or CI's wiki credentials or GitHub context."""
    for name in list(os.environ):
        if name.startswith(_ISOLATED_PREFIXES) or name in {"CI", "NO_COLOR"}:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True, scope="session")
def _wiki_clients_wait_in_virtual_time() -> None:
    """The wikisync CLI's rate limiter and retry backoff spend no real time (see
    ``tests/virtual_time.py``)."""
    install(connect)
