"""A generator's settings files (mkdocs.yml, Hugo's, Docusaurus's, sidebars.json) are read
with bounds: a file that cannot be read is a warning naming it and the settings ignored,
a value wikisync cannot use is an error at its line there, never a hang, a traceback or
a problem blamed on the pages."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wikisync.cli import app
from wikisync.errors import ConfigError
from wikisync.local.config import MAX_CONFIG_BYTES, load_config, load_settings
from wikisync.local.generator_files import MAX_SETTINGS_BYTES, read_settings_file
from wikisync.local.source import SourceResult, load_source

MakeTree = Callable[..., Path]

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g"], "abcdefgh", strict=True)
)


def load(directory: Path) -> tuple[str, SourceResult]:
    config, flavor = load_settings(directory)
    return flavor.name, load_source(directory, config, flavor=flavor)


def settings_problems(result: SourceResult) -> list[tuple[str, int | None, str, str]]:
    return [
        (p.source, p.line, p.severity, p.message)
        for p in result.problems
        if p.code == "generator-settings"
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (LAUGHS + "nav: *h\n", 6, "expands to more than 200,000 values through its aliases"),
        ("site_name: x\nnav: &n [*n]\n", 2, "holds itself through an alias"),
        ("nav: " + "[" * 100_000 + "]" * 100_000 + "\n", 1, "is nested more than 64 levels deep"),
        ("site_name: [unclosed\n", 2, "is not valid YAML"),
        ("site_name: x\n\tbad: tab\n", 2, "is not valid YAML"),
        ("- a list\n- not settings\n", None, "is a list, not a mapping of settings"),
        ("n: !!int ten\n", None, "cannot be read as the type its tag names"),
        ("site_name: \udcff\n".encode("utf-8", "surrogateescape").decode("latin-1"), None, ""),
    ],
    ids=[
        "billion-laughs",
        "self-reference",
        "nested",
        "bad-yaml",
        "tab",
        "list",
        "bad-tag",
        "latin-1",
    ],
)
def test_an_unreadable_mkdocs_yml_is_a_warning_naming_it(
    make_tree: MakeTree, text: str, line: int | None, message: str
) -> None:
    root = make_tree({"docs/index.md": "# Home\n"})
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    flavor, result = load(root / "docs")
    assert flavor == "mkdocs"  # the file's presence still says which generator it is
    problems = settings_problems(result)
    if not message:  # a file that reads fine, whatever its text
        assert problems == []
        return
    assert problems == [
        (
            "../mkdocs.yml",
            line,
            "warning",
            f"{problems[0][3].split(';')[0]}; its settings (docs_dir, nav, exclude_docs, draft_docs, not_in_nav, validation, strict) are ignored",
        )
    ]
    assert message in problems[0][3]
    assert [p.source for p in result.pages] == ["index.md"]


def test_a_settings_file_over_the_size_limit_is_not_read(make_tree: MakeTree) -> None:
    root = make_tree({"docs/index.md": "# Home\n"})
    with open(root / "mkdocs.yml", "wb") as handle:
        handle.write(b"site_name: x\n")
        handle.truncate(MAX_SETTINGS_BYTES + 1)  # sparse: nothing is written or read
    _, result = load(root / "docs")
    assert settings_problems(result) == [
        (
            "../mkdocs.yml",
            None,
            "warning",
            "is 1,048,577 bytes; settings files over 1,048,576 bytes are not read; its "
            "settings (docs_dir, nav, exclude_docs, draft_docs, not_in_nav, validation, strict) are ignored",
        )
    ]


def test_a_wikisync_yml_over_the_size_limit_is_refused(make_tree: MakeTree) -> None:
    root = make_tree({"index.md": "# Home\n"})
    with open(root / "wikisync.yml", "wb") as handle:
        handle.truncate(MAX_CONFIG_BYTES + 1)
    with pytest.raises(
        ConfigError, match=r"wikisync.yml: is 1,048,577 bytes; wikisync reads at most"
    ):
        load_config(root)


@pytest.mark.parametrize(
    ("docs_dir", "environment", "detected"),
    [
        ("!ENV DOCS_DIR", {"DOCS_DIR": "site"}, True),
        ("!ENV DOCS_DIR", {}, False),  # unset, no default: MkDocs's default docs/
        ("!ENV [DOCS_DIR, site]", {}, True),  # the last item is the default
        ("!ENV [DOCS_DIR, OTHER, site]", {"OTHER": "site"}, True),
        ("!ENV [DOCS_DIR, OTHER, docs]", {"DOCS_DIR": "site"}, True),
        ("!ENV [DOCS_DIR, elsewhere]", {}, False),
    ],
)
def test_env_tags_are_resolved_as_mkdocs_resolves_them(
    make_tree: MakeTree,
    monkeypatch: pytest.MonkeyPatch,
    docs_dir: str,
    environment: dict[str, str],
    detected: bool,
) -> None:
    for name in ("DOCS_DIR", "OTHER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    root = make_tree({"site/index.md": "# Home\n", "site/guide.md": "# Guide\n"})
    (root / "mkdocs.yml").write_text(f"site_name: x\ndocs_dir: {docs_dir}\nnav:\n  - G: guide.md\n")
    flavor, result = load(root / "site")
    assert (flavor == "mkdocs") is detected
    if detected:
        assert settings_problems(result) == []
        assert {p.source: p.nav_title for p in result.pages}["guide.md"] == "G"


def test_python_tags_are_read_as_opaque_values_and_never_run(
    make_tree: MakeTree, tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    root = make_tree({"docs/index.md": "# Home\n"})
    (root / "mkdocs.yml").write_text(
        "site_name: x\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        f"  - x: !!python/object/apply:os.system ['touch {marker}']\n"
        "  - y: !relative $config_dir/x\n"
        "nav:\n  - Home: index.md\n"
    )
    flavor, result = load(root / "docs")
    assert flavor == "mkdocs" and settings_problems(result) == []
    assert not marker.exists()


def test_a_docs_dir_that_is_no_folder_name_is_a_warning_at_its_line(make_tree: MakeTree) -> None:
    root = make_tree({"docs/index.md": "# Home\n"})
    (root / "mkdocs.yml").write_text('site_name: x\ndocs_dir: "a\\0b"\n')
    _, result = load(root / "docs")
    assert settings_problems(result) == [
        (
            "../mkdocs.yml",
            2,
            "warning",
            "docs_dir must be a folder name; the default 'docs' is used",
        )
    ]


@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        ("hugo.toml", 'title = "x"\n[languages\n', 2, "is not valid TOML"),
        ("hugo.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n", None, "nested more than 64"),
        ("hugo.json", "[" * 100_000 + "]" * 100_000, None, "is nested more than 64 levels deep"),
        ("hugo.json", '{"a": {"b": [' + "[" * 70 + "]" * 70 + "]}}", None, "nested more than 64"),
        ("hugo.json", '{"title": 1' + "0" * 5_000 + "}", None, "is not valid JSON"),
        ("hugo.json", '{"title": "x",\n}', 2, "is not valid JSON"),
        ("hugo.yaml", LAUGHS, 6, "expands to more than 200,000 values"),
        ("config.toml", "\x00", 1, "is not valid TOML"),
    ],
)
def test_an_unreadable_hugo_settings_file_is_a_warning_naming_it(
    make_tree: MakeTree, name: str, text: str, line: int | None, message: str
) -> None:
    root = make_tree({"content/_index.md": "# Home\n"})
    (root / name).write_text(text)
    flavor, result = load(root / "content")
    assert flavor == "hugo"
    ((source, at, severity, said),) = settings_problems(result)
    assert (source, at, severity) == (f"../{name}", line, "warning")
    assert message in said
    assert said.endswith(
        "its settings (contentDir, languages, defaultContentLanguage, taxonomies, "
        "disablePathToLower) are ignored"
    )


def test_a_docusaurus_route_outside_the_wiki_is_an_error_at_its_line(make_tree: MakeTree) -> None:
    root = make_tree({"docs/intro.md": "# Intro\n"})
    (root / "docusaurus.config.js").write_text(
        "module.exports = {\n  presets: [['classic', {\n    docs: {\n"
        "      routeBasePath: '../../escape',\n    },\n  }]],\n};\n"
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(root / "docs")
    (problem,) = raised.value.problems
    assert (problem.source, problem.line, problem.code) == (
        "../docusaurus.config.js",
        4,
        "generator-settings",
    )
    assert problem.message.startswith("routeBasePath: '../../escape' is not a usable wiki path")
    assert problem.message.endswith("set root in wikisync.yml to use another value")
    # wikisync.yml's root wins, and then the route is not used at all
    (root / "docs" / "wikisync.yml").write_text("root: handbook\n")
    config, _ = load_settings(root / "docs")
    assert config.root == "handbook"


@pytest.mark.parametrize(
    ("settings", "line", "key"),
    [
        ('[languages.en]\ntitle = "A"\n[languages."../x"]\ntitle = "B"\n', 3, "languages.../x"),
        ('[languages.en]\ntitle = "A"\n[languages.EN_gb]\ntitle = "B"\n', 3, "languages.EN_gb"),
    ],
)
def test_a_hugo_language_that_is_no_locale_is_an_error_at_its_line(
    make_tree: MakeTree, settings: str, line: int, key: str
) -> None:
    root = make_tree({"content/en/_index.md": "# Home\n", "content/x/a.md": "# A\n"})
    (root / "content" / "en_gb").mkdir()
    (root / "x").mkdir()  # "../x" seen from content/ is a folder
    (root / "hugo.toml").write_text(settings)
    with pytest.raises(ConfigError) as raised:
        load_settings(root / "content")
    (problem,) = raised.value.problems
    assert (problem.source, problem.line) == ("../hugo.toml", line)
    assert problem.message.startswith(f"{key}: ")
    assert "is not a locale code" in problem.message


def test_a_broken_sidebars_json_is_a_warning_naming_it(make_tree: MakeTree) -> None:
    root = make_tree({"docs/intro.md": "# Intro\n"})
    (root / "docusaurus.config.js").write_text("module.exports = {};\n")
    (root / "sidebars.json").write_text('{"docs": ' + "[" * 100_000 + "]" * 100_000 + "}")
    flavor, result = load(root / "docs")
    assert flavor == "docusaurus"
    assert settings_problems(result) == [
        (
            "../sidebars.json",
            None,
            "warning",
            "is nested more than 64 levels deep; its settings (the sidebar order and labels) "
            "are ignored",
        )
    ]


def test_a_special_file_is_not_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "mkdocs.yml"
    os.mkfifo(fifo)
    read = read_settings_file(fifo, "mkdocs.yml", "yaml", ("nav",))
    assert [p.message for p in read.problems] == [
        "is not a regular file; its settings (nav) are ignored"
    ]


def test_validate_names_the_settings_file_and_finishes(make_tree: MakeTree) -> None:
    root = make_tree({"docs/index.md": "# Home\n"})
    (root / "mkdocs.yml").write_text(LAUGHS + "nav: *h\n")
    result = CliRunner().invoke(app, ["validate", str(root / "docs")])
    assert result.exit_code == 0, result.output
    assert (
        "../mkdocs.yml:6: expands to more than 200,000 values through its aliases" in result.output
    )
    assert "Traceback" not in result.output
