"""Flavors: each generator's conventions for paths, links, front matter and navigation."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import wikisync
from wikisync.errors import ConfigError
from wikisync.local.config import Config, load_settings, parse_config
from wikisync.local.flavors import FLAVORS, ActiveFlavor, detect_flavor, locate_content
from wikisync.local.flavors.base import KeyAlias, NavEntry, Site, convert_value, field_rules
from wikisync.local.source import SourceResult, links_left_broken, load_source
from wikisync.plan.model import LocalPage, Plan
from wikisync.render import render_text

MakeTree = Callable[..., Path]

MKDOCS_YML = "site_name: X\nnav:\n  - Home: index.md\n  - Guide: guide/\n  - Setup: setup.md\n"
HUGO_YML = (
    "defaultContentLanguage: en\nlanguages:\n  en: {title: A}\n  no: {title: B}\n"
    "taxonomies:\n  tag: tags\n  category: categories\n"
)
DOCUSAURUS_JS = "module.exports = { presets: [['classic', { docs: { path: '../docs', routeBasePath: 'guide' } }]] };\n"


WEBSITE_JS = "module.exports = { presets: [['classic', { docs: { path: '../docs' } }]] };\n"


def settings_and_load(directory: Path) -> SourceResult:
    config, flavor = load_settings(directory)
    return load_source(directory, config, asset_url=lambda rel: f"/assets/{rel}", flavor=flavor)


def pages(result: SourceResult) -> dict[str, LocalPage]:
    return {p.source: p for p in result.pages}


def keys(result: SourceResult) -> dict[str, tuple[str, str]]:
    return {p.source: p.key for p in result.pages}


def codes(result: SourceResult) -> list[tuple[str, int | None, str, str]]:
    return [(p.source, p.line, p.code, p.severity) for p in result.problems]


def site(make_tree: MakeTree, files: dict[str, str], content: str) -> Path:
    return make_tree(files) / content


# -- detection ---------------------------------------------------------------------------------


def test_auto_detects_each_generator_from_its_files(make_tree: MakeTree) -> None:
    mk = site(make_tree, {"mkdocs.yml": MKDOCS_YML, "docs/index.md": "# A\n"}, "docs")
    docu = site(
        make_tree,
        {"website/docusaurus.config.js": DOCUSAURUS_JS, "docs/index.md": "# A\n"},
        "docs",
    )
    hugo = site(make_tree, {"hugo.yaml": HUGO_YML, "content/en/_index.md": "# A\n"}, "content")
    wikijs = make_tree({"a.md": "---\ntitle: A\neditor: markdown\ndateCreated: 2024-01-01\n---\n"})
    nothing = make_tree({"a.md": "# A\n"})
    assert detect_flavor(mk).describe() == "Flavor: mkdocs (detected from ../mkdocs.yml)"
    assert detect_flavor(docu).describe() == (
        "Flavor: docusaurus (detected from ../website/docusaurus.config.js)"
    )
    assert detect_flavor(hugo).describe() == "Flavor: hugo (detected from ../hugo.yaml)"
    assert detect_flavor(wikijs).describe() == (
        "Flavor: wikijs (detected from the Wiki.js Git-storage header of a.md)"
    )
    assert detect_flavor(nothing).describe() == "Flavor: wikijs (no generator's files found)"


def test_a_sibling_folders_generator_settings_are_not_adopted(make_tree: MakeTree) -> None:
    # Outside git the parent folder is searched too, and Docusaurus's config may sit in a
    # folder beside (website/): it is adopted only for the docs plugin's own folder.
    root = make_tree(
        {
            "site/docusaurus.config.js": "module.exports = {title: 'x'};\n",
            "site/docs/intro.md": "# Intro\n",
            "notes/today.md": "# Today\n",
            "other/todo.txt": "no pages here\n",
        }
    )
    assert detect_flavor(root / "notes").describe() == (
        "Flavor: wikijs (no generator's files found)"
    )
    assert locate_content(root / "notes").project is None
    assert locate_content(root / "other") == locate_content(root / "other", "plain")
    assert not locate_content(root / "other").moved
    assert detect_flavor(root / "site" / "docs").name == "docusaurus"
    located = locate_content(root / "site")  # the project's root: its docs folder
    assert (located.content, located.moved) == (root / "site" / "docs", True)


def test_mkdocs_is_detected_only_for_its_docs_dir(make_tree: MakeTree) -> None:
    root = make_tree({"mkdocs.yml": "docs_dir: pages\n", "pages/a.md": "", "docs/a.md": ""})
    assert detect_flavor(root / "pages").name == "mkdocs"
    assert detect_flavor(root / "docs").name == "wikijs"


def test_a_named_flavor_is_used_and_still_reads_the_generator_files(make_tree: MakeTree) -> None:
    root = make_tree({"mkdocs.yml": MKDOCS_YML, "docs/wikisync.yml": "flavor: mkdocs\n"})
    _, active = load_settings(root / "docs")
    assert active.describe() == "Flavor: mkdocs (set in wikisync.yml; detected from ../mkdocs.yml)"
    assert active.site.nav["setup.md"] == NavEntry("Setup", 2.0, ())
    (root / "docs" / "wikisync.yml").write_text("flavor: wikijs\n", encoding="utf-8")
    _, active = load_settings(root / "docs")
    assert active.describe() == "Flavor: wikijs (set in wikisync.yml)"


def test_every_module_of_the_package_is_a_flavor() -> None:
    folder = Path(wikisync.__file__).parent / "local" / "flavors"
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "base"}
    assert (
        set(FLAVORS)
        == modules
        == {
            "docusaurus",
            "hugo",
            "jekyll",
            "mkdocs",
            "plain",
            "vitepress",
            "wikijs",
        }
    )


def test_nothing_outside_the_flavors_package_names_a_flavor() -> None:
    """The pipeline asks the active flavor; it never branches on a flavor's name."""
    package = Path(wikisync.__file__).parent
    names = set(FLAVORS)
    for path in package.rglob("*.py"):
        if "flavors" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        literals = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        # "wikijs" is also the SDK's name (``from wikijs import ...``), never a literal here
        assert not literals & names, path


