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

The block shows the site's structure: its top-level sections (the groups of its own
navigation, ``nav_section``, else its folders) become headers with the site's labels, and
their pages links below them in the site's order (``nav_order``), as deep as ``depth``
says; top-level pages come first, since a link after a header shows as part of it.
Labels are the pages' navigation titles (``nav_title``, else the title), told apart
within a section when two are the same; a link's target is the page's current wiki path
(``/<locale>/<path>``), so links follow moves and renames.
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


@dataclass
class _Group:
    """One section of the block: a folder or one of the site's navigation groups."""

    id: str
    label: str
    head: _Entry | None = None
    entries: list[_Entry] = field(default_factory=list)
    groups: dict[tuple[str, ...], _Group] = field(default_factory=dict)
    key: tuple[Any, ...] = ()

    def members(self) -> list[_Entry | _Group]:
        """Its pages and sub-sections in order, its own page first."""
        items: list[_Entry | _Group] = [*self.entries, *self.groups.values()]
        items.sort(key=_member_key)
        return [*([self.head] if self.head is not None else []), *items]

    def pages(self) -> list[_Entry]:
        """Every page in it, in order (sub-sections' pages after their own page)."""
        out: list[_Entry] = []
        for member in self.members():
            out.extend(member.pages() if isinstance(member, _Group) else [member])
        return out


def _member_key(member: _Entry | _Group) -> tuple[Any, ...]:
    if isinstance(member, _Entry):
        return (member.key, False, member.rel)
    return (member.key, True, member.id)


def _sort_key(page: LocalPage, rel: str, order: str) -> tuple[Any, ...]:
    files = tuple(rel.split("/")) if rel else ()
    if order == "nav" and page.nav_order is not None:
        return (0, page.nav_order, files)
    return (1, 0.0, files)


_Labelled = tuple[NavItem, str]
"""A menu item and the path that tells its label apart from another one's."""

_Chain = tuple[tuple[str, str], ...]
"""The sections a page is in, outermost first: ``(id, label)`` each."""


def _nav_chain(page: LocalPage) -> _Chain:
    section = page.nav_section or ()
    return tuple(("group:" + "/".join(section[: i + 1]), label) for i, label in enumerate(section))


def _chains(entries: Sequence[_Entry]) -> dict[str, tuple[_Chain, bool]]:
    """Each page's sections, and whether it is the last one's own page.

    A page the site's navigation places (``nav_section``) is in those groups; one that
    is its folder's page heads that folder's section there. Any other page is in its
    folders' sections, below the place of the nearest folder whose page is placed.
    """
    by_rel = {e.rel: e for e in entries}
    folders = {
        "/".join(e.rel.split("/")[:d]) for e in entries for d in range(1, e.rel.count("/") + 1)
    }
    placed: dict[str, tuple[_Chain, bool]] = {}
    for entry in entries:
        page = entry.page
        if page.nav_section is None:
            continue
        chain = _nav_chain(page)
        heads = page.nav_heads and bool(chain)
        if not heads and entry.rel in folders:
            chain, heads = (*chain, (f"section:{entry.rel}", _label(page))), True
        placed[entry.rel] = (chain, heads)

    def folder_chain(folder: str) -> _Chain:
        parts = folder.split("/")
        chain: _Chain = ()
        start = 0
        for depth in range(len(parts), 0, -1):
            known = placed.get("/".join(parts[:depth]))
            if known is not None:
                chain, start = known[0], depth
                break
        for depth in range(start + 1, len(parts) + 1):
            name = "/".join(parts[:depth])
            own = by_rel.get(name)
            label = _label(own.page) if own is not None else _folder_label(parts[depth - 1])
            chain = (*chain, (f"section:{name}", label))
        return chain

    out: dict[str, tuple[_Chain, bool]] = {}
    for entry in entries:
        if entry.rel in placed:
            out[entry.rel] = placed[entry.rel]
        elif entry.rel in folders:
            out[entry.rel] = (folder_chain(entry.rel), True)
        elif "/" in entry.rel:
            out[entry.rel] = (folder_chain(entry.rel.rsplit("/", 1)[0]), False)
        else:
            out[entry.rel] = ((), False)
    return out


