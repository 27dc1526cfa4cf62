"""The assets API against recorded Wiki.js answers (HTTP faked with ``responses``)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from _replay import Replay, make_transport, transcript

from wikijs._assets import MAX_UPLOAD_SIZE, AssetsAPI, asset_filename, asset_folder_slug
from wikijs._errors import (
    AssetFolderExistsError,
    AssetInvalidError,
    AssetRenameInvalidExtError,
    ForbiddenError,
    NotFoundError,
    PayloadTooLargeError,
)


@pytest.fixture
def assets() -> Iterator[AssetsAPI]:
    transport = make_transport()
    yield AssetsAPI(transport)
    transport.close()


def _uploaded_name(name: str) -> str:
    parts = transcript(name)["request"]["body"]["multipart/form-data"]
    return str(parts[1]["filename"])


def _listed_names(name: str) -> list[str]:
    return [a["filename"] for a in transcript(name)["response"]["body"]["data"]["assets"]["list"]]


def _created_slug(name: str) -> str:
    query = transcript(name)["request"]["body"]["query"]
    match = re.search(r'slug: "([^"]*)"', query)
    assert match
    return match.group(1)


class TestNamePrediction:
    def test_upload_name_is_what_the_server_stored(self) -> None:
        sent = _uploaded_name("upload_asset_root")
        assert sent == "Pixel 669512.PNG"
        assert asset_filename(sent) in _listed_names("assets_list_root")
        assert asset_filename(sent) == "pixel_669512.png"

    def test_an_already_clean_name_is_kept(self) -> None:
        sent = _uploaded_name("upload_asset_folder")
        assert asset_filename(sent) == sent
        assert sent in _listed_names("assets_list_folder")

    @pytest.mark.parametrize(
        ("name", "stored"),
        [
            ("A, B;C#D.txt", "a_b_c_d.txt"),
            ("two  spaces\tand tab.md", "two_spaces_and_tab.md"),
            ('we<ird>:na*me?|"x".png', "weirdnamex.png"),
            ("dir/sub\\file.pdf", "dirsubfile.pdf"),
            ("trailing dot.", "trailing_dot"),
            ("CON.txt", ""),
            ("..", ""),
            ("Ünïcode Naïve.PNG", "ünïcode_naïve.png"),
        ],
    )
    def test_upload_name_rules(self, name: str, stored: str) -> None:
        assert asset_filename(name) == stored

    def test_upload_names_are_cut_at_255_utf8_bytes(self) -> None:
        stored = asset_filename("é" * 200 + ".png")
        assert len(stored.encode("utf-8")) <= 255
        assert stored == "é" * 127

    def test_folder_slug_is_what_the_server_stored(self) -> None:
        sent = _created_slug("assets_create_folder_bad_slug")
        assert sent == "Bad Slug/669512"
        stored = [
            f["slug"]
            for f in transcript("assets_folders_after")["response"]["body"]["data"]["assets"][
                "folders"
            ]
        ]
        assert asset_folder_slug(sent) in stored
        assert asset_folder_slug(_created_slug("assets_create_folder")) in stored


class TestFolders:
    def test_root_folders(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_folders_root")
        assert assets.folders() == []
        assert replay.sent[0]["variables"] == {"parentFolderId": 0}

    def test_create_folder_returns_the_listed_folder(
        self, replay: Replay, assets: AssetsAPI
    ) -> None:
        replay.expect("assets_create_folder").expect("assets_folders_after")
        folder = assets.create_folder("sdk-669512", name="SDK 669512")
        assert folder is not None
        assert (folder.id, folder.slug, folder.parent_id) == (1, "sdk-669512", 0)
        create, listing = replay.sent
        assert create["query"].startswith("mutation")
        assert create["variables"] == {
            "parentFolderId": 0,
            "slug": "sdk-669512",
            "name": "SDK 669512",
        }
        assert listing["variables"] == {"parentFolderId": 0}

    def test_create_folder_sends_the_sanitised_slug(
        self, replay: Replay, assets: AssetsAPI
    ) -> None:
        replay.expect("assets_create_folder_bad_slug").expect("assets_folders_after")
        folder = assets.create_folder("Bad Slug/669512")
        assert folder is not None and folder.id == 2
        assert replay.sent[0]["variables"]["slug"] == "bad slug669512"

    def test_create_folder_twice_is_an_error(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_create_folder_duplicate")
        with pytest.raises(AssetFolderExistsError) as info:
            assets.create_folder("sdk-669512")
        assert info.value.code == 2002
        assert info.value.operation == "assets.create_folder"
        assert len(replay.sent) == 1

    def test_create_folder_refuses_an_empty_slug(self, assets: AssetsAPI) -> None:
        with pytest.raises(ValueError, match="empty"):
            assets.create_folder("///")

    def test_ensure_folder_creates_a_missing_folder_once(
        self, replay: Replay, assets: AssetsAPI
    ) -> None:
        replay.expect("assets_folders_root").expect("assets_create_folder")
        replay.expect("assets_folders_after").expect("assets_folders_after")
        assert assets.ensure_folder("/SDK-669512/") == 1
        assert assets.ensure_folder("sdk-669512") == 1  # found: no second create
        assert [s["name"] for s in replay.sent].count("assets_create_folder") == 1
        assert assets.ensure_folder("") == 0

    def test_folder_path_uses_what_it_has_seen(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_folders_after")
        assert assets.folder_path(2) == "bad slug669512"  # one listing of the root
        assert assets.folder_path(1) == "sdk-669512"  # no request
        assert assets.folder_path(0) == ""
        assert len(replay.sent) == 1

    def test_folder_path_of_a_missing_folder(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_folders_root")
        with pytest.raises(NotFoundError, match="asset folder 7"):
            assets.folder_path(7)


class TestFiles:
    def test_list_root(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_list_root")
        [asset] = assets.list()
        assert (asset.id, asset.filename, asset.ext, asset.kind) == (
            1,
            "pixel_669512.png",
            ".png",
            "IMAGE",
        )
        assert (asset.mime, asset.file_size, asset.folder_id) == ("image/png", 67, 0)
        assert asset.created.year == 2026
        assert replay.sent[0]["variables"] == {"folderId": 0, "kind": "ALL"}

    def test_list_folder_remembers_the_folder(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_list_folder")
        [asset] = assets.list(1)
        assert (asset.id, asset.filename, asset.folder_id) == (2, "doc-669512.txt", 1)

    def test_list_by_kind(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_list_images")
        assert [a.kind for a in assets.list(kind="image")] == ["IMAGE"]
        assert replay.sent[0]["variables"]["kind"] == "IMAGE"

    def test_list_rejects_an_unknown_kind(self, assets: AssetsAPI) -> None:
        with pytest.raises(ValueError, match="ALL, IMAGE, BINARY"):
            assets.list(kind="video")

    def test_upload_bytes_then_find_the_asset(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("upload_asset_root").expect("assets_list_root")
        content = b"\x89PNG\r\n\x1a\n" + bytes(59)
        asset = assets.upload(content, filename="Pixel 669512.PNG")
        assert (asset.id, asset.filename) == (1, "pixel_669512.png")
        raw = replay.sent[0]["raw"]
        assert b'filename="pixel_669512.png"' in raw
        assert b"Content-Type: image/png" in raw
        assert b'{"folderId": 0}' in raw
        assert content in raw
        assert replay.sent[0]["headers"]["Authorization"].startswith("Bearer ")

    def test_put_uploads_without_reading_the_folder_back(
        self, replay: Replay, assets: AssetsAPI
    ) -> None:
        replay.expect("upload_asset_root")
        content = b"\x89PNG\r\n\x1a\n" + bytes(59)
        assert assets.put(content, filename="Pixel 669512.PNG") == "pixel_669512.png"
        assert len(replay.sent) == 1
        assert b'filename="pixel_669512.png"' in replay.sent[0]["raw"]
        with pytest.raises(PayloadTooLargeError):
            assets.put(bytes(MAX_UPLOAD_SIZE + 1), filename="big.bin")
        assert len(replay.sent) == 1

    def test_upload_a_file_into_a_folder(
        self, replay: Replay, assets: AssetsAPI, tmp_path: Path
    ) -> None:
        replay.expect("upload_asset_folder").expect("assets_list_folder")
        file = tmp_path / "doc-669512.txt"
        file.write_bytes(b"hello world\n")
        asset = assets.upload(file, folder_id=1)
        assert (asset.id, asset.folder_id, asset.mime) == (2, 1, "text/plain")
        assert b'{"folderId": 1}' in replay.sent[0]["raw"]
        assert replay.sent[1]["variables"] == {"folderId": 1, "kind": "ALL"}

    def test_upload_over_the_limit_is_refused_before_sending(
        self, replay: Replay, assets: AssetsAPI, tmp_path: Path
    ) -> None:
        with pytest.raises(PayloadTooLargeError) as info:
            assets.upload(bytes(MAX_UPLOAD_SIZE + 1), filename="big.bin")
        assert info.value.limit == 5_242_880 and info.value.size == MAX_UPLOAD_SIZE + 1
        assert "big.bin" in str(info.value)
        big = tmp_path / "huge.bin"
        with big.open("wb") as fh:  # sparse: the size check must not need the bytes
            fh.truncate(MAX_UPLOAD_SIZE + 1)
        with pytest.raises(PayloadTooLargeError, match="huge.bin"):
            assets.upload(big)
        assert replay.sent == []

    def test_upload_needs_a_name_for_bytes(self, assets: AssetsAPI) -> None:
        with pytest.raises(ValueError, match="filename"):
            assets.upload(b"x")
        with pytest.raises(ValueError, match="empty"):
            assets.upload(b"x", filename="..")

    def test_upload_without_rights(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("upload_no_auth")
        with pytest.raises(ForbiddenError, match="not authorized to upload"):
            assets.upload(b"x", filename="noauth-669512.txt")
        assert len(replay.sent) == 1

    def test_download(self, replay: Replay, assets: AssetsAPI) -> None:
        content = bytes(range(67))
        replay.expect("asset_get_by_url", body=content)
        assert assets.download("pixel_669512.png") == content

    def test_asset_path_includes_the_folder_slugs(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_list_folder").expect("assets_folders_after")
        [asset] = assets.list(1)
        assert assets.asset_path(asset) == "/sdk-669512/doc-669512.txt"

    def test_rename(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_rename")
        assets.rename(1, "renamed-669512.png")
        assert replay.sent[0]["variables"] == {"id": 1, "filename": "renamed-669512.png"}

    def test_rename_cannot_change_the_extension(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_rename_change_ext")
        with pytest.raises(AssetRenameInvalidExtError) as info:
            assets.rename(1, "renamed-669512.jpg")
        assert info.value.code == 2008

    def test_delete(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_delete")
        assets.delete(1)
        assert replay.sent[0]["variables"] == {"id": 1}
        assert json.dumps(replay.sent[0]["query"]).count("deleteAsset") == 1

    def test_delete_missing(self, replay: Replay, assets: AssetsAPI) -> None:
        replay.expect("assets_delete_missing")
        with pytest.raises(AssetInvalidError) as info:
            assets.delete(999999)
        assert isinstance(info.value, NotFoundError)
