"""Dialects: each construct of each generator's Markdown, converted to what Wiki.js shows.

The expected Wiki.js forms are the ones shared/wikijs/render-transcripts.jsonl shows the
wiki rendering: ``> text`` + ``{.is-info}`` callouts, ``# Title {.tabset}`` tabsets,
``<details>`` with ``<summary>``, code fences.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import wikisync
from wikisync.engine import load_directory
from wikisync.errors import ConfigError
from wikisync.local.config import parse_config
from wikisync.local.flavors import FLAVORS
from wikisync.local.markdown.dialects import DIALECTS, DialectContext, convert
from wikisync.local.markdown.dialects._scan import MAX_DEPTH
from wikisync.plan.model import Plan
from wikisync.render import load_plan_json, render_json, render_markdown, render_text

# (dialect, source, what the wiki gets)
CONVERSIONS = [
    pytest.param(
        ("vitepress-tabs",),
        "## Install\n\n:::: tabs key:pm\n=== npm\nUse npm.\n\n::: tabs\n== a\nA.\n== b\nB.\n:::\n"
        "=== pnpm\n```sh\npnpm add x\n```\n::::\n",
        "## Install\n\n### Tabs {.tabset}\n#### npm\nUse npm.\n\n##### Tabs {.tabset}\n"
        "###### a\nA.\n\n###### b\nB.\n\n#### pnpm\n```sh\npnpm add x\n```\n",
        id="vitepress-plugin-tabs-nested",
    ),
    pytest.param(
        ("md-in-html",),
        '<figure markdown="span">\n  ![Pic](img/pic.png)\n  <figcaption>Cap</figcaption>\n</figure>\n',
        "<figure>\n\n![Pic](img/pic.png)\n<figcaption>Cap</figcaption>\n\n</figure>\n",
        id="md-in-html-figure",
    ),
    pytest.param(
        ("md-in-html",),
        '<div class="result" markdown>\n**Bold** text.\n</div>\n',
        '<div class="result">\n\n**Bold** text.\n\n</div>\n',
        id="md-in-html-bare-attribute",
    ),
    pytest.param(
        ("kramdown-ial", "md-in-html"),
        '{: .important }\n> {: .warning }\n> A paragraph\n\n<div markdown="1">\n{: .note }\nIn a div.\n</div>\n',
        '<blockquote class="is-info">\n\n> A paragraph\n{.is-warning}\n\n</blockquote>\n\n'
        "<div>\n\n> In a div.\n{.is-info}\n\n</div>\n",
        id="kramdown-callouts-nested",
    ),
    pytest.param(
        ("admonition",),
        '!!!note\n    No space after the marker.\n\n!!! tip "The "quoted" word"\n    Text.\n',
        '> No space after the marker.\n{.is-info}\n\n> **The "quoted" word**\n>\n> Text.\n'
        "{.is-success}\n",
        id="admonition-as-python-markdown-reads-it",
    ),
    pytest.param(
        ("hugo-shortcodes", "docsy"),
        '{{< tabpane >}}\n{{< tab header="Config:" disabled=true />}}\n'
        '{{< tab header="hugo.toml" lang="toml" >}}\na = 1\n{{< /tab >}}\n{{< /tabpane >}}\n\n## Next\n',
        "## Tabs {.tabset}\n### hugo.toml\n```toml\na = 1\n```\n\n## Next\n",
        id="docsy-self-closing-tab",
    ),
    pytest.param(
        ("github-alerts",),
        "1. Step:\n\n    > [!NOTE]\n    > In a list.\n\n2. Next\n",
        '1. Step:\n\n    <blockquote class="is-info">\n\n    In a list.\n\n    </blockquote>\n\n2. Next\n',
        id="github-alert-in-a-list",
    ),
    pytest.param(
        ("liquid",),
        "Braces e.g.\n{% raw %}`{{ x }}`{% endraw %} and\n{% raw %}`{% if %}`{% endraw %}. End.\n",
        "Braces e.g.\n`{{ x }}` and\n`{% if %}`. End.\n",
        id="liquid-raw-spans-starting-lines",
    ),
    pytest.param(
        ("vitepress-components",),
        '## `useData` <Badge type="info" text="composable" />\n\nSince <Badge>1.2</Badge>; '
        'write `<Badge text="x" />`.\n',
        '## `useData` `composable`\n\nSince `1.2`; write `<Badge text="x" />`.\n',
        id="vitepress-badge",
    ),
    pytest.param(
        ("admonition",),
        '!!! warning "Before you start"\n    Back up the database.\n\nAfter.\n',
        "> **Before you start**\n>\n> Back up the database.\n{.is-warning}\n\nAfter.\n",
        id="mkdocs-admonition",
    ),
    pytest.param(
        ("admonition",),
        "- Step one\n\n    !!! tip\n        Indented in a list.\n\n- Step two\n",
        '- Step one\n\n    <blockquote class="is-success">\n\n    Indented in a list.\n\n    </blockquote>\n\n- Step two\n',
        id="mkdocs-admonition-no-title-nested-list",
    ),
    pytest.param(
        ("pymdownx-details",),
        '???+ note "Open me"\n    Hidden **text**.\n',
        "<details>\n<summary>Open me</summary>\n\nHidden **text**.\n\n</details>\n",
        id="pymdownx-details",
    ),
    pytest.param(
        ("material-tabs",),
        '## Install\n\n=== "pip"\n\n    ```bash\n    pip install x\n    ```\n\n=== "conda"\n\n    ```bash\n    conda install x\n    ```\n\n## Use\n',
        "## Install\n\n## Tabs {.tabset}\n### pip\n```bash\npip install x\n```\n\n### conda\n```bash\nconda install x\n```\n\n## Use\n",
        id="material-tabs-before-heading",
    ),
    pytest.param(
        ("material-tabs",),
        '# Page\n\n=== "A"\n    a\n=== "B"\n    b\n\nText after the tabs.\n',
        "# Page\n\n<div>\n\n## Tabs {.tabset}\n### A\na\n\n### B\nb\n\n</div>\n\nText after the tabs.\n",
        id="material-tabs-text-after",
    ),
    pytest.param(
        ("material-tabs",),
        '=== "A"\n    a\n\n===! "C"\n    c\n',
        "<div>\n\n# Tabs {.tabset}\n## A\na\n\n</div>\n\n# Tabs {.tabset}\n## C\nc\n",
        id="material-tabs-new-group",
    ),
    pytest.param(
        ("pymdownx-blocks",),
        "/// admonition | Some title\n    type: warning\n\nBody.\n///\n",
        "> **Some title**\n>\n> Body.\n{.is-warning}\n",
        id="pymdownx-blocks-callout-options",
    ),
    pytest.param(
        ("pymdownx-blocks",),
        "/// note\nOuter.\n\n//// tab | Python 3.8+\n```python\nfrom typing import List\n```\n////\n\n//// tab | Python 3.10+\n```python\nlist[int]\n```\n////\n///\n",
        '<blockquote class="is-info">\n\nOuter.\n\n# Tabs {.tabset}\n## Python 3.8+\n```python\nfrom typing import List\n```\n\n## Python 3.10+\n```python\nlist[int]\n```\n\n</blockquote>\n',
        id="pymdownx-blocks-tabs-nested",
    ),
    pytest.param(
        ("pymdownx-blocks",),
        "/// details | Summary here\n    type: tip\n\nContent.\n///\n",
        "<details>\n<summary>Summary here</summary>\n\nContent.\n\n</details>\n",
        id="pymdownx-blocks-details",
    ),
    pytest.param(
        ("docusaurus-admonitions",),
        ":::tip[Another tip]\n\nUse it.\n\n:::\n",
        "> **Another tip**\n>\n> Use it.\n{.is-success}\n",
        id="docusaurus-admonition",
    ),
    pytest.param(
        ("docusaurus-admonitions",),
        "::::info Outer\nA\n:::danger\nB\n:::\n::::\n",
        '<blockquote class="is-info">\n\n**Outer**\n\nA\n\n> B\n{.is-danger}\n\n</blockquote>\n',
        id="docusaurus-nested",
    ),
    pytest.param(
        ("vitepress-containers",),
        "::: tip\nA tip.\n:::\n\n:::warning Custom\nW.\n:::\n",
        "> A tip.\n{.is-success}\n\n> **Custom**\n>\n> W.\n{.is-warning}\n",
        id="vitepress-containers",
    ),
    pytest.param(
        ("vitepress-containers",),
        "::: details Click me\nHidden.\n:::\n",
        "<details>\n<summary>Click me</summary>\n\nHidden.\n\n</details>\n",
        id="vitepress-details",
    ),
    pytest.param(
        ("vitepress-containers",),
        "::: code-group\n```sh [npm]\nnpm add -D vitepress\n```\n```sh [pnpm]\npnpm add -D vitepress\n```\n:::\n",
        "# Tabs {.tabset}\n## npm\n```sh\nnpm add -D vitepress\n```\n\n## pnpm\n```sh\npnpm add -D vitepress\n```\n",
        id="vitepress-code-group",
    ),
    pytest.param(
        ("github-alerts",),
        "> [!NOTE]\n> Useful information.\n\n> [!CAUTION] Stop\n> Negative outcome.\n",
        "> Useful information.\n{.is-info}\n\n> **Stop**\n>\n> Negative outcome.\n{.is-danger}\n",
        id="github-alerts",
    ),
    pytest.param(
        ("docsy",),
        '{{% alert title="Warning" color="warning" %}}\nCheck it.\n{{% /alert %}}\n',
        "> **Warning**\n>\n> Check it.\n{.is-warning}\n",
        id="docsy-alert",
    ),
    pytest.param(
        ("docsy",),
        "{{% pageinfo %}}\nA placeholder.\n{{% /pageinfo %}}\n",
        "> A placeholder.\n{.is-info}\n",
        id="docsy-pageinfo",
    ),
    pytest.param(
        ("docsy",),
        '{{< tabpane text=true >}}\n{{% tab header="Linux" %}}\nUse apt.\n{{% /tab %}}\n{{< tab header="Go" lang="go" >}}\nfunc main() {}\n{{< /tab >}}\n{{< /tabpane >}}\n',
        "# Tabs {.tabset}\n## Linux\nUse apt.\n\n## Go\n```go\nfunc main() {}\n```\n",
        id="docsy-tabpane",
    ),
    pytest.param(
        ("hugo-shortcodes",),
        '{{< figure src="img/a.png" alt="A diagram" caption="The flow" >}}\n\nWatch {{< youtube w7Ft2ymGmfc >}} or {{< vimeo 146022717 >}}.\n',
        "![A diagram](img/a.png)\n*The flow*\n\nWatch [YouTube video](https://www.youtube.com/watch?v=w7Ft2ymGmfc) or [Vimeo video](https://vimeo.com/146022717).\n",
        id="hugo-figure-video-param",
    ),
    pytest.param(
        ("hugo-shortcodes",),
        '{{< highlight go "linenos=table" >}}\nfunc a() {}\n{{< /highlight >}}\n\n{{< details summary="More" >}}\nHidden.\n{{< /details >}}\n',
        "```go\nfunc a() {}\n```\n\n<details>\n<summary>More</summary>\n\nHidden.\n\n</details>\n",
        id="hugo-highlight-details",
    ),
    pytest.param(
        ("hugo-shortcodes",),
        "```\n{{</* alert */>}}\n```\n",
        "```\n{{< alert >}}\n```\n",
        id="hugo-escaped-shortcode",
    ),
    pytest.param(
        ("mdx",),
        'import Tabs from \'@theme/Tabs\';\nimport TabItem from \'@theme/TabItem\';\n\n<Tabs>\n  <TabItem value="npm" label="npm" default>\n\n```bash\nnpm i -D prettier\n```\n\n  </TabItem>\n  <TabItem value="yarn" label="yarn">\n\n```bash\nyarn add -D prettier\n```\n\n  </TabItem>\n</Tabs>\n',
        "\n# Tabs {.tabset}\n## npm\n```bash\nnpm i -D prettier\n```\n\n## yarn\n```bash\nyarn add -D prettier\n```\n",
        id="mdx-tabs",
    ),
    pytest.param(
        ("mdx",),
        '<details>\n  <summary>Why?</summary>\n\nBecause.\n</details>\n\n<CodeBlock language="jsx">\n{`<Hello />`}\n</CodeBlock>\n\n<Admonition type="danger" title="Careful">\nText.\n</Admonition>\n',
        "<details>\n<summary>Why?</summary>\n\nBecause.\n\n</details>\n\n```jsx\n<Hello />\n```\n\n> **Careful**\n>\n> Text.\n{.is-danger}\n",
        id="mdx-theme-components",
    ),
    pytest.param(
        ("kramdown-ial",),
        "{: .note }\nA note.\n\n{: .warning-title }\n> Heads up\n>\n> Be careful.\n",
        "> A note.\n{.is-info}\n\n> **Heads up**\n>\n> Be careful.\n{.is-warning}\n",
        id="kramdown-jtd-callouts",
    ),
    pytest.param(
        ("kramdown-ial",),
        "## Contents\n{: .no_toc .text-delta }\n\n1. TOC\n{:toc}\n\nLead paragraph.\n{: .fs-6 }\n",
        "## Contents {.no_toc .text-delta}\n\n\nLead paragraph.\n{: .fs-6 }\n",
        id="kramdown-attributes",
    ),
    pytest.param(
        ("liquid",),
        '{% raw %}\n{{ site.title }}\n{% endraw %}\n\n{% highlight ruby %}\nputs "hi"\n{% endhighlight %}\n',
        '{{ site.title }}\n\n```ruby\nputs "hi"\n```\n',
        id="liquid-raw-highlight",
    ),
    pytest.param(
        ("admonition", "docusaurus-admonitions", "material-tabs"),
        '```markdown\n!!! note\n    Shown as code.\n:::tip\nx\n:::\n=== "A"\n    a\n```\n',
        '```markdown\n!!! note\n    Shown as code.\n:::tip\nx\n:::\n=== "A"\n    a\n```\n',
        id="code-is-left-alone",
    ),
]


@pytest.mark.parametrize(("dialect", "source", "expected"), CONVERSIONS)
def test_each_construct_becomes_its_wiki_form(
    dialect: tuple[str, ...], source: str, expected: str
) -> None:
    result = convert(source, dialect)
    assert result.content == expected
    assert [p for p in result.problems if p.left_as_text] == []


def test_each_output_line_knows_the_line_it_comes_from() -> None:
    source = 'Intro.\n\n!!! note "T"\n    Body.\n\n{{< mine >}}\n'
    result = convert(source, ("admonition",))
    assert result.content.split("\n")[2:6] == ["> **T**", ">", "> Body.", "{.is-info}"]
    assert result.origins[2:6] == (3, 3, 4, 4)
    (problem,) = result.problems
    assert (problem.line, problem.code) == (6, "unconverted-syntax")


# (dialect, source, the warnings: line and message) for constructs left as text
LEFT_AS_TEXT = [
    pytest.param(
        ("hugo-shortcodes", "docsy"),
        '{{< blocks/cover title="Hi" >}}\n`{{< in code >}}` and [x]({{< ref "a.md" >}})\n'
        "{{< param missing >}}\n",
        [
            (1, "Hugo shortcode {{< blocks/cover >}} has no Wiki.js form; left as text"),
            (3, "Hugo shortcode {{< param >}} has no Wiki.js form; left as text"),
        ],
        id="site-shortcodes",
    ),
    pytest.param(
        ("mdx",),
        "import Thing from '@site/src/components/Thing';\n\n<Thing />\n\n```jsx\n<Code />\n```\n",
        [(3, "component <Thing> has no Wiki.js form; left as text")],
        id="local-components",
    ),
    pytest.param(
        ("admonition", "template-expressions"),
        "# API\n\n::: pydantic.aliases\n\nVersion {{ config.version }}.\n",
        [
            (
                3,
                "block '::: pydantic.aliases' has no Wiki.js form (the site's own extension, "
                "such as mkdocstrings, makes its text); left as text",
            ),
            (5, "template expression {{ config.version }} has no Wiki.js form; left as text"),
        ],
        id="mkdocstrings-and-macros",
    ),
    pytest.param(
        ("liquid",),
        "{% include footer.html %}\n",
        [(1, "Liquid tag {% include %} has no Wiki.js form; left as text")],
        id="liquid-tags",
    ),
    pytest.param(
        ("docusaurus-admonitions",),
        "!!! note\n    Not this tree's syntax.\n",
        [
            (
                1,
                "admonition '!!! note' is left as text: add admonition to dialect: in "
                "wikisync.yml to convert it",
            )
        ],
        id="another-dialect",
    ),
]


@pytest.mark.parametrize(("dialect", "source", "warnings"), LEFT_AS_TEXT)
def test_constructs_without_a_wiki_form_are_one_warning_each(
    dialect: tuple[str, ...], source: str, warnings: list[tuple[int, str]]
) -> None:
    result = convert(source, dialect)
    assert [(p.line, p.message) for p in result.problems] == warnings
    assert result.left_as_text == len(warnings)


def test_site_params_fill_param_shortcodes() -> None:
    context = DialectContext("a.md", params={"github_repo": "https://github.com/x/y"})
    result = convert('Repo: {{< param "github_repo" >}}.\n', ("hugo-shortcodes",), context)
    assert result.content == "Repo: https://github.com/x/y.\n"


# -- includes ---------------------------------------------------------------------------------

FILES = {
    "docs/snippets/abbr.md": "*[HTML]: Hyper Text Markup Language\n",
    "docs/snippets/steps.md": "1. One\n2. Two\n3. Three\n",
    "docs/snippets/sections.md": (
        "Before.\n--8<-- [start:usage]\nUsage text.\n--8<-- [end:usage]\nAfter.\n"
    ),
    "docs_src/tutorial001.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
    "docs/guide/_partial.mdx": "---\nsidebar: false\n---\nShared **text**.\n",
    "docs/examples/region.ts": "// #region setup\nconst a = 1\n// #endregion setup\nexport {}\n",
    "docs/loop.md": '--8<-- "loop.md"\n',
    "docs/components/_warn.mdx": (
        ":::caution\nRead [the basics](../tutorials/basics.md#start) and [the FAQ](faq.md).\n:::\n"
    ),
    "docs/tutorials/basics.md": "# Basics\n",
}


def context(source: str = "guide/page.md") -> DialectContext:
    folder = source.rsplit("/", 1)[0] if "/" in source else ""
    return DialectContext(
        source,
        FILES.get,
        here=f"docs/{folder}".rstrip("/"),
        content_root="docs",
    )


INCLUDES = [
    pytest.param(
        ("pymdownx-snippets",),
        '--8<-- "snippets/steps.md:2:3"\n\n--8<-- "snippets/sections.md:usage"\n',
        "2. Two\n3. Three\n\nUsage text.\n",
        ["docs/snippets/steps.md", "docs/snippets/sections.md"],
        id="snippet-lines-and-sections",
    ),
    pytest.param(
        ("pymdownx-snippets",),
        '```python\n--8<-- "docs_src/tutorial001.py"\n```\n\n--8<--\nsnippets/abbr.md\n--8<--\n',
        "```python\nfrom fastapi import FastAPI\n\napp = FastAPI()\n```\n\n"
        "*[HTML]: Hyper Text Markup Language\n",
        ["docs_src/tutorial001.py", "docs/snippets/abbr.md"],
        id="snippet-in-a-code-block-and-block-form",
    ),
    pytest.param(
        ("markdown-include", "code-includes"),
        "```python\n{!../docs_src/tutorial001.py!}\n```\n\n{* ../../docs_src/tutorial001.py ln[3] hl[3] *}\n",
        "```python\nfrom fastapi import FastAPI\n\napp = FastAPI()\n```\n\n```python\napp = FastAPI()\n```\n",
        ["docs_src/tutorial001.py"],
        id="markdown-include-and-code-include",
    ),
    pytest.param(
        ("vitepress-includes",),
        "<<< @/examples/region.ts#setup{1} [setup.ts]\n\n<!--@include: ../snippets/steps.md{2,}-->\n",
        "```typescript\nconst a = 1\n```\n\n2. Two\n3. Three\n",
        ["docs/examples/region.ts", "docs/snippets/steps.md"],
        id="vitepress-snippet-and-include",
    ),
    pytest.param(
        ("mdx",),
        "import Partial from './_partial.mdx';\n\n<Partial />\n",
        "\nShared **text**.\n",
        ["docs/guide/_partial.mdx"],
        id="docusaurus-partial",
    ),
    pytest.param(
        ("liquid", "hugo-shortcodes"),
        '{% include_relative ../snippets/abbr.md %}\n{{< readfile file="/snippets/steps.md" >}}\n',
        "*[HTML]: Hyper Text Markup Language\n1. One\n2. Two\n3. Three\n",
        ["docs/snippets/abbr.md", "docs/snippets/steps.md"],
        id="jekyll-and-hugo",
    ),
]


@pytest.mark.parametrize(("dialect", "source", "expected", "read"), INCLUDES)
def test_includes_are_expanded_from_the_tree(
    dialect: tuple[str, ...], source: str, expected: str, read: list[str]
) -> None:
    result = convert(source, dialect, context())
    assert [p.message for p in result.problems] == []
    assert result.content == expected
    assert list(result.includes) == read


def test_an_autorefs_cross_reference_is_its_text_with_a_warning() -> None:
    source = (
        "Use [`BaseModel`][pydantic.main.BaseModel], [x.y][] and [a link][docs].\n\n"
        "`[not][a.ref]`\n\n[docs]: https://example.com\n"
    )
    result = convert(source, ("autorefs",))
    assert result.content == (
        "Use `BaseModel`, x.y and [a link][docs].\n\n`[not][a.ref]`\n\n[docs]: https://example.com\n"
    )
    assert [(p.line, p.code) for p in result.problems] == [(1, "unconverted-syntax")] * 2
    assert "pydantic.main.BaseModel" in result.problems[0].message


def test_mkdocstrings_sites_get_the_autorefs_extension(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\nplugins:\n  - mkdocstrings\n")
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee [Model][pkg.Model].\n")
    loaded = load_directory(tmp_path)
    page = next(p for p in loaded.pages if p.source == "index.md")
    assert "See Model." in page.content
    assert any("pkg.Model" in p.message for p in loaded.problems)


def test_snippets_auto_append_adds_the_sites_shared_definitions(tmp_path: Path) -> None:
    """pymdownx snippets' ``auto_append`` files follow every page, as the site builds it;
    outside a git repository they are looked up from the project's folder."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "includes").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.snippets:\n"
        "      auto_append:\n        - includes/links.md\n"
    )
    (tmp_path / "includes" / "links.md").write_text("[spec]: https://spec.example.com\n")
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nRead [the spec][spec].\n")
    loaded = load_directory(tmp_path)
    page = next(p for p in loaded.pages if p.source == "index.md")
    assert "[spec]: https://spec.example.com" in page.content
    assert not [p for p in loaded.problems if p.code == "unconverted-syntax"]


