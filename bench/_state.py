"""What the ownership state costs: one-change applies, history growth, a 50,000-page root.

Each lane is its own process with its own emulator (``REAL_SERVER_TIMINGS``, the real
2-vCPU server's medians and capacity, scaled where a lane says so):

* ``one_change``: roots of two sizes (1,000 and 10,000 pages in the full run) are put
  into the wiki and adopted (writes free while arranging), then one file is changed and
  applied at the real costs. Counted: page writes, the bytes wikisync uploads for its
  own bookkeeping (lock file, segments, head), and the time of the plan and apply
  against a bare ``pages.update``. The change is planned and applied by a child
  process that loads the files as ``wikisync apply`` does and times what the CLI runs
  after start-up (the emulator, serving, is not on the same interpreter).
* ``first_sync``: a fresh root applied at ``--parallelism 4`` against the same pages
  created raw by the SDK from 4 threads, each on its own fresh emulator with the real
  server's race of creates for a new tag (``TagRace``); also wikisync letting those
  creates race and writing the lost tags afterwards, the alternative it does not take.
* ``history``: one-page applies to a 10,000-page root; what the wiki stores in page
  history (every version's content) and in assets before and after.
* ``root_50k``: ``wikisync apply``, ``plan`` and a 1% edit of a 50,000-page root as a
  user runs them (subprocesses; peak memory is the largest child's), write costs scaled.
"""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import requests

from bench._corpus import Corpus, edit_files, write_corpus
from bench._harness import (
    LogWindow,
    PageWrites,
    Progress,
    Scale,
    page_versions,
    read_only_timings,
    real_timings,
    run_wikisync,
)
from bench._plan import seed_wiki
from wikijs import PageCreate, WikiJSClient
from wikijs._graphql import pages as pages_documents
from wikijs.testing import TagRace, Timings, WikiJSEmulator
from wikisync.apply.run import apply_run
from wikisync.engine import LoadedSource, load_directory, make_plan
from wikisync.local.config import load_config
from wikisync.local.source import page_key
from wikisync.plan.model import content_digest, page_digest, state_page_path
from wikisync.wiki.remote import Remote
from wikisync.wiki.state import dump_state, state_folder

__all__ = ["STATE_LANES", "run_state_lane"]

STATE_LANES = ("one_change", "first_sync", "history", "root_50k")

_PAGE_WRITES = ("pages.create", "pages.update", "pages.move", "pages.delete")


def run_state_lane(lane: str, scale: Scale, workdir: Path, progress: Progress) -> dict[str, Any]:
    if lane == "one_change":
        return {"sizes": [_one_change(n, scale, workdir, progress) for n in scale.change_roots]}
    if lane == "first_sync":
        return _first_sync(scale, workdir, progress)
    if lane == "history":
        return _history(scale, workdir, progress)
    if lane == "root_50k":
        return _big_root(scale, workdir, progress)
    raise ValueError(f"unknown state lane {lane!r}")


# -- in-process runs ---------------------------------------------------------------------------


@dataclass
class UploadMeter:
    """Counts the bytes sent by ``client.assets.upload`` and ``put`` (wikisync's
    bookkeeping: it uploads bytes, never files, for the state)."""

    uploads: int = 0
    bytes: int = 0

    def install(self, client: WikiJSClient) -> None:
        for name in ("upload", "put"):
            setattr(client.assets, name, self._counting(getattr(client.assets, name)))

    def _counting(self, send: Callable[..., Any]) -> Callable[..., Any]:
        def counted(data: Any, **kwargs: Any) -> Any:
            if isinstance(data, (bytes, bytearray)):
                self.uploads += 1
                self.bytes += len(data)
            return send(data, **kwargs)

        return counted


@contextmanager
def _remote(
    emulator: WikiJSEmulator, root: str, locale: str
) -> Iterator[tuple[Remote, UploadMeter]]:
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        meter = UploadMeter()
        meter.install(client)
        yield Remote(client, root=root, locale=locale), meter