def test_a_new_flavor_is_a_description_the_pipeline_follows(make_tree: MakeTree) -> None:
    custom = replace(FLAVORS["plain"], name="custom", index_names=("_home",))
    active = ActiveFlavor(custom, Site(origin="made in a test"))
    result = load_source(make_tree({"guide/_home.md": "# Guide\n"}), Config(), flavor=active)
    assert keys(result) == {"guide/_home.md": ("en", "guide")}


# -- which file is a folder's page, and the page path -----------------------------------------


@pytest.mark.parametrize(
    ("flavor", "expected"),
    [
        ("wikijs", {"guide/README.md": ("en", "guide/README"), "guide/index.md": ("en", "guide")}),
        ("plain", {"guide/README.md": ("en", "guide"), "other/README.md": ("en", "other")}),
        ("mkdocs", {"guide/README.md": ("en", "guide"), "other/README.md": ("en", "other")}),
    ],
)
def test_readme_is_a_folder_page_where_the_generator_says_so(
    make_tree: MakeTree, flavor: str, expected: dict[str, tuple[str, str]]
) -> None:
    files = {"wikisync.yml": f"flavor: {flavor}\n", "guide/README.md": "# G\n"}
    files["guide/index.md" if flavor == "wikijs" else "other/README.md"] = "# I\n"
    assert keys(settings_and_load(make_tree(files))) == expected


def test_hugo_sections_bundles_slug_url_and_lowercase(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "hugo.yaml": HUGO_YML,
            "content/en/_index.md": "# Home\n",
            "content/en/Docs/_index.md": "# Docs\n",
            "content/en/Docs/bundle/index.md": "![pic](pic.png)\n",
            "content/en/Docs/bundle/pic.png": "png",
            "content/en/Docs/old-name.md": "---\nslug: new-name\n---\nx\n",
            "content/en/Docs/moved.md": "---\nurl: /elsewhere/page/\n---\nx\n",
            "content/no/Docs/_index.md": "# Dokumentasjon\n",
        },
        "content",
    )
    result = settings_and_load(root)
    assert keys(result) == {
        "en/_index.md": ("en", "home"),
        "en/Docs/_index.md": ("en", "docs"),
        "en/Docs/bundle/index.md": ("en", "docs/bundle"),
        "en/Docs/old-name.md": ("en", "docs/new-name"),
        "en/Docs/moved.md": ("en", "elsewhere/page"),
        "no/Docs/_index.md": ("no", "docs"),
    }
    assert pages(result)["en/Docs/bundle/index.md"].assets == ("en/Docs/bundle/pic.png",)


