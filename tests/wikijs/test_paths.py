"""Path rules: the server's 6005 refusals and what the web UI cannot reach.

``tests/data/path-rules-results.json`` records what a real Wiki.js 2.5 did with 64 odd
paths. Every path it refused must be refused here too; of the paths it stored, the table
below says which ones the web UI can open (no problem) and why the others cannot.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wikijs import IllegalPathError, PageIllegalPathError, check_path, split_locale, validate_path

RECORDED = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "path-rules-results.json").read_text("utf-8")
)

# Stored by the server but unreachable from the web UI: path -> a word of the reason.
UNREACHABLE = {
    "login": "reserved",
    "logout": "reserved",
    "register": "reserved",
    "verify": "reserved",
    "favicons": "reserved",
    "fonts": "reserved",
    "img": "reserved",
    "js": "reserved",
    "svg": "reserved",
    "graphql": "reserved",
    "healthz": "reserved",
    "_assets/x": "reserved",
    "_userav/x": "reserved",
    "a": "one character",
    "e/x": "one character",
    "t/x": "one character",
    "en/x": "locale",
    "fr/x": "locale",
    "zh-tw/x": "locale",
    "EN/x": "locale",
    "x/": "ends with '/'",
    "/x-leading-669512": "starts with '/'",
    "": "empty",
    "x?y=1": "?",
    "x#frag": "#",
    "x%20y": "%XX",
    "x:y": ":",
    'x"y': '"',
    "x<y>": "<",
    "x|y": "|",
    "x*y": "*",
    "\tx": "control",
    "x\ty": "control",
    "x\ny": "control",
}

REACHABLE = [
    "x@y", "x+y", "x'y", "x&y", "x,y", "x;y", "x=y", "x~y", "x!y", "x$y",
    "x(y)", "x[y]", "x{y}", "x^y", "x`y", "-x", "_x", "x_",
    "Case/Sensitive", "case/sensitive", "UPPER",
]  # fmt: skip


def test_the_tables_cover_every_recorded_path() -> None:
    refused = {p for p, r in RECORDED.items() if not r["succeeded"]}
    assert set(UNREACHABLE) | set(REACHABLE) | refused == set(RECORDED)
    assert not set(UNREACHABLE) & refused


@pytest.mark.parametrize(
    "path", [p for p, r in RECORDED.items() if r["errorCode"] == 6005], ids=repr
)
def test_every_path_the_server_refused_is_refused(path: str) -> None:
    problems = validate_path(path)
    assert any("Wiki.js refuses it" in p for p in problems), problems


@pytest.mark.parametrize("path", sorted(UNREACHABLE), ids=repr)
def test_paths_the_ui_cannot_reach_are_refused_with_the_reason(path: str) -> None:
    assert RECORDED[path]["succeeded"], "the server itself accepted this path"
    problems = validate_path(path)
    assert problems
    assert any(UNREACHABLE[path] in p for p in problems), problems


@pytest.mark.parametrize("path", REACHABLE, ids=repr)
def test_reachable_paths_have_no_problem(path: str) -> None:
    assert RECORDED[path]["succeeded"]
    assert validate_path(path) == []


@pytest.mark.parametrize(
    "path",
    ["docs/setup", "handbook/guide/install", "ünïcödé/页面", "home", "a1/b", "eng/x", "en-x/y"],
)
def test_ordinary_paths_are_fine(path: str) -> None:
    assert validate_path(path) == []
    check_path(path)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("graphql/x", "reserved"),
        ("login-reset/token", "reserved"),
        ("x" * 256, "256 characters"),
        ("x/\u3000/y", "whitespace"),
        ("x\x85y", "control"),
        ("a..b", "'.'"),
        ("x//y", "'//'"),
        ("docs/ x", "space"),
    ],
    ids=repr,
)
def test_other_problems(path: str, reason: str) -> None:
    assert any(reason in p for p in validate_path(path))


def test_a_locale_like_first_segment_says_what_the_ui_would_open() -> None:
    assert validate_path("en/setup") == [
        "first segment 'en' looks like a locale: the web UI would open page 'setup' in locale 'en'"
    ]


def test_check_path_raises_with_every_problem() -> None:
    with pytest.raises(IllegalPathError) as caught:
        check_path("en/a b.md")
    error = caught.value
    assert isinstance(error, PageIllegalPathError)
    assert error.path == "en/a b.md"
    assert len(error.problems) == 3  # '.', a space, the locale-like segment
    assert error.code == 6005
    assert "en/a b.md" in str(error)


def test_the_longest_allowed_path_is_fine() -> None:
    assert validate_path("p" * 255) == []


@pytest.mark.parametrize(
    ("path", "locale", "expected"),
    [
        ("/en/handbook/x", None, ("en", "handbook/x")),
        ("/zh-tw/x/", None, ("zh-tw", "x")),
        ("/EN/x", None, ("en", "x")),
        ("/fr", None, ("fr", "home")),
        ("fr/handbook/x", None, ("fr", "handbook/x")),
        ("handbook/x", None, ("en", "handbook/x")),
        ("fr", None, ("en", "fr")),
        ("en/x", "en", ("en", "en/x")),
        ("/de/x", "de", ("de", "x")),
    ],
)
def test_split_locale_reads_the_printed_forms(
    path: str, locale: str | None, expected: tuple[str, str]
) -> None:
    assert split_locale(path, locale) == expected


def test_split_locale_names_the_expected_form() -> None:
    with pytest.raises(ValueError, match=r"is '/<locale>/<path>'"):
        split_locale("/handbook/x")
    with pytest.raises(ValueError, match=r"names locale 'en' but locale='fr'"):
        split_locale("/en/x", "fr")
