"""``wikisync.yml``: the optional settings file at the root of a content directory.

```yaml
locale: en            # default locale of files not under a locale folder
locales: [en, fr]     # locales that may appear as a leading folder (default: [locale])
root: handbook        # wiki path prefix this directory owns ("" = whole wiki)
include: ["**/*.md", "**/*.html"]
exclude: ["README.md", "drafts/**"]
prune: false          # delete managed pages whose file is gone
max_delete: 10        # refuse a plan that deletes more
protect: [home]       # wiki paths never changed or deleted
assets: {folder: handbook}   # where referenced images/files are uploaded (default: root)
flavor: auto          # auto | wikijs | plain | mkdocs | docusaurus | hugo | jekyll | vitepress
severity: {broken-link: warning}   # per problem code: error | warning
ignore_keys: [author] # front matter keys not to warn about
navigation:           # keep a block of the wiki's menu in step with the files (off if absent)
  label: Handbook     # the header that starts wikisync's block
  position: bottom    # top | bottom | after (then `after:` names an item's id or label)
  depth: sections     # top (a link per section) | sections (headers) | pages (every page)
  order: nav          # nav (the generator's nav order, else file order) | files
transforms: [mdx-imports]   # content transforms to run (default: none)
transform_time_limit: 10   # seconds one transform may take on one file
quiet: [public-state] # warnings not to print (public-state: anyone can download the state)
dialect: [admonition, material-tabs]   # Markdown extensions converted (default: the flavor's)
```

Every problem (unknown key, wrong type, bad glob, bad root path) is reported at once as
``wikisync.yml:LINE: message``. Secrets are never read from this file: a key that looks
like one (``api_key``, ``token``, ``password`` ...) is an error that points to the
environment variables.

Globs are matched against posix paths relative to the content directory, the way
``.gitignore`` patterns are: ``*`` and ``?`` stay within one folder, ``**`` spans any
number of folders (``**/*.md`` also matches ``a.md``), ``[abc]`` is a character class, a
pattern without ``/`` matches a name in any folder (``README.md``), a leading ``/``
anchors it at the top, and a pattern that matches a folder matches everything in it
(``drafts``). Only ``.md`` and ``.html`` files can become pages, whatever ``include`` says.

It is one module because every key is declared, defaulted and checked in one place, so the
docs, ``validate`` and the loader cannot disagree about a key.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from wikisync._names import has_surrogate
from wikisync.errors import ConfigError
from wikisync.local.flavors import (
    AUTO,
    FLAVORS,
    ActiveFlavor,
    Site,
    detect_flavor,
    locate_content,
)
from wikisync.local.frontmatter import (
    YAMLSafetyError,
    compose_yaml,
    yaml_error_line,
    yaml_error_text,
)
from wikisync.plan.model import PlanOptions, Problem

__all__ = [
    "ADJUSTABLE_CODES",
    "CONFIG_FILE",
    "DEFAULT_INCLUDE",
    "AssetsConfig",
    "Config",
    "NavigationConfig",
    "compile_glob",
    "config_key_line",
    "load_config",
    "load_settings",
    "problem_settings",
]

CONFIG_FILE = "wikisync.yml"
DEFAULT_INCLUDE: tuple[str, ...] = ("**/*.md", "**/*.html")

ADJUSTABLE_CODES: frozenset[str] = frozenset(
    {
        "broken-link",
        "broken-ref",
        "link-excluded",
        "link-outside",
        "site-link",
        "template-link",
        "frontmatter-unknown-key",
    }
)
"""Problem codes ``severity:`` may lower to ``warning``: the page is kept either way (a
link left as written, a key ignored). Any code may be raised to ``error``."""


def problem_settings(active: ActiveFlavor | None = None) -> dict[str, str]:
    """For each problem code, the setting that changes it (shown with grouped problems):
    the generator's own setting first where the flavor names one."""
    out = {
        code: f"severity: {{{code}: error|warning}} in {CONFIG_FILE}" for code in ADJUSTABLE_CODES
    }
    out["frontmatter-unknown-key"] = f"ignore_keys: in {CONFIG_FILE} silences it"
    out["unconverted-syntax"] = (
        f"reaches the wiki as text; dialect: in {CONFIG_FILE} adds conversions"
    )
    out["empty-content"] = f"give the files a body, or exclude: them in {CONFIG_FILE}"
    out["path-renamed"] = "rename the files to keep the site's path"
    for code in ("path-invalid", "duplicate-path", "frontmatter", "frontmatter-type"):
        out[code] = f"fix the files, or exclude: them in {CONFIG_FILE}"
    if active is not None:
        for code, setting in active.flavor.severity_settings.items():
            out[code] = f"{setting}, or {out.get(code, f'severity: in {CONFIG_FILE}')}"
    return out


