"""Renames end to end: a file renamed in git is a move of its page (id and history kept)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from e2e_helpers import Wiki, plan_json, write_site
from git_helpers import git

from wikisync.wiki.state import HEAD_NAME, state_folder

SAMPLES = Path(__file__).parents[1] / "data" / "git-storage-samples"
BODY = "".join(f"Step {i}: do the thing number {i}.\n" for i in range(1, 16))


def make_repo(root: Path, files: dict[str, str]) -> Path:
    """A git repository whose ``docs/`` folder is the content directory (one commit)."""
    root.mkdir(parents=True)
    git(root, "init", "-q")
    write_site(root / "docs", files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "docs")
    return root


SITE = {
    "wikisync.yml": "root: handbook\nprune: true\n",
    "guide/install.md": "---\ntitle: Install\n---\n" + BODY,
    "guide/index.md": "# Guide\n\nStart with [install](install.md).\n",
    "faq.md": "# FAQ\n\nAsk away.\n",
}


def stored_commit(wiki: Wiki) -> str | None:
    """The commit the state's head records (the state is asset files; see wikisync.wiki.state)."""
    head = wiki.emulator.asset_files("/".join(state_folder("handbook")))[HEAD_NAME]
    commit: str | None = json.loads(head).get("commit")
    return commit


def changes(doc: dict[str, object]) -> list[tuple[str, str, str | None]]:
    return sorted(
        (c["action"], c["path"], c["from_path"])  # type: ignore[index]
        for c in doc["changes"]  # type: ignore[attr-defined]
    )


