"""Files -> desired state: read a content directory into [`LocalPage`][wikisync.plan.model.LocalPage].

Which files are pages
    Files ending in ``.md`` or ``.html`` that ``include`` selects and ``exclude`` does not
    (see ``wikisync.local.config`` for the glob rules). Hidden files and folders (name starts
    with ``.``, so also ``.git/``) are skipped. A symbolic link is followed only while it
    stays inside the directory; one that leaves it, dangles or loops is a problem.

Which wiki path a file becomes
    The path relative to the directory, without its extension, under ``root``:
    ``guide/install.md`` -> ``<root>/guide/install``. A leading folder named after a
    configured locale (``locales``) sets the page's locale and is not part of the path:
    ``fr/guide/install.md`` -> locale ``fr``, ``<root>/guide/install``; other files get
    ``locale``. This is also how Wiki.js's own Git storage names files.

    ``index.md`` (or ``index.html``) stands for its folder: ``guide/index.md`` ->
    ``<root>/guide``; the top-level ``index.md`` -> ``<root>``, or ``home`` (Wiki.js's
    start page) when ``root`` is ``""``.

    ``README.md`` is an ordinary page (``guide/README.md`` -> ``<root>/guide/README``),
    as in Wiki.js's Git storage. Most repositories keep a top-level README about the
    repository itself: add ``README.md`` to ``exclude`` to leave it out.

    These are the ``wikijs`` flavor's rules. The active flavor (``wikisync.local.flavors``)
    decides which file is a folder's page (``README.md``, ``_index.md`` ...), which files
    are pages (``.mdx``), the path front matter sets (``slug``, ``id``, ``url``), the
    keys that set each field, the navigation title and order, how links resolve, and
    the body of an empty section page (the list of its children). Every file is read and
    split first, so a path set by front matter is known before any link is resolved.

    Case is kept: wiki paths are case-sensitive.

What a file says
    Front matter (see ``wikisync.local.frontmatter``) with (for the ``wikijs`` flavor) the
    keys ``title``,
    ``description``, ``tags`` (a list, or Wiki.js's ``a, b`` text), ``published`` or
    ``isPublished``, ``private`` or ``isPrivate``, ``editor`` (markdown|ckeditor|code),
    ``publishStartDate``, ``publishEndDate``, ``scriptCss``, ``scriptJs``. Wiki.js's own
    ``date`` and ``dateCreated`` are accepted and ignored; any other key is a warning, once
    per key with the number of files using it (``ignore_keys`` silences it). A key
    the file does not set keeps whatever the wiki has. Without a ``title`` the first
    ``# `` heading (``<h1>`` in HTML) is the title, else the last segment of the path.
    An ``.html`` file that does not name an ``editor`` is a ``ckeditor`` page.

Dialects and content transforms
    Before links are rewritten and the page's digest is computed, the content of each
    Markdown file is converted from its generator's dialect (the flavor's, or
    ``dialect:`` in ``wikisync.yml``; ``wikisync.local.markdown.dialects``), its includes
    expanded from the tree (recorded in ``LocalPage.includes``), then goes through the
    enabled transforms ([`wikisync.local.transforms`][wikisync.local.transforms];
    ``transforms:`` in ``wikisync.yml``, else the defaults): an unchanged file still
    gives the same page, so it makes no write.

A file with an error (unreadable, not UTF-8, NUL bytes, bad front matter, a path Wiki.js
refuses or cannot open, a name with control, bidi or zero-width characters, two files for
one page (names compared after NFC normalisation and case folding), the state page's
path, too large for the server, no content) is reported and left out of ``pages``. A
FIFO, socket or device, also behind a symbolic link, is never opened: it is skipped with
a warning. Folders are walked without recursion, so depth costs nothing but time. A broken link is reported too, but the page
is kept with that link left as written.

What the site publishes
    A generator's settings and front matter decide which files are pages at all
    (``Site.rules`` and ``Flavor.is_published``, with what folder pages cascade): a file
    the site does not publish is left out, without a problem, and listed in the result's
    ``left_out`` with why; a link to it stays as written, with a warning. Drafts become
    unpublished pages, unlisted pages stay out of navigation and section bodies.

What no generator refuses
    Under a generator's flavor (``Flavor.fix_paths``), characters Wiki.js refuses in a
    path become ``-`` (``safe_path``), with a ``path-renamed`` warning, and links follow;
    a page with only front matter gets a body (``Flavor.layout_body``, else its
    description or title, with an ``empty-content`` warning when no layout renders it).

It is one module because it is the one pass that turns read files into pages: walking lives
in ``wikisync.local.walk`` and front-matter fields in ``wikisync.local.fields``.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import hashlib
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from wikisync.errors import SourceError
from wikisync.local.config import Config, compile_glob, with_site_defaults
from wikisync.local.fields import (
    FieldRules,
    field_rules,
    path_key_problems,
    read_fields,
    read_page_fields,
)
from wikisync.local.flavors import DEFAULT_FLAVOR, ActiveFlavor, detect_flavor, git_top
from wikisync.local.flavors.base import Flavor, NavEntry, PathInput, Rule, Verdict
from wikisync.local.frontmatter import Header, HeaderValue, parse_page_text
from wikisync.local.markdown.dialects import SECTION_PAGES, DialectContext, convert
from wikisync.local.markdown.links import (
    LINK_CODES,
    PAGE_EXTENSIONS,
    LinkContext,
    asset_location,
    default_asset_url,
    rewrite_links,
)
from wikisync.local.markdown.parse import MarkdownScan, scan_markdown
from wikisync.local.markdown.shown import adapt, title_heading
from wikisync.local.transforms import (
    DEFAULT_TRANSFORMS,
    TransformRun,
    TransformStat,
    enabled_transforms,
    load_transforms,
)
from wikisync.local.walk import Walk, decode_text, walk_tree
from wikisync.plan.assets import asset_problems
from wikisync.plan.model import (
    LocalAsset,
    LocalPage,
    PageFields,
    Problem,
    content_digest,
    normalize_content,
    page_digest,
)

__all__ = [
    "MAX_REQUEST_BYTES",
    "SourceResult",
    "constructs_left_as_text",
    "links_left_broken",
    "load_source",
    "normalize_content",
    "page_key",
    "read_fields",
    "request_bytes",
]

MAX_REQUEST_BYTES = 5 * 1024 * 1024
"""Wiki.js's default JSON body limit (``bodyParserLimit: 5mb``; 6 MB was answered 413)."""

