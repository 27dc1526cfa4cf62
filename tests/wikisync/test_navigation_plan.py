"""wikisync's block in the navigation menu: computed from LocalPages, merged, planned, shown."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from wikisync.errors import ConfigError, PlanFileError
from wikisync.local.config import NavigationConfig, parse_config
from wikisync.plan.model import (
    LocalPage,
    NavigationChange,
    NavItem,
    NavMenu,
    PageFields,
    Plan,
    content_digest,
    page_digest,
)
from wikisync.plan.navigation import (
    desired_block,
    id_prefix,
    merge,
    merged_tree,
    plan_navigation,
)
from wikisync.render import load_plan_json, render_json, render_markdown, render_text

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
P = "wikisync:handbook:"
HOME = NavItem("07be1e84", "link", "Home", "mdi-home", "home", "/", "all", None)
BY_HAND = NavItem("hand-1", "link", "Status", "mdi-web", "external", "https://status", "all", (1,))


def page(
    source: str,
    path: str,
    title: str,
    *,
    locale: str = "en",
    nav_title: str | None = None,
    nav_order: float | None = None,
    nav_section: tuple[str, ...] | None = None,
    nav_heads: bool = False,
    listed: bool = True,
) -> LocalPage:
    fields = PageFields(title=title)
    return LocalPage(
        source=source,
        locale=locale,
        path=path,
        content="x\n",
        fields=fields,
        content_digest=content_digest("x\n"),
        digest=page_digest("x\n", fields),
        nav_title=nav_title,
        nav_order=nav_order,
        nav_section=nav_section,
        nav_heads=nav_heads,
        listed=listed,
    )


PAGES = (
    page("index.md", "handbook", "Welcome"),
    page("faq.md", "handbook/faq", "FAQ", nav_order=30),
    page("guide/index.md", "handbook/guide", "The guide", nav_title="Guide", nav_order=10),
    page("guide/install.md", "handbook/guide/install", "Installing", nav_order=2),
    page("guide/upgrade.md", "handbook/guide/upgrade", "Upgrading", nav_order=1),
    page("ops/backup.md", "handbook/ops/backup", "Backups"),
    page("fr/guide/install.md", "handbook/guide/install", "Installer", locale="fr"),
)


def labels(block: tuple[NavItem, ...]) -> list[tuple[str, str | None, str | None]]:
    return [(i.kind, i.label, i.target) for i in block]


def test_top_depth_links_each_top_level_section_in_nav_order() -> None:
    config = NavigationConfig(label="Handbook", depth="top")
    block = desired_block(PAGES, "en", "handbook", config)
    assert labels(block) == [
        ("header", "Handbook", ""),
        ("link", "Guide", "/en/handbook/guide"),  # nav_order 10, nav_title wins over title
        ("link", "FAQ", "/en/handbook/faq"),  # nav_order 30
        ("link", "Welcome", "/en/handbook"),  # no order: after the ordered, in file order
        ("link", "Ops", "/en/handbook/ops/backup"),  # a folder without index: its first page
    ]
    assert all(i.id.startswith(P) for i in block)
    assert [i.id for i in block][:2] == [P + "menu", P + "section:guide"]


def test_sections_depth_is_the_default_a_header_per_section_and_its_pages() -> None:
    block = desired_block(PAGES, "en", "handbook", NavigationConfig(label="Handbook"))
    assert labels(block) == [
        ("header", "Handbook", ""),
        ("link", "FAQ", "/en/handbook/faq"),  # the top-level pages first, in nav order
        ("link", "Welcome", "/en/handbook"),
        ("header", "Guide", ""),
        ("link", "Guide", "/en/handbook/guide"),
        ("link", "Upgrading", "/en/handbook/guide/upgrade"),
        ("link", "Installing", "/en/handbook/guide/install"),
        ("header", "Ops", ""),
        ("link", "Backups", "/en/handbook/ops/backup"),
    ]


SITE_NAV = (
    # A flat folder whose sections come from the site's navigation (sidebar categories,
    # mkdocs.yml nav sections, just-the-docs parents), labels and order from it too.
    page("index.md", "handbook", "Welcome", nav_order=0, nav_section=()),
    page("install.md", "handbook/install", "Install", nav_order=2, nav_section=("Usage",)),
    page("cli.md", "handbook/cli", "CLI", nav_order=1, nav_section=("Usage",)),
    page("mocks.md", "handbook/mocks", "Mock Functions", nav_order=3, nav_section=("Usage",)),
    page(
        "api/mocks.md", "handbook/api/mocks", "Mock Functions", nav_order=4,
        nav_section=("Usage",),
    ),
    page("editors.md", "handbook/editors", "Editors", nav_order=5, nav_section=("Usage", "Editors"), nav_heads=True),
    page("vim.md", "handbook/vim", "Vim", nav_order=1, nav_section=("Usage", "Editors")),
    page("secret.md", "handbook/secret", "Secret", nav_order=9, nav_section=(), listed=False),
    page("ops/backup.md", "handbook/ops/backup", "Backups"),  # not in the site's nav
)  # fmt: skip


def test_the_sites_navigation_groups_are_the_sections() -> None:
    block = desired_block(SITE_NAV, "en", "handbook", NavigationConfig())
    assert labels(block) == [
        ("header", "Documentation", ""),
        ("link", "Welcome", "/en/handbook"),
        ("header", "Usage", ""),
        ("link", "CLI", "/en/handbook/cli"),
        ("link", "Install", "/en/handbook/install"),
        # the same label twice in one section: told apart by their paths
        ("link", "Mock Functions (mocks)", "/en/handbook/mocks"),
        ("link", "Mock Functions (api/mocks)", "/en/handbook/api/mocks"),
        # a sub-group is one link to its own page at depth: sections
        ("link", "Editors", "/en/handbook/editors"),
        ("header", "Ops", ""),  # folders still make sections for pages the nav omits
        ("link", "Backups", "/en/handbook/ops/backup"),
    ]
    assert [i.id for i in block][2] == P + "group:Usage"
    pages = desired_block(SITE_NAV, "en", "handbook", NavigationConfig(depth="pages"))
    assert [i.label for i in pages][-4:] == ["Editors", "Vim", "Ops", "Backups"]
    top = desired_block(SITE_NAV, "en", "handbook", NavigationConfig(depth="top"))
    assert labels(top)[1:3] == [
        ("link", "Welcome", "/en/handbook"),
        ("link", "Usage", "/en/handbook/cli"),  # a group without its own page: its first
    ]


def test_pages_depth_gives_a_header_per_section_and_its_pages() -> None:
    config = NavigationConfig(label="Handbook", depth="pages")
    block = desired_block(PAGES, "en", "handbook", config)
    assert labels(block) == [
        ("header", "Handbook", ""),
        ("link", "FAQ", "/en/handbook/faq"),  # the top-level pages first, in nav order
        ("link", "Welcome", "/en/handbook"),
        ("header", "Guide", ""),
        ("link", "Guide", "/en/handbook/guide"),
        ("link", "Upgrading", "/en/handbook/guide/upgrade"),
        ("link", "Installing", "/en/handbook/guide/install"),
        ("header", "Ops", ""),
        ("link", "Backups", "/en/handbook/ops/backup"),
    ]
    assert len({i.id for i in block}) == len(block)


def test_file_order_ignores_nav_order() -> None:
    config = NavigationConfig(order="files", depth="pages")
    block = desired_block(PAGES, "en", "handbook", config)
    assert [i.label for i in block] == [
        "Documentation", "Welcome", "FAQ", "Guide", "Guide", "Installing", "Upgrading",
        "Ops", "Backups",
    ]  # fmt: skip


def test_a_locale_gets_its_own_pages_and_nothing_outside_root_counts() -> None:
    pages = (
        *PAGES,
        page("x.md", "elsewhere/x", "X"),
        page("s.md", "handbook/_wikisync-state", "S"),
    )
    fr = desired_block(pages, "fr", "handbook", NavigationConfig())
    assert labels(fr) == [
        ("header", "Documentation", ""),
        ("header", "Guide", ""),  # a folder without its own page: its name
        ("link", "Installer", "/fr/handbook/guide/install"),
    ]
    top = desired_block(pages, "fr", "handbook", NavigationConfig(depth="top"))
    assert labels(top)[1] == ("link", "Guide", "/fr/handbook/guide/install")  # its first page
    assert desired_block(pages, "de", "handbook", NavigationConfig()) == ()


def test_ids_are_stable_and_never_claim_another_roots_items() -> None:
    assert id_prefix("handbook") == P
    assert id_prefix("/handbook/") == P
    assert id_prefix("") == "wikisync::"
    assert not (P + "menu").startswith(id_prefix("hand"))
    again = desired_block(reversed(PAGES), "en", "handbook", NavigationConfig())
    assert again == desired_block(PAGES, "en", "handbook", NavigationConfig())


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (NavigationConfig(position="top"), ["B", "Home", "Status"]),
        (NavigationConfig(position="bottom"), ["Home", "Status", "B"]),
        (NavigationConfig(position="after", after="07be1e84"), ["Home", "B", "Status"]),
        (NavigationConfig(position="after", after="Status"), ["Home", "Status", "B"]),
    ],
)
def test_merge_places_the_block_and_keeps_every_other_item(
    config: NavigationConfig, expected: list[str]
) -> None:
    block = (NavItem(P + "menu", "header", "B", "", "", "", "all", ()),)
    menu, found = merge((HOME, BY_HAND), block, P, config)
    assert found
    assert [i.label for i in menu] == expected
    assert HOME in menu and BY_HAND in menu


@pytest.mark.parametrize("position", ["top", "bottom"])
def test_a_block_already_in_the_menu_stays_where_it_is(position: str) -> None:
    old_block = (
        NavItem(P + "menu", "header", "Old", "", "", "", "all", ()),
        NavItem(P + "page:x", "link", "X", "", "page", "/en/handbook/x", "all", ()),
    )
    block = (NavItem(P + "menu", "header", "B", "", "", "", "all", ()),)
    config = NavigationConfig(position=position)  # type: ignore[arg-type]
    menu, _ = merge((HOME, *old_block, BY_HAND), block, P, config)
    assert [i.label for i in menu] == ["Home", "B", "Status"]


def test_merge_after_a_missing_item_goes_to_the_bottom() -> None:
    block = (NavItem(P + "menu", "header", "B", "", "", "", "all", ()),)
    config = NavigationConfig(position="after", after="nope")
    menu, found = merge((HOME,), block, P, config)
    assert (not found, [i.label for i in menu]) == (True, ["Home", "B"])


def test_plan_counts_added_changed_moved_removed_and_diffs_the_menu() -> None:
    config = NavigationConfig(label="Handbook", depth="pages")
    block = desired_block(PAGES, "en", "handbook", config)
    # The wiki has an older block: two links swapped, one label old, one page gone.
    old_block = (
        block[0],
        NavItem(block[1].id, "link", "Questions", "", "page", "/en/handbook/faq", "all", ()),
        block[2],
        block[3],
        block[4],
        block[6],
        block[5],
        NavItem(
            P + "page:retired", "link", "Retired", "", "page", "/en/handbook/retired", "all", ()
        ),
    )
    menus = (NavMenu("en", (HOME, BY_HAND, *old_block)), NavMenu("de", (HOME,)))
    result = plan_navigation(PAGES, menus, "handbook", config, mode="MIXED")
    en, fr = result.changes
    assert (en.locale, en.added, en.changed, en.moved, en.removed) == ("en", 2, 1, 1, 1)
    assert en.counts() == "2 added, 1 changed, 1 moved, 1 removed"
    assert "-- Questions \u2192 /en/handbook/faq" in en.diff
    assert "+- FAQ \u2192 /en/handbook/faq" in en.diff
    assert en.diff.startswith("--- navigation en (wiki)\n+++ navigation en (files)")
    assert (fr.locale, fr.added, fr.removed) == ("fr", 3, 0)  # a new menu for fr
    assert not result.warnings
    assert "de" not in result.blocks  # no pages, no block: de is not touched


def test_no_change_when_the_block_is_in_place() -> None:
    config = NavigationConfig()
    block = desired_block(PAGES, "en", "handbook", config)
    fr = desired_block(PAGES, "fr", "handbook", config)
    menus = (NavMenu("en", (HOME, BY_HAND, *block)), NavMenu("fr", fr))
    result = plan_navigation(PAGES, menus, "handbook", config, mode="STATIC")
    assert result.changes == ()
    assert merged_tree(menus, result) is None


def test_a_block_split_by_hand_is_gathered_again() -> None:
    config = NavigationConfig(depth="top")
    block = desired_block(PAGES, "fr", "handbook", config)
    menus = (NavMenu("fr", (block[0], HOME, block[1])),)
    result = plan_navigation(PAGES[-1:], menus, "handbook", config, mode="MIXED")
    [fr] = result.changes
    assert (fr.added, fr.moved, fr.removed) == (0, 0, 0)
    assert fr.counts() == "reordered"
    assert merged_tree(menus, result) == (NavMenu("fr", (*block, HOME)),)


def test_a_locale_without_pages_loses_its_block_only() -> None:
    stale = NavItem(P + "menu", "header", "Documentation", "", "", "", "all", ())
    menus = (NavMenu("en", (HOME,)), NavMenu("de", (stale, BY_HAND)))
    result = plan_navigation((), menus, "handbook", NavigationConfig(), mode="MIXED")
    [de] = result.changes
    assert (de.locale, de.removed) == ("de", 1)
    merged = merged_tree(menus, result)
    assert merged == (NavMenu("en", (HOME,)), NavMenu("de", (BY_HAND,)))


def test_merged_tree_keeps_other_locales_and_items_as_read() -> None:
    config = NavigationConfig(position="after", after="Home")
    result = plan_navigation(PAGES, (), "handbook", config, mode="MIXED")
    other = NavMenu("de", (BY_HAND, HOME))
    menus = (other, NavMenu("en", (HOME, BY_HAND)))
    merged = merged_tree(menus, result)
    assert merged is not None
    assert merged[0] is other  # the same object: not rebuilt
    assert [i.label for i in merged[1].items][:3] == ["Home", "Documentation", "FAQ"]
    assert merged[1].items[-1] == BY_HAND
    assert [m.locale for m in merged] == ["de", "en", "fr"]  # a new locale goes last


def test_a_hiding_mode_is_warned_about_with_the_mode_to_choose() -> None:
    for mode in ("TREE", "NONE"):
        result = plan_navigation(PAGES, (), "handbook", NavigationConfig(), mode=mode)
        [warning] = result.warnings
        assert f"navigation mode is {mode}" in warning
        assert "MIXED" in warning and "STATIC" in warning
    assert not plan_navigation(PAGES, (), "handbook", NavigationConfig(), mode="MIXED").warnings


def test_a_missing_after_item_is_warned_about() -> None:
    config = NavigationConfig(position="after", after="Nope")
    result = plan_navigation(PAGES, (NavMenu("en", (HOME,)),), "handbook", config, mode="MIXED")
    assert any("no item with id or label 'Nope'" in w for w in result.warnings)


def test_config_is_off_by_default_and_checked() -> None:
    assert parse_config("root: handbook\n").navigation is None
    on = parse_config("navigation:\n  label: Handbook\n  depth: pages\n").navigation
    assert on == NavigationConfig(label="Handbook", depth="pages")
    with pytest.raises(ConfigError, match=r"wikisync.yml:2: navigation: position: after needs"):
        parse_config("root: x\nnavigation:\n  position: after\n")
    with pytest.raises(ConfigError, match=r"wikisync.yml:3: navigation.depth"):
        parse_config("root: x\nnavigation:\n  depth: deep\n")
    with pytest.raises(ConfigError, match=r"unknown key 'navigation.where'"):
        parse_config("navigation:\n  where: top\n")


# -- rendering -----------------------------------------------------------------------------

NAV_CHANGE = NavigationChange(
    locale="en",
    added=3,
    moved=1,
    removed=1,
    diff="\n".join(
        [
            "--- navigation en (wiki)",
            "+++ navigation en (files)",
            "@@ -1,4 +1,6 @@",
            " - Home \u2192 /",
            " ## Handbook",
            "-- Retired \u2192 /en/handbook/retired",
            "+- Guide \u2192 /en/handbook/guide",
            "+- Install \u2192 /en/handbook/guide/install",
            "+- FAQ \u2192 /en/handbook/faq",
            " - Status \u2192 https://status",
        ]
    ),
    digest="e" * 64,
    remote_digest="f" * 64,
)
NAV_PLAN = Plan(
    navigation=(NAV_CHANGE,),
    navigation_warnings=("the wiki's navigation mode is TREE, which does not show the menu",),
    unchanged=(("en", "handbook"),),
)
TARGET = {"url": "https://wiki.example.com", "root": "handbook", "locale": "en"}


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {name}; run with UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8")


def test_text_golden() -> None:
    text = render_text(NAV_PLAN, directory="docs")
    check_golden("plan-navigation.txt", text)
    assert "  ~ navigation en: 3 added, 1 moved, 1 removed\n" in text
    assert "Plan: 0 to create, 0 to update, 0 to move, 0 to delete.\n" in text


def test_markdown_golden() -> None:
    check_golden("plan-navigation.md", render_markdown(NAV_PLAN, directory="docs"))


def test_json_golden_and_round_trip() -> None:
    text = render_json(NAV_PLAN, target=TARGET, wikisync_version="0.1.0")
    check_golden("plan-navigation.json", text + "\n")
    loaded, _ = load_plan_json(text)
    assert loaded.navigation == (NAV_CHANGE.__class__(**{**NAV_CHANGE.__dict__, "diff": ""}),)
    assert loaded.navigation_warnings == NAV_PLAN.navigation_warnings
    assert loaded.has_changes


def test_plans_without_navigation_have_no_navigation_key() -> None:
    document = json.loads(render_json(Plan(), target=TARGET, wikisync_version="0.1.0"))
    assert "navigation" not in document
    assert "Navigation" not in render_text(Plan(), directory="docs")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ([], "navigation must be an object"),
        ({"changes": [{"locale": "en"}]}, r"navigation.changes\[0\].added is missing"),
        (
            {
                "changes": [
                    {
                        "locale": "en",
                        "digest": "",
                        "remote_digest": "",
                        "added": -1,
                        "changed": 0,
                        "moved": 0,
                        "removed": 0,
                    }
                ]
            },
            r"navigation.changes\[0\].added must not be negative",
        ),
    ],
)
def test_a_bad_navigation_section_is_refused(section: object, message: str) -> None:
    document = json.loads(render_json(Plan(), target=TARGET, wikisync_version="0.1.0"))
    document["navigation"] = section
    with pytest.raises(PlanFileError, match=message):
        load_plan_json(json.dumps(document))


def test_pages_of_a_sub_folder_stay_together_under_its_own_page() -> None:
    pages = (
        page("docs/_index.md", "handbook/docs", "Documentation", nav_title="Docs"),
        page("docs/overview.md", "handbook/docs/overview", "Overview", nav_order=1),
        page("docs/start/_index.md", "handbook/docs/start", "Getting Started", nav_order=2),
        page("docs/start/a.md", "handbook/docs/start/a", "Install", nav_order=1),
        page("docs/start/b.md", "handbook/docs/start/b", "First steps", nav_order=2),
        page("docs/examples.md", "handbook/docs/examples", "Examples", nav_order=3),
    )
    block = desired_block(pages, "en", "handbook", NavigationConfig(depth="pages"))
    assert [i.label for i in block] == [
        "Documentation", "Docs", "Docs", "Overview", "Getting Started", "Install",
        "First steps", "Examples",
    ]  # fmt: skip
