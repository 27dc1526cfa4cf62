"""Parallel apply against the real server's quirks: the rebuild-tree race, no duplicates."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from e2e_helpers import Wiki, write_site
from typer.testing import CliRunner

from wikijs.testing import TreeRace, WikiJSEmulator


def _site(root: Path, count: int) -> Path:
    files = {"wikisync.yml": "locale: en\nroot: knowledge\n"}
    for i in range(count):
        files[f"section-{i % 3}/page-{i:02d}.md"] = f"---\ntitle: Page {i}\n---\nBody {i}.\n"
    return write_site(root, files)


def test_parallel_apply_survives_the_rebuild_tree_race(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", 24)
    race = TreeRace(fraction=0.25, seed=7)
    with WikiJSEmulator(write_latency={"pages.create": 0.05}, tree_race=race) as emulator:
        wiki = Wiki(emulator, CliRunner())
        result = wiki.run("apply", str(site), "--auto-approve", "--parallelism", "8")
        assert result.exit_code == 0, result.output
        assert "24 created" in result.stdout and "0 failed" in result.stdout
        assert "rebuilt the wiki's page tree" in result.stderr

        paths = Counter(p["path"] for p in emulator.pages())
        duplicates = {path: n for path, n in paths.items() if n > 1}
        assert duplicates == {}
        assert sum(1 for p in paths if p.startswith("knowledge/section-")) == 24
        assert emulator.log.count("pages.rebuildTree") == 1
        # A write answered as failed but applied is confirmed, never repeated.
        assert emulator.log.count("pages.create") == 24 + 1  # + the state page

        again = wiki.run("plan", str(site), "--detailed-exitcode")
        assert again.exit_code == 0, again.output


class Rendezvous:
    """A simulated write cost that waits until ``size`` writes are waiting together.

    Parallel writes meet at once; writes sent one at a time would each wait for the
    others until ``give_up`` (a guard, never reached when the client keeps ``size``
    writes in flight). ``skip`` first calls (the lock) pass straight through.
    """

    def __init__(self, size: int, skip: int = 1, give_up: float = 30.0) -> None:
        self.size, self.skip, self.give_up = size, skip, give_up
        self.calls = 0
        self.waiting = 0
        self.peak = 0
        self.rounds = 0
        self._met = asyncio.Condition()

    async def __call__(self, seconds: float) -> None:
        async with self._met:
            self.calls += 1
            if self.calls <= self.skip:
                return
            mine = self.rounds
            self.waiting += 1
            self.peak = max(self.peak, self.waiting)
            if self.waiting >= self.size:  # everyone is here: let this round go
                self.rounds += 1
                self.waiting = 0
                self._met.notify_all()
                return
            try:
                await asyncio.wait_for(
                    self._met.wait_for(lambda: self.rounds != mine), self.give_up
                )
            except asyncio.TimeoutError:
                self.waiting -= 1


def test_parallelism_keeps_writes_in_flight(tmp_path: Path) -> None:
    """16 creates with --parallelism 8: eight of them are in the server at the same time
    (shown by meeting there, not by timing the run)."""
    site = _site(tmp_path / "site", 16)
    meet = Rendezvous(8)
    with WikiJSEmulator(write_latency={"pages.create": 0.2}, sleep=meet) as emulator:
        wiki = Wiki(emulator, CliRunner())
        result = wiki.run("apply", str(site), "--auto-approve", "--parallelism", "8")
        assert result.exit_code == 0, result.output
        assert "16 created" in result.stdout
    assert meet.calls == 1 + 16  # the lock, then every page
    assert meet.peak == 8
    assert meet.rounds == 2  # two full rounds of eight: nobody waited alone
