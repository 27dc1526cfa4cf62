"""The real Wiki.js schema executed with graphql-core, answering like graphql-js 15.

* The schema is built once per process from ``data/introspection.json`` (the real
  server's introspection answer) with ``build_client_schema``; resolvers are attached
  by ``_resolvers``.
* Parsed and validated documents are cached by query text (LRU), so a repeated query
  costs a dictionary lookup.
* graphql-core words its messages like graphql-js 16+; ``js_message`` rewrites the
  ones clients meet into graphql-js 15's wording (double quotes, old phrasing), and
  ``check_variables`` reproduces graphql-js 15's variable coercion errors.
* ``WikiExecutor`` keeps executing sibling fields after a non-null field failed
  (graphql-js with async resolvers does), and completes lists of plain objects with
  only leaf fields in a fast path (``pages.list`` over 10,000 pages).
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    build_client_schema,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    parse,
    type_from_ast,
    validate,
)
from graphql.pyutils import Path, Undefined, suggestion_list

try:
    from graphql.execution import Executor
except ImportError as exc:  # pragma: no cover - depends on the installed graphql-core
    raise ImportError(
        "wikijs.testing needs graphql-core 3.3 or newer (pip install 'graphql-core>=3.3')"
    ) from exc

from wikijs.testing._errors import EmulatedError, js_inspect, js_number

DOCUMENT_CACHE_SIZE = 2048


@lru_cache(maxsize=1)
def introspection() -> dict[str, Any]:
    text = resources.files("wikijs.testing").joinpath("data/introspection.json").read_text("utf-8")
    doc = json.loads(text)
    return cast("dict[str, Any]", doc.get("data", doc))


_schema_lock = threading.Lock()
_schema: GraphQLSchema | None = None


def schema() -> GraphQLSchema:
    """The Wiki.js 2.5.314 schema with the emulator's resolvers (built once)."""
    global _schema
    with _schema_lock:
        if _schema is None:
            from wikijs.testing._resolvers import attach

            built = build_client_schema(cast(Any, introspection()))
            attach(built)
            _schema = built
        return _schema


# -- prepared documents ---------------------------------------------------------------


@dataclass(frozen=True)
class OperationInfo:
    node: OperationDefinitionNode
    kind: str  # "query" | "mutation" | "subscription"
    names: tuple[str, ...]


@dataclass(frozen=True)
class Prepared:
    """A query text parsed and validated once."""

    document: DocumentNode | None
    syntax_error: GraphQLError | None
    validation_errors: tuple[GraphQLError, ...]
    operations: tuple[OperationInfo, ...]

    def operation(self, name: str | None) -> OperationInfo | None:
        if name:
            return next(
                (o for o in self.operations if o.node.name and o.node.name.value == name), None
            )
        return self.operations[0] if len(self.operations) == 1 else None


class _DocumentCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[str, Prepared] = OrderedDict()

    def get(self, query: str) -> Prepared:
        with self._lock:
            hit = self._items.get(query)
            if hit is not None:
                self._items.move_to_end(query)
                return hit
        prepared = _prepare(query)
        with self._lock:
            self._items[query] = prepared
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return prepared


_documents = _DocumentCache(DOCUMENT_CACHE_SIZE)


def prepare(query: str) -> Prepared:
    return _documents.get(query)


def _prepare(query: str) -> Prepared:
    try:
        document = parse(query)
    except GraphQLError as error:
        return Prepared(None, error, (), ())
    errors = tuple(validate(schema(), document))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = tuple(
        OperationInfo(d, d.operation.value, tuple(_operation_names(d.selection_set, fragments)))
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode)
    )
    return Prepared(document, None, errors, operations)


def _fields(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    depth: int = 0,
) -> Iterable[FieldNode]:
    if selection_set is None or depth > 20:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments, depth + 1)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, fragments, depth + 1)


