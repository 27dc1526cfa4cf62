"""The state folder against the emulator: bounded reads, foreign files, old folders.

* An out-of-bounds file in the state folder makes the state untrusted with a note that
  names it; nothing is downloaded that the listing shows to be too large, and nothing is
  deleted.
* Files that wikisync did not write (a ``readme.txt``, a ``logo.png``) stay.
* The state folder of wikisync 0.2 and 0.3 (8 hex digits of the root's hash) is still
  found, used and moved to the new folder by the next apply; a head in it that names
  another root (two roots can share that folder) is ignored and left alone.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
from pathlib import Path

from rel_helpers import (
    STATE_KEY,
    numbered_site,
    put_state_file,
    run_cli,
    state_files,
    stored_state,
    wiki_env,
)

from wikijs import WikiJSClient
from wikijs.testing import WikiJSEmulator
from wikisync.plan.model import State, StateEntry
from wikisync.wiki.state import (
    HEAD_NAME,
    MAX_HEAD_BYTES,
    Head,
    LoadedState,
    Segment,
    StateFile,
    dump_head,
    legacy_state_folder,
    plan_state_write,
    state_folder,
)

KEY = STATE_KEY.encode()


def _apply(directory: Path, emulator: WikiJSEmulator) -> str:
    result = run_cli("apply", directory, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result
    return result.stderr


def _plan(directory: Path, emulator: WikiJSEmulator) -> tuple[dict[str, object], str]:
    result = run_cli("plan", directory, "--json", env=wiki_env(emulator))
    assert result.returncode == 0, result
    assert "Traceback" not in result.stderr
    summary: dict[str, object] = json.loads(result.stdout)["summary"]
    return summary, result.stderr


def test_foreign_files_in_the_state_folder_are_left_alone(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    site = numbered_site(tmp_path / "site", 3)
    _apply(site.directory, emulator)
    put_state_file(emulator, "readme.txt", b"What this folder is.\n")
    put_state_file(emulator, "logo.png", b"\x89PNG\r\n\x1a\n")
    put_state_file(emulator, "s-notes.json.gz", b"mine")
    for n in range(3):  # several applies: segments are merged and removed meanwhile
        (site.directory / "p00.md").write_text(f"# Page 0\n\nRevision {n}.\n", encoding="utf-8")
        _apply(site.directory, emulator)
    files = state_files(emulator)
    assert {"readme.txt", "logo.png", "s-notes.json.gz"} <= set(files)
    assert stored_state(emulator).problem is None


def test_a_segment_that_inflates_past_the_cap_is_a_note_not_a_crash(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    """1 MB of gzip that would inflate to 1 GiB: refused after 64 MB of output."""
    site = numbered_site(tmp_path / "site", 3)
    _apply(site.directory, emulator)
    (site.directory / "p01.md").unlink()
    bomb = gzip.compress(b" " * (65 << 20), compresslevel=9, mtime=0)
    loaded = stored_state(emulator)
    assert loaded.head is not None
    name = "s000009-0-0-abcdef.json.gz"
    file = StateFile(name, hashlib.sha256(bomb).hexdigest(), len(bomb))
    head = Head("handbook", loaded.head.serial, "x", None, (Segment((file,), 3),))
    forged = dump_head(head, key=KEY)
    put_state_file(emulator, name, bomb)
    put_state_file(emulator, HEAD_NAME, forged)
    summary, stderr = _plan(site.directory, emulator)
    assert summary["delete"] == 0
    assert "inflates to more than" in stderr and name in stderr
    _apply(site.directory, emulator)
    assert emulator.find_page("handbook/p01") is not None


def test_a_head_too_large_to_read_is_a_note(tmp_path: Path, emulator: WikiJSEmulator) -> None:
    """The head is read up to 1 MB and no further (the rest of the answer is not read)."""
    site = numbered_site(tmp_path / "site", 2)
    _apply(site.directory, emulator)
    (site.directory / "p01.md").unlink()
    put_state_file(emulator, HEAD_NAME, b" " * (MAX_HEAD_BYTES + 1) + b"{}")
    summary, stderr = _plan(site.directory, emulator)
    assert f"the state head is larger than {MAX_HEAD_BYTES} bytes" in stderr
    assert summary["delete"] == 0


def test_a_segment_larger_than_its_head_records_is_not_read_further(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    site = numbered_site(tmp_path / "site", 2)
    _apply(site.directory, emulator)
    (site.directory / "p01.md").unlink()
    name = stored_state(emulator).head.files[0].name  # type: ignore[union-attr]
    put_state_file(emulator, name, b"\0" * (4 << 20))
    summary, stderr = _plan(site.directory, emulator)
    assert f"the state file {name} does not match its checksum (it is larger than" in stderr
    assert summary["delete"] == 0


def _legacy_upload(emulator: WikiJSEmulator, root: str, state: State) -> dict[str, bytes]:
    """``state`` written into the old state folder of ``root``, signed."""
    write = plan_state_write(LoadedState(State(root=root)), state, key=KEY)
    folder_path = "/".join(legacy_state_folder(root))
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        folder = client.assets.ensure_folder(folder_path)
        for name, data in write.files.items():
            client.assets.put(data, filename=name, folder_id=folder)
        client.assets.put(write.head, filename=HEAD_NAME, folder_id=folder)
        client.assets.put(b"kept", filename="readme.txt", folder_id=folder)
    return emulator.asset_files(folder_path)


def test_the_old_state_folder_is_found_used_and_moved(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    """An upgrade keeps ownership: the old folder's state deletes what it managed, and
    the apply moves the state to the new folder (the old head and segments removed, a
    foreign file kept)."""
    site = numbered_site(tmp_path / "site", 3)
    _apply(site.directory, emulator)
    genuine = stored_state(emulator).state
    # Make it look like an older wikisync: the state only in the old folder.
    new_files = state_files(emulator)
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        for asset in client.assets.list(
            client.assets.ensure_folder("/".join(state_folder("handbook")))
        ):
            client.assets.delete(asset.id)
    assert new_files and state_files(emulator) == {}
    old = _legacy_upload(emulator, "handbook", genuine)
    assert HEAD_NAME in old

    (site.directory / "p01.md").unlink()
    summary, _ = _plan(site.directory, emulator)
    assert summary["delete"] == 1
    _apply(site.directory, emulator)
    assert emulator.find_page("handbook/p01") is None
    moved = stored_state(emulator)
    assert moved.problem is None and len(moved.state.pages) == 2
    assert emulator.asset_files("/".join(legacy_state_folder("handbook"))) == {
        "readme.txt": b"kept"
    }


def test_another_root_s_head_in_a_shared_old_folder_is_ignored_and_kept(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    """Two roots whose old folders collide (60 equal slug characters, 32 equal hash
    bits): the second root neither takes the first's state nor touches its files."""
    seen: dict[tuple[str, ...], str] = {}
    first = second = ""
    for n in itertools.count():
        root = f"{'a' * 60}/{n}"
        folder = legacy_state_folder(root)
        if folder in seen:
            first, second = seen[folder], root
            break
        seen[folder] = root
    page = emulator.add_page(f"{first}/hand", "Hand.\n", title="Hand")
    updated = emulator.page(page).updated_at
    entry = {page: StateEntry(page, "en", f"{first}/hand", "hand.md", updated, "d", "c")}
    old = _legacy_upload(emulator, first, State(pages=entry, root=first))
    directory = tmp_path / "second"
    directory.mkdir()
    (directory / "wikisync.yml").write_text(f"root: {second}\nprune: true\n", encoding="utf-8")
    (directory / "index.md").write_text("# Second\n", encoding="utf-8")
    summary, stderr = _plan(directory, emulator)
    assert "ignoring the stored state" not in stderr
    stderr = _apply(directory, emulator)
    assert emulator.asset_files("/".join(legacy_state_folder(first))) == old
    assert stored_state(emulator, second).problem is None
    assert emulator.find_page(f"{first}/hand") is not None