def test_a_vitepress_site_with_the_tabs_plugin_gets_its_tabs(tmp_path: Path) -> None:
    (tmp_path / ".vitepress").mkdir()
    (tmp_path / ".vitepress" / "config.ts").write_text(
        "import { tabsMarkdownPlugin } from 'vitepress-plugin-tabs'\n"
        "export default { markdown: { config(md) { md.use(tabsMarkdownPlugin) } } }\n"
    )
    (tmp_path / "index.md").write_text("# Home\n\n:::tabs\n== One\n1\n== Two\n2\n:::\n")
    loaded = load_directory(tmp_path)
    page = next(p for p in loaded.pages if p.source == "index.md")
    assert "## Tabs {.tabset}\n### One\n1" in page.content
    assert not [p for p in loaded.problems if p.code == "unconverted-syntax"]


def test_hugo_param_reads_the_pages_front_matter_first(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "hugo.toml").write_text('title = "x"\n[params]\nversion = "1.0"\nnote = "site"\n')
    (tmp_path / "content" / "_index.md").write_text(
        "---\ntitle: Home\nnote: page\n---\n\nv{{< param version >}}, {{% param note %}}.\n"
    )
    loaded = load_directory(tmp_path / "content")
    page = next(p for p in loaded.pages if p.source == "_index.md")
    assert "v1.0, page." in page.content


