"""``client.pages``: reading and writing Wiki.js pages safely.

What this resource adds over the raw API:

* **Safe partial updates.** ``pages.update`` on the server replaces the whole page
  (an omitted ``isPublished`` unpublishes it, omitted dates and scripts are reset).
  [`PagesAPI.update`][wikijs.PagesAPI.update] reads the page, applies the given fields and sends everything.
* **One error per situation.** Every missing page raises [`PageNotFoundError`][wikijs.PageNotFoundError],
  whatever each operation answers for it (6003, "Invalid Page Id", a TypeError).
* **The rebuild-tree race.** A write answered ``errorCode 1 "Error when running job
  rebuild-tree: ..."`` was applied; the SDK confirms it by reading, returns the result,
  sets [`PagesAPI.tree_stale`][wikijs.PagesAPI.tree_stale] and logs a warning instead of failing.
* **The new-tag race.** A create answered ``UniqueViolationError ... tags_tag_unique``
  was applied without its tags; the SDK confirms it by reading, writes the tags with one
  update, returns the page, sets ``tree_stale`` and logs a warning instead of failing.
* **No duplicate creates.** After an ambiguous failure of a create (timeout, dropped
  connection, 5xx) the SDK checks whether the page now exists with the content sent.
* **Batches.** Aliased reads (50 per request) and aliased serial writes (10 per request);
  one failed item never hides the others.
* **Paths** are checked ([`wikijs.check_path`][wikijs.check_path]) before any create or move.
"""

from __future__ import annotations

import builtins
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ._batch import DEFAULT_READ_BATCH, DEFAULT_WRITE_BATCH, chunks, group_errors
from ._cache import PageCache
from ._errors import (
    AuthenticationError,
    ConnectError,
    IllegalPathError,
    InvalidResponseError,
    PageNotFoundError,
    ServerError,
    TagRaceError,
    TransportError,
    TreeRebuildError,
    WikiJSError,
    error_from_graphql,
    is_missing_page_typeerror,
    raise_for_result,
)
from ._flow import Flow, M, Resource, Runner, authenticate, execute, execute_partial, flow
from ._graphql import pages as q
from ._graphql._executor import Operation, encode_operation
from ._paths import check_path, split_locale, validate_path
from .models._common import UNSET, BatchResult, UnsetType
from .models._pages import (
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
    PageUpdate,
    PageVersion,
)

__all__ = ["PagesAPI"]

logger = logging.getLogger("wikijs.client")

_TREE_MODES = frozenset({"ALL", "FOLDERS", "PAGES"})
_TAG_WRITES = 3
"""How many times a create that lost the new-tag race has its tags written before the
race is reported (each try is one update; a second loss needs yet another new tag race)."""


def _read_name(for_operation: str | None, own: str) -> str:
    """The operation name of a read: its own, or ``<operation>.read`` inside another one."""
    return own if for_operation is None else f"{for_operation}.read"


def _is_ambiguous(exc: WikiJSError) -> bool:
    """Whether a failed write may nevertheless have been applied by the server."""
    if isinstance(exc, ConnectError):
        return False
    return isinstance(exc, (TransportError, ServerError))


