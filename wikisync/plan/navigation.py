"""wikisync's block in the wiki's navigation menu: computed from the files. Pure.

Wiki.js keeps one flat menu per locale (links, headers, dividers; no nesting), and
``navigation.updateTree`` replaces the menus of every locale at once. With ``navigation:``
in ``wikisync.yml``, wikisync owns one *block* of each locale's menu: a header with the
configured label and the links below it. Its items are recognised by their ids, which
start with ``id_prefix`` (``wikisync:<root>:``), so they are found again wherever
they are and whoever added items around them; every other item, and every locale
wikisync has no pages in, is kept exactly as it is.

* ``desired_block``: the block for one locale, from the ``LocalPage`` s;
* ``merge``: a locale's menu with the old block taken out and the new one placed
  (top, bottom, or after an item with a given id or label);
* ``plan_navigation``: the per-locale ``NavigationChange`` s for the plan, with
  counts and a readable diff, plus warnings (a mode that hides the menu);
* ``merged_tree``: the whole menu to write, from the menu read just before writing;
* ``existing_only``: the blocks again without the pages a run failed to create or move.

Labels are the pages' navigation titles (``nav_title``, else the title); a link's target
is the page's current wiki path (``/<locale>/<path>``), so links follow moves and renames.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from wikisync._names import shown
from wikisync.local.config import NavigationConfig
from wikisync.plan.model import LocalPage, NavigationChange, NavItem, NavMenu, state_page_path
from wikisync.plan.pages import unified_diff

__all__ = [
    "HIDDEN_MODES",
    "OWNED_KINDS",
    "NavigationPlan",
    "desired_block",
    "existing_only",
    "id_prefix",
    "menu_digest",
    "merge",
    "merged_tree",
    "owned",
    "plan_navigation",
]

HIDDEN_MODES = ("NONE", "TREE")
"""Navigation modes in which Wiki.js does not show the menu."""


def id_prefix(root: str) -> str:
    """The start of the id of every menu item wikisync owns for ``root``.

    ``wikisync:<root>:`` (``wikisync::`` for the whole wiki). Wiki paths cannot hold
    ``:``, so the block of one root never claims another root's items.
    """
    return f"wikisync:{root.strip('/')}:"


OWNED_KINDS = ("header", "link")
"""The kinds of item wikisync writes. An item of any other kind is never wikisync's,
whatever its id says: it is kept exactly as it is."""


def owned(item: NavItem, prefix: str) -> bool:
    """Whether ``item`` belongs to the block whose ids start with ``prefix``."""
    return item.kind in OWNED_KINDS and item.id.startswith(prefix)


def _header(item_id: str, label: str) -> NavItem:
    return NavItem(item_id, "header", label, "", "", "", "all", ())


def _link(item_id: str, label: str, target: str) -> NavItem:
    return NavItem(item_id, "link", label, "", "page", target, "all", ())


def _label(page: LocalPage) -> str:
    return page.nav_title or page.fields.title


def _folder_label(name: str) -> str:
    words = name.replace("-", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


@dataclass(frozen=True)
class _Entry:
    rel: str
    page: LocalPage
    key: tuple[Any, ...]


def _sort_key(page: LocalPage, rel: str, order: str) -> tuple[Any, ...]:
    files = tuple(rel.split("/")) if rel else ()
    if order == "nav" and page.nav_order is not None:
        return (0, page.nav_order, files)
    return (1, 0.0, files)


def desired_block(
    pages: Iterable[LocalPage], locale: str, root: str, config: NavigationConfig
) -> tuple[NavItem, ...]:
    """wikisync's block for ``locale``: empty when no page of that locale is under root."""
    root = root.strip("/")
    prefix = id_prefix(root)
    state_path = state_page_path(root)
    entries: list[_Entry] = []
    for page in pages:
        if page.locale != locale or page.path == state_path or not page.listed:
            continue
        if root and page.path != root and not page.path.startswith(root + "/"):
            continue
        rel = page.path[len(root) :].strip("/") if root else page.path
        entries.append(_Entry(rel, page, _sort_key(page, rel, config.order)))
    if not entries:
        return ()
    sections: dict[str, list[_Entry]] = {}
    loose: list[_Entry] = []
    for entry in entries:
        head, sep, _ = entry.rel.partition("/")
        if sep:
            sections.setdefault(head, []).append(entry)
    for entry in entries:
        if "/" in entry.rel:
            continue
        if entry.rel in sections:
            sections[entry.rel].append(entry)  # the section's own (index) page
        else:
            loose.append(entry)

    by_rel = {e.rel: e for e in entries}
    first_under: dict[str, tuple[Any, ...]] = {}  # folder -> the smallest key below it
    for entry in entries:
        parts = entry.rel.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            known = first_under.get(folder)
            if known is None or entry.key < known:
                first_under[folder] = entry.key

    def node_key(rel: str) -> tuple[Any, ...]:
        """A folder's place: its own page's (when it has an order), else its first page's."""
        own = by_rel.get(rel)
        if own is not None and (own.key[0] == 0 or config.order == "files"):
            return own.key
        under = first_under.get(rel)
        if under is not None:
            return under
        return own.key if own is not None else (1, 0.0, ())

    def nested_key(entry: _Entry) -> tuple[Any, ...]:
        """Pages of a sub-folder stay together, after the sub-folder's own page."""
        parts = entry.rel.split("/")
        return tuple(node_key("/".join(parts[: i + 1])) for i in range(1, len(parts)))

    def target(page: LocalPage) -> str:
        return f"/{page.locale}/{page.path}"

    def link(entry: _Entry) -> NavItem:
        return _link(f"{prefix}page:/{entry.rel}", _label(entry.page), target(entry.page))

    top: list[tuple[tuple[Any, ...], list[NavItem]]] = []
    for entry in loose:
        top.append((entry.key, [link(entry)]))
    for name, members in sections.items():
        index = next((e for e in members if e.rel == name), None)
        members.sort(key=lambda e: (e is not index, nested_key(e)))
        key = node_key(name)
        label = _label(index.page) if index is not None else _folder_label(name)
        if config.depth == "sections":
            first = index or members[0]
            items = [_link(f"{prefix}section:{name}", label, target(first.page))]
        else:
            items = [_header(f"{prefix}section:{name}", label), *(link(e) for e in members)]
        top.append((key, items))
    top.sort(key=lambda pair: pair[0])
    block = [_header(f"{prefix}menu", config.label)]
    for _, items in top:
        block.extend(items)
    return tuple(block)