MAX_ASSET_BYTES = 5_242_880
"""The largest file Wiki.js accepts on ``POST /u``."""


@dataclass(frozen=True)
class SourceResult:
    """What a content directory holds: its pages, its problems, the assets pages use."""

    pages: tuple[LocalPage, ...]
    problems: tuple[Problem, ...]
    assets: tuple[LocalAsset, ...] = ()
    flavor: ActiveFlavor | None = None
    transforms: tuple[TransformStat, ...] = ()
    """The transforms that ran, with how many files' content each changed."""
    dialect: tuple[str, ...] = ()
    """The dialect extensions whose constructs were converted."""
    left_out: tuple[tuple[str, str], ...] = ()
    """Page files the site does not publish, with why: ``(file, reason)``, sorted."""

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def links_left_broken(problems: Iterable[Problem]) -> int:
    """How many links the pages keep as written because they name nothing (warnings)."""
    return sum(1 for p in problems if p.code in LINK_CODES and not p.is_error)


LEFT_AS_TEXT = "unconverted-syntax"
"""The problem code of a construct the wiki shows as text (one warning each)."""


def constructs_left_as_text(problems: Iterable[Problem]) -> int:
    """How many constructs the pages keep as text because Wiki.js has no form for them."""
    return sum(1 for p in problems if p.code == LEFT_AS_TEXT)


@dataclass
class _Includes:
    """Reads the files pages include: inside the include root only (the git working
    tree holding the content directory; else the generator's project folder when it
    holds the content directory, else the directory), each file once."""

    root: Path
    root_real: str
    content_root: str
    texts: dict[str, str | None] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, base: Path, project: Path | None = None) -> _Includes:
        top = git_top(base)
        root = top if (top / ".git").exists() else base.resolve()
        if root == base.resolve() and project is not None:
            folder = project.resolve()
            if root == folder or folder in root.parents:
                root = folder
        content_root = Path(os.path.relpath(base.resolve(), root.resolve())).as_posix()
        return cls(root, os.path.realpath(root), "" if content_root == "." else content_root)

    def read(self, rel: str) -> str | None:
        if rel in self.texts:
            return self.texts[rel]
        text: str | None = None
        path = self.root / rel
        real = os.path.realpath(path)
        inside = real == self.root_real or real.startswith(self.root_real + os.sep)
        if inside and ".git" not in rel.split("/") and os.path.isfile(real):
            try:
                text = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
        self.texts[rel] = text
        return text

    def from_content(self, rel: str) -> str:
        """``rel`` (from the content directory) relative to the include root."""
        return posixpath.normpath(posixpath.join(self.content_root, rel))

    def relative(self, rel: str) -> str:
        """``rel`` (from the include root) relative to the content directory."""
        if not self.content_root:
            return rel
        return posixpath.relpath(rel, self.content_root)


# -- path mapping ----------------------------------------------------------------------------


def _strip_page_extension(name: str, extensions: tuple[str, ...] = PAGE_EXTENSIONS) -> str:
    lower = name.lower()
    for extension in extensions:
        if lower.endswith(extension):
            return name[: -len(extension)]
    return name


def _split_locale(rel: str, config: Config) -> tuple[str, list[str]]:
    parts = rel.split("/")
    if len(parts) > 1 and parts[0] in config.all_locales:
        return parts[0], parts[1:]
    return config.locale, parts


def _path_input(
    rel: str, config: Config, flavor: Flavor, values: dict[str, str]
) -> tuple[str, PathInput]:
    locale, parts = _split_locale(rel, config)
    stem = _strip_page_extension(parts[-1], flavor.page_extensions)
    folder = "/".join(parts[:-1])
    is_index = flavor.is_index(folder, stem)
    default = folder if is_index else "/".join(p for p in (folder, stem) if p)
    return locale, PathInput(folder, stem, is_index, values, default)


