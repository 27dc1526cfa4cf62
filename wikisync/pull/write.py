"""The wiki -> files direction: ``wikisync pull`` writes wiki pages into a content directory.

Which pages
    The pages wikisync manages under ``root`` (those in its state), or with ``all_pages``
    every page under ``root``. wikisync's own state page never.

Which file a page becomes
    The file a local page file already maps to that page, else the file the state recorded
    for it, else the inverse of the usual mapping (``wikisync.local.source.page_key``):
    ``<root>/guide/install`` -> ``guide/install.md`` (``.html`` for pages written with the
    ckeditor or code editor), a leading ``<locale>/`` folder for locales other than the
    default one (the locale must be listed in ``locales``), ``index.md`` for ``root``
    itself and ``home.md`` for ``home`` when ``root`` is ``""``. A page and its children
    live side by side (``guide.md`` and ``guide/``). Whatever the choice, the file must
    map back to exactly that page and be selected by ``include``/``exclude``.

What a file that exists becomes
    Only the values that differ from the wiki's change (see [`merge_page_file`][wikisync.pull.write.merge_page_file]):
    each goes into the key the file already uses for it ([`FieldKeys`][wikisync.pull.write.FieldKeys]; Wiki.js's
    keys by default), every other key, its order, comments and quoting stay, and the body
    is replaced only when the content differs. A page the wiki did not change leaves its
    file byte-identical. A header that cannot be edited in place is written anew, as a
    new file's.

What a new file holds
    A header Wiki.js's Git storage also reads, in the order it writes: ``title``,
    ``description``, ``published``, ``tags`` (``a, b``), ``editor``; then ``isPublished:
    false`` for an unpublished page (Wiki.js's importer reads only that key),
    ``private``, ``publishStartDate``, ``publishEndDate``, ``scriptCss``, ``scriptJs``
    when they are set. Values are quoted whenever YAML would read them differently
    (a title ``A: B`` becomes ``title: "A: B"``), so both Wiki.js and wikisync read them
    back exactly. Markdown files have the header between ``---`` lines, ``.html`` files
    inside ``<!--`` ``-->``. Then a blank line and the page content as the wiki holds it.

    Links to pulled (or already local) pages, ``/en/handbook/setup#x``, become relative
    file links, ``../setup.md#x``, and links to known assets (recorded in the state, or a
    local file at the asset's path) become relative links to the local file; but only when
    reading the file back gives exactly the wiki's content, so ``wikisync plan`` right
    after a pull reports no changes.

Assets
    A managed asset (recorded in the state) that a pulled page links to and whose file the
    directory lacks is downloaded to the file it was uploaded from, so the links can be
    relative and the next apply neither uploads nor prunes it. Other assets are not
    pulled; links to them stay as they are.

Safety
    A page whose path would make a file outside the directory or one that some system
    cannot hold is refused and reported, and nothing is written for it: ``..`` or ``.``
    segments, absolute paths, empty segments, backslashes, NUL and control characters,
    names over 255 bytes, names Windows reserves (``CON``, ``NUL``, ``COM1`` ...), names
    ending in a dot or a space, paths the wiki's UI cannot open, and two pages whose files
    differ only in case (also from a file already in the directory). Files are written
    atomically (a temporary file in the same folder, then a rename), never through a
    symbolic link leaving the directory. A file that exists with other content is only
    overwritten when git holds it as it is (committed, unmodified); otherwise, or outside
    git, it is kept unless ``force``. A file that already says what the page holds (as
    ``wikisync plan`` compares them, and without a wiki value it lacks) is left as it is,
    whatever its header looks like.

It is one module because choosing files, checking them and writing them are one safety
decision per page; header merging lives in ``wikisync.pull.frontmatter``.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal
from urllib.parse import unquote

from wikisync._names import has_surrogate, name_key, shown, unsafe_name_character
from wikisync.ci.gitinfo import open_repo
from wikisync.errors import SourceError
from wikisync.local.config import Config
from wikisync.local.fields import MAX_FIELD_CHARS
from wikisync.local.flavors import DEFAULT_FLAVOR, ActiveFlavor
from wikisync.local.frontmatter import (
    WIKIJS_FIELD_KEYS,
    FieldKeys,
    KeyAlias,
    negate,
)
from wikisync.local.markdown.links import (
    PAGE_EXTENSIONS,
    default_asset_url,
    iter_link_destinations,
    rewrite_links,
    to_relative_links,
)
from wikisync.local.source import load_source, page_key
from wikisync.plan.model import (
    LocalPage,
    RemotePage,
    State,
    normalize_content,
)
from wikisync.plan.pages import plan
from wikisync.pull.frontmatter import (
    flavor_field_keys,
    merge_page_file,
    page_file_text,
    yaml_value,
)
from wikisync.wiki import WikiError, validate_path
from wikisync.wiki.remote import Remote, in_scope

__all__ = [
    "WIKIJS_FIELD_KEYS",
    "FieldKeys",
    "KeyAlias",
    "PullItem",
    "PullReport",
    "file_for_page",
    "flavor_field_keys",
    "merge_page_file",
    "negate",
    "page_file_text",
    "pull",
    "unsafe_file_path",
    "yaml_value",
]

_MAX_NAME_BYTES = 255
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HTML_EDITORS = frozenset({"ckeditor", "code"})

PullAction = Literal["create", "update", "unchanged", "kept", "refused"]


def unsafe_file_path(rel: str) -> str | None:
    """Why the relative path ``rel`` must not be written, or ``None`` when it is safe."""
    if not rel:
        return "the file name is empty"
    if rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
        return "it is an absolute path"
    if "\\" in rel:
        return "it contains a backslash"
    if _CONTROL.search(rel):
        return "it contains NUL or control characters"
    invisible = unsafe_name_character(rel)
    if invisible is not None:
        return invisible.replace("; rename the file", "")
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            shown = part or "an empty"
            return f"it has a {shown!r} segment" if part else "it has an empty segment ('//')"
        if len(part.encode("utf-8")) > _MAX_NAME_BYTES:
            return f"a file or folder name is over {_MAX_NAME_BYTES} bytes"
        if _WINDOWS_RESERVED.match(part):
            return f"{part!r} is a name Windows reserves for a device"
        if part.endswith((".", " ")):
            return f"{part!r} ends in a dot or a space"
    return None


def _page_extension(page: RemotePage) -> str | None:
    editor = page.editor or ("markdown" if page.content_type == "markdown" else None)
    if editor == "markdown":
        return ".md"
    if editor in _HTML_EDITORS:
        return ".html"
    return None


def file_for_page(page: RemotePage, config: Config) -> tuple[str | None, str]:
    """The file a page becomes by the inverse of the usual mapping: ``(file, "")``, or
    ``(None, reason)`` when no file maps back to it."""
    extension = _page_extension(page)
    if extension is None:
        return (
            None,
            f"pages written with the {page.editor or page.content_type} editor have no file form wikisync reads",
        )
    root = config.root
    if page.path == root or (not root and page.path == "home"):
        rest = "index" if root else "home"
    elif root and page.path.startswith(root + "/"):
        rest = page.path[len(root) + 1 :]
    elif not root:
        rest = page.path
    else:
        return None, f"it is outside root {root!r}"
    if page.locale != config.locale:
        if page.locale not in config.all_locales:
            return None, (
                f"its locale {page.locale!r} is not in `locales` of wikisync.yml; add it to "
                "pull this page"
            )
        rest = f"{page.locale}/{rest}"
    return rest + extension, ""


def _check_file(
    file: str,
    page: RemotePage,
    config: Config,
    keys: Mapping[str, tuple[str, str]] | None = None,
) -> str | None:
    unsafe = unsafe_file_path(file)
    if unsafe is not None:
        return unsafe
    key = (keys or {}).get(file) or page_key(file, config)
    if key != page.key:
        mapped = "/".join(key)
        return f"{file} would map back to /{mapped}, not to this page"
    if not config.is_included(file):
        return f"{file} is left out by include/exclude in wikisync.yml"
    problems = validate_path(page.path)
    if problems:
        return f"the wiki's UI cannot open this path ({'; '.join(problems)})"
    return None


def _display(locale: str, path: str) -> str:
    """A page as shown in messages: control characters escaped, very long paths cut."""
    return _display_path(f"/{locale}/{path}")


def _display_path(text: str) -> str:
    escaped = shown(text)
    if len(escaped) > 120:
        escaped = f"{escaped[:100]}... ({len(text.encode('utf-8'))} bytes)"
    return escaped


# -- the local directory -------------------------------------------------------------------


@dataclass
class _Local:
    """What the content directory holds now (regular files and folders, no hidden ones)."""

    base: Path
    files: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)

    @classmethod
    def scan(cls, base: Path) -> _Local:
        local = cls(base)
        if not base.is_dir():
            return local
        stack = [""]  # an explicit stack: a tree of any depth, no recursion
        while stack:
            rel_top = stack.pop()
            prefix = rel_top + "/" if rel_top else ""
            try:
                entries = sorted(
                    os.scandir(base / rel_top if rel_top else base), key=lambda e: e.name
                )
            except OSError:
                continue
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                rel = prefix + entry.name
                try:
                    is_dir = entry.is_dir()  # as os.walk: a link to a folder is a folder,
                    descend = is_dir and not entry.is_symlink()  # not walked into
                except OSError:
                    continue
                if is_dir:
                    local.folders.add(rel)
                    if descend:
                        stack.append(rel)
                else:
                    local.files.add(rel)
        return local


# -- the pull --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PullItem:
    """One page (or asset file) and what the pull does (or did) with it.

    ``action`` is ``create`` (a new file), ``update`` (a file with other content),
    ``unchanged``, ``kept`` (a local file with changes git does not hold, not overwritten
    without ``force``) or ``refused`` (``reason`` says why; nothing written). For
    ``kind="asset"`` (a managed asset a pulled page links to, missing locally) ``path``
    is the served path and ``locale`` is empty.
    """

    locale: str
    path: str
    page_id: int
    file: str | None
    action: PullAction
    reason: str = ""
    text: str | None = field(default=None, repr=False)
    kind: Literal["page", "asset"] = "page"

    @property
    def where(self) -> str:
        """What is pulled, as shown in messages (control characters escaped, long cut)."""
        if self.kind == "asset":
            return _display_path("/" + self.path)
        return _display(self.locale, self.path)


@dataclass(frozen=True)
class PullReport:
    """What a pull wrote (or, with ``dry_run``, would write)."""

    items: tuple[PullItem, ...]
    notes: tuple[str, ...] = ()
    dry_run: bool = False

    def count(self, action: PullAction) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def ok(self) -> bool:
        return not self.count("refused") and not self.count("kept")

    def summary_line(self) -> str:
        written = self.count("create") + self.count("update")
        verb = "would write" if self.dry_run else "written"
        head = "Pull (dry run):" if self.dry_run else "Pull complete!"
        return (
            f"{head} {written} {verb}, {self.count('unchanged')} unchanged, "
            f"{self.count('kept')} kept, {self.count('refused')} refused."
        )


def _choose_files(
    pages: Iterable[RemotePage],
    state: State,
    config: Config,
    local: _Local,
    keys: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[dict[int, str], list[PullItem]]:
    """A file for every page that can have one; refusals for the others.

    ``keys`` maps the directory's page files to the pages they hold as loaded (so the
    flavor's rules, such as ``slug``, apply); other files map by their name."""
    keys = keys or {}
    local_keys: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rel in sorted(local.files):
        if rel in keys:
            local_keys[keys[rel]].append(rel)
        elif rel.lower().endswith(PAGE_EXTENSIONS) and config.is_included(rel):
            local_keys[page_key(rel, config)].append(rel)
    files: dict[int, str] = {}
    refused: list[PullItem] = []
    for page in pages:
        unstorable = _unstorable(page)
        if unstorable is not None:
            refused.append(PullItem(page.locale, page.path, page.id, None, "refused", unstorable))
            continue
        candidates: list[str] = []
        existing = local_keys.get(page.key, [])
        if len(existing) == 1:
            candidates.append(existing[0])
        entry = state.pages.get(page.id)
        if entry is not None:
            candidates.append(entry.source)
        derived, why = file_for_page(page, config)
        if derived is not None:
            candidates.append(derived)
        reason = why or "no file name fits this page"
        for candidate in candidates:
            problem = _check_file(candidate, page, config, keys)
            if problem is None:
                files[page.id] = candidate
                break
            reason = problem
        else:
            refused.append(PullItem(page.locale, page.path, page.id, None, "refused", reason))
    return files, refused


