"""Users, groups, API keys and login, as Wiki.js 2.5's models and resolvers do them."""

from __future__ import annotations

import re
import secrets
from typing import Any

from wikijs.testing._errors import GraphQLJSError, JSError, WikiError
from wikijs.testing._state import GroupRow, UserRow
from wikijs.testing._wiki import (
    DEFAULT_GROUP_PERMISSIONS,
    Principal,
    Wiki,
    check_password,
    hash_password,
)

_EMAIL = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")


# -- users ------------------------------------------------------------------------------


def user_minimal(user: UserRow) -> dict[str, Any]:
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "providerKey": user.provider_key,
        "isSystem": user.is_system,
        "isActive": user.is_active,
        "createdAt": user.created_at,
        "lastLoginAt": user.last_login_at,
    }


def list_users(wiki: Wiki) -> list[dict[str, Any]]:
    return [user_minimal(u) for u in wiki.state.users.values()]


def search_users(wiki: Wiki, query: str) -> list[dict[str, Any]]:
    found = [u for u in wiki.state.users.values() if query in u.email or query in u.name]
    return [user_minimal(u) for u in found[:10]]


def single_user(wiki: Wiki, user_id: int) -> dict[str, Any]:
    user = wiki.state.users.get(user_id)
    if user is None:
        raise JSError("TypeError", "Cannot set properties of undefined (setting 'password')")
    return {
        **user_minimal(user),
        "providerName": "Local",
        "providerId": "local",
        "providerIs2FACapable": True,
        "isVerified": user.is_verified,
        "location": user.location,
        "jobTitle": user.job_title,
        "timezone": user.timezone,
        "dateFormat": user.date_format,
        "appearance": user.appearance,
        "updatedAt": user.updated_at,
        "tfaIsActive": user.tfa_is_active,
        "groups": [
            group_dict(wiki, wiki.state.groups[g]) for g in user.group_ids if g in wiki.state.groups
        ],
    }


def profile(wiki: Wiki, principal: Principal) -> dict[str, Any]:
    if principal.is_guest or principal.id < 1 or principal.id == 2:
        raise WikiError("AuthRequired")
    user = wiki.state.users.get(principal.id)
    if user is None:
        raise JSError("TypeError", "Cannot read properties of undefined (reading 'isActive')")
    if not user.is_active:
        raise WikiError("AuthAccountBanned")
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "providerKey": user.provider_key,
        "providerName": "Local",
        "isSystem": user.is_system,
        "isVerified": user.is_verified,
        "location": user.location,
        "jobTitle": user.job_title,
        "timezone": user.timezone,
        "dateFormat": user.date_format,
        "appearance": user.appearance,
        "createdAt": user.created_at,
        "updatedAt": user.updated_at,
        "lastLoginAt": user.last_login_at or user.updated_at,
        "groups": [wiki.state.groups[g].name for g in user.group_ids if g in wiki.state.groups],
        "pagesTotal": sum(1 for p in wiki.state.pages.values() if p.creator_id == user.id),
    }


def last_logins(wiki: Wiki) -> list[dict[str, Any]]:
    users = [u for u in wiki.state.users.values() if u.last_login_at]
    users.sort(key=lambda u: u.last_login_at or "", reverse=True)
    return [{"id": u.id, "name": u.name, "lastLoginAt": u.last_login_at} for u in users[:10]]


def create_user(wiki: Wiki, args: dict[str, Any]) -> None:
    """``users.createNewUser`` (the resolver answers without the new user)."""
    email = (args.get("email") or "").lower()
    provider = args["providerKey"]
    name = args.get("name") or ""
    if provider == "local":
        password = args.get("passwordRaw") or ""
        problem = None
        if not _EMAIL.match(email):
            problem = "Email is not a valid email"
        elif len(email) > 255:
            problem = "Email is too long (maximum is 255 characters)"
        elif not password:
            problem = "Password raw can't be blank"
        elif len(password) < 6:
            problem = "Password raw is too short (minimum is 6 characters)"
        elif not name.strip():
            problem = "Name can't be blank"
        elif len(name) < 2:
            problem = "Name is too short (minimum is 2 characters)"
        elif len(name) > 255:
            problem = "Name is too long (maximum is 255 characters)"
        if problem:
            raise WikiError("InputInvalid", problem)
    st = wiki.state
    if any(u.email == email and u.provider_key == provider for u in st.users.values()):
        raise WikiError("AuthAccountAlreadyExists")
    now = wiki.now_iso()
    user = UserRow(
        id=st.next_id("users"),
        email=email,
        name=name,
        provider_key=provider,
        password_hash=hash_password(args.get("passwordRaw") or "") if provider == "local" else "",
        is_system=False,
        is_active=True,
        is_verified=True,
        must_change_pwd=provider == "local" and args.get("mustChangePassword") is True,
        location="",
        job_title="",
        timezone="America/New_York",
        date_format="",
        appearance="",
        created_at=now,
        updated_at=now,
        last_login_at=None,
        group_ids=[g for g in args.get("groups") or [] if g in st.groups],
    )
    st.users[user.id] = user
    wiki.changed()