def test_docusaurus_ids_slugs_category_indexes_and_partials(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "website/docusaurus.config.js": DOCUSAURUS_JS,
            "docs/intro.md": "---\nid: start\n---\nx\n",
            "docs/api/api.md": "# API\n",
            "docs/api/01-store.mdx": "# Store\n",
            "docs/api/abs.md": "---\nslug: /top-level\n---\nx\n",
            "docs/api/rel.md": "---\nslug: relative\n---\nx\n",
            "docs/_partial.mdx": "shared\n",
        },
        "docs",
    )
    result = settings_and_load(root)
    # routeBasePath ("guide" here; "docs" by default) is the root when wikisync.yml has none
    assert keys(result) == {
        "intro.md": ("en", "guide/start"),
        "api/api.md": ("en", "guide/api"),
        "api/01-store.mdx": ("en", "guide/api/store"),
        "api/abs.md": ("en", "guide/top-level"),
        "api/rel.md": ("en", "guide/api/relative"),
    }


def test_root_in_wikisync_yml_wins_over_the_generator(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "website/docusaurus.config.js": DOCUSAURUS_JS,
            "docs/wikisync.yml": "root: handbook\n",
            "docs/a.md": "x\n",
        },
        "docs",
    )
    assert keys(settings_and_load(root)) == {"a.md": ("en", "handbook/a")}


def test_a_locale_like_first_segment_says_to_set_root(make_tree: MakeTree) -> None:
    result = settings_and_load(make_tree({"ci.md": "# CI\n"}))
    (problem,) = result.problems
    assert problem.code == "path-invalid"
    assert "set root: in wikisync.yml" in problem.message


# -- links -----------------------------------------------------------------------------------


def test_mkdocs_directory_urls_and_url_relative_images(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "mkdocs.yml": MKDOCS_YML,
            "docs/index.md": "[g](guide/) [s](setup/) [s2](setup.md)\n",
            "docs/setup.md": "x\n",
            "docs/guide/README.md": "[up](../)\n",
            "docs/guide/theme.md": "[img](../../img/a.png)\n",
            "docs/img/a.png": "png",
        },
        "docs",
    )
    result = settings_and_load(root)
    assert pages(result)["index.md"].content == "[g](/en/guide) [s](/en/setup) [s2](/en/setup)\n"
    assert pages(result)["guide/README.md"].content == "[up](/en/home)\n"
    # served at guide/theme/, so ../../img is the site's img/ (MkDocs leaves it as written)
    assert pages(result)["guide/theme.md"].content == "[img](/assets/img/a.png)\n"
    assert result.problems == ()


def test_docusaurus_root_relative_and_id_links(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "website/docusaurus.config.js": WEBSITE_JS,
            "docs/api/Store.md": "---\nid: store\n---\nx\n",
            "docs/guide/intro.mdx": "[a](api/Store.md) [b](../api/store) [c](/docs/api/store#x)\n",
        },
        "docs",
    )
    result = settings_and_load(root)
    assert pages(result)["guide/intro.mdx"].content == (
        "[a](/en/docs/api/store) [b](/en/docs/api/store) [c](/en/docs/api/store#x)\n"
    )


def test_hugo_ref_shortcodes_url_relative_and_site_absolute_links(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "hugo.yaml": "title: x\n",
            "content/docs/tasks/_index.md": "# Tasks\n",
            "content/docs/tasks/beds.md": (
                '[p](../porridge/) [r]({{< ref "porridge.md" >}}) '
                '[rr]({{< relref "/docs/tasks/_index.md#top" >}}) [n]({{< ref "beds" >}})\n'
            ),
            "content/docs/tasks/porridge.md": "[abs](/docs/tasks/) [img](/images/a.png)\n",
            "content/images/a.png": "png",
        },
        "content",
    )
    result = settings_and_load(root)
    assert pages(result)["docs/tasks/beds.md"].content == (
        "[p](/en/docs/tasks/porridge) [r](/en/docs/tasks/porridge) "
        "[rr](/en/docs/tasks#top) [n](/en/docs/tasks/beds)\n"
    )
    assert pages(result)["docs/tasks/porridge.md"].content == (
        "[abs](/en/docs/tasks) [img](/assets/images/a.png)\n"
    )
    assert [a.source for a in result.assets] == ["images/a.png"]


