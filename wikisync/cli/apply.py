"""`wikisync apply`: plan (or load a saved plan), confirm, execute."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Annotated

import typer

from wikisync._names import shown
from wikisync.apply.run import apply_run, state_needs_write
from wikisync.cli._common import (
    EXIT_ERROR,
    boundary,
    check_plan_target,
    err,
    fail,
    interactive,
    load_content,
    make_client,
    setup_logging,
    state_key,
    use_color,
    warn_if_state_public,
    wiki_url,
)
from wikisync.cli._progress import make_reporter
from wikisync.cli.plan import report_problems
from wikisync.engine import check_saved_plan, make_plan
from wikisync.errors import GuardError, PlanFileError, SourceError
from wikisync.plan.model import Change
from wikisync.render import load_plan_json, render_text
from wikisync.wiki.remote import Remote

MAX_PLAN_BYTES = 64 * 1024 * 1024
"""The largest saved plan ``apply`` reads (a plan of 100,000 changes is about 40 MB)."""

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)

HELP = """Apply a directory (plan, confirm, execute) or a saved plan (exactly as saved).

With a directory, shows the plan and asks for `yes` on a terminal; elsewhere it needs
--auto-approve. A saved plan (from `plan --out`) counts as approval: apply re-checks that
the wiki and the files are as they were when it was made and refuses a stale plan with
exit code 3. Unchanged pages get no write. Up to --parallelism writes run at once; a
failed write does not stop the others unless --fail-fast; the run then ends with exit 1
and a re-run finishes the job."""

EXAMPLES = (
    "wikisync apply docs/",
    "wikisync apply docs/ --auto-approve --parallelism 8",
    "wikisync plan docs/ --out plan.json && wikisync apply plan.json",
)

MAX_PARALLELISM = 32


def _parallelism(value: int) -> int:
    if not 1 <= value <= MAX_PARALLELISM:
        raise typer.BadParameter(f"{value} is not between 1 and {MAX_PARALLELISM}")
    return value


def _page_label(change: Change) -> str:
    """``update en/handbook/guide (guide/index.md)``: the change, its page and its file."""
    source = f" ({change.source})" if change.source else ""
    return shown(f"{change.action} {change.locale}/{change.path}{source}")


def _confirm() -> bool:
    if not interactive():
        return False
    err("\nDo you want to perform these actions? Only 'yes' will be accepted to approve.")
    try:
        answer = input("  Enter a value: ")
    except EOFError:
        return False
    return answer.strip() == "yes"


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _is_plan_file(target: Path) -> bool:
    """Whether ``target`` is a saved plan (a regular file) or a content directory.

    Decided by what the path is (following symbolic links), never by its name: a folder
    called ``plan.json`` is a content directory. Anything else is an error.
    """
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        raise SourceError(f"{target}: no such file or directory") from None
    except OSError as exc:
        raise SourceError(f"{target}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        return False
    if stat.S_ISREG(mode):
        return True
    raise SourceError(
        f"{target}: is {_kind(mode)}; apply takes a content directory or a plan file "
        "saved by `wikisync plan --out`"
    )


def read_plan_file(target: Path) -> str:
    """The text of a saved plan: a regular file of at most `MAX_PLAN_BYTES`.

    Opened without blocking and checked again once open, so a file swapped for a FIFO
    or a device after the check cannot hang or flood the run.
    """
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise PlanFileError(f"{target}: cannot read the saved plan ({exc.strerror})") from exc
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fh.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PlanFileError(f"{target}: is {_kind(info.st_mode)}, not a saved plan")
        if info.st_size > MAX_PLAN_BYTES:
            raise PlanFileError(_too_large(target, info.st_size))
        data = fh.read(MAX_PLAN_BYTES + 1)
    if len(data) > MAX_PLAN_BYTES:
        raise PlanFileError(_too_large(target, len(data)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PlanFileError(
            f"{target}: not a wikisync plan file: not UTF-8 (byte {exc.start})"
        ) from None


def _too_large(target: Path, size: int) -> str:
    return (
        f"{target}: not a wikisync plan file: it has {size:,} bytes, more than the "
        f"{MAX_PLAN_BYTES // 1024 // 1024} MB a saved plan may have"
    )


def apply(
    target: Annotated[
        Path,
        typer.Argument(
            help="A content directory, or a plan saved with `plan --out FILE`.",
            metavar="DIR|PLAN",
        ),
    ] = Path("."),
    auto_approve: Annotated[
        bool, typer.Option("--auto-approve", help="Do not ask for confirmation.")
    ] = False,
    parallelism: Annotated[
        int,
        typer.Option(
            "--parallelism",
            metavar="N",
            callback=_parallelism,
            help=f"Writes in flight at once (1 to {MAX_PARALLELISM}).",
        ),
    ] = 4,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite pages edited in the wiki (conflicts).")
    ] = False,
    fail_fast: Annotated[
        bool, typer.Option("--fail-fast", help="Stop starting writes after the first failure.")
    ] = False,
    break_lock: Annotated[
        bool,
        typer.Option("--break-lock", help="Ignore a lock left by a crashed apply elsewhere."),
    ] = False,
    changed_since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REF",
            help="Apply only pages whose files changed since this git ref (and the pages "
            "their links touch), as `plan --changed-since` shows.",
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option("--url", metavar="URL", help="The wiki's address (default: $WIKIJS_URL)."),
    ] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colour.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log every request to stderr and show tracebacks.")
    ] = False,
) -> None:
    setup_logging(debug)
    with boundary(debug):
        saved = None
        info: dict[str, str] = {}
        directory = target
        if _is_plan_file(target):
            text = read_plan_file(target)
            try:
                saved, info = load_plan_json(text)
            except PlanFileError as exc:
                raise PlanFileError(f"{target}: {exc}") from exc
            directory = Path(info.get("dir") or ".")
        # Credentials go only to --url or WIKIJS_URL: a saved plan for another wiki is
        # refused here, before the first request.
        if saved is not None:
            url = wiki_url(url)
            check_plan_target(info, url, str(target))
        source = load_content(directory)
        with make_client(url) as client:  # checks the settings; no request yet
            report_problems(source)
            remote = Remote(
                client,
                root=source.config.root,
                locale=source.config.locale,
                state_key=state_key(),
            )
            if saved is not None:
                force = force or bool(info.get("force"))
            run = make_plan(
                source,
                remote,
                force=force,
                changed_since=changed_since or info.get("changed_since") or None,
            )
            for note in run.notes:
                err(f"Note: {shown(note)}")
            if saved is not None:
                check_saved_plan(saved, run)
            else:
                print(
                    render_text(run.plan, color=use_color(no_color), directory=str(directory)),
                    end="",
                )
            if run.plan.guard_violations:  # also when it refused the only changes
                raise GuardError(run.plan.guard_violations)
            visible = run.plan.has_changes or bool(run.plan.adopted)
            if not visible and not state_needs_write(run):
                warn_if_state_public(remote, source.config)
                if saved is not None:
                    print(f"No changes. The wiki matches {directory}.")
                return
            if saved is None and visible and not auto_approve and not _confirm():
                if not interactive():
                    fail("apply needs --auto-approve when it cannot ask (not a terminal)")
                err("Apply cancelled.")
                raise typer.Exit(EXIT_ERROR)
            with make_reporter() as reporter:
                report = apply_run(
                    run,
                    remote,
                    parallelism=parallelism,
                    fail_fast=fail_fast,
                    break_lock=break_lock,
                    reporter=reporter,
                )
            warn_if_state_public(remote, source.config)
        for note in report.notes:
            err(f"Note: {shown(note)}")
        failures = [r for r in report.results if r.status == "failed"]
        skipped = [r for r in report.results if r.status == "skipped"]
        for result in failures:
            err(f"Failed: {_page_label(result.change)}: {shown(result.error or '')}")
        for result in skipped:
            err(f"Skipped: {_page_label(result.change)}: {shown(result.error or '')}")
        for asset in report.asset_results:
            if asset.status != "ok":
                label = "Failed" if asset.status == "failed" else "Skipped"
                a = asset.change
                file = f" ({a.source})" if a.source else ""
                err(shown(f"{label}: {a.action} /{a.path}{file}: {asset.error}"))
        print(report.summary_line())
        assets_line = report.asset_summary_line()
        if assets_line:
            print(assets_line)
        menu_line = report.navigation_summary_line()
        if menu_line:
            print(menu_line)
        if report.failed or report.skipped:
            err("Run `wikisync apply` again to finish the job once the cause is fixed.")
            raise typer.Exit(EXIT_ERROR)
