"""Contract test: every GraphQL document the SDK can send fits the real server's schema.

The documents come from the registry the code itself sends from
(:func:`wikijs._graphql.documents.all_documents`), batched ones rendered for 1 and 3
items, so a document added anywhere in ``wikijs._graphql`` cannot escape this test.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import re
from functools import cache
from pathlib import Path

import pytest
from graphql import GraphQLSchema, build_client_schema, parse, validate
from graphql.language import FieldNode, OperationDefinitionNode, visit
from graphql.language.visitor import Visitor

from wikijs._graphql import documents, pages
from wikijs._graphql.documents import all_documents

SCHEMA_FILE = (
    Path(__file__).resolve().parents[2] / "wikijs" / "testing" / "data" / "introspection.json"
)
DOCUMENTS = list(all_documents())


@cache
def schema() -> GraphQLSchema:
    raw = json.loads(SCHEMA_FILE.read_text("utf-8"))
    return build_client_schema(raw.get("data", raw))


def test_the_registry_is_not_empty_and_names_are_unique() -> None:
    names = [name for name, _ in DOCUMENTS]
    assert len(names) == len(set(names))
    assert {"pages.get", "pages.create", "pages.update", "auth.profile", "auth.login"} <= set(names)
    assert {"pages.get_many[3]", "pages.create_many[3]", "pages.update_many[1]"} <= set(names)


@pytest.mark.parametrize(("name", "query"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_document_validates_against_the_schema(name: str, query: str) -> None:
    errors = validate(schema(), parse(query))
    assert errors == [], f"{name}: {[e.message for e in errors]}"


class _Selections(Visitor):
    """Collects (parent field, field) pairs of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.pairs: list[tuple[str | None, str]] = []

    def enter_field(self, node: FieldNode, *_: object) -> None:
        self.pairs.append((self.stack[-1] if self.stack else None, node.name.value))
        self.stack.append(node.name.value)

    def leave_field(self, node: FieldNode, *_: object) -> None:
        self.stack.pop()


def _selections(query: str) -> list[tuple[str | None, str]]:
    visitor = _Selections()
    visit(parse(query), visitor)
    return visitor.pairs


@pytest.mark.parametrize(("name", "query"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_no_document_selects_toc(name: str, query: str) -> None:
    assert all(field != "toc" for _, field in _selections(query)), name


@pytest.mark.parametrize(("name", "query"), DOCUMENTS, ids=[n for n, _ in DOCUMENTS])
def test_write_answers_never_select_locale_or_editor_of_the_page(name: str, query: str) -> None:
    tree = parse(query)
    operation = tree.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    if operation.operation.value != "mutation":
        return
    pairs = _selections(query)
    assert ("page", "locale") not in pairs, name
    assert ("page", "editor") not in pairs, name


def test_update_documents_never_pass_a_path_or_locale() -> None:
    for name, query in DOCUMENTS:
        if name.startswith("pages.update"):
            assert not re.search(r"\b(path|locale):", query), name


def test_module_level_documents_are_all_registered() -> None:
    registered = {query for _, query in DOCUMENTS}
    package = Path(pages.__file__).parent
    modules = [
        importlib.import_module(f"wikijs._graphql.{info.name}")
        for info in pkgutil.iter_modules([str(package)])
    ]
    assert pages in modules
    for module in modules:
        for attr, value in vars(module).items():
            if isinstance(value, str) and value.lstrip().startswith(("query", "mutation")):
                assert value in registered, f"{module.__name__}.{attr} is not registered"


def test_a_name_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="twice"):
        documents.document("pages.get", "query { __typename }")
