"""The Jekyll and VitePress flavors (detection, paths, links, languages, navigation), and
the navigation sections of Docusaurus sidebars."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wikisync.local.config import load_settings
from wikisync.local.flavors import locate_content
from wikisync.local.flavors.base import PathInput
from wikisync.local.flavors.jekyll import post_path
from wikisync.local.flavors.vitepress import rewrite
from wikisync.local.jsliteral import UNKNOWN, read_module
from wikisync.local.source import SourceResult, load_source
from wikisync.plan.model import LocalPage

MakeTree = Callable[..., Path]

JEKYLL_CONFIG = (
    "title: Quarry\ntheme: just-the-docs\nbaseurl: /quarry\npermalink: pretty\n"
    "exclude: [notes/]\ncollections:\n  recipes: {output: true, permalink: /:collection/:name/}\n"
)


def load(directory: Path) -> SourceResult:
    config, flavor = load_settings(directory)
    return load_source(directory, config, asset_url=lambda rel: f"/assets/{rel}", flavor=flavor)


def by_source(result: SourceResult) -> dict[str, LocalPage]:
    return {p.source: p for p in result.pages}


def test_jekyll_is_detected_and_serves_pages_posts_and_collections(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "_config.yml": JEKYLL_CONFIG,
            "index.md": "---\ntitle: Home\npermalink: /\n---\nHi.\n",
            "docs/install.md": "---\ntitle: Install\n---\nRun it.\n",
            "docs/faq.md": "---\ntitle: FAQ\npermalink: /help/faq.html\n---\nAsk.\n",
            "_posts/2024-03-01-hello.md": "---\ntitle: Hello\n---\nNews.\n",
            "_recipes/backup.md": "---\ntitle: Backup\n---\nCopy it.\n",
            "_drafts/wip.md": "---\ntitle: WIP\n---\nNot yet.\n",
            "docs/later.md": "---\ntitle: Later\npublished: false\n---\nNot yet.\n",
            "_includes/footer.html": "<p>x</p>\n",
            "notes/idea.md": "# Idea\n",
            "Gemfile": 'gem "jekyll"\n',
        }
    )
    config, active = load_settings(root)
    assert active.describe() == "Flavor: jekyll (detected from _config.yml)"
    paths = {s: p.path for s, p in by_source(load(root)).items()}
    assert paths == {
        "index.md": "home",
        "docs/install.md": "docs/install",  # served at /docs/install/ (permalink: pretty)
        "docs/faq.md": "help/faq",  # its own permalink
        "_posts/2024-03-01-hello.md": "2024/03/01/hello",  # the pretty post style
        "_recipes/backup.md": "recipes/backup",  # a published collection
    }


def test_a_config_without_theme_or_gemfile_is_not_jekyll(make_tree: MakeTree) -> None:
    root = make_tree({"_config.yml": "title: Some tool's settings\n", "a.md": "# A\n"})
    assert load_settings(root)[1].name == "wikijs"


def test_post_paths_follow_the_sites_permalink_style() -> None:
    post = PathInput("_posts", "2024-03-01-hello", False, {"categories": "news"}, "")
    assert post_path(post, "date") == "news/2024/03/01/hello"
    assert post_path(post, "none") == "news/hello"
    assert post_path(post, "/blog/:year/:title/") == "blog/2024/hello"


def test_liquid_link_targets_resolve_like_jekyll_builds_them(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "_config.yml": JEKYLL_CONFIG,
            "index.md": "---\ntitle: Home\n---\nHome.\n",
            "docs/install.md": "---\ntitle: Install\n---\nRun it.\n",
            "_posts/2024-03-01-hello.md": "---\ntitle: Hello\n---\nNews.\n",
            "assets/a.png": b"\x89PNG",
            "docs/links.md": (
                "# Links\n\n"
                "[a]({% link docs/install.md %}#run) [b]({% post_url 2024-03-01-hello %})\n"
                "[c]({{ '/docs/install/' | relative_url }}) [d]({{ site.baseurl }}/docs/install/)\n"
                "[e](/quarry/docs/install/) [f]({{ site.baseurl }}{% link index.md %})\n"
                '![g]({{ "/assets/a.png" | relative_url }}) [h]({{ site.github.url }}/x)\n\n'
                "[i]: {% link docs/install.md %}\n"
            ),
        }
    )
    result = load(root)
    content = by_source(result)["docs/links.md"].content
    for link in (
        "[a](/en/docs/install#run)",
        "[b](/en/2024/03/01/hello)",
        "[c](/en/docs/install)",
        "[d](/en/docs/install)",
        "[e](/en/docs/install)",
        "[f](/en/home)",
        "![g](/assets/assets/a.png)",
        "[i]: /en/docs/install",
    ):
        assert link in content, link
    problems = [(p.code, p.severity) for p in result.problems]
    assert problems == [("template-link", "warning")]  # {{ site.github.url }}: not a link tag


def test_just_the_docs_parents_are_found_by_title(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "_config.yml": JEKYLL_CONFIG,
            "docs/nav.md": "---\ntitle: Navigation\nnav_order: 2\n---\nN.\n",
            "docs/main.md": "---\ntitle: Main\nparent: Navigation\nnav_order: 1\n---\nM.\n",
            "docs/order.md": "---\ntitle: Order\nparent: Main\n---\nO.\n",
            "docs/x.md": "---\ntitle: X\nnav_order: 3\n---\nX.\n",
            "docs/xs.md": "---\ntitle: S\nparent: X\n---\nS.\n",
            "docs/xt.md": "---\ntitle: T\nparent: S\ngrand_parent: X\n---\nT.\n",
            "docs/y.md": "---\ntitle: Y\nnav_order: 4\n---\nY.\n",
            "docs/ys.md": "---\ntitle: S\nparent: Y\n---\nS.\n",
            "docs/yt.md": "---\ntitle: T\nparent: S\ngrand_parent: Y\n---\nT.\n",
            "docs/hidden.md": "---\ntitle: Hidden\nnav_exclude: true\n---\nH.\n",
            "plain.md": "# Plain\n",
        }
    )
    nav = {
        s: (p.nav_section, p.nav_heads, p.listed, p.nav_order)
        for s, p in by_source(load(root)).items()
    }
    assert nav == {
        "docs/nav.md": (("Navigation",), True, True, 2.0),  # a parent heads its section
        "docs/main.md": (("Navigation", "Main"), True, True, 1.0),
        "docs/order.md": (("Navigation", "Main"), False, True, None),
        "docs/x.md": (("X",), True, True, 3.0),
        "docs/xs.md": (("X", "S"), True, True, None),
        "docs/xt.md": (("X", "S"), False, True, None),  # grand_parent picks X's S
        "docs/y.md": (("Y",), True, True, 4.0),
        "docs/ys.md": (("Y", "S"), True, True, None),
        "docs/yt.md": (("Y", "S"), False, True, None),
        "docs/hidden.md": ((), False, False, None),
        "plain.md": (None, False, True, None),  # no just-the-docs keys: its folders
    }


VITEPRESS_CONFIG = """\
import { defineConfig } from 'vitepress'
import { shared } from './shared'

