"""The SDK's own cost: ``client.pages.get`` next to a bare ``requests`` POST.

The emulator runs in its own process (``python -m wikijs.testing``), so the client and
the server do not share an interpreter. Both sides send the same GraphQL document (the
SDK's own ``pages.single`` query) for the same pages over one keep-alive
``requests.Session`` each; calls alternate between the two so that drift hits both.
The SDK client has its cache disabled (a cached read sends nothing) and its client-side
rate limiter disabled (a policy, 10 requests/s by default, not a per-call cost); retries,
logging, metrics, hooks, auth, error mapping and the pydantic model stay on. The bare
side decodes the JSON and takes ``data.pages.single``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import requests

from bench._harness import REPO, Progress, Scale, median, result
from wikijs import WikiJSClient
from wikijs._graphql.pages import GET

__all__ = ["run_sdk_benchmark"]

_KEY = "bench-sdk-key"
_PAGES = 20


def _start_emulator() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "wikijs.testing", "--port", "0", "--api-key", _KEY],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=str(REPO),
    )
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    url = first.rsplit(" ", 1)[-1]
    if not url.startswith("http://"):
        process.terminate()
        raise RuntimeError(f"the emulator did not start: {first!r}")
    return process, url


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run_sdk_benchmark(scale: Scale, progress: Progress) -> dict[str, Any]:
    progress("sdk: starting an emulator process")
    process, url = _start_emulator()
    try:
        client = WikiJSClient(url, api_key=_KEY, cache=False, rate_limit=False)
        ids = [
            client.pages.create(
                f"bench/sdk/page-{i}",
                content=f"# Page {i}\n\n" + "Some words for the page body. " * 100,
                title=f"Page {i}",
                tags=["bench", "sdk"],
            ).id
            for i in range(_PAGES)
        ]
        bare = requests.Session()
        headers = {
            "Authorization": f"Bearer {_KEY}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        endpoint = f"{url}/graphql"

        def sdk_get(page_id: int) -> Any:
            return client.pages.get(page_id)

        def bare_get(page_id: int) -> Any:
            body = json.dumps({"query": GET, "variables": {"id": page_id}}).encode("utf-8")
            response = bare.post(endpoint, data=body, headers=headers)
            response.raise_for_status()
            return response.json()["data"]["pages"]["single"]

        for page_id in ids:  # warm up both connections and code paths
            sdk_get(page_id)
            bare_get(page_id)
        sdk_times: list[float] = []
        bare_times: list[float] = []
        progress(f"sdk: {scale.sdk_calls} reads each way")
        for index in range(scale.sdk_calls):
            page_id = ids[index % len(ids)]
            order = (
                ((sdk_get, sdk_times), (bare_get, bare_times))
                if index % 2 == 0
                else ((bare_get, bare_times), (sdk_get, sdk_times))
            )
            for call, times in order:
                started = time.perf_counter()
                call(page_id)
                times.append(time.perf_counter() - started)
        client.close()
        bare.close()
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
    sdk_ms = median(sdk_times) * 1000
    bare_ms = median(bare_times) * 1000
    ratio = sdk_ms / bare_ms
    return result(
        "sdk_overhead",
        target="client.pages.get through the SDK within 1.3x of a bare requests.post of the "
        "same document (median)",
        measured={
            "sdk_median_ms": round(sdk_ms, 3),
            "bare_median_ms": round(bare_ms, 3),
            "ratio": round(ratio, 3),
            "sdk_p90_ms": round(_percentile(sdk_times, 0.9) * 1000, 3),
            "bare_p90_ms": round(_percentile(bare_times, 0.9) * 1000, 3),
            "calls_each": scale.sdk_calls,
        },
        ok=ratio <= 1.3,
        details={
            "sdk_client": "WikiJSClient(url, api_key=..., cache=False, rate_limit=False)",
            "emulator": "separate process (python -m wikijs.testing), no simulated latency",
        },
    )
