"""``wikijs export pages``: every page (with content) as JSON, YAML or front-matter files.

The ``md`` format writes the layout of Wiki.js's own Git storage, which ``wikisync`` reads
back: ``<path>.md`` for Markdown pages and ``<path>.html`` (header inside ``<!-- -->``) for
HTML pages, under a ``<locale>/`` folder for locales other than ``--default-locale``. The
header holds ``title``, ``description``, ``published``, ``tags`` and ``editor`` (plus the
publish dates, scripts and ``private`` when the page sets them), as YAML. AsciiDoc pages
become ``<path>.adoc`` with no header, as Wiki.js writes them.

A page whose path would leave the output directory (``..``, an absolute path, a symbolic
link in the way) is refused and reported; the others are still written.
"""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

import typer
import yaml

from wikijs import Page, PageNotFoundError, WikiJSClient

from ._common import CLIError, HelpGroup, Output, command, examples, jsonable, say

__all__ = ["app", "page_file", "render_page"]

app = typer.Typer(
    name="export",
    help="Export the wiki's content.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    cls=HelpGroup,
    epilog=examples("wikijs export pages --format md --output docs/"),
)


class Format(str, enum.Enum):
    json = "json"
    yaml = "yaml"
    md = "md"


def _header(page: Page) -> dict[str, Any]:
    header: dict[str, Any] = {
        "title": page.title,
        "description": page.description,
        "published": page.is_published,
        "tags": list(page.tags),
        "editor": page.editor or ("ckeditor" if page.content_type == "html" else "markdown"),
    }
    optional = {
        "publishStartDate": page.publish_start_date,
        "publishEndDate": page.publish_end_date,
        "scriptCss": page.script_css,
        "scriptJs": page.script_js,
    }
    header.update({key: value for key, value in optional.items() if value})
    if page.is_private:
        header["private"] = True
    return header


def render_page(page: Page) -> tuple[str, str]:
    """``(extension, file text)`` of one page in Wiki.js's Git storage layout."""
    if page.content_type == "asciidoc":
        return ".adoc", page.content
    header = yaml.safe_dump(
        _header(page), sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    if page.content_type == "html":
        return ".html", f"<!--\n{header}-->\n\n{page.content}"
    return ".md", f"---\n{header}---\n\n{page.content}"


def page_file(page: Page, default_locale: str) -> PurePosixPath:
    """The file of ``page`` relative to the output directory; ValueError if unsafe."""
    extension, _ = render_page(page)
    parts = [] if page.locale == default_locale else [page.locale]
    parts += page.path.split("/")
    if page.path.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
        raise ValueError(f"page {page.id} ({page.locale}/{page.path}): unsafe file path")
    if any("\x00" in p for p in parts):
        raise ValueError(f"page {page.id} ({page.locale}/{page.path}): NUL in the path")
    return PurePosixPath(*parts[:-1], parts[-1] + extension)


def _inside(base: Path, target: Path) -> bool:
    real_base = os.path.realpath(base)
    real_target = os.path.realpath(target)
    return os.path.commonpath([real_base, real_target]) == real_base and real_target != real_base


def _write_files(pages: list[Page], out: Path, default_locale: str) -> list[dict[str, Any]]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[dict[str, Any]] = []
    refused: list[str] = []
    for page in pages:
        try:
            rel = page_file(page, default_locale)
        except ValueError as exc:
            refused.append(str(exc))
            continue
        target = out.joinpath(*rel.parts)
        if not _inside(out, target):
            refused.append(f"page {page.id} ({page.locale}/{page.path}): leaves {out}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if not _inside(out, target):  # a folder on the way is a link out of the directory
            refused.append(f"page {page.id} ({page.locale}/{page.path}): leaves {out}")
            continue
        _, text = render_page(page)
        target.write_text(text, encoding="utf-8", newline="")
        written.append({"id": page.id, "locale": page.locale, "path": page.path, "file": str(rel)})
    for problem in refused:
        say(f"Refused: {problem}")
    if refused:
        raise CLIError(
            f"{len(refused)} page(s) not exported (their paths would leave {out}); "
            f"{len(written)} written"
        )
    return written


def _dump(pages: list[Page], fmt: Format) -> str:
    data = jsonable(pages)
    if fmt is Format.yaml:
        return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


@command(
    app,
    "pages",
    "wikijs export pages --format md --output docs/",
    "wikijs export pages --format json --output pages.json",
    "wikijs export pages --format yaml --tag ops > ops.yaml",
)
def export_pages(
    wiki: WikiJSClient,
    fmt: Annotated[
        Format, typer.Option("--format", metavar="FORMAT", help="json, yaml or md.")
    ] = Format.json,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="A directory (md; json/yaml write pages.<format> in it) or a file "
            "(json/yaml; default: stdout).",
        ),
    ] = None,
    locale: Annotated[
        str | None, typer.Option("--locale", "-l", metavar="LOCALE", help="Only this locale.")
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", metavar="TAG", help="Only pages with this tag."),
    ] = None,
    prefix: Annotated[
        str, typer.Option("--prefix", metavar="PATH", help="Only pages under this path.")
    ] = "",
    default_locale: Annotated[
        str,
        typer.Option(
            "--default-locale",
            metavar="LOCALE",
            help="(md) The locale written without a folder.",
        ),
    ] = "en",
    *,
    json_out: bool = False,
) -> Output:
    """Export pages with their content (pages.list, then batched reads: 50 per request).

    With --output, --json prints what was written (as JSON) instead of a message; without
    it, the pages go to stdout in --format's format, so --json is the same as --format
    json and refused with --format yaml.
    """
    if fmt is Format.md and output is None:
        raise CLIError("--format md writes files: pass --output DIR")
    if json_out and output is None and fmt is not Format.json:
        raise CLIError(
            f"--json prints JSON, --format {fmt.value} prints {fmt.value.upper()}: pass one of "
            "them (or --output FILE, and --json prints a summary of what was written)"
        )
    root = prefix.strip("/")
    items = wiki.pages.list(locale=locale, tags=tag or None, order_by="ID")
    wanted = [i.id for i in items if not root or i.path == root or i.path.startswith(root + "/")]
    pages: list[Page] = []
    for result in wiki.pages.get_many(wanted):
        if isinstance(result.error, PageNotFoundError):
            say(f"Skipped page {result.key}: deleted while exporting")
            continue
        pages.append(result.unwrap())
    if output is None:  # json or yaml on stdout
        return Output(jsonable(pages), after=_dump(pages, fmt))
    if fmt is Format.md:
        files = _write_files(pages, output, default_locale)
        summary: dict[str, Any] = {"format": "md", "output": str(output), "files": files}
    else:
        target = output / f"pages.{fmt.value}" if output.is_dir() else output
        target.write_text(_dump(pages, fmt), encoding="utf-8")
        summary = {"format": fmt.value, "output": str(target), "pages": len(pages)}
    return Output(summary, message=f"Exported {len(pages)} page(s) to {summary['output']}")
