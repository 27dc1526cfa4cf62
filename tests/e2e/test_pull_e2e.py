"""`wikisync pull` end to end: wiki -> files, then `plan` finds nothing to do; hostile paths."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import Wiki, plan_json, write_site
from git_helpers import git
from typer.testing import CliRunner

from wikijs.testing import WikiJSEmulator

LOGO = bytes(range(256)) * 4

SITE = {
    "wikisync.yml": """
        root: handbook
        locales: [en, fr]
        prune: true
    """,
    "index.md": """
        ---
        title: Handbook
        tags: [home]
        ---
        Start with the [install guide](guide/install.md#first-steps).

        ![logo](img/logo.png)
    """,
    "guide/install.md": """
        ---
        title: Install
        description: How to install
        tags: [setup, guide]
        ---
        # Install

        See the [FAQ](../faq.md) and the [handbook](../index.md).

            [indented code](../not-a-link.md)

        ```
        [fenced code](../not-a-link-either.md)
        ```
    """,
    "faq.md": "# FAQ\n\nAsk away.\n",
    "guide/widget.html": """
        <!--
        title: Widget
        editor: ckeditor
        -->
        <p>See <a href="install.md">install</a>.</p>
    """,
    "fr/guide/install.md": """
        ---
        title: Installer
        ---
        Voir la [FAQ](../../faq.md).
    """,
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", SITE)
    (root / "img").mkdir()
    (root / "img" / "logo.png").write_bytes(LOGO)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "docs")
    return root


def edit_in_the_wiki(wiki: Wiki) -> None:
    """Hand edits a pull must bring back: fields files rarely set, odd values, links."""
    install = wiki.page("handbook/guide/install")
    wiki.emulator.edit_page(
        install["id"],
        title="Install: the guide",
        description='Say "hi" # not a comment',
        content=install["content"] + "\nMore in [the widget](/en/handbook/guide/widget).\n",
        tags=["setup", "guide", "yes"],
        script_css=".install {\n  color: red;\n}",
        publish_start_date="2026-01-01T00:00:00.000Z",
    )
    faq = wiki.page("handbook/faq")
    wiki.emulator.edit_page(faq["id"], is_published=False, content="# FAQ\n\nAnswers: none.\n")


def test_pull_then_plan_reports_no_changes(wiki: Wiki, site: Path) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    edit_in_the_wiki(wiki)
    assert plan_json(wiki.run("plan", str(site), "--json"))["summary"]["conflict"] == 2

    pulled = wiki.run("pull", str(site))
    assert pulled.exit_code == 0, pulled.output
    assert "~ guide/install.md <- /en/handbook/guide/install (wrote)" in pulled.stdout
    assert "Pull complete! 2 written, 3 unchanged, 0 kept, 0 refused." in pulled.stdout

    install = (site / "guide" / "install.md").read_text(encoding="utf-8")
    assert 'title: "Install: the guide"\n' in install
    assert "tags: [guide, setup, yes]\n" in install  # the form the file had
    assert 'scriptCss: ".install {\\n  color: red;\\n}"\n' in install
    assert "See the [FAQ](../faq.md) and the [handbook](../index.md)." in install
    assert "More in [the widget](widget.html)." in install
    assert "    [indented code](../not-a-link.md)" in install
    faq = (site / "faq.md").read_text(encoding="utf-8")
    # A file without a header gets one with only what differs from it.
    assert faq == "---\npublished: false\n---\n\n# FAQ\n\nAnswers: none.\n"

    wiki.emulator.log.reset()
    again = wiki.run("plan", str(site), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert f"No changes. The wiki matches {site}." in again.stdout
    assert wiki.writes() == []


def test_pull_into_an_empty_directory_recreates_the_site(
    wiki: Wiki, site: Path, tmp_path: Path
) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy(site / "wikisync.yml", fresh / "wikisync.yml")
    pulled = wiki.run("pull", str(fresh))
    assert pulled.exit_code == 0, pulled.output
    written = sorted(p.relative_to(fresh).as_posix() for p in fresh.rglob("*") if p.is_file())
    assert written == [
        "faq.md",
        "fr/guide/install.md",
        "guide/install.md",
        "guide/widget.html",
        "img/logo.png",  # a managed asset a page links to
        "index.md",
        "wikisync.yml",
    ]
    assert (fresh / "img" / "logo.png").read_bytes() == LOGO
    index = (fresh / "index.md").read_text(encoding="utf-8")
    assert "[install guide](guide/install.md#first-steps)" in index
    assert "![logo](img/logo.png)" in index
    widget = (fresh / "guide" / "widget.html").read_text(encoding="utf-8")
    assert widget.startswith("<!--\ntitle: Widget\n")
    assert '<a href="install.md">' in widget

    result = wiki.run("plan", str(fresh), "--detailed-exitcode")
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout


def test_pull_all_takes_unmanaged_pages_too(wiki: Wiki, tmp_path: Path) -> None:
    wiki.emulator.add_page("handbook/made-by-hand", "# By hand\n", title="A: B", tags=["x"])
    wiki.emulator.add_page("handbook/de-seite", "# Seite\n", locale="de", title="Seite")
    wiki.emulator.add_page("elsewhere/page", "# Not under root\n")
    target = write_site(tmp_path / "docs", {"wikisync.yml": "root: handbook\n"})
    managed_only = wiki.run("pull", str(target))
    assert managed_only.exit_code == 0
    assert "use --all" in managed_only.stderr

    result = wiki.run("pull", str(target), "--all")
    assert result.exit_code == 1  # one page was refused
    assert (target / "made-by-hand.md").is_file()
    assert "locale 'de' is not in `locales`" in result.stderr
    assert not (tmp_path / "docs" / "elsewhere").exists()
    doc = plan_json(wiki.run("plan", str(target), "--json"))
    assert doc["changes"] == []
    assert doc["summary"]["unchanged"] == 1


def test_pull_keeps_local_changes_unless_forced(wiki: Wiki, site: Path) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    edit_in_the_wiki(wiki)
    local_edit = "# FAQ\n\nA local edit, not committed.\n"
    (site / "faq.md").write_text(local_edit, encoding="utf-8")

    dry = wiki.run("pull", str(site), "--dry-run")
    assert "Pull (dry run): 1 would write" in dry.stdout
    result = wiki.run("pull", str(site))
    assert result.exit_code == 1
    assert "Kept: ! /en/handbook/faq: faq.md has changes git does not hold" in result.stderr
    assert "--force" in result.stderr
    assert (site / "faq.md").read_text(encoding="utf-8") == local_edit
    assert "Install: the guide" in (site / "guide" / "install.md").read_text(encoding="utf-8")

    forced = wiki.run("pull", str(site), "--force")
    assert forced.exit_code == 0, forced.output
    assert "Answers: none." in (site / "faq.md").read_text(encoding="utf-8")


HOSTILE = {
    "placeholder/dotdot": "../x",
    "placeholder/deep-dotdot": "a/../../../etc/evil",
    "placeholder/absolute": "/abs",
}


@pytest.fixture
def hostile_wiki(tmp_path: Path) -> Iterator[Wiki]:
    """A wiki holding pages whose paths are hostile as file names.

    The API refuses ``.`` in paths, so ``../x`` and ``/abs`` are planted in the emulator's
    saved state (as a database restored from elsewhere, or another tool, could hold them).
    """
    state = tmp_path / "wiki-state.json"
    with WikiJSEmulator(state_file=state) as emulator:
        emulator.add_page("fine-page", "# Fine\n", title="Fine")
        for placeholder in HOSTILE:
            emulator.add_page(placeholder, "# Evil\n", title="Evil")
        emulator.add_page("nul\x00byte", "# NUL\n", title="NUL")
        emulator.add_page("tab\there", "# Tab\n", title="Tab")
        emulator.add_page("é" * 200, "# Long\n", title="Long")
        emulator.add_page("CON", "# Device\n", title="Device")
        emulator.add_page("docs/com1/page", "# Device folder\n", title="Device folder")
        emulator.add_page("Guide/Setup", "# Upper\n", title="Upper")
        emulator.add_page("guide/setup", "# Lower\n", title="Lower")
        emulator.add_page("linked/page", "# Through a link\n", title="Linked")
        emulator.save()
    document = json.loads(state.read_text(encoding="utf-8"))
    for row in document["pages"]:
        if row["path"] in HOSTILE:
            row["path"] = HOSTILE[row["path"]]
    state.write_text(json.dumps(document), encoding="utf-8")
    with WikiJSEmulator(state_file=state) as reloaded:
        yield Wiki(reloaded, CliRunner())


def test_pull_refuses_hostile_paths_and_writes_nothing_outside(
    hostile_wiki: Wiki, tmp_path: Path
) -> None:
    sandbox = tmp_path / "sandbox"
    target = sandbox / "inner" / "docs"
    target.mkdir(parents=True)
    (target / "wikisync.yml").write_text("locale: en\n", encoding="utf-8")
    (sandbox / "outside").mkdir()
    (target / "linked").symlink_to(sandbox / "outside", target_is_directory=True)
    outside_before = sorted(str(p) for p in tmp_path.rglob("*") if target not in p.parents)

    result = hostile_wiki.run("pull", str(target), "--all")
    assert result.exit_code == 1
    written = sorted(p.relative_to(target).as_posix() for p in target.rglob("*"))
    assert written == ["fine-page.md", "linked", "wikisync.yml"]
    assert list((sandbox / "outside").iterdir()) == []
    outside_after = sorted(str(p) for p in tmp_path.rglob("*") if target not in p.parents)
    assert outside_after == outside_before
    assert not Path("/abs.md").exists()

    refused = [line for line in result.stderr.splitlines() if line.startswith("Refused: ")]
    assert len(refused) == 11
    messages = "\n".join(refused)
    assert "/en/../x: it has a '..' segment" in messages
    assert "/en/a/../../../etc/evil: it has a '..' segment" in messages
    assert "/en//abs: it is an absolute path" in messages
    assert "/en/nul\\x00byte: it contains NUL or control characters" in messages
    assert "/en/tab\\x09here: it contains NUL or control characters" in messages
    assert "over 255 bytes" in messages
    assert "/en/CON: 'CON.md' is a name Windows reserves for a device" in messages
    assert "'com1' is a name Windows reserves" in messages
    assert "/en/Guide/Setup: Guide and guide differ only in case" in messages
    assert "/en/guide/setup: guide and Guide differ only in case" in messages
    assert "/en/linked/page: linked/page.md: its folder leads outside" in messages
    assert "Pull complete! 1 written, 0 unchanged, 0 kept, 11 refused." in result.stdout