def merge(
    items: Sequence[NavItem], block: Sequence[NavItem], prefix: str, config: NavigationConfig
) -> tuple[tuple[NavItem, ...], bool]:
    """``items`` with wikisync's old block taken out and ``block`` placed.

    A block already in the menu stays where it is (where its first item is), so items
    added by hand before and after it stay before and after it; ``position`` places a
    block the menu does not have yet. Returns ``(menu, found)``; ``found`` is False when
    ``position: after`` names an item the menu does not have (the block then goes at the
    bottom).
    """
    others = [item for item in items if not owned(item, prefix)]
    found = True
    current = _anchor(items, prefix)
    if current is not None:
        at = current
    elif config.position == "top":
        at = 0
    elif config.position == "after":
        wanted = config.after
        at = next((i + 1 for i, it in enumerate(others) if wanted in (it.id, it.label)), -1)
        if at < 0:
            found, at = False, len(others)
    else:
        at = len(others)
    return (*others[:at], *block, *others[at:]), found


def menu_digest(items: Sequence[NavItem]) -> str:
    """sha256 hex of a canonical JSON of ``items``."""
    canonical = json.dumps([asdict(i) for i in items], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _line(item: NavItem) -> str:
    """One item as a line of the plan's menu diff. Labels, targets and kinds come from
    whoever edited the menu: they are escaped, so a line break cannot forge plan lines
    and no escape sequence or bidi control reaches a terminal."""
    label = shown(item.label) if item.label is not None else ""
    if item.kind == "header":
        return f"## {label}"
    if item.kind == "divider":
        return "(divider)"
    if item.kind == "link":
        return f"- {label} {chr(0x2192)} {shown(item.target or '')}"
    return f"[{shown(item.kind)}] {label}"


def _longest_increasing(values: Sequence[int]) -> int:
    """Length of the longest strictly increasing subsequence of ``values``."""
    tails: list[int] = []
    for value in values:
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] < value:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(tails):
            tails.append(value)
        else:
            tails[lo] = value
    return len(tails)


def _anchor(items: Sequence[NavItem], prefix: str) -> int | None:
    """How many other items come before the first owned item (None: no owned item)."""
    for index, item in enumerate(items):
        if owned(item, prefix):
            return sum(1 for i in items[:index] if not owned(i, prefix))
    return None


