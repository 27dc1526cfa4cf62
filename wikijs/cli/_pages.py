"""``wikijs pages ...``: list, read, write, move, delete and search pages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from wikijs import Page, WikiJSClient

from ._common import CLIError, HelpGroup, Output, YesOpt, command, confirm, examples

__all__ = ["app"]

app = typer.Typer(
    name="pages",
    help="Read and write the wiki's pages.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=HelpGroup,
    epilog=examples(
        "wikijs pages list --tag ops",
        "wikijs pages get handbook/setup",
        "wikijs pages create handbook/setup --title Setup --file setup.md",
    ),
)

LocaleOpt = Annotated[
    str, typer.Option("--locale", "-l", metavar="LOCALE", help="The page's locale.")
]
OnlyLocaleOpt = Annotated[
    str | None, typer.Option("--locale", "-l", metavar="LOCALE", help="Only this locale.")
]
TagsOpt = Annotated[
    list[str] | None, typer.Option("--tag", "-t", metavar="TAG", help="A tag (repeat for several).")
]
FileOpt = Annotated[
    Path | None,
    typer.Option(
        "--file",
        "-f",
        metavar="FILE",
        help="Read the content from this file ('-' for stdin).",
        dir_okay=False,
    ),
]
ContentOpt = Annotated[
    str | None, typer.Option("--content", "-c", metavar="TEXT", help="The content itself.")
]
TitleOpt = Annotated[str | None, typer.Option("--title", metavar="TEXT", help="The page's title.")]
DescriptionOpt = Annotated[
    str | None, typer.Option("--description", "-d", metavar="TEXT", help="The page's description.")
]
EditorOpt = Annotated[
    str | None,
    typer.Option("--editor", metavar="EDITOR", help="markdown, ckeditor (HTML) or code."),
]
PageIdArg = Annotated[int, typer.Argument(help="The page's id.", metavar="ID")]

_PAGE_FIELDS = (
    "id",
    "locale",
    "path",
    "title",
    "description",
    "editor",
    "content_type",
    "is_published",
    "is_private",
    "tags",
    "created_at",
    "updated_at",
    "author_name",
)


def _content(file: Path | None, content: str | None) -> str | None:
    if file is not None and content is not None:
        raise CLIError("give the content with --file or --content, not both")
    if file is None:
        return content
    if str(file) == "-":
        return sys.stdin.read()
    return file.read_text(encoding="utf-8")


@command(
    app,
    "list",
    "wikijs pages list",
    "wikijs pages list --tag ops --locale en",
    "wikijs pages list --json | jq '.[].path'",
)
def list_pages(
    wiki: WikiJSClient,
    locale: OnlyLocaleOpt = None,
    tag: TagsOpt = None,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", help="At most this many.")
    ] = None,
    order_by: Annotated[
        str,
        typer.Option("--order-by", metavar="FIELD", help="ID, CREATED, PATH, TITLE or UPDATED."),
    ] = "PATH",
) -> Output:
    """List pages (without their content)."""
    items = wiki.pages.list(locale=locale, tags=tag or None, limit=limit, order_by=order_by.upper())
    return Output(
        items,
        ["id", "locale", "path", "title", "published", "updated"],
        [[i.id, i.locale, i.path, i.title, i.is_published, i.updated_at] for i in items],
    )


@command(
    app,
    "get",
    "wikijs pages get 42",
    "wikijs pages get /en/handbook/setup",
    "wikijs pages get handbook/setup --locale fr",
    "wikijs pages get 42 --json | jq -r .content",
)
def get_page(
    wiki: WikiJSClient,
    page: Annotated[
        str,
        typer.Argument(
            help="A page id, or a path: /en/handbook/setup, en/handbook/setup, or "
            "handbook/setup (with --locale, default en).",
            metavar="ID|PATH",
        ),
    ],
    locale: Annotated[
        str | None,
        typer.Option(
            "--locale",
            "-l",
            metavar="LOCALE",
            help="The page's locale; PATH is then the page path as stored (default: the "
            "locale PATH starts with, else en).",
        ),
    ] = None,
    by_path: Annotated[
        bool, typer.Option("--by-path", help="Read PATH as a path even if it is a number.")
    ] = False,
) -> Output:
    """Show one page: its fields, then its content."""
    if page.isdigit() and not by_path:
        found = wiki.pages.get(int(page))
    else:
        try:
            found = wiki.pages.get_by_path(page, locale)
        except ValueError as exc:
            raise CLIError(str(exc)) from None
    content = found.content if found.content.endswith("\n") else found.content + "\n"
    return Output.fields(
        found, [(name, getattr(found, name)) for name in _PAGE_FIELDS], "\n" + content
    )


@command(
    app,
    "create",
    "wikijs pages create handbook/setup --title Setup --file setup.md",
    "echo '# Hi' | wikijs pages create sandbox/hi --file - --tag draft --unpublished",
)
def create_page(
    wiki: WikiJSClient,
    path: Annotated[
        str, typer.Argument(help="The new page's path (without locale).", metavar="PATH")
    ],
    file: FileOpt = None,
    content: ContentOpt = None,
    title: TitleOpt = None,
    description: DescriptionOpt = None,
    tag: TagsOpt = None,
    locale: LocaleOpt = "en",
    editor: EditorOpt = None,
    unpublished: Annotated[
        bool, typer.Option("--unpublished", help="Create it unpublished.")
    ] = False,
    private: Annotated[bool, typer.Option("--private", help="Create it private.")] = False,
) -> Output:
    """Create a page (refused before any request if Wiki.js or its UI cannot take PATH)."""
    text = _content(file, content)
    if text is None:
        raise CLIError("a page needs content: pass --file FILE (or -) or --content TEXT")
    clean = path.strip("/")
    page = wiki.pages.create(
        clean,
        content=text,
        title=title or clean.rsplit("/", 1)[-1],
        description=description or "",
        tags=tag or [],
        locale=locale,
        editor=editor or "markdown",
        is_published=not unpublished,
        is_private=private,
    )
    return Output(page, message=f"Created page {page.id}: {page.locale}/{page.path}")


@command(
    app,
    "update",
    "wikijs pages update 42 --title 'New title'",
    "wikijs pages update 42 --file setup.md --tag ops --tag linux",
    "wikijs pages update 42 --unpublished",
)
def update_page(
    wiki: WikiJSClient,
    page_id: PageIdArg,
    file: FileOpt = None,
    content: ContentOpt = None,
    title: TitleOpt = None,
    description: DescriptionOpt = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", metavar="TAG", help="Replace the tags (repeat)."),
    ] = None,
    editor: EditorOpt = None,
    published: Annotated[
        bool | None,
        typer.Option("--published/--unpublished", help="Publish or unpublish the page."),
    ] = None,
) -> Output:
    """Change some fields of a page; every other field keeps its value."""
    changes: dict[str, Any] = {
        "content": _content(file, content),
        "title": title,
        "description": description,
        "tags": tag,
        "editor": editor,
        "is_published": published,
    }
    given = {name: value for name, value in changes.items() if value is not None}
    if not given:
        raise CLIError("nothing to change: pass --title, --file, --tag, ... (see --help)")
    page = wiki.pages.update(page_id, **given)
    return Output(page, message=f"Updated page {page.id}: {', '.join(sorted(given))}")


def _where(page: Page, verb: str) -> Output:
    data = {verb: page.id, "locale": page.locale, "path": page.path}
    return Output(data, message=f"{verb.capitalize()} page {page.id}: {page.locale}/{page.path}")


@command(app, "delete", "wikijs pages delete 42", "wikijs pages delete 42 --yes")
def delete_page(wiki: WikiJSClient, page_id: PageIdArg, yes: YesOpt = False) -> Output:
    """Delete a page and its history."""
    page = wiki.pages.get(page_id)
    confirm(f"Delete page {page.id} ({page.locale}/{page.path}) and its history?", yes)
    wiki.pages.delete(page_id)
    return _where(page, "deleted")


@command(
    app,
    "move",
    "wikijs pages move 42 handbook/new-place",
    "wikijs pages move 42 handbook/setup --locale fr",
)
def move_page(
    wiki: WikiJSClient,
    page_id: PageIdArg,
    path: Annotated[str, typer.Argument(help="The new path.", metavar="PATH")],
    locale: Annotated[
        str | None,
        typer.Option("--locale", "-l", metavar="LOCALE", help="The new locale (default: same)."),
    ] = None,
) -> Output:
    """Move a page to another path (its id and history are kept)."""
    wiki.pages.move(page_id, path.strip("/"), locale)
    return _where(wiki.pages.get(page_id), "moved")


@command(app, "tree", "wikijs pages tree", "wikijs pages tree --path handbook --mode folders")
def page_tree(
    wiki: WikiJSClient,
    path: Annotated[
        str | None, typer.Option("--path", metavar="PATH", help="Only under this path.")
    ] = None,
    parent: Annotated[
        int | None, typer.Option("--parent", metavar="ID", help="Start at this node.")
    ] = None,
    locale: LocaleOpt = "en",
    mode: Annotated[
        str, typer.Option("--mode", metavar="MODE", help="all, folders or pages.")
    ] = "all",
) -> Output:
    """Show the navigation tree (folders and pages)."""
    if path is not None and parent is None:
        # Wiki.js's tree(path=...) answers the level that holds PATH (its siblings); the
        # contents of the folder are the children of PATH's own node.
        folder = path.strip("/")
        level = wiki.pages.tree(path=folder, mode="ALL", locale=locale)
        node = next((item for item in level if item.path == folder), None)
        if node is None:
            raise CLIError(f"no folder {folder!r} in the {locale!r} tree")
        parent = node.id
    items = wiki.pages.tree(parent=parent, mode=mode, locale=locale)
    return Output(
        items,
        ["id", "depth", "path", "title", "folder", "page_id"],
        [[i.id, i.depth, i.path, i.title, i.is_folder, i.page_id] for i in items],
    )


@command(app, "search", "wikijs pages search docker", "wikijs pages search backup --locale en")
def search_pages(
    wiki: WikiJSClient,
    query: Annotated[str, typer.Argument(help="What to search for.", metavar="QUERY")],
    locale: OnlyLocaleOpt = None,
    path: Annotated[
        str | None, typer.Option("--path", metavar="PATH", help="Only under this path.")
    ] = None,
) -> Output:
    """Full-text search with the wiki's search engine."""
    found = wiki.pages.search(query, locale=locale, path=path)
    return Output(
        found,
        ["id", "locale", "path", "title"],
        [[r.id, r.locale, r.path, r.title] for r in found.results],
        message=f"{found.total_hits} hit(s)",
    )


@command(app, "history", "wikijs pages history 42", "wikijs pages history 42 --json")
def page_history(wiki: WikiJSClient, page_id: PageIdArg) -> Output:
    """The versions of a page, newest first."""
    history = wiki.pages.history(page_id)
    return Output(
        history,
        ["version", "action", "author", "date"],
        [[e.version_id, e.action_type, e.author_name, e.version_date] for e in history.trail],
        message=f"{history.total} version(s)",
    )
