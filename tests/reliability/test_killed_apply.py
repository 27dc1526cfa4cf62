"""An apply killed at any point (SIGKILL: no cleanup at all) costs nothing.

``wikisync apply`` runs as a subprocess against an emulator whose writes take time; the
test watches the emulator's request log and kills the process after K writes. The next
apply must finish the job without duplicates, and the lock the killed run left on the
state page must not block it: on the same host, a lock whose process is gone is ignored.
A lock held by another host is respected until it expires, or until ``--break-lock``.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rel_helpers import (
    Site,
    WriteWatcher,
    duplicated_paths,
    lock_files,
    missing_or_wrong,
    numbered_site,
    outside_root,
    page_file,
    page_writes,
    pages_under,
    plan_in_process,
    put_state_file,
    run_cli,
    seed_outside_root,
    start_cli,
    state_document,
    state_files,
    state_pages,
    stored_state,
    wiki_env,
    write_files,
)

from wikijs.testing import Timings, WikiJSEmulator
from wikisync.wiki.state import Lock, dump_lock, load_lock, lock_name

PAGES = 10
LATENCY = {"pages.create": 0.12, "pages.update": 0.12}


def _kill_after(emulator: WikiJSEmulator, writes: int, *args: str | Path) -> tuple[int, int]:
    """Start ``wikisync apply``; SIGKILL it once ``writes`` writes have completed.

    Returns the killed process's pid and how many writes reached the wiki in the end
    (a write already sent when the process died still lands)."""
    watcher = WriteWatcher(emulator)
    before = watcher.count()
    proc = start_cli(*args, env=wiki_env(emulator))
    try:
        assert watcher.wait_for(before + writes), "the apply did not get that far"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    watcher.settle(quiet=0.6)  # writes already sent still land
    return proc.pid, watcher.count() - before


@pytest.mark.slow
@pytest.mark.parametrize("pages_written", [0, 1, 4, PAGES - 1, PAGES])
def test_killed_first_apply_then_rerun_converges(pages_written: int, tmp_path: Path) -> None:
    site = numbered_site(tmp_path / "site", PAGES)
    with WikiJSEmulator(write_latency=LATENCY) as emulator:
        outside = seed_outside_root(emulator)
        # The lock is a file in the state folder; every counted write is a page write.
        args = ("apply", site.directory, "--auto-approve", "--parallelism", "2")
        pid, _ = _kill_after(emulator, pages_written, *args)
        assert len(pages_under(emulator)) >= pages_written
        assert duplicated_paths(emulator.pages()) == []
        # The state is intact: none yet (the lock file left behind), or (killed only
        # after its last write was sent) the complete new state.
        left = stored_state(emulator)
        assert left.problem is None
        if left.head is None:
            assert left.state.pages == {}
            for data in lock_files(emulator).values():  # none if killed before the lock
                lock = load_lock(data)
                assert lock is not None and lock.holder == f"{socket.gethostname()}:{pid}"
        else:
            assert pages_written == PAGES and len(left.state.pages) == PAGES

        rerun = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
        assert rerun.returncode == 0, rerun
        # the lock left behind is taken over silently: only the progress line names it
        lines = rerun.output.lower().splitlines()
        assert {line for line in lines if "lock" in line} <= {"taking the lock..."}
        assert "0 failed." in rerun.stdout or "No changes." in rerun.stdout

        assert missing_or_wrong(emulator, site) == []
        assert duplicated_paths(emulator.pages()) == []
        assert outside_root(emulator) == outside
        assert state_pages(emulator) == []
        doc = state_document(emulator)
        assert doc["lock"] is None
        assert len(doc["pages"]) == PAGES
        assert not plan_in_process(site.directory, emulator).has_changes


@pytest.mark.slow
@pytest.mark.parametrize("pages_written", [1, 5])
def test_killed_update_run_does_not_mistake_its_own_writes_for_hand_edits(
    pages_written: int, tmp_path: Path
) -> None:
    """Pages the killed run already updated equal their files: the re-run leaves them
    alone (no conflict, no second write) and updates only the rest."""
    site = numbered_site(tmp_path / "site", PAGES)
    with WikiJSEmulator(write_latency=LATENCY) as emulator:
        first = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
        assert first.returncode == 0, first
        for i in range(PAGES):
            write_files(
                site.directory,
                {f"p{i:02d}.md": page_file(f"Page {i}", f"New text {i}.", (f"t{i % 3}", "sync"))},
            )
        expected = Site(
            site.directory,
            tuple(replace(p, body=f"New text {i}.") for i, p in enumerate(site.pages)),
        )
        args = ("apply", site.directory, "--auto-approve", "--parallelism", "1")
        _, landed = _kill_after(emulator, pages_written, *args)
        updated_by_killed_run = landed
        assert pages_written <= updated_by_killed_run < PAGES
        emulator.log.reset()
        rerun = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
        assert rerun.returncode == 0, rerun
        assert "conflict" not in rerun.output.lower()
        updates = emulator.log.count("pages.update")
        assert updates == PAGES - updated_by_killed_run, rerun
        assert missing_or_wrong(emulator, expected) == []
        assert duplicated_paths(emulator.pages()) == []


def _set_lock(emulator: WikiJSEmulator, holder: str, expires_in: float) -> None:
    """Leave a lock file as another machine's apply would while it runs."""
    now = datetime.now(timezone.utc)
    lock = Lock.new("0123456789abcdef", holder, now - timedelta(seconds=60), 60 + expires_in)
    put_state_file(emulator, lock_name(lock), dump_lock(lock))


