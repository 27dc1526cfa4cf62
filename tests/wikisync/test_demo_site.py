"""`wikisync demo` without DIR finds the example site in a checkout (the wheel case is in
tests/packaging)."""

from __future__ import annotations

from pathlib import Path

from wikisync.cli.demo import example_site

ROOT = Path(__file__).resolve().parents[2]


def test_in_a_checkout_the_demo_uses_examples_site() -> None:
    assert example_site() == ROOT / "examples" / "site"
    assert (example_site() / "wikisync.yml").is_file()