def test_a_partials_links_are_read_from_its_own_folder() -> None:
    """Docusaurus resolves a partial's links from the partial's file (then from the docs
    folder): the page that shows it gets them written from its own folder."""
    source = 'import Warn from "../components/_warn.mdx";\n\n<Warn />\n'
    result = convert(source, ("mdx", "docusaurus-admonitions"), context("guide/page.md"))
    assert "[the basics](../tutorials/basics.md#start)" in result.content
    assert "[the FAQ](faq.md)" in result.content  # no such file beside the partial


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('--8<-- "../../etc/passwd"\n', "the file is outside the tree"),
        ('--8<-- "nothing.md"\n', "no such file in the tree"),
        ('--8<-- "snippets/sections.md:nowhere"\n', "the section or region is not in the file"),
        ('--8<-- "loop.md"\n', "'loop.md' includes itself"),
    ],
)
def test_an_include_that_cannot_be_read_stays_as_text_with_one_warning(
    source: str, message: str
) -> None:
    result = convert(source, ("pymdownx-snippets",), context("page.md"))
    assert result.content == source if "loop" not in source else result.content.count("8<") == 1
    (problem,) = result.problems
    assert message in problem.message and problem.left_as_text


def test_an_escaped_snippet_is_text_without_a_warning() -> None:
    result = convert(';--8<-- "x.md"\n', ("pymdownx-snippets",), context())
    assert result.content == '--8<-- "x.md"\n' and result.problems == ()