def _place_groups(group: _Group, order: str) -> tuple[Any, ...]:
    """Give every group its place: its own page's (when that has an order), else its
    first page's."""
    keys = [e.key for e in group.entries]
    keys += [_place_groups(g, order) for g in group.groups.values()]
    head = group.head
    if head is not None and (head.key[0] == 0 or order == "files" or not keys):
        group.key = head.key
    else:
        group.key = min(keys) if keys else (1, 0.0, ())
    return group.key


def _distinct(items: list[_Labelled]) -> list[NavItem]:
    """The links of one section, with the labels that two of them share told apart by
    the shortest ends of their paths that differ (``Overview (navigation/overview)``)."""
    labels: dict[str, list[int]] = {}
    for index, (item, _) in enumerate(items):
        if item.kind == "link":
            labels.setdefault((item.label or "").casefold(), []).append(index)
    out = [item for item, _ in items]
    for same in labels.values():
        if len(same) < 2:
            continue
        paths = [items[i][1].split("/") for i in same]
        hints = ["/".join(p) for p in paths]
        for size in range(1, max(len(p) for p in paths) + 1):
            tails = ["/".join(p[-size:]) for p in paths]
            if len(set(tails)) == len(tails):
                hints = tails
                break
        for index, hint in zip(same, hints, strict=True):
            item = out[index]
            out[index] = replace(item, label=f"{item.label} ({hint or '/'})")
    return out


def desired_block(
    pages: Iterable[LocalPage], locale: str, root: str, config: NavigationConfig
) -> tuple[NavItem, ...]:
    """wikisync's block for ``locale``: empty when no page of that locale is under root.

    The site's top-level sections (its navigation groups, else its folders) become
    headers with their labels, their pages links below them in the site's order;
    ``config.depth`` says how deep (see ``NavigationConfig``).
    """
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
    top = _Group("menu", config.label)
    chains = _chains(entries)
    for entry in entries:
        chain, heads = chains[entry.rel]
        group = top
        for depth, (group_id, label) in enumerate(chain):
            path = tuple(i for i, _ in chain[: depth + 1])
            group = group.groups.setdefault(path, _Group(group_id, label))
        if heads and group.head is None:
            group.head = entry
        else:
            group.entries.append(entry)
    _place_groups(top, config.order)

    def target(page: LocalPage) -> str:
        return f"/{page.locale}/{page.path}"

    def link(entry: _Entry) -> _Labelled:
        item = _link(f"{prefix}page:/{entry.rel}", _label(entry.page), target(entry.page))
        return item, entry.rel

    def section_link(group: _Group) -> _Labelled:
        item = _link(f"{prefix}{group.id}", group.label, target(group.pages()[0].page))
        return item, group.id.split(":", 1)[1]

    def section(group: _Group) -> list[_Labelled]:
        items = [(_header(f"{prefix}{group.id}", group.label), "")]
        for inner in group.members():
            if isinstance(inner, _Entry):
                items.append(link(inner))
            elif config.depth == "sections":
                items.append(section_link(inner))
            else:
                items.extend(link(e) for e in inner.pages())
        return items

    members = top.members()
    block = [_header(f"{prefix}menu", config.label)]
    if config.depth == "top":
        block += _distinct([link(m) if isinstance(m, _Entry) else section_link(m) for m in members])
        return tuple(block)
    # No nesting in a Wiki.js menu: a link after a header shows as part of that section,
    # so the top-level pages come first, then each section. Labels are told apart within
    # each of those lists.
    block += _distinct([link(m) for m in members if isinstance(m, _Entry)])
    for member in members:
        if isinstance(member, _Group):
            block += _distinct(section(member))
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
