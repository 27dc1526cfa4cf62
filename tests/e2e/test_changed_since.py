"""`plan --changed-since REF`: fewer pages read, the same plan for what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from e2e_helpers import Wiki, plan_json, write_site
from git_helpers import git

PAGES = 12


def page_text(i: int, link: str | None = None, extra: str = "") -> str:
    body = "".join(f"Paragraph {j} of page {i}.\n\n" for j in range(8))
    linked = f"Next: [page]({link}).\n" if link else ""
    return f"# Page {i}\n\n{body}{linked}{extra}"


def initial_site() -> dict[str, str]:
    files = {"wikisync.yml": "root: handbook\nprune: true\n"}
    for i in range(PAGES):
        nxt = f"p{i + 1:02d}.md" if i + 1 < PAGES else None
        files[f"p{i:02d}.md"] = page_text(i, nxt)
    return files


@pytest.fixture
def repo(wiki: Wiki, tmp_path: Path) -> Path:
    """A repository applied to the wiki at its first commit (tag ``applied``), then changed
    in a second commit: edits, an edited rename, a delete, a new page."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    write_site(root, initial_site())
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "docs")
    git(root, "tag", "applied")
    assert wiki.run("apply", str(root), "--auto-approve").exit_code == 0

    (root / "p03.md").write_text(page_text(3, "p04.md", "Edited.\n"), encoding="utf-8")
    git(root, "mv", "p05.md", "p05-renamed.md")
    (root / "p05-renamed.md").write_text(page_text(5, "p06.md", "Moved.\n"), encoding="utf-8")
    (root / "p04.md").write_text(page_text(4, "p05-renamed.md"), encoding="utf-8")
    git(root, "rm", "-q", "p08.md")
    (root / "p07.md").write_text(page_text(7), encoding="utf-8")  # no link to p08 any more
    (root / "p12.md").write_text(page_text(12, "p00.md"), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "changes")

    # Pages saved in the wiki without a change: a full plan must read them to be sure.
    for i in (1, 10, 11):
        record = wiki.page(f"handbook/p{i:02d}")
        wiki.emulator.edit_page(record["id"], content=record["content"])
    return root


def planned(wiki: Wiki, *args: str) -> tuple[dict[str, Any], int, str]:
    """The plan document, how many pages it read (``pages.single``), and stderr."""
    wiki.emulator.log.reset()
    result = wiki.run("plan", *args, "--json")
    return plan_json(result), wiki.emulator.log.count("pages.single"), result.stderr


def test_changed_since_reads_fewer_pages_and_plans_the_same_changes(wiki: Wiki, repo: Path) -> None:
    full, full_reads, _ = planned(wiki, str(repo))
    scoped, scoped_reads, notes = planned(wiki, str(repo), "--changed-since", "applied")

    assert scoped["changes"] == full["changes"]
    assert sorted((c["action"], c["path"]) for c in scoped["changes"]) == [
        ("create", "handbook/p12"),
        ("delete", "handbook/p08"),
        ("move", "handbook/p05-renamed"),
        ("update", "handbook/p03"),
        ("update", "handbook/p04"),
        ("update", "handbook/p07"),
    ]
    assert scoped_reads < full_reads
    assert full_reads - scoped_reads == 3  # the three pages saved in the wiki
    assert "--changed-since applied: planning 8 of 12 pages" in notes
    head = git(repo, "rev-parse", "HEAD")
    assert scoped["target"]["commit"] == full["target"]["commit"] == head
    assert scoped["target"]["changed_since"] == "applied"


def test_changed_since_covers_pages_linking_to_a_changed_page(wiki: Wiki, repo: Path) -> None:
    # p02 links to p03, which changed; its page was edited in the wiki meanwhile.
    p02 = wiki.page("handbook/p02")
    wiki.emulator.edit_page(p02["id"], content="A hand edit.\n")
    full, _, _ = planned(wiki, str(repo))
    scoped, _, _ = planned(wiki, str(repo), "--changed-since", "applied")
    assert ("conflict", "handbook/p02") in {(c["action"], c["path"]) for c in scoped["changes"]}
    assert scoped["changes"] == full["changes"]


def test_a_saved_changed_since_plan_applies(wiki: Wiki, repo: Path, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    result = wiki.run("plan", str(repo), "--changed-since", "applied", "--out", str(saved))
    assert result.exit_code == 0, result.output
    applied = wiki.run("apply", str(saved))
    assert applied.exit_code == 0, applied.output
    assert "1 created, 3 updated, 1 moved, 1 deleted, 0 failed." in applied.stdout
    assert wiki.run("plan", str(repo), "--detailed-exitcode").exit_code == 0


def test_a_ref_missing_from_a_shallow_clone_falls_back_to_a_full_plan(
    wiki: Wiki, repo: Path, tmp_path: Path
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    first = git(repo, "rev-list", "--max-parents=0", "HEAD")
    full, full_reads, _ = planned(wiki, str(clone))
    fallback, reads, notes = planned(wiki, str(clone), "--changed-since", first)
    assert f"--changed-since {first}: the commit is not in this clone" in notes
    assert "shallow clone" in notes and "a full plan" in notes
    assert fallback["changes"] == full["changes"]
    assert reads == full_reads


def test_outside_git_changed_since_plans_everything(wiki: Wiki, tmp_path: Path) -> None:
    site = write_site(tmp_path / "plain", initial_site())
    result = wiki.run("plan", str(site), "--changed-since", "HEAD~1", "--json")
    doc = plan_json(result)
    assert "is not in a git repository; planning every page" in result.stderr
    assert doc["summary"]["create"] == PAGES
