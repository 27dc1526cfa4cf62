"""The wiki side: the only part of wikisync that talks to Wiki.js (through the ``wikijs`` SDK).

In: a connected client. Out: what the wiki holds, as wikisync's own values
([`RemotePage`][wikisync.plan.model.RemotePage], assets, the navigation menu, the ownership
[`State`][wikisync.plan.model.State] and locks), and the writes that apply asks for.

* ``connect``: building the SDK client from the environment and options;
* ``remote``: reads and writes of pages, assets, the menu and the state files;
* ``state``: the ownership state's format (head, segments, locks), encoded and decoded.

``WikiError`` (the SDK's root error) and ``validate_path`` (the server's and its UI's path
rules) are re-exported for pull, which reads the wiki through this package only.
"""

from __future__ import annotations

from wikijs import validate_path
from wikisync.wiki.connect import WikiError

__all__ = ["WikiError", "validate_path"]