def _apply_in_process(
    emulator: WikiJSEmulator,
    source: LoadedSource,
    *,
    parallelism: int = 4,
    count_versions: bool = True,
    order_new_tags: bool = True,
) -> dict[str, Any]:
    """Plan and apply as the CLI does after start-up; the numbers of that one apply.

    Page writes are counted page by page from the history versions, or (without
    ``count_versions``, cheaper at 10,000 pages) from the page mutations logged."""
    config = source.config
    before = page_versions(emulator) if count_versions else {}
    window = LogWindow(emulator)
    with _remote(emulator, config.root, config.locale) as (remote, meter):
        started = time.perf_counter()
        run = make_plan(source, remote)
        planned = time.perf_counter()
        report = apply_run(run, remote, parallelism=parallelism, order_new_tags=order_new_tags)
        finished = time.perf_counter()
    window.close()
    ops = window.operations()
    if count_versions:
        writes = PageWrites.between(
            before, page_versions(emulator), state_path=state_page_path(config.root)
        )
        page_writes, pages_written = writes.page_writes, writes.pages_written
    else:
        page_writes = sum(n for op, n in ops.items() if op in _PAGE_WRITES)
        pages_written = page_writes
    return {
        "plan_s": round(planned - started, 3),
        "apply_s": round(finished - planned, 3),
        "plan_and_apply_s": round(finished - started, 3),
        "changes": len(run.plan.changes),
        "failed": report.failed,
        "page_writes": page_writes,
        "pages_written": pages_written,
        "bookkeeping_uploads": meter.uploads,
        "bookkeeping_bytes": meter.bytes,
        "bookkeeping_requests": sum(n for op, n in ops.items() if op.startswith("assets.")),
        "requests": window.requests,
        "operations": dict(sorted(ops.items())),
    }


def _changed_source(source: LoadedSource, index: int, revision: int) -> LoadedSource:
    """``source`` with page ``index``'s content changed, as the loader would read it."""
    pages = list(source.pages)
    page = pages[index]
    content = f"{page.content}\nRevision {revision} of this page.\n"
    pages[index] = replace(
        page,
        content=content,
        content_digest=content_digest(content),
        digest=page_digest(content, page.fields),
    )
    return replace(source, pages=tuple(pages))


def _adopted_root(
    scale: Scale, workdir: Path, name: str, pages: int, progress: Progress
) -> tuple[WikiJSEmulator, Corpus, LoadedSource]:
    """An emulator holding ``pages`` pages that wikisync manages (adopted; free writes)."""
    corpus = write_corpus(workdir / name, pages, seed=5)
    emulator = WikiJSEmulator(timings=read_only_timings())
    emulator.start()
    progress(f"{name}: {pages} pages into the wiki, then adopted")
    seed_wiki(emulator, corpus)
    source = load_directory(corpus.directory)
    adopt = _apply_in_process(emulator, source, parallelism=8)
    assert adopt["failed"] == 0 and adopt["page_writes"] == 0, adopt
    # The emulator serves from this process only because the bench hosts it here: keep
    # the wiki it now stores (the real server's data, in another process there) out of
    # this interpreter's later garbage collections.
    gc.collect()
    gc.freeze()
    return emulator, corpus, source


def _bare_update(emulator: WikiJSEmulator, repeats: int = 3) -> float:
    """Median seconds of one raw ``pages.update`` (SDK, safe read-modify-write)."""
    page_id = emulator.add_page("bench/bare-update", "Bare update.\n", title="Bare")
    times = []
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        for i in range(repeats):
            current = client.pages.get(page_id)
            started = time.perf_counter()
            client.pages.update(page_id, current=current, content=f"Bare update {i}.\n")
            times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2]


def _one_change(n: int, scale: Scale, workdir: Path, progress: Progress) -> dict[str, Any]:
    emulator, corpus, source = _adopted_root(scale, workdir, f"one-change-{n}", n, progress)
    try:
        emulator.timings = real_timings(1.0)
        bare = _bare_update(emulator)
        runs = []
        for revision in (1, 2):
            progress(f"one_change {n}: a 1-file change, apply {revision}")
            page = source.pages[(revision * 7919) % len(source.pages)]
            file = corpus.directory / page.source
            file.write_text(
                file.read_text(encoding="utf-8") + f"\nRevision {revision} of this page.\n",
                encoding="utf-8",
            )
            runs.append(_change_in_child(emulator, str(corpus.directory), source.config.root))
        stored = emulator.asset_files("/".join(state_folder(source.config.root)))
    finally:
        emulator.stop()
    first = runs[0]
    return {
        "pages": n,
        "bare_update_s": round(bare, 3),
        "ratio_to_bare_update": round(first["plan_and_apply_s"] / bare, 3),
        "state_files": len(stored),
        "state_bytes_stored": sum(len(b) for b in stored.values()),
        "runs": runs,
    }


