"""`wikisync plan`: read the files and the wiki, print what apply would do."""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import Annotated

import typer

from wikisync._names import shown
from wikisync._version import __version__
from wikisync.cli._common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_GUARD,
    boundary,
    err,
    fail,
    load_content,
    make_client,
    setup_logging,
    state_key,
    use_color,
    warn_if_state_public,
)
from wikisync.engine import LoadedSource, PlanRun, make_plan
from wikisync.local.config import problem_settings
from wikisync.render import render_json, render_markdown, render_problems, render_text
from wikisync.wiki.remote import Remote

HELP = """Show what `apply` would change in the wiki; change nothing.

Reads DIR (default: the current directory) and the pages under the configured root,
and prints a plan: + create, ~ update (with a diff), > move, - delete, ! conflict (the
page was edited in the wiki since the last apply), and the assets (images and files the
pages link to) to upload, replace or delete.

In a git repository, files renamed since the last apply become moves (also when they were
edited), and --changed-since REF plans only the pages whose files changed since REF and
the pages their links touch (a full plan when REF is not in the clone)."""

EXAMPLES = (
    "wikisync plan docs/",
    "wikisync plan docs/ --out plan.json      # `wikisync apply plan.json` applies exactly it",
    "wikisync plan docs/ --json | jq .summary",
    "wikisync plan docs/ --detailed-exitcode  # exit 2 when there are changes (drift checks)",
    "wikisync plan docs/ --format markdown    # for a pull-request comment",
    "wikisync plan docs/ --target handbook/guides",
    "wikisync plan docs/ --changed-since origin/main   # in CI: only what the push changed",
)


class Format(str, enum.Enum):
    text = "text"
    markdown = "markdown"
    github = "github"  # the old name of markdown, kept working with a note


def report_problems(source: LoadedSource) -> None:
    if source.flavor is not None:
        err(source.flavor.describe())
    for line in render_problems(source.problems, problem_settings(source.flavor)):
        err(line)
    if source.left_out:
        count = len(source.left_out)
        err(
            f"Note: {count} file{'' if count == 1 else 's'} the site does not publish "
            f"{'was' if count == 1 else 'were'} left out (`wikisync validate --verbose` "
            "lists them and why)."
        )
    if source.errors:
        err(
            f"Error: {len(source.errors)} problem(s) in the source; fix them first "
            "(`wikisync validate` lists them). Nothing was planned."
        )
        raise typer.Exit(EXIT_ERROR)


def target_info(run: PlanRun, url: str) -> dict[str, str]:
    info = {
        "url": url,
        "root": run.options.root,
        "locale": run.options.locale,
        "dir": str(run.source.directory),
    }
    if run.options.force:
        info["force"] = "true"
    if run.commit:
        info["commit"] = run.commit
    if run.changed_since:
        info["changed_since"] = run.changed_since
    return info


def compute(
    directory: Path,
    url: str | None,
    *,
    force: bool,
    targets: tuple[str, ...],
    changed_since: str | None = None,
    check_public_state: bool = False,
) -> tuple[PlanRun, str]:
    source = load_content(directory)
    with make_client(url) as client:  # checks the settings; no request yet
        report_problems(source)
        remote = Remote(
            client,
            root=source.config.root,
            locale=source.config.locale,
            state_key=state_key(),
        )
        run = make_plan(source, remote, force=force, targets=targets, changed_since=changed_since)
        if check_public_state:
            warn_if_state_public(remote, source.config)
        wiki_url = client.url
    for note in run.notes:
        err(f"Note: {shown(note)}")
    return run, wiki_url


def plan(
    directory: Annotated[Path, typer.Argument(help="The content directory.", metavar="DIR")] = Path(
        "."
    ),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="FILE", help="Save the plan as JSON for `wikisync apply FILE`."
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print only the JSON plan on stdout (messages go to stderr)."),
    ] = False,
    detailed_exitcode: Annotated[
        bool, typer.Option("--detailed-exitcode", help="Exit 2 when there are changes.")
    ] = False,
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target", metavar="PATH", help="Limit the plan to this wiki path (repeatable)."
        ),
    ] = None,
    summary_file: Annotated[
        Path | None,
        typer.Option(
            "--summary-file", metavar="FILE", help="Append the plan as Markdown to this file."
        ),
    ] = None,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="text, or markdown (as pull-request comments show it; `github`, its "
            "deprecated old name, still works).",
        ),
    ] = Format.text,
    force: Annotated[
        bool, typer.Option("--force", help="Plan to overwrite pages edited in the wiki.")
    ] = False,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REF",
            help="Plan only pages whose files changed since this git ref (and the pages "
            "their links touch); read only their content.",
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help="The wiki's address (default: $WIKIJS_URL)."),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Also check whether anyone can download wikisync's state from the wiki "
            "(one request without credentials) and warn if so.",
        ),
    ] = False,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log every request to stderr and show tracebacks.")
    ] = False,
) -> None:
    setup_logging(debug)
    with boundary(debug):
        if as_json and fmt is not Format.text:
            fail(f"--json and --format {fmt.value} both choose the output: pass one of them")
        if fmt is Format.github:
            err(
                "Note: `plan --format github` is deprecated: use `--format markdown` "
                "(`github` is the annotations of `validate --format github`)."
            )
            fmt = Format.markdown
        run, wiki_url = compute(
            directory,
            url,
            force=force,
            targets=tuple(target or ()),
            changed_since=changed_since,
            check_public_state=verbose,
        )
        doc = render_json(run.plan, target=target_info(run, wiki_url), wikisync_version=__version__)
        if out is not None:
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_text(doc + "\n", encoding="utf-8")
            os.replace(tmp, out)
        if as_json:
            print(doc)
        elif fmt is Format.markdown:
            print(render_markdown(run.plan, directory=str(directory)))
        else:
            print(
                render_text(run.plan, color=use_color(no_color), directory=str(directory)), end=""
            )
        if summary_file is not None:
            with summary_file.open("a", encoding="utf-8") as fh:
                fh.write(render_markdown(run.plan, directory=str(directory)) + "\n")
        if out is not None and not as_json:
            err(f"Saved the plan to {out}. To apply exactly this plan, run: wikisync apply {out}")
        if run.plan.guard_violations:
            err("Error: a safety guard refuses this plan; `apply` will not run it:")
            for violation in run.plan.guard_violations:
                err(f"  - {shown(violation)}")
            raise typer.Exit(EXIT_GUARD)
        if detailed_exitcode and run.plan.has_changes:
            raise typer.Exit(EXIT_CHANGES)
