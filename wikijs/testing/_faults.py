"""Fault injection: failures the real network and server can produce, on demand.

A [`Fault`][wikijs.testing._faults.Fault] says *what* goes wrong (an HTTP status such as 429 with ``Retry-After``
or a 5xx, a dropped connection before or after the operation ran, a slow answer, an
answer held until the test releases it) and
*when*: the Nth matching request, a seeded fraction of matching requests, or every
matching request, optionally only for one operation (``"pages.create"``) or request
kind, at most ``max_count`` times.

Selection rules, shared with [`wikijs.testing.TreeRace`][wikijs.testing.TreeRace] and
[`wikijs.testing.TagRace`][wikijs.testing.TagRace]:

* ``nth=N``: fires on the Nth matching request (1-based) and, when ``max_count`` is
  larger than 1, on the following ones until ``max_count`` firings.
* ``fraction=F``: each matching request fires with probability F, drawn from a
  ``random.Random(seed)`` that belongs to the fault (deterministic per fault).
* neither: every matching request fires (up to ``max_count``).

When several faults fire for one request, their delays add up and the first status or
drop fault (in the order they were added) decides the answer; the others keep their
turn for a later request.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["status", "drop", "slow", "hold"]
_KINDS = ("status", "drop", "slow", "hold")

HOLD_LIMIT = 300.0
"""The longest a ``hold`` fault keeps a request (a test that never releases it fails)."""


@dataclass(frozen=True)
class Fault:
    """One injected failure. See the module docstring for when it fires.

    ``kind="status"``: answer ``status`` (default 503) without running the operation;
    ``retry_after`` adds a ``Retry-After`` header (seconds). ``kind="drop"``: close the
    connection without an answer, ``when="before"`` the operation runs or ``"after"`` it
    ran. ``kind="slow"``: wait ``delay`` seconds, then answer normally. ``kind="hold"``:
    wait until `FaultSet.release` (or the emulator stops; at most
    `HOLD_LIMIT` seconds), then go on: with it a test orders events across
    processes without sleeping (`FaultSet.wait_held` says when a request is held).
    """

    kind: FaultKind = "status"
    status: int = 503
    retry_after: float | None = None
    when: Literal["before", "after"] = "before"
    delay: float = 0.0
    operation: str | None = None
    request_kind: str | None = None
    nth: int | None = None
    fraction: float | None = None
    seed: int = 0
    max_count: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (expected one of {_KINDS})")
        if self.when not in ("before", "after"):
            raise ValueError(f"fault 'when' must be 'before' or 'after', not {self.when!r}")
        if self.kind == "status" and not 400 <= self.status <= 599:
            raise ValueError(f"fault status must be an HTTP error status, not {self.status}")
        if self.nth is not None and self.nth < 1:
            raise ValueError("fault 'nth' counts from 1")
        if self.fraction is not None and not 0.0 <= self.fraction <= 1.0:
            raise ValueError("fault 'fraction' must be between 0 and 1")
        if self.nth is not None and self.fraction is not None:
            raise ValueError("give a fault either 'nth' or 'fraction', not both")
        if self.delay < 0 or (self.retry_after is not None and self.retry_after < 0):
            raise ValueError("fault delays must not be negative")

    @classmethod
    def parse(cls, spec: str) -> Fault:
        """Build a fault from the command-line form, e.g.
        ``"status=429,retry_after=2,operation=pages.create,nth=3"``,
        ``"drop,when=after,operation=pages.update"`` or ``"slow,delay=5,fraction=0.1,seed=1"``.

        The first item may be a bare kind (``status``, ``drop``, ``slow``) or a bare HTTP
        status (``429`` means ``kind=status,status=429``).
        """
        values: dict[str, str] = {}
        for index, item in enumerate(p.strip() for p in spec.split(",")):
            if not item:
                continue
            if "=" not in item:
                if index != 0:
                    raise ValueError(f"fault {spec!r}: expected key=value, got {item!r}")
                if item.isdigit():
                    values["kind"], values["status"] = "status", item
                else:
                    values["kind"] = item
                continue
            key, _, value = item.partition("=")
            values[key.strip().replace("-", "_")] = value.strip()
        if "status" in values and "kind" not in values:
            values["kind"] = "status"
        converters = {
            "kind": str,
            "status": int,
            "retry_after": float,
            "when": str,
            "delay": float,
            "operation": str,
            "request_kind": str,
            "nth": int,
            "fraction": float,
            "seed": int,
            "max_count": int,
        }
        kwargs: dict[str, object] = {}
        for key, raw in values.items():
            if key not in converters:
                raise ValueError(f"fault {spec!r}: unknown setting {key!r}")
            try:
                kwargs[key] = converters[key](raw)
            except ValueError as exc:
                raise ValueError(f"fault {spec!r}: bad value for {key!r}: {raw!r}") from exc
        return cls(**kwargs)  # type: ignore[arg-type]

    def matches(self, kind: str, operations: tuple[str, ...]) -> bool:
        if self.request_kind is not None and self.request_kind != kind:
            return False
        return self.operation is None or self.operation in operations


class Trigger:
    """The nth / fraction / max_count selection rule, with its own counter and RNG."""

    def __init__(
        self,
        nth: int | None,
        fraction: float | None,
        seed: int,
        max_count: int | None,
    ) -> None:
        self.nth = nth
        self.fraction = fraction
        self.max_count = max_count if max_count is not None else (1 if nth else None)
        self.rng = random.Random(seed)
        self.seen = 0
        self.fired = 0

    def fire(self, allowed: bool = True) -> bool:
        """Count one matching event; True if it fires. With ``allowed=False`` (another
        fault already answers this request) a hit is not used up."""
        self.seen += 1
        if self.max_count is not None and self.fired >= self.max_count:
            return False
        if self.nth is not None:
            hit = self.seen >= self.nth
        elif self.fraction is not None:
            hit = self.rng.random() < self.fraction
        else:
            hit = True
        if hit and allowed:
            self.fired += 1
            return True
        return False


@dataclass
class FaultDecision:
    """What the HTTP layer has to do for one request."""

    delay: float = 0.0
    respond: Fault | None = None
    drop_before: bool = False
    drop_after: bool = False
    hold: bool = False
    fired: list[Fault] = field(default_factory=list)


class FaultSet:
    """The faults of one emulator; thread-safe. ``emu.faults.add(Fault(...))``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[tuple[Fault, Trigger]] = []
        self._holds = threading.Condition()
        self._held = 0
        self._generation = 0
        self._stopping = False

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(
                (fault, Trigger(fault.nth, fault.fraction, fault.seed, fault.max_count))
            )
        return fault

    def remove(self, fault: Fault) -> None:
        with self._lock:
            self._faults = [(f, t) for f, t in self._faults if f is not fault]

    def clear(self) -> None:
        """Remove every fault (and release the requests held so far)."""
        with self._lock:
            self._faults.clear()
        self.release()

    def wait_held(self, count: int = 1, timeout: float = 60.0) -> bool:
        """Block until ``count`` requests in all have been held by ``hold`` faults.

        Returns False if that did not happen within ``timeout`` seconds (a guard against
        a hang, not a timing assumption: the requests are held until released).
        """
        with self._holds:
            return self._holds.wait_for(lambda: self._held >= count, timeout)

    def release(self) -> None:
        """Let every request held so far go on (later ones are held again)."""
        with self._holds:
            self._generation += 1
            self._holds.notify_all()

    def hold(self) -> bool:
        """Called by the HTTP layer: hold this request until `release`.

        False when the emulator is stopping: the request gets no answer then.
        """
        with self._holds:
            generation = self._generation
            self._held += 1
            self._holds.notify_all()
            self._holds.wait_for(lambda: self._generation != generation, HOLD_LIMIT)
            return not self._stopping

    def stopping(self, stopping: bool) -> None:
        """Called by the emulator: on stop, let held requests go without an answer."""
        with self._holds:
            self._stopping = stopping
        if stopping:
            self.release()

    def __len__(self) -> int:
        with self._lock:
            return len(self._faults)

    def fired(self, fault: Fault) -> int:
        """How many times ``fault`` fired so far."""
        with self._lock:
            for f, trigger in self._faults:
                if f is fault:
                    return trigger.fired
        return 0

    def decide(self, kind: str, operations: tuple[str, ...]) -> FaultDecision:
        decision = FaultDecision()
        with self._lock:
            for fault, trigger in self._faults:
                if not fault.matches(kind, operations):
                    continue
                taken = bool(decision.respond or decision.drop_before or decision.drop_after)
                if not trigger.fire(allowed=fault.kind in ("slow", "hold") or not taken):
                    continue
                decision.fired.append(fault)
                if fault.kind == "slow":
                    decision.delay += fault.delay
                elif fault.kind == "hold":
                    decision.hold = True
                elif fault.kind == "status":
                    decision.respond = fault
                elif fault.when == "before":
                    decision.drop_before = True
                else:
                    decision.drop_after = True
        return decision
