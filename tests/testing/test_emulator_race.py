"""The rebuild-tree race: overlapping writes answer an error although the page exists."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _emulator_client import Client

from wikijs.testing import TagRace, TreeRace, WikiJSEmulator

TREE = '{ pages { tree(mode: ALL, locale: "en", parent: 0) { path pageId } } }'
REBUILD = "mutation { pages { rebuildTree { responseResult { succeeded message } } } }"


def _parallel_creates(emulator: WikiJSEmulator, paths: list[str]) -> list[dict[str, Any]]:
    def create(path: str) -> dict[str, Any]:
        return Client(emulator).create(path)

    with ThreadPoolExecutor(len(paths)) as pool:
        return list(pool.map(create, paths))


def _tree_paths(client: Client) -> set[str]:
    return {item["path"] for item in client.data(TREE)["pages"]["tree"]}


def test_an_overlapping_create_answers_the_race_error_but_is_written(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    # both creates overlap; the second one to finish is the 2nd overlapping write
    emulator = wikijs_emulator_factory(
        write_latency={"pages.create": 0.2}, tree_race=TreeRace(nth=2)
    )
    results = _parallel_creates(emulator, ["race-a", "race-b"])
    failed = [r for r in results if not r["responseResult"]["succeeded"]]
    assert len(failed) == 1
    result = failed[0]["responseResult"]
    assert (result["errorCode"], result["slug"]) == (1, "Error")
    assert result["message"].startswith(
        'Error when running job rebuild-tree: insert into "pageTree"'
    )
    assert result["message"].endswith(
        'duplicate key value violates unique constraint "pageTree_pkey"'
    )
    assert failed[0]["page"] is None
    assert {p.path for p in emulator.pages()} == {"race-a", "race-b"}

    client = Client(emulator)
    raced = ({"race-a", "race-b"} - {r["page"]["path"] for r in results if r["page"]}).pop()
    assert raced not in _tree_paths(client)  # no rebuild succeeded after it: stale...
    assert client.data(REBUILD)["pages"]["rebuildTree"]["responseResult"]["succeeded"]
    assert _tree_paths(client) == {"race-a", "race-b"}  # ...until a rebuild
    retry = client.create(raced)
    assert retry["responseResult"]["errorCode"] == 6002  # a blind retry is a duplicate


def test_writes_one_at_a_time_never_race(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(tree_race=TreeRace(nth=1))
    client = Client(emulator)
    for i in range(5):
        assert client.create(f"seq/{i}")["responseResult"]["succeeded"]


def test_the_race_is_off_by_default(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.1})
    results = _parallel_creates(emulator, [f"calm/{i}" for i in range(4)])
    assert all(r["responseResult"]["succeeded"] for r in results)


def test_a_seeded_fraction_picks_the_same_writes_every_time(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    def failures(seed: int) -> int:
        emulator = wikijs_emulator_factory(
            write_latency={"pages.create": 0.05},
            tree_race=TreeRace(fraction=0.5, seed=seed),
        )
        results = _parallel_creates(emulator, [f"f/{i}" for i in range(8)])
        assert len(emulator.pages()) == 8
        return sum(not r["responseResult"]["succeeded"] for r in results)

    assert 0 < failures(3) < 8


def test_the_race_can_be_switched_on_later_and_limited(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(write_latency={"pages.create": 0.1})
    emulator.tree_race = TreeRace(nth=1, max_count=1)
    first = _parallel_creates(emulator, ["on/a", "on/b", "on/c"])
    assert sum(not r["responseResult"]["succeeded"] for r in first) == 1
    second = _parallel_creates(emulator, ["on/d", "on/e"])
    assert all(r["responseResult"]["succeeded"] for r in second)
    emulator.tree_race = None
    assert emulator.tree_race is None


# -- the race of concurrent creates for a new tag ------------------------------------------------

ALIASED = """mutation ($tags: [String]!) { pages { %s } }"""
ONE = """c%d: create(content: "# T\\n\\nText.", description: "", editor: "markdown",
  isPublished: true, isPrivate: false, locale: "en", path: "tag/p%d", tags: $tags,
  title: "T") { responseResult { succeeded errorCode slug message } page { id } }"""


def _aliased_creates(emulator: WikiJSEmulator, n: int, tags: list[str]) -> list[dict[str, Any]]:
    # aliases inside one `pages { }` run concurrently, as on the real server
    query = ALIASED % " ".join(ONE % (i, i) for i in range(n))
    data = Client(emulator).data(query, {"tags": tags})["pages"]
    return [data[f"c{i}"] for i in range(n)]


def test_creates_racing_for_a_new_tag_are_written_without_tags(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(tag_race=TagRace())
    emulator.add_page("old", "# Old\n\nText.", tags=["known"])
    results = _aliased_creates(emulator, 4, ["fresh", "known"])
    slugs = [r["responseResult"]["slug"] for r in results]
    assert slugs.count("ok") == 1 and slugs.count("UniqueViolationError") == 3
    lost = next(r for r in results if not r["responseResult"]["succeeded"])
    assert lost["page"] is None and lost["responseResult"]["errorCode"] == 1
    assert lost["responseResult"]["message"].endswith(
        'duplicate key value violates unique constraint "tags_tag_unique"'
    )
    pages = {p.path: p for p in emulator.pages()}
    tagged = [p for p in pages.values() if p.path.startswith("tag/") and p.tags]
    untagged = [p for p in pages.values() if p.path.startswith("tag/") and not p.tags]
    assert len(tagged) == 1 and sorted(tagged[0].tags) == ["fresh", "known"]
    assert len(untagged) == 3  # created, but without any tag and not rendered
    assert all(p.render is None for p in untagged)


def test_creates_with_tags_the_wiki_has_never_race(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory(tag_race=TagRace())
    emulator.add_page("old", "# Old\n\nText.", tags=["known"])
    results = _aliased_creates(emulator, 4, ["known"])
    assert all(r["responseResult"]["succeeded"] for r in results)
    assert all(p.tags == ("known",) for p in emulator.pages())


def test_the_tag_race_is_off_by_default_and_can_be_limited(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    emulator = wikijs_emulator_factory()
    assert all(r["responseResult"]["succeeded"] for r in _aliased_creates(emulator, 3, ["a"]))
    emulator.tag_race = TagRace(max_count=1)
    assert emulator.tag_race == TagRace(max_count=1)
    query = ALIASED % " ".join(ONE.replace("tag/p", "second/p") % (i, i) for i in range(3))
    data = Client(emulator).data(query, {"tags": ["b"]})["pages"]
    assert [data[f"c{i}"]["responseResult"]["succeeded"] for i in range(3)].count(False) == 1


def test_a_create_overlapping_the_one_that_inserted_its_tag_loses(
    wikijs_emulator_factory: Callable[..., WikiJSEmulator],
) -> None:
    # Separate requests: the second create starts while the first, which inserted the
    # tag, is still in flight (its simulated cost waits for the test's gate).
    spending, gate = threading.Event(), threading.Event()

    async def held(_seconds: float) -> None:
        spending.set()
        await asyncio.get_running_loop().run_in_executor(None, gate.wait, 60)

    emulator = wikijs_emulator_factory(
        tag_race=TagRace(), write_latency={"pages.create": 1.0}, sleep=held
    )
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(Client(emulator).create, "first", tags=["new"])
        assert spending.wait(60)
        second = Client(emulator).create("second", tags=["new"])  # lost: answers at once
        gate.set()
        assert first.result()["responseResult"]["succeeded"]
    assert second["responseResult"]["slug"] == "UniqueViolationError"
    page = emulator.find_page("second")
    assert page is not None and page.tags == ()
    assert emulator.find_page("first").tags == ("new",)  # type: ignore[union-attr]