# -- the structure is the parser's -------------------------------------------------------------
# Where a container, a fence, a quote or a heading is comes from markdown-it-py set up with the
# dialect (``_structure``), as each generator's parser reads it.


def test_an_indented_code_block_is_code_not_an_admonition() -> None:
    source = "Text.\n\n    !!! note\n        shown as code\n\nMore.\n"
    assert convert(source, ("admonition",)).content == source


def test_a_fence_hides_a_closer_from_a_docusaurus_container() -> None:
    source = ":::tip\n\n```md\n:::\n```\n\nStill the tip.\n:::\n\nAfter.\n"
    assert convert(source, ("docusaurus-admonitions",)).content == (
        "> ```md\n> :::\n> ```\n>\n> Still the tip.\n{.is-success}\n\nAfter.\n"
    )


def test_a_vitepress_container_closes_as_markdown_it_container_reads_it() -> None:
    """VitePress registers its containers with markdown-it-container, whose closer is the
    first line of colons, in a fence or not: the wiki shows what the site shows."""
    source = "::: tip\nBefore.\n\n~~~md\n:::\n~~~\n"
    result = convert(source, ("vitepress-containers",))
    # the callout holds "Before." and the fence's first line; the rest is after it
    assert result.content.startswith(
        '<blockquote class="is-success">\n\nBefore.\n\n~~~md\n\n</blockquote>\n\n~~~\n'
    )