def update_user(wiki: Wiki, args: dict[str, Any]) -> None:
    st = wiki.state
    user = st.users.get(args["id"])
    if user is None:
        raise WikiError("UserNotFound")
    email = args.get("email")
    if email and email != user.email:
        if any(u.email == email and u.provider_key == user.provider_key for u in st.users.values()):
            raise WikiError("AuthAccountAlreadyExists")
        user.email = email.lower()
    if args.get("name") and args["name"] != user.name:
        user.name = args["name"].strip()
    password = args.get("newPassword")
    if password:
        if len(password) < 6:
            raise WikiError("InputInvalid", "Password must be at least 6 characters!")
        user.password_hash = hash_password(password)
    groups = args.get("groups")
    if isinstance(groups, list):
        wanted = [g for g in groups if g is not None]
        user.group_ids = [g for g in user.group_ids if g in wanted] + [
            g for g in wanted if g not in user.group_ids and g in st.groups
        ]
    for arg, attr in (("location", "location"), ("jobTitle", "job_title"),
                      ("timezone", "timezone"), ("dateFormat", "date_format"),
                      ("appearance", "appearance")):  # fmt: skip
        value = args.get(arg)
        if value and value != getattr(user, attr):
            setattr(user, attr, value.strip())
    user.updated_at = wiki.now_iso()
    user.tokens_valid_after = wiki.now()
    wiki.changed()


def delete_user(wiki: Wiki, user_id: int, replace_id: int) -> None:
    st = wiki.state
    if user_id <= 2:
        raise WikiError("UserDeleteProtected")
    if user_id not in st.users:
        raise WikiError("UserNotFound")
    referenced = any(p.author_id == user_id or p.creator_id == user_id for p in st.pages.values())
    if replace_id not in st.users and referenced:
        raise WikiError("UserDeleteForeignConstraint")
    for page in st.pages.values():
        if page.author_id == user_id:
            page.author_id = replace_id
        if page.creator_id == user_id:
            page.creator_id = replace_id
    for version in st.versions.values():
        if version.author_id == user_id:
            version.author_id = replace_id
    for asset in st.assets.values():
        if asset.author_id == user_id:
            asset.author_id = replace_id
    del st.users[user_id]
    wiki.changed()


def set_user_flag(wiki: Wiki, user_id: int, attr: str, value: bool) -> None:
    user = wiki.state.users.get(user_id)
    if user is not None:
        setattr(user, attr, value)
        user.updated_at = wiki.now_iso()
        user.tokens_valid_after = wiki.now()
        wiki.changed()


# -- groups -----------------------------------------------------------------------------


def group_dict(wiki: Wiki, group: GroupRow) -> dict[str, Any]:
    members = [u for u in wiki.state.users.values() if group.id in u.group_ids]
    return {
        "id": group.id,
        "name": group.name,
        "isSystem": group.is_system,
        "redirectOnLogin": group.redirect_on_login,
        "permissions": list(group.permissions),
        "pageRules": [dict(r) for r in group.page_rules],
        "users": [user_minimal(u) for u in members],
        "userCount": len(members),
        "createdAt": group.created_at,
        "updatedAt": group.updated_at,
    }


def list_groups(wiki: Wiki) -> list[dict[str, Any]]:
    return [group_dict(wiki, g) for g in wiki.state.groups.values()]


def create_group(wiki: Wiki, name: str) -> dict[str, Any]:
    st = wiki.state
    now = wiki.now_iso()
    group = GroupRow(
        id=st.next_id("groups"),
        name=name,
        is_system=False,
        redirect_on_login="/",
        permissions=list(DEFAULT_GROUP_PERMISSIONS),
        page_rules=[wiki._default_rule("default", DEFAULT_GROUP_PERMISSIONS)],
        created_at=now,
        updated_at=now,
    )
    st.groups[group.id] = group
    wiki.changed()
    return group_dict(wiki, group)


