"""Local work without the network: load, validate and plan a large directory.

Runs in a fresh process (``python -m bench._local DIR``) so that its peak memory is
its own. The wiki and the state are built in memory from the loaded
pages, the way they look on a typical re-run: 98% of the pages unchanged since the last
apply, 1% edited since (their full records, with the old content, are at hand as if
fetched), 1% new files. The times:

* ``load_s``: ``load_config`` + ``load_source`` (reads and parses every file, rewrites
  links, and runs every check ``wikisync validate`` reports);
* ``plan_s``: ``content_reads_needed`` + ``plan()`` against the in-memory wiki and state;
* ``validate_s``: ``validate()`` on its own, as ``wikisync validate`` runs it (a second,
  independent pass over the files).

``peak_rss_mb`` is the process's peak resident memory (``VmHWM`` on Linux).
"""

from __future__ import annotations

import dataclasses
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = ["run_local_worker"]


def _measure(directory: Path) -> dict[str, Any]:
    from wikisync.local.config import load_config
    from wikisync.local.source import load_source
    from wikisync.local.validate import validate
    from wikisync.plan.model import EDITOR_CONTENT_TYPES, RemotePage, State, StateEntry
    from wikisync.plan.pages import content_reads_needed, plan

    started, cpu = time.perf_counter(), time.process_time()
    config = load_config(directory)
    loaded = load_source(directory, config)
    load_s, load_cpu_s = time.perf_counter() - started, time.process_time() - cpu

    stamp = "2026-01-01T00:00:00.000Z"
    listing: list[RemotePage] = []
    full: dict[int, RemotePage] = {}
    entries: dict[int, StateEntry] = {}
    pages = sorted(loaded.pages, key=lambda p: p.source)
    for index, page in enumerate(pages, start=1):
        if index % 100 == 50:
            continue  # a new file: no page yet
        values = page.fields.for_create()
        remote = RemotePage(
            id=index,
            locale=page.locale,
            path=page.path,
            title=values["title"],
            description=values["description"],
            tags=tuple(values["tags"]),
            is_published=values["is_published"],
            is_private=values["is_private"],
            content_type=EDITOR_CONTENT_TYPES[values["editor"]],
            created_at=stamp,
            updated_at=stamp,
        )
        listing.append(remote)
        digest, content_digest = page.digest, page.content_digest
        if index % 100 == 0:  # edited since the last apply: the state holds older digests
            digest, content_digest = "0" * 64, "1" * 64
            full[index] = dataclasses.replace(
                remote,
                content=page.content + "An older paragraph.\n",
                editor=values["editor"],
                publish_start_date="",
                publish_end_date="",
                script_css="",
                script_js="",
            )
        entries[index] = StateEntry(
            index, page.locale, page.path, page.source, stamp, digest, content_digest
        )
    state = State(pages=entries, serial=1, root=config.root)
    options = config.plan_options()

    started, cpu = time.perf_counter(), time.process_time()
    needed = content_reads_needed(loaded.pages, listing, state, options)
    actual = [full.get(r.id, r) if r.id in needed else r for r in listing]
    result = plan(loaded.pages, actual, state, options)
    plan_s, plan_cpu_s = time.perf_counter() - started, time.process_time() - cpu

    started = time.perf_counter()
    problems = validate(directory, config)
    validate_s = time.perf_counter() - started

    peak_kb = _peak_rss_kb()
    return {
        "files": len(loaded.pages),
        "problems": len(loaded.problems),
        "validate_problems": len(problems),
        "content_reads_needed": len(needed),
        "summary": result.summary,
        "load_s": round(load_s, 3),
        "plan_s": round(plan_s, 3),
        "validate_s": round(validate_s, 3),
        "load_cpu_s": round(load_cpu_s, 3),
        "plan_cpu_s": round(plan_cpu_s, 3),
        "peak_rss_mb": round(peak_kb / 1024, 1),
    }


def _peak_rss_kb() -> int:
    """This process's peak resident memory, in KiB.

    Linux's ``VmHWM`` belongs to the process image; ``ru_maxrss`` also keeps the peak of
    the image before ``exec`` (here: the benchmark runner that started this process).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def run_local_worker(directory: Path) -> dict[str, Any]:
    """Run :func:`_measure` in a fresh interpreter and return its numbers."""
    from bench._harness import REPO

    completed = subprocess.run(
        [sys.executable, "-m", "bench._local", str(directory)],
        capture_output=True,
        text=True,
        cwd=str(REPO),
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the local-work worker failed:\n{completed.stderr[-3000:]}")
    data: dict[str, Any] = json.loads(completed.stdout)
    return data


if __name__ == "__main__":
    print(json.dumps(_measure(Path(sys.argv[1]))))