def _wiki_path(site_path: str, config: Config) -> str:
    path = "/".join(p for p in (config.root, site_path) if p)
    return path or "home"


def page_key(
    rel_path: str, config: Config, flavor: Flavor | None = None, lowercase: bool = False
) -> tuple[str, str]:
    """The ``(locale, wiki path)`` the file ``rel_path`` (posix, relative) maps to by its
    name alone (front matter such as ``slug`` can change it: see ``load_source``)."""
    locale, page = _path_input(rel_path, config, flavor or DEFAULT_FLAVOR, {})
    site_path = page.default.lower() if lowercase else page.default
    return locale, _wiki_path(site_path, config)


def request_bytes(content: str, fields: PageFields, *, locale: str, path: str) -> int:
    """The exact size of the largest request that writes this page (its create, or an
    update with the same fields), encoded as the SDK sends it: compact UTF-8 JSON."""
    from wikijs import PageCreate, page_write_bytes  # the SDK's own encoding

    values = fields.for_create()
    item = PageCreate(
        path=path,
        locale=locale,
        content=content,
        title=values["title"],
        editor=values["editor"],
        description=values["description"],
        tags=tuple(values["tags"]),
        is_published=values["is_published"],
        is_private=values["is_private"],
        publish_start_date=values["publish_start_date"],
        publish_end_date=values["publish_end_date"],
        script_css=values["script_css"],
        script_js=values["script_js"],
    )
    return page_write_bytes(item)


def _request_bytes_bound(content: str, fields: PageFields) -> int:
    """An upper bound of ``request_bytes`` without encoding: JSON spends at most 6
    bytes on one character (``\\u001f``); the query text and the other values are short."""
    texts = (
        content,
        fields.title,
        fields.description,
        fields.publish_start_date,
        fields.publish_end_date,
        fields.script_css,
        fields.script_js,
        *(fields.tags or ()),
    )
    chars = sum(len(t) for t in texts if t)
    return 6 * chars + 16 * len(fields.tags or ()) + 65536


@dataclass
class _Read:
    """A page file read and split (the first pass)."""

    rel: str
    header: Header
    html: bool
    page: PathInput
    locale: str
    site_path: str
    site_original: str = ""
    """The path the site serves, when ``site_path`` had to change for Wiki.js."""


_READ_DONE = Header(content="")
"""The header a ``_Read`` keeps once its page was built."""


def _scalar_values(header: Header) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in header.values.items():
        if value.raw is not None:
            out[key] = value.raw
        elif isinstance(value.node, yaml.ScalarNode):
            out[key] = str(value.node.value)
    return out


def _summarise_unknown(
    unknown: dict[str, list[tuple[str, int]]], known: Iterable[str]
) -> list[Problem]:
    """One warning per unknown key, at its first use, counting the files using it."""
    problems: list[Problem] = []
    known = sorted(known)
    for key, uses in unknown.items():
        rel, line = min(uses)
        files = len({r for r, _ in uses})
        where = f" (in {files} files; first in {rel})" if files > 1 else ""
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        problems.append(
            Problem(
                rel,
                line,
                f"unknown front matter key {key!r} is ignored{where}{hint}; list it under "
                "ignore_keys: in wikisync.yml to silence this",
                "frontmatter-unknown-key",
                "warning",
            )
        )
    return problems


def _section_body(page: LocalPage, children: list[LocalPage]) -> str:
    def order(child: LocalPage) -> tuple[bool, float, str, str]:
        label = child.nav_title or child.fields.title
        rank = child.nav_order if child.nav_order is not None else 0.0
        return (child.nav_order is None, rank, label.lower(), child.path)

    lines = []
    for child in sorted(children, key=order):
        label = (child.nav_title or child.fields.title).replace("[", "\\[").replace("]", "\\]")
        lines.append(f"- [{label}](/{child.locale}/{child.path})")
    if not lines:
        # A section without pages below it (yet): its description, else its title.
        lines.append(page.fields.description.strip() if page.fields.description else "")
        if not lines[0]:
            lines[0] = f"# {page.fields.title}"
    return "\n".join(lines) + "\n"


