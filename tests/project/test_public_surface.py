"""wikisync's package surface: complete, sorted, and one exception tree."""

from __future__ import annotations

import inspect

import wikisync
import wikisync.ci.action
import wikisync.ci.github
import wikisync.ci.gitinfo
from wikisync import errors


def test_every_wikisync_error_descends_from_the_root_and_is_drawn() -> None:
    tree = errors.__doc__ or ""
    for module in (errors, wikisync.ci.action, wikisync.ci.github, wikisync.ci.gitinfo):
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, Exception) and not name.startswith("_"):
                if value.__module__ != module.__name__:
                    continue
                assert issubclass(value, errors.WikisyncError), name
                assert name in tree, f"{name} is missing from the tree in wikisync/errors.py"


def test_version_matches_the_sdk() -> None:
    import wikijs

    assert wikisync.__version__ == wikijs.__version__