export default defineConfig({
  srcDir: 'src',
  srcExclude: ['drafts/**'],
  rewrites: { 'reference/commands.md': 'reference/cli.md' },
  locales: {
    root: { label: 'English', lang: 'en-US' },
    zh: { label: '简体中文', lang: 'zh-CN', themeConfig: { sidebar: zhSidebar } },
    fr: { label: 'Français', lang: 'fr' },
  },
  themeConfig: {
    sidebar: {
      '/guide/': { base: '/guide/', items: guide() },
      '/reference/': [{ text: 'Reference', items: [{ text: 'CLI', link: '/reference/cli' }] }],
    },
    socialLinks: shared.links,
  },
})

function guide() {
  return [
    { text: 'Basics', items: [
      { text: 'Intro', link: 'intro' },
      { text: 'Setup', link: 'setup.md' },
    ] },
    { text: 'See the CLI', link: '/reference/cli' },
  ]
}

const zhSidebar = [{ text: '指南', items: [{ text: '简介', link: '/zh/guide/intro' }] }]
"""


def test_vitepress_settings_are_read_as_text(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "docs/.vitepress/config.mts": VITEPRESS_CONFIG,
            "docs/src/index.md": "---\nlayout: home\nhero:\n  name: Quarry\n---\n",
            "docs/src/guide/intro.md": "# Intro {#intro}\n\nSee [setup](./setup) and [cli](/reference/cli).\n",
            "docs/src/guide/setup.md": "# Setup\n\nBack to [intro](intro.md#intro), [i](/guide/intro.html).\n",
            "docs/src/reference/commands.md": "# Commands\n",
            "docs/src/drafts/x.md": "# Draft\n",
            "docs/src/zh/guide/intro.md": "# 简介\n\n[Intro](/guide/intro)\n",
        }
    )
    content = root / "docs" / "src"
    config, active = load_settings(content)
    assert active.describe() == "Flavor: vitepress (detected from ../.vitepress/config.mts)"
    assert (config.locale, config.locales) == ("en", ("en", "zh"))  # no fr/ folder: not used
    pages = by_source(load(content))
    assert {s: p.key for s, p in pages.items()} == {
        "index.md": ("en", "home"),
        "guide/intro.md": ("en", "guide/intro"),
        "guide/setup.md": ("en", "guide/setup"),
        "reference/commands.md": ("en", "reference/cli"),  # rewrites
        "zh/guide/intro.md": ("zh", "guide/intro"),
    }
    assert pages["guide/intro.md"].fields.title == "Intro"  # the {#id} is not the title
    # the heading repeats the title, which Wiki.js shows above the content: left out
    assert "# Intro" not in pages["guide/intro.md"].content
    assert "[cli](/en/reference/cli)" in pages["guide/intro.md"].content
    assert "[Intro](/en/guide/intro)" in pages["zh/guide/intro.md"].content
    assert "[i](/en/guide/intro)" in pages["guide/setup.md"].content  # without cleanUrls
    assert pages["index.md"].content.startswith("# Quarry\n")
    nav = {s: (p.nav_title, p.nav_order, p.nav_section) for s, p in pages.items()}
    assert nav["guide/intro.md"] == ("Intro", 0.0, ("Basics",))  # with the sidebar's base
    assert nav["guide/setup.md"] == ("Setup", 1.0, ("Basics",))
    # listed in its own path's sidebar, not where /guide/ cross-links to it
    assert nav["reference/commands.md"] == ("CLI", 3.0, ("Reference",))
    assert nav["zh/guide/intro.md"] == ("简介", 4.0, ("指南",))


def test_a_setting_that_is_not_a_literal_is_named(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "docs/.vitepress/config.ts": (
                "import { sidebar } from './sidebar'\nexport default { themeConfig: { sidebar } }\n"
            ),
            "docs/a.md": "# A\n",
        }
    )
    assert load_settings(root / "docs")[1].describe() == (
        "Flavor: vitepress (detected from .vitepress/config.ts; not literal values, left at "
        "their defaults: sidebar)"
    )


def test_the_module_reader_takes_literals_and_marks_the_rest_unknown() -> None:
    text = (
        "const base = '/x/'\n"
        "function items() { return [{ text: 'A', link: base }] }\n"
        "export default defineConfig({ a: items(), b: `t${1}`, c: [1, 2.5, true, null],\n"
        "  d: base + 'y', ...{ e: 'f' }, g: x => x, 'h-i': /* c */ 'j', // k\n})\n"
    )
    data, unknown = read_module(text)
    assert data == {
        "a": [{"text": "A", "link": "/x/"}],
        "b": UNKNOWN,
        "c": [1, 2.5, True, None],
        "d": UNKNOWN,
        "e": "f",
        "g": UNKNOWN,
        "h-i": "j",
    }
    assert unknown
    assert read_module("module.exports = require('./x')\n") == ({}, True)


def test_rewrites_rename_files() -> None:
    rules = {"packages/:pkg/src/:rest*": ":pkg/:rest*", "a.md": "b.md"}
    assert rewrite(rules, "packages/core/src/guide/x.md") == "core/guide/x.md"
    assert rewrite(rules, "a.md") == "b.md"
    assert rewrite(rules, "c.md") is None


def test_docusaurus_categories_and_further_sidebars_are_sections(make_tree: MakeTree) -> None:
    sidebars = (
        '{"docs": {"Intro": ["index", "install"], "Guides": [{"type": "category", '
        '"label": "Mocks", "link": {"type": "doc", "id": "mocks/index"}, "items": ["mocks/x"]}]},'
        ' "api": ["api", {"type": "doc", "id": "expect", "label": "Expect"}]}'
    )
    root = make_tree(
        {
            "website/docusaurus.config.js": (
                "module.exports = { presets: [['classic', { docs: { path: '../docs' } }]],\n"
                "  themeConfig: { navbar: { items: [\n"
                "  {type: 'doc', docId: 'api', label: 'API', position: 'left'},\n] } } };\n"
            ),
            "website/sidebars.json": sidebars,
            "docs/index.md": "# Intro\n",
            "docs/install.md": "# Install\n",
            "docs/mocks/index.md": "# Mocks\n",
            "docs/mocks/x.md": "# X\n",
            "docs/api.md": "# API\n",
            "docs/expect.md": "# Expect\n",
        }
    )
    pages = by_source(load(root / "docs"))
    nav = {s: (p.nav_section, p.nav_heads) for s, p in pages.items()}
    assert nav == {
        "index.md": (("Intro",), False),
        "install.md": (("Intro",), False),
        "mocks/index.md": (("Guides", "Mocks"), True),  # a category's own page heads it
        "mocks/x.md": (("Guides", "Mocks"), False),
        "api.md": (("API",), False),  # a further sidebar: its navbar item's label
        "expect.md": (("API",), False),
    }


def test_a_javascript_sidebars_file_is_read_as_text(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "website/docusaurus.config.js": (
                "module.exports = { presets: [['classic', { docs: { path: '../docs' } }]] };\n"
            ),
            "website/sidebars.js": (
                "// @ts-check\n"
                "const sidebars = {\n"
                "  main: ['intro', {type: 'category', label: 'Tutorial', items: ['step']}],\n"
                "  more: [{type: 'autogenerated', dirName: 'more'}],\n"
                "};\n"
                "module.exports = sidebars;\n"
            ),
            "docs/intro.md": "# Intro\n",
            "docs/step.md": "# Step\n",
        }
    )
    pages = by_source(load(root / "docs"))
    assert {s: (p.nav_order, p.nav_section) for s, p in pages.items()} == {
        "intro.md": (0.0, ()),
        "step.md": (1.0, ("Tutorial",)),
    }


def test_a_long_or_looping_parent_chain_ends(make_tree: MakeTree) -> None:
    files = {"_config.yml": JEKYLL_CONFIG}
    for n in range(200):  # each page's parent is the next one's title
        files[f"p{n}.md"] = f"---\ntitle: P{n}\nparent: P{n + 1}\n---\nx\n"
    files["loop-a.md"] = "---\ntitle: A\nparent: B\n---\nx\n"
    files["loop-b.md"] = "---\ntitle: B\nparent: A\n---\nx\n"
    pages = by_source(load(make_tree(files)))
    assert 0 < len(pages["p0.md"].nav_section or ()) <= 40
    assert pages["loop-a.md"].nav_section is not None


# -- Jekyll sites without a theme: detection, docs/, the settings, HTML pages -------------------

PAGES_CONFIG = (
    "title: Tools\ncollections:\n  docs: {output: true, permalink: '/:collection/:path/'}\n"
)


def test_a_github_pages_site_in_docs_is_found_from_the_repository_root(
    make_tree: MakeTree,
) -> None:
    # No theme, the Gemfile at the repository's root: the site is docs/, as GitHub Pages
    # builds it; its collections are pages and its Liquid links resolve.
    root = make_tree(
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "Gemfile": 'gem "jekyll"\n',
            "README.md": "# The tool\n",
            "test/fixtures/page.md": "---\ntitle: Fixture\n---\nx\n",
            "docs/_config.yml": PAGES_CONFIG,
            "docs/index.md": (
                "---\ntitle: Home\n---\nSee [install]({{ '/docs/install/' | relative_url }}).\n"
            ),
            "docs/_docs/install.md": "---\ntitle: Install\n---\nInstall it.\n",
            "docs/_layouts/default.html": "<html>{{ content }}</html>\n",
        }
    )
    located = locate_content(root)
    assert located.content == root / "docs"
    assert located.describe(root) == "docs/_config.yml; content docs/"
    for start in (root, root / "docs"):
        config, active = load_settings(start if start != root else located.content)
        assert active.name == "jekyll"
    result = load(located.content)
    assert {s: p.path for s, p in by_source(result).items()} == {
        "index.md": "home",
        "_docs/install.md": "docs/install",
    }
    assert by_source(result)["index.md"].content == "See [install](/en/docs/install).\n"
    assert result.problems == ()
    # What Jekyll makes no page of is listed, with why
    assert dict(result.left_out) == {
        "_layouts/default.html": "a name starting with '_': Jekyll publishes only _posts "
        "and the collections its settings output"
    }


@pytest.mark.parametrize(
    "files",
    [
        {"_layouts/page.html": "<p>{{ content }}</p>\n", "a.md": "# A\n"},
        {"_includes/nav.html": "<nav></nav>\n", "a.md": "# A\n"},
        {"_posts/2024-01-05-hello.md": "# Hello\n"},
        {"_data/team.yml": "- a\n", "a.md": "# A\n"},
        {"_sass/main.scss": "a {}\n", "a.md": "# A\n"},
        {"a.md": "---\ntitle: A\n---\nA page Jekyll renders.\n"},
        {"Gemfile": 'gem "github-pages"\n', "a.md": "# A\n"},
    ],
)
def test_jekyll_is_detected_from_any_sign_of_a_jekyll_site(
    make_tree: MakeTree, files: dict[str, str]
) -> None:
    root = make_tree({"_config.yml": "title: A site\n", **files})
    assert load_settings(root)[1].describe() == "Flavor: jekyll (detected from _config.yml)"


@pytest.mark.parametrize(
    "files",
    [
        # Hexo: its settings name its folders, and it has scaffolds/
        {
            "_config.yml": "title: Blog\nsource_dir: source\npublic_dir: public\ntheme: landscape\n",
            "scaffolds/post.md": "---\ntitle: {{ title }}\n---\n",
            "source/_posts/hello.md": "---\ntitle: Hello\n---\nx\n",
        },
        {
            "_config.yml": "title: Blog\ntheme: landscape\n",
            "package.json": '{"dependencies": {"hexo": "^7.0.0"}}\n',
            "index.md": "---\ntitle: Hello\n---\nx\n",
        },
        # Jupyter Book: a table of contents beside its settings
        {
            "_config.yml": "title: Book\nauthor: A\n",
            "_toc.yml": "format: jb-book\nroot: intro\n",
            "intro.md": "---\ntitle: Intro\n---\nx\n",
        },
        {"_config.yml": "title: Book\nexecute:\n  execute_notebooks: off\n", "a.md": "# A\n"},
    ],
)
def test_other_tools_config_yml_is_not_jekyll(make_tree: MakeTree, files: dict[str, str]) -> None:
    assert load_settings(make_tree(files))[1].name != "jekyll"


def test_a_named_jekyll_flavor_always_reads_config_yml(make_tree: MakeTree) -> None:
    root = make_tree(
        {
            "wikisync.yml": "flavor: jekyll\n",
            "_config.yml": "title: t\nexclude: [notes.md]\n",
            "guide.md": "# Guide\n",
            "notes.md": "# Notes\n",
            "_drafts/wip.md": "# Wip\n",
        }
    )
    config, active = load_settings(root)
    assert active.describe() == "Flavor: jekyll (set in wikisync.yml; detected from _config.yml)"
    result = load(root)
    assert [p.source for p in result.pages] == ["guide.md"]
    assert dict(result.left_out) == {
        "notes.md": "exclude in _config.yml",
        "_drafts/wip.md": "a name starting with '_': Jekyll publishes only _posts and the "
        "collections its settings output",
    }


def test_jekyll_html_pages_read_their_front_matter(make_tree: MakeTree) -> None:
    # Jekyll renders any file with front matter; an .html page stays HTML.
    root = make_tree(
        {
            "_config.yml": "title: t\ntheme: minima\n",
            "pages/index.html": "---\nlayout: default\npermalink: /\n---\n<h2>Welcome</h2>\n",
            "pages/show.html": "---\ntitle: Show\npermalink: /show/\n---\n<p>Showcase</p>\n",
            "pages/home.md": "---\ntitle: Md\n---\nSee [the showcase](/show/).\n",
        }
    )
    pages = by_source(load(root))
    show, home = pages["pages/show.html"], pages["pages/index.html"]
    assert (show.path, show.fields.title, show.content) == ("show", "Show", "<p>Showcase</p>\n")
    assert show.fields.editor == "ckeditor"
    assert home.path == "home"
    assert home.content == "<h2>Welcome</h2>\n"
    assert pages["pages/home.md"].content == "See [the showcase](/en/show).\n"
