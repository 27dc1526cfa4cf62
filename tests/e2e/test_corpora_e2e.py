"""Three real documentation trees, as their projects keep them, through the whole cycle.

Each tree (tests/data/corpora: MkDocs, Docusaurus, Hugo with Docsy) is copied to a tmp
git repository and, without any edit or settings file: validate -> plan -> apply on the
emulator -> plan says "No changes." -> pull -> `git status` is clean. Along the way: the
flavor is detected and named, pages sit at the paths the site serves, no page is empty,
every link in the wiki names a page or asset that exists there, except exactly the
ones reported as warnings (left as written), and the wiki shows what the site shows:
images the site serves from its static folder (``/images/x.png``) are uploaded, no line
break inside a paragraph is left for Wiki.js to show as ``<br>``, and no page repeats its
title as its first heading.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from e2e_helpers import Wiki, plan_json
from git_helpers import git
from typer.testing import CliRunner

from wikijs.testing import WikiJSEmulator
from wikisync.engine import load_directory
from wikisync.local.markdown.links import LINK_CODES, iter_link_destinations
from wikisync.local.markdown.parse import scan_markdown
from wikisync.local.markdown.shown import title_heading

CORPORA = Path(__file__).parents[1] / "data" / "corpora"
SITES = Path(__file__).parents[1] / "data" / "sites"
EXTERNAL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|#)")


@dataclass(frozen=True)
class Corpus:
    name: str
    content: str  # the content directory inside the tree
    flavor: str
    detected_from: str
    pages: tuple[tuple[str, str], ...]  # (locale, path) the site serves
    assets: tuple[str, ...] = ()  # served asset paths
    nav: tuple[tuple[str, str | None, float | None], ...] = ()  # (source, title, order)
    rewritten: tuple[tuple[str, str, str], ...] = ()  # (locale, path, link in its content)
    # (locale, path, generator syntax that must be gone, Wiki.js callout class now there)
    converted: tuple[tuple[str, str, str, str], ...] = ()
    folder: Path = CORPORA  # tests/data/sites: small sites written after a generator's docs
    # files the site serves from its static folder, added to the copy (they are not in
    # the snapshot), and (locale, path) of the page whose site-absolute link names each
    static: tuple[tuple[str, str, str], ...] = ()


CASES = (
    Corpus(
        name="mkdocs",
        content="docs",
        flavor="mkdocs",
        detected_from="../mkdocs.yml",
        pages=(
            ("en", "home"),
            ("en", "user-guide"),  # user-guide/README.md
            ("en", "dev-guide"),
            ("en", "user-guide/configuration"),
            ("en", "about/license"),
        ),
        assets=("img/screenshot.png", "img/mkdocs_theme_light_mode.png"),
        nav=(
            ("index.md", "Home", 0.0),
            ("getting-started.md", "Getting Started", 1.0),
            ("user-guide/README.md", "User Guide", 2.0),
            ("about/license.md", "License", 6.0),
        ),
        # index.md links to "user-guide/" (a folder whose page is its README.md)
        rewritten=(("en", "home", "/en/user-guide"),),
    ),
    Corpus(
        name="prettier-docusaurus",
        content="docs",
        flavor="docusaurus",
        detected_from="../website/docusaurus.config.js",
        pages=(("en", "docs"), ("en", "docs/install"), ("en", "docs/ci"), ("en", "docs/api")),
        nav=(("index.md", None, 0.0), ("install.md", None, 5.0), ("for-enterprise.md", None, 23.0)),
        rewritten=(("en", "docs/install", "/en/docs/ignore"),),
        converted=(
            ("en", "docs/install", "\n:::", "{.is-"),
            ("en", "docs/options", "\n:::", "{.is-"),
        ),
        static=(
            ("website/static/images/webstorm/prettier-settings.png", "en", "docs/webstorm"),
            (
                "website/static/images/youtube-cover/"
                "a-prettier-printer-by-james-long-on-react-conf-2017.png",
                "en",
                "docs",
            ),
        ),
    ),
    Corpus(
        name="docsy-hugo",
        content="content",
        flavor="hugo",
        detected_from="../hugo.yaml",
        pages=(
            ("en", "home"),
            ("en", "docs"),
            ("en", "docs/tasks/ponycopters"),  # Ponycopters/_index.md, lowercased like Hugo
            ("en", "blog/news/first-post"),  # a page bundle
            ("en", "community"),  # a section page with only front matter
            ("no", "docs/big-data"),
            ("fa", "docs/overview"),
        ),
        nav=(
            ("en/docs/_index.md", "Docs", None),
            ("en/docs/tasks/beds.md", None, 2.0),
            ("en/docs/tasks/_index.md", None, 6.0),
            ("en/blog/news/first-post/index.md", "Announcing Docsy", None),
        ),
        # a site-absolute link from a Norwegian page names the English page it serves
        rewritten=(
            (
                "no",
                "docs/reference/the-math-of-monoliths-detailed-spec",
                "/en/docs/getting-started/example-page)",
            ),
            ("en", "docs/tasks/beds", "/en/about"),
        ),
        converted=(("en", "docs/getting-started/example-page", "{{% alert", "{.is-success}"),),
    ),
    Corpus(
        name="jekyll-quarry",
        content=".",
        flavor="jekyll",
        detected_from="_config.yml",
        pages=(
            ("en", "home"),  # index.md, permalink: /
            ("en", "docs/getting-started"),  # permalink: pretty serves it at /docs/getting-started/
            ("en", "docs/configuration"),
            ("en", "docs/configuration/navigation/overview"),
            ("en", "docs/reference"),  # its own permalink
            ("en", "2024/03/01/quarry-1-0"),  # a post, in the site's permalink style
            ("en", "recipes/backup"),  # a collection with output: true
        ),
        assets=("assets/images/layout.svg",),
        nav=(
            ("docs/getting-started.md", None, 2.0),
            ("docs/configuration/index.md", None, 3.0),
        ),
        rewritten=(
            ("en", "home", "/en/docs/getting-started"),  # {% link docs/getting-started.md %}
            ("en", "home", "/en/2024/03/01/quarry-1-0"),  # {% post_url 2024-03-01-quarry-1-0 %}
            ("en", "home", "/en/docs/reference"),  # {{ site.baseurl }}/docs/reference/
            ("en", "docs/getting-started", "/en/docs/configuration/options"),  # | relative_url
            ("en", "docs/reference", "/en/docs/guides"),  # /quarry/docs/guides/: baseurl
            ("en", "docs/reference", "/en/docs/configuration"),  # baseurl + {% link %}
            ("en", "docs/guides/upgrade", "/en/recipes/backup"),
        ),
        folder=SITES,
    ),
    Corpus(
        name="vitepress-quarry",
        content="docs/src",
        flavor="vitepress",
        detected_from="../.vitepress/config.mts",
        pages=(
            ("en", "home"),  # layout: home, its hero and features as its body
            ("en", "guide/getting-started"),
            ("en", "reference/cli"),  # reference/commands.md, renamed by rewrites
            ("zh", "home"),
            ("zh", "guide/getting-started"),
            ("zh", "guide/configuration"),
            ("ja", "home"),
            ("ja", "guide/getting-started"),
        ),
        nav=(
            ("guide/getting-started.md", "Getting Started", 0.0),
            ("reference/commands.md", "Command Line", 2.0),
            ("zh/guide/configuration.md", "配置", 4.0),
        ),
        rewritten=(
            ("en", "home", "/en/guide/getting-started"),  # a hero action
            ("en", "guide/getting-started", "/en/reference/cli#add"),
            ("en", "guide/configuration", "/en/reference/cli"),  # ../reference/commands.md
            ("zh", "guide/configuration", "/zh/guide/getting-started#install"),
            ("zh", "guide/configuration", "/en/reference/cli"),  # a root-locale page
            ("ja", "guide/getting-started", "/ja/home"),  # /ja/
        ),
        folder=SITES,
    ),
    Corpus(
        name="typer-mkdocs-material",
        content="docs",
        flavor="mkdocs",
        detected_from="../mkdocs.yml",
        pages=(
            ("en", "home"),
            ("en", "features"),
            ("en", "tutorial/first-steps"),
            ("en", "tutorial/arguments/optional"),
        ),
        nav=(
            ("index.md", "Typer", 0.0),
            ("tutorial/first-steps.md", None, 4.0),
            ("tutorial/arguments/optional.md", None, 9.0),
        ),
        converted=(
            # {* docs_src/... *}: the example's code, from outside the docs folder
            ("en", "tutorial/first-steps", "{* docs_src/", "import typer"),
            ("en", "tutorial/first-steps", "\n/// tip", "{.is-"),
        ),
    ),
    Corpus(
        name="jekyll-just-the-docs",
        content=".",  # the repository root, as the site keeps it
        flavor="jekyll",
        detected_from="_config.yml",
        pages=(
            ("en", "home"),
            ("en", "docs/configuration"),  # served at /docs/configuration/ (permalink: pretty)
            ("en", "docs/navigation/main/ancestry"),
            ("en", "docs/ui-components/code/line-numbers"),
            ("en", "CHANGELOG"),
        ),
        nav=(("docs/configuration.md", None, 2.0), ("docs/navigation/index.md", None, 5.0)),
        rewritten=(
            ("en", "home", "/en/CHANGELOG"),  # ({% link CHANGELOG.md %})
            (
                "en",
                "docs/navigation/main/ancestry",
                "/en/docs/navigation/main/xs",
            ),  # [XS]: {% link %}
        ),
    ),
    Corpus(
        name="vitepress-i18n",
        content="docs",
        flavor="vitepress",
        detected_from=".vitepress/config.ts",
        pages=(
            ("en", "home"),  # en/index.md: rewrites 'en/:rest*' serve it at the root
            ("en", "guide/what-is-vitepress"),
            ("en", "reference/default-theme-config"),
            ("zh", "home"),
            ("zh", "guide/getting-started"),
            ("ja", "reference/site-config"),
        ),
        nav=(("en/guide/what-is-vitepress.md", "What is VitePress?", 0.0),),
        rewritten=(
            ("en", "home", "/en/guide/what-is-vitepress"),  # a hero action: ./guide/...
            ("zh", "home", "/zh/guide/getting-started"),
        ),
    ),
)


@pytest.fixture
def wiki() -> Iterator[Wiki]:
    # The Hugo site has Norwegian and Persian pages, the VitePress site Chinese and
    # Japanese ones: Wiki.js stores pages only in locales installed on it.
    with WikiJSEmulator(locales=("en", "no", "fa", "zh", "ja")) as emulator:
        yield Wiki(emulator, CliRunner())


def _copy(tmp_path: Path, corpus: Corpus) -> tuple[Path, Path]:
    repo = tmp_path / corpus.name
    shutil.copytree(corpus.folder / corpus.name, repo, symlinks=True)  # dangling, as kept
    for rel, _, _ in corpus.static:
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(b"\x89PNG\r\n\x1a\n" + rel.encode())
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs as kept upstream")
    return repo, repo / corpus.content


def _unresolved_links(wiki: Wiki) -> list[str]:
    """Links in the wiki's pages that name no page or asset of the wiki."""
    pages = {(p.locale, p.path) for p in wiki.emulator.pages()}
    locales = {locale for locale, _ in pages}
    bad: list[str] = []
    for page in wiki.emulator.pages():
        if page.path.endswith("_wikisync-state"):
            continue
        for _, _, destination in iter_link_destinations(page.content, templates=True):
            target = destination.strip()
            if "{{" in target:  # template syntax: shows as text, whatever it is part of
                bad.append(f"{page.locale}/{page.path}: {target}")
                continue
            if not target or EXTERNAL.match(target):
                continue
            path = unquote(re.split(r"[?#]", target, maxsplit=1)[0]).strip("/")
            first, _, rest = path.partition("/")
            if target.startswith("/") and not target.startswith("//"):
                if first in locales and (first, rest) in pages:
                    continue
                if wiki.emulator.asset(path) is not None:
                    continue
            bad.append(f"{page.locale}/{page.path}: {target}")
    return bad


