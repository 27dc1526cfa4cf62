"""`wikisync demo`: the whole flow against a local Wiki.js emulator, no wiki needed."""

from __future__ import annotations

import importlib.resources
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
shows no changes) on DIR (default: the example site that ships with wikisync, the
repository's examples/site). Nothing outside this machine is contacted."""

EXAMPLES = (
    "wikisync demo",
    "wikisync demo my-docs/ --keep   # leave the emulator running afterwards",
)


def example_site() -> Path:
    """The bundled example site: package data in a wheel, examples/site in a checkout."""
    packaged = importlib.resources.files("wikisync") / "_demo_site"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "examples" / "site"
    if checkout.is_dir():
        return checkout
    fail("the example site is missing from this installation: pass DIR")


def demo(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="The content directory (default: the bundled example site).",
            metavar="DIR",
            show_default=False,
        ),
    ] = None,
    keep: Annotated[
        bool, typer.Option("--keep", help="Keep the emulator running until Ctrl-C.")
    ] = False,
) -> None:
    from wikijs.testing import WikiJSEmulator

    if directory is None:
        directory = example_site()
    elif not directory.is_dir():
        fail(f"{directory}: no such directory")
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