def load_source(
    directory: str | Path,
    config: Config,
    *,
    asset_url: Callable[[str], str] | None = None,
    flavor: ActiveFlavor | None = None,
    transforms: Iterable[str] | None = None,
) -> SourceResult:
    """Read every page file of ``directory`` (see the module docstring for the rules).

    ``asset_url(rel_path)`` gives the URL links to a local asset file are rewritten to;
    the default is [`wikisync.local.markdown.links.default_asset_url`][wikisync.local.markdown.links.default_asset_url] under ``config.assets_folder``.
    ``flavor`` is the generator's conventions (default: the one ``config`` names, or the
    detected one, with the defaults its files give).
    ``transforms`` names the content transforms to run when ``config`` names none
    (default ``wikisync.local.transforms.DEFAULT_TRANSFORMS``).
    Raises [`SourceError`][wikisync.errors.SourceError] only when the directory cannot be read at
    all, [`TransformError`][wikisync.errors.TransformError] when a transform cannot be loaded or
    fails; every problem with a file is reported in the result instead.
    """
    base = Path(directory)
    if not base.is_dir():
        raise SourceError(f"{directory}: not a directory")
    if flavor is None:
        flavor = detect_flavor(base, config.flavor)
        config = with_site_defaults(config, flavor)
    rules = flavor.flavor
    site = flavor.site
    walk = Walk(
        base=base, base_real=os.path.realpath(base), config=config, flavor=rules, keep=site.keep
    )
    names = enabled_transforms(
        config.transforms,
        defaults=DEFAULT_TRANSFORMS if transforms is None else transforms,
    )
    run = TransformRun(load_transforms(names), time_limit=config.transform_time_limit)
    includes = _Includes.of(base, site.folder)
    dialect = _Dialect(
        config.dialect if config.dialect is not None else (*rules.dialect, *site.dialect),
        includes,
        site.params,
        tuple(includes.from_content(p) for p in site.include_paths),
        site.append_snippets,
    )
    walk_tree(walk, base)
    problems = [*site.problems, *walk.problems]
    left_out: dict[str, str] = dict(walk.skipped)
    effects: dict[str, str] = {}  # file -> "draft" or "unlisted", from the site's settings
    for rel in sorted(walk.files):
        rule = next((r for r in site.rules if _rule_matches(r, rel)), None)
        if rule is None:
            continue
        if rule.effect == "left-out":
            left_out[rel] = rule.reason
            del walk.files[rel]
        else:
            effects[rel] = rule.effect

    # First pass: read and split every file, and find its page path (front matter such as
    # ``slug`` may set it, so every header is read before any link is resolved).
    reads: dict[str, _Read] = {}
    file_problems: dict[str, list[Problem]] = defaultdict(list)
    for rel in sorted(walk.files):
        read = _read_file(rel, walk.files[rel], config, flavor, file_problems[rel])
        if read is not None:
            reads[rel] = read
    for rel, verdict in _verdicts(reads, flavor).items():
        if not verdict.page:
            left_out[rel] = verdict.reason
            del reads[rel], walk.files[rel]
            file_problems.pop(rel, None)
        elif not verdict.listed:
            effects.setdefault(rel, "unlisted")
    keys = {
        rel: (r.locale, _wiki_path(r.site_path, config))
        if (r := reads.get(rel))
        else page_key(rel, config, rules, flavor.lowercase)
        for rel in walk.files
    }
    key_problems, bad = path_key_problems(walk.files, keys, config)
    problems.extend(key_problems)

    folder = config.assets_folder
    static_roots, static_file, served = _static_folders(base, flavor)
    url_for = asset_url or (lambda rel: default_asset_url(served(rel), folder))

    # Links ask about the same few folders and files over and over; the directory does
    # not change while it is read, so each answer is looked up on disk once.
    files_seen: dict[str, bool] = {}
    dirs_seen: dict[str, bool] = {}

    def file_exists(rel: str) -> bool:
        known = files_seen.get(rel)
        if known is None:
            path = base / rel
            known = (
                path.is_file()
                and walk.inside(os.path.realpath(path))
                and not any(part == ".git" for part in rel.split("/"))
            )
            files_seen[rel] = known
        return known

    def dir_exists(rel: str) -> bool:
        known = dirs_seen.get(rel)
        if known is None:
            known = dirs_seen[rel] = os.path.isdir(os.path.join(base, rel))
        return known

    by_lower: dict[str, str] = {}
    by_name: dict[str, list[str]] = defaultdict(list)
    for rel in walk.files:
        by_lower.setdefault(rel.lower(), rel)
        by_name[rel.rsplit("/", 1)[-1].lower()].append(rel)

    def suggest(rel: str) -> str | None:
        lower = rel.lower()
        for candidate in (lower, *(lower + ext for ext in rules.page_extensions)):
            if candidate in by_lower:
                return by_lower[candidate]
        named = by_name.get(lower.rsplit("/", 1)[-1], [])
        if not named:
            named = [
                r
                for ext in rules.page_extensions
                for r in by_name.get(lower.rsplit("/", 1)[-1] + ext, [])
            ]
        return sorted(named)[0] if len(named) == 1 else None

    stems: dict[str, list[str]] = defaultdict(list)
    for rel in reads:
        stems[_strip_page_extension(rel.rsplit("/", 1)[-1], rules.page_extensions)].append(rel)
    context = LinkContext(
        index_names=rules.index_names,
        folder_named_index=rules.folder_named_index,
        extensions=rules.page_extensions,
        bases=rules.link_bases,
        site_links=rules.site_links,
        template_links=rules.template_links,
        url_prefix=site.url_prefix,
        locales=tuple(config.all_locales),
        default_locale=config.locale,
        site_pages={
            **{(r.locale, r.site_original): rel for rel, r in reads.items() if r.site_original},
            **{(r.locale, r.site_path): rel for rel, r in reads.items() if rel not in bad},
        },
        lowercase=flavor.lowercase,
        suggest=suggest,
        by_name={stem: tuple(rels) for stem, rels in stems.items()},
        left_out=left_out,
        static_roots=static_roots,
        static_file=static_file,
        containers=rules.containers,
    )
    if rules.ref_index is not None:
        found = tuple(rel for rel in reads if rel not in bad)
        context = replace(
            context,
            ref_lookup=rules.ref_index(found, lambda rel: context.locale_root(rel)[1]),
        )
    known_keys = rules.all_keys() | set(site.tag_keys) | set(config.ignore_keys)
    field_map = field_rules(flavor)
    unknown: dict[str, list[tuple[str, int]]] = defaultdict(list)

    pages: list[LocalPage] = []
    sections: set[str] = set()
    for rel in sorted(walk.files):
        read = reads.get(rel)
        own = file_problems[rel]
        if read is not None:
            for key, value in read.header.values.items():
                if key not in known_keys:
                    unknown[key].append((rel, value.line))
            if not read.header.content.strip() and read.header.values:
                body = rules.layout_body(_python_values(read.header))
                if body:
                    read.header.content = body
            page = _build_page(
                read,
                keys,
                flavor,
                url_for,
                file_exists,
                dir_exists,
                context,
                field_map,
                own,
                run,
                dialect,
            )
            if page is not None and rel not in bad:
                page = _with_effect(page, effects.get(rel))
                pages.append(page)
                templated = any(k in read.header.values for k in rules.template_keys)
                if rules.sections and not page.content:
                    sections.add(rel)
                    if not (read.page.is_index or templated):
                        own.append(
                            Problem(
                                rel,
                                None,
                                "has no content: its description (else its title) is its "
                                "body in the wiki, as Wiki.js refuses an empty page",
                                "empty-content",
                                "warning",
                            )
                        )
            # Only the path is needed from here on: let the text and YAML nodes go, so
            # that a large tree is never held twice (as read and as pages).
            reads[rel] = dataclasses.replace(read, header=_READ_DONE)
        problems.extend(own)
    problems.extend(_summarise_unknown(unknown, known_keys))
    pages = list(rules.nav_pages(tuple(pages)))

    if sections:
        pages = _fill_sections(pages, sections, reads)
    pages = _fill_card_lists(pages, reads)

    asset_users: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        for asset in page.assets:
            asset_users[asset].add(page.source)

    assets: list[LocalAsset] = []
    for rel in sorted(asset_users):
        try:
            data = (base / rel).read_bytes()
        except OSError as exc:
            problems.append(Problem(rel, None, f"cannot be read: {exc.strerror}", "unreadable"))
            continue
        if len(data) > MAX_ASSET_BYTES:
            problems.append(
                Problem(
                    rel,
                    None,
                    f"is {len(data):,} bytes; Wiki.js accepts uploads of at most "
                    f"{MAX_ASSET_BYTES:,} bytes",
                    "asset-too-large",
                )
            )
        slugs, filename = asset_location(served(rel), folder)
        assets.append(
            LocalAsset(
                source=rel,
                folder=slugs,
                filename=filename,
                url=url_for(rel),
                size=len(data),
                digest=hashlib.sha256(data).hexdigest(),
                used_by=tuple(sorted(asset_users[rel])),
            )
        )
    problems.extend(asset_problems(assets))
    # Over the final content of every page, however its content was made
    # (section pages included); before severities, which apply to its problems too.
    pages = _without_empty_pages(pages, problems)
    severity = {**rules.severity, **site.severity, **config.severity}
    if severity:
        problems = [
            dataclasses.replace(p, severity=severity[p.code]) if p.code in severity else p
            for p in problems
        ]
    problems.sort(key=Problem.sort_key)
    return SourceResult(
        tuple(pages),
        tuple(problems),
        tuple(assets),
        flavor,
        run.stats(),
        dialect=dialect.names,
        left_out=tuple(sorted(left_out.items())),
    )


