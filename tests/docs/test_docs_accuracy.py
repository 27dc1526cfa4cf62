"""The reference pages cannot drift from the code: keys, flags, defaults, exit codes.

Each test reads a value from the code (the settings model, the command line, action.yml)
and checks that the page documenting it names it, and where the page gives a default,
that it is the code's default.
"""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from cli_mentions import check, mentions, option_names
from docs_harness import DOCS, ROOT, pages
from pydantic import BaseModel
from typer.main import get_command

from wikijs import WikiJSClient
from wikijs.testing import Fault, WikiJSEmulator
from wikijs.testing.__main__ import build_parser
from wikisync.ci.action import FAILURE_REASONS
from wikisync.cli import _common as cli_common
from wikisync.cli import app
from wikisync.local.config import AssetsConfig, Config, NavigationConfig
from wikisync.local.flavors import DEFAULT_FLAVOR, FLAVORS

#: A Sphinx role, in a docstring (``:class:`X```) or as mkdocstrings renders one raw.
_RAW_ROLE = re.compile(r":(?:meth|class|func|attr|mod|data|exc|obj):(?:`|<code>)")

_CODE = re.compile(r"`([^`]+)`")
_HEADING = re.compile(r"^(#{1,6}) (.*)$", re.MULTILINE)


def _page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _table_rows(text: str, *, first_table: bool = False) -> dict[str, list[str]]:
    """Table rows keyed by each code span of their first cell (``| `a`, `b` | ...``)."""
    rows: dict[str, list[str]] = {}
    seen_table = False
    for line in text.splitlines():
        if not line.startswith("|"):
            if seen_table and first_table:
                break
            continue
        seen_table = True
        if set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        for name in _CODE.findall(cells[0]):
            rows.setdefault(name, cells)
    return rows


def _section(text: str, title: str) -> str:
    """The text under the heading that contains ``title``, up to the next heading at the
    same or a higher level."""
    headings = list(_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        if title in heading.group(2):
            level = len(heading.group(1))
            end = len(text)
            for later in headings[index + 1 :]:
                if len(later.group(1)) <= level:
                    end = later.start()
                    break
            return text[heading.end() : end]
    raise AssertionError(f"no heading containing {title!r}")


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_none=True)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def _documented_default(cell: str) -> Any:
    span = _CODE.search(cell)
    assert span, f"the default {cell!r} shows no value in backticks"
    return yaml.safe_load(span.group(1))


def test_every_wikisync_yml_key_is_documented_with_its_type_and_default() -> None:
    rows = _table_rows(_section(_page("configuration.md"), "`wikisync.yml`"), first_table=True)
    settings: dict[str, Any] = {n: f.default for n, f in Config.model_fields.items()}
    settings.update({f"assets.{n}": f.default for n, f in AssetsConfig.model_fields.items()})
    settings.update(
        {f"navigation.{n}": f.default for n, f in NavigationConfig.model_fields.items()}
    )
    for key, default in settings.items():
        assert key in rows, f"configuration.md does not document the key {key!r}"
        cells = rows[key]
        assert len(cells) == 4 and all(cells), f"{key}: needs a type, a default and a meaning"
        if default is not None:
            assert _documented_default(cells[2]) == _plain(default), f"default of {key!r}"
    documented = set(rows) & {k for k in rows if re.fullmatch(r"[a-z_.]+", k)}
    assert documented <= set(settings), (
        f"configuration.md documents unknown keys: {documented - set(settings)}"
    )


def _commands() -> dict[str, Any]:
    group: Any = get_command(app)  # typer's click group
    return dict(group.commands)


@pytest.mark.parametrize("name", ["validate", "plan", "apply", "pull", "demo"])
def test_every_option_of_a_command_is_documented_in_its_section(name: str) -> None:
    commands = _commands()
    if name not in commands:
        assert f"`wikisync {name}`" not in _page("configuration.md"), (
            f"configuration.md documents `wikisync {name}`, which does not exist"
        )
        return
    section = _section(_page("configuration.md"), f"`wikisync {name}`")
    rows = _table_rows(section)
    for param in commands[name].params:
        if param.param_type_name != "option":
            continue
        for opt in param.opts:
            if not opt.startswith("--") or opt == "--help":
                continue
            assert opt in rows, f"`wikisync {name}`: {opt} is not in the options table"
            if not param.is_flag and param.default not in (None, ()):
                default = getattr(param.default, "value", param.default)  # an enum's value
                assert str(default) in rows[opt][1], f"default of {name} {opt}"


def test_the_exit_code_table_lists_every_exit_code_of_the_cli() -> None:
    codes = {value for name, value in vars(cli_common).items() if name.startswith("EXIT_")}
    rows = _table_rows(_section(_page("configuration.md"), "Exit codes"))
    assert codes == {0, 1, 2, 3, 4}
    for code in codes:
        assert str(code) in rows, f"exit code {code} is not in the table"


