"""`wikisync pull` writes every title and description so that it reads back equal, and
refuses, naming the page, what no file could carry back to the wiki."""

from __future__ import annotations

from pathlib import Path

import pytest
from e2e_helpers import Wiki, write_site

ODD_TEXTS = [
    "Trailing newline\n",
    "  Surrounded by spaces  ",
    "\nLeading newline",
    "Two\nlines",
    "Blank\n\nline",
    "Tab\tand trailing tab\t",
    "\u00a0No-break spaces\u00a0",
    "Colon: and # hash",
    "'single' and \"double\" quotes",
    "- looks like a list",
    "yes",
    "null",
    "@octocat",
    "Line\u2028separator",
    "CR\rinside",
    "x" * 255,
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=[repr(t)[:30] for t in ODD_TEXTS])
def test_an_odd_title_and_description_read_back_equal(
    wiki: Wiki, tmp_path: Path, text: str
) -> None:
    wiki.emulator.add_page("handbook/odd-page", "Body.\n", title=text, description=text)
    docs = write_site(tmp_path / "docs", {"wikisync.yml": "root: handbook\n"})
    pulled = wiki.run("pull", str(docs), "--all")
    assert pulled.exit_code == 0, pulled.output
    planned = wiki.run("plan", str(docs), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "No changes." in planned.stdout


def test_a_title_wikijs_could_not_store_back_is_refused_naming_the_page(
    wiki: Wiki, tmp_path: Path
) -> None:
    # The API refuses such values; a database edit or storage import can hold them.
    huge = wiki.emulator.add_page("handbook/huge-title", "Body.\n", title="T")
    wiki.emulator.edit_page(huge, title="T" * 1_000_000)
    long = wiki.emulator.add_page("handbook/long-description", "Body.\n")
    wiki.emulator.edit_page(long, description="d" * 256)
    wiki.emulator.add_page("handbook/fine", "Body.\n", title="Fine")
    docs = write_site(tmp_path / "docs", {"wikisync.yml": "root: handbook\n"})
    pulled = wiki.run("pull", str(docs), "--all")
    assert pulled.exit_code == 1, pulled.output
    assert "its title is 1,000,000 characters; Wiki.js stores 255 at most" in pulled.output
    assert "its description is 256 characters" in pulled.output
    assert "huge-title" in pulled.output and "long-description" in pulled.output
    assert sorted(p.name for p in docs.iterdir()) == ["fine.md", "wikisync.yml"]
    validated = wiki.run("validate", str(docs))
    assert validated.exit_code == 0, validated.output  # what was written still plans