_REFUSED = re.compile(r'[.\s\\"|<>:*?#%\x00-\x1f\x7f-\x9f]')
_DASHES = re.compile(r"-{2,}")


def safe_path(site_path: str) -> str:
    """``site_path`` with each character Wiki.js refuses in a path (``.``, a space, ``\\``)
    or its web UI drops or misreads (``"|<>:*?#%``, control characters) made ``-``, runs of
    ``-`` made one, and ``-`` trimmed from each segment's ends: ``v1.0-trio`` ->
    ``v1-0-trio``. Deterministic, so the page keeps its path from run to run."""
    if not _REFUSED.search(site_path):
        return site_path
    segments = []
    for segment in site_path.split("/"):
        fixed = _DASHES.sub("-", _REFUSED.sub("-", segment)).strip("-")
        segments.append(fixed or "-")
    return "/".join(segments)


def _rule_matches(rule: Rule, rel: str) -> bool:
    """Whether a site setting's patterns match the file ``rel`` (see ``Rule``)."""
    if rule.kind == "fnmatch":
        return any(fnmatch.fnmatchcase(rel, p) for p in rule.patterns)
    if rule.kind == "regex":
        for pattern in rule.patterns:
            try:
                if re.match(pattern, rel):
                    return True
            except re.error:
                continue
        return False
    matched = False  # gitignore: the last pattern that matches decides; "!" includes again
    for pattern in rule.patterns:
        negate = pattern.startswith("!")
        try:
            hit = bool(compile_glob(pattern[1:] if negate else pattern).match(rel))
        except ValueError:
            continue
        if hit:
            matched = not negate
    return matched


