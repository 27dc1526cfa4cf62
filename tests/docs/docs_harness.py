"""Reading the documentation's code samples, and running them.

A page is Markdown with fenced code blocks. HTML comments written on the lines right
before a block (blank lines between them are allowed) are *directives* for the tests;
they are invisible in the rendered site:

``<!-- skip-test: REASON -->``
    do not run this block (for samples that need a real wiki or the package index).
``<!-- expect-exit: N -->``
    a ``bash`` block must end with exit code ``N`` (default 0).
``<!-- check: config -->`` / ``<!-- check: config-error message="..." -->``
    a ``yaml`` block is a ``wikisync.yml`` that must load (or must be refused with a
    message containing ``message``).
``<!-- check: page file=F [root=R] [locales=a,b] [default-locale=L] [flavor=N] [path=...] ... -->``
    a sample page file: it is written as ``F`` into an empty content directory (with the
    given settings) and loaded; ``path``, ``locale``, ``title``, ``description``,
    ``tags`` (comma-separated), ``published``, ``private``, ``editor`` and
    ``content-starts`` must match the page wikisync reads, and ``problem`` must be the
    text of a problem it reports (then the page may be refused).
``<!-- check: pytest -->``
    a ``python`` block is a pytest module: it is run by pytest (with the ``wikijs``
    plugin) in a subprocess and must pass.
``<!-- check: plan-file -->``
    a ``json`` block is a saved plan that ``wikisync apply`` can read.
``<!-- same-as: FILE -->``
    the block is a verbatim copy of ``FILE`` in the repository.

A page-level ``<!-- test-workspace: DEST=SRC ... -->`` copies repository paths into the
page's working directory before its first block runs.

``python`` blocks of one page run in order in one namespace; ``bash`` blocks run with
``bash -e -o pipefail``. Both run in the page's working directory with ``WIKIJS_URL``
and ``WIKIJS_API_KEY`` pointing at a fresh emulator; an ``export WIKIJS_...=`` line in a
``bash`` block whose value is a placeholder (``https://wiki.example.com``, ``...``) is given
the emulator's value instead.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from virtual_time import child_pythonpath

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

#: Pages whose samples other suites own (benchmarks, reliability drills).
NOT_RUN_HERE = frozenset({"performance.md", "reliability.md"})

RUNNABLE = frozenset({"python", "bash"})
KNOWN_DIRECTIVES = frozenset({"skip-test", "expect-exit", "check", "same-as"})

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})(?P<lang>[\w+-]*)[^\n`]*$")
_DIRECTIVE = re.compile(r"^[ \t]*<!--\s*(?P<name>[a-z-]+)\s*(?::\s*(?P<args>.*?))?\s*-->[ \t]*$")
_WORKSPACE = re.compile(r"<!--\s*test-workspace:\s*(?P<args>.*?)\s*-->")
_EXPORT = re.compile(
    r"^(?P<indent>[ \t]*)export (?P<name>WIKI(?:JS|SYNC)_[A-Z_]+)=(?P<value>.*)$", re.MULTILINE
)
#: Values that stand for "your wiki": ``https://wiki.example.com``, ``...``, ``<key>``.
_PLACEHOLDER = re.compile(r"example\.com|\.\.\.|<[^>]*>")


@dataclass(frozen=True)
class Directive:
    name: str
    value: str = ""

    def options(self) -> dict[str, str]:
        """``key=value`` words of the value (shell quoting), the first bare word as ``""``."""
        out: dict[str, str] = {}
        for word in shlex.split(self.value):
            key, sep, value = word.partition("=")
            if sep:
                out[key] = value
            else:
                out.setdefault("", key)
        return out


@dataclass(frozen=True)
class Block:
    page: str
    line: int
    lang: str
    code: str
    directives: tuple[Directive, ...] = ()

    @property
    def where(self) -> str:
        return f"docs/{self.page}:{self.line}"

    def directive(self, name: str) -> Directive | None:
        for item in self.directives:
            if item.name == name:
                return item
        return None


def pages() -> list[str]:
    """Every Markdown page under docs/, as posix paths relative to it."""
    return sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))


def parse_blocks(text: str, page: str) -> list[Block]:
    """The fenced code blocks of a page, with the directives written right before them."""
    lines = text.split("\n")
    blocks: list[Block] = []
    pending: list[Directive] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _DIRECTIVE.match(line)
        if directive:
            pending.append(Directive(directive.group("name"), directive.group("args") or ""))
            index += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            indent, ticks = fence.group("indent"), fence.group("ticks")
            body: list[str] = []
            end = index + 1
            closing = re.compile(rf"^[ \t]*{re.escape(ticks[0])}{{{len(ticks)},}}[ \t]*$")
            while end < len(lines) and not closing.match(lines[end]):
                body.append(lines[end])
                end += 1
            if end >= len(lines):
                raise ValueError(f"docs/{page}:{index + 1}: code block is never closed")
            code = textwrap.dedent("\n".join(body)) if indent else "\n".join(body)
            blocks.append(
                Block(page, index + 1, fence.group("lang").lower(), code + "\n", tuple(pending))
            )
            pending = []
            index = end + 1
            continue
        if line.strip():
            pending = []
        index += 1
    return blocks


def workspace_copies(text: str) -> dict[str, str]:
    """``DEST -> SRC`` of the page's ``test-workspace`` directives."""
    copies: dict[str, str] = {}
    for match in _WORKSPACE.finditer(text):
        for word in shlex.split(match.group("args")):
            dest, _, src = word.partition("=")
            copies[dest] = src or dest
    return copies