def _unstorable(page: RemotePage) -> str | None:
    """Why no file can hold ``page`` so that it plans back: a title or description that
    Wiki.js would refuse to store (over 255 characters), or text no UTF-8 file can hold."""
    for name in ("title", "description"):
        value = getattr(page, name) or ""
        if len(value) > MAX_FIELD_CHARS:
            return (
                f"its {name} is {len(value):,} characters; Wiki.js stores {MAX_FIELD_CHARS} at "
                "most, so a file holding it could not be applied back (shorten it in the wiki)"
            )
        if has_surrogate(value):
            return f"its {name} holds an unpaired surrogate, which no UTF-8 file can hold"
    return None


def _case_collisions(files: Mapping[int, str], local: _Local) -> dict[int, str]:
    """Pages whose file (or one of its folders) differs from another only in case or
    Unicode normalisation (``café`` precomposed and decomposed)."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for rel in (*local.files, *local.folders, *files.values()):
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            spellings[name_key(prefix)].add(prefix)
    out: dict[int, str] = {}
    for page_id, rel in files.items():
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            twins = sorted(spellings[name_key(prefix)] - {prefix})
            if twins:
                same_letters = all(t.casefold() == prefix.casefold() for t in twins)
                how = "case" if same_letters else "case or Unicode normalisation"
                out[page_id] = (
                    f"{prefix} and {', '.join(twins)} differ only in {how} (one file on Windows and macOS)"
                )
                break
    return out


def _with_relative_links(
    page: RemotePage,
    file: str,
    files_by_key: Mapping[tuple[str, str], str],
    assets: Mapping[str, str],
    config: Config,
    exists: set[str],
    folders: set[str],
) -> tuple[str, str | None]:
    """The content to write, and a note when reading it back would not give the wiki's."""
    assert page.content is not None
    html = file.lower().endswith(".html")
    keys_by_file = {f: k for k, f in files_by_key.items()}
    folder = config.assets_folder

    def forward(text: str) -> str:
        return rewrite_links(
            text,
            source=file,
            pages=keys_by_file,
            asset_url=lambda rel: default_asset_url(rel, folder),
            file_exists=lambda rel: rel in exists,
            dir_exists=lambda rel: rel in folders,
            html=html,
        ).content

    wanted = normalize_content(page.content)
    converted = to_relative_links(
        page.content,
        page.path,
        page.locale,
        pages=files_by_key,
        locales=config.all_locales,
        default_locale=config.locale,
        source=file,
        html=html,
        assets=assets,
    )
    if converted != page.content and normalize_content(forward(converted)) == wanted:
        return converted, None
    if normalize_content(forward(page.content)) == wanted:
        return page.content, None
    return page.content, (
        f"{file}: a relative link in this page would be rewritten on the next plan, which "
        "will then show it as changed"
    )