def _python_values(header: Header, keys: frozenset[str] | None = None) -> dict[str, Any]:
    """The header's values (only ``keys``, when given) as Python values; a value that
    cannot be built is left out."""
    wanted = (
        header.values
        if keys is None
        else {k: header.values[k] for k in keys & header.values.keys()}
    )
    if not wanted:
        return {}
    loader = yaml.SafeLoader("")
    out: dict[str, Any] = {}
    for key, value in wanted.items():
        if value.raw is not None:
            out[key] = value.raw
            continue
        try:
            out[key] = loader.construct_object(value.node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError):
            continue
    return out


def _cascade_entries(value: Any) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def _cascade_applies(entry: Mapping[str, Any], read: _Read) -> bool:
    """Whether a cascade entry's ``_target`` (or ``target``) selects the page."""
    target = entry.get("_target", entry.get("target"))
    if not isinstance(target, Mapping):
        return True
    path, kind, lang = (target.get(k) for k in ("path", "kind", "lang"))
    if isinstance(path, str) and path.strip():
        try:
            if not any(
                compile_glob(p).match(read.site_path) if p else not read.site_path
                for p in _alternatives(path)
            ):
                return False
        except ValueError:
            return False
    if isinstance(kind, str):
        own = ("section" if read.site_path else "home") if read.page.is_index else "page"
        if not fnmatch.fnmatchcase(own, kind):
            return False
    return not (isinstance(lang, str) and not fnmatch.fnmatchcase(read.locale, lang))


