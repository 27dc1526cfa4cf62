"""The last line of an apply run says "complete" only when every change ended ok."""

from __future__ import annotations

import pytest

from wikisync.apply.execute import ActionResult, ApplyReport, AssetResult, Status
from wikisync.plan.model import AssetChange, Change


def _page(action: str, status: Status, n: int) -> ActionResult:
    change = Change(action=action, locale="en", path=f"p{n}", source=f"p{n}.md")  # type: ignore[arg-type]
    return ActionResult(change, status)


@pytest.mark.parametrize(
    ("pages", "assets", "line"),
    [
        (
            [("create", "ok"), ("create", "ok"), ("update", "ok")],
            [],
            "Apply complete! 2 created, 1 updated, 0 moved, 0 deleted, 0 failed.",
        ),
        (
            [("create", "ok"), ("create", "failed"), ("create", "failed")],
            [],
            "Apply failed! 1 created, 0 updated, 0 moved, 0 deleted, 2 failed.",
        ),
        (
            [("create", "ok"), ("create", "skipped")],
            ["failed"],
            "Apply failed! 1 created, 0 updated, 0 moved, 0 deleted, 1 failed, 1 skipped.",
        ),
        (
            [("update", "ok"), ("update", "skipped")],
            [],
            "Apply incomplete! 0 created, 1 updated, 0 moved, 0 deleted, 0 failed, 1 skipped.",
        ),
    ],
)
def test_summary_line(pages: list[tuple[str, Status]], assets: list[Status], line: str) -> None:
    report = ApplyReport(
        results=tuple(_page(a, s, n) for n, (a, s) in enumerate(pages)),
        asset_results=tuple(
            AssetResult(AssetChange(action="upload", path=f"a{n}.png"), s)
            for n, s in enumerate(assets)
        ),
    )
    assert report.summary_line() == line