_SECRET_KEY = re.compile(r"(api[_-]?key|apikey|password|passwd|secret|token|credential)", re.I)
_MAX_LOCALE_CHARS = 5
MAX_CONFIG_BYTES = 1_048_576
"""A ``wikisync.yml`` larger than this (1 MiB) is refused unread."""
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _list_to_tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


StrTuple = Annotated[tuple[StrictStr, ...], BeforeValidator(_list_to_tuple)]


def _check_glob(pattern: str) -> str:
    try:
        _glob_regex(pattern)
    except ValueError as exc:
        raise ValueError(f"bad glob {pattern!r}: {exc}") from None
    return pattern


GlobTuple = Annotated[
    tuple[Annotated[StrictStr, AfterValidator(_check_glob)], ...],
    BeforeValidator(_list_to_tuple),
]


def _locale_code(value: str) -> str:
    if not _LOCALE.match(value):
        raise ValueError(f"{value!r} is not a locale code such as 'en' or 'zh-tw'")
    if len(value) > _MAX_LOCALE_CHARS:
        raise ValueError(
            f"{value!r} is longer than {_MAX_LOCALE_CHARS} characters: Wiki.js stores locale "
            "codes such as 'en' or 'pt-br' (localeCode is varchar(5))"
        )
    if value != value.lower():
        raise ValueError(f"{value!r}: Wiki.js locale codes are lower case; write {value.lower()!r}")
    return value


class GlobMatcher(Protocol):
    """A compiled glob: ``match(path)`` is truthy when the glob matches ``path`` or one of
    its parent folders."""

    def match(self, path: str) -> object: ...


@functools.lru_cache(maxsize=256)
def compile_glob(pattern: str) -> GlobMatcher:
    """Compile a ``.gitignore``-style glob (see the module docstring).

    The result matches a relative posix path, or any of its parent folders, in time linear
    in the path. Raises ``ValueError`` with a short reason for a pattern that cannot work.
    """
    return _compile_uncached(pattern)


def _compile_uncached(pattern: str) -> GlobMatcher:
    regex = _glob_regex(pattern)  # checks the pattern
    segments = pattern.strip("/").split("/")
    stars = segments.count("**") + (0 if pattern.startswith("/") or len(segments) > 1 else 1)
    if stars <= 1 and all(s == "**" or s.count("*") <= 1 for s in segments):
        # One run of folders and one run within a name at most: a regex cannot backtrack
        # more than once per folder level.
        return re.compile(regex, re.DOTALL)
    return _SegmentGlob(pattern)