def test_every_front_matter_key_is_documented() -> None:
    rows = _table_rows(_section(_page("front-matter.md"), "Keys"))
    text = _page("front-matter.md")
    for key in DEFAULT_FLAVOR.all_keys():
        assert key in rows or f"`{key}`" in text, f"front matter key {key!r} is not documented"


def test_every_flavor_and_every_key_it_maps_is_documented() -> None:
    text = _page("flavors.md")
    headings = {title for _, title in _HEADING.findall(text)}
    for name, flavor in FLAVORS.items():
        assert f"`{name}`" in text, f"flavor {name!r} is not in flavors.md"
        for rule in flavor.fields.values():
            for key in rule.keys:
                assert f"`{key}`" in text, f"{name}: key {key!r} is not in flavors.md"
    assert {"MkDocs", "Docusaurus", "Hugo", "Plain Markdown", "Wiki.js"} <= headings


def test_every_action_input_and_output_is_documented() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    page = _page("github-action.md")
    inputs = _table_rows(_section(page, "Inputs"))
    for name, spec in action["inputs"].items():
        assert name in inputs, f"input {name!r} is not documented"
        shown = _CODE.search(inputs[name][1])
        assert shown, f"input {name!r} shows no default"
        assert shown.group(1).strip('"') == str(spec.get("default", "")), f"default of {name}"
    outputs = _section(page, "Outputs")
    for name in action["outputs"]:
        assert f"`{name}`" in outputs, f"output {name!r} is not documented"
    for reason in FAILURE_REASONS:
        assert f"`{reason}`" in outputs, f"failure reason {reason!r} is not documented"


def test_every_client_argument_is_documented_in_the_sdk_guide() -> None:
    table = _table_rows(_section(_page("sdk.md"), "Connecting"))
    names = set(table)
    for name in inspect.signature(WikiJSClient.__init__).parameters:
        if name not in ("self", "url"):
            assert name in names, f"sdk.md does not document WikiJSClient({name}=...)"


def test_every_emulator_option_is_documented() -> None:
    page = _page("emulator.md")
    table = _table_rows(_section(page, "In Python"))
    names = set(table)
    for name in inspect.signature(WikiJSEmulator.__init__).parameters:
        if name not in ("self",):
            assert name in names, f"emulator.md does not document WikiJSEmulator({name}=...)"
    for name in Fault.__dataclass_fields__:
        assert f"`{name}`" in _section(page, "Faults") or f"{name}=" in page, name
    cli = _section(page, "From the command line")
    for action in build_parser()._actions:
        for opt in action.option_strings:
            if opt.startswith("--") and opt != "--help":
                assert f"`{opt}" in cli, f"emulator.md does not document {opt}"


def test_every_page_is_in_the_navigation_and_every_entry_exists() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))

    def walk(node: Any) -> list[str]:
        if isinstance(node, str):
            return [node] if node.endswith(".md") and "://" not in node else []
        if isinstance(node, list):
            return [p for item in node for p in walk(item)]
        if isinstance(node, dict):
            return [p for value in node.values() for p in walk(value)]
        return []

    listed = walk(config["nav"])
    assert sorted(listed) == sorted(set(listed)), "a page is listed twice"
    assert set(listed) == set(pages())


