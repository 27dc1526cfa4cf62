"""Helpers for the reliability tests: the real CLI in a subprocess, a seeded wiki, checks.

Everything runs against :class:`wikijs.testing.WikiJSEmulator` over loopback. The CLI
runs as ``python -m wikisync`` in a child process, exactly as a user or CI runs it, so a
test can kill it, run two at once, or read every byte it writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from virtual_time import child_pythonpath

from wikijs.testing import PageRecord, WikiJSEmulator

ROOT = Path(__file__).resolve().parents[2]
STATE_PAGE = "handbook/_wikisync-state"
"""Where wikisync keeps its state for ``root: handbook`` (the root every test uses)."""

_ISOLATED = ("WIKIJS_", "WIKISYNC_", "GITHUB_", "INPUT_", "RUNNER_")


# -- running the CLI ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def __str__(self) -> str:  # shown by pytest when an assert on a result fails
        return (
            f"$ wikisync {' '.join(self.args)}  -> exit {self.returncode}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


def base_env(**extra: str) -> dict[str, str]:
    """The environment of a child CLI: no inherited wiki or CI settings, this checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(_ISOLATED) and k not in {"CI", "NO_COLOR", "PYTHONPATH"}
    }
    env["PYTHONPATH"] = child_pythonpath(ROOT)
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


#: The key the state is signed with in these tests (``WIKISYNC_STATE_KEY``).
STATE_KEY = "reliability-tests-state-key-0123456789"


def wiki_env(emulator: WikiJSEmulator, **extra: str) -> dict[str, str]:
    env = {"WIKISYNC_STATE_KEY": STATE_KEY, **extra}
    return base_env(WIKIJS_URL=emulator.url, WIKIJS_API_KEY=emulator.api_key, **env)


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "wikisync", *args]


def run_cli(
    *args: str | Path,
    env: Mapping[str, str],
    cwd: Path | None = None,
    timeout: float = 120.0,
) -> CliResult:
    argv = tuple(str(a) for a in args)
    proc = subprocess.run(
        cli_command(*argv),
        env=dict(env),
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )
    return CliResult(argv, proc.returncode, proc.stdout, proc.stderr)