def test_a_lazy_line_belongs_to_the_github_alert() -> None:
    source = "> [!WARNING]\n> Back up first,\nthen upgrade.\n\nAfter.\n"
    assert convert(source, ("github-alerts",)).content == (
        "> Back up first,\n> then upgrade.\n{.is-warning}\n\nAfter.\n"
    )


def test_a_setext_heading_sets_the_level_of_the_tabs_after_it() -> None:
    source = 'Install\n-------\n\n=== "A"\n    a\n=== "B"\n    b\n'
    content = convert(source, ("material-tabs",)).content
    assert "### Tabs {.tabset}\n#### A\na\n" in content


def test_mdx_has_no_indented_code_so_an_indented_container_is_read() -> None:
    source = (
        '<Tabs>\n  <TabItem value="a" label="A">\n\n    :::tip\n\n    In the tab.\n\n'
        "    :::\n\n  </TabItem>\n</Tabs>\n"
    )
    content = convert(source, ("mdx", "docusaurus-admonitions")).content
    assert '<blockquote class="is-success">\n\nIn the tab.\n\n</blockquote>' in content
    assert ":::" not in content and "<Tab" not in content


def test_a_components_indented_body_is_markdown_not_code() -> None:
    source = (
        '<Tabs>\n  <TabItem value="a" label="A">\n\n    Some *text*.\n\n    ```js\n'
        "    if (x) {\n      y();\n    }\n    ```\n\n  </TabItem>\n</Tabs>\n"
    )
    assert convert(source, ("mdx",)).content == (
        "# Tabs {.tabset}\n## A\nSome *text*.\n\n```js\nif (x) {\n  y();\n}\n```\n"
    )


