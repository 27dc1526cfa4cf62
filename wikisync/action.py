"""``python -m wikisync.action``: the GitHub Action's entry point (``wikisync.ci.action``)."""

from __future__ import annotations

from wikisync.ci.action import main

if __name__ == "__main__":
    raise SystemExit(main())
