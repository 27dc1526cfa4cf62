"""``wikisync validate``: every offline check, without the network.

[`validate`][wikisync.validate.validate] reports every problem of a content directory at once (not only the first),
sorted by file and line:

* ``wikisync.yml``: unknown keys, wrong types, bad globs, a bad ``root``, secrets;
* front matter: invalid YAML, anchors/aliases or deep nesting, wrong types (with the key's
  line), both ``published`` and ``isPublished`` set differently; unknown keys (warning);
* paths: what Wiki.js refuses (``.``, spaces, ``\\``, ``//``) and what its web UI cannot
  open (reserved or locale-like first segments, dropped characters ...), per
  ``wikijs.validate_path``; a file mapping to wikisync's state page;
* two files for one page, also when the paths differ only in case, and ``x.md`` next to
  ``x/index.md``;
* links to missing files, to files ``include``/``exclude`` leave out, or outside the
  directory;
* files too large for the server's 5 MB request limit (estimated from the JSON-encoded
  write), assets over the 5 MB upload limit;
* symbolic links leaving the directory, dangling or looping;
* unreadable files, files that are not UTF-8, files with NUL bytes.
"""

from __future__ import annotations

from pathlib import Path

from wikisync.config import Config, load_config
from wikisync.errors import ConfigError, SourceError
from wikisync.model import Problem
from wikisync.source import load_source

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
