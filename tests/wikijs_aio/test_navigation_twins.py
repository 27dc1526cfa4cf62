"""The navigation menu through the sync and the async client (every test runs twice)."""

from __future__ import annotations

import pytest
from _twin_clients import WikiFactory

from wikijs import (
    ForbiddenError,
    NavigationConfig,
    NavigationItem,
    NavigationTree,
    QueryValidationError,
)
from wikijs.testing import WikiJSEmulator


def test_read_replace_and_read_back(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    wiki = wiki_factory(emu)
    [en] = wiki.navigation.tree()
    assert [(i.kind, i.label, i.target_type, i.visibility_groups) for i in en.items] == [
        ("link", "Home", "home", None)
    ]
    items = [
        NavigationItem.header("ws-h", "Handbook"),
        NavigationItem.link("ws-l", "Install", "/en/handbook/install", icon="mdi-download"),
        NavigationItem.divider("ws-d"),
    ]
    wiki.navigation.update_tree(
        [NavigationTree(locale="en", items=[*en.items, *items]), {"locale": "fr", "items": []}]
    )
    after = wiki.navigation.tree()
    assert [t.locale for t in after] == ["en", "fr"]
    assert after[0].items == [en.items[0], *items]  # the Home link came back unchanged
    assert after[0].items[0].visibility_groups is None
    assert after[0].items[2].to_input() == {
        "id": "ws-l",
        "kind": "link",
        "label": "Install",
        "icon": "mdi-download",
        "targetType": "page",
        "target": "/en/handbook/install",
        "visibilityMode": "all",
        "visibilityGroups": [],
    }


def test_a_tree_that_omits_a_locale_deletes_its_menu(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    wiki = wiki_factory(emu)
    fr = NavigationTree(locale="fr", items=[NavigationItem.header("h", "Manuel")])
    wiki.navigation.update_tree([NavigationTree(locale="en"), fr])
    wiki.navigation.update_tree([NavigationTree(locale="en")])
    assert [t.locale for t in wiki.navigation.tree()] == ["en"]


def test_mode_read_and_set(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    wiki = wiki_factory(emu)
    assert wiki.navigation.config() == NavigationConfig(mode="MIXED")
    assert wiki.navigation.config().shows_menu
    wiki.navigation.set_mode("TREE")
    assert wiki.navigation.mode() == "TREE"
    assert not wiki.navigation.config().shows_menu
    with pytest.raises(QueryValidationError, match='"SIDEWAYS" does not exist'):
        wiki.navigation.set_mode("SIDEWAYS")  # type: ignore[arg-type]
    assert wiki.navigation.mode() == "TREE"


def test_an_item_without_an_id_is_refused(emu: WikiJSEmulator, wiki_factory: WikiFactory) -> None:
    wiki = wiki_factory(emu)
    with pytest.raises(ValueError, match="id"):
        wiki.navigation.update_tree([{"locale": "en", "items": [{"kind": "link"}]}])
    assert wiki.navigation.tree()[0].items[0].label == "Home"


def test_without_manage_navigation_reads_and_writes_are_forbidden(
    emu: WikiJSEmulator, wiki_factory: WikiFactory
) -> None:
    reader = emu.issue_key("reader", full_access=False, group=2)  # the Guests group
    wiki = wiki_factory(emu, api_key=reader)
    with pytest.raises(ForbiddenError, match="Forbidden"):
        wiki.navigation.tree()
    with pytest.raises(ForbiddenError, match="Forbidden"):
        wiki.navigation.update_tree([NavigationTree(locale="en")])
    owner = wiki_factory(emu)
    assert owner.navigation.tree()[0].items[0].label == "Home"
