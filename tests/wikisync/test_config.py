"""wikisync.yml: defaults, every documented key, and every error with its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wikisync.errors import ConfigError
from wikisync.local.config import Config, compile_glob, load_config, parse_config
from wikisync.plan.model import PlanOptions

DESIGN_EXAMPLE = """\
locale: en            # default locale of files not under a locale folder
root: handbook        # wiki path prefix this directory owns ("" = whole wiki)
include: ["**/*.md", "**/*.html"]
exclude: ["README.md", "drafts/**"]
prune: false          # delete managed pages whose file is gone
max_delete: 10        # refuse a plan that deletes more (exit 4)
protect: [home]       # wiki paths never changed or deleted
assets: {folder: handbook}   # where referenced images/files are uploaded
"""


def errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    return [str(p) for p in info.value.problems]


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config == Config()
    assert (config.locale, config.root, config.prune, config.max_delete) == ("en", "", False, 10)
    assert config.include == ("**/*.md", "**/*.html")
    assert config.all_locales == ("en",)
    assert config.assets_folder == ""


def test_the_documented_example_loads(make_tree: Callable[..., Path]) -> None:
    config = load_config(make_tree({"wikisync.yml": DESIGN_EXAMPLE}))
    assert config.root == "handbook"
    assert config.exclude == ("README.md", "drafts/**")
    assert config.protect == ("home",)
    assert config.assets_folder == "handbook"


def test_locales_and_asset_folder_defaults() -> None:
    config = parse_config("locale: fr\nroot: /docs/\nlocales: [fr, en, fr]\n")
    assert config.root == "docs"
    assert config.all_locales == ("fr", "en")
    assert config.assets_folder == "docs"  # assets follow root unless set


def test_plan_options_come_from_the_config() -> None:
    config = parse_config("root: handbook\nprune: true\nmax_delete: 3\nprotect: [handbook/home]\n")
    assert config.plan_options(force=True, targets=["handbook/x"]) == PlanOptions(
        root="handbook",
        locale="en",
        prune=True,
        max_delete=3,
        protect=("handbook/home",),
        force=True,
        targets=("handbook/x",),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("locale: en\ncolour: blue\n", "wikisync.yml:2: unknown key 'colour'"),
        ("prune: maybe\n", "wikisync.yml:1: prune: must be true or false (got 'maybe')"),
        ("max_delete: '3'\n", "wikisync.yml:1: max_delete: must be a whole number (got '3')"),
        ("max_delete: -1\n", "wikisync.yml:1: max_delete: must be 0 or more (got -1)"),
        ("protect: home\n", "wikisync.yml:1: protect: must be a list (got 'home')"),
        ("include:\n  - '**/*.md'\n  - 3\n", "wikisync.yml:3: include[1]: must be a text (got 3)"),
        (
            "exclude:\n  - 'a/[b'\n",
            "wikisync.yml:2: exclude[0]: bad glob 'a/[b': '[' without a closing ']'",
        ),
        (
            "exclude: ['../x']\n",
            "wikisync.yml:1: exclude[0]: bad glob '../x': '.' and '..' segments are not allowed",
        ),
        (
            "locale: English\n",
            "wikisync.yml:1: locale: 'English' is not a locale code such as 'en' or 'zh-tw'",
        ),
        (
            "\nroot: my docs\n",
            "wikisync.yml:2: root: 'my docs' is not a usable wiki path: contains a space: Wiki.js refuses it",
        ),
        ("assets:\n  folder: x\n  size: 3\n", "wikisync.yml:3: unknown key 'assets.size'"),
        ("assets: handbook\n", "wikisync.yml:1: assets: must be a mapping (got 'handbook')"),
        ("- a\n- b\n", "wikisync.yml:1: must be a mapping of settings"),
        (
            "root: [\n",
            "wikisync.yml:2: not valid YAML: while parsing a flow node expected the node content, but found '<stream end>'",
        ),
        ("prune: true\nprune: false\n", "wikisync.yml:2: key 'prune' is set twice"),
    ],
)
def test_each_error_names_the_line(text: str, expected: str) -> None:
    assert errors(text) == [expected]


def test_root_that_the_ui_cannot_reach_is_refused() -> None:
    (message,) = errors("root: en/docs\n")
    assert message.startswith("wikisync.yml:1: root: 'en/docs' is not a usable wiki path:")
    assert "looks like a locale" in message


@pytest.mark.parametrize("key", ["api_key", "apiKey", "WIKIJS_API_KEY", "password", "token"])
def test_secrets_are_refused_with_a_pointer_to_the_environment(key: str) -> None:
    (message,) = errors(f"root: docs\n{key}: s3cr3t\n")
    assert message.startswith(f"wikisync.yml:2: {key!r} does not belong in wikisync.yml")
    assert "environment" in message and "WIKIJS_API_KEY" in message
    assert "s3cr3t" not in message


def test_every_problem_is_reported_at_once_in_line_order() -> None:
    text = "locale: en\nfoo: 1\nprune: 2\nmax_delete: x\ntoken: t\n"
    assert [m.split(":")[1] for m in errors(text)] == ["2", "3", "4", "5"]


@pytest.mark.parametrize(
    "text",
    [
        "a: &anchor [1, 2]\nb: *anchor\n",
        "protect: &p [x]\n",
    ],
)
def test_yaml_anchors_and_aliases_are_refused(text: str) -> None:
    (message,) = errors(text)
    assert "are not allowed" in message
    assert message.startswith("wikisync.yml:1:")


def test_deep_nesting_is_refused() -> None:
    (message,) = errors("assets: " + "[" * 50 + "]" * 50 + "\n")
    assert "nested more than" in message


def test_load_config_reports_non_utf8(make_tree: Callable[..., Path]) -> None:
    with pytest.raises(ConfigError, match=r"wikisync.yml:2: is not UTF-8 text"):
        load_config(make_tree({"wikisync.yml": b"root: a\nlocale: \xff\n"}))


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("**/*.md", ["a.md", "x/y/a.md"], ["a.html", "a.md.txt"]),
        ("*.md", ["a.md", "deep/a.md"], ["a.mdx"]),
        ("README.md", ["README.md", "x/README.md"], ["README.mdx", "xREADME.md"]),
        ("/README.md", ["README.md"], ["x/README.md"]),
        ("drafts/**", ["drafts/a.md", "drafts/x/b.md"], ["x/drafts/a.md", "drafts.md"]),
        ("drafts", ["drafts/a.md", "x/drafts/b.md"], ["draftsman.md"]),
        ("a/**/b.md", ["a/b.md", "a/x/y/b.md"], ["b.md", "c/a/b.md"]),
        ("guide/?.md", ["guide/a.md"], ["guide/ab.md", "guide/x/a.md"]),
        ("[!_]*.md", ["a.md"], ["_private.md"]),
    ],
)
def test_glob_rules(pattern: str, matches: list[str], misses: list[str]) -> None:
    regex = compile_glob(pattern)
    assert [p for p in matches if regex.match(p)] == matches
    assert [p for p in misses if regex.match(p)] == []


def test_is_included_applies_exclude_after_include() -> None:
    config = parse_config("exclude: [README.md, 'drafts/**']\n")
    assert config.is_included("guide/setup.md")
    assert not config.is_included("README.md")
    assert not config.is_included("drafts/wip.md")
    assert not config.is_included("image.png")
