"""``python -m wikijs.testing``: run the Wiki.js emulator until Ctrl-C / SIGTERM."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from wikijs.testing._emulator import WikiJSEmulator
from wikijs.testing._faults import Fault
from wikijs.testing._timing import REAL_SERVER_TIMINGS, TagRace, TreeRace

DESCRIPTION = """\
Serve a Wiki.js 2.5.314-compatible API (POST/GET /graphql, POST /u uploads, asset
downloads, GET /healthz) on loopback, with in-memory or file-backed state.

Prints the URL on the first line and the full-access API key alone on the third line
(send it as "Authorization: Bearer <key>"), then serves until interrupted."""

EPILOG = """\
faults (repeatable --fault), comma-separated key=value settings:
  429,retry_after=2,operation=pages.create,nth=3   HTTP 429 on the 3rd create
  status=503,fraction=0.1,seed=1                   503 on ~10% of requests
  drop,when=after,operation=pages.update           run the 1st update, then hang up
  drop,when=before,max_count=2                      hang up on the first two requests
  slow,delay=5,fraction=0.1,seed=1                 answer ~10% of requests 5 s late
settings: kind, status, retry_after, when, delay, operation, request_kind, nth,
fraction, seed, max_count (see wikijs.testing.Fault).

examples:
  python -m wikijs.testing --port 3000
  python -m wikijs.testing --port 3000 --state wiki.json --api-key dev-key
  python -m wikijs.testing --profile real --tree-race-fraction 0.0625
  python -m wikijs.testing --profile real --no-tag-race"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m wikijs.testing",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=3000, help="port (default 3000; 0 = any free port)"
    )
    parser.add_argument(
        "--state", metavar="FILE", help="keep the wiki in this JSON file (survives restarts)"
    )
    parser.add_argument(
        "--api-key", metavar="KEY", help="accept this string as a full-access API key"
    )
    parser.add_argument(
        "--admin-password", metavar="PASSWORD", help="password of admin@example.com"
    )
    parser.add_argument(
        "--locales",
        default="en,fr,de",
        help="installed locales, default first (default en,fr,de)",
    )
    parser.add_argument(
        "--profile",
        choices=["instant", "real"],
        default="instant",
        help="'real': the real server's write costs and capacity (create 1.56 s alone) "
        "and its race of concurrent creates for a new tag",
    )
    parser.add_argument(
        "--fault", action="append", default=[], metavar="SPEC", help="inject a fault (see below)"
    )
    race = parser.add_mutually_exclusive_group()
    race.add_argument(
        "--tree-race-nth",
        type=int,
        metavar="N",
        help="the Nth overlapping create answers the rebuild-tree error",
    )
    race.add_argument(
        "--tree-race-fraction",
        type=float,
        metavar="F",
        help="this fraction of overlapping creates answer the rebuild-tree error",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for --tree-race-fraction")
    parser.add_argument(
        "--tag-race",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="overlapping creates that carry a tag the wiki lacks race for it: the losers "
        "answer UniqueViolationError and are created without tags (default: on with "
        "--profile real, off otherwise)",
    )
    return parser


def tag_race_of(args: argparse.Namespace) -> TagRace | None:
    """The new-tag race: on with ``--profile real`` unless ``--no-tag-race``."""
    on = args.profile == "real" if args.tag_race is None else bool(args.tag_race)
    return TagRace() if on else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        faults = [Fault.parse(spec) for spec in args.fault]
    except ValueError as exc:
        parser.error(str(exc))
    race = None
    if args.tree_race_nth is not None:
        race = TreeRace(nth=args.tree_race_nth, max_count=None)
    elif args.tree_race_fraction is not None:
        race = TreeRace(fraction=args.tree_race_fraction, seed=args.seed)
    emulator = WikiJSEmulator(
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        state_file=args.state,
        locales=[loc.strip() for loc in args.locales.split(",") if loc.strip()],
        timings=REAL_SERVER_TIMINGS if args.profile == "real" else None,
        tree_race=race,
        tag_race=tag_race_of(args),
        faults=faults,
        admin_password=args.admin_password,
    )
    stop = threading.Event()

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    # Both stop the same way, between requests. Installed even where SIGINT came in ignored
    # (a background job of a shell without job control), so Ctrl-C / kill -INT always work.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        emulator.start()
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    try:
        print(f"Wiki.js emulator listening on {emulator.url}", flush=True)
        print("API key:", flush=True)
        print(emulator.api_key, flush=True)
        print(f"Admin login: {emulator.admin_email} / {emulator.admin_password}", flush=True)
        print("Press Ctrl-C to stop.", file=sys.stderr, flush=True)
        while not stop.wait(0.25):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
