"""`wikisync pull` loses nothing: it writes only what the wiki changed, into the file's own keys."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from e2e_helpers import Wiki, write_site
from git_helpers import git

from wikijs import WikiJSClient

DATA = Path(__file__).resolve().parents[1] / "data"

HUGO_PAGE = """\
---
# Front matter of a Hugo page: Hugo reads every key below; Wiki.js only a few.
title: Getting started   # the page title
linkTitle: Start
description: "First steps: install and run"
weight: 20
slug: getting-started
aliases:
  - /docs/start/
  - /start/
date: 2024-03-01T10:00:00Z
lastmod: 2024-05-02
categories: [docs, basics]
keywords:
  - install
  - setup
params:
  icon: fa-rocket  # shown in the sidebar
  hide_feedback: true
toc: true
type: docs
tags: [intro]
---

Install the tool, then run it.
"""


def _changed_lines(repo: Path) -> list[str]:
    """The removed and added lines of `git diff` (no file headers, no context)."""
    diff = git(repo, "diff", "--unified=0", "--no-color")
    return [
        line
        for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++ ", "--- "))
    ]


def _commit(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs")


@pytest.fixture
def hugo_site(tmp_path: Path) -> Path:
    site = write_site(
        tmp_path / "site",
        {
            "wikisync.yml": "root: docs\n",
            "getting-started.md": HUGO_PAGE,
            "plain.md": "# Plain\n\nNo header at all.\n",
        },
    )
    git(site, "init", "-q")
    _commit(site)
    return site


def _set_title(wiki: Wiki, path: str, title: str) -> None:
    page = wiki.page(path)
    with WikiJSClient(wiki.emulator.url, api_key=wiki.emulator.api_key) as client:
        client.pages.update(page["id"], title=title)


def test_a_title_edit_in_the_wiki_changes_only_the_title_line(wiki: Wiki, hugo_site: Path) -> None:
    assert wiki.run("apply", str(hugo_site), "--auto-approve").exit_code == 0
    _set_title(wiki, "docs/getting-started", "Getting started: the quick way")

    pulled = wiki.run("pull", str(hugo_site))
    assert pulled.exit_code == 0, pulled.output
    assert "Pull complete! 1 written, 1 unchanged" in pulled.stdout
    assert _changed_lines(hugo_site) == [
        "-title: Getting started   # the page title",
        '+title: "Getting started: the quick way" # the page title',
    ]

    again = wiki.run("plan", str(hugo_site), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout


def test_pulling_unchanged_pages_leaves_every_file_byte_identical(
    wiki: Wiki, hugo_site: Path
) -> None:
    assert wiki.run("apply", str(hugo_site), "--auto-approve").exit_code == 0
    before = {p.name: p.read_bytes() for p in hugo_site.glob("*.md")}
    pulled = wiki.run("pull", str(hugo_site))
    assert pulled.exit_code == 0, pulled.output
    assert "Pull complete! 0 written, 2 unchanged" in pulled.stdout
    assert {p.name: p.read_bytes() for p in hugo_site.glob("*.md")} == before
    assert _changed_lines(hugo_site) == []


def test_wikijs_git_storage_files_keep_their_form(wiki: Wiki, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(DATA / "git-storage-samples" / "written-by-wikijs" / "gitcap", site)
    (site / "wikisync.yml").write_text("root: gitcap\n", encoding="utf-8")
    git(site, "init", "-q")
    _commit(site)
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    assert wiki.run("pull", str(site)).exit_code == 0
    assert _changed_lines(site) == []  # nothing changed: nothing rewritten

    _set_title(wiki, "gitcap/colon-title", "Title: with colon, edited")
    _set_title(wiki, "gitcap/html-page", "HTML page v2")
    pulled = wiki.run("pull", str(site))
    assert pulled.exit_code == 0, pulled.output
    assert _changed_lines(site) == [
        '-title: Title: with "quotes" and colon',
        "+title: Title: with colon, edited",  # as Wiki.js writes it, and reads back so
        "-title: HTML page",
        "+title: HTML page v2",
    ]
    again = wiki.run("plan", str(site), "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_a_tag_added_in_the_wiki_goes_into_one_key_of_a_merged_field(
    wiki: Wiki, tmp_path: Path
) -> None:
    # MkDocs reads a page's tags from `tags` and `keywords` together.
    site = write_site(
        tmp_path / "site",
        {
            "wikisync.yml": "root: docs\nflavor: mkdocs\n",
            "start.md": "---\ntitle: Start\ntags: [intro]\nkeywords: [install, setup]\n---\n\nText.\n",
        },
    )
    git(site, "init", "-q")
    _commit(site)
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    page = wiki.page("docs/start")
    assert sorted(page.tags) == ["install", "intro", "setup"]
    with WikiJSClient(wiki.emulator.url, api_key=wiki.emulator.api_key) as client:
        client.pages.update(page.id, tags=["intro", "install", "setup", "faq"])

    pulled = wiki.run("pull", str(site))
    assert pulled.exit_code == 0, pulled.output
    assert _changed_lines(site) == ["-tags: [intro]", "+tags: [intro, faq]"]
    again = wiki.run("plan", str(site), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
