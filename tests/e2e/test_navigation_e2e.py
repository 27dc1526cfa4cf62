"""The navigation menu end to end: `wikisync plan/apply` against the emulator.

wikisync owns one block of each locale's menu (items whose id starts with
``wikisync:<root>:``); everything else in the menu must come back byte for byte.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import requests
from e2e_helpers import Wiki, plan_json, write_site
from typer.testing import CliRunner

from wikijs import NavigationItem, NavigationTree, WikiJSClient
from wikijs.testing import Fault, WikiJSEmulator
from wikisync.apply.run import apply_run
from wikisync.engine import LoadedSource, load_directory, make_plan
from wikisync.wiki.remote import Remote

PREFIX = "wikisync:handbook:"
TREE_QUERY = (
    "query { navigation { tree { locale items "
    "{ id kind label icon targetType target visibilityMode visibilityGroups } } } }"
)
SITE = {
    "wikisync.yml": "root: handbook\nnavigation:\n  label: Handbook\n  depth: pages\n",
    "index.md": "# Welcome\n\nStart here.\n",
    "guide/index.md": "---\ntitle: Guide\n---\nThe guide.\n",
    "guide/install.md": "---\ntitle: Install\n---\nRun the installer.\n",
    "faq.md": "# FAQ\n\nAsk away.\n",
}
BEFORE = NavigationItem.link("hand-before", "Status", "https://status.example.com",
                             target_type="external", icon="mdi-web", visibility_groups=[1])  # fmt: skip
AFTER = NavigationItem.divider("hand-after")
FR = NavigationTree(
    locale="fr",
    items=[
        NavigationItem.header("fr-h", "Manuel"),
        NavigationItem.link("fr-l", "Accueil", "/fr/home"),
    ],
)


@pytest.fixture
def wiki() -> Iterator[Wiki]:
    with WikiJSEmulator(locales=("en", "fr")) as emulator:
        yield Wiki(emulator, CliRunner())


def client(wiki: Wiki) -> WikiJSClient:
    return WikiJSClient(wiki.emulator.url, api_key=wiki.emulator.api_key)


def raw_tree(wiki: Wiki) -> list[dict[str, Any]]:
    """The menu exactly as the wiki answers it (JSON as sent, parsed without changes)."""
    answer = requests.post(
        f"{wiki.emulator.url}/graphql",
        json={"query": TREE_QUERY},
        headers={"Authorization": f"Bearer {wiki.emulator.api_key}"},
        timeout=10,
    )
    tree: list[dict[str, Any]] = answer.json()["data"]["navigation"]["tree"]
    return tree


def raw(items: Any) -> str:
    return json.dumps(items, ensure_ascii=False, sort_keys=False)


def locale_items(tree: list[dict[str, Any]], locale: str) -> list[dict[str, Any]]:
    return next(t["items"] for t in tree if t["locale"] == locale)


def updates(wiki: Wiki) -> int:
    return wiki.emulator.log.count("navigation.updateTree")


def apply(wiki: Wiki, docs: Path, *extra: str) -> str:
    result = wiki.run("apply", str(docs), "--auto-approve", *extra)
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def block(tree: list[dict[str, Any]], locale: str = "en") -> list[tuple[str, str, str]]:
    return [
        (i["kind"], i["label"], i["target"])
        for i in locale_items(tree, locale)
        if i["id"].startswith(PREFIX)
    ]


def test_hand_items_and_other_locales_survive_five_applies(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    # 1: the block is added at the bottom of the en menu, under the fresh install's Home link
    out = apply(wiki, docs)
    assert "Navigation: en menu updated." in out
    tree = raw_tree(wiki)
    [home] = [i for i in locale_items(tree, "en") if not i["id"].startswith(PREFIX)]
    assert home["label"] == "Home" and locale_items(tree, "en")[0] == home
    assert block(tree) == [
        ("header", "Handbook", ""),
        ("link", "Welcome", "/en/handbook"),
        ("link", "FAQ", "/en/handbook/faq"),
        ("header", "Guide", ""),
        ("link", "Guide", "/en/handbook/guide"),
        ("link", "Install", "/en/handbook/guide/install"),
    ]
    # By hand: an item before the block, one after it, and a French menu.
    with client(wiki) as sdk:
        [en] = sdk.navigation.tree()
        sdk.navigation.update_tree(
            [NavigationTree(locale="en", items=[BEFORE, *en.items, AFTER]), FR]
        )
    by_hand = raw_tree(wiki)
    hand_en = [raw(i) for i in locale_items(by_hand, "en") if not i["id"].startswith(PREFIX)]
    hand_fr = raw(locale_items(by_hand, "fr"))
    assert len(hand_en) == 3
    writes = updates(wiki)

    # 2: nothing changed: no write at all, the menu is byte-identical
    assert "No changes." in apply(wiki, docs)
    assert updates(wiki) == writes
    assert raw(raw_tree(wiki)) == raw(by_hand)

    # 3: a title changes: the link's label follows, one write, the rest as it was
    (docs / "faq.md").write_text("# Questions\n\nAsk away.\n", encoding="utf-8")
    assert "Navigation: en menu updated." in apply(wiki, docs)
    assert updates(wiki) == writes + 1
    tree = raw_tree(wiki)
    assert ("link", "Questions", "/en/handbook/faq") in block(tree)

    # 4: a file is renamed: its page moves and its link follows it
    (docs / "guide" / "install.md").rename(docs / "guide" / "setup.md")
    out = apply(wiki, docs)
    assert "1 moved" in out
    tree = raw_tree(wiki)
    assert ("link", "Install", "/en/handbook/guide/setup") in block(tree)
    assert all(target != "/en/handbook/guide/install" for _, _, target in block(tree))
    assert updates(wiki) == writes + 2

    # 5: nothing changed again
    assert "No changes." in apply(wiki, docs)
    assert updates(wiki) == writes + 2
    final = raw_tree(wiki)
    assert raw(final) == raw(tree)
    en_items = locale_items(final, "en")
    assert [raw(i) for i in en_items if not i["id"].startswith(PREFIX)] == hand_en
    assert en_items[0]["id"] == "hand-before" and en_items[1] == home  # before the block
    assert en_items[-1]["id"] == "hand-after"  # hand item after the block stays after it
    assert raw(locale_items(final, "fr")) == hand_fr
    assert locale_items(final, "fr")[0]["visibilityGroups"] is not None
    assert home["visibilityGroups"] is None  # null stays null, not []


def test_the_plan_shows_the_menu_change_with_a_diff(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    result = wiki.run("plan", str(docs))
    assert result.exit_code == 0, result.output
    log = wiki.emulator.log  # the menu costs the plan two reads: the tree and the mode
    assert (log.count("navigation.tree"), log.count("navigation.config")) == (1, 1)
    assert "  ~ navigation en: 6 added\n" in result.stdout
    assert "+## Handbook" in result.stdout
    assert "+- Install \u2192 /en/handbook/guide/install" in result.stdout
    assert "Plan: 4 to create, 0 to update, 0 to move, 0 to delete." in result.stdout
    assert "Navigation: 1 menu to update (en)." in result.stdout
    doc = plan_json(wiki.run("plan", str(docs), "--json"))
    [change] = doc["navigation"]["changes"]
    assert (change["locale"], change["added"], change["removed"]) == ("en", 6, 0)
    markdown = wiki.run("plan", str(docs), "--format", "markdown").stdout
    assert "<details><summary>~ navigation en: 6 added</summary>" in markdown
    assert updates(wiki) == 0  # plan changes nothing


def test_a_saved_plan_carries_the_menu_change_and_is_checked(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    apply(wiki, docs)
    (docs / "faq.md").write_text("# Questions\n\nAsk away.\n", encoding="utf-8")
    saved = tmp_path / "plan.json"
    assert wiki.run("plan", str(docs), "--out", str(saved)).exit_code == 0
    assert json.loads(saved.read_text("utf-8"))["navigation"]["changes"][0]["changed"] == 1
    with client(wiki) as sdk:  # someone edits the menu by hand after the plan was made
        [en] = sdk.navigation.tree()
        sdk.navigation.update_tree([NavigationTree(locale="en", items=[*en.items, AFTER])])
    stale = wiki.run("apply", str(saved))
    assert stale.exit_code == 3, stale.output
    assert "update navigation/en" in stale.stderr
    assert wiki.page("handbook/faq")["title"] == "FAQ"  # nothing applied
    assert wiki.run("plan", str(docs), "--out", str(saved)).exit_code == 0
    done = wiki.run("apply", str(saved))
    assert done.exit_code == 0, done.output
    tree = raw_tree(wiki)
    assert ("link", "Questions", "/en/handbook/faq") in block(tree)
    assert locale_items(tree, "en")[-1]["id"] == "hand-after"


def test_a_mode_that_hides_the_menu_is_warned_about(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    with client(wiki) as sdk:
        sdk.navigation.set_mode("TREE")
    result = wiki.run("plan", str(docs))
    assert "Warning: the wiki's navigation mode is TREE" in result.stdout
    assert "choose MIXED" in result.stdout and "STATIC" in result.stdout


def test_without_navigation_in_the_config_the_menu_is_never_read(
    wiki: Wiki, tmp_path: Path
) -> None:
    docs = write_site(tmp_path / "docs", {**SITE, "wikisync.yml": "root: handbook\n"})
    apply(wiki, docs)
    operations = wiki.emulator.log.operations()
    assert not [op for op in operations if op.startswith("navigation.")]


def test_a_key_without_manage_navigation_gets_a_clear_error(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    key = wiki.emulator.issue_key("editor", full_access=False, group=2)
    env = {"WIKIJS_URL": wiki.emulator.url, "WIKIJS_API_KEY": key}
    from wikisync.cli import app

    result = CliRunner().invoke(app, ["plan", str(docs)], env=env)
    assert result.exit_code == 1
    assert "manage:navigation" in result.stderr and "navigation:" in result.stderr


# -- nav order from the pages ----------------------------------------------------------------


def with_nav(
    source: LoadedSource, nav: Mapping[str, tuple[str | None, float | None]]
) -> LoadedSource:
    """``source`` with navigation titles and orders set per file, as a flavor sets them."""
    pages = tuple(
        dataclasses.replace(p, nav_title=nav[p.source][0], nav_order=nav[p.source][1])
        if p.source in nav
        else p
        for p in source.pages
    )
    return dataclasses.replace(source, pages=pages)


def test_pages_nav_order_and_titles_order_and_label_the_menu(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    source = with_nav(
        load_directory(docs),
        {
            "faq.md": ("Questions", 1),
            "guide/index.md": (None, 2),
            "guide/install.md": ("Installing", 5),
            "index.md": ("Home page", 3),
        },
    )
    with client(wiki) as sdk:
        remote = Remote(sdk, root="handbook", locale="en")
        run = make_plan(source, remote)
        apply_run(run, remote, sleep=lambda _: None)
        again = make_plan(source, remote)
    assert block(raw_tree(wiki)) == [
        ("header", "Handbook", ""),
        ("link", "Questions", "/en/handbook/faq"),
        ("header", "Guide", ""),
        ("link", "Guide", "/en/handbook/guide"),
        ("link", "Installing", "/en/handbook/guide/install"),
        ("link", "Home page", "/en/handbook"),
    ]
    assert not again.plan.navigation and not again.plan.has_changes


def test_a_targeted_plan_leaves_the_menu_alone(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    result = wiki.run("plan", str(docs), "--target", "handbook/faq")
    assert result.exit_code == 0, result.output
    assert "the navigation menu is not planned" in result.stderr
    assert "navigation" not in result.stdout
    assert "~ navigation en: 6 added" in wiki.run("plan", str(docs)).stdout


def test_apply_reports_the_menu_write_as_a_phase(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    result = wiki.run("apply", str(docs), "--auto-approve")
    assert result.exit_code == 0, result.output
    assert "Writing the navigation menu..." in result.output
    assert "Navigation [1/1] ~ navigation en: ok" in result.output


def test_the_menu_links_only_pages_that_exist_after_the_run(wiki: Wiki, tmp_path: Path) -> None:
    docs = write_site(tmp_path / "docs", SITE)
    wiki.emulator.faults.add(Fault(kind="status", status=500, operation="pages.create", nth=2))
    result = wiki.run("apply", str(docs), "--auto-approve", "--parallelism", "1")
    assert result.exit_code == 1 and "1 failed" in result.stdout
    existing = {f"/{p.locale}/{p.path}" for p in wiki.emulator.pages()}
    targets = {target for kind, _, target in block(raw_tree(wiki)) if kind == "link"}
    assert len(targets) == 3 and targets <= existing  # the page not created is not linked

    apply(wiki, docs)  # the re-run creates it, and the menu links it
    targets = {target for kind, _, target in block(raw_tree(wiki)) if kind == "link"}
    assert len(targets) == 4 and targets <= {f"/{p.locale}/{p.path}" for p in wiki.emulator.pages()}
