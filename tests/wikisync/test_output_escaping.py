"""Whatever came from the wiki, a file or a setting is printed so that it cannot start a
line of its own, move the cursor, recolour the terminal or reorder text: no raw line
break, control, escape or bidirectional character in any renderer or CLI message."""

from __future__ import annotations

import re

import pytest
import typer

from wikisync.cli._common import boundary
from wikisync.errors import GuardError, StalePlanError, TransformError
from wikisync.plan.model import AssetChange, Change, FieldChange, NavigationChange, Plan
from wikisync.render import render_markdown, render_text
from wikisync.render._common import format_value

EVIL = "X\n::error::owned\r\x1b[31mred\u202eevil\x07\u200b"
ONE_LINE = EVIL.replace("\n", " ")  # a content line of a diff (a diff splits at line breaks)
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def hostile_plan() -> Plan:
    return Plan(
        changes=(
            Change(
                "create",
                "en",
                f"h/a{EVIL}",
                source=f"a{EVIL}.md",
                digest="d",
                field_changes=(
                    FieldChange("title", None, EVIL),
                    FieldChange("tags", None, (EVIL, "plain", "a, b")),
                    FieldChange("description", EVIL, f"{EVIL}2"),
                ),
            ),
            Change(
                "update",
                "en",
                "h/b",
                source="b.md",
                page_id=2,
                fields=("content",),
                diff=f"--- a\n+++ b\n@@ -1,2 +1 @@\n-{ONE_LINE}\n-::error::x\n+ok",
            ),
            Change("move", "en", "h/c", from_path=f"h/old{EVIL}", page_id=3, source="c.md"),
            Change("delete", "en", f"h/d{EVIL}", page_id=4, reason=f"file removed {EVIL}"),
            Change("conflict", "en", f"h/e{EVIL}", page_id=5, source="e.md", reason=EVIL),
        ),
        unmanaged=(("en", f"h/u{EVIL}"),),
        orphaned=(("en", f"h/o{EVIL}"),),
        adopted=(("en", f"h/ad{EVIL}"),),
        guard_violations=(f"guard {EVIL}",),
        asset_changes=(
            AssetChange(
                "upload",
                f"img/a{EVIL}.png",
                source=f"img/a{EVIL}.png",
                size=3,
                reason=f"because {EVIL}",
            ),
        ),
        assets_orphaned=(f"x/o{EVIL}",),
        navigation=(NavigationChange(f"en{EVIL}", added=1, diff=f"- {ONE_LINE}\n+ y"),),
        navigation_warnings=(f"menu warning {EVIL}",),
    )


def _outside_fences(markdown: str) -> list[str]:
    lines, fence = [], None
    for line in markdown.split("\n"):
        marker = re.match(r"(`{3,}|~{3,})", line)
        if marker and (fence is None or marker.group(1).startswith(fence)):
            fence = None if fence else marker.group(1)
            continue
        if fence is None:
            lines.append(line)
    return lines


@pytest.mark.parametrize("color", [False, True])
def test_the_text_plan_prints_no_raw_control_characters(color: bool) -> None:
    text = render_text(hostile_plan(), color=color)
    if color:  # the renderer's own colours, and nothing else
        text = re.sub(r"\x1b\[[0-9;]*m", "", text)
    for line in text.split("\n"):
        assert RAW.search(line) is None, repr(line)
        assert not line.lstrip().startswith("::"), repr(line)
    assert "\\x1b[31mred\\u202eevil" in text


def test_the_markdown_plan_prints_no_raw_control_characters() -> None:
    markdown = render_markdown(hostile_plan())
    for line in markdown.split("\n"):
        assert RAW.search(line) is None, repr(line)
    for line in _outside_fences(markdown):
        assert not line.startswith("::"), repr(line)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (("a", "b"), "[a, b]"),
        (("a, b", "c"), '["a, b", c]'),
        (("two\nlines",), '["two\\nlines"]'),
        (("\u202eevil",), '["\\u202eevil"]'),
        (" padded ", '" padded "'),
        ("zero\u200bwidth", '"zero\\u200bwidth"'),
        (None, "(not set)"),
    ],
)
def test_field_values_are_printed_unambiguously(value: object, shown: str) -> None:
    assert format_value(value) == shown


@pytest.mark.parametrize(
    "error",
    [
        TransformError(f"transform 'x' failed on a.md: RuntimeError: {EVIL}"),
        StalePlanError(f"the wiki changed: page {EVIL}"),
        GuardError([f"would delete {EVIL}"]),
    ],
)
def test_error_messages_print_names_on_their_own_line(
    error: Exception, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(typer.Exit), boundary():
        raise error
    stderr = capsys.readouterr().err
    for line in stderr.splitlines():
        assert RAW.search(line) is None, repr(line)
        assert not line.lstrip(" -").startswith("::"), repr(line)
    assert "X\\x0a::error::owned\\x0d\\x1b[31mred" in stderr
