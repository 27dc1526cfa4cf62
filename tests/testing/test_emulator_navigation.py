"""Replays the recorded Wiki.js 2.5.314 navigation exchanges against the emulator.

``tests/data/navigation-transcripts.jsonl`` holds 16 real request/response pairs (read the
menu and the mode, replace the menu of two locales, then of one, invalid inputs, a guest,
the mode). They are replayed in file order against a fresh emulator with the ``en`` and
``fr`` locales; the answers must be *equal* (same status, same JSON, items in the same
order), except for stack traces and the random id of the fresh install's "Home" link.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from wikijs.testing import WikiJSEmulator

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "navigation-transcripts.jsonl"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in TRANSCRIPTS.read_text("utf-8").splitlines() if line]


def normalised(body: Any) -> Any:
    """``body`` with stack traces and random (uuid) ids replaced by placeholders."""
    if isinstance(body, dict):
        out = {}
        for key, value in body.items():
            if key == "stacktrace":
                out[key] = "<stack>"
            elif key == "id" and isinstance(value, str) and UUID.match(value):
                out[key] = "<uuid>"
            else:
                out[key] = normalised(value)
        return out
    if isinstance(body, list):
        return [normalised(item) for item in body]
    return body


def send(emulator: WikiJSEmulator, t: dict[str, Any]) -> requests.Response:
    key = emulator.api_key if t["auth"] == "apikey" else t["auth"]
    return requests.post(
        f"{emulator.url}/graphql",
        json=t["request"]["body"],
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )


@pytest.fixture
def emulator() -> Any:
    with WikiJSEmulator(locales=("en", "fr")) as emu:
        yield emu


def test_every_recorded_navigation_exchange_replays_exactly(emulator: WikiJSEmulator) -> None:
    transcripts = load()
    assert len(transcripts) == 16
    mismatches = {}
    for t in transcripts:
        response = send(emulator, t)
        got = (response.status_code, normalised(response.json()))
        want = (t["response"]["status"], normalised(t["response"]["body"]))
        if got != want:
            mismatches[t["name"]] = {"recorded": want, "emulator": got}
    assert not mismatches, json.dumps(mismatches, indent=1)[:4000]


def by_name(name: str) -> dict[str, Any]:
    return next(t for t in load() if t["name"] == name)


def test_a_tree_without_a_locale_deletes_that_locales_menu(emulator: WikiJSEmulator) -> None:
    both = by_name("navigation_update_tree_en_fr")
    only_en = by_name("navigation_update_tree_only_en")
    read = by_name("navigation_tree_after_update")
    send(emulator, both)
    locales = [t["locale"] for t in send(emulator, read).json()["data"]["navigation"]["tree"]]
    assert locales == ["en", "fr"]
    assert send(emulator, only_en).json() == only_en["response"]["body"]
    tree = send(emulator, read).json()["data"]["navigation"]["tree"]
    assert (
        tree
        == by_name("navigation_tree_after_only_en")["response"]["body"]["data"]["navigation"][
            "tree"
        ]
    )
    assert [t["locale"] for t in tree] == ["en"]


def test_kind_is_not_checked_and_missing_fields_read_back_null(
    emulator: WikiJSEmulator,
) -> None:
    send(emulator, by_name("navigation_update_tree_bad_kind"))
    tree = send(emulator, by_name("navigation_tree_initial")).json()["data"]["navigation"]["tree"]
    assert tree == [
        {
            "locale": "en",
            "items": [
                {
                    "id": "x",
                    "kind": "nonsense",
                    "label": "x",
                    "icon": None,
                    "targetType": None,
                    "target": None,
                    "visibilityMode": None,
                    "visibilityGroups": None,
                }
            ],
        }
    ]


def test_guests_get_forbidden_and_the_menu_is_unchanged(emulator: WikiJSEmulator) -> None:
    before = send(emulator, by_name("navigation_tree_initial")).json()
    answer = send(emulator, by_name("navigation_update_tree_guest")).json()
    assert answer["errors"][0]["message"] == "Forbidden"
    assert answer["data"] == {"navigation": {"updateTree": None}}
    assert send(emulator, by_name("navigation_tree_initial")).json() == before
    assert before["data"]["navigation"]["tree"][0]["items"][0]["label"] == "Home"


def test_a_fresh_emulator_has_the_home_link_of_a_fresh_install(emulator: WikiJSEmulator) -> None:
    tree = send(emulator, by_name("navigation_tree_initial")).json()["data"]["navigation"]["tree"]
    [home] = tree[0]["items"]
    assert UUID.match(home["id"])
    assert (tree[0]["locale"], home["label"], home["target"]) == ("en", "Home", "/")


def test_the_menu_survives_a_restart_from_the_state_file(tmp_path: Path) -> None:
    state = tmp_path / "wiki.json"
    update = by_name("navigation_update_tree_en_fr")
    with WikiJSEmulator(locales=("en", "fr"), state_file=state) as emu:
        send(emu, update)
        first = send(emu, by_name("navigation_tree_after_update")).json()
    with WikiJSEmulator(locales=("en", "fr"), state_file=state) as emu:
        again = send(emu, by_name("navigation_tree_after_update")).json()
    assert again == first == by_name("navigation_tree_after_update")["response"]["body"]
