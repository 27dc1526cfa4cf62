"""The emulated Wiki.js "models": pages, history, tags, tree, access control and auth.

Method bodies follow the real server's code paths (``server/models/pages.js`` and
friends in Wiki.js 2.5) step by step, including the order in which checks happen and
what has already been written when an error is thrown, because clients observe that.
Only the engine thread calls into this module.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from wikijs.testing import _render
from wikijs.testing._errors import JSError, WikiError
from wikijs.testing._state import (
    ApiKeyRow,
    GroupRow,
    PageRow,
    TagRow,
    TreeRow,
    UserRow,
    VersionRow,
    WikiState,
)
from wikijs.testing._tokens import sign, verify

if TYPE_CHECKING:
    from wikijs.testing._timing import TagGuard

EDITORS: dict[str, str] = {
    "markdown": "markdown",
    "ckeditor": "html",
    "code": "html",
    "asciidoc": "asciidoc",
    "api": "html",
    "redirect": "redirect",
    "wysiwyg": "html",
}
ADMIN_PERMISSIONS = ["manage:system"]
GUEST_PERMISSIONS = ["read:pages", "read:assets", "read:comments", "write:comments"]
DEFAULT_GROUP_PERMISSIONS = ["read:pages", "read:assets", "read:comments", "write:comments"]
AUDIENCE = "urn:wiki.js"

_INSERT_PAGE_SQL = (
    'insert into "pages" ("authorId", "content", "contentType", "createdAt", "creatorId", '
    '"description", "editorKey", "extra", "hash", "isPrivate", "isPublished", "localeCode", '
    '"path", "publishEndDate", "publishStartDate", "title", "toc", "updatedAt") values ($1, $2, '
    '$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) returning "id"'
)
_FK_LOCALE = (
    'insert or update on table "pages" violates foreign key constraint "pages_localecode_foreign"'
)
_FK_EDITOR = (
    'insert or update on table "pages" violates foreign key constraint "pages_editorkey_foreign"'
)
_PAGE_TREE_SQL = (
    'insert into "pageTree" ("ancestors", "depth", "id", "isFolder", "isPrivate", "localeCode", '
    '"pageId", "parent", "path", "privateNS", "title") values ($1, $2, $3, $4, $5, $6, $7, $8, '
    "$9, $10, $11)"
)
TREE_RACE_MESSAGE = (
    f"Error when running job rebuild-tree: {_PAGE_TREE_SQL} - duplicate key value violates "
    'unique constraint "pageTree_pkey"'
)


def tag_race_message(new_tags: int) -> str:
    """What a create that lost the race for a new tag answers: knex's one ``insert`` of
    every tag it did not find (four columns each)."""
    rows = ", ".join(
        "(" + ", ".join(f"${4 * row + col}" for col in range(1, 5)) + ")"
        for row in range(max(1, new_tags))
    )
    return (
        f'insert into "tags" ("createdAt", "tag", "title", "updatedAt") values {rows} '
        'returning "id" - duplicate key value violates unique constraint "tags_tag_unique"'
    )


def iso(ts: float) -> str:
    """``new Date(ts).toISOString()``."""
    dt = datetime.fromtimestamp(ts, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


#: The privateNS string Wiki.js 2.5's ``createPage`` hashes for a private page, copied
#: from its source (``privateNS: opts.isPrivate ? 'TODO' : ''``: private namespaces were
#: never built there, and this four-letter word is the value it really hashes); ``''``
#: otherwise. Moves and path-changing updates always hash ``''``.
WIKIJS_PRIVATE_PAGE_NS = "TODO"


def page_hash(locale: str, path: str, private_ns: str) -> str:
    """``pageHelper.generateHash``: sha1 of ``locale|path|privateNS``."""
    return hashlib.sha1(f"{locale}|{path}|{private_ns}".encode()).hexdigest()


def parse_duration(text: str) -> float:
    """The ``ms`` package: ``"30m"``, ``"1d"``, ``"1y"``, ``"500"`` -> seconds."""
    match = re.fullmatch(r"\s*(-?\d*\.?\d+)\s*([a-zA-Z]*)\s*", text)
    if not match:
        raise ValueError(f"bad duration {text!r}")
    value = float(match.group(1))
    unit = match.group(2).lower()
    scale = {
        "": 0.001, "ms": 0.001, "msec": 0.001, "msecs": 0.001, "millisecond": 0.001,
        "milliseconds": 0.001, "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
        "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60, "h": 3600, "hr": 3600,
        "hrs": 3600, "hour": 3600, "hours": 3600, "d": 86400, "day": 86400, "days": 86400,
        "w": 604800, "week": 604800, "weeks": 604800, "y": 31557600, "yr": 31557600,
        "yrs": 31557600, "year": 31557600, "years": 31557600,
    }  # fmt: skip
    if unit not in scale:
        raise ValueError(f"bad duration {text!r}")
    return value * scale[unit]


def format_duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s" if seconds == int(seconds) else f"{seconds}s"


def hash_password(password: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{password}".encode()).hexdigest()
    return f"{salt}${digest}"


def check_password(password: str, stored: str) -> bool:
    salt, _, _ = stored.partition("$")
    return bool(stored) and secrets.compare_digest(hash_password(password, salt), stored)


@dataclass(frozen=True)
class Principal:
    """Who a request runs as (Wiki.js's ``req.user``)."""

    id: int
    email: str
    name: str
    permissions: frozenset[str]
    groups: tuple[int, ...]
    kind: str  # "guest" | "apikey" | "session"

    @property
    def is_guest(self) -> bool:
        return self.kind == "guest"


@dataclass
class AuthOutcome:
    """The result of authenticating a request."""

    principal: Principal | None = None
    #: HTTP 500 error message (revoked key, API disabled) instead of a principal
    error: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class WriteFrame:
    """Per-operation scratch space shared by a resolver and its wrapper."""

    operation: str
    rebuild_tree: bool = False
    page_id: int | None = None
    #: the tag-race checks of this write (None: it cannot race)
    tags: TagGuard | None = None


class Wiki:
    """One emulated wiki: its state plus the real server's behaviour."""

    def __init__(
        self,
        state: WikiState,
        *,
        clock: Callable[[], float] = time.time,
        session_lifetime: float = 1800.0,
        session_renewal: float = 14 * 86400.0,
        default_locale: str = "en",
    ) -> None:
        self.state = state
        self.clock = clock
        self.session_lifetime = session_lifetime
        self.session_renewal = session_renewal
        self.default_locale = default_locale
        self.site_url = "http://127.0.0.1:3000"
        self.http_port = 3000
        self._last_ms = 0
        self.rate_windows: dict[tuple[str, str], list[float]] = {}
        self.continuation_tokens: dict[str, int] = {}
        #: called after every change of state (persistence)
        self.on_change: Callable[[], None] = lambda: None

    # ------------------------------------------------------------------ time --------
    def now(self) -> float:
        return self.clock()

    def now_iso(self) -> str:
        """The current time as Wiki.js writes it, strictly increasing per wiki."""
        ms = math.floor(self.clock() * 1000)
        if ms <= self._last_ms:
            ms = self._last_ms + 1
        self._last_ms = ms
        return iso(ms / 1000)

    def changed(self) -> None:
        self.on_change()

    # ------------------------------------------------------------- bootstrap --------
    def bootstrap(
        self,
        *,
        admin_email: str,
        admin_password: str,
        api_key: str | None,
        api_key_name: str,
        locales: Sequence[str],
    ) -> str:
        """Fill an empty state like a freshly installed Wiki.js; returns the API key."""
        st = self.state
        now = self.now_iso()
        st.locales = list(dict.fromkeys(locales)) or ["en"]
        self.default_locale = st.locales[0]
        st.groups[1] = GroupRow(
            1, "Administrators", True, "/", list(ADMIN_PERMISSIONS), [], now, now
        )
        st.groups[2] = GroupRow(
            2,
            "Guests",
            True,
            "/",
            list(GUEST_PERMISSIONS),
            [self._default_rule("guest", GUEST_PERMISSIONS)],
            now,
            now,
        )
        st.sequences["groups"] = 2
        st.users[1] = UserRow(
            1, admin_email.lower(), "Administrator", "local", hash_password(admin_password),
            False, True, True, False, "", "", "America/New_York", "", "", now, now, None, [1],
        )  # fmt: skip
        st.users[2] = UserRow(
            2, "guest@example.com", "Guest", "local", "", True, True, True, False, "", "",
            "America/New_York", "", "", now, now, None, [2],
        )  # fmt: skip
        st.sequences["users"] = 2
        # A fresh Wiki.js install has one menu: a "Home" link, in the default locale.
        st.navigation = [
            {
                "locale": self.default_locale,
                "items": [
                    {
                        "id": str(uuid.uuid4()),
                        "kind": "link",
                        "label": "Home",
                        "icon": "mdi-home",
                        "targetType": "home",
                        "target": "/",
                        "visibilityMode": "all",
                        "visibilityGroups": None,
                    }
                ],
            }
        ]
        return self.create_api_key(api_key_name, "10y", full_access=True, group=None, key=api_key)

    @staticmethod
    def _default_rule(rule_id: str, roles: Iterable[str]) -> dict[str, Any]:
        return {
            "id": rule_id,
            "deny": False,
            "match": "START",
            "roles": list(roles),
            "path": "",
            "locales": [],
        }

    # ----------------------------------------------------------------- access -------
    def guest(self) -> Principal:
        group = self.state.groups.get(2)
        perms = frozenset(group.permissions) if group else frozenset()
        return Principal(2, "guest@example.com", "Guest", perms, (2,), "guest")

    def group_permissions(self, group_ids: Iterable[int]) -> list[str]:
        perms: list[str] = []
        for gid in group_ids:
            group = self.state.groups.get(gid)
            if group:
                perms.extend(p for p in group.permissions if p not in perms)
        return perms

    def check_access(
        self, user: Principal, permissions: Sequence[str], page: dict[str, Any] | None = None
    ) -> bool:
        """``WIKI.auth.checkAccess``: global permissions, then the groups' page rules."""
        if "manage:system" in user.permissions:
            return True
        if not user.permissions.intersection(permissions):
            return False
        if page is None:
            return True
        state = {"deny": False, "match": None, "specificity": ""}
        path = page.get("path", "")
        locale = page.get("locale", "")
        tags = page.get("tags") or []
        for gid in user.groups:
            group = self.state.groups.get(gid)
            for rule in group.page_rules if group else []:
                if rule.get("locales") and locale not in rule["locales"]:
                    continue
                if not set(rule.get("roles", [])).intersection(permissions):
                    continue
                match = rule.get("match")
                rule_path = rule.get("path", "")
                if match == "START" and f"/{path}".startswith(f"/{rule_path}"):
                    state = _specific(rule, state, ["END", "REGEX", "EXACT", "TAG"])
                elif match == "END" and path.endswith(rule_path):
                    state = _specific(rule, state, ["REGEX", "EXACT", "TAG"])
                elif match == "REGEX" and _regex_match(rule_path, path):
                    state = _specific(rule, state, ["EXACT", "TAG"])
                elif match == "TAG":
                    for tag in tags:
                        if tag == rule_path:
                            state = _specific(rule, state, ["EXACT"])
                elif match == "EXACT" and f"/{path}" == f"/{rule_path}":
                    state = _specific(rule, state, [])
        return bool(state["match"]) and not state["deny"]

    # ------------------------------------------------------------- API keys --------
    def create_api_key(
        self,
        name: str,
        expiration: str,
        *,
        full_access: bool,
        group: int | None,
        key: str | None = None,
    ) -> str:
        st = self.state
        now = self.now()
        expires = now + parse_duration(expiration)  # a bad duration fails before the insert
        key_id = st.next_id("api_keys")
        grp = 1 if full_access else (group or 0)
        if key is None:
            key = sign(
                {"api": key_id, "grp": grp, "iat": int(now), "exp": int(expires), "aud": AUDIENCE,
                 "iss": "urn:wiki.js"},
                st.secret,
            )  # fmt: skip
        stamp = self.now_iso()
        st.add_api_key(ApiKeyRow(key_id, name, key, iso(expires), stamp, stamp, False, grp))
        self.changed()
        return key

    def revoke_api_key(self, key_id: int) -> bool:
        row = self.state.api_keys.get(key_id)
        if row is None:
            return False
        row.is_revoked = True
        row.updated_at = self.now_iso()
        self.changed()
        return True

    # ---------------------------------------------------------- authenticate -------
    def authenticate(
        self,
        authorization: str | None,
        cookie_jwt: str | None,
        content_type: str | None,
    ) -> AuthOutcome:
        """``WIKI.auth.authenticate``: who the request runs as, or an HTTP 500 error."""
        token = None
        if authorization:
            scheme, _, rest = authorization.strip().partition(" ")
            if scheme.lower() == "bearer" and rest.strip():
                token = rest.strip()
        if token is None and cookie_jwt:
            token = cookie_jwt
        if not token:
            return AuthOutcome(self.guest())
        st = self.state
        key_id = st.key_by_token.get(token)
        payload = None if key_id is not None else verify(token, st.secret)
        if key_id is None and payload is not None and "api" in payload:
            key_id = -1  # a key this wiki signed but no longer knows
        if key_id is not None:
            row = st.api_keys.get(key_id)
            if row is not None:
                expires = parse_iso(row.expiration)
                if expires is not None and self.now() > expires:
                    return AuthOutcome(self.guest())
            if not st.api_enabled:
                return AuthOutcome(
                    error="API is disabled. You must enable it from the Administration Area first."
                )
            if row is None or row.is_revoked:
                return AuthOutcome(error="API Key is invalid or was revoked.")
            perms = self.group_permissions([row.group_id])
            return AuthOutcome(
                Principal(1, "api@localhost", "API", frozenset(perms), (row.group_id,), "apikey")
            )
        if payload is None or "id" not in payload:
            return AuthOutcome(self.guest())
        return self._session(payload, content_type)

    def _session(self, payload: dict[str, Any], content_type: str | None) -> AuthOutcome:
        now = self.now()
        exp = float(payload.get("exp", 0))
        must_renew = False
        if now >= exp:
            if now - exp > self.session_renewal:
                return AuthOutcome(self.guest())
            must_renew = True
        user = self.state.users.get(int(payload["id"]))
        if user is not None and float(payload.get("iat", 0)) < user.tokens_valid_after:
            must_renew = True
        if not must_renew:
            return AuthOutcome(self._principal_from_payload(payload))
        if user is None or not user.is_active:
            return AuthOutcome(self.guest())
        token, fresh = self.issue_session(user)
        outcome = AuthOutcome(self._principal_from_payload(fresh))
        if (content_type or "") == "application/json":
            outcome.headers.append(("new-jwt", token))
        else:
            outcome.headers.append(("Set-Cookie", self.jwt_cookie(token)))
        return outcome

    @staticmethod
    def _principal_from_payload(payload: dict[str, Any]) -> Principal:
        return Principal(
            int(payload["id"]),
            str(payload.get("email", "")),
            str(payload.get("name", "")),
            frozenset(payload.get("permissions", [])),
            tuple(int(g) for g in payload.get("groups", [])),
            "session",
        )

    def issue_session(self, user: UserRow) -> tuple[str, dict[str, Any]]:
        """``users.refreshToken``: a session JWT for ``user``."""
        now = self.now()
        payload = {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "av": None,
            "tz": user.timezone,
            "lc": "en",
            "df": user.date_format,
            "ap": user.appearance,
            "permissions": self.group_permissions(user.group_ids),
            "groups": list(user.group_ids),
            # RFC 7519 allows fractional NumericDates; milliseconds let a token issued right
            # after a revocation (group change) stay valid.
            "iat": round(now, 3),
            "exp": int(now + self.session_lifetime),
            "aud": AUDIENCE,
            "iss": "urn:wiki.js",
            "nbf": int(now) - 10,
        }
        return sign(payload, self.state.secret), payload

    def jwt_cookie(self, token: str) -> str:
        expires = datetime.fromtimestamp(self.now() + 365 * 86400, tz=timezone.utc)
        return f"jwt={token}; Path=/; Expires={expires.strftime('%a, %d %b %Y %H:%M:%S GMT')}"

    def rate_limit(self, key: tuple[str, str], limit: int, window: float) -> str | None:
        """A fixed-window limiter like Wiki.js's ``@rateLimit``; an error message or None."""
        now = self.now()
        slot = self.rate_windows.get(key)
        if slot is None or now >= slot[0] + window:
            slot = [now, 0.0]
            self.rate_windows[key] = slot
        slot[1] += 1
        if slot[1] > limit:
            wait = max(1, math.ceil(slot[0] + window - now))
            return f"Too many requests, please try again in {wait} seconds."
        return None

    # ------------------------------------------------------------------ tags --------
    def associate_tags(
        self,
        page: PageRow,
        tags: Sequence[str | None],
        guard: TagGuard | None = None,
        seen: frozenset[str] | None = None,
    ) -> None:
        """``tags.associateTags``: insert the tags the table lacks, then relate them.

        A write that can race passes its ``guard`` and the tag names it ``seen`` when it
        read the table: if a tag it did not see was inserted since, or one it carries was
        inserted by a write still in flight, its own insert of that tag violates
        ``tags_tag_unique`` (when the race is on) before any tag is related, so a new page
        is left with no tags at all."""
        st = self.state
        names = list(dict.fromkeys((t or "").strip().lower() for t in tags))
        if guard is not None:
            missed = {
                n for n in names if n in st.tag_by_name and seen is not None and n not in seen
            }
            raced = guard.lost(names, missed)
            if raced:
                unseen = raced | {n for n in names if n not in st.tag_by_name}
                raise JSError("UniqueViolationError", tag_race_message(len(unseen)))
        new = [name for name in names if name not in st.tag_by_name]
        for name in new:
            now = self.now_iso()
            st.add_tag(TagRow(st.next_id("tags"), name, name, now, now))
        if guard is not None and new:
            guard.inserted(new)
        wanted = set(names)
        page.tag_ids = sorted(tid for name, tid in st.tag_by_name.items() if name in wanted)

    def tag_names(self, page: PageRow) -> list[str]:
        tags = self.state.tags
        return [tags[t].tag for t in page.tag_ids if t in tags]

    def tag_dicts(self, page: PageRow) -> list[dict[str, Any]]:
        tags = self.state.tags
        return [tag_dict(tags[t]) for t in page.tag_ids if t in tags]

    # ----------------------------------------------------------------- render -------
    def render_page(self, page: PageRow) -> None:
        """The ``render-page`` job: HTML, TOC and links, saved with a patch that (through
        the model's ``$beforeUpdate``) also moves ``updatedAt`` forward."""
        st = self.state
        out = _render.render(
            page.content,
            page.content_type,
            page_path=page.path,
            default_locale=self.default_locale,
            page_exists=lambda loc, p: (loc, p) in st.by_path,
            linebreaks=st.rendering.get("markdownCore", {}).get("linebreaks", True) is not False,
        )
        page.render = out.html
        page.toc = out.toc
        st.set_links(page, out.links)
        page.updated_at = self.now_iso()

    def reconnect_links(self, locale: str, path: str, mode: str, source: str | None = None) -> None:
        """``pages.reconnectLinks``: fix the link classes in pages linking to ``path``.

        The patch goes through the model, so every linking page gets a new ``updatedAt``.
        """
        href = f"/{locale}/{path}"
        valid = f'<a href="{href}" class="is-internal-link is-valid-page">'
        invalid = f'<a href="{href}" class="is-internal-link is-invalid-page">'
        if mode == "create":
            old, new = invalid, valid
        elif mode == "delete":
            old, new = valid, invalid
        else:
            old, new = f'<a href="{source}" class="is-internal-link is-valid-page">', valid
        for page in self.state.linking_to(locale, path):
            page.render = (page.render or "").replace(old, new)
            page.updated_at = self.now_iso()

    # ------------------------------------------------------------------- tree -------
    def mark_tree_dirty(self) -> None:
        self.state.tree_dirty = True

    def materialize_tree(self, exclude: int | None = None) -> None:
        if self.state.tree_dirty:
            self.state.tree = self._build_tree(exclude)
            self.state.tree_dirty = False

    def tree(self) -> list[TreeRow]:
        self.materialize_tree()
        return self.state.tree

    def _build_tree(self, exclude: int | None) -> list[TreeRow]:
        """The ``rebuild-tree`` job: every page path split into folders and leaves."""
        pages = sorted(
            (p for p in self.state.pages.values() if p.id != exclude),
            key=lambda p: (p.locale, p.path),
        )
        tree: list[TreeRow] = []
        index: dict[tuple[str, str], TreeRow] = {}
        for page in pages:
            parts = page.path.split("/")
            current = ""
            parent: int | None = None
            ancestors: list[int] = []
            for depth, part in enumerate(parts, start=1):
                is_folder = depth < len(parts)
                current = f"{current}/{part}" if current else part
                found = index.get((page.locale, current))
                if found is None:
                    row = TreeRow(
                        id=len(tree) + 1,
                        path=current,
                        depth=depth,
                        title=part if is_folder else page.title,
                        is_private=(not is_folder) and page.is_private,
                        is_folder=is_folder,
                        private_ns=None if is_folder else page.private_ns,
                        parent=parent,
                        page_id=None if is_folder else page.id,
                        locale=page.locale,
                        ancestors=list(ancestors),
                    )
                    tree.append(row)
                    index[(page.locale, current)] = row
                    parent = row.id
                else:
                    if is_folder and not found.is_folder:
                        found.is_folder = True
                    parent = found.id
                ancestors.append(parent)
        return tree

    # ---------------------------------------------------------------- history -------
    def add_version(self, page: PageRow, action: str, version_date: str) -> VersionRow:
        st = self.state
        version = VersionRow(
            id=st.next_id("versions"),
            page_id=page.id,
            author_id=page.author_id,
            content=page.content,
            content_type=page.content_type,
            description=page.description,
            editor=page.editor,
            hash=page.hash,
            is_private=page.is_private,
            is_published=page.is_published,
            locale=page.locale,
            path=page.path,
            publish_start_date=page.publish_start_date,
            publish_end_date=page.publish_end_date,
            title=page.title,
            action=action,
            version_date=version_date,
            created_at=self.now_iso(),
        )
        st.add_version(version)
        return version

    def history(self, page_id: int, offset_page: int, offset_size: int) -> dict[str, Any]:
        """``pageHistory.getHistory`` including its ``actionType`` derivation."""
        st = self.state
        rows = [st.versions[v] for v in st.versions_by_page.get(page_id, []) if v in st.versions]
        rows.sort(key=lambda v: (v.version_date, v.id), reverse=True)
        total = len(rows)
        start = offset_page * offset_size
        window = rows[start : start + offset_size] if offset_size > 0 else []
        upper = (offset_page + 1) * offset_size
        prev: VersionRow | None = None
        if total >= upper and upper < len(rows):
            prev = rows[upper]
        trail: list[dict[str, Any]] = []
        for version in reversed(window):
            action_type, before, after = "edit", None, None
            if prev is None and total < upper:
                action_type = "initial"
            elif (prev.path if prev else "") != version.path:
                action_type, before, after = "move", (prev.path if prev else ""), version.path
            author = st.users.get(version.author_id)
            trail.insert(
                0,
                {
                    "versionId": version.id,
                    "authorId": version.author_id,
                    "authorName": author.name if author else "",
                    "actionType": action_type,
                    "valueBefore": before,
                    "valueAfter": after,
                    "versionDate": version.version_date,
                },
            )
            prev = version
        return {"trail": trail, "total": total}

    def get_version(self, page_id: int, version_id: int) -> dict[str, Any] | None:
        version = self.state.versions.get(version_id)
        if version is None or version.page_id != page_id:
            return None
        author = self.state.users.get(version.author_id)
        return {
            "action": version.action,
            "authorId": str(version.author_id),
            "authorName": author.name if author else "",
            "content": version.content,
            "contentType": version.content_type,
            "createdAt": version.created_at,
            "versionDate": version.version_date,
            "description": version.description,
            "editor": version.editor,
            "isPrivate": version.is_private,
            "isPublished": version.is_published,
            "locale": version.locale,
            "pageId": version.page_id,
            "path": version.path,
            "publishEndDate": version.publish_end_date,
            "publishStartDate": version.publish_start_date,
            "tags": [],
            "title": version.title,
            "versionId": version.id,
            "updatedAt": version.created_at,
        }

    # ------------------------------------------------------------ page writes -------
    @staticmethod
    def clean_path(path: str) -> str:
        """Create/move path rules: 6005 for ``.``, space, ``\\``, ``//``; strip one slash."""
        if "." in path or " " in path or "\\" in path or "//" in path:
            raise WikiError("PageIllegalPath")
        if path.endswith("/"):
            path = path[:-1]
        if path.startswith("/"):
            path = path[1:]
        return path

    def _insert_checks(self, values: dict[str, Any]) -> None:
        """What PostgreSQL says about an insert into ``pages``, before it runs."""
        for column, limit in (("description", 255), ("editorKey", 255), ("localeCode", 5),
                              ("path", 255), ("publishEndDate", 255),
                              ("publishStartDate", 255), ("title", 255)):  # fmt: skip
            value = values.get(column)
            if isinstance(value, str) and len(value) > limit:
                raise JSError(
                    "DataError",
                    f"{_INSERT_PAGE_SQL} - value too long for type character varying({limit})",
                )

    def _fk_checks(self, sql: str, editor: str | None, locale: str) -> None:
        if editor is not None and editor not in EDITORS:
            raise JSError("ForeignKeyViolationError", f"{sql} - {_FK_EDITOR}")
        if locale not in self.state.locales:
            raise JSError("ForeignKeyViolationError", f"{sql} - {_FK_LOCALE}")

    async def create_page(
        self, user: Principal, args: dict[str, Any], frame: WriteFrame
    ) -> dict[str, Any]:
        """``pages.createPage``; returns the ``page`` of the response."""
        path = self.clean_path(args["path"])
        locale = args["locale"]
        if not self.check_access(user, ["write:pages"], {"locale": locale, "path": path}):
            raise WikiError("PageDeleteForbidden")
        if self.state.page_at(locale, path) is not None:
            raise WikiError("PageDuplicateCreate")
        content = args["content"]
        if not content or not content.strip():
            raise WikiError("PageEmptyContent")
        # The real server awaits the database here: a create aliased next to this one in
        # the same `pages { }` block passes its duplicate check before either inserts.
        await asyncio.sleep(0)
        page = self.insert_page(
            user_id=user.id,
            path=path,
            locale=locale,
            title=args["title"],
            description=args["description"],
            content=content,
            editor=args["editor"],
            is_published=bool(args["isPublished"]),
            is_private=bool(args["isPrivate"]),
            publish_start_date=args.get("publishStartDate") or "",
            publish_end_date=args.get("publishEndDate") or "",
            script_css=self._script(user, "write:styles", args.get("scriptCss"), path, locale),
            script_js=self._script(user, "write:scripts", args.get("scriptJs"), path, locale),
        )
        frame.page_id = page.id
        shown = self.state.page_at(locale, path) or page
        if args["tags"]:
            # associateTags reads the tags table, then (after an await) inserts the ones
            # it did not find: a create aliased next to this one reads in between.
            seen = frozenset(self.state.tag_by_name)
            await asyncio.sleep(0)
            try:
                self.associate_tags(page, args["tags"], frame.tags, seen)
            except JSError:
                # The server stops here: no render, no tree rebuild, no link update.
                self.changed()
                raise
        response = self.page_dict(shown, write_response=True)
        self.render_page(page)
        frame.rebuild_tree = True
        self.reconnect_links(locale, path, "create")
        response["updatedAt"] = shown.updated_at  # "Get latest updatedAt"
        self.changed()
        return response

    def _script(self, user: Principal, perm: str, value: str | None, path: str, locale: str) -> str:
        if not self.check_access(user, [perm], {"locale": locale, "path": path}):
            return ""
        return value or ""

    def insert_page(
        self,
        *,
        user_id: int,
        path: str,
        locale: str,
        title: str,
        description: str,
        content: str,
        editor: str,
        is_published: bool,
        is_private: bool,
        publish_start_date: str = "",
        publish_end_date: str = "",
        script_css: str = "",
        script_js: str = "",
    ) -> PageRow:
        st = self.state
        self._insert_checks(
            {"localeCode": locale, "path": path, "title": title, "description": description,
             "publishStartDate": publish_start_date, "publishEndDate": publish_end_date,
             "editorKey": editor}
        )  # fmt: skip
        page_id = st.next_id("pages")  # consumed even when a foreign key check fails
        self._fk_checks(_INSERT_PAGE_SQL, editor, locale)
        now = self.now_iso()
        page = PageRow(
            id=page_id,
            path=path,
            locale=locale,
            title=title,
            description=description,
            content=content,
            content_type=EDITORS.get(editor, "text"),
            editor=editor,
            is_published=is_published,
            is_private=is_private,
            private_ns=None,
            publish_start_date=publish_start_date,
            publish_end_date=publish_end_date,
            script_css=script_css,
            script_js=script_js,
            hash=page_hash(locale, path, WIKIJS_PRIVATE_PAGE_NS if is_private else ""),
            render=None,  # filled by render_page
            toc=[],
            created_at=now,
            updated_at=now,
            author_id=user_id,
            creator_id=user_id,
        )
        st.pages[page_id] = page
        st.index_page(page)
        return page

    def update_page(
        self, user: Principal, args: dict[str, Any], frame: WriteFrame
    ) -> dict[str, Any]:
        """``pages.updatePage``: replaces the page; see FACTS.md for every quirk."""
        st = self.state
        og = st.pages.get(args["id"])
        if og is None:
            raise JSError("Error", "Invalid Page Id")
        if not self.check_access(user, ["write:pages"], {"locale": og.locale, "path": og.path}):
            raise WikiError("PageUpdateForbidden")
        content = args.get("content")
        if not content or not content.strip():
            raise WikiError("PageEmptyContent")
        self.add_version(og, args.get("action") or "updated", og.updated_at)
        self.changed()
        patch: dict[str, Any] = {
            "author_id": user.id,
            "content": content,
            "is_published": args.get("isPublished") is True,
            "publish_end_date": args.get("publishEndDate") or "",
            "publish_start_date": args.get("publishStartDate") or "",
            "script_css": self._script(
                user, "write:styles", args.get("scriptCss"), og.path, og.locale
            ),
            "script_js": self._script(
                user, "write:scripts", args.get("scriptJs"), og.path, og.locale
            ),
        }
        if args.get("description") is not None:
            patch["description"] = args["description"]
        if args.get("title") is not None:
            patch["title"] = args["title"]
        self._update_checks(patch)
        for name, value in patch.items():
            setattr(og, name, value)
        og.updated_at = self.now_iso()
        frame.page_id = og.id
        response = self.page_dict(og, write_response=True)
        tags = args.get("tags")
        if tags is None:
            raise JSError("TypeError", "Cannot read properties of undefined (reading 'map')")
        self.associate_tags(og, tags)
        response["tags"] = self.tag_dicts(og)  # Page.tags is resolved when answering
        self.render_page(og)
        new_locale, new_path = args.get("locale"), args.get("path")
        if (new_locale and new_locale != og.locale) or (new_path and new_path != og.path):
            self.move_page(user, og.id, new_path, new_locale, frame)
        else:
            for row in st.tree:
                if row.page_id == og.id:
                    row.title = og.title
        response["updatedAt"] = og.updated_at
        return response

    @staticmethod
    def _update_checks(patch: dict[str, Any]) -> None:
        """PostgreSQL's answer to the ``update "pages"`` patch of ``updatePage``."""
        too_long = any(
            isinstance(patch.get(name), str) and len(patch[name]) > 255
            for name in ("description", "title", "publish_start_date", "publish_end_date")
        )
        if not too_long:
            return
        columns = ["authorId", "content"]
        if "description" in patch:
            columns.append("description")
        columns += ["isPublished", "publishEndDate", "publishStartDate"]
        if "title" in patch:
            columns.append("title")
        columns += ["extra", "updatedAt"]
        sets = ", ".join(f'"{c}" = ${i}' for i, c in enumerate(columns, start=1))
        raise JSError(
            "DataError",
            f'update "pages" set {sets} where "id" = ${len(columns) + 1} - value too long for '
            "type character varying(255)",
        )

    def move_page(
        self,
        user: Principal,
        page_id: int,
        destination_path: str | None,
        destination_locale: str | None,
        frame: WriteFrame,
    ) -> None:
        """``pages.movePage``: keeps id and history, adds a ``moved`` version."""
        st = self.state
        page = st.pages.get(page_id)
        if page is None:
            raise WikiError("PageNotFound")
        if destination_path is None:
            raise JSError("TypeError", "Cannot read properties of undefined (reading 'includes')")
        path = self.clean_path(destination_path)
        if not self.check_access(
            user, ["manage:pages"], {"locale": page.locale, "path": page.path}
        ):
            raise WikiError("PageMoveForbidden")
        if destination_locale is None:
            raise JSError(
                "Error",
                "Undefined binding(s) detected when compiling FIRST. Undefined column(s): "
                '[localeCode] query: select "pages".* from "pages" where "path" = ? and '
                '"localeCode" = ? limit ?',
            )
        if not self.check_access(
            user, ["manage:pages"], {"locale": destination_locale, "path": path}
        ):
            raise WikiError("PageMoveForbidden")
        if st.page_at(destination_locale, path) is not None:
            raise WikiError("PagePathCollision")
        self.add_version(page, "moved", page.updated_at)
        self.changed()
        title = path.split("/")[-1] if page.title == page.path else page.title
        sql = (
            'update "pages" set "path" = $1, "localeCode" = $2, "title" = $3, "hash" = $4, '
            '"updatedAt" = $5 where "pages"."id" = $6'
        )
        for value, limit in ((destination_locale, 5), (path, 255), (title, 255)):
            if len(value) > limit:
                raise JSError(
                    "DataError", f"{sql} - value too long for type character varying({limit})"
                )
        self._fk_checks(sql, None, destination_locale)
        source = f"/{page.locale}/{page.path}"
        st.unindex_page(page)
        page.title = title
        page.hash = page_hash(destination_locale, path, "")
        page.updated_at = self.now_iso()
        page.path = path
        page.locale = destination_locale
        st.index_page(page)
        frame.page_id = page.id
        frame.rebuild_tree = True
        self.reconnect_links(destination_locale, path, "move", source)
        self.reconnect_links(destination_locale, path, "create")
        self.changed()

    def delete_page(self, user: Principal, page_id: int, frame: WriteFrame) -> None:
        st = self.state
        page = st.pages.get(page_id)
        if page is None:
            raise WikiError("PageNotFound")
        if not self.check_access(
            user, ["delete:pages"], {"locale": page.locale, "path": page.path}
        ):
            raise WikiError("PageDeleteForbidden")
        self.add_version(page, "deleted", page.updated_at)
        st.unindex_page(page)
        st.remove_page(page_id)
        frame.page_id = page_id
        frame.rebuild_tree = True
        self.reconnect_links(page.locale, page.path, "delete")
        self.changed()

    def restore_page(
        self, user: Principal, page_id: int, version_id: int, frame: WriteFrame
    ) -> None:
        page = self.state.pages.get(page_id)
        if page is None:
            raise WikiError("PageNotFound")
        if not self.check_access(user, ["write:pages"], {"locale": page.locale, "path": page.path}):
            raise WikiError("PageRestoreForbidden")
        version = self.get_version(page_id, version_id)
        if version is None:
            raise WikiError("PageNotFound")
        self.update_page(
            user,
            {
                "id": page_id,
                "content": version["content"],
                "description": version["description"],
                "isPublished": version["isPublished"],
                "isPrivate": version["isPrivate"],
                "locale": version["locale"],
                "path": version["path"],
                "publishStartDate": version["publishStartDate"],
                "publishEndDate": version["publishEndDate"],
                "title": version["title"],
                "tags": version["tags"],
                "editor": version["editor"],
                "action": "restore",
            },
            frame,
        )

    def edit_by_hand(self, page_id: int, fields: dict[str, Any]) -> None:
        """An edit made in the wiki's editor: a new version, new values, re-render."""
        page = self.state.pages[page_id]
        self.add_version(page, "updated", page.updated_at)
        unknown = set(fields) - _EDITABLE
        if unknown:
            raise TypeError(f"edit_page() got unexpected fields: {sorted(unknown)}")
        moved = False
        for name, value in fields.items():
            if name == "tags":
                self.associate_tags(page, list(value))
            elif name in ("path", "locale"):
                moved = True
            elif name == "editor":
                page.editor = value
                page.content_type = EDITORS.get(value, "text")
            else:
                setattr(page, name, value)
        if moved:
            self.state.unindex_page(page)
            page.path = fields.get("path", page.path)
            page.locale = fields.get("locale", page.locale)
            page.hash = page_hash(page.locale, page.path, "")
            self.state.index_page(page)
            self.mark_tree_dirty()
        page.author_id = 1
        page.updated_at = self.now_iso()
        self.render_page(page)
        if "title" in fields:
            self.mark_tree_dirty()
        self.changed()

    # ------------------------------------------------------------- page reads -------
    def page_dict(self, page: PageRow, *, write_response: bool = False) -> dict[str, Any]:
        """A ``Page`` as the resolvers hand it to GraphQL.

        Write responses carry the raw database row: no ``locale``/``editor`` (selecting
        them errors) and no ``scriptCss``/``scriptJs``.
        """
        users = self.state.users
        author = users.get(page.author_id)
        creator = users.get(page.creator_id)
        out = {
            "id": page.id,
            "path": page.path,
            "hash": page.hash,
            "title": page.title,
            "description": page.description,
            "isPrivate": page.is_private,
            "isPublished": page.is_published,
            "privateNS": page.private_ns,
            "publishStartDate": page.publish_start_date,
            "publishEndDate": page.publish_end_date,
            "tags": self.tag_dicts(page),
            "content": page.content,
            "render": page.render,
            "toc": page.toc,
            "contentType": page.content_type,
            "createdAt": page.created_at,
            "updatedAt": page.updated_at,
            "authorId": page.author_id,
            "authorName": author.name if author else "",
            "authorEmail": author.email if author else "",
            "creatorId": page.creator_id,
            "creatorName": creator.name if creator else "",
            "creatorEmail": creator.email if creator else "",
        }
        if not write_response:
            out.update(
                locale=page.locale,
                editor=page.editor,
                scriptCss=page.script_css,
                scriptJs=page.script_js,
            )
        return out

    def list_pages(self, user: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
        """``pages.list`` including its SQL-join quirks (see the module tests)."""
        st = self.state
        pages: Iterable[PageRow] = st.pages.values()
        locale = args.get("locale")
        if locale:
            pages = (p for p in pages if p.locale == locale)
        creator, author = args.get("creatorId"), args.get("authorId")
        if creator and author and creator > 0 and author > 0:
            pages = (p for p in pages if p.creator_id == creator or p.author_id == author)
        else:
            if creator and creator > 0:
                pages = (p for p in pages if p.creator_id == creator)
            if author and author > 0:
                pages = (p for p in pages if p.author_id == author)
        wanted_tags = args.get("tags") or []
        tag_filter = {t.strip().lower() for t in wanted_tags} if wanted_tags else None
        order = args.get("orderBy")
        key: Callable[[PageRow], Any] = {
            "CREATED": lambda p: p.created_at,
            "PATH": lambda p: p.path,
            "TITLE": lambda p: p.title,
            "UPDATED": lambda p: p.updated_at,
        }.get(order or "", lambda p: p.id)
        ordered = sorted(pages, key=key, reverse=args.get("orderByDirection") == "DESC")
        limit = args.get("limit") or 0
        tags = st.tags
        rows = 0
        grouped: list[tuple[PageRow, list[str]]] = []
        for page in ordered:
            names = [tags[t].tag for t in page.tag_ids if t in tags]
            if tag_filter is not None:
                names = [n for n in names if n in tag_filter]
                if not names:
                    continue
            take = max(1, len(names))
            if limit:
                take = min(take, limit - rows)
            rows += take
            grouped.append((page, names[:take]))
            if limit and rows >= limit:
                break
        admin = "manage:system" in user.permissions
        items: list[dict[str, Any]] = []
        for page, names in grouped:
            if not admin and not self.check_access(
                user, ["read:pages"], {"path": page.path, "locale": page.locale, "tags": names}
            ):
                continue
            if wanted_tags and not all(t in names for t in wanted_tags):
                continue
            items.append(
                {
                    "id": page.id,
                    "path": page.path,
                    "locale": page.locale,
                    "title": page.title,
                    "description": page.description,
                    "isPublished": page.is_published,
                    "isPrivate": page.is_private,
                    "privateNS": page.private_ns,
                    "contentType": page.content_type,
                    "createdAt": page.created_at,
                    "updatedAt": page.updated_at,
                    "tags": names,
                }
            )
        return items

    def search(
        self, user: Principal, query: str, path: str | None, locale: str | None
    ) -> dict[str, Any]:
        """The basic "db" search engine: ILIKE on title, description and path."""
        needle = query.lower()
        results = []
        for page in self.state.pages.values():
            if not page.is_published:
                continue
            if locale and page.locale != locale:
                continue
            if path and not page.path.startswith(path):
                continue
            if not (
                needle in page.title.lower()
                or needle in page.description.lower()
                or needle in page.path.lower()
            ):
                continue
            if not self.check_access(
                user,
                ["read:pages"],
                {"path": page.path, "locale": page.locale, "tags": self.tag_names(page)},
            ):
                continue
            results.append(
                {
                    "id": str(page.id),
                    "title": page.title,
                    "description": page.description,
                    "path": page.path,
                    "locale": page.locale,
                }
            )
            if len(results) >= 100:
                break
        return {"results": results, "suggestions": [], "totalHits": len(results)}

    def used_tags(self, user: Principal) -> list[TagRow]:
        seen: dict[int, TagRow] = {}
        for page in self.state.pages.values():
            if not self.check_access(
                user, ["read:pages"], {"path": page.path, "locale": page.locale}
            ):
                continue
            for tid in page.tag_ids:
                if tid in self.state.tags:
                    seen.setdefault(tid, self.state.tags[tid])
        return sorted(seen.values(), key=lambda t: t.tag)

    def links(self, user: Principal, locale: str) -> list[dict[str, Any]]:
        out = []
        for page in self.state.pages.values():
            if page.locale != locale:
                continue
            if not self.check_access(user, ["read:pages"], {"path": page.path, "locale": locale}):
                continue
            out.append(
                {
                    "id": page.id,
                    "path": f"{locale}/{page.path}",
                    "title": page.title,
                    "links": [f"{loc}/{p}" for loc, p in page.links],
                }
            )
        return out

    def tree_items(self, user: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
        """``pages.tree``: children of ``parent`` (or of ``path``'s parent) in one locale."""
        locale = args.get("locale") or self.default_locale
        rows = self.tree()
        parent = args.get("parent")
        path = args.get("path")
        current: TreeRow | None = None
        if path and not parent:
            current = next((r for r in rows if r.path == path and r.locale == locale), None)
            if current is None:
                return []
            parent = current.parent or 0
        mode = args.get("mode")
        ancestors = set(current.ancestors) if current and args.get("includeAncestors") else set()
        picked = []
        for row in rows:
            in_scope = row.locale == locale
            if mode == "FOLDERS":
                in_scope = in_scope and row.is_folder
            elif mode == "PAGES":
                in_scope = in_scope and row.page_id is not None
            if not parent or parent < 1:
                in_scope = in_scope and row.parent is None
            else:
                in_scope = (in_scope and row.parent == parent) or (
                    bool(ancestors) and row.id in ancestors
                )
            if in_scope:
                picked.append(row)
        picked.sort(key=lambda r: (not r.is_folder, r.title))
        return [
            {
                "id": r.id,
                "path": r.path,
                "depth": r.depth,
                "title": r.title,
                "isPrivate": r.is_private,
                "isFolder": r.is_folder,
                "privateNS": r.private_ns,
                "parent": r.parent or 0,
                "pageId": r.page_id,
                "locale": r.locale,
            }
            for r in picked
            if self.check_access(user, ["read:pages"], {"path": r.path, "locale": r.locale})
        ]


_EDITABLE = {
    "title", "description", "content", "tags", "is_published", "is_private", "editor",
    "publish_start_date", "publish_end_date", "script_css", "script_js", "path", "locale",
}  # fmt: skip


def tag_dict(tag: TagRow) -> dict[str, Any]:
    return {
        "id": tag.id,
        "tag": tag.tag,
        "title": tag.title,
        "createdAt": tag.created_at,
        "updatedAt": tag.updated_at,
    }


def _regex_match(pattern: str, path: str) -> bool:
    try:
        return re.search(pattern, path) is not None
    except re.error:
        return False


def _specific(
    rule: dict[str, Any], state: dict[str, Any], higher_priority: list[str]
) -> dict[str, Any]:
    """``WIKI.auth._applyPageRuleSpecificity``."""
    rule_path = rule.get("path", "")
    if len(rule_path) == len(state["specificity"]):
        if state["match"] in higher_priority:
            return state
        if state["match"] == rule.get("match") and state["deny"] and not rule.get("deny"):
            return state
    elif len(rule_path) < len(state["specificity"]):
        return state
    return {"deny": bool(rule.get("deny")), "match": rule.get("match"), "specificity": rule_path}