def test_a_shortcode_in_indented_code_is_still_the_generators() -> None:
    """Hugo expands shortcodes before Markdown: indentation does not hide them."""
    source = '{{< alert title="Note" >}}\nText.\n\n    {{< param "version" >}}\n{{< /alert >}}\n'
    context = DialectContext("x.md", params={"version": "1.2"})
    content = convert(source, ("hugo-shortcodes", "docsy"), context).content
    assert '<blockquote class="is-info">\n\n**Note**' in content
    assert "1.2" in content and "{{<" not in content


def test_a_code_group_takes_its_tabs_from_the_parsed_fences() -> None:
    source = "::: code-group\n````md [a.md]\n```\nnot a fence end\n````\n~~~sh\nb\n~~~\n:::\n"
    content = convert(source, ("vitepress-containers",)).content
    assert content == (
        "# Tabs {.tabset}\n## a.md\n````md\n```\nnot a fence end\n````\n\n## sh\n```sh\nb\n```\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "!!! example\n    Run it:\n\n    ```bash\n    make\n    ```\n", id="ends-in-code"
        ),
        pytest.param(
            '!!! note "Outer"\n    Text.\n\n    !!! tip\n        Inner.\n', id="nested-last"
        ),
        pytest.param(
            "- Step\n\n    !!! tip\n        In a list.\n\n- Next\n", id="last-in-list-item"
        ),
        pytest.param("!!! note\n    | a | b |\n    |---|---|\n    | 1 | 2 |\n", id="ends-in-table"),
        pytest.param("!!! note\n    Text.\n\n    - one\n    - two\n", id="ends-in-list"),
    ],
)
def test_every_callout_is_shown_styled(source: str) -> None:
    """What the wiki renders: each callout is a styled blockquote, whatever it ends with
    and wherever it is, and no class line is left as text."""
    from wikijs.testing._render import render

    content = convert(source, ("admonition",)).content
    html = render(
        content, "markdown", page_path="x", default_locale="en", page_exists=lambda *_: True
    ).html
    assert "{.is-" not in html, html
    assert html.count("<blockquote") == html.count('<blockquote class="is-') == source.count("!!!")


