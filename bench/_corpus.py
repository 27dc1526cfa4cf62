"""Synthetic documentation corpora, written into a directory.

A corpus looks like a real handbook: sections and topics as folders, an ``index.md`` per
topic, front matter with a title, description and tags, headings, paragraphs, lists, a
fenced code block, relative links to sibling and cousin pages (rewritten to wiki links
on load) and a few HTML pages. Pages are about 2-3 KB. The same ``seed`` and size always
give the same files, so runs can be compared.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Corpus", "edit_files", "write_corpus"]

_WORDS = (  # noqa: SIM905 - a sentence is easier to read than a list of 45 words
    "wiki install deploy cluster backup restore token proxy cache render search index "
    "locale page folder asset upload policy release version config network storage "
    "database replica worker queue session header build review publish draft team "
    "service endpoint schema migrate monitor alert metric trace secret rotate audit"
).split()

_TOPICS_PER_SECTION = 10
_PAGES_PER_TOPIC = 20


@dataclass(frozen=True)
class Corpus:
    """A generated content directory: its files (posix, relative) and wiki ``root``."""

    directory: Path
    files: tuple[str, ...]
    root: str

    @property
    def size(self) -> int:
        return len(self.files)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(3, 5)))


def _layout(count: int) -> list[str]:
    """``count`` file paths: ``section-SS/topic-TT/index.md`` then ``page-PPP.md``."""
    files: list[str] = []
    section = 0
    while len(files) < count:
        for topic in range(_TOPICS_PER_SECTION):
            folder = f"section-{section:02d}/topic-{topic:02d}"
            for page in range(_PAGES_PER_TOPIC):
                if len(files) >= count:
                    return files
                if page == 0:
                    files.append(f"{folder}/index.md")
                elif page % 25 == 7:
                    files.append(f"{folder}/page-{page:03d}.html")
                else:
                    files.append(f"{folder}/page-{page:03d}.md")
        section += 1
    return files


def _relative(source: str, target: str) -> str:
    src_parts = source.split("/")[:-1]
    dst_parts = target.split("/")
    common = 0
    while (
        common < len(src_parts)
        and common < len(dst_parts) - 1
        and src_parts[common] == dst_parts[common]
    ):
        common += 1
    ups = [".."] * (len(src_parts) - common)
    return "/".join([*ups, *dst_parts[common:]]) or dst_parts[-1]


def _markdown(rel: str, index: int, files: list[str], rng: random.Random, revision: int) -> str:
    title = f"{rng.choice(_WORDS).title()} {rng.choice(_WORDS)} guide {index}"
    tags = sorted({rng.choice(_WORDS) for _ in range(3)})
    neighbours = [files[(index + step) % len(files)] for step in (1, 7, 41)]
    links = [f"[{Path(n).stem} notes]({_relative(rel, n)}#setup)" for n in neighbours if n != rel]
    lines = [
        "---",
        f"title: {title}",
        f"description: {_sentence(rng, 8)}",
        "tags:",
        *(f"  - {t}" for t in tags),
        "published: true",
        "---",
        "",
        f"# {title}",
        "",
        _paragraph(rng),
        "",
        "## Setup",
        "",
        _paragraph(rng),
        "",
        *(f"- {_sentence(rng, 6)}" for _ in range(4)),
        "",
        "```bash",
        f"wikisync plan docs/ --target {rng.choice(_WORDS)}",
        f"export WIKI_{rng.choice(_WORDS).upper()}=1",
        "```",
        "",
        "## See also",
        "",
        *(f"- {link}" for link in links),
        "",
        _paragraph(rng),
    ]
    if revision:
        lines += ["", f"Revision {revision}: {_sentence(rng, 10)}"]
    return "\n".join(lines) + "\n"


def _html(rel: str, index: int, rng: random.Random, revision: int) -> str:
    title = f"{rng.choice(_WORDS).title()} reference {index}"
    body = "\n".join(f"<p>{_paragraph(rng)}</p>" for _ in range(3))
    extra = f"\n<p>Revision {revision}.</p>" if revision else ""
    return (
        "<!--\n"
        f"title: {title}\n"
        f"description: {_sentence(rng, 6)}\n"
        "published: true\n"
        "tags: reference, html\n"
        "editor: ckeditor\n"
        "-->\n\n"
        f"<h1>{title}</h1>\n{body}{extra}\n"
    )


def _render(rel: str, index: int, files: list[str], seed: int, revision: int) -> str:
    rng = random.Random(f"{seed}:{rel}")
    if rel.endswith(".html"):
        return _html(rel, index, rng, revision)
    return _markdown(rel, index, files, rng, revision)


def write_corpus(directory: Path, count: int, *, seed: int = 1, root: str = "handbook") -> Corpus:
    """Write ``count`` page files (and a ``wikisync.yml``) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "wikisync.yml").write_text(
        f"locale: en\nroot: {root}\nmax_delete: 10\n", encoding="utf-8"
    )
    files = _layout(count)
    made: set[Path] = set()
    for index, rel in enumerate(files):
        path = directory / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(_render(rel, index, files, seed, 0), encoding="utf-8")
    return Corpus(directory, tuple(files), root)


def edit_files(corpus: Corpus, count: int, *, seed: int = 1, revision: int = 1) -> list[str]:
    """Change the content of ``count`` files spread over the corpus; returns them."""
    if count <= 0:
        return []
    files = list(corpus.files)
    step = max(1, len(files) // count)
    chosen = files[::step][:count]
    for rel in chosen:
        index = files.index(rel)
        (corpus.directory / rel).write_text(
            _render(rel, index, files, seed, revision), encoding="utf-8"
        )
    return chosen
