"""Planning against the emulator at scale: cold, no change, 1% edited; and what the
applies in between write.

One wiki, one corpus of ``scale.plan_pages`` files, in this order:

1. the wiki already holds every page (put there by hand or another tool), with no
   wikisync state: ``plan`` is *cold* and must read every page's content to compare;
2. ``apply`` adopts them: no page is written, only wikisync's state;
3. ``plan`` with no changes, repeated: the state says what was written, so no content
   is read;
4. 1% of the files are edited: ``plan`` reads only those pages;
5. ``apply`` writes exactly those pages; a last ``plan`` shows no changes.

A second, empty wiki gives the cold plan of a first run (nothing to read).

The emulator charges the real server's read costs (``pages.list``, ``pages.single``);
writes are instant here, since this part counts writes and times plans.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bench._corpus import Corpus, edit_files, write_corpus
from bench._harness import (
    LogWindow,
    Progress,
    Scale,
    apply_with_accounting,
    median,
    read_only_timings,
    result,
    run_wikisync,
    write_check,
)
from wikijs.testing import WikiJSEmulator
from wikisync.local.config import load_config
from wikisync.local.source import load_source, page_key
from wikisync.wiki.state import state_folder

__all__ = ["run_plan_benchmarks", "seed_wiki"]


def seed_wiki(emulator: WikiJSEmulator, corpus: Corpus) -> int:
    """Put every page of ``corpus`` into the wiki as the files describe it (no state)."""
    config = load_config(corpus.directory)
    loaded = load_source(corpus.directory, config)
    for page in loaded.pages:
        emulator.add_page(page.path, page.content, locale=page.locale, **page.fields.for_create())
    return len(loaded.pages)


def _plan(emulator: WikiJSEmulator, corpus: Corpus) -> dict[str, Any]:
    window = LogWindow(emulator)
    run = run_wikisync(["plan", str(corpus.directory), "--json"], emulator).check(0)
    window.close()
    doc = run.json()
    return {
        "wall_s": round(run.wall_s, 3),
        **window.summary(),
        "summary": doc["summary"],
    }


def _apply(emulator: WikiJSEmulator, corpus: Corpus, expected: set[str]) -> dict[str, Any]:
    _, numbers = apply_with_accounting(
        emulator, corpus.directory, root=corpus.root, expected=expected, args=["--parallelism", "8"]
    )
    return numbers


def run_plan_benchmarks(
    scale: Scale, workdir: Path, progress: Progress
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Returns (results, write checks for the apply target)."""
    n = scale.plan_pages
    progress(f"plan: writing a corpus of {n} files")
    corpus = write_corpus(workdir / "plan-docs", n)
    config = load_config(corpus.directory)
    results: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []

    with WikiJSEmulator(timings=read_only_timings()) as empty:
        progress("plan: cold plan against an empty wiki")
        first = _plan(empty, corpus)

    with WikiJSEmulator(timings=read_only_timings()) as emulator:
        progress(f"plan: putting {n} pages into the wiki (no state)")
        seeded = seed_wiki(emulator, corpus)

        progress("plan: cold plan (no state: every page's content is compared)")
        cold = _plan(emulator, corpus)
        limit = 2 + math.ceil(n / 50)
        results.append(
            result(
                "plan_cold",
                target=f"cold plan (no state) of {n} pages: at most 2 + ceil(N/50) = {limit} "
                "requests",
                measured={
                    "pages": seeded,
                    "requests": cold["requests"],
                    "pages_read": cold["pages_read"],
                    "wall_s": cold["wall_s"],
                    "requests_limit": limit,
                    "requests_first_run_empty_wiki": first["requests"],
                },
                ok=cold["requests"] <= limit
                and cold["summary"]["unchanged"] == seeded
                and first["requests"] <= limit,
                details={"wiki_with_pages": cold, "empty_wiki": first},
            )
        )

        progress("plan: apply adopts every page (only the state is written)")
        adopt = _apply(emulator, corpus, set())
        checks.append(write_check(f"adopt {n} unchanged pages", adopt))
        stored = emulator.asset_files("/".join(state_folder(corpus.root)))
        state_bytes = sum(len(b) for b in stored.values())

        runs = []
        for index in range(scale.plan_repeats):
            progress(f"plan: no-change plan {index + 1}/{scale.plan_repeats}")
            runs.append(_plan(emulator, corpus))
        walls = [r["wall_s"] for r in runs]
        most = max(r["requests"] for r in runs)
        results.append(
            result(
                "plan_no_change",
                target=f"plan with no changes, {n} pages: at most 10 HTTP requests and under "
                "5 s wall",
                measured={
                    "pages": n,
                    "requests": most,
                    "pages_read": max(r["pages_read"] for r in runs),
                    "wall_s": round(median(walls), 3),
                    "wall_s_runs": walls,
                },
                ok=most <= 10
                and median(walls) < 5.0
                and all(r["summary"]["unchanged"] == n for r in runs),
                details={
                    "operations": runs[0]["operations"],
                    "summary": runs[0]["summary"],
                    "state_bytes": state_bytes,
                },
            )
        )

        edited = edit_files(corpus, scale.edit_pages)
        expected = {page_key(rel, config)[1] for rel in edited}
        progress(f"plan: plan after editing {len(edited)} files")
        after_edit = _plan(emulator, corpus)
        content_reads = after_edit["pages_read"] - runs[0]["pages_read"]
        results.append(
            result(
                "plan_after_edit",
                target=f"plan after editing {len(edited)} of {n} files ({len(edited) / n:.0%}): "
                "reads only what changed",
                measured={
                    "pages": n,
                    "files_edited": len(edited),
                    "updates_planned": after_edit["summary"]["update"],
                    "page_content_reads": content_reads,
                    "requests": after_edit["requests"],
                    "wall_s": after_edit["wall_s"],
                },
                ok=content_reads == len(edited) and after_edit["summary"]["update"] == len(edited),
                details={
                    "operations": after_edit["operations"],
                    "state_page_reads": runs[0]["pages_read"],
                },
            )
        )

        progress(f"plan: apply the {len(edited)} edits")
        applied = _apply(emulator, corpus, expected)
        checks.append(write_check(f"apply {len(edited)} edited of {n} pages", applied))
        progress("plan: plan after the apply (no changes left)")
        final = _plan(emulator, corpus)
        checks.append(
            {
                "run": "plan after that apply",
                "changes_left": sum(v for k, v in final["summary"].items() if k != "unchanged"),
                "requests": final["requests"],
                "exact": final["summary"]["unchanged"] == n,
            }
        )
    return results, checks
