"""The public surface: ``wikijs`` and ``wikijs.models`` export everything public, sorted."""

from __future__ import annotations

import inspect
import types

import pytest

import wikijs
import wikijs.cache
import wikijs.models
from wikijs import _errors


@pytest.mark.parametrize("module", [wikijs, wikijs.models, wikijs.cache], ids=lambda m: m.__name__)
def test_all_is_sorted_and_unique(module: types.ModuleType) -> None:
    names = list(module.__all__)
    assert names == sorted(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("module", [wikijs, wikijs.models, wikijs.cache], ids=lambda m: m.__name__)
def test_all_names_exist(module: types.ModuleType) -> None:
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


@pytest.mark.parametrize("module", [wikijs, wikijs.models, wikijs.cache], ids=lambda m: m.__name__)
def test_every_public_attribute_is_in_all(module: types.ModuleType) -> None:
    public = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name not in {"annotations", "logging"}
    }
    assert public - set(module.__all__) == set()


def test_every_exception_class_is_exported() -> None:
    classes = {
        name
        for name, value in vars(_errors).items()
        if inspect.isclass(value) and issubclass(value, Exception)
    }
    assert classes - set(wikijs.__all__) == set()


def test_the_version_is_a_string() -> None:
    assert isinstance(wikijs.__version__, str) and wikijs.__version__.count(".") >= 1


def test_the_package_logger_has_a_null_handler() -> None:
    import logging

    handlers = logging.getLogger("wikijs").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)
