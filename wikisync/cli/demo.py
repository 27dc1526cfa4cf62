"""`wikisync demo`: the whole flow against a local Wiki.js emulator, no wiki needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from wikisync.cli._common import err, fail

HELP = """Run plan, apply and plan again against a local Wiki.js emulator.

Starts `wikijs.testing.WikiJSEmulator` on 127.0.0.1 with a fresh, empty wiki, then runs
`wikisync plan`, `wikisync apply --auto-approve` and a second `wikisync plan` (which
shows no changes) on DIR (default: examples/site). Nothing outside this machine is
contacted."""

EXAMPLES = (
    "wikisync demo",
    "wikisync demo my-docs/ --keep   # leave the emulator running afterwards",
)


def demo(
    directory: Annotated[Path, typer.Argument(help="The content directory.", metavar="DIR")] = Path(
        "examples/site"
    ),
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the emulator running until Ctrl-C.")
    ] = False,
) -> None:
    from wikijs.testing import WikiJSEmulator

    if not directory.is_dir():
        fail(f"{directory}: no such directory (run from the repository root, or pass DIR)")
    with WikiJSEmulator() as emulator:
        env = {
            **os.environ,
            "WIKIJS_URL": emulator.url,
            "WIKIJS_API_KEY": emulator.api_key,
        }
        env.pop("WIKIJS_USERNAME", None)
        env.pop("WIKIJS_PASSWORD", None)
        err(f"Wiki.js emulator listening on {emulator.url}\n")
        steps = [
            ("plan", ["plan", str(directory)]),
            ("apply", ["apply", str(directory), "--auto-approve"]),
            ("plan again", ["plan", str(directory), "--detailed-exitcode"]),
        ]
        for title, args in steps:
            print(f"$ wikisync {' '.join(args)}", flush=True)
            code = subprocess.call([sys.executable, "-m", "wikisync", *args], env=env)
            print(flush=True)
            if code != 0:
                fail(f"`wikisync {title}` exited with {code}")
        if keep:
            err(f"The emulator keeps running on {emulator.url} (API key in WIKIJS_API_KEY):")
            print(emulator.api_key)
            err("Press Ctrl-C to stop.")
            try:
                import threading

                threading.Event().wait()
            except KeyboardInterrupt:
                pass
