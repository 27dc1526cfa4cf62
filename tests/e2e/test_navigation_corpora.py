"""Real docs trees give the wiki a menu in their own navigation order and sections.

The navigation order, titles and sections of MkDocs (``mkdocs.yml`` ``nav``), Docusaurus
(``sidebars.json`` categories) and Hugo (``weight``, ``linkTitle``, section folders) come
from the flavors (``wikisync.local.flavors``): these tests run once that package is there.
Each tree is copied to a tmp dir first.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import requests
from e2e_helpers import Wiki
from typer.testing import CliRunner

from wikijs.testing import WikiJSEmulator

pytest.importorskip("wikisync.local.flavors", reason="needs the flavors (nav order from the tree)")

CORPORA = Path(__file__).parents[1] / "data" / "corpora"
PREFIX = "wikisync:handbook:"
TREE = "query { navigation { tree { locale items { id kind label target } } } }"


def copy(name: str, tmp_path: Path, navigation: str, content: str) -> Path:
    """The tree copied to tmp; its content folder (where the generator's pages are,
    below its settings file) is the content directory."""
    tree = shutil.copytree(CORPORA / name, tmp_path / name, symlinks=True) / content
    config = tree / "wikisync.yml"
    existing = config.read_text("utf-8") if config.exists() else ""
    config.write_text(
        existing + f"root: handbook\nnavigation:\n  label: Docs\n{navigation}", encoding="utf-8"
    )
    return tree


def block(wiki: Wiki, locale: str = "en", prefix: str = PREFIX) -> list[dict[str, Any]]:
    answer = requests.post(
        f"{wiki.emulator.url}/graphql",
        json={"query": TREE},
        headers={"Authorization": f"Bearer {wiki.emulator.api_key}"},
        timeout=10,
    ).json()
    menu = next(t for t in answer["data"]["navigation"]["tree"] if t["locale"] == locale)
    return [i for i in menu["items"] if i["id"].startswith(prefix)]


def test_mkdocs_nav_order_gives_the_menu(wiki: Wiki, tmp_path: Path) -> None:
    docs = copy("mkdocs", tmp_path, "  depth: top\n", "docs")
    result = wiki.run("apply", str(docs), "--auto-approve")
    assert result.exit_code == 0, result.output
    labels = [i["label"] for i in block(wiki)]
    # mkdocs.yml nav: Home, Getting Started, User Guide/, Developer Guide/, About: [...]
    assert labels == ["Docs", "Home", "Getting Started", "User Guide", "Developer Guide", "About"]


def test_docsy_hugo_weights_give_the_menu(wiki: Wiki, tmp_path: Path) -> None:
    site = copy("docsy-hugo", tmp_path, "  depth: pages\nflavor: hugo\n", "content/en")
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 0, result.output
    targets = [i["target"] or "" for i in block(wiki) if i["kind"] == "link"]
    wanted = [
        "overview", "getting-started", "examples", "concepts", "tasks", "tutorials",
        "reference", "contribution-guidelines",
    ]  # fmt: skip  # content/en/docs, by weight
    seen = [t.rsplit("/docs/", 1)[1] for t in targets if "/docs/" in t]
    assert [s for s in seen if s in wanted] == wanted


def sections(items: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each header's label -> the labels of the links below it (``""``: above any)."""
    out: dict[str, list[str]] = {"": []}
    current = ""
    for item in items[1:]:  # the block's own header first
        if item["kind"] == "header":
            current = item["label"]
            out[current] = []
        else:
            out[current].append(item["label"])
    return out


def assert_told_apart(found: dict[str, list[str]]) -> None:
    for header, links in found.items():
        assert len({label.casefold() for label in links}) == len(links), (header, links)


def test_mkdocs_nav_sections_are_headers_with_their_labels(wiki: Wiki, tmp_path: Path) -> None:
    docs = copy("mkdocs", tmp_path, "", "docs")
    result = wiki.run("apply", str(docs), "--auto-approve")
    assert result.exit_code == 0, result.output
    found = sections(block(wiki))
    # mkdocs.yml nav: Home, Getting Started, User Guide: user-guide/, Developer Guide:
    # dev-guide/, About: [Release Notes, Contributing, License]
    assert list(found) == ["", "User Guide", "Developer Guide", "About"]
    assert found[""] == ["Home", "Getting Started"]
    assert found["About"] == ["Release Notes", "Contributing", "License"]
    assert found["User Guide"][0] == "User Guide"  # the folder's own page first
    assert "Configuration" in found["User Guide"]
    assert_told_apart(found)
    assert wiki.run("plan", str(docs)).stdout.count("No changes.") == 1


