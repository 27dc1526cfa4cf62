"""Dialects: each generator's Markdown constructs, converted to what Wiki.js shows.

A *dialect* is a tuple of extension names, the Markdown extensions a generator documents
(``Flavor.dialect``; ``dialect:`` in wikisync.yml overrides it). ``DIALECTS`` holds every
extension wikisync knows, by name: what it converts, with which rules. ``convert`` runs
the ones named, in one pass over the page and linear in its size:

1. line rewrites that apply everywhere, code included (Hugo's ``{{</* x */>}}``);
2. includes, expanded (``_includes``): the page gets the text the site shows, and the
   files read are returned (a change to one of them is a change to the page);
3. the page parsed with markdown-it-py set up with the dialect's Markdown containers
   (``_structure``): where code, headings, quotes and each container are;
4. containers and inline constructs converted along that structure (``_scan``):
   callouts, ``<details>``, tabsets, code blocks, images, links;
5. what is left as text warned about, one warning per construct (``_leftover``).

Markdown containers (``containers``: admonitions, tabs, pymdownx blocks, ``:::``
containers, GitHub alerts) are found by the parse. Template constructs (``openers``: Hugo
shortcodes, MDX components and statements, Liquid tags, kramdown attribute lists) are
what a generator expands outside its Markdown parser, or what no Markdown parser in Python
reads; they are recognised on the lines of text the parse leaves outside code.

Every output line knows the content line it comes from, so warnings name the file's line.
Nothing here names a generator: the flavors pick extensions by name.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from wikisync.local.markdown.dialects._attributes import (
    kramdown_ial,
    liquid_block,
    liquid_inline,
    markdown_html,
)
from wikisync.local.markdown.dialects._components import (
    SECTION_PAGES,
    badge,
    mdx_block,
    mdx_statement,
)
from wikisync.local.markdown.dialects._containers import (
    VITEPRESS_CONTAINERS,
    admonition,
    colon_container,
    github_alert,
    material_tab,
    pymdownx_block,
    pymdownx_details,
    vitepress_container,
    vitepress_tabs,
)
from wikisync.local.markdown.dialects._crossrefs import autoref
from wikisync.local.markdown.dialects._includes import INCLUDE_RULES, IncludeRule, expand
from wikisync.local.markdown.dialects._leftover import left_as_text
from wikisync.local.markdown.dialects._model import (
    DialectContext,
    DialectProblem,
    InlineRule,
    Line,
    Opener,
)
from wikisync.local.markdown.dialects._render import STYLES
from wikisync.local.markdown.dialects._scan import scan
from wikisync.local.markdown.dialects._shortcodes import (
    docsy_block,
    hugo_block,
    hugo_inline,
    unescape_shortcodes,
)
from wikisync.local.markdown.dialects._structure import Syntax, structure

__all__ = [
    "DIALECTS",
    "SECTION_PAGES",
    "STYLES",
    "Dialect",
    "DialectContext",
    "DialectProblem",
    "DialectResult",
    "convert",
    "unknown_extensions",
]


@dataclass(frozen=True)
class Dialect:
    """One Markdown extension: the constructs it adds and how they become Wiki.js's.

    ``containers`` recognise the opening line of a Markdown container (opened where the
    parse, set up with ``syntax``, found one), ``openers`` a template construct on a line
    of text, ``inline`` rewrite constructs within text lines, ``includes`` expand include
    directives, ``preprocess`` rewrites every line (code too) before anything else.
    """

    name: str
    summary: str
    openers: tuple[Opener, ...] = ()
    inline: tuple[InlineRule, ...] = ()
    includes: tuple[IncludeRule, ...] = ()
    preprocess: tuple[Callable[[str], str], ...] = ()
    containers: tuple[Opener, ...] = ()
    syntax: Syntax = Syntax()
    marks: tuple[str, ...] = ()
    """Text that every one of its block and inline constructs holds (``"\\n"`` is the
    start of a line): a page holding none of the marks of its dialect is not parsed for
    them (its text is its conversion)."""


def _syntax(chosen: Sequence[Dialect]) -> Syntax:
    return Syntax(
        tuple(o for d in chosen for o in d.syntax.containers),
        tuple(n for d in chosen for n in d.syntax.markdown_it_containers),
        all(d.syntax.html_blocks for d in chosen),
        all(d.syntax.indented_code for d in chosen),
    )


DIALECTS: Mapping[str, Dialect] = MappingProxyType(
    {
        d.name: d
        for d in (
            Dialect(
                "admonition",
                '!!! type "Title" -> a callout',
                containers=(admonition,),
                syntax=Syntax(containers=(admonition,)),
                marks=("!!!",),
            ),
            Dialect(
                "pymdownx-details",
                '??? type "Title" -> <details>',
                containers=(pymdownx_details,),
                syntax=Syntax(containers=(pymdownx_details,)),
                marks=("???",),
            ),
            Dialect(
                "pymdownx-blocks",
                "/// note | Title, /// details, /// tab -> callouts, <details>, tabsets",
                containers=(pymdownx_block,),
                syntax=Syntax(containers=(pymdownx_block,)),
                marks=("///",),
            ),
            Dialect(
                "material-tabs",
                '=== "Title" content tabs -> a tabset',
                containers=(material_tab,),
                syntax=Syntax(containers=(material_tab,)),
                marks=("===",),
            ),
            Dialect(
                "pymdownx-snippets",
                '--8<-- "file" (lines, sections, block form) -> the file\'s text',
                includes=INCLUDE_RULES["pymdownx-snippets"],
            ),
            Dialect(
                "markdown-include",
                "{! file !} -> the file's text",
                includes=INCLUDE_RULES["markdown-include"],
            ),
            Dialect(
                "code-includes",
                "{* file ln[1:3] *} -> the file as a code block",
                includes=INCLUDE_RULES["code-includes"],
            ),
            Dialect(
                "vitepress-containers",
                "::: tip|info|warning|danger|details|code-group -> callouts, <details>, tabsets",
                containers=(vitepress_container,),
                syntax=Syntax(markdown_it_containers=VITEPRESS_CONTAINERS),
                marks=(":::",),
            ),
            Dialect(
                "vitepress-tabs",
                ":::tabs with == Title tabs (vitepress-plugin-tabs) -> a tabset",
                containers=(vitepress_tabs,),
                syntax=Syntax(markdown_it_containers=("tabs",)),
                marks=(":::",),
            ),
            Dialect(
                "vitepress-components",
                '<Badge type="tip" text="v1" /> -> `v1`',
                inline=(badge,),
                marks=("<Badge",),
            ),
            Dialect(
                "vitepress-includes",
                "<<< @/file and <!--@include: ./x.md--> -> a code block, the file's text",
                includes=INCLUDE_RULES["vitepress-includes"],
            ),
            Dialect(
                "docusaurus-admonitions",
                ":::type Title ... ::: -> a callout",
                containers=(colon_container,),
                syntax=Syntax(containers=(colon_container,)),
                marks=(":::",),
            ),
            Dialect(
                "mdx",
                "import/export dropped; <Tabs>, <details>, <Admonition>, <CodeBlock>, "
                "<DocCardList />, imported partials",
                (mdx_block,),
                includes=INCLUDE_RULES["mdx"],
                syntax=Syntax(html_blocks=False, indented_code=False),
                marks=("\nimport", "\nexport", "<"),
            ),
            Dialect(
                "mdx-statements",
                "MDX import/export statements dropped (part of mdx)",
                (mdx_statement,),
                marks=("\nimport", "\nexport"),
            ),
            Dialect(
                "hugo-shortcodes",
                "figure, highlight, details, param, youtube, vimeo, readfile",
                (hugo_block,),
                (hugo_inline,),
                INCLUDE_RULES["hugo-shortcodes"],
                (unescape_shortcodes,),
                marks=("{{",),
            ),
            Dialect(
                "docsy",
                "alert, pageinfo -> callouts; tabpane/tab -> a tabset",
                (docsy_block,),
                marks=("{{",),
            ),
            Dialect(
                "github-alerts",
                "> [!NOTE] -> a callout",
                containers=(github_alert,),
                marks=("[!",),
            ),
            Dialect(
                "kramdown-ial",
                "{: .note } callouts; attribute lists where Wiki.js reads them",
                (kramdown_ial,),
                marks=("{:",),
            ),
            Dialect(
                "md-in-html",
                '<div markdown="1"> (also block, span) -> the tag, its content read as Markdown',
                (markdown_html,),
                marks=("markdown",),
            ),
            Dialect(
                "autorefs",
                "[text][package.Name] with no definition -> its text (the plugin's page is not in the wiki)",
                inline=(autoref,),
                marks=("][",),
            ),
            Dialect(
                "template-expressions",
                "{{ x }} (macros, Vue): warned about, left as text",
            ),
            Dialect(
                "liquid",
                "{% raw %}, {% highlight %}, {% comment %}, {% include_relative %}",
                (liquid_block,),
                (liquid_inline,),
                INCLUDE_RULES["liquid"],
                marks=("{%",),
            ),
        )
    }
)
"""Every dialect extension, by name, in the order their openers are tried."""


@dataclass(frozen=True)
class DialectResult:
    """A page converted: its content, for each line the content line it comes from (from
    1), the warnings, the files it includes (relative to the include root), and how many
    constructs were left as text."""

    content: str
    origins: tuple[int, ...]
    problems: tuple[DialectProblem, ...]
    includes: tuple[str, ...] = ()

    @property
    def left_as_text(self) -> int:
        return sum(1 for p in self.problems if p.left_as_text)

    def origin(self, line: int) -> int:
        """The content line that line ``line`` (from 1) of ``content`` comes from."""
        if not self.origins:
            return line
        return self.origins[min(max(line, 1), len(self.origins)) - 1]


def _touched(lines: Sequence[Line], chosen: Sequence[Dialect], context: DialectContext) -> bool:
    """Whether a construct of ``chosen`` may be on some line: one holding a mark of an
    extension that one of its rules recognises (as written, or without the indentation
    and quote markers of the containers it may be in). When none is, the page is its own
    conversion and is not parsed for one."""
    text = "\n" + "\n".join(line.text for line in lines)
    present = [d for d in chosen if any(mark in text for mark in d.marks)]
    if not present:
        return False
    for line in lines:
        for dialect in present:
            if not any(mark in "\n" + line.text for mark in dialect.marks):
                continue
            for candidate in _unnested(line.text):
                for opener in (*dialect.containers, *dialect.openers):
                    if opener(candidate, line.origin, context) is not None:
                        return True
                for rule in dialect.inline:
                    if rule(candidate, line.origin, context) != (candidate, ()):
                        return True
    return False


def _unnested(text: str) -> list[str]:
    """``text``, and ``text`` without its indentation and each of its quote markers in
    turn: how a line may read inside the containers it is in."""
    out = [text]
    rest = text.lstrip(" \t")
    while rest != out[-1]:
        out.append(rest)
        if rest.startswith(">"):
            rest = rest[1:].lstrip(" \t")
    return out


def unknown_extensions(names: Sequence[str]) -> tuple[str, ...]:
    """The names that are not dialect extensions."""
    return tuple(n for n in names if n not in DIALECTS)


def convert(
    content: str,
    dialect: Sequence[str],
    context: DialectContext | None = None,
    *,
    warn: bool = True,
) -> DialectResult:
    """``content`` with the constructs of the extensions ``dialect`` converted (see the
    module docstring). Unknown names are ignored (configuration checks them). Without
    ``warn``, constructs left as text are not looked for."""
    context = context or DialectContext(source="")
    chosen = [d for name, d in DIALECTS.items() if name in dialect]
    preprocess = [f for d in chosen for f in d.preprocess]
    lines = []
    for number, text in enumerate(content.split("\n"), start=1):
        for rewrite in preprocess:
            text = rewrite(text)
        lines.append(Line(text, number))
    includes: list[str] = []
    failed: set[int] = set()
    problems: list[DialectProblem] = []
    rules = [r for d in chosen for r in d.includes]
    syntax = _syntax(chosen)
    if rules and context.read is not None:
        page = posixpath.join(context.here, posixpath.basename(context.source))
        lines, found, includes, settled = expand(
            lines, rules, context, syntax=syntax, _stack=(page,)
        )
        problems.extend(found)
        failed = settled | {p.line for p in found}
    containers = [o for d in chosen for o in d.containers]
    openers = [o for d in chosen for o in d.openers]
    inline = [r for d in chosen for r in d.inline]
    if (containers or openers or inline) and _touched(lines, chosen, context):
        parsed = structure([line.text for line in lines], syntax)
        lines, found = scan(lines, parsed, containers, openers, inline, context)
        problems.extend(found)
    if warn:
        problems.extend(left_as_text(lines, dialect, skip=failed))
    problems.sort(key=lambda p: p.line)
    return DialectResult(
        "\n".join(line.text for line in lines),
        tuple(line.origin for line in lines),
        tuple(problems),
        tuple(dict.fromkeys(includes)),
    )
