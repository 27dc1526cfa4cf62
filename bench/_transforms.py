"""Content transforms at scale: time linear in the size of the page and its nesting.

``python -m bench._transforms [--small]`` prints one JSON document:

* ``page_500_admonitions``: validate (``load_directory``: every check, the transforms
  included) of a 35 KB MkDocs page holding 500 admonitions; target under 0.2 s;
* ``mdx_imports_page`` and ``docusaurus_tips_page``: the same for a 33 KB page with 800
  MDX import lines and a 26 KB Docusaurus page of ``:::tip`` blocks;
* ``lines``: for each kind of admonition (MkDocs, Docusaurus, Docsy, blockquote alerts;
  closed, unclosed, nested), every built-in transform run over 20,000 and over 200,000
  lines of it, with the ratio of the two times (linear: about 10).

Times are the best of three runs in this process (one run with ``--small``). The tests assert outcomes and sizes
(``tests/wikisync/test_transforms.py``), never these times.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["BUILT_INS", "KINDS", "run_transforms"]

#: The built-in transform names (thin aliases of dialect extensions), all run in turn.
BUILT_INS = (
    "mkdocs-admonitions",
    "docusaurus-admonitions",
    "docsy-alerts",
    "blockquote-alerts",
    "mdx-imports",
    "unconverted-syntax",
)

#: Each kind of input, as a function of its number of lines.
KINDS: dict[str, Callable[[int], str]] = {
    "mkdocs": lambda n: '!!! note "Title"\n    The body.\n' * (n // 2),
    "mkdocs_openings": lambda n: "!!! note\n" * n,
    "docusaurus": lambda n: ":::tip Title\nThe body.\n:::\n" * (n // 3),
    "docusaurus_unclosed": lambda n: ":::note\n" * n,
    "docusaurus_closings": lambda n: ":::\n" * n,
    "docusaurus_nested": lambda n: ":::note\n" * (n // 2) + ":::\n" * (n // 2),
    "docsy": lambda n: '{{% alert title="T" %}}\nThe body.\n{{% /alert %}}\n' * (n // 3),
    "docsy_unclosed": lambda n: "{{% alert %}}\n" * n,
    "docsy_nested": lambda n: "{{< alert >}}\n" * (n // 2) + "{{< /alert >}}\n" * (n // 2),
    "blockquote_alerts": lambda n: "> [!NOTE]\n> The body.\n\n" * (n // 3),
    "blockquote_alert_openings": lambda n: "> [!WARNING]\n" * n,
    "mdx_imports": lambda n: "import Tabs from '@theme/Tabs';\n" * n,
}


def _best(work: Callable[[], object], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return round(min(times), 4)


def _page(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory


def _admonitions_page() -> str:
    parts = ["# Guide\n\n"]
    for index in range(500):
        parts.append(f'!!! note "Note {index}"\n    Body {index}.\n\n')
    text = "".join(parts)
    return text + "x" * max(0, 35_000 - len(text)) + "\n"


def _tips_page() -> str:
    block = ":::tip\nRemember this.\n:::\n\nSome text between.\n\n"
    return "# Tips\n\n" + block * (26_000 // len(block))


def _imports_page() -> str:
    return "".join(f"import Thing{i} from '@site/src/thing{i}';\n" for i in range(800)) + (
        "\n# Page\n\nText.\n"
    )


def run_transforms(workdir: Path, *, small: bool = False) -> dict[str, Any]:
    from wikisync.engine import load_directory
    from wikisync.local.transforms import TransformRun, load_transforms

    pages = {
        "page_500_admonitions": ("guide.md", _admonitions_page()),
        "mdx_imports_page": ("page.mdx", _imports_page()),
        "docusaurus_tips_page": ("tips.md", _tips_page()),
    }
    repeats = 1 if small else 3  # --small checks that it runs: one timing is enough
    doc: dict[str, Any] = {"name": "transforms"}
    for key, (name, text) in pages.items():
        folder = _page(workdir / key, name, text)
        if name.endswith(".mdx"):
            (folder / "wikisync.yml").write_text("flavor: docusaurus\n")
        doc[key] = {
            "bytes": len(text.encode()),
            "validate_s": _best(lambda folder=folder: load_directory(folder), repeats),  # type: ignore[misc]
        }
    doc["page_500_admonitions"]["target_s"] = 0.2

    run = TransformRun(load_transforms(BUILT_INS))
    small_n, large_n = (2_000, 20_000) if small else (20_000, 200_000)
    lines: dict[str, Any] = {}
    for kind, make in KINDS.items():
        row: dict[str, Any] = {}
        for n in (small_n, large_n):
            text = make(n)
            row[f"{n}_lines_s"] = _best(lambda text=text: run.run(text, "x.md"), repeats)  # type: ignore[misc]
        row["ratio"] = round(row[f"{large_n}_lines_s"] / max(row[f"{small_n}_lines_s"], 1e-4), 1)
        lines[kind] = row
    doc["lines"] = lines
    doc["lines_small"], doc["lines_large"] = small_n, large_n
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._transforms")
    parser.add_argument("--small", action="store_true", help="a tenth of the line counts")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="wikisync-transforms-") as tmp:
        print(json.dumps(run_transforms(Path(tmp), small=args.small), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
