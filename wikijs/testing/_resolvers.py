"""GraphQL resolvers: Wiki.js 2.5's ``server/graph/resolvers/*.js``, namespace by namespace.

Every operation field (``PageQuery.single``, ``PageMutation.create`` ...) is registered
with the scopes its ``@auth`` directive requires; ``attach`` wraps it with that
check, the login rate limits, the simulated cost and, for page writes, the
rebuild-tree and new-tag races. Fields the emulator does not implement answer a GraphQL
error that says so.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema

from wikijs.testing import _accounts, _assets
from wikijs.testing._errors import (
    EmulatedError,
    GraphQLJSError,
    JSError,
    WikiError,
    forbidden,
    js_inspect,
    success,
)
from wikijs.testing._timing import CostModel, RaceModel
from wikijs.testing._wiki import (
    EDITORS,
    TREE_RACE_MESSAGE,
    Principal,
    Wiki,
    WriteFrame,
    format_duration,
    parse_iso,
    tag_dict,
)

# ---------------------------------------------------------------------------------------
# plumbing
# ---------------------------------------------------------------------------------------


@dataclass
class RequestContext:
    """``context`` of one HTTP request (shared by the operations of a batch)."""

    wiki: Wiki
    user: Principal
    ip: str
    costs: CostModel
    race: RaceModel
    response_headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Op:
    """What a resolver gets: the request context, its operation name, a write frame."""

    ctx: RequestContext
    name: str
    frame: WriteFrame

    @property
    def wiki(self) -> Wiki:
        return self.ctx.wiki

    @property
    def user(self) -> Principal:
        return self.ctx.user


Resolver = Callable[[Op, dict[str, Any]], Any]
if TYPE_CHECKING:
    Info = GraphQLResolveInfo[Any]


@dataclass(frozen=True)
class Spec:
    fn: Resolver
    requires: tuple[str, ...]
    page_write: bool
    rate_limit: tuple[int, float] | None


_REGISTRY: dict[tuple[str, str], Spec] = {}

_SYSTEM = ("manage:system",)
_READ_PAGES = ("manage:system", "read:pages")
_WRITE_PAGES = ("write:pages", "manage:pages", "manage:system")
_READ_HISTORY = ("manage:system", "read:history")
_API = ("manage:system", "manage:api")
_READ_ASSETS = ("manage:system", "read:assets")
_WRITE_USERS = ("write:users", "manage:users", "manage:system")
_WRITE_GROUPS = ("write:groups", "manage:groups", "manage:system")
_NAVIGATION = ("manage:navigation", "manage:system")


def resolver(
    type_name: str,
    field_name: str,
    requires: tuple[str, ...] = (),
    *,
    page_write: bool = False,
    rate_limit: tuple[int, float] | None = None,
) -> Callable[[Resolver], Resolver]:
    def register(fn: Resolver) -> Resolver:
        _REGISTRY[(type_name, field_name)] = Spec(fn, requires, page_write, rate_limit)
        return fn

    return register


def _result(error: EmulatedError, **fields: Any) -> dict[str, Any]:
    return {"responseResult": error.response_result(), **fields}


def _ok(message: str, **fields: Any) -> dict[str, Any]:
    return {"responseResult": success(message), **fields}


def _succeeded(result: Any) -> bool:
    if isinstance(result, dict) and isinstance(result.get("responseResult"), dict):
        return bool(result["responseResult"].get("succeeded"))
    return True


def attach(schema: GraphQLSchema) -> None:
    """Attach every resolver to ``schema`` (built from the introspection answer)."""
    for root in (schema.query_type, schema.mutation_type):
        if root is None:
            continue
        for namespace, root_field in root.fields.items():
            root_field.resolve = _namespace
            ns_type = root_field.type
            if not isinstance(ns_type, GraphQLObjectType):
                continue
            for field_name, ns_field in ns_type.fields.items():
                spec = _REGISTRY.get((ns_type.name, field_name))
                name = f"{namespace}.{field_name}"
                ns_field.resolve = _wrap(spec, name, ns_type.name) if spec else _unsupported(name)
    page = schema.get_type("Page")
    if isinstance(page, GraphQLObjectType):
        page.fields["toc"].resolve = _page_toc


def _namespace(_source: Any, _info: Info) -> dict[str, Any]:
    return {}


def _unsupported(name: str) -> Callable[..., Any]:
    def resolve(_source: Any, _info: Info, **_args: Any) -> Any:
        raise JSError("Error", f"{name} is not supported by the Wiki.js emulator")

    return resolve


def _page_toc(source: Any, _info: Info) -> Any:
    toc = source.get("toc") if isinstance(source, dict) else None
    if isinstance(toc, list):
        # Wiki.js hands the parsed TOC array to a String field: graphql-js refuses it.
        raise GraphQLJSError(f"String cannot represent value: {js_inspect(toc)}")
    return toc


def _wrap(spec: Spec, name: str, type_name: str) -> Callable[..., Any]:
    requires = spec.requires
    rate_key = f"{type_name}.{name.split('.', 1)[1]}"

    def resolve(_source: Any, info: Info, **args: Any) -> Any:
        ctx: RequestContext = info.context
        if requires and not ctx.wiki.check_access(ctx.user, requires):
            raise forbidden()
        if spec.rate_limit:
            message = ctx.wiki.rate_limit((ctx.ip, rate_key), *spec.rate_limit)
            if message:
                raise GraphQLJSError(message)
        if spec.page_write:
            return _run_write(spec, name, ctx, args)
        result = spec.fn(Op(ctx, name, WriteFrame(name)), args)
        if inspect.isawaitable(result) or ctx.costs.cost(name) is not None:
            return _finish(result, ctx, name)
        return result

    return resolve


async def _finish(result: Any, ctx: RequestContext, name: str) -> Any:
    if inspect.isawaitable(result):
        result = await result
    if _succeeded(result):
        await ctx.costs.spend(name)
    return result


async def _run_write(spec: Spec, name: str, ctx: RequestContext, args: dict[str, Any]) -> Any:
    frame = WriteFrame(name)
    token = object()
    ctx.race.begin(token)
    if name == "pages.create":
        frame.tags = ctx.race.tags(token)
    raced = False
    try:
        result = spec.fn(Op(ctx, name, frame), args)
        if inspect.isawaitable(result):
            result = await result
        if _succeeded(result):
            await ctx.costs.spend(name)
    finally:
        raced = ctx.race.end(token, name, frame.rebuild_tree)
    wiki = ctx.wiki
    if frame.rebuild_tree:
        if raced:
            wiki.materialize_tree(exclude=frame.page_id if name == "pages.create" else None)
            error = JSError("Error", TREE_RACE_MESSAGE)
            result = {key: None for key in result} | {"responseResult": error.response_result()}
        else:
            wiki.mark_tree_dirty()
    return result


def _page_or_404(wiki: Wiki, page_id: int, where: str) -> Any:
    page = wiki.state.pages.get(page_id)
    if page is None:
        raise WikiError("PageNotFound", where=where)
    return page


# ---------------------------------------------------------------------------------------
# pages
# ---------------------------------------------------------------------------------------


@resolver("PageQuery", "history", _READ_HISTORY)
def page_history(op: Op, args: dict[str, Any]) -> Any:
    page = op.wiki.state.pages.get(args["id"])
    if page is None:
        raise JSError(
            "TypeError", "Cannot read properties of undefined (reading 'path')", where="history"
        )
    if not op.wiki.check_access(
        op.user, ["read:history"], {"path": page.path, "locale": page.locale}
    ):
        raise WikiError("PageHistoryForbidden", where="history")
    return op.wiki.history(page.id, args.get("offsetPage") or 0, args.get("offsetSize") or 100)


@resolver("PageQuery", "version", _READ_HISTORY)
def page_version(op: Op, args: dict[str, Any]) -> Any:
    version = op.wiki.get_version(args["pageId"], args["versionId"])
    if version is None:
        raise JSError(
            "TypeError", "Cannot read properties of null (reading 'path')", where="version"
        )
    if not op.wiki.check_access(
        op.user, ["read:history"], {"path": version["path"], "locale": version["locale"]}
    ):
        raise WikiError("PageHistoryForbidden", where="version")
    return version


@resolver("PageQuery", "search", _READ_PAGES)
def page_search(op: Op, args: dict[str, Any]) -> Any:
    return op.wiki.search(op.user, args["query"], args.get("path"), args.get("locale"))


@resolver("PageQuery", "list", _READ_PAGES)
def page_list(op: Op, args: dict[str, Any]) -> Any:
    return op.wiki.list_pages(op.user, args)


def _single(op: Op, page: Any, where: str) -> Any:
    if not op.wiki.check_access(
        op.user, ["manage:pages", "delete:pages"], {"path": page.path, "locale": page.locale}
    ):
        raise WikiError("PageViewForbidden", where=where)
    return op.wiki.page_dict(page)


@resolver("PageQuery", "single", ("read:pages", "manage:system"))
def page_single(op: Op, args: dict[str, Any]) -> Any:
    return _single(op, _page_or_404(op.wiki, args["id"], "single"), "single")


@resolver("PageQuery", "singleByPath", ("read:pages", "manage:system"))
def page_single_by_path(op: Op, args: dict[str, Any]) -> Any:
    page = op.wiki.state.page_at(args["locale"], args["path"])
    if page is None:
        raise WikiError("PageNotFound", where="singleByPath")
    return _single(op, page, "singleByPath")


@resolver("PageQuery", "tags", _READ_PAGES)
def page_tags(op: Op, _args: dict[str, Any]) -> Any:
    return [tag_dict(t) for t in op.wiki.used_tags(op.user)]


@resolver("PageQuery", "searchTags", _READ_PAGES)
def page_search_tags(op: Op, args: dict[str, Any]) -> Any:
    needle = args["query"].strip().lower()
    found: list[str] = []
    for tag in op.wiki.used_tags(op.user):
        if needle in tag.tag.lower() and tag.tag not in found:
            found.append(tag.tag)
    return found[:5]


@resolver("PageQuery", "tree", _READ_PAGES)
def page_tree(op: Op, args: dict[str, Any]) -> Any:
    return op.wiki.tree_items(op.user, args)


@resolver("PageQuery", "links", _READ_PAGES)
def page_links(op: Op, args: dict[str, Any]) -> Any:
    return op.wiki.links(op.user, args["locale"])


@resolver("PageQuery", "checkConflicts", _WRITE_PAGES)
def page_check_conflicts(op: Op, args: dict[str, Any]) -> Any:
    page = _page_or_404(op.wiki, args["id"], "checkConflicts")
    if not op.wiki.check_access(
        op.user, ["write:pages", "manage:pages"], {"path": page.path, "locale": page.locale}
    ):
        raise WikiError("PageUpdateForbidden", where="checkConflicts")
    updated = parse_iso(page.updated_at)
    checkout = parse_iso(str(args["checkoutDate"]))
    return updated is not None and checkout is not None and updated > checkout


@resolver("PageQuery", "conflictLatest", _WRITE_PAGES)
def page_conflict_latest(op: Op, args: dict[str, Any]) -> Any:
    page = _page_or_404(op.wiki, args["id"], "conflictLatest")
    if not op.wiki.check_access(
        op.user, ["write:pages", "manage:pages"], {"path": page.path, "locale": page.locale}
    ):
        raise WikiError("PageViewForbidden", where="conflictLatest")
    full = op.wiki.page_dict(page)
    return {
        **full,
        "authorId": str(page.author_id),
        "tags": [t["tag"] for t in full["tags"]],
    }


@resolver("PageMutation", "create", _WRITE_PAGES, page_write=True)
async def page_create(op: Op, args: dict[str, Any]) -> Any:
    try:
        page = await op.wiki.create_page(op.user, args, op.frame)
    except EmulatedError as error:
        return _result(error, page=None)
    return _ok("Page created successfully.", page=page)


@resolver("PageMutation", "update", _WRITE_PAGES, page_write=True)
def page_update(op: Op, args: dict[str, Any]) -> Any:
    try:
        page = op.wiki.update_page(op.user, args, op.frame)
    except EmulatedError as error:
        return _result(error, page=None)
    return _ok("Page has been updated.", page=page)


@resolver("PageMutation", "convert", _WRITE_PAGES, page_write=True)
def page_convert(op: Op, args: dict[str, Any]) -> Any:
    wiki = op.wiki
    try:
        page = _page_or_404(wiki, args["id"], "convert")
        if not wiki.check_access(
            op.user, ["write:pages"], {"path": page.path, "locale": page.locale}
        ):
            raise WikiError("PageUpdateForbidden")
        editor = args["editor"]
        if editor not in EDITORS:
            raise JSError("ForeignKeyViolationError", 'insert or update on table "pages" violates '
                          'foreign key constraint "pages_editorkey_foreign"')  # fmt: skip
        wiki.add_version(page, "updated", page.updated_at)
        if page.content_type == "markdown" and EDITORS[editor] == "html":
            page.content = page.render or ""
        page.editor = editor
        page.content_type = EDITORS[editor]
        page.updated_at = wiki.now_iso()
        wiki.render_page(page)
        wiki.changed()
    except EmulatedError as error:
        return _result(error)
    return _ok("Page has been converted.")


@resolver("PageMutation", "move", ("manage:pages", "manage:system"), page_write=True)
def page_move(op: Op, args: dict[str, Any]) -> Any:
    try:
        op.wiki.move_page(
            op.user, args["id"], args["destinationPath"], args["destinationLocale"], op.frame
        )
    except EmulatedError as error:
        return _result(error)
    return _ok("Page has been moved.")


@resolver("PageMutation", "delete", ("delete:pages", "manage:system"), page_write=True)
def page_delete(op: Op, args: dict[str, Any]) -> Any:
    try:
        op.wiki.delete_page(op.user, args["id"], op.frame)
    except EmulatedError as error:
        return _result(error)
    return _ok("Page has been deleted.")


@resolver("PageMutation", "restore", _WRITE_PAGES, page_write=True)
def page_restore(op: Op, args: dict[str, Any]) -> Any:
    try:
        op.wiki.restore_page(op.user, args["pageId"], args["versionId"], op.frame)
    except EmulatedError as error:
        return _result(error)
    return _ok("Page version restored successfully.")


@resolver("PageMutation", "render", _SYSTEM, page_write=True)
def page_render(op: Op, args: dict[str, Any]) -> Any:
    try:
        page = _page_or_404(op.wiki, args["id"], "render")
    except EmulatedError as error:
        return _result(error)
    op.wiki.render_page(page)
    op.wiki.changed()
    return _ok("Page rendered successfully.")


@resolver("PageMutation", "rebuildTree", _SYSTEM, page_write=True)
def page_rebuild_tree(op: Op, _args: dict[str, Any]) -> Any:
    op.wiki.mark_tree_dirty()
    op.wiki.materialize_tree()
    return _ok("Page tree rebuilt successfully.")


@resolver("PageMutation", "flushCache", _SYSTEM)
def page_flush_cache(_op: Op, _args: dict[str, Any]) -> Any:
    return _ok("Pages Cache has been flushed successfully.")


@resolver("PageMutation", "deleteTag", _SYSTEM)
def page_delete_tag(op: Op, args: dict[str, Any]) -> Any:
    st = op.wiki.state
    tag = st.tags.pop(args["id"], None)
    if tag is not None:
        st.tag_by_name.pop(tag.tag, None)
        for page in st.pages.values():
            if tag.id in page.tag_ids:
                page.tag_ids.remove(tag.id)
        op.wiki.changed()
    return _ok("Tag has been deleted.")


@resolver("PageMutation", "updateTag", _SYSTEM)
def page_update_tag(op: Op, args: dict[str, Any]) -> Any:
    st = op.wiki.state
    tag = st.tags.get(args["id"])
    if tag is not None:
        st.tag_by_name.pop(tag.tag, None)
        tag.tag = args["tag"].strip().lower()
        tag.title = args["title"].strip()
        tag.updated_at = op.wiki.now_iso()
        st.tag_by_name[tag.tag] = tag.id
        op.wiki.changed()
    return _ok("Tag has been updated.")


@resolver("PageMutation", "migrateToLocale", _SYSTEM)
def page_migrate_locale(op: Op, args: dict[str, Any]) -> Any:
    wiki = op.wiki
    source, target = args["sourceLocale"], args["targetLocale"]
    if target not in wiki.state.locales:
        return _result(JSError("ForeignKeyViolationError", 'update "pages" set "localeCode" = $1 '
                               'where "localeCode" = $2 - insert or update on table "pages" '
                               'violates foreign key constraint "pages_localecode_foreign"'),
                       count=None)  # fmt: skip
    count = 0
    for page in list(wiki.state.pages.values()):
        if page.locale == source and wiki.state.page_at(target, page.path) is None:
            wiki.state.unindex_page(page)
            page.locale = target
            wiki.state.index_page(page)
            count += 1
    wiki.mark_tree_dirty()
    wiki.changed()
    return _ok("Migrated content to target locale successfully.", count=count)


@resolver("PageMutation", "purgeHistory", _SYSTEM)
def page_purge_history(op: Op, args: dict[str, Any]) -> Any:
    wiki = op.wiki
    try:
        cutoff = wiki.now() - _iso_duration(args["olderThan"])
    except ValueError as error:
        return _result(JSError("Error", str(error)))
    st = wiki.state
    for vid, version in list(st.versions.items()):
        stamp = parse_iso(version.version_date)
        if stamp is not None and stamp < cutoff:
            del st.versions[vid]
            ids = st.versions_by_page.get(version.page_id)
            if ids and vid in ids:
                ids.remove(vid)
    wiki.changed()
    return _ok("Page history purged successfully.")


def _iso_duration(text: str) -> float:
    m = re.fullmatch(
        r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?",
        text.strip(),
    )
    if not m or text.strip() in ("P", "PT"):
        raise ValueError(f"Invalid duration: {text}")
    y, mo, w, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
    return ((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 3600 + mi * 60 + s


# ---------------------------------------------------------------------------------------
# assets
# ---------------------------------------------------------------------------------------


@resolver("AssetQuery", "list", _READ_ASSETS)
def asset_list(op: Op, args: dict[str, Any]) -> Any:
    return _assets.list_assets(op.wiki, op.user, args["folderId"], args["kind"])


@resolver("AssetQuery", "folders", _READ_ASSETS)
def asset_folders(op: Op, args: dict[str, Any]) -> Any:
    return _assets.list_folders(op.wiki, op.user, args["parentFolderId"])


@resolver("AssetMutation", "createFolder", ("manage:system", "write:assets"))
def asset_create_folder(op: Op, args: dict[str, Any]) -> Any:
    try:
        _assets.create_folder(op.wiki, args["parentFolderId"], args["slug"])
    except EmulatedError as error:
        return _result(error)
    return _ok("Asset Folder has been created successfully.")


@resolver("AssetMutation", "renameAsset", ("manage:system", "manage:assets"))
def asset_rename(op: Op, args: dict[str, Any]) -> Any:
    try:
        _assets.rename_asset(op.wiki, op.user, args["id"], args["filename"])
    except EmulatedError as error:
        return _result(error)
    return _ok("Asset has been renamed successfully.")


@resolver("AssetMutation", "deleteAsset", ("manage:system", "manage:assets"))
def asset_delete(op: Op, args: dict[str, Any]) -> Any:
    try:
        _assets.delete_asset(op.wiki, op.user, args["id"])
    except EmulatedError as error:
        return _result(error)
    return _ok("Asset has been deleted successfully.")


@resolver("AssetMutation", "flushTempUploads", _SYSTEM)
def asset_flush(_op: Op, _args: dict[str, Any]) -> Any:
    return _ok("Temporary Uploads have been flushed successfully.")


# ---------------------------------------------------------------------------------------
# authentication
# ---------------------------------------------------------------------------------------

_LOCAL_STRATEGY = {
    "key": "local",
    "props": [],
    "title": "Local",
    "description": "Built-in authentication for Wiki.js",
    "isAvailable": True,
    "useForm": True,
    "usernameType": "email",
    "logo": "",
    "color": "primary",
    "website": "https://wiki.js.org",
    "icon": "",
}


@resolver("AuthenticationQuery", "apiKeys", _API)
def auth_api_keys(op: Op, _args: dict[str, Any]) -> Any:
    return _accounts.api_keys(op.wiki)


@resolver("AuthenticationQuery", "apiState", _API)
def auth_api_state(op: Op, _args: dict[str, Any]) -> Any:
    return op.wiki.state.api_enabled


@resolver("AuthenticationQuery", "strategies", _SYSTEM)
def auth_strategies(_op: Op, _args: dict[str, Any]) -> Any:
    return [dict(_LOCAL_STRATEGY)]


@resolver("AuthenticationQuery", "activeStrategies")
def auth_active_strategies(_op: Op, _args: dict[str, Any]) -> Any:
    return [
        {
            "key": "local",
            "strategy": dict(_LOCAL_STRATEGY),
            "displayName": "Local",
            "order": 0,
            "isEnabled": True,
            "config": [],
            "selfRegistration": False,
            "domainWhitelist": [],
            "autoEnrollGroups": [],
        }
    ]


@resolver("AuthenticationMutation", "createApiKey", _API)
def auth_create_api_key(op: Op, args: dict[str, Any]) -> Any:
    try:
        key = op.wiki.create_api_key(
            args["name"],
            args["expiration"],
            full_access=args["fullAccess"],
            group=args.get("group"),
        )
    except ValueError:
        return _result(JSError("RangeError", "Invalid time value"), key=None)
    return _ok("API Key created successfully", key=key)


@resolver("AuthenticationMutation", "revokeApiKey", _API)
def auth_revoke_api_key(op: Op, args: dict[str, Any]) -> Any:
    op.wiki.revoke_api_key(args["id"])
    return _ok("API Key revoked successfully")


@resolver("AuthenticationMutation", "setApiState", _API)
def auth_set_api_state(op: Op, args: dict[str, Any]) -> Any:
    op.wiki.state.api_enabled = bool(args["enabled"])
    op.wiki.changed()
    return _ok("API State changed successfully")


@resolver("AuthenticationMutation", "login", rate_limit=(5, 60.0))
def auth_login(op: Op, args: dict[str, Any]) -> Any:
    try:
        result = _accounts.login(op.wiki, args["username"], args["password"], args["strategy"])
    except EmulatedError as error:
        return _result(error)
    if result.get("jwt"):
        op.ctx.response_headers.append(("Set-Cookie", op.wiki.jwt_cookie(result["jwt"])))
    return {**result, "responseResult": success("Login success")}


@resolver("AuthenticationMutation", "loginChangePassword")
def auth_login_change_password(op: Op, args: dict[str, Any]) -> Any:
    try:
        result = _accounts.login_change_password(
            op.wiki, args["continuationToken"], args["newPassword"]
        )
    except EmulatedError as error:
        return _result(error)
    if result.get("jwt"):
        op.ctx.response_headers.append(("Set-Cookie", op.wiki.jwt_cookie(result["jwt"])))
    return {**result, "responseResult": success("Login success")}


# ---------------------------------------------------------------------------------------
# users and groups
# ---------------------------------------------------------------------------------------


@resolver("UserQuery", "list", _WRITE_USERS)
def user_list(op: Op, _args: dict[str, Any]) -> Any:
    return _accounts.list_users(op.wiki)


@resolver("UserQuery", "search", _WRITE_USERS)
def user_search(op: Op, args: dict[str, Any]) -> Any:
    return _accounts.search_users(op.wiki, args["query"])


@resolver("UserQuery", "single", ("manage:users", "manage:system"))
def user_single(op: Op, args: dict[str, Any]) -> Any:
    return _accounts.single_user(op.wiki, args["id"])


@resolver("UserQuery", "profile")
def user_profile(op: Op, _args: dict[str, Any]) -> Any:
    return _accounts.profile(op.wiki, op.user)


@resolver(
    "UserQuery",
    "lastLogins",
    ("write:groups", "manage:groups", "write:users", "manage:users", "manage:system"),
)
def user_last_logins(op: Op, _args: dict[str, Any]) -> Any:
    return _accounts.last_logins(op.wiki)


def _user_mutation(message: str, action: Callable[[Op, dict[str, Any]], None]) -> Resolver:
    def run(op: Op, args: dict[str, Any]) -> Any:
        try:
            action(op, args)
        except EmulatedError as error:
            return _result(error)
        return _ok(message)

    return run


def _protected(flag: str, value: bool) -> Callable[[Op, dict[str, Any]], None]:
    def run(op: Op, args: dict[str, Any]) -> None:
        if not value and args["id"] <= 2:
            raise WikiError("UserDeleteProtected")
        _accounts.set_user_flag(op.wiki, args["id"], flag, value)

    return run


@resolver("UserMutation", "create", _WRITE_USERS)
def user_create(op: Op, args: dict[str, Any]) -> Any:
    try:
        _accounts.create_user(op.wiki, args)
    except EmulatedError as error:
        return _result(error, user=None)
    return _ok("User created successfully", user=None)


resolver("UserMutation", "update", _WRITE_USERS)(
    _user_mutation("User updated successfully", lambda op, a: _accounts.update_user(op.wiki, a))
)
resolver("UserMutation", "delete", ("manage:users", "manage:system"))(
    _user_mutation(
        "User deleted successfully",
        lambda op, a: _accounts.delete_user(op.wiki, a["id"], a["replaceId"]),
    )
)
resolver("UserMutation", "verify", _WRITE_USERS)(
    _user_mutation("User verified successfully", _protected("is_verified", True))
)
resolver("UserMutation", "activate", _WRITE_USERS)(
    _user_mutation("User activated successfully", _protected("is_active", True))
)
resolver("UserMutation", "deactivate", _WRITE_USERS)(
    _user_mutation("User deactivated successfully", _protected("is_active", False))
)
resolver("UserMutation", "enableTFA", _WRITE_USERS)(
    _user_mutation("TFA enabled successfully", _protected("tfa_is_active", True))
)
resolver("UserMutation", "disableTFA", _WRITE_USERS)(
    _user_mutation("TFA disabled successfully", _protected("tfa_is_active", False))
)


@resolver("UserMutation", "resetPassword", _WRITE_USERS)
def user_reset_password(op: Op, args: dict[str, Any]) -> Any:
    if args["id"] not in op.wiki.state.users:
        return _result(WikiError("UserNotFound"))
    return _ok("Password reset successfully")


@resolver(
    "GroupQuery",
    "list",
    ("write:groups", "manage:groups", "write:users", "manage:users", "manage:system"),
)
def group_list(op: Op, _args: dict[str, Any]) -> Any:
    return _accounts.list_groups(op.wiki)


@resolver("GroupQuery", "single", _WRITE_GROUPS)
def group_single(op: Op, args: dict[str, Any]) -> Any:
    group = op.wiki.state.groups.get(args["id"])
    return _accounts.group_dict(op.wiki, group) if group else None


@resolver("GroupMutation", "create", _WRITE_GROUPS)
def group_create(op: Op, args: dict[str, Any]) -> Any:
    group = _accounts.create_group(op.wiki, args["name"])
    return _ok("Group created successfully.", group=group)


@resolver("GroupMutation", "update", _WRITE_GROUPS)
def group_update(op: Op, args: dict[str, Any]) -> Any:
    _accounts.update_group(op.wiki, args)
    return _ok("Group has been updated.")


@resolver("GroupMutation", "delete", _WRITE_GROUPS)
def group_delete(op: Op, args: dict[str, Any]) -> Any:
    _accounts.delete_group(op.wiki, args["id"])
    return _ok("Group has been deleted.")


@resolver("GroupMutation", "assignUser", _WRITE_GROUPS)
def group_assign(op: Op, args: dict[str, Any]) -> Any:
    _accounts.assign_user(op.wiki, args["groupId"], args["userId"], assign=True)
    return _ok("User has been assigned to group.")


@resolver("GroupMutation", "unassignUser", _WRITE_GROUPS)
def group_unassign(op: Op, args: dict[str, Any]) -> Any:
    _accounts.assign_user(op.wiki, args["groupId"], args["userId"], assign=False)
    return _ok("User has been unassigned from group.")


# ---------------------------------------------------------------------------------------
# site, system, navigation, localization
# ---------------------------------------------------------------------------------------

LOCALE_NAMES: dict[str, tuple[str, str]] = {
    "en": ("English", "English"),
    "fr": ("French", "Français"),
    "de": ("German", "Deutsch"),
    "es": ("Spanish", "Español"),
    "it": ("Italian", "Italiano"),
    "pt": ("Portuguese", "Português"),
    "pt-br": ("Portuguese (Brazil)", "Português (Brasil)"),
    "nl": ("Dutch", "Nederlands"),
    "ru": ("Russian", "Русский"),
    "ja": ("Japanese", "日本語"),
    "zh": ("Chinese Simplified", "中文"),
    "zh-tw": ("Chinese Traditional", "中文 (台灣)"),
    "ko": ("Korean", "한국어"),
    "pl": ("Polish", "Polski"),
    "sv": ("Swedish", "Svenska"),
}
RTL_LOCALES = {"ar", "fa", "he", "ur"}


def site_config(wiki: Wiki) -> dict[str, Any]:
    config = {
        "host": wiki.site_url,
        "title": "Wiki.js",
        "description": "",
        "robots": ["index", "follow"],
        "analyticsService": "",
        "analyticsId": "",
        "company": "",
        "contentLicense": "",
        "footerOverride": "",
        "logoUrl": "https://static.requarks.io/logo/wikijs-butterfly.svg",
        "pageExtensions": "md, html, txt",
        "authAutoLogin": False,
        "authEnforce2FA": False,
        "authHideLocal": False,
        "authLoginBgUrl": "",
        "authJwtAudience": "urn:wiki.js",
        "authJwtExpiration": format_duration(wiki.session_lifetime),
        "authJwtRenewablePeriod": format_duration(wiki.session_renewal),
        "editFab": True,
        "editMenuBar": False,
        "editMenuBtn": True,
        "editMenuExternalBtn": True,
        "editMenuExternalName": "GitHub",
        "editMenuExternalIcon": "mdi-github",
        "editMenuExternalUrl": "",
        "featurePageRatings": True,
        "featurePageComments": True,
        "featurePersonalWikis": True,
        "securityOpenRedirect": True,
        "securityIframe": True,
        "securityReferrerPolicy": True,
        "securityTrustProxy": True,
        "securitySRI": True,
        "securityHSTS": False,
        "securityHSTSDuration": 300,
        "securityCSP": False,
        "securityCSPDirectives": "",
        "uploadMaxFileSize": _assets.MAX_UPLOAD_BYTES,
        "uploadMaxFiles": 10,
        "uploadScanSVG": True,
        "uploadForceDownload": True,
    }
    config.update(wiki.state.site)
    return config


@resolver("SiteQuery", "config", _SYSTEM)
def site_get_config(op: Op, _args: dict[str, Any]) -> Any:
    return site_config(op.wiki)


@resolver("SiteMutation", "updateConfig", _SYSTEM)
def site_update_config(op: Op, args: dict[str, Any]) -> Any:
    for key, value in args.items():
        if value is not None and key not in ("host",):
            op.wiki.state.site[key] = value
    op.wiki.changed()
    return _ok("Site configuration updated successfully")


@resolver("SystemQuery", "info", _SYSTEM)
def system_info(op: Op, _args: dict[str, Any]) -> Any:
    st = op.wiki.state
    return {
        "configFile": "/wiki/config.yml",
        "cpuCores": 2,
        "currentVersion": "2.5.314",
        "dbHost": "127.0.0.1",
        "dbType": "PostgreSQL",
        "dbVersion": "15.18",
        "groupsTotal": len(st.groups),
        "hostname": "wikijs-emulator",
        "httpPort": op.wiki.http_port,
        "httpRedirection": False,
        "httpsPort": 0,
        "latestVersion": "2.5.314",
        "latestVersionReleaseDate": None,
        "nodeVersion": "20.20.2",
        "operatingSystem": "Linux - Debian (bookworm) 12 x64",
        "pagesTotal": len(st.pages),
        "platform": "docker",
        "ramTotal": "2.0 GB",
        "sslDomain": None,
        "sslExpirationDate": None,
        "sslProvider": None,
        "sslStatus": None,
        "sslSubscriberEmail": None,
        "tagsTotal": len(st.tags),
        "telemetry": False,
        "telemetryClientId": "",
        "upgradeCapable": False,
        "usersTotal": len(st.users),
        "workingDirectory": "/wiki",
    }


@resolver("NavigationQuery", "tree", _NAVIGATION)
def navigation_tree(op: Op, _args: dict[str, Any]) -> Any:
    return op.wiki.state.navigation


@resolver("NavigationQuery", "config", _NAVIGATION)
def navigation_config(op: Op, _args: dict[str, Any]) -> Any:
    return {"mode": op.wiki.state.site.get("navigationMode", "MIXED")}


@resolver("NavigationMutation", "updateTree", _NAVIGATION)
def navigation_update_tree(op: Op, args: dict[str, Any]) -> Any:
    # The whole menu is replaced: a locale the tree leaves out loses its menu. ``kind`` is
    # not checked; fields an item leaves out read back as null.
    trees = [t for t in args["tree"] if t is not None]
    op.wiki.state.navigation = json.loads(json.dumps(trees))
    op.wiki.changed()
    return _ok("Navigation updated successfully")


@resolver("NavigationMutation", "updateConfig", _NAVIGATION)
def navigation_update_config(op: Op, args: dict[str, Any]) -> Any:
    op.wiki.state.site["navigationMode"] = args["mode"]
    op.wiki.changed()
    return _ok("Navigation config updated successfully")


@functools.cache
def _fresh_renderers() -> str:
    """The renderers of a fresh Wiki.js 2.5 install, as its API lists them."""
    return resources.files("wikijs.testing").joinpath("data/renderers.json").read_text("utf-8")


def renderers(wiki: Wiki) -> list[dict[str, Any]]:
    """The renderer list with this wiki's settings (``WikiState.rendering``) in it."""
    out: list[dict[str, Any]] = json.loads(_fresh_renderers())
    for renderer in out:
        changed = wiki.state.rendering.get(renderer["key"], {})
        for item in renderer["config"]:
            if item["key"] in changed:
                described = json.loads(item["value"])
                described["value"] = changed[item["key"]]
                item["value"] = json.dumps(described, ensure_ascii=False, separators=(",", ":"))
    return out