class _SegmentGlob:
    """A glob with several ``**`` or several ``*`` in a name, matched without a regex
    over the whole path: a regex would try every way of sharing the path out between
    them (``**/**/**/x`` or ``*a*a*a*b`` take exponential time on a long path).

    The glob is cut at its ``**`` into groups of names, and each name at its ``*`` into
    parts of fixed length; each group (each part) is placed at the leftmost position
    where it fits, which finds a match whenever there is one, in time linear in the path.
    """

    def __init__(self, pattern: str) -> None:
        self.anchored = pattern.startswith("/") or "/" in pattern.strip("/")
        groups: list[list[_NameGlob]] = [[]]
        for segment in pattern.strip("/").split("/"):
            if segment == "**":
                if groups[-1] or len(groups) == 1:
                    groups.append([])
                continue
            groups[-1].append(_NameGlob(segment))
        self.groups = groups

    def match(self, path: str) -> bool:
        names = path.split("/")
        if not self.anchored:  # one name, at any level ("**" alone: every path)
            return not self.groups[0] or any(self.groups[0][0].match(part) for part in names)
        first, *rest = self.groups
        if not _fits(first, names, 0):
            return False
        position = len(first)
        for index, group in enumerate(rest):
            if not group:  # "a/**": something below
                return position < len(names) if index == len(rest) - 1 else True
            found = next(
                (
                    at
                    for at in range(position, len(names) - len(group) + 1)
                    if _fits(group, names, at)
                ),
                None,
            )
            if found is None:
                return False
            position = found + len(group)
        return True


def _fits(group: list[_NameGlob], names: list[str], at: int) -> bool:
    return at + len(group) <= len(names) and all(
        glob.match(names[at + offset]) for offset, glob in enumerate(group)
    )


class _NameGlob:
    """One name of a glob: fixed-length parts between its ``*``."""

    def __init__(self, segment: str) -> None:
        pieces = _split_stars(segment)
        self.parts = [re.compile(_translate_segment(piece), re.DOTALL) for piece in pieces]
        self.lengths = [_fixed_length(piece) for piece in pieces]

    def match(self, name: str) -> bool:
        parts, lengths = self.parts, self.lengths
        if len(parts) == 1:
            return lengths[0] == len(name) and parts[0].match(name) is not None
        end = len(name) - lengths[-1]
        if lengths[0] > end or not parts[0].match(name, 0, lengths[0]):
            return False
        if not parts[-1].match(name, end):
            return False
        position = lengths[0]
        for part, length in zip(parts[1:-1], lengths[1:-1], strict=True):
            found = part.search(name, position, end)
            if found is None:
                return False
            position = found.start() + length
        return True


def _split_stars(segment: str) -> list[str]:
    """``segment`` cut at each ``*`` outside a character class (runs of ``*`` are one)."""
    pieces, current, index = [], [], 0
    while index < len(segment):
        char = segment[index]
        if char == "[":
            end = segment.find(
                "]", index + 2 if segment[index + 1 : index + 2] in "!^" else index + 1
            )
            current.append(segment[index : end + 1])
            index = end + 1
            continue
        if char == "*":
            pieces.append("".join(current))
            current = []
            while index < len(segment) and segment[index] == "*":
                index += 1
            continue
        current.append(char)
        index += 1
    pieces.append("".join(current))
    return pieces


def _fixed_length(piece: str) -> int:
    """How many characters a piece without ``*`` matches (a class is one)."""
    length, index = 0, 0
    while index < len(piece):
        if piece[index] == "[":
            index = piece.find(
                "]", index + 2 if piece[index + 1 : index + 2] in "!^" else index + 1
            )
        length += 1
        index += 1
    return length


def _glob_regex(pattern: str) -> str:
    if not pattern.strip():
        raise ValueError("empty pattern")
    if "\\" in pattern:
        raise ValueError("use '/' to separate folders, not '\\'")
    anchored = pattern.startswith("/")
    body = pattern.strip("/")
    if not body:
        raise ValueError("pattern matches nothing")
    segments = body.split("/")
    if any(s in ("..", ".") for s in segments):
        raise ValueError("'.' and '..' segments are not allowed")
    if "" in segments:
        raise ValueError("empty folder name ('//')")
    if len(segments) > 1:
        anchored = True
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:[^/]+/)*")
            continue
        if "**" in segment:
            raise ValueError("'**' must be a whole folder name, as in 'a/**/b'")
        parts.append(_translate_segment(segment) + ("" if last else "/"))
    regex = "".join(parts)
    prefix = "" if anchored else "(?:[^/]+/)*"
    return rf"^{prefix}{regex}(?:/.*)?$"


