"""Parallel apply against the real server's quirks: the rebuild-tree race, no duplicates."""

from __future__ import annotations

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


def test_parallelism_keeps_writes_in_flight(tmp_path: Path) -> None:
    site = _site(tmp_path / "site", 16)
    with WikiJSEmulator(write_latency={"pages.create": 0.2}) as emulator:
        wiki = Wiki(emulator, CliRunner())
        import time

        started = time.monotonic()
        result = wiki.run("apply", str(site), "--auto-approve", "--parallelism", "8")
        elapsed = time.monotonic() - started
        assert result.exit_code == 0, result.output
        # 16 creates of 0.2 s each: sequentially 3.2 s; 8 at a time about 0.4 s.
        assert elapsed < 2.5, elapsed
