"""The value types: frozen, serialisable, and saying what they mean."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

import wikisync
import wikisync.render
from wikisync.plan.model import (
    STATE_PAGE_NAME,
    Change,
    FieldChange,
    LocalPage,
    PageFields,
    Plan,
    PlanOptions,
    Problem,
    RemotePage,
    State,
    StateEntry,
    normalize_content,
    page_digest,
    state_page_path,
)


def test_problem_str_names_file_and_line() -> None:
    assert (
        str(Problem("guide/a.md", 3, "broken link", "broken-link")) == "guide/a.md:3: broken link"
    )
    assert (
        str(Problem("wikisync.yml", None, "unknown key", "config")) == "wikisync.yml: unknown key"
    )
    assert Problem("a.md", 1, "m", "c").severity == "error"
    assert not Problem("a.md", 1, "m", "c", "warning").is_error


def test_page_fields_normalise_tags_and_keep_none_as_not_set() -> None:
    fields = PageFields(title="T", tags=(" Beta", "alpha", "beta", ""))  # type: ignore[arg-type]
    assert fields.tags == ("alpha", "beta")
    assert PageFields(title="T").tags is None
    assert fields.set_fields() == {"title": "T", "tags": ["alpha", "beta"]}


def test_creates_fill_in_defaults_for_unset_fields() -> None:
    assert PageFields(title="T").for_create() == {
        "title": "T",
        "description": "",
        "tags": [],
        "is_published": True,
        "is_private": False,
        "editor": "markdown",
        "publish_start_date": "",
        "publish_end_date": "",
        "script_css": "",
        "script_js": "",
    }
    assert PageFields(title="T", is_published=False).for_create()["is_published"] is False


def test_digest_covers_only_what_the_file_sets() -> None:
    plain = PageFields(title="T")
    explicit = PageFields(title="T", description="")
    assert page_digest("x\n", plain) != page_digest("x\n", explicit)
    assert page_digest("x\n", plain) == page_digest("x\n", PageFields(title="T"))
    assert page_digest("x\n", plain) != page_digest("y\n", plain)


def test_state_page_path() -> None:
    assert STATE_PAGE_NAME == "_wikisync-state"
    assert state_page_path("handbook") == "handbook/_wikisync-state"
    assert state_page_path("/handbook/") == "handbook/_wikisync-state"
    assert state_page_path("") == "_wikisync-state"


def test_keys() -> None:
    local = LocalPage("a.md", "fr", "hb/a", "x\n", PageFields(title="A"), "c", "d")
    assert local.key == ("fr", "hb/a")
    assert RemotePage(id=1, locale="en", path="hb/a", title="A").key == ("en", "hb/a")
    entry = StateEntry(1, "en", "hb/a", "a.md", "t", "d", "c")
    assert entry.key == ("en", "hb/a")


def test_state_defaults_to_empty_and_cannot_be_changed() -> None:
    assert State().pages == {} and State().serial == 0
    source = {1: StateEntry(1, "en", "hb/a", "a.md", "t", "d", "c")}
    state = State(pages=source)
    source.clear()
    assert list(state.pages) == [1]  # the state kept its own copy
    with pytest.raises(TypeError):
        state.pages[2] = state.pages[1]  # type: ignore[index]


def test_values_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PlanOptions().prune = True  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Plan().changes = ()  # type: ignore[misc]


def test_plan_options_strip_slashes() -> None:
    options = PlanOptions(root="/hb/", protect=("/hb/home/", "/hb/a"), targets=("hb/x/",))
    # A protect entry keeps one trailing "/": it means the subtree (targets always are).
    assert (options.root, options.protect, options.targets) == (
        "hb",
        ("hb/home/", "hb/a"),
        ("hb/x",),
    )


def test_plan_summary_and_sorting_key() -> None:
    plan = Plan(
        changes=(
            Change("create", "en", "b"),
            Change("delete", "en", "c", page_id=3),
            Change("conflict", "en", "d", page_id=4),
        ),
        unchanged=(("en", "a"),),
    )
    assert plan.summary == {
        "create": 1,
        "update": 0,
        "move": 0,
        "delete": 1,
        "conflict": 1,
        "unchanged": 1,
    }
    assert plan.has_changes and not Plan().has_changes
    assert Change("update", "en", "a").sort_key() < Change("move", "en", "a").sort_key()
    assert Plan(unchanged_count=7).summary["unchanged"] == 7


def test_a_plan_serialises_to_json() -> None:
    plan = Plan(
        changes=(
            Change(
                "update",
                "en",
                "a",
                source="a.md",
                page_id=1,
                fields=("content", "tags"),
                field_changes=(FieldChange("tags", ("x",), ("x", "y")),),
            ),
        )
    )
    document: dict[str, Any] = json.loads(json.dumps(dataclasses.asdict(plan)))
    assert document["changes"][0]["field_changes"][0] == {
        "field": "tags",
        "old": ["x"],
        "new": ["x", "y"],
    }


def test_normalize_content_is_exported_once() -> None:
    assert wikisync.normalize_content is normalize_content


@pytest.mark.parametrize("module", [wikisync, wikisync.render], ids=lambda m: m.__name__)
def test_public_names_are_complete_and_sorted(module: Any) -> None:
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, type(wikisync))  # submodules
        and name != "annotations"
    }
    assert set(module.__all__) - {"__version__"} == public
    assert module.__all__ == sorted(module.__all__, key=lambda n: (not n.isupper(), n))