def _operation_names(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> Iterable[str]:
    """``pages { a: single b: single }`` -> ``pages.single``, ``pages.single``."""
    for top in _fields(selection_set, fragments):
        namespace = top.name.value
        inner = list(_fields(top.selection_set, fragments))
        if not inner:
            yield namespace
        for field in inner:
            if field.name.value != "__typename":
                yield f"{namespace}.{field.name.value}"


# -- graphql-js 15 wording --------------------------------------------------------------

_QUOTED = re.compile(r"'([^']*)'")
_DOUBLE = r'"\1"'
_REQUIRED_ARG = re.compile(
    r"^Argument '(?P<coord>[^']+)\((?P<arg>\w+):\)' of type '(?P<type>[^']+)' is required, "
    r"but it was not provided\.$"
)
_NON_NULL_LITERAL = re.compile(
    r"^Expected value of non-null type '(?P<type>[^']+)' not to be None\.$"
)
_MISSING_INPUT_FIELD = re.compile(
    r"^Expected value of type '(?P<type>[^']+)' to include required field '(?P<field>\w+)', "
    r"found: .*\.$",
    re.DOTALL,
)
_UNKNOWN_INPUT_FIELD = re.compile(
    r"^Expected value of type '(?P<type>[^']+)' not to include unknown field '(?P<field>\w+)'"
    r"(?:\. Did you mean (?P<hint>.*?)\? Found|, found): .*\.$",
    re.DOTALL,
)
_NOT_OBJECT = re.compile(
    r"^Expected value of type '(?P<type>[^']+)' to be an object, found: (?P<found>.*)\.$",
    re.DOTALL,
)


def js_message(message: str, gql: GraphQLSchema | None = None) -> str:
    """Rewrite a graphql-core 3.3 message the way graphql-js 15 words it."""
    m = _REQUIRED_ARG.match(message)
    if m:
        coord, arg, type_ = m.group("coord"), m.group("arg"), m.group("type")
        if coord.startswith("@"):
            return (
                f'Directive "{coord}" argument "{arg}" of type "{type_}" is required, '
                "but it was not provided."
            )
        field = coord.rsplit(".", 1)[-1]
        return (
            f'Field "{field}" argument "{arg}" of type "{type_}" is required, '
            "but it was not provided."
        )
    m = _NON_NULL_LITERAL.match(message)
    if m:
        return f'Expected value of type "{m.group("type")}", found null.'
    m = _MISSING_INPUT_FIELD.match(message)
    if m:
        type_name, field_name = m.group("type"), m.group("field")
        field_type = _input_field_type(gql, type_name, field_name)
        return f'Field "{type_name}.{field_name}" of required type "{field_type}" was not provided.'
    m = _UNKNOWN_INPUT_FIELD.match(message)
    if m:
        hint = m.group("hint")
        tail = f" Did you mean {_QUOTED.sub(_DOUBLE, hint)}?" if hint else ""
        return f'Field "{m.group("field")}" is not defined by type "{m.group("type")}".{tail}'
    m = _NOT_OBJECT.match(message)
    if m:
        return f'Expected value of type "{m.group("type")}", found {m.group("found")}.'
    return _QUOTED.sub(_DOUBLE, message)


def _input_field_type(gql: GraphQLSchema | None, type_name: str, field_name: str) -> str:
    named = gql.get_type(type_name) if gql else None
    if isinstance(named, GraphQLInputObjectType) and field_name in named.fields:
        return str(named.fields[field_name].type)
    return "?"


# -- variables (graphql-js 15 coerceVariableValues) ---------------------------------------


def check_variables(
    gql: GraphQLSchema, operation: OperationDefinitionNode, inputs: dict[str, Any]
) -> tuple[dict[str, Any], list[GraphQLError]]:
    """Coerce ``inputs`` like graphql-js 15; returns (values, errors with its messages)."""
    coerced: dict[str, Any] = {}
    errors: list[GraphQLError] = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        var_type = type_from_ast(gql, definition.type)
        if var_type is None:
            continue
        var_input = cast(GraphQLInputType, var_type)
        if name not in inputs:
            if definition.default_value is None and is_non_null_type(var_input):
                errors.append(
                    GraphQLError(
                        f'Variable "${name}" of required type "{var_input}" was not provided.',
                        definition,
                    )
                )
            continue
        value = inputs[name]
        if value is None and is_non_null_type(var_input):
            errors.append(
                GraphQLError(
                    f'Variable "${name}" of non-null type "{var_input}" must not be null.',
                    definition,
                )
            )
            continue

        def report(
            path: list[str | int],
            invalid: Any,
            message: str,
            name: str = name,
            definition: VariableDefinitionNode = definition,
        ) -> None:
            prefix = f'Variable "${name}" got invalid value {js_inspect(invalid)}'
            if path:
                printed = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
                prefix += f' at "{name}{printed}"'
            errors.append(GraphQLError(f"{prefix}; {message}", definition))

        coerced[name] = _coerce(value, var_input, [], report)
    return coerced, errors


_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _coerce(
    value: Any,
    type_: GraphQLInputType,
    path: list[str | int],
    report: Callable[[list[str | int], Any, str], None],
) -> Any:
    if isinstance(type_, GraphQLNonNull):
        if value is not None:
            return _coerce(value, cast(GraphQLInputType, type_.of_type), path, report)
        report(path, value, f'Expected non-nullable type "{type_}" not to be null.')
        return None
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        item_type = cast(GraphQLInputType, type_.of_type)
        if isinstance(value, list):
            return [_coerce(v, item_type, [*path, i], report) for i, v in enumerate(value)]
        return [_coerce(value, item_type, path, report)]
    if isinstance(type_, GraphQLInputObjectType):
        if not isinstance(value, dict):
            report(path, value, f'Expected type "{type_.name}" to be an object.')
            return None
        out: dict[str, Any] = {}
        for field_name, field in type_.fields.items():
            if field_name not in value:
                if field.default_value is not Undefined:
                    out[field_name] = field.default_value
                elif is_non_null_type(field.type):
                    report(
                        path,
                        value,
                        f'Field "{field_name}" of required type "{field.type}" was not provided.',
                    )
                continue
            out[field_name] = _coerce(value[field_name], field.type, [*path, field_name], report)
        for key in value:
            if key not in type_.fields:
                hint = _did_you_mean(suggestion_list(key, list(type_.fields)))
                report(path, value, f'Field "{key}" is not defined by type "{type_.name}".{hint}')
        return out
    if isinstance(type_, GraphQLEnumType):
        if not isinstance(value, str):
            report(
                path,
                value,
                f'Enum "{type_.name}" cannot represent non-string value: {js_inspect(value)}.',
            )
            return None
        if value not in type_.values:
            hint = _did_you_mean(suggestion_list(value, list(type_.values)), "the enum value")
            report(path, value, f'Value "{value}" does not exist in "{type_.name}" enum.{hint}')
            return None
        return value
    if isinstance(type_, GraphQLScalarType):
        return _coerce_scalar(value, type_, path, report)
    return value  # pragma: no cover


def _coerce_scalar(
    value: Any,
    type_: GraphQLScalarType,
    path: list[str | int],
    report: Callable[[list[str | int], Any, str], None],
) -> Any:
    name = type_.name
    shown = js_inspect(value)
    if name == "Int":
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or (isinstance(value, float) and not value.is_integer())
        ):
            report(path, value, f"Int cannot represent non-integer value: {shown}")
            return None
        if not _INT_MIN <= value <= _INT_MAX:
            report(path, value, f"Int cannot represent non 32-bit signed integer value: {shown}")
            return None
        return int(value)
    if name == "Float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            report(path, value, f"Float cannot represent non numeric value: {shown}")
            return None
        return float(value)
    if name == "String":
        if not isinstance(value, str):
            report(path, value, f"String cannot represent a non string value: {shown}")
            return None
        return value
    if name == "Boolean":
        if not isinstance(value, bool):
            report(path, value, f"Boolean cannot represent a non boolean value: {shown}")
            return None
        return value
    if name == "ID":
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return js_number(value)
        report(path, value, f"ID cannot represent value: {shown}")
        return None
    return value  # custom scalars (Date, Upload) take any value


