"""The groups API against recorded Wiki.js answers (HTTP faked with ``responses``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _replay import Replay, make_transport, success, transcript

from wikijs._errors import NotFoundError
from wikijs._groups import GroupsAPI
from wikijs.models._users import PageRule


@pytest.fixture
def groups() -> Iterator[GroupsAPI]:
    transport = make_transport()
    yield GroupsAPI(transport)
    transport.close()


def test_list(replay: Replay, groups: GroupsAPI) -> None:
    replay.expect("groups_list")
    admins, guests = groups.list()
    assert (admins.id, admins.name, admins.is_system, admins.user_count) == (
        1,
        "Administrators",
        True,
        1,
    )
    assert guests.name == "Guests"
    assert admins.created.year == 2026


def test_get(replay: Replay, groups: GroupsAPI) -> None:
    replay.expect("groups_single")
    group = groups.get(1)
    assert group.permissions == ["manage:system"]
    assert group.redirect_on_login == "/"
    assert group.page_rules == []
    assert [(u.id, u.email) for u in group.users] == [(1, "admin@example.com")]
    assert replay.sent[0]["variables"] == {"id": 1}


def test_get_missing(replay: Replay, groups: GroupsAPI) -> None:
    replay.expect_graphql("groups.single null", {"data": {"groups": {"single": None}}})
    with pytest.raises(NotFoundError, match="group 42"):
        groups.get(42)


def test_create_reads_the_group_back(replay: Replay, groups: GroupsAPI) -> None:
    replay.expect_graphql("groups.create", success("groups", "create", group={"id": 1}))
    replay.expect("groups_single")
    group = groups.create("Administrators")
    assert group.id == 1
    assert replay.sent[0]["variables"] == {"name": "Administrators"}


def test_update_is_read_modify_write(replay: Replay, groups: GroupsAPI) -> None:
    replay.expect("groups_single")
    replay.expect_graphql("groups.update", success("groups", "update"))
    rule = PageRule(id="r1", roles=["read:pages"], path="handbook", locales=["en"])
    groups.update(1, page_rules=[rule])
    assert replay.sent[1]["variables"] == {
        "id": 1,
        "name": "Administrators",
        "redirectOnLogin": "/",
        "permissions": ["manage:system"],
        "pageRules": [
            {
                "id": "r1",
                "deny": False,
                "match": "START",
                "roles": ["read:pages"],
                "path": "handbook",
                "locales": ["en"],
            }
        ],
    }


def test_update_with_a_known_group_skips_the_read(replay: Replay, groups: GroupsAPI) -> None:
    replay.expect("groups_single")
    current = groups.get(1)
    replay.expect_graphql("groups.update", success("groups", "update"))
    groups.update(1, name="Admins", current=current)
    assert len(replay.sent) == 2
    variables = replay.sent[1]["variables"]
    assert variables["name"] == "Admins"
    assert variables["permissions"] == ["manage:system"]
    assert variables["pageRules"] == []


def test_page_rules_round_trip_from_the_recording() -> None:
    single = transcript("groups_single")["response"]["body"]["data"]["groups"]["single"]
    rule = {
        "id": "x",
        "deny": True,
        "match": "REGEX",
        "roles": ["write:pages"],
        "path": "^a",
        "locales": [],
    }
    assert PageRule.model_validate(rule).as_input() == rule
    assert single["pageRules"] == []


@pytest.mark.parametrize(
    ("method", "field", "args", "variables"),
    [
        ("delete", "delete", (3,), {"id": 3}),
        ("assign_user", "assignUser", (3, 7), {"groupId": 3, "userId": 7}),
        ("unassign_user", "unassignUser", (3, 7), {"groupId": 3, "userId": 7}),
    ],
)
def test_simple_writes(
    replay: Replay,
    groups: GroupsAPI,
    method: str,
    field: str,
    args: tuple[int, ...],
    variables: dict[str, int],
) -> None:
    replay.expect_graphql(f"groups.{field}", success("groups", field))
    getattr(groups, method)(*args)
    assert replay.sent[0]["variables"] == variables
    assert replay.sent[0]["query"].startswith("mutation")
