"""Includes, expanded while the tree is loaded: the page gets the text the site shows.

========================  =============================================================
``--8<-- "file"``          pymdownx snippets: a file, ``file:3:5`` lines, ``file:name`` a
                           ``--8<-- [start:name]`` section; the block form lists files
``{! file !}``             markdown-include (also ``lines=1 3-5``)
``{* file ln[1:3] *}``     a code file as a code block (``hl[...]`` is dropped)
``<<< @/file#region``      VitePress code snippet as a code block (``@`` is the tree's root)
``<!--@include: ./x.md-->``  VitePress Markdown include (``{3,8}`` lines, ``#region``)
``{% include_relative x %}``  Jekyll
``{{< readfile file=x >}}``   Hugo/Docsy (``code="true" lang=go``: a code block)
``<Partial />``            a Docusaurus partial imported with ``import Partial from './_x.md'``
========================  =============================================================

A path is looked up beside the page, then from the content directory, its parent and the
include root (the git working tree); one that leaves the include root (``..`` too far, a
symbolic link out of it) is refused. Included Markdown is expanded in turn, at most
``MAX_DEPTH`` deep and ``MAX_CHARS`` in all per page; a file that includes itself is
refused. Every included line counts as the directive's line for warnings, and the files
read are returned so the page can be re-planned when one of them changes.

It is one module because every include form shares one path lookup, one budget and one
cycle check: none of them can reach outside the tree, or further, another way.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from wikisync.local.markdown.dialects._model import DialectContext, DialectProblem, Line
from wikisync.local.markdown.dialects._render import fence
from wikisync.local.markdown.dialects._shortcodes import parse_params
from wikisync.local.markdown.dialects._structure import Syntax, structure
from wikisync.local.markdown.parse import scan_markdown

__all__ = ["INCLUDE_RULES", "MAX_CHARS", "MAX_DEPTH", "IncludeRule", "expand"]

MAX_DEPTH = 8
"""How deep includes may nest."""

MAX_CHARS = 4_000_000
"""How many characters one page may include in all (Wiki.js takes pages up to 5 MB)."""

_SNIPPET = re.compile(
    r"^(?P<indent>[ \t]*)(?P<escape>;?)-{1,}8<-{1,}[ \t]+(?P<q>[\"'])(?P<spec>.+?)(?P=q)[ \t]*$"
)
_SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$")
_SNIPPET_SECTION = re.compile(r"-{1,}8<-{1,}[ \t]+\[(start|end):([\w-]+)\]")
_MD_INCLUDE = re.compile(r"^(?P<indent>[ \t]*)\{!\s*(?P<spec>[^!]+?)\s*!(?P<opts>[^}]*)\}[ \t]*$")
_CODE_INCLUDE = re.compile(r"^(?P<indent>[ \t]*)\{\*\s*(?P<path>\S+)(?P<opts>[^*]*)\*\}[ \t]*$")
_VP_SNIPPET = re.compile(
    r"^(?P<indent>[ \t]*)<<<[ \t]+(?P<path>[^\s{#\[]+)(?:#(?P<region>[\w-]+))?"
    r"(?:\{(?P<opts>[^}]*)\})?(?:[ \t]+\[(?P<label>[^\]]*)\])?[ \t]*$"
)
_VP_INCLUDE = re.compile(
    r"^(?P<indent>[ \t]*)<!--[ \t]*@include:[ \t]*(?P<path>[^\s{#]+?)(?:#(?P<region>[\w-]+))?"
    r"(?:\{(?P<range>[^}]*)\})?[ \t]*-->[ \t]*$"
)
_JEKYLL = re.compile(
    r"^(?P<indent>[ \t]*)\{%-?[ \t]*include_relative[ \t]+(?P<path>\S+)[^%]*-?%\}[ \t]*$"
)
_READFILE = re.compile(
    r"^(?P<indent>[ \t]*)\{\{[<%][ \t]*readfile\b(?P<params>(?:[^>%]|[>%](?!\}\}))*)[>%]\}\}[ \t]*$"
)
_MDX_IMPORT = re.compile(
    r"^import[ \t]+(?P<name>[A-Z][\w$]*)[ \t]+from[ \t]+['\"](?P<path>\.{1,2}/[^'\"]+\.mdx?)['\"];?[ \t]*$"
)
_MDX_USE = re.compile(r"^(?P<indent>[ \t]*)<(?P<name>[A-Z][\w$]*)[ \t]*/>[ \t]*$")
_REGION = re.compile(r"#region\b[ \t]*([\w-]*)")
_END_REGION = re.compile(r"#endregion\b")

_LANGUAGES = {
    "py": "python",
    "js": "javascript",
    "mjs": "javascript",
    "cjs": "javascript",
    "ts": "typescript",
    "tsx": "tsx",
    "jsx": "jsx",
    "rb": "ruby",
    "sh": "bash",
    "yml": "yaml",
    "md": "markdown",
    "rs": "rust",
    "kt": "kotlin",
    "cs": "csharp",
}


def _language(path: str) -> str:
    extension = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return _LANGUAGES.get(extension, extension)


@dataclass
class _Budget:
    chars: int = MAX_CHARS
    files: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class _Found:
    """An include directive on a line: the file, how to cut it, how to show it."""

    path: str
    relative_to_page: bool
    code: bool = False
    language: str = ""
    ranges: tuple[tuple[int, int | None], ...] = ()
    region: str | None = None
    section: str | None = None
    indent: str = ""
    outside_code_only: bool = False
    markers: tuple[str, ...] = ()


IncludeRule = Callable[[str, dict[str, str]], "_Found | None"]
"""``rule(line, imports)``: the include directive on a line, or ``None``."""


def _ranges(text: str, separator: str = "-") -> tuple[tuple[int, int | None], ...]:
    out: list[tuple[int, int | None]] = []
    for part in re.split(r"[\s,]+", text.strip()):
        if not part:
            continue
        first, sep, last = part.partition(separator)
        try:
            start = int(first) if first else 1
            end = (int(last) if last else None) if sep else start
        except ValueError:
            continue
        out.append((start, end))
    return tuple(out)


def _snippet(line: str, imports: dict[str, str]) -> _Found | None:
    if "8<" not in line:
        return None
    match = _SNIPPET.match(line)
    if match is None or match.group("escape"):
        return None
    spec = match.group("spec")
    if "://" in spec:
        return None
    path, section = spec, None
    ranges: tuple[tuple[int, int | None], ...] = ()
    head, sep, tail = spec.partition(":")
    if sep and tail:
        path = head
        if re.fullmatch(r"[\d:,]+", tail):
            cut: list[tuple[int, int | None]] = []
            for chunk in tail.split(","):
                first, _, last = chunk.partition(":")
                cut.append((int(first) if first else 1, int(last) if last else None))
            ranges = tuple(cut)
        else:
            section = tail
    return _Found(path, False, ranges=ranges, section=section, indent=match.group("indent"))


def _md_include(line: str, imports: dict[str, str]) -> _Found | None:
    if "{!" not in line:
        return None
    match = _MD_INCLUDE.match(line)
    if match is None:
        return None
    options = match.group("opts")
    ranges = _ranges(options.split("=", 1)[1]) if "lines=" in options else ()
    return _Found(match.group("spec"), False, ranges=ranges, indent=match.group("indent"))


def _code_include(line: str, imports: dict[str, str]) -> _Found | None:
    if "{*" not in line:
        return None
    match = _CODE_INCLUDE.match(line)
    if match is None:
        return None
    wanted = re.search(r"\bln\[([^\]]*)\]", match.group("opts"))
    ranges = _ranges(wanted.group(1).replace(":", "-")) if wanted else ()
    path = match.group("path")
    return _Found(
        path,
        True,
        code=True,
        language=_language(path),
        ranges=ranges,
        indent=match.group("indent"),
        outside_code_only=True,
    )


def _vitepress_snippet(line: str, imports: dict[str, str]) -> _Found | None:
    if "<<<" not in line:
        return None
    match = _VP_SNIPPET.match(line)
    if match is None:
        return None
    path = match.group("path")
    language = _language(path)
    options = (match.group("opts") or "").split()
    for option in options:
        if not re.fullmatch(r"[\d,\-]+", option):
            language = option
    root = path.startswith("@/")
    return _Found(
        path[2:] if root else path,
        not root,
        code=True,
        language=language,
        region=match.group("region"),
        indent=match.group("indent"),
        outside_code_only=True,
    )


def _vitepress_include(line: str, imports: dict[str, str]) -> _Found | None:
    if "@include" not in line:
        return None
    match = _VP_INCLUDE.match(line)
    if match is None:
        return None
    path = match.group("path")
    ranges: tuple[tuple[int, int | None], ...] = ()
    wanted = re.fullmatch(r"[ \t]*(\d*)[ \t]*,[ \t]*(\d*)[ \t]*", match.group("range") or "")
    if wanted:
        first, last = wanted.groups()
        ranges = ((int(first) if first else 1, int(last) if last else None),)
    root = path.startswith("@/")
    return _Found(
        path[2:] if root else path,
        not root,
        ranges=ranges,
        region=match.group("region"),
        indent=match.group("indent"),
    )


def _jekyll(line: str, imports: dict[str, str]) -> _Found | None:
    if "include_relative" not in line:
        return None
    match = _JEKYLL.match(line)
    if match is None:
        return None
    return _Found(match.group("path"), True, indent=match.group("indent"))


def _readfile(line: str, imports: dict[str, str]) -> _Found | None:
    if "readfile" not in line:
        return None
    match = _READFILE.match(line)
    if match is None:
        return None
    positional, named = parse_params(match.group("params"))
    path = named.get("file") or (positional[0] if positional else "")
    if not path:
        return None
    code = named.get("code", "").lower() == "true"
    language = named.get("lang", "") or (_language(path) if code else "")
    if path.startswith("/"):
        return _Found(
            path.lstrip("/"), False, code=code, language=language, indent=match.group("indent")
        )
    return _Found(path, True, code=code, language=language, indent=match.group("indent"))


def _mdx_partial(line: str, imports: dict[str, str]) -> _Found | None:
    if not imports or "<" not in line:
        return None
    match = _MDX_USE.match(line)
    if match is None or match.group("name") not in imports:
        return None
    return _Found(
        imports[match.group("name")],
        True,
        indent=match.group("indent"),
        outside_code_only=True,
        markers=("front-matter", "own-links"),
    )


INCLUDE_RULES: dict[str, tuple[IncludeRule, ...]] = {
    "pymdownx-snippets": (_snippet,),
    "markdown-include": (_md_include,),
    "code-includes": (_code_include,),
    "vitepress-includes": (_vitepress_snippet, _vitepress_include),
    "liquid": (_jekyll,),
    "hugo-shortcodes": (_readfile,),
    "mdx": (_mdx_partial,),
}
"""The include directives each dialect extension reads."""


def _select(lines: list[str], found: _Found) -> list[str] | None:
    if found.section is not None:
        out: list[str] = []
        inside = False
        for line in lines:
            marker = _SNIPPET_SECTION.search(line)
            if marker and marker.group(2) == found.section:
                if marker.group(1) == "start":
                    inside = True
                    continue
                break
            if inside:
                out.append(line)
        return out if inside else None
    if found.region is not None:
        out = []
        inside = False
        for line in lines:
            if not inside:
                region = _REGION.search(line)
                if region and region.group(1) == found.region:
                    inside = True
                continue
            if _END_REGION.search(line):
                break
            out.append(line)
        return out if inside else None
    if found.ranges:
        out = []
        for start, end in found.ranges:
            out.extend(lines[max(start, 1) - 1 : len(lines) if end is None else end])
        return out
    return lines


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _rebased(
    lines: list[Line], source: str, page: str, exists: Callable[[str], bool]
) -> list[Line]:
    """``lines`` of a file in folder ``source`` whose relative links name files from
    there (an MDX partial is a module of its own: Docusaurus resolves its links from its
    file first), with those links written from the including page's folder ``page``. A
    link naming no file from there is left for the page's own lookup (Docusaurus then
    tries the docs folder)."""
    text = "\n".join(line.text for line in lines)
    if "](" not in text and "]:" not in text and "href" not in text and "src" not in text:
        return lines
    parts: list[str] = []
    last = 0
    for found in scan_markdown(text).destinations:
        target = found.target
        if not target or target.startswith(("/", "#", "{", "<")) or _SCHEME.match(target):
            continue
        cut = min((i for i in (target.find("#"), target.find("?")) if i >= 0), default=len(target))
        joined = posixpath.normpath(posixpath.join(source, target[:cut]))
        if joined == ".." or joined.startswith("../") or not exists(joined):
            continue  # not a file from there: the page's own lookup decides
        moved = posixpath.relpath(joined, page or ".")
        parts.extend((text[last : found.start], moved + target[cut:]))
        last = found.end
    if not parts:
        return lines
    parts.append(text[last:])
    return [
        replace(line, text=new) for line, new in zip(lines, "".join(parts).split("\n"), strict=True)
    ]


def _strip_front_matter(lines: list[str]) -> list[str]:
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return lines[index + 1 :]
    return lines


def _candidates(found: _Found, context: DialectContext) -> list[str]:
    if found.path.startswith("/"):
        return []
    bases = [context.here] if found.relative_to_page else []
    parent = posixpath.dirname(context.content_root) if context.content_root else ""
    for base in (context.here, context.content_root, *context.search, parent, ""):
        if base not in bases:
            bases.append(base)
    out: list[str] = []
    for base in bases:
        joined = posixpath.normpath(posixpath.join(base, found.path))
        if joined == ".." or joined.startswith("../") or joined in out:
            continue
        out.append(joined)
    return out


def expand(
    lines: Sequence[Line],
    rules: Sequence[IncludeRule],
    context: DialectContext,
    *,
    syntax: Syntax = Syntax(),
    _depth: int = 0,
    _budget: _Budget | None = None,
    _stack: tuple[str, ...] = (),
) -> tuple[list[Line], list[DialectProblem], list[str], set[int]]:
    """``lines`` with every include directive replaced by what it includes; the
    problems, the files read (relative to the include root, in order), and the lines
    whose directive is text on purpose (escaped: ``;--8<--``) or already warned about.
    ``syntax`` is the dialect's: a directive in code (as the parse with it reads the page)
    is text, for the directives that say so."""
    budget = _budget if _budget is not None else _Budget()
    problems: list[DialectProblem] = []
    read: list[str] = []
    if not rules or context.read is None:
        return list(lines), problems, read, set()
    imports: dict[str, str] = {}
    quiet: set[int] = set()
    out: list[Line] = []
    snippet_block: list[Line] | None = None
    parsed: list[frozenset[int]] = []

    def include(found: _Found, origin: int) -> bool:
        return _include(
            found,
            origin,
            context,
            rules,
            out,
            problems,
            read,
            budget,
            _depth,
            _stack,
            quiet,
            syntax,
        )

    def in_code(index: int) -> bool:
        """Whether line ``index`` is code: the page is parsed the first time it matters."""
        if not parsed:
            parsed.append(structure([line.text for line in lines], syntax).code)
        return index in parsed[0]

    for index, line in enumerate(lines):
        text = line.text
        if snippet_block is not None and _snippet in rules:
            if _SNIPPET_BLOCK.match(text):
                for named in snippet_block:
                    name = named.text.strip()
                    listed = name and not name.startswith(";")
                    if listed and not include(_Found(name, False), named.origin):
                        out.append(named)
                snippet_block = None
            else:
                snippet_block.append(line)
            continue
        if _mdx_partial in rules:
            imported = _MDX_IMPORT.match(text)
            if imported and not in_code(index):
                imports[imported.group("name")] = imported.group("path")
        if _snippet in rules and _SNIPPET_BLOCK.match(text):
            snippet_block = []
            continue
        found: _Found | None = None
        for rule in rules:
            found = rule(text, imports)
            if found is not None:
                break
        if found is None or (found.outside_code_only and in_code(index)):
            if _snippet in rules and "8<" in text:
                escaped = re.sub(r"^([ \t]*);(-{1,}8<-{1,})", r"\1\2", text)
                if _SNIPPET_SECTION.search(escaped) and escaped == text:
                    continue  # a section marker of an included file
                if escaped != text:
                    quiet.add(line.origin)  # escaped on purpose: no warning
                text = escaped
            out.append(Line(text, line.origin) if text is not line.text else line)
            continue
        if not include(found, line.origin):
            out.append(line)
    if snippet_block is not None:
        out.extend(snippet_block)
    # An escaped directive (``;--8<--``) is text the author wants shown: no warning.
    return out, problems, read, quiet


def _fail(problems: list[DialectProblem], origin: int, message: str) -> bool:
    problems.append(DialectProblem(origin, f"{message}; left as text", "unconverted-syntax"))
    return False


def _include(
    found: _Found,
    origin: int,
    context: DialectContext,
    rules: Sequence[IncludeRule],
    out: list[Line],
    problems: list[DialectProblem],
    read: list[str],
    budget: _Budget,
    depth: int,
    stack: tuple[str, ...],
    quiet: set[int],
    syntax: Syntax,
) -> bool:
    """Append what ``found`` includes to ``out``; ``False`` (with a problem) when nothing
    is included, and the directive stays as it is."""
    assert context.read is not None
    shown = found.path
    if depth >= MAX_DEPTH:
        return _fail(
            problems,
            origin,
            f"include of {shown!r} is nested more than {MAX_DEPTH} deep, not included",
        )
    candidates = _candidates(found, context)
    if not candidates:
        return _fail(
            problems, origin, f"include of {shown!r}: the file is outside the tree, not included"
        )
    text = None
    path = ""
    for path in candidates:
        text = context.read(path)
        if text is not None:
            break
    if text is None:
        return _fail(
            problems, origin, f"include of {shown!r}: no such file in the tree, not included"
        )
    if path in stack:
        return _fail(problems, origin, f"include of {shown!r} includes itself, not included again")
    if len(text) > budget.chars:
        return _fail(
            problems,
            origin,
            f"include of {shown!r} would take the page over {MAX_CHARS:,} included characters, not included",
        )
    budget.chars -= len(text)
    read.append(path)
    raw = text.replace("\r\n", "\n").split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    if "front-matter" in found.markers:
        raw = _strip_front_matter(raw)
    selected = _select(raw, found)
    if selected is None:
        return _fail(
            problems,
            origin,
            f"include of {shown!r}: the section or region is not in the file, not included",
        )
    if found.code:
        body = [Line(line, origin) for line in selected]
        for line in fence(body, found.language, origin):
            out.append(Line(f"{found.indent}{line.text}" if line.text else "", origin))
        return True
    here = posixpath.dirname(path)
    inner = replace(context, here=here)
    expanded, inner_problems, inner_read, inner_quiet = expand(
        [Line(line, origin) for line in selected],
        rules,
        inner,
        syntax=syntax,
        _depth=depth + 1,
        _budget=budget,
        _stack=(*stack, path),
    )
    problems.extend(inner_problems)
    read.extend(inner_read)
    if inner_quiet:
        quiet.add(origin)
    if "own-links" in found.markers:
        read_file = context.read
        expanded = _rebased(expanded, here, context.here, lambda name: read_file(name) is not None)
    for line in expanded:
        out.append(Line(f"{found.indent}{line.text}" if line.text else "", origin))
    return True
