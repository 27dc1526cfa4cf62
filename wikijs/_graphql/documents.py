"""The registry of every GraphQL document the SDK can send.

Modules of this package declare their documents with ``document`` (a fixed query
string) or ``batch_document`` (a function rendering an aliased document for ``n``
items). The code sends exactly these strings, and ``all_documents`` yields all of
them, so the contract test that validates them against the server schema covers every
request the SDK makes; a document added anywhere in this package cannot escape it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator

__all__ = ["all_documents", "batch_document", "document"]

_DOCUMENTS: dict[str, str] = {}
_BATCHES: dict[str, Callable[[int], str]] = {}

#: Item counts the batched documents are rendered for in ``all_documents``.
SAMPLE_BATCH_SIZES = (1, 3)


def document(name: str, query: str) -> str:
    """Register ``query`` under ``name`` (unique) and return it unchanged."""
    if name in _DOCUMENTS or name in _BATCHES:
        raise ValueError(f"GraphQL document {name!r} is registered twice")
    _DOCUMENTS[name] = query
    return query


def batch_document(name: str) -> Callable[[Callable[[int], str]], Callable[[int], str]]:
    """Register a function ``render(n) -> query`` that builds an aliased batch document."""

    def register(render: Callable[[int], str]) -> Callable[[int], str]:
        if name in _DOCUMENTS or name in _BATCHES:
            raise ValueError(f"GraphQL document {name!r} is registered twice")
        _BATCHES[name] = render
        return render

    return register


def _load_all() -> None:
    package = __name__.rpartition(".")[0]
    path = importlib.import_module(package).__path__
    for info in pkgutil.iter_modules(path):
        importlib.import_module(f"{package}.{info.name}")


def all_documents() -> Iterator[tuple[str, str]]:
    """Yield ``(name, query)`` for every document, batched ones rendered for 1 and 3 items."""
    _load_all()
    for name in sorted(_DOCUMENTS):
        yield name, _DOCUMENTS[name]
    for name in sorted(_BATCHES):
        for n in SAMPLE_BATCH_SIZES:
            yield f"{name}[{n}]", _BATCHES[name](n)
