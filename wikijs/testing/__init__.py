"""A Wiki.js 2.5.314-compatible emulator on loopback, for tests, demos and CI.

It serves the real GraphQL schema (built from the server's own introspection answer)
with the real server's answers, error codes and quirks, uploads and asset downloads,
simulated write costs and capacity, the rebuild-tree and new-tag races of concurrent
writes, and injected faults::

    from wikijs.testing import Fault, WikiJSEmulator

    with WikiJSEmulator() as wiki:
        wiki.faults.add(Fault(kind="status", status=429, retry_after=2, nth=1))
        run_my_docs_pipeline(url=wiki.url, api_key=wiki.api_key)
        assert wiki.log.count("pages.create") == 3

From a shell: ``python -m wikijs.testing --port 3000``. In pytest: the
``wikijs_emulator`` and ``wikijs_emulator_factory`` fixtures of
``wikijs.testing.pytest_plugin``.
"""

from wikijs.testing._emulator import PageRecord, WikiJSEmulator
from wikijs.testing._faults import Fault, FaultSet
from wikijs.testing._log import LoggedRequest, RequestLog
from wikijs.testing._timing import REAL_SERVER_TIMINGS, TagRace, Timings, TreeRace, WriteCost

__all__ = [
    "REAL_SERVER_TIMINGS",
    "Fault",
    "FaultSet",
    "LoggedRequest",
    "PageRecord",
    "RequestLog",
    "TagRace",
    "Timings",
    "TreeRace",
    "WikiJSEmulator",
    "WriteCost",
]
