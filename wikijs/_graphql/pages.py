"""Page documents, variable builders and answer parsers (pure: dicts in, models out).

Field selections follow what the real server answers without breaking:

* never ``toc`` (it always errors, also in ``single``);
* never ``locale``/``editor``/``content``/``render``/scripts inside a create/update
  answer (``locale``/``editor`` null the whole ``page`` and add an error): the SDK
  completes the page with the values it sent (``page_from_write``);
* ``single``/``singleByPath`` may select everything else.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from wikijs._errors import InvalidResponseError
from wikijs.models._common import UnsetType
from wikijs.models._pages import (
    Page,
    PageConflictLatest,
    PageCreate,
    PageHistory,
    PageLink,
    PageListItem,
    PageSearchResponse,
    PageStamp,
    PageTag,
    PageTreeItem,
    PageVersion,
)

from .documents import batch_document, document

RESULT = "responseResult { succeeded errorCode slug message }"

PAGE_FIELDS = (
    "id path locale title description content render contentType editor isPublished "
    "isPrivate privateNS publishStartDate publishEndDate scriptCss scriptJs tags { tag } "
    "hash createdAt updatedAt authorId authorName authorEmail creatorId creatorName creatorEmail"
)

#: What a create/update answer may select (no locale, editor, content, render, toc, scripts).
WRITE_PAGE_FIELDS = (
    "id path hash title description contentType isPublished isPrivate privateNS "
    "publishStartDate publishEndDate createdAt updatedAt authorId authorName authorEmail "
    "creatorId creatorName creatorEmail tags { tag }"
)

LIST_FIELDS = (
    "id path locale title description contentType isPublished isPrivate privateNS "
    "createdAt updatedAt tags"
)

STAMP_FIELDS = "id path locale updatedAt"

TREE_FIELDS = "id path depth title isPrivate isFolder privateNS parent pageId locale"

# (argument, GraphQL type, variables key) of each write; the variable has the argument's name.
CREATE_ARGS: tuple[tuple[str, str], ...] = (
    ("content", "String!"),
    ("description", "String!"),
    ("editor", "String!"),
    ("isPublished", "Boolean!"),
    ("isPrivate", "Boolean!"),
    ("locale", "String!"),
    ("path", "String!"),
    ("publishEndDate", "Date"),
    ("publishStartDate", "Date"),
    ("scriptCss", "String"),
    ("scriptJs", "String"),
    ("tags", "[String]!"),
    ("title", "String!"),
)

#: No ``path``/``locale``: passing them to update moves the page; the SDK never does that.
UPDATE_ARGS: tuple[tuple[str, str], ...] = (
    ("id", "Int!"),
    ("content", "String"),
    ("description", "String"),
    ("editor", "String"),
    ("isPrivate", "Boolean"),
    ("isPublished", "Boolean"),
    ("publishEndDate", "Date"),
    ("publishStartDate", "Date"),
    ("scriptCss", "String"),
    ("scriptJs", "String"),
    ("tags", "[String]"),
    ("title", "String"),
)

DELETE_ARGS: tuple[tuple[str, str], ...] = (("id", "Int!"),)


def _declare(args: Sequence[tuple[str, str]], suffix: str = "") -> str:
    return ", ".join(f"${name}{suffix}: {gql_type}" for name, gql_type in args)


def _call(args: Sequence[tuple[str, str]], suffix: str = "") -> str:
    return ", ".join(f"{name}: ${name}{suffix}" for name, _ in args)


def _write_field(field: str, args: Sequence[tuple[str, str]], selection: str, suffix: str) -> str:
    return f"{field}({_call(args, suffix)}) {{ {selection} }}"


def _mutation(field: str, args: Sequence[tuple[str, str]], selection: str) -> str:
    return (
        f"mutation ({_declare(args)}) {{ pages {{ {_write_field(field, args, selection, '')} }} }}"
    )


def _aliased_mutation(field: str, args: Sequence[tuple[str, str]], selection: str, n: int) -> str:
    """``mutation (...) { m0: pages { field(...) } m1: pages { ... } }``.

    Aliased top-level mutation fields run serially, in document order.
    """
    if n < 1:
        raise ValueError("a batch needs at least one item")
    declared = ", ".join(_declare(args, str(i)) for i in range(n))
    body = " ".join(
        f"{alias(i)}: pages {{ {_write_field(field, args, selection, str(i))} }}" for i in range(n)
    )
    return f"mutation ({declared}) {{ {body} }}"


def alias(index: int) -> str:
    """The alias of item ``index`` in a batched document (``m0``, ``m1``...)."""
    return f"m{index}"


def suffixed(variables: Mapping[str, Any], index: int) -> dict[str, Any]:
    """Rename the variables of one item for a batched document (``id`` -> ``id3``)."""
    return {f"{name}{index}": value for name, value in variables.items()}


# -- documents ---------------------------------------------------------------------------------

GET = document(
    "pages.get", f"query ($id: Int!) {{ pages {{ single(id: $id) {{ {PAGE_FIELDS} }} }} }}"
)
GET_BY_PATH = document(
    "pages.get_by_path",
    "query ($path: String!, $locale: String!) { pages { singleByPath(path: $path, "
    f"locale: $locale) {{ {PAGE_FIELDS} }} }} }}",
)
LIST = document(
    "pages.list",
    "query ($limit: Int, $orderBy: PageOrderBy, $orderByDirection: PageOrderByDirection, "
    "$tags: [String!], $locale: String, $creatorId: Int, $authorId: Int) { pages { "
    "list(limit: $limit, orderBy: $orderBy, orderByDirection: $orderByDirection, "
    "tags: $tags, locale: $locale, creatorId: $creatorId, authorId: $authorId) "
    f"{{ {LIST_FIELDS} }} }} }}",
)
STAMPS = document(
    "pages.stamps",
    f"query ($locale: String) {{ pages {{ list(locale: $locale) {{ {STAMP_FIELDS} }} }} }}",
)
TREE = document(
    "pages.tree",
    "query ($path: String, $parent: Int, $mode: PageTreeMode!, $locale: String!, "
    "$includeAncestors: Boolean) { pages { tree(path: $path, parent: $parent, mode: $mode, "
    f"locale: $locale, includeAncestors: $includeAncestors) {{ {TREE_FIELDS} }} }} }}",
)
SEARCH = document(
    "pages.search",
    "query ($query: String!, $path: String, $locale: String) { pages { search(query: $query, "
    "path: $path, locale: $locale) { results { id title description path locale } "
    "suggestions totalHits } } }",
)
TAGS = document("pages.tags", "query { pages { tags { id tag title createdAt updatedAt } } }")
SEARCH_TAGS = document(
    "pages.search_tags", "query ($query: String!) { pages { searchTags(query: $query) } }"
)
HISTORY = document(
    "pages.history",
    "query ($id: Int!, $offsetPage: Int, $offsetSize: Int) { pages { history(id: $id, "
    "offsetPage: $offsetPage, offsetSize: $offsetSize) { total trail { versionId versionDate "
    "authorId authorName actionType valueBefore valueAfter } } } }",
)
VERSION = document(
    "pages.version",
    "query ($pageId: Int!, $versionId: Int!) { pages { version(pageId: $pageId, "
    "versionId: $versionId) { action authorId authorName content contentType createdAt "
    "versionDate description editor isPrivate isPublished locale pageId path publishEndDate "
    "publishStartDate tags title versionId } } }",
)
LINKS = document(
    "pages.links",
    "query ($locale: String!) { pages { links(locale: $locale) { id path title links } } }",
)
CHECK_CONFLICTS = document(
    "pages.check_conflicts",
    "query ($id: Int!, $checkoutDate: Date!) { pages { checkConflicts(id: $id, "
    "checkoutDate: $checkoutDate) } }",
)
CONFLICT_LATEST = document(
    "pages.conflict_latest",
    "query ($id: Int!) { pages { conflictLatest(id: $id) { id authorId authorName content "
    "createdAt description isPublished locale path tags title updatedAt } } }",
)
CREATE = document(
    "pages.create", _mutation("create", CREATE_ARGS, f"{RESULT} page {{ {WRITE_PAGE_FIELDS} }}")
)
UPDATE = document(
    "pages.update", _mutation("update", UPDATE_ARGS, f"{RESULT} page {{ {WRITE_PAGE_FIELDS} }}")
)
DELETE = document("pages.delete", _mutation("delete", DELETE_ARGS, RESULT))
MOVE = document(
    "pages.move",
    "mutation ($id: Int!, $destinationPath: String!, $destinationLocale: String!) { pages { "
    "move(id: $id, destinationPath: $destinationPath, destinationLocale: $destinationLocale) "
    f"{{ {RESULT} }} }} }}",
)
RESTORE = document(
    "pages.restore",
    "mutation ($pageId: Int!, $versionId: Int!) { pages { restore(pageId: $pageId, "
    f"versionId: $versionId) {{ {RESULT} }} }} }}",
)
RENDER = document(
    "pages.render", f"mutation ($id: Int!) {{ pages {{ render(id: $id) {{ {RESULT} }} }} }}"
)
REBUILD_TREE = document(
    "pages.rebuild_tree", f"mutation {{ pages {{ rebuildTree {{ {RESULT} }} }} }}"
)


@batch_document("pages.get_many")
def get_many_document(n: int) -> str:
    """``query ($id0: Int!, ...) { m0: pages { single(id: $id0) {...} } ... }``."""
    if n < 1:
        raise ValueError("a batch needs at least one item")
    declared = ", ".join(f"$id{i}: Int!" for i in range(n))
    body = " ".join(
        f"{alias(i)}: pages {{ single(id: $id{i}) {{ {PAGE_FIELDS} }} }}" for i in range(n)
    )
    return f"query ({declared}) {{ {body} }}"


@batch_document("pages.create_many")
def create_many_document(n: int) -> str:
    return _aliased_mutation("create", CREATE_ARGS, f"{RESULT} page {{ {WRITE_PAGE_FIELDS} }}", n)


@batch_document("pages.update_many")
def update_many_document(n: int) -> str:
    return _aliased_mutation("update", UPDATE_ARGS, f"{RESULT} page {{ {WRITE_PAGE_FIELDS} }}", n)


@batch_document("pages.delete_many")
def delete_many_document(n: int) -> str:
    return _aliased_mutation("delete", DELETE_ARGS, RESULT, n)


# -- variables ---------------------------------------------------------------------------------


def without_none(variables: Mapping[str, Any]) -> dict[str, Any]:
    """Drop ``None`` values: an unset nullable variable is an omitted argument."""
    return {name: value for name, value in variables.items() if value is not None}


def _date_or_none(value: str) -> str | None:
    # Empty publish dates are omitted: the server stores "" for an omitted date.
    return value or None


def create_variables(item: PageCreate) -> dict[str, Any]:
    """Variables of ``pages.create`` for ``item``."""
    return without_none(
        {
            "content": item.content,
            "description": item.description,
            "editor": item.editor,
            "isPublished": item.is_published,
            "isPrivate": item.is_private,
            "locale": item.locale,
            "path": item.path,
            "publishEndDate": _date_or_none(item.publish_end_date),
            "publishStartDate": _date_or_none(item.publish_start_date),
            "scriptCss": item.script_css,
            "scriptJs": item.script_js,
            "tags": list(item.tags),
            "title": item.title,
        }
    )


#: ``pages.update`` keyword -> Page attribute, in the order of the update arguments.
UPDATE_FIELDS: tuple[str, ...] = (
    "content",
    "title",
    "description",
    "tags",
    "is_published",
    "is_private",
    "publish_start_date",
    "publish_end_date",
    "script_css",
    "script_js",
    "editor",
)


def merge_update(current: Page, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The complete new state (snake_case) of a page: ``changes`` over ``current``.

    ``pages.update`` replaces the whole page, so every field is sent every time: an
    omitted ``isPublished`` would unpublish it, omitted dates and scripts would be reset,
    omitted tags would fail after the content was saved.
    """
    unknown = set(changes) - set(UPDATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown page field(s): {', '.join(sorted(unknown))}")
    merged: dict[str, Any] = {}
    for name in UPDATE_FIELDS:
        value = changes.get(name, current_value(current, name))
        if isinstance(value, UnsetType):
            value = current_value(current, name)
        merged[name] = list(value) if name == "tags" else value
    return merged


def current_value(page: Page, name: str) -> Any:
    value = getattr(page, name)
    return list(value) if name == "tags" else value


def update_variables(
    page_id: int, merged: Mapping[str, Any], *, editor_changed: bool
) -> dict[str, Any]:
    """Variables of ``pages.update`` for the merged state from ``merge_update``.

    ``editor`` is sent only when the caller changed it.
    """
    return without_none(
        {
            "id": page_id,
            "content": merged["content"],
            "description": merged["description"],
            "editor": merged["editor"] if editor_changed else None,
            "isPrivate": merged["is_private"],
            "isPublished": merged["is_published"],
            "publishEndDate": _date_or_none(merged["publish_end_date"]),
            "publishStartDate": _date_or_none(merged["publish_start_date"]),
            "scriptCss": merged["script_css"],
            "scriptJs": merged["script_js"],
            "tags": list(merged["tags"]),
            "title": merged["title"],
        }
    )


def list_variables(
    *,
    limit: int | None,
    order_by: str | None,
    order_by_direction: str | None,
    tags: Sequence[str] | None,
    locale: str | None,
    creator_id: int | None,
    author_id: int | None,
) -> dict[str, Any]:
    return without_none(
        {
            "limit": limit,
            "orderBy": order_by.upper() if order_by else None,
            "orderByDirection": order_by_direction.upper() if order_by_direction else None,
            "tags": list(tags) if tags is not None else None,
            "locale": locale,
            "creatorId": creator_id,
            "authorId": author_id,
        }
    )


def checkout_date(value: str | datetime) -> str:
    """An ISO 8601 UTC string for ``checkConflicts`` (naive datetimes are taken as UTC)."""
    if isinstance(value, str):
        return value
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    text = aware.astimezone(timezone.utc).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


# -- parsers -----------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


def _malformed(model: type[BaseModel], exc: ValidationError, operation: str) -> Exception:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or model.__name__}: {err['msg']}"
        for err in exc.errors()[:5]
    )
    return InvalidResponseError(
        f"unexpected {model.__name__} in the answer: {problems}", operation=operation
    )