def _translate_segment(segment: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find(
                "]", index + 2 if segment[index + 1 : index + 2] in "!^" else index + 1
            )
            if end == -1:
                raise ValueError("'[' without a closing ']'")
            inner = segment[index + 1 : end]
            negate = inner[:1] in ("!", "^")
            if negate:
                inner = inner[1:]
            if not inner:
                raise ValueError("empty character class '[]'")
            escaped = inner.replace("\\", "\\\\").replace("^", "\\^")
            out.append(f"[{'^/' if negate else ''}{escaped}]")
            index = end
        elif char == "]":
            raise ValueError("']' without an opening '['")
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def _check_transform(name: str) -> str:
    from wikisync.local.transforms import available_transforms  # the entry-point registry

    known = available_transforms()
    if name not in known:
        raise ValueError(f"unknown transform {name!r} (registered: {', '.join(known)})")
    return name


def _check_dialect(name: str) -> str:
    from wikisync.local.markdown.dialects import DIALECTS

    if name not in DIALECTS:
        raise ValueError(f"unknown dialect extension {name!r} (known: {', '.join(DIALECTS)})")
    return name


DialectTuple = Annotated[
    tuple[Annotated[StrictStr, AfterValidator(_check_dialect)], ...],
    BeforeValidator(_list_to_tuple),
]

TransformTuple = Annotated[
    tuple[Annotated[StrictStr, AfterValidator(_check_transform)], ...],
    BeforeValidator(_list_to_tuple),
]
_WILDCARD = re.compile(r"[*?\[\]]")


class _GlobSet:
    """Globs matched together. Literal globs (no ``*``, ``?``, ``[``) are looked up in
    sets, one lookup per folder level of the path, whatever their number; the others are
    compiled once each."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = tuple(patterns)
        self.anchored: set[str] = set()  # ``a/b``, ``/README.md``: the path or a parent
        self.names: set[str] = set()  # ``README.md``, ``drafts``: a name at any level
        regexes: list[GlobMatcher] = []
        for pattern in patterns:
            body = pattern.strip("/")
            if _WILDCARD.search(pattern):
                regexes.append(_compile_uncached(pattern))
            elif pattern.startswith("/") or "/" in body:
                self.anchored.add(body)
            else:
                self.names.add(body)
        self.regexes = tuple(regexes)

    def __eq__(self, other: object) -> bool:  # two configurations with equal globs are equal
        return isinstance(other, _GlobSet) and self.patterns == other.patterns

    def __hash__(self) -> int:
        return hash(self.patterns)

    def matches(self, rel_path: str) -> bool:
        parts = rel_path.split("/")
        if self.names and not self.names.isdisjoint(parts):
            return True
        if self.anchored:
            prefix = ""
            for part in parts:
                prefix = f"{prefix}/{part}" if prefix else part
                if prefix in self.anchored:
                    return True
        return any(r.match(rel_path) for r in self.regexes)


class AssetsConfig(BaseModel):
    """``assets:``: where referenced local files are uploaded."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    folder: StrictStr | None = None
    """Asset folder path ("" = the asset root); ``None`` means "same as ``root``"."""

    @field_validator("folder")
    @classmethod
    def _check_folder(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip("/")
        if any(part in ("", ".", "..") for part in value.split("/")) and value:
            raise ValueError("folder names must not be empty, '.' or '..'")
        return value


class NavigationConfig(BaseModel):
    """``navigation:``: wikisync's block in each locale's navigation menu.

    The block is a header (``label``) and links to the pages, placed at the ``top`` or
    ``bottom`` of the menu or right ``after`` the item with that id (or label). The
    site's top-level sections (its navigation's groups, else its folders) are the
    sections; ``depth`` ``top``: one link per top-level section (its own page, else its
    first page) and per top-level page; ``sections``: every section as a header with its
    label, followed by links to its pages and one link per sub-section; ``pages``: every
    section as a header followed by links to all its pages. ``order`` ``nav``: the generator's navigation order (``nav_order``), pages
    without one after, in file order; ``files``: file order only.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    label: StrictStr = "Documentation"
    position: Literal["top", "bottom", "after"] = "bottom"
    after: StrictStr | None = None
    depth: Literal["top", "sections", "pages"] = "sections"
    order: Literal["nav", "files"] = "nav"

    @field_validator("label")
    @classmethod
    def _check_label(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @model_validator(mode="after")
    def _check_after(self) -> NavigationConfig:
        if self.position == "after" and not (self.after or "").strip():
            raise ValueError("position: after needs `after:` (the id or label of an item)")
        if self.after is not None and self.position != "after":
            raise ValueError("`after:` is only used with position: after")
        return self


class Config(BaseModel):
    """The settings of one content directory (all optional)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    locale: StrictStr = "en"
    locales: StrTuple | None = None
    root: StrictStr = ""
    include: GlobTuple = DEFAULT_INCLUDE
    exclude: GlobTuple = ()
    prune: StrictBool = False
    max_delete: Annotated[StrictInt, Field(ge=0)] = 10
    protect: StrTuple = ()
    assets: AssetsConfig = AssetsConfig()
    navigation: NavigationConfig | None = None
    flavor: StrictStr = AUTO
    severity: dict[StrictStr, Literal["error", "warning"]] = {}  # noqa: RUF012 (copied)
    ignore_keys: StrTuple = ()
    quiet: Annotated[tuple[Literal["public-state"], ...], BeforeValidator(_list_to_tuple)] = ()
    """Warnings not to print: ``public-state`` (anyone can download wikisync's state)."""

    @field_validator("flavor")
    @classmethod
    def _check_flavor(cls, value: str) -> str:
        if value != AUTO and value not in FLAVORS:
            names = ", ".join((AUTO, *FLAVORS))
            raise ValueError(f"{value!r} is not a flavor; use one of {names}")
        return value

    @field_validator("severity")
    @classmethod
    def _check_severity(cls, value: dict[str, str]) -> dict[str, str]:
        for code, level in value.items():
            if level == "warning" and code not in ADJUSTABLE_CODES:
                raise ValueError(
                    f"{code!r} cannot be lowered to a warning (the file would be left out "
                    f"of the wiki); codes that can: {', '.join(sorted(ADJUSTABLE_CODES))}"
                )
        return value

    transforms: TransformTuple | None = None
    """Names of the content transforms to run, in order; ``None``: the defaults."""
    transform_time_limit: Annotated[float, Field(gt=0, le=3600)] = 10.0
    """Seconds one transform may take on one file before the run stops, naming it."""

    dialect: DialectTuple | None = None
    """Names of the Markdown extensions whose constructs are converted to Wiki.js's;
    ``None``: the flavor's."""

    @field_validator("transforms")
    @classmethod
    def _dedupe_transforms(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if value is None else tuple(dict.fromkeys(value))

    @field_validator("locale")
    @classmethod
    def _check_locale(cls, value: str) -> str:
        return _locale_code(value)

    @field_validator("locales")
    @classmethod
    def _check_locales(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        return tuple(dict.fromkeys(_locale_code(item) for item in value))

    @field_validator("root")
    @classmethod
    def _check_root(cls, value: str) -> str:
        root = value.strip("/")
        if root:
            from wikijs import validate_path  # the server's and the UI's path rules

            problems = validate_path(root)
            if problems:
                raise ValueError(f"{root!r} is not a usable wiki path: {'; '.join(problems)}")
        return root

    @field_validator("protect")
    @classmethod
    def _check_protect(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # A trailing "/" is kept: it means the subtree (``legal/``).
        return tuple(
            p.strip("/") + ("/" if p.endswith("/") and p.strip("/") else "") for p in value
        )

    _include: _GlobSet = PrivateAttr(default_factory=lambda: _GlobSet(()))
    _exclude: _GlobSet = PrivateAttr(default_factory=lambda: _GlobSet(()))

    def model_post_init(self, context: Any, /) -> None:
        # Each glob is compiled once per configuration, not once per file and pattern.
        self._include = _GlobSet(self.include)
        self._exclude = _GlobSet(self.exclude)

    # -- derived -----------------------------------------------------------------------

    @property
    def all_locales(self) -> tuple[str, ...]:
        """Locales that may appear as a leading folder (``locales``, default ``[locale]``)."""
        return self.locales if self.locales is not None else (self.locale,)

    @property
    def assets_folder(self) -> str:
        """The asset folder path: ``assets.folder``, else ``root``."""
        return self.assets.folder if self.assets.folder is not None else self.root

    def is_included(self, rel_path: str) -> bool:
        """Whether the file ``rel_path`` (posix, relative) is selected by include/exclude."""
        if self._include.patterns != self.include or self._exclude.patterns != self.exclude:
            self.model_post_init(None)  # a model_copy(update=...) does not run it
        return self._include.matches(rel_path) and not self._exclude.matches(rel_path)

    def plan_options(
        self,
        *,
        force: bool = False,
        targets: Sequence[str] = (),
        source_had_errors: bool = False,
        state_unverified: bool = False,
    ) -> PlanOptions:
        """The [`PlanOptions`][wikisync.plan.model.PlanOptions] these settings call for."""
        return PlanOptions(
            root=self.root,
            locale=self.locale,
            prune=self.prune,
            max_delete=self.max_delete,
            protect=self.protect,
            force=force,
            targets=tuple(targets),
            source_had_errors=source_had_errors,
            state_unverified=state_unverified,
        )


# -- loading ---------------------------------------------------------------------------------


def _node_line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _locate(root: yaml.Node, loc: Sequence[int | str]) -> int:
    """The line of the key (or list item) a pydantic error location points to."""
    node = root
    line = _node_line(root)
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                    line = _node_line(key_node)
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
                line = _node_line(node)
            else:
                return line
        else:
            return line
    return line


def _message(error: Any) -> str:
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key {loc!r}{_did_you_mean(error['loc'])}"
    if kind == "value_error":
        ctx = error.get("ctx", {})
        reason = str(ctx.get("error", error["msg"]))
        return f"{loc}: {reason}"
    expected = {
        "string_type": "must be a text",
        "bool_type": "must be true or false",
        "int_type": "must be a whole number",
        "tuple_type": "must be a list",
        "model_type": "must be a mapping",
        "greater_than_equal": "must be 0 or more",
        "dict_type": "must be a mapping",
        "literal_error": "must be error or warning",
    }.get(kind)
    if expected:
        value = error.get("input")
        shown = "" if isinstance(value, (dict, list, tuple)) else f" (got {value!r})"
        return f"{loc}: {expected}{shown}"
    return f"{loc}: {error['msg']}"


def _did_you_mean(loc: Sequence[int | str]) -> str:
    """``, did you mean 'exclude'?`` for a misspelled key, else nothing."""
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return ""
        model = annotation
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.6)
    return f", did you mean {close[0]!r}?" if close else ""


def _problem(line: int | None, message: str, code: str = "config") -> Problem:
    return Problem(CONFIG_FILE, line, message, code)


def parse_config(text: str) -> Config:
    """Parse the text of a ``wikisync.yml``; raises [`ConfigError`][wikisync.errors.ConfigError]."""
    try:
        node = compose_yaml(text)
    except YAMLSafetyError as exc:
        raise ConfigError([_problem(exc.line + 1, exc.message)]) from None
    except yaml.YAMLError as exc:
        line = yaml_error_line(exc, 0)
        raise ConfigError([_problem(line, f"not valid YAML: {yaml_error_text(exc)}")]) from None
    if node is None:
        return Config()
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError([_problem(_node_line(node), "must be a mapping of settings")])

    problems: list[Problem] = []
    data: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str):
            problems.append(_problem(_node_line(key_node), "keys must be plain names"))
            continue
        if key in data:
            problems.append(_problem(_node_line(key_node), f"key {key!r} is set twice"))
            continue
        if _SECRET_KEY.search(key):
            problems.append(
                _problem(
                    _node_line(key_node),
                    f"{key!r} does not belong in wikisync.yml: secrets are read from the "
                    "environment only (WIKIJS_API_KEY, or WIKIJS_USERNAME and WIKIJS_PASSWORD)",
                    "config-secret",
                )
            )
            continue
        try:
            data[key] = yaml.SafeLoader("").construct_object(value_node, deep=True)
        except yaml.YAMLError as exc:  # a tag such as !!python/object
            line = yaml_error_line(exc, 0) or _node_line(value_node)
            problems.append(_problem(line, f"{key}: {yaml_error_text(exc)}"))
            continue
        except (ValueError, KeyError, TypeError, AttributeError):  # !!int ten, !!bool maybe
            problems.append(
                _problem(
                    _node_line(value_node),
                    f"{key}: the value cannot be read as the type its tag names",
                )
            )
            continue
        if has_surrogate(data.get(key)):
            del data[key]
            problems.append(
                _problem(
                    _node_line(value_node),
                    f'{key}: holds an unpaired surrogate escape (such as "\\ud800"), '
                    "which is not text",
                )
            )
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(_problem(_locate(node, error["loc"]), _message(error)))
        raise ConfigError(sorted(problems, key=Problem.sort_key)) from None
    if problems:
        raise ConfigError(sorted(problems, key=Problem.sort_key))
    return config


def with_site_defaults(config: Config, active: ActiveFlavor) -> Config:
    """``config`` with what the generator's files say where ``wikisync.yml`` says nothing:
    ``locales`` and ``locale`` (Hugo's languages), ``root`` (Docusaurus's route), and
    ``include`` (every page extension of the flavor, such as ``.mdx``)."""
    site = active.site
    update: dict[str, Any] = {}
    given = config.model_fields_set
    if "locales" not in given and site.locales:
        update["locales"] = site.locales
    if "locale" not in given and site.default_locale:
        update["locale"] = site.default_locale
    if "root" not in given and site.root:
        update["root"] = site.root
    _check_site_values(update, site)
    if "include" not in given:
        update["include"] = tuple(f"**/*{ext}" for ext in active.flavor.page_extensions)
    return config.model_copy(update=update) if update != {"include": config.include} else config


_SITE_SETTINGS = {"root": "root", "locales": "locales", "locale": "default_locale"}


def _check_site_values(update: dict[str, Any], site: Site) -> None:
    """Check what the generator's files give with wikisync.yml's own rules; a value that
    fails is an error at its line in the generator's file (``../docusaurus.config.js:12:
    routeBasePath ...``), never on the pages it would have moved."""
    problems: list[Problem] = []
    for key, value in update.items():
        try:
            Config.model_validate({key: value})
        except ValidationError as exc:
            origin = site.origins.get(_SITE_SETTINGS[key])
            where, line, name = (
                (origin.file, origin.line, origin.key) if origin else (site.origin, None, key)
            )
            reasons = "; ".join(_message(error).split(": ", 1)[-1] for error in exc.errors())
            problems.append(
                Problem(
                    where,
                    line,
                    f"{name}: {reasons}; set {key} in {CONFIG_FILE} to use another value",
                    "generator-settings",
                )
            )
    if problems:
        raise ConfigError(problems)


def load_settings(directory: str | Path) -> tuple[Config, ActiveFlavor]:
    """``wikisync.yml`` and the flavor it names (or the detected one), with the defaults
    the generator's files give (see ``with_site_defaults``).

    Given a generator's project root (or another folder outside its content folder), the
    content folder its settings name is the content directory (``ActiveFlavor.directory``;
    see ``wikisync.local.flavors.locate_content``). ``wikisync.yml`` may sit in the folder
    given, the content folder or the project's root (one of them).
    """
    given = Path(directory)
    config = load_config(given)
    located = locate_content(given, config.flavor)
    content = located.content
    project = located.project
    folders: dict[Path, Path] = {}  # where a wikisync.yml may be: resolved -> as shown
    for folder in (given, content, project.root if project is not None else None):
        if folder is not None and os.path.lexists(folder / CONFIG_FILE):
            folders.setdefault(folder.resolve(), folder)
    if len(folders) > 1:
        shown = " and ".join(f.as_posix() for f in folders.values())
        raise ConfigError(
            [_problem(None, f"there is one in {shown}; keep one of them", "config-twice")]
        )
    found = next(iter(folders.values()), given)
    if found.resolve() != given.resolve():
        config = load_config(found)
    active = detect_flavor(content, config.flavor)
    if located.moved:
        origin = located.describe(given)
        if config.flavor != AUTO:
            origin = f"set in wikisync.yml; {origin}"
        active = ActiveFlavor(active.flavor, replace(active.site, origin=origin), content)
    return with_site_defaults(config, active), active


def load_config(directory: str | Path) -> Config:
    """Read ``<directory>/wikisync.yml``; defaults when the file does not exist.

    Raises [`ConfigError`][wikisync.errors.ConfigError] listing every problem found.
    """
    path = Path(directory) / CONFIG_FILE
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        _near_miss(Path(directory))
        return Config()
    except OSError as exc:
        raise ConfigError([_problem(None, f"cannot be read: {exc.strerror or exc}")]) from None
    if not stat.S_ISREG(mode):  # a FIFO or a device would block or never end
        raise ConfigError([_problem(None, "is not a regular file")])
    size = os.stat(path).st_size
    if size > MAX_CONFIG_BYTES:
        raise ConfigError(
            [_problem(None, f"is {size:,} bytes; wikisync reads at most {MAX_CONFIG_BYTES:,}")]
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError([_problem(None, f"cannot be read: {exc.strerror or exc}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError([_problem(line, "is not UTF-8 text")]) from None
    return parse_config(text)


_NEAR_MISS = re.compile(r"^\.?wiki[-_ ]?sync\.(?:ya?ml|json|toml)$", re.IGNORECASE)


def _near_miss(directory: Path) -> None:
    """Refuse to fall back to defaults when a settings file with a near-miss name is there
    (``wikisync.yaml``, ``.wikisync.yml``, ``WikiSync.yml``): the defaults would make the
    whole wiki the root."""
    try:
        names = sorted(entry.name for entry in os.scandir(directory))
    except OSError:
        return
    near = [n for n in names if n != CONFIG_FILE and _NEAR_MISS.match(n)]
    if near:
        raise ConfigError(
            [
                Problem(
                    near[0],
                    None,
                    f"wikisync reads its settings from {CONFIG_FILE!r} only; rename this file "
                    f"to {CONFIG_FILE} (without it the defaults apply: root '' is the whole wiki)",
                    "config-name",
                )
            ]
        )


def config_key_line(directory: str | Path, key: str) -> int | None:
    """The line of the top-level ``key`` in ``<directory>/wikisync.yml``, if it is set."""
    path = Path(directory) / CONFIG_FILE
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        node = compose_yaml(path.read_text("utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, YAMLSafetyError):
        return None
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return _node_line(key_node)
    return None