def test_an_edited_rename_committed_in_git_is_one_move(wiki: Wiki, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SITE)
    docs = repo / "docs"
    assert wiki.run("apply", str(docs), "--auto-approve").exit_code == 0
    assert stored_commit(wiki) == git(repo, "rev-parse", "HEAD")
    page = wiki.page("handbook/guide/install")
    versions_before = len(wiki.emulator.versions(page["id"]))

    git(repo, "mv", "docs/guide/install.md", "docs/guide/installing.md")
    (docs / "guide/installing.md").write_text(
        "---\ntitle: Installing\n---\n" + BODY + "Step 16: done.\n", encoding="utf-8"
    )
    (docs / "guide/index.md").write_text(
        "# Guide\n\nStart with [install](installing.md).\n", encoding="utf-8"
    )
    git(repo, "commit", "-q", "-am", "rename and edit the install guide")

    doc = plan_json(wiki.run("plan", str(docs), "--json"))
    assert changes(doc) == [
        ("move", "handbook/guide/installing", "handbook/guide/install"),
        ("update", "handbook/guide", None),
    ]
    move = next(c for c in doc["changes"] if c["action"] == "move")
    assert move["page_id"] == page["id"]
    assert move["fields"] == ["content", "title"]
    assert doc["target"]["commit"] == git(repo, "rev-parse", "HEAD")
    text = wiki.run("plan", str(docs)).stdout
    assert "renamed from guide/install.md" in text
    assert "Plan: 0 to create, 1 to update, 1 to move, 0 to delete." in text

    wiki.emulator.log.reset()
    applied = wiki.run("apply", str(docs), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "0 created, 1 updated, 1 moved, 0 deleted, 0 failed." in applied.stdout
    writes = wiki.writes()
    assert writes.count("pages.move") == 1
    assert "pages.create" not in writes and "pages.delete" not in writes
    moved = wiki.page("handbook/guide/installing")
    assert moved["id"] == page["id"]
    assert moved["title"] == "Installing" and "Step 16: done." in moved["content"]
    assert wiki.page("handbook/guide/install") is None
    assert len(wiki.emulator.versions(page["id"])) > versions_before  # history kept
    assert stored_commit(wiki) == git(repo, "rev-parse", "HEAD")
    assert wiki.run("plan", str(docs), "--detailed-exitcode").exit_code == 0


def test_an_uncommitted_rename_of_an_untracked_file_counts_too(wiki: Wiki, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SITE)
    docs = repo / "docs"
    assert wiki.run("apply", str(docs), "--auto-approve").exit_code == 0
    (docs / "guide/install.md").rename(docs / "setup.md")  # plain mv, nothing staged
    with (docs / "setup.md").open("a", encoding="utf-8") as fh:
        fh.write("Step 16: also edited.\n")
    (docs / "guide/index.md").write_text("# Guide\n\nSee [setup](../setup.md).\n")
    doc = plan_json(wiki.run("plan", str(docs), "--json"))
    assert changes(doc) == [
        ("move", "handbook/setup", "handbook/guide/install"),
        ("update", "handbook/guide", None),
    ]


def test_without_git_an_edited_rename_is_a_new_page_as_before(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "plain", SITE)
    assert wiki.run("apply", str(docs), "--auto-approve").exit_code == 0
    (docs / "guide/install.md").rename(docs / "guide/installing.md")
    (docs / "faq.md").rename(docs / "questions.md")  # unchanged content: still a move
    with (docs / "guide/installing.md").open("a", encoding="utf-8") as fh:
        fh.write("Step 16: edited.\n")
    (docs / "guide/index.md").write_text("# Guide\n\n[install](installing.md)\n")
    doc = plan_json(wiki.run("plan", str(docs), "--json"))
    assert "commit" not in doc["target"]
    assert changes(doc) == [
        ("create", "handbook/guide/installing", None),
        ("delete", "handbook/guide/install", None),
        ("move", "handbook/questions", "handbook/faq"),
        ("update", "handbook/guide", None),
    ]


def test_a_shallow_clone_without_the_applied_commit_says_so(wiki: Wiki, tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", SITE)
    assert wiki.run("apply", str(repo / "docs"), "--auto-approve").exit_code == 0
    git(repo, "mv", "docs/faq.md", "docs/questions.md")
    git(repo, "commit", "-q", "-m", "rename the faq")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    result = wiki.run("plan", str(clone / "docs"), "--json")
    doc = plan_json(result)
    assert "is not in this clone (a shallow checkout)" in result.stderr
    assert "fetch-depth: 0" in result.stderr
    # identical content still finds the page
    assert changes(doc) == [("move", "handbook/questions", "handbook/faq")]


@pytest.fixture
def git_storage_repo(tmp_path: Path) -> Path:
    """What Wiki.js's Git storage wrote, committed as it was (tests/data/git-storage-samples)."""
    repo = tmp_path / "storage"
    shutil.copytree(SAMPLES / "written-by-wikijs", repo)
    (repo / "gitcap" / "adoc-page.adoc.deleted-later").unlink()
    (repo / "wikisync.yml").write_text("locales: [en, fr]\nprune: true\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "written by Wiki.js")
    return repo


def test_a_wikijs_git_storage_repository_is_a_content_directory_as_it_is(
    wiki: Wiki, git_storage_repo: Path
) -> None:
    repo = git_storage_repo
    applied = wiki.run("apply", str(repo), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "7 created" in applied.stdout
    assert wiki.page("gitcap/ünïcödé/页面")["title"] == "Ünïcödé 🚀"
    colon = wiki.page("gitcap/colon-title")
    assert colon["title"] == 'Title: with "quotes" and colon'

    # The external commit of the samples: a rename (R100), an edit, a delete, new files.
    git(repo, "mv", "gitcap/colon-title.md", "gitcap/renamed-in-git.md")
    git(repo, "rm", "-q", "gitcap-root.md")
    shutil.copytree(SAMPLES / "external-edits-pushed", repo, dirs_exist_ok=True)
    (repo / "CHANGES.txt").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "external edits")

    doc = plan_json(wiki.run("plan", str(repo), "--json"))
    by_path = {c["path"]: c for c in doc["changes"]}
    assert by_path["gitcap/renamed-in-git"]["action"] == "move"
    assert by_path["gitcap/renamed-in-git"]["page_id"] == colon["id"]
    assert by_path["gitcap/plain"]["action"] == "update"
    assert by_path["gitcap-root"]["action"] == "delete"
    assert by_path["gitcap/fromgit/new-full"]["action"] == "create"
    assert by_path["gitcap/page"]["locale"] == "fr"
    result = wiki.run("apply", str(repo), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert wiki.page("gitcap/renamed-in-git")["id"] == colon["id"]
    assert wiki.run("plan", str(repo), "--detailed-exitcode").exit_code == 0
