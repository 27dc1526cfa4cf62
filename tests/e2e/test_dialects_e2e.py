"""Docs trees in each generator's dialect, through the whole cycle on the emulator.

Each tree (tests/data/dialects: Material for MkDocs, VitePress, Docusaurus, Jekyll with
just-the-docs; and the three real corpora) is copied to a git repository and applied to
the emulator. Read back through the API, its pages hold no construct that Wiki.js has a
form for, the code the pages include is there, the constructs without a form are
exactly the ones warned about and counted in the plan, a second plan is empty, and
``pull`` leaves every file byte for byte as it was. Editing an included file re-plans
exactly the pages that include it, also with ``--changed-since``.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from e2e_helpers import Wiki, plan_json
from git_helpers import git
from typer.testing import CliRunner

from wikijs import WikiJSClient
from wikijs.testing import WikiJSEmulator

DATA = Path(__file__).parents[1] / "data"

# Generator syntax that Wiki.js has a form for: none of it may reach the wiki as text.
CONVERTIBLE = re.compile(
    r"^[ \t]*(?:!!!|\?\?\?\+?)[ \t]+\w"  # admonitions, details
    r"|^[ \t]*===[!+]*[ \t]+\""  # content tabs
    r"|^[ \t]*/{3,}[ \t]*\w"  # pymdownx blocks
    r"|^ {0,3}:{3,}[ \t]*(?:note|tip|info|warning|danger|caution|important|details|code-group)"
    r"|^ {0,3}>[ \t]?\[!\w+\]"  # GitHub alerts
    r"|-{1,}8<-{1,}|\{![^}]*!\}|^[ \t]*\{\*|^[ \t]*<<<[ \t]|@include:"  # includes
    r"|\{%-?[ \t]*(?:include_relative|raw|endraw|highlight)\b"
    r"|\{\{[<%][ \t]*/?(?:alert|pageinfo|tabpane|tab|figure|highlight|details|youtube|vimeo|readfile)\b"
    r"|<(?:Tabs|TabItem|Details|CodeBlock|Admonition|DocCardList)\b"
    r"|^\{:[ \t]*\.(?:note|warning|important|highlight|new)",
    re.MULTILINE,
)
FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def outside_code(text: str) -> str:
    kept: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opening = FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and opening and opening.group(1).startswith(fence):
            fence = None
        elif fence is None:
            kept.append(line)
    return "\n".join(kept)


@dataclass(frozen=True)
class Tree:
    name: str
    folder: Path
    content: str
    flavor: str
    left_as_text: int  # constructs warned about and counted in the plan
    # (page path, texts its content must hold: converted forms, included code)
    holds: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # an included file, and the pages that include it
    included: tuple[str, tuple[str, ...]] | None = None
    # a wikisync.yml written into the content directory (flavors other changes add)
    settings: str | None = None


TREES = (
    Tree(
        "material-mkdocs",
        DATA / "dialects" / "material-mkdocs",
        "docs",
        "mkdocs",
        left_as_text=2,  # two mkdocstrings blocks
        holds=(
            (
                "install",
                (
                    "## Tabs {.tabset}\n### pip\n```bash\npip install tutorial",
                    "<summary>What you should see</summary>",
                    "is-danger",  # a callout ending in code: an HTML blockquote of the class
                ),
            ),
            (
                "tutorial/first-steps",
                (
                    'return {"message": "Hello World"}',
                    "$ fastapi dev main.py",
                    "<summary>Technical details</summary>",
                ),
            ),
            (
                "tutorial/body",
                (
                    "### Python 3.10+\n```python\nfrom fastapi import FastAPI",
                    "price: Union[float, None] = None",
                    "> **Careful**",
                ),
            ),
            ("home", ("*[API]: Application Programming Interface", "> **Before you start**")),
        ),
        included=("docs_src/first_steps/tutorial001.py", ("tutorial/first-steps",)),
    ),
    Tree(
        "vitepress",
        DATA / "dialects" / "vitepress",
        "docs",
        "plain",
        left_as_text=0,
        holds=(
            (
                "guide/getting-started",
                (
                    "### pnpm\n```sh\npnpm add -D widget",
                    "// #region register",
                    "> **STOP**",
                    "> **Support**",
                ),
            ),
            (
                "guide/markdown",
                (
                    "```typescript\n  plugins: [widget()],\n```",
                    "| `size` | `medium` |",
                    "<summary>Click to see",
                ),
            ),
        ),
        # guide/markdown includes only a region of it, which the edit leaves alone
        included=("docs/snippets/config.ts", ("guide/getting-started",)),
    ),
    Tree(
        "docusaurus-tabs",
        DATA / "dialects" / "docusaurus-tabs",
        "docs",
        "docusaurus",
        left_as_text=1,  # the site's own <Highlight> component
        holds=(
            (
                "docs/install",
                ("## Yarn\n```bash\nyarn add gadget", "<summary>Behind a proxy?</summary>"),
            ),
            (
                "docs/guides/configure",
                (
                    "module.exports = { verbose: true };",
                    "```js\nmodule.exports = {\n  verbose: true,\n};",
                ),
            ),
            ("docs/guides", ("- [Configure](/en/docs/guides/configure)",)),
            ("docs/guides/deploy", ("## Kubernetes\nApply `deploy.yaml`.",)),
        ),
        included=("docs/guides/_setup.mdx", ("docs/guides/configure",)),
    ),
    Tree(
        "jekyll-just-the-docs",
        DATA / "dialects" / "jekyll-just-the-docs",
        "docs",
        "plain",
        left_as_text=1,  # {% include footer.html %}: the site's layout
        holds=(
            ("home", ("> Toolkit needs Ruby 3.\n{.is-info}", "Version 2.1", "# Toolkit {.fs-9}")),
            (
                "usage",
                (
                    "`{{ page.title }}` is the page's title.",
                    "```ruby\nToolkit.run",
                    "> **Careful**",
                ),
            ),
        ),
        included=("docs/_includes/badges.md", ("home",)),
    ),
    # 64 mkdocstrings blocks, 12 autorefs cross-references to the pages they make, the
    # site's own `::: mkdocs-click` block, and a snippet of a file the snapshot does not hold
    Tree("mkdocs-corpus", DATA / "corpora" / "mkdocs", "docs", "mkdocs", left_as_text=78),
    Tree(
        "prettier-docusaurus",
        DATA / "corpora" / "prettier-docusaurus",
        "docs",
        "docusaurus",
        left_as_text=0,
    ),
    Tree(
        "vitepress-i18n",
        DATA / "corpora" / "vitepress-i18n",
        "docs",
        "plain",
        # the site's own Vue components (the theme's <Badge>s are converted)
        left_as_text=9,
        settings="flavor: plain\nlocales: [en, zh, ja]\n"
        "dialect: [vitepress-containers, vitepress-components, vitepress-includes, github-alerts]\n",
    ),
    Tree(
        "jekyll-just-the-docs",
        DATA / "corpora" / "jekyll-just-the-docs",
        "",
        "plain",
        left_as_text=1,  # {% for contributor in site.github.contributors %}
        # {% link %} targets are the Jekyll flavor's (another change): warnings here
        settings="flavor: plain\nseverity: {broken-link: warning, link-outside: warning}\n"
        'exclude: ["_includes/**", "_layouts/**", CHANGELOG.md, MIGRATION.md, README.md, 404.html]\n'
        "dialect: [kramdown-ial, liquid, github-alerts, md-in-html]\n",
    ),
)


@pytest.fixture
def wiki() -> Iterator[Wiki]:
    with WikiJSEmulator(locales=("en", "zh", "ja")) as emulator:
        yield Wiki(emulator, CliRunner())


def _copy(tmp_path: Path, tree: Tree) -> tuple[Path, Path]:
    repo = tmp_path / tree.name
    shutil.copytree(tree.folder, repo, symlinks=True)
    if tree.settings is not None:
        (repo / tree.content / "wikisync.yml").write_text(tree.settings, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs as kept upstream")
    return repo, (repo / tree.content) if tree.content else repo


@pytest.mark.parametrize("tree", TREES, ids=[t.name for t in TREES])
def test_a_tree_in_its_dialect_reaches_the_wiki_in_wiki_form(
    wiki: Wiki, tmp_path: Path, tree: Tree
) -> None:
    repo, content = _copy(tmp_path, tree)

    validated = wiki.run("validate", str(content), "--json")
    assert validated.exit_code == 0, validated.output
    assert f"Flavor: {tree.flavor}" in validated.stderr
    checked = json.loads(validated.stdout)
    left = [p for p in checked["problems"] if p["code"] == "unconverted-syntax"]
    assert len(left) == checked["constructs_left_as_text"] == tree.left_as_text, left

    planned = plan_json(wiki.run("plan", str(content), "--json"))
    assert planned["constructs_left_as_text"] == tree.left_as_text
    text_plan = wiki.run("plan", str(content))
    if tree.left_as_text:
        assert f"{tree.left_as_text} construct" in text_plan.stdout

    applied = wiki.run("apply", str(content), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert " 0 failed" in applied.output

    with WikiJSClient(wiki.emulator.url, api_key=wiki.emulator.api_key) as client:
        full = [
            client.pages.get(p.id)
            for p in client.pages.list()
            if not p.path.endswith("_wikisync-state")
        ]
    pages = {p.path if p.locale == "en" else f"{p.locale}/{p.path}": p.content for p in full}
    for page in full:  # every callout is shown styled: no class line is left as text
        assert page.render is not None and "{.is-" not in page.render, page.path
    # An include that names no file in the tree stays as written, with its warning.
    sources = {
        c["path"] if c["locale"] == "en" else f"{c['locale']}/{c['path']}": c["source"]
        for c in planned["changes"]
    }
    unread = [p["source"] for p in left if p["message"].startswith("include of")]
    for path, page_content in pages.items():
        found = CONVERTIBLE.findall(outside_code(page_content))
        assert len(found) == unread.count(sources.get(path, "")), (path, found)
    for path, texts in tree.holds:
        for text in texts:
            assert text in pages[path], (path, text)

    again = wiki.run("plan", str(content))
    assert "No changes." in again.stdout, again.output

    pulled = wiki.run("pull", str(content))
    assert pulled.exit_code == 0, pulled.output
    assert git(repo, "status", "--porcelain") == ""  # the files keep their own syntax

    if tree.included is None:
        return
    included, includers = tree.included
    target = repo / included
    target.write_text(target.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    changed = plan_json(wiki.run("plan", str(content), "--json"))
    assert sorted(c["path"] for c in changed["changes"]) == sorted(includers)
    assert {c["action"] for c in changed["changes"]} == {"update"}
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "edit an included file")
    scoped = wiki.run("plan", str(content), "--json", "--changed-since", "HEAD~1")
    assert sorted(c["path"] for c in plan_json(scoped)["changes"]) == sorted(includers)
    assert "--changed-since HEAD~1: planning" in scoped.stderr
