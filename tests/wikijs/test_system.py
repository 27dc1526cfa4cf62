"""System, site and navigation reads, and the documents of the resources in this area."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _replay import Replay, make_transport, transcript
from graphql import build_client_schema, parse, validate

from wikijs._graphql.documents import all_documents
from wikijs._system import LocalizationAPI, NavigationAPI, SiteAPI, SystemAPI
from wikijs._transport import Transport
from wikijs.models._system import SystemInfo

INTROSPECTION = (
    Path(__file__).resolve().parents[2] / "wikijs" / "testing" / "data" / "introspection.json"
)


@pytest.fixture
def transport() -> Iterator[Transport]:
    t = make_transport()
    yield t
    t.close()


def test_system_info(replay: Replay, transport: Transport) -> None:
    replay.expect("system_info")
    info = SystemAPI(transport).info()
    assert info.current_version == "2.5.314"
    assert info.version_tuple == (2, 5, 314)
    assert (info.db_type, info.pages_total, info.users_total) == ("PostgreSQL", 66, 2)


def test_version_tuple_of_odd_versions() -> None:
    assert SystemInfo(current_version="2.5.300-beta").version_tuple == (2, 5)
    assert SystemInfo().version_tuple == ()


def test_site_config(replay: Replay, transport: Transport) -> None:
    replay.expect("site_config")
    config = SiteAPI(transport).config()
    assert config.host == "http://127.0.0.1:3000"
    assert config.upload_max_file_size == 5_242_880
    assert config.auth_jwt_expiration == "30m"


def test_navigation_tree(replay: Replay, transport: Transport) -> None:
    tree = [
        {
            "locale": "en",
            "items": [
                {
                    "id": "a1",
                    "kind": "link",
                    "label": "Home",
                    "icon": "mdi-home",
                    "targetType": "home",
                    "target": "/",
                    "visibilityMode": "all",
                    "visibilityGroups": None,
                },
                None,
            ],
        }
    ]
    replay.expect_graphql("navigation.tree", {"data": {"navigation": {"tree": tree}}})
    [en] = NavigationAPI(transport).tree()
    assert en.locale == "en"
    assert [(i.label, i.target, i.visibility_groups) for i in en.items] == [("Home", "/", None)]


AREA = ("assets.", "users.", "groups.", "system.", "site.", "navigation.", "localization.")
EXPECTED = {
    *(f"assets.{n}" for n in ("folders", "list", "create_folder", "rename", "delete")),
    *(
        f"users.{n}"
        for n in (
            "list",
            "search",
            "get",
            "profile",
            "last_logins",
            "create",
            "update",
            "delete",
            "activate",
            "deactivate",
            "verify",
            "reset_password",
        )
    ),
    *(
        f"groups.{n}"
        for n in ("list", "get", "create", "update", "delete", "assign_user", "unassign_user")
    ),
    "system.info",
    "site.config",
    "navigation.tree",
    "navigation.config",
    "navigation.update_tree",
    "navigation.set_mode",
    "localization.locales",
}


def test_every_document_of_these_resources_is_valid_against_the_schema() -> None:
    raw = json.loads(INTROSPECTION.read_text("utf-8"))
    schema = build_client_schema(raw.get("data", raw))
    checked = set()
    for name, query in all_documents():
        if not name.startswith(AREA):
            continue
        errors = validate(schema, parse(query))
        assert not errors, f"{name}: {errors}"
        checked.add(name)
    assert checked == EXPECTED


def test_localization_locales_parses_the_recorded_answer(
    replay: Replay, transport: Transport
) -> None:
    replay.expect("localization_locales")
    (locale,) = LocalizationAPI(transport).locales()
    assert (locale.code, locale.name, locale.native_name) == ("en", "English", "English")
    assert (locale.is_installed, locale.is_rtl, locale.availability) == (True, False, 0)
    assert replay.sent[0]["query"].startswith("query { localization { locales {")


def test_localization_locales_keeps_uninstalled_locales_apart(
    replay: Replay, transport: Transport
) -> None:
    recorded = transcript("localization_locales")["response"]["body"]["data"]["localization"]
    listed = [
        *recorded["locales"],
        {"code": "ar", "name": "Arabic", "nativeName": "عربي", "isRTL": True,
         "isInstalled": False, "availability": 87},
    ]  # fmt: skip
    replay.expect_graphql("localization.locales", {"data": {"localization": {"locales": listed}}})
    locales = LocalizationAPI(transport).locales()
    assert [(loc.code, loc.is_installed, loc.is_rtl) for loc in locales] == [
        ("en", True, False),
        ("ar", False, True),
    ]
