"""Renderers: golden files for a representative plan, and the rules each format keeps.

Regenerate the golden files after an intended change with::

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/wikisync/test_render.py

and review the diff of ``tests/wikisync/golden/`` like any other change.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import pytest

from wikisync.errors import PlanFileError
from wikisync.plan.model import Change, FieldChange, Plan, Problem
from wikisync.render import (
    load_plan_json,
    render_github_annotations,
    render_json,
    render_markdown,
    render_text,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"  # read at import: the suite isolates env vars
TARGET = {"url": "https://wiki.example.com", "root": "handbook", "locale": "en"}
T0 = "2024-05-01T09:00:00.000Z"
T1 = "2024-05-02T10:30:00.000Z"

INSTALL_DIFF = "\n".join(
    [
        "--- en/handbook/guide/install (wiki)",
        "+++ guide/install.md",
        "@@ -1,3 +1,4 @@",
        " # Install",
        " ",
        "-Run `make`.",
        "+Run `make install`.",
        "+Then restart.",
    ]
)

EDITED_DIFF = """--- en/handbook/faq (wiki)
+++ faq.md
@@ -1 +1 @@
-Answer edited by hand
+Answer"""

PLAN = Plan(
    changes=(
        Change(
            action="conflict",
            locale="en",
            path="handbook/faq",
            source="faq.md",
            page_id=14,
            fields=("content",),
            diff=EDITED_DIFF,
            reason=f"edited in the wiki since the last apply (updated {T1})",
            remote_updated_at=T1,
            digest="d" * 64,
        ),
        Change(
            action="update",
            locale="en",
            path="handbook/guide/install",
            source="guide/install.md",
            page_id=12,
            fields=("content", "title", "tags"),
            field_changes=(
                FieldChange("title", "Install", "Installing"),
                FieldChange("tags", ("setup",), ("docker", "setup")),
            ),
            diff=INSTALL_DIFF,
            remote_updated_at=T0,
            digest="a" * 64,
        ),
        Change(
            action="create",
            locale="en",
            path="handbook/guide/upgrade",
            source="guide/upgrade.md",
            fields=("content", "title", "is_published"),
            field_changes=(
                FieldChange("title", None, "Upgrade"),
                FieldChange("is_published", None, False),
            ),
            digest="b" * 64,
        ),
        Change(
            action="move",
            locale="en",
            path="handbook/ops/setup",
            source="ops/setup.md",
            page_id=13,
            from_path="handbook/setup",
            from_locale="en",
            reason="renamed from setup.md",
            remote_updated_at=T0,
            digest="c" * 64,
        ),
        Change(
            action="delete",
            locale="en",
            path="handbook/retired",
            source="retired.md",
            page_id=15,
            reason="retired.md is gone",
            remote_updated_at=T0,
        ),
    ),
    unchanged=(("en", "handbook"), ("en", "handbook/adopted"), ("en", "handbook/guide")),
    unmanaged=(("en", "handbook/notes-from-the-ui"),),
    adopted=(("en", "handbook/adopted"),),
)

EMPTY = Plan(unchanged=(("en", "handbook"), ("en", "handbook/guide")))


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}; run with UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


# -- golden files ----------------------------------------------------------------------------


def test_text_golden() -> None:
    check_golden("plan.txt", render_text(PLAN, directory="docs"))


def test_text_color_golden() -> None:
    check_golden("plan-color.txt", render_text(PLAN, color=True, directory="docs"))


def test_text_no_changes_golden() -> None:
    check_golden("plan-no-changes.txt", render_text(EMPTY, directory="docs"))


def test_json_golden() -> None:
    check_golden("plan.json", render_json(PLAN, target=TARGET, wikisync_version="0.1.0") + "\n")


def test_markdown_golden() -> None:
    check_golden("plan.md", render_markdown(PLAN, directory="docs"))


# -- text ---------------------------------------------------------------------------------------


def test_text_uses_terraform_symbols_and_the_frozen_summary_lines() -> None:
    text = render_text(PLAN, directory="docs")
    assert "  + /en/handbook/guide/upgrade" in text
    assert "  ~ /en/handbook/guide/install" in text
    assert "  > /en/handbook/setup \u2192 /en/handbook/ops/setup" in text
    assert "  - /en/handbook/retired" in text
    assert "      retired.md is gone" in text
    assert "  ! /en/handbook/faq" in text
    assert "use --force to overwrite" in text
    assert '      title: "Install" \u2192 "Installing"' in text
    assert "      +Then restart." in text
    lines = text.splitlines()
    assert "Plan: 1 to create, 1 to update, 1 to move, 1 to delete." in lines
    conflict_line = lines[
        lines.index("Plan: 1 to create, 1 to update, 1 to move, 1 to delete.") + 1
    ]
    assert conflict_line.startswith("1 conflict:")


def test_text_without_changes_says_so() -> None:
    assert render_text(EMPTY, directory="docs").splitlines()[-1] == (
        "No changes. The wiki matches docs."
    )


def test_text_has_colour_only_when_asked() -> None:
    assert "\033[" not in render_text(PLAN)
    assert "\033[32m+\033[0m" in render_text(PLAN, color=True)


def test_text_shows_guard_violations() -> None:
    guarded = Plan(
        changes=PLAN.changes,
        guard_violations=("the plan deletes 3 pages, more than max_delete (2)",),
    )
    text = render_text(guarded)
    assert "Refused by a safety guard" in text
    assert "  - the plan deletes 3 pages, more than max_delete (2)" in text


# -- JSON -----------------------------------------------------------------------------------------


def test_json_is_the_documented_document() -> None:
    document = json.loads(render_json(PLAN, target=TARGET, wikisync_version="0.1.0"))
    assert list(document) == [
        "format_version",
        "wikisync_version",
        "target",
        "summary",
        "assets",
        "links_left_broken",
        "changes",
    ]
    assert document["format_version"] == "1"
    assert document["links_left_broken"] == 0
    assert document["target"] == TARGET
    assert document["summary"] == {
        "create": 1,
        "update": 1,
        "move": 1,
        "delete": 1,
        "conflict": 1,
        "unchanged": 3,
    }
    update = next(c for c in document["changes"] if c["action"] == "update")
    assert update == {
        "kind": "page",
        "action": "update",
        "path": "handbook/guide/install",
        "locale": "en",
        "source": "guide/install.md",
        "page_id": 12,
        "from_path": None,
        "fields": ["content", "title", "tags"],
        "remote_updated_at": T0,
        "digest": "a" * 64,
    }


def test_json_round_trips_what_apply_needs() -> None:
    loaded, target = load_plan_json(render_json(PLAN, target=TARGET, wikisync_version="0.1.0"))
    assert target == TARGET
    assert loaded.summary == PLAN.summary
    key = [
        (
            c.action,
            c.locale,
            c.path,
            c.from_path,
            c.page_id,
            c.fields,
            c.digest,
            c.remote_updated_at,
        )
        for c in PLAN.changes
    ]
    assert [
        (
            c.action,
            c.locale,
            c.path,
            c.from_path,
            c.page_id,
            c.fields,
            c.digest,
            c.remote_updated_at,
        )
        for c in loaded.changes
    ] == key


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "invalid JSON"),
        ("[]", "must be a JSON object"),
        ('{"format_version": "2"}', "unsupported plan format_version '2'"),
        (
            '{"format_version": "1", "target": {}, "summary": {}, "changes": []}',
            "summary must count",
        ),
    ],
)
def test_load_plan_json_refuses_what_is_not_a_plan(text: str, message: str) -> None:
    with pytest.raises(PlanFileError, match=message):
        load_plan_json(text)


def test_load_plan_json_checks_the_summary_against_the_changes() -> None:
    document = json.loads(render_json(PLAN, target=TARGET, wikisync_version="0.1.0"))
    document["summary"]["delete"] = 0
    with pytest.raises(PlanFileError, match="summary says 0 delete"):
        load_plan_json(json.dumps(document))
    document = json.loads(render_json(PLAN, target=TARGET, wikisync_version="0.1.0"))
    document["changes"][0]["action"] = "explode"
    with pytest.raises(PlanFileError, match="action 'explode'"):
        load_plan_json(json.dumps(document))


# -- Markdown -----------------------------------------------------------------------------------------


def test_markdown_has_summary_table_and_diff_fences() -> None:
    md = render_markdown(PLAN)
    assert "| `+` create | 1 |" in md
    assert "| unchanged | 3 |" in md
    assert "```diff\n--- en/handbook/guide/install (wiki)" in md
    assert md.count("<details>") == md.count("</details>") == 5


def test_markdown_fences_are_longer_than_any_backtick_run_inside() -> None:
    diff = "--- a (wiki)\n+++ a.md\n@@ -1 +1 @@\n-```\n+````python\n+</details><script>x</script>"
    plan = Plan(
        changes=(
            Change(
                action="update",
                locale="en",
                path="a",
                source="a.md",
                page_id=1,
                fields=("content",),
                diff=diff,
            ),
        )
    )
    md = render_markdown(plan)
    assert "`````diff\n" in md  # 5 backticks: longer than the 4 inside
    assert md.count("`````") == 2
    summary_line = next(line for line in md.splitlines() if line.startswith("<details><summary>"))
    assert summary_line == "<details><summary>~ update /en/a</summary>"


def test_markdown_table_cells_cannot_break_the_table() -> None:
    plan = Plan(
        changes=(Change(action="create", locale="en", path="a|b", source="we`ird|name.md"),)
    )
    row = next(line for line in render_markdown(plan).splitlines() if "a\\|b" in line)
    assert row.count(" | ") == 3  # four cells
    assert "a\\|b" in row and "``we`ird\\|name.md``" in row


@pytest.mark.parametrize("max_chars", [1_500, 3_000, 10_000])
def test_markdown_truncates_safely_under_max_chars(max_chars: int) -> None:
    big_diff = "\n".join(
        ["--- x (wiki)", "+++ x.md", "@@ -1,400 +1,400 @@"]
        + [f"-old line {i}\n+new line {i}" for i in range(400)]
    )
    changes = tuple(
        Change(
            action="update",
            locale="en",
            path=f"p{i:02}",
            source=f"p{i:02}.md",
            page_id=i,
            fields=("content",),
            diff=big_diff,
        )
        for i in range(20)
    )
    md = render_markdown(Plan(changes=changes), max_chars=max_chars)
    assert len(md) <= max_chars
    assert "Output truncated to stay under" in md
    assert "characters left out" in md
    # every fence and every <details> that was opened is closed
    assert md.count("<details>") == md.count("</details>")
    assert md.count("```diff") * 2 == md.count("```")


def test_markdown_without_changes() -> None:
    md = render_markdown(EMPTY, directory="docs")
    assert "**No changes. The wiki matches docs.**" in md
    assert "<details>" not in md


# -- GitHub annotations ---------------------------------------------------------------------------------


def test_annotations_escape_properties_and_messages() -> None:
    problems = [
        Problem("dir,with:odd%name.md", 3, "bad value: 100%\nsecond line\r", "frontmatter-type"),
        Problem("b.md", None, "unknown key", "frontmatter-unknown-key", "warning"),
    ]
    lines = render_github_annotations(problems).splitlines()
    assert lines == [
        "::error file=dir%2Cwith%3Aodd%25name.md,line=3,title=frontmatter-type::bad value: 100%25%0Asecond line%0D",
        "::warning file=b.md,title=frontmatter-unknown-key::unknown key",
    ]


def test_annotation_text_cannot_start_a_workflow_command() -> None:
    evil = Problem("a.md", 1, "x\n::add-mask::secret\n::stop-commands::token", "broken-link")
    out = render_github_annotations([evil])
    assert out.count("\n") == 0
    assert all(line.startswith("::error ") for line in out.splitlines())


def test_annotations_are_limited_errors_first() -> None:
    problems = [Problem(f"w{i}.md", 1, "w", "x", "warning") for i in range(5)] + [
        Problem(f"e{i}.md", 1, "e", "x") for i in range(12)
    ]
    lines = render_github_annotations(problems, limit=10).splitlines()
    assert len(lines) == 10
    assert all(line.startswith("::error") for line in lines)
    assert render_github_annotations(problems, limit=0) == ""


# -- boundaries ---------------------------------------------------------------------------------------------


def test_plan_and_renderers_do_not_import_wikijs() -> None:
    package = Path(__file__).parents[2] / "wikisync"
    files = [*sorted((package / "plan").glob("*.py")), *sorted((package / "render").glob("*.py"))]
    for file in files:
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "wikijs" or n.startswith("wikijs.") for n in names), file
