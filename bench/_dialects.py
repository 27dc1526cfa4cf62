"""Dialect conversion at scale: time linear in the size of the page and its nesting.

``python -m bench --only dialects`` adds two results to the document, and
``python -m bench._dialects [--small]`` prints them alone:

* ``dialects_page_500_admonitions``: validate (``load_directory``: every check, the
  conversion included) of a 35 KB MkDocs page holding 500 admonitions; target under
  0.2 s;
* ``dialects_linear``: for each kind of construct (every callout, tab, details and include
  form of every extension; closed, unclosed and nested), the conversion of 20,000 and of
  200,000 lines of it, with the ratio of the two times: linear growth is a ratio of about
  10 (ok: under 15 for every kind).

Times are the best of three runs in this process (one run with ``--small``), the garbage collector paused during
each (as ``timeit`` does); the tests never assert them.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from bench._harness import Progress, Scale, result

__all__ = ["KINDS", "run_dialects_benchmark"]

_SNIPPET = "Included line one.\nIncluded line two.\n"

#: Each kind of input, as a function of its number of lines, and the extension reading it.
KINDS: dict[str, tuple[str, Callable[[int], str]]] = {
    "mkdocs_admonitions": ("admonition", lambda n: '!!! note "Title"\n    The body.\n' * (n // 2)),
    "mkdocs_openings": ("admonition", lambda n: "!!! note\n" * n),
    "mkdocs_nested": (
        "admonition",
        lambda n: "".join(f"{'    ' * (i % 40)}!!! note\n" for i in range(n)),
    ),
    "pymdownx_details": ("pymdownx-details", lambda n: "??? tip\n    Hidden.\n" * (n // 2)),
    "material_tabs": (
        "material-tabs",
        lambda n: '=== "A"\n    a\n=== "B"\n    b\n\nText.\n\n' * (n // 7),
    ),
    "pymdownx_blocks": ("pymdownx-blocks", lambda n: "/// note | T\nBody.\n///\n" * (n // 3)),
    "pymdownx_block_tabs": (
        "pymdownx-blocks",
        lambda n: "/// tab | A\na\n///\n/// tab | B\nb\n///\n" * (n // 6),
    ),
    "pymdownx_unclosed": ("pymdownx-blocks", lambda n: "/// warning\n" * n),
    "docusaurus": ("docusaurus-admonitions", lambda n: ":::tip Title\nThe body.\n:::\n" * (n // 3)),
    "docusaurus_unclosed": ("docusaurus-admonitions", lambda n: ":::note\n" * n),
    "docusaurus_closings": ("docusaurus-admonitions", lambda n: ":::\n" * n),
    "docusaurus_nested": (
        "docusaurus-admonitions",
        lambda n: ":::note\n" * (n // 2) + ":::\n" * (n // 2),
    ),
    "vitepress_containers": ("vitepress-containers", lambda n: "::: tip\nA tip.\n:::\n" * (n // 3)),
    "vitepress_code_groups": (
        "vitepress-containers",
        lambda n: (
            "::: code-group\n```sh [npm]\nnpm i\n```\n```sh [yarn]\nyarn\n```\n:::\n" * (n // 8)
        ),
    ),
    "github_alerts": ("github-alerts", lambda n: "> [!NOTE]\n> The body.\n\n" * (n // 3)),
    "github_alert_openings": ("github-alerts", lambda n: "> [!WARNING]\n" * n),
    "docsy_alerts": (
        "docsy",
        lambda n: '{{% alert title="T" %}}\nThe body.\n{{% /alert %}}\n' * (n // 3),
    ),
    "docsy_unclosed": ("docsy", lambda n: "{{% alert %}}\n" * n),
    "docsy_tabpanes": (
        "docsy",
        lambda n: (
            '{{< tabpane >}}\n{{% tab header="A" %}}\na\n{{% /tab %}}\n{{< /tabpane >}}\n'
            * (n // 5)
        ),
    ),
    "mdx_tabs": (
        "mdx",
        lambda n: '<Tabs>\n<TabItem value="a">\na\n</TabItem>\n</Tabs>\n' * (n // 5),
    ),
    "mdx_imports": ("mdx", lambda n: "import Tabs from '@theme/Tabs';\n" * n),
    "kramdown_callouts": ("kramdown-ial", lambda n: "{: .note }\nA note.\n\n" * (n // 3)),
    "hugo_inline": (
        "hugo-shortcodes",
        lambda n: 'See {{< figure src="a.png" >}} and {{< youtube abc >}}.\n' * n,
    ),
    "snippet_includes": ("pymdownx-snippets", lambda n: '--8<-- "snippet.md"\n' * (n // 2)),
    "left_as_text": ("hugo-shortcodes", lambda n: "{{< mine >}} and {{< other >}}\n" * n),
}


def _best(work: Callable[[], object], repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs, with the cyclic garbage collector off while one
    runs (as ``timeit`` does): its full collections walk every object alive, so with a
    large input held they would add time that grows faster than the input."""
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return round(min(times), 4)