def _did_you_mean(suggestions: list[str], what: str = "") -> str:
    if not suggestions:
        return ""
    quoted = [f'"{s}"' for s in suggestions[:5]]
    lead = f" Did you mean {what + ' ' if what else ''}"
    if len(quoted) == 1:
        return f"{lead}{quoted[0]}?"
    if len(quoted) == 2:
        return f"{lead}{quoted[0]} or {quoted[1]}?"
    return f"{lead}{', '.join(quoted[:-1])}, or {quoted[-1]}?"


# -- error formatting -------------------------------------------------------------------


def format_error(
    error: GraphQLError, code: str, gql: GraphQLSchema | None = None
) -> dict[str, Any]:
    """An ``errors[]`` entry as Apollo Server 2 sends it."""
    message = error.message
    original = error.original_error
    if isinstance(original, EmulatedError):
        exception = original.exception_extension()
    elif original is not None:
        message = str(original) or message
        exception = {"stacktrace": [f"Error: {message}", *_GENERIC_FRAMES]}
    else:
        message = js_message(message, gql)
        exception = {"stacktrace": [f"GraphQLError: {message}", *_GENERIC_FRAMES]}
    out: dict[str, Any] = {"message": message}
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path is not None:
        out["path"] = list(error.path)
    out["extensions"] = {"code": code, "exception": exception}
    return out


_GENERIC_FRAMES = [
    "    at completeValue (/wiki/node_modules/graphql/execution/execute.js:595:13)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
]


# -- the executor -------------------------------------------------------------------------


