"""What the wiki shows is what the site shows, through the CLI and the emulator.

A MkDocs tree with hard-wrapped paragraphs, a first heading that repeats the title and a
page titled only by the site's nav: the wiki's ``linebreaks`` setting decides whether the
lines are joined (read once per plan), the files are never rewritten, and ``pull`` leaves
them byte for byte.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from e2e_helpers import Wiki, plan_json, write_site

from wikijs import WikiJSClient
from wikisync.cli import app

FILES = {
    "mkdocs.yml": """
        site_name: Demo
        nav:
          - Welcome: index.md
          - Setting up: setup.md
    """,
    "docs/index.md": """
        # Welcome

        This paragraph is wrapped
        at a short width, as Prettier
        leaves it.\\
        That line ended with a hard break.

        ```text
        code keeps
        its lines
        ```

        > A quote wrapped
        > over two lines.

        See [the setup][setup].

        [setup]:
          setup.md
    """,
    "docs/setup.md": """
        Setup has no title and no heading:
        the site's nav names it.
    """,
}


def _tree(tmp_path: Path) -> Path:
    root = write_site(tmp_path / "site", FILES)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root / "docs"


def _snapshot(docs: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(docs.iterdir())}


def test_lines_are_joined_for_a_wiki_that_shows_line_breaks(wiki: Wiki, tmp_path: Path) -> None:
    docs = _tree(tmp_path)
    before = _snapshot(docs)
    applied = wiki.run("apply", str(docs), "--auto-approve")
    assert applied.exit_code == 0, applied.output

    home = wiki.page("home")
    assert home.title == "Welcome"
    assert home.content == (
        "This paragraph is wrapped at a short width, as Prettier leaves it.\\\n"
        "That line ended with a hard break.\n\n"
        "```text\ncode keeps\nits lines\n```\n\n"
        "> A quote wrapped over two lines.\n\n"
        "See [the setup][setup].\n\n"
        "[setup]:\n  /en/setup\n"
    )
    assert home.render.count("<br>") == 1  # the hard break only
    assert wiki.page("setup").title == "Setting up"  # the nav title, not "setup"
    assert wiki.page("setup").content == (
        "Setup has no title and no heading: the site's nav names it.\n"
    )

    assert "No changes." in wiki.run("plan", str(docs)).stdout
    pulled = wiki.run("pull", str(docs))
    assert pulled.exit_code == 0, pulled.output
    assert _snapshot(docs) == before


def test_a_wiki_that_does_not_show_line_breaks_gets_the_lines_as_written(
    wiki: Wiki, tmp_path: Path
) -> None:
    docs = _tree(tmp_path)
    wiki.emulator.set_rendering("markdownCore", "linebreaks", False)
    applied = wiki.run("apply", str(docs), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "This paragraph is wrapped\nat a short width" in wiki.page("home").content
    assert "No changes." in wiki.run("plan", str(docs)).stdout

    # The administrator turns line breaks on: the next plan joins the lines.
    wiki.emulator.set_rendering("markdownCore", "linebreaks", True)
    planned = plan_json(wiki.run("plan", str(docs), "--json"))
    assert sorted(c["path"] for c in planned["changes"]) == ["home", "setup"]
    assert all(c["fields"] == ["content"] for c in planned["changes"])


def test_a_key_that_may_not_read_the_setting_joins_the_lines_with_a_note(
    wiki: Wiki, tmp_path: Path
) -> None:
    """``rendering.renderers`` needs ``manage:system``: without it, a fresh install's
    setting (line breaks shown) is assumed, and the plan says so."""
    roles = ["read:pages", "write:pages", "manage:pages", "delete:pages", "read:source",
             "read:history", "read:assets", "write:assets", "manage:assets"]  # fmt: skip
    with WikiJSClient(wiki.emulator.url, api_key=wiki.emulator.api_key) as admin:
        group = admin.groups.create("Editors")
        rule = {"id": "all", "deny": False, "match": "START", "roles": roles, "path": ""}
        admin.groups.update(group.id, permissions=roles, page_rules=[{**rule, "locales": []}])
    key = wiki.emulator.issue_key("editor", full_access=False, group=group.id)
    docs = _tree(tmp_path)
    env = {**wiki.env, "WIKIJS_API_KEY": key}
    planned = wiki.runner.invoke(app, ["apply", str(docs), "--auto-approve"], env=env)
    assert planned.exit_code == 0, planned.output
    assert "may not read the wiki's rendering settings" in planned.stderr
    assert "This paragraph is wrapped at a short width" in wiki.page("home").content
