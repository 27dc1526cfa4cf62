"""The baseline: what teams write by hand before a sync tool.

A straightforward script (:func:`naive_sync`): for each file, one ``singleByPath``
lookup, then one ``create`` or ``update`` with everything the file says, over a plain
``requests`` session, one file after another. It rewrites every page on every run.

Both lanes start from an empty wiki with the real server's costs, capacity and race of
creates for a new tag, and sync the same corpus three times: the first sync, a re-run
with no change, and a re-run after one file changed. ``wikisync apply --auto-approve`` runs with its defaults.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import frontmatter
import requests

from bench._corpus import edit_files, write_corpus
from bench._harness import (
    REPO,
    LogWindow,
    Progress,
    Scale,
    apply_with_accounting,
    real_timings,
)
from wikijs.testing import TagRace, WikiJSEmulator
from wikisync.local.config import load_config
from wikisync.local.source import page_key

__all__ = ["LANES", "naive_sync", "run_baseline_lane"]

LANES = ("naive", "wikisync")

_LOOKUP = "query ($path: String!, $locale: String!) { pages { singleByPath(path: $path, locale: $locale) { id } } }"
_CREATE = """mutation ($content: String!, $description: String!, $editor: String!,
  $isPublished: Boolean!, $isPrivate: Boolean!, $locale: String!, $path: String!,
  $tags: [String]!, $title: String!) {
  pages { create(content: $content, description: $description, editor: $editor,
    isPublished: $isPublished, isPrivate: $isPrivate, locale: $locale, path: $path,
    tags: $tags, title: $title) { responseResult { succeeded message } } } }"""
_UPDATE = """mutation ($id: Int!, $content: String!, $description: String!, $editor: String!,
  $isPublished: Boolean!, $isPrivate: Boolean!, $locale: String!, $path: String!,
  $tags: [String]!, $title: String!) {
  pages { update(id: $id, content: $content, description: $description, editor: $editor,
    isPublished: $isPublished, isPrivate: $isPrivate, locale: $locale, path: $path,
    tags: $tags, title: $title) { responseResult { succeeded message } } } }"""


def naive_sync(directory: Path, url: str, api_key: str, *, root: str) -> dict[str, int]:
    """Sync every ``.md``/``.html`` file the straightforward way; returns what it sent."""
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {api_key}"})
    endpoint = f"{url}/graphql"
    counts = {"lookups": 0, "creates": 0, "updates": 0, "failures": 0}

    def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = session.post(endpoint, json={"query": query, "variables": variables})
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    for file in sorted(directory.rglob("*")):
        if file.suffix not in (".md", ".html"):
            continue
        post_ = frontmatter.loads(file.read_text(encoding="utf-8"))
        rel = file.relative_to(directory).with_suffix("").as_posix()
        path = f"{root}/{rel}" if root else rel
        tags = post_.get("tags") or []
        variables: dict[str, Any] = {
            "content": post_.content,
            "description": str(post_.get("description") or ""),
            "editor": "ckeditor" if file.suffix == ".html" else "markdown",
            "isPublished": bool(post_.get("published", True)),
            "isPrivate": False,
            "locale": "en",
            "path": path,
            "tags": [str(t) for t in tags] if isinstance(tags, list) else [],
            "title": str(post_.get("title") or file.stem),
        }
        found = post(_LOOKUP, {"path": path, "locale": "en"})
        counts["lookups"] += 1
        page = ((found.get("data") or {}).get("pages") or {}).get("singleByPath")
        if page:
            answer = post(_UPDATE, {"id": page["id"], **variables})
            counts["updates"] += 1
            node = answer["data"]["pages"]["update"]
        else:
            answer = post(_CREATE, variables)
            counts["creates"] += 1
            node = answer["data"]["pages"]["create"]
        if not node["responseResult"]["succeeded"]:
            counts["failures"] += 1
    session.close()
    return counts


def _naive_run(emulator: WikiJSEmulator, directory: Path, root: str) -> dict[str, Any]:
    window = LogWindow(emulator)
    started = time.perf_counter()
    counts = naive_sync(directory, emulator.url, emulator.api_key, root=root)
    wall = time.perf_counter() - started
    window.close()
    return {
        "wall_s": round(wall, 3),
        "requests": window.requests,
        "page_writes": window.count("pages.create", "pages.update"),
        "state_writes": 0,
        "writes": window.count("pages.create", "pages.update"),
        "pages_read": window.count("pages.singleByPath", "pages.single"),
        "failures": counts["failures"],
    }


def _wikisync_run(
    emulator: WikiJSEmulator, directory: Path, root: str, expected: set[str]
) -> dict[str, Any]:
    _, numbers = apply_with_accounting(emulator, directory, root=root, expected=expected)
    return numbers


def run_baseline_lane(lane: str, scale: Scale, workdir: Path, progress: Progress) -> dict[str, Any]:
    """Three syncs of one corpus by the naive script or by wikisync."""
    if lane not in LANES:
        raise ValueError(f"unknown baseline lane {lane!r}")
    corpus = write_corpus(workdir / f"baseline-{lane}", scale.naive_pages, seed=5)
    config = load_config(corpus.directory)
    runs: dict[str, Any] = {}
    with WikiJSEmulator(timings=real_timings(scale.time_scale), tag_race=TagRace()) as emulator:
        for name in ("first_sync", "no_change", "one_file_changed"):
            expected: set[str] = set()
            if name == "first_sync":
                expected = {page_key(rel, config)[1] for rel in corpus.files}
            elif name == "one_file_changed":
                expected = {page_key(rel, config)[1] for rel in edit_files(corpus, 1)}
            progress(f"baseline {lane}: {name.replace('_', ' ')}")
            if lane == "naive":
                runs[name] = _naive_run(emulator, corpus.directory, corpus.root)
            else:
                runs[name] = _wikisync_run(emulator, corpus.directory, corpus.root, expected)
    return {"lane": lane, "pages": corpus.size, "runs": runs}


def real_server_reference() -> dict[str, Any] | None:
    """The naive loop measured on the real server (``tests/data/timings.json``), if present."""
    path = REPO / "tests" / "data" / "timings.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    reference = data.get("naive_sync_85_pages")
    return dict(reference) if isinstance(reference, dict) else None
