"""Pointed at a docs repository as it is, wikisync finds the docs and the first run plans.

Each tree is a git repository as its project keeps it: the three real corpora
(tests/data/corpora) and small trees of our own that follow each generator's documented
layout (MkDocs with a theme's ``custom_dir`` inside ``docs_dir``, Hugo with settings in
``config/_default/`` and a cascade of build options, Docusaurus with ``website/`` and a
``docusaurus.config.ts``). ``wikisync plan`` with no argument at the repository's root,
``plan .`` and ``plan`` in a folder of the repository without pages plan exactly the
pages that pointing at the content folder plans, with 0 errors; partials, templates and
theme files are never planned.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import Wiki, plan_json, write_site
from git_helpers import git
from typer.testing import CliRunner

from wikijs.testing import WikiJSEmulator

CORPORA = Path(__file__).parents[1] / "data" / "corpora"

MKDOCS_SITE = {
    "mkdocs.yml": """
        site_name: Quarry
        docs_dir: documentation
        theme:
          name: material
          custom_dir: documentation/overrides
        exclude_docs: |
          drafts/
          !drafts/keep.md
        draft_docs: |
          wip-*.md
        not_in_nav: |
          /hidden.md
        validation:
          links:
            not_found: warn
        plugins:
          - search
          - exclude:
              glob:
                - "internal/*"
              regex:
                - '.*\\.secret\\.md$'
        nav:
          - Home: index.md
          - Guide: guide.md
          - Release notes: v1.0-notes.md
        """,
    "README.md": "# The Quarry repository\n\nNot part of the site.\n",
    "documentation/index.md": "# Quarry\n\nStart with [the guide](guide.md).\n",
    "documentation/guide.md": """
        ---
        title: Guide
        ---
        Read [the notes](v1.0-notes.md) and [the hidden page](hidden.md).
        """,
    "documentation/v1.0-notes.md": "# Notes for 1.0\n\nShipped.\n",
    "documentation/hidden.md": "# Hidden\n\nServed, but not in the nav.\n",
    "documentation/wip-ideas.md": "# Ideas\n\nNot ready.\n",
    "documentation/drafts/old.md": "# Old\n",
    "documentation/drafts/keep.md": "# Kept\n\nIncluded again by a ! pattern.\n",
    "documentation/internal/notes.md": "# Internal\n",
    "documentation/api.secret.md": "# Secret\n",
    "documentation/templates/page.md": "{{ page.content }}\n",
    "documentation/overrides/main.html": "{% extends 'base.html' %}\n{% block content %}{% endblock %}\n",
    "documentation/overrides/partials/footer.html": "<footer>{{ config.copyright }}</footer>\n",
}

HUGO_SITE = {
    "config/_default/hugo.toml": """
        baseURL = "https://example.org/"
        title = "Trio"
        contentDir = "site-content"
        """,
    "layouts/partials/head.html": "<head>{{ .Title }}</head>\n",
    "site-content/_index.md": "---\ntitle: Trio\n---\nWelcome.\n",
    "site-content/docs/_index.md": "---\ntitle: Docs\n---\n",
    "site-content/docs/install.md": """
        ---
        title: Install
        weight: 1
        ---
        See [the release]({{< ref "v1.0-trio.md" >}}) and [again](../v1.0-trio/).
        """,
    "site-content/docs/v1.0-trio.md": "---\ntitle: Trio 1.0\nweight: 2\n---\nReleased.\n",
    "site-content/docs/old-install.md": """
        ---
        title: Old install
        build:
          render: link
        redirect: /docs/install/
        ---
        """,
    "site-content/docs/setup.md": """
        ---
        title: Setup
        _build:
          render: never
        ---
        """,
    "site-content/partials/_index.md": """
        ---
        title: Partials
        cascade:
          build:
            render: never
            list: never
        ---
        """,
    "site-content/partials/note.md": "{{ $note := .Get 0 }}\n<div>{{ $note }}</div>\n",
    "site-content/partials/warning.md": "{{ .Inner | markdownify }}\n",
    "site-content/snippets/index.md": "---\nheadless: true\n---\nA headless bundle.\n",
    "site-content/events/meetup.md": """
        ---
        title: Meetup
        eventUrl: &eventUrl https://example.org/meetup
        params:
          register: *eventUrl
        ---
        Join us.
        """,
    "site-content/search.md": "---\ntitle: Search\nlayout: search\n---\n",
}

DOCUSAURUS_SITE = {
    "wikisync.yml": "root: team\n",
    "website/docusaurus.config.ts": """
        import type {Config} from '@docusaurus/types';

        const config: Config = {
          title: 'Team handbook',
          url: 'https://example.org',
          baseUrl: '/',
          onBrokenLinks: 'warn',
          onBrokenMarkdownLinks: 'warn',
          themeConfig: {
            docs: {sidebar: {hideable: true}},
          },
          presets: [
            [
              'classic',
              {
                docs: {
                  path: '../handbook',
                  routeBasePath: 'docs',
                  sidebarPath: './sidebars.ts',
                },
              },
            ],
          ],
        };

        export default config;
        """,
    "website/sidebars.ts": "export default {docs: ['intro', 'guide/setup']};\n",
    "website/src/pages/index.md": "# The site's own home page, not a doc\n",
    "website/static/img/logo.png": "png",
    "handbook/intro.md": "---\nid: intro\ntitle: Intro\n---\nSee [setup](guide/setup.md).\n",
    "handbook/guide/setup.md": """
        ---
        title: Setup
        ---
        Read [the 2.0 notes](../releases/mkdocs-2.0.md) and [a page that moved](gone.md).
        """,
    "handbook/guide/secret.md": "---\ntitle: Secret\nunlisted: true\n---\nUnlisted.\n",
    "handbook/guide/_snippet.md": "A partial, imported by pages.\n",
    "handbook/_partials/_note.mdx": "export const Note = () => <b>Note</b>;\n",
    "handbook/releases/mkdocs-2.0.md": "---\ntitle: MkDocs 2.0\n---\nNotes.\n",
}


def _repo(tmp_path: Path, name: str, files: dict[str, str] | None = None) -> Path:
    repo = tmp_path / name
    if files is None:
        shutil.copytree(CORPORA / name, repo)
    else:
        write_site(repo, files)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "docs as kept upstream")
    return repo


@pytest.fixture
def wiki() -> Iterator[Wiki]:
    with WikiJSEmulator(locales=("en", "no", "fa")) as emulator:
        yield Wiki(emulator, CliRunner())


def _planned(wiki: Wiki, *args: str) -> tuple[set[tuple[str, str]], str]:
    result = wiki.run("plan", *args, "--json")
    doc = plan_json(result)
    return {(c["locale"], c["path"]) for c in doc["changes"]}, result.stderr


CASES = (
    # (repository, its files or None for a corpus, the content folder, the flavor line)
    ("mkdocs", None, "docs", "Flavor: mkdocs (mkdocs.yml; content docs/)"),
    (
        "prettier-docusaurus",
        None,
        "docs",
        "Flavor: docusaurus (website/docusaurus.config.js; content docs/)",
    ),
    ("docsy-hugo", None, "content", "Flavor: hugo (hugo.yaml; content content/)"),
    (
        "quarry-mkdocs",
        MKDOCS_SITE,
        "documentation",
        "Flavor: mkdocs (mkdocs.yml; content documentation/)",
    ),
    (
        "trio-hugo",
        HUGO_SITE,
        "site-content",
        "Flavor: hugo (config/_default/hugo.toml; content site-content/)",
    ),
    (
        "team-docusaurus",
        DOCUSAURUS_SITE,
        "handbook",
        "Flavor: docusaurus (website/docusaurus.config.ts; content handbook/)",
    ),
)


@pytest.mark.parametrize(("name", "files", "content", "flavor"), CASES, ids=[c[0] for c in CASES])
def test_the_root_plans_what_the_content_folder_plans(
    wiki: Wiki,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    files: dict[str, str] | None,
    content: str,
    flavor: str,
) -> None:
    repo = _repo(tmp_path, name, files)
    expected, _ = _planned(wiki, str(repo / content))
    assert expected

    monkeypatch.chdir(repo)
    validated = wiki.run("validate", "--json")
    assert validated.exit_code == 0, validated.output
    assert flavor in validated.stderr
    assert json.loads(validated.stdout)["errors"] == 0
    assert json.loads(validated.stdout)["directory"] == content

    at_root, stderr = _planned(wiki)  # no argument: the current directory
    assert flavor in stderr
    assert at_root == expected
    assert _planned(wiki, ".")[0] == expected
    assert _planned(wiki, str(repo))[0] == expected
    elsewhere = repo / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)  # a folder of the repository without pages of its own
    assert _planned(wiki)[0] == expected


def test_mkdocs_publishes_what_its_settings_publish(
    wiki: Wiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "quarry-mkdocs", MKDOCS_SITE)
    monkeypatch.chdir(repo)
    planned, _ = _planned(wiki)
    assert planned == {
        ("en", "home"),
        ("en", "guide"),
        ("en", "v1-0-notes"),  # v1.0-notes.md: Wiki.js refuses the dot
        ("en", "hidden"),  # not_in_nav: a page, left out of navigation only
        ("en", "wip-ideas"),  # draft_docs: an unpublished page
        ("en", "drafts/keep"),  # "!drafts/keep.md" includes it again
    }
    validated = wiki.run("validate", "--verbose")
    assert validated.exit_code == 0, validated.output
    left_out = validated.stderr
    for line in (
        "overrides/main.html: theme: custom_dir in mkdocs.yml (templates)",
        "overrides/partials/footer.html: theme: custom_dir in mkdocs.yml (templates)",
        "templates/page.md: MkDocs leaves templates/ out of every site",
        "drafts/old.md: exclude_docs in mkdocs.yml",
        "internal/notes.md: the exclude plugin's glob in mkdocs.yml",
        "api.secret.md: the exclude plugin's regex in mkdocs.yml",
    ):
        assert f"  {line}" in left_out, line
    assert "README.md" not in validated.output  # the repository's README is no doc

    applied = wiki.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert wiki.page("wip-ideas").is_published is False
    assert "(/en/v1-0-notes)" in wiki.page("guide").content  # the link follows the path
    assert "No changes." in wiki.run("plan").stdout
    pulled = wiki.run("pull")  # at the root too: writes into the content folder
    assert pulled.exit_code == 0, pulled.output
    assert git(repo, "status", "--porcelain") == ""


def test_hugo_publishes_what_its_build_options_publish(
    wiki: Wiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "trio-hugo", HUGO_SITE)
    monkeypatch.chdir(repo)
    planned, stderr = _planned(wiki)
    assert "Note: 6 files the site does not publish were left out" in stderr
    assert planned == {
        ("en", "home"),
        ("en", "docs"),
        ("en", "docs/install"),
        ("en", "docs/v1-0-trio"),
        ("en", "events/meetup"),  # YAML anchors and aliases in its front matter
        ("en", "search"),  # front matter only: a page its layout renders
    }
    validated = wiki.run("validate", "--verbose")
    assert validated.exit_code == 0, validated.output
    for line in (
        "docs/old-install.md: a redirect stub (build: {render: link} with redirect:)",
        "docs/setup.md: build: {render: never}",
        "partials/_index.md: build: {render: never}",  # the section's own build
        "partials/note.md: build: {render: never}",  # cascaded from partials/_index.md
        "partials/warning.md: build: {render: never}",
        "snippets/index.md: headless: true",
    ):
        assert f"  {line}" in validated.stderr, line
    applied = wiki.run("apply", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    install = wiki.page("docs/install").content
    assert install.count("(/en/docs/v1-0-trio)") == 2  # ref and relative link both follow
    assert "No changes." in wiki.run("plan").stdout


def test_docusaurus_publishes_what_its_docs_plugin_publishes(
    wiki: Wiki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "team-docusaurus", DOCUSAURUS_SITE)
    monkeypatch.chdir(repo)
    planned, stderr = _planned(wiki)
    assert planned == {
        ("en", "team/intro"),  # wikisync.yml at the repository's root: root: team
        ("en", "team/guide/setup"),
        ("en", "team/guide/secret"),  # unlisted: a page, out of navigation
        ("en", "team/releases/mkdocs-2-0"),
    }
    # onBrokenLinks: 'warn' makes the broken link a warning, not an error that blocks.
    assert "guide/setup.md:4: broken link 'gone.md'" in stderr
    assert "(warning)" in stderr.split("broken link 'gone.md'")[1].splitlines()[0]