class PagesAPI(Resource[M]):
    """Pages of one wiki. Obtain it as ``client.pages`` (``await`` its methods on the async
    client); safe to use from several threads."""

    def __init__(
        self,
        runner: Runner[M],
        *,
        cache: PageCache | None = None,
        batch_size: int = DEFAULT_READ_BATCH,
        write_batch_size: int = DEFAULT_WRITE_BATCH,
    ) -> None:
        if batch_size < 1 or write_batch_size < 1:
            raise ValueError("batch sizes must be at least 1")
        super().__init__(runner)
        self._cache = cache
        self.batch_size = batch_size
        self.write_batch_size = write_batch_size
        self._tree_stale = False

    # -- state -----------------------------------------------------------------------------

    @property
    def tree_stale(self) -> bool:
        """True after a write hit the rebuild-tree race: ``tree()`` and the navigation may
        miss pages until [`rebuild_tree`][wikijs.PagesAPI.rebuild_tree] runs."""
        return self._tree_stale

    def _mark_tree_stale(self, operation: str, exc: TreeRebuildError, what: str) -> None:
        self._tree_stale = True
        logger.warning(
            "%s: the write was applied (%s) but Wiki.js failed to rebuild its page tree; "
            "call pages.rebuild_tree() once the batch of writes is done",
            operation,
            what,
            extra={"operation": operation, "error": exc.message[:200]},
        )

    def _query(
        self, name: str, query: str, variables: Mapping[str, Any] | None = None
    ) -> Flow[dict[str, Any]]:
        return (yield from execute(Operation(name=name, query=query, variables=variables or {})))

    def _mutate(
        self, name: str, query: str, variables: Mapping[str, Any] | None = None
    ) -> Flow[tuple[dict[str, Any], list[dict[str, Any]]]]:
        return (
            yield from execute_partial(
                Operation(name=name, query=query, variables=variables or {}, mutation=True)
            )
        )

    def _invalidate(
        self, page_id: int | None = None, *, path: str | None = None, locale: str | None = None
    ) -> None:
        if self._cache is not None:
            self._cache.invalidate(page_id, path=path, locale=locale)

    # -- reads -----------------------------------------------------------------------------

    @flow
    def list(
        self,
        *,
        limit: int | None = None,
        order_by: str | None = None,
        order_by_direction: str | None = None,
        tags: Sequence[str] | None = None,
        locale: str | None = None,
        creator_id: int | None = None,
        author_id: int | None = None,
    ) -> Flow[builtins.list[PageListItem]]:
        """Every page matching the filters (the server has no offset), without content.

        ``order_by`` is ``ID``, ``CREATED``, ``PATH``, ``TITLE`` or ``UPDATED``;
        ``order_by_direction`` ``ASC`` or ``DESC``. Note that Wiki.js applies ``limit``
        before filtering by ``tags``.
        """
        variables = q.list_variables(
            limit=limit,
            order_by=order_by,
            order_by_direction=order_by_direction,
            tags=tags,
            locale=locale,
            creator_id=creator_id,
            author_id=author_id,
        )
        return q.parse_list((yield from self._query("pages.list", q.LIST, variables)), "pages.list")

    @flow
    def stamps(self, *, locale: str | None = None) -> Flow[builtins.list[PageStamp]]:
        """Id, path, locale and ``updatedAt`` of every page (of ``locale`` if given).

        One ``pages.list`` that asks for these four fields only: a third of the bytes of
        [`list`][wikijs.PagesAPI.list], for seeing what moved or changed in a large wiki.
        """
        variables = {"locale": locale} if locale is not None else {}
        return q.parse_stamps(
            (yield from self._query("pages.stamps", q.STAMPS, variables)), "pages.stamps"
        )

    @flow
    def get(self, page_id: int) -> Flow[Page]:
        """The page with id ``page_id``; [`PageNotFoundError`][wikijs.PageNotFoundError] if there is none."""
        if self._cache is not None:
            yield from authenticate()  # a shared cache answers only who logged in
            cached = self._cache.get_by_id(page_id)
            if isinstance(cached, Page):
                return cached
        page = yield from self._fetch(page_id)
        if self._cache is not None:
            self._cache.put(page)
        return page

    def _fetch(self, page_id: int, for_operation: str | None = None) -> Flow[Page]:
        # A read another operation makes for itself (update's read-modify-write, move's
        # locale lookup, the confirmations after an ambiguous write) is a request of its
        # own: it counts (metrics, logs, rate limits, hooks) as ``<operation>.read``.
        operation = _read_name(for_operation, "pages.get")
        data = yield from self._query(operation, q.GET, {"id": page_id})
        node = q.pages_field(data, "single", operation)
        if node is None:
            raise PageNotFoundError(f"page {page_id} does not exist", operation=operation)
        return q.parse_page(node, operation)

    @flow
    def get_by_path(self, path: str, locale: str | None = None) -> Flow[Page]:
        """The page at ``path`` (needs manage:pages or delete:pages rights).

        ``path`` takes the forms wikisync and the wiki print: ``/en/handbook/setup`` (a
        leading ``/`` always means ``/<locale>/<path>``), ``en/handbook/setup`` (a first
        segment that looks like a locale code is the locale, as in the web UI), or
        ``handbook/setup`` in ``locale`` (default ``en``). With ``locale`` given, a path
        without a leading ``/`` is taken verbatim. See [`wikijs.split_locale`][wikijs.split_locale];
        ``ValueError`` names the expected form, [`PageNotFoundError`][wikijs.PageNotFoundError] the page looked
        for.
        """
        locale, path = split_locale(path, locale)
        if self._cache is not None:
            yield from authenticate()
            cached = self._cache.get_by_path(path, locale)
            if isinstance(cached, Page):
                return cached
        page = yield from self._fetch_by_path(path, locale)
        if self._cache is not None:
            self._cache.put(page)
        return page

    def _fetch_by_path(
        self, path: str, locale: str, for_operation: str | None = None
    ) -> Flow[Page]:
        operation = _read_name(for_operation, "pages.get_by_path")
        where = f"no page at /{locale}/{path} (path {path!r} in locale {locale!r})"
        try:
            data = yield from self._query(
                operation, q.GET_BY_PATH, {"path": path, "locale": locale}
            )
        except PageNotFoundError as exc:
            # Wiki.js answers a bare "This page does not exist": say which page was meant.
            raise PageNotFoundError(
                f"{where}: {exc.message}",
                operation=operation,
                code=exc.code,
                slug=exc.slug,
                status=exc.status,
                request_id=exc.request_id,
            ) from None
        node = q.pages_field(data, "singleByPath", operation)
        if node is None:
            raise PageNotFoundError(where, operation=operation)
        return q.parse_page(node, operation)

    @flow
    def get_many(
        self, ids: Sequence[int], *, batch_size: int | None = None
    ) -> Flow[builtins.list[BatchResult[Page]]]:
        """Many pages in few requests (``batch_size`` aliased reads per request, default 50).

        Results keep the input order; a missing id gives that item a
        [`PageNotFoundError`][wikijs.PageNotFoundError] while the others succeed.
        """
        operation = "pages.get_many"
        results: builtins.list[BatchResult[Page]] = []
        for chunk in chunks(list(ids), batch_size or self.batch_size):
            variables = {f"id{i}": page_id for i, page_id in enumerate(chunk)}
            op = Operation(
                name=operation, query=q.get_many_document(len(chunk)), variables=variables
            )
            try:
                data, errors = yield from execute_partial(op)
            except AuthenticationError:
                raise
            except WikiJSError as exc:
                results.extend(BatchResult(key=page_id, error=exc) for page_id in chunk)
                continue
            aliases = [q.alias(i) for i in range(len(chunk))]
            grouped = group_errors(errors, aliases)
            for i, page_id in enumerate(chunk):
                results.append(
                    self._read_item(page_id, data.get(aliases[i]), grouped.for_alias(aliases[i]))
                )
        return results

    def _read_item(
        self, page_id: int, node: Any, errors: builtins.list[Mapping[str, Any]]
    ) -> BatchResult[Page]:
        operation = "pages.get_many"
        single = node.get("single") if isinstance(node, Mapping) else None
        if single is None:
            error = (
                error_from_graphql(errors, operation)
                if errors
                else PageNotFoundError(f"page {page_id} does not exist", operation=operation)
            )
            return BatchResult(key=page_id, error=error)
        try:
            page = q.parse_page(single, operation)
        except (WikiJSError, ValueError) as exc:
            error = (
                exc
                if isinstance(exc, WikiJSError)
                else InvalidResponseError(str(exc), operation=operation)
            )
            return BatchResult(key=page_id, error=error)
        if self._cache is not None:
            self._cache.put(page)
        return BatchResult(key=page_id, value=page)

    @flow
    def tree(
        self,
        *,
        path: str | None = None,
        parent: int | None = None,
        mode: str = "ALL",
        locale: str = "en",
        include_ancestors: bool = False,
    ) -> Flow[builtins.list[PageTreeItem]]:
        """Folders and pages of one level of the navigation tree (``mode``: ALL, FOLDERS or
        PAGES).

        ``parent`` (a node id) answers that node's children; without it the top level.
        ``path`` answers, as Wiki.js does, the level that *holds* ``path`` (its siblings,
        plus its ancestors with ``include_ancestors``), not the folder's contents: for
        those, find the node whose ``path`` matches and pass its ``id`` as ``parent``
        (``wikijs pages tree --path`` does).
        """
        mode = mode.upper()
        if mode not in _TREE_MODES:
            raise ValueError(f"mode must be one of {sorted(_TREE_MODES)}, got {mode!r}")
        variables = q.without_none(
            {
                "path": path,
                "parent": parent,
                "mode": mode,
                "locale": locale,
                "includeAncestors": include_ancestors or None,
            }
        )
        return q.parse_tree((yield from self._query("pages.tree", q.TREE, variables)), "pages.tree")

    @flow
    def search(
        self, query: str, *, path: str | None = None, locale: str | None = None
    ) -> Flow[PageSearchResponse]:
        """Full-text search with the wiki's search engine."""
        variables = q.without_none({"query": query, "path": path, "locale": locale})
        return q.parse_search(
            (yield from self._query("pages.search", q.SEARCH, variables)), "pages.search"
        )

    @flow
    def tags(self) -> Flow[builtins.list[PageTag]]:
        """Every tag of the wiki."""
        return q.parse_tags((yield from self._query("pages.tags", q.TAGS)), "pages.tags")

    @flow
    def search_tags(self, query: str) -> Flow[builtins.list[str]]:
        """Tags that match ``query``."""
        data = yield from self._query("pages.search_tags", q.SEARCH_TAGS, {"query": query})
        return q.parse_search_tags(data, "pages.search_tags")

    @flow
    def history(
        self, page_id: int, *, offset_page: int | None = None, offset_size: int | None = None
    ) -> Flow[PageHistory]:
        """The version trail of a page, newest first."""
        operation = "pages.history"
        variables = q.without_none(
            {"id": page_id, "offsetPage": offset_page, "offsetSize": offset_size}
        )
        try:
            data = yield from self._query(operation, q.HISTORY, variables)
        except WikiJSError as exc:
            if is_missing_page_typeerror(exc):
                raise PageNotFoundError(
                    f"page {page_id} does not exist",
                    operation=operation,
                    status=exc.status,
                    request_id=exc.request_id,
                ) from exc
            raise
        if q.pages_field(data, "history", operation) is None:
            raise PageNotFoundError(f"page {page_id} does not exist", operation=operation)
        return q.parse_history(data, operation)

    @flow
    def version(self, page_id: int, version_id: int) -> Flow[PageVersion]:
        """One stored version of a page."""
        operation = "pages.version"
        data = yield from self._query(
            operation, q.VERSION, {"pageId": page_id, "versionId": version_id}
        )
        if q.pages_field(data, "version", operation) is None:
            raise PageNotFoundError(
                f"page {page_id} has no version {version_id}", operation=operation
            )
        return q.parse_version(data, operation)

    @flow
    def links(self, locale: str = "en") -> Flow[builtins.list[PageLink]]:
        """Every page of ``locale`` with the paths it links to."""
        data = yield from self._query("pages.links", q.LINKS, {"locale": locale})
        return q.parse_links(data, "pages.links")

    @flow
    def check_conflicts(self, page_id: int, checkout_date: str | datetime) -> Flow[bool]:
        """Whether the page changed since ``checkout_date``."""
        variables = {"id": page_id, "checkoutDate": q.checkout_date(checkout_date)}
        data = yield from self._query("pages.check_conflicts", q.CHECK_CONFLICTS, variables)
        return q.parse_check_conflicts(data, "pages.check_conflicts")

    @flow
    def conflict_latest(self, page_id: int) -> Flow[PageConflictLatest]:
        """The latest saved state of a page, for resolving a conflict."""
        data = yield from self._query("pages.conflict_latest", q.CONFLICT_LATEST, {"id": page_id})
        return q.parse_conflict_latest(data, "pages.conflict_latest")

    # -- writes ----------------------------------------------------------------------------

    @flow
    def create(
        self,
        path: str,
        *,
        content: str,
        title: str = "",
        locale: str = "en",
        editor: str = "markdown",
        description: str = "",
        tags: Sequence[str] = (),
        is_published: bool = True,
        is_private: bool = False,
        publish_start_date: str = "",
        publish_end_date: str = "",
        script_css: str = "",
        script_js: str = "",
    ) -> Flow[Page]:
        """Create a page and return it.

        Raises [`IllegalPathError`][wikijs.IllegalPathError] before any request for a path Wiki.js would
        refuse or its UI could not open, ``PageDuplicateCreateError`` (6002) if the
        path is taken.
        """
        check_path(path)
        item = PageCreate(
            path=path,
            content=content,
            title=title,
            locale=locale,
            editor=editor,
            description=description,
            tags=tags,
            is_published=is_published,
            is_private=is_private,
            publish_start_date=publish_start_date,
            publish_end_date=publish_end_date,
            script_css=script_css,
            script_js=script_js,
        )
        operation = "pages.create"
        try:
            data, errors = yield from self._mutate(operation, q.CREATE, q.create_variables(item))
        except WikiJSError as exc:
            if _is_ambiguous(exc):
                return (yield from self._confirm_ambiguous_create(item, exc, operation))
            raise
        finally:
            self._invalidate(path=item.path, locale=item.locale)
        node = q.pages_field(data, "create", operation) if data.get("pages") is not None else None
        return (yield from self._finish_create(item, node, errors, operation))

    def _finish_create(
        self, item: PageCreate, node: Any, errors: Sequence[Mapping[str, Any]], operation: str
    ) -> Flow[Page]:
        if not isinstance(node, Mapping):
            if errors:
                raise error_from_graphql(errors, operation)
            raise InvalidResponseError("the answer has no pages.create", operation=operation)
        try:
            raise_for_result(node.get("responseResult"), operation)
        except TreeRebuildError as exc:
            try:
                page = yield from self._fetch_by_path(item.path, item.locale, operation)
            except PageNotFoundError:
                raise exc from None
            self._mark_tree_stale(operation, exc, f"{item.locale}/{item.path} exists")
            return page
        except TagRaceError as exc:
            return (yield from self._write_lost_tags(item, exc, operation))
        if not isinstance(node.get("page"), Mapping):
            # Created, but the answer carries no page: read it.
            return (yield from self._fetch_by_path(item.path, item.locale, operation))
        return q.page_from_write(node.get("page"), _sent_create(item), operation)

    def _write_lost_tags(self, item: PageCreate, exc: TagRaceError, operation: str) -> Flow[Page]:
        """After a create lost the new-tag race: the page exists without tags (and not
        rendered, not rebuilt into the tree); write its tags with one update."""
        try:
            page = yield from self._fetch_by_path(item.path, item.locale, operation)
        except PageNotFoundError:
            raise exc from None
        if page.content != item.content:
            raise exc
        self._tree_stale = True
        logger.warning(
            "%s: %s/%s was created without its tags (concurrent creates raced to insert a "
            "new tag); writing them with one update",
            operation,
            item.locale,
            item.path,
            extra={"operation": operation, "error": exc.message[:200]},
        )
        error: TagRaceError = exc
        for _ in range(_TAG_WRITES):
            try:
                return (
                    yield from PagesAPI.update.flow(self, page.id, current=page, tags=item.tags)
                )
            except TagRaceError as again:
                error = again
                page = yield from self._fetch(page.id, operation)
        raise error

    def _confirm_ambiguous_create(
        self, item: PageCreate, exc: WikiJSError, operation: str
    ) -> Flow[Page]:
        """After a create failed ambiguously: the page, if the server did create it."""
        try:
            page = yield from self._fetch_by_path(item.path, item.locale, operation)
        except PageNotFoundError:
            raise exc from None
        except WikiJSError as lookup_error:
            logger.warning(
                "%s: could not check whether %s/%s was created: %s",
                operation,
                item.locale,
                item.path,
                lookup_error,
                extra={"operation": operation},
            )
            raise exc from None
        if page.content != item.content or page.title != item.title:
            raise exc
        logger.warning(
            "%s: the request failed (%s) but %s/%s now exists with the content sent: "
            "it was created, returning it",
            operation,
            type(exc).__name__,
            item.locale,
            item.path,
            extra={"operation": operation, "error": str(exc)},
        )
        return page

    @flow
    def update(
        self,
        page_id: int,
        *,
        current: Page | None = None,
        content: str | UnsetType = UNSET,
        title: str | UnsetType = UNSET,
        description: str | UnsetType = UNSET,
        tags: Sequence[str] | UnsetType = UNSET,
        is_published: bool | UnsetType = UNSET,
        is_private: bool | UnsetType = UNSET,
        publish_start_date: str | UnsetType = UNSET,
        publish_end_date: str | UnsetType = UNSET,
        script_css: str | UnsetType = UNSET,
        script_js: str | UnsetType = UNSET,
        editor: str | UnsetType = UNSET,
    ) -> Flow[Page]:
        """Change some fields of a page; the others keep their current values.

        Wiki.js replaces the whole page on update, so this reads the page first (skip the
        read by passing ``current``, a full [`Page`][wikijs.Page] from ``get``/``get_many``) and
        sends every field. The page is never moved (see [`move`][wikijs.PagesAPI.move]). Every update adds
        a history version on the server, even when nothing changed.
        """
        item = PageUpdate(
            page_id=page_id,
            current=current,
            content=content,
            title=title,
            description=description,
            tags=tags,
            is_published=is_published,
            is_private=is_private,
            publish_start_date=publish_start_date,
            publish_end_date=publish_end_date,
            script_css=script_css,
            script_js=script_js,
            editor=editor,
        )
        operation = "pages.update"
        base = current if current is not None else (yield from self._fetch(page_id, operation))
        if base.id != page_id:
            raise ValueError(f"current is page {base.id}, not page {page_id}")
        changes = item.changes()
        merged = q.merge_update(base, changes)
        variables = q.update_variables(page_id, merged, editor_changed="editor" in changes)
        try:
            data, errors = yield from self._mutate(operation, q.UPDATE, variables)
        finally:
            self._invalidate(page_id)
        node = q.pages_field(data, "update", operation) if data.get("pages") is not None else None
        return (yield from self._finish_update(page_id, base, merged, node, errors, operation))

    def _finish_update(
        self,
        page_id: int,
        base: Page,
        merged: Mapping[str, Any],
        node: Any,
        errors: Sequence[Mapping[str, Any]],
        operation: str,
    ) -> Flow[Page]:
        if not isinstance(node, Mapping):
            if errors:
                raise error_from_graphql(errors, operation)
            raise InvalidResponseError("the answer has no pages.update", operation=operation)
        try:
            raise_for_result(node.get("responseResult"), operation)
        except TreeRebuildError as exc:
            page = yield from self._fetch(page_id, operation)
            self._mark_tree_stale(operation, exc, f"page {page_id} was updated")
            return page
        return q.page_from_write(node.get("page"), dict(merged), operation, fallback=base)

    @flow
    def delete(self, page_id: int) -> Flow[None]:
        """Delete a page (its history goes with it)."""
        operation = "pages.delete"
        try:
            data, errors = yield from self._mutate(operation, q.DELETE, {"id": page_id})
        finally:
            self._invalidate(page_id)
        node = q.pages_field(data, "delete", operation) if data.get("pages") is not None else None
        yield from self._finish_delete(page_id, node, errors, operation)

    def _finish_delete(
        self, page_id: int, node: Any, errors: Sequence[Mapping[str, Any]], operation: str
    ) -> Flow[None]:
        if not isinstance(node, Mapping):
            if errors:
                raise error_from_graphql(errors, operation)
            raise InvalidResponseError("the answer has no pages.delete", operation=operation)
        try:
            raise_for_result(node.get("responseResult"), operation)
        except TreeRebuildError as exc:
            try:
                yield from self._fetch(page_id, operation)
            except PageNotFoundError:
                self._mark_tree_stale(operation, exc, f"page {page_id} is gone")
                return
            raise exc from None

    @flow
    def move(self, page_id: int, path: str, locale: str | None = None) -> Flow[None]:
        """Move a page to ``path`` (and ``locale``; default: its current one). Id and
        history are kept."""
        check_path(path)
        operation = "pages.move"
        if locale is None:
            locale = (yield from self._fetch(page_id, operation)).locale
        variables = {"id": page_id, "destinationPath": path, "destinationLocale": locale}
        try:
            data, errors = yield from self._mutate(operation, q.MOVE, variables)
        finally:
            self._invalidate(page_id)
            self._invalidate(path=path, locale=locale)
        node = q.pages_field(data, "move", operation) if data.get("pages") is not None else None
        (
            yield from self._finish_simple(
                node,
                errors,
                operation,
                page_id,
                f"page {page_id} is at {locale}/{path}",
                expect_path=(locale, path),
            )
        )

    @flow
    def restore(self, page_id: int, version_id: int) -> Flow[None]:
        """Restore a stored version (this also restores its path: the page may move back)."""
        operation = "pages.restore"
        try:
            data, errors = yield from self._mutate(
                operation, q.RESTORE, {"pageId": page_id, "versionId": version_id}
            )
        finally:
            self._invalidate(page_id)
        node = q.pages_field(data, "restore", operation) if data.get("pages") is not None else None
        (
            yield from self._finish_simple(
                node, errors, operation, page_id, f"page {page_id} was restored"
            )
        )

    @flow
    def render(self, page_id: int) -> Flow[None]:
        """Re-render a page's HTML."""
        operation = "pages.render"
        data, errors = yield from self._mutate(operation, q.RENDER, {"id": page_id})
        node = q.pages_field(data, "render", operation) if data.get("pages") is not None else None
        yield from self._finish_simple(node, errors, operation, None, "")

    @flow
    def rebuild_tree(self) -> Flow[None]:
        """Rebuild the page tree (navigation); clears [`tree_stale`][wikijs.PagesAPI.tree_stale]."""
        operation = "pages.rebuild_tree"
        data, errors = yield from self._mutate(operation, q.REBUILD_TREE)
        node = (
            q.pages_field(data, "rebuildTree", operation) if data.get("pages") is not None else None
        )
        yield from self._finish_simple(node, errors, operation, None, "")
        self._tree_stale = False

    def _finish_simple(
        self,
        node: Any,
        errors: Sequence[Mapping[str, Any]],
        operation: str,
        page_id: int | None,
        what: str,
        *,
        expect_path: tuple[str, str] | None = None,
    ) -> Flow[None]:
        if not isinstance(node, Mapping):
            if errors:
                raise error_from_graphql(errors, operation)
            raise InvalidResponseError(f"the answer of {operation} is empty", operation=operation)
        try:
            raise_for_result(node.get("responseResult"), operation)
        except TreeRebuildError as exc:
            if page_id is None:
                raise
            try:
                page = yield from self._fetch(page_id, operation)
            except PageNotFoundError:
                raise exc from None
            if expect_path is not None and (page.locale, page.path) != expect_path:
                raise
            self._mark_tree_stale(operation, exc, what)

    # -- batched writes --------------------------------------------------------------------

    @flow
    def create_many(
        self, items: Sequence[PageCreate], *, batch_size: int | None = None
    ) -> Flow[builtins.list[BatchResult[Page]]]:
        """Create many pages, ``batch_size`` (default 10) aliased creates per request.

        The server runs them serially, in order. Results keep the input order; each
        item's ``key`` is its [`PageCreate`][wikijs.PageCreate]. Items with an illegal path fail
        without being sent.
        """
        operation = "pages.create_many"
        results: builtins.list[BatchResult[Page] | None] = [None] * len(items)
        sendable: builtins.list[int] = []
        for index, item in enumerate(items):
            problems = validate_path(item.path)
            if problems:
                error = IllegalPathError(item.path, problems, operation=operation)
                results[index] = BatchResult(key=item, error=error)
            else:
                sendable.append(index)
        for chunk in chunks(sendable, batch_size or self.write_batch_size):
            variables: dict[str, Any] = {}
            for pos, index in enumerate(chunk):
                variables.update(q.suffixed(q.create_variables(items[index]), pos))
            try:
                data, errors = yield from self._mutate(
                    operation, q.create_many_document(len(chunk)), variables
                )
            except AuthenticationError:
                raise
            except WikiJSError as exc:
                for index in chunk:
                    results[index] = yield from self._ambiguous_item(items[index], exc, operation)
                continue
            finally:
                for index in chunk:
                    self._invalidate(path=items[index].path, locale=items[index].locale)
            aliases = [q.alias(pos) for pos in range(len(chunk))]
            grouped = group_errors(errors, aliases)
            for pos, index in enumerate(chunk):
                node = data.get(aliases[pos])
                create = node.get("create") if isinstance(node, Mapping) else None
                try:
                    page = yield from self._finish_create(
                        items[index], create, grouped.for_alias(aliases[pos]), operation
                    )
                except WikiJSError as exc:
                    results[index] = BatchResult(key=items[index], error=exc)
                else:
                    results[index] = BatchResult(key=items[index], value=page)
        return [r for r in results if r is not None]

    def _ambiguous_item(
        self, item: PageCreate, exc: WikiJSError, operation: str
    ) -> Flow[BatchResult[Page]]:
        if not _is_ambiguous(exc):
            return BatchResult(key=item, error=exc)
        try:
            return BatchResult(
                key=item, value=(yield from self._confirm_ambiguous_create(item, exc, operation))
            )
        except WikiJSError as error:
            return BatchResult(key=item, error=error)

    @flow
    def update_many(
        self, items: Sequence[PageUpdate], *, batch_size: int | None = None
    ) -> Flow[builtins.list[BatchResult[Page]]]:
        """Safe partial updates of many pages (see [`update`][wikijs.PagesAPI.update]).

        Pages without ``current`` are read first with [`get_many`][wikijs.PagesAPI.get_many]; then
        ``batch_size`` (default 10) aliased updates per request. Results keep the input
        order; each item's ``key`` is its [`PageUpdate`][wikijs.PageUpdate].
        """
        operation = "pages.update_many"
        results: builtins.list[BatchResult[Page] | None] = [None] * len(items)
        bases: dict[int, Page] = {}
        to_read = [item.page_id for item in items if item.current is None]
        if to_read:
            reads = yield from PagesAPI.get_many.flow(self, list(dict.fromkeys(to_read)))
            for read in reads:
                if read.value is not None:
                    bases[read.key] = read.value
                elif read.error is not None:
                    for index, item in enumerate(items):
                        if item.current is None and item.page_id == read.key:
                            results[index] = BatchResult(key=item, error=read.error)
        ready: builtins.list[tuple[int, Page, dict[str, Any]]] = []
        for index, item in enumerate(items):
            if results[index] is not None:
                continue
            base = item.current if item.current is not None else bases[item.page_id]
            if base.id != item.page_id:
                error = InvalidResponseError(
                    f"current is page {base.id}, not page {item.page_id}", operation=operation
                )
                results[index] = BatchResult(key=item, error=error)
                continue
            ready.append((index, base, q.merge_update(base, item.changes())))
        for chunk in chunks(ready, batch_size or self.write_batch_size):
            variables: dict[str, Any] = {}
            for pos, (index, _, merged) in enumerate(chunk):
                item = items[index]
                editor_changed = not isinstance(item.editor, UnsetType)
                variables.update(
                    q.suffixed(
                        q.update_variables(item.page_id, merged, editor_changed=editor_changed), pos
                    )
                )
            try:
                data, errors = yield from self._mutate(
                    operation, q.update_many_document(len(chunk)), variables
                )
            except AuthenticationError:
                raise
            except WikiJSError as exc:
                for index, _, _ in chunk:
                    results[index] = BatchResult(key=items[index], error=exc)
                continue
            finally:
                for index, _, _ in chunk:
                    self._invalidate(items[index].page_id)
            aliases = [q.alias(pos) for pos in range(len(chunk))]
            grouped = group_errors(errors, aliases)
            for pos, (index, base, merged) in enumerate(chunk):
                node = data.get(aliases[pos])
                update = node.get("update") if isinstance(node, Mapping) else None
                try:
                    page = yield from self._finish_update(
                        items[index].page_id,
                        base,
                        merged,
                        update,
                        grouped.for_alias(aliases[pos]),
                        operation,
                    )
                except WikiJSError as exc:
                    results[index] = BatchResult(key=items[index], error=exc)
                else:
                    results[index] = BatchResult(key=items[index], value=page)
        return [r for r in results if r is not None]

    @flow
    def delete_many(
        self, ids: Sequence[int], *, batch_size: int | None = None
    ) -> Flow[builtins.list[BatchResult[None]]]:
        """Delete many pages, ``batch_size`` (default 10) aliased deletes per request."""
        operation = "pages.delete_many"
        results: builtins.list[BatchResult[None]] = []
        for chunk in chunks(list(ids), batch_size or self.write_batch_size):
            variables: dict[str, Any] = {}
            for pos, page_id in enumerate(chunk):
                variables.update(q.suffixed({"id": page_id}, pos))
            try:
                data, errors = yield from self._mutate(
                    operation, q.delete_many_document(len(chunk)), variables
                )
            except AuthenticationError:
                raise
            except WikiJSError as exc:
                results.extend(BatchResult(key=page_id, error=exc) for page_id in chunk)
                continue
            finally:
                for page_id in chunk:
                    self._invalidate(page_id)
            aliases = [q.alias(pos) for pos in range(len(chunk))]
            grouped = group_errors(errors, aliases)
            for pos, page_id in enumerate(chunk):
                node = data.get(aliases[pos])
                delete = node.get("delete") if isinstance(node, Mapping) else None
                try:
                    (
                        yield from self._finish_delete(
                            page_id, delete, grouped.for_alias(aliases[pos]), operation
                        )
                    )
                except WikiJSError as exc:
                    results.append(BatchResult(key=page_id, error=exc))
                else:
                    results.append(BatchResult(key=page_id))
        return results


