"""A root never adopts, changes or deletes the pages of a root nested in it.

Root ``guide`` and root ``guide/sub`` are applied from two directories to one wiki. Once
``guide/sub`` has a state, the pages under it are its own: ``guide`` leaves them alone,
even when its own state recorded one of them earlier and its file is gone (``prune``),
and says so; a file of ``guide`` that maps under ``guide/sub`` is an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import Wiki, plan_json, write_site
from typer.testing import CliRunner

from wikijs.testing import WikiJSEmulator

OUTER = {
    "wikisync.yml": "root: guide\nprune: true\n",
    "index.md": "# Guide\n",
    "sub/x.md": "# X\n\nWritten by the outer directory first.\n",
}
INNER = {
    "wikisync.yml": "root: guide/sub\nprune: true\n",
    "x.md": "# X\n\nWritten by the outer directory first.\n",
    "y.md": "# Y\n",
}


@pytest.fixture
def wiki() -> Iterator[Wiki]:
    with WikiJSEmulator() as emulator:
        yield Wiki(emulator, CliRunner())


def _apply(wiki: Wiki, directory: Path) -> str:
    result = wiki.run("apply", str(directory), "--auto-approve")
    assert result.exit_code == 0, result.output
    return result.output


def test_the_outer_root_leaves_the_inner_root_s_pages_alone(wiki: Wiki, tmp_path: Path) -> None:
    outer = write_site(tmp_path / "outer", OUTER)
    inner = write_site(tmp_path / "inner", INNER)
    _apply(wiki, outer)  # guide/sub/x is the outer root's page for now
    _apply(wiki, inner)  # the inner root adopts it and creates guide/sub/y
    (outer / "sub" / "x.md").unlink()
    (outer / "sub").rmdir()

    result = wiki.run("plan", str(outer), "--json")
    doc = plan_json(result)
    assert doc["summary"]["delete"] == 0
    assert "pages under /guide/sub belong to another wikisync directory" in result.stderr
    assert [c for c in doc["changes"] if c["path"].startswith("guide/sub")] == []
    _apply(wiki, outer)
    assert wiki.page("guide/sub/x") is not None
    assert wiki.page("guide/sub/y") is not None
    inner_plan = wiki.run("plan", str(inner), "--detailed-exitcode")
    assert inner_plan.exit_code == 0, inner_plan.output


def test_a_hand_made_page_under_the_inner_root_is_not_adopted_by_the_outer_root(
    wiki: Wiki, tmp_path: Path
) -> None:
    inner = write_site(tmp_path / "inner", INNER)
    _apply(wiki, inner)
    outer = write_site(tmp_path / "outer", {**OUTER, "sub/x.md": "# Changed\n"})
    result = wiki.run("plan", str(outer))
    assert result.exit_code == 1
    assert "sub/x.md: maps to /en/guide/sub/x, under guide/sub" in result.output
    assert "another wikisync directory manages" in result.output
    assert wiki.page("guide/sub/x").content.startswith("# X")


def test_a_format_1_inner_root_counts_too(wiki: Wiki, tmp_path: Path) -> None:
    """A nested root still on the state page of wikisync 0.1 is found in the page list."""
    wiki.emulator.add_page("guide/old/_wikisync-state", "state", title="s", is_published=False)
    hand = wiki.emulator.add_page("guide/old/hand", "# Hand\n", title="Hand")
    outer = write_site(tmp_path / "outer", {**OUTER, "old/hand.md": "# Mine\n"})
    result = wiki.run("plan", str(outer))
    assert result.exit_code == 1
    assert "under guide/old" in result.output
    assert wiki.emulator.page(hand).content == "# Hand\n"


def test_a_root_beside_another_is_not_nested(wiki: Wiki, tmp_path: Path) -> None:
    """``guide-2`` shares the start of ``guide``'s folder name, but it is not under it."""
    write_site(tmp_path / "beside", {**INNER, "wikisync.yml": "root: guide-2\n"})
    _apply(wiki, tmp_path / "beside")
    outer = write_site(tmp_path / "outer", OUTER)
    result = wiki.run("plan", str(outer))
    assert result.exit_code == 0, result.output
    assert "belong to another wikisync directory" not in result.stderr
