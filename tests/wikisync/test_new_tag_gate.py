"""The order of concurrent writes that carry tags the wiki does not have yet."""

from __future__ import annotations

from wikisync.apply.execute import NewTagGate


def test_the_first_write_of_a_new_tag_goes_before_the_others_carrying_it() -> None:
    gate = NewTagGate(known=["ops"])
    assert gate.new_tags(["Ops ", "Fresh"]) == {"fresh"}
    first = gate.claim(["fresh", "ops"])
    assert first == {"fresh"}
    assert not gate.ready(["fresh"])  # waits for the first write
    assert gate.ready(["ops"])  # known tags never wait
    assert gate.ready(["other"])  # another new tag has its own first write
    gate.release(first, written=True)
    assert gate.ready(["fresh"]) and gate.claim(["fresh"]) == frozenset()


def test_a_failed_first_write_hands_its_new_tags_to_the_next_one() -> None:
    gate = NewTagGate()
    first = gate.claim(["a", "b"])
    assert not gate.ready(["b", "c"])
    gate.release(first, written=False)
    assert gate.ready(["b", "c"])
    assert gate.claim(["b", "c"]) == {"b", "c"}  # "b" may still be missing: introduce it again
