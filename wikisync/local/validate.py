"""``wikisync validate``: every offline check, without the network.

[`validate`][wikisync.local.validate.validate] reports every problem of a content directory at once (not only the first),
sorted by file and line:

* ``wikisync.yml``: unknown keys (with the nearest known one), wrong types, YAML tags,
  bad globs, a bad ``root``, locale codes Wiki.js cannot hold (upper case, too long),
  secrets; a settings file with a near-miss name (``wikisync.yaml``) and no
  ``wikisync.yml``;
* front matter: invalid YAML, alias bombs or deep nesting, wrong types (with the key's
  line), both ``published`` and ``isPublished`` set differently; unknown keys (warning);
* paths: what Wiki.js refuses (``.``, spaces, ``\\``, ``//``) and what its web UI cannot
  open (reserved or locale-like first segments, dropped characters ...), per
  ``wikijs.validate_path``; a file mapping to wikisync's state page;
* two files for one page, also when the paths differ only in case or Unicode
  normalisation, and ``x.md`` next to ``x/index.md``; control, bidi and zero-width
  characters in file and folder names;
* pages whose content is empty or only whitespace (Wiki.js refuses them);
* links to missing files, to files ``include``/``exclude`` leave out, or outside the
  directory;
* files too large for the server's 5 MB request limit (measured exactly as the SDK
  encodes the write: UTF-8 JSON), assets over the 5 MB upload limit;
* FIFOs, sockets and devices (a warning: skipped, never opened);
* symbolic links leaving the directory, dangling or looping;
* unreadable files, files that are not UTF-8, files with NUL bytes.
"""

from __future__ import annotations

from pathlib import Path

from wikisync.errors import ConfigError, SourceError
from wikisync.local.config import Config, load_config
from wikisync.local.source import load_source
from wikisync.plan.model import Problem

__all__ = ["validate"]


def validate(directory: str | Path, config: Config | None = None) -> list[Problem]:
    """Every problem of ``directory``, sorted by file and line (errors and warnings).

    Without ``config``, ``wikisync.yml`` is read from the directory; when it is invalid
    only its problems are returned (paths cannot be checked without it).
    """
    if config is None:
        try:
            config = load_config(directory)
        except ConfigError as exc:
            return sorted(exc.problems, key=Problem.sort_key)
    try:
        result = load_source(directory, config)
    except SourceError as exc:
        return [Problem(str(directory), None, str(exc), "source")]
    return list(result.problems)