def _admonitions_page() -> str:
    parts = ["# Guide\n\n"]
    for index in range(500):
        parts.append(f'!!! note "Note {index}"\n    Body {index}.\n\n')
    text = "".join(parts)
    return text + "x" * max(0, 35_000 - len(text)) + "\n"


def _measure(workdir: Path, small: bool) -> dict[str, Any]:
    from wikisync.engine import load_directory
    from wikisync.local.markdown.dialects import DialectContext, convert

    site = workdir / "dialects-page"
    (site / "docs").mkdir(parents=True, exist_ok=True)
    (site / "mkdocs.yml").write_text("site_name: Bench\n", encoding="utf-8")
    page = _admonitions_page()
    (site / "docs" / "guide.md").write_text(page, encoding="utf-8")
    loaded = load_directory(site / "docs")
    converted = next(p for p in loaded.pages if p.source == "guide.md").content
    repeats = 1 if small else 3  # --small checks that it runs: one timing is enough
    doc: dict[str, Any] = {
        "page_bytes": len(page.encode()),
        "page_callouts": converted.count("{.is-info}"),
        "page_validate_s": _best(lambda: load_directory(site / "docs"), repeats),
    }
    context = DialectContext("x.md", {"snippet.md": _SNIPPET}.get)
    small_n, large_n = (2_000, 20_000) if small else (20_000, 200_000)
    lines: dict[str, Any] = {}
    for kind, (extension, make) in KINDS.items():
        row: dict[str, Any] = {"extension": extension}
        for n in (small_n, large_n):
            text = make(n)
            row[f"{n}_lines_s"] = _best(partial(convert, text, (extension,), context), repeats)
        row["ratio"] = round(row[f"{large_n}_lines_s"] / max(row[f"{small_n}_lines_s"], 1e-4), 1)
        lines[kind] = row
    doc["lines"] = lines
    doc["lines_small"], doc["lines_large"] = small_n, large_n
    return doc


def run_dialects_benchmark(scale: Scale, workdir: Path, progress: Progress) -> list[dict[str, Any]]:
    """The two results (see the module docstring)."""
    small = scale.name != "full"
    progress("dialects: a 35 KB page of 500 admonitions, then each construct at two sizes")
    doc = _measure(workdir, small)
    ratios = sorted(row["ratio"] for row in doc["lines"].values())
    worst, median = ratios[-1], ratios[len(ratios) // 2]
    return [
        result(
            "dialects_page_500_admonitions",
            target="validate a 35 KB MkDocs page holding 500 admonitions: under 0.2 s",
            measured={
                "bytes": doc["page_bytes"],
                "callouts": doc["page_callouts"],
                "validate_s": doc["page_validate_s"],
            },
            ok=doc["page_validate_s"] < 0.2 and doc["page_callouts"] == 500,
        ),
        result(
            "dialects_linear",
            target=f"each construct of each dialect at {doc['lines_small']:,} and "
            f"{doc['lines_large']:,} lines: linear growth (a time ratio under 15 for a 10x "
            "larger input)",
            measured={"worst_ratio": worst, "median_ratio": median, "kinds": len(doc["lines"])},
            ok=worst < 15,
            details={"lines": doc["lines"]},
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench._dialects")
    parser.add_argument("--small", action="store_true", help="a tenth of the line counts")
    args = parser.parse_args(argv)
    scale = Scale.small() if args.small else Scale.full()
    with tempfile.TemporaryDirectory(prefix="wikisync-dialects-") as tmp:
        results = run_dialects_benchmark(scale, Path(tmp), Progress())
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
