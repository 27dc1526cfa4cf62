"""Models, the UNSET sentinel, BatchResult, and the pure update merge."""

from __future__ import annotations

import copy
import pickle
from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from wikijs import UNSET, BatchResult, Page, PageCreate, PageNotFoundError, PageUpdate
from wikijs._graphql import pages as q

FULL = {
    "id": 7,
    "path": "docs/setup",
    "locale": "en",
    "title": "Setup",
    "description": "How to",
    "content": "# Setup",
    "render": "<h1>Setup</h1>",
    "contentType": "markdown",
    "editor": "markdown",
    "isPublished": False,
    "isPrivate": False,
    "privateNS": None,
    "publishStartDate": "2030-01-01T00:00:00.000Z",
    "publishEndDate": "",
    "scriptCss": None,
    "scriptJs": "alert(1)",
    "tags": [{"tag": "a"}, {"tag": "b"}],
    "hash": "h",
    "createdAt": "2026-11-26T05:05:13.989Z",
    "updatedAt": "2026-11-26T05:05:14.967Z",
    "authorId": 1,
    "authorName": "Administrator",
    "authorEmail": "admin@example.com",
    "creatorId": 1,
    "creatorName": "Administrator",
    "creatorEmail": "admin@example.com",
}


def test_page_parses_the_server_shape() -> None:
    page = Page.model_validate(FULL)
    assert page.tags == ["a", "b"]
    assert page.script_css == ""  # null becomes ""
    assert page.content_type == "markdown"
    assert page.is_published is False


def test_timestamps_keep_the_exact_string_and_offer_datetimes() -> None:
    page = Page.model_validate(FULL)
    assert page.updated_at == "2026-11-26T05:05:14.967Z"
    assert page.updated == datetime(2026, 11, 26, 5, 5, 14, 967000, tzinfo=timezone.utc)
    assert page.created < page.updated


def test_models_are_frozen_and_accept_snake_case_names() -> None:
    page = Page(id=1, path="x/y", locale="en", is_published=False)
    with pytest.raises(ValidationError):
        page.title = "changed"  # type: ignore[misc]
    assert page.model_dump(by_alias=True)["isPublished"] is False


def test_unset_is_a_falsy_singleton() -> None:
    assert repr(UNSET) == "UNSET"
    assert not UNSET
    assert pickle.loads(pickle.dumps(UNSET)) is UNSET
    assert copy.deepcopy(UNSET) is UNSET


def test_batch_result() -> None:
    good: BatchResult[int] = BatchResult(key=1, value=10)
    bad: BatchResult[int] = BatchResult(key=2, error=PageNotFoundError("gone"))
    assert good.ok and good.unwrap() == 10
    assert not bad.ok
    with pytest.raises(PageNotFoundError):
        bad.unwrap()
    with pytest.raises(AttributeError):
        good.value = 11  # type: ignore[misc]


def test_page_update_reports_only_given_fields() -> None:
    item = PageUpdate(page_id=7, title="New", is_published=True)
    assert item.changes() == {"title": "New", "is_published": True}


def test_tags_must_be_a_list_not_a_string() -> None:
    with pytest.raises(ValidationError):
        PageCreate(path="docs/x", content="x", tags="a, b")  # type: ignore[arg-type]


class TestMergeUpdate:
    def test_fields_not_given_keep_their_values(self) -> None:
        current = Page.model_validate(FULL)
        merged = q.merge_update(current, {"title": "New"})
        variables = q.update_variables(7, merged, editor_changed=False)
        assert variables == {
            "id": 7,
            "content": "# Setup",
            "description": "How to",
            "isPrivate": False,
            "isPublished": False,  # not reset to true
            "publishStartDate": "2030-01-01T00:00:00.000Z",
            "scriptCss": "",
            "scriptJs": "alert(1)",
            "tags": ["a", "b"],
            "title": "New",
        }

    def test_unset_values_count_as_not_given(self) -> None:
        current = Page.model_validate(FULL)
        assert q.merge_update(current, {"title": UNSET}) == q.merge_update(current, {})

    def test_editor_is_sent_only_when_changed(self) -> None:
        current = Page.model_validate(FULL)
        merged = q.merge_update(current, {"editor": "code"})
        assert q.update_variables(7, merged, editor_changed=True)["editor"] == "code"

    def test_unknown_fields_are_refused(self) -> None:
        with pytest.raises(TypeError, match="path"):
            q.merge_update(Page.model_validate(FULL), {"path": "elsewhere"})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z"),
        (datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc), "2024-05-01T12:00:00.000Z"),
        (datetime(2024, 5, 1, 12, 0), "2024-05-01T12:00:00.000Z"),
    ],
)
def test_checkout_date(value: str | datetime, expected: str) -> None:
    assert q.checkout_date(value) == expected
