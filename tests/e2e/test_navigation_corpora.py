"""Real docs trees give the wiki a menu in their own navigation order.

The navigation order and titles of MkDocs (``mkdocs.yml`` ``nav``) and Hugo (``weight``,
``linkTitle``) come from the flavors (``wikisync.local.flavors``): these tests run once that
package is there. Each tree is copied to a tmp dir first.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import requests
from e2e_helpers import Wiki

pytest.importorskip("wikisync.local.flavors", reason="needs the flavors (nav order from the tree)")

CORPORA = Path(__file__).parents[1] / "data" / "corpora"
PREFIX = "wikisync:handbook:"
TREE = "query { navigation { tree { locale items { id kind label target } } } }"


def copy(name: str, tmp_path: Path, navigation: str, content: str) -> Path:
    """The tree copied to tmp; its content folder (where the generator's pages are,
    below its settings file) is the content directory."""
    tree = shutil.copytree(CORPORA / name, tmp_path / name) / content
    config = tree / "wikisync.yml"
    existing = config.read_text("utf-8") if config.exists() else ""
    config.write_text(
        existing + f"root: handbook\nnavigation:\n  label: Docs\n{navigation}", encoding="utf-8"
    )
    return tree


def block(wiki: Wiki, locale: str = "en") -> list[dict[str, Any]]:
    answer = requests.post(
        f"{wiki.emulator.url}/graphql",
        json={"query": TREE},
        headers={"Authorization": f"Bearer {wiki.emulator.api_key}"},
        timeout=10,
    ).json()
    menu = next(t for t in answer["data"]["navigation"]["tree"] if t["locale"] == locale)
    return [i for i in menu["items"] if i["id"].startswith(PREFIX)]


def test_mkdocs_nav_order_gives_the_menu(wiki: Wiki, tmp_path: Path) -> None:
    docs = copy("mkdocs", tmp_path, "  depth: sections\n", "docs")
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