def _change(
    locale: str, old: Sequence[NavItem], new: Sequence[NavItem], prefix: str
) -> NavigationChange:
    old_owned = {i.id: (n, i) for n, i in enumerate(x for x in old if owned(x, prefix))}
    new_owned = [i for i in new if owned(i, prefix)]
    common = [i for i in new_owned if i.id in old_owned]
    positions = [old_owned[i.id][0] for i in common]
    moved = len(common) - _longest_increasing(positions)
    if common and _anchor(old, prefix) != _anchor(new, prefix):
        moved = len(common)
    diff = unified_diff(
        "\n".join(_line(i) for i in old),
        "\n".join(_line(i) for i in new),
        old_label=f"navigation {locale} (wiki)",
        new_label=f"navigation {locale} (files)",
    )
    return NavigationChange(
        locale=locale,
        added=len(new_owned) - len(common),
        changed=sum(1 for i in common if old_owned[i.id][1] != i),
        moved=moved,
        removed=len(old_owned) - len(common),
        diff=diff,
        digest=menu_digest(new),
        remote_digest=menu_digest(old),
    )


@dataclass(frozen=True)
class NavigationPlan:
    """What the plan says about the menu, and the blocks apply places (by locale)."""

    blocks: Mapping[str, tuple[NavItem, ...]] = field(default_factory=dict)
    changes: tuple[NavigationChange, ...] = ()
    warnings: tuple[str, ...] = ()
    prefix: str = ""
    config: NavigationConfig | None = None
    root: str = ""
    pages: tuple[LocalPage, ...] = ()
    """The pages the blocks were built from."""


def plan_navigation(
    pages: Iterable[LocalPage],
    menus: Sequence[NavMenu],
    root: str,
    config: NavigationConfig,
    *,
    mode: str | None,
) -> NavigationPlan:
    """The menu changes that put the files' block into every locale's menu.

    Locales come from the pages (under root) and from the menus that hold wikisync's
    items (a locale without pages any more loses its block). ``mode`` is the wiki's
    navigation mode: NONE or TREE hide the menu, which is warned about.
    """
    pages = tuple(pages)
    prefix = id_prefix(root)
    current = {menu.locale: menu.items for menu in menus}
    locales = {p.locale for p in pages}
    locales |= {m.locale for m in menus if any(owned(i, prefix) for i in m.items)}
    blocks: dict[str, tuple[NavItem, ...]] = {}
    changes: list[NavigationChange] = []
    warnings: list[str] = []
    for locale in sorted(locales):
        block = desired_block(pages, locale, root, config)
        blocks[locale] = block
        old = current.get(locale, ())
        new, found = merge(old, block, prefix, config)
        if not found and block and _anchor(old, prefix) is None:
            warnings.append(
                f"navigation.after: the {locale} menu has no item with id or label "
                f"{config.after!r}; wikisync's block goes at the bottom"
            )
        if new != tuple(old):
            changes.append(_change(locale, old, new, prefix))
    if mode in HIDDEN_MODES:
        warnings.append(
            f"the wiki's navigation mode is {mode}, which does not show the menu: choose "
            "MIXED (the menu above the page tree) or STATIC (the menu only) in Administration "
            "> Navigation, or run `wikijs navigation mode MIXED`"
        )
    return NavigationPlan(blocks, tuple(changes), tuple(warnings), prefix, config, root, pages)


def existing_only(plan: NavigationPlan, missing: Iterable[tuple[str, str]]) -> NavigationPlan:
    """``plan`` with its blocks built again without the pages ``missing`` (locale, path
    keys): pages a run failed to create or to move there, which the menu must not link."""
    gone = set(missing)
    if plan.config is None or not gone:
        return plan
    pages = tuple(p for p in plan.pages if (p.locale, p.path) not in gone)
    blocks = {loc: desired_block(pages, loc, plan.root, plan.config) for loc in plan.blocks}
    return replace(plan, blocks=blocks, pages=pages)


def merged_tree(menus: Sequence[NavMenu], plan: NavigationPlan) -> tuple[NavMenu, ...] | None:
    """The whole menu to write: ``menus`` (read just now) with every planned block placed.

    Every other item and every other locale is kept as read; a locale that has no menu
    yet gets one after the others. ``None`` when nothing would change (no write).
    """
    if plan.config is None:
        return None
    out: list[NavMenu] = []
    seen: set[str] = set()
    for menu in menus:
        seen.add(menu.locale)
        block = plan.blocks.get(menu.locale)
        if block is None:
            out.append(menu)
            continue
        items, _ = merge(menu.items, block, plan.prefix, plan.config)
        out.append(NavMenu(menu.locale, items))
    for locale, block in sorted(plan.blocks.items()):
        if locale not in seen and block:
            out.append(NavMenu(locale, merge((), block, plan.prefix, plan.config)[0]))
    return tuple(out) if tuple(out) != tuple(menus) else None