@pytest.mark.slow
def test_the_site_builds_in_strict_mode(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reference = (site / "reference" / "wikijs" / "index.html").read_text(encoding="utf-8")
    assert "WikiJSClient" in reference and "get_by_path" in reference
    assert (site / "getting-started" / "index.html").is_file()

    # No Sphinx role is left raw anywhere, and the API reference links its names.
    raw = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        raw += [f"{page.relative_to(site)}: {m}" for m in _RAW_ROLE.findall(text)]
    assert raw == []
    for name in ("wikijs", "wikisync"):
        html = (site / "reference" / name / "index.html").read_text(encoding="utf-8")
        assert html.count('class="autorefs autorefs-internal"') >= 30, name
    assert 'href="#wikijs.PagesAPI.rebuild_tree"' in reference  # tree_stale's docstring

    # The theme: material with search, code copy and navigation features, wide tables
    # that scroll inside their box instead of being cut off.
    index = (site / "index.html").read_text(encoding="utf-8")
    for feature in ("content.code.copy", "search.suggest", "navigation.sections"):
        assert feature in index, feature
    assert "stylesheets/extra.css" in index
    css = (site / "stylesheets" / "extra.css").read_text(encoding="utf-8")
    assert re.search(r"\.md-typeset__table\s*\{[^}]*overflow-x:\s*auto", css)


def test_no_docstring_uses_a_sphinx_role() -> None:
    """Cross-references are written for mkdocstrings ([`Name`][wikijs.Name])."""
    found = []
    for package in ("wikijs", "wikisync"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _RAW_ROLE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_every_option_of_the_wikijs_command_line_is_documented() -> None:
    from wikijs.cli import app as wikijs_app

    page = _page("cli.md")

    def walk(command: Any, path: str) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                assert f"{path} {name}".strip() in page, f"cli.md does not name `{path} {name}`"
                walk(sub, f"{path} {name}".strip())
            return
        for param in command.params:
            for opt in [*param.opts, *getattr(param, "secondary_opts", [])]:
                if opt.startswith("--") and opt != "--help":
                    assert opt in page, f"cli.md does not document `wikijs {path}` {opt}"

    walk(get_command(wikijs_app), "")


def test_the_link_rewriting_table_shows_what_wikisync_writes(tmp_path: Path) -> None:
    from wikisync.local.source import load_source

    rows = list(_table_rows(_section(_page("front-matter.md"), "Links between files")).values())
    pairs = [
        (_CODE.findall(cells[0])[0], _CODE.findall(cells[1])[0])
        for cells in rows
        if _CODE.search(cells[1])  # not the header row
    ]
    assert len(pairs) >= 5
    files = {
        "index.md": "# Handbook\n",
        "guide/index.md": "# Guide\n",
        "guide/setup.md": "# Setup\n\n## Docker\n",
        "guide/faq.html": "<h1>FAQ</h1>\n",
        "guide/img/logo.png": "not really a PNG",
        "guide/install.md": "# Install\n\n" + "\n\n".join(link for link, _ in pairs) + "\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    result = load_source(tmp_path, Config(root="handbook"))
    assert not [p for p in result.problems if p.is_error], result.problems
    (install,) = [p for p in result.pages if p.source == "guide/install.md"]
    for link, written in pairs:
        assert written in install.content, f"{link} is not written as {written}"


def test_the_redis_cache_arguments_are_the_documented_ones() -> None:
    from wikijs.cache import RedisCache

    rows = _table_rows(_section(_page("sdk.md"), "Redis"), first_table=True)
    params = inspect.signature(RedisCache).parameters
    documented = set(rows)
    assert documented == set(params) - {"clock"}
    for name, row in rows.items():
        default = params[name].default
        if isinstance(default, (int, float, str)):
            assert f"`{default}`" in row[1], name


# -- the other direction: every command line and option the docs show exists -------------

_TEXTS = [
    *sorted(DOCS.rglob("*.md")),
    ROOT / "README.md",
    ROOT / "action.yml",
    *sorted((ROOT / "examples").glob("*.yml")),
    *sorted((ROOT / "examples" / "workflows").glob("*.yml")),
]
_SECTION_COMMAND = re.compile(r"`((?:wikisync|wikijs)(?: [a-z-]+)*)`")


def test_the_checker_finds_a_misspelt_option_and_accepts_real_ones() -> None:
    assert check("run `wikisync plan docs/ --out p.json --detailed-exitcode`", "x") == []
    assert check("wikijs pages list --tag ops | jq .", "x") == []
    (problem,) = check("```bash\nwikisync plan docs/ --output plan.json\n```", "page.md")
    assert "page.md" in problem and "`wikisync plan` has no option --output" in problem
    assert check("wikisync validate [DIR] [--json] [--format text|github]", "x") == []
    assert check("wikisync validate [--verbosity N]", "x") != []
    # options after the end of the command belong to something else
    assert check("wikisync plan docs/ --json | jq --raw-output .summary", "x") == []


@pytest.mark.parametrize("path", _TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_command_line_the_docs_show_has_real_options(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.name == "cli.md":  # its tables name commands without the program
        text += "\n".join(
            f"wikijs {span}\n"
            for span in _CODE.findall(text)
            if span.split(" ", 1)[0] in ("pages", "assets", "users", "groups", "export", "info")
        )
    assert check(text, str(path.relative_to(ROOT))) == []


def test_the_docs_show_many_command_lines() -> None:
    """The check above reads the pages' command lines (a parser that found none would
    pass everything)."""
    found = [m for path in _TEXTS for m in mentions(path.read_text(encoding="utf-8"))]
    assert len(found) > 100
    for name in ("wikisync validate", "wikisync plan", "wikisync apply", "wikisync pull"):
        assert any(m.name == name and m.options for m in found), name


def _option_tables() -> list[tuple[str, str, tuple[str, ...], str]]:
    """(page, program, command path, option) for each option row of a table in a section
    titled after a command."""
    rows = []
    for page in ("configuration.md", "cli.md"):
        text = _page(page)
        headings = list(_HEADING.finditer(text))
        for index, heading in enumerate(headings):
            named = _SECTION_COMMAND.search(heading.group(2))
            if not named:
                continue
            program, *path = named.group(1).split()
            end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
            section = text[heading.end() : end]  # up to the next heading, of any level
            for key in _table_rows(section):
                if key.startswith("--"):
                    rows.append((page, program, tuple(path), key))
    return rows


def test_every_option_in_an_options_table_exists() -> None:
    rows = _option_tables()
    assert {(r[1], r[2]) for r in rows} >= {
        ("wikisync", ("validate",)),
        ("wikisync", ("plan",)),
        ("wikisync", ("apply",)),
        ("wikisync", ("pull",)),
        ("wikijs", ("export", "pages")),
    }
    for page, program, path, option in rows:
        assert option in option_names(program, path), (
            f"{page} documents {option} for `{' '.join((program, *path))}`, which has no such "
            "option"
        )
