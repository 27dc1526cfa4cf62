"""``wikijs users list``, ``wikijs groups list`` and ``wikijs info``."""

from __future__ import annotations

from typing import Any

import typer

from wikijs import ForbiddenError, WikiJSClient

from ._common import HelpGroup, Output, command, examples

__all__ = ["groups_app", "info", "users_app"]

users_app = typer.Typer(
    name="users",
    help="The wiki's user accounts.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=HelpGroup,
    epilog=examples("wikijs users list --json"),
)
groups_app = typer.Typer(
    name="groups",
    help="The wiki's user groups.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=HelpGroup,
    epilog=examples("wikijs groups list"),
)


@command(users_app, "list", "wikijs users list", "wikijs users list --json | jq '.[].email'")
def list_users(wiki: WikiJSClient) -> Output:
    """List every user (needs manage:users)."""
    users = wiki.users.list()
    columns = ["id", "name", "email", "provider", "active", "system", "last login"]
    return Output(
        users,
        columns,
        [
            [u.id, u.name, u.email, u.provider_key, u.is_active, u.is_system, u.last_login_at]
            for u in users
        ],
    )


@command(groups_app, "list", "wikijs groups list", "wikijs groups list --json")
def list_groups(wiki: WikiJSClient) -> Output:
    """List every group with its number of users (needs manage:groups)."""
    groups = wiki.groups.list()
    rows = [[g.id, g.name, g.user_count, g.is_system, g.updated_at] for g in groups]
    return Output(groups, ["id", "name", "users", "system", "updated"], rows)


def info(wiki: WikiJSClient) -> Output:
    """Who the credentials belong to, and the wiki's version and totals."""
    user = wiki.whoami()
    fields: list[tuple[str, Any]] = [
        ("url", wiki.url),
        ("user", f"{user.name} <{user.email}> (id {user.id})"),
    ]
    try:
        system = wiki.system.info()
    except ForbiddenError:  # system.info needs manage:system
        fields.append(("system", "not visible to this user (needs manage:system)"))
        return Output.fields({"url": wiki.url, "user": user, "system": None}, fields)
    fields += [
        ("version", system.current_version),
        ("latest version", system.latest_version),
        ("database", f"{system.db_type or ''} {system.db_version or ''}".strip()),
        ("node", system.node_version),
        ("pages", system.pages_total),
        ("users", system.users_total),
        ("groups", system.groups_total),
        ("tags", system.tags_total),
    ]
    return Output.fields({"url": wiki.url, "user": user, "system": system}, fields)