# -- bounds ---------------------------------------------------------------------------------


def test_nesting_deeper_than_the_cap_is_left_as_text() -> None:
    levels = MAX_DEPTH + 5
    source = "".join(f"{'    ' * i}!!! note\n" for i in range(levels)) + "    " * levels + "x\n"
    result = convert(source, ("admonition",))
    assert any(f"nested more than {MAX_DEPTH} deep" in p.message for p in result.problems)
    callouts = result.content.count("{.is-info}") + result.content.count('class="is-info"')
    assert callouts == MAX_DEPTH - 1


# -- the registry and the flavors ---------------------------------------------------------------


def test_every_flavor_declares_known_extensions() -> None:
    for flavor in FLAVORS.values():
        assert set(flavor.dialect) <= set(DIALECTS), flavor.name
    assert FLAVORS["mkdocs"].dialect[:4] == (
        "admonition",
        "pymdownx-details",
        "pymdownx-blocks",
        "material-tabs",
    )


def test_every_extension_with_constructs_says_what_text_they_need() -> None:
    """A page holding none of its dialect's marks is not parsed for them: an extension
    with constructs and no marks would never convert anything."""
    for dialect in DIALECTS.values():
        if dialect.containers or dialect.openers or dialect.inline:
            assert dialect.marks, dialect.name
    plain = "# Title\n\nNo construct here.\n\n```\ncode\n```\n"
    assert convert(plain, tuple(DIALECTS)).content == plain