def test_hugo_ref_finds_pages_as_hugo_documents_its_lookup(make_tree: MakeTree) -> None:
    # Relative to the page, then from the content root, then a section, bundle or page by
    # its name alone (https://gohugo.io/content-management/cross-references/).
    root = site(
        make_tree,
        {
            "hugo.yaml": "title: x\n",
            "content/docs/guide/_index.md": "# Guide\n",
            "content/docs/guide/nav.md": (
                '[s]({{< ref "guide#landing" >}}) [p]({{< ref "other" >}}) '
                '[abs]({{< ref "docs/guide" >}}) [b]({{< relref "bundle" >}}) '
                '[bi]({{< ref "/docs/bundle/index" >}}) [here]({{< ref "#top" >}})\n'
            ),
            "content/docs/other.md": "# Other\n",
            "content/docs/bundle/index.md": '[sib]({{< ref "other.md" >}})\n',
        },
        "content",
    )
    result = settings_and_load(root)
    assert pages(result)["docs/guide/nav.md"].content == (
        "[s](/en/docs/guide#landing) [p](/en/docs/other) [abs](/en/docs/guide) "
        "[b](/en/docs/bundle) [bi](/en/docs/bundle) [here](#top)\n"
    )
    # a bundle's index.md resolves from the folder that holds the bundle
    assert pages(result)["docs/bundle/index.md"].content == "[sib](/en/docs/other)\n"
    assert codes(result) == []


@pytest.mark.parametrize(
    ("ref", "why"),
    [
        ("gone", "no page docs/a/gone or gone or a page named 'gone'"),
        ("/docs/a/_index", "no page docs/a/_index"),  # a section is named by its folder
        ("./other", "no page docs/a/other"),  # a leading '.': relative to the page only
        ("setup", "2 pages are named 'setup' (docs/b/setup.md, docs/c/setup.md): it is ambiguous"),
    ],
)
def test_hugo_ref_that_finds_no_single_page_is_a_broken_ref(
    make_tree: MakeTree, ref: str, why: str
) -> None:
    root = site(
        make_tree,
        {
            "hugo.yaml": "title: x\n",
            "content/docs/a/_index.md": "# A\n",
            "content/docs/b/setup.md": "# Setup\n",
            "content/docs/c/setup.md": "# Setup\n",
            "content/other.md": "# Other\n",
            "content/docs/a/page.md": f'[x]({{{{< ref "{ref}" >}}}})\n',
        },
        "content",
    )
    result = settings_and_load(root)
    (problem,) = [p for p in result.problems if p.source == "docs/a/page.md"]
    assert (problem.code, problem.severity) == ("broken-ref", "error")
    assert problem.message == f"broken reference {ref!r}: {why}"
    assert pages(result)["docs/a/page.md"].content == f'[x]({{{{< ref "{ref}" >}}}})\n'


def test_site_absolute_links_go_into_root(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "hugo.yaml": "title: x\n",
            "content/wikisync.yml": "root: handbook\n",
            "content/configuration/permalinks.md": "x\n",
            "content/page.md": "[p](/configuration/permalinks/) [gone](/nowhere/)\n",
        },
        "content",
    )
    result = settings_and_load(root)
    assert pages(result)["page.md"].content == (
        "[p](/en/handbook/configuration/permalinks) [gone](/nowhere/)\n"
    )
    assert codes(result) == [("page.md", 1, "site-link", "warning")]


def test_hugo_glossary_links_and_other_shortcodes_are_warnings(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {"hugo.yaml": "x: 1\n", "content/page.md": "[term](g) [v]({{% param version %}})\n"},
        "content",
    )
    result = settings_and_load(root)
    assert not result.has_errors
    assert codes(result) == [
        ("page.md", 1, "broken-link", "warning"),
        ("page.md", 1, "template-link", "warning"),
    ]
    assert pages(result)["page.md"].content == "[term](g) [v]({{% param version %}})\n"
    assert links_left_broken(result.problems) == 2


def test_a_broken_link_suggests_the_file_meant(make_tree: MakeTree) -> None:
    result = settings_and_load(
        make_tree({"guide/Date.md": "x\n", "page.md": "[d](guide/date.md) [e](Date.md)\n"})
    )
    messages = [p.message for p in result.problems]
    assert messages == [
        "broken link 'Date.md': no file Date.md; did you mean guide/Date.md?",
        "broken link 'guide/date.md': no file guide/date.md; did you mean guide/Date.md?",
    ]


# -- front matter ----------------------------------------------------------------------------


def test_the_key_mapping_is_data_with_converters() -> None:
    hugo = FLAVORS["hugo"].fields
    assert hugo["is_published"].aliases == (KeyAlias("published"), KeyAlias("draft", "not"))
    assert hugo["nav_order"].keys == ("weight",)
    assert FLAVORS["docusaurus"].fields["nav_title"].keys == ("sidebar_label",)
    assert FLAVORS["docusaurus"].fields["tags"].combine == "union"
    assert convert_value(convert_value(True, "not"), "not") is True
    with pytest.raises(ValueError):
        field_rules(colour=("color",))


