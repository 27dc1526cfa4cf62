"""What an apply reads and writes for its bookkeeping, and that what it records is exact.

A one-page update lists the wiki's pages once (for the plan): the update's answer carries
the ``updatedAt`` Wiki.js reads back after rendering, and nothing else moved. Creates,
moves and deletes make Wiki.js save the pages linking to them again (reconnected links),
so after those the pages are listed again and their new ``updatedAt`` is recorded.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from rel_helpers import (
    STATE_KEY,
    numbered_site,
    page_file,
    plan_in_process,
    run_cli,
    stored_state,
    wiki_env,
)

from wikijs import WikiJSClient
from wikijs.testing import WikiJSEmulator
from wikisync.apply.run import apply_run
from wikisync.engine import load_directory, make_plan
from wikisync.wiki.remote import Remote
from wikisync.wiki.state import HEAD_NAME


def _apply_in_process(
    directory: Path, emulator: WikiJSEmulator, parallelism: int = 4
) -> tuple[Counter[str], list[str]]:
    """Plan and apply; the operations the apply (not the plan) sent, and its downloads."""
    source = load_directory(directory)
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        remote = Remote(
            client,
            root=source.config.root,
            locale=source.config.locale,
            state_key=STATE_KEY.encode(),
        )
        run = make_plan(source, remote)
        start = emulator.log.requests
        report = apply_run(run, remote, parallelism=parallelism)
    assert report.failed == 0
    entries = emulator.log.entries[start:]
    downloads = [(e.asset or e.path).rsplit("/", 1)[-1] for e in entries if e.kind == "download"]
    return Counter(op for e in entries for op in e.operations), downloads


def _apply_cli(directory: Path, emulator: WikiJSEmulator) -> None:
    result = run_cli("apply", directory, "--auto-approve", env=wiki_env(emulator))
    assert result.returncode == 0, result.stderr


def _recorded_matches_wiki(emulator: WikiJSEmulator) -> None:
    state = stored_state(emulator).state
    wiki = {p.id: p.updated_at for p in emulator.pages()}
    assert state.pages, "nothing recorded"
    for page_id, entry in state.pages.items():
        assert entry.updated_at == wiki[page_id], entry.path


def test_a_one_page_update_lists_the_pages_once_and_checks_only_the_head(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    site = numbered_site(tmp_path / "site", 6)
    _apply_cli(site.directory, emulator)
    (site.directory / "p03.md").write_text(page_file("Page 3", "Changed."), encoding="utf-8")

    operations, downloads = _apply_in_process(site.directory, emulator)

    assert operations["pages.update"] == 1
    assert operations["pages.list"] == 0  # the plan's list is the only one
    assert downloads == [HEAD_NAME]  # staleness: the head names every segment by checksum
    assert operations["assets.list"] == 1  # the listing right after the lock file landed
    _recorded_matches_wiki(emulator)
    plan = plan_in_process(site.directory, emulator)
    assert plan.changes == ()


def test_after_a_create_the_pages_whose_links_were_reconnected_are_recorded_anew(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    site = numbered_site(tmp_path / "site", 4)
    index = site.directory / "p00.md"
    index.write_text(page_file("Page 0", "See [the new page](zz-new.md)."), encoding="utf-8")
    (site.directory / "zz-new.md").write_text(page_file("New", "Later."), encoding="utf-8")
    _apply_cli(site.directory, emulator)
    (site.directory / "zz-new.md").unlink()
    index.write_text(page_file("Page 0", "Nothing to see."), encoding="utf-8")
    _apply_cli(site.directory, emulator)
    # p01 links to a page created after it is written (one at a time, in path order):
    # Wiki.js saves p01 again when that page is created.
    (site.directory / "p01.md").write_text(
        page_file("Page 1", "See [the new page](zz-new.md)."), encoding="utf-8"
    )
    (site.directory / "zz-new.md").write_text(page_file("New", "Back."), encoding="utf-8")

    operations, _ = _apply_in_process(site.directory, emulator, parallelism=1)

    assert operations["pages.create"] == 1 and operations["pages.update"] == 1
    assert operations["pages.list"] == 1  # listed again after the create
    _recorded_matches_wiki(emulator)
    plan = plan_in_process(site.directory, emulator)
    assert plan.changes == (), [c.action + " " + c.path for c in plan.changes]


def test_the_plan_reads_the_full_record_only_of_pages_it_has_to_compare(
    tmp_path: Path, emulator: WikiJSEmulator
) -> None:
    site = numbered_site(tmp_path / "site", 6)
    _apply_cli(site.directory, emulator)
    (site.directory / "p02.md").write_text(
        page_file("Page 2 renamed", "Body of page 2.", ("t2", "sync")), encoding="utf-8"
    )
    p04 = next(p.id for p in emulator.pages() if p.path == "handbook/p04")
    emulator.edit_page(p04, title="Edited by hand")  # same content, new title: a hand edit

    source = load_directory(site.directory)
    sent: list[str] = []
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        client.hooks.on_request(lambda event: sent.append(event.operation))
        remote = Remote(
            client,
            root=source.config.root,
            locale=source.config.locale,
            state_key=STATE_KEY.encode(),
        )
        start = emulator.log.requests
        plan = make_plan(source, remote).plan
        entries = emulator.log.entries[start:]

    assert "pages.stamps" in sent and "pages.list" not in sent  # no titles, tags, ...
    read = Counter(op for e in entries for op in e.operations)
    assert read["pages.single"] == 2  # p02 (its file changed) and p04 (changed in the wiki)
    by_path = {c.path: c for c in plan.changes}
    assert set(by_path) == {"handbook/p02", "handbook/p04"}
    renamed = by_path["handbook/p02"]
    assert renamed.action == "update" and renamed.fields == ("title",)
    assert [(f.old, f.new) for f in renamed.field_changes] == [("Page 2", "Page 2 renamed")]
    edited = by_path["handbook/p04"]
    assert [(f.old, f.new) for f in edited.field_changes] == [("Edited by hand", "Page 4")]
