"""Started at a project's root, wikisync reads the content folder its generator's settings
name, publishes what the site publishes, and nothing a generator accepts blocks the run.

Each blocking class found on public docs repositories has its regression here, with cases
of our own: YAML anchors in front matter, Hugo redirect stubs, layout pages with only front
matter, names Wiki.js cannot store, the generator's own broken-link setting, and files the
site leaves out (partials, theme templates, excluded files).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wikisync.engine import LoadedSource, load_directory
from wikisync.errors import ConfigError
from wikisync.local.config import problem_settings
from wikisync.local.flavors import FLAVORS, ActiveFlavor, locate_content
from wikisync.local.flavors.base import Flavor, Site, hero_body
from wikisync.local.flavors.docusaurus import docs_options
from wikisync.local.source import load_source, safe_path
from wikisync.plan.model import LocalPage, Problem
from wikisync.render import render_problems

MakeTree = Callable[..., Path]


def pages(loaded: LoadedSource) -> dict[str, LocalPage]:
    return {p.source: p for p in loaded.pages}


def problems(loaded: LoadedSource, code: str) -> list[Problem]:
    return [p for p in loaded.problems if p.code == code]


# -- finding the content folder ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "content", "settings"),
    [
        ({"mkdocs.yml": "site_name: A\n", "docs/index.md": "# A\n"}, "docs", "mkdocs.yml"),
        (
            {"mkdocs.yml": "site_name: A\ndocs_dir: handbook\n", "handbook/a.md": "# A\n"},
            "handbook",
            "mkdocs.yml",
        ),
        ({"hugo.toml": "title = 'A'\n", "content/a.md": "# A\n"}, "content", "hugo.toml"),
        (
            {"config/_default/hugo.yaml": "contentDir: src\n", "src/a.md": "# A\n"},
            "src",
            "config/_default/hugo.yaml",
        ),
        (
            {
                "hugo.yaml": "contentDir: content/en\nlanguages:\n  en: {}\n"
                "  de: {contentDir: content/de}\n",
                "content/en/a.md": "# A\n",
                "content/de/a.md": "# A\n",
            },
            "content",  # the languages' own folders are below it: one content directory
            "hugo.yaml",
        ),
        (
            {
                "website/docusaurus.config.ts": "export default {themeConfig: {docs: "
                "{sidebar: {hideable: true}}}, presets: [['classic', {docs: "
                "{path: '../guides'}}]]};\n",
                "guides/a.md": "# A\n",
            },
            "guides",
            "website/docusaurus.config.ts",
        ),
        (
            {"docusaurus.config.js": "module.exports = {};\n", "docs/a.md": "# A\n"},
            "docs",
            "docusaurus.config.js",
        ),
    ],
    ids=["mkdocs", "docs_dir", "hugo", "hugo-config-dir", "hugo-languages", "docusaurus-ts", "js"],
)
def test_the_project_root_leads_to_the_content_folder(
    make_tree: MakeTree, files: dict[str, str], content: str, settings: str
) -> None:
    root = make_tree(files)
    located = locate_content(root)
    assert located.moved
    assert located.content.resolve() == (root / content).resolve()
    assert located.describe(root) == f"{settings}; content {content}/"
    assert load_directory(root).directory.resolve() == (root / content).resolve()


def test_a_folder_inside_the_content_folder_is_read_as_it_is(make_tree: MakeTree) -> None:
    root = make_tree({"mkdocs.yml": "site_name: A\n", "docs/guide/a.md": "# A\n"})
    assert locate_content(root / "docs" / "guide").content == root / "docs" / "guide"
    assert not locate_content(root / "docs").moved  # the content folder itself


def test_a_tree_without_a_generator_is_read_where_it_is(make_tree: MakeTree) -> None:
    root = make_tree({"alpha.md": "# A\n", "sub/b.md": "# B\n"})
    assert locate_content(root).content == root
    assert set(pages(load_directory(root))) == {"alpha.md", "sub/b.md"}


def test_a_named_flavor_without_a_project_keeps_the_folder_given(make_tree: MakeTree) -> None:
    root = make_tree(
        {"wikisync.yml": "flavor: plain\n", "mkdocs.yml": "site_name: A\n", "docs/a.md": "# A\n"}
    )
    loaded = load_directory(root)
    assert loaded.directory == root
    assert set(pages(loaded)) == {"docs/a.md"}


def test_wikisync_yml_at_the_root_or_in_the_content_folder(make_tree: MakeTree) -> None:
    at_root = make_tree(
        {"wikisync.yml": "root: guide\n", "mkdocs.yml": "site_name: A\n", "docs/a.md": "# A\n"}
    )
    for given in (at_root, at_root / "docs"):
        assert [p.path for p in load_directory(given).pages] == ["guide/a"]
    inside = make_tree(
        {"docs/wikisync.yml": "root: guide\n", "mkdocs.yml": "site_name: A\n", "docs/a.md": "x\n"}
    )
    assert [p.path for p in load_directory(inside).pages] == ["guide/a"]
    both = make_tree(
        {
            "wikisync.yml": "root: one\n",
            "docs/wikisync.yml": "root: two\n",
            "mkdocs.yml": "site_name: A\n",
            "docs/a.md": "x\n",
        }
    )
    with pytest.raises(ConfigError, match="keep one of them"):
        load_directory(both)


def test_the_flavor_line_names_the_settings_and_the_content_folder(make_tree: MakeTree) -> None:
    root = make_tree({"mkdocs.yml": "site_name: A\n", "docs/a.md": "# A\n"})
    flavor = load_directory(root).flavor
    assert flavor is not None
    assert flavor.describe() == "Flavor: mkdocs (mkdocs.yml; content docs/)"
    inner = load_directory(root / "docs").flavor
    assert inner is not None
    assert inner.describe() == "Flavor: mkdocs (detected from ../mkdocs.yml)"


def test_docusaurus_config_is_read_as_text_never_run() -> None:
    text = """
        const path = require('path');
        module.exports = {
          themeConfig: {docs: {sidebar: {autoCollapseCategories: true}}},
          plugins: [['@docusaurus/plugin-content-docs', {id: 'api', path: 'api-docs'}]],
        };
    """
    assert "api-docs" in docs_options(text)


# -- what the site publishes -------------------------------------------------------------------


def test_mkdocs_settings_leave_out_theme_files_and_excluded_docs(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "mkdocs.yml": "site_name: A\ntheme: {name: material, custom_dir: docs/overrides}\n"
            "exclude_docs: |\n  *.draft.md\n  /private/\n"
            "not_in_nav: |\n  about.md\n"
            "draft_docs: |\n  soon/\n"
            "plugins:\n  - exclude:\n      glob: ['legacy/*']\n",
            "docs/index.md": "# Home\n\nSee [old](legacy/old.md) and [about](about.md).\n",
            "docs/about.md": "# About\n",
            "docs/soon/plan.md": "# Plan\n",
            "docs/notes.draft.md": "# Draft\n",
            "docs/private/keys.md": "# Keys\n",
            "docs/legacy/old.md": "# Old\n",
            "docs/overrides/main.html": "{% extends 'base.html' %}\n",
        }
    )
    loaded = load_directory(root)
    found = pages(loaded)
    assert set(found) == {"index.md", "about.md", "soon/plan.md"}
    assert found["about.md"].listed is False
    assert found["soon/plan.md"].fields.is_published is False
    assert dict(loaded.left_out) == {
        "legacy/old.md": "the exclude plugin's glob in mkdocs.yml",
        "notes.draft.md": "exclude_docs in mkdocs.yml",
        "overrides/main.html": "theme: custom_dir in mkdocs.yml (templates)",
        "private/keys.md": "exclude_docs in mkdocs.yml",
    }
    (link,) = problems(loaded, "link-excluded")  # a link to a file the site leaves out
    assert link.severity == "warning" and "does not publish" in link.message
    assert not loaded.errors


def test_hugo_build_options_headless_bundles_and_cascades(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "hugo.toml": "title = 'A'\n",
            "content/_index.md": "---\ntitle: Home\n---\nHi.\n",
            "content/docs/a.md": "---\ntitle: A\n---\nA.\n",
            "content/docs/old.md": "---\ntitle: Old\nbuild: {render: link}\n"
            "params: {redirect: /docs/a/}\n---\n",
            "content/docs/quiet.md": "---\ntitle: Quiet\nbuild: {list: never}\n---\nQ.\n",
            "content/docs/legacy.md": "---\ntitle: L\n_build: {render: false}\n---\nL.\n",
            "content/shared/index.md": "---\nheadless: true\n---\nShared.\n",
            "content/parts/_index.md": "---\ntitle: Parts\ncascade:\n- build: {render: never}\n"
            "  _target: {path: '/parts/**'}\n---\n",
            "content/parts/x.md": "{{ .Inner }}\n",
            "content/parts/y.md": "---\nbuild: {render: always}\n---\nOwn front matter wins.\n",
        }
    )
    loaded = load_directory(root)
    assert set(pages(loaded)) == {
        "_index.md",
        "docs/a.md",
        "docs/quiet.md",
        "parts/_index.md",  # the target path selects the pages below it, not the section
        "parts/y.md",
    }
    assert pages(loaded)["docs/quiet.md"].listed is False
    left_out = dict(loaded.left_out)
    assert left_out["docs/old.md"].startswith("a redirect stub")
    assert "Wiki.js 2 has no redirects" in left_out["docs/old.md"]
    assert left_out["docs/legacy.md"].startswith("build: {render: never}")
    assert left_out["shared/index.md"].startswith("headless: true")
    assert left_out["parts/x.md"].startswith("build: {render: never}")
    assert not loaded.errors


def test_docusaurus_partials_and_unlisted_docs(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "docusaurus.config.js": "module.exports = {};\n",
            "docs/a.md": "# A\n",
            "docs/_shared/b.md": "# B\n",
            "docs/_c.mdx": "export const C = 1;\n",
            "docs/hidden.md": "---\nunlisted: true\n---\n# Hidden\n",
        }
    )
    found = pages(load_directory(root))
    assert set(found) == {"a.md", "hidden.md"}
    assert found["hidden.md"].listed is False


def test_unlisted_pages_stay_out_of_section_bodies(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "hugo.toml": "title = 'A'\n",
            "content/docs/_index.md": "---\ntitle: Docs\n---\n",
            "content/docs/a.md": "---\ntitle: A\n---\nA.\n",
            "content/docs/b.md": "---\ntitle: B\nbuild: {list: never}\n---\nB.\n",
        }
    )
    assert pages(load_directory(root))["docs/_index.md"].content == "- [A](/en/docs/a)\n"


# -- nothing a generator accepts blocks the first run ------------------------------------------


def test_yaml_anchors_in_front_matter_are_read(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "hugo.toml": "title = 'A'\n",
            "content/event.md": "---\ntitle: &t Meetup\nlinkTitle: *t\n"
            "eventUrl: &eventUrl https://e.example\nparams: {register: *eventUrl}\n---\nHi.\n",
        }
    )
    loaded = load_directory(root)
    assert not loaded.errors
    page = pages(loaded)["event.md"]
    assert (page.fields.title, page.nav_title) == ("Meetup", "Meetup")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("v1.0-trio.md", "v1-0-trio"),
        ("mkdocs-2.0.md", "mkdocs-2-0"),
        ("release notes.md", "release-notes"),
        ("what|now.md", "what-now"),
        ("a..b.md", "a-b"),
    ],
)
def test_a_name_wikijs_cannot_store_gets_a_path_it_can(
    make_tree: MakeTree, name: str, path: str
) -> None:
    root = make_tree(
        {"mkdocs.yml": "site_name: A\n", f"docs/{name}": "# X\n", "docs/index.md": "[x](<NAME>)\n"}
    )
    (root / "docs" / "index.md").write_text(f"[x](<{name}>)\n", encoding="utf-8")
    loaded = load_directory(root)
    assert not loaded.errors
    assert pages(loaded)[name].path == path
    assert pages(loaded)["index.md"].content == f"[x](</en/{path}>)\n"  # the link follows
    (note,) = problems(loaded, "path-renamed")
    assert note.severity == "warning" and f"{path!r}" in note.message


def test_fixed_paths_are_deterministic_and_collisions_are_reported(make_tree: MakeTree) -> None:
    assert safe_path("docs/v1.0/notes.md.bak") == "docs/v1-0/notes-md-bak"
    assert safe_path(safe_path("a.b/c d")) == safe_path("a.b/c d") == "a-b/c-d"
    root = make_tree({"mkdocs.yml": "site_name: A\n", "docs/a.b.md": "x\n", "docs/a-b.md": "y\n"})
    assert {p.source for p in problems(load_directory(root), "duplicate-path")} == {
        "a.b.md",
        "a-b.md",
    }


def test_the_wikijs_flavor_keeps_refusing_such_names(make_tree: MakeTree) -> None:
    loaded = load_directory(make_tree({"v1.0.md": "x\n"}))
    assert [p.code for p in loaded.errors] == ["path-invalid"]


@pytest.mark.parametrize(
    ("setting", "severity"),
    [
        ("", "error"),  # Docusaurus's default: onBrokenLinks: 'throw'
        ("onBrokenLinks: 'throw',", "error"),
        ("onBrokenLinks: 'warn',", "warning"),
        ('onBrokenLinks: "ignore",', "warning"),
        ("onBrokenMarkdownLinks: 'warn',", "error"),  # not the setting that decides
    ],
)
def test_docusaurus_on_broken_links_decides_the_severity(
    make_tree: MakeTree, setting: str, severity: str
) -> None:
    root = make_tree(
        {
            "docusaurus.config.js": f"module.exports = {{ {setting} }};\n",
            "docs/a.md": "[gone](gone.md)\n",
        }
    )
    (broken,) = problems(load_directory(root), "broken-link")
    assert broken.severity == severity


@pytest.mark.parametrize(
    ("settings", "ref_severity"),
    [
        ("", "error"),  # Hugo's refLinksErrorLevel is ERROR unless set
        ("refLinksErrorLevel: ERROR\n", "error"),
        ("refLinksErrorLevel: warning\n", "warning"),
    ],
)
def test_hugo_ref_links_error_level_decides_the_severity_of_ref_lookups(
    make_tree: MakeTree, settings: str, ref_severity: str
) -> None:
    root = make_tree(
        {
            "hugo.yaml": f"title: A\n{settings}",
            "content/a.md": '[ref]({{< ref "gone.md" >}}) and [plain](gone.md)\n',
        }
    )
    loaded = load_directory(root)
    (ref,) = problems(loaded, "broken-ref")
    assert ref.severity == ref_severity
    (plain,) = problems(loaded, "broken-link")
    assert plain.severity == "warning"  # Hugo checks no other link


def test_a_link_outside_the_content_folder_does_not_block(make_tree: MakeTree) -> None:
    # Docusaurus resolves ../website/static/img/logo.png through its bundler; the file is
    # not in the content folder, so the link is left as written, with a warning.
    root = make_tree(
        {
            "website/docusaurus.config.js": "module.exports = {presets: [['classic', "
            "{docs: {path: '../docs'}}]]};\n",
            "website/static/img/logo.png": b"png",
            "docs/a.md": "![logo](../website/static/img/logo.png)\n",
        }
    )
    (outside,) = problems(load_directory(root), "link-outside")
    assert outside.severity == "warning"


@pytest.mark.parametrize(
    ("settings", "severity"),
    [
        ("", "warning"),  # MkDocs warns
        ("strict: true\n", "error"),  # and strict mode fails the build on a warning
        ("strict: true\nvalidation: {links: {not_found: info}}\n", "warning"),
        ("strict: true\nvalidation: {not_found: ignore}\n", "warning"),
    ],
)
def test_mkdocs_strict_and_validation_decide_the_severity(
    make_tree: MakeTree, settings: str, severity: str
) -> None:
    root = make_tree({"mkdocs.yml": f"site_name: A\n{settings}", "docs/a.md": "[x](gone.md)\n"})
    (broken,) = problems(load_directory(root), "broken-link")
    assert broken.severity == severity


def test_wikisync_yml_severity_wins_over_the_site_setting(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "wikisync.yml": "severity: {broken-link: error}\n",
            "docusaurus.config.js": "module.exports = { onBrokenLinks: 'warn' };\n",
            "docs/a.md": "[gone](gone.md)\n",
        }
    )
    (broken,) = problems(load_directory(root), "broken-link")
    assert broken.severity == "error"


def test_a_home_layout_page_gets_its_hero_and_features(tmp_path: Path) -> None:
    flavor = Flavor(
        name="home-layout",
        summary="a generator whose home layout renders front matter",
        fields=FLAVORS["plain"].fields,
        known_keys=frozenset({"layout", "hero", "features"}),
        sections=True,
        layout_body=hero_body,
    )
    (tmp_path / "index.md").write_text(
        "---\nlayout: home\nhero:\n  name: Quarry\n  text: Docs as code\n"
        "  tagline: Plans before it writes\n  actions:\n    - {text: Start, link: /guide/}\n"
        "features:\n  - {title: Plans, details: See every change first.}\n"
        "  - {title: Safe, details: Never loses a field, link: /safety}\n---\n",
        encoding="utf-8",
    )
    from wikisync.local.config import Config

    result = load_source(tmp_path, Config(), flavor=ActiveFlavor(flavor, Site(origin="test")))
    (page,) = result.pages
    # the hero's name is the page's title, which the wiki shows above the content
    assert page.fields.title == "Quarry"
    assert page.content == (
        "**Docs as code**\n\nPlans before it writes\n\n[Start](/guide/)\n\n"
        "## Plans\n\nSee every change first.\n\n## [Safe](/safety)\n\nNever loses a field\n"
    )
    assert not result.problems


def test_hero_body_is_none_without_hero_or_features() -> None:
    assert hero_body({"layout": "home"}) is None
    assert hero_body({"hero": {"name": "X"}}) == "# X\n"


# -- readable messages on a foreign tree -------------------------------------------------------


def test_many_problems_of_one_code_are_one_group_with_ten_examples() -> None:
    found = [
        Problem(f"p{i:02}.md", 3, f"broken link 'x{i}'", "broken-link", "warning")
        for i in range(30)
    ] + [Problem("a.md", 1, "front matter is not valid YAML", "frontmatter")]
    lines = render_problems(found, problem_settings())
    assert lines[0] == "a.md:1: front matter is not valid YAML"  # few: one line each
    assert lines[1] == (
        "broken-link: 30 warnings in 30 files "
        "(severity: {broken-link: error|warning} in wikisync.yml)"
    )
    assert lines[2:12] == [f"  p{i:02}.md:3: broken link 'x{i}' (warning)" for i in range(10)]
    assert lines[12] == "  ... and 20 more (`wikisync validate --verbose` lists them all)"
    assert len(render_problems(found, {}, every=True)) == 31


def test_examples_prefer_errors_and_one_per_file() -> None:
    found = [Problem("a.md", i, f"w{i}", "broken-link", "warning") for i in range(1, 15)]
    found.append(Problem("z.md", 1, "e", "broken-link", "error"))
    lines = render_problems(found, {})
    assert lines[0] == "broken-link: 1 error, 14 warnings in 2 files"
    assert "  z.md:1: e" in lines[1:11]


def test_the_generators_own_setting_is_named_first(make_tree: MakeTree) -> None:
    root = make_tree({"docusaurus.config.js": "module.exports = {};\n", "docs/a.md": "x\n"})
    settings = problem_settings(load_directory(root).flavor)
    assert settings["broken-link"].startswith("onBrokenLinks in docusaurus.config, or ")


def test_a_folder_of_pages_elsewhere_in_the_repository_is_read_as_it_is(
    make_tree: MakeTree,
) -> None:
    # mkdocs.yml at the root serves docs/; handbook/ is another tree, pointed at on purpose.
    root = make_tree(
        {
            ".git/HEAD": "ref: refs/heads/main\n",  # a repository's folders
            "mkdocs.yml": "site_name: A\n",
            "docs/index.md": "# Site\n",
            "handbook/guide.md": "# Guide\n",
            "website/config.txt": "no pages here\n",
        }
    )
    assert locate_content(root / "handbook").content == root / "handbook"
    assert set(pages(load_directory(root / "handbook"))) == {"guide.md"}
    assert locate_content(root / "website").moved  # no pages of its own: the site's content