def start_cli(
    *args: str | Path, env: Mapping[str, str], cwd: Path | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cli_command(*(str(a) for a in args)),
        env=dict(env),
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


def finish(proc: subprocess.Popen[str], args: Iterable[str], timeout: float = 120.0) -> CliResult:
    stdout, stderr = proc.communicate(timeout=timeout)
    return CliResult(tuple(args), proc.returncode, stdout, stderr)


# -- content directories -----------------------------------------------------------------------


def write_files(directory: Path, files: Mapping[str, str | bytes]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = directory / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return directory


def page_file(title: str, body: str, tags: Iterable[str] = ()) -> str:
    tag_list = ", ".join(tags)
    return f"---\ntitle: {title}\ntags: [{tag_list}]\n---\n{body}\n"


@dataclass(frozen=True)
class ExpectedPage:
    path: str
    title: str
    body: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    directory: Path
    pages: tuple[ExpectedPage, ...]


def numbered_site(directory: Path, count: int = 30, *, config: str | None = None) -> Site:
    """``count`` pages ``p00.md`` ... under ``root: handbook`` with ``prune: true``."""
    files: dict[str, str | bytes] = {
        "wikisync.yml": config or "root: handbook\nprune: true\nmax_delete: 5\n"
    }
    expected = []
    for i in range(count):
        name = f"p{i:02d}"
        tags = (f"t{i % 3}", "sync")
        files[f"{name}.md"] = page_file(f"Page {i}", f"Body of page {i}.", tags)
        expected.append(ExpectedPage(f"handbook/{name}", f"Page {i}", f"Body of page {i}.", tags))
    write_files(directory, files)
    return Site(directory, tuple(expected))


# -- arranging and inspecting the wiki ---------------------------------------------------------


OUTSIDE_ROOT: tuple[tuple[str, str], ...] = (
    ("home", "en"),
    ("handbook-archive/p01", "en"),  # shares the prefix, not the folder
    ("handbookx", "en"),
    ("Handbook/p01", "en"),  # paths are case-sensitive: not under "handbook"
    ("team/handbook/p01", "en"),
    ("archive/handbook", "fr"),
)


def seed_outside_root(emulator: WikiJSEmulator) -> dict[int, PageRecord]:
    """Pages no apply to ``root: handbook`` may touch, with every field set."""
    for i, (path, locale) in enumerate(OUTSIDE_ROOT):
        emulator.add_page(
            path,
            f"# Not managed {i}\n\nSame path tail as a managed page: p01.\n",
            locale=locale,
            title=f"Outside {i}",
            description="hand written",
            tags=["outside", f"o{i}"],
            is_private=False,
            script_css=".outside { color: red; }",
            script_js="console.log('outside');",
            publish_start_date="2020-01-01T00:00:00.000Z",
            publish_end_date="2030-01-01T00:00:00.000Z",
        )
    return outside_root(emulator)


def outside_root(emulator: WikiJSEmulator, root: str = "handbook") -> dict[int, PageRecord]:
    return {p.id: p for p in emulator.pages() if not under(p.path, root)}


def under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + "/")


def pages_under(emulator: WikiJSEmulator, root: str = "handbook") -> list[PageRecord]:
    """Pages under ``root``, wikisync's state page excluded."""
    return [
        p for p in emulator.pages() if under(p.path, root) and p.path != f"{root}/_wikisync-state"
    ]


def state_pages(emulator: WikiJSEmulator, root: str = "handbook") -> list[PageRecord]:
    return [p for p in emulator.pages() if p.path == f"{root}/_wikisync-state"]


def duplicated_paths(pages: Iterable[PageRecord]) -> list[tuple[str, str]]:
    counts = Counter((p.locale, p.path) for p in pages)
    return sorted(key for key, n in counts.items() if n > 1)


def state_files(emulator: WikiJSEmulator, root: str = "handbook") -> dict[str, bytes]:
    """The files in the state folder of ``root`` (head, segments, lock files)."""
    from wikisync.wiki.state import state_folder

    return emulator.asset_files("/".join(state_folder(root)))


def lock_files(emulator: WikiJSEmulator, root: str = "handbook") -> dict[str, bytes]:
    from wikisync.wiki.state import is_lock_name

    return {n: b for n, b in state_files(emulator, root).items() if is_lock_name(n)}


def stored_state(emulator: WikiJSEmulator, root: str = "handbook") -> Any:
    """The asset state as wikisync would read it (a :class:`wikisync.wiki.state.LoadedState`)."""
    import hashlib

    from wikisync.plan.model import State
    from wikisync.wiki.state import (
        HEAD_NAME,
        LoadedState,
        load_head,
        load_segment,
        merge_segments,
    )

    files = state_files(emulator, root)
    if HEAD_NAME not in files:
        return LoadedState(State(root=root))
    head = load_head(files[HEAD_NAME], root=root, key=STATE_KEY.encode())
    if isinstance(head, str):
        return LoadedState(State(root=root), problem=head)
    segments = []
    for segment in head.segments:
        parts = [files.get(f.name, b"") for f in segment.files]
        for file, data in zip(segment.files, parts, strict=True):
            if hashlib.sha256(data).hexdigest() != file.sha256:
                return LoadedState(State(root=root), problem=f"{file.name} does not match")
        segments.append(load_segment(parts))
    return LoadedState(
        merge_segments(head, segments), head=head, segments=tuple(segments), verified=True
    )


def state_document(emulator: WikiJSEmulator, root: str = "handbook") -> dict[str, Any]:
    """The stored state as one document: ``pages`` rows, ``assets``, ``serial``, and
    ``lock`` (the lock files left, ``None`` when there are none)."""
    loaded = stored_state(emulator, root)
    assert loaded.head is not None and loaded.problem is None, loaded.problem
    state = loaded.state
    locks = lock_files(emulator, root)
    return {
        "pages": [
            [e.page_id, e.locale, e.path, e.source, e.updated_at, e.digest, e.content_digest]
            for e in sorted(state.pages.values(), key=lambda e: e.page_id)
        ],
        "assets": sorted(state.assets),
        "serial": state.serial,
        "commit": state.commit,
        "lock": sorted(locks) or None,
        "segments": len(loaded.head.segments),
    }


def put_state_file(
    emulator: WikiJSEmulator, name: str, data: bytes, root: str = "handbook"
) -> None:
    """Upload ``data`` as ``name`` into the state folder (same name: replaced in place)."""
    from wikijs import WikiJSClient
    from wikisync.wiki.state import state_folder

    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        folder = client.assets.ensure_folder("/".join(state_folder(root)))
        client.assets.upload(data, filename=name, folder_id=folder)


def delete_state_file(emulator: WikiJSEmulator, name: str, root: str = "handbook") -> None:
    from wikijs import WikiJSClient
    from wikisync.wiki.state import state_folder

    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        folder = client.assets.ensure_folder("/".join(state_folder(root)))
        (asset,) = [a for a in client.assets.list(folder) if a.filename == name]
        client.assets.delete(asset.id)


def page_writes(emulator: WikiJSEmulator) -> list[str]:
    """The page writes in the request log (lock files and state files are assets)."""
    return [op for op in emulator.log.writes() if op.startswith("pages.")]


def managed_ids(emulator: WikiJSEmulator, root: str = "handbook") -> set[int]:
    return {int(row[0]) for row in state_document(emulator, root)["pages"]}


def missing_or_wrong(emulator: WikiJSEmulator, site: Site, locale: str = "en") -> list[str]:
    """How the wiki differs from ``site`` (empty when every page is there, once, as written)."""
    problems: list[str] = []
    under_root = pages_under(emulator)
    by_key: dict[tuple[str, str], list[PageRecord]] = {}
    for page in under_root:
        by_key.setdefault((page.locale, page.path), []).append(page)
    for want in site.pages:
        found = by_key.get((locale, want.path), [])
        if len(found) != 1:
            problems.append(f"{locale}/{want.path}: {len(found)} pages")
            continue
        page = found[0]
        if page.title != want.title:
            problems.append(f"{want.path}: title {page.title!r} != {want.title!r}")
        if page.content.strip() != want.body.strip():
            problems.append(f"{want.path}: content {page.content!r} != {want.body!r}")
        if sorted(page.tags) != sorted(want.tags):
            problems.append(f"{want.path}: tags {sorted(page.tags)} != {sorted(want.tags)}")
        if not page.is_published:
            problems.append(f"{want.path}: unpublished")
    return problems


@dataclass
class WriteWatcher:
    """Polls the emulator's request log: how many page writes it has seen."""

    emulator: WikiJSEmulator
    operations: tuple[str, ...] = ("pages.create", "pages.update", "pages.delete", "pages.move")
    seen: list[str] = field(default_factory=list)

    def count(self) -> int:
        return sum(1 for op in self.emulator.log.writes() if op in self.operations)

    def wait_for(self, n: int, timeout: float = 30.0) -> bool:
        return self.emulator.log.wait_for(lambda _: self.count() >= n, timeout)

    def settle(self, quiet: float, timeout: float = 30.0) -> None:
        """Wait until no request arrived for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        last = self.emulator.log.requests
        since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.02)
            now = self.emulator.log.requests
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return


def plan_in_process(directory: Path, emulator: WikiJSEmulator) -> Any:
    """The plan ``wikisync plan DIR`` would print, computed in this process (no child)."""
    from wikijs import WikiJSClient
    from wikisync.engine import load_directory, make_plan
    from wikisync.wiki.remote import Remote

    source = load_directory(directory)
    assert not source.errors, source.errors
    with WikiJSClient(emulator.url, api_key=emulator.api_key, rate_limit=False) as client:
        remote = Remote(
            client,
            root=source.config.root,
            locale=source.config.locale,
            state_key=STATE_KEY.encode(),
        )
        return make_plan(source, remote).plan