def _sent_create(item: PageCreate) -> dict[str, Any]:
    """What a create answer lacks and the SDK knows because it sent it."""
    return {
        "path": item.path,
        "locale": item.locale,
        "title": item.title,
        "description": item.description,
        "content": item.content,
        "editor": item.editor,
        "is_published": item.is_published,
        "is_private": item.is_private,
        "publish_start_date": item.publish_start_date,
        "publish_end_date": item.publish_end_date,
        "script_css": item.script_css,
        "script_js": item.script_js,
        "tags": list(item.tags),
    }


def page_write_bytes(item: PageCreate) -> int:
    """The bytes of the largest request that writes ``item``: its ``pages.create`` body or
    a ``pages.update`` body carrying the same fields, encoded exactly as the transports
    send them (compact UTF-8 JSON). Compare with ``MAX_BODY_BYTES`` (5 MiB)."""
    create = Operation("pages.create", q.CREATE, q.create_variables(item), mutation=True)
    merged = {name: getattr(item, name) for name in q.UPDATE_FIELDS}
    merged["tags"] = list(item.tags)
    update_vars = q.update_variables(2**31 - 1, merged, editor_changed=True)
    update = Operation("pages.update", q.UPDATE, update_vars, mutation=True)
    return max(len(encode_operation(create)), len(encode_operation(update)))
