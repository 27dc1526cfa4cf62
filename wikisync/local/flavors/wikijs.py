"""Wiki.js's own conventions, as its Git storage writes them (wikisync's behaviour before
flavors existed).

``index.md`` is its folder's page, ``README.md`` an ordinary page; the header keys are
Wiki.js's (``title``, ``description``, ``tags``, ``published``/``isPublished`` ...);
absolute links are wiki paths and are left as they are. Detected from a header Wiki.js's
Git storage wrote (``dateCreated`` and ``editor``), and the fallback of ``flavor: auto``
when no generator's files are found.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from wikisync.local.flavors.base import Flavor, Site, field_rules

__all__ = ["FLAVOR", "detect"]

_SCAN_FILES = 20
_HEAD_BYTES = 2048
_WRITER_KEYS = re.compile(r"^(?:dateCreated|editor):", re.MULTILINE)


def _first_files(content_dir: Path, limit: int) -> list[Path]:
    """The first ``limit`` Markdown files, folder by folder in name order (hidden skipped)."""
    found: list[Path] = []
    pending = [content_dir]
    while pending and len(found) < limit:
        folder = pending.pop(0)
        try:
            with os.scandir(folder) as entries:
                listed = sorted(entries, key=lambda e: e.name)
        except OSError:
            continue
        for entry in listed:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.name.endswith(".md") and len(found) < limit and _regular(entry):
                found.append(Path(entry.path))
    return found


def _regular(entry: os.DirEntry[str]) -> bool:
    """A regular file (also behind a link): never a FIFO or device, which would block."""
    try:
        return entry.is_file()
    except OSError:  # a link loop
        return False


def detect(content_dir: Path, top: Path) -> Site | None:
    """A Wiki.js Git-storage header in one of the first files of the directory."""
    for path in _first_files(content_dir, _SCAN_FILES):
        try:
            with path.open("rb") as fh:
                head = fh.read(_HEAD_BYTES).decode("utf-8", "replace")
        except OSError:
            continue
        header = head.split("\n---", 1)[0]
        if head.startswith("---\n") and len(_WRITER_KEYS.findall(header)) >= 2:
            rel = path.relative_to(content_dir).as_posix()
            return Site(origin=f"detected from the Wiki.js Git-storage header of {rel}")
    return None


FLAVOR = Flavor(
    name="wikijs",
    summary="Wiki.js's own Git-storage conventions",
    fields=field_rules(
        title=("title",),
        description=("description",),
        tags=("tags",),
        is_published=("published", "isPublished"),
        is_private=("private", "isPrivate"),
        editor=("editor",),
        publish_start_date=("publishStartDate",),
        publish_end_date=("publishEndDate",),
        script_css=("scriptCss",),
        script_js=("scriptJs",),
    ),
    known_keys=frozenset({"date", "dateCreated"}),
    fix_paths=False,
    # Trees without a generator's files get the common admonitions and alerts converted.
    dialect=(
        "admonition",
        "pymdownx-details",
        "docusaurus-admonitions",
        "docsy",
        "github-alerts",
        "mdx-statements",
    ),
    detect=detect,
    commonmark=False,
)