def _known_assets(state: State, files: set[str], config: Config) -> dict[str, str]:
    """Served asset paths that a local file stands for (so links can point to it)."""
    found: dict[str, set[str]] = defaultdict(set)
    for entry in state.assets.values():
        if entry.source in files:
            found[entry.path].add(entry.source)
    for rel in files:
        if rel.lower().endswith(PAGE_EXTENSIONS) or rel == "wikisync.yml":
            continue
        path = default_asset_url(rel, config.assets_folder).lstrip("/").replace("%20", " ")
        found[path].add(rel)
    return {path: next(iter(files)) for path, files in found.items() if len(files) == 1}


def _write_atomic(base: Path, rel: str, data: bytes) -> None:
    """Write ``base/rel`` through a temporary file in the same folder and a rename."""
    target = base / rel
    parent = target.parent
    _make_folders_inside(base, rel)
    if target.is_symlink():
        raise OSError(f"{rel}: is a symbolic link; not written through")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:64]}.", suffix=".wikisync-tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _make_folders_inside(base: Path, rel: str) -> None:
    """Create the folders of ``base/rel`` one at a time, each checked to be inside ``base``
    before anything is created in it: a symbolic link leading out is refused before a
    folder could be made on the other side."""
    base.mkdir(parents=True, exist_ok=True)
    base_real = os.path.realpath(base)
    folder = base
    for name in rel.split("/")[:-1]:
        folder = folder / name
        if os.path.lexists(folder):
            real = os.path.realpath(folder)
            if real != base_real and not real.startswith(base_real + os.sep):
                raise OSError(
                    f"{rel}: its folder leads outside {base} (symbolic link); not written"
                )
            if not os.path.isdir(folder):
                raise OSError(f"{rel}: {folder.relative_to(base).as_posix()} is not a folder")
            continue
        folder.mkdir()


