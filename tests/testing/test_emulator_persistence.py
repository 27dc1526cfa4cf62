"""State kept in a JSON file survives a restart; the file is written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from _emulator_client import Client

from wikijs.testing import WikiJSEmulator, WriteCost


def test_pages_keys_assets_and_history_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "wiki.json"
    with WikiJSEmulator(state_file=state) as first:
        client = Client(first)
        page_id = client.create("kept/page", "# Kept", tags=["keep"])["page"]["id"]
        client.data(
            'mutation ($id: Int!) { pages { update(id: $id, content: "# Kept v2", tags: ["keep"], '
            "isPublished: true) { responseResult { succeeded } } } }",
            {"id": page_id},
        )
        extra_key = first.issue_key("extra")
        upload = requests.post(
            f"{first.url}/u",
            headers={"Authorization": f"Bearer {first.api_key}"},
            files=[
                ("mediaUpload", (None, '{"folderId":0}')),
                ("mediaUpload", ("a.txt", b"abc", "text/plain")),
            ],
        )
        assert upload.text == "ok"
        api_key, password = first.api_key, first.admin_password
    assert not list(tmp_path.glob(".wiki.json.*"))  # no temporary file left behind

    with WikiJSEmulator(state_file=state) as second:
        assert (second.api_key, second.admin_password) == (api_key, password)
        page = second.find_page("kept/page")
        assert page is not None and page.id == page_id
        assert (page.content, page.tags) == ("# Kept v2", ("keep",))
        assert [v["actionType"] for v in second.versions(page_id)] == ["initial"]
        assert Client(second, key=extra_key).data("{ pages { list { id } } }")
        assert requests.get(f"{second.url}/a.txt").content == b"abc"
        assert Client(second).create("kept/next")["page"]["id"] == page_id + 1


def test_state_is_saved_while_running(tmp_path: Path) -> None:
    state = tmp_path / "live.json"
    with WikiJSEmulator(state_file=state) as emulator:
        Client(emulator).create("live/page")
        emulator.save()
        doc = json.loads(state.read_text("utf-8"))
        assert [p["path"] for p in doc["pages"]] == ["live/page"]


def test_a_given_api_key_and_password_are_adopted(tmp_path: Path) -> None:
    state = tmp_path / "given.json"
    with WikiJSEmulator(state_file=state, api_key="dev-key", admin_password="pw-123456"):
        pass
    with WikiJSEmulator(state_file=state, api_key="another-key") as emulator:
        assert emulator.api_key == "another-key"
        assert Client(emulator, key="dev-key").data("{ users { profile { id } } }")
        assert Client(emulator, key="another-key").data("{ users { profile { id } } }")
        assert emulator.admin_password == "pw-123456"


def test_a_broken_state_file_is_reported_with_its_path(tmp_path: Path) -> None:
    state = tmp_path / "broken.json"
    state.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken\.json:1: not a valid emulator state file"):
        WikiJSEmulator(state_file=state)


def test_an_emulator_can_be_stopped_and_started_again() -> None:
    emulator = WikiJSEmulator(write_latency={"pages.create": WriteCost(0.01, 0.01)})
    with emulator:
        Client(emulator).create("before")
    assert not emulator.running
    with emulator:
        assert Client(emulator).create("after")["responseResult"]["succeeded"]
        assert [p.path for p in emulator.pages()] == ["before", "after"]
