"""The emulator renders Markdown the way Wiki.js does: the renders recorded on a real
Wiki.js 2.5.314 (``tests/data/render-transcripts.jsonl``), replayed, and its renderer
settings as ``rendering.renderers`` answers them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wikijs import WikiJSClient
from wikijs.testing import WikiJSEmulator
from wikijs.testing._render import render

DATA = Path(__file__).parents[1] / "data"
CASES: list[dict[str, Any]] = [
    json.loads(line) for line in (DATA / "render-transcripts.jsonl").read_text().splitlines()
]
NOT_REPRODUCED = {
    "math": "KaTeX's HTML is not reproduced: math stays as text",
    "emoji": "emoji shortcodes stay as text",
}


def _render(markdown: str, *, linebreaks: bool = True) -> str:
    return render(
        markdown,
        "markdown",
        page_path="render-test",
        default_locale="en",
        page_exists=lambda _locale, _path: False,
        linebreaks=linebreaks,
    ).html


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case["name"],
            marks=[pytest.mark.xfail(strict=True, reason=NOT_REPRODUCED[case["name"]])]
            if case["name"] in NOT_REPRODUCED
            else [],
        )
        for case in CASES
    ],
)
def test_the_emulator_renders_like_wiki_js(case: dict[str, Any]) -> None:
    assert _render(case["markdown"]) == case["render"]


def test_every_recorded_render_is_replayed() -> None:
    assert len(CASES) == 38
    assert set(NOT_REPRODUCED) <= {c["name"] for c in CASES}


def test_without_linebreaks_a_paragraph_has_no_br() -> None:
    markdown = "line one\nline two  \nline three\n"
    assert _render(markdown) == "<p>line one<br>\nline two<br>\nline three</p>\n"
    assert _render(markdown, linebreaks=False) == "<p>line one\nline two<br>\nline three</p>\n"


def test_the_renderer_settings_are_a_fresh_install_s_and_can_change() -> None:
    recorded = json.loads((DATA / "rendering-config.json").read_text())
    with (
        WikiJSEmulator() as emulator,
        WikiJSClient(emulator.url, api_key=emulator.api_key) as client,
    ):
        answer = client.rendering.renderers()
        assert [r.key for r in answer] == [
            r["key"] for r in recorded["answer"]["data"]["rendering"]["renderers"]
        ]
        core = next(r for r in answer if r.key == "markdownCore")
        assert (core.setting("linebreaks"), core.setting("linkify"), core.setting("x")) == (
            True,
            True,
            None,
        )

        page = emulator.add_page("note", "one\ntwo\n")
        assert emulator.page(page).render == "<p>one<br>\ntwo</p>\n"
        emulator.set_rendering("markdownCore", "linebreaks", False)
        core = next(r for r in client.rendering.renderers() if r.key == "markdownCore")
        assert core.setting("linebreaks") is False
        emulator.edit_page(page, content="one\ntwo\nthree\n")
        assert emulator.page(page).render == "<p>one\ntwo\nthree</p>\n"