def _linked_paths(pages: Iterable[RemotePage]) -> set[str]:
    """Absolute link targets in the pages' content, as paths without ``/``, query or anchor."""
    found: set[str] = set()
    for page in pages:
        html = (page.editor or "") in _HTML_EDITORS
        for _, _, destination in iter_link_destinations(page.content or "", html=html):
            target = destination.strip()
            if target.startswith("/") and not target.startswith("//"):
                cut = re.split(r"[?#]", target, maxsplit=1)[0]
                found.add(unquote(cut).strip("/"))
    return found


def _assets_to_fetch(
    pages: Iterable[RemotePage], state: State, local: _Local, taken: Iterable[str]
) -> tuple[list[PullItem], list[PullItem]]:
    """Managed assets the pages link to whose files the directory lacks: (fetch, refused)."""
    linked = _linked_paths(pages)
    taken_folded = {rel.casefold() for rel in (*local.files, *local.folders, *taken)}
    fetch: list[PullItem] = []
    refused: list[PullItem] = []
    for path, entry in sorted(state.assets.items()):
        if path not in linked or entry.source in local.files:
            continue
        if entry.source.startswith("../"):
            continue  # a file of the generator's static folder, outside the directory
        item = PullItem("", path, 0, entry.source, "create", kind="asset")
        problem = unsafe_file_path(entry.source)
        if problem is None and entry.source.casefold() in taken_folded:
            problem = f"{entry.source} differs only in case from another file"
        if problem is not None:
            refused.append(replace(item, file=None, action="refused", reason=problem))
            continue
        taken_folded.add(entry.source.casefold())
        fetch.append(item)
    return fetch, refused


