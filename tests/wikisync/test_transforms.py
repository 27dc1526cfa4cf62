"""Content transforms: the built-ins on real snippets, the registry, and how they run."""

from __future__ import annotations

import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from wikisync.errors import ConfigError, TransformError
from wikisync.local.config import Config, parse_config
from wikisync.local.source import load_source
from wikisync.local.transforms import (
    DEFAULT_TRANSFORMS,
    STYLES,
    Transform,
    TransformContext,
    available_transforms,
    enabled_transforms,
    load_transforms,
)
from wikisync.local.transforms._engine import _BUILTINS

CORPORA = Path(__file__).resolve().parents[1] / "data" / "corpora"
CONTEXT = TransformContext("page.md")


def run(name: str, content: str) -> tuple[str, list[tuple[int, str]]]:
    (transform,) = load_transforms([name])
    new, problems = transform.apply(content, CONTEXT)
    return new, [(p.line, p.message) for p in problems]


def lines_of(path: Path, first: int, last: int) -> str:
    """Lines ``first``..``last`` (from 1) of a corpus file, with their newlines."""
    return "".join(path.read_text(encoding="utf-8").splitlines(keepends=True)[first - 1 : last])


# -- admonitions ----------------------------------------------------------------------------


def test_mkdocs_admonitions_become_styled_blockquotes() -> None:
    # (a callout ending in code is an HTML blockquote of its class: see _render.callout)
    content = textwrap.dedent(
        """\
        Intro.

        !!! note "Read this first"
            The body, indented.

            A second paragraph:

            ```bash
            make install
            ```
        Back to text.

        ??? warning
            Collapsed in MkDocs.

        ```markdown
        !!! tip
            shown as code
        ```
        """
    )
    new, problems = run("mkdocs-admonitions", content)
    assert problems == []
    assert new == textwrap.dedent(
        """\
        Intro.

        <blockquote class="is-info">

        **Read this first**

        The body, indented.

        A second paragraph:

        ```bash
        make install
        ```

        </blockquote>

        Back to text.

        <details>
        <summary>Warning</summary>

        Collapsed in MkDocs.

        </details>

        ```markdown
        !!! tip
            shown as code
        ```
        """
    )


def test_docusaurus_admonitions_from_the_prettier_docs() -> None:
    snippet = lines_of(CORPORA / "prettier-docusaurus" / "docs" / "install.md", 68, 80)
    assert snippet.startswith(":::tip\n") and ":::tip[Another tip]\n" in snippet
    new, problems = run("docusaurus-admonitions", snippet)
    assert problems == []
    assert new == (
        "> Prettier will follow rules specified in .gitignore if it exists in the same "
        "directory from which it is run. You can also base your .prettierignore on "
        ".eslintignore (if you have one).\n"
        "{.is-success}\n"
        "\n"
        "> **Another tip**\n"
        ">\n"
        "> If your project isn’t ready to format, say, HTML files yet, add `*.html`.\n"
        "{.is-success}\n"
        "\n"
        "Now, format all files with Prettier:\n"
    )


def test_an_unclosed_docusaurus_admonition_runs_to_the_end_with_a_warning() -> None:
    new, problems = run("docusaurus-admonitions", "Text.\n\n:::danger Careful\nNo end.\n")
    assert new == "Text.\n\n> **Careful**\n>\n> No end.\n{.is-danger}\n"
    assert problems == [
        (
            3,
            "':::danger Careful' is never closed; it runs to the end of the block it is in, "
            "as the generator reads it",
        )
    ]


def test_docsy_alerts_from_the_docsy_example_page() -> None:
    page = CORPORA / "docsy-hugo" / "content" / "en" / "docs" / "getting-started"
    snippet = lines_of(page / "example-page.md", 257, 267)
    new, problems = run("docsy-alerts", snippet)
    assert problems == []
    assert new == textwrap.dedent(
        """\
        > This is an alert.
        {.is-info}

        > **Alert title**
        >
        > This is an alert with a
        > title.
        {.is-info}

        > This is a successful alert.
        {.is-success}

        > This is a warning!
        {.is-warning}

        > **Danger!**
        >
        > This is a danger alert with a
        > title!
        {.is-danger}
        """
    )


def test_blockquote_alerts_from_the_docsy_example_page() -> None:
    page = CORPORA / "docsy-hugo" / "content" / "en" / "docs" / "getting-started"
    snippet = lines_of(page / "example-page.md", 237, 253)
    assert snippet.startswith("> [!NB] This is an alert.\n")
    new, problems = run("blockquote-alerts", snippet)
    assert problems == []
    assert new == textwrap.dedent(
        """\
        > This is an alert.
        {.is-info}

        > **Alert title**
        >
        > This is an alert with a title.
        {.is-info}

        > This is a successful alert.
        {.is-success}

        > This is a warning!
        {.is-warning}

        > **Danger!**
        >
        > This is a danger alert with a title!
        {.is-danger}
        """
    )