@pytest.fixture
def applied_once(tmp_path: Path, emulator: WikiJSEmulator) -> Path:
    site = numbered_site(tmp_path / "site", 3)
    first = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
    assert first.returncode == 0, first
    (site.directory / "p00.md").write_text("---\ntitle: Page 0\n---\nChanged.\n", encoding="utf-8")
    return site.directory


def test_a_live_lock_from_another_host_refuses_and_writes_nothing(
    applied_once: Path, emulator: WikiJSEmulator
) -> None:
    _set_lock(emulator, "ci-runner-7:4242", expires_in=600)
    emulator.log.reset()
    result = run_cli("apply", applied_once, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 1, result
    assert "another wikisync apply (ci-runner-7:4242) holds the lock" in result.stderr
    assert "--break-lock" in result.stderr
    assert page_writes(emulator) == []
    # Its own lock file was written, seen to be second, and removed again.
    assert emulator.log.writes() == ["assets.upload", "assets.deleteAsset"]
    assert list(lock_files(emulator)) == ["lock-0123456789abcdef.json"]


def test_break_lock_takes_over_a_lock_from_another_host(
    applied_once: Path, emulator: WikiJSEmulator
) -> None:
    _set_lock(emulator, "ci-runner-7:4242", expires_in=600)
    result = run_cli(
        "apply", applied_once, "--auto-approve", "--break-lock", env=wiki_env(emulator)
    )
    assert result.returncode == 0, result
    assert "0 created, 1 updated" in result.stdout
    assert state_document(emulator)["lock"] is None  # the broken lock file is removed


def test_an_expired_lock_from_another_host_is_ignored(
    applied_once: Path, emulator: WikiJSEmulator
) -> None:
    _set_lock(emulator, "ci-runner-7:4242", expires_in=-1)
    result = run_cli("apply", applied_once, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result
    assert "0 created, 1 updated" in result.stdout
    assert lock_files(emulator) == {}  # the stale lock file is cleaned up


def test_a_stale_lock_of_a_dead_process_on_this_host_is_ignored(
    applied_once: Path, emulator: WikiJSEmulator
) -> None:
    """A lock file left by a killed apply on this machine (its pid is gone)."""
    dead = _dead_pid()
    _set_lock(emulator, f"{socket.gethostname()}:{dead}", expires_in=600)
    result = run_cli("apply", applied_once, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result
    assert "0 created, 1 updated" in result.stdout
    assert lock_files(emulator) == {}


def test_a_half_written_lock_file_counts_as_a_live_lock_until_it_expires(
    applied_once: Path, emulator: WikiJSEmulator
) -> None:
    """A lock file that cannot be read (cut short, hand edited) names no holder: it is
    respected for LOCK_TTL after it was written, like any lock, and --break-lock clears it."""
    put_state_file(emulator, "lock-halfwritten.json", b'{"format": 2, "id": "ab')
    emulator.log.reset()
    refused = run_cli("apply", applied_once, "--auto-approve", env=wiki_env(emulator))
    assert refused.returncode == 1, refused
    assert "another wikisync apply (unknown) holds the lock" in refused.stderr
    assert page_writes(emulator) == []
    broken = run_cli(
        "apply", applied_once, "--auto-approve", "--break-lock", env=wiki_env(emulator)
    )
    assert broken.returncode == 0, broken
    assert lock_files(emulator) == {}


def test_a_live_lock_of_a_running_process_on_this_host_is_respected(
    applied_once: Path, emulator: WikiJSEmulator
) -> None:
    """Same host, but the holder's process is alive (this test's own pid): refused."""
    import os

    _set_lock(emulator, f"{socket.gethostname()}:{os.getpid()}", expires_in=600)
    emulator.log.reset()
    result = run_cli("apply", applied_once, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 1, result
    assert "holds the lock" in result.stderr
    assert page_writes(emulator) == []


def _dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.slow
@pytest.mark.parametrize("uploads_done", [1, 2, 3])
def test_killed_between_state_writes_leaves_a_state_that_is_old_or_new(
    uploads_done: int, tmp_path: Path
) -> None:
    """The second apply's uploads are the lock file, the new segment, then the head (the
    commit point). Killed after any of them, the stored state is the previous one or the
    new one, never a mix: a segment the head does not name is ignored, and removed by
    the next apply; the lock file left behind (a dead pid on this host) is stale."""
    site = numbered_site(tmp_path / "site", 4)
    with WikiJSEmulator() as emulator:
        first = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
        assert first.returncode == 0, first
        before = stored_state(emulator)
        write_files(site.directory, {"p00.md": page_file("Page 0", "Edited.", ("t0", "sync"))})
        # Every upload takes a while, so that the kill lands between two of them.
        emulator.timings = Timings.from_latency({"assets.upload": 0.4})
        watcher = WriteWatcher(emulator, operations=("assets.upload",))
        proc = start_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
        try:
            assert watcher.wait_for(uploads_done), "the apply did not get that far"
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.communicate()
        watcher.settle(quiet=0.8)
        left = stored_state(emulator)
        assert left.problem is None
        if left.head == before.head:  # killed before the head was replaced
            assert left.state == before.state
        else:  # the new state, whole: only p00's entry changed
            assert left.state.serial == before.state.serial + 1
            changed = {i for i, e in left.state.pages.items() if before.state.pages[i] != e}
            assert [left.state.pages[i].path for i in changed] == ["handbook/p00"]
            assert set(left.state.pages) == set(before.state.pages)
        emulator.timings = None

        rerun = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
        assert rerun.returncode == 0, rerun
        assert "conflict" not in rerun.output.lower()
        assert missing_or_wrong(emulator, replace_body(site, "handbook/p00", "Edited.")) == []
        assert lock_files(emulator) == {}
        loaded = stored_state(emulator)
        named = {f.name for f in loaded.head.files} | {"head.json"}
        assert set(state_files(emulator)) == named  # no orphan segment is left
        assert not plan_in_process(site.directory, emulator).has_changes


def replace_body(site: Site, path: str, body: str) -> Site:
    return Site(
        site.directory,
        tuple(replace(p, body=body) if p.path == path else p for p in site.pages),
    )