class WikiExecutor(Executor[Any]):
    """graphql-core's executor with two changes; see the module docstring."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Any,
        grouped_field_set: Any,
        *rest: Any,
    ) -> Any:
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        first_error: Exception | None = None
        for response_name, field_details_list in grouped_field_set.items():
            field_path = Path(path, response_name, parent_type.name)
            try:
                result = self.execute_field(
                    parent_type, source_value, field_details_list, field_path, *rest
                )
            except Exception as error:  # noqa: BLE001 - re-raised after the siblings ran
                if first_error is None:
                    first_error = error
                continue
            if result is not Undefined:
                results[response_name] = result
                if self.is_awaitable(result):
                    awaitable_fields.append(response_name)
        if first_error is not None:
            if awaitable_fields:
                self.settle_in_background([results[f] for f in awaitable_fields])
            raise first_error
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            values = await asyncio.gather(
                *(results[f] for f in awaitable_fields), return_exceptions=True
            )
            error: BaseException | None = None
            for name, value in zip(awaitable_fields, values, strict=True):
                if isinstance(value, BaseException):
                    error = error or value
                else:
                    results[name] = value
            if error is not None:
                raise error
            return results

        return get_results()

    def complete_list_value(
        self,
        return_type: GraphQLList[Any],
        field_details_list: Any,
        info: Any,
        path: Any,
        result: Any,
        *rest: Any,
    ) -> Any:
        fast = self._fast_list(return_type, field_details_list, result)
        if fast is not None:
            return fast
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, *rest
        )

    def _fast_list(
        self, return_type: GraphQLList[Any], field_details_list: Any, result: Any
    ) -> Any:
        """Plain dicts with only leaf fields: build the answer without per-field calls."""
        if not isinstance(result, list) or len(result) < 16:
            return None
        item_type = return_type.of_type
        nullable_items = not is_non_null_type(item_type)
        if not nullable_items:
            item_type = item_type.of_type
        if not isinstance(item_type, GraphQLObjectType):
            return None
        plan = self._plan(item_type, field_details_list)
        if plan is None:
            return None
        out: list[Any] = []
        append = out.append
        for item in result:
            if item is None and nullable_items:
                append(None)
                continue
            if not isinstance(item, dict):
                return None
            row: dict[str, Any] = {}
            for response_name, field_name, check in plan:
                if field_name == "__typename":
                    row[response_name] = item_type.name
                    continue
                value = item.get(field_name)
                if not check(value):
                    return None
                row[response_name] = value
            append(row)
        return out

    def _plan(
        self, item_type: GraphQLObjectType, field_details_list: Any
    ) -> list[tuple[str, str, Callable[[Any], bool]]] | None:
        cache = self.__dict__.setdefault("_wiki_plans", {})
        key = (item_type.name, id(field_details_list))
        if key in cache:
            return cast("list[tuple[str, str, Callable[[Any], bool]]] | None", cache[key][1])
        collected = self.collect_subfields(item_type, field_details_list)
        grouped: Any = collected[0] if isinstance(collected, tuple) else collected
        steps: list[tuple[str, str, Callable[[Any], bool]]] = []
        plan: list[tuple[str, str, Callable[[Any], bool]]] | None = steps
        for response_name, details in grouped.items():
            node: Any = getattr(details[0], "node", details[0])
            field_name = node.name.value
            if field_name == "__typename":
                steps.append((response_name, field_name, _always))
                continue
            field = item_type.fields.get(field_name)
            check = _leaf_check(field.type) if field is not None else None
            if field is None or field.resolve is not None or node.arguments or check is None:
                plan = None
                break
            steps.append((response_name, field_name, check))
        cache[key] = (field_details_list, plan)
        return plan


def _always(_value: Any) -> bool:
    return True


_SCALAR_CHECKS: dict[str, Callable[[Any], bool]] = {
    "Int": lambda v: type(v) is int,
    "String": lambda v: type(v) is str,
    "Boolean": lambda v: type(v) is bool,
    "Date": lambda v: type(v) is str,
}


def _leaf_check(type_: Any) -> Callable[[Any], bool] | None:
    non_null = is_non_null_type(type_)
    inner = type_.of_type if non_null else type_
    if is_list_type(inner):
        item_check = _leaf_check(inner.of_type)
        if item_check is None or is_list_type(inner.of_type):
            return None

        def check_list(v: Any) -> bool:
            if v is None:
                return not non_null
            return type(v) is list and all(item_check(i) for i in v)

        return check_list
    if not is_leaf_type(inner) or not isinstance(inner, GraphQLScalarType):
        return None
    scalar = _SCALAR_CHECKS.get(inner.name)
    if scalar is None:
        return None
    if non_null:
        return scalar
    return lambda v: v is None or scalar(v)


def operation_kind(info: OperationInfo) -> str:
    return "mutation" if info.node.operation == OperationType.MUTATION else "query"
