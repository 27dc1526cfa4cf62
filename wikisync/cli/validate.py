"""`wikisync validate`: offline checks, no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from wikisync.cli._common import EXIT_ERROR, boundary, err
from wikisync.engine import load_directory
from wikisync.render import render_github_annotations

HELP = """Check a content directory without touching the network.

Reports every problem as FILE:LINE: message: malformed front matter, wrong types, paths
Wiki.js rejects or its UI cannot reach, duplicate targets (also by case or Unicode
normalisation, and x.md vs x/index.md), invisible characters in names, empty pages,
broken links, oversize files, symlinks leaving the directory, special files, unreadable
or non-UTF-8 files. Exits 1 when there are errors."""

EPILOG = """Examples:

  wikisync validate docs/

  wikisync validate docs/ --json | jq '.problems[]'

  wikisync validate docs/ --format github   # annotations for GitHub Actions"""


def validate(
    directory: Annotated[Path, typer.Argument(help="The content directory.")] = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print only JSON.")] = False,
    fmt: Annotated[
        str, typer.Option("--format", help="text, or github (workflow annotations).")
    ] = "text",
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    with boundary(debug):
        # Raises for a missing directory or a broken config; the problems come sorted.
        problems = list(load_directory(directory).problems)
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
            }
            print(json.dumps(doc, indent=2))
        elif fmt == "github":
            out = render_github_annotations(problems, limit=len(problems) or 1)
            if out:
                print(out)
        else:
            for problem in problems:
                print(f"{problem}" if problem.is_error else f"{problem} (warning)")
            files = len({p.source for p in errors})
            if errors:
                err(f"{len(errors)} error(s) in {files} file(s).")
            else:
                err(f"{directory}: no problems found.")
        if errors:
            raise typer.Exit(EXIT_ERROR)