def child_change() -> None:
    """``python -c 'from bench._state import child_change; child_change()' DIR``: load
    DIR as ``wikisync apply`` does (``load_content``, client from the environment), then
    time its plan and apply (``--auto-approve --parallelism 4``); prints JSON."""
    import json
    import sys

    from wikisync.cli._common import load_content, make_client

    source = load_content(Path(sys.argv[1]))
    with make_client(None) as client:
        meter = UploadMeter()
        meter.install(client)
        remote = Remote(client, root=source.config.root, locale=source.config.locale)
        started = time.perf_counter()
        run = make_plan(source, remote)
        planned = time.perf_counter()
        report = apply_run(run, remote, parallelism=4)
        finished = time.perf_counter()
    print(
        json.dumps(
            {
                "plan_s": round(planned - started, 3),
                "apply_s": round(finished - planned, 3),
                "plan_and_apply_s": round(finished - started, 3),
                "changes": len(run.plan.changes),
                "failed": report.failed,
                "bookkeeping_uploads": meter.uploads,
                "bookkeeping_bytes": meter.bytes,
            }
        )
    )


def _change_in_child(emulator: WikiJSEmulator, directory: str, root: str) -> dict[str, Any]:
    """A 1-file change planned and applied by a child process (as a user runs it: the
    emulator's work is not on the same interpreter); its numbers and the requests."""
    before = page_versions(emulator)
    window = LogWindow(emulator)
    out = _run_child("child_change", [directory], emulator)
    window.close()
    writes = PageWrites.between(before, page_versions(emulator), state_path=state_page_path(root))
    ops = window.operations()
    out.update(
        page_writes=writes.page_writes,
        pages_written=writes.pages_written,
        bookkeeping_requests=sum(n for op, n in ops.items() if op.startswith("assets.")),
        requests=window.requests,
        operations=dict(sorted(ops.items())),
    )
    return out


# -- first sync ---------------------------------------------------------------------------------


def _untagged(emulator: WikiJSEmulator, source: LoadedSource) -> int:
    """Pages whose tags in the wiki are not those of their file."""
    wanted = {(p.locale, p.path): set(p.fields.tags or ()) for p in source.pages}
    return sum(
        1
        for page in emulator.pages()
        if (page.locale, page.path) in wanted and set(page.tags) != wanted[(page.locale, page.path)]
    )


def _raw_creates(
    source: LoadedSource,
    timings: Timings,
    race: TagRace | None,
    parallelism: int,
    progress: Progress,
) -> dict[str, Any]:
    """The creates of ``source`` sent as bare mutations from ``parallelism`` threads to a
    fresh emulator: one ``pages.create`` each, no confirming read, no tag repair, no retry.

    With the new-tag race on, a create that loses answers at once (the server skips its
    render and tree jobs) and leaves its page without tags: less work than the others."""
    n = len(source.pages)
    with WikiJSEmulator(timings=timings, tag_race=race) as emulator:
        what = "with" if race else "without"
        progress(f"first_sync: the same {n} creates sent raw, {what} the new-tag race")
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {emulator.api_key}"

        def create(page: Any) -> bool:
            item = PageCreate(
                path=page.path, content=page.content, locale=page.locale, **page.fields.for_create()
            )
            body = {
                "query": pages_documents.CREATE,
                "variables": pages_documents.create_variables(item),
            }
            answer = http.post(f"{emulator.url}/graphql", json=body, timeout=600).json()
            return bool(answer["data"]["pages"]["create"]["responseResult"]["succeeded"])

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=parallelism) as pool:
            answered_ok = sum(pool.map(create, source.pages))
        wall_s = time.perf_counter() - started
        http.close()
        return {
            "wall_s": round(wall_s, 3),
            "answered_ok": answered_ok,
            "pages_without_their_tags": _untagged(emulator, source),
        }


