"""Content transforms end to end: converted pages reach the wiki once; unchanged files cost nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

from e2e_helpers import Wiki

CORPORA = Path(__file__).resolve().parents[1] / "data" / "corpora"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy(CORPORA / "prettier-docusaurus" / "docs" / "install.md", site / "install.md")
    docsy = CORPORA / "docsy-hugo" / "content" / "en" / "docs" / "getting-started"
    shutil.copy(docsy / "example-page.md", site / "example-page.md")
    (site / "wikisync.yml").write_text("root: docs\n", encoding="utf-8")
    for linked in (
        "ignore",
        "editors",
        "watching-files",
        "comparison",
        "integrating-with-linters",
        "related-projects",
        "precommit",
    ):
        (site / f"{linked}.md").write_text(f"# {linked}\n", encoding="utf-8")
    return site


def test_converted_pages_are_written_once_and_then_cost_no_write(
    wiki: Wiki, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    checked = wiki.run("validate", str(site), "--verbose")
    assert checked.exit_code == 0, checked.output
    assert "install.md:11: component <Tabs> has no Wiki.js form; left as text" in checked.stdout
    # A line of the file, though the conversion changed the lines above it.
    assert "install.md:243: component <TabItem> has no Wiki.js form" in checked.stdout
    assert "Dialect: admonition, pymdownx-details, docusaurus-admonitions" in checked.stderr
    assert "Transforms: none" in checked.stderr

    applied = wiki.run("apply", str(site), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    install = wiki.page("docs/install")["content"]
    assert "import Tabs" not in install and ":::tip" not in install
    assert "> **Another tip**\n>\n> If your project" in install and "{.is-success}" in install
    alerts = wiki.page("docs/example-page")["content"]
    assert "> **Danger!**\n>\n> This is a danger alert with a\n> title!\n{.is-danger}" in alerts
    assert "{{% alert" not in alerts

    wiki.emulator.log.reset()
    again = wiki.run("plan", str(site), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout
    assert wiki.writes() == []

    pulled = wiki.run("pull", str(site))
    assert pulled.exit_code == 0, pulled.output
    assert "0 written" in pulled.stdout  # the files keep their own syntax
    assert (site / "install.md").read_bytes() == (
        CORPORA / "prettier-docusaurus" / "docs" / "install.md"
    ).read_bytes()