def update_group(wiki: Wiki, args: dict[str, Any]) -> None:
    for rule in args.get("pageRules") or []:
        if rule.get("match") == "REGEX" and not _safe_regex(rule.get("path", "")):
            raise GraphQLJSError("Some Page Rules contains unsafe or exponential time regex.")
    group = wiki.state.groups.get(args["id"])
    if group is None:
        return
    group.name = args["name"]
    group.redirect_on_login = args.get("redirectOnLogin") or "/"
    group.permissions = [p for p in args.get("permissions") or [] if p is not None]
    group.page_rules = [dict(r) for r in args.get("pageRules") or [] if r is not None]
    group.updated_at = wiki.now_iso()
    _revoke_members(wiki, group.id)
    wiki.changed()


def delete_group(wiki: Wiki, group_id: int) -> None:
    st = wiki.state
    if st.groups.pop(group_id, None) is None:
        return
    _revoke_members(wiki, group_id)
    for user in st.users.values():
        if group_id in user.group_ids:
            user.group_ids.remove(group_id)
    wiki.changed()


def assign_user(wiki: Wiki, group_id: int, user_id: int, assign: bool) -> None:
    st = wiki.state
    if group_id not in st.groups:
        raise GraphQLJSError("Invalid Group ID")
    user = st.users.get(user_id)
    if user is None:
        raise GraphQLJSError("Invalid User ID")
    if assign:
        if group_id in user.group_ids:
            raise GraphQLJSError("User is already assigned to group.")
        user.group_ids.append(group_id)
    elif group_id in user.group_ids:
        user.group_ids.remove(group_id)
    user.tokens_valid_after = wiki.now()
    wiki.changed()


def _revoke_members(wiki: Wiki, group_id: int) -> None:
    now = wiki.now()
    for user in wiki.state.users.values():
        if group_id in user.group_ids:
            user.tokens_valid_after = now


def _safe_regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return not re.search(r"\([^)]*[+*][^)]*\)[+*{]", pattern)


# -- API keys & login ---------------------------------------------------------------------


def api_keys(wiki: Wiki) -> list[dict[str, Any]]:
    return [
        {
            "id": k.id,
            "name": k.name,
            "keyShort": "..." + k.key[-20:],
            "expiration": k.expiration,
            "createdAt": k.created_at,
            "updatedAt": k.updated_at,
            "isRevoked": k.is_revoked,
        }
        for k in wiki.state.api_keys.values()
    ]


def login(wiki: Wiki, username: str, password: str, strategy: str) -> dict[str, Any]:
    """``users.login`` with the local strategy (the only one the emulator has)."""
    if strategy != "local":
        raise WikiError("AuthProviderInvalid")
    email = username.lower()
    user = next(
        (u for u in wiki.state.users.values() if u.email == email and u.provider_key == "local"),
        None,
    )
    if user is None or user.id == 2 or not check_password(password, user.password_hash):
        raise WikiError("AuthLoginFailed")
    if not user.is_active:
        raise WikiError("AuthAccountBanned")
    if not user.is_verified:
        raise WikiError("AuthAccountNotVerified")
    return after_login(wiki, user)


def after_login(wiki: Wiki, user: UserRow) -> dict[str, Any]:
    group = wiki.state.groups.get(user.group_ids[0]) if user.group_ids else None
    redirect = group.redirect_on_login if group else "/"
    result: dict[str, Any] = {
        "jwt": None,
        "mustChangePwd": None,
        "mustProvideTFA": None,
        "mustSetupTFA": None,
        "continuationToken": None,
        "redirect": redirect,
        "tfaQRImage": None,
    }
    if user.must_change_pwd:
        token = secrets.token_urlsafe(24)
        wiki.continuation_tokens[token] = user.id
        result.update(mustChangePwd=True, continuationToken=token)
        return result
    user.last_login_at = wiki.now_iso()
    wiki.changed()
    result["jwt"], _ = wiki.issue_session(user)
    return result


def login_change_password(wiki: Wiki, token: str, new_password: str) -> dict[str, Any]:
    user_id = wiki.continuation_tokens.pop(token, None)
    user = wiki.state.users.get(user_id) if user_id is not None else None
    if user is None:
        raise WikiError("AuthValidationTokenInvalid")
    if len(new_password) < 6:
        raise WikiError("InputInvalid", "Password must be at least 6 characters!")
    user.password_hash = hash_password(new_password)
    user.must_change_pwd = False
    return after_login(wiki, user)
