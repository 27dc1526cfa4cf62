"""The emulator's own speed: listing many pages and reading one, over loopback HTTP.

A test double only helps if it is not the bottleneck: ``pages.list`` of every page (all
the fields wikisync reads) and ``pages.single`` by id, against an in-process emulator
holding ``scale.plan_pages`` pages. The first list warms the emulator's document cache;
the next one is timed. This was a timed test once; timings belong here, where a busy
machine makes a number worse instead of a build red.
"""

from __future__ import annotations

import time
from typing import Any

import requests

from bench._harness import Progress, Scale, median, result
from wikijs.testing import WikiJSEmulator

__all__ = ["run_emulator_benchmark"]

_FIELDS = (
    "id path locale title description contentType isPublished isPrivate privateNS "
    "createdAt updatedAt tags"
)
_SINGLE_CALLS = 50


def run_emulator_benchmark(scale: Scale, progress: Progress) -> dict[str, Any]:
    pages = scale.plan_pages
    progress(f"emulator: listing {pages} pages")
    emulator = WikiJSEmulator()
    for i in range(pages):
        emulator.add_page(
            f"bulk/{i // 100}/page-{i}", "# Page\n\nText.", tags=["bulk", f"t{i % 7}"]
        )
    with emulator, requests.Session() as session:
        headers = {"Authorization": f"Bearer {emulator.api_key}"}
        endpoint = f"{emulator.url}/graphql"

        def post(query: str) -> Any:
            response = session.post(endpoint, json={"query": query}, headers=headers)
            response.raise_for_status()
            return response.json()["data"]

        listing = f"{{ pages {{ list {{ {_FIELDS} }} }} }}"
        post(listing)  # warm the document cache
        started = time.perf_counter()
        listed = len(post(listing)["pages"]["list"])
        list_s = time.perf_counter() - started
        single_times = []
        for _ in range(_SINGLE_CALLS):
            started = time.perf_counter()
            post(f"{{ pages {{ single(id: {pages // 2}) {{ id title }} }} }}")
            single_times.append(time.perf_counter() - started)
    single_ms = median(single_times) * 1000
    return result(
        "emulator_listing",
        target=f"the emulator lists {pages} pages in under 1 s and answers pages.single "
        "in under 10 ms (median)",
        measured={
            "pages": listed,
            "list_s": round(list_s, 3),
            "single_median_ms": round(single_ms, 3),
        },
        ok=listed == pages and list_s < 1.0 and single_ms < 10.0,
    )
