"""The plan: the values wikisync computes with and the pure comparison that yields a plan.

In: desired pages (from ``wikisync.local``), the wiki's pages and the ownership state
(from ``wikisync.wiki``), as plain frozen values. Out: a frozen, deterministically sorted
[`Plan`][wikisync.plan.model.Plan]. Nothing here performs I/O.

* ``model``: the frozen values (pages, state, changes, the plan itself);
* ``pages``: ``plan()``, matching files to wiki pages and computing the changes;
* ``assets``: where linked files go in the asset library and what must be uploaded;
* ``navigation``: wikisync's block of the wiki's navigation menu.
"""

from __future__ import annotations

from wikisync.plan.pages import content_reads_needed, match_pages, plan

__all__ = ["content_reads_needed", "match_pages", "plan"]
