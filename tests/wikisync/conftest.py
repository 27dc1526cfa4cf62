"""Fixtures for the offline wikisync tests: content directories written from literals."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

Tree = Mapping[str, "str | bytes"]


@pytest.fixture
def make_tree(tmp_path: Path) -> Callable[..., Path]:
    """``make_tree({"a.md": "...", "img/x.png": b"..."})`` writes files and returns the dir.

    Text is written as UTF-8 exactly as given (no newline translation).
    """
    counter = 0

    def build(files: Tree, *, name: str | None = None) -> Path:
        nonlocal counter
        counter += 1
        root = tmp_path / (name or f"content{counter}")
        root.mkdir(parents=True, exist_ok=True)
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_bytes(data.encode("utf-8"))
        return root

    return build