def pull(
    directory: str | os.PathLike[str],
    remote: Remote,
    config: Config,
    *,
    all_pages: bool = False,
    force: bool = False,
    dry_run: bool = False,
    keys: FieldKeys | None = None,
) -> PullReport:
    """Write the managed pages (``all_pages``: every page under ``root``) into ``directory``.

    Reads one page list, the state and the selected pages' full records; writes nothing
    when ``dry_run``. ``keys`` says which header key holds each field in files that
    exist (default: the active flavor's mapping, [`flavor_field_keys`][wikisync.pull.write.flavor_field_keys]).
    See the module docstring for names, format and safety rules.
    """
    base = Path(directory)
    notes: list[str] = []
    snapshot = remote.snapshot()
    state = snapshot.loaded.state
    if snapshot.loaded.problem:
        notes.append(f"ignoring the stored state ({snapshot.loaded.problem})")
    listed = [p for p in snapshot.pages if in_scope(p.path, config.root)]
    chosen = listed if all_pages else [p for p in listed if p.id in state.pages]
    if not all_pages and not chosen:
        notes.append(
            "wikisync manages no pages under this root yet; use --all to pull every page under it"
        )
    full = remote.fetch_full(p.id for p in chosen)
    pages = [full[p.id] for p in chosen if p.id in full]
    missing = [p for p in chosen if p.id not in full]
    for page in missing:
        notes.append(f"{_display(page.locale, page.path)} could not be read; not pulled")

    local = _Local.scan(base)
    current, flavor = _current_pages(base, config)
    if any(p.soft_breaks for p in current.values()):
        # compare with the wiki's pages as a plan would: soft breaks joined if it shows them
        linebreaks = remote.shows_line_breaks()
        shown = True if linebreaks is None else linebreaks
        current = {rel: p.for_wiki(shown) for rel, p in current.items()}
    if keys is None:
        keys = flavor_field_keys(flavor.flavor if flavor is not None else DEFAULT_FLAVOR)
    loaded_keys = {rel: p.key for rel, p in current.items()}
    files, items = _choose_files(pages, state, config, local, loaded_keys)
    for page_id, reason in _case_collisions(files, local).items():
        page = full[page_id]
        items.append(
            PullItem(page.locale, page.path, page.id, files.pop(page_id), "refused", reason)
        )
    by_id = {p.id: p for p in pages}
    fetch, refused_assets = _assets_to_fetch(
        (by_id[i] for i in files), state, local, files.values()
    )
    items.extend(refused_assets)

    files_by_key: dict[tuple[str, str], str] = {}
    for rel in sorted(local.files):
        if rel in loaded_keys:
            files_by_key.setdefault(loaded_keys[rel], rel)
        elif rel.lower().endswith(PAGE_EXTENSIONS) and config.is_included(rel):
            files_by_key.setdefault(page_key(rel, config), rel)
    for page_id, rel in files.items():
        files_by_key[by_id[page_id].key] = rel
    fetched = {item.file for item in fetch if item.file}
    exists = set(local.files) | set(files.values()) | fetched
    folders = set(local.folders)
    for rel in (*files.values(), *fetched):
        parts = rel.split("/")[:-1]
        folders.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    assets = _known_assets(state, exists, config)

    repo = open_repo(base) if base.is_dir() else None
    dirty = repo.dirty(r for r in files.values() if r in local.files) if repo else frozenset()
    for page_id, rel in sorted(files.items(), key=lambda kv: kv[1]):
        page = by_id[page_id]
        content, note = _with_relative_links(
            page, rel, files_by_key, assets, config, exists, folders
        )
        if note:
            notes.append(note)
        text = page_file_text(page, content)
        item = PullItem(page.locale, page.path, page.id, rel, "create", text=text)
        target = base / rel
        if rel in local.files or target.exists() or target.is_symlink():
            if target.is_symlink() or not target.is_file():
                items.append(replace(item, action="refused", reason=f"{rel} is not a regular file"))
                continue
            existing = target.read_bytes()
            merged = _merged(existing, page, content, current.get(rel), config, keys, flavor)
            if merged is not None:
                text = merged
                item = replace(item, text=text)
            elif _same_as_file(page, current.get(rel), config):
                text = existing.decode("utf-8", errors="surrogateescape")
            if existing == text.encode("utf-8", errors="surrogateescape"):
                items.append(replace(item, action="unchanged"))
                continue
            if not force and (repo is None or rel in dirty):
                why = (
                    "has changes git does not hold (modified or untracked)"
                    if repo is not None
                    else "exists with other content and is not in a git repository"
                )
                items.append(
                    replace(item, action="kept", reason=f"{rel} {why}; use --force to overwrite it")
                )
                continue
            item = replace(item, action="update")
        items.append(item)
    items.extend(fetch)

    if not dry_run:
        items = [_write_item(base, item, remote) for item in items]
    items.sort(key=lambda i: (i.kind, i.file or "", i.path, i.locale))
    return PullReport(tuple(items), tuple(notes), dry_run)