def _first_sync(scale: Scale, workdir: Path, progress: Progress) -> dict[str, Any]:
    n, parallelism = scale.first_sync_pages, 4
    corpus = write_corpus(workdir / "first-sync", n, seed=11)
    source = load_directory(corpus.directory)
    timings = real_timings(scale.time_scale)
    runs: dict[str, dict[str, Any]] = {}
    for name, ordered in (("wikisync", True), ("wikisync_repairing", False)):
        with WikiJSEmulator(timings=timings, tag_race=TagRace()) as emulator:
            progress(f"first_sync: {n} pages with {name} at --parallelism {parallelism}")
            started = time.perf_counter()
            numbers = _apply_in_process(
                emulator, source, parallelism=parallelism, order_new_tags=ordered
            )
            numbers["wall_s"] = round(time.perf_counter() - started, 3)
            numbers["pages_without_their_tags"] = _untagged(emulator, source)
            numbers["history_versions"] = emulator.stored_bytes()["history_versions"]
            runs[name] = numbers
    raw = {
        name: _raw_creates(source, timings, race, parallelism, progress)
        for name, race in (("raw", TagRace()), ("raw_without_the_race", None))
    }
    ours_s = runs["wikisync"]["wall_s"]
    return {
        "pages": n,
        "parallelism": parallelism,
        "write_cost_factor": scale.time_scale,
        "tag_race": True,
        "new_tags": len({t for p in source.pages for t in (p.fields.tags or ())}),
        "wikisync_s": ours_s,
        "raw_creates_s": raw["raw"]["wall_s"],
        "ratio": round(ours_s / raw["raw"]["wall_s"], 4),
        "raw_creates_without_the_race_s": raw["raw_without_the_race"]["wall_s"],
        "ratio_to_creates_without_the_race": round(
            ours_s / raw["raw_without_the_race"]["wall_s"], 4
        ),
        "repairing_ratio": round(runs["wikisync_repairing"]["wall_s"] / raw["raw"]["wall_s"], 4),
        "wikisync": runs["wikisync"],
        "wikisync_repairing": runs["wikisync_repairing"],
        **raw,
    }


# -- history ------------------------------------------------------------------------------------


def _history(scale: Scale, workdir: Path, progress: Progress) -> dict[str, Any]:
    n, applies = scale.history_pages, scale.history_applies
    emulator, _, source = _adopted_root(scale, workdir, "history", n, progress)
    try:
        before = emulator.stored_bytes()
        bookkeeping = 0
        page_writes = 0
        for i in range(applies):
            if i % 10 == 0:
                progress(f"history: one-page apply {i + 1}/{applies}")
            source = _changed_source(source, (i * 97) % len(source.pages), i + 1)
            run = _apply_in_process(emulator, source, count_versions=False)
            assert run["failed"] == 0 and run["page_writes"] == 1, run
            bookkeeping += run["bookkeeping_bytes"]
            page_writes += run["page_writes"]
        after = emulator.stored_bytes()
        with _remote(emulator, source.config.root, source.config.locale) as (remote, _):
            state = remote.read_state().state
    finally:
        emulator.stop()
    old_state_page = len(dump_state(state).encode("utf-8"))
    return {
        "pages": n,
        "applies": applies,
        "page_writes": page_writes,
        "history_bytes_added": after["history_content"] - before["history_content"],
        "history_versions_added": after["history_versions"] - before["history_versions"],
        "asset_bytes_before": before["asset_bytes"],
        "asset_bytes_after": after["asset_bytes"],
        "bookkeeping_bytes_uploaded": bookkeeping,
        "format_1_state_page_bytes": old_state_page,
        "format_1_history_bytes_estimate": 2 * applies * old_state_page,
    }


# -- a 50,000-page root -------------------------------------------------------------------------


def _peak_child_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def _cli(
    emulator: WikiJSEmulator, args: list[str], expected: set[str] | None = None
) -> dict[str, Any]:
    before = page_versions(emulator) if expected is not None else None
    window = LogWindow(emulator)
    run = run_wikisync(args, emulator, timeout=7200).check(0)
    window.close()
    out: dict[str, Any] = {"wall_s": round(run.wall_s, 1), **window.summary()}
    out.pop("operations")
    if before is not None and expected is not None:
        root = load_config(Path(args[1])).root
        writes = PageWrites.between(
            before, page_versions(emulator), state_path=state_page_path(root)
        )
        written = writes.written_paths()
        out.update(
            page_writes=writes.page_writes,
            pages_written=writes.pages_written,
            unplanned_writes=len(written - expected),
            planned_but_not_written=len(expected - written),
        )
    if args[0] == "plan":
        out["summary"] = run.json()["summary"]
    return out