def _alternatives(pattern: str) -> list[str]:
    """A glob's ``{a,b}`` alternatives (one level, as Hugo's targets use them), each
    without its leading ``/``; ``/`` alone is the home page."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern.strip().lstrip("/")]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [alt for part in match.group(1).split(",") for alt in _alternatives(head + part + tail)]


def _verdicts(reads: Mapping[str, _Read], flavor: ActiveFlavor) -> dict[str, Verdict]:
    """What the site does with each file read (``Flavor.is_published``), with the values
    folder pages cascade onto themselves and the pages below them (``Flavor.cascade_key``;
    the nearest folder's value wins, the page's own front matter over all)."""
    rules = flavor.flavor
    wanted = rules.publish_keys | {rules.cascade_key} if rules.cascade_key else rules.publish_keys
    values = {rel: _python_values(r.header, wanted) for rel, r in reads.items()}
    cascades: dict[str, list[Mapping[str, Any]]] = {}
    if rules.cascade_key:
        for rel, read in reads.items():
            entries = _cascade_entries(values[rel].get(rules.cascade_key))
            if read.page.is_index and entries:
                cascades[posixpath.dirname(rel)] = entries
    out: dict[str, Verdict] = {}
    for rel, read in reads.items():
        merged: dict[str, Any] = {}
        if cascades:
            parts = rel.split("/")[:-1]
            for depth in range(len(parts) + 1):
                folder = "/".join(parts[:depth])
                for entry in cascades.get(folder, ()):
                    if _cascade_applies(entry, read):
                        merged.update((k, v) for k, v in entry.items() if k in rules.publish_keys)
        merged.update((k, v) for k, v in values[rel].items() if k in rules.publish_keys)
        out[rel] = rules.is_published(rel, merged, flavor.site)
    return out


def _with_effect(page: LocalPage, effect: str | None) -> LocalPage:
    """A page as the site's settings keep it: a draft (unpublished, unless its own front
    matter says) or left out of navigation."""
    if effect == "unlisted":
        return replace(page, listed=False)
    if effect == "draft" and page.fields.is_published is None:
        fields = replace(page.fields, is_published=False)
        return replace(page, fields=fields, digest=page_digest(page.content, fields))
    return page


def _static_folders(
    base: Path, flavor: ActiveFlavor
) -> tuple[tuple[str, ...], Callable[[str], bool], Callable[[str], str]]:
    """The flavor's static folders relative to ``base`` (``""``: ``base`` itself), whether
    a file of one outside ``base`` exists, and the path a file is served at (its path in
    its static folder, for one outside ``base``; else its path)."""
    roots: list[str] = []
    outside: list[tuple[str, str]] = []  # (relative root, its real path)
    for name in flavor.flavor.static_folders:
        if name == ".":
            roots.append("")
            continue
        if flavor.site.folder is None:
            continue
        folder = flavor.site.folder / name
        if not folder.is_dir():
            continue
        rel = Path(os.path.relpath(folder, base)).as_posix()
        if rel == ".":
            roots.append("")
            continue
        roots.append(rel)
        if rel.startswith("../"):
            outside.append((rel, os.path.realpath(folder)))

    def static_file(rel: str) -> bool:
        for root, real in outside:
            if rel.startswith(root + "/"):
                path = os.path.realpath(base / rel)
                return path.startswith(real + os.sep) and os.path.isfile(path)
        return False

    def served(rel: str) -> str:
        for root, _ in outside:
            if rel.startswith(root + "/"):
                return rel[len(root) + 1 :]
        return rel

    return tuple(roots), static_file, served


def _without_empty_pages(pages: list[LocalPage], problems: list[Problem]) -> list[LocalPage]:
    """Wiki.js refuses a page whose content is empty or only whitespace (6004): such a
    page is an error here, over the final content of every page however it was made."""
    kept: list[LocalPage] = []
    for page in pages:
        if page.content.strip():
            kept.append(page)
            continue
        problems.append(
            Problem(
                page.source,
                None,
                "has no content (Wiki.js refuses an empty page); add content or exclude it",
                "empty-content",
            )
        )
    return kept


def _children(
    pages: list[LocalPage], reads: dict[str, _Read]
) -> dict[tuple[str, str], list[LocalPage]]:
    children: dict[tuple[str, str], list[LocalPage]] = defaultdict(list)
    for page in pages:
        read = reads[page.source]
        parent = read.site_path.rsplit("/", 1)[0] if "/" in read.site_path else ""
        if read.site_path and page.listed:
            children[(page.locale, parent)].append(page)
    return children


def _with_content(page: LocalPage, content: str) -> LocalPage:
    """``page`` with new content (a generated body): its soft-break spans named the old."""
    return dataclasses.replace(
        page,
        content=content,
        content_digest=content_digest(content),
        digest=page_digest(content, page.fields),
        soft_breaks=(),
    )


def _fill_card_lists(pages: list[LocalPage], reads: dict[str, _Read]) -> list[LocalPage]:
    """A page's ``<DocCardList />`` (see ``wikisync.local.markdown.dialects``) becomes the
    list of the pages below it, as the section page the site shows."""
    if not any(SECTION_PAGES in page.content for page in pages):
        return pages
    children = _children(pages, reads)
    out: list[LocalPage] = []
    for page in pages:
        if SECTION_PAGES in page.content:
            read = reads[page.source]
            listing = _section_body(page, children[(page.locale, read.site_path)]).rstrip("\n")
            page = _with_content(
                page, normalize_content(page.content.replace(SECTION_PAGES, listing))
            )
        out.append(page)
    return out


def _fill_sections(
    pages: list[LocalPage], sections: set[str], reads: dict[str, _Read]
) -> list[LocalPage]:
    """Section pages without a body get their child pages as a list of links (a page a
    template renders, or a section without children, its description or title)."""
    children = _children(pages, reads)
    out: list[LocalPage] = []
    for page in pages:
        if page.source in sections:
            read = reads[page.source]
            body = normalize_content(_section_body(page, children[(page.locale, read.site_path)]))
            if body:
                page = _with_content(page, body)
        out.append(page)
    return out


def _read_file(
    rel: str, path: Path, config: Config, flavor: ActiveFlavor, problems: list[Problem]
) -> _Read | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(rel, None, f"cannot be read: {exc.strerror or exc}", "unreadable"))
        return None
    text = decode_text(rel, raw, problems)
    if text is None:
        return None
    html = rel.lower().endswith(".html")
    header = parse_page_text(text, html=html)
    for line, message in header.errors:
        problems.append(Problem(rel, line, message, "frontmatter"))
    for line, message in header.warnings:
        problems.append(Problem(rel, line, message, "frontmatter", "warning"))
    if header.errors:
        return None
    locale, page = _path_input(rel, config, flavor.flavor, _scalar_values(header))
    site_path = flavor.page_path(page)
    if site_path is None:
        site_path = page.default
    if flavor.lowercase:
        site_path = site_path.lower()
    original = ""
    if flavor.flavor.fix_paths:
        safe = safe_path(site_path)
        if safe != site_path:
            refused = sorted({c for c in site_path if _REFUSED.match(c)})
            shown = " ".join(repr(c) for c in refused)
            problems.append(
                Problem(
                    rel,
                    None,
                    f"is the wiki page {safe!r}, as Wiki.js refuses {shown} in a path "
                    f"({site_path!r} on the site); links to the file follow it",
                    "path-renamed",
                    "warning",
                )
            )
            original, site_path = site_path, safe
    return _Read(rel, header, html, page, locale, site_path, original)


def _same(line: int) -> int:
    return line


def _then(first: Callable[[int], int], second: Callable[[int], int]) -> Callable[[int], int]:
    def origin(line: int) -> int:
        return second(first(line))

    return origin


@dataclass
class _Dialect:
    """The dialect conversion of one load: the extensions, the include reader, the
    site's parameters."""

    names: tuple[str, ...]
    includes: _Includes
    params: Mapping[str, object]
    search: tuple[str, ...] = ()
    append: tuple[str, ...] = ()
    """Snippets appended to every page (``Site.append_snippets``)."""

    def convert(
        self,
        body: str,
        rel: str,
        first: int,
        problems: list[Problem],
        header: Mapping[str, HeaderValue] | None = None,
    ) -> tuple[str, Callable[[int], int] | None, tuple[str, ...]]:
        """``body`` converted, how its lines map to the content's, and the files it
        includes (relative to the content directory); warnings go to ``problems``.
        ``header`` is the page's front matter: its values come before the site's
        parameters for the constructs that show one (Hugo's ``param``)."""
        folder = posixpath.dirname(rel)
        here = (
            posixpath.join(self.includes.content_root, folder)
            if folder
            else self.includes.content_root
        )
        params: Mapping[str, object] = self.params
        page_params = (
            {
                key: value.node.value
                for key, value in (header or {}).items()
                if isinstance(value.node, yaml.ScalarNode)
            }
            if "hugo-shortcodes" in self.names
            else {}
        )
        if page_params:
            own = {key.lower() for key in page_params}
            params = {
                **page_params,
                **{k: v for k, v in self.params.items() if str(k).lower() not in own},
            }
        context = DialectContext(
            rel, self.includes.read, here, self.includes.content_root, params, self.search
        )
        source = body
        if self.append and "pymdownx-snippets" in self.names:
            # as the site builds it: the snippets follow the page's own text
            source = body + "".join(f'\n\n--8<-- "{name}"' for name in self.append) + "\n"
        result = convert(source, self.names, context)
        last = body.count("\n") + 1
        problems.extend(
            Problem(rel, first + min(p.line, last) - 1, p.message, p.code, "warning")
            for p in result.problems
        )
        if result.content == body:
            return body, None, tuple(self.includes.relative(r) for r in result.includes)

        def origin(line: int) -> int:
            return min(result.origin(line), last)

        return (
            result.content,
            origin,
            tuple(self.includes.relative(r) for r in result.includes),
        )


