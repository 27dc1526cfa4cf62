"""Users, groups, API keys, site, system, navigation, localization; the public surface."""

from __future__ import annotations

from collections.abc import Callable

from _emulator_client import Client

import wikijs.testing
from wikijs.testing import WikiJSEmulator

OK = "{ responseResult { succeeded errorCode slug message } }"


def test_users_lifecycle(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    create = (
        'mutation ($email: String!, $pw: String) { users { create(email: $email, name: "Ann", '
        'passwordRaw: $pw, providerKey: "local", groups: [2]) { responseResult { succeeded errorCode message } user { id } } } }'
    )
    made = client.data(create, {"email": "Ann@Example.com", "pw": "s3cret!"})["users"]["create"]
    assert made == {
        "responseResult": {
            "succeeded": True,
            "errorCode": 0,
            "message": "User created successfully",
        },
        "user": None,
    }
    again = client.data(create, {"email": "ann@example.com", "pw": "s3cret!"})["users"]["create"]
    assert again["responseResult"]["errorCode"] == 1004
    weak = client.data(create, {"email": "bob@example.com", "pw": "123"})["users"]["create"]
    assert (
        weak["responseResult"]["message"] == "Password raw is too short (minimum is 6 characters)"
    )
    found = client.data('{ users { search(query: "ann@") { id email } } }')["users"]["search"]
    assert [u["email"] for u in found] == ["ann@example.com"]
    ann = found[0]["id"]
    single = client.data(
        f"{{ users {{ single(id: {ann}) {{ name isActive groups {{ name }} }} }} }}"
    )
    assert single["users"]["single"] == {
        "name": "Ann",
        "isActive": True,
        "groups": [{"name": "Guests"}],
    }
    client.data(f'mutation {{ users {{ update(id: {ann}, name: "Ann B", groups: [1]) {OK} }} }}')
    client.data(f"mutation {{ users {{ deactivate(id: {ann}) {OK} }} }}")
    after = client.data(f"{{ users {{ single(id: {ann}) {{ name isActive groups {{ id }} }} }} }}")
    assert after["users"]["single"] == {"name": "Ann B", "isActive": False, "groups": [{"id": 1}]}
    protected = client.data(f"mutation {{ users {{ delete(id: 1, replaceId: 1) {OK} }} }}")
    assert protected["users"]["delete"]["responseResult"]["errorCode"] == 1016
    deleted = client.data(f"mutation {{ users {{ delete(id: {ann}, replaceId: 1) {OK} }} }}")
    assert deleted["users"]["delete"]["responseResult"]["succeeded"]
    gone = client.post(f"{{ users {{ single(id: {ann}) {{ id }} }} }}").json()
    assert gone["errors"][0]["message"] == "Cannot set properties of undefined (setting 'password')"
    ids = [u["id"] for u in client.data("{ users { list { id } } }")["users"]["list"]]
    assert sorted(ids) == [1, 2]


def test_groups_lifecycle(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    made = client.data(
        'mutation { groups { create(name: "Editors") { responseResult { succeeded } group { id name permissions } } } }'
    )
    group = made["groups"]["create"]["group"]
    assert group["name"] == "Editors" and "read:pages" in group["permissions"]
    update = (
        f'mutation {{ groups {{ update(id: {group["id"]}, name: "Writers", redirectOnLogin: "", '
        'permissions: ["read:pages", "write:pages"], pageRules: [{id: "r", deny: false, '
        'match: START, roles: ["read:pages", "write:pages"], path: "docs", locales: []}]) '
        f"{OK} }} }}"
    )
    assert client.data(update)["groups"]["update"]["responseResult"]["succeeded"]
    client.data(f"mutation {{ groups {{ assignUser(groupId: {group['id']}, userId: 1) {OK} }} }}")
    twice = client.post(
        f"mutation {{ groups {{ assignUser(groupId: {group['id']}, userId: 1) {OK} }} }}"
    ).json()
    assert twice["errors"][0]["message"] == "User is already assigned to group."
    single = client.data(
        f"{{ groups {{ single(id: {group['id']}) {{ name redirectOnLogin users {{ id }} pageRules {{ path match }} }} }} }}"
    )
    assert single["groups"]["single"] == {
        "name": "Writers",
        "redirectOnLogin": "/",
        "users": [{"id": 1}],
        "pageRules": [{"path": "docs", "match": "START"}],
    }
    counts = {
        g["name"]: g["userCount"]
        for g in client.data("{ groups { list { name userCount } } }")["groups"]["list"]
    }
    assert counts == {"Administrators": 1, "Guests": 1, "Writers": 1}
    client.data(f"mutation {{ groups {{ delete(id: {group['id']}) {OK} }} }}")
    assert (
        client.data(f"{{ groups {{ single(id: {group['id']}) {{ id }} }} }}")["groups"]["single"]
        is None
    )


def test_page_rules_limit_a_group_to_a_path(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    group = client.data('mutation { groups { create(name: "Docs") { group { id } } } }')["groups"][
        "create"
    ]["group"]["id"]
    client.data(
        f'mutation {{ groups {{ update(id: {group}, name: "Docs", redirectOnLogin: "/", '
        'permissions: ["read:pages", "write:pages"], pageRules: [{id: "r", deny: false, '
        'match: START, roles: ["read:pages", "write:pages"], path: "docs", locales: []}]) '
        f"{OK} }} }}"
    )
    key = client.data(
        f'mutation {{ authentication {{ createApiKey(name: "docs", expiration: "1d", fullAccess: false, group: {group}) {{ key }} }} }}'
    )["authentication"]["createApiKey"]["key"]
    writer = Client(wikijs_emulator, key=key)
    assert writer.create("docs/page")["responseResult"]["succeeded"] is True
    outside = writer.create("other/page")["responseResult"]
    assert (outside["errorCode"], outside["slug"]) == (6010, "PageDeleteForbidden")  # sic


def test_api_keys_list_and_revoke(wikijs_emulator: WikiJSEmulator) -> None:
    client = Client(wikijs_emulator)
    key = wikijs_emulator.issue_key("ci")
    keys = client.data("{ authentication { apiKeys { id name keyShort isRevoked } apiState } }")[
        "authentication"
    ]
    assert keys["apiState"] is True
    assert [(k["name"], k["keyShort"]) for k in keys["apiKeys"]] == [
        ("wikijs-emulator", "..." + wikijs_emulator.api_key[-20:]),
        ("ci", "..." + key[-20:]),
    ]
    client.data(f"mutation {{ authentication {{ revokeApiKey(id: 2) {OK} }} }}")
    assert Client(wikijs_emulator, key=key).post("{ pages { list { id } } }").status_code == 500


def test_site_system_navigation_localization(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(locales=("en", "de"), session_lifetime=3600)
    client = Client(emulator)
    site = client.data("{ site { config { host title authJwtExpiration uploadMaxFileSize } } }")
    assert site["site"]["config"] == {
        "host": emulator.url, "title": "Wiki.js", "authJwtExpiration": "1h", "uploadMaxFileSize": 5242880,
    }  # fmt: skip
    client.data(f'mutation {{ site {{ updateConfig(title: "Docs") {OK} }} }}')
    assert client.data("{ site { config { title } } }")["site"]["config"]["title"] == "Docs"
    info = client.data("{ system { info { currentVersion pagesTotal usersTotal groupsTotal } } }")
    assert info["system"]["info"] == {
        "currentVersion": "2.5.314",
        "pagesTotal": 0,
        "usersTotal": 2,
        "groupsTotal": 2,
    }
    nav = client.data("{ navigation { tree { locale items { label } } } }")["navigation"]["tree"]
    assert nav == [{"locale": "en", "items": [{"label": "Home"}]}]  # as a fresh install
    locales = client.data("{ localization { locales { code name nativeName isInstalled } } }")
    assert locales["localization"]["locales"][1] == {
        "code": "de",
        "name": "German",
        "nativeName": "Deutsch",
        "isInstalled": True,
    }
    unsupported = client.post('{ comments { list(locale: "en", path: "x") { id } } }').json()
    assert "not supported by the Wiki.js emulator" in unsupported["errors"][0]["message"]


def test_public_names_are_exported_and_sorted() -> None:
    exported = wikijs.testing.__all__
    assert exported == sorted(exported, key=lambda n: (not n.isupper(), n))
    for name in exported:
        assert getattr(wikijs.testing, name) is not None
    public = {
        n for n in dir(wikijs.testing) if not n.startswith(("_", "@")) and n != "pytest_plugin"
    }
    assert public <= set(exported) | {"annotations"}


def test_the_pytest_fixtures_give_running_emulators(
    wikijs_emulator: WikiJSEmulator, wikijs_emulator_factory: Callable[..., WikiJSEmulator]
) -> None:
    other = wikijs_emulator_factory(api_key="fixed")
    assert wikijs_emulator.running and other.running
    assert other.api_key == "fixed"
    assert wikijs_emulator.url != other.url