def test_docusaurus_sidebar_categories_are_headers(wiki: Wiki, tmp_path: Path) -> None:
    docs = copy("prettier-docusaurus", tmp_path, "", "docs")
    result = wiki.run("apply", str(docs), "--auto-approve")
    assert result.exit_code == 0, result.output
    found = sections(block(wiki))
    # website/sidebars.json: {"docs": {"About": [...], "Usage": [...], ...}}
    assert list(found) == ["", "About", "Usage", "Configuring Prettier", "Editors", "Misc"]
    assert found[""] == []
    assert found["Configuring Prettier"] == [
        "Options",
        "Configuration File",
        "Sharing configurations",
    ]
    assert found["Editors"] == [
        "Editor Integration",
        "WebStorm Setup",
        "Vim Setup",
        "Watching For Changes",
    ]
    assert found["Usage"][:3] == ["Install", "Ignoring Code", "Integrating with Linters"]
    assert_told_apart(found)


def test_docsy_hugo_sections_are_headers_with_their_link_titles(wiki: Wiki, tmp_path: Path) -> None:
    site = copy("docsy-hugo", tmp_path, "flavor: hugo\n", "content/en")
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 0, result.output
    found = sections(block(wiki))
    assert {"Docs", "Blog"} <= set(found)  # the sections' own linkTitle / title
    docs = found["Docs"]
    # content/en/docs by weight; a sub-section is one link (default depth: sections)
    wanted = ["Overview", "Getting Started", "Examples", "Concepts", "Core Tasks", "Tutorials"]
    assert [label for label in docs if label in wanted] == wanted
    assert docs[0] == "Docs"  # its own page first
    assert_told_apart(found)


def test_just_the_docs_parents_are_headers(wiki: Wiki, tmp_path: Path) -> None:
    site = copy("jekyll-just-the-docs", tmp_path, "", ".")
    result = wiki.run("apply", str(site), "--auto-approve")
    assert result.exit_code == 0, result.output
    found = sections(block(wiki))
    # A page other pages name as their parent heads a section; nav_order orders each
    # level; pages without a parent come first.
    assert list(found) == ["", "UI Components", "Utilities", "Layout", "Navigation"]
    assert found[""][:3] == ["Home", "Configuration", "Customization"]
    assert found["Navigation"] == [
        "Navigation",
        "Main Navigation",  # a sub-section (its children below it): one link
        "Auxiliary Links",
        "Breadcrumbs",
        "Child Pages",
        "In-Page Navigation",
    ]
    assert found["Utilities"][0] == "Utilities"
    assert_told_apart(found)


def test_vitepress_sidebar_groups_are_headers_in_each_locale(tmp_path: Path) -> None:
    with WikiJSEmulator(locales=("en", "zh", "ja")) as emulator:
        wiki = Wiki(emulator, CliRunner())
        site = copy("vitepress-i18n", tmp_path, "", "docs")
        result = wiki.run("apply", str(site), "--auto-approve")
        assert result.exit_code == 0, result.output
        en = sections(block(wiki))
        # docs/config.ts: sidebar '/guide/' and '/reference/' groups, in their order
        assert list(en)[:6] == [
            "", "Introduction", "Writing", "Customization", "Experimental", "Reference",
        ]  # fmt: skip
        assert en["Introduction"] == ["What is VitePress?", "Getting Started", "Routing", "Deploy"]
        assert en["Reference"][:2] == ["Site Config", "Frontmatter Config"]
        zh = sections(block(wiki, "zh"))
        assert list(zh)[1:3] == ["简介", "写作"]  # zh/config.ts: the Chinese sidebar
        assert zh["简介"][:2] == ["什么是 VitePress？", "快速开始"]
        for found in (en, zh, sections(block(wiki, "ja"))):
            assert_told_apart(found)