@pytest.mark.parametrize("corpus", CASES, ids=[c.name for c in CASES])
def test_a_real_tree_syncs_as_it_is(wiki: Wiki, tmp_path: Path, corpus: Corpus) -> None:
    repo, content = _copy(tmp_path, corpus)

    validated = wiki.run("validate", str(content), "--json")
    assert validated.exit_code == 0, validated.output
    assert f"Flavor: {corpus.flavor} (detected from {corpus.detected_from})" in validated.stderr
    problems = json.loads(validated.stdout)["problems"]
    assert all(p["severity"] == "warning" for p in problems), problems
    link_warnings = [p for p in problems if p["code"] in LINK_CODES]

    planning = wiki.run("plan", str(content), "--json")
    assert f"Flavor: {corpus.flavor}" in planning.stderr  # stdout stays JSON
    planned = plan_json(planning)
    assert planned["links_left_broken"] == len(link_warnings)
    assert planned["summary"]["create"] >= len(corpus.pages)

    applied = wiki.run("apply", str(content), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert " 0 failed" in applied.output
    assert not re.search(r"[1-9]\d* failed", applied.output), applied.output
    assert f"Flavor: {corpus.flavor}" in applied.stderr

    again = wiki.run("plan", str(content))
    assert again.exit_code == 0, again.output
    assert "No changes." in again.stdout

    for locale, path in corpus.pages:
        assert wiki.page(path, locale) is not None, f"{locale}/{path}"
    for asset in corpus.assets:
        assert wiki.emulator.asset(asset) is not None, asset
    for locale, path, link in corpus.rewritten:
        page_content = wiki.page(path, locale).content
        written = (f"({link}", f'"{link}"', f"]: {link}")  # inline, HTML, a reference
        assert any(w in page_content for w in written), (locale, path, link)
    for locale, path, gone, callout in corpus.converted:
        page_content = wiki.page(path, locale).content
        assert gone not in page_content and callout in page_content, (locale, path)
    for record in wiki.emulator.pages():
        assert record.content.strip(), f"{record.locale}/{record.path} is empty"
    assert len(_unresolved_links(wiki)) == len(link_warnings)

    _shows_what_the_site_shows(wiki, repo, corpus)

    loaded = {p.source: p for p in load_directory(content).pages}
    assert sum(len(p.soft_breaks) for p in loaded.values()) > 0  # the files are hard-wrapped
    for source, title, order in corpus.nav:
        assert (loaded[source].nav_title, loaded[source].nav_order) == (title, order), source

    pulled = wiki.run("pull", str(content))
    assert pulled.exit_code == 0, pulled.output
    assert f"Flavor: {corpus.flavor}" in pulled.stderr
    assert git(repo, "status", "--porcelain") == ""


def _shows_what_the_site_shows(wiki: Wiki, repo: Path, corpus: Corpus) -> None:
    """Static images uploaded, no soft line break left in a paragraph, no title twice."""
    for rel, locale, path in corpus.static:
        served = "/" + rel.split("/static/", 1)[1]
        page_content = wiki.page(path, locale).content
        assert f"({served})" not in page_content, (path, served)  # rewritten
        uploaded = [
            target
            for _, _, target in iter_link_destinations(page_content)
            if target.endswith(served.rsplit("/", 1)[1])
        ]
        assert uploaded, (path, served)
        assert wiki.emulator.asset(unquote(uploaded[0]).lstrip("/")) == (repo / rel).read_bytes()
    for record in wiki.emulator.pages():
        if record.path.endswith("_wikisync-state"):
            continue
        scan = scan_markdown(record.content)
        assert scan.soft_breaks == (), f"{record.locale}/{record.path}"
        heading = scan.leading_heading
        if heading is not None and record.content[heading.end :].strip():  # not only a title
            assert title_heading(heading) != record.title, f"{record.locale}/{record.path}"
        # what the emulator renders (as Wiki.js does, line breaks on) has no <br> but
        # the hard breaks the files ask for
        assert (record.render or "").count("<br>") <= record.content.count("  \n") + (
            record.content.count("\\\n") + record.content.count("<br")
        ), f"{record.locale}/{record.path}"
