"""Two applies against the same wiki and root at the same time.

wikisync takes a lock on its state page before the first write: it writes its lock,
waits longer than such a write takes, and reads the state back; if another apply's lock
is there instead, it backs off (exit 1, "another wikisync apply ... took the lock at the
same time" / "... holds the lock"). A live lock is respected for its whole run. So of two
applies started together, one runs and the other refuses without writing a page, and in
every case the wiki ends up with each page exactly once.

The lock is also checked against the plan: an apply whose plan was made before another
apply changed the state (for example while it waited for "yes" at the prompt) refuses to
run it, since the plan may create pages that now exist.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest
from rel_helpers import (
    cli_command,
    duplicated_paths,
    finish,
    lock_files,
    missing_or_wrong,
    numbered_site,
    outside_root,
    page_writes,
    pages_under,
    plan_in_process,
    run_cli,
    seed_outside_root,
    start_cli,
    state_document,
    state_pages,
    wiki_env,
    write_files,
)

from wikijs.testing import Fault, WikiJSEmulator

PAGES = 8
LATENCY = {"pages.create": 0.1, "pages.update": 0.1, "pages.delete": 0.05}
REFUSALS = {
    1: ("took the lock at the same time", "holds the lock", "started at the same time"),
    3: ("the wiki changed since this plan was made",),  # the other one finished first
}


def _both(emulator: WikiJSEmulator, directory: Path) -> list[tuple[int, str, str]]:
    args = ("apply", str(directory), "--auto-approve")
    procs = [start_cli(*args, env=wiki_env(emulator)) for _ in range(2)]
    results = [finish(p, args) for p in procs]
    return [(r.returncode, r.stdout, r.stderr) for r in results]


@pytest.mark.slow
@pytest.mark.parametrize("round_", range(3))
@pytest.mark.parametrize("state_exists", [False, True], ids=["first-apply", "later-apply"])
def test_two_applies_at_once_one_runs_and_nothing_is_duplicated(
    state_exists: bool, round_: int, tmp_path: Path
) -> None:
    site = numbered_site(tmp_path / "site", PAGES)
    with WikiJSEmulator(write_latency=LATENCY) as emulator:
        outside = seed_outside_root(emulator)
        if state_exists:
            # A first apply of half the pages, so the second round has a state to lock.
            half = numbered_site(tmp_path / "half", PAGES // 2)
            first = run_cli("apply", half.directory, "--auto-approve", env=wiki_env(emulator))
            assert first.returncode == 0, first

        results = _both(emulator, site.directory)
        codes = sorted(code for code, _, _ in results)
        assert codes in ([0, 0], [0, 1], [0, 3]), results
        for code, stdout, stderr in results:
            if code != 0:
                assert any(reason in stderr for reason in REFUSALS[code]), stderr
                assert "Apply complete!" not in stdout
            else:  # (or it planned after the other had finished)
                assert "0 failed." in stdout or "No changes." in stdout, stdout
        assert duplicated_paths(emulator.pages()) == [], results
        assert state_pages(emulator) == []  # the state is kept in assets
        assert state_document(emulator)["lock"] is None

        # Whoever refused can simply run again.
        again = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
        assert again.returncode == 0, again
        assert missing_or_wrong(emulator, site) == []
        assert duplicated_paths(emulator.pages()) == []
        assert outside_root(emulator) == outside
        assert not plan_in_process(site.directory, emulator).has_changes
        assert len(state_document(emulator)["pages"]) == PAGES


def _read_until(fd: int, marker: str | None, timeout: float = 30.0) -> str:
    """Read a terminal until ``marker`` appears (``None``: until it closes)."""
    seen = b""
    deadline = time.monotonic() + timeout
    while marker is None or marker.encode() not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"no {marker!r} in {seen.decode(errors='replace')!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen.decode(errors="replace")


@pytest.mark.parametrize("state_exists", [False, True], ids=["first-apply", "later-apply"])
def test_an_apply_confirmed_after_another_apply_finished_refuses_its_stale_plan(
    state_exists: bool, tmp_path: Path
) -> None:
    """A: ``wikisync apply`` on a terminal shows its plan and waits for "yes". B applies the
    same files meanwhile. When A is confirmed, its plan (create every page) is out of date:
    A must refuse and write nothing, instead of creating every page a second time."""
    site = numbered_site(tmp_path / "site", PAGES)
    with WikiJSEmulator() as emulator:
        if state_exists:
            half = numbered_site(tmp_path / "half", PAGES // 2)
            first = run_cli("apply", half.directory, "--auto-approve", env=wiki_env(emulator))
            assert first.returncode == 0, first
        master, slave = pty.openpty()
        waiting = subprocess.Popen(
            cli_command("apply", str(site.directory)),
            env=wiki_env(emulator),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=slave,
            text=True,
        )
        os.close(slave)
        try:
            _read_until(master, "Only 'yes' will be accepted")
            other = run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator))
            assert other.returncode == 0, other
            assert "0 failed." in other.stdout
            emulator.log.reset()

            os.write(master, b"yes\n")
            stdout, _ = waiting.communicate(timeout=60)
            stderr = _read_until(master, None, timeout=10)
        finally:
            if waiting.poll() is None:
                waiting.send_signal(signal.SIGKILL)
                waiting.wait()
            os.close(master)

        # With or without a state when A planned: B recorded one since, so A refuses.
        assert waiting.returncode == 3, (stdout, stderr)
        assert "the wiki changed since this plan was made" in stderr, stderr
        assert page_writes(emulator) == []  # only A's own lock file, written and removed
        assert emulator.log.writes() == ["assets.upload", "assets.deleteAsset"]
        assert "Nothing was applied" in stderr
        assert "Apply complete!" not in stdout
        assert missing_or_wrong(emulator, site) == []
        assert len(pages_under(emulator)) == PAGES
        assert duplicated_paths(emulator.pages()) == []
        assert state_document(emulator)["lock"] is None


def test_an_apply_refuses_while_another_holds_the_lock(tmp_path: Path) -> None:
    """B starts while A is in the middle of its writes: B refuses, naming A, and writes
    nothing; A finishes undisturbed.

    Explicit ordering, no timing: A's third create (its lock is a file: its third page) is held by
    the emulator until B has finished, so B always runs while A holds the lock."""
    site = numbered_site(tmp_path / "site", PAGES)
    with WikiJSEmulator() as emulator:
        emulator.faults.add(Fault(kind="hold", operation="pages.create", nth=3))
        args = ("apply", str(site.directory), "--auto-approve", "--parallelism", "1")
        first = start_cli(*args, env=wiki_env(emulator))
        try:
            assert emulator.faults.wait_held(1, timeout=120), "A never reached its third create"
            assert emulator.log.count("pages.create") == 2  # two pages so far
        except BaseException:
            first.kill()
            raise
        write_files(site.directory, {"extra.md": "# Extra\n\nOnly B has this page.\n"})
        second = run_cli(*args, env=wiki_env(emulator))
        emulator.faults.release()
        a = finish(first, args)

        assert second.returncode == 1, second
        assert "holds the lock on this root since" in second.stderr
        assert f":{first.pid})" in second.stderr
        assert a.returncode == 0, a
        assert f"Apply complete! {PAGES} created" in a.stdout
        assert emulator.find_page("handbook/extra") is None
        # A's pages; nothing from B (its lock file came and went).
        assert emulator.log.writes().count("pages.create") == PAGES
        assert emulator.log.writes().count("pages.update") == 0
        assert lock_files(emulator) == {}
