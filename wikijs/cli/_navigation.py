"""``wikijs navigation ...``: print the navigation menu and the mode that shows it."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from wikijs import NAVIGATION_MODES, NavigationTree, WikiJSClient

from ._common import CLIError, HelpGroup, Output, command, examples

__all__ = ["app", "menu_document"]

app = typer.Typer(
    name="navigation",
    help="The wiki's navigation menu (one flat list of items per locale).",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=HelpGroup,
    epilog=examples("wikijs navigation show --locale en", "wikijs navigation mode MIXED"),
)


def menu_document(trees: list[NavigationTree], locale: str | None = None) -> list[dict[str, Any]]:
    """The menu as ``navigation.updateTree`` takes it (camelCase; every locale unless one
    is named), so an export can be sent back as it is."""
    return [t.to_input() for t in trees if locale is None or t.locale == locale]


def _target(item: dict[str, Any]) -> str:
    if item["kind"] != "link":
        return ""
    return f"{item['targetType'] or ''}:{item['target'] or ''}"


@command(
    app,
    "show",
    "wikijs navigation show",
    "wikijs navigation show --locale fr",
    "wikijs navigation show --json > menu.json",
)
def show(
    wiki: WikiJSClient,
    locale: Annotated[
        str | None, typer.Option("--locale", "-l", metavar="LOCALE", help="Only this locale.")
    ] = None,
) -> Output:
    """Print the menu: every item of every locale, in menu order (needs manage:navigation)."""
    trees = wiki.navigation.tree()
    document = menu_document(trees, locale)
    if locale is not None and not document:
        known = ", ".join(t.locale for t in trees) or "none"
        raise CLIError(f"the menu has no {locale!r} locale (locales with a menu: {known})")
    rows = [
        [tree["locale"], item["id"], item["kind"], item["label"] or "", _target(item)]
        for tree in document
        for item in tree["items"]
    ]
    return Output(document, ["locale", "id", "kind", "label", "target"], rows)


@command(app, "mode", "wikijs navigation mode", "wikijs navigation mode MIXED")
def mode(
    wiki: WikiJSClient,
    new_mode: Annotated[
        str | None,
        typer.Argument(
            metavar="MODE",
            help=f"Set the mode: {', '.join(NAVIGATION_MODES)}.",
            show_default=False,
        ),
    ] = None,
) -> Output:
    """Print the navigation mode, or set it (the menu shows in MIXED and STATIC)."""
    if new_mode is not None:
        wanted = new_mode.upper()
        if wanted not in NAVIGATION_MODES:
            raise CLIError(f"{new_mode!r} is not a mode: use one of {', '.join(NAVIGATION_MODES)}")
        wiki.navigation.set_mode(wanted)
    config = wiki.navigation.config()
    shown = "shows" if config.shows_menu else "hides"
    return Output(
        {"mode": config.mode, "shows_menu": config.shows_menu},
        ["mode", "menu"],
        [[config.mode, shown]],
    )