def _merged(
    existing: bytes,
    page: RemotePage,
    content: str,
    local: LocalPage | None,
    config: Config,
    keys: FieldKeys,
    flavor: ActiveFlavor | None,
) -> str | None:
    """The existing file with the wiki's changes written into it (see
    [`merge_page_file`][wikisync.pull.write.merge_page_file]), or ``None`` when it must be written anew."""
    if local is None or local.key != page.key:
        return None
    try:
        text = existing.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return merge_page_file(text, page, content, local, config, keys=keys, flavor=flavor)


def _current_pages(base: Path, config: Config) -> tuple[dict[str, LocalPage], ActiveFlavor | None]:
    """The pages the directory's files hold now, by file (nothing for a new directory),
    and the flavor they were read with."""
    if not base.is_dir():
        return {}, None
    try:
        result = load_source(base, config)
    except SourceError:
        return {}, None
    return {p.source: p for p in result.pages}, result.flavor


def _same_as_file(page: RemotePage, local: LocalPage | None, config: Config) -> bool:
    """Whether ``wikisync plan`` would find the file and the page equal (so the file, in
    whatever form it was written, is left as it is)."""
    if local is None or local.key != page.key:
        return False
    compared = plan([local], [page], State(root=config.root), config.plan_options())
    return not compared.changes


def _write_item(base: Path, item: PullItem, remote: Remote) -> PullItem:
    if item.action not in ("create", "update") or not item.file:
        return item
    try:
        if item.kind == "asset":
            data = remote.download_asset(item.path)
        else:
            assert item.text is not None
            data = item.text.encode("utf-8")
        _write_atomic(base, item.file, data)
    except (OSError, WikiError) as exc:
        return replace(item, action="refused", reason=str(exc))
    return item
