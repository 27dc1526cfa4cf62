"""A first sync on a fresh wiki whose creates race for new tags (Wiki.js's tags table)."""

from __future__ import annotations

from pathlib import Path

from e2e_helpers import Wiki, write_site
from typer.testing import CliRunner

from wikijs.testing import TagRace, TreeRace, WikiJSEmulator

SECTIONS = ("install", "guides", "admin", "dev", "api")


def _site(root: Path, count: int) -> tuple[Path, dict[str, tuple[str, ...]]]:
    files = {"wikisync.yml": "locale: en\nroot: docs\n"}
    tags: dict[str, tuple[str, ...]] = {}
    for i in range(count):
        section = SECTIONS[i % len(SECTIONS)]
        page_tags = ("docs", section, f"v{i % 2}")
        files[f"{section}/page-{i:02d}.md"] = (
            f"---\ntitle: Page {i}\ntags: [{', '.join(page_tags)}]\n---\nBody {i}.\n"
        )
        tags[f"docs/{section}/page-{i:02d}"] = tuple(sorted(page_tags))
    return write_site(root, files), tags


def test_first_sync_of_85_pages_sharing_new_tags_converges_in_one_apply(tmp_path: Path) -> None:
    site, expected = _site(tmp_path / "site", 85)
    with WikiJSEmulator(
        write_latency={"pages.create": 0.02},
        tag_race=TagRace(),
        tree_race=TreeRace(fraction=1 / 16, seed=3),
    ) as emulator:
        wiki = Wiki(emulator, CliRunner())
        result = wiki.run("apply", str(site), "--auto-approve", "--parallelism", "8")
        assert result.exit_code == 0, result.output
        assert "Apply complete! 85 created" in result.stdout and "0 failed" in result.stdout

        pages = {p.path: p for p in emulator.pages() if p.path.startswith("docs/")}
        assert {path: tuple(sorted(p.tags)) for path, p in pages.items()} == expected
        assert all(p.render for p in pages.values())  # every page rendered too
        assert emulator.log.count("pages.tags") == 1  # one read of the wiki's tags
        # no two creates carrying one new tag were in flight at once: none lost its tags,
        # so none needed its tags written again
        assert emulator.log.count("pages.update") == 0

        again = wiki.run("plan", str(site), "--detailed-exitcode")
        assert again.exit_code == 0, again.output
        assert "No changes." in again.stdout
