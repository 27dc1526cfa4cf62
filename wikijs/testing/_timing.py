"""Simulated cost of operations, the server's capacity, and the races of concurrent writes.

A [`WriteCost`][wikijs.testing._timing.WriteCost] is the time an operation takes when it runs alone, split into a
part that overlaps freely with other requests and a ``held`` part that needs one of the
server's ``capacity`` slots. With ``capacity=1`` (Node.js runs JavaScript on one thread)
the throughput of concurrent writes levels off at one write per ``held`` seconds, which
is what the real 2-vCPU server shows: creates take 1.56 s alone but 0.87 s each with 2,
4 or 8 in flight (``REAL_SERVER_TIMINGS``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field

from wikijs.testing._faults import Trigger


@dataclass(frozen=True)
class WriteCost:
    """``seconds`` an operation takes alone; ``held`` of them occupy a capacity slot."""

    seconds: float
    held: float = 0.0

    def __post_init__(self) -> None:
        if self.seconds < 0 or self.held < 0 or self.held > self.seconds:
            raise ValueError(
                f"WriteCost needs 0 <= held <= seconds (got {self.seconds}, {self.held})"
            )


@dataclass(frozen=True)
class Timings:
    """Per-operation costs (by dotted name, e.g. ``"pages.create"``) and server capacity."""

    costs: Mapping[str, WriteCost] = field(default_factory=dict)
    capacity: int = 1

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError("Timings.capacity must be at least 1")

    @classmethod
    def from_latency(cls, latency: Mapping[str, float | WriteCost], capacity: int = 1) -> Timings:
        """Costs from ``{"pages.create": 1.56}``; a bare number overlaps freely."""
        costs = {
            name: value if isinstance(value, WriteCost) else WriteCost(float(value))
            for name, value in latency.items()
        }
        return cls(costs, capacity)


def _real(seconds: float) -> WriteCost:
    # The held share measured for creates (0.87 s of 1.56 s), applied to every write.
    return WriteCost(seconds, round(seconds * 0.87 / 1.56, 3))


#: Medians of the real Wiki.js 2.5.314 on a 2-vCPU host (tests/data/timings.json):
#: a create alone takes 1.56 s; with 2, 4 or 8 in flight each takes 0.87 s.
REAL_SERVER_TIMINGS = Timings(
    {
        "pages.create": WriteCost(1.56, 0.87),
        "pages.update": _real(1.07),
        "pages.move": _real(0.50),
        "pages.delete": _real(0.50),
        "pages.restore": _real(1.46),
        "pages.render": _real(1.01),
        "pages.convert": _real(1.07),
        "authentication.login": WriteCost(0.30, 0.30),
        "pages.single": WriteCost(0.004),
        "pages.singleByPath": WriteCost(0.004),
        "pages.list": WriteCost(0.007),
        # Asset operations: elapsed_ms of the real server's answers in transcripts.jsonl
        # (no render or page-tree job runs for them; small files).
        "assets.upload": WriteCost(0.0125),
        "assets.list": WriteCost(0.0072),
        "assets.folders": WriteCost(0.007),
        "assets.createFolder": WriteCost(0.0112),
        "assets.deleteAsset": WriteCost(0.0074),
    },
    capacity=1,
)


@dataclass(frozen=True)
class TreeRace:
    """Reproduce the real server's rebuild-tree race on overlapping writes.

    When two or more writes are in flight, Wiki.js sometimes answers a create with
    ``{succeeded: false, errorCode: 1, slug: "Error", message: "Error when running job
    rebuild-tree: ... pageTree_pkey"}`` although the page was written; the page tree
    then stays stale until a later rebuild. A write "overlaps" when another write ran at
    any moment during it. Which overlapping writes fail follows the ``nth`` /
    ``fraction`` / ``max_count`` rules of [`wikijs.testing.Fault`][wikijs.testing.Fault]; ``operations``
    names the writes that can fail (those that rebuild the tree: creates by default, also
    ``pages.move``, ``pages.delete`` and moving updates/restores if listed).

    The failed write is applied; its page is missing from ``pages.tree`` until the next
    successful rebuild (any later create, move or delete, or ``pages.rebuildTree``).
    """

    nth: int | None = None
    fraction: float | None = None
    seed: int = 0
    max_count: int | None = None
    operations: tuple[str, ...] = ("pages.create",)

    def __post_init__(self) -> None:
        if self.nth is not None and self.nth < 1:
            raise ValueError("TreeRace 'nth' counts from 1")
        if self.fraction is not None and not 0.0 <= self.fraction <= 1.0:
            raise ValueError("TreeRace 'fraction' must be between 0 and 1")


@dataclass(frozen=True)
class TagRace:
    """Reproduce the real server's race on new tags between overlapping creates.

    Wiki.js reads the tags table, then inserts the tags a create carries that it did not
    find. When another create in flight inserted one of them in between, the insert
    violates ``tags_tag_unique``: the create answers ``{succeeded: false, errorCode: 1,
    slug: "UniqueViolationError", message: "insert into \"tags\" ... tags_tag_unique"}``
    although the page was written, **with no tags at all** and not rendered (the server
    stopped before that step and before its own page-tree rebuild). Here a create "read
    before the insert" when the create that inserted one of its tags is still in flight
    (or, aliased in one ``pages { }`` block, inserted it after this one read the table);
    which of those creates lose follows the ``nth`` / ``fraction`` / ``max_count`` rules of
    [`wikijs.testing.Fault`][wikijs.testing.Fault] (none given: every one, as in the
    recorded round where 3 of 4 creates lost).
    """

    nth: int | None = None
    fraction: float | None = None
    seed: int = 0
    max_count: int | None = None

    def __post_init__(self) -> None:
        if self.nth is not None and self.nth < 1:
            raise ValueError("TagRace 'nth' counts from 1")
        if self.fraction is not None and not 0.0 <= self.fraction <= 1.0:
            raise ValueError("TagRace 'fraction' must be between 0 and 1")
        if self.nth is not None and self.fraction is not None:
            raise ValueError("give TagRace either 'nth' or 'fraction', not both")


class CostModel:
    """Sleeps for simulated costs on the engine's event loop (never under a lock)."""

    def __init__(
        self,
        timings: Timings | None,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.timings = timings or Timings()
        self._sleep = sleep or asyncio.sleep
        self._slots: asyncio.Semaphore | None = None

    def reset(self) -> None:
        self._slots = None

    def cost(self, operation: str) -> WriteCost | None:
        return self.timings.costs.get(operation)

    async def spend(self, operation: str) -> None:
        cost = self.timings.costs.get(operation)
        if cost is None or cost.seconds <= 0:
            return
        free = cost.seconds - cost.held
        if free > 0:
            await self._sleep(free)
        if cost.held > 0:
            if self._slots is None:
                self._slots = asyncio.Semaphore(self.timings.capacity)
            async with self._slots:
                await self._sleep(cost.held)


class RaceModel:
    """Tracks writes in flight and decides which overlapping ones hit a race."""

    def __init__(self, race: TreeRace | None, tag_race: TagRace | None = None) -> None:
        self.configure(race)
        self.configure_tags(tag_race)
        self._in_flight: set[object] = set()
        self._overlapped: set[object] = set()
        self._inserted_tags: dict[object, frozenset[str]] = {}

    def configure_tags(self, race: TagRace | None) -> None:
        self.tag_race = race
        self._tag_trigger = (
            Trigger(race.nth, race.fraction, race.seed, race.max_count) if race else None
        )

    def tags(self, token: object) -> TagGuard:
        """The tag-race checks of the write ``token``."""
        return TagGuard(self, token)

    def lost_tag_race(
        self, token: object, names: Iterable[str], missed: Iterable[str] = ()
    ) -> frozenset[str]:
        """The tags whose insert the write ``token`` lost (empty: it did not lose).

        It carries ``names``; ``missed`` were inserted since it read the tags table. A
        tag that another write still in flight inserted counts as missed too."""
        if self._tag_trigger is None:
            return frozenset()
        wanted = set(names)
        raced = frozenset(missed).union(
            *(
                wanted & inserted
                for other, inserted in self._inserted_tags.items()
                if other is not token and other in self._in_flight
            )
        )
        return raced if raced and self._tag_trigger.fire() else frozenset()

    def inserted_tags(self, token: object, names: Iterable[str]) -> None:
        """The write ``token`` inserted these new tags."""
        self._inserted_tags[token] = frozenset(names)

    def configure(self, race: TreeRace | None) -> None:
        self.race = race
        self._trigger = (
            Trigger(race.nth, race.fraction, race.seed, race.max_count) if race else None
        )

    def begin(self, token: object) -> None:
        if self._in_flight:
            self._overlapped.add(token)
            self._overlapped.update(self._in_flight)
        self._in_flight.add(token)

    def end(self, token: object, operation: str, rebuilds_tree: bool) -> bool:
        """Finish a write; True if it must answer with the rebuild-tree error."""
        self._in_flight.discard(token)
        self._inserted_tags.pop(token, None)
        overlapped = token in self._overlapped
        self._overlapped.discard(token)
        if not (rebuilds_tree and overlapped and self.race and self._trigger):
            return False
        if operation not in self.race.operations:
            return False
        return self._trigger.fire()


@dataclass(frozen=True)
class TagGuard:
    """What a page write asks about the tag race: handed to it in its write frame."""

    model: RaceModel
    token: object

    def lost(self, names: Iterable[str], missed: Iterable[str] = ()) -> frozenset[str]:
        return self.model.lost_tag_race(self.token, names, missed)

    def inserted(self, names: Iterable[str]) -> None:
        self.model.inserted_tags(self.token, names)
