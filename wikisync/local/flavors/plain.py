"""Plain Markdown, as GitHub and most editors show it.

``index.md`` or ``README.md`` is its folder's page; a link to a folder (``guide/``) is a
link to that page. Front matter: Wiki.js's keys plus the common ``summary``/``intro``
(description), ``keywords``/``categories`` (tags) and ``draft`` (unpublished). Never
detected: set ``flavor: plain``.
"""

from __future__ import annotations

from wikisync.local.flavors.base import Flavor, field_rules

__all__ = ["FLAVOR"]

FLAVOR = Flavor(
    name="plain",
    summary="plain Markdown: index.md or README.md is a folder's page",
    fields=field_rules(
        title=("title",),
        description=("description", "summary", "intro"),
        tags=("tags", "keywords", "categories"),
        is_published=("published", "isPublished", "!draft"),
        is_private=("private", "isPrivate"),
        editor=("editor",),
        publish_start_date=("publishStartDate",),
        publish_end_date=("publishEndDate",),
        script_css=("scriptCss",),
        script_js=("scriptJs",),
    ),
    known_keys=frozenset({"date", "dateCreated", "author", "authors"}),
    index_names=("index", "README"),
    sections=True,
)
