"""Times read from the wiki carry a time zone, or they are not used.

A page whose ``updatedAt`` has no time zone (or is not a time) cannot be compared with
the time wikisync recorded: it counts as edited in the wiki (never overwritten or
deleted without ``--force``) and the plan says so. The wiki is answered at the HTTP edge.
"""

from __future__ import annotations

import responses
from test_plan import page as local

from wikijs import WikiJSClient
from wikisync.plan.model import PlanOptions, RemotePage, State, StateEntry
from wikisync.plan.pages import plan
from wikisync.wiki.remote import Remote

URL = "https://wiki.example"


def _stamp(page_id: int, path: str, updated: object) -> dict[str, object]:
    return {"id": page_id, "path": path, "locale": "en", "updatedAt": updated}


@responses.activate
def test_pages_whose_times_have_no_time_zone_are_listed_without_a_time() -> None:
    listing = [
        _stamp(1, "handbook/a", "2026-01-01T00:00:00.000Z"),
        _stamp(2, "handbook/b", "2026-01-01T00:00:00"),
        _stamp(3, "handbook/c", "last tuesday"),
        _stamp(4, "handbook/d", "2026-01-01T02:00:00+02:00"),
    ]
    responses.post(f"{URL}/graphql", json={"data": {"pages": {"list": listing}}})
    with WikiJSClient(URL, api_key="k", verify_auth=False, rate_limit=False) as client:
        remote = Remote(client, root="handbook", locale="en")
        pages = {p.path: p.updated_at for p in remote.list_pages().pages}
    assert pages == {
        "handbook/a": "2026-01-01T00:00:00.000Z",
        "handbook/b": "",
        "handbook/c": "",
        "handbook/d": "2026-01-01T02:00:00+02:00",
    }
    assert remote.unreadable_times == {"handbook/b", "handbook/c"}


def test_a_managed_page_without_a_time_is_never_deleted_without_force() -> None:
    entry = StateEntry(7, "en", "handbook/gone", "gone.md", "2026-01-01T00:00:00.000Z", "d", "c")
    page = RemotePage.listed(7, "en", "handbook/gone", "")
    state = State(pages={7: entry}, root="handbook")
    options = PlanOptions(root="handbook", prune=True)
    result = plan([local("kept.md", "handbook/kept")], [page], state, options)
    assert [(c.action, c.path) for c in result.changes if c.page_id == 7] == [
        ("conflict", "handbook/gone")
    ]
