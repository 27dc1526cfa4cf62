"""The core promise, end to end: files -> plan -> apply -> nothing left to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from e2e_helpers import Wiki, plan_json, write_site

from wikijs.testing import Fault

SITE = {
    "wikisync.yml": """
        locale: en
        root: handbook
        prune: true
        max_delete: 2
    """,
    "index.md": """
        ---
        title: Handbook
        tags: [home]
        ---
        Welcome. See [install](guide/install.md).
    """,
    "guide/install.md": """
        ---
        title: Install
        description: How to install
        tags: [setup, Guide]
        ---
        # Install

        Run the installer.
    """,
    "guide/configure.md": """
        # Configure

        Edit the file.
    """,
    "team/oncall.md": """
        ---
        title: On call
        ---
        Rotation rules.
    """,
}

# Apply's own bookkeeping: the lock write and the final state write.
STATE_WRITES = 2


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", SITE)


def test_apply_into_empty_wiki_then_plan_is_empty(wiki: Wiki, site: Path) -> None:
    first = plan_json(wiki.run("plan", str(site), "--json"))
    assert first["summary"]["create"] == 4
    assert {c["path"] for c in first["changes"]} == {
        "handbook",
        "handbook/guide/install",
        "handbook/guide/configure",
        "handbook/team/oncall",
    }

    applied = wiki.run("apply", str(site), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "Apply complete! 4 created, 0 updated, 0 moved, 0 deleted, 0 failed." in applied.stdout

    page = wiki.page("handbook/guide/install")
    assert page is not None
    assert page["title"] == "Install"
    assert sorted(page["tags"]) == ["guide", "setup"]
    assert "/en/handbook/guide/install" in wiki.page("handbook")["content"]

    wiki.emulator.log.reset()
    again = wiki.run("plan", str(site), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert f"No changes. The wiki matches {site}." in again.stdout
    assert wiki.writes() == []


def test_noop_apply_makes_zero_writes(wiki: Wiki, site: Path) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    wiki.emulator.log.reset()
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert wiki.writes() == []
    assert wiki.emulator.log.requests <= 6  # 5, and the check whether Guests can read the state


def test_edit_rename_delete_give_the_exact_plan(wiki: Wiki, site: Path) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    (site / "guide/install.md").write_text(
        "---\ntitle: Installing\ndescription: How to install\ntags: [setup, guide]\n---\n"
        "# Install\n\nRun the new installer.\n",
        encoding="utf-8",
    )
    (site / "team/oncall.md").rename(site / "team/on-call.md")
    (site / "guide/configure.md").unlink()

    doc = plan_json(wiki.run("plan", str(site), "--json"))
    actions = sorted((c["action"], c["path"], c.get("from_path")) for c in doc["changes"])
    assert actions == [
        ("delete", "handbook/guide/configure", None),
        ("move", "handbook/team/on-call", "handbook/team/oncall"),
        ("update", "handbook/guide/install", None),
    ]
    update = next(c for c in doc["changes"] if c["action"] == "update")
    assert update["fields"][:2] == ["content", "title"]

    text = wiki.run("plan", str(site))
    assert "Plan: 0 to create, 1 to update, 1 to move, 1 to delete." in text.stdout
    assert "-Run the installer." in text.stdout and "+Run the new installer." in text.stdout

    wiki.emulator.log.reset()
    applied = wiki.run("apply", str(site), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "0 created, 1 updated, 1 moved, 1 deleted, 0 failed." in applied.stdout
    ops = sorted(wiki.writes())
    assert ops.count("pages.move") == 1
    assert ops.count("pages.delete") == 1
    assert ops.count("pages.create") == 0
    assert wiki.page("handbook/guide/configure") is None
    moved = wiki.page("handbook/team/on-call")
    assert moved is not None and wiki.page("handbook/team/oncall") is None

    assert wiki.run("plan", str(site), "--detailed-exitcode").exit_code == 0


def test_stale_saved_plan_exits_3_and_writes_nothing(
    wiki: Wiki, site: Path, tmp_path: Path
) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    (site / "guide/install.md").write_text("# Install\n\nChanged.\n", encoding="utf-8")
    saved = tmp_path / "plan.json"
    assert wiki.run("plan", str(site), "--out", str(saved)).exit_code == 0
    assert json.loads(saved.read_text())["summary"]["update"] == 1

    page = wiki.page("handbook/guide/install")
    wiki.emulator.edit_page(page["id"], content="# Install\n\nEdited in the wiki.\n")
    wiki.emulator.log.reset()

    result = wiki.run("apply", str(saved))
    assert result.exit_code == 3, result.output
    assert "stale" in result.stderr
    assert wiki.writes() == []


def test_saved_plan_applies_exactly(wiki: Wiki, site: Path, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    assert wiki.run("plan", str(site), "--out", str(saved)).exit_code == 0
    result = wiki.run("apply", str(saved))
    assert result.exit_code == 0, result.output
    assert "4 created" in result.stdout
    assert wiki.run("plan", str(site), "--detailed-exitcode").exit_code == 0


def test_max_delete_guard_exits_4_and_writes_nothing(wiki: Wiki, site: Path) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    (site / "index.md").write_text("# Handbook\n\nWelcome.\n", encoding="utf-8")
    for rel in ("guide/install.md", "guide/configure.md", "team/oncall.md"):
        (site / rel).unlink()
    wiki.emulator.log.reset()
    planned = wiki.run("plan", str(site))
    assert planned.exit_code == 4, planned.output
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 4, result.output
    assert "max_delete" in result.stderr
    assert wiki.writes() == []
    assert wiki.page("handbook/guide/install") is not None


def test_hand_edit_in_the_wiki_is_a_conflict(wiki: Wiki, site: Path) -> None:
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    page = wiki.page("handbook/guide/install")
    wiki.emulator.edit_page(page["id"], content="# Install\n\nA hand edit.\n")
    (site / "guide/install.md").write_text(
        "---\ntitle: Install\n---\n# Install\n\nFrom git.\n", encoding="utf-8"
    )

    doc = plan_json(wiki.run("plan", str(site), "--json"))
    assert [(c["action"], c["path"]) for c in doc["changes"]] == [
        ("conflict", "handbook/guide/install")
    ]
    text = wiki.run("plan", str(site))
    assert "!" in text.stdout and "--force" in text.stdout

    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 1
    assert "A hand edit." in wiki.page("handbook/guide/install")["content"]

    forced = wiki.run("apply", str(site), "--auto-approve", "--force")
    assert forced.exit_code == 0, forced.output
    assert "From git." in wiki.page("handbook/guide/install")["content"]


def test_unmanaged_pages_under_root_survive_prune(wiki: Wiki, site: Path) -> None:
    wiki.emulator.add_page("handbook/hand-made", "# Made in the wiki\n", title="Hand made")
    wiki.emulator.add_page("elsewhere/page", "# Outside root\n", title="Outside")
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    doc = plan_json(wiki.run("plan", str(site), "--json"))
    assert doc["summary"]["delete"] == 0
    assert wiki.page("handbook/hand-made") is not None
    assert wiki.page("elsewhere/page") is not None
    text = wiki.run("plan", str(site))
    assert "handbook/hand-made" in text.stdout + text.stderr


def test_partial_update_keeps_fields_files_do_not_set(wiki: Wiki, site: Path) -> None:
    page_id = wiki.emulator.add_page(
        "handbook/team/oncall",
        "Rotation rules.\n",
        title="On call",
        script_css=".x{}",
        publish_start_date="2026-01-01T00:00:00.000Z",
    )
    (site / "team/oncall.md").write_text("---\ntitle: On call\n---\nNew rules.\n", encoding="utf-8")
    assert wiki.run("apply", str(site), "--auto-approve").exit_code == 0
    page = wiki.emulator.page(page_id)
    assert page["content"].startswith("New rules.")
    assert page["scriptCss"] == ".x{}"
    assert page["publishStartDate"] == "2026-01-01T00:00:00.000Z"
    assert page["isPublished"] is True


def test_bad_credentials_fail_before_any_write(wiki: Wiki, site: Path) -> None:
    result = wiki.runner.invoke(
        __import__("wikisync.cli", fromlist=["app"]).app,
        ["apply", str(site), "--auto-approve"],
        env={"WIKIJS_URL": wiki.emulator.url, "WIKIJS_API_KEY": "not-a-real-key"},
    )
    assert result.exit_code == 1
    # the flavor line, then the error
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["Flavor", "Error"]
    assert wiki.writes() == []


def test_a_failed_write_names_its_file_and_the_run_does_not_say_complete(
    wiki: Wiki, site: Path
) -> None:
    files = {
        "en/handbook": "index.md",
        "en/handbook/guide/install": "guide/install.md",
        "en/handbook/guide/configure": "guide/configure.md",
        "en/handbook/team/oncall": "team/oncall.md",
    }
    wiki.emulator.faults.add(Fault(kind="status", status=500, operation="pages.create", nth=2))
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 1, result.output
    failed = [line for line in result.stderr.splitlines() if line.startswith("Failed: ")]
    assert len(failed) == 1, result.stderr
    page = failed[0].removeprefix("Failed: create ").split(" ", 1)[0]
    assert failed[0].startswith(f"Failed: create {page} ({files[page]}): pages.create: ")
    assert "Apply complete!" not in result.stdout
    assert "Apply failed! 3 created, 0 updated, 0 moved, 0 deleted, 1 failed." in result.stdout

    rerun = wiki.run("apply", str(site), "--auto-approve")
    assert rerun.exit_code == 0, rerun.output
    assert "Apply complete! 1 created, 0 updated, 0 moved, 0 deleted, 0 failed." in rerun.stdout