def test_the_angle_bracket_alert_form_and_text_around_it() -> None:
    new, _ = run(
        "docsy-alerts",
        '{{< alert color="danger" >}}Gone.{{< /alert >}} After.\n`{{< alert >}}x{{< /alert >}}`\n',
    )
    assert new.startswith("> Gone.\n{.is-danger}\n\nAfter.\n")


@pytest.mark.parametrize(
    ("kind", "style"),
    [
        ("note", "is-info"),
        ("info", "is-info"),
        ("tip", "is-success"),
        ("success", "is-success"),
        ("warning", "is-warning"),
        ("caution", "is-warning"),
        ("danger", "is-danger"),
        ("error", "is-danger"),
        ("Bug", "is-danger"),
        ("something-else", "is-info"),
    ],
)
def test_the_style_table(kind: str, style: str) -> None:
    new, _ = run("mkdocs-admonitions", f"!!! {kind}\n    Body.\n")
    assert new == f"> Body.\n{{.{style}}}\n"
    assert STYLES.get(kind.lower(), "is-info") == style


# -- MDX and unconverted syntax ------------------------------------------------------------


def test_mdx_imports_are_dropped_outside_code() -> None:
    path = CORPORA / "prettier-docusaurus" / "docs" / "sharing-configurations.md"
    text = path.read_text(encoding="utf-8")
    new, problems = run("mdx-imports", text)
    assert problems == []
    assert 'import Tabs from "@theme/Tabs";' in text and "@theme/Tabs" not in new
    assert 'import TabItem from "@theme/TabItem";' not in new
    # The same statements inside code blocks are examples: kept.
    assert new.count("export default config;") == text.count("export default config;") == 3
    assert 'import usernamePrettierConfig from "@username/prettier-config";' in new


def test_multi_line_imports_and_exports_are_dropped_whole() -> None:
    content = "import {\n  A,\n  B,\n} from './x';\nexport const meta = {\n  a: 1,\n};\n\nText.\n"
    assert run("mdx-imports", content)[0] == "\nText.\n"


def test_unconverted_syntax_is_kept_as_a_name_and_changes_nothing() -> None:
    content = "{{< tabpane >}}\n<Tabs>\n"
    assert run("unconverted-syntax", content) == (content, [])


def test_the_real_trees_warn_where_their_templates_are() -> None:
    mkdocs = load_source(CORPORA / "mkdocs" / "docs", Config())
    warned = [str(p) for p in mkdocs.problems if p.code == "unconverted-syntax"]
    assert warned[0] == (
        "about/contributing.md:1: include of 'CONTRIBUTING.md': no such file in the tree, "
        "not included; left as text"
    )
    # mkdocstrings blocks (`::: mkdocs.plugins.BasePlugin`) make the site's API pages, and
    # autorefs links to them (`[File][mkdocs.structure.files.File]`)
    assert sum("mkdocstrings" in w for w in warned) == 64  # one per `::: x.y` line
    assert sum("(autorefs)" in w for w in warned) == 12
    assert any("'mkdocs-click' is the site's own" in w for w in warned)  # `::: mkdocs-click`
    assert len(warned) == 1 + 64 + 12 + 1
    docsy = load_source(CORPORA / "docsy-hugo" / "content", Config(locales=("en", "fa", "no")))
    warned = [str(p) for p in docsy.problems if p.code == "unconverted-syntax"]
    assert not any("alert" in w or "pageinfo" in w for w in warned)  # converted
    assert (
        "en/_index.md:8: Hugo shortcode {{% blocks/cover %}} has no Wiki.js form; left as text"
        in warned
    )


# -- running them --------------------------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_transforms_run_before_digesting_and_lines_stay_the_files(tmp_path: Path) -> None:
    text = ":::note\nA note.\n:::\n\nSee [gone](gone.md).\n<Tabs>\n"
    root = _tree(tmp_path, {"guide.md": "---\ntitle: A\n---\n" + text})
    first = load_source(root, Config())
    (page,) = first.pages
    assert page.content.startswith("> A note.\n{.is-info}\n")
    assert [(p.line, p.code) for p in first.problems] == [
        (8, "broken-link"),
        (9, "unconverted-syntax"),
    ]
    assert load_source(root, Config()).pages[0].digest == page.digest  # same file, same page
    plain = load_source(root, Config(dialect=()))
    assert plain.pages[0].content.startswith(":::note\n") and plain.transforms == ()
    assert plain.pages[0].digest != page.digest


