"""Hostile input at scale: the paths that used to grow faster than their input.

``python -m bench._hostile [--small]`` prints one JSON document with the time of:

* ``links_s``: loading one page with 120,000 relative links (line numbers of links);
* ``globs_s``: ``load_config`` with 20,000 ``exclude`` globs plus loading 100 pages;
* ``depth_s``: loading a tree of 1,000 nested folders;
* ``cjk_size_s``: measuring a 3 MB CJK page's request size as the SDK encodes it.

Each runs once in this process on files it writes to a temporary directory. The tests
assert outcomes and operation counts (``tests/wikisync/test_hostile_source.py``), never
these times.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["run_hostile"]


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return round(time.perf_counter() - started, 3)


def run_hostile(workdir: Path, *, small: bool = False) -> dict[str, Any]:
    from wikisync.local.config import load_config
    from wikisync.local.source import load_source, request_bytes
    from wikisync.plan.model import PageFields

    scale = 10 if small else 1
    links, globs, depth = 120_000 // scale, 20_000 // scale, 1_000 // scale

    page_dir = workdir / "links"
    page_dir.mkdir()
    (page_dir / "other.md").write_text("x\n")
    (page_dir / "big.md").write_text("".join(f"[l{i}](other.md)\n" for i in range(links)))

    glob_dir = workdir / "globs"
    glob_dir.mkdir()
    (glob_dir / "wikisync.yml").write_text(
        "exclude:\n" + "".join(f"  - drafts/d{i}.md\n" for i in range(globs))
    )
    for i in range(100):
        (glob_dir / f"page{i}.md").write_text("x\n")

    deep_dir = workdir / "deep"
    deep_dir.mkdir()
    folder = deep_dir
    for _ in range(depth):
        folder = folder / "d1"
        folder.mkdir()
    (folder / "bottom.md").write_text("x\n")

    def cjk() -> None:
        request_bytes("漢" * (1_000_000 // scale), PageFields(title="CJK"), locale="en", path="cjk")

    doc = {
        "name": "hostile_input",
        "links": links,
        "globs": globs,
        "depth": depth,
        "links_s": _timed(lambda: load_source(page_dir, load_config(page_dir))),
        "globs_s": _timed(lambda: load_source(glob_dir, load_config(glob_dir))),
        "depth_s": _timed(lambda: load_source(deep_dir, load_config(deep_dir))),
        "cjk_size_s": _timed(cjk),
    }
    # Remove the deep tree bottom-up (a recursive removal would hit the recursion limit).
    (folder / "bottom.md").unlink()
    while folder != deep_dir:
        folder.rmdir()
        folder = folder.parent
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._hostile")
    parser.add_argument("--small", action="store_true", help="a tenth of the sizes")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wikisync-hostile-") as tmp:
        print(json.dumps(run_hostile(Path(tmp), small=args.small), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
