"""wikisync's package surface: complete, sorted, and one exception tree."""

from __future__ import annotations

import inspect
import types

import wikisync
import wikisync.action
import wikisync.github
from wikisync import errors


def test_all_is_sorted_unique_and_complete() -> None:
    names = [n for n in wikisync.__all__ if n != "__version__"]
    assert names == sorted(names)
    assert len(set(wikisync.__all__)) == len(wikisync.__all__)
    missing = [n for n in wikisync.__all__ if not hasattr(wikisync, n)]
    assert missing == []
    public = {
        name
        for name, value in vars(wikisync).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }
    assert public - set(wikisync.__all__) == set()


def test_every_wikisync_error_descends_from_the_root_and_is_drawn() -> None:
    tree = errors.__doc__ or ""
    for module in (errors, wikisync.action, wikisync.github):
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Exception) and not name.startswith("_"):
                if value.__module__ != module.__name__:
                    continue
                assert issubclass(value, errors.WikisyncError), name
                assert name in tree, f"{name} is missing from the tree in wikisync/errors.py"


def test_version_matches_the_sdk() -> None:
    import wikijs

    assert wikisync.__version__ == wikijs.__version__