def renderer_setting(wiki: Wiki, renderer: str, key: str) -> Any:
    """The current value of one renderer setting."""
    for item in renderers(wiki):
        if item["key"] == renderer:
            for setting in item["config"]:
                if setting["key"] == key:
                    return json.loads(setting["value"]).get("value")
    return None


@resolver("RenderingQuery", "renderers", _SYSTEM)
def rendering_renderers(op: Op, _args: dict[str, Any]) -> Any:
    return renderers(op.wiki)


@resolver("LocalizationQuery", "locales", _SYSTEM)
def localization_locales(op: Op, _args: dict[str, Any]) -> Any:
    created = op.wiki.state.groups[1].created_at if 1 in op.wiki.state.groups else ""
    out = []
    for code in op.wiki.state.locales:
        name, native = LOCALE_NAMES.get(code, (code, code))
        out.append(
            {
                "availability": 0 if code == "en" else 100,
                "code": code,
                "createdAt": created,
                "installDate": created,
                "isInstalled": True,
                "isRTL": code in RTL_LOCALES,
                "name": name,
                "nativeName": native,
                "updatedAt": created,
            }
        )
    return out


@resolver("LocalizationQuery", "config", _SYSTEM)
def localization_config(op: Op, _args: dict[str, Any]) -> Any:
    return {
        "locale": op.wiki.default_locale,
        "autoUpdate": True,
        "namespacing": False,
        "namespaces": [],
    }


@resolver("LocalizationQuery", "translations")
def localization_translations(_op: Op, _args: dict[str, Any]) -> Any:
    return []
