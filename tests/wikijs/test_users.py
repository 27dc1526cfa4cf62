"""The users API against recorded Wiki.js answers (HTTP faked with ``responses``).

Reads replay real recordings. Writes have no recording: their answers reuse the
recorded success ``responseResult`` and check what the SDK sends.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _replay import Replay, make_transport, success, transcript

from wikijs._errors import (
    ForbiddenError,
    UserDeleteProtectedError,
    UserNotFoundError,
)
from wikijs._logging import MASKER
from wikijs._users import UsersAPI


@pytest.fixture
def users() -> Iterator[UsersAPI]:
    transport = make_transport()
    yield UsersAPI(transport)
    transport.close()


def _single_answer(**changes: object) -> dict[str, object]:
    body = transcript("users_single")["response"]["body"]
    user = {**body["data"]["users"]["single"], **changes}
    return {"data": {"users": {"single": user}}}


class TestReads:
    def test_list(self, replay: Replay, users: UsersAPI) -> None:
        replay.expect("users_list")
        guest, admin = users.list()
        assert (guest.id, guest.name, guest.is_system, guest.last_login) == (2, "Guest", True, None)
        assert (admin.id, admin.email, admin.provider_key, admin.is_active) == (
            1,
            "admin@example.com",
            "local",
            True,
        )
        assert admin.last_login is not None and admin.last_login.tzinfo is not None

    def test_list_as_guest_is_forbidden(self, replay: Replay, users: UsersAPI) -> None:
        replay.expect("no_auth_users_list")
        with pytest.raises(ForbiddenError):
            users.list()

    def test_get(self, replay: Replay, users: UsersAPI) -> None:
        replay.expect("users_single")
        user = users.get(1)
        assert (user.id, user.name, user.provider_name, user.timezone) == (
            1,
            "Administrator",
            "Local",
            "America/New_York",
        )
        assert user.is_verified and not user.tfa_is_active
        assert [(g.id, g.name) for g in user.groups] == [(1, "Administrators")]
        assert replay.sent[0]["variables"] == {"id": 1}

    def test_get_missing_user(self, replay: Replay, users: UsersAPI) -> None:
        replay.expect_graphql("users.single null", {"data": {"users": {"single": None}}})
        with pytest.raises(UserNotFoundError, match="user 99"):
            users.get(99)

    def test_profile(self, replay: Replay, users: UsersAPI) -> None:
        replay.expect("users_profile_apikey")
        profile = users.profile()
        assert (profile.id, profile.name, profile.email) == (
            1,
            "Administrator",
            "admin@example.com",
        )

    def test_search_selects_only_what_the_resolver_reads(
        self, replay: Replay, users: UsersAPI
    ) -> None:
        row = transcript("users_list")["response"]["body"]["data"]["users"]["list"][1]
        hit = {k: row[k] for k in ("id", "name", "email", "providerKey", "createdAt")}
        replay.expect_graphql("users.search", {"data": {"users": {"search": [hit]}}})
        [found] = users.search("admin")
        assert (found.id, found.is_active, found.is_system) == (1, None, None)
        sent = replay.sent[0]
        assert sent["variables"] == {"query": "admin"}
        assert "isActive" not in sent["query"]

    def test_last_logins(self, replay: Replay, users: UsersAPI) -> None:
        admin = transcript("users_list")["response"]["body"]["data"]["users"]["list"][1]
        entry = {"id": 1, "name": admin["name"], "lastLoginAt": admin["lastLoginAt"]}
        replay.expect_graphql("users.lastLogins", {"data": {"users": {"lastLogins": [entry]}}})
        [last] = users.last_logins()
        assert last.last_login.isoformat().startswith("2026-11-26T04:56:47")


class TestWrites:
    def test_create_reads_the_user_back(self, replay: Replay, users: UsersAPI) -> None:
        replay.expect_graphql("users.create", success("users", "create", user={"id": 1}))
        replay.expect_graphql("users.single", _single_answer())
        user = users.create(
            "admin@example.com", "Administrator", password="s3cret-pass-word", groups=[1]
        )
        assert user.id == 1
        create, get = replay.sent
        assert create["query"].startswith("mutation")
        assert create["variables"] == {
            "email": "admin@example.com",
            "name": "Administrator",
            "passwordRaw": "s3cret-pass-word",
            "providerKey": "local",
            "groups": [1],
            "mustChangePassword": False,
            "sendWelcomeEmail": False,
        }
        assert get["variables"] == {"id": 1}
        assert MASKER.mask("pw s3cret-pass-word") == "pw ***"

    def test_create_without_user_in_the_answer_finds_it_by_email(
        self, replay: Replay, users: UsersAPI
    ) -> None:
        replay.expect_graphql("users.create", success("users", "create", user=None))
        replay.expect("users_list").expect("users_single")
        user = users.create("Admin@Example.com", "Administrator", password="long-enough")
        assert user.id == 1

    def test_update_sends_only_given_fields(self, replay: Replay, users: UsersAPI) -> None:
        replay.expect_graphql("users.update", success("users", "update"))
        users.update(5, name="New Name", groups=[1, 3], job_title="")
        assert replay.sent[0]["variables"] == {
            "id": 5,
            "name": "New Name",
            "groups": [1, 3],
            "jobTitle": "",
        }

    def test_update_with_nothing_sends_nothing(self, replay: Replay, users: UsersAPI) -> None:
        users.update(5)
        assert replay.sent == []

    @pytest.mark.parametrize(
        ("method", "field"),
        [
            ("activate", "activate"),
            ("deactivate", "deactivate"),
            ("verify", "verify"),
            ("reset_password", "resetPassword"),
        ],
    )
    def test_account_state_changes(
        self, replay: Replay, users: UsersAPI, method: str, field: str
    ) -> None:
        replay.expect_graphql(f"users.{field}", success("users", field))
        getattr(users, method)(7)
        assert replay.sent[0]["variables"] == {"id": 7}
        assert f"{field}(id: $id)" in replay.sent[0]["query"]

    def test_delete_reassigns_content(self, replay: Replay, users: UsersAPI) -> None:
        replay.expect_graphql("users.delete", success("users", "delete"))
        users.delete(7, replace_id=1)
        assert replay.sent[0]["variables"] == {"id": 7, "replaceId": 1}

    def test_a_refused_write_raises_the_matching_error(
        self, replay: Replay, users: UsersAPI
    ) -> None:
        refused = {
            "responseResult": {
                "succeeded": False,
                "errorCode": 1018,
                "slug": "UserDeleteProtected",
                "message": "Cannot delete a protected user.",
            }
        }
        replay.expect_graphql("users.delete", {"data": {"users": {"delete": refused}}})
        with pytest.raises(UserDeleteProtectedError) as info:
            users.delete(2, 1)
        assert info.value.operation == "users.delete"