def test_the_dialect_layer_names_no_generator() -> None:
    """Extensions are picked by name in the flavors; the dialect code never asks which
    generator it serves."""
    folder = Path(wikisync.__file__).parent / "local" / "markdown" / "dialects"
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        literals = {
            node.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert not literals & set(FLAVORS), path


def test_wikisync_yml_can_name_the_dialect() -> None:
    assert parse_config("dialect: [admonition, vitepress-containers]\n").dialect == (
        "admonition",
        "vitepress-containers",
    )
    with pytest.raises(ConfigError) as caught:
        parse_config("dialect: [admonitions]\n")
    assert "unknown dialect extension 'admonitions'" in caught.value.problems[0].message


# -- the plan counts what is left as text -------------------------------------------------


def test_every_renderer_counts_the_constructs_left_as_text() -> None:
    plan = Plan(constructs_left_as_text=3)
    sentence = "3 constructs left as text: Wiki.js has no form for them"
    assert sentence in render_text(plan, color=False, directory="docs")
    assert sentence in render_markdown(plan, directory="docs")
    document = render_json(plan, target={"url": "https://wiki.example.com"}, wikisync_version="0")
    assert json.loads(document)["constructs_left_as_text"] == 3
    assert load_plan_json(document)[0].constructs_left_as_text == 3
    assert "left as text" not in render_text(Plan(), color=False, directory="docs")


def test_a_loaded_tree_counts_them_once_each(tmp_path: Path) -> None:
    (tmp_path / "hugo.yaml").write_text("title: Site\n", encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    (content / "page.md").write_text(
        "---\ntitle: P\n---\n{{< mine >}} {{< mine >}}\n\n{{% alert %}}\nConverted.\n"
        "{{% /alert %}}\n\n{{< other >}}\n",
        encoding="utf-8",
    )
    loaded = load_directory(content)
    warned = [(p.line, p.message) for p in loaded.problems if p.code == "unconverted-syntax"]
    assert warned == [
        (4, "Hugo shortcode {{< mine >}} has no Wiki.js form; left as text"),
        (4, "Hugo shortcode {{< mine >}} has no Wiki.js form; left as text"),
        (10, "Hugo shortcode {{< other >}} has no Wiki.js form; left as text"),
    ]
    assert loaded.constructs_left_as_text == 3
    (page,) = loaded.pages
    assert "> Converted.\n{.is-info}" in page.content