def test_hugo_front_matter_maps_onto_fields_and_navigation(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "hugo.yaml": HUGO_YML,
            "content/en/page.md": (
                "---\nlinkTitle: Short\nsummary: S\ntags: [x]\ncategories: [Y]\n"
                "draft: true\nweight: 3\naliases: [/old/]\n---\nbody\n"
            ),
        },
        "content",
    )
    result = settings_and_load(root)
    page = pages(result)["en/page.md"]
    assert (page.fields.title, page.fields.description, page.fields.tags) == (
        "Short",
        "S",
        ("x", "y"),
    )
    assert page.fields.is_published is False
    assert (page.nav_title, page.nav_order) == ("Short", 3.0)
    assert result.problems == ()  # every key is one Hugo knows


def test_docusaurus_tag_objects_and_keywords_are_tags(make_tree: MakeTree) -> None:
    files = {
        "wikisync.yml": "flavor: docusaurus\nroot: docs\n",
        "page.md": "---\ntags: [a, {label: B, permalink: /b}]\nkeywords: [c]\n---\nx\n",
    }
    assert pages(settings_and_load(make_tree(files)))["page.md"].fields.tags == ("a", "b", "c")


def test_navigation_order_from_mkdocs_nav_and_docusaurus_sidebars(make_tree: MakeTree) -> None:
    mk = site(
        make_tree,
        {
            "mkdocs.yml": MKDOCS_YML,
            "docs/index.md": "x\n",
            "docs/setup.md": "x\n",
            "docs/guide/README.md": "x\n",
            "docs/other.md": "x\n",
        },
        "docs",
    )
    navs = {s: (p.nav_title, p.nav_order) for s, p in pages(settings_and_load(mk)).items()}
    assert navs == {
        "index.md": ("Home", 0.0),
        "guide/README.md": ("Guide", 1.0),
        "setup.md": ("Setup", 2.0),
        "other.md": (None, None),
    }
    docu = site(
        make_tree,
        {
            "website/docusaurus.config.js": WEBSITE_JS,
            "website/sidebars.json": (
                '{"docs": {"A": ["b", {"type": "doc", "id": "api/s", "label": "Store"}]}}'
            ),
            "docs/b.md": "---\nsidebar_position: 9\n---\nx\n",
            "docs/api/store.md": "---\nid: s\n---\nx\n",
            "docs/c.md": "---\nsidebar_position: 4\nsidebar_label: See\n---\nx\n",
        },
        "docs",
    )
    navs = {s: (p.nav_title, p.nav_order) for s, p in pages(settings_and_load(docu)).items()}
    assert navs == {"b.md": (None, 0.0), "api/store.md": ("Store", 1.0), "c.md": ("See", 4.0)}


def test_navigation_is_not_part_of_the_digest(make_tree: MakeTree) -> None:
    a = settings_and_load(
        make_tree({"wikisync.yml": "flavor: hugo\n", "page.md": "---\nweight: 1\n---\nx\n"})
    )
    b = settings_and_load(
        make_tree({"wikisync.yml": "flavor: hugo\n", "page.md": "---\nweight: 2\n---\nx\n"})
    )
    assert a.pages[0].nav_order != b.pages[0].nav_order
    assert a.pages[0].digest == b.pages[0].digest


# -- section pages ---------------------------------------------------------------------------


def test_empty_section_pages_list_their_children(make_tree: MakeTree) -> None:
    root = site(
        make_tree,
        {
            "hugo.yaml": "x: 1\n",
            "content/docs/_index.md": "---\ntitle: Docs\n---\n",
            "content/docs/b.md": "---\ntitle: B\nweight: 2\n---\nx\n",
            "content/docs/a.md": "---\ntitle: A\nweight: 1\nlinkTitle: Alpha\n---\nx\n",
            "content/docs/sub/_index.md": "---\ntitle: Sub\n---\nintro\n",
            "content/docs/sub/c.md": "x\n",
            "content/empty/_index.md": "---\ntitle: Lonely\ndescription: Nothing yet\n---\n",
            "content/search.md": "---\ntitle: Search\nlayout: search\n---\n",
            "content/blank.md": "---\ntitle: Blank\n---\n",
        },
        "content",
    )
    result = settings_and_load(root)
    found = pages(result)
    assert found["docs/_index.md"].content == (
        "- [Alpha](/en/docs/a)\n- [B](/en/docs/b)\n- [Sub](/en/docs/sub)\n"
    )
    assert found["docs/sub/_index.md"].content == "intro\n"  # has a body: kept
    assert found["empty/_index.md"].content == "Nothing yet\n"
    assert found["search.md"].content == "# Search\n"  # a page its layout renders
    # Not a section, and empty: Hugo renders it, so it does not block the run; Wiki.js
    # refuses empty content, so its title is its body, with a warning that says so.
    assert found["blank.md"].content == "# Blank\n"
    (warning,) = [p for p in result.problems if p.source == "blank.md"]
    assert (warning.code, warning.severity) == ("empty-content", "warning")


