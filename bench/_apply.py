"""Applying many creates: parallel writes with and without the server's capacity limit.

Each lane is one empty wiki, one corpus of ``scale.apply_creates`` new files and one
``wikisync apply --auto-approve --parallelism P``, timed end to end (start-up, plan,
lock, writes, state) as a user sees it:

* ``p1`` / ``p8``: write costs at the real server's medians (create 1.56 s), any number
  of writes overlapping freely, at parallelism 1 and 8;
* ``capacity``: the real 2-vCPU server (``REAL_SERVER_TIMINGS``: one write's held share
  at a time, so creates level off at 0.87 s each) with its rebuild-tree race (about 1 in
  16 overlapping creates answers an error although the page was created) and its race of
  creates for a new tag (``TagRace``), at parallelism 8.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from bench._corpus import write_corpus
from bench._harness import (
    Progress,
    Scale,
    apply_with_accounting,
    real_timings,
    unlimited_timings,
)
from wikijs.testing import TagRace, TreeRace, WikiJSEmulator
from wikisync.local.config import load_config
from wikisync.local.source import page_key

__all__ = ["LANES", "run_apply_lane"]

LANES = ("p1", "p8", "capacity")

_DONE_LINE = re.compile(r"^\[(\d+)/(\d+)\] \+ create ")
_RACE_ODDS = 1 / 16


def run_apply_lane(lane: str, scale: Scale, workdir: Path, progress: Progress) -> dict[str, Any]:
    """Create ``scale.apply_creates`` pages in an empty wiki; return what happened."""
    if lane not in LANES:
        raise ValueError(f"unknown apply lane {lane!r}")
    parallelism = 1 if lane == "p1" else 8
    creates = scale.apply_creates
    corpus = write_corpus(workdir / f"apply-{lane}", creates, seed=3)
    config = load_config(corpus.directory)
    expected = {page_key(rel, config)[1] for rel in corpus.files}
    if lane == "capacity":
        timings = real_timings(scale.time_scale)
        race: TreeRace | None = TreeRace(fraction=_RACE_ODDS, seed=7)
        tag_race: TagRace | None = TagRace()
    else:
        timings = unlimited_timings(scale.time_scale)
        race, tag_race = None, None
    with WikiJSEmulator(timings=timings, tree_race=race, tag_race=tag_race) as emulator:
        progress(f"apply {lane}: {creates} creates at --parallelism {parallelism}")
        run, numbers = apply_with_accounting(
            emulator,
            corpus.directory,
            root=corpus.root,
            expected=expected,
            args=["--parallelism", str(parallelism)],
        )
    done = [t for t, line in run.stderr_times if _DONE_LINE.match(line)]
    steady = (done[-1] - done[0]) / (len(done) - 1) if len(done) > 1 else None
    progress(f"apply {lane}: {run.wall_s:.1f} s")
    return {
        "lane": lane,
        "parallelism": parallelism,
        "creates": creates,
        "wall_s": round(run.wall_s, 3),
        "seconds_per_create": round(run.wall_s / creates, 4),
        "steady_seconds_per_create": round(steady, 4) if steady is not None else None,
        "first_write_done_s": round(done[0], 3) if done else None,
        "last_write_done_s": round(done[-1], 3) if done else None,
        "create_cost_s": timings.costs["pages.create"].seconds,
        "create_held_s": timings.costs["pages.create"].held,
        "tree_race_confirmations": numbers["operations"].get("pages.singleByPath", 0),
        **numbers,
    }
