"""Assets end to end: one upload per file, none when unchanged, links to the served path."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from e2e_helpers import Wiki, plan_json, write_site

from wikijs import WikiJSClient
from wikijs.testing import Fault
from wikisync.wiki.state import state_folder

LOGO = bytes(range(256)) * 12 + b"logo"  # 3,076 bytes that are not text
SITE = {
    "wikisync.yml": """
        root: handbook
        prune: true
        max_delete: 5
    """,
    "guide/a.md": """
        # A

        ![logo](img/Team%20Logo.PNG)
    """,
    "guide/b.md": """
        # B

        <img src="./img/Team Logo.PNG" alt="logo">

        [the report](../files/report.pdf)
    """,
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", SITE)
    (root / "guide" / "img").mkdir(parents=True)
    (root / "guide" / "img" / "Team Logo.PNG").write_bytes(LOGO)
    (root / "files").mkdir()
    (root / "files" / "report.pdf").write_bytes(b"%PDF-1.4 report")
    return root


def served(wiki: Wiki, path: str) -> bytes:
    """``GET <wiki>/<path>`` over loopback, as a browser following the page's link does."""
    request = urllib.request.Request(
        wiki.emulator.url + path, headers={"Authorization": f"Bearer {wiki.emulator.api_key}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        data: bytes = response.read()
    return data


def uploads(wiki: Wiki) -> int:
    """Uploads of content assets (wikisync's own state files, under ``_wikisync/``, apart)."""
    return len(_content(wiki, "upload"))


_CONTENT = {"handbook/guide/img/team_logo.png", "handbook/files/report.pdf"}


def downloads(wiki: Wiki) -> int:
    return len(_content(wiki, "download"))


def _content(wiki: Wiki, kind: str) -> list[str]:
    return [
        e.asset
        for e in wiki.emulator.log.entries
        if e.kind == kind and e.asset and not e.asset.startswith("_wikisync/")
    ]


def test_an_image_two_pages_use_is_uploaded_once_and_served_where_they_link(
    wiki: Wiki, site: Path
) -> None:
    doc = plan_json(wiki.run("plan", str(site), "--json"))
    assets = [c for c in doc["changes"] if c["kind"] == "asset"]
    assert [(c["action"], c["path"], c["source"]) for c in assets] == [
        ("upload", "handbook/files/report.pdf", "files/report.pdf"),
        ("upload", "handbook/guide/img/team_logo.png", "guide/img/Team Logo.PNG"),
    ]
    assert doc["assets"]["upload"] == 2
    text = wiki.run("plan", str(site)).stdout
    assert "+ upload /handbook/guide/img/team_logo.png (3.1 kB) <- guide/img/Team Logo.PNG" in text

    wiki.emulator.log.reset()
    applied = wiki.run("apply", str(site), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Assets: 2 uploaded, 0 replaced, 0 deleted, 0 failed." in applied.stdout
    assert uploads(wiki) == 2
    entries = wiki.emulator.log.entries
    content = [i for i, e in enumerate(entries) if e.kind == "upload" and e.asset in _CONTENT]
    state = [i for i, e in enumerate(entries) if e.kind == "upload" and e.asset not in _CONTENT]
    creates = [i for i, e in enumerate(entries) if "pages.create" in e.operations]
    assert len(creates) == 2 and len(content) == 2  # the two pages, the two files
    # The lock file first, the files before the pages, the state (segment, head) last.
    assert state[0] < min(content) and max(content) < min(creates)
    assert max(creates) < state[1] < state[2]

    a = wiki.page("handbook/guide/a")["content"]
    b = wiki.page("handbook/guide/b")["content"]
    assert "![logo](/handbook/guide/img/team_logo.png)" in a
    assert '<img src="/handbook/guide/img/team_logo.png" alt="logo">' in b
    assert "[the report](/handbook/files/report.pdf)" in b
    assert served(wiki, "/handbook/guide/img/team_logo.png") == LOGO
    assert served(wiki, "/handbook/files/report.pdf") == b"%PDF-1.4 report"


def test_a_second_apply_uploads_nothing_and_a_changed_image_is_replaced(
    wiki: Wiki, site: Path
) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    wiki.emulator.log.reset()
    again = wiki.run("apply", str(site), "--auto-approve")
    assert again.exit_code == 0, again.output
    assert uploads(wiki) == 0
    assert wiki.emulator.log.writes() == []
    assert downloads(wiki) == 0  # the state vouches for the bytes

    changed = LOGO[::-1] + b"v2"
    (site / "guide" / "img" / "Team Logo.PNG").write_bytes(changed)
    doc = plan_json(wiki.run("plan", str(site), "--json"))
    assert [(c["kind"], c["action"], c["path"]) for c in doc["changes"]] == [
        ("asset", "replace", "handbook/guide/img/team_logo.png")
    ]
    wiki.emulator.log.reset()
    replaced = wiki.run("apply", str(site), "--auto-approve")
    assert replaced.exit_code == 0, replaced.output
    assert "Assets: 0 uploaded, 1 replaced, 0 deleted, 0 failed." in replaced.stdout
    assert uploads(wiki) == 1
    assert [op for op in wiki.writes() if op != "pages.update"] == []  # no page rewritten
    assert served(wiki, "/handbook/guide/img/team_logo.png") == changed
    assert wiki.run("plan", str(site), "--detailed-exitcode").exit_code == 0


def test_a_lost_state_does_not_upload_unchanged_assets_again(wiki: Wiki, site: Path) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    with WikiJSClient(wiki.emulator.url, api_key=wiki.emulator.api_key) as client:
        folder = client.assets.ensure_folder("/".join(state_folder("handbook")))
        for asset in client.assets.list(folder):
            client.assets.delete(asset.id)
    wiki.emulator.log.reset()
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert uploads(wiki) == 0
    assert downloads(wiki) == 2  # verified by their bytes instead
    wiki.emulator.log.reset()
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    assert downloads(wiki) == 0  # and recorded again


def test_an_asset_no_page_links_to_is_pruned_like_a_page(wiki: Wiki, site: Path) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    (site / "guide" / "b.md").write_text("# B\n\nNo links any more.\n", encoding="utf-8")
    doc = plan_json(wiki.run("plan", str(site), "--json"))
    assert [(c["kind"], c["action"], c["path"]) for c in doc["changes"]] == [
        ("page", "update", "handbook/guide/b"),
        ("asset", "delete", "handbook/files/report.pdf"),
    ]
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Assets: 0 uploaded, 0 replaced, 1 deleted, 0 failed." in result.stdout
    assert wiki.emulator.asset("/handbook/files/report.pdf") is None
    assert wiki.emulator.asset("/handbook/guide/img/team_logo.png") == LOGO


def test_asset_deletes_count_against_max_delete(wiki: Wiki, site: Path) -> None:
    (site / "wikisync.yml").write_text("root: handbook\nprune: true\nmax_delete: 1\n")
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    (site / "guide" / "b.md").unlink()  # one page and the report it alone links to
    planned = wiki.run("plan", str(site))
    assert planned.exit_code == 4, planned.output
    assert "1 pages and 1 assets, more than max_delete (1)" in planned.stderr
    wiki.emulator.log.reset()
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 4
    assert wiki.emulator.log.writes() == []


def test_a_saved_plan_with_uploads_is_applied_exactly_or_refused_when_stale(
    wiki: Wiki, site: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "plan.json"
    assert wiki.run("plan", str(site), "--out", str(saved)).exit_code == 0
    assert json.loads(saved.read_text())["assets"]["upload"] == 2
    (site / "files" / "report.pdf").write_bytes(b"%PDF-1.4 changed after the plan")
    stale = wiki.run("apply", str(saved))
    assert stale.exit_code == 3, stale.output
    assert uploads(wiki) == 0

    assert wiki.run("plan", str(site), "--out", str(saved)).exit_code == 0
    applied = wiki.run("apply", str(saved))
    assert applied.exit_code == 0, applied.output
    assert uploads(wiki) == 2


def test_a_failed_upload_skips_the_pages_that_link_to_it(wiki: Wiki, site: Path) -> None:
    (site / "guide" / "c.md").write_text("# C\n\nNo images.\n", encoding="utf-8")
    # Upload 1 is the lock file; 2 and 3 are the two files.
    broken = wiki.emulator.faults.add(
        Fault(kind="status", status=500, operation="assets.upload", nth=2, max_count=2)
    )
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 1
    assert "Failed: upload /handbook/guide/img/team_logo.png" in result.stderr
    assert "Skipped: create en/handbook/guide/a" in result.stderr
    assert wiki.page("handbook/guide/a") is None and wiki.page("handbook/guide/b") is None
    assert wiki.page("handbook/guide/c") is not None  # links to no asset: written

    wiki.emulator.faults.remove(broken)
    rerun = wiki.run("apply", str(site), "--auto-approve")
    assert rerun.exit_code == 0, rerun.output
    assert "2 created" in rerun.stdout and "2 uploaded" in rerun.stdout
    assert wiki.run("plan", str(site), "--detailed-exitcode").exit_code == 0