def test_wikijs_flavor_generates_nothing(make_tree: MakeTree) -> None:
    result = settings_and_load(make_tree({"guide/index.md": "", "guide/page.md": "x\n"}))
    assert "guide/index.md" not in pages(result)  # no body made up: empty, so refused
    assert [(p.source, p.code) for p in result.problems] == [("guide/index.md", "empty-content")]


# -- problems users can act on ---------------------------------------------------------------


def test_unknown_keys_are_summarised_once_per_key(make_tree: MakeTree) -> None:
    files = {f"p{i}.md": "---\nauthr: me\nweight: 1\n---\nx\n" for i in range(3)}
    files["wikisync.yml"] = "flavor: hugo\n"
    result = settings_and_load(make_tree(files))
    (problem,) = result.problems
    assert (problem.source, problem.line, problem.code, problem.severity) == (
        "p0.md",
        2,
        "frontmatter-unknown-key",
        "warning",
    )
    assert problem.message == (
        "unknown front matter key 'authr' is ignored (in 3 files; first in p0.md) "
        "(did you mean 'author'?); list it under ignore_keys: in wikisync.yml to silence this"
    )
    files["wikisync.yml"] = "flavor: hugo\nignore_keys: [authr]\n"
    assert settings_and_load(make_tree(files)).problems == ()


def test_severity_lowers_broken_links_and_raises_anything(make_tree: MakeTree) -> None:
    files = {
        "wikisync.yml": "severity:\n  broken-link: warning\n  frontmatter-unknown-key: error\n",
        "page.md": "[x](missing.md)\n",
    }
    result = settings_and_load(make_tree(files))
    assert codes(result) == [("page.md", 1, "broken-link", "warning")]
    assert pages(result)["page.md"].content == "[x](missing.md)\n"  # left as written
    files["other.md"] = "---\ncolour: red\n---\nx\n"
    assert ("other.md", 2, "frontmatter-unknown-key", "error") in codes(
        settings_and_load(make_tree(files))
    )


def test_a_flavor_default_severity_yields_to_wikisync_yml(make_tree: MakeTree) -> None:
    files = {"wikisync.yml": "flavor: mkdocs\n", "page.md": "[x](missing.md)\n"}
    found = codes(settings_and_load(make_tree(files)))
    assert found == [("page.md", 1, "broken-link", "warning")]
    files["wikisync.yml"] = "flavor: mkdocs\nseverity: {broken-link: error}\n"
    found = codes(settings_and_load(make_tree(files)))
    assert found == [("page.md", 1, "broken-link", "error")]


def test_the_plan_text_counts_links_left_broken() -> None:
    text = render_text(Plan(links_left_broken=2), color=False, directory="docs")
    assert "No changes." in text
    assert "2 links left as written: they name nothing in this tree" in text
    assert "left as written" not in render_text(Plan(), color=False, directory="docs")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "flavor: sphinx\n",
            "wikisync.yml:1: flavor: 'sphinx' is not a flavor; use one of auto, docusaurus, "
            "hugo, jekyll, mkdocs, plain, vitepress, wikijs",
        ),
        (
            "severity:\n  path-invalid: warning\n",
            "wikisync.yml:1: severity: 'path-invalid' cannot be lowered to a "
            "warning (the file would be left out of the wiki); codes that can: broken-link, broken-ref, "
            "frontmatter-unknown-key, link-excluded, link-outside, site-link, template-link",
        ),
        (
            "severity:\n  broken-link: info\n",
            "wikisync.yml:2: severity.broken-link: must be error or warning (got 'info')",
        ),
        ("ignore_keys: author\n", "wikisync.yml:1: ignore_keys: must be a list (got 'author')"),
    ],
)
def test_new_settings_are_checked_with_lines(text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text)
    assert [str(p) for p in info.value.problems] == [expected]