def validate_model(model: type[M], node: Any, operation: str) -> M:
    """``model.model_validate(node)``; a malformed answer is ``InvalidResponseError``."""
    try:
        return model.model_validate(node)
    except ValidationError as exc:
        raise _malformed(model, exc, operation) from None


@functools.cache
def _rows_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def validate_rows(model: type[M], items: Any, operation: str) -> list[M]:
    """Every row of a list answer at once (one call into pydantic-core, not one per row:
    a 10,000-page list is one answer); a malformed row is ``InvalidResponseError``."""
    try:
        return _rows_adapter(model).validate_python(items or [])
    except ValidationError as exc:
        raise _malformed(model, exc, operation) from None


def _field(data: Mapping[str, Any] | None, *path: str, operation: str) -> Any:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            raise InvalidResponseError(f"the answer has no {'.'.join(path)}", operation=operation)
        node = node[key]
    return node


def pages_field(data: Mapping[str, Any] | None, name: str, operation: str) -> Any:
    """``data.pages.<name>`` or ``InvalidResponseError``."""
    return _field(data, "pages", name, operation=operation)


def parse_page(node: Any, operation: str) -> Page:
    if not isinstance(node, Mapping):
        raise InvalidResponseError("the answer has no page", operation=operation)
    return validate_model(Page, node, operation)


