"""Two applies whose lock files land at the same moment: the older one waits for the
newer one to withdraw, never both go ahead (see wikisync.apply.run._acquire_lock).

The moment is arranged exactly: a Remote whose listing of the lock files is preceded,
once, by another apply's upload of a newer lock file; the pause between listings is an
injected function, so nothing here waits on the wall clock.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from rel_helpers import lock_files, numbered_site, page_writes, put_state_file, run_cli, wiki_env

from wikijs import WikiJSClient
from wikijs.testing import WikiJSEmulator
from wikisync.apply.run import LOCK_TTL, LOCK_WAIT, apply_run
from wikisync.engine import load_directory, make_plan
from wikisync.errors import LockError
from wikisync.wiki.remote import HeldLock, Remote
from wikisync.wiki.state import Lock, dump_lock, lock_name

OTHER = Lock.new("f" * 32, "ci-runner-9:77", datetime.now(timezone.utc), LOCK_TTL)


class RacingRemote(Remote):
    """Another apply uploads its lock file right after ours, before we list."""

    raced = False

    def _listed(self, lock: Lock, mine: str) -> HeldLock:
        if not self.raced:
            self.raced = True
            folder = self.ensure_folder(self.state_folder)
            self.client.assets.upload(dump_lock(OTHER), filename=lock_name(OTHER), folder_id=folder)
        return super()._listed(lock, mine)


@pytest.fixture
def site(tmp_path: Path, emulator: WikiJSEmulator) -> Path:
    site = numbered_site(tmp_path / "site", 3)
    assert (
        run_cli("apply", site.directory, "--auto-approve", env=wiki_env(emulator)).returncode == 0
    )
    (site.directory / "p00.md").write_text("---\ntitle: Page 0\n---\nChanged.\n", encoding="utf-8")
    return site.directory


def _apply(emulator: WikiJSEmulator, site: Path, withdraw: bool) -> tuple[list[float], object]:
    source = load_directory(site)
    pauses: list[float] = []
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        remote = RacingRemote(client, root="handbook", locale="en")
        run = make_plan(source, remote)

        def pause(seconds: float) -> None:
            pauses.append(seconds)
            if withdraw:  # the newer apply saw ours and removes its own lock file
                (asset,) = [
                    a
                    for a in client.assets.list(remote.folder_id(remote.state_folder) or 0)
                    if a.filename == lock_name(OTHER)
                ]
                client.assets.delete(asset.id)

        try:
            return pauses, apply_run(run, remote, sleep=pause)
        except LockError as exc:
            return pauses, exc


def test_the_older_lock_file_goes_ahead_once_the_newer_one_withdraws(
    site: Path, emulator: WikiJSEmulator
) -> None:
    pauses, report = _apply(emulator, site, withdraw=True)
    assert not isinstance(report, Exception), report
    assert pauses == [LOCK_WAIT[0]]
    assert page_writes(emulator).count("pages.update") == 1
    assert lock_files(emulator) == {}


def test_the_older_lock_file_backs_off_too_when_the_newer_one_stays(
    site: Path, emulator: WikiJSEmulator
) -> None:
    """The newer apply may have listed before our upload landed and gone ahead: waiting
    longer would not be safe, so after the last pause this apply refuses."""
    emulator.log.reset()
    pauses, error = _apply(emulator, site, withdraw=False)
    assert isinstance(error, LockError)
    assert "another wikisync apply (ci-runner-9:77) took the lock at the same time" in str(error)
    assert pauses == list(LOCK_WAIT)
    assert page_writes(emulator) == []
    assert list(lock_files(emulator)) == [lock_name(OTHER)]  # ours removed, theirs kept


def test_a_newer_lock_file_than_a_live_older_one_refuses_at_once(
    site: Path, emulator: WikiJSEmulator
) -> None:
    put_state_file(emulator, lock_name(OTHER), dump_lock(OTHER))  # the other one was first
    emulator.log.reset()
    source = load_directory(site)
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        remote = Remote(client, root="handbook", locale="en")
        run = make_plan(source, remote)
        pauses: list[float] = []
        with pytest.raises(LockError, match=r"\(ci-runner-9:77\) holds the lock on this root"):
            apply_run(run, remote, sleep=pauses.append)
    assert pauses == []
    assert page_writes(emulator) == []
    assert list(lock_files(emulator)) == [lock_name(OTHER)]
