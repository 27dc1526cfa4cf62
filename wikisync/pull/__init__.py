"""Pull: the wiki's pages in, files in a content directory out (the inverse of apply).

In: the wiki (through ``wikisync.wiki``) and a content directory. Out: page files written
atomically, front matter merged into what the files already hold, links made relative
again, and a [`PullReport`][wikisync.pull.write.PullReport].
"""

from __future__ import annotations

from wikisync.pull.write import PullItem, PullReport, pull

__all__ = ["PullItem", "PullReport", "pull"]
