"""Fixtures shared by the SDK's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses
from _replay import Replay


@pytest.fixture
def replay() -> Iterator[Replay]:
    """Recorded answers served at the HTTP edge; fails if a queued answer went unused."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        r = Replay(rsps)
        yield r
        r.assert_done()
