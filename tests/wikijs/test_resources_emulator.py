"""Assets, users, groups and system reads against the Wiki.js emulator over loopback HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wikijs import WikiJSClient, WikiJSError
from wikijs._assets import MAX_UPLOAD_SIZE, AssetsAPI, asset_filename
from wikijs._auth import ApiKeyAuth
from wikijs._errors import (
    AssetFolderExistsError,
    AssetInvalidError,
    AssetRenameInvalidExtError,
    HTTPStatusError,
    NotFoundError,
    PayloadTooLargeError,
    UserNotFoundError,
)
from wikijs._groups import GroupsAPI
from wikijs._system import NavigationAPI, SiteAPI, SystemAPI
from wikijs._transport import Transport
from wikijs._users import UsersAPI
from wikijs.testing import WikiJSEmulator


@dataclass
class Wiki:
    emulator: WikiJSEmulator
    assets: AssetsAPI
    users: UsersAPI
    groups: GroupsAPI
    transport: Transport


@pytest.fixture
def wiki() -> Iterator[Wiki]:
    with WikiJSEmulator() as emulator:
        transport = Transport(emulator.url, auth=ApiKeyAuth(emulator.api_key))
        try:
            yield Wiki(
                emulator, AssetsAPI(transport), UsersAPI(transport), GroupsAPI(transport), transport
            )
        finally:
            transport.close()


class TestAssets:
    def test_upload_download_rename_delete(self, wiki: Wiki, tmp_path: Path) -> None:
        folder_id = wiki.assets.ensure_folder("Handbook/Images")
        assert wiki.assets.folder_path(folder_id) == "handbook/images"

        file = tmp_path / "Team Photo, 2024.PNG"
        content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
        file.write_bytes(content)
        asset = wiki.assets.upload(file, folder_id=folder_id)
        assert asset.filename == asset_filename(file.name) == "team_photo_2024.png"
        assert (asset.kind, asset.mime, asset.file_size) == ("IMAGE", "image/png", len(content))
        path = wiki.assets.asset_path(asset)
        assert path == "/handbook/images/team_photo_2024.png"
        assert wiki.assets.download(path) == content

        wiki.assets.rename(asset.id, "team.png")
        [renamed] = wiki.assets.list(folder_id)
        assert (renamed.id, renamed.filename) == (asset.id, "team.png")
        assert wiki.assets.download("handbook/images/team.png") == content
        with pytest.raises(AssetRenameInvalidExtError):
            wiki.assets.rename(asset.id, "team.jpg")

        wiki.assets.delete(asset.id)
        assert wiki.assets.list(folder_id) == []
        with pytest.raises(AssetInvalidError):
            wiki.assets.delete(asset.id)

    def test_same_name_overwrites(self, wiki: Wiki) -> None:
        first = wiki.assets.upload(b"one", filename="Notes.txt")
        second = wiki.assets.upload(b"second version", filename="notes.txt")
        assert second.id == first.id
        assert [a.filename for a in wiki.assets.list()] == ["notes.txt"]
        assert wiki.assets.download("/notes.txt") == b"second version"

    def test_readable_by_guests_asks_without_credentials(self, wiki: Wiki) -> None:
        folder_id = wiki.assets.ensure_folder("private")
        wiki.assets.upload(b"secret", filename="notes.txt", folder_id=folder_id)
        assert wiki.assets.readable_by_guests("/private/notes.txt")  # a fresh install
        rule = {"id": "p", "deny": True, "match": "START", "roles": ["read:assets"]}
        guests = wiki.groups.get(2)
        rules = [r.model_dump() for r in guests.page_rules]
        wiki.groups.update(2, page_rules=[*rules, {**rule, "path": "private"}])
        assert not wiki.assets.readable_by_guests("/private/notes.txt")
        assert wiki.assets.download("/private/notes.txt") == b"secret"  # the key still can
        with pytest.raises(HTTPStatusError) as missing:
            wiki.assets.readable_by_guests("/private/missing.txt")
        assert missing.value.status == 404

    def test_oversize_upload_never_reaches_the_server(self, wiki: Wiki) -> None:
        before = wiki.emulator.log.count(kind="upload")
        with pytest.raises(PayloadTooLargeError):
            wiki.assets.upload(bytes(MAX_UPLOAD_SIZE + 1), filename="big.bin")
        assert wiki.emulator.log.count(kind="upload") == before

    def test_upload_at_the_limit_is_accepted(self, wiki: Wiki) -> None:
        asset = wiki.assets.upload(bytes(MAX_UPLOAD_SIZE), filename="exact.bin")
        assert (asset.file_size, asset.kind) == (MAX_UPLOAD_SIZE, "BINARY")

    def test_ensure_folder_reuses_existing_folders(self, wiki: Wiki) -> None:
        first = wiki.assets.ensure_folder("a/b/c")
        creates = wiki.emulator.log.count("assets.createFolder")
        assert wiki.assets.ensure_folder("/A/B/C/") == first
        assert wiki.emulator.log.count("assets.createFolder") == creates == 3
        with pytest.raises(AssetFolderExistsError):
            wiki.assets.create_folder("a")
        assert [f.slug for f in wiki.assets.folders()] == ["a"]

    def test_folder_path_of_an_unseen_folder_walks_the_tree(self, wiki: Wiki) -> None:
        leaf = wiki.assets.ensure_folder("x/y")
        fresh = AssetsAPI(wiki.transport)
        assert fresh.folder_path(leaf) == "x/y"
        with pytest.raises(NotFoundError):
            fresh.folder_path(999)


class TestUsersAndGroups:
    def test_user_round_trip(self, wiki: Wiki) -> None:
        user = wiki.users.create("Bob@Example.com", "Bob", password="bobs-secret-pw", groups=[2])
        assert user.name == "Bob" and user.email.lower() == "bob@example.com"
        assert [u.id for u in wiki.users.search("bob")] == [user.id]

        wiki.users.update(user.id, name="Robert", job_title="Writer")
        changed = wiki.users.get(user.id)
        assert (changed.name, changed.job_title, changed.email) == ("Robert", "Writer", user.email)

        wiki.users.deactivate(user.id)
        assert wiki.users.get(user.id).is_active is False
        wiki.users.activate(user.id)
        assert wiki.users.get(user.id).is_active is True

        wiki.users.delete(user.id, replace_id=1)
        assert user.id not in [u.id for u in wiki.users.list()]
        with pytest.raises(UserNotFoundError):
            wiki.users.get(user.id)

    def test_group_round_trip(self, wiki: Wiki) -> None:
        group = wiki.groups.create("Writers")
        user = wiki.users.create("ann@example.com", "Ann", password="anns-secret-pw")

        wiki.groups.assign_user(group.id, user.id)
        assert user.id in [u.id for u in wiki.groups.get(group.id).users]
        assert group.id in [g.id for g in wiki.users.get(user.id).groups]

        wiki.groups.update(group.id, permissions=["read:pages", "write:pages"])
        updated = wiki.groups.get(group.id)
        assert updated.permissions == ["read:pages", "write:pages"]
        assert (updated.name, updated.page_rules) == (group.name, group.page_rules)

        wiki.groups.unassign_user(group.id, user.id)
        assert wiki.groups.get(group.id).users == []

        wiki.groups.delete(group.id)
        with pytest.raises(NotFoundError):
            wiki.groups.get(group.id)
        assert "Writers" not in [g.name for g in wiki.groups.list()]

    def test_profile_is_the_key_owner(self, wiki: Wiki) -> None:
        assert wiki.users.profile().email == wiki.emulator.admin_email


def test_system_site_and_navigation(wiki: Wiki) -> None:
    info = SystemAPI(wiki.transport).info()
    assert info.version_tuple[:2] == (2, 5)
    config = SiteAPI(wiki.transport).config()
    assert config.upload_max_file_size == MAX_UPLOAD_SIZE
    trees = NavigationAPI(wiki.transport).tree()
    assert "en" in [t.locale for t in trees]


def test_localization_locales_are_the_locales_pages_can_be_written_in() -> None:
    """The emulator answers ``localization.locales`` with exactly the locales its page
    writes accept: every listed locale takes a page, any other is the foreign-key error."""
    with (
        WikiJSEmulator(locales=("en", "de")) as emulator,
        WikiJSClient(emulator.url, api_key=emulator.api_key) as client,
    ):
        locales = client.localization.locales()
        assert [(loc.code, loc.is_installed) for loc in locales] == [("en", True), ("de", True)]
        for loc in locales:
            assert client.pages.create(f"loc-{loc.code}", content="x", locale=loc.code).id
        with pytest.raises(WikiJSError, match="pages_localecode_foreign"):
            client.pages.create("loc-zz", content="x", locale="zz")