def test_html_files_are_not_transformed(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"guide.html": "<!--\ntitle: A\n-->\n<p>:::note</p>\n<Tabs>\n"})
    result = load_source(root, Config())
    assert result.problems == () and result.pages[0].content == "<p>:::note</p>\n<Tabs>\n"


def test_the_config_chooses_and_orders_them() -> None:
    config = parse_config("transforms: [mdx-imports, docsy-alerts]\n")
    assert enabled_transforms(config.transforms) == ("mdx-imports", "docsy-alerts")
    assert enabled_transforms(None) == DEFAULT_TRANSFORMS
    assert enabled_transforms(None, defaults=("mdx-imports",)) == ("mdx-imports",)
    with pytest.raises(ConfigError) as caught:
        parse_config("root: docs\ntransforms:\n  - mdx-imports\n  - no-such\n")
    (problem,) = caught.value.problems
    assert problem.line == 4 and "unknown transform 'no-such'" in problem.message
    assert set(DEFAULT_TRANSFORMS) <= set(available_transforms())


def test_pyproject_declares_every_built_in() -> None:
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text())["project"]["entry-points"][
        "wikisync.transforms"
    ]
    assert sorted(declared) == sorted(_BUILTINS)
    for name, target in declared.items():
        module, _, attribute = target.partition(":")
        loaded = getattr(__import__(module, fromlist=[attribute]), attribute)
        assert isinstance(loaded, Transform) and loaded.name == name


def _plugin(tmp_path: Path, name: str, target: str, module_text: str | None) -> None:
    """A distribution installed in ``tmp_path`` that registers one transform."""
    info = tmp_path / "site" / "demo_plugin-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: demo-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[wikisync.transforms]\n{name} = {target}\n")
    if module_text is not None:
        (tmp_path / "site" / "demo_plugin.py").write_text(textwrap.dedent(module_text))


@pytest.fixture
def plugin_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "demo_plugin", raising=False)
    return tmp_path


def test_a_third_party_transform_registers_through_its_entry_point(plugin_path: Path) -> None:
    _plugin(
        plugin_path,
        "shout",
        "demo_plugin:SHOUT",
        """
        from wikisync.transforms import Transform

        SHOUT = Transform("shout", "upper-cases the page", lambda text, ctx: (text.upper(), ()))
        """,
    )
    assert "shout" in available_transforms()
    root = _tree(plugin_path / "docs", {"guide.md": "hello\n", "wikisync.yml": ""})
    result = load_source(root, Config(transforms=("shout",)))
    assert result.pages[0].content == "HELLO\n"
    assert [(s.name, s.files_changed) for s in result.transforms] == [("shout", 1)]


def test_a_broken_plugin_is_an_error_naming_it(plugin_path: Path) -> None:
    _plugin(plugin_path, "broken", "demo_plugin_missing:THING", None)
    assert "broken" in available_transforms()  # listed without importing it
    load_transforms(["mdx-imports"])  # others still load
    with pytest.raises(
        TransformError,
        match=r"transform plugin 'broken' \(demo_plugin_missing:THING\) cannot be loaded: ModuleNotFoundError",
    ):
        load_transforms(["broken"])


def test_a_plugin_that_is_not_a_transform_or_raises_is_named(plugin_path: Path) -> None:
    _plugin(
        plugin_path,
        "oops",
        "demo_plugin:OOPS",
        """
        from wikisync.transforms import Transform

        def fail(text, ctx):
            raise RuntimeError("bad input")

        OOPS = Transform("oops", "fails", fail)
        """,
    )
    root = _tree(plugin_path / "docs", {"guide.md": "hello\n"})
    with pytest.raises(
        TransformError, match=r"transform 'oops' failed on guide.md: RuntimeError: bad input"
    ):
        load_source(root, Config(transforms=("oops",)))


def test_unknown_names_are_refused() -> None:
    with pytest.raises(TransformError, match="unknown transform 'nope'"):
        load_transforms(["nope"])


def test_the_corpora_copies_are_not_written(tmp_path: Path) -> None:
    # Reading a tree runs the transforms in memory only.
    tree = shutil.copytree(CORPORA / "prettier-docusaurus" / "docs", tmp_path / "docs")
    before = {p: p.read_bytes() for p in tree.rglob("*.md")}
    load_source(tree, Config())
    assert {p: p.read_bytes() for p in tree.rglob("*.md")} == before