def prepare_workspace(workspace: Path, copies: Mapping[str, str]) -> None:
    for dest, src in copies.items():
        source = ROOT / src
        target = workspace / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)


# -- running -----------------------------------------------------------------------------


def _write_script(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@dataclass
class Shell:
    """Runs ``bash`` blocks with ``wikisync``, ``wikijs`` and ``python`` on the PATH."""

    workspace: Path
    wiki_env: Mapping[str, str]
    exports: Mapping[str, str]
    bin_dir: Path = field(init=False)

    def __post_init__(self) -> None:
        self.bin_dir = Path(tempfile.mkdtemp(prefix="docs-bin-"))
        python = shlex.quote(sys.executable)
        _write_script(self.bin_dir / "python", f'#!/bin/sh\nexec {python} "$@"\n')
        _write_script(self.bin_dir / "python3", f'#!/bin/sh\nexec {python} "$@"\n')
        _write_script(self.bin_dir / "wikisync", f'#!/bin/sh\nexec {python} -m wikisync "$@"\n')
        _write_script(
            self.bin_dir / "wikijs",
            f"#!/bin/sh\nexec {python} -c 'import sys; from wikijs.cli import main; "
            f'sys.argv[0] = "wikijs"; sys.exit(main())\' "$@"\n',
        )

    def close(self) -> None:
        shutil.rmtree(self.bin_dir, ignore_errors=True)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WIKIJS_", "WIKISYNC_"))}
        env.update(self.wiki_env)
        env["PATH"] = os.pathsep.join([str(self.bin_dir), env.get("PATH", "")])
        env["PYTHONPATH"] = child_pythonpath(*filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        env["CI"] = "true"  # progress as plain lines, no terminal UI
        env["NO_COLOR"] = "1"
        return env

    def script(self, code: str) -> str:
        """The block with every ``export WIKIJS_X=...`` given the emulator's value."""

        def real(match: re.Match[str]) -> str:
            name = match.group("name")
            if not _PLACEHOLDER.search(match.group("value")):
                return match.group(0)
            if name not in self.exports:
                raise AssertionError(f"the docs export {name}, which the tests cannot provide")
            return f"{match.group('indent')}export {name}={shlex.quote(self.exports[name])}"

        return _EXPORT.sub(real, code)

    def run(self, block: Block, timeout: float = 240.0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", self.script(block.code)],
            cwd=self.workspace,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def run_python(block: Block, namespace: dict[str, Any]) -> None:
    """Execute a python block; tracebacks point at the page and line of the docs."""
    source = "\n" * block.line + block.code
    exec(compile(source, str(DOCS / block.page), "exec"), namespace)


@dataclass(frozen=True)
class PageExpectations:
    """What a ``check: page`` directive says about a sample file."""

    file: str
    settings: dict[str, Any]
    expect: dict[str, str]


_SETTING_KEYS = {
    "root": "root",
    "locales": "locales",
    "default-locale": "locale",
    "flavor": "flavor",
}
_EXPECT_KEYS = frozenset(
    {
        "path",
        "locale",
        "title",
        "description",
        "tags",
        "published",
        "private",
        "editor",
        "content-starts",
        "problem",
    }
)


def page_expectations(directive: Directive) -> PageExpectations:
    options = directive.options()
    options.pop("", None)  # the check's kind, "page"
    file = options.pop("file", "")
    if not file:
        raise AssertionError("check: page needs file=NAME")
    settings: dict[str, Any] = {}
    expect: dict[str, str] = {}
    for key, value in options.items():
        if key in _SETTING_KEYS:
            settings[_SETTING_KEYS[key]] = value.split(",") if key == "locales" else value
        elif key in _EXPECT_KEYS:
            expect[key] = value
        else:
            raise AssertionError(f"check: page does not know {key!r}")
    return PageExpectations(file, settings, expect)


def iter_page_blocks() -> Iterator[tuple[str, list[Block]]]:
    for page in pages():
        text = (DOCS / page).read_text(encoding="utf-8")
        yield page, parse_blocks(text, page)