def page_from_write(
    node: Any, sent: Mapping[str, Any], operation: str, *, fallback: Page | None = None
) -> Page:
    """A [`Page`][wikijs.Page] from a create/update answer, completed with what was sent.

    ``sent`` holds snake_case values (content, locale, editor, script_css, script_js,
    and anything else the answer lacks). The answer's values win where present (tags
    are normalised by the server, timestamps are its own).
    """
    base: dict[str, Any] = {}
    if fallback is not None:
        base.update(fallback.model_dump())
    base.update(sent)
    base["render"] = None
    if isinstance(node, Mapping):
        answer = validate_model(Page, {"locale": "", **node}, operation).model_dump(
            exclude_unset=True
        )
        answer.pop("locale", None)
        base.update(answer)
    elif fallback is None:
        raise InvalidResponseError("the answer has no page", operation=operation)
    return validate_model(Page, base, operation)


def parse_list(data: Mapping[str, Any], operation: str) -> list[PageListItem]:
    return validate_rows(PageListItem, pages_field(data, "list", operation), operation)


def parse_stamps(data: Mapping[str, Any], operation: str) -> list[PageStamp]:
    return validate_rows(PageStamp, pages_field(data, "list", operation), operation)


def parse_tree(data: Mapping[str, Any], operation: str) -> list[PageTreeItem]:
    items = pages_field(data, "tree", operation)
    return [
        validate_model(PageTreeItem, item, operation) for item in items or [] if item is not None
    ]