def _build_page(
    read: _Read,
    keys: dict[str, tuple[str, str]],
    flavor: ActiveFlavor,
    asset_url: Callable[[str], str],
    file_exists: Callable[[str], bool],
    dir_exists: Callable[[str], bool],
    context: LinkContext,
    rules: FieldRules,
    problems: list[Problem],
    run: TransformRun,
    dialect: _Dialect,
) -> LocalPage | None:
    rel, header, html = read.rel, read.header, read.html
    locale, wiki_path = keys[rel]
    rules_of_flavor = flavor.flavor
    entry = rules_of_flavor.nav_entry(read.page) or NavEntry()
    served = f"url:{read.locale}:{read.site_path}"  # a page the site's nav names by URL
    for nav_key in (*rules_of_flavor.nav_keys(read.page, rel), served):
        listed = flavor.site.nav.get(nav_key)
        if listed is not None:
            entry = listed
            break
    body = header.content
    first = header.content_line
    origin: Callable[[int], int] | None = None
    includes: tuple[str, ...] = ()
    scan: MarkdownScan | None = None
    if not html:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        body, origin, includes = dialect.convert(body, rel, first, problems, header.values)
        if run.transforms:
            body, transform_problems, after = run.run(body, rel, first)
            converted = origin or _same
            problems.extend(
                replace(p, line=first + converted(p.line - first + 1) - 1)
                if p.line is not None
                else p
                for p in transform_problems
            )
            origin = _then(after, converted)
        scan = scan_markdown(body, containers=context.containers)
    read_fields = read_page_fields(
        rel,
        header,
        wiki_path,
        html,
        flavor,
        rules,
        problems,
        heading=title_heading(scan.first_title) if scan is not None else None,
        scanned=scan is not None,
        nav_title=entry.title,
    )
    if read_fields is None:
        return None
    fields = read_fields.page
    rewritten = rewrite_links(
        body,
        source=rel,
        pages=keys,
        asset_url=asset_url,
        file_exists=file_exists,
        dir_exists=dir_exists,
        html=html,
        first_line=first,
        context=context,
        is_index=read.page.is_index,
        scan=scan,
    )
    problems.extend(
        p
        if origin is None or p.line is None
        else replace(p, line=first + origin(p.line - first + 1) - 1)
        for p in rewritten.problems
    )
    soft_breaks: tuple[tuple[int, int], ...] = ()
    if scan is None:
        content = normalize_content(rewritten.content)
    else:
        adapted = adapt(
            body,
            scan,
            rewritten.edits,
            title=fields.title,
            join_lines=rules_of_flavor.commonmark,
        )
        content, soft_breaks = adapted.content, adapted.soft_breaks
    if _request_bytes_bound(content, fields) > MAX_REQUEST_BYTES:
        size = request_bytes(content, fields, locale=locale, path=wiki_path)
        if size > MAX_REQUEST_BYTES:
            problems.append(
                Problem(
                    rel,
                    None,
                    f"is too large for Wiki.js: writing it sends {size:,} bytes, and the server "
                    f"refuses request bodies over {MAX_REQUEST_BYTES // 1_048_576} MB "
                    f"({MAX_REQUEST_BYTES:,} bytes)",
                    "too-large",
                )
            )
            return None
    nav_title = entry.title or read_fields.nav_title
    nav_order = entry.order if entry.order is not None else read_fields.nav_order
    return LocalPage(
        source=rel,
        locale=locale,
        path=wiki_path,
        content=content,
        fields=fields,
        content_digest=content_digest(content),
        digest=page_digest(content, fields),
        assets=rewritten.assets,
        nav_title=nav_title,
        nav_order=nav_order,
        nav_section=entry.section,
        nav_heads=entry.heads,
        includes=includes,
        soft_breaks=soft_breaks,
    )
