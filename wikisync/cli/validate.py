"""`wikisync validate`: offline checks, no network."""

from __future__ import annotations

import enum
import json
import os
from pathlib import Path
from typing import Annotated

import typer

from wikisync._names import shown
from wikisync.ci.github import repository_path, repository_root
from wikisync.cli._common import EXIT_ERROR, boundary, err, fail
from wikisync.engine import load_directory
from wikisync.local.config import problem_settings
from wikisync.render import render_github_annotations, render_problems

HELP = """Check a content directory without touching the network.

Reports every problem as FILE:LINE: message: malformed front matter, wrong types, paths
Wiki.js rejects or its UI cannot reach, duplicate targets (also by case or Unicode
normalisation, and x.md vs x/index.md), invisible characters in names, empty pages,
broken links, oversize files, symlinks leaving the directory, special files, unreadable
or non-UTF-8 files, template syntax no transform converts (warnings). A code with many
problems is shown as one group: its count, ten examples and the setting that changes it.
--verbose lists every problem, the files left out because the site does not publish them
(and why), and the content transforms that ran. Exits 1 when there are errors."""

EXAMPLES = (
    "wikisync validate docs/",
    "wikisync validate docs/ --json | jq '.problems[]'",
    "wikisync validate docs/ --format github   # annotations for GitHub Actions",
)


class Format(str, enum.Enum):
    text = "text"
    github = "github"


def validate(
    directory: Annotated[Path, typer.Argument(help="The content directory.", metavar="DIR")] = Path(
        "."
    ),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print only JSON on stdout (messages go to stderr).")
    ] = False,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="text, or github: GitHub workflow annotations (`::error file=…,line=…::`) "
            "with paths relative to the repository.",
        ),
    ] = Format.text,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="List every problem (not grouped), the files left out because the site "
            "does not publish them and why, and the content transforms that ran.",
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    with boundary(debug):
        if as_json and fmt is not Format.text:
            fail(f"--json and --format {fmt.value} both choose the output: pass one of them")
        # Raises for a missing directory or a broken config; the problems come sorted.
        loaded = load_directory(directory)
        if loaded.flavor is not None:
            err(loaded.flavor.describe())
        problems = list(loaded.problems)
        errors = [p for p in problems if p.is_error]
        if as_json:
            doc = {
                "problems": [
                    {
                        "source": p.source,
                        "line": p.line,
                        "message": p.message,
                        "code": p.code,
                        "severity": p.severity,
                    }
                    for p in problems
                ],
                "errors": len(errors),
                "warnings": len(problems) - len(errors),
                "left_out": [{"source": s, "reason": r} for s, r in loaded.left_out],
                "directory": os.path.relpath(loaded.directory, directory),
                "transforms": [
                    {
                        "name": t.name,
                        "description": t.description,
                        "files_changed": t.files_changed,
                    }
                    for t in loaded.transforms
                ],
            }
            print(json.dumps(doc, indent=2))
        elif fmt is Format.github:
            content = loaded.directory  # the content folder, given the project's root
            prefix = repository_path(content, repository_root(content, os.environ))
            out = render_github_annotations(problems, limit=len(problems) or 1, prefix=prefix)
            if out:
                print(out)
        else:
            settings = problem_settings(loaded.flavor)
            for line in render_problems(problems, settings, every=verbose):
                print(line)
            if loaded.left_out and verbose:
                err(f"Left out ({len(loaded.left_out)}), as the site does not publish them:")
                for source, reason in loaded.left_out:
                    err(f"  {shown(source)}: {reason}")
            elif loaded.left_out:
                noun = "file" if len(loaded.left_out) == 1 else "files"
                err(
                    f"Left out {len(loaded.left_out)} {noun} the site does not publish "
                    "(--verbose lists them and why)."
                )
            if verbose:
                err(
                    f"Transforms ({len(loaded.transforms)}):"
                    if loaded.transforms
                    else "Transforms: none"
                )
                for stat in loaded.transforms:
                    noun = "file" if stat.files_changed == 1 else "files"
                    err(f"  {stat.name}: {stat.description} ({stat.files_changed} {noun} changed)")
            files = len({p.source for p in errors})
            warnings = len(problems) - len(errors)
            if errors:
                err(f"{len(errors)} error(s) in {files} file(s).")
            elif warnings:
                err(f"{directory}: no errors; {warnings} warning(s) above.")
            else:
                err(f"{directory}: no problems found.")
        if errors:
            raise typer.Exit(EXIT_ERROR)