def parse_search(data: Mapping[str, Any], operation: str) -> PageSearchResponse:
    return validate_model(PageSearchResponse, pages_field(data, "search", operation), operation)


def parse_tags(data: Mapping[str, Any], operation: str) -> list[PageTag]:
    items = pages_field(data, "tags", operation)
    return [validate_model(PageTag, item, operation) for item in items or [] if item is not None]


def parse_search_tags(data: Mapping[str, Any], operation: str) -> list[str]:
    items = pages_field(data, "searchTags", operation)
    return [str(item) for item in items or [] if item is not None]


def parse_history(data: Mapping[str, Any], operation: str) -> PageHistory:
    node = pages_field(data, "history", operation)
    if node is None:
        raise InvalidResponseError("the answer has no history", operation=operation)
    return validate_model(PageHistory, node, operation)


def parse_version(data: Mapping[str, Any], operation: str) -> PageVersion:
    node = pages_field(data, "version", operation)
    if node is None:
        raise InvalidResponseError("the answer has no version", operation=operation)
    return validate_model(PageVersion, node, operation)


def parse_links(data: Mapping[str, Any], operation: str) -> list[PageLink]:
    items = pages_field(data, "links", operation)
    return [validate_model(PageLink, item, operation) for item in items or [] if item is not None]


def parse_check_conflicts(data: Mapping[str, Any], operation: str) -> bool:
    return bool(pages_field(data, "checkConflicts", operation))


def parse_conflict_latest(data: Mapping[str, Any], operation: str) -> PageConflictLatest:
    return validate_model(
        PageConflictLatest, pages_field(data, "conflictLatest", operation), operation
    )


def write_result(data: Mapping[str, Any], field: str, operation: str) -> Mapping[str, Any]:
    """``data.pages.<field>`` of a mutation (``responseResult`` and maybe ``page``)."""
    node = pages_field(data, field, operation)
    if not isinstance(node, Mapping):
        raise InvalidResponseError(f"the answer has no pages.{field}", operation=operation)
    return node