def child_apply() -> None:
    """``python -c 'from bench._state import child_apply; child_apply()' DIR FACTOR``:
    plan and apply DIR as ``wikisync apply --auto-approve --parallelism 8`` does, with
    the client's rate limit (10 requests/s) scaled like the server's costs (x 1/FACTOR),
    so that scaling time keeps every ratio; prints the numbers as JSON."""
    import json
    import os
    import sys

    from wikijs import RateLimiter

    directory, factor = sys.argv[1], float(sys.argv[2])
    source = load_directory(directory)
    limiter = RateLimiter(10.0 / factor, 20)
    started = time.perf_counter()
    with WikiJSClient(
        os.environ["WIKIJS_URL"], api_key=os.environ["WIKIJS_API_KEY"], rate_limit=limiter
    ) as client:
        remote = Remote(client, root=source.config.root, locale=source.config.locale)
        run = make_plan(source, remote)
        report = apply_run(run, remote, parallelism=8)
    print(
        json.dumps(
            {
                "wall_s": round(time.perf_counter() - started, 1),
                "failed": report.failed,
                "created": report.count("create"),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


def _child_apply(emulator: WikiJSEmulator, directory: str, factor: float) -> dict[str, Any]:
    return _run_child("child_apply", [directory, str(factor)], emulator)


def _run_child(entry: str, args: list[str], emulator: WikiJSEmulator) -> dict[str, Any]:
    """Run ``bench._state.<entry>()`` in a fresh interpreter against ``emulator``."""
    import json
    import os
    import subprocess
    import sys

    from bench._harness import REPO

    env = {
        **os.environ,
        "WIKIJS_URL": emulator.url,
        "WIKIJS_API_KEY": emulator.api_key,
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    env.pop("WIKIJS_USERNAME", None)
    env.pop("WIKIJS_PASSWORD", None)
    code = f"from bench._state import {entry}; {entry}()"
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=str(REPO),
        capture_output=True,
        text=True,
        timeout=7200,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{entry} exited {done.returncode}:\n{done.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(done.stdout)
    return out


def _big_root(scale: Scale, workdir: Path, progress: Progress) -> dict[str, Any]:
    n = scale.big_root_pages
    progress(f"root_50k: writing a corpus of {n} files")
    corpus = write_corpus(workdir / "big-root", n, seed=13)
    config = load_config(corpus.directory)
    directory = str(corpus.directory)
    factor = scale.big_time_scale
    with WikiJSEmulator(timings=real_timings(factor), tag_race=TagRace()) as emulator:
        progress(f"root_50k: first apply of {n} pages (server costs and rate limit x{factor})")
        before = page_versions(emulator)
        window = LogWindow(emulator)
        first = _child_apply(emulator, directory, factor)
        window.close()
        writes = PageWrites.between(
            before, page_versions(emulator), state_path=state_page_path(config.root)
        )
        first.update(
            requests=window.requests,
            page_writes=writes.page_writes,
            pages_written=writes.pages_written,
            duplicate_paths=len(writes.duplicate_paths),
        )
        progress("root_50k: plan with no changes (wikisync plan)")
        plan = _cli(emulator, ["plan", directory, "--json"])
        edited = edit_files(corpus, max(1, n // 100), seed=3)
        expected = {page_key(rel, config)[1] for rel in edited}
        progress(f"root_50k: apply a 1% edit ({len(edited)} files; wikisync apply)")
        edit = _cli(
            emulator, ["apply", directory, "--auto-approve", "--parallelism", "8"], expected
        )
        stored = emulator.asset_files("/".join(state_folder(config.root)))
    return {
        "pages": n,
        "write_cost_factor": factor,
        "first_apply": first,
        "no_change_plan": plan,
        "edit_files": len(edited),
        "edit_apply": edit,
        "peak_rss_mb": max(_peak_child_mb(), first["peak_rss_mb"]),
        "state_files": len(stored),
        "state_bytes_stored": sum(len(b) for b in stored.values()),
    }


def state_results(
    lanes: dict[str, dict[str, Any]], result: Callable[..., dict[str, Any]]
) -> list[dict[str, Any]]:
    """The three targets, from the lanes' numbers."""
    out: list[dict[str, Any]] = []
    one, sync = lanes.get("apply:one_change"), lanes.get("apply:first_sync")
    if one and sync:
        sizes = one["sizes"]
        rows = {
            str(s["pages"]): {
                "page_writes": s["runs"][0]["page_writes"],
                "bookkeeping_bytes": s["runs"][0]["bookkeeping_bytes"],
                "bookkeeping_bytes_next_apply": s["runs"][1]["bookkeeping_bytes"],
                "bookkeeping_uploads": s["runs"][0]["bookkeeping_uploads"],
                "plan_and_apply_s": s["runs"][0]["plan_and_apply_s"],
                "bare_update_s": s["bare_update_s"],
                "ratio_to_bare_update": s["ratio_to_bare_update"],
                "requests": s["runs"][0]["requests"],
            }
            for s in sizes
        }
        byte_counts = {s["runs"][0]["bookkeeping_bytes"] for s in sizes}
        spread = (max(byte_counts) - min(byte_counts)) / max(1, min(byte_counts))
        ok_writes = all(s["runs"][0]["page_writes"] == 1 for s in sizes)
        ok_time = all(s["ratio_to_bare_update"] <= 1.5 for s in sizes)
        ok_sync = sync["ratio_to_creates_without_the_race"] <= 1.03
        out.append(
            result(
                "apply_one_change",
                target="a 1-file change on roots of "
                + " and ".join(f"{s['pages']:,}" for s in sizes)
                + " pages: exactly 1 page write; bookkeeping bytes per apply the same at "
                "both sizes (within 10%); plan + apply at most 1.5x a bare update; a first "
                f"sync of {sync['pages']} pages at --parallelism 4, with the new-tag race on, "
                "at most 1.03x the same creates sent raw (each doing its full work: sent "
                "raw with the race on, the losers skip theirs and leave pages untagged)",
                measured={
                    "sizes": rows,
                    "bookkeeping_bytes_spread": round(spread, 3),
                    "first_sync_s": sync["wikisync_s"],
                    "first_sync_raw_s": sync["raw_creates_without_the_race_s"],
                    "first_sync_ratio": sync["ratio_to_creates_without_the_race"],
                    "first_sync_raw_racing_s": sync["raw_creates_s"],
                    "first_sync_raw_racing_untagged": sync["raw"]["pages_without_their_tags"],
                    "first_sync_repairing_s": sync["wikisync_repairing"]["wall_s"],
                    "first_sync_write_cost_factor": sync["write_cost_factor"],
                },
                ok=ok_writes and spread <= 0.1 and ok_time and ok_sync,
                details={
                    "checks": {
                        "one_page_write": ok_writes,
                        "bytes_independent_of_root_size": spread <= 0.1,
                        "at_most_1_5x_bare_update": ok_time,
                        "first_sync_at_most_1_03x_raw": ok_sync,
                    },
                    "one_change": one,
                    "first_sync": sync,
                },
            )
        )
    history = lanes.get("apply:history")
    if history:
        added = history["history_bytes_added"]
        out.append(
            result(
                "state_history_growth",
                target=f"{history['applies']} one-page applies to a {history['pages']:,}-page "
                "root add less than 5 MB of content across all history versions",
                measured={
                    "applies": history["applies"],
                    "pages": history["pages"],
                    "history_bytes_added": added,
                    "history_versions_added": history["history_versions_added"],
                    "bookkeeping_bytes_uploaded": history["bookkeeping_bytes_uploaded"],
                    "format_1_history_bytes_estimate": history["format_1_history_bytes_estimate"],
                },
                ok=added < 5_000_000 and history["page_writes"] == history["applies"],
                details=history,
            )
        )
    big = lanes.get("apply:root_50k")
    if big:
        first, plan, edit = big["first_apply"], big["no_change_plan"], big["edit_apply"]
        changes = sum(v for k, v in plan["summary"].items() if k != "unchanged")
        exact = (
            edit["page_writes"] == big["edit_files"]
            and edit["pages_written"] == big["edit_files"]
            and edit["unplanned_writes"] == 0
            and edit["planned_but_not_written"] == 0
        )
        out.append(
            result(
                "root_50k",
                target=f"a {big['pages']:,}-page root is applied, re-planned with 0 changes "
                "in at most 10 requests, and a 1% edit writes exactly the edited pages; peak "
                "memory under 600 MB",
                measured={
                    "pages": big["pages"],
                    "first_apply_page_writes": first["page_writes"],
                    "first_apply_wall_s": first["wall_s"],
                    "no_change_plan_requests": plan["requests"],
                    "no_change_plan_changes": changes,
                    "no_change_plan_wall_s": plan["wall_s"],
                    "edit_files": big["edit_files"],
                    "edit_page_writes": edit["page_writes"],
                    "edit_wall_s": edit["wall_s"],
                    "peak_rss_mb": big["peak_rss_mb"],
                    "write_cost_factor": big["write_cost_factor"],
                },
                ok=first["page_writes"] == big["pages"] == first["pages_written"]
                and first["failed"] == 0
                and first["duplicate_paths"] == 0
                and plan["requests"] <= 10
                and changes == 0
                and exact
                and big["peak_rss_mb"] < 600,
                details=big,
            )
        )
    return out
